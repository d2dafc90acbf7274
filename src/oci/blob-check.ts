/**
 * Blobs checked against their descriptors while they stream, the way containerd's content store checks what it
 * ingests and go-containerregistry's verify.ReadCloser checks what it reads: the byte count may never pass the
 * descriptor's size (a blob that is too long is stopped there, not read to its end), and at the end both the size
 * and the sha256 must be the descriptor's. Nothing is held but the running hash.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { ShipError } from '../errors.js';
import { DigestCounter, type Digest } from './digest.js';

export interface ExpectedBlob {
  readonly digest?: Digest | undefined;
  readonly size?: number | undefined;
}

const HINT = 'the image is corrupt, was cut short, or its bytes were swapped for others: build, export or pull it again';

/** The running check of one blob; `where` (a directory, an archive, a registry repository) prefixes its errors. */
export class BlobCheck {
  private readonly counter = new DigestCounter();

  constructor(
    private readonly expected: ExpectedBlob,
    private readonly where?: string,
  ) {}

  /** Counts and hashes a piece; throws as soon as the blob is longer than its descriptor says. */
  update(chunk: Uint8Array): void {
    this.counter.update(chunk);
    const { size } = this.expected;
    if (size !== undefined && this.counter.size > size) throw this.error(`is longer than the ${size} bytes its descriptor gives`);
  }

  /** The blob's digest and size, once it has ended; throws when either is not the expected one. */
  finish(): { digest: Digest; size: number } {
    const digest = this.counter.digest();
    const { size } = this.counter;
    if (this.expected.size !== undefined && size !== this.expected.size) throw this.error(`is ${size} bytes, but its descriptor gives ${this.expected.size}`);
    if (this.expected.digest !== undefined && digest !== this.expected.digest) throw this.error(`does not match its digest: its content is ${digest}`);
    return { digest, size };
  }

  private error(problem: string): ShipError {
    const blob = this.expected.digest ? `blob ${this.expected.digest}` : 'a blob';
    return new ShipError(`${this.where ? `${this.where}: ` : ''}${blob} ${problem}`, { hint: HINT });
  }
}

/**
 * A pass-through stream that checks what flows through it: it fails as soon as the blob is too long, and at the end
 * fails instead of ending when the size or digest is wrong, so a reader never sees a clean end of a bad blob.
 */
export function checkingStream(expected: ExpectedBlob, where?: string): Transform {
  const check = new BlobCheck(expected, where);
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      try {
        check.update(chunk);
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        check.finish();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
