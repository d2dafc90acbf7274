/**
 * Minimal path globs for service discovery and change detection: `*` and `?` stay inside one path segment, `**`
 * spans any number of segments (also none), `[...]` is a character class. Paths use `/` and are relative to the
 * repository root, without a leading `./`.
 */

const cache = new Map<string, RegExp>();

/** The regular expression a glob stands for; anchored at both ends. */
export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached) return cached;
  const source = normalizePath(glob);
  let out = '';
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i] ?? '';
    if (c === '*') {
      if (source[i + 1] === '*') {
        // `**/` may match nothing, so `a/**/b` matches `a/b`; a trailing `**` matches the rest of the path.
        const slash = source[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = source.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        const body = source.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  const regexp = new RegExp(`^${out}$`);
  cache.set(glob, regexp);
  return regexp;
}

export function matchesGlob(path: string, glob: string): boolean {
  return globToRegExp(glob).test(normalizePath(path));
}

/** `./a//b/` -> `a/b`; `.` and `` stay `.` (the root). */
export function normalizePath(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter((part) => part !== '' && part !== '.');
  return parts.length === 0 ? '.' : parts.join('/');
}

/** True when `path` is `dir` or inside it; every path is inside the root `.`. */
export function isInside(path: string, dir: string): boolean {
  const d = normalizePath(dir);
  const p = normalizePath(path);
  return d === '.' || p === d || p.startsWith(`${d}/`);
}
