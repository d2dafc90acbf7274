// Fast re-ships against the sandbox and its real registry: a second ship of an image whose base layers did not change
// takes their eStargz blobs from the previous image (recorded in its layer annotations) instead of converting and
// uploading them again. Settings that change a layer's bytes (prefetch list, compression level) convert it again;
// a previous image that is missing, plain or garbled means a full conversion; and what a re-ship pushes verifies
// with our verifier, with containerd (which checks every diff_id as it unpacks) and with ctr-remote's TOC digests.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyImage } from '../../src/estargz/verify.js';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { Annotation, MediaType } from '../../src/oci/media-types.js';
import { ShipAnnotation } from '../../src/pipeline/annotations.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { pullIntoLayout } from '../../src/oci/transfer.js';
import { ImageIndex, ImageManifest } from '../../src/oci/types.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeImageLayout, type PlatformImage } from '../helpers/image-layout.js';
import { buildTar, payload } from '../helpers/tar-builder.js';
import { ctrRemote, runAsync } from '../infra/env.js';

const infra = inject('infra');
let sandbox: Sandbox;
let work: string;
/** Makes this run's layers unique, so containerd cannot have them from an earlier run. */
const runId = randomBytes(16).toString('hex');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'reship-test-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
});

afterAll(async () => {
  await sandbox?.stop();
});

const BASE = [
  () =>
    buildTar([
      { name: 'etc/', type: '5' },
      { name: 'etc/run-id', data: runId },
      { name: 'bin/', type: '5' },
      { name: 'bin/tool', data: payload(3_000_000, 1), mode: 0o755 },
    ]),
  () =>
    buildTar([
      { name: 'lib/', type: '5' },
      { name: 'lib/a.so', data: payload(1_500_000, 2) },
      { name: 'lib/b.so', data: payload(40_000, 3) },
    ]),
  () =>
    buildTar([
      { name: 'usr/', type: '5' },
      { name: 'usr/share/', type: '5' },
      { name: 'usr/share/data.bin', data: payload(2_000_000, 4) },
    ]),
];
const top = (text: string) =>
  buildTar([
    { name: 'app/', type: '5' },
    { name: 'app/main', data: payload(100_000, 5) },
    { name: 'app/index.html', data: text },
  ]);

let images = 0;
/** An OCI layout of the base layers and a top layer holding `text`; returns the image input for it. */
function imageWith(
  text: string,
  platforms: PlatformImage[] = [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [...BASE.map((b) => b()), top(text)], gzip: true }],
): string {
  images += 1;
  const dir = join(work, `image-${images}`);
  writeImageLayout(dir, platforms);
  return `oci:${dir}:latest`;
}

interface Shipped {
  result: ShipResult;
  log: string;
  summary: string;
  /** The local layout the run converted into (kept: the run was given a work directory). */
  workDir: string;
}

async function shipWith(inputs: Record<string, string>): Promise<Shipped> {
  const runner = new ConsoleRunner({
    // This sandbox runs no containers: the rollout is not waited for.
    inputs: { room: 'dev', 'create-room': 'true', builder: 'none', prefetch: '', wait: 'false', ...inputs },
    env: sandbox.env(),
    stdout: () => {},
    stderr: () => {},
  });
  const workDir = mkdtempSync(join(work, 'run-'));
  const result = await shipFromInputs(runner, { workDir });
  await reportResult(result, runner);
  expect(result.error).toBeNull();
  return { result, log: runner.lines.join('\n'), summary: runner.summary, workDir };
}

const conversions = (s: Shipped) => s.result.image?.layers.map((l) => l.conversion);
const pushes = (s: Shipped) => s.result.image?.layers.map((l) => l.push);
const digests = (s: Shipped) => s.result.image?.layers.map((l) => l.digest);

function tokenFor(repository: string): string {
  const token = sandbox.state.data.repositoryTokens.filter((t) => t.repository === repository).at(-1)?.token;
  if (!token) throw new Error(`no token for ${repository}`);
  return token;
}

function registryFor(repository: string): RegistryClient {
  return new RegistryClient({ registry: sandbox.registryHost ?? '', credentials: { username: 'meshagent', password: tokenFor(repository) }, mask: () => {} });
}

/** Pulls what a ship pushed (every platform) and runs our verifier on it. */
async function pullAndVerify(repository: string, digest: string): Promise<{ layout: OciLayout; ok: boolean; defects: string[] }> {
  const dir = mkdtempSync(join(work, 'pulled-'));
  await pullIntoLayout(
    { registry: sandbox.registryHost ?? '', repository, credentials: { username: 'meshagent', password: tokenFor(repository) }, mask: () => {}, log: () => {} },
    digest,
    dir,
  );
  const layout = await OciLayout.open(dir);
  const verdict = await verifyImage(layout, await layout.resolve());
  return { layout, ok: verdict.ok, defects: [...verdict.defects, ...verdict.layers.flatMap((l) => l.defects)] };
}

