/** Writes OCI image layouts by hand (no tools): one manifest per platform, an index when there are several. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export interface PlatformImage {
  platform: { os: string; architecture: string };
  /** Uncompressed layer tars, bottom first. */
  layers: Buffer[];
  /** Store the layers gzip-compressed (else as plain tar). */
  gzip: boolean;
  /** The config's `config` section (default: Cmd /bin/sh). */
  config?: Record<string, unknown>;
}

/** Returns the digest of what index.json names (`latest`): the manifest, or the index for several platforms. */
export function writeImageLayout(dir: string, images: PlatformImage[]): string {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer) => {
    writeFileSync(join(blobs, sha256(data).slice(7)), data);
    return { digest: sha256(data), size: data.length };
  };
  const manifests = images.map((image) => {
    const layers = image.layers.map((tar) => ({
      mediaType: `application/vnd.oci.image.layer.v1.tar${image.gzip ? '+gzip' : ''}`,
      ...put(image.gzip ? gzipSync(tar) : tar),
    }));
    const config = Buffer.from(
      JSON.stringify({
        ...image.platform,
        config: image.config ?? { Cmd: ['/bin/sh'] },
        rootfs: { type: 'layers', diff_ids: image.layers.map((t) => sha256(t)) },
        history: [{ created_by: 'hand' }],
      }),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
        layers,
      }),
    );
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...put(manifest), platform: image.platform };
  });
  let top: { mediaType: string; digest: string; size: number };
  if (manifests.length === 1) {
    const { platform: _platform, ...only } = manifests[0] as (typeof manifests)[number];
    top = only;
  } else {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
    top = { mediaType: 'application/vnd.oci.image.index.v1+json', ...put(index) };
  }
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] }),
  );
  return top.digest;
}
