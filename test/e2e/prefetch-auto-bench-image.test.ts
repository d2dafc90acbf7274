// The start-up benchmark's image (bench/startup/make-image.sh: this machine's shared libraries and python3.11's
// standard library, 250 MB in two gzip layers) shipped with prefetch: auto to the sandbox, whose room runtime pulls
// it lazily through the real stargz snapshotter. Its command only prints a line and exits, which a room service
// cannot be ready for; here the same layers get a command that imports json as the benchmark's does, then answers
// HTTP on 8080. What the registry served before the service was ready must be the report's static estimate (the
// summary's start-up cost), within 10%: the recording found everything Python read before it answered.
import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/oci/digest.js';
import { readyEntry } from '../helpers/runtime-report.js';
import { ConsoleRunner } from '../../src/runner.js';
import { shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

const ROOT = join(import.meta.dirname, '../..');
/** Where the benchmark keeps its input: made once, shared with bench/startup/run.sh. */
const BENCH_IMAGE = join(process.env.MESHAGENT_SHIP_BENCH_DIR ?? '/tmp/meshagent-ship-bench-startup', 'image');
const SERVE = [
  'import json, socket',
  's = socket.socket()',
  's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
  's.bind(("0.0.0.0", 8080))',
  's.listen()',
  'print("ready", flush=True)',
  'while True:',
  '    c, _ = s.accept()',
  '    c.recv(65536)',
  '    c.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Length: 6\\r\\n\\r\\nready\\n")',
  '    c.close()',
].join('\n');
let sandbox: Sandbox;
let work: string;

/** A layout of the benchmark image's layers (hard links to its blobs) with the serving command. */
function serviceLayout(dir: string): void {
  const blob = (digest: string) => join(BENCH_IMAGE, 'blobs', 'sha256', digest.slice(7));
  const index = JSON.parse(readFileSync(join(BENCH_IMAGE, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as {
    config: { digest: string };
    layers: { digest: string; size: number; mediaType: string }[];
  };
  const config = JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8')) as { config: Record<string, unknown> };
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer) => {
    writeFileSync(join(blobs, sha256(data).slice(7)), data);
    return { digest: sha256(data), size: data.length };
  };
  for (const layer of manifest.layers) {
    try {
      linkSync(blob(layer.digest), join(blobs, layer.digest.slice(7)));
    } catch {
      copyFileSync(blob(layer.digest), join(blobs, layer.digest.slice(7)));
    }
  }
  const serving = { ...config, config: { ...config.config, Cmd: ['python3.11', '-c', SERVE], ExposedPorts: { '8080/tcp': {} } } };
  const configDescriptor = { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(Buffer.from(JSON.stringify(serving))) };
  const top = put(Buffer.from(JSON.stringify({ ...manifest, config: configDescriptor })));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...top, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }],
    }),
  );
}

beforeAll(async () => {
  const made = spawnSync('bash', [join(ROOT, 'bench/startup/make-image.sh'), BENCH_IMAGE], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-image.sh failed: ${made.stderr}`);
  work = mkdtempSync(join(tmpdir(), 'prefetch-auto-bench-image-'));
  serviceLayout(join(work, 'image'));
  sandbox = await startSandbox({ dir: join(work, 'sbx'), runtime: { probeIntervalMs: 200 }, log: () => {} });
}, 900_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the benchmark image with prefetch: auto, run by the sandbox', () => {
  it('fetches before ready what the summary estimates, within 10%', { timeout: 900_000 }, async () => {
    expect(sandbox.runtime?.snapshotter, 'the stargz snapshotter runs on this machine').toBe('stargz');
    let log = '';
    const runner = new ConsoleRunner({
      inputs: {
        room: 'dev',
        'create-room': 'true',
        builder: 'none',
        image: `oci:${join(work, 'image')}:latest`,
        tag: 'python:1',
        public: 'true',
        liveness: '/',
        prefetch: 'auto',
        'prefetch-auto-timeout': '60',
      },
      env: sandbox.env(),
      stdout: (text) => (log += text),
      stderr: (text) => (log += text),
    });
    const result = await shipFromInputs(runner);
    expect(result.error, log).toBeNull();
    const startup = result.image?.startup;
    expect(startup?.auto, log).toMatch(/files recorded; port 8080 answered at/);
    expect(startup?.prefetchedFiles).toBeGreaterThan(20);
    const estimate = startup?.bytesBeforeStart ?? 0;

    const ran = await readyEntry(sandbox, result.service?.name ?? '', { timeoutMs: 180_000 });
    expect(ran).toMatchObject({ state: 'running', snapshotter: 'stargz', remote_layers: 2 });
    const served = ran.bytes_fetched_before_ready ?? 0;
    console.log(`benchmark image: estimate ${estimate} bytes, served before ready ${served} bytes, image ${startup?.imageBytes}; ${startup?.auto}`);
    expect(estimate).toBeLessThan((startup?.imageBytes ?? 0) * 0.1);
    expect(Math.abs(served - estimate)).toBeLessThanOrEqual(estimate * 0.1);
  });
});
