/**
 * Reading a blob as the sequence of gzip members it is made of, keeping each member's compressed offset: the
 * verifier needs to know where members start, which a plain gunzip stream hides. Members are inflated one at a time
 * from a sliding window over the file, so memory is bounded by the largest member.
 */
import { open } from 'node:fs/promises';
import * as zlib from 'node:zlib';

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
  ) {
    super(`${message} (gzip member at byte ${offset})`);
  }
}

/** Length of the gzip header at `at`, or undefined when the bytes there are not a (complete) gzip header. */
export function gzipHeaderLength(buf: Buffer, at: number): number | undefined {
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
export function inflateMemberAt(buf: Buffer, at: number, baseOffset: number): { data: Buffer; length: number } | undefined {
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
