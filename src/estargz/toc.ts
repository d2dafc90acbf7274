/**
 * The TOC (`stargz.index.json`): one entry per tar entry and per extra chunk, in stream order, with the field names
 * and omit-if-zero rules of the Go reference (estargz `TOCEntry`), serialised with tab indentation and no trailing
 * newline. Its sha256 is the layer's `containerd.io/snapshot/stargz/toc.digest`.
 */
import { z } from 'zod';
import type { EntryType, TarHeader } from './tar-header.js';

export const TOC_NAME = 'stargz.index.json';
export const PREFETCH_LANDMARK = '.prefetch.landmark';
export const NO_PREFETCH_LANDMARK = '.no.prefetch.landmark';
/** A landmark's whole content: one byte. */
export const LANDMARK_CONTENT = Buffer.from([0x0f]);
export const DEFAULT_CHUNK_SIZE = 4 << 20;

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
 */
export class TocBuilder {
  readonly entries: TocEntry[] = [];
  private readonly userNames = new Map<number, string>();
  private readonly groupNames = new Map<number, string>();

  /** The entry of a tar header; `offset`, digests and chunk fields are set by the caller as the payload is written. */
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
    if (h.type === '0' && h.size > 0) e.offset = 0; // placeholder keeps the key's position; set once known
    if (h.devMajor) e.devMajor = h.devMajor;
    if (h.devMinor) e.devMinor = h.devMinor;
    if (h.xattrs.size > 0) e.xattrs = Object.fromEntries([...h.xattrs].map(([k, v]) => [k, v.toString('base64')]));
    this.entries.push(e);
    return e;
  }

  /** A `chunk` entry for the 2nd, 3rd, ... chunk of a file. */
  addChunk(name: string, chunkOffset: number): TocEntry {
    const e: TocEntry = { name, type: 'chunk', offset: 0, chunkOffset };
    this.entries.push(e);
    return e;
  }

  serialize(): Buffer {
    return Buffer.from(JSON.stringify({ version: 1, entries: this.entries }, null, '\t'));
  }
}

function nameIfChanged(seen: Map<number, string>, id: number, name: string): string {
  if (name === '' || seen.get(id) === name) return '';
  seen.set(id, name);
  return name;
}

/** UTC RFC 3339 rounded to the second; empty for the epoch (Go: `t.Unix() == 0` means unset). */
export function formatModtime(seconds: number): string {
  if (!Number.isFinite(seconds) || Math.floor(seconds) === 0) return '';
  const rounded = seconds < 0 ? -Math.round(-seconds) : Math.round(seconds);
  const date = new Date(rounded * 1000);
  if (Number.isNaN(date.getTime())) return '';
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Normalises a path the way TOC readers do: `path.Clean("/" + name)` without the leading slash. */
export function cleanPath(name: string): string {
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

export const TocSchema = z.looseObject({ version: z.number(), entries: z.array(TocEntrySchema) });
export type ParsedToc = z.infer<typeof TocSchema>;
