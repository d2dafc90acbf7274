/**
 * Prefetch lists: which entries of which layer a list of paths and globs (`*`, `?`, `[...]`, `**`, see glob.ts)
 * asks for, resolved in the image's merged filesystem as the container sees it (merged-view.ts). A path through a
 * symlink (`/lib/x86_64-linux-gnu/libc.so.6` on a merged-/usr image, where `/lib` links to `usr/lib`) gives the
 * links on the way, each in the layer that shows it, and the entry at the end, in the layer that shows it; a
 * symlink at the end is followed too, so its target's content is prefetched. Order is the order given (links before
 * what they lead to, glob matches sorted); an entry asked for twice counts once. Paths recorded from a running
 * process are paths as it saw them, and go through the same resolution.
 *
 * Memory follows the list, not the layers: each layer is read as a stream into its facts (layer-facts.ts), 8 bytes
 * an entry and the symlink targets. A glob that turns out to pass through a symlink, or a link whose target did not
 * fit the budget, is looked for in another reading of the layers; a list of plain paths needs one reading.
 */
import { isGlob } from '../glob.js';
import type { Descriptor, OciLayout } from '../oci/index.js';
import type { TarHeader } from '../tar/index.js';
import { type EntryKind, LayerFacts, type LayerListing, LinkBudget, wantedGlob, type Wants } from './layer-facts.js';
import { MAX_LINKS, MergedView, type Placed, type Resolution } from './merged-view.js';
import { layerEntries, openLayerTar } from './source-layer.js';
import { cleanPath, isConverterEntry } from './toc.js';

/** Symlink targets kept from the first reading, all layers together; the rest are read again when needed. */
const MAX_KEPT_LINKS = 100_000;
/** Readings of the layers, at most (the first one and those for what it left unknown). */
const MAX_READINGS = 6;

const TAR_KINDS: Readonly<Record<TarHeader['type'], EntryKind>> = {
  '0': 'reg',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'other',
  '4': 'other',
  '5': 'dir',
  '6': 'other',
};

/** A layer's entries, read from its tar in the layout (payloads are skipped, not read; the blob is checked as it is read). */
export function layerListing(layout: OciLayout, layer: Descriptor): LayerListing {
  return async function* () {
    for await (const { header } of layerEntries(await openLayerTar(layout, layer), `${layout.where}: layer ${layer.digest}`)) {
      const path = cleanPath(header.name);
      if (!isConverterEntry(path)) yield { path, kind: TAR_KINDS[header.type], ...(header.linkName ? { linkName: header.linkName } : {}) };
    }
  };
}

/** A plain path of the list that leads to no entry: why, and the real path it came to. */
export interface PrefetchMiss {
  /** The path as the list gives it. */
  readonly pattern: string;
  /** missing: no layer shows `path`; not-a-directory: `path` is not one; loop: more than 40 links, the last at `path`. */
  readonly reason: 'missing' | 'not-a-directory' | 'loop';
  /** The real path (cleaned, without the leading slash) the resolution came to. */
  readonly path: string;
}

export interface Attribution {
  /** Per layer (bottom first, as in the manifest), the paths to prioritize, in order. */
  perLayer: string[][];
  /** Per layer, how many of those are files with content (regular files and hardlinks), not links or directories. */
  files: number[];
  /** Plain paths (not globs) that lead to no entry. */
  missing: PrefetchMiss[];
}

/** A path as a process opened it (recorded at run time): taken as it is, never as a glob, whatever it holds. */
export interface OpenedPath {
  readonly opened: string;
}

/** One item of the list, as it is matched. */
interface Wanted {
  /** As the list gives it, for the warnings. */
  readonly pattern: string;
  readonly text: string;
  readonly glob: boolean;
}

/** The warning for a path of the list that leads to no entry. */
export function describeMiss(miss: PrefetchMiss): string {
  const given = JSON.stringify(miss.pattern);
  if (miss.reason === 'loop') return `prefetch path ${given} cannot be reached: it follows more than ${MAX_LINKS} symbolic links (a loop) at /${miss.path}`;
  if (miss.reason === 'not-a-directory') return `prefetch path ${given} cannot be reached: /${miss.path} is not a directory`;
  const resolved = cleanPath(miss.pattern.trim()) === miss.path ? '' : ` (it resolves to /${miss.path})`;
  return `prefetch path ${given} is in no layer of the image${resolved}`;
}

