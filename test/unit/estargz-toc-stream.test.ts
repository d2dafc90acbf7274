// The pieces that keep memory flat in the number of files: the TOC JSON scanner (entries cut out one at a time),
// and the streamed gzip member (prefetch resolution over streamed listings: prefetch-resolve.test.ts).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { streamMember, GzipMemberError } from '../../src/estargz/gzip-member.js';
import { isTocEntry, TocEntrySchema } from '../../src/estargz/toc.js';
import { TocJsonError, TocJsonScanner } from '../../src/estargz/toc-json.js';
import { closePool, convertBuffer } from '../helpers/estargz.js';
import { awkwardEntries, buildTar } from '../helpers/tar-builder.js';

afterAll(closePool);

/** Scans `text` cut into pieces at `cuts`; returns the entries and the version. */
function scan(text: Buffer, cuts: number[]): { entries: unknown[]; version: unknown } {
  const scanner = new TocJsonScanner();
  const entries: unknown[] = [];
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    entries.push(...scanner.write(text.subarray(at, cut)));
    at = cut;
  }
  scanner.end();
  return { entries, version: scanner.version };
}

function scanError(text: string): string {
  try {
    scan(Buffer.from(text), []);
  } catch (error) {
    expect(error).toBeInstanceOf(TocJsonError);
    return (error as Error).message;
  }
  throw new Error('scanned without error');
}

describe('the TOC JSON scanner', () => {
  const awkward = JSON.stringify({
    entries: [
      { name: 'a "quoted" ]}[{ name\\', type: 'reg', xattrs: { 'user.x': 'e30=', 'user.y': '' }, size: 3 },
      { name: 'ünï/日本', type: 'dir', list: [1, [2, { deep: '}' }], null, true, false, -1.5e3] },
      {},
    ],
    other: { entries: 'not these', n: [1, 2] },
    version: 1,
  }).replace('"entries":[', ' \n\t"\\u0065ntries" :\r\n [ ');

  it('gives what JSON.parse gives, wherever the text is cut', () => {
    const text = Buffer.from(awkward);
    const { entries, version } = JSON.parse(awkward) as { entries: unknown[]; version: number };
    const whole = { entries, version };
    for (let cut = 0; cut <= text.length; cut += 1) expect(scan(text, [cut]), `cut at ${cut}`).toEqual(whole);
    expect(
      scan(
        text,
        Array.from({ length: text.length }, (_, i) => i),
      ),
    ).toEqual(whole);
  });

  it('reads a TOC the converter wrote, cut into random pieces', async () => {
    const { toc } = await convertBuffer(buildTar(awkwardEntries('', 'pax'), 'pax'), { chunkSize: 4096 });
    const text = Buffer.from(JSON.stringify(toc, null, '\t'));
    let seed = 7;
    const cuts: number[] = [];
    for (let at = 0; at < text.length;) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      at += 1 + (seed % 200);
      if (at < text.length) cuts.push(at);
    }
    expect(scan(text, cuts)).toEqual(toc);
  });

  it('refuses what is not a TOC object, saying where and never quoting the text', () => {
    expect(scanError('[1]')).toBe('the TOC is not JSON: it does not start with an object (at byte 0)');
    expect(scanError('{"version": 1, "entries": []} x')).toBe('the TOC is not JSON: something follows the TOC object (at byte 30)');
    expect(scanError('{"version": 1 "entries": []}')).toContain('a comma or the end of the object was expected (at byte 14)');
    expect(scanError('{"entries": [{}, ], "version": 1}')).toContain('an entry was expected');
    expect(scanError('{"entries": [{} {}]}')).toContain('a comma or the end of "entries" was expected');
    expect(scanError('{"entries": [], "entries": []}')).toContain('more than one "entries" member');
    expect(scanError('{"entries": {}}')).toContain('"entries" is not an array');
    expect(scanError('{"version" 1}')).toContain('a colon was expected after a member name');
    expect(scanError('{"entries": [{"name": "a"}')).toBe('the TOC is not JSON: the document ends early (at byte 26)');
    const bad = scanError('{"entries": [{"name": "secret-token-123", "x": tru}]}');
    expect(bad).toBe('the TOC is not JSON: the value at byte 13 does not parse');
    expect(bad).not.toContain('secret');
  });

  it('refuses one value larger than the bound instead of holding it', () => {
    const scanner = new TocJsonScanner();
    scanner.write(Buffer.from('{"entries": [{"name": "'));
    const piece = Buffer.alloc(1 << 20, 0x61);
    expect(() => {
      for (let i = 0; i < 20; i += 1) scanner.write(piece);
    }).toThrow(/a value is larger than \d+ bytes/);
  });
});

