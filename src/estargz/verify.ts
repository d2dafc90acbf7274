/**
 * The eStargz verifier for a whole image: every layer of every platform must be an OCI gzip layer whose blob is
 * intact and valid eStargz (verify-layer.ts), with the TOC digest and uncompressed size annotated and the config's
 * diff_id matching. Returns a report listing each defect with the manifest, layer and entry it concerns.
 *
 * A layer whose blob is not in the layout but was checked where it lives (a layer reused from an earlier conversion,
 * in a registry) is given with `elsewhere`: its descriptor and diff_id are checked against those facts.
 */
import { createReadStream } from 'node:fs';
import {
  Annotation,
  type Descriptor,
  type Digest,
  DigestCounter,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  isImageManifestType,
  isIndexType,
  MediaType,
  type OciLayout,
} from '../oci/index.js';
import { ShipError } from '../errors.js';
import type { LazyPull } from './lazy-pull.js';
import { verifyLayerBlob } from './verify-layer.js';

export { verifyLayerBlob } from './verify-layer.js';

interface LayerVerdict {
  readonly manifest: Digest;
  readonly platform: string | undefined;
  readonly index: number;
  readonly digest: Digest;
  readonly tocDigest: Digest | undefined;
  readonly entries: number | undefined;
  /** What a lazy pull fetches before the container starts (footer, TOC and prioritized files), when known. */
  readonly lazyPull: LazyPull | undefined;
  readonly defects: readonly string[];
}

export interface ImageVerdict {
  readonly ok: boolean;
  readonly layers: readonly LayerVerdict[];
  /** Defects of the image itself (not of one layer). */
  readonly defects: readonly string[];
}

/** What was established about a layer blob that is not in the layout. */
export interface CheckedElsewhere {
  readonly size: number;
  readonly tocDigest: Digest;
  readonly diffId: Digest;
  readonly uncompressedSize: number;
  readonly entries: number;
  readonly lazyPull?: LazyPull;
}

export interface VerifyOptions {
  readonly onLayer?: (digest: Digest) => void;
  /** Layers checked where they live, by digest; their blobs need not be in the layout. */
  readonly elsewhere?: ReadonlyMap<Digest, CheckedElsewhere>;
  /** Where temporary files go (a layer's list of hardlinks); default the system's temporary directory. */
  readonly tempDir?: string | undefined;
}

export async function verifyImage(layout: OciLayout, top: Descriptor, options: VerifyOptions = {}): Promise<ImageVerdict> {
  const { onLayer, elsewhere } = options;
  const layers: LayerVerdict[] = [];
  const defects: string[] = [];
  const verified = new Map<string, { report: Awaited<ReturnType<typeof verifyLayerBlob>> }>();

  async function visit(descriptor: Descriptor, depth: number): Promise<void> {
    if (isIndexType(descriptor.mediaType)) {
      if (descriptor.mediaType !== MediaType.ociIndex)
        defects.push(`index ${descriptor.digest} has media type ${descriptor.mediaType}, not ${MediaType.ociIndex}`);
      const index = await layout.readJson(descriptor.digest, ImageIndex, 'index');
      if (depth > 4) throw new ShipError(`index ${descriptor.digest} nests too deeply`);
      for (const entry of index.manifests) await visit(entry, depth + 1);
      return;
    }
    if (!isImageManifestType(descriptor.mediaType)) return; // attestations and other artifacts are not layers
    const platform = descriptor.platform
      ? [descriptor.platform.os, descriptor.platform.architecture, descriptor.platform.variant].filter(Boolean).join('/')
      : undefined;
    const where = `manifest ${descriptor.digest}${platform ? ` (${platform})` : ''}`;
    if (descriptor.mediaType !== MediaType.ociManifest)
      defects.push(`${where} has media type ${descriptor.mediaType}: Docker manifests drop the eStargz annotations`);
    const manifest = await layout.readJson(descriptor.digest, ImageManifest, 'manifest');
    const config = await layout.readJson(manifest.config.digest, ImageConfig, 'config');
    if (config.rootfs.diff_ids.length !== manifest.layers.length)
      defects.push(`${where}: ${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diff_ids in the config`);
    for (const [i, layer] of manifest.layers.entries()) {
      const diffId = config.rootfs.diff_ids[i];
      const key = `${layer.digest}\0${diffId ?? ''}\0${JSON.stringify(layer.annotations ?? {})}`;
      let cached = verified.get(key);
      if (!cached) {
        onLayer?.(layer.digest);
        const facts = elsewhere?.get(layer.digest);
        cached = { report: facts ? checkAgainst(layer, diffId, facts) : await verifyOneLayer(layout, layer, diffId, options.tempDir) };
        verified.set(key, cached);
      }
      const { report } = cached;
      layers.push({
        manifest: descriptor.digest,
        platform,
        index: i,
        digest: layer.digest,
        tocDigest: report.tocDigest,
        entries: report.entries,
        lazyPull: report.lazyPull,
        defects: report.defects,
      });
    }
  }

  await visit(top, 0);
  return { ok: defects.length === 0 && layers.every((l) => l.defects.length === 0), layers, defects };
}

