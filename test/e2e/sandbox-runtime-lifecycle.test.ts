// The room runtime's edges, against the real containerd, runc and stargz snapshotter: mount subpaths that would
// leave their root through a symbolic link (one a container made in room storage, one an image ships) are refused
// with the reason in the service's state and log; stopping the sandbox right after an update and a disable leaves
// no container, process or mount behind; and a snapshotter daemon or containerd that does not start costs lazy
// pulling or the runtime, never the sandbox, which says why once and keeps the services recorded.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import type { ServiceSpec } from '../../src/meshagent/wire-service.js';
import { ConsoleRunner } from '../../src/runner.js';
import { shipFromInputs } from '../../src/ship.js';
import type { RuntimeReportEntry } from '../../sandbox/runtime/report.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar } from '../helpers/tar-builder.js';
import { runAsync } from '../infra/env.js';

const infra = inject('infra');
let sandbox: Sandbox;
let work: string;
let imageRef: string;
const said: string[] = [];

interface Report {
  runtime: { available: boolean; reason?: string; snapshotter?: string; lazy_pull_off?: string | null };
  services: RuntimeReportEntry[];
}

async function report(of: Sandbox = sandbox): Promise<Report> {
  const response = await fetch(`${of.apiUrl}/_sandbox/runtime`, { headers: { authorization: `Bearer ${of.apiKey}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Report;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify((await report()).services)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const entry = async (name: string) => (await report()).services.find((s) => s.name === name);

function api(of: Sandbox = sandbox): MeshagentClient {
  return new MeshagentClient({ apiUrl: of.apiUrl, apiKey: of.apiKey, projectId: of.projectId, mask: () => {} });
}

type Storage = NonNullable<NonNullable<ServiceSpec['container']>['storage']>;

function service(name: string, command: string, storage?: Storage, environment?: { name: string; value: string }[]): ServiceSpec {
  return {
    version: 'v1',
    kind: 'Service',
    enabled: true,
    metadata: { name },
    ports: [],
    container: { image: imageRef, template: 'none', private: true, command, ...(storage ? { storage } : {}), ...(environment ? { environment } : {}) },
  };
}

/** Processes whose command line holds `text` (arguments joined by spaces). */
function processesWith(text: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text);
      } catch {
        return false;
      }
    });
}

const mountsUnder = (dir: string) =>
  readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.split(' ')[1]?.startsWith(`${dir}/`));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rt-edges-'));
  sandbox = await startSandbox({ dir: join(work, 'sbx'), runtime: { probeIntervalMs: 200 }, log: (message) => said.push(message) });
  // busybox, and two links that lead out of the image on this machine: an absolute one, and one that reaches it.
  const layer = buildTar([
    { name: 'bin/', type: '5' },
    { name: 'bin/busybox', data: readFileSync(infra.busybox), mode: 0o755 },
    { name: 'www/', type: '5' },
    { name: 'www/index.html', data: '<p>edges</p>\n' },
    { name: 'escape', type: '2', linkName: '/' },
    { name: 'www/up', type: '2', linkName: '../escape' },
  ]);
  const layout = join(work, 'image');
  writeImageLayout(layout, [
    { platform: { os: 'linux', architecture: 'amd64' }, layers: [layer], gzip: true, config: { Entrypoint: ['/bin/busybox', 'sleep', '600'] } },
  ]);
  const runner = new ConsoleRunner({
    inputs: { room: 'dev', 'create-room': 'true', builder: 'none', image: `oci:${layout}:latest`, tag: 'edges:1', deploy: 'false' },
    env: sandbox.env(),
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner);
  expect(result.error).toBeNull();
  imageRef = result.image?.ref ?? '';
  await api().createRoom({ name: 'dev', if_not_exists: true });
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('mount subpaths and symbolic links', () => {
  it('follows a link that stays in room storage, and refuses one a container made that leads outside', async () => {
    expect(sandbox.runtime, 'the runtime runs on this machine').toBeDefined();
    const storage = join(work, 'sbx', 'rooms', 'dev', 'storage');
    const outside = join(work, 'outside');
    mkdirSync(join(storage, 'target'), { recursive: true });
    mkdirSync(outside);
    symlinkSync('target', join(storage, 'inside'));
    // As a container with room storage mounted could have made it.
    symlinkSync(outside, join(storage, 'escape'));

    await api().createService(
      'dev',
      service('linked', `/bin/busybox sh -c 'echo hi > /d/file; exec /bin/busybox sleep 600'`, {
        room: [{ path: '/d', subpath: 'inside/sub', read_only: false }],
      }),
    );
    await waitFor('the file through the inside link', async () => existsSync(join(storage, 'target', 'sub', 'file')));

    const command = `/bin/busybox sh -c 'echo pwned > /d/file; exec /bin/busybox sleep 600'`;
    await api().createService('dev', service('escaper', command, { room: [{ path: '/d', subpath: 'escape/inner', read_only: false }] }));
    const refused = await waitFor('the escaper to fail', async () => {
      const found = await entry('escaper');
      return found?.state === 'failed' && found;
    });
    expect(refused.error).toMatch(/the mount at \/d: the subpath "escape\/inner" leads outside .*storage through a symbolic link/);
    expect(refused.container_id).toBeNull();
    expect(readdirSync(outside)).toEqual([]);
    const lines: string[] = [];
    for await (const line of sandbox.runtime?.logs('dev', { serviceId: refused.service_id }) ?? []) lines.push(line);
    expect(lines.join('')).toContain('leads outside');
    expect(said.some((message) => message.includes('escaper') && message.includes('leads outside'))).toBe(true);
  });

  it("refuses an image mount subpath through the image's own link out of it (escape -> /)", async () => {
    const marker = join(work, 'host-secret');
    writeFileSync(marker, 'host only\n');
    const command = `/bin/busybox sh -c 'exec /bin/busybox sleep 600'`;
    await api().createService(
      'dev',
      service('image-escaper', command, { images: [{ image: imageRef, path: '/other', subpath: `escape${work}`, read_only: true }] }),
    );
    await api().createService(
      'dev',
      service('image-climber', command, { images: [{ image: imageRef, path: '/other', subpath: 'www/up/etc', read_only: true }] }),
    );
    for (const name of ['image-escaper', 'image-climber']) {
      const refused = await waitFor(`${name} to fail`, async () => {
        const found = await entry(name);
        return found?.state === 'failed' && found;
      });
      expect(refused.error).toMatch(/the image mount at \/other .* leads outside .* through a symbolic link/);
    }
    // Nothing of those runs was left mounted.
    expect(mountsUnder(join(work, 'sbx')).filter((l) => l.includes('/containers/image-'))).toEqual([]);
  });
});

describe('liveness across a crash', () => {
  it("reports a crashed container's port as not ready while it waits to restart", async () => {
    const command = `/bin/busybox sh -c '/bin/busybox httpd -f -p 8080 -h /www & /bin/busybox sleep 2; exit 4'`;
    const spec = service('flaky', command);
    spec.ports = [{ num: 8080, type: 'http', published: true, liveness: '/', endpoints: [] }];
    await api().createService('dev', spec);
    await waitFor('flaky to be ready', async () => sandbox.runtime?.list('dev').find((s) => s.status.ports[0]?.liveness_status === 'ready'));
    const restarting = await waitFor('flaky to crash', async () => sandbox.runtime?.list('dev').find((s) => s.state === 'restarting'));
    expect(restarting).toMatchObject({ last_exit_code: 4, restart_count: 1, status: { ports: [{ num: 8080, liveness: '/', liveness_status: 'not_ready' }] } });
  });
});

describe('stopping the sandbox right after an update', () => {
  it('leaves no container, process or mount of a replaced or disabled service', async () => {
    // Only these two run: another service's slow stop would give theirs time to end by chance.
    for (const spec of await api().listServices('dev')) await api().deleteService('dev', spec.id ?? '', spec.metadata.name);
    await waitFor('the earlier services to be gone', async () => (await report()).services.length === 0);
    const tag = `${randomInt(100_000, 999_999)}`;
    const names = [`replaced-${tag}`, `disabled-${tag}`];
    const commands = [
      // Ends at once on SIGTERM, so its replacement is quick; the other, as PID 1, ignores SIGTERM and is killed.
      `/bin/busybox sh -c 'trap "exit 0" TERM; /bin/busybox sleep 7${tag}0 & wait'`,
      `/bin/busybox sleep 7${tag}1`,
    ];
    const ids: string[] = [];
    for (const [index, name] of names.entries()) {
      ids.push(await api().createService('dev', service(name, commands[index] ?? '', { empty_dirs: [{ path: '/scratch', read_only: false }] })));
    }
    for (const name of names) await waitFor(`${name} to run`, async () => (await entry(name))?.state === 'running');
    // The two sleeps, and the shell of the first.
    expect(processesWith(`sleep 7${tag}`).length).toBe(3);

    const [replaced, disabled] = (await api().listServices('dev')).filter((s) => names.includes(s.metadata.name));
    const container = (spec: ServiceSpec) => spec.container as NonNullable<ServiceSpec['container']>;
    await api().updateService('dev', ids[0] ?? '', {
      ...(replaced as ServiceSpec),
      container: { ...container(replaced as ServiceSpec), environment: [{ name: 'V', value: '2' }] },
    });
    await api().updateService('dev', ids[1] ?? '', { ...(disabled as ServiceSpec), enabled: false });
    // A services.restart that comes while the runtime stops starts nothing.
    const stopping = sandbox.runtime?.stop();
    await expect(sandbox.runtime?.restart('dev', ids[0] ?? '')).rejects.toThrow('the room runtime is stopping');
    await stopping;
    await sandbox.stop();

    expect(processesWith(`sleep 7${tag}`)).toEqual([]);
    expect(mountsUnder(join(work, 'sbx'))).toEqual([]);
    const runc = await runAsync('runc', ['--root', '/run/containerd/runc/meshagent-sandbox', 'list', '-q']);
    expect(runc.stdout.split('\n').filter((id) => names.some((name) => id.startsWith(name)))).toEqual([]);
    // Stopped by their runners, not by the last sweep.
    expect(said.filter((message) => message.includes('still running'))).toEqual([]);
  });
});

describe('a sandbox killed without its stop', () => {
  /** The container's own process (not the `ctr run` that starts it, whose arguments end the same). */
  const sleeping = (marker: string) =>
    processesWith(`sleep ${marker}`).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('/bin/busybox\0'));

  it('leaves containers and daemons that the next sandbox on its directory stops before it starts its own', async () => {
    const dir = join(work, 'killed');
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const child = spawn('node', [cli, 'sandbox', '--dir', dir, '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let printed = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (printed += text));
    try {
      const env = await waitFor('the sandbox to print its environment', async () => {
        try {
          return JSON.parse(printed) as Record<string, string>;
        } catch {
          return undefined;
        }
      });
      const runner = new ConsoleRunner({
        inputs: { room: 'dev', 'create-room': 'true', builder: 'none', image: `oci:${join(work, 'image')}:latest`, tag: 'edges:1', deploy: 'false' },
        env,
        stdout: () => {},
        stderr: () => {},
      });
      const shipped = await shipFromInputs(runner);
      expect(shipped.error).toBeNull();
      const client = new MeshagentClient({
        apiUrl: env.MESHAGENT_API_URL ?? '',
        apiKey: env.MESHAGENT_API_KEY ?? '',
        projectId: env.MESHAGENT_PROJECT_ID ?? '',
        mask: () => {},
      });
      const tag = `${randomInt(100_000, 999_999)}`;
      await client.createRoom({ name: 'dev', if_not_exists: true });
      await client.createService('dev', {
        ...service('orphan', `/bin/busybox sleep 8${tag}`),
        container: { ...service('orphan', '').container!, image: shipped.image?.ref ?? '', command: `/bin/busybox sleep 8${tag}` },
      });
      await waitFor('the orphan to run', async () => sleeping(`8${tag}`).length === 1);
      const left = sleeping(`8${tag}`);
      expect(processesWith(`${dir}/runtime/containerd.sock`).length).toBeGreaterThan(0);

      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      // Its containerd, snapshotter, shims and container outlive it.
      expect(sleeping(`8${tag}`)).toEqual(left);

      const log: string[] = [];
      const next = await startSandbox({ dir, runtime: { probeIntervalMs: 200 }, log: (message) => log.push(message) });
      try {
        expect(log.filter((m) => m.startsWith('stopped what an earlier sandbox'))).toEqual([expect.stringMatching(/1 container\(s\) and \d+ process\(es\)/)]);
        // Its registry, which held the recorded port, is stopped too: the next one serves at the same addresses.
        expect(log.filter((m) => m.startsWith('stopped the registry an earlier sandbox on this directory left running'))).toHaveLength(1);
        expect({ ...next.env(), dir }).toEqual(env);
        for (const pid of left) expect(existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`8${tag}`)).toBe(false);
      } finally {
        await next.stop();
      }
      expect(sleeping(`8${tag}`)).toEqual([]);
      expect(processesWith(`${dir}/runtime/`)).toEqual([]);
      expect(mountsUnder(dir)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      // Whatever a failed run left behind.
      for (const pid of processesWith(`${dir}/`)) process.kill(Number(pid), 'SIGKILL');
    }
  });
});

describe('a runtime that cannot start', () => {
  /** An executable that says why it fails, and fails. */
  function failing(path: string, message: string): string {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, `#!/bin/sh\necho "${message}" >&2\nexit 1\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('without its snapshotter daemon pulls whole layers, and says why once', async () => {
    const before = process.env.MESHAGENT_SANDBOX_STARGZ;
    process.env.MESHAGENT_SANDBOX_STARGZ = failing(join(work, 'bin', 'broken-stargz'), 'fatal: broken on purpose');
    const log: string[] = [];
    const plain = await startSandbox({ dir: join(work, 'no-stargz'), runtime: true, log: (message) => log.push(message) }).finally(() => {
      if (before === undefined) delete process.env.MESHAGENT_SANDBOX_STARGZ;
      else process.env.MESHAGENT_SANDBOX_STARGZ = before;
    });
    try {
      expect(plain.runtime?.snapshotter).toBe('overlayfs');
      expect(log).toHaveLength(1);
      expect(log[0]).toMatch(
        /^the room runtime pulls whole layers onto overlayfs, not lazily: the stargz snapshotter daemon .* did not start: .*fatal: broken on purpose/,
      );
      const { runtime } = await report(plain);
      expect(runtime).toMatchObject({ available: true, snapshotter: 'overlayfs', lazy_pull_off: expect.stringContaining('broken on purpose') });
      expect(plain.routerHost).toBeDefined();
    } finally {
      await plain.stop();
    }
    expect(mountsUnder(join(work, 'no-stargz'))).toEqual([]);
  });

  it('without containerd serves the API, keeps services recorded as not run, and says why once', async () => {
    const before = process.env.PATH;
    const bin = join(work, 'fake-bin');
    failing(join(bin, 'containerd'), 'containerd: broken on purpose');
    process.env.PATH = `${bin}:${before ?? ''}`;
    const log: string[] = [];
    const off = await startSandbox({ dir: join(work, 'no-containerd'), runtime: { lazyPull: false }, log: (message) => log.push(message) }).finally(() => {
      process.env.PATH = before;
    });
    try {
      expect(off.runtime).toBeUndefined();
      expect(off.env().MESHAGENT_SANDBOX_ROUTER).toBeUndefined();
      expect(log.filter((message) => message.startsWith('the room runtime is off'))).toEqual([
        expect.stringMatching(/^the room runtime is off, services are recorded but not run: containerd did not start: .*broken on purpose/),
      ]);
      await api(off).createRoom({ name: 'dev', if_not_exists: true });
      const id = await api(off).createService('dev', {
        ...service('recorded', 'true'),
        container: { image: `${off.registryHost}/p/x:1`, template: 'none', private: true },
      });
      const { runtime, services } = await report(off);
      expect(runtime).toMatchObject({ available: false, reason: expect.stringContaining('containerd did not start') });
      expect(services).toEqual([
        expect.objectContaining({
          room: 'dev',
          service_id: id,
          name: 'recorded',
          state: 'not_run',
          container_id: null,
          error: expect.stringContaining('room runtime is off'),
        }),
      ]);
    } finally {
      await off.stop();
    }
  });
});
