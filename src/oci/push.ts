/**
 * Pushes an image from an OCI layout to a registry repository: blobs first (in parallel, bounded; each skipped when
 * the repository has it, mounted when a sibling repository has it, uploaded otherwise), then image manifests, then
 * the index, so the registry never sees a manifest before what it references. The result is pinned by digest.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { quoted, ShipError } from '../errors.js';
import type { Digest } from './digest.js';
import type { OciLayout } from './layout.js';
import { isForeignLayer, isImageManifestType, isIndexType } from './media-types.js';
import { ManifestBlobUnknown, type RepositoryClient } from './registry.js';
import { uploadBlob, type UploadOptions } from './registry-upload.js';
import type { DocumentCheck } from './json-shape.js';
import { ImageIndex, ImageManifest, type Descriptor } from './types.js';

/** A blob the image names that neither the layout nor the repository has: nothing can be pushed from nowhere. */
export class MissingBlobError extends ShipError {
  constructor(
    layout: OciLayout,
    readonly blob: Descriptor,
    where: string,
  ) {
    super(`${layout.where}: blob ${blob.digest} (${blob.size} bytes) is missing or has another size, and ${where} does not have it`, {
      hint: 'the layout is incomplete: write it again (or pull the image into it first)',
    });
  }
}

export interface PushOptions {
  /** The layout's image name (`org.opencontainers.image.ref.name`); default: its only image. */
  readonly layoutRef?: string;
  /** The manifest or index to push, when the caller has it already (then `layoutRef` is not read). */
  readonly root?: Descriptor;
  /** The tag to push; without one the image is pushed by digest only. */
  readonly tag?: string;
  /** Repositories of the same registry to mount blobs from (the token must allow pulling them). */
  readonly mountFrom?: readonly string[];
  /** Blobs in flight at once; default 4. */
  readonly concurrency?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  readonly upload?: Omit<UploadOptions, 'log' | 'onBytes'>;
}

interface PushStats {
  blobs: number;
  skipped: number;
  mounted: number;
  uploaded: number;
  /** Bytes of the uploaded blobs. */
  bytesUploaded: number;
  /** Bytes sent, counting those sent again after a failure. */
  bytesSent: number;
  /** Retries of the registry's HTTP client during the push, an upload's resumes and restarts included (each once). */
  retries: number;
  resumes: number;
  restarts: number;
  manifests: number;
  /** True when the registry already had this exact image, so nothing but the tag was written. */
  upToDate: boolean;
  /** What happened to each blob, by digest (the report shows it per layer). */
  outcomes: Map<Digest, BlobOutcome>;
}

type BlobOutcome = 'uploaded' | 'skipped' | 'mounted';

export interface PushResult {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
  /** `<registry>/<repository>@sha256:...` */
  readonly pinned: string;
  readonly stats: PushStats;
}

/** What an image consists of, children before parents. */
interface ImagePlan {
  readonly blobs: Map<Digest, Descriptor>;
  /** Manifests to PUT by digest, in order (an index's images before the index). */
  readonly manifests: { readonly descriptor: Descriptor; readonly bytes: Buffer }[];
}

