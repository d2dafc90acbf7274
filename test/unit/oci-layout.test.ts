import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { sha256 } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { Annotation, MediaType } from '../../src/oci/media-types.js';
import { ImageManifest } from '../../src/oci/types.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'oci-layout-'));

describe('OciLayout', () => {
  it('refuses a directory that is not a layout, naming it', async () => {
    const dir = fresh();
    await expect(OciLayout.open(dir)).rejects.toThrow(`${dir} is not an OCI image layout`);
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"9"}');
    await expect(OciLayout.open(dir)).rejects.toThrow('unsupported imageLayoutVersion "9"');
  });

  it('stores blobs under their digest and reads them back verified', async () => {
    const layout = await OciLayout.create(fresh());
    const { digest, size } = await layout.writeBlob('hello');
    expect(digest).toBe(sha256('hello'));
    expect(size).toBe(5);
    expect(await layout.hasBlob(digest, 5)).toBe(true);
    expect(await layout.hasBlob(digest, 6)).toBe(false);
    expect((await layout.readBlob(digest)).toString()).toBe('hello');
    writeFileSync(layout.blobPath(digest), 'tampered');
    await expect(layout.readBlob(digest)).rejects.toThrow('does not match its digest');
  });

  it('streams a blob in and keeps nothing when the digest or size is wrong', async () => {
    const layout = await OciLayout.create(fresh());
    const data = Buffer.alloc(300_000, 7);
    const written = await layout.writeBlobFrom(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), { digest: sha256(data), size: data.length });
    expect(written).toEqual({ digest: sha256(data), size: data.length });
    await expect(layout.writeBlobFrom(Readable.from([Buffer.from('x')]), { digest: sha256('y') })).rejects.toThrow(ShipError);
    await expect(layout.writeBlobFrom(Readable.from([Buffer.from('x')]), { size: 2 })).rejects.toThrow('a blob is 1 bytes, but its descriptor gives 2');
    expect(readdirSync(join(layout.dir, 'blobs', 'sha256'))).toEqual([sha256(data).slice(7)]);
  });

  it('names images in index.json and resolves them, saying what is there when a name is wrong', async () => {
    const layout = await OciLayout.create(fresh());
    const config = await layout.writeJson(MediaType.ociConfig, { rootfs: { type: 'layers', diff_ids: [] } });
    const manifest = await layout.writeJson(MediaType.ociManifest, { schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers: [] });
    await expect(layout.resolve()).rejects.toThrow('holds no image');
    await layout.setRef(manifest, 'v1');
    expect((await layout.resolve()).digest).toBe(manifest.digest);
    await layout.setRef(config, 'v2');
    await expect(layout.resolve()).rejects.toThrow('holds 2 images; say which');
    expect((await layout.resolve('v1')).annotations?.[Annotation.refName]).toBe('v1');
    await expect(layout.resolve('v3')).rejects.toMatchObject({ message: expect.stringContaining('no image named v3'), hint: 'it has: v1, v2' });
    await layout.setRef(config, 'v1');
    expect((await layout.readIndex()).manifests).toHaveLength(2);
    expect((await layout.resolve('v1')).digest).toBe(config.digest);
    const parsed = await layout.readJson(manifest.digest, ImageManifest, 'manifest');
    expect(parsed.config.digest).toBe(config.digest);
    await expect(layout.readJson(config.digest, ImageManifest, 'manifest')).rejects.toThrow('is not valid (schemaVersion');
  });
});
