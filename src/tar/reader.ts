/**
 * A streaming tar reader: USTAR, PAX (local and global extended headers, `SCHILY.xattr.*`) and GNU (long names and
 * link names, base-256 numbers). It yields one entry at a time; the caller reads the entry's payload through
 * `body()` or leaves it, and it is skipped. Nothing but the current header and small extension records is held, and
 * every field is checked, so a broken archive ends in a ShipError that names the entry and the byte offset.
 * Errors never quote the bytes they found wrong: the input may be any file (a secret given where an archive was
 * expected), so they say which field and where. An entry is named only once its header's checksum holds.
 */
import { quoted, ShipError } from '../errors.js';
import { BLOCK, padding, type EntryType, type TarHeader } from './header.js';
import { ByteReader } from './byte-reader.js';

/** PAX and GNU long-name records larger than this are refused (Go's archive/tar uses the same bound). */
const MAX_EXTENSION_BYTES = 1 << 20;

export interface TarEntry {
  readonly header: TarHeader;
  /** Offset of the entry's first header block (extension headers included) in the uncompressed stream. */
  readonly headerOffset: number;
  /** Offset of the first payload byte. */
  readonly payloadOffset: number;
  /** The payload, in pieces; can be iterated once, before the next entry is asked for. */
  body(): AsyncIterable<Buffer>;
}

/** Said of the archive, whatever it is: a reader that knows what the tar was (a layer, an image archive) says more. */
const HINT = 'the file is not a valid tar archive, or was cut short';

