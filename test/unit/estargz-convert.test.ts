// The layer converter against the upstream conformance checks (reference estargz.md §9): USTAR, PAX and GNU inputs
// with awkward names, every entry type, chunking, the member layout, TOC fields, landmarks, prefetch order,
// determinism and pass-through of layers that already are eStargz.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { verifyLayerBlob } from '../../src/estargz/verify.js';
import { parseFooter } from '../../src/estargz/footer.js';
import { awkwardEntries, buildTar, payload, type Format } from '../helpers/tar-builder.js';
import { closePool, convertBuffer, gunzip, listTar, memberOffsets } from '../helpers/estargz.js';

const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const LANDMARK_DIGEST = 'sha256:dc0e9c3658a1a3ed1ec94274d8b19925c93e1abb7ddba294923ad9bde30f8cb8';

afterAll(closePool);

describe.each<Format>(['ustar', 'pax', 'gnu'])('%s input', (format) => {
  // Absolute names ("/" prefix) are refused: see estargz-unsafe.test.ts.
  it.each(['', './'])('with names prefixed %j converts losslessly into valid eStargz', async (prefix) => {
    const entries = awkwardEntries(prefix, format);
    const input = buildTar(entries, format);
    const out = await convertBuffer(input, { chunkSize: 4096 });

    // The verifier accepts it, and the annotations/diff_id agree with plain gunzip.
    const report = await verifyLayerBlob(out.path, { annotations: out.annotations, diffId: out.diffId });
    expect(report.defects).toEqual([]);
    const tar = gunzip(out.blob);
    expect(out.diffId).toBe(sha(tar));
    expect(out.uncompressedSize).toBe(tar.length);

    // Same entries and payloads, plus the landmark first and the TOC last.
    const listed = await listTar(tar);
    expect(listed.map((e) => e.name)).toEqual(['.no.prefetch.landmark', ...entries.map((e) => e.name), 'stargz.index.json']);
    for (const entry of entries) {
      const got = listed.find((e) => e.name === entry.name);
      expect(got?.data.equals(Buffer.from(entry.data ?? '')), entry.name).toBe(true);
    }

    // TOC fields with the reference's names and omit-if-zero rules.
    const byName = (name: string) => out.toc.entries.filter((e) => e.name === `${prefix}${name}`);
    expect(out.toc.entries[0]).toEqual({
      name: '.no.prefetch.landmark',
      type: 'reg',
      size: 1,
      offset: expect.any(Number),
      digest: LANDMARK_DIGEST,
      chunkDigest: LANDMARK_DIGEST,
    });
    const big = byName('etc/big.bin');
    expect(big.map((e) => [e.type, e.chunkOffset, e.chunkSize])).toEqual([
      ['reg', undefined, 4096],
      ['chunk', 4096, 4096],
      ['chunk', 8192, undefined],
    ]);
    const bigData = payload(10_000, 2);
    expect(big[0]?.digest).toBe(sha(bigData));
    expect(big.map((e) => e.chunkDigest)).toEqual([sha(bigData.subarray(0, 4096)), sha(bigData.subarray(4096, 8192)), sha(bigData.subarray(8192))]);
    expect(byName('etc/exact.bin').map((e) => e.chunkSize)).toEqual([4096, 4096]);
    expect(byName('etc/empty')).toEqual([{ name: `${prefix}etc/empty`, type: 'reg', modtime: '2020-09-13T12:26:40Z', mode: 420, digest: sha('') }]);
    expect(byName('epoch')[0]?.modtime).toBeUndefined();
    expect(byName('etc/link')[0]).toMatchObject({ type: 'symlink', linkName: '../bin/hello' });
    expect(byName('etc/hard')[0]).toMatchObject({ type: 'hardlink', linkName: `${prefix}bin/hello` });
    expect(byName('etc/hard')[0]?.size).toBeUndefined();
    expect(byName('opt/')[0]?.mode).toBe(0o1777);
    expect(byName('opt/setuid')[0]).toMatchObject({ mode: 0o4755, uid: 1000, gid: 1000, userName: 'user', groupName: 'users' });
    expect(byName('dev/null2')[0]).toMatchObject({ type: 'char', devMajor: 1, devMinor: 3 });
    expect(byName('dev/loop9')[0]).toMatchObject({ type: 'block', devMajor: 7, devMinor: 9 });
    expect(byName('fifo')[0]?.type).toBe('fifo');
    expect(byName('opt/unicode-ünï-日本.txt')).toHaveLength(1);
    if (format !== 'ustar') expect(out.toc.entries.some((e) => e.name.endsWith('-long-name.txt') && e.name.length > 150)).toBe(true);
    if (format === 'pax') {
      expect(byName('opt/xattr.txt')[0]?.xattrs).toEqual({ 'user.foo': 'YmFy', 'user.bin': '/wAB' });
      expect(byName('opt/frac')[0]?.modtime).toBe('2020-09-13T12:26:41Z');
    }
    // Only the first entry with a given uid carries the user name.
    expect(out.toc.entries.filter((e) => e.userName === 'root')).toHaveLength(1);

    // Members: byte 0, one per chunk (every chunk of every non-empty file, the landmark too), and the TOC.
    const chunks = out.toc.entries.filter((e) => e.offset !== undefined);
    const offsets = memberOffsets(out.blob);
    expect(offsets).toEqual([0, ...chunks.map((e) => e.offset), parseFooter(out.blob)?.tocOffset]);
    expect(new Set(chunks.map((e) => e.offset)).size).toBe(chunks.length);
    expect(out.blob.subarray(-51).toString('latin1', 32, 38)).toBe('STARGZ');
  });
});

