/**
 * Layer blobs in, tar bytes out: the compression is recognised by its magic bytes (source-layer.ts holds them to
 * what the media type declares), and gzip (including multi-member gzip) or zstd is undone while streaming. zstd
 * needs a Node with zstd in zlib (22.15 and later); on older Node it is refused with a hint.
 */
import { open } from 'node:fs/promises';
import { pipeline, type Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { ShipError } from '../errors.js';
import { fileError } from '../oci/file-errors.js';

export type Compression = 'none' | 'gzip' | 'zstd';

/** The compression the blob's first bytes show. */
export async function sniffCompression(path: string): Promise<Compression> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw fileError(error, path, 'a layer blob');
  });
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
    return 'none';
  } catch (error) {
    throw fileError(error, path, 'a layer blob');
  } finally {
    await handle.close();
  }
}

/**
 * `compressed` (which holds `compression`) uncompressed as it streams. An error of either stream reaches the
 * reader, and a reader that stops early closes both.
 */
export function decompress(compressed: Readable, compression: Compression, what: string): Readable {
  if (compression === 'none') return compressed;
  let decoder: Transform;
  if (compression === 'gzip') decoder = zlib.createGunzip({ chunkSize: 1 << 20 });
  else {
    const factory = (zlib as unknown as { createZstdDecompress?: (options?: object) => Transform }).createZstdDecompress;
    if (!factory) {
      compressed.destroy();
      throw new ShipError(`${what} is zstd-compressed, which this Node.js (${process.version}) cannot decompress`, { hint: 'run with Node.js 22.15 or later, or rebuild the image with gzip layers' });
    }
    decoder = factory({ chunkSize: 1 << 20 });
  }
  return pipeline(compressed, decoder, () => {});
}

/** Turns a zlib or file error met while reading a layer into a ShipError naming the layer. */
export function describeReadError(error: unknown, what: string): ShipError {
  if (error instanceof ShipError) return error;
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code?.startsWith('Z_') || /incorrect header|invalid|unexpected end|zstd/i.test(message)) {
    return new ShipError(`${what}: the compressed stream is corrupt (${message})`, { hint: 'the layer blob is damaged: rebuild or re-export the image', cause: error });
  }
  return new ShipError(`${what}: cannot be read (${message})`, { cause: error });
}
