// The uncompressed layers kept beside a kept step cache, linked into the next build's layout so buildah skips
// them: a kept file changed since it was kept (a write into it, a truncation, another file put in its place) is
// never linked, as buildah would take its bytes for the layer of that digest.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { LayerStore } from '../../src/build/buildah-layer-store.js';
import { MediaType, OciLayout, type Descriptor } from '../../src/oci/index.js';

const root = mkdtempSync(join(tmpdir(), 'layer-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const LAYER = Buffer.from('a layer of uncompressed tar bytes, as buildah pushes them with -D'.repeat(100));
let store: LayerStore;
let storeDir: string;
let hex: string;
let next = 0;

/** A layout holding one image whose single layer is uncompressed (its digest is its diff_id). */
async function builtImage(): Promise<{ layout: OciLayout; top: Descriptor }> {
  const layout = await OciLayout.create(join(root, `built-${next++}`));
  const layer = await layout.writeBlob(LAYER);
  const config = await layout.writeJson(MediaType.ociConfig, { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] } });
  const top = await layout.writeJson(MediaType.ociManifest, {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config,
    layers: [{ mediaType: MediaType.ociLayer, ...layer }],
  });
  return { layout, top };
}

beforeEach(async () => {
  storeDir = join(root, `store-${next++}`);
  store = new LayerStore(storeDir);
  const { layout, top } = await builtImage();
  expect(await store.keep(layout, top, [])).toEqual([]);
  const manifest = JSON.parse((await layout.readBlob(top.digest)).toString('utf8')) as { layers: Descriptor[] };
  hex = manifest.layers[0]!.digest.slice('sha256:'.length);
});

describe('the kept uncompressed layers', () => {
  it('are linked into the next layout as kept', async () => {
    const to = join(root, `next-${next++}`);
    expect(await store.linkInto(to)).toEqual([hex]);
    expect(readFileSync(join(to, 'blobs', 'sha256', hex)).equals(LAYER)).toBe(true);
  });

  it('leave out a file written into since it was kept (same size, other bytes)', async () => {
    // Past the file system's clock tick: a write is seen by its modification time.
    await new Promise((done) => setTimeout(done, 30));
    const bad = Buffer.from(LAYER);
    bad[10] = bad[10]! ^ 0xff;
    writeFileSync(join(storeDir, hex), bad);
    const to = join(root, `next-${next++}`);
    expect(await store.linkInto(to)).toEqual([]);
    expect(existsSync(join(to, 'blobs', 'sha256', hex))).toBe(false);
  });

  it('leave out a truncated file, and one put in the place of the kept one', async () => {
    await new Promise((done) => setTimeout(done, 30));
    truncateSync(join(storeDir, hex), 10);
    expect(await store.linkInto(join(root, `next-${next++}`))).toEqual([]);
    rmSync(join(storeDir, hex));
    writeFileSync(join(storeDir, hex), LAYER.subarray(1));
    expect(await store.linkInto(join(root, `next-${next++}`))).toEqual([]);
  });
});

describe('keeping the layers again', () => {
  it('makes a changed file again from the new image, so the build after links good bytes', async () => {
    await new Promise((done) => setTimeout(done, 30));
    const bad = Buffer.from(LAYER);
    bad[0] = bad[0]! ^ 0xff;
    writeFileSync(join(storeDir, hex), bad);
    const { layout, top } = await builtImage();
    expect(await store.keep(layout, top, [])).toEqual([]);
    const to = join(root, `next-${next++}`);
    expect(await store.linkInto(to)).toEqual([hex]);
    expect(readFileSync(join(to, 'blobs', 'sha256', hex)).equals(LAYER)).toBe(true);
  });
});
