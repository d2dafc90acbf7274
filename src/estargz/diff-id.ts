/**
 * A source layer's diff_id, held to its image's config. The converter replaces the config's diff_ids with those of
 * the layers it writes, which takes away the check containerd makes when it unpacks a layer (the digest of the
 * uncompressed tar must be the config's diff_id at the same index, or the unpack fails with "wrong diff id
 * calculated on extraction"). So the converter makes that check itself, on the uncompressed tar as it streams by.
 */
import { pipeline as pipe, type Readable, Transform, type TransformCallback } from 'node:stream';
import { ShipError } from '../errors.js';
import { type Digest, DigestCounter } from '../oci/index.js';

/** The error for a source layer whose uncompressed tar is not what the config says; `where` names the image. */
export function diffIdMismatch(where: string, layer: Digest, expected: Digest, actual: Digest): ShipError {
  return new ShipError(
    `${where}: layer ${layer} does not match the image's config: its uncompressed content is ${actual}, but the config gives the diff_id ${expected}`,
    {
      hint: "the image's config does not describe its layers (a layer was swapped, or the config edited): build, export or pull the image again",
    },
  );
}

/** An uncompressed tar measured as it streams: its digest and size are known once it has ended. */
export interface MeasuredTar {
  readonly tar: Readable;
  /** The digest of what went through (call once the stream has ended). */
  diffId(): Digest;
  /** The bytes that went through. */
  size(): number;
}

/**
 * Passes `tar` through, hashing it; with `expected`, the stream fails at its end instead of ending when the digest
 * is another (so a reader never sees a clean end of a layer the config does not describe).
 *
 * `checkedAs`: the digest the bytes are already held to upstream (an uncompressed blob, whose digest is its
 * diff_id, checked as it streams by OciLayout.openBlob, which fails before this stream can end). They are then
 * counted, not hashed again: the check is the same, one sha256 pass fewer over the layer.
 */
export function measureTar(tar: Readable, expected: { where: string; layer: Digest; diffId: Digest | undefined; checkedAs?: Digest | undefined }): MeasuredTar {
  const counter = new DigestCounter();
  let size = 0;
  let digest: Digest | undefined;
  const finish = () => (digest ??= expected.checkedAs ?? counter.digest());
  const measured = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      if (expected.checkedAs === undefined) counter.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const actual = finish();
      callback(expected.diffId !== undefined && actual !== expected.diffId ? diffIdMismatch(expected.where, expected.layer, expected.diffId, actual) : null);
    },
  });
  return { tar: pipe(tar, measured, () => {}), diffId: finish, size: () => size };
}
