// Prefetch lists resolved in the merged filesystem as the container sees it: the last layer with an entry wins,
// whiteouts and opaque directories hide what is below, symlinks are followed (relative, absolute, in the middle of
// a path, at its end) with Linux's bound of 40, `..` is taken physically and never climbs above the root, and the
// links on the way are prefetched with the entry they lead to, each in the layer that shows it.
import { describe, expect, it } from 'vitest';
import type { LayerEntry, LayerListing } from '../../src/estargz/layer-facts.js';
import { attributePrefetch, describeMiss } from '../../src/estargz/prefetch.js';

/** `dir/` a directory, `a -> b` a symlink, `a => b` a hardlink, anything else a regular file. */
function entry(spec: string): LayerEntry {
  const link = /^(.*?) (->|=>) (.*)$/.exec(spec);
  if (link) return { path: link[1] as string, kind: link[2] === '->' ? 'symlink' : 'hardlink', linkName: link[3] as string };
  if (spec.endsWith('/')) return { path: spec.slice(0, -1), kind: 'dir' };
  return { path: spec, kind: 'reg' };
}

/** Listings of the layers that count how often each is read. */
function listings(layers: readonly (readonly string[])[]): { layers: LayerListing[][]; reads: number[] } {
  const reads = layers.map(() => 0);
  return {
    reads,
    layers: layers.map((specs, i) => [
      async function* () {
        reads[i] = (reads[i] ?? 0) + 1;
        for (const spec of specs) yield entry(spec);
      },
    ]),
  };
}

async function attribute(layers: readonly (readonly string[])[], patterns: readonly string[], maxKeptLinks?: number) {
  const given = listings(layers);
  const result = await attributePrefetch(patterns, given.layers, maxKeptLinks);
  return { ...result, reads: given.reads };
}

/** A Debian-like merged-/usr base: /bin, /lib, /lib64 and /sbin link into /usr; ld.so is reached through two links. */
const MERGED_USR = [
  'bin -> usr/bin',
  'lib -> usr/lib',
  'lib64 -> usr/lib64',
  'sbin -> usr/sbin',
  'usr/',
  'usr/bin/',
  'usr/bin/python3.11',
  'usr/bin/python3 -> python3.11',
  'usr/bin/py => usr/bin/python3.11',
  'usr/lib/',
  'usr/lib/x86_64-linux-gnu/',
  'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
  'usr/lib/x86_64-linux-gnu/libc.so.6',
  'usr/lib/x86_64-linux-gnu/libm.so.6',
  'usr/lib/x86_64-linux-gnu/libz.so.1 -> libz.so.1.2.13',
  'usr/lib/x86_64-linux-gnu/libz.so.1.2.13',
  'usr/lib/x86_64-linux-gnu/gone.so -> nowhere.so',
  'usr/lib64/',
  'usr/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
  'usr/share/',
  'usr/share/zoneinfo',
  'etc/',
  'etc/passwd',
];
const APP = ['app/', 'app/main', 'app/python -> /bin/python3', 'app/libs -> ../lib/x86_64-linux-gnu'];

