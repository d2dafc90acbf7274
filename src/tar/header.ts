/**
 * Tar headers: the decoded form the converter works with, and the encoder that writes them back as USTAR blocks,
 * preceded by a PAX extended header when a field does not fit (long names, big sizes) or the input carried PAX
 * records (xattrs, sub-second times) that must survive. The decoder lives in reader.ts.
 */

export const BLOCK = 512;

/** Entry kinds after normalization ('\0' and '7' read as regular files, '\0' with a trailing slash as a dir). */
export type EntryType = '0' | '1' | '2' | '3' | '4' | '5' | '6';

export interface TarHeader {
  /** The path exactly as the archive spells it (PAX `path` or a GNU long name win over the header field). */
  name: string;
  linkName: string;
  type: EntryType;
  /** The mode field verbatim (may include file-type bits, as Docker writes them). */
  mode: number;
  uid: number;
  gid: number;
  /** Payload length; 0 for every type but regular files. */
  size: number;
  /** Seconds since the epoch, possibly fractional (from PAX). */
  mtime: number;
  uname: string;
  gname: string;
  devMajor: number;
  devMinor: number;
  /** PAX `SCHILY.xattr.*` values by attribute name, in archive order. */
  xattrs: Map<string, Buffer>;
  /** PAX records to carry over unchanged (everything but path/linkpath/size, which are re-derived). */
  pax: Array<[string, Buffer]>;
}

export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

const MAX_OCTAL_11 = 0o77777777777;
const MAX_OCTAL_7 = 0o7777777;

/** The blocks that precede an entry's payload: an optional PAX header (+ its data) and the USTAR header. */
export function encodeHeader(h: TarHeader): Buffer {
  const records: Array<[string, Buffer]> = [];
  const nameBytes = Buffer.from(h.name, 'utf8');
  const split = splitUstarName(nameBytes);
  if (!split) records.push(['path', nameBytes]);
  const linkBytes = Buffer.from(h.linkName, 'utf8');
  if (linkBytes.length > 100) records.push(['linkpath', linkBytes]);
  if (h.size > MAX_OCTAL_11) records.push(['size', Buffer.from(String(h.size))]);
  const carried = h.pax.filter(([key]) => key !== 'path' && key !== 'linkpath' && key !== 'size');
  const needsId = (value: number, key: string) => value > MAX_OCTAL_7 && !carried.some(([k]) => k === key);
  if (needsId(h.uid, 'uid')) records.push(['uid', Buffer.from(String(h.uid))]);
  if (needsId(h.gid, 'gid')) records.push(['gid', Buffer.from(String(h.gid))]);
  if (Buffer.byteLength(h.uname) > 32 && !carried.some(([k]) => k === 'uname')) records.push(['uname', Buffer.from(h.uname)]);
  if (Buffer.byteLength(h.gname) > 32 && !carried.some(([k]) => k === 'gname')) records.push(['gname', Buffer.from(h.gname)]);
  records.push(...carried);

  const ustar = ustarBlock({
    name: split ? split.name : truncateBytes(nameBytes, 100),
    prefix: split ? split.prefix : Buffer.alloc(0),
    mode: h.mode,
    uid: Math.min(h.uid, MAX_OCTAL_7),
    gid: Math.min(h.gid, MAX_OCTAL_7),
    size: Math.min(h.size, MAX_OCTAL_11),
    mtime: Math.min(Math.max(Math.floor(h.mtime), 0), MAX_OCTAL_11),
    typeflag: h.type,
    linkName: truncateBytes(linkBytes, 100),
    uname: truncateBytes(Buffer.from(h.uname), 32),
    gname: truncateBytes(Buffer.from(h.gname), 32),
    devMajor: Math.min(h.devMajor, MAX_OCTAL_7),
    devMinor: Math.min(h.devMinor, MAX_OCTAL_7),
  });
  if (records.length === 0) return ustar;
  const data = encodePaxRecords(records);
  const paxHeader = ustarBlock({
    name: truncateBytes(Buffer.from(`PaxHeaders/${h.name}`), 100),
    prefix: Buffer.alloc(0),
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: data.length,
    mtime: 0,
    typeflag: 'x',
    linkName: Buffer.alloc(0),
    uname: Buffer.alloc(0),
    gname: Buffer.alloc(0),
    devMajor: 0,
    devMinor: 0,
  });
  return Buffer.concat([paxHeader, data, Buffer.alloc(padding(data.length)), ustar]);
}

/** A header with no owner, time, link, device or extended attributes: what the writers here add of their own. */
export function plainHeader(name: string, type: EntryType, mode: number, size: number): TarHeader {
  return { name, linkName: '', type, mode, uid: 0, gid: 0, size, mtime: 0, uname: '', gname: '', devMajor: 0, devMinor: 0, xattrs: new Map(), pax: [] };
}

/** A plain regular-file header with zero mode, owner and time, as the reference tools write landmarks and the TOC. */
export function bareFileHeader(name: string, size: number): Buffer {
  return encodeHeader(plainHeader(name, '0', 0, size));
}

/** `len key=value\n` records; the length counts its own digits, hence the small fixed-point loop. */
function encodePaxRecords(records: ReadonlyArray<readonly [string, Buffer]>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const body = Buffer.byteLength(key) + value.length + 3; // ' ' '=' '\n'
    let length = body + String(body).length;
    if (String(length).length !== String(body).length) length = body + String(length).length;
    parts.push(Buffer.from(`${length} ${key}=`), value, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

interface UstarFields {
  name: Buffer;
  prefix: Buffer;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkName: Buffer;
  uname: Buffer;
  gname: Buffer;
  devMajor: number;
  devMinor: number;
}

function ustarBlock(f: UstarFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  f.name.copy(b, 0);
  octal(b, 100, 8, f.mode);
  octal(b, 108, 8, f.uid);
  octal(b, 116, 8, f.gid);
  octal(b, 124, 12, f.size);
  octal(b, 136, 12, f.mtime);
  b.write(f.typeflag, 156, 'latin1');
  f.linkName.copy(b, 157);
  b.write('ustar\x0000', 257, 'latin1');
  f.uname.copy(b, 265);
  f.gname.copy(b, 297);
  octal(b, 329, 8, f.devMajor);
  octal(b, 337, 8, f.devMinor);
  f.prefix.copy(b, 345);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += b[i] as number;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

function octal(b: Buffer, at: number, width: number, value: number): void {
  b.write(
    `${Math.trunc(value)
      .toString(8)
      .padStart(width - 1, '0')}\0`,
    at,
    'latin1',
  );
}

/** USTAR's name+prefix split (prefix up to 155 bytes, name up to 100, cut at a slash), or undefined if impossible. */
function splitUstarName(name: Buffer): { name: Buffer; prefix: Buffer } | undefined {
  if (name.length <= 100) return { name, prefix: Buffer.alloc(0) };
  if (name.length > 256) return undefined;
  for (let i = Math.min(name.length - 1, 155); i > 0; i -= 1) {
    if (name[i] === 0x2f && name.length - i - 1 <= 100 && name.length - i - 1 > 0) return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
  }
  return undefined;
}

function truncateBytes(value: Buffer, max: number): Buffer {
  return value.length <= max ? value : value.subarray(0, max);
}
