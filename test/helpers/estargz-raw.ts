/**
 * A reader of eStargz blobs for the conformance table, written from the format's description (RFC 1952 gzip
 * members, the 51-byte footer, the TOC member, tar) and sharing no code with src/: a converter cannot pass by being
 * wrong in the same way as the reader that checks it. It is strict where the format is exact (footer bytes, member
 * trailers, the TOC member's layout) and only as lenient as tar is (ustar prefix, PAX and GNU long names).
 */
import { createHash } from 'node:crypto';
import { crc32, inflateRawSync } from 'node:zlib';

export const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export const FOOTER_BYTES = 51;
const TOC_NAME = 'stargz.index.json';

export interface Member {
  /** Compressed offset of the member's first byte (its gzip header). */
  offset: number;
  /** Compressed length, header and trailer included. */
  length: number;
  /** Where the member's data starts in the whole decompressed stream. */
  start: number;
  data: Buffer;
  /** The gzip header's Extra field (empty when FEXTRA is not set). */
  extra: Buffer;
}

/** Splits a blob into its gzip members, checking each header, CRC32 and ISIZE; throws saying where it broke. */
export function gzipMembers(blob: Buffer): Member[] {
  const members: Member[] = [];
  let pos = 0;
  let start = 0;
  while (pos < blob.length) {
    const at = pos;
    if (blob.length - pos < 18) throw new Error(`member at ${at}: only ${blob.length - pos} bytes left`);
    if (blob[pos] !== 0x1f || blob[pos + 1] !== 0x8b || blob[pos + 2] !== 8) throw new Error(`member at ${at}: no gzip/deflate header`);
    const flags = blob[pos + 3] as number;
    pos += 10;
    let extra: Buffer = Buffer.alloc(0);
    if (flags & 4) {
      const xlen = blob.readUInt16LE(pos);
      extra = blob.subarray(pos + 2, pos + 2 + xlen);
      pos += 2 + xlen;
    }
    if (flags & 8) pos = blob.indexOf(0, pos) + 1;
    if (flags & 16) pos = blob.indexOf(0, pos) + 1;
    if (flags & 2) pos += 2;
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      inflated = inflateRawSync(blob.subarray(pos), { info: true }) as unknown as typeof inflated;
    } catch (error) {
      throw new Error(`member at ${at}: ${(error as Error).message}`, { cause: error });
    }
    pos += inflated.engine.bytesWritten;
    if (pos + 8 > blob.length) throw new Error(`member at ${at}: no trailer`);
    const data = inflated.buffer;
    if (blob.readUInt32LE(pos) !== crc32(data)) throw new Error(`member at ${at}: CRC32 does not match its data`);
    if (blob.readUInt32LE(pos + 4) !== data.length % 2 ** 32) throw new Error(`member at ${at}: ISIZE does not match its data`);
    pos += 8;
    members.push({ offset: at, length: pos - at, start, data, extra });
    start += data.length;
  }
  return members;
}

/**
 * The TOC offset of the 51-byte eStargz footer, checked byte for byte against the layout the reference writer
 * produces (estargz `gzipFooterBytes`): a stored, empty gzip member whose Extra field is the `SG` subfield holding
 * `%016x` of the offset and `STARGZ`. Throws naming the first byte that differs.
 */
export function footerOffset(blob: Buffer): number {
  if (blob.length < FOOTER_BYTES) throw new Error(`the blob is ${blob.length} bytes, shorter than a footer`);
  const f = blob.subarray(blob.length - FOOTER_BYTES);
  const fixed: Array<[number, number[]]> = [
    [0, [0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0x00, 0xff, 0x1a, 0x00, 0x53, 0x47, 0x16, 0x00]],
    [32, [...Buffer.from('STARGZ', 'latin1')]],
    [38, [0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]],
  ];
  for (const [offset, bytes] of fixed) {
    bytes.forEach((byte, i) => {
      if (f[offset + i] !== byte) throw new Error(`footer byte ${offset + i} is 0x${(f[offset + i] ?? 0).toString(16)}, not 0x${byte.toString(16)}`);
    });
  }
  const hex = f.toString('latin1', 16, 32);
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new Error(`footer offset ${JSON.stringify(hex)} is not 16 lowercase hex digits`);
  return Number.parseInt(hex, 16);
}

export interface TocMember {
  /** The TOC JSON exactly as stored. */
  json: Buffer;
  toc: { version: number; entries: TocEntry[] };
}

export interface TocEntry {
  name: string;
  type: string;
  size?: number;
  modtime?: string;
  linkName?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  userName?: string;
  groupName?: string;
  offset?: number;
  innerOffset?: number;
  devMajor?: number;
  devMinor?: number;
  xattrs?: Record<string, string>;
  digest?: string;
  chunkOffset?: number;
  chunkSize?: number;
  chunkDigest?: string;
}

/**
 * The TOC member's decompressed bytes, checked for the layout readers rely on: a ustar header named
 * stargz.index.json whose size is the JSON's, the JSON, zero padding to 512 and the 1024-byte end of archive.
 */
