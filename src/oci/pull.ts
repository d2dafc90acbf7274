/**
 * Pulls an image from a registry into an OCI layout: the manifest (or index and its manifests, each fetched by
 * digest and checked against it and its descriptor's size), then every blob, streamed to disk and checked against
 * its digest and size as it arrives (OciLayout.writeBlobFrom), never held whole in memory.
 * Docker schema 2 images are stored as they are (same bytes, same digests); the converter turns them into OCI.
 */
import { quoted, ShipError } from '../errors.js';
import type { Digest } from './digest.js';
import type { OciLayout } from './layout.js';
import { isForeignLayer, isImageManifestType, isIndexType, MediaType } from './media-types.js';
import { forEachLimited, mb, short } from './push.js';
import type { RepositoryClient } from './registry.js';
import type { DocumentCheck } from './json-shape.js';
import { ImageIndex, ImageManifest, type Descriptor, type Platform } from './types.js';

export interface PullOptions {
  /** The name to list the image under in the layout's index.json; default none (listed by digest). */
  readonly layoutRef?: string;
  /** From an index, pull only the image for this platform (listed in the layout instead of the index). */
  readonly platform?: Pick<Platform, 'os' | 'architecture'> & { variant?: string };
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

export interface PullResult {
  /** The descriptor listed in the layout. */
  readonly descriptor: Descriptor;
  readonly blobs: number;
  /** Blobs the layout already had. */
  readonly present: number;
  readonly bytesDownloaded: number;
}

export async function pullImage(repo: RepositoryClient, reference: string, layout: OciLayout, options: PullOptions = {}): Promise<PullResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const blobs = new Map<Digest, Descriptor>();

  /** Fetches a manifest by reference (a child by its descriptor), stores it, and collects its blobs (or its children's). */
  const fetchManifest = async (ref: string, depth: number, expectedSize?: number): Promise<Descriptor> => {
    // getManifest checks the content against a digest reference; the size is the descriptor's to check.
    const answer = await repo.getManifest(ref);
    if (expectedSize !== undefined && answer.bytes.length !== expectedSize) {
      throw new ShipError(`${repo.where}: manifest ${ref} is ${answer.bytes.length} bytes, but its descriptor gives ${expectedSize}`, {
        hint: 'the registry holds a corrupt image: push it again',
      });
    }
    const mediaType = answer.mediaType;
    if (mediaType === 'application/vnd.docker.distribution.manifest.v1+json' || mediaType === 'application/vnd.docker.distribution.manifest.v1+prettyjws') {
      throw new ShipError(`${repo.where}:${reference} is a Docker schema 1 image, which is not supported`, {
        hint: 'push it again with a current Docker or buildah, which write schema 2 or OCI',
      });
    }
    const descriptor: Descriptor = { mediaType, digest: answer.digest, size: answer.bytes.length };
    let json: unknown;
    try {
      json = JSON.parse(answer.bytes.toString('utf8'));
    } catch {
      // Not the parser's message: it quotes the content.
      throw new ShipError(`${repo.where}: manifest ${answer.digest} (${ref}) is not JSON`, { hint: 'the registry holds a corrupt or unsupported image' });
    }
    /** A shape check whose failure names the manifest. */
    const parse = <T>(schema: DocumentCheck<T>): T => {
      const result = schema.safeParse(json);
      if (result.success) return result.data;
      const issue = result.error.issues[0];
      throw new ShipError(
        `${repo.where}: manifest ${answer.digest} (${ref}) is not valid: ${issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
        {
          hint: 'the registry holds a corrupt or unsupported image',
        },
      );
    };
    if (isIndexType(mediaType)) {
      if (depth > 2) throw new ShipError(`${repo.where}:${reference}: indexes nested too deep`, { hint: 'the image is corrupt' });
      const index = parse(ImageIndex);
      const wanted = options.platform ? index.manifests.filter((m) => matches(m.platform, options.platform)) : index.manifests;
      if (options.platform) {
        const [chosen] = wanted;
        if (!chosen) {
          const known = index.manifests.map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : m.digest)).join(', ');
          throw new ShipError(`${repo.where}:${reference} has no image for ${options.platform.os}/${options.platform.architecture}`, {
            hint: `it has: ${known}`,
          });
        }
        return fetchManifest(chosen.digest, depth + 1, chosen.size);
      }
      for (const child of wanted) await fetchManifest(child.digest, depth + 1, child.size);
    } else if (isImageManifestType(mediaType) || mediaType === '') {
      const manifest = parse(ImageManifest);
      for (const blob of [manifest.config, ...manifest.layers]) {
        if (isForeignLayer(blob)) continue;
        blobs.set(blob.digest, blob);
      }
      if (!descriptor.mediaType) descriptor.mediaType = manifest.mediaType ?? MediaType.ociManifest;
    } else {
      throw new ShipError(`${repo.where}:${reference} has media type ${quoted(mediaType)}, which is not an image`, { hint: 'pull an image manifest or index' });
    }
    const stored = await layout.writeBlob(answer.bytes);
    if (stored.digest !== answer.digest) throw new Error('unreachable: a stored manifest changed digest');
    return descriptor;
  };

  const root = await fetchManifest(reference, 0);
  // A blob already in the layout is kept only if its bytes hash to its digest; a file that does not is downloaded
  // again, over it (as containerd's content store does not keep an ingest that fails its digest).
  const { held, wrong } = await layout.blobsHeld([...blobs.values()]);
  if (wrong.length > 0)
    log(`${layout.where}: ${wrong.length} blob file(s) there do not hold what their digest says and are downloaded again: ${wrong.map(short).join(', ')}`);
  let present = 0;
  let bytesDownloaded = 0;
  await forEachLimited([...blobs.values()], options.concurrency ?? 4, async (blob) => {
    if (held.has(blob.digest)) {
      present += 1;
      return;
    }
    const body = await repo.openBlob(blob.digest);
    try {
      await layout.writeBlobFrom(body, { digest: blob.digest, size: blob.size }, repo.where);
    } catch (error) {
      body.destroy();
      if (error instanceof ShipError && !error.message.startsWith(repo.where))
        throw new ShipError(`pull ${short(blob.digest)} from ${repo.where}: ${error.message}`, {
          hint: error.hint ?? 'run again; if it persists the registry serves corrupt data',
          cause: error,
        });
      throw error;
    }
    bytesDownloaded += blob.size;
  });
  await layout.setRef(root, options.layoutRef);
  log(
    `${repo.where}: pulled ${reference} (${root.digest}) in ${((Date.now() - started) / 1000).toFixed(2)} s: ${blobs.size} blobs, ${present} already present, ${mb(bytesDownloaded)} downloaded`,
  );
  return { descriptor: root, blobs: blobs.size, present, bytesDownloaded };
}

function matches(platform: Platform | undefined, wanted: PullOptions['platform']): boolean {
  if (!platform || !wanted) return false;
  return platform.os === wanted.os && platform.architecture === wanted.architecture && (wanted.variant === undefined || platform.variant === wanted.variant);
}
