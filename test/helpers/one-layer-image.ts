/**
 * One-layer images for converter tests: write one around a tar, pack its layout as an oci-archive (for tools that
 * import archives), and read a converted image back down to its layer, with plain JSON parsing (no src/ code).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ConvertedLayer } from './estargz-conformance.js';
import { writeImageLayout } from './image-layout.js';
import { buildTar, type Entry } from './tar-builder.js';

const PLATFORM = { os: 'linux', architecture: 'amd64' };

/** An OCI layout at `dir` holding one image, tagged `latest`, whose only layer is `tar` (gzip-compressed). */
export function writeOneLayerImage(dir: string, tar: Buffer): void {
  writeImageLayout(dir, [{ platform: PLATFORM, layers: [tar], gzip: true }]);
}

/** The layout at `dir` as an oci-archive (a tar of its files). */
export function archiveOf(dir: string): Buffer {
  const entries: Entry[] = [];
  const visit = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) {
        entries.push({ name: `${relative(dir, full)}/`, type: '5' });
        visit(full);
      } else entries.push({ name: relative(dir, full), data: readFileSync(full) });
    }
  };
  visit(dir);
  return buildTar(entries, 'pax');
}

interface Descriptor {
  mediaType: string;
  digest: string;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}

/** The layer of a converted one-layer image: from `top` (a manifest, or an index holding the amd64 manifest). */
export function convertedLayerOf(readBlob: (digest: string) => Buffer, top: Descriptor): ConvertedLayer {
  const json = (digest: string) => JSON.parse(readBlob(digest).toString('utf8')) as Record<string, unknown>;
  let manifest = json(top.digest);
  if (Array.isArray(manifest.manifests)) {
    const child =
      (manifest.manifests as Descriptor[]).find((m) => m.platform?.architecture === PLATFORM.architecture) ?? (manifest.manifests as Descriptor[])[0];
    if (!child) throw new Error('the converted index lists no manifest');
    manifest = json(child.digest);
  }
  const layers = manifest.layers as Descriptor[];
  if (layers.length !== 1) throw new Error(`the converted image has ${layers.length} layers`);
  const layer = layers[0] as Descriptor;
  const config = json((manifest.config as Descriptor).digest) as { rootfs: { diff_ids: string[] } };
  return { blob: readBlob(layer.digest), mediaType: layer.mediaType, annotations: layer.annotations ?? {}, diffId: config.rootfs.diff_ids[0] ?? '' };
}
