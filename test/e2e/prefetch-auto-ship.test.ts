// prefetch: auto through the action's run against the sandbox: the demo image (examples/hello: busybox's httpd FROM
// scratch) is shipped with `prefetch: auto`; the ship runs its entrypoint traced until port 8080 answers, prefetches
// what it opened, and the report says how the recording ended. The sandbox's room runtime then pulls it lazily
// through the real stargz snapshotter: what the registry served before the service was ready is the report's
// estimate, within 10%. A re-ship of the same image takes the record from the previous image's annotation and does
// not run the image again; a changed image is run again.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/oci/registry.js';
import { ImageManifest } from '../../src/oci/types.js';
import { ShipAnnotation } from '../../src/pipeline/annotations.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { shipFromInputs } from '../../src/ship.js';
import { readyEntry } from '../helpers/runtime-report.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar } from '../helpers/tar-builder.js';

const infra = inject('infra');
const HELLO = join(import.meta.dirname, '../../examples/hello');
let sandbox: Sandbox;
let work: string;

/** The demo image as examples/hello/Dockerfile builds it: busybox, then the page, and busybox's httpd on 8080. */
function writeHello(dir: string, page: string): void {
  const busybox = buildTar([
    { name: 'bin/', type: '5' },
    { name: 'bin/busybox', data: readFileSync(infra.busybox), mode: 0o755 },
  ]);
  const www = buildTar([
    { name: 'www/', type: '5' },
    { name: 'www/index.html', data: `${readFileSync(join(HELLO, 'www/index.html'), 'utf8')}<!-- ${page} -->\n` },
  ]);
  const dockerfile = readFileSync(join(HELLO, 'Dockerfile'), 'utf8');
  const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(dockerfile)?.[1] ?? 'null') as string[];
  writeImageLayout(dir, [
    {
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [busybox, www],
      gzip: true,
      config: { Entrypoint: entrypoint, ExposedPorts: { '8080/tcp': {} } },
    },
  ]);
}

async function ship(tag: string, layout: string): Promise<{ result: ShipResult; log: string }> {
  let log = '';
  const runner = new ConsoleRunner({
    inputs: { room: 'dev', 'create-room': 'true', builder: 'none', image: `oci:${layout}:latest`, tag, public: 'true', prefetch: 'auto', liveness: '/' },
    env: sandbox.env(),
    stdout: (text) => (log += text),
    stderr: (text) => (log += text),
  });
  const result = await shipFromInputs(runner);
  expect(result.error, log).toBeNull();
  return { result, log };
}

/** The record the pushed manifest carries, read from the sandbox's registry with the ship's push token. */
async function pushedRecord(result: ShipResult): Promise<{ sourceConfig: string; outcome: { kind: string }; paths: string[] }> {
  const repository = result.image?.repository ?? '';
  const token = sandbox.state.data.repositoryTokens.filter((t) => t.repository === repository).at(-1)?.token ?? '';
  const registry = new RegistryClient({ registry: sandbox.registryHost ?? '', credentials: { username: 'meshagent', password: token }, mask: () => {} });
  const answer = await registry.repository(repository).getManifest(result.image?.digest ?? '');
  const manifest = ImageManifest.parse(JSON.parse(answer.bytes.toString('utf8')));
  return JSON.parse(manifest.annotations?.[ShipAnnotation.prefetchAuto] ?? 'null');
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'prefetch-auto-ship-'));
  sandbox = await startSandbox({ dir: join(work, 'sbx'), runtime: { probeIntervalMs: 200 }, log: () => {} });
  writeHello(join(work, 'hello'), 'first');
  writeHello(join(work, 'hello-2'), 'second');
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('ship with prefetch: auto, run by the sandbox', () => {
  let first: ShipResult;

  it('records what the demo image opens until its port answers, prefetches it, and the estimate is what the registry served before ready', async () => {
    expect(sandbox.runtime?.snapshotter, 'the stargz snapshotter runs on this machine').toBe('stargz');
    const { result, log } = await ship('hello:1', join(work, 'hello'));
    first = result;
    expect(log).toMatch(/prefetch auto: running \["\/bin\/busybox","httpd",.*until port 8080 answers/);
    const startup = result.image?.startup;
    expect(startup?.auto).toMatch(/^\d+ files? recorded; port 8080 answered at \d+\.\d s$/);
    expect(log).toContain(`prefetch auto: ${startup?.auto}`);
    // busybox is what httpd runs: it is prefetched in its layer; the page is read only when asked for.
    expect(result.image?.layers.map((l) => l.prefetchFiles)).toEqual([1, 0]);
    expect(startup?.prefetchedFiles).toBe(1);
    const record = await pushedRecord(result);
    expect(record.outcome.kind).toBe('port');
    expect(record.paths).toContain('/bin/busybox');

    const ran = await readyEntry(sandbox, result.service?.name ?? '');
    expect(ran).toMatchObject({ state: 'running', snapshotter: 'stargz', remote_layers: 2 });
    const estimate = startup?.bytesBeforeStart ?? 0;
    const served = ran.bytes_fetched_before_ready ?? 0;
    console.log(`hello: estimate ${estimate} bytes, served before ready ${served} bytes, image ${startup?.imageBytes}`);
    expect(Math.abs(served - estimate)).toBeLessThanOrEqual(estimate * 0.1);
  });

  it('takes the previous record on a re-ship of the same image, without running it', async () => {
    const { result, log } = await ship('hello:1', join(work, 'hello'));
    expect(log).not.toContain('prefetch auto: running');
    expect(log).toContain("prefetch auto: the previous image's record is reused");
    expect(result.image?.startup?.auto).toMatch(
      /^\d+ files? recorded by an earlier ship of the same source config \(sha256:[0-9a-f]{12}\), not run again; port 8080 answered at/,
    );
    expect(result.image?.startup?.prefetchedFiles).toBe(1);
    expect(await pushedRecord(result)).toEqual(await pushedRecord(first));
  });

  it('runs a changed image again', async () => {
    const { result, log } = await ship('hello:1', join(work, 'hello-2'));
    expect(log).toContain('prefetch auto: running');
    expect(result.image?.startup?.auto).toMatch(/^\d+ files? recorded; port 8080 answered at/);
  });
});
