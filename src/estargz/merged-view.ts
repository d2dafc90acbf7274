/**
 * The image's filesystem as its container sees it: the layers merged in order (the last layer with an entry wins; a
 * whiteout `.wh.NAME` hides NAME below it, an opaque marker `.wh..wh..opq` hides its directory's contents below it,
 * and an entry that is not a directory hides what lower layers have under its path), and paths resolved as the
 * kernel resolves them inside a chroot: symlinks followed, relative ones from their directory and absolute ones from
 * the root, also in the middle of a path; `..` taken after the link it follows; climbing above the root stays at
 * the root; more than 40 links in one resolution is a loop (ELOOP). A directory that no layer lists but that has
 * entries under it (a tar may leave parents out) is a directory.
 *
 * What the layers' facts do not tell yet (a symlink target past the budget, a glob no pass looked for) is noted in
 * `needs`, and the caller reads the layers again for it: see prefetch.ts.
 */
import { isGlob } from '../glob.js';
import { type EntryKind, type LayerFacts, OPAQUE_DIR, pathKey, wantedGlob, WHITED_OUT } from './layer-facts.js';

/** Linux's bound on the symlinks followed in one path resolution (ELOOP beyond). */
export const MAX_LINKS = 40;
/** The forms a glob takes through the links it passes (each a pattern rooted in a real directory), at most. */
const MAX_GLOB_FORMS = 64;

/** An entry as the merged view shows it: its real path, the layer that holds it (bottom layer 0) and its kind. */
export interface Placed {
  readonly layer: number;
  readonly path: string;
  readonly kind: EntryKind;
}

/**
 * Where a path led. `via` lists the symlinks followed on the way, in order. `found` is the entry at the end (the
 * root is layer -1); `missing` names the real path no layer shows; `not-a-directory` the entry that is not one but
 * has a path below it; `loop` the link at which the bound was passed; `unknown` says a link's target is not known
 * yet (it is in `needs`).
 */
export type Resolution =
  | { readonly status: 'found'; readonly entry: Placed; readonly via: readonly Placed[] }
  | { readonly status: 'missing' | 'not-a-directory' | 'loop'; readonly path: string; readonly via: readonly Placed[] }
  | { readonly status: 'unknown' };

/** A glob's match: the entry, and the symlinks the glob passed through to reach it. */
export interface GlobHit {
  readonly entry: Placed;
  readonly via: readonly Placed[];
}

export class MergedView {
  /** What resolving asked for that the facts do not hold: globs to match, symlinks whose targets are wanted. */
  readonly needs = { globs: new Set<string>(), links: new Set<string>() };

  /** cutUnder's answers, by directory. */
  private readonly cuts = new Map<string, number>();

  constructor(private readonly layers: readonly LayerFacts[]) {}

  /** The entry at the cleaned `path`, a symlink there not followed, its parent directories taken as they are. */
  entryAt(path: string): Placed | undefined {
    let lowest = 0;
    for (const dir of ancestorsOf(path)) lowest = Math.max(lowest, this.cutUnder(dir));
    const key = pathKey(path);
    for (let i = this.layers.length - 1; i >= lowest; i -= 1) {
      const layer = this.layers[i] as LayerFacts;
      const marks = layer.marks(key);
      const kind = layer.kind(path, marks);
      if (kind) return { layer: i, path, kind };
      if (marks & WHITED_OUT) return undefined;
    }
    return undefined;
  }

  /**
   * The lowest layer whose entries under the directory `dir` can show: above the topmost layer that makes it opaque,
   * whites it out or holds something else than a directory at its path (that layer's own entries under it count).
   */
  private cutUnder(dir: string): number {
    let cut = this.cuts.get(dir);
    if (cut === undefined) {
      cut = 0;
      const key = pathKey(dir);
      for (let i = this.layers.length - 1; i > 0; i -= 1) {
        const layer = this.layers[i] as LayerFacts;
        const marks = layer.marks(key);
        const kind = dir === '' ? undefined : layer.kind(dir, marks);
        if (marks & OPAQUE_DIR || (dir !== '' && marks & WHITED_OUT) || (kind !== undefined && kind !== 'dir')) {
          cut = i;
          break;
        }
      }
      this.cuts.set(dir, cut);
    }
    return cut;
  }

