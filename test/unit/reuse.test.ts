// Reusing the previous ship's conversions: the annotations the converter writes, how they are read back (and refused
// when garbled), and a whole-image conversion that takes unchanged layers from a previous conversion's blobs, checked
// through a registry stand-in that serves them from a layout, without writing them again.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conversionParams, convertImage, CONVERTER_VERSION, type ImageConversion } from '../../src/estargz/image.js';
import { readBlobToc, readToc } from '../../src/estargz/read-toc.js';
import { verifyImage, type CheckedElsewhere } from '../../src/estargz/verify.js';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { Annotation, MediaType } from '../../src/oci/media-types.js';
import type { RepositoryClient } from '../../src/oci/registry.js';
import { ImageConfig, ImageManifest, type Descriptor } from '../../src/oci/types.js';
import { HttpError } from '../../src/http.js';
import { conversionOf, conversionsOf, digestIn, previousConversions, RegistryReuse } from '../../src/pipeline/reuse.js';
import { ShipAnnotation } from '../../src/pipeline/annotations.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'reuse-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const base = [
  buildTar([
    { name: 'bin/', type: '5' },
    { name: 'bin/tool', data: payload(300_000, 1), mode: 0o755 },
  ]),
  buildTar([
    { name: 'lib/', type: '5' },
    { name: 'lib/a.so', data: payload(200_000, 2) },
    { name: 'lib/b.so', data: payload(5_000, 3) },
  ]),
];
const top = (text: string) =>
  buildTar([
    { name: 'app/', type: '5' },
    { name: 'app/index.html', data: text },
    { name: 'app/main', data: payload(20_000, 4) },
  ]);

let counter = 0;
async function convert(
  layers: Buffer[],
  options: Parameters<typeof convertImage>[3] = {},
): Promise<{ out: OciLayout; conversion: ImageConversion; manifest: ImageManifest; config: ImageConfig }> {
  counter += 1;
  const dir = join(work, `source-${counter}`);
  writeImageLayout(dir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers, gzip: true }]);
  const source = await OciLayout.open(dir);
  const out = await OciLayout.create(join(work, `out-${counter}`));
  const conversion = await convertImage(source, await source.resolve('latest'), out, { chunkSize: 65536, provenance: ShipAnnotation, ...options });
  const manifest = await out.readJson(conversion.descriptor.digest, ImageManifest, 'manifest');
  const config = await out.readJson(manifest.config.digest, ImageConfig, 'config');
  return { out, conversion, manifest, config };
}

/** A registry stand-in for the reuse checks: HEAD and Range reads served from a layout, every call recorded. */
function registryOf(layout: OciLayout, calls: string[] = []): RepositoryClient {
  const fake = {
    where: '127.0.0.1:5000/key/app',
    async blobSize(digest: Digest) {
      calls.push(`HEAD ${digest}`);
      return (await layout.hasBlob(digest)) ? readFileSync(layout.blobPath(digest)).length : undefined;
    },
    async readBlobRange(digest: Digest, start: number, length: number) {
      calls.push(`GET ${digest} ${start}+${length}`);
      const handle = await open(layout.blobPath(digest), 'r');
      try {
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, start);
        return buffer;
      } finally {
        await handle.close();
      }
    },
  };
  return fake as unknown as RepositoryClient;
}

describe('conversion settings', () => {
  it('spell the converter version, level, chunk size and the prioritized paths in order', () => {
    expect(conversionParams({ level: 6, chunkSize: 4194304, prioritized: [] })).toBe(`estargz/${CONVERTER_VERSION} level=6 chunk-size=4194304 prefetch=none`);
    const ab = conversionParams({ level: 6, chunkSize: 4194304, prioritized: ['a', 'b'] });
    expect(ab).toMatch(/^estargz\/\d+ level=6 chunk-size=4194304 prefetch=sha256:[0-9a-f]{64}$/);
    expect(conversionParams({ level: 6, chunkSize: 4194304, prioritized: ['b', 'a'] })).not.toBe(ab);
    expect(conversionParams({ level: 9, chunkSize: 4194304, prioritized: ['a', 'b'] })).not.toBe(ab);
    expect(conversionParams({ level: 6, chunkSize: 65536, prioritized: ['a', 'b'] })).not.toBe(ab);
  });
});

