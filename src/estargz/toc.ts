/**
 * The TOC (`stargz.index.json`): one entry per tar entry and per extra chunk, in stream order, with the field names
 * and omit-if-zero rules of the Go reference (estargz `TOCEntry`), serialised with tab indentation and no trailing
 * newline. Its sha256 is the layer's `containerd.io/snapshot/stargz/toc.digest`.
 */
import { z } from 'zod';
import type { EntryType, TarHeader } from '../tar/index.js';
import { SpillStore } from './spill-store.js';

export const TOC_NAME = 'stargz.index.json';
export const PREFETCH_LANDMARK = '.prefetch.landmark';
export const NO_PREFETCH_LANDMARK = '.no.prefetch.landmark';
/** A landmark's whole content: one byte. */
export const LANDMARK_CONTENT = Buffer.from([0x0f]);
/** The size eStargz files are cut into by default (the reference converter's). */
export const DEFAULT_ESTARGZ_CHUNK_SIZE = 4 << 20;

export type TocType = 'dir' | 'reg' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'chunk';

export interface TocEntry {
  name: string;
  type: TocType;
  size?: number;
  modtime?: string;
  linkName?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  userName?: string;
  groupName?: string;
  offset?: number;
  devMajor?: number;
  devMinor?: number;
  xattrs?: Record<string, string>;
  digest?: string;
  chunkOffset?: number;
  chunkSize?: number;
  chunkDigest?: string;
}

