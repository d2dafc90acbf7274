// The TOC builder's streamed serialisation (entries stored as text, offsets filled in at the end, a large TOC spilled
// to a temporary file) against JSON.stringify, and the ordered compressor against one gzipSync per member.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressPool, OrderedCompressor } from '../../src/estargz/compress-pool.js';
import type { TarHeader } from '../../src/tar/header.js';
import { TocBuilder, type TocEntry } from '../../src/estargz/toc.js';

function header(name: string, fields: Partial<TarHeader> = {}): TarHeader {
  return {
    name,
    linkName: '',
    type: '0',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: 1600000000,
    uname: '',
    gname: '',
    devMajor: 0,
    devMinor: 0,
    xattrs: new Map(),
    pax: [],
    ...fields,
  };
}

/** Adds entries of every kind; returns them with the member each payload starts, as the writer would. */
function fill(toc: TocBuilder, files: number): Array<[TocEntry, number]> {
  const placed: Array<[TocEntry, number]> = [];
  let member = 0;
  const digest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;
  toc.add(header('dir/', { type: '5', mode: 0o755, uid: 1000, gid: 1000, uname: 'user', gname: 'users' }));
  toc.add(header('dir/link', { type: '2', linkName: 'target "quoted"\ttab' }));
  toc.add(header('dev/null', { type: '3', devMajor: 1, devMinor: 3 }));
  toc.add(
    header('dir/ünïcødé 名前 😀', {
      xattrs: new Map([
        ['user.a', Buffer.from('bar')],
        ['security.capability', Buffer.from([0, 1, 2])],
      ]),
    }),
  ).digest = digest(0);
  toc.seal();
  for (let i = 1; i <= files; i += 1) {
    const size = i % 7 === 0 ? 10 << 20 : 100 + i;
    const entry = toc.add(header(`dir/file-${i}-${'x'.repeat(i % 90)}`, { size }));
    entry.digest = digest(i);
    toc.place(entry, member);
    placed.push([entry, member]);
    member += 1;
    if (size > 4 << 20) {
      entry.chunkSize = 4 << 20;
      for (const chunkOffset of [4 << 20, 8 << 20]) {
        const chunk = toc.addChunk(entry.name, chunkOffset);
        if (chunkOffset === 4 << 20) chunk.chunkSize = 4 << 20;
        chunk.chunkDigest = digest(i + chunkOffset);
        toc.place(chunk, member);
        placed.push([chunk, member]);
        member += 2; // members that no entry names (header runs) are skipped, as in real layers
      }
    }
    entry.chunkDigest = digest(i);
    if (i % 500 === 0) toc.seal();
  }
  toc.seal();
  return placed;
}

// The spill file goes to os.tmpdir(), which follows TMPDIR: a directory of the test's own, to see it come and go.
const scratch = mkdtempSync(join(tmpdir(), 'estargz-toc-test-'));
const savedTmpdir = process.env.TMPDIR;
beforeAll(() => {
  process.env.TMPDIR = scratch;
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(scratch, { recursive: true, force: true });
});
const tocDirs = () => readdirSync(scratch).filter((name) => name.startsWith('estargz-spill-')).length;

describe('TOC builder', () => {
  it.each([
    ['a small TOC, kept in memory', 40],
    ['a TOC larger than its memory block, spilled to a file', 6000],
  ])('serialises %s exactly as JSON.stringify does', (_, files) => {
    const toc = new TocBuilder();
    const objects: TocEntry[] = [];
    const original = toc.add.bind(toc);
    toc.add = (h) => {
      const entry = original(h);
      objects.push(entry);
      return entry;
    };
    const originalChunk = toc.addChunk.bind(toc);
    toc.addChunk = (name, chunkOffset) => {
      const entry = originalChunk(name, chunkOffset);
      objects.push(entry);
      return entry;
    };
    const placed = fill(toc, files);
    const memberOffset = (member: number) => member * 1000 + 17;
    for (const [entry, member] of placed) entry.offset = memberOffset(member);
    const expected = JSON.stringify({ version: 1, entries: objects }, null, '\t');

    const pieces = [...toc.serialize(memberOffset, 4096)];
    expect(Buffer.concat(pieces).toString()).toBe(expected);
    expect(pieces.length).toBeGreaterThan(1);
    expect(toc.serializedLength(memberOffset)).toBe(Buffer.byteLength(expected));
    expect(toc.count).toBe(objects.length);
    expect(tocDirs()).toBe(files > 1000 ? 1 : 0);
    toc.close();
    expect(tocDirs()).toBe(0);
  });

  it('spills under the directory it is given, not the system temporary directory', () => {
    const given = mkdtempSync(join(scratch, 'given-'));
    const toc = new TocBuilder({ tempDir: given });
    fill(toc, 6000);
    expect(readdirSync(given).filter((name) => name.startsWith('estargz-spill-'))).toHaveLength(1);
    expect(tocDirs()).toBe(0);
    toc.close();
    expect(readdirSync(given)).toEqual([]);
  });

  it('serialises an empty TOC', () => {
    const toc = new TocBuilder();
    expect(Buffer.concat([...toc.serialize(() => 0)]).toString()).toBe(JSON.stringify({ version: 1, entries: [] }, null, '\t'));
    toc.close();
  });
});