describe('the annotations a conversion records', () => {
  it('name the source layer, the settings and the diff_id, and read back as reusable conversions', async () => {
    const { conversion, manifest, config } = await convert([...base, top('one')], { prefetch: ['/app/main'] });
    const sources = conversion.manifests[0]?.layers.map((l) => l.source) ?? [];
    expect(sources).toHaveLength(3);
    for (const [i, layer] of manifest.layers.entries()) {
      expect(layer.annotations?.[ShipAnnotation.sourceDigest]).toBe(sources[i]);
      expect(layer.annotations?.[ShipAnnotation.diffId]).toBe(config.rootfs.diff_ids[i]);
      expect(layer.annotations?.[ShipAnnotation.conversion]).toBe(conversionParams({ level: 6, chunkSize: 65536, prioritized: i === 2 ? ['app/main'] : [] }));
    }
    const { conversions, unusable } = conversionsOf(manifest, config.rootfs.diff_ids);
    expect(unusable).toBe(0);
    expect(conversions.map((c) => [c.source, c.digest, c.diffId])).toEqual(manifest.layers.map((l, i) => [sources[i], l.digest, config.rootfs.diff_ids[i]]));
    // A layer whose diff_id annotation is not its config's diff_id (layers rewritten, annotations kept) is not reused.
    const rewritten = [config.rootfs.diff_ids[0] ?? '', `sha256:${'1'.repeat(64)}`, config.rootfs.diff_ids[2] ?? ''];
    expect(conversionsOf(manifest, rewritten)).toMatchObject({
      unusable: 1,
      conversions: [{ digest: manifest.layers[0]?.digest }, { digest: manifest.layers[2]?.digest }],
    });
  });

  it('are refused when missing or garbled', async () => {
    const { manifest } = await convert([base[0] as Buffer]);
    const layer = manifest.layers[0] as Descriptor;
    expect(conversionOf(layer)).toBeDefined();
    const without = (key: string) => ({ ...layer, annotations: Object.fromEntries(Object.entries(layer.annotations ?? {}).filter(([k]) => k !== key)) });
    const with_ = (key: string, value: string) => ({ ...layer, annotations: { ...layer.annotations, [key]: value } });
    for (const key of [
      ShipAnnotation.sourceDigest,
      ShipAnnotation.conversion,
      ShipAnnotation.diffId,
      Annotation.stargzTocDigest,
      Annotation.estargzUncompressedSize,
    ]) {
      expect(conversionOf(without(key)), key).toBeUndefined();
    }
    expect(conversionOf(with_(ShipAnnotation.sourceDigest, 'sha256:xyz'))).toBeUndefined();
    expect(conversionOf(with_(ShipAnnotation.diffId, 'garbage'))).toBeUndefined();
    expect(conversionOf(with_(ShipAnnotation.conversion, 'level=6'))).toBeUndefined();
    expect(conversionOf(with_(Annotation.estargzUncompressedSize, '-1'))).toBeUndefined();
    expect(conversionOf({ ...layer, mediaType: MediaType.dockerLayerGzip })).toBeUndefined();
    const plain = { ...manifest, layers: [{ mediaType: MediaType.ociLayerGzip, digest: layer.digest, size: layer.size }, layer] };
    expect(conversionsOf(plain, ['', layer.annotations?.[ShipAnnotation.diffId] ?? ''])).toMatchObject({
      unusable: 1,
      conversions: [{ digest: layer.digest }],
    });
  });
});

describe('the TOC read through a range reader', () => {
  it('is the one read from the file', async () => {
    const { out, manifest } = await convert([base[1] as Buffer]);
    const layer = manifest.layers[0] as Descriptor;
    const repo = registryOf(out);
    const remoteEntries: unknown[] = [];
    const localEntries: unknown[] = [];
    const remote = await readToc({ size: layer.size, read: (start, length) => repo.readBlobRange(layer.digest, start, length) }, (batch) =>
      remoteEntries.push(...batch),
    );
    const local = await readBlobToc(out.blobPath(layer.digest), (batch) => localEntries.push(...batch));
    expect(remote.tocDigest).toBe(local.tocDigest);
    expect(remoteEntries.length).toBeGreaterThan(0);
    expect(remoteEntries).toEqual(localEntries);
  });
});

