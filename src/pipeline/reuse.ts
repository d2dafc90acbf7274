/**
 * Fast re-ships: layers the previous ship converted are reused instead of converted again. Every layer the converter
 * writes carries, on its manifest descriptor, the digest and diff_id of the source layer it came from, the
 * conversion's settings and its own diff_id (`com.meshagent.ship.*`, see annotations.ts). Before converting, the convert stage reads the
 * repository's previous image (the same tag, else the image the service runs now), per platform manifest, and a
 * source layer whose digest and settings match one recorded there is not converted: its eStargz blob is already in
 * the repository, so the push skips it, and the new manifest points at it.
 *
 * A reused blob is not downloaded. What is checked instead (trust, but verify what is cheap):
 *  - HEAD: the repository has the blob at the descriptor's size. Blobs are content-addressed, so these are the bytes
 *    the previous ship converted and verified whole (chunk digests, tar, diff_id) before it pushed them;
 *  - its footer and TOC, read by Range request as a lazy pull reads them: the TOC's digest must be the toc.digest
 *    annotation, so the snapshotter will accept it; the TOC also gives the report's lazy-pull bytes and the layer's
 *    paths (for attributing a prefetch list without reading the source layer);
 *  - the diff_id annotation must be the previous image's config's diff_id for that layer (the config is read, as it
 *    is small), so a tool that rewrote the layers but kept the annotations is caught; the uncompressed size is taken
 *    from the annotation the previous ship wrote after measuring it. Only holders of a push token for this
 *    repository can write either, and containerd checks the diff_id again when it unpacks the layer;
 *  - the source diff_id annotation stands for reading the source layer whole: the converter holds it to the diff_id
 *    the new image's config gives (bytes of the source digest, which it checks, have the diff_id measured then).
 * Nothing here may fail a ship: a previous image that is missing, unreadable or without the annotations, and a layer
 * that does not pass the checks, mean a full conversion of what is concerned, with a line in the log.
 */
import { ShipError } from '../errors.js';
import { HttpError } from '../http.js';
import {
  Annotation,
  type Descriptor,
  type Digest,
  forEachLimited,
  ImageConfig,
  type ImageManifest,
  isDigest,
  MediaType,
  remoteImageManifests,
  type RepositoryClient,
  sha256,
  short,
} from '../oci/index.js';
import { type BlobReader, type LayerListing, type LayerReuse, lazyPull, readToc, readTocListing, type ReusedLayer } from '../estargz/index.js';
import { ShipAnnotation } from './annotations.js';

/** A layer of a previous image, as its annotations describe it. */
export interface PreviousConversion {
  readonly source: Digest;
  /** The source layer's diff_id, as the conversion measured it (the new image's config must give the same). */
  readonly sourceDiffId: Digest;
  readonly params: string;
  readonly digest: Digest;
  readonly size: number;
  readonly tocDigest: Digest;
  readonly diffId: Digest;
  readonly uncompressedSize: number;
}

/**
 * The layers of one image manifest that can be reused, and how many cannot: no or garbled annotations, or a diff_id
 * annotation that is not the one the image's config gives for that layer (`diffIds`, the config's rootfs.diff_ids).
 */
export function conversionsOf(manifest: ImageManifest, diffIds: readonly string[]): { conversions: PreviousConversion[]; unusable: number } {
  const conversions: PreviousConversion[] = [];
  let unusable = 0;
  for (const [i, layer] of manifest.layers.entries()) {
    const conversion = conversionOf(layer);
    if (conversion && conversion.diffId === diffIds[i]) conversions.push(conversion);
    else unusable += 1;
  }
  return { conversions, unusable };
}

/** A layer descriptor's record of its conversion; undefined unless every annotation needed is there and well formed. */
export function conversionOf(layer: Descriptor): PreviousConversion | undefined {
  const a = layer.annotations ?? {};
  const source = a[ShipAnnotation.sourceDigest];
  const sourceDiffId = a[ShipAnnotation.sourceDiffId];
  const params = a[ShipAnnotation.conversion];
  const diffId = a[ShipAnnotation.diffId];
  const tocDigest = a[Annotation.stargzTocDigest];
  const uncompressed = a[Annotation.estargzUncompressedSize];
  if (layer.mediaType !== MediaType.ociLayerGzip) return undefined;
  // A layer converted before the source diff_id was recorded lacks it: it is converted again, once.
  if (!source || !isDigest(source) || !sourceDiffId || !isDigest(sourceDiffId) || !diffId || !isDigest(diffId) || !tocDigest || !isDigest(tocDigest))
    return undefined;
  if (!params || !/^estargz\/\d+ /.test(params)) return undefined;
  if (!uncompressed || !/^\d+$/.test(uncompressed) || !Number.isSafeInteger(Number(uncompressed))) return undefined;
  return { source, sourceDiffId, params, digest: layer.digest, size: layer.size, tocDigest, diffId, uncompressedSize: Number(uncompressed) };
}

