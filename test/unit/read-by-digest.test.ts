// Everything read from an image on disk is checked against its descriptor's digest and size as it streams: a layer
// swapped for another's bytes, a blob cut short, and a descriptor giving the wrong size are each a ShipError that
// names the blob and where it was read from (the layout, or the archive it was unpacked from), and nothing is kept.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertImage } from '../../src/estargz/image.js';
import { openImage, packOciArchive } from '../../src/oci/archive.js';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { ImageConfig, ImageIndex, ImageManifest, type Descriptor } from '../../src/oci/types.js';
import { conversionsOf, RegistryReuse } from '../../src/pipeline/reuse.js';
import { ShipAnnotation } from '../../src/pipeline/annotations.js';
import type { RepositoryClient } from '../../src/oci/registry.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { shipFailure } from '../helpers/ship-failure.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'read-by-digest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (data: Buffer | string): Digest => `sha256:${createHash('sha256').update(data).digest('hex')}`;

// Two layers of exactly the same size, so a swap passes the size check and only the digest can catch it.
const layerA = buildTar([
  { name: 'a/', type: '5' },
  { name: 'a/file', data: payload(20_000, 1) },
]);
const layerB = buildTar([
  { name: 'b/', type: '5' },
  { name: 'b/file', data: payload(20_000, 2) },
]);

let count = 0;
/** A fresh layout of [A, B] (uncompressed unless `gzip`), and its manifest. */
async function image(gzip = false): Promise<{ dir: string; layout: OciLayout; manifest: ImageManifest; top: Descriptor }> {
  count += 1;
  const dir = join(work, `image-${count}`);
  writeImageLayout(dir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [layerA, layerB], gzip }]);
  const layout = await OciLayout.open(dir);
  const top = await layout.resolve('latest');
  return { dir, layout, manifest: await layout.readJson(top, ImageManifest, 'manifest'), top };
}