/** A layer checked elsewhere: its descriptor and the config's diff_id must say what was found there. */
function checkAgainst(
  layer: Descriptor,
  diffId: string | undefined,
  facts: CheckedElsewhere,
): { defects: string[]; tocDigest: Digest; entries: number; lazyPull?: LazyPull } {
  const defects: string[] = [];
  if (layer.mediaType !== MediaType.ociLayerGzip) defects.push(`media type is ${layer.mediaType}, not ${MediaType.ociLayerGzip}`);
  if (layer.size !== facts.size) defects.push(`the blob is ${facts.size} bytes, the descriptor says ${layer.size}`);
  const annotated = layer.annotations?.[Annotation.stargzTocDigest];
  if (annotated !== facts.tocDigest)
    defects.push(
      annotated === undefined
        ? `the layer has no ${Annotation.stargzTocDigest} annotation`
        : `TOC digest ${facts.tocDigest} does not match the annotation ${annotated}`,
    );
  if (diffId !== facts.diffId) defects.push(`diff_id ${facts.diffId} does not match the config's ${diffId ?? 'none'}`);
  const size = layer.annotations?.[Annotation.estargzUncompressedSize];
  if (size !== undefined && size !== String(facts.uncompressedSize))
    defects.push(`uncompressed size ${facts.uncompressedSize} does not match the annotation ${size}`);
  return { defects, tocDigest: facts.tocDigest, entries: facts.entries, ...(facts.lazyPull === undefined ? {} : { lazyPull: facts.lazyPull }) };
}

async function verifyOneLayer(
  layout: OciLayout,
  layer: Descriptor,
  diffId: string | undefined,
  tempDir: string | undefined,
): Promise<{ defects: string[]; tocDigest?: Digest; entries?: number; lazyPull?: LazyPull }> {
  const defects: string[] = [];
  if (layer.mediaType !== MediaType.ociLayerGzip) defects.push(`media type is ${layer.mediaType}, not ${MediaType.ociLayerGzip}`);
  if (!(await layout.hasBlob(layer.digest))) return { defects: [...defects, 'the blob is missing'] };
  const counter = new DigestCounter();
  for await (const chunk of createReadStream(layout.blobPath(layer.digest), { highWaterMark: 1 << 20 })) counter.update(chunk as Buffer);
  if (counter.digest() !== layer.digest) return { defects: [...defects, `the blob's content has digest ${counter.digest()}`] };
  if (counter.size !== layer.size) defects.push(`the blob is ${counter.size} bytes, the descriptor says ${layer.size}`);
  const report = await verifyLayerBlob(layout.blobPath(layer.digest), { annotations: layer.annotations, diffId }, { tempDir });
  return { ...report, defects: [...defects, ...report.defects] };
}