describe('ordered compressor', () => {
  const pool = new CompressPool(2);
  afterAll(() => pool.close());

  it.each([0, 1, 6, 9])('at level %i writes one gzip member per input member, in order, with their offsets', async (level) => {
    const sizes = [1, 0, 100, 4095, 4096, 70_000, 5 << 20, 3, 1 << 20, 2 << 20, 10];
    const members = sizes.map((size, i) => (i % 2 ? randomBytes(size) : Buffer.alloc(size, i)));
    const compressor = new OrderedCompressor(pool, level);
    const out: Buffer[] = [];
    for (const data of members.filter((m) => m.length > 0)) {
      // Members arrive in parts, as the writer hands them over.
      compressor.add([data.subarray(0, data.length >> 1), data.subarray(data.length >> 1)]);
      out.push(...(await compressor.take()));
    }
    out.push(...(await compressor.take(true)));
    const blob = Buffer.concat(out);
    const inputs = members.filter((m) => m.length > 0);
    expect(compressor.memberOffsets).toHaveLength(inputs.length);
    expect(compressor.compressedBytes).toBe(blob.length);
    inputs.forEach((data, i) => {
      const member = blob.subarray(compressor.memberOffsets[i], compressor.memberOffsets[i + 1] ?? blob.length);
      expect(member[9]).toBe(0xff);
      expect(gunzipSync(member).equals(data)).toBe(true);
      // Deflate's compressed blocks do not depend on the output buffer; stored blocks (level 0) do, so only the
      // content is compared there.
      if (level > 0) expect(member.subarray(10).equals(gzipSync(data, { level }).subarray(10))).toBe(true);
    });
    expect(gunzipSync(blob).equals(Buffer.concat(members))).toBe(true);
  });

  it('gives every member the bytes it has alone, whatever the worker compressed before it', async () => {
    // One worker, so each small member follows a large one there: a zlib stream only reset between members gives
    // some small members other bytes after a large one (text like this), so each needs a stream of its own.
    const single = new CompressPool(1);
    let seed = 1;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const words = Array.from({ length: 500 }, () => Array.from({ length: 3 + (next() % 8) }, () => String.fromCharCode(97 + (next() % 26))).join(''));
    const text = (length: number) => {
      let made = '';
      while (made.length < length) made += `${words[next() % words.length]}${next() % 10 === 0 ? '\n' : ' '}`;
      return Buffer.from(made.slice(0, length));
    };
    const large = text(4 << 20);
    const small = text(16 * 6000);
    try {
      for (const level of [0, 6]) {
        const compressor = new OrderedCompressor(single, level);
        const inputs: Buffer[] = [];
        const out: Buffer[] = [];
        for (let pair = 0; pair < 16; pair += 1) {
          const at = pair * 6000;
          for (const data of [large, small.subarray(at, at + 1000 + (next() % 5000))]) {
            inputs.push(data);
            compressor.add([data]);
            out.push(...(await compressor.take()));
          }
        }
        out.push(...(await compressor.take(true)));
        const blob = Buffer.concat(out);
        inputs.forEach((data, i) => {
          const member = blob.subarray(compressor.memberOffsets[i], compressor.memberOffsets[i + 1] ?? blob.length);
          // As a member was always made: gzipSync with room for the worst case (which decides level 0's blocks).
          const alone = gzipSync(data, { level, chunkSize: Math.max(4096, data.length + (data.length >> 10) + 1024) });
          alone[9] = 0xff;
          expect(member.equals(alone), `level ${level}, member ${i} (${data.length} bytes)`).toBe(true);
        });
      }
    } finally {
      await single.close();
    }
  }, 120_000);
});