describe('a conversion that reuses the previous one', () => {
  it('takes the unchanged layers from the previous blobs without converting or writing them, and verifies', async () => {
    const first = await convert([...base, top('one')], { prefetch: ['/app/main', '/bin/tool'] });
    const calls: string[] = [];
    const logs: string[] = [];
    const reuse = new RegistryReuse(registryOf(first.out, calls), conversionsOf(first.manifest, first.config.rootfs.diff_ids).conversions, (line) =>
      logs.push(line),
    );
    const events: string[] = [];
    const second = await convert([...base, top('two')], {
      prefetch: ['/app/main', '/bin/tool'],
      reuse,
      onLayer: (e) => e.kind !== 'progress' && events.push(`${e.kind} ${e.digest}`),
    });

    const sources = second.conversion.manifests[0]?.layers ?? [];
    expect(sources.map((l) => l.reused !== undefined)).toEqual([true, true, false]);
    // The base layers were neither converted nor written; the same blobs, the same diff_ids.
    expect(events.filter((e) => e.startsWith('start'))).toEqual([`start ${sources[2]?.source}`]);
    for (const i of [0, 1]) {
      expect(second.manifest.layers[i]?.digest).toBe(first.manifest.layers[i]?.digest);
      expect(second.manifest.layers[i]?.annotations).toEqual(first.manifest.layers[i]?.annotations);
      expect(second.config.rootfs.diff_ids[i]).toBe(first.config.rootfs.diff_ids[i]);
      expect(await second.out.hasBlob(second.manifest.layers[i]?.digest as Digest)).toBe(false);
    }
    expect(second.manifest.layers[2]?.digest).not.toBe(first.manifest.layers[2]?.digest);
    // The prefetch list was attributed from the previous TOCs: bin/tool stays first in the bottom layer.
    expect(sources.map((l) => l.prioritized)).toEqual([['bin/tool'], [], ['app/main']]);
    expect(sources[0]?.reused?.lazyPull.bytes).toBeGreaterThan(0);
    // Checked by HEAD and two Range reads (footer, TOC) per reused layer, and never downloaded whole; the TOC, which
    // is streamed rather than kept, is read once more for the paths the prefetch list is matched against.
    for (const i of [0, 1]) {
      const digest = first.manifest.layers[i]?.digest;
      expect(calls.filter((c) => c.includes(digest as string)).map((c) => c.split(' ')[0])).toEqual(['HEAD', 'GET', 'GET', 'GET']);
    }
    const elsewhere = new Map<Digest, CheckedElsewhere>(sources.flatMap((l) => (l.reused ? [[l.reused.digest, l.reused] as const] : [])));
    const verdict = await verifyImage(second.out, second.conversion.descriptor, { elsewhere });
    expect(verdict.layers.flatMap((l) => l.defects)).toEqual([]);
    expect(verdict.ok).toBe(true);
    // Without the facts found in the registry the verifier misses the blobs: the check is not vacuous.
    expect((await verifyImage(second.out, second.conversion.descriptor)).ok).toBe(false);
  });

  it('converts again a layer whose prefetch list or level changed, and one whose blob does not match its annotations', async () => {
    const first = await convert([...base, top('one')]);
    const logs: string[] = [];
    const conversions = conversionsOf(first.manifest, first.config.rootfs.diff_ids).conversions;
    // The second layer's record claims another TOC digest: its check fails.
    const lying = conversions.map((c, i) => (i === 1 ? { ...c, tocDigest: `sha256:${'0'.repeat(64)}` as Digest } : c));
    const reuse = new RegistryReuse(registryOf(first.out), lying, (line) => logs.push(line));
    const second = await convert([...base, top('one')], { prefetch: ['/bin/tool'], reuse });
    expect(second.conversion.manifests[0]?.layers.map((l) => l.reused !== undefined)).toEqual([false, false, true]);
    expect(logs.join('\n')).toContain('the previous ship converted it with other settings');
    expect(logs.join('\n')).toMatch(/cannot be reuse.*TOC digest/);
    expect(
      (
        await verifyImage(second.out, second.conversion.descriptor, {
          elsewhere: new Map(second.conversion.manifests[0]?.layers.flatMap((l) => (l.reused ? [[l.reused.digest, l.reused]] : []))),
        })
      ).ok,
    ).toBe(true);

    const third = await convert([...base, top('one')], { level: 9, reuse: new RegistryReuse(registryOf(first.out), conversions, () => {}) });
    expect(third.conversion.manifests[0]?.layers.map((l) => l.reused !== undefined)).toEqual([false, false, false]);
  });

  it('checks every recorded layer ahead (checkAll), then reuses from those checks, saying a failed one only when a layer needs it', async () => {
    const first = await convert([...base, top('one')]);
    const conversions = conversionsOf(first.manifest, first.config.rootfs.diff_ids).conversions;
    // The top layer's record claims another TOC digest: its check fails, but the new image does not have that layer.
    const lying = conversions.map((c, i) => (i === 2 ? { ...c, tocDigest: `sha256:${'0'.repeat(64)}` as Digest } : c));
    const calls: string[] = [];
    const logs: string[] = [];
    const reuse = new RegistryReuse(registryOf(first.out, calls), lying, (line) => logs.push(line));
    await reuse.checkAll();
    const ahead = calls.length;
    // HEAD, footer and TOC of each of the three layers.
    expect(ahead).toBe(9);
    expect(logs).toEqual([]);
    const second = await convert([...base, top('two')], { reuse });
    expect(second.conversion.manifests[0]?.layers.map((l) => l.reused !== undefined)).toEqual([true, true, false]);
    // The conversion asked nothing of the registry: the checks made ahead were taken.
    expect(calls.length).toBe(ahead);
    expect(logs).toEqual([]);
    // A conversion that needs the layer whose check failed says so, once.
    const third = await convert([...base, top('one')], { reuse });
    expect(third.conversion.manifests[0]?.layers.map((l) => l.reused !== undefined)).toEqual([true, true, false]);
    expect(logs.filter((line) => /cannot be reused.*TOC digest/.test(line))).toHaveLength(1);
  });

  it('does not reuse a blob the registry no longer has', async () => {
    const first = await convert([base[0] as Buffer]);
    const conversions = conversionsOf(first.manifest, first.config.rootfs.diff_ids).conversions;
    const empty = await OciLayout.create(join(work, 'empty'));
    const logs: string[] = [];
    const second = await convert([base[0] as Buffer], { reuse: new RegistryReuse(registryOf(empty), conversions, (line) => logs.push(line)) });
    expect(second.conversion.manifests[0]?.layers[0]?.reused).toBeUndefined();
    expect(second.manifest.layers[0]?.digest).toBe(first.manifest.layers[0]?.digest);
    expect(logs.join('\n')).toContain('no longer has the blob');
  });
});

