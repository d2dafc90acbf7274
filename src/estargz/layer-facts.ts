/**
 * What one layer holds, as far as resolving paths in the image's merged filesystem needs it, gathered in streaming
 * passes over the layer's entries rather than by keeping them:
 *
 *  - every entry's kind under a 50-bit hash of its path (8 bytes an entry, sorted once; whiteouts and opaque
 *    markers are kept as marks on the path they hide), so whether a path is there, and as what, is a binary search;
 *  - symlink targets, up to a budget shared by the layers (a later pass fetches a target that did not fit);
 *  - the matches of the globs asked for, and the symlinks a glob may pass through, by pattern.
 *
 * A hash may collide: another path's marks are then taken for a path's own (for a layer of a million entries, about
 * once in 10^9 lookups), so an absent path may look present, or a present one whited out; nothing else is lost.
 */
import { globToRegExp, isGlob } from '../glob.js';
import { pathHash } from './path-hash.js';

export type EntryKind = 'dir' | 'reg' | 'hardlink' | 'symlink' | 'other';

/** One entry of a layer: its cleaned path, its kind and, for a link, its target as the archive spells it. */
export interface LayerEntry {
  readonly path: string;
  readonly kind: EntryKind;
  readonly linkName?: string;
}

/** The entries of one layer (the converter's own left out), listed afresh on every call. */
export type LayerListing = () => AsyncIterable<LayerEntry>;

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

const KIND_CODE: Readonly<Record<EntryKind, number>> = { dir: 0, reg: 1, hardlink: 2, symlink: 3, other: 4 };
const WHITEOUT = 5;
const OPAQUE = 6;
/** In the marks of a path: the layer whites it out, or marks it (a directory) opaque. */
export const WHITED_OUT = 1 << WHITEOUT;
export const OPAQUE_DIR = 1 << OPAQUE;
/** Kinds in the order one is taken when a path occurs more than once with different kinds (a rare layer). */
const PREFERENCE: readonly EntryKind[] = ['dir', 'reg', 'hardlink', 'other'];

/** A glob as a pass looks for it: its matches, and the symlinks matching a leading part of it (ending at `segment`). */
export interface WantedGlob {
  readonly pattern: string;
  readonly full: RegExp;
  readonly prefixes: ReadonlyArray<{ readonly segment: number; readonly regexp: RegExp }>;
}

/** A cleaned glob, compiled. A prefix ends at each segment that is not `**` (one `**` may not swallow a link). */
export function wantedGlob(pattern: string): WantedGlob {
  const segments = pattern.split('/');
  const prefixes: Array<WantedGlob['prefixes'][number]> = [];
  for (let j = 0; j < segments.length - 1; j += 1) {
    if (segments[j] !== '**' && segments.slice(0, j + 1).some(isGlob)) prefixes.push({ segment: j, regexp: globToRegExp(segments.slice(0, j + 1).join('/')) });
  }
  return { pattern, full: globToRegExp(pattern), prefixes };
}

/** What a pass looks for besides the kinds: globs, and the targets of these symlinks. */
export interface Wants {
  readonly globs: readonly WantedGlob[];
  readonly links: ReadonlySet<string>;
}

/** The key under which a path's marks are kept: its hash, with room for a code below it. */
export function pathKey(path: string): number {
  return Math.floor(pathHash(path) / 8) * 8;
}

/** Symlink targets kept for all layers together before later passes are needed for the rest. */
export class LinkBudget {
  constructor(public left: number) {}
}

export class LayerFacts {
  private codes: Float64Array;
  private count = 0;
  private sorted = false;
  /** Symlink targets by path (the last occurrence of the path), and paths known not to be symlinks. */
  private readonly links = new Map<string, string>();
  private readonly notLinks = new Set<string>();
  /** Symlinks seen whose targets did not fit the budget. */
  private linksDropped = false;
  private readonly globMatches = new Map<string, Map<string, EntryKind>>();
  private readonly globLinks = new Map<string, Set<string>>();

  /** `indexing`: whether this pass records every entry's kind (the first one does; later ones only add to it). */
  constructor(
    private readonly wants: Wants,
    private readonly budget: LinkBudget,
    readonly indexing: boolean,
  ) {
    this.codes = new Float64Array(indexing ? 1024 : 0);
    for (const glob of wants.globs) {
      this.globMatches.set(glob.pattern, new Map());
      this.globLinks.set(glob.pattern, new Set());
    }
  }

