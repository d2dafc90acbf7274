/**
 * Reading a blob as the sequence of gzip members it is made of, keeping each member's compressed offset: the
 * verifier needs to know where members start, which a plain gunzip stream hides. Members are inflated one at a time
 * from a sliding window over the file, so memory is bounded by the largest member; a member that can be large (the
 * TOC's, which grows with the number of files) is inflated as a stream instead (streamMember).
 */
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { BlobReader } from './blob-reader.js';

export interface GzipMember {
  /** Compressed offset of the member's first byte. */
  offset: number;
  /** Compressed offset just past its trailer. */
  end: number;
  data: Buffer;
}

export class GzipMemberError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** What is wrong: damaged data, a member the bytes end inside, or bytes after the member where it should end. */
    readonly kind: 'corrupt' | 'short' | 'trailing' = 'corrupt',
    /** For `trailing`: how many bytes follow the member. */
    readonly bytesAfter = 0,
  ) {
    super(`${message} (gzip member at byte ${offset})`);
  }
}

/** Length of the gzip header at `at`, or undefined when the bytes there are not a (complete) gzip header. */
function gzipHeaderLength(buf: Buffer, at: number): number | undefined {
  if (buf.length - at < 10 || buf[at] !== 0x1f || buf[at + 1] !== 0x8b || buf[at + 2] !== 0x08) return undefined;
  const flags = buf[at + 3] as number;
  let pos = at + 10;
  if (flags & 0x04) {
    if (buf.length - pos < 2) return undefined;
    pos += 2 + buf.readUInt16LE(pos);
  }
  for (const flag of [0x08, 0x10]) {
    if (flags & flag) {
      const nul = buf.indexOf(0, pos);
      if (nul === -1) return undefined;
      pos = nul + 1;
    }
  }
  if (flags & 0x02) pos += 2;
  return pos > buf.length ? undefined : pos - at;
}

/**
 * No member the converter writes inflates to more than a chunk or a TOC; a bigger one (a deflate bomb in a TOC read
 * from a registry) fails as corrupt instead of taking all memory.
 */
const MAX_MEMBER_BYTES = 512 * 1024 * 1024;

/** Inflates the member starting at `at` in `buf`; undefined when `buf` ends before the member does. */
function inflateMemberAt(buf: Buffer, at: number, baseOffset: number): { data: Buffer; length: number } | undefined {
  const header = gzipHeaderLength(buf, at);
  if (header === undefined) {
    const isMagic = buf[at] === 0x1f && buf[at + 1] === 0x8b && buf[at + 2] === 0x08;
    if (buf.length - at >= 3 && !isMagic) throw new GzipMemberError('not a gzip header', baseOffset + at);
    return undefined;
  }
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    inflated = zlib.inflateRawSync(buf.subarray(at + header), { info: true, maxOutputLength: MAX_MEMBER_BYTES }) as unknown as typeof inflated;
  } catch (error) {
    if ((error as { code?: string }).code === 'Z_BUF_ERROR') return undefined;
    throw new GzipMemberError(`corrupt deflate data: ${(error as Error).message}`, baseOffset + at);
  }
  const trailer = at + header + inflated.engine.bytesWritten;
  if (buf.length - trailer < 8) return undefined;
  if (buf.readUInt32LE(trailer) !== zlib.crc32(inflated.buffer)) throw new GzipMemberError('CRC32 mismatch', baseOffset + at);
  if (buf.readUInt32LE(trailer + 4) !== inflated.buffer.length % 2 ** 32) throw new GzipMemberError('length mismatch in the trailer', baseOffset + at);
  return { data: inflated.buffer, length: trailer + 8 - at };
}