/** Rewrites the image's manifest (and index.json to point at it). */
function rewriteManifest(dir: string, change: (manifest: ImageManifest) => void): void {
  const indexPath = join(dir, 'index.json');
  const index = ImageIndex.parse(JSON.parse(readFileSync(indexPath, 'utf8')));
  const entry = index.manifests[0] as Descriptor;
  const manifest = ImageManifest.parse(JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', entry.digest.slice(7)), 'utf8')));
  change(manifest);
  const bytes = Buffer.from(JSON.stringify(manifest));
  writeFileSync(join(dir, 'blobs', 'sha256', sha256(bytes).slice(7)), bytes);
  writeFileSync(indexPath, JSON.stringify({ ...index, manifests: [{ ...entry, digest: sha256(bytes), size: bytes.length }] }));
}

/** Rewrites the image's config (and the manifest and index.json to point at it). */
function rewriteConfig(dir: string, change: (config: { rootfs: { diff_ids: string[] } }) => void): void {
  const index = ImageIndex.parse(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')));
  const manifest = ImageManifest.parse(JSON.parse(readFileSync(blobFile(dir, (index.manifests[0] as Descriptor).digest), 'utf8')));
  const config = JSON.parse(readFileSync(blobFile(dir, manifest.config.digest), 'utf8'));
  change(config);
  const bytes = Buffer.from(JSON.stringify(config));
  writeFileSync(blobFile(dir, sha256(bytes)), bytes);
  rewriteManifest(dir, (m) => void (m.config = { ...m.config, digest: sha256(bytes), size: bytes.length }));
}

const blobFile = (dir: string, digest: string) => join(dir, 'blobs', 'sha256', digest.slice(7));

async function convertFails(source: OciLayout, options: Parameters<typeof convertImage>[3] = {}, top?: Descriptor) {
  const out = await OciLayout.create(mkdtempSync(join(work, 'out-')));
  const error = await shipFailure(convertImage(source, top ?? (await source.resolve()), out, { chunkSize: 65536, ...options }));
  // Nothing half-written is left behind.
  expect(readdirSync(join(out.dir, 'blobs', 'sha256')).filter((name) => name.startsWith('.'))).toEqual([]);
  return error;
}

describe('an OCI layout whose blobs do not match their descriptors', () => {
  it('a layer swapped for the bytes of another (same size): the digest check names the blob and the layout', async () => {
    const { dir, layout, manifest } = await image();
    const [a, b] = manifest.layers as [Descriptor, Descriptor];
    expect(a.size).toBe(b.size);
    cpSync(blobFile(dir, b.digest), blobFile(dir, a.digest));
    const error = await convertFails(layout);
    expect(error.message).toBe(`${dir}: blob ${a.digest} does not match its digest: its content is ${b.digest}`);
    expect(error.hint).toContain('swapped');
  });

  it('the same swap is caught on the prefetch path too (the layer is spooled, then reordered)', async () => {
    const { dir, layout, manifest } = await image();
    const [a, b] = manifest.layers as [Descriptor, Descriptor];
    cpSync(blobFile(dir, b.digest), blobFile(dir, a.digest));
    const error = await convertFails(layout, { prefetch: ['/b/file'] });
    expect(error.message).toContain(`blob ${a.digest} does not match its digest`);
  });

  it('a gzip layer swapped for another of a different size: the size check names the blob', async () => {
    const { dir, layout, manifest } = await image(true);
    const [a, b] = manifest.layers as [Descriptor, Descriptor];
    cpSync(blobFile(dir, b.digest), blobFile(dir, a.digest));
    expect(a.size).not.toBe(b.size);
    const error = await convertFails(layout);
    expect(error.message).toBe(`${dir}: blob ${a.digest} is ${b.size} bytes, but its descriptor gives ${a.size}`);
  });

  it('a truncated blob: refused by its size, and by its digest when the descriptor was cut to match', async () => {
    const { dir, layout, manifest } = await image(true);
    const a = manifest.layers[0] as Descriptor;
    truncateSync(blobFile(dir, a.digest), a.size - 100);
    expect((await convertFails(layout)).message).toBe(`${dir}: blob ${a.digest} is ${a.size - 100} bytes, but its descriptor gives ${a.size}`);
    rewriteManifest(dir, (m) => {
      (m.layers[0] as Descriptor).size = a.size - 100;
    });
    const cut = await convertFails(await OciLayout.open(dir));
    expect(cut.message).toMatch(new RegExp(`^${dir}: blob ${a.digest} does not match its digest: its content is sha256:`));
  });

  it('a blob longer than its descriptor, and a descriptor giving the wrong size of the right bytes', async () => {
    const longer = await image();
    const a = longer.manifest.layers[0] as Descriptor;
    appendFileSync(blobFile(longer.dir, a.digest), Buffer.alloc(512));
    expect((await convertFails(longer.layout)).message).toBe(`${longer.dir}: blob ${a.digest} is ${a.size + 512} bytes, but its descriptor gives ${a.size}`);

    const wrong = await image();
    const b = wrong.manifest.layers[1] as Descriptor;
    rewriteManifest(wrong.dir, (m) => {
      (m.layers[1] as Descriptor).size = b.size + 1;
    });
    expect((await convertFails(await OciLayout.open(wrong.dir))).message).toBe(
      `${wrong.dir}: blob ${b.digest} is ${b.size} bytes, but its descriptor gives ${b.size + 1}`,
    );
  });

  it('manifests and configs are checked by digest and size too', async () => {
    const config = await image();
    const configBlob = blobFile(config.dir, config.manifest.config.digest);
    const text = readFileSync(configBlob, 'utf8');
    writeFileSync(configBlob, text.replace('"amd64"', '"arm64"'));
    expect((await convertFails(config.layout)).message).toMatch(new RegExp(`^${config.dir}: blob ${config.manifest.config.digest} does not match its digest`));

    const sized = await image();
    rewriteManifest(sized.dir, (m) => {
      m.config.size += 1;
    });
    expect((await convertFails(await OciLayout.open(sized.dir))).message).toContain(
      `blob ${sized.manifest.config.digest} is ${sized.manifest.config.size} bytes, but its descriptor gives ${sized.manifest.config.size + 1}`,
    );
  });

  it('a stream that stops early checks nothing, but one read to the end always does (and remembers it)', async () => {
    const { dir, layout, manifest } = await image();
    const [a, b] = manifest.layers as [Descriptor, Descriptor];
    await layout.verifyBlob(b);
    cpSync(blobFile(dir, b.digest), blobFile(dir, a.digest));
    await expect(layout.verifyBlob(a)).rejects.toThrow(`blob ${a.digest} does not match its digest`);
    // Not remembered as checked: asking again reads it again, and fails again.
    await expect(layout.verifyBlob(a)).rejects.toThrow('does not match its digest');
  });

  it('blobs checked in worker threads (reused layers, uploads) are held to the same digests and sizes', async () => {
    const { dir, manifest } = await image(true);
    const [a, b] = manifest.layers as [Descriptor, Descriptor];
    await (await OciLayout.open(dir)).verifyBlobs([a, b, a]);
    cpSync(blobFile(dir, b.digest), blobFile(dir, a.digest));
    await expect((await OciLayout.open(dir)).verifyBlobs([b, a])).rejects.toThrow(
      `${dir}: blob ${a.digest} is ${b.size} bytes, but its descriptor gives ${a.size}`,
    );
    await expect((await OciLayout.open(dir)).verifyBlobs([b, { digest: a.digest, size: b.size }])).rejects.toThrow(
      `${dir}: blob ${a.digest} does not match its digest: its content is ${b.digest}`,
    );
  });
});

describe("a config whose diff_ids do not describe the layers (containerd's check at unpack, made while converting)", () => {
  const mismatch = (where: string, layer: string, expected: string, actual: string) =>
    `${where}: layer ${layer} does not match the image's config: its uncompressed content is ${actual}, but the config gives the diff_id ${expected}`;

  it('diff_ids in the wrong order: refused on the streaming path and the prefetch path, plain and gzip, nothing kept', async () => {
    for (const [gzip, prefetch] of [
      [false, []],
      [true, []],
      [true, ['/b/file']],
    ] as const) {
      const { dir, manifest } = await image(gzip);
      const [a] = manifest.layers as [Descriptor, Descriptor];
      rewriteConfig(dir, (c) => c.rootfs.diff_ids.reverse());
      const error = await convertFails(await OciLayout.open(dir), { prefetch: [...prefetch] });
      expect(error.message, `gzip ${gzip}, prefetch ${prefetch.length}`).toBe(mismatch(dir, a.digest, sha256(layerB), sha256(layerA)));
      expect(error.hint).toContain('config does not describe its layers');
    }
  });

  it('a layer named twice is held to the diff_id of each of its places', async () => {
    const { dir, manifest } = await image();
    const [a] = manifest.layers as [Descriptor, Descriptor];
    rewriteManifest(dir, (m) => void (m.layers = [a, a]));
    // The first place is right, the second is B's diff_id: the layer is converted once, and checked twice.
    const error = await convertFails(await OciLayout.open(dir));
    expect(error.message).toBe(mismatch(dir, a.digest, sha256(layerB), sha256(layerA)));
  });

  it('an eStargz layer kept as it is: its measured diff_id is held to the config too', async () => {
    const { layout, top } = await image(true);
    const esgz = join(work, 'esgz-source');
    const converted = await convertImage(layout, top, await OciLayout.create(esgz), { chunkSize: 65536 });
    await (await OciLayout.open(esgz)).setRef(converted.descriptor, 'latest');
    const [a, b] = converted.manifests[0]?.layers.map((l) => l.result) ?? [];
    rewriteConfig(esgz, (c) => c.rootfs.diff_ids.reverse());
    const error = await convertFails(await OciLayout.open(esgz));
    expect(error.message).toBe(mismatch(esgz, a?.digest ?? '', b?.diffId ?? '', a?.diffId ?? ''));
  });

  it('a legacy docker-archive (layers named by id, claiming no digest) holding another layer than its config says', async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layerA)] } }));
    const id = sha256(config).slice(7);
    const manifest = [{ Config: `${id}.json`, RepoTags: ['app:1'], Layers: ['0123abcd/layer.tar'] }];
    const file = join(work, 'legacy-evil.tar');
    writeFileSync(
      file,
      buildTar([
        { name: `${id}.json`, data: config },
        { name: '0123abcd/', type: '5' },
        { name: '0123abcd/layer.tar', data: layerB },
        { name: 'manifest.json', data: JSON.stringify(manifest) },
      ]),
    );
    const opened = await openImage({ transport: 'docker-archive', path: file, ref: undefined });
    try {
      const error = await convertFails(opened.layout, {}, opened.descriptor);
      expect(error.message).toBe(mismatch(file, sha256(layerB), sha256(layerA), sha256(layerB)));
    } finally {
      await opened.close();
    }
  });
});

