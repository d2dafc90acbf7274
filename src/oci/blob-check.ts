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
    const actual = { digest: this.counter.digest(), size: this.counter.size };
    const mismatch = blobMismatch(this.expected, actual, this.where);
    if (mismatch) throw mismatch;
    return actual;
  }

  private error(problem: string): ShipError {
    return blobError(this.expected, problem, this.where);
  }
}

/** The error for a whole blob whose digest or size (`actual`) is not the expected one; undefined when they match. */
export function blobMismatch(expected: ExpectedBlob, actual: { digest: Digest; size: number }, where?: string): ShipError | undefined {
  if (expected.size !== undefined && actual.size !== expected.size)
    return blobError(expected, `is ${actual.size} bytes, but its descriptor gives ${expected.size}`, where);
  if (expected.digest !== undefined && actual.digest !== expected.digest)
    return blobError(expected, `does not match its digest: its content is ${actual.digest}`, where);
  return undefined;
}

function blobError(expected: ExpectedBlob, problem: string, where: string | undefined): ShipError {
  const blob = expected.digest ? `blob ${expected.digest}` : 'a blob';
  return new ShipError(`${where ? `${where}: ` : ''}${blob} ${problem}`, { hint: HINT });
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