export interface PreviousOptions {
  /** The tag being shipped: its current image is the first place to look. */
  readonly tag: string;
  /** The image the service runs now (a reference pinned by digest), looked at when the tag has no image. */
  readonly running?: () => Promise<string | undefined>;
  readonly log: (line: string) => void;
}

/**
 * The layers the repository's previous image holds, ready to be reused; undefined (after a log line saying why)
 * when there is nothing to reuse. Never throws.
 */
export async function previousConversions(repo: RepositoryClient, options: PreviousOptions): Promise<RegistryReuse | undefined> {
  const { log } = options;
  try {
    const fromTag = await readImage(repo, options.tag);
    let found = fromTag ? { ...fromTag, where: `${repo.where}:${options.tag}` } : undefined;
    if (!found) {
      const running = await options.running?.().catch(() => undefined);
      const digest = running ? digestIn(running, repo) : undefined;
      const fromService = digest ? await readImage(repo, digest) : undefined;
      if (fromService && digest) found = { ...fromService, where: `${repo.where}@${digest} (the image the service runs)` };
    }
    if (!found) {
      log(`no previous image of ${repo.where}:${options.tag}: every layer is converted`);
      return undefined;
    }
    const { conversions, unusable, digest, where, startups } = found;
    if (conversions.length === 0) {
      log(`the previous image ${where} (${short(digest)}) records no conversions to reuse: every layer is converted`);
      return undefined;
    }
    log(
      `the previous image ${where} (${short(digest)}) records ${conversions.length} converted layer${conversions.length === 1 ? '' : 's'}${unusable ? ` (${unusable} more without usable annotations)` : ''}`,
    );
    return new RegistryReuse(repo, conversions, log, startups);
  } catch (error) {
    log(`the previous image could not be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): every layer is converted`);
    return undefined;
  }
}

/** The digest of a pinned reference to this repository, e.g. `host/key/app@sha256:...`; undefined for anything else. */
export function digestIn(reference: string, repo: RepositoryClient): Digest | undefined {
  const at = reference.lastIndexOf('@');
  if (at === -1) return undefined;
  const digest = reference.slice(at + 1);
  const name = reference.slice(0, at).replace(/:[\w][\w.-]{0,127}$/, '');
  return isDigest(digest) && name === repo.where ? digest : undefined;
}

/** An image by tag or digest: every platform's conversions; undefined when the repository has none by that name. */
async function readImage(
  repo: RepositoryClient,
  reference: string,
): Promise<{ digest: Digest; conversions: PreviousConversion[]; unusable: number; startups: string[] } | undefined> {
  let top: Awaited<ReturnType<RepositoryClient['getManifest']>>;
  try {
    top = await repo.getManifest(reference);
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return undefined;
    throw error;
  }
  const conversions: PreviousConversion[] = [];
  const startups: string[] = [];
  let unusable = 0;
  for (const { manifest } of await remoteImageManifests(repo, reference, top)) {
    const startup = manifest.annotations?.[ShipAnnotation.prefetchAuto];
    if (startup) startups.push(startup);
    // The config is fetched only when some layer records a conversion: a plain image costs nothing more.
    const recorded = manifest.layers.some((layer) => conversionOf(layer) !== undefined);
    const found = conversionsOf(manifest, recorded ? await configDiffIds(repo, manifest.config) : []);
    conversions.push(...found.conversions);
    unusable += found.unusable;
  }
  return { digest: top.digest, conversions, unusable, startups };
}

/** Configs are small; a larger one is not what the converter wrote, and is not read. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** The diff_ids of an image's config, read from the registry and checked against its digest. */
async function configDiffIds(repo: RepositoryClient, config: Descriptor): Promise<readonly string[]> {
  if (config.size > MAX_CONFIG_BYTES) throw new ShipError(`its config is ${config.size} bytes, more than a config can be`);
  const bytes = await repo.readBlobRange(config.digest, 0, config.size);
  if (sha256(bytes) !== config.digest) throw new ShipError(`its config ${short(config.digest)} came back with other content`);
  return ImageConfig.parse(JSON.parse(bytes.toString('utf8'))).rootfs.diff_ids;
}

