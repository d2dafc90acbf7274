/**
 * Whole-image conversion: walks an index (every platform) or a single manifest, converts every layer to eStargz,
 * replaces the config's diff_ids (once each source layer has been found to have the diff_id the config gives it,
 * see diff-id.ts), and writes config, manifest and index again with OCI media types, so each digest
 * up the tree changes with what it points to. Layer descriptors get the TOC digest and uncompressed-size
 * annotations and, under the keys the caller gives (`provenance`), what a later conversion needs to reuse them: the
 * source layer's digest and diff_id, the conversion's settings and the diff_id. A layer shared by several platforms is converted
 * once, and a layer whose conversion with the same settings is known from elsewhere (an earlier conversion, see
 * `reuse`) is not converted at all.
 */
import { ShipError } from '../errors.js';
import {
  Annotation,
  type Descriptor,
  type Digest,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  isImageManifestType,
  isIndexType,
  MediaType,
  type OciLayout,
  sha256,
} from '../oci/index.js';
import { CompressPool } from './compress-pool.js';
import { diffIdMismatch } from './diff-id.js';
import { convertLayer, type ConvertedLayer } from './layer.js';
import type { WrittenLayer } from './layer-writer.js';
import type { LayerListing } from './layer-facts.js';
import type { LazyPull } from './lazy-pull.js';
import { attributePrefetch, layerListing, type PrefetchMiss } from './prefetch.js';
import { checkDeclaredType, checkManifestParts, unknownDocumentType } from './source-layer.js';
import { DEFAULT_ESTARGZ_CHUNK_SIZE } from './toc.js';

export interface ConvertImageOptions {
  /** gzip level 0-9 (default 6). */
  readonly level?: number;
  /** The size of the chunks files are cut into, in bytes (default 4 MiB). */
  readonly chunkSize?: number;
  /** Paths and globs to prioritize (prefetch), in order. */
  readonly prefetch?: readonly string[];
  /** Told when a layer starts and as it progresses (payload bytes written). */
  readonly onLayer?: (event: LayerEvent) => void;
  /** Conversions made before, reused instead of converting a layer again. */
  readonly reuse?: LayerReuse;
  /** The annotation keys under which each converted layer records where it came from; without them, none is written. */
  readonly provenance?: ProvenanceKeys;
  /** Where temporary files go (a spooled layer, a large TOC); default the system's temporary directory. */
  readonly tempDir?: string;
}

/** Annotation keys for what a later conversion needs to reuse a converted layer (see LayerReuse). */
interface ProvenanceKeys {
  /** The digest of the source layer. */
  readonly sourceDigest: string;
  /** The diff_id of the source layer (checked against the source config when the layer is reused). */
  readonly sourceDiffId: string;
  /** The conversion's settings, as conversionParams spells them. */
  readonly conversion: string;
  /** The converted layer's diff_id. */
  readonly diffId: string;
}

/** A conversion setting out of range; `setting` names the option, so a caller can name its own input or flag. */
export class ConversionSettingError extends ShipError {
  constructor(
    readonly setting: 'level' | 'chunkSize',
    message: string,
    hint: string,
  ) {
    super(message, { hint });
  }
}

export type LayerEvent =
  | { readonly kind: 'start'; readonly digest: Digest; readonly size: number }
  | { readonly kind: 'progress'; readonly digest: Digest; readonly payloadBytes: number }
  | { readonly kind: 'done'; readonly digest: Digest; readonly result: ConvertedLayer }
  | { readonly kind: 'reused'; readonly digest: Digest; readonly result: ReusedLayer };

/**
 * Bump when the bytes a conversion writes change (a converter fix or a format change), or when what a recorded
 * conversion vouches for changes, so layers converted by an earlier version are converted again rather than reused.
 * 2: source layers are checked against their digests as they are read; a conversion recorded by version 1 may name
 * a source digest its bytes did not have.
 */
export const CONVERTER_VERSION = 2;

