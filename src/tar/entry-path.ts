/**
 * Tar entry names and link targets that would reach outside the root a layer is unpacked into are refused, naming
 * the entry. The rules, and where they come from:
 *
 *  - A name must be relative and free of `..` components (`../etc/passwd`, `a/../../b`, `/etc/passwd` are refused).
 *    containerd's archive.Apply and the stargz snapshotter clean such names and clamp them to the root, so they
 *    would not escape there; but a layer is also unpacked by tools that do not clamp, and no image builder writes
 *    such names, so they are refused rather than rewritten. `./`-prefixed names are fine.
 *  - A hardlink target names another entry of the image, so it follows the same rule (containerd bounds it to the
 *    root the same way: hardlinkRootPath).
 *  - A symlink target is not resolved when the layer is unpacked but when the container follows it, inside the
 *    container's root: an absolute target (`usr/lib/x -> /lib/x`) resolves in the image, is normal in images, and
 *    stays allowed, as containerd and the stargz snapshotter keep it. A relative target is resolved from the link's
 *    directory, lexically, and is refused when it climbs above the root (`etc/x -> ../../y`). Symlinks met on the
 *    way cannot be judged from one layer; the runtime confines those.
 */
import { quoted, ShipError } from '../errors.js';
import type { TarHeader } from './header.js';

const HINT = 'the layer holds a path that leaves the image root, which no image builder writes: rebuild the image from trusted sources';

/** Why `header`'s name or link target leaves the root, or undefined when it does not. */
export function unsafePath(header: Pick<TarHeader, 'name' | 'linkName' | 'type'>): string | undefined {
  const name = nameProblem(header.name);
  if (name) return `its name ${name}`;
  if (header.type === '1') {
    const target = nameProblem(header.linkName);
    if (target) return `its hardlink target ${quoted(header.linkName)} ${target}`;
  }
  if (header.type === '2' && !header.linkName.startsWith('/') && climbs(parentParts(header.name), header.linkName)) {
    return `its symlink target ${quoted(header.linkName)} climbs above the image root`;
  }
  return undefined;
}

/**
 * Throws a ShipError naming the entry when its name or link target leaves the root; `where` names the layer or
 * archive and `offset` the entry's first header byte in the tar stream.
 */
export function checkEntryPath(header: Pick<TarHeader, 'name' | 'linkName' | 'type'>, where: string, offset: number): void {
  const problem = unsafePath(header);
  if (problem) throw new ShipError(`${where}: tar entry ${quoted(header.name)} (at byte ${offset} of the tar stream) is refused: ${problem}`, { hint: HINT });
}

function nameProblem(name: string): string | undefined {
  if (name.startsWith('/')) return 'is absolute';
  if (name.split('/').includes('..')) return 'has a ".." component';
  return undefined;
}

/** The directories above an entry, e.g. ["usr", "lib"] for "./usr/lib/x". */
function parentParts(name: string): string[] {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  parts.pop();
  return parts;
}

/** Whether a relative target, followed from `dir`, goes above the root at any step. */
function climbs(dir: readonly string[], target: string): boolean {
  let depth = dir.length;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}