describe('layer converter', () => {
  const entries = awkwardEntries('./', 'pax');
  const input = buildTar(entries, 'pax');

  it('is deterministic, and the input compression does not matter', async () => {
    const a = await convertBuffer(input);
    const b = await convertBuffer(input);
    const c = await convertBuffer(gzipSync(input, { level: 1 }));
    const d = await convertBuffer(Buffer.concat([gzipSync(input.subarray(0, 5000)), gzipSync(input.subarray(5000))]));
    expect(b.digest).toBe(a.digest);
    expect(c.digest).toBe(a.digest);
    expect(d.digest).toBe(a.digest);
    expect(b.tocDigest).toBe(a.tocDigest);
  });

  it('chunks at the default 4 MiB and honours the compression level', async () => {
    const big = payload(9 * 1024 * 1024, 7);
    const tar = buildTar([{ name: 'big', data: big }]);
    const fast = await convertBuffer(tar, { chunkSize: 4 << 20, level: 1 });
    const small = await convertBuffer(tar, { chunkSize: 4 << 20, level: 9 });
    const stored = await convertBuffer(tar, { chunkSize: 4 << 20, level: 0 });
    for (const out of [fast, small, stored]) {
      expect(out.toc.entries.filter((e) => e.name === 'big').map((e) => e.chunkOffset ?? 0)).toEqual([0, 4 << 20, 8 << 20]);
      expect((await verifyLayerBlob(out.path, { annotations: out.annotations, diffId: out.diffId })).defects).toEqual([]);
    }
    expect(small.size).toBeLessThan(fast.size);
    expect(stored.size).toBeGreaterThan(big.length);
    expect(fast.toc.entries.map((e) => e.chunkDigest)).toEqual(small.toc.entries.map((e) => e.chunkDigest));
  });

  it('passes a layer that already is eStargz through untouched', async () => {
    const first = await convertBuffer(input);
    const again = await convertBuffer(first.blob);
    expect(again.passedThrough).toBe(true);
    expect(again.digest).toBe(first.digest);
    expect(again.diffId).toBe(first.diffId);
    expect(again.uncompressedSize).toBe(first.uncompressedSize);
  });

  it('drops an old TOC and landmark when an eStargz layer is converted again (with a prefetch list)', async () => {
    const first = await convertBuffer(input);
    const again = await convertBuffer(first.blob, { prioritized: ['etc/big.bin'] });
    expect(again.passedThrough).toBe(false);
    const names = (await listTar(gunzip(again.blob))).map((e) => e.name);
    expect(names.filter((n) => n === 'stargz.index.json')).toHaveLength(1);
    expect(names.filter((n) => n.endsWith('landmark'))).toEqual(['.prefetch.landmark']);
  });

  it('writes prioritized files first, after their parents and hardlink targets, then .prefetch.landmark', async () => {
    const out = await convertBuffer(input, { prioritized: ['etc/big.bin', '/etc/hard', 'does/not/exist', 'etc/big.bin'] });
    expect((await verifyLayerBlob(out.path, { annotations: out.annotations, diffId: out.diffId })).defects).toEqual([]);
    const names = out.toc.entries.filter((e) => e.type !== 'chunk').map((e) => e.name);
    expect(names.slice(0, 7)).toEqual(['./etc/', './etc/big.bin', './bin/', './bin/hello', './etc/hard', '.prefetch.landmark', './etc/exact.bin']);
    expect(names).toHaveLength(entries.length + 1);
    const landmark = out.toc.entries.find((e) => e.name === '.prefetch.landmark');
    expect(landmark?.offset).toBeGreaterThan(out.toc.entries.find((e) => e.name === './bin/hello')?.offset ?? Infinity);
  });

  it('keeps the last of duplicate paths when it reorders', async () => {
    const tar = buildTar([
      { name: 'a', data: 'first' },
      { name: 'b', data: 'b' },
      { name: 'a', data: 'second' },
    ]);
    const out = await convertBuffer(tar, { prioritized: ['b'] });
    const listed = await listTar(gunzip(out.blob));
    expect(listed.map((e) => [e.name, e.data.toString()])).toEqual([
      ['b', 'b'],
      ['.prefetch.landmark', '\x0f'],
      ['a', 'second'],
      ['stargz.index.json', expect.any(String)],
    ]);
  });

  it('converts an empty layer into a TOC holding just the landmark', async () => {
    const out = await convertBuffer(Buffer.alloc(1024));
    expect(out.toc.entries.map((e) => e.name)).toEqual(['.no.prefetch.landmark']);
    expect((await verifyLayerBlob(out.path, { annotations: out.annotations })).defects).toEqual([]);
  });
});
