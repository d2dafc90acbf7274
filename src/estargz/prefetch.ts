/**
 * Prefetch lists: which layer each prioritized path belongs to. Every pattern (a path or a glob with `*`, `?`, `[...]`
 * and `**`, see glob.ts) is matched against the image's merged filesystem, and each match is attributed to the
 * topmost layer that holds it, unless a whiteout or an opaque directory in a layer above hides it. Order is the order
 * given, glob matches sorted; a path named twice counts once.
 *
 * A layer's paths are streamed, not collected: only the paths a pattern names or matches are kept, with the layer's
 * whiteouts up to a bound. A layer with more whiteouts than that is read a second time, for just the whiteouts that
 * could hide a match. So memory follows the prefetch list, not the number of files in the layers.
 */
import { globToRegExp, isGlob } from '../glob.js';
import type { Descriptor, OciLayout } from '../oci/index.js';
import { layerEntries, openLayerTar } from './source-layer.js';
import { cleanPath, NO_PREFETCH_LANDMARK, PREFETCH_LANDMARK, TOC_NAME } from './toc.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** Whiteouts kept per layer from the first reading; beyond, the layer is read again for the relevant ones. */
const MAX_KEPT_WHITEOUTS = 10_000;

/** The cleaned paths of one layer (the converter's own entries left out), listed afresh on every call. */
export type LayerPaths = () => AsyncIterable<string>;

/** A layer's paths, read from its tar in the layout (payloads are skipped, not read; the blob is checked as it is read). */
export function layerPaths(layout: OciLayout, layer: Descriptor): LayerPaths {
  return async function* () {
    for await (const entry of layerEntries(await openLayerTar(layout, layer), `${layout.where}: layer ${layer.digest}`)) {
      const path = cleanPath(entry.header.name);
      if (path !== '' && path !== TOC_NAME && path !== PREFETCH_LANDMARK && path !== NO_PREFETCH_LANDMARK) yield path;
    }
  };
}

export interface Attribution {
  /** Per layer (bottom first, as in the manifest), the paths to prioritize, in order. */
  perLayer: string[][];
  /** Plain paths (not globs) that no layer shows. */
  missing: string[];
}

/** What a layer holds of what the prefetch list asks for. */
interface LayerFacts {
  /** Paths a pattern names or matches. */
  readonly held: Set<string>;
  /** Its whiteout and opaque-directory entries (all of them, or after a second reading the ones that matter). */
  whiteouts: Set<string>;
  /** More whiteouts than were kept. */
  overflow: boolean;
}

/**
 * `layers` gives, for each layer (bottom layer first), listings of its paths in order of preference: a listing that
 * fails is dropped and the next one read from the start. `maxKeptWhiteouts` is for tests.
 */
export async function attributePrefetch(
  patterns: readonly string[],
  layers: ReadonlyArray<readonly LayerPaths[]>,
  maxKeptWhiteouts = MAX_KEPT_WHITEOUTS,
): Promise<Attribution> {
  const wanted = patterns.map((pattern) => ({ pattern, clean: cleanPath(pattern.trim()) })).filter((p) => p.clean !== '');
  const plain = new Set(wanted.filter((p) => !isGlob(p.clean)).map((p) => p.clean));
  const globs = wanted.filter((p) => isGlob(p.clean)).map((p) => globToRegExp(p.clean));

  const facts: LayerFacts[] = [];
  for (const listings of layers) {
    const layer = await readLayer(
      listings,
      (): LayerFacts => ({ held: new Set(), whiteouts: new Set(), overflow: false }),
      (layer, path) => {
        const whiteout = baseName(path).startsWith(WHITEOUT);
        if (plain.has(path) || (!whiteout && globs.some((glob) => glob.test(path)))) layer.held.add(path);
        if (whiteout) {
          if (layer.whiteouts.size < maxKeptWhiteouts) layer.whiteouts.add(path);
          else layer.overflow = true;
        }
      },
    );
    facts.push(layer);
  }

  // Glob matches are looked for in the merged filesystem: every layer's matches (never a whiteout), sorted.
  let merged: string[] | undefined;
  const candidatesOf = (clean: string): string[] => {
    if (!isGlob(clean)) return [clean];
    merged ??= [...new Set(facts.flatMap((layer) => [...layer.held]))].filter((p) => !baseName(p).startsWith(WHITEOUT)).sort();
    const regex = globToRegExp(clean);
    return merged.filter((p) => regex.test(p));
  };

  // A layer with too many whiteouts to keep is read again for those that could hide a candidate.
  if (facts.some((layer) => layer.overflow)) {
    const probes = new Set<string>();
    for (const { clean } of wanted) for (const path of candidatesOf(clean)) for (const probe of hidingEntries(path)) probes.add(probe);
    for (const [i, layer] of facts.entries()) {
      if (!layer.overflow) continue;
      layer.whiteouts = await readLayer(
        layers[i] ?? [],
        () => new Set<string>(),
        (found, path) => probes.has(path) && found.add(path),
      );
    }
  }

  const perLayer: string[][] = layers.map(() => []);
  const taken: Array<Set<string>> = layers.map(() => new Set());
  const missing: string[] = [];
  for (const { pattern, clean } of wanted) {
    for (const path of candidatesOf(clean)) {
      const layer = topmostLayer(path, facts);
      if (layer === undefined) {
        if (!isGlob(clean)) missing.push(pattern);
        continue;
      }
      if (taken[layer]?.has(path)) continue;
      taken[layer]?.add(path);
      perLayer[layer]?.push(path);
    }
  }
  return { perLayer, missing };
}

/** Reads a layer's paths into a fresh `state`, from the first of its listings that does not fail. */
async function readLayer<T>(listings: readonly LayerPaths[], fresh: () => T, visit: (state: T, path: string) => void): Promise<T> {
  for (const [i, list] of listings.entries()) {
    const state = fresh();
    try {
      for await (const path of list()) visit(state, path);
      return state;
    } catch (error) {
      if (i === listings.length - 1) throw error;
    }
  }
  throw new Error('a layer without a listing of its paths');
}

/** The index of the topmost layer that shows `path`, or undefined if none does or a layer above hides it. */
function topmostLayer(path: string, layers: readonly LayerFacts[]): number | undefined {
  for (let i = layers.length - 1; i >= 0; i -= 1) {
    const layer = layers[i] as LayerFacts;
    if (layer.held.has(path)) return i;
    if (hidingEntries(path).some((entry) => layer.whiteouts.has(entry))) return undefined;
  }
  return undefined;
}

/**
 * The entries that, in a layer, hide `path` in the layers below: a whiteout of the path or of one of its parents,
 * and an opaque marker in one of its parent directories (the root's included).
 */
function hidingEntries(path: string): string[] {
  const parts = path.split('/');
  const entries: string[] = [];
  for (let i = parts.length; i >= 1; i -= 1) {
    const parent = parts.slice(0, i - 1).join('/');
    entries.push(`${parent === '' ? '' : `${parent}/`}${WHITEOUT}${parts[i - 1] as string}`);
    if (i < parts.length) entries.push(`${parts.slice(0, i).join('/')}/${OPAQUE}`);
  }
  entries.push(OPAQUE);
  return entries;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
