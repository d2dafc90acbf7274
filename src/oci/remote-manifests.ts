/**
 * The image manifests under a manifest or index in a registry repository, as a puller would walk them: nested
 * indexes are followed (to a bounded depth), entries that are neither images nor indexes (attestations, other
 * artifacts) are left out, and anything that does not parse is a ShipError naming it.
 */
import { ShipError } from '../errors.js';
import type { Digest } from './digest.js';
import { isImageManifestType, isIndexType } from './media-types.js';
import type { ManifestAnswer, RepositoryClient } from './registry.js';
import { ImageIndex, ImageManifest } from './types.js';

/** As deep as the converter nests indexes. */
const MAX_DEPTH = 4;

export interface RemoteManifest {
  readonly digest: Digest;
  readonly manifest: ImageManifest;
}

/** Walks from `top` (already fetched as `reference`); every child is fetched by digest, so its bytes are checked. */
export async function remoteImageManifests(repo: RepositoryClient, reference: string, top: ManifestAnswer): Promise<RemoteManifest[]> {
  const found: RemoteManifest[] = [];
  const visit = async (answer: ManifestAnswer, name: string, depth: number): Promise<void> => {
    if (isIndexType(answer.mediaType)) {
      if (depth > MAX_DEPTH) throw new ShipError(`${repo.where}@${answer.digest}: indexes nest more than ${MAX_DEPTH} deep`);
      const index = parse(ImageIndex, answer, name);
      for (const child of index.manifests) {
        if (!isImageManifestType(child.mediaType) && !isIndexType(child.mediaType)) continue;
        await visit(await repo.getManifest(child.digest), `${repo.where}@${child.digest}`, depth + 1);
      }
    } else if (isImageManifestType(answer.mediaType)) {
      found.push({ digest: answer.digest, manifest: parse(ImageManifest, answer, name) });
    } else {
      throw new ShipError(`${name} is a ${answer.mediaType || 'manifest without a media type'}, not an image`);
    }
  };
  await visit(top, `${repo.where}:${reference}`, 0);
  return found;
}

function parse<T>(schema: { parse(value: unknown): T }, answer: ManifestAnswer, name: string): T {
  try {
    return schema.parse(JSON.parse(answer.bytes.toString('utf8')));
  } catch {
    throw new ShipError(`${name} is not a well-formed ${isIndexType(answer.mediaType) ? 'index' : 'image manifest'}`, {
      hint: 'the registry holds something this tool did not write: push the image again',
    });
  }
}
