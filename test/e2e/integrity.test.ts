// Nothing wrong is shipped: against the sandbox and its real registry, an image whose layer bytes are not the ones its
// manifest names (an OCI layout or an oci-archive with a layer swapped for another's bytes) fails before anything is
// pushed, converted or shipped as it is, with an error naming the blob and the source; the registry holds none of
// it afterwards. A later ship of the genuine image converts every layer (nothing poisoned to reuse) and verifies.
// A layer that would write outside the image root is refused the same way.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packOciArchive } from '../../src/oci/archive.js';
import { OciLayout } from '../../src/oci/layout.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { ImageManifest, type Descriptor } from '../../src/oci/types.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar, payload } from '../helpers/tar-builder.js';
import { runAsync } from '../infra/env.js';

const infra = inject('infra');
let sandbox: Sandbox;
let work: string;
/** Makes this run's layers unique, so neither the registry nor containerd can have them from an earlier run. */
const runId = randomBytes(16).toString('hex');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'integrity-test-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

// Two layers of the same size, so a swap passes every size check and only the digest catches it.
const layerA = buildTar([
  { name: 'a/', type: '5' },
  { name: 'a/run-id', data: `${runId}-a` },
  { name: 'a/data', data: payload(400_000, 1) },
]);
const layerB = buildTar([
  { name: 'b/', type: '5' },
  { name: 'b/run-id', data: `${runId}-b` },
  { name: 'b/data', data: payload(400_000, 2) },
]);

async function genuineImage(): Promise<{ dir: string; layers: Descriptor[]; config: Descriptor }> {
  const dir = mkdtempSync(join(work, 'image-'));
  writeImageLayout(dir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [layerA, layerB], gzip: false }]);
  const layout = await OciLayout.open(dir);
  const manifest = await layout.readJson((await layout.resolve('latest')).digest, ImageManifest, 'manifest');
  return { dir, layers: manifest.layers, config: manifest.config };
}

/** The genuine image, with layer A's blob holding layer B's bytes. */
async function swappedImage(): Promise<{ dir: string; a: Descriptor; b: Descriptor; config: Descriptor }> {
  const { dir, layers, config } = await genuineImage();
  const [a, b] = layers as [Descriptor, Descriptor];
  cpSync(join(dir, 'blobs', 'sha256', b.digest.slice(7)), join(dir, 'blobs', 'sha256', a.digest.slice(7)));
  return { dir, a, b, config };
}