describe('a reference to the image a service runs', () => {
  const repo = { where: '127.0.0.1:5000/key/app' } as RepositoryClient;
  const digest = `sha256:${'a'.repeat(64)}`;
  it('gives its digest when it is pinned in this repository', () => {
    expect(digestIn(`127.0.0.1:5000/key/app@${digest}`, repo)).toBe(digest);
    expect(digestIn(`127.0.0.1:5000/key/app:v1@${digest}`, repo)).toBe(digest);
  });
  it('gives nothing for another repository, a tag or a malformed digest', () => {
    expect(digestIn(`127.0.0.1:5000/key/other@${digest}`, repo)).toBeUndefined();
    expect(digestIn('127.0.0.1:5000/key/app:v1', repo)).toBeUndefined();
    expect(digestIn('127.0.0.1:5000/key/app@sha256:abc', repo)).toBeUndefined();
  });
});

describe('looking up the previous image', () => {
  /** A repository stand-in whose manifests are `answers` (a function: thrown or returned). */
  const repoWith = (answers: Record<string, () => { bytes: Buffer; mediaType: string; digest: Digest }>, calls: string[] = [], blobs?: OciLayout) =>
    ({
      where: '127.0.0.1:5000/key/app',
      async getManifest(reference: string) {
        calls.push(reference);
        const answer = answers[reference];
        if (!answer) throw new HttpError('404 Not Found', { method: 'GET', url: `/v2/key/app/manifests/${reference}`, status: 404 });
        return answer();
      },
      // Configs, which are read when a manifest records conversions, come from `blobs`.
      async readBlobRange(digest: Digest, start: number, length: number) {
        calls.push(`config ${digest}`);
        if (!blobs) throw new HttpError('404 Not Found', { method: 'GET', url: `/v2/key/app/blobs/${digest}`, status: 404 });
        return readFileSync(blobs.blobPath(digest)).subarray(start, start + length);
      },
    }) as unknown as RepositoryClient;
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest;

  it('falls back, with a log line, when the tag has no image, the registry fails or the manifest is garbage', async () => {
    const cases: Array<[Record<string, () => { bytes: Buffer; mediaType: string; digest: Digest }>, RegExp]> = [
      [{}, /no previous image of 127.0.0.1:5000\/key\/app:1: every layer is converted/],
      [
        {
          '1': () => {
            throw new HttpError('500 Internal Server Error', { method: 'GET', url: '/v2/key/app/manifests/1', status: 500 });
          },
        },
        /could not be read \(500 Internal Server Error\)/,
      ],
      [
        { '1': () => ({ bytes: Buffer.from('{"schemaVersion":2,"layers":"no"}'), mediaType: MediaType.ociManifest, digest: digest('a') }) },
        /could not be read/,
      ],
      [{ '1': () => ({ bytes: Buffer.from('not json'), mediaType: MediaType.ociManifest, digest: digest('a') }) }, /could not be read/],
      [
        {
          '1': () => ({
            bytes: json({
              schemaVersion: 2,
              config: { mediaType: MediaType.ociConfig, digest: digest('c'), size: 2 },
              layers: [{ mediaType: MediaType.ociLayerGzip, digest: digest('d'), size: 9 }],
            }),
            mediaType: MediaType.ociManifest,
            digest: digest('a'),
          }),
        },
        /records no conversions to reuse/,
      ],
    ];
    for (const [answers, said] of cases) {
      const logs: string[] = [];
      expect(await previousConversions(repoWith(answers), { tag: '1', log: (line) => logs.push(line) })).toBeUndefined();
      expect(logs.join('\n')).toMatch(said);
    }
  });

  it('reads every platform manifest of an index, and the image the service runs when the tag has none', async () => {
    const { manifest, out } = await convert([base[0] as Buffer]);
    const other = {
      ...manifest,
      layers: manifest.layers.map((l) => ({ ...l, annotations: { ...l.annotations, [ShipAnnotation.sourceDigest]: digest('e') } })),
    };
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [
        { mediaType: MediaType.ociManifest, digest: digest('1'), size: 1 },
        { mediaType: MediaType.ociManifest, digest: digest('2'), size: 1 },
      ],
    };
    const answers = {
      [digest('9')]: () => ({ bytes: json(index), mediaType: MediaType.ociIndex, digest: digest('9') }),
      [digest('1')]: () => ({ bytes: json(manifest), mediaType: MediaType.ociManifest, digest: digest('1') }),
      [digest('2')]: () => ({ bytes: json(other), mediaType: MediaType.ociManifest, digest: digest('2') }),
    };
    const logs: string[] = [];
    const calls: string[] = [];
    const found = await previousConversions(repoWith(answers, calls, out), {
      tag: '2',
      running: async () => `127.0.0.1:5000/key/app@${digest('9')}`,
      log: (line) => logs.push(line),
    });
    expect(found).toBeInstanceOf(RegistryReuse);
    expect(calls).toEqual(['2', digest('9'), digest('1'), digest('2'), `config ${manifest.config.digest}`, `config ${manifest.config.digest}`]);
    expect(logs.join('\n')).toContain(`the previous image 127.0.0.1:5000/key/app@${digest('9')} (the image the service runs)`);
    expect(logs.join('\n')).toContain('records 2 converted layers');
    // The image of another repository is not looked at.
    const elsewhere: string[] = [];
    expect(
      await previousConversions(repoWith(answers, elsewhere, out), { tag: '2', running: async () => `127.0.0.1:5000/key/other@${digest('9')}`, log: () => {} }),
    ).toBeUndefined();
    expect(elsewhere).toEqual(['2']);
  });
});