export async function pushImage(layout: OciLayout, repo: RepositoryClient, options: PushOptions = {}): Promise<PushResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const retriesBefore = repo.client.retries;
  const root = options.root ?? (await layout.resolve(options.layoutRef));
  const plan = await planImage(layout, root);
  const top = plan.manifests[plan.manifests.length - 1];
  if (!top) throw new ShipError(`${layout.where}: nothing to push`, { hint: 'the layout holds no manifest' });
  const stats: PushStats = {
    blobs: plan.blobs.size,
    skipped: 0,
    mounted: 0,
    uploaded: 0,
    bytesUploaded: 0,
    bytesSent: 0,
    retries: 0,
    resumes: 0,
    restarts: 0,
    manifests: plan.manifests.length,
    upToDate: false,
    outcomes: new Map(),
  };
  const pinned = `${repo.client.registry}/${repo.name}@${root.digest}`;

  // A blob found in the registry can be gone by the time a manifest naming it is PUT (deleted, or collected as
  // garbage meanwhile), and the registry refuses the manifest with MANIFEST_BLOB_UNKNOWN. Then the blobs are checked
  // again, those missing pushed, and the manifests PUT once more: once, so a registry that keeps refusing fails.
  let pushedAgain = false;

  // The registry only stores a manifest whose blobs it has, so when it has ours, every blob should be there.
  const existing = await repo.headManifest(root.digest);
  if (existing?.digest === root.digest) {
    try {
      if (options.tag) await repo.putManifest(options.tag, top.bytes, top.descriptor.mediaType);
      stats.upToDate = true;
      stats.skipped = plan.blobs.size;
      for (const digest of plan.blobs.keys()) stats.outcomes.set(digest, 'skipped');
      log(`${repo.where}: already has ${root.digest}${options.tag ? `; tagged ${options.tag}` : ''} (${seconds(Date.now() - started)} s)`);
      return { digest: root.digest, mediaType: root.mediaType, size: root.size, pinned, stats: { ...stats, retries: repo.client.retries - retriesBefore } };
    } catch (error) {
      if (!(error instanceof ManifestBlobUnknown)) throw error;
      log(`${repo.where}: has ${root.digest} but has lost a blob it references; pushing the image again`);
      pushedAgain = true;
    }
  }

  // Largest first: the biggest blob is the critical path, so it must not wait for a free slot.
  const blobs = [...plan.blobs.values()].sort((a, b) => b.size - a.size);
  const total = blobs.reduce((sum, blob) => sum + blob.size, 0);
  log(
    `${repo.where}: pushing ${root.digest}: ${blobs.length} blobs (${mb(total)}), ${plan.manifests.length} manifest${plan.manifests.length === 1 ? '' : 's'}`,
  );
  // Every blob the layout holds is checked against its descriptor before anything is sent: the registry checks each
  // upload's digest too, but only as it arrives, after other blobs of a bad image have gone. Blobs the layout wrote
  // itself (a conversion's output) were checked as they were written and are not read again.
  const local: Descriptor[] = [];
  for (const blob of blobs) if (await layout.hasBlob(blob.digest)) local.push(blob);
  await layout.verifyBlobs(local);
  await forEachLimited(blobs, options.concurrency ?? 4, (blob) => pushBlob(layout, repo, blob, stats, options, log));
  const putManifests = async (): Promise<void> => {
    for (const [i, manifest] of plan.manifests.entries()) {
      const isTop = i === plan.manifests.length - 1;
      const reference = isTop && options.tag ? options.tag : manifest.descriptor.digest;
      const digest = await repo.putManifest(reference, manifest.bytes, manifest.descriptor.mediaType);
      if (digest !== manifest.descriptor.digest)
        throw new ShipError(`${layout.where}: manifest ${manifest.descriptor.digest} does not match its content (${digest})`, {
          hint: 'the layout is corrupt: write it again',
        });
    }
  };
  try {
    await putManifests();
  } catch (error) {
    if (!(error instanceof ManifestBlobUnknown) || pushedAgain) throw error;
    log(`${repo.where}: a blob found there earlier is gone (${error.message}); checking the blobs again`);
    await forEachLimited(blobs, options.concurrency ?? 4, (blob) => pushBlob(layout, repo, blob, stats, options, log, { again: true }));
    await putManifests();
  }
  stats.retries = repo.client.retries - retriesBefore;
  log(
    `${repo.where}: pushed ${root.digest}${options.tag ? ` as ${options.tag}` : ''} in ${seconds(Date.now() - started)} s: ` +
      `${stats.blobs} blobs (${stats.uploaded} uploaded, ${mb(stats.bytesUploaded)}; ${stats.skipped} skipped; ${stats.mounted} mounted), ` +
      `${stats.manifests} manifest${stats.manifests === 1 ? '' : 's'}, ${stats.retries} retries`,
  );
  return { digest: root.digest, mediaType: root.mediaType, size: root.size, pinned, stats };
}

/**
 * Skip, mount or upload one blob. `again`: the blob was dealt with before, and is checked again because a manifest
 * PUT said the registry lacks one: kept as it was counted when the registry has it, counted anew when not.
 */