/** What decides the bytes of a converted layer, besides the source layer itself. */
export interface ConversionSettings {
  readonly level: number;
  readonly chunkSize: number;
  /** The paths written first in this layer, in order. */
  readonly prioritized: readonly string[];
}

/**
 * The settings as the provenance `conversion` annotation spells them, e.g.
 * `estargz/1 level=6 chunk-size=4194304 prefetch=none` (or `prefetch=sha256:...`, the digest of the JSON list of
 * prioritized paths). Two conversions of the same source layer with equal strings give the same blob.
 */
export function conversionParams(settings: ConversionSettings): string {
  const prefetch = settings.prioritized.length === 0 ? 'none' : sha256(JSON.stringify(settings.prioritized));
  return `estargz/${CONVERTER_VERSION} level=${settings.level} chunk-size=${settings.chunkSize} prefetch=${prefetch}`;
}

/** A layer converted before, found where it was pushed and checked, with what the manifest and the caller need. */
export interface ReusedLayer extends WrittenLayer {
  readonly digest: Digest;
  readonly size: number;
  /** What a lazy pull fetches before start (from its TOC). */
  readonly lazyPull: LazyPull;
  /**
   * The diff_id of the source layer it was converted from, as that conversion measured it: a source layer with the
   * same digest has it, so it stands for the measurement when the layer is not read.
   */
  readonly sourceDiffId: Digest;
}

/** Where earlier conversions come from (a registry's previous image, for instance). */
export interface LayerReuse {
  /**
   * Looks at the earlier conversions of these source layers (all at once, before any is needed). Returns, for each
   * source layer it knows from an earlier conversion, a listing of its entries from that conversion's TOC, so a
   * prefetch list can be resolved without reading the layer.
   */
  prepare(sources: readonly Digest[]): Promise<ReadonlyMap<Digest, LayerListing>>;
  /** The checked earlier conversion of `source` made with exactly `params` (conversionParams), or undefined. */
  find(source: Digest, params: string): Promise<ReusedLayer | undefined>;
  /** Whether some earlier conversion of `source` is known (before any is checked). */
  knows(source: Digest): boolean;
}

interface ConvertedManifest {
  readonly source: Digest;
  readonly digest: Digest;
  readonly platform: Descriptor['platform'];
  readonly layers: ReadonlyArray<{
    readonly source: Digest;
    readonly result: ConvertedLayer;
    readonly prioritized: readonly string[];
    /** How many of the prioritized entries are files with content (not links or directories). */
    readonly prefetchFiles: number;
    /** Set when the layer was not converted here but reused from an earlier conversion. */
    readonly reused: ReusedLayer | undefined;
  }>;
}

export interface ImageConversion {
  /** The converted manifest or index (not yet named in the output's index.json). */
  readonly descriptor: Descriptor;
  readonly manifests: readonly ConvertedManifest[];
  /** Plain prefetch paths that lead to no entry of some image (each once). */
  readonly missingPrefetch: readonly PrefetchMiss[];
}

interface LayerOutcome {
  readonly result: ConvertedLayer;
  readonly reused: ReusedLayer | undefined;
}