export const TOC_TYPES: Record<EntryType, TocType> = { '0': 'reg', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo' };

/**
 * Builds entries field by field in the Go struct's order, leaving out zero values, so the JSON has the reference
 * layout. User and group names appear only on the first entry naming a given id (as the reference writer does).
 *
 * A finished entry is serialised at once, with the number of its `offset` cut out (compressed offsets are known only
 * at the end), into a store that keeps one MiB in memory and spills the rest to a temporary file (spill-store.ts): a
 * layer of many thousands of files would otherwise keep as many objects alive for the whole conversion. `close()`
 * removes the file.
 */
export class TocBuilder {
  private readonly store: SpillStore;
  /** Entries added but not yet sealed, with their member (-1 when they have no payload). */
  private readonly open = new Map<TocEntry, number>();
  private readonly userNames = new Map<number, string>();
  private readonly groupNames = new Map<number, string>();
  private sealed = 0;
  /** Entries added so far. */
  count = 0;

  /** `tempDir`: where the spill file goes; default the system's temporary directory. */
  constructor(options: { readonly tempDir?: string | undefined } = {}) {
    this.store = new SpillStore(options.tempDir, 'the TOC');
  }

  /** The entry of a tar header; digests and chunk fields are set by the caller as the payload is written. */
  add(h: TarHeader): TocEntry {
    const e: TocEntry = { name: h.name, type: TOC_TYPES[h.type] };
    if (h.size > 0) e.size = h.size;
    const modtime = formatModtime(h.mtime);
    if (modtime) e.modtime = modtime;
    if (h.linkName && (h.type === '1' || h.type === '2')) e.linkName = h.linkName;
    if (h.mode) e.mode = h.mode;
    if (h.uid) e.uid = h.uid;
    if (h.gid) e.gid = h.gid;
    const userName = nameIfChanged(this.userNames, h.uid, h.uname);
    if (userName) e.userName = userName;
    const groupName = nameIfChanged(this.groupNames, h.gid, h.gname);
    if (groupName) e.groupName = groupName;
    if (h.type === '0' && h.size > 0) e.offset = 0; // placeholder keeps the key's position; filled in at the end
    if (h.devMajor) e.devMajor = h.devMajor;
    if (h.devMinor) e.devMinor = h.devMinor;
    if (h.xattrs.size > 0) e.xattrs = Object.fromEntries([...h.xattrs].map(([k, v]) => [k, v.toString('base64')]));
    this.open.set(e, -1);
    this.count += 1;
    return e;
  }

  /** A `chunk` entry for the 2nd, 3rd, ... chunk of a file. */
  addChunk(name: string, chunkOffset: number): TocEntry {
    const e: TocEntry = { name, type: 'chunk', offset: 0, chunkOffset };
    this.open.set(e, -1);
    this.count += 1;
    return e;
  }

  /** Says that `entry`'s payload starts gzip member `member`: its `offset` is that member's compressed offset. */
  place(entry: TocEntry, member: number): void {
    if (this.open.get(entry) !== -1 || entry.offset === undefined) throw new Error(`TOC entry ${JSON.stringify(entry.name)} cannot be placed`);
    this.open.set(entry, member);
  }

  /**
   * Serialises the entries added so far, which must be complete but for their offsets. Each is stored as a 12-byte
   * frame (bytes before the offset, bytes after it, member or -1) and its text, indented for its place in the TOC.
   */
  seal(): void {
    for (const [entry, member] of this.open) {
      const text = `\t\t${JSON.stringify(entry, null, '\t').replaceAll('\n', '\n\t\t')}`;
      let before = Buffer.from(text);
      let after = EMPTY;
      if (member >= 0) {
        // "offset" is never the last key, and a JSON string holds no raw newline: the placeholder is found exactly.
        const at = text.indexOf(OFFSET_PLACEHOLDER);
        if (at < 0) throw new Error(`TOC entry ${JSON.stringify(entry.name)} has no offset placeholder`);
        before = Buffer.from(text.slice(0, at + OFFSET_PLACEHOLDER.length - 1));
        after = Buffer.from(text.slice(at + OFFSET_PLACEHOLDER.length));
      }
      const frame = Buffer.alloc(12);
      frame.writeUInt32LE(before.length, 0);
      frame.writeUInt32LE(after.length, 4);
      frame.writeInt32LE(member, 8);
      this.store.write(frame);
      this.store.write(before);
      this.store.write(after);
      this.sealed += 1;
    }
    this.open.clear();
  }

  /**
   * The TOC JSON in pieces of about `pieceBytes`, byte for byte `JSON.stringify({ version: 1, entries }, null, '\t')`
   * (each entry indented two levels deeper), with every offset filled in from `memberOffset`. Seals what is open.
   */
  *serialize(memberOffset: (member: number) => number, pieceBytes = 1 << 16): Generator<Buffer> {
    this.seal();
    if (this.sealed === 0) {
      yield Buffer.from('{\n\t"version": 1,\n\t"entries": []\n}');
      return;
    }
    const out = new PieceWriter(pieceBytes);
    out.write(Buffer.from('{\n\t"version": 1,\n\t"entries": [\n'));
    const bytes = new ExactReader(this.store.read());
    for (let i = 0; i < this.sealed; i += 1) {
      const frame = bytes.take(12);
      const beforeLength = frame.readUInt32LE(0);
      const afterLength = frame.readUInt32LE(4);
      const member = frame.readInt32LE(8);
      out.write(bytes.take(beforeLength));
      if (member >= 0) out.write(Buffer.from(String(memberOffset(member))));
      out.write(bytes.take(afterLength));
      out.write(i === this.sealed - 1 ? NEWLINE : COMMA_NEWLINE);
      if (out.full) yield out.piece();
    }
    out.write(Buffer.from('\t]\n}'));
    yield out.piece();
  }

  /** The byte length of the serialised TOC. */
  serializedLength(memberOffset: (member: number) => number): number {
    let length = 0;
    for (const piece of this.serialize(memberOffset)) length += piece.length;
    return length;
  }

  /** Removes the spill file, if there is one. */
  close(): void {
    this.store.close();
  }
}

const OFFSET_PLACEHOLDER = '\n\t\t\t"offset": 0';
const SLASH = 0x2f;
const DOT = 0x2e;
const EMPTY = Buffer.alloc(0);
const NEWLINE = Buffer.from('\n');
const COMMA_NEWLINE = Buffer.from(',\n');
/** Exact byte counts out of a sequence of pieces that may be reused; what `take` returns is valid until its next call. */
class ExactReader {
  private piece: Buffer = EMPTY;
  private at = 0;

  constructor(private readonly pieces: Iterator<Buffer>) {}

  take(n: number): Buffer {
    if (this.piece.length - this.at >= n) {
      this.at += n;
      return this.piece.subarray(this.at - n, this.at);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (;;) {
      const copied = this.piece.copy(out, filled, this.at, Math.min(this.piece.length, this.at + n - filled));
      filled += copied;
      this.at += copied;
      if (filled === n) return out;
      const next = this.pieces.next();
      if (next.done) throw new Error('the TOC store ends early');
      this.piece = next.value;
      this.at = 0;
    }
  }
}

/** Gathers bytes (copying them) into pieces of about `size` bytes. */
class PieceWriter {
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly size: number) {
    this.buffer = Buffer.allocUnsafe(size * 2);
  }

  get full(): boolean {
    return this.used >= this.size;
  }

  write(bytes: Buffer): void {
    if (this.used + bytes.length > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes.length));
      this.buffer.copy(larger, 0, 0, this.used);
      this.buffer = larger;
    }
    this.used += bytes.copy(this.buffer, this.used);
  }

  piece(): Buffer {
    const piece = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.size * 2);
    this.used = 0;
    return piece;
  }
}