async function shipWith(inputs: Record<string, string>): Promise<{ result: ShipResult; log: string }> {
  const runner = new ConsoleRunner({
    // This sandbox runs no containers: the rollout is not waited for.
    inputs: { room: 'dev', 'create-room': 'true', builder: 'none', prefetch: '', wait: 'false', ...inputs },
    env: sandbox.env(),
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner, { workDir: mkdtempSync(join(work, 'run-')) });
  await reportResult(result, runner);
  return { result, log: runner.lines.join('\n') };
}

function registryFor(repository: string): RegistryClient {
  const token = sandbox.state.data.repositoryTokens.filter((t) => t.repository === repository).at(-1)?.token;
  if (!token) throw new Error(`no token for ${repository}`);
  return new RegistryClient({ registry: sandbox.registryHost ?? '', credentials: { username: 'meshagent', password: token }, mask: () => {} });
}

/** What the registry holds of an image: its tags, and which of `blobs` it has. */
async function heldBy(repository: string, blobs: readonly Descriptor[]): Promise<{ tags: string[]; blobs: boolean[] }> {
  const client = registryFor(repository);
  try {
    const repo = client.repository(repository);
    const tags = await repo.listTags().catch(() => []);
    return { tags, blobs: await Promise.all(blobs.map(async (b) => (await repo.blobSize(b.digest)) !== undefined)) };
  } finally {
    await client.close();
  }
}

describe('an image whose layer bytes are not the ones its manifest names', () => {
  it('converted: fails in convert, naming the blob and the layout; nothing reaches the registry', async () => {
    const { dir, a, b, config } = await swappedImage();
    const { result } = await shipWith({ tag: 'swapped:1', image: `oci:${dir}:latest` });
    expect(result.status).toBe('failed');
    expect(result.error?.stage).toBe('convert');
    expect(result.error?.message).toBe(`${dir}: blob ${a.digest} does not match its digest: its content is ${b.digest}`);
    expect(result.stages.find((s) => s.name === 'push')?.status ?? 'not run').not.toBe('done');
    expect(await heldBy('sandbox/swapped', [a, b, config])).toEqual({ tags: [], blobs: [false, false, false] });
  });

  it('shipped as it is (estargz: false): fails before the first upload, so not even the sound blobs are pushed', async () => {
    const { dir, a, b, config } = await swappedImage();
    const { result } = await shipWith({ tag: 'swapped-plain:1', image: `oci:${dir}:latest`, estargz: 'false' });
    expect(result.status).toBe('failed');
    expect(result.error?.stage).toBe('push');
    expect(result.error?.message).toContain(`blob ${a.digest} does not match its digest: its content is ${b.digest}`);
    expect(await heldBy('sandbox/swapped-plain', [a, b, config])).toEqual({ tags: [], blobs: [false, false, false] });
  });

  it('from an oci-archive: the error names the archive file', async () => {
    const { dir, a, b } = await swappedImage();
    const file = join(work, 'swapped.tar');
    await packOciArchive(dir, file);
    const { result } = await shipWith({ tag: 'swapped-archive:1', image: `oci-archive:${file}:latest` });
    expect(result.error?.stage).toBe('convert');
    expect(result.error?.message).toBe(`${file}: blob ${a.digest} does not match its digest: its content is ${b.digest}`);
  });

  it('then the genuine image ships: every layer converted from its own bytes, nothing reused, containerd accepts it', async () => {
    const { dir, layers } = await genuineImage();
    const { result } = await shipWith({ tag: 'swapped:1', image: `oci:${dir}:latest` });
    expect(result.error).toBeNull();
    expect(result.image?.layers.map((l) => [l.sourceDigest, l.conversion])).toEqual(layers.map((l) => [l.digest, 'converted']));
    // containerd checks every diff_id as it unpacks: the layers are what the config says.
    const token = sandbox.state.data.repositoryTokens.filter((t) => t.repository === 'sandbox/swapped').at(-1)?.token ?? '';
    const pull = await runAsync(
      'ctr-remote',
      [
        '-a',
        infra.containerdAddress,
        '-n',
        infra.containerdNamespace,
        'images',
        'pull',
        '--plain-http',
        '--user',
        `meshagent:${token}`,
        result.image?.ref ?? '',
      ],
      { timeoutMs: 60_000 },
    );
    expect(pull.code, pull.stderr).toBe(0);
  });
});

describe('a layer that would write outside the image root', () => {
  it('is refused in convert, naming the entry; nothing is pushed', async () => {
    const dir = mkdtempSync(join(work, 'hostile-'));
    const hostile = buildTar([
      { name: 'app/', type: '5' },
      { name: `app/${runId}`, data: 'x' },
      { name: '../../etc/cron.d/planted', data: '* * * * * root sh\n' },
    ]);
    writeImageLayout(dir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [hostile], gzip: true }]);
    const { result } = await shipWith({ tag: 'hostile:1', image: `oci:${dir}:latest` });
    expect(result.error?.stage).toBe('convert');
    expect(result.error?.message).toMatch(
      /: tar entry "\.\.\/\.\.\/etc\/cron\.d\/planted" \(at byte \d+ of the tar stream\) is refused: its name has a "\.\." component$/,
    );
    expect((await heldBy('sandbox/hostile', [])).tags).toEqual([]);
  });
});