async function pushBlob(
  layout: OciLayout,
  repo: RepositoryClient,
  blob: Descriptor,
  stats: PushStats,
  options: PushOptions,
  log: (line: string) => void,
  { again = false } = {},
): Promise<void> {
  const size = await repo.blobSize(blob.digest);
  if (size !== undefined && again) return;
  if (again) {
    forget(stats, blob);
    log(`${repo.where}: ${short(blob.digest)} is gone from the registry; pushing it again`);
  }
  if (size !== undefined) {
    stats.skipped += 1;
    stats.outcomes.set(blob.digest, 'skipped');
    return;
  }
  for (const from of options.mountFrom ?? []) {
    if (from === repo.name) continue;
    if (await repo.mountBlob(blob.digest, from)) {
      stats.mounted += 1;
      stats.outcomes.set(blob.digest, 'mounted');
      log(`${repo.where}: mounted ${short(blob.digest)} (${mb(blob.size)}) from ${from}`);
      return;
    }
  }
  if (!(await layout.hasBlob(blob.digest, blob.size))) throw new MissingBlobError(layout, blob, repo.where);
  const path = layout.blobPath(blob.digest);
  // createReadStream cannot express an empty range (its `end` is inclusive).
  const source = (start: number, end: number): Readable =>
    end > start ? createReadStream(path, { start, end: end - 1, highWaterMark: 1024 * 1024 }) : Readable.from([]);
  const result = await uploadBlob(repo, blob.digest, blob.size, source, {
    ...options.upload,
    log,
  });
  stats.uploaded += 1;
  stats.outcomes.set(blob.digest, 'uploaded');
  stats.bytesUploaded += blob.size;
  stats.bytesSent += result.bytesSent;
  stats.resumes += result.resumes;
  stats.restarts += result.restarts;
  log(
    `${repo.where}: uploaded ${short(blob.digest)} (${mb(blob.size)})${result.resumes + result.restarts > 0 ? `, after ${result.resumes} resumes and ${result.restarts} restarts` : ''}`,
  );
}

/** Takes back what was counted for a blob that is pushed again. */
function forget(stats: PushStats, blob: Descriptor): void {
  const outcome = stats.outcomes.get(blob.digest);
  if (outcome === 'skipped') stats.skipped -= 1;
  else if (outcome === 'mounted') stats.mounted -= 1;
  else if (outcome === 'uploaded') {
    stats.uploaded -= 1;
    stats.bytesUploaded -= blob.size;
  }
  stats.outcomes.delete(blob.digest);
}

/** Reads the manifests under `root` from the layout: the blobs they reference, and the manifests in push order. */
async function planImage(layout: OciLayout, root: Descriptor): Promise<ImagePlan> {
  const plan: ImagePlan = { blobs: new Map(), manifests: [] };
  const visit = async (descriptor: Descriptor, depth: number): Promise<void> => {
    if (depth > 4) throw new ShipError(`${layout.where}: indexes nested too deep`, { hint: 'the image is corrupt' });
    if (!isIndexType(descriptor.mediaType) && !isImageManifestType(descriptor.mediaType)) {
      throw new ShipError(`${layout.where}: ${descriptor.digest} has media type ${quoted(descriptor.mediaType)}, which is neither a manifest nor an index`, {
        hint: 'the image is corrupt or not an image',
      });
    }
    const bytes = await layout.readBlob(descriptor.digest, descriptor.size);
    const checkType = (declared: string | undefined): void => {
      // As containerd's images.validateMediaType: a document is what its descriptor says it is.
      if (declared !== undefined && declared !== descriptor.mediaType) {
        throw new ShipError(`${layout.where}: ${descriptor.digest} says it is a ${quoted(declared)}, but its descriptor says ${descriptor.mediaType}`, {
          hint: 'the image is corrupt',
        });
      }
    };
    if (isIndexType(descriptor.mediaType)) {
      const index = parseJson(bytes, ImageIndex, layout.where, descriptor.digest);
      checkType(index.mediaType);
      for (const child of index.manifests) await visit(child, depth + 1);
    } else {
      const manifest = parseJson(bytes, ImageManifest, layout.where, descriptor.digest);
      checkType(manifest.mediaType);
      for (const blob of [manifest.config, ...manifest.layers]) {
        // Foreign (non-distributable) layers are fetched from their URLs, never pushed.
        if (isForeignLayer(blob)) continue;
        plan.blobs.set(blob.digest, blob);
      }
    }
    if (!plan.manifests.some((m) => m.descriptor.digest === descriptor.digest)) plan.manifests.push({ descriptor, bytes });
  };
  await visit(root, 0);
  return plan;
}

function parseJson<T>(bytes: Buffer, schema: DocumentCheck<T>, dir: string, digest: Digest): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ShipError(`${dir}: ${digest} is not JSON`, { hint: 'the layout is corrupt: write it again' });
  }
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ShipError(`${dir}: ${digest} is not a valid manifest (${result.error.issues[0]?.message ?? 'invalid'})`, { hint: 'the image is corrupt' });
  return result.data;
}

/** Runs `work` on every item, at most `limit` at a time; the first failure stops new work and is thrown. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

export function short(digest: Digest): string {
  return digest.slice(0, 19);
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
