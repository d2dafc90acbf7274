/** Content digests: `sha256:<64 hex>`, the only algorithm registries are required to accept. */
import { createHash, type Hash } from 'node:crypto';
import { ShipError } from '../errors.js';

export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): value is Digest {
  return DIGEST_RE.test(value);
}

/** Checks a digest read from a file or a server; `where` says where it came from, for the message. */
export function parseDigest(value: string, where: string): Digest {
  if (!isDigest(value)) throw new ShipError(`${where}: ${JSON.stringify(value)} is not a sha256 digest`, { hint: 'the image is corrupt or not an OCI image' });
  return value;
}

export function sha256(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The 64 hex characters of a digest (the file name of its blob in an OCI layout). */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

/** An incremental sha256 that also counts bytes, for data that streams through. */
export class DigestCounter {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}`;
  }
}
