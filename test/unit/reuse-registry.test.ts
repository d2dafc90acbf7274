// Re-ship reuse (src/pipeline/reuse.ts) end to end through the real registry client and the in-process registry:
// convert and push an image, then convert the next version with what the registry's previous image records, push it,
// pull it back and verify it. test/unit/reuse.test.ts covers the same logic with stand-ins for the repository;
// test/e2e/reship.test.ts with the real registry and builders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convertImage, type ImageConversion, type LayerEvent } from '../../src/estargz/image.js';
import { verifyImage } from '../../src/estargz/verify.js';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { pullImage } from '../../src/oci/pull.js';
import { pushImage, type PushResult } from '../../src/oci/push.js';
import { RegistryClient, type RepositoryClient } from '../../src/oci/registry.js';
import { ImageManifest } from '../../src/oci/types.js';
import { previousConversions } from '../../src/pipeline/reuse.js';
import { ShipAnnotation } from '../../src/pipeline/annotations.js';
import { FakeRegistry, usersGrant } from '../helpers/fake-registry.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'reuse-registry-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const base = [
  buildTar([
    { name: 'bin/', type: '5' },
    { name: 'bin/tool', data: payload(300_000, 1), mode: 0o755 },
  ]),
  buildTar([
    { name: 'lib/', type: '5' },
    { name: 'lib/a.so', data: payload(200_000, 2) },
  ]),
];
const top = (text: string) =>
  buildTar([
    { name: 'app/', type: '5' },
    { name: 'app/index.html', data: text },
  ]);

let registry: FakeRegistry;
let client: RegistryClient;
let repo: RepositoryClient;
const REPOSITORY = 'key/app';
beforeEach(async () => {
  // A token that may push to this repository only, as a MeshAgent repository token.
  registry = await FakeRegistry.start({
    auth: { scheme: 'bearer', grant: usersGrant({ meshagent: { password: 'repository-token', access: { [REPOSITORY]: ['pull', 'push'] } } }) },
  });
  client = new RegistryClient({
    registry: registry.host,
    credentials: { username: 'meshagent', password: 'repository-token' },
    mask: () => {},
    http: { retry: { baseDelayMs: 1, maxDelayMs: 2 } },
  });
  repo = client.repository(REPOSITORY, ['pull', 'push']);
});
afterEach(async () => {
  await client.close();
  await registry.stop();
});

interface Shipped {
  conversion: ImageConversion;
  out: OciLayout;
  pushed: PushResult;
  events: string[];
  logs: string[];
}

let counter = 0;
/** Converts an image of `layers` (reusing what the repository's `previousTag` records, when given) and pushes it as `tag`. */
async function ship(
  layers: Buffer[],
  tag: string,
  options: { previousTag?: string; running?: string; prefetch?: string[]; level?: number; manifestAnnotations?: Record<string, string> } = {},
): Promise<Shipped & { startups: readonly string[] }> {
  counter += 1;
  const sourceDir = join(work, `source-${counter}`);
  writeImageLayout(sourceDir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers, gzip: true }]);
  const source = await OciLayout.open(sourceDir);
  const out = await OciLayout.create(join(work, `out-${counter}`));
  const logs: string[] = [];
  const events: string[] = [];
  const reuse = options.previousTag
    ? await previousConversions(repo, {
        tag: options.previousTag,
        log: (line) => logs.push(line),
        ...(options.running ? { running: async () => options.running } : {}),
      })
    : undefined;
  const conversion = await convertImage(source, await source.resolve('latest'), out, {
    chunkSize: 65536,
    provenance: ShipAnnotation,
    ...(options.level !== undefined ? { level: options.level } : {}),
    ...(options.prefetch ? { prefetch: options.prefetch } : {}),
    ...(options.manifestAnnotations ? { manifestAnnotations: options.manifestAnnotations } : {}),
    ...(reuse ? { reuse } : {}),
    onLayer: (e: LayerEvent) => e.kind !== 'progress' && events.push(e.kind),
  });
  const pushed = await pushImage(out, repo, { root: conversion.descriptor, tag });
  return { conversion, out, pushed, events, logs, startups: reuse?.startups ?? [] };
}

const layerDigests = async (shipped: Shipped) =>
  (await shipped.out.readJson(shipped.conversion.descriptor.digest, ImageManifest, 'manifest')).layers.map((l) => l.digest);

