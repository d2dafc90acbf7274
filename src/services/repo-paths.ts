/**
 * Paths in a repository, as service discovery and change detection compare them: `/` as the separator, relative to
 * the repository root, without a leading `./`. Globs over them are glob.ts's, matched after both sides are cleaned.
 */
import { globToRegExp } from '../glob.js';

/**
 * `./a//b/` -> `a/b`; `a/../b` -> `b`, as the build resolves a context; `.` and `` stay `.` (the root). A `..` that
 * climbs above the root is kept (`../x`): no repository path is inside it.
 */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts.at(-1) !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}

/** True when `path` is `dir` or inside it; every path is inside the root `.`. */
export function isInside(path: string, dir: string): boolean {
  const d = normalizePath(dir);
  const p = normalizePath(path);
  return d === '.' || p === d || p.startsWith(`${d}/`);
}

/** The regular expression of a glob over repository paths (the glob cleaned as a path is). */
export function repoGlob(glob: string): RegExp {
  return globToRegExp(normalizePath(glob));
}

/** Whether a repository path matches a glob, both cleaned. */
export function matchesRepoGlob(path: string, glob: string): boolean {
  return repoGlob(glob).test(normalizePath(path));
}