/** What checking a previous conversion's blob established. */
interface Checked {
  readonly reused: ReusedLayer;
  readonly listing: LayerListing;
}

/** The previous image's conversions, each checked in the registry the first time it is asked for. */
export class RegistryReuse implements LayerReuse {
  private readonly byKey = new Map<string, PreviousConversion>();
  private readonly bySource = new Map<Digest, PreviousConversion>();
  private readonly checks = new Map<Digest, Promise<Checked | Error>>();
  /** The blobs whose failed check is in the log already. */
  private readonly told = new Set<Digest>();

  constructor(
    private readonly repo: RepositoryClient,
    conversions: readonly PreviousConversion[],
    private readonly log: (line: string) => void,
    /** The `prefetch: auto` records of the previous image's manifests (annotation values, unparsed). */
    readonly startups: readonly string[] = [],
  ) {
    for (const c of conversions) {
      this.byKey.set(`${c.source}\0${c.params}`, c);
      if (!this.bySource.has(c.source)) this.bySource.set(c.source, c);
    }
  }

  async prepare(sources: readonly Digest[]): Promise<ReadonlyMap<Digest, LayerListing>> {
    const listings = new Map<Digest, LayerListing>();
    const known = [...new Set(sources)].filter((s) => this.bySource.has(s));
    // The matching conversions first, so a layer that will be reused is checked once, in parallel with the others.
    await forEachLimited(known, 4, async (source) => {
      const conversion = this.bySource.get(source);
      const checked = conversion ? await this.check(conversion) : undefined;
      if (checked) listings.set(source, checked.listing);
    });
    return listings;
  }

  knows(source: Digest): boolean {
    return this.bySource.has(source);
  }

  async find(source: Digest, params: string): Promise<ReusedLayer | undefined> {
    const conversion = this.byKey.get(`${source}\0${params}`);
    if (!conversion) {
      const other = this.bySource.get(source);
      if (other) this.log(`${short(source)}: the previous ship converted it with other settings (${other.params}; now ${params})`);
      return undefined;
    }
    return (await this.check(conversion))?.reused;
  }

  /**
   * Checks every conversion the previous image records, before the converter asks for any (the lookup runs while
   * the image builds). A check that fails is said when a layer of the new image needs it, not here.
   */
  async checkAll(): Promise<void> {
    await forEachLimited([...this.bySource.values()], 4, async (conversion) => void (await this.start(conversion)));
  }

  private async check(conversion: PreviousConversion): Promise<Checked | undefined> {
    const result = await this.start(conversion);
    if (!(result instanceof Error)) return result;
    if (!this.told.has(conversion.digest)) {
      this.told.add(conversion.digest);
      this.log(
        `${short(conversion.source)}: the previous ship's ${short(conversion.digest)} cannot be reused (${result.message.split('\n')[0]}); converting it`,
      );
    }
    return undefined;
  }

  /** The check of a conversion's blob, started once; its failure as a value. */
  private start(conversion: PreviousConversion): Promise<Checked | Error> {
    let pending = this.checks.get(conversion.digest);
    if (!pending) {
      pending = this.checkNow(conversion).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      this.checks.set(conversion.digest, pending);
    }
    return pending;
  }

  private async checkNow(conversion: PreviousConversion): Promise<Checked> {
    const { digest, size } = conversion;
    const stored = await this.repo.blobSize(digest);
    if (stored === undefined) throw new ShipError('the repository no longer has the blob');
    if (stored !== size) throw new ShipError(`the blob is ${stored} bytes, its descriptor says ${size}`);
    const reader: BlobReader = { size, read: (start, length) => this.repo.readBlobRange(digest, start, length) };
    const blob = await readToc(reader);
    if (blob.tocDigest !== conversion.tocDigest) throw new ShipError(`its TOC digest is ${blob.tocDigest}, the annotation says ${conversion.tocDigest}`);
    return {
      reused: {
        digest,
        size,
        tocDigest: blob.tocDigest,
        diffId: conversion.diffId,
        sourceDiffId: conversion.sourceDiffId,
        uncompressedSize: conversion.uncompressedSize,
        entries: blob.entries,
        lazyPull: lazyPull(blob),
      },
      // The TOC is streamed, not kept: a prefetch list reads it again (and checks its digest again) for the entries.
      listing: () => readTocListing(reader, blob),
    };
  }
}
