/**
 * Prefetch lists: which layer each prioritized path belongs to. Every pattern (a path or a glob with `*`, `?`, `[...]`
 * and `**`) is matched against the image's merged filesystem, and each match is attributed to the topmost layer
 * that holds it, unless a whiteout or an opaque directory in a layer above hides it. Order is the order given, glob
 * matches sorted; a path named twice counts once.
 */
import type { OciLayout } from '../oci/layout.js';
import type { Descriptor } from '../oci/types.js';
import { layerEntries, openLayerTar } from './source-layer.js';
import { cleanPath, NO_PREFETCH_LANDMARK, PREFETCH_LANDMARK, TOC_NAME } from './toc.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** The cleaned paths of every entry in a layer (payloads are skipped, not read; the blob is checked as it is read). */
export async function layerPaths(layout: OciLayout, layer: Descriptor): Promise<Set<string>> {
  const paths = new Set<string>();
  for await (const entry of layerEntries(await openLayerTar(layout, layer), `${layout.where}: layer ${layer.digest}`)) {
    const path = cleanPath(entry.header.name);
    if (path !== '' && path !== TOC_NAME && path !== PREFETCH_LANDMARK && path !== NO_PREFETCH_LANDMARK) paths.add(path);
  }
  return paths;
}

export interface Attribution {
  /** Per layer (bottom first, as in the manifest), the paths to prioritize, in order. */
  perLayer: string[][];
  /** Plain paths (not globs) that no layer shows. */
  missing: string[];
}

/** `layers` lists each layer's paths, bottom layer first. */
export function attributePrefetch(patterns: readonly string[], layers: ReadonlyArray<ReadonlySet<string>>): Attribution {
  const perLayer: string[][] = layers.map(() => []);
  const taken: Array<Set<string>> = layers.map(() => new Set());
  const missing: string[] = [];
  let merged: string[] | undefined;
  for (const pattern of patterns) {
    const clean = cleanPath(pattern.trim());
    if (clean === '') continue;
    let candidates: string[];
    if (isGlob(clean)) {
      merged ??= [...new Set(layers.flatMap((set) => [...set]))].filter((p) => !baseName(p).startsWith(WHITEOUT)).sort();
      const regex = globToRegExp(clean);
      candidates = merged.filter((p) => regex.test(p));
    } else candidates = [clean];
    for (const path of candidates) {
      const layer = topmostLayer(path, layers);
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

/** The index of the topmost layer that shows `path`, or undefined if none does or a layer above hides it. */
export function topmostLayer(path: string, layers: ReadonlyArray<ReadonlySet<string>>): number | undefined {
  for (let i = layers.length - 1; i >= 0; i -= 1) {
    const layer = layers[i] as ReadonlySet<string>;
    if (layer.has(path)) return i;
    if (hides(layer, path)) return undefined;
  }
  return undefined;
}

/** Whether a layer's whiteouts hide `path` (or one of its parents) in the layers below. */
function hides(layer: ReadonlySet<string>, path: string): boolean {
  const parts = path.split('/');
  for (let i = parts.length; i >= 1; i -= 1) {
    const parent = parts.slice(0, i - 1).join('/');
    const whiteout = `${parent === '' ? '' : `${parent}/`}${WHITEOUT}${parts[i - 1] as string}`;
    if (layer.has(whiteout)) return true;
    if (i < parts.length && layer.has(`${parts.slice(0, i).join('/')}/${OPAQUE}`)) return true;
  }
  return layer.has(OPAQUE);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** `**` crosses directories, `*` and `?` do not; `[...]` is a character class (`[!...]` negated). */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      i += 1;
      if (pattern[i + 1] === '/') {
        i += 1;
        source += '(?:.*/)?';
      } else source += '.*';
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        let body = pattern.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