describe('archives whose blobs do not match', () => {
  it('an oci-archive with a swapped layer, a truncated one, or a wrong size names the archive file, not where it was unpacked', async () => {
    const cases: Array<[string, (dir: string, a: Descriptor, b: Descriptor) => void, (a: Descriptor, b: Descriptor) => string]> = [
      [
        'swapped',
        (dir, a, b) => cpSync(blobFile(dir, b.digest), blobFile(dir, a.digest)),
        (a, b) => `blob ${a.digest} does not match its digest: its content is ${b.digest}`,
      ],
      ['truncated', (dir, a) => truncateSync(blobFile(dir, a.digest), 1000), (a) => `blob ${a.digest} is 1000 bytes, but its descriptor gives ${a.size}`],
      [
        'wrong size',
        (dir, a) => rewriteManifest(dir, (m) => void ((m.layers[0] as Descriptor).size = a.size - 1)),
        (a) => `blob ${a.digest} is ${a.size} bytes, but its descriptor gives ${a.size - 1}`,
      ],
    ];
    for (const [name, tamper, expected] of cases) {
      const { dir, manifest } = await image();
      const [a, b] = manifest.layers as [Descriptor, Descriptor];
      tamper(dir, a, b);
      const file = join(work, `${name.replace(' ', '-')}.tar`);
      await packOciArchive(dir, file);
      const opened = await openImage({ transport: 'oci-archive', path: file, ref: 'latest' });
      try {
        const error = await convertFails(opened.layout);
        expect(error.message, name).toBe(`${file}: ${expected(a, b)}`);
      } finally {
        await opened.close();
      }
    }
  });

  it('a docker-archive whose layer or config is stored under a digest it does not have is refused while it is read', async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layerA), sha256(layerB)] } }));
    const archive = (files: Record<string, Buffer>, manifest: object) => {
      const file = join(work, `docker-${(count += 1)}.tar`);
      writeFileSync(
        file,
        buildTar([...Object.entries(files).map(([name, data]) => ({ name, data })), { name: 'manifest.json', data: JSON.stringify([manifest]) }]),
      );
      return file;
    };
    const named = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
    const manifest = { Config: named(sha256(config)), RepoTags: ['app:1'], Layers: [named(sha256(layerA)), named(sha256(layerB))] };

    // The genuine archive opens and converts.
    const good = await openImage({
      transport: 'docker-archive',
      path: archive({ [named(sha256(config))]: config, [named(sha256(layerA))]: layerA, [named(sha256(layerB))]: layerB }, manifest),
      ref: undefined,
    });
    await good.close();

    const swapped = archive({ [named(sha256(config))]: config, [named(sha256(layerA))]: layerB, [named(sha256(layerB))]: layerB }, manifest);
    const error = await shipFailure(openImage({ transport: 'docker-archive', path: swapped, ref: undefined }));
    expect(error.message).toBe(
      `${swapped}: layer "${named(sha256(layerA))}": blob ${sha256(layerA)} does not match its digest: its content is ${sha256(layerB)}`,
    );

    const badConfig = archive(
      { [named(sha256(config))]: Buffer.from('{"rootfs":{"type":"layers","diff_ids":[]}}'), [named(sha256(layerA))]: layerA, [named(sha256(layerB))]: layerB },
      manifest,
    );
    expect((await shipFailure(openImage({ transport: 'docker-archive', path: badConfig, ref: undefined }))).message).toMatch(
      new RegExp(`^${badConfig}: the config "${named(sha256(config))}" does not match its digest`),
    );
  });
});