describe('re-shipping an image whose base layers did not change', () => {
  let first: Shipped;
  let second: Shipped;

  it('the first ship finds no previous image, and converts and uploads every layer', async () => {
    first = await shipWith({ tag: 'reuse:1', image: imageWith('<h1>one</h1>') });
    expect(first.log).toContain('no previous image of');
    expect(conversions(first)).toEqual(['converted', 'converted', 'converted', 'converted']);
    expect(pushes(first)).toEqual(['uploaded', 'uploaded', 'uploaded', 'uploaded']);
  });

  it('after one file changed in the top layer, reuses the base layers: not converted, not uploaded', async () => {
    second = await shipWith({ tag: 'reuse:1', image: imageWith('<h1>two</h1>') });
    expect(conversions(second)).toEqual(['reused', 'reused', 'reused', 'converted']);
    expect(pushes(second)).toEqual(['skipped', 'skipped', 'skipped', 'uploaded']);
    expect(digests(second)?.slice(0, 3)).toEqual(digests(first)?.slice(0, 3));
    expect(digests(second)?.[3]).not.toBe(digests(first)?.[3]);
    expect(second.log).toContain('reused 3 of 4 layers (converted by the previous ship)');
    // Only the top layer was converted: the log names no other, and the base blobs were never written locally.
    const converting = second.log
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('converting '));
    expect(converting).toEqual([expect.stringContaining(second.result.image?.layers[3]?.sourceDigest.slice(0, 19) ?? '?')]);
    for (const layer of second.result.image?.layers.slice(0, 3) ?? [])
      expect(existsSync(join(second.workDir, 'estargz', 'blobs', 'sha256', layer.digest.slice(7)))).toBe(false);
    expect(existsSync(join(second.workDir, 'estargz', 'blobs', 'sha256', second.result.image?.layers[3]?.digest.slice(7) ?? ''))).toBe(true);
    // The report says so, per layer, and the figures a lazy pull needs are still there.
    expect(second.summary).toContain('- conversion: 3 of 4 layers reused from the previous ship');
    expect(second.summary.match(/\| reused \(previous ship\) \| skipped \|/g)).toHaveLength(3);
    expect(second.summary).toMatch(/\| converted \| uploaded \|/);
    expect(second.result.stages.find((s) => s.name === 'convert')?.detail).toContain('3 reused from the previous ship');
    expect(second.result.image?.layers.map((l) => l.prefetchBytes)).toEqual(
      first.result.image?.layers.map((l, i) => (i < 3 ? l.prefetchBytes : expect.any(Number))),
    );
  });

  it('what the re-ship pushed verifies: our verifier, containerd pulling it (diff_ids checked) and ctr-remote', async () => {
    const ref = second.result.image?.ref ?? '';
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
        `meshagent:${tokenFor('sandbox/reuse')}`,
        ref,
      ],
      { timeoutMs: 60_000 },
    );
    expect(pull.code, pull.stderr).toBe(0);
    for (const layer of second.result.image?.layers ?? []) {
      const toc = ctrRemote(infra, ['images', 'get-toc-digest', layer.digest]);
      expect(toc.code, toc.stderr).toBe(0);
      expect(toc.stdout.trim()).toBe(layer.tocDigest);
    }
    const pulled = await pullAndVerify('sandbox/reuse', second.result.image?.digest ?? '');
    expect(pulled.defects).toEqual([]);
    expect(pulled.ok).toBe(true);
  });

  it('a new tag reuses the layers of the image the service runs', async () => {
    const third = await shipWith({ tag: 'reuse:2', image: imageWith('<h1>three</h1>') });
    expect(third.log).toContain('(the image the service runs)');
    expect(conversions(third)).toEqual(['reused', 'reused', 'reused', 'converted']);
    expect(pushes(third)?.slice(0, 3)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('a different prefetch list converts again the layer it concerns, and only that one', async () => {
    const prefetched = await shipWith({ tag: 'reuse:1', image: imageWith('<h1>two</h1>'), prefetch: '/lib/b.so' });
    expect(conversions(prefetched)).toEqual(['reused', 'converted', 'reused', 'reused']);
    expect(pushes(prefetched)).toEqual(['skipped', 'uploaded', 'skipped', 'skipped']);
    expect(prefetched.result.image?.layers[1]?.prefetchFiles).toBe(1);
    expect(prefetched.log).toContain('the previous ship converted it with other settings');
    expect((await pullAndVerify('sandbox/reuse', prefetched.result.image?.digest ?? '')).ok).toBe(true);
    // The same list again: now everything is reused, and the registry already has the image.
    const again = await shipWith({ tag: 'reuse:1', image: imageWith('<h1>two</h1>'), prefetch: '/lib/b.so' });
    expect(conversions(again)).toEqual(['reused', 'reused', 'reused', 'reused']);
    expect(again.result.image?.digest).toBe(prefetched.result.image?.digest);
    expect(again.result.stages.find((s) => s.name === 'push')?.detail).toContain('already there');
  });

  it('a different compression level converts every layer again', async () => {
    const denser = await shipWith({ tag: 'reuse:1', image: imageWith('<h1>two</h1>'), 'compression-level': '9' });
    expect(conversions(denser)).toEqual(['converted', 'converted', 'converted', 'converted']);
    expect(pushes(denser)).toEqual(['uploaded', 'uploaded', 'uploaded', 'uploaded']);
    expect(denser.log).toContain('reused 0 of 4 layers (converted by the previous ship)');
  });

  it('garbled annotations on the previous image convert the layers concerned; the rest is reused and verifies', async () => {
    // The image the tag names now (level 9), with one layer's diff_id annotation garbled and another's TOC digest wrong.
    const registry = registryFor('sandbox/reuse');
    const repo = registry.repository('sandbox/reuse', ['pull', 'push']);
    try {
      const current = await repo.getManifest('1');
      const manifest = ImageManifest.parse(JSON.parse(current.bytes.toString('utf8')));
      const layers = manifest.layers.map((layer, i) => {
        if (i === 0) return { ...layer, annotations: { ...layer.annotations, [ShipAnnotation.diffId]: 'garbage' } };
        if (i === 1) return { ...layer, annotations: { ...layer.annotations, [Annotation.stargzTocDigest]: `sha256:${'0'.repeat(64)}` } };
        return layer;
      });
      await repo.putManifest('1', Buffer.from(JSON.stringify({ ...manifest, layers })), MediaType.ociManifest);
    } finally {
      await registry.close();
    }
    const shipped = await shipWith({ tag: 'reuse:1', image: imageWith('<h1>two</h1>'), 'compression-level': '9' });
    expect(shipped.log).toContain('(1 more without usable annotations)');
    expect(shipped.log).toMatch(/cannot be reused \(its TOC digest is sha256:\w+, the annotation says sha256:0000/);
    expect(conversions(shipped)).toEqual(['converted', 'converted', 'reused', 'reused']);
    // Conversion is deterministic: the layers converted again are the blobs the registry has, so nothing is uploaded.
    expect(pushes(shipped)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    const pulled = await pullAndVerify('sandbox/reuse', shipped.result.image?.digest ?? '');
    expect(pulled.defects).toEqual([]);
  });
});

describe('re-shipping without a usable previous image', () => {
  it('a previous image without the annotations (shipped as it was) means a full conversion', async () => {
    const plain = await shipWith({ tag: 'plain:1', image: imageWith('<h1>plain</h1>'), estargz: 'false' });
    expect(conversions(plain)).toEqual(['as-is', 'as-is', 'as-is', 'as-is']);
    const converted = await shipWith({ tag: 'plain:1', image: imageWith('<h1>plain</h1>') });
    expect(converted.log).toContain('records no conversions to reuse: every layer is converted');
    expect(conversions(converted)).toEqual(['converted', 'converted', 'converted', 'converted']);
    expect(pushes(converted)).toEqual(['uploaded', 'uploaded', 'uploaded', 'uploaded']);
  });
});

describe('re-shipping a multi-platform image', () => {
  const platforms = (text: string): PlatformImage[] => [
    { platform: { os: 'linux', architecture: 'amd64' }, layers: [BASE[0]!(), BASE[1]!(), top(`${text} amd64`)], gzip: true },
    { platform: { os: 'linux', architecture: 'arm64' }, layers: [BASE[0]!(), BASE[2]!(), top(`${text} arm64`)], gzip: true },
  ];

  /** Each platform's layer digests of a pushed index. */
  async function layersByPlatform(digest: string): Promise<Record<string, string[]>> {
    const { layout } = await pullAndVerify('sandbox/multi', digest);
    const index = await layout.readJson(digest as Digest, ImageIndex, 'index');
    const out: Record<string, string[]> = {};
    for (const entry of index.manifests) {
      const manifest = await layout.readJson(entry.digest, ImageManifest, 'manifest');
      out[entry.platform?.architecture ?? '?'] = manifest.layers.map((l) => l.digest);
    }
    return out;
  }

  it('reuses the base layers of every platform manifest', async () => {
    const one = await shipWith({ tag: 'multi:1', image: imageWith('one', platforms('one')) });
    const two = await shipWith({ tag: 'multi:1', image: imageWith('two', platforms('two')) });
    // Unique layers across both platforms: three base layers reused, the two tops converted.
    expect(two.log).toContain('reused 3 of 5 layers (converted by the previous ship)');
    expect(conversions(two)).toEqual(['reused', 'reused', 'converted']);
    const before = await layersByPlatform(one.result.image?.digest ?? '');
    const after = await layersByPlatform(two.result.image?.digest ?? '');
    for (const arch of ['amd64', 'arm64']) {
      expect(after[arch]?.slice(0, 2)).toEqual(before[arch]?.slice(0, 2));
      expect(after[arch]?.[2]).not.toBe(before[arch]?.[2]);
    }
    const { ok, defects } = await pullAndVerify('sandbox/multi', two.result.image?.digest ?? '');
    expect(defects).toEqual([]);
    expect(ok).toBe(true);
  });
});
