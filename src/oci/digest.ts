/** Content digests: `sha256:<64 hex>`, the only algorithm registries are required to accept. */
import { createHash, type Hash } from 'node:crypto';

export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): value is Digest {
  return DIGEST_RE.test(value);
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