/** Every member between `start` and `end` of the file, in order. */
export async function* walkMembers(path: string, start: number, end: number, maxMemberBytes = 96 << 20): AsyncGenerator<GzipMember> {
  const handle = await open(path, 'r');
  try {
    let windowStart = start;
    let window = Buffer.alloc(0);
    let pos = start;
    let want = 8 << 20;
    while (pos < end) {
      const at = pos - windowStart;
      const member = window.length > at ? inflateMemberAt(window, at, windowStart) : undefined;
      if (member) {
        yield { offset: pos, end: pos + member.length, data: member.data };
        pos += member.length;
        want = 8 << 20;
        continue;
      }
      // Not enough bytes in the window: refill it from `pos`, larger if the window already reached past the member.
      const available = end - pos;
      if (window.length - at >= available) throw new GzipMemberError('the blob ends inside a gzip member', pos);
      if (window.length - at >= want) want *= 2;
      if (want > maxMemberBytes) throw new GzipMemberError(`a gzip member is larger than ${maxMemberBytes} bytes`, pos);
      const length = Math.min(want, available);
      window = Buffer.alloc(length);
      const { bytesRead } = await handle.read(window, 0, length, pos);
      window = window.subarray(0, bytesRead);
      windowStart = pos;
      if (bytesRead < length) throw new GzipMemberError('the blob is shorter than expected', pos);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Inflates the one gzip member that spans exactly `start` to `end` of the blob, as a stream: it is read in pieces of
 * `pieceBytes` and inflated as they come, so memory stays bounded whatever the member inflates to. The header, the
 * trailer's CRC32 and length, and the member's end at `end` are checked; a GzipMemberError says what is wrong.
 */
export async function* streamMember(reader: BlobReader, start: number, end: number, pieceBytes = 4 << 20): AsyncGenerator<Buffer> {
  const length = end - start;
  // The first read holds the whole header (names and comments included) whatever the piece size.
  const first = await reader.read(start, Math.min(length, Math.max(pieceBytes, 1 << 16)));
  const header = gzipHeaderLength(first, 0);
  if (header === undefined) {
    const isMagic = first[0] === 0x1f && first[1] === 0x8b && first[2] === 0x08;
    if (first.length >= 3 && !isMagic) throw new GzipMemberError('not a gzip header', start);
    throw new GzipMemberError('the member is cut short', start, 'short');
  }
  if (length - header < 8) throw new GzipMemberError('the member is cut short', start, 'short');
  // The deflate data runs to the 8-byte trailer, which must end at `end`.
  const deflateLength = length - header - 8;
  const trailer = Buffer.alloc(8);
  async function* deflateData(): AsyncGenerator<Buffer> {
    let piece = first;
    for (let at = 0; ;) {
      if (piece.length === 0) throw new GzipMemberError('the blob ends inside the member', start, 'short');
      const from = Math.max(header as number, at);
      const to = Math.min(at + piece.length, (header as number) + deflateLength);
      if (to > from) yield piece.subarray(from - at, to - at);
      const trailerFrom = Math.max((header as number) + deflateLength, at);
      if (at + piece.length > trailerFrom) piece.copy(trailer, trailerFrom - ((header as number) + deflateLength), trailerFrom - at);
      at += piece.length;
      if (at >= length) return;
      piece = await reader.read(start + at, Math.min(length - at, pieceBytes));
    }
  }
  const source = Readable.from(deflateData(), { objectMode: false });
  const inflate = zlib.createInflateRaw({ chunkSize: 64 << 10 });
  source.on('error', (error) => inflate.destroy(error));
  source.pipe(inflate);
  let crc = 0;
  let inflated = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      crc = zlib.crc32(chunk, crc);
      inflated += chunk.length;
      yield chunk;
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'Z_BUF_ERROR') throw new GzipMemberError('the member is cut short', start, 'short');
    if (code?.startsWith('Z_')) throw new GzipMemberError(`corrupt deflate data: ${(error as Error).message}`, start);
    throw error;
  } finally {
    source.destroy();
    inflate.destroy();
  }
  const consumed = inflate.bytesWritten;
  if (consumed !== deflateLength) throw new GzipMemberError(`${deflateLength - consumed} bytes follow the member`, start, 'trailing', deflateLength - consumed);
  if (trailer.readUInt32LE(0) !== crc) throw new GzipMemberError('CRC32 mismatch', start);
  if (trailer.readUInt32LE(4) !== inflated % 2 ** 32) throw new GzipMemberError('length mismatch in the trailer', start);
}