export async function convertImage(source: OciLayout, top: Descriptor, out: OciLayout, options: ConvertImageOptions = {}): Promise<ImageConversion> {
  const level = options.level ?? 6;
  const chunkSize = options.chunkSize ?? DEFAULT_ESTARGZ_CHUNK_SIZE;
  if (!Number.isInteger(level) || level < 0 || level > 9)
    throw new ConversionSettingError('level', `compression level ${level} is not 0-9`, 'use a whole number from 0 (store) to 9 (smallest)');
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new ConversionSettingError(
      'chunkSize',
      `chunk size ${chunkSize} is not a positive number of bytes`,
      `the default is ${DEFAULT_ESTARGZ_CHUNK_SIZE} (4 MiB)`,
    );
  }
  const provenance = options.provenance;
  const pool = new CompressPool();
  const manifests: ConvertedManifest[] = [];
  const missing = new Map<string, PrefetchMiss>();
  const layerCache = new Map<string, Promise<LayerOutcome>>();
  const reuse = options.reuse;

  /**
   * A layer converted (or reused) once per settings, however often images name it. `diffId` is what the config of
   * the first image to name it gives; that is checked as the layer streams, and convertManifest checks the
   * measured diff_id against each config again.
   */
  const convertOneLayer = (layer: Descriptor, prioritized: readonly string[], params: string, diffId: Digest): Promise<LayerOutcome> => {
    const { digest, size } = layer;
    const key = `${digest}\0${params}`;
    let pending = layerCache.get(key);
    if (!pending) {
      pending = (async () => {
        const reused = await reuse?.find(digest, params);
        if (reused) {
          // The source digest is the key of the reuse and goes into the new layer's annotations: the bytes here must
          // have it, though they are not converted (a read and a hash, no more).
          await source.verifyBlob(layer);
          // Verified bytes of this digest have the source diff_id the earlier conversion measured.
          if (reused.sourceDiffId !== diffId) throw diffIdMismatch(source.where, digest, diffId, reused.sourceDiffId);
          options.onLayer?.({ kind: 'reused', digest, result: reused });
          const { lazyPull: _lazy, ...written } = reused;
          return { result: { ...written, passedThrough: false }, reused };
        }
        options.onLayer?.({ kind: 'start', digest, size });
        const result = await convertLayer(source, layer, out, {
          pool,
          level,
          chunkSize,
          prioritized,
          diffId,
          ...(options.tempDir === undefined ? {} : { tempDir: options.tempDir }),
          onProgress: (payloadBytes) => options.onLayer?.({ kind: 'progress', digest, payloadBytes }),
        });
        options.onLayer?.({ kind: 'done', digest, result });
        return { result, reused: undefined };
      })();
      layerCache.set(key, pending);
    }
    return pending;
  };

  async function convertManifest(descriptor: Descriptor): Promise<Descriptor> {
    const manifest = await source.readJson(descriptor, ImageManifest, 'manifest');
    // What can be checked without reading a layer is checked for every layer before any is converted.
    await checkManifestParts(source, descriptor, manifest);
    const config = await source.readJson(manifest.config, ImageConfig, 'config');
    if (config.rootfs.diff_ids.length !== manifest.layers.length) {
      throw new ShipError(
        `${source.where}: manifest ${descriptor.digest} has ${manifest.layers.length} layers but its config lists ${config.rootfs.diff_ids.length} diff_ids`,
        { hint: 'the image is corrupt: rebuild it' },
      );
    }
    // Earlier conversions are looked at first: their TOCs list the paths of their source layers. The layers they
    // may stand in for are hashed meanwhile (see convertOneLayer), on every core.
    const candidates = reuse ? source.verifyBlobs(manifest.layers.filter((l) => reuse.knows(l.digest))) : Promise.resolve();
    candidates.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
    const known = reuse ? await reuse.prepare(manifest.layers.map((l) => l.digest)) : new Map<Digest, LayerListing>();
    await candidates;
    let prioritized: string[][] = manifest.layers.map(() => []);
    let files: number[] = manifest.layers.map(() => 0);
    if (options.prefetch && options.prefetch.length > 0) {
      // An earlier conversion's TOC first (no need to read the layer), the layer itself should that fail.
      const listings = manifest.layers.map((layer) => [known.get(layer.digest), layerListing(source, layer)].filter((list) => list !== undefined));
      const attribution = await attributePrefetch(options.prefetch, listings);
      prioritized = attribution.perLayer;
      files = attribution.files;
      for (const miss of attribution.missing) if (!missing.has(miss.pattern)) missing.set(miss.pattern, miss);
    }
    // Layers are converted one after another: each one already keeps every core busy.
    const layers: Descriptor[] = [];
    const results: Array<ConvertedManifest['layers'][number]> = [];
    for (const [i, layer] of manifest.layers.entries()) {
      const wanted = prioritized[i] ?? [];
      const params = conversionParams({ level, chunkSize, prioritized: wanted });
      const diffId = config.rootfs.diff_ids[i] as Digest;
      const { result, reused } = await convertOneLayer(layer, wanted, params, diffId);
      // Checked here too: a layer named twice was measured once, against the diff_id of its first place.
      if (result.sourceDiffId !== diffId) throw diffIdMismatch(source.where, layer.digest, diffId, result.sourceDiffId);
      results.push({ source: layer.digest, result, prioritized: wanted, prefetchFiles: files[i] ?? 0, reused });
      const { urls: _urls, annotations, ...rest } = layer;
      layers.push({
        ...rest,
        mediaType: MediaType.ociLayerGzip,
        digest: result.digest,
        size: result.size,
        annotations: {
          ...annotations,
          [Annotation.stargzTocDigest]: result.tocDigest,
          [Annotation.estargzUncompressedSize]: String(result.uncompressedSize),
          ...(provenance
            ? {
                [provenance.sourceDigest]: layer.digest,
                [provenance.sourceDiffId]: result.sourceDiffId,
                [provenance.conversion]: params,
                [provenance.diffId]: result.diffId,
              }
            : {}),
        },
      });
    }
    const newConfig: Record<string, unknown> = { ...config, rootfs: { ...config.rootfs, diff_ids: results.map((r) => r.result.diffId) } };
    // As containerd's converter does: the legacy parent-image id no longer names anything true.
    for (const key of ['config', 'container_config']) {
      const section = newConfig[key];
      if (section && typeof section === 'object' && 'Image' in section) {
        const { Image: _image, ...kept } = section as Record<string, unknown>;
        newConfig[key] = kept;
      }
    }
    const configDescriptor = { ...manifest.config, ...(await out.writeJson(MediaType.ociConfig, newConfig)) };
    const newManifest = { ...manifest, mediaType: MediaType.ociManifest, config: configDescriptor, layers };
    const written = await out.writeJson(MediaType.ociManifest, newManifest);
    manifests.push({ source: descriptor.digest, digest: written.digest, platform: descriptor.platform, layers: results });
    return written;
  }

  async function convertDescriptor(descriptor: Descriptor, depth: number): Promise<Descriptor> {
    const { mediaType } = descriptor;
    let written: Descriptor;
    if (isIndexType(mediaType)) {
      if (depth > 4) throw new ShipError(`${source.where}: index ${descriptor.digest} nests too deeply`);
      const index = await source.readJson(descriptor, ImageIndex, 'index');
      checkDeclaredType(source, descriptor, index.mediaType);
      const entries: Descriptor[] = [];
      for (const entry of index.manifests) entries.push(await convertDescriptor(entry, depth + 1));
      written = await out.writeJson(MediaType.ociIndex, { ...index, mediaType: MediaType.ociIndex, manifests: entries });
    } else if (isImageManifestType(mediaType)) {
      written = await convertManifest(descriptor);
    } else {
      // Converting rewrites every digest up the tree, and a document of a type this tool does not know cannot be
      // rewritten to match; it is refused rather than copied with references that no longer hold.
      throw unknownDocumentType(source, descriptor);
    }
    return { ...descriptor, mediaType: written.mediaType, digest: written.digest, size: written.size };
  }

  try {
    const converted = await convertDescriptor(top, 0);
    const { [Annotation.refName]: _ref, ...annotations } = converted.annotations ?? {};
    const descriptor: Descriptor = { ...converted };
    if (Object.keys(annotations).length > 0) descriptor.annotations = annotations;
    else delete descriptor.annotations;
    return { descriptor, manifests, missingPrefetch: [...missing.values()] };
  } finally {
    await pool.close();
  }
}