  /** Takes in the next entry of the layer, in archive order. */
  add(entry: LayerEntry): void {
    const { path, kind } = entry;
    const slash = path.lastIndexOf('/');
    const base = path.slice(slash + 1);
    if (base.startsWith(WHITEOUT_PREFIX)) {
      if (!this.indexing) return;
      const dir = path.slice(0, Math.max(slash, 0));
      if (base === OPAQUE_MARKER) this.push(dir, OPAQUE);
      else this.push(`${slash < 0 ? '' : `${dir}/`}${base.slice(WHITEOUT_PREFIX.length)}`, WHITEOUT);
      return;
    }
    if (this.indexing) this.push(path, KIND_CODE[kind]);
    let keepLink = this.wants.links.has(path);
    for (const glob of this.wants.globs) {
      if (glob.full.test(path)) this.globMatches.get(glob.pattern)?.set(path, kind);
      if (kind === 'symlink' && glob.prefixes.some((prefix) => prefix.regexp.test(path))) {
        this.globLinks.get(glob.pattern)?.add(path);
        keepLink = true;
      }
    }
    if (kind === 'symlink') {
      this.notLinks.delete(path);
      if (keepLink || this.links.has(path)) this.links.set(path, entry.linkName ?? '');
      else if (this.indexing && this.budget.left > 0) {
        this.budget.left -= 1;
        this.links.set(path, entry.linkName ?? '');
      } else this.linksDropped = true;
    } else if (this.links.delete(path) || keepLink) this.notLinks.add(path);
  }

  /** Ends the pass: the kinds are sorted for lookups. */
  seal(): this {
    this.codes = this.codes.subarray(0, this.count).sort();
    this.sorted = true;
    return this;
  }

  /** Takes in what a later pass over the same layer found. */
  absorb(later: LayerFacts): void {
    for (const [path, target] of later.links) this.links.set(path, target);
    for (const path of later.notLinks) {
      this.links.delete(path);
      this.notLinks.add(path);
    }
    for (const [pattern, matches] of later.globMatches) this.globMatches.set(pattern, matches);
    for (const [pattern, links] of later.globLinks) this.globLinks.set(pattern, links);
  }

  /** The kind of the entry at `path` in this layer, given the path's marks, or undefined when the layer has none. */
  kind(path: string, marks: number): EntryKind | undefined {
    const bits = marks & 0b11111;
    if (bits === 0) return undefined;
    if (bits & (1 << KIND_CODE.symlink) && this.linkTarget(path) !== null) return 'symlink';
    // A symlink code whose path's last occurrence is something else: that other kind (one is there).
    return PREFERENCE.find((kind) => bits & (1 << KIND_CODE[kind])) ?? 'other';
  }

  /** The target of the symlink at `path`; null when its last occurrence is not a symlink; undefined when not known. */
  linkTarget(path: string): string | null | undefined {
    const target = this.links.get(path);
    if (target !== undefined) return target;
    if (this.notLinks.has(path) || !this.linksDropped) return null;
    return undefined;
  }

  /** The entries matching a glob (a pass looked for it), or undefined when no pass did. */
  matches(pattern: string): ReadonlyMap<string, EntryKind> | undefined {
    return this.globMatches.get(pattern);
  }

  /** The symlinks matching a leading part of a glob, when a pass looked for it. */
  linksInto(pattern: string): ReadonlySet<string> | undefined {
    return this.globLinks.get(pattern);
  }

  private push(path: string, code: number): void {
    if (this.count === this.codes.length) {
      const larger = new Float64Array(this.codes.length * 2);
      larger.set(this.codes);
      this.codes = larger;
    }
    this.codes[this.count] = pathKey(path) + code;
    this.count += 1;
  }

  /** What the layer has under a path's key (pathKey), as bits: one per entry kind (KIND_CODE), WHITED_OUT, OPAQUE_DIR. */
  marks(key: number): number {
    if (!this.sorted) throw new Error('a layer is looked up before its pass ended');
    let low = 0;
    let high = this.codes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.codes[mid] as number) < key) low = mid + 1;
      else high = mid;
    }
    let bits = 0;
    for (let i = low; i < this.codes.length && (this.codes[i] as number) < key + 8; i += 1) bits |= 1 << ((this.codes[i] as number) - key);
    return bits;
  }
}
