// One glob module for every list of globs (prefetch, service discovery, change detection): what each of the two
// former implementations matched, and the character classes where they disagreed, now read one way.
import { describe, expect, it } from 'vitest';
import { globToRegExp, isGlob } from '../../src/glob.js';
import { matchesRepoGlob } from '../../src/services/repo-paths.js';

const matchesGlob = (path: string, pattern: string) => globToRegExp(pattern).test(path);

describe('globs', () => {
  it('keep * and ? inside a segment, and let ** span segments (also none)', () => {
    expect(matchesGlob('shared/a/b.txt', 'shared/**')).toBe(true);
    expect(matchesGlob('shared/a/b.txt', 'shared/*')).toBe(false);
    expect(matchesGlob('a/b', 'a/**/b')).toBe(true);
    expect(matchesGlob('a/x/y/b', 'a/**/b')).toBe(true);
    expect(matchesGlob('lib/x.so', '**/*.so')).toBe(true);
    expect(matchesGlob('x.so', '**/*.so')).toBe(true);
    expect(matchesGlob('a.b', 'a?b')).toBe(true);
    expect(matchesGlob('a/b', 'a?b')).toBe(false);
    expect(matchesGlob('a.b', 'a.b') && !matchesGlob('axb', 'a.b')).toBe(true);
    expect(matchesGlob('a+(b)', 'a+(b)')).toBe(true);
  });

  it('read character classes as POSIX does: ranges, negation, a leading ] as a member', () => {
    expect(matchesGlob('svc/b1', 'svc/[ab]1') && !matchesGlob('svc/c1', 'svc/[ab]1')).toBe(true);
    expect(matchesGlob('v7', 'v[0-9]') && !matchesGlob('vx', 'v[0-9]')).toBe(true);
    expect(matchesGlob('vx', 'v[!0-9]') && !matchesGlob('v7', 'v[!0-9]')).toBe(true);
    expect(matchesGlob('vx', 'v[^0-9]')).toBe(true);
    // The former implementations disagreed here (one read `[]` as an empty class, the other read `[!]` as "any").
    expect(['a', ']', 'b'].map((c) => matchesGlob(c, '[]a]'))).toEqual([true, true, false]);
    expect(['x', ']'].map((c) => matchesGlob(c, '[!]]'))).toEqual([true, false]);
    expect(matchesGlob('[', '[') && matchesGlob('a[b', 'a[b') && matchesGlob('[]', '[]')).toBe(true);
    expect(matchesGlob('\\', '[\\]') && matchesGlob('^', '[x^]')).toBe(true);
  });

  it('say which patterns are globs', () => {
    expect(['a/b', 'a/*', 'a?', 'a[b]'].map(isGlob)).toEqual([false, true, true, true]);
    expect(globToRegExp('a*')).toBe(globToRegExp('a*'));
  });

  it('mean the same in a repository, after both sides are cleaned', () => {
    expect(matchesRepoGlob('./shared//a/b.txt', 'shared/**/')).toBe(true);
    expect(matchesRepoGlob(']', './[]a]')).toBe(true);
  });
});