export class TarFormatError extends ShipError {
  constructor(
    message: string,
    readonly entry: string | undefined,
    readonly offset: number,
  ) {
    super(`${entry === undefined ? '' : `tar entry ${quoted(entry)}: `}${message} (at byte ${offset} of the tar stream)`, { hint: HINT });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** The records of a header without PAX records (most of them): never written to. */
const NO_RECORDS: ReadonlyMap<string, Buffer> = new Map();

/**
 * Reads tar entries from uncompressed bytes. The source is closed when the archive ends (or the caller stops early),
 * so whatever follows the end-of-archive marker is not read.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const reader = ByteReader.from(source);
  try {
    yield* readEntries(reader);
  } finally {
    await reader.close();
  }
}

async function* readEntries(reader: ByteReader): AsyncGenerator<TarEntry> {
  const globalPax = new Map<string, Buffer>();
  for (;;) {
    const headerOffset = reader.position;
    const parsed = await readOneHeader(reader, globalPax);
    if (parsed === undefined) return;
    const { header } = parsed;
    const payloadOffset = reader.position;
    let consumed = false;
    let bodyRead = 0;
    const entry: TarEntry = {
      header,
      headerOffset,
      payloadOffset,
      body: () => {
        if (consumed) throw new Error('tar entry body read twice');
        consumed = true;
        return (async function* () {
          while (bodyRead < header.size) {
            const piece = await reader.readSome(Math.min(header.size - bodyRead, 1 << 20));
            if (piece.length === 0) throw new TarFormatError(`the payload is cut short: ${bodyRead} of ${header.size} bytes`, header.name, reader.position);
            bodyRead += piece.length;
            yield piece;
          }
        })();
      },
    };
    yield entry;
    const rest = header.size - bodyRead + padding(header.size);
    const skipped = await reader.skip(rest);
    if (skipped < header.size - bodyRead)
      throw new TarFormatError(`the payload is cut short: ${bodyRead + skipped} of ${header.size} bytes`, header.name, reader.position);
    // A missing final padding after the last payload is tolerated only at the very end (some writers omit it).
  }
}

interface Parsed {
  header: TarHeader;
}

/** Reads extension headers and the entry header they apply to; undefined at the end of the archive. */
async function readOneHeader(reader: ByteReader, globalPax: Map<string, Buffer>): Promise<Parsed | undefined> {
  let localPax: Array<[string, Buffer]> | undefined;
  let gnuLongName: string | undefined;
  let gnuLongLink: string | undefined;
  for (;;) {
    const at = reader.position;
    const block = await reader.read(BLOCK);
    if (block.length === 0) {
      if (localPax || gnuLongName !== undefined || gnuLongLink !== undefined)
        throw new TarFormatError('the archive ends after an extension header, without its entry', undefined, at);
      return undefined; // no end-of-archive marker: accepted, as GNU tar does
    }
    if (block.length < BLOCK) throw new TarFormatError(`the archive ends inside a header (${block.length} of 512 bytes)`, undefined, at);
    if (isZeroBlock(block)) {
      // End of archive: the second zero block is optional in practice; whatever follows is ignored.
      if (localPax || gnuLongName !== undefined || gnuLongLink !== undefined)
        throw new TarFormatError('an extension header is followed by the end of the archive', undefined, at);
      return undefined;
    }
    checkChecksum(block, at);
    const rawName = cString(block, 0, 100);
    const typeflag = String.fromCharCode(block[156] as number);
    const size = number(block, 124, 12, 'size', rawName.toString('utf8'), at);
    const magic = block.toString('latin1', 257, 263);
    const isGnu = magic === 'ustar ';

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > MAX_EXTENSION_BYTES)
        throw new TarFormatError(`its ${typeflag} extension header is ${size} bytes, more than the ${MAX_EXTENSION_BYTES} allowed`, decode(rawName, at), at);
      const data = await reader.read(size);
      if (data.length < size) throw new TarFormatError(`the archive ends inside a ${typeflag} extension header`, decode(rawName, at), at);
      await reader.skip(padding(size));
      if (typeflag === 'x') localPax = [...(localPax ?? []), ...parsePax(data, at)];
      else if (typeflag === 'g') for (const [key, value] of parsePax(data, at)) globalPax.set(key, value);
      else {
        const text = decode(trimNul(data), at);
        if (typeflag === 'L') gnuLongName = text;
        else gnuLongLink = text;
      }
      continue;
    }

    const prefix = !isGnu && magic.startsWith('ustar') ? cString(block, 345, 155) : Buffer.alloc(0);
    let records = NO_RECORDS;
    if (globalPax.size > 0 || localPax) {
      const merged = new Map<string, Buffer>(globalPax);
      for (const [key, value] of localPax ?? []) merged.set(key, value);
      records = merged;
    }
    const paxText = (key: string) => {
      const v = records.get(key);
      return v === undefined ? undefined : decode(v, at);
    };
    const name = paxText('path') ?? gnuLongName ?? decode(prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), rawName]) : rawName, at);
    const linkName = paxText('linkpath') ?? gnuLongLink ?? decode(cString(block, 157, 100), at);
    if (name === '') throw new TarFormatError('an entry has an empty name', undefined, at);
    if (name.includes('\0')) throw new TarFormatError('the name holds a NUL byte', name, at);
    const paxNumber = (key: string, fallback: number, fractional = false) => {
      const text = paxText(key);
      if (text === undefined) return fallback;
      const value = fractional ? Number(text) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isFinite(value) || (!fractional && (value < 0 || !Number.isSafeInteger(value))))
        throw new TarFormatError(`PAX record ${key} is not a valid number`, name, at);
      return value;
    };
    let type: EntryType;
    switch (typeflag) {
      case '0':
      case '7':
        type = '0';
        break;
      case '\0':
        type = name.endsWith('/') ? '5' : '0';
        break;
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
        type = typeflag;
        break;
      default:
        throw new TarFormatError(
          `unsupported entry type ${/^[\x21-\x7e]$/.test(typeflag) ? `"${typeflag}"` : `byte ${typeflag.charCodeAt(0)}`}${typeflag === 'S' ? ' (GNU sparse file)' : ''}`,
          name,
          at,
        );
    }
    if (records.size > 0 && [...records.keys()].some((k) => k.startsWith('GNU.sparse.')))
      throw new TarFormatError('PAX sparse files are not supported', name, at);
    const realSize = paxNumber('size', size);
    const header: TarHeader = {
      name,
      linkName,
      type,
      mode: number(block, 100, 8, 'mode', name, at),
      uid: paxNumber('uid', number(block, 108, 8, 'uid', name, at)),
      gid: paxNumber('gid', number(block, 116, 8, 'gid', name, at)),
      // Header-only types carry no payload whatever their size field says (as Go's archive/tar reads them).
      size: type === '0' ? realSize : 0,
      mtime: paxNumber('mtime', number(block, 136, 12, 'mtime', name, at), true),
      uname: paxText('uname') ?? decode(cString(block, 265, 32), at),
      gname: paxText('gname') ?? decode(cString(block, 297, 32), at),
      devMajor: type === '3' || type === '4' ? number(block, 329, 8, 'devmajor', name, at) : 0,
      devMinor: type === '3' || type === '4' ? number(block, 337, 8, 'devminor', name, at) : 0,
      xattrs: new Map(),
      pax: [],
    };
    for (const [key, value] of records) {
      if (key.startsWith('SCHILY.xattr.')) header.xattrs.set(key.slice('SCHILY.xattr.'.length), value);
      if (key !== 'path' && key !== 'linkpath' && key !== 'size') header.pax.push([key, value]);
    }
    if (type !== '0' && realSize > 0) {
      // The payload of a header-only type is still in the stream; skip it so the next header is found.
      const skipped = await reader.skip(realSize + padding(realSize));
      if (skipped < realSize) throw new TarFormatError(`the archive ends inside the entry's data`, name, at);
    }
    return { header };
  }
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i += 1) if (block[i] !== 0) return false;
  return true;
}