describe('re-shipping through a registry', () => {
  it('the first ship finds no previous image; the next reuses the unchanged layers without downloading them', async () => {
    const first = await ship([...base, top('one')], 'v1', { previousTag: 'v1' });
    expect(first.logs).toEqual([`no previous image of ${registry.host}/${REPOSITORY}:v1: every layer is converted`]);
    expect(first.events.filter((e) => e === 'start')).toHaveLength(3);

    registry.requests.length = 0;
    const second = await ship([...base, top('two')], 'v1', { previousTag: 'v1' });
    expect(second.logs.join('\n')).toContain(`the previous image ${registry.host}/${REPOSITORY}:v1`);
    expect(second.logs.join('\n')).toContain('records 3 converted layers');
    expect(second.events).toEqual(['reused', 'reused', 'start', 'done']);
    const [one, two] = [await layerDigests(first), await layerDigests(second)];
    expect(two.slice(0, 2)).toEqual(one.slice(0, 2));
    expect(two[2]).not.toBe(one[2]);
    // The reused blobs were looked at (HEAD) and their footer and TOC read by Range; never downloaded whole.
    for (const digest of one.slice(0, 2)) {
      const reads = registry.requests.filter((r) => r.path.endsWith(digest) && r.method !== 'POST');
      expect(reads.filter((r) => r.method === 'GET').every((r) => r.headers.range?.startsWith('bytes='))).toBe(true);
      expect(reads.filter((r) => r.method === 'GET' && r.status === 206)).toHaveLength(2);
      expect(await second.out.hasBlob(digest as Digest)).toBe(false);
    }
    // The push skips them: the repository has them.
    expect(second.pushed.stats.outcomes.get(one[0] as Digest)).toBe('skipped');
    expect(second.pushed.stats.outcomes.get(one[1] as Digest)).toBe('skipped');
    expect(second.pushed.stats.outcomes.get(two[2] as Digest)).toBe('uploaded');

    // What was pushed pulls back whole and verifies, reused layers included.
    const pulled = await OciLayout.create(join(work, 'pulled'));
    await pullImage(client.repository(REPOSITORY), 'v1', pulled);
    const verdict = await verifyImage(pulled, second.conversion.descriptor);
    expect(verdict.layers.flatMap((l) => l.defects)).toEqual([]);
    expect(verdict.ok).toBe(true);
  });

  it("hands the next ship the previous manifest's prefetch auto record", async () => {
    const record = JSON.stringify({ sourceConfig: 'sha256:x', outcome: { kind: 'time-bound', seconds: 10 }, paths: ['/bin/tool'] });
    await ship([...base, top('one')], 'v1', { manifestAnnotations: { [ShipAnnotation.prefetchAuto]: record } });
    const second = await ship([...base, top('one')], 'v1', { previousTag: 'v1' });
    expect(second.startups).toEqual([record]);
    // The record is the manifest's own: a ship without prefetch auto writes none.
    const third = await ship([...base, top('two')], 'v1', { previousTag: 'v1' });
    expect(third.startups).toEqual([]);
  });

  it('a new tag reuses the layers of the image the service runs', async () => {
    const first = await ship([...base, top('one')], 'v1');
    const second = await ship([...base, top('two')], 'v2', { previousTag: 'v2', running: `${registry.host}/${REPOSITORY}@${first.pushed.digest}` });
    expect(second.logs.join('\n')).toContain('(the image the service runs)');
    expect(second.events.filter((e) => e === 'reused')).toHaveLength(2);
  });

  it('converts again a layer the repository lost, and one whose stored bytes are not what its annotations say', async () => {
    const first = await ship([...base, top('one')], 'v1');
    const [lost, changed] = await layerDigests(first);
    registry.deleteBlob(REPOSITORY, lost as string);
    const size = registry.blob(changed as string)?.length ?? 0;
    registry.corruptBlob(changed as string, Buffer.alloc(size, 7));
    const second = await ship([...base, top('two')], 'v1', { previousTag: 'v1' });
    expect(second.events).toEqual(['start', 'done', 'start', 'done', 'start', 'done']);
    expect(second.logs.join('\n')).toContain('cannot be reused (the repository no longer has the blob)');
    expect(second.logs.join('\n')).toMatch(/cannot be reused \(no eStargz footer/);
    // The lost layer converts to the same bytes and is uploaded again.
    expect(second.pushed.stats.outcomes.get(lost as Digest)).toBe('uploaded');
  });

  it('converts again every layer when the settings changed', async () => {
    await ship([...base, top('one')], 'v1');
    const second = await ship([...base, top('one')], 'v1', { previousTag: 'v1', level: 9 });
    expect(second.events.filter((e) => e === 'reused')).toEqual([]);
    expect(second.logs.join('\n')).toContain('the previous ship converted it with other settings');
  });

  it('never fails the ship when the registry cannot be read: everything is converted', async () => {
    await ship([...base, top('one')], 'v1');
    registry.faults.push({ method: 'GET', path: /manifests\/v1$/, status: 500, times: 10 });
    const second = await ship([...base, top('one')], 'v2', { previousTag: 'v1' });
    expect(second.logs.join('\n')).toMatch(/the previous image could not be read \(.*500.*\): every layer is converted/);
    expect(second.events.filter((e) => e === 'start')).toHaveLength(3);
  });
});