describe('prefetch paths on a merged-/usr image', () => {
  it('follows /lib, /bin and /lib64 into /usr, prefetching the links on the way and the file they lead to', async () => {
    const result = await attribute(
      [MERGED_USR, APP],
      ['/lib/x86_64-linux-gnu/libc.so.6', '/bin/python3', '/lib64/ld-linux-x86-64.so.2', '/app/python', '/app/main', '/bin/py'],
    );
    expect(result.perLayer).toEqual([
      [
        'lib',
        'usr/lib/x86_64-linux-gnu/libc.so.6',
        'bin',
        'usr/bin/python3',
        'usr/bin/python3.11',
        'lib64',
        'usr/lib64/ld-linux-x86-64.so.2',
        'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
        'usr/bin/py',
      ],
      ['app/python', 'app/main'],
    ]);
    // Files with content: libc, python3.11, ld.so and the hardlink py below; app/main above. Links are not files.
    expect(result.files).toEqual([4, 1]);
    expect(result.missing).toEqual([]);
    // Plain paths need one reading of each layer.
    expect(result.reads).toEqual([1, 1]);
  });

  it('matches globs through the links: /lib/... lists /usr/lib/..., a matched link brings its target, a dangling one nothing', async () => {
    const result = await attribute([MERGED_USR, APP], ['/lib/x86_64-linux-gnu/lib*.so*', '/app/libs/libm.*', '/lib/x86_64-linux-gnu/gone.*']);
    expect(result.perLayer).toEqual([
      [
        'lib',
        'usr/lib/x86_64-linux-gnu/libc.so.6',
        'usr/lib/x86_64-linux-gnu/libm.so.6',
        'usr/lib/x86_64-linux-gnu/libz.so.1',
        'usr/lib/x86_64-linux-gnu/libz.so.1.2.13',
        'usr/lib/x86_64-linux-gnu/gone.so',
      ],
      ['app/libs'],
    ]);
    expect(result.missing).toEqual([]);
    // The globs as written match nothing: once the links are known, the layers are read again for their real form.
    expect(result.reads).toEqual([2, 2]);
  });

  it('follows a link that a wildcard segment matches whole, not one that ** passes over', async () => {
    const layers = [
      ['usr/', 'usr/lib/', 'usr/lib/real/', 'usr/lib/real/libc.so.6', 'usr/lib/current -> real', 'usr/lib/real/self -> .', 'opt/', 'opt/x -> /usr/lib'],
    ];
    expect((await attribute(layers, ['/opt/*/real/libc.so.6'])).perLayer).toEqual([['opt/x', 'usr/lib/real/libc.so.6']]);
    expect((await attribute(layers, ['/usr/**/libc.so.6'])).perLayer).toEqual([['usr/lib/real/libc.so.6']]);
    expect((await attribute(layers, ['/usr/lib/current/*.so.6'])).perLayer).toEqual([['usr/lib/current', 'usr/lib/real/libc.so.6']]);
  });

  it('names a path that no layer holds, with the real path it resolves to', async () => {
    const result = await attribute([MERGED_USR], ['/lib/x86_64-linux-gnu/libnope.so', '/etc/nope', '/etc/passwd/x']);
    expect(result.missing).toEqual([
      { pattern: '/lib/x86_64-linux-gnu/libnope.so', reason: 'missing', path: 'usr/lib/x86_64-linux-gnu/libnope.so' },
      { pattern: '/etc/nope', reason: 'missing', path: 'etc/nope' },
      { pattern: '/etc/passwd/x', reason: 'not-a-directory', path: 'etc/passwd' },
    ]);
    expect(result.missing.map(describeMiss)).toEqual([
      'prefetch path "/lib/x86_64-linux-gnu/libnope.so" is in no layer of the image (it resolves to /usr/lib/x86_64-linux-gnu/libnope.so)',
      'prefetch path "/etc/nope" is in no layer of the image',
      'prefetch path "/etc/passwd/x" cannot be reached: /etc/passwd is not a directory',
    ]);
    // Nothing is placed for a path that leads nowhere, not even the links on the way.
    expect(result.perLayer).toEqual([[]]);
  });

  it('takes a path recorded from a process as it is, even with glob characters in it', async () => {
    const layers = [[...MERGED_USR, 'usr/share/[x]', 'usr/share/x']];
    const given = listings(layers);
    const result = await attributePrefetch([{ opened: '/usr/share/[x]' }, { opened: '/lib/x86_64-linux-gnu/libc.so.6' }, '/usr/share/[x]'], given.layers);
    expect(result.perLayer).toEqual([['usr/share/[x]', 'lib', 'usr/lib/x86_64-linux-gnu/libc.so.6', 'usr/share/x']]);
  });

  it('takes .. after the link it follows, and never climbs above the root', async () => {
    const layers = [[...MERGED_USR, 'usr/lib/x86_64-linux-gnu/up -> ../../../../../../usr/share/zoneinfo', 'etc/abs -> /../../etc/passwd']];
    const result = await attribute(layers, ['/lib/x86_64-linux-gnu/../../share/zoneinfo', '/../../../etc/passwd', '/lib/x86_64-linux-gnu/up', '/etc/abs']);
    expect(result.missing).toEqual([]);
    expect(result.perLayer).toEqual([['lib', 'usr/share/zoneinfo', 'etc/passwd', 'usr/lib/x86_64-linux-gnu/up', 'etc/abs']]);
  });
});

describe('prefetch paths and loops', () => {
  it('gives up after 40 links, as Linux does (ELOOP), and says where', async () => {
    const layers = [
      ['a -> b', 'b -> a', 'self -> self', 'chain/', ...Array.from({ length: 41 }, (_, i) => `chain/l${i} -> l${i + 1}`), 'chain/l41', 'ok -> chain/l2'],
    ];
    const result = await attribute(layers, ['/a', '/a/x', '/self', '/chain/l0', '/ok', 'a/*']);
    expect(result.missing.map((m) => [m.pattern, m.reason])).toEqual([
      ['/a', 'loop'],
      ['/a/x', 'loop'],
      ['/self', 'loop'],
      ['/chain/l0', 'loop'],
    ]);
    expect(describeMiss(result.missing[2]!)).toBe('prefetch path "/self" cannot be reached: it follows more than 40 symbolic links (a loop) at /self');
    // 40 links are fine: /ok passes 1 + 39 of them. The looping glob finds nothing and stops.
    expect(result.perLayer[0]?.slice(-3)).toEqual(['chain/l39', 'chain/l40', 'chain/l41']);
    expect(result.perLayer[0]?.[0]).toBe('ok');
  });
});

