// buildah's output made into the layout the pipeline reads: a `dir:` image whose layers buildah wrote plain while
// the manifest still says gzip (a step image it had pulled compressed), and the store of the last build's
// uncompressed layers that a re-build links into its layout so buildah skips them.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { layoutFromDir } from '../../src/build/buildah-dir.js';
import { LayerStore } from '../../src/build/buildah-layer-store.js';
import { ImageManifest, MediaType, OciLayout, sha256 } from '../../src/oci/index.js';

const hex = (data: Uint8Array | string) => sha256(data).slice('sha256:'.length);

/** A `dir:` directory as buildah writes it: blobs named by hex digest, manifest.json, version. */
function dirImage(layers: { bytes: Buffer; mediaType: string }[], diffIds: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'buildah-dir-'));
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } });
  writeFileSync(join(dir, hex(config)), config);
  for (const layer of layers) writeFileSync(join(dir, hex(layer.bytes)), layer.bytes);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: sha256(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: sha256(l.bytes), size: l.bytes.length })),
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'version'), 'Directory Transport Version: 1.1\n');
  return dir;
}

async function layersOf(layout: OciLayout, ref: string) {
  return (await layout.readJson(await layout.resolve(ref), ImageManifest, 'manifest')).layers;
}

const plainA = Buffer.alloc(1024, 'a');
const plainB = Buffer.alloc(2048, 'b');

describe('an image buildah pushed to dir:', () => {
  it('becomes a layout whose layer media types are what the bytes are', async () => {
    const from = dirImage(
      [
        { bytes: plainA, mediaType: MediaType.ociLayerGzip },
        { bytes: gzipSync(plainB), mediaType: MediaType.ociLayerGzip },
        { bytes: plainB, mediaType: MediaType.ociLayer },
      ],
      [sha256(plainA), sha256(plainB), sha256(plainB)],
    );
    const to = join(mkdtempSync(join(tmpdir(), 'buildah-layout-')), 'built');
    const layout = await layoutFromDir(from, to, 'app');
    expect((await layersOf(layout, 'app')).map((l) => l.mediaType)).toEqual([MediaType.ociLayer, MediaType.ociLayerGzip, MediaType.ociLayer]);
    for (const layer of await layersOf(layout, 'app')) await layout.verifyBlob(layer);
    expect(() => readdirSync(from)).toThrow();
  });

  it('names the directory when buildah wrote no manifest', async () => {
    const from = mkdtempSync(join(tmpdir(), 'buildah-dir-'));
    await expect(layoutFromDir(from, join(from, '..', 'out-none'), 'app')).rejects.toThrow(`buildah push wrote no manifest to ${from}`);
  });
});

describe('the store of the last build’s uncompressed layers', () => {
  it('keeps the layers by diff_id (gzip ones unpacked), drops the others, and links them into a new layout', async () => {
    const root = mkdtempSync(join(tmpdir(), 'layer-store-'));
    const store = new LayerStore(join(root, 'layers'));
    expect(await store.linkInto(join(root, 'empty'))).toEqual([]);
    const layout = await layoutFromDir(
      dirImage(
        [
          { bytes: plainA, mediaType: MediaType.ociLayer },
          { bytes: gzipSync(plainB), mediaType: MediaType.ociLayerGzip },
        ],
        [sha256(plainA), sha256(plainB)],
      ),
      join(root, 'first'),
      'app',
    );
    mkdirSync(join(root, 'layers'));
    writeFileSync(join(root, 'layers', hex('old')), 'old');
    expect(await store.keep(layout, await layout.resolve('app'), [])).toEqual([]);
    expect(keptLayers(join(root, 'layers')).sort()).toEqual([hex(plainA), hex(plainB)].sort());
    expect(readFileSync(join(root, 'layers', hex(plainB)))).toEqual(plainB);

    const linked = await store.linkInto(join(root, 'next'));
    expect(linked.sort()).toEqual([hex(plainA), hex(plainB)].sort());
    expect(readFileSync(join(root, 'next', 'blobs', 'sha256', hex(plainA)))).toEqual(plainA);
  });

  it('leaves out a gzip layer whose content is not its diff_id', async () => {
    const root = mkdtempSync(join(tmpdir(), 'layer-store-'));
    const store = new LayerStore(join(root, 'layers'));
    const layout = await layoutFromDir(
      dirImage([{ bytes: gzipSync(plainB), mediaType: MediaType.ociLayerGzip }], [sha256(plainA)]),
      join(root, 'first'),
      'app',
    );
    expect(await store.keep(layout, await layout.resolve('app'), [])).toEqual([]);
    expect(keptLayers(join(root, 'layers'))).toEqual([]);
  });
});

/** The layer files of a store (beside them is the record of what each was when kept). */
function keptLayers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name !== 'kept.json');
}