describe('the quick check of a TOC entry', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const anything = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 5 }),
    fc.double(),
    fc.constant(2 ** 60),
    fc.string(),
    fc.constant(digest),
    fc.constant([]),
    fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
  );
  const field = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: anything });
  const count = fc.nat({ max: 2 ** 40 });
  const entry = fc.record(
    {
      name: field(fc.string()),
      type: field(fc.constantFrom('dir', 'reg', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'chunk', 'other')),
      size: field(count),
      modtime: field(fc.string()),
      linkName: field(fc.string()),
      mode: field(count),
      uid: field(count),
      userName: field(fc.string()),
      offset: field(count),
      innerOffset: field(count),
      xattrs: field(fc.dictionary(fc.string(), fc.string())),
      digest: field(fc.constant(digest)),
      chunkOffset: field(count),
      chunkSize: field(count),
      chunkDigest: field(fc.oneof(fc.constant(digest), fc.constant(`sha256:${'A'.repeat(64)}`))),
      extra: anything,
    },
    { requiredKeys: [] },
  );

  it('accepts only what the schema accepts, and most of it', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 9, arbitrary: entry }, { weight: 1, arbitrary: anything }), (value) => {
        const json = JSON.parse(JSON.stringify(value ?? null)) as unknown; // as a TOC gives it
        const quick = isTocEntry(json);
        const schema = TocEntrySchema.safeParse(json).success;
        if (quick) accepted += 1;
        expect(quick && !schema).toBe(false);
        if (schema && json !== null && typeof json === 'object') expect(quick, JSON.stringify(json)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});

describe('a gzip member streamed from a blob', () => {
  // Incompressible bytes, so the member is larger than the first read.
  const data = Buffer.concat(Array.from({ length: 8000 }, (_, i) => createHash('sha256').update(String(i)).digest()));
  const member = gzipSync(data);
  const blob = Buffer.concat([Buffer.from('before'), member, Buffer.from('after')]);
  const reader = (bytes: Buffer) => ({ size: bytes.length, read: async (start: number, length: number) => bytes.subarray(start, start + length) });
  const inflate = async (bytes: Buffer, start: number, end: number, piece: number) => {
    const out: Buffer[] = [];
    for await (const chunk of streamMember(reader(bytes), start, end, piece)) out.push(chunk);
    return Buffer.concat(out);
  };
  const failure = async (bytes: Buffer, start: number, end: number) => {
    try {
      await inflate(bytes, start, end, 64);
    } catch (error) {
      expect(error).toBeInstanceOf(GzipMemberError);
      return error as GzipMemberError;
    }
    throw new Error('inflated without error');
  };

  it('inflates read in pieces of any size', async () => {
    expect(member.length).toBeGreaterThan(3 << 16); // more than the first read
    for (const piece of [1000, 4096, 1 << 16, 1 << 20])
      expect((await inflate(blob, 6, 6 + member.length, piece)).equals(data), `pieces of ${piece}`).toBe(true);
  });

  it('says what is wrong: bytes after it, cut short, a bad CRC, not gzip', async () => {
    expect(await failure(blob, 6, blob.length)).toMatchObject({ kind: 'trailing', bytesAfter: 5 });
    expect(await failure(blob, 6, 6 + member.length - 20)).toMatchObject({ kind: 'short' });
    const badCrc = Buffer.from(member);
    badCrc.writeUInt32LE((badCrc.readUInt32LE(member.length - 8) ^ 1) >>> 0, member.length - 8);
    expect((await failure(badCrc, 0, badCrc.length)).message).toBe('CRC32 mismatch (gzip member at byte 0)');
    expect((await failure(blob, 0, blob.length)).message).toBe('not a gzip header (gzip member at byte 0)');
  });
});
