/**
 * Compressed tar streams: the compression is recognised by its magic bytes, and gzip (including multi-member gzip)
 * or zstd is undone while streaming. zstd needs a Node with zstd in zlib (22.15 and later); on older Node it is
 * refused with a hint. What a compression was declared to be (a media type) is the caller's to hold it to.
 */
import { open } from 'node:fs/promises';
import { pipeline, type Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { ShipError } from '../errors.js';
import { fileError } from '../file-errors.js';

export type Compression = 'none' | 'gzip' | 'zstd';

/** The compression the first bytes of the file at `path` show; `what` names the file in errors. */
export async function sniffCompression(path: string, what = 'a compressed file'): Promise<Compression> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw fileError(error, path, what);
  });
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
    return 'none';
  } catch (error) {
    throw fileError(error, path, what);
  } finally {
    await handle.close();
  }
}

/**
 * `compressed` (which holds `compression`) uncompressed as it streams. An error of either stream reaches the
 * reader, and a reader that stops early closes both. `what` names the stream in errors.
 */
export function decompress(compressed: Readable, compression: Compression, what: string): Readable {
  if (compression === 'none') return compressed;
  let decoder: Transform;
  if (compression === 'gzip') decoder = zlib.createGunzip({ chunkSize: 1 << 20 });
  else {
    const factory = (zlib as unknown as { createZstdDecompress?: (options?: object) => Transform }).createZstdDecompress;
    if (!factory) {
      compressed.destroy();
      throw new ShipError(`${what} is zstd-compressed, which this Node.js (${process.version}) cannot decompress`, {
        hint: 'run with Node.js 22.15 or later, or compress with gzip instead',
      });
    }
    decoder = factory({ chunkSize: 1 << 20 });
  }
  return pipeline(compressed, decoder, () => {});
}

/** Whether an error met while reading a decompressed stream says the compressed bytes are corrupt (zlib's codes). */
export function isCorruptCompression(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code?.startsWith('Z_') === true || /incorrect header|invalid|unexpected end|zstd/i.test(message);
}