export function readTocMember(data: Buffer): TocMember {
  const header = parseHeader(data, 0);
  if (!header) throw new Error('the TOC member starts with a zero block');
  if (header.name !== TOC_NAME) throw new Error(`the TOC member starts with ${JSON.stringify(header.name)}`);
  if (header.type !== '0') throw new Error(`the TOC entry has type ${JSON.stringify(header.type)}`);
  const expected = 512 + roundUp(header.size) + 1024;
  if (data.length !== expected) throw new Error(`the TOC member is ${data.length} bytes, not header + JSON + padding + end of archive (${expected})`);
  if (data.subarray(512 + header.size).some((b) => b !== 0)) throw new Error('the TOC member has non-zero bytes after the JSON');
  const json = data.subarray(512, 512 + header.size);
  return { json, toc: JSON.parse(json.toString('utf8')) as TocMember['toc'] };
}

export interface TarRecord {
  name: string;
  linkName: string;
  type: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  devMajor: number;
  devMinor: number;
  /** SCHILY.xattr.* records, values as raw bytes. */
  xattrs: Map<string, Buffer>;
  /** Where the entry's first block (a PAX or GNU extension header, else its own header) starts. */
  firstBlock: number;
  /** Where its payload starts in the stream. */
  dataOffset: number;
  data: Buffer;
}

/** Every entry of an uncompressed tar stream up to the end-of-archive blocks; `end` is where those start. */
export function walkTar(stream: Buffer): { entries: TarRecord[]; end: number } {
  const entries: TarRecord[] = [];
  let pos = 0;
  let pax = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let firstBlock = -1;
  while (pos + 512 <= stream.length) {
    const header = parseHeader(stream, pos);
    if (!header) return { entries, end: pos };
    if (firstBlock < 0) firstBlock = pos;
    const dataOffset = pos + 512;
    const size = pax.has('size') ? Number(pax.get('size')?.toString()) : header.size;
    const data = stream.subarray(dataOffset, dataOffset + size);
    if (data.length !== size) throw new Error(`tar entry at ${pos}: payload cut short`);
    pos = dataOffset + roundUp(size);
    if (header.type === 'x') {
      pax = parsePax(data);
      continue;
    }
    if (header.type === 'g') continue;
    if (header.type === 'L' || header.type === 'K') {
      const text = data.toString('utf8').replace(/\0+$/, '');
      if (header.type === 'L') longName = text;
      else longLink = text;
      continue;
    }
    const text = (key: string) => pax.get(key)?.toString('utf8');
    const xattrs = new Map<string, Buffer>();
    for (const [key, value] of pax) if (key.startsWith('SCHILY.xattr.')) xattrs.set(key.slice('SCHILY.xattr.'.length), value);
    entries.push({
      ...header,
      name: text('path') ?? longName ?? header.name,
      linkName: text('linkpath') ?? longLink ?? header.linkName,
      type: header.type === '\0' ? '0' : header.type,
      size,
      uid: pax.has('uid') ? Number(text('uid')) : header.uid,
      gid: pax.has('gid') ? Number(text('gid')) : header.gid,
      uname: text('uname') ?? header.uname,
      gname: text('gname') ?? header.gname,
      mtime: pax.has('mtime') ? Number(text('mtime')) : header.mtime,
      xattrs,
      firstBlock,
      dataOffset,
      data,
    });
    pax = new Map();
    longName = undefined;
    longLink = undefined;
    firstBlock = -1;
  }
  throw new Error('the tar stream has no end-of-archive block');
}

type Header = Omit<TarRecord, 'xattrs' | 'firstBlock' | 'dataOffset' | 'data'>;

function parseHeader(stream: Buffer, pos: number): Header | undefined {
  const block = stream.subarray(pos, pos + 512);
  if (block.length < 512) throw new Error(`tar header at ${pos} cut short`);
  if (block.every((b) => b === 0)) return undefined;
  let sum = 0;
  for (let i = 0; i < 512; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  if (sum !== number(block, 148, 8)) throw new Error(`tar header at ${pos}: bad checksum`);
  const str = (start: number, length: number) => {
    const field = block.subarray(start, start + length);
    const nul = field.indexOf(0);
    return field.subarray(0, nul === -1 ? length : nul).toString('utf8');
  };
  const ustar = block.toString('latin1', 257, 262) === 'ustar';
  const gnu = block.toString('latin1', 257, 265) === 'ustar  \0';
  const prefix = ustar && !gnu ? str(345, 155) : '';
  return {
    name: prefix ? `${prefix}/${str(0, 100)}` : str(0, 100),
    linkName: str(157, 100),
    type: String.fromCharCode(block[156] as number),
    size: number(block, 124, 12),
    mode: number(block, 100, 8),
    uid: number(block, 108, 8),
    gid: number(block, 116, 8),
    uname: str(265, 32),
    gname: str(297, 32),
    mtime: number(block, 136, 12),
    devMajor: number(block, 329, 8),
    devMinor: number(block, 337, 8),
  };
}

/** An octal field (NUL or space terminated), or base-256 when the high bit of its first byte is set. */
function number(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0] as number) & 0x80) {
    let value = (field[0] as number) & 0x7f;
    for (let i = 1; i < length; i += 1) value = value * 256 + (field[i] as number);
    return value;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ].*$/s, '')
    .trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function parsePax(data: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const length = Number(data.toString('latin1', pos, space));
    if (!Number.isInteger(length) || length <= 0) throw new Error('malformed PAX record');
    const record = data.subarray(space + 1, pos + length - 1);
    const eq = record.indexOf(0x3d);
    records.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    pos += length;
  }
  return records;
}

function roundUp(size: number): number {
  return Math.ceil(size / 512) * 512;
}