  /** Resolves `raw` (absolute or not, uncleaned) from the root; `follow`: whether a symlink at the end is followed. */
  resolve(raw: string, follow: boolean): Resolution {
    const queue = raw.split('/');
    const dir: string[] = [];
    const via: Placed[] = [];
    let links = 0;
    let last: Placed | undefined;
    while (queue.length > 0) {
      const part = queue.shift() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        dir.pop();
        last = undefined;
        continue;
      }
      const path = dir.length === 0 ? part : `${dir.join('/')}/${part}`;
      const atEnd = queue.every((rest) => rest === '');
      const entry = this.entryAt(path);
      if (entry?.kind === 'symlink' && (follow || !atEnd)) {
        const target = (this.layers[entry.layer] as LayerFacts).linkTarget(path);
        if (target === undefined) {
          this.needs.links.add(path);
          return { status: 'unknown' };
        }
        links += 1;
        if (links > MAX_LINKS) return { status: 'loop', path, via };
        via.push(entry);
        if (target?.startsWith('/')) dir.length = 0;
        queue.unshift(...(target ?? '').split('/'));
        last = undefined;
        continue;
      }
      if (entry && entry.kind !== 'dir' && !atEnd) return { status: 'not-a-directory', path, via };
      dir.push(part);
      last = entry;
    }
    const path = dir.join('/');
    if (path === '') return { status: 'found', entry: { layer: -1, path, kind: 'dir' }, via };
    const entry = last?.path === path ? last : this.entryAt(path);
    return entry ? { status: 'found', entry, via } : { status: 'missing', path, via };
  }

  /**
   * The entries a cleaned glob matches, sorted by path. The part before its first wildcard is resolved like any
   * path; a symlink that a wildcard segment matches whole (not one that `**` passes over, as shells do) is followed,
   * the rest of the glob going on from its target. A matched symlink is a hit itself (following it is the caller's).
   */
  glob(pattern: string): GlobHit[] {
    const hits = new Map<string, GlobHit>();
    const seen = new Set<string>();
    // Whether a directory is where the container sees it (no link on its way), by path: matches share a few.
    const realDirs = new Map<string, boolean>();
    const isReal = (dir: string): boolean => {
      let real = realDirs.get(dir);
      if (real === undefined) {
        const found = this.resolve(dir, true);
        real = found.status === 'found' ? found.entry.kind === 'dir' && found.entry.path === dir : found.status === 'missing' && found.path === dir;
        realDirs.set(dir, real);
      }
      return real;
    };
    const expand = (form: string, via: readonly Placed[]): void => {
      if (seen.has(form) || seen.size >= MAX_GLOB_FORMS) return;
      seen.add(form);
      const segments = form.split('/');
      const first = segments.findIndex((segment) => isGlob(segment));
      if (first === -1) {
        // A link led into a literal rest of the glob.
        const found = this.resolve(form, false);
        if (found.status === 'found' && found.entry.layer >= 0 && !hits.has(found.entry.path))
          hits.set(found.entry.path, { entry: found.entry, via: [...via, ...found.via] });
        return;
      }
      if (first > 0) {
        const real = this.directory(segments.slice(0, first).join('/'));
        if (!real) return;
        const rooted = [...(real.path === '' ? [] : [real.path]), ...segments.slice(first)].join('/');
        if (rooted !== form) return expand(rooted, [...via, ...real.via]);
      }
      for (const layer of this.layers) {
        const matches = layer.matches(form);
        if (!matches) {
          this.needs.globs.add(form);
          continue;
        }
        for (const path of matches.keys()) {
          if (hits.has(path)) continue;
          // A match under a symlink, or hidden by an upper layer, is not where the container sees it.
          const entry = isReal(path.slice(0, Math.max(path.lastIndexOf('/'), 0))) ? this.entryAt(path) : undefined;
          if (entry) hits.set(path, { entry, via });
        }
      }
      const { prefixes } = wantedGlob(form);
      for (const layer of this.layers) {
        for (const link of layer.linksInto(form) ?? []) {
          const at = this.resolve(link, false);
          if (at.status !== 'found' || at.entry.path !== link || at.entry.kind !== 'symlink') continue;
          const target = this.directory(link);
          if (!target) continue;
          for (const prefix of prefixes) {
            if (!prefix.regexp.test(link)) continue;
            const rest = segments.slice(prefix.segment + 1);
            expand([...(target.path === '' ? [] : [target.path]), ...rest].join('/'), [...via, ...target.via]);
          }
        }
      }
    };
    expand(pattern, []);
    return [...hits.values()].sort((a, b) => (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0));
  }

  /** The real path of the directory `raw` resolves to (one no layer lists counts), or undefined when it is not one. */
  private directory(raw: string): { path: string; via: readonly Placed[] } | undefined {
    const found = this.resolve(raw, true);
    if (found.status === 'found') return found.entry.kind === 'dir' ? { path: found.entry.path, via: found.via } : undefined;
    if (found.status === 'missing') return { path: found.path, via: found.via };
    return undefined;
  }
}

/** The directories above a cleaned path, the root (`''`) first. */
function ancestorsOf(path: string): string[] {
  const out = [''];
  for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) out.push(path.slice(0, at));
  return out;
}