describe('prefetch paths across layers', () => {
  const layers = [
    ['bin', 'bin/sh', 'etc', 'etc/a.conf', 'etc/b.conf', 'old', 'old/x', 'opt', 'opt/y'],
    ['etc', 'etc/a.conf', 'etc/.wh.b.conf', '.wh.old', 'opt/.wh..wh..opq', 'opt/z', 'app', 'app/main'],
    ['app', 'app/main', 'app/.wh.gone'],
  ].map((layer) => layer.map((path) => (['bin', 'etc', 'old', 'opt', 'app'].includes(path) ? `${path}/` : path)));

  it('attributes each entry to the topmost layer that shows it, whiteouts and opaque directories hiding what is below', async () => {
    const result = await attribute(layers, ['/bin/sh', 'etc/*.conf', '/old/x', 'opt/**', '/app/main', '/missing']);
    expect(result.perLayer).toEqual([['bin/sh'], ['etc/a.conf', 'opt/z'], ['app/main']]);
    expect(result.missing.map((m) => m.pattern)).toEqual(['/old/x', '/missing']);
    expect(result.reads).toEqual([1, 1, 1]);
  });

  it('a whiteout of a link hides the path through it; a directory above a link replaces it', async () => {
    const upper = ['usr/', 'usr/bin/', 'usr/bin/.wh.python3.11', '.wh.lib', 'sbin/', 'sbin/init'];
    const result = await attribute(
      [MERGED_USR, upper],
      ['/bin/python3', '/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/sbin/init'],
    );
    expect(result.missing).toEqual([
      { pattern: '/bin/python3', reason: 'missing', path: 'usr/bin/python3.11' },
      { pattern: '/lib/x86_64-linux-gnu/libc.so.6', reason: 'missing', path: 'lib/x86_64-linux-gnu/libc.so.6' },
    ]);
    expect(result.perLayer).toEqual([['usr/lib/x86_64-linux-gnu/libc.so.6'], ['sbin/init']]);
  });

  it('an entry that is not a directory hides what lower layers have under its path', async () => {
    const result = await attribute([['data/', 'data/x', 'data/y'], ['data'], ['data/', 'data/y']], ['/data/x', '/data/y']);
    expect(result.missing.map((m) => m.pattern)).toEqual(['/data/x']);
    expect(result.perLayer).toEqual([[], [], ['data/y']]);
  });

  it('a directory no layer lists, but with entries under it, is a directory', async () => {
    const result = await attribute([['app/main', 'app/lib/x.so']], ['/app/main', '/app/lib/*.so']);
    expect(result.perLayer).toEqual([['app/main', 'app/lib/x.so']]);
  });

  it('reads the layers again for link targets beyond what it keeps, with the same result', async () => {
    const patterns = ['/lib/x86_64-linux-gnu/libc.so.6', '/app/python', '/lib64/ld-linux-x86-64.so.2'];
    const kept = await attribute([MERGED_USR, APP], patterns);
    const none = await attribute([MERGED_USR, APP], patterns, 0);
    expect(none.perLayer).toEqual(kept.perLayer);
    expect(none.missing).toEqual([]);
    expect(Math.max(...none.reads)).toBeGreaterThan(1);
  });

  it('falls back to the next listing of a layer when one fails, starting that layer afresh', async () => {
    const reads: number[] = [];
    const good = (specs: string[], i: number): LayerListing =>
      async function* () {
        reads[i] = (reads[i] ?? 0) + 1;
        for (const spec of specs) yield entry(spec);
      };
    const failing: LayerListing = async function* () {
      yield entry('old/x'); // an entry that, kept, would change the result
      throw new Error('the registry went away');
    };
    const patterns = ['/bin/sh', '/old/x'];
    const result = await attributePrefetch(
      patterns,
      layers.map((specs, i) => [failing, good(specs, i)]),
    );
    expect(result.perLayer).toEqual([['bin/sh'], [], []]);
    expect(result.missing.map((m) => m.pattern)).toEqual(['/old/x']);
    await expect(attributePrefetch(patterns, [[failing]])).rejects.toThrow('the registry went away');
  });
});
