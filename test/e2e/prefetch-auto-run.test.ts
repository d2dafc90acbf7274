// prefetch: auto, for real: an image is unpacked into a scratch root and its entrypoint run there under strace, in
// its own namespaces (this needs root, strace, unshare and a static /bin/busybox, as scripts/setup-system.sh
// installs); the files it opened before its port answered are prefetched, those it did not are not.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertImage } from '../../src/estargz/index.js';
import { OciLayout } from '../../src/oci/index.js';
import { describeOutcome, recordStartup } from '../../src/prefetch-auto/index.js';
import { readWholeToc } from '../helpers/estargz.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar } from '../helpers/tar-builder.js';

const canRun = process.getuid?.() === 0 && existsSync('/bin/busybox') && commandExists('strace') && commandExists('unshare');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prefetch-auto-test-'));
  dirs.push(dir);
  return dir;
}

/** A busybox image (merged /usr: /bin links to usr/bin) whose entrypoint reads one of two files and serves a port. */
async function serviceImage(config: Record<string, unknown>, extra: Array<{ name: string; type?: string; data?: string; linkName?: string }> = []) {
  const dir = scratch();
  const base = buildTar([
    { name: 'usr/', type: '5', mode: 0o755 },
    { name: 'usr/bin/', type: '5', mode: 0o755 },
    { name: 'usr/bin/busybox', data: readFileSync('/bin/busybox'), mode: 0o755 },
    { name: 'bin', type: '2', linkName: 'usr/bin' },
    { name: 'data/', type: '5', mode: 0o755 },
    { name: 'data/unread.txt', data: 'not needed at start\n' },
    { name: 'data/old.txt', data: 'whited out above\n' },
  ]);
  const app = buildTar([
    { name: 'app/', type: '5', mode: 0o755 },
    { name: 'app/start.sh', mode: 0o755, data: '/bin/busybox cat /data/read.txt > /dev/null\nexec /bin/busybox httpd -f -p 127.0.0.1:8080 -h /app\n' },
    { name: 'data/', type: '5', mode: 0o755 },
    { name: 'data/read.txt', data: 'read at start\n' },
    { name: 'data/.wh.old.txt', data: '' },
    ...extra,
  ]);
  writeImageLayout(dir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [base, app], gzip: true, config }]);
  const layout = await OciLayout.open(dir);
  return { layout, top: await layout.resolve() };
}

describe('prefetch auto', () => {
  it('has what it records with here: root, a static busybox, strace and unshare (scripts/setup-system.sh installs them)', () => {
    expect(canRun).toBe(true);
  });

  it('prefetches the file the service reads before its port answers, and not the one it does not read', async () => {
    const { layout, top } = await serviceImage({
      Entrypoint: ['/bin/busybox', 'sh'],
      Cmd: ['start.sh'],
      WorkingDir: '/app',
      Env: ['PATH=/bin'],
      ExposedPorts: { '8080/tcp': {} },
    });
    const recording = await recordStartup(layout, top, { workDir: scratch(), timeoutSeconds: 20 });
    expect(recording.outcome.kind, describeOutcome(recording)).toBe('port');
    expect(describeOutcome(recording)).toMatch(/port 8080 answered at \d+\.\d s/);
    expect(recording.paths).toContain('/data/read.txt');
    expect(recording.paths).toContain('/app/start.sh');
    expect(recording.paths).not.toContain('/data/unread.txt');
    // The whiteout was applied in the scratch root: the service could not have opened the hidden file.
    expect(recording.paths).not.toContain('/data/old.txt');

    const out = await OciLayout.create(join(scratch(), 'out'));
    const converted = await convertImage(layout, top, out, { prefetch: recording.paths.map((opened) => ({ opened })) });
    expect(converted.missingPrefetch).toEqual([]);
    const [base, app] = converted.manifests[0]?.layers ?? [];
    const order = async (digest: string) => (await readWholeToc(out.blobPath(digest as never))).entries.filter((e) => e.type !== 'chunk').map((e) => e.name);
    const baseNames = await order(base?.result.digest ?? '');
    const appNames = await order(app?.result.digest ?? '');
    const landmark = (names: string[]) => names.indexOf('.prefetch.landmark');
    expect(landmark(baseNames)).toBeGreaterThan(baseNames.indexOf('usr/bin/busybox'));
    expect(baseNames.indexOf('data/unread.txt')).toBeGreaterThan(landmark(baseNames));
    expect(appNames.indexOf('data/read.txt')).toBeLessThan(landmark(appNames));
    expect(appNames.indexOf('data/read.txt')).toBeGreaterThanOrEqual(0);
  });

  it('falls back, saying why, when the entrypoint cannot run here', async () => {
    const { layout, top } = await serviceImage({ Entrypoint: ['/opt/missing-binary'], ExposedPorts: { '8080/tcp': {} } });
    const recording = await recordStartup(layout, top, { workDir: scratch(), timeoutSeconds: 5 });
    expect(recording.paths).toEqual([]);
    expect(recording.outcome.kind).toBe('fell-back');
    expect(describeOutcome(recording)).toMatch(/fell back to the explicit list: the entrypoint "\/opt\/missing-binary" exited with code \d+/);
  });

  it('stops at the time bound when no port answers', async () => {
    const { layout, top } = await serviceImage({ Entrypoint: ['/bin/busybox', 'sh', '-c', '/bin/busybox cat /data/read.txt; /bin/busybox sleep 30'] });
    const started = Date.now();
    const recording = await recordStartup(layout, top, { workDir: scratch(), timeoutSeconds: 2 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(recording.outcome).toEqual({ kind: 'time-bound', seconds: 2 });
    expect(recording.paths).toContain('/data/read.txt');
  });

  it('gives the service no network: a port of this machine is out of its reach', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as { port: number }).port;
    const hosts = ['127.0.0.1', ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address))];
    // Reaching any address of this machine prints "reached"; the trace still records what it read before.
    const tries = hosts.map((host) => `/bin/busybox nc -w 1 ${host} ${port} </dev/null && echo reached`).join('; ');
    try {
      const { layout, top } = await serviceImage({
        Entrypoint: ['/bin/busybox', 'sh', '-c', `/bin/busybox cat /data/read.txt; ${tries}; /bin/busybox sleep 30`],
      });
      const recording = await recordStartup(layout, top, { workDir: scratch(), timeoutSeconds: 3 });
      expect(recording.outcome.kind).toBe('time-bound');
      expect(recording.paths).toContain('/data/read.txt');
      expect(recording.output ?? '').not.toContain('reached');
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });
});