describe('reusing a previous conversion', () => {
  it('is keyed on the source digest only once the bytes here have it: a swapped layer is refused, not reused', async () => {
    // A first conversion of the genuine image records its conversions (source digest -> eStargz blob).
    const genuine = await image(true);
    const first = await OciLayout.create(join(work, 'first-out'));
    const converted = await convertImage(genuine.layout, genuine.top, first, { chunkSize: 65536, provenance: ShipAnnotation });
    const manifest = await first.readJson(converted.descriptor, ImageManifest, 'manifest');
    const config = await first.readJson(manifest.config, ImageConfig, 'config');
    const registry = {
      where: 'registry.test/key/app',
      blobSize: async (digest: Digest) => ((await first.hasBlob(digest)) ? readFileSync(first.blobPath(digest)).length : undefined),
      readBlobRange: async (digest: Digest, start: number, length: number) => readFileSync(first.blobPath(digest)).subarray(start, start + length),
    } as unknown as RepositoryClient;
    const reuse = () => new RegistryReuse(registry, conversionsOf(manifest, config.rootfs.diff_ids).conversions, () => {});

    // The same image again reuses both layers ...
    const again = await convertImage(genuine.layout, genuine.top, await OciLayout.create(join(work, 'again-out')), { chunkSize: 65536, reuse: reuse() });
    expect(again.manifests[0]?.layers.map((l) => l.reused !== undefined)).toEqual([true, true]);

    // ... but a copy whose layer A holds other bytes under A's digest is refused, though A's conversion is known.
    const tampered = await image(true);
    const [a] = tampered.manifest.layers as [Descriptor, Descriptor];
    const other = Buffer.from(readFileSync(blobFile(tampered.dir, a.digest)));
    other[other.length - 9] = (other[other.length - 9] as number) ^ 0xff; // the gzip trailer's CRC: same size, other digest
    writeFileSync(blobFile(tampered.dir, a.digest), other);
    const error = await shipFailure(
      convertImage(tampered.layout, tampered.top, await OciLayout.create(join(work, 'tampered-out')), { chunkSize: 65536, reuse: reuse() }),
    );
    expect(error.message).toBe(`${tampered.dir}: blob ${a.digest} does not match its digest: its content is ${sha256(other)}`);
  });

  it("is held to the new config's diff_ids by the source diff_id the earlier conversion recorded", async () => {
    const genuine = await image(true);
    const first = await OciLayout.create(join(work, 'first-diff-out'));
    const converted = await convertImage(genuine.layout, genuine.top, first, { chunkSize: 65536, provenance: ShipAnnotation });
    const manifest = await first.readJson(converted.descriptor, ImageManifest, 'manifest');
    const [a] = genuine.manifest.layers as [Descriptor, Descriptor];
    expect(manifest.layers[0]?.annotations?.[ShipAnnotation.sourceDiffId]).toBe(sha256(layerA));
    const config = await first.readJson(manifest.config, ImageConfig, 'config');
    const registry = {
      where: 'registry.test/key/app',
      blobSize: async (digest: Digest) => ((await first.hasBlob(digest)) ? readFileSync(first.blobPath(digest)).length : undefined),
      readBlobRange: async (digest: Digest, start: number, length: number) => readFileSync(first.blobPath(digest)).subarray(start, start + length),
    } as unknown as RepositoryClient;
    const reuse = new RegistryReuse(registry, conversionsOf(manifest, config.rootfs.diff_ids).conversions, () => {});

    // The same layers (verified by digest) under a config whose diff_ids are swapped: reuse does not stand in for the check.
    const tampered = await image(true);
    rewriteConfig(tampered.dir, (c) => c.rootfs.diff_ids.reverse());
    const error = await convertFails(await OciLayout.open(tampered.dir), { reuse });
    expect(error.message).toBe(
      `${tampered.dir}: layer ${a.digest} does not match the image's config: its uncompressed content is ${sha256(layerA)}, but the config gives the diff_id ${sha256(layerB)}`,
    );
  });
});