/** Until the checksum holds, the block may be anything (not a tar at all): nothing of it goes into the message. */
function checkChecksum(block: Buffer, at: number): void {
  const field = cString(block, 148, 8).toString('latin1').trim();
  if (!/^[0-7]+$/.test(field)) throw new TarFormatError('not a tar header: its checksum field is not an octal number', undefined, at);
  const stored = parseInt(field, 8);
  // The sum with the checksum field counted as spaces; the signed sum (of old writers) only when that one fails.
  let unsigned = 8 * 0x20;
  for (let i = 0; i < 148; i += 1) unsigned += block[i] as number;
  for (let i = 156; i < BLOCK; i += 1) unsigned += block[i] as number;
  if (stored === unsigned) return;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i += 1) {
    if (i >= 148 && i < 156) continue;
    const byte = block[i] as number;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== signed) throw new TarFormatError('bad header checksum: a damaged tar header, or not a tar at all', undefined, at);
}

/** A numeric field: octal text (NUL/space padded) or GNU base-256 when the top bit of the first byte is set. */
function number(block: Buffer, at: number, width: number, what: string, entry: string, offset: number): number {
  const first = block[at] as number;
  if (first & 0x80) {
    if (first === 0xff) throw new TarFormatError(`the ${what} field is negative`, entry, offset);
    let value = first & 0x7f;
    for (let i = 1; i < width; i += 1) {
      value = value * 256 + (block[at + i] as number);
      if (!Number.isSafeInteger(value)) throw new TarFormatError(`the ${what} field is too large`, entry, offset);
    }
    return value;
  }
  // Octal digits, up to the first NUL, with spaces around them (parsed by hand: this runs for every field of every header).
  let end = at;
  while (end < at + width && block[end] !== 0) end += 1;
  let start = at;
  while (start < end && isBlank(block[start] as number)) start += 1;
  while (end > start && isBlank(block[end - 1] as number)) end -= 1;
  let value = 0;
  for (let i = start; i < end; i += 1) {
    const digit = (block[i] as number) - 0x30;
    // The field is not quoted: it is content read from a file.
    if (digit < 0 || digit > 7) throw new TarFormatError(`the ${what} field is not an octal number`, entry, offset);
    value = value * 8 + digit;
  }
  return value;
}

/** The characters String.prototype.trim removes, among Latin-1 bytes. */
function isBlank(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d) || byte === 0xa0;
}

function cString(block: Buffer, at: number, width: number): Buffer {
  const field = block.subarray(at, at + width);
  const nul = field.indexOf(0);
  return nul === -1 ? field : field.subarray(0, nul);
}

function trimNul(data: Buffer): Buffer {
  const nul = data.indexOf(0);
  return nul === -1 ? data : data.subarray(0, nul);
}

/**
 * Names must be UTF-8: a name read any other way would be written back (into an eStargz TOC, which is JSON, or onto
 * a file system) under a different name than the archive gave it.
 */
function decode(bytes: Buffer, at: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new TarFormatError('a name is not valid UTF-8', undefined, at);
  }
}

/** `len key=value\n` records, each checked against its declared length. */
function parsePax(data: Buffer, at: number): Array<[string, Buffer]> {
  const records: Array<[string, Buffer]> = [];
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // NUL padding after the last record
    const space = data.indexOf(0x20, pos);
    if (space === -1 || space - pos > 20) throw new TarFormatError('a PAX record has no length', undefined, at);
    const lengthText = data.toString('latin1', pos, space);
    if (!/^[1-9]\d*$/.test(lengthText)) throw new TarFormatError('a PAX record length is not a number', undefined, at);
    const length = Number(lengthText);
    const end = pos + length;
    if (end > data.length || length < lengthText.length + 4) throw new TarFormatError('a PAX record length runs past the header', undefined, at);
    if (data[end - 1] !== 0x0a) throw new TarFormatError('a PAX record does not end with a newline', undefined, at);
    const eq = data.indexOf(0x3d, space + 1);
    if (eq === -1 || eq >= end - 1 || eq === space + 1) throw new TarFormatError('a PAX record has no key=value', undefined, at);
    records.push([data.toString('utf8', space + 1, eq), Buffer.from(data.subarray(eq + 1, end - 1))]);
    pos = end;
  }
  return records;
}
