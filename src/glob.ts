/**
 * Path globs, one meaning wherever a glob is read (prefetch lists, service discovery, change detection): `*` and `?`
 * stay inside one path segment, `**` spans any number of segments (also none, so `a/**\/b` matches `a/b`, and a
 * trailing `**` matches the rest of the path), and `[...]` is a character class, negated by a leading `!` (or `^`),
 * with a `]` right after the opening bracket taken as a member (as POSIX fnmatch and Go's path.Match read it). An
 * unclosed `[` is a plain character. Paths use `/`; callers clean paths and patterns the same way before matching.
 */

const cache = new Map<string, RegExp>();
/** Patterns come from a user's list: the cache stays small, but is bounded all the same. */
const MAX_CACHED = 1000;

/** Whether `pattern` holds a wildcard (and so is not a plain path). */
export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** The regular expression `pattern` stands for, anchored at both ends. */
export function globToRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      let first = i + 1;
      const negated = pattern[first] === '!' || pattern[first] === '^';
      if (negated) first += 1;
      const close = pattern.indexOf(']', pattern[first] === ']' ? first + 1 : first);
      if (close === -1) source += '\\[';
      else {
        // Ranges (`a-z`) are kept; what a regular expression would read otherwise inside a class is escaped.
        const members = pattern.slice(first, close).replace(/[\\\]^[]/g, '\\$&');
        source += `[${negated ? '^' : ''}${members}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  const regexp = new RegExp(`^${source}$`);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(pattern, regexp);
  return regexp;
}