/**
 * `patterns`: paths and globs, and paths recorded from a process (OpenedPath), in order. `layers` gives, for each
 * layer (bottom layer first), listings of its entries in order of preference: a listing that fails is dropped and
 * the next one read from the start. `maxKeptLinks` is for tests.
 */
export async function attributePrefetch(
  patterns: ReadonlyArray<string | OpenedPath>,
  layers: ReadonlyArray<readonly LayerListing[]>,
  maxKeptLinks = MAX_KEPT_LINKS,
): Promise<Attribution> {
  const wanted = patterns
    .map((item): Wanted =>
      typeof item === 'string' ? { pattern: item, text: item.trim(), glob: isGlob(item) } : { pattern: item.opened, text: item.opened, glob: false },
    )
    .filter((p) => cleanPath(p.text) !== '');
  const budget = new LinkBudget(maxKeptLinks);
  let wants: Wants = { globs: [...new Set(wanted.filter((p) => p.glob).map((p) => cleanPath(p.text)))].map(wantedGlob), links: new Set() };
  const facts: LayerFacts[] = [];
  for (const listings of layers) facts.push((await readLayer(listings, () => new LayerFacts(wants, budget, true))).seal());
  for (let reading = 1; ; reading += 1) {
    const view = new MergedView(facts);
    const attribution = attribute(wanted, view, layers.length);
    const { globs, links } = view.needs;
    if ((globs.size === 0 && links.size === 0) || reading >= MAX_READINGS) return attribution;
    wants = { globs: [...globs].map(wantedGlob), links };
    for (const [i, listings] of layers.entries()) facts[i]?.absorb(await readLayer(listings, () => new LayerFacts(wants, budget, false)));
  }
}

/** Reads a layer's entries into fresh facts, from the first of its listings that does not fail. */
async function readLayer(listings: readonly LayerListing[], fresh: () => LayerFacts): Promise<LayerFacts> {
  for (const [i, list] of listings.entries()) {
    const facts = fresh();
    try {
      for await (const entry of list()) facts.add(entry);
      return facts;
    } catch (error) {
      if (i === listings.length - 1) throw error;
    }
  }
  throw new Error('a layer without a listing of its entries');
}

/** The list resolved in the view: each entry placed in its layer once, in order. */
function attribute(wanted: readonly Wanted[], view: MergedView, layerCount: number): Attribution {
  const perLayer: string[][] = Array.from({ length: layerCount }, () => []);
  const files: number[] = Array.from({ length: layerCount }, () => 0);
  const taken: Array<Set<string>> = Array.from({ length: layerCount }, () => new Set());
  const missing: PrefetchMiss[] = [];
  const place = (entry: Placed): void => {
    const seen = taken[entry.layer];
    if (!seen || seen.has(entry.path)) return; // the root (layer -1) is nothing to place
    seen.add(entry.path);
    perLayer[entry.layer]?.push(entry.path);
    if (entry.kind === 'reg' || entry.kind === 'hardlink') files[entry.layer] = (files[entry.layer] ?? 0) + 1;
  };
  const placeFound = (resolution: Resolution): boolean => {
    if (resolution.status !== 'found') return false;
    for (const link of resolution.via) place(link);
    place(resolution.entry);
    return true;
  };
  for (const { pattern, text, glob } of wanted) {
    if (!glob) {
      const resolution = view.resolve(text, true);
      if (!placeFound(resolution) && resolution.status !== 'unknown' && resolution.status !== 'found')
        missing.push({ pattern, reason: resolution.status, path: resolution.path });
      continue;
    }
    for (const hit of view.glob(cleanPath(text))) {
      for (const link of hit.via) place(link);
      place(hit.entry);
      // A matched symlink brings its target (a dangling one, common under a wide glob, brings nothing).
      if (hit.entry.kind === 'symlink') placeFound(view.resolve(hit.entry.path, true));
    }
  }
  return { perLayer, files, missing };
}
