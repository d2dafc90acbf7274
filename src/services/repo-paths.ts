/**
 * Paths in a repository, as service discovery and change detection compare them: `/` as the separator, relative to
 * the repository root, without a leading `./`. Globs over them are glob.ts's, matched after both sides are cleaned.
 */
import { globToRegExp } from '../glob.js';

/** `./a//b/` -> `a/b`; `.` and `` stay `.` (the root). */
export function normalizePath(path: string): string {
  const parts = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.');
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