function nameIfChanged(seen: Map<number, string>, id: number, name: string): string {
  if (name === '' || seen.get(id) === name) return '';
  seen.set(id, name);
  return name;
}

/** UTC RFC 3339 rounded to the second; empty for the epoch (Go: `t.Unix() == 0` means unset). */
export function formatModtime(seconds: number): string {
  // Most entries of a layer share a time: the last one formatted is remembered.
  if (seconds === lastModtime.seconds) return lastModtime.text;
  const text = formatModtimeNow(seconds);
  lastModtime = { seconds, text };
  return text;
}

let lastModtime = { seconds: Number.NaN, text: '' };

function formatModtimeNow(seconds: number): string {
  if (!Number.isFinite(seconds) || Math.floor(seconds) === 0) return '';
  const rounded = seconds < 0 ? -Math.round(-seconds) : Math.round(seconds);
  const date = new Date(rounded * 1000);
  if (Number.isNaN(date.getTime())) return '';
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whether the converter writes the entry at this cleaned path itself (the root is none of a layer's entries either). */
export function isConverterEntry(path: string): boolean {
  return path === '' || path === TOC_NAME || path === PREFETCH_LANDMARK || path === NO_PREFETCH_LANDMARK;
}

/** Normalizes a path the way TOC readers do: `path.Clean("/" + name)` without the leading slash. */
export function cleanPath(name: string): string {
  // Most names are clean already, or a directory's with one slash at the end: those need no splitting.
  const body = name.charCodeAt(name.length - 1) === SLASH ? name.slice(0, -1) : name;
  if (
    body !== '' &&
    body.charCodeAt(0) !== SLASH &&
    body.charCodeAt(0) !== DOT &&
    body.charCodeAt(body.length - 1) !== SLASH &&
    !body.includes('//') &&
    !body.includes('/.')
  )
    return body;
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

// --- reading a TOC back (verifier, pass-through) -------------------------------------------------------------------

const digestString = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'must be a sha256 digest');
const count = z.number().int().nonnegative();

export const TocEntrySchema = z.looseObject({
  name: z.string(),
  type: z.enum(['dir', 'reg', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'chunk']),
  size: count.optional(),
  modtime: z.string().optional(),
  linkName: z.string().optional(),
  mode: count.optional(),
  uid: count.optional(),
  gid: count.optional(),
  userName: z.string().optional(),
  groupName: z.string().optional(),
  offset: count.optional(),
  innerOffset: count.optional(),
  devMajor: count.optional(),
  devMinor: count.optional(),
  xattrs: z.record(z.string(), z.string()).optional(),
  digest: digestString.optional(),
  chunkOffset: count.optional(),
  chunkSize: count.optional(),
  chunkDigest: digestString.optional(),
});

const TOC_TYPE_NAMES: ReadonlySet<unknown> = new Set(['dir', 'reg', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'chunk']);
const COUNT_FIELDS = ['size', 'mode', 'uid', 'gid', 'offset', 'innerOffset', 'devMajor', 'devMinor', 'chunkOffset', 'chunkSize'] as const;
const TEXT_FIELDS = ['modtime', 'linkName', 'userName', 'groupName'] as const;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * TocEntrySchema's rules written out, for speed: a TOC can hold millions of entries. Never looser than the schema;
 * an entry this refuses is checked by the schema, which says what is wrong with it.
 */
export function isTocEntry(value: unknown): value is TocItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  if (typeof e.name !== 'string' || !TOC_TYPE_NAMES.has(e.type)) return false;
  for (const key of COUNT_FIELDS) {
    const v = e[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) return false;
  }
  for (const key of TEXT_FIELDS) if (e[key] !== undefined && typeof e[key] !== 'string') return false;
  for (const key of ['digest', 'chunkDigest'] as const) if (e[key] !== undefined && !(typeof e[key] === 'string' && DIGEST.test(e[key]))) return false;
  const xattrs = e.xattrs;
  if (xattrs !== undefined) {
    if (typeof xattrs !== 'object' || xattrs === null || Array.isArray(xattrs)) return false;
    for (const v of Object.values(xattrs)) if (typeof v !== 'string') return false;
  }
  return true;
}

/** One entry of a TOC read back (read-toc.ts checks each against the schema as it streams). */
export type TocItem = z.infer<typeof TocEntrySchema>;
/** A whole TOC, for tests and other small uses: readers stream it entry by entry instead. */
export interface ParsedToc {
  version: number;
  entries: TocItem[];
}
