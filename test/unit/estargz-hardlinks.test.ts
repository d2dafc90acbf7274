// The verifier's hardlink rule (a hardlink's target is an entry earlier in the TOC), checked with the list of
// hardlinks spilled to a file and read back in batches: against a plain in-memory check on random TOCs, with batches
// small enough that every layer takes several, and with the spill file made and removed where it is told.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HardlinkCheck, type BatchLimits } from '../../src/estargz/hardlink-check.js';
import { cleanPath } from '../../src/estargz/toc.js';

interface Item {
  readonly name: string;
  readonly type: string;
  readonly linkName?: string;
}

const work = mkdtempSync(join(tmpdir(), 'hardlinks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The TOC as read-toc.ts gives it: arrays of entries, here `perRead` at a time. */
function reader(toc: readonly Item[], perRead: number): () => AsyncGenerator<readonly Item[]> {
  return async function* () {
    for (let at = 0; at < toc.length; at += perRead) yield toc.slice(at, at + perRead);
  };
}

async function defectsOf(toc: readonly Item[], limits?: BatchLimits, tempDir = work, perRead = 7): Promise<string[]> {
  const check = new HardlinkCheck(tempDir, limits);
  try {
    toc.forEach((e, index) => {
      if (e.type === 'hardlink' && e.linkName) check.add(index, e.name, e.linkName);
    });
    const defects: string[] = [];
    if (check.count > 0) await check.check(reader(toc, perRead), (m) => defects.push(m));
    return defects;
  } finally {
    check.close();
  }
}

/** The rule as the verifier had it: every link and the first place of every target in memory. */
function plainDefects(toc: readonly Item[]): string[] {
  const firstAt = new Map<string, number>();
  toc.forEach((e, index) => {
    const path = cleanPath(e.name);
    if (e.type !== 'chunk' && !firstAt.has(path)) firstAt.set(path, index);
  });
  return toc.flatMap((e, index) =>
    e.type === 'hardlink' && e.linkName && !((firstAt.get(cleanPath(e.linkName)) ?? Infinity) < index)
      ? [`TOC entry ${JSON.stringify(e.name)}: hardlink target ${JSON.stringify(e.linkName)} is not earlier in the TOC`]
      : [],
  );
}

describe('the hardlink check', () => {
  it('passes links to earlier entries, whatever spelling of the path, and names each link whose target is not earlier', async () => {
    const toc: Item[] = [
      { name: 'a/', type: 'dir' },
      { name: 'a/file', type: 'reg' },
      { name: 'a/file', type: 'chunk' },
      { name: 'a/same', type: 'hardlink', linkName: './a//file' },
      { name: 'a/early', type: 'hardlink', linkName: 'a/later' },
      { name: 'a/later', type: 'reg' },
      { name: 'a/self', type: 'hardlink', linkName: 'a/self' },
      { name: 'a/none', type: 'hardlink', linkName: 'nowhere' },
      { name: 'a/dir', type: 'hardlink', linkName: 'a' },
    ];
    const expected = [
      'TOC entry "a/early": hardlink target "a/later" is not earlier in the TOC',
      'TOC entry "a/self": hardlink target "a/self" is not earlier in the TOC',
      'TOC entry "a/none": hardlink target "nowhere" is not earlier in the TOC',
    ];
    expect(await defectsOf(toc)).toEqual(expected);
    // One link per batch, and batches cut by the bytes of their target names: the same answer.
    expect(await defectsOf(toc, { links: 1, bytes: 1 })).toEqual(expected);
    expect(await defectsOf(toc, { links: 100, bytes: 8 })).toEqual(expected);
  });

  it('agrees with the in-memory check on random TOCs, in batches of any size', async () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd/e', './a', 'd//e/', 'f', 'g/h');
    const item = fc.oneof(
      fc.record({ name, type: fc.constantFrom('reg', 'dir', 'symlink', 'chunk') }),
      fc.record({ name, type: fc.constant('hardlink'), linkName: name }),
    );
    const limits = fc.record({ links: fc.integer({ min: 1, max: 6 }), bytes: fc.integer({ min: 1, max: 12 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 40 }), limits, fc.integer({ min: 1, max: 5 }), async (toc, batch, perRead) => {
        expect(await defectsOf(toc, batch, work, perRead)).toEqual(plainDefects(toc));
      }),
      { numRuns: 300 },
    );
  });

  it('spills the list under the directory it is given, reads it back across blocks, and removes it at close', async () => {
    // 60,000 links of about 60 bytes each: more than the store's one block in memory (1 MiB).
    const toc: Item[] = [];
    for (let i = 0; i < 60_000; i += 1) {
      const name = `data/directory-${String(i).padStart(6, '0')}`;
      toc.push(i % 2 ? { name, type: 'hardlink', linkName: toc[i - 1]?.name ?? '' } : { name, type: 'reg' });
    }
    toc.push({ name: 'late/link', type: 'hardlink', linkName: 'data/directory-059999' });
    toc.push({ name: 'late/broken', type: 'hardlink', linkName: 'data/missing' });
    const dir = mkdtempSync(join(work, 'spill-'));
    const check = new HardlinkCheck(dir, { links: 7_000, bytes: 100_000 });
    toc.forEach((e, index) => {
      if (e.type === 'hardlink' && e.linkName) check.add(index, e.name, e.linkName);
    });
    expect(readdirSync(dir)).toHaveLength(1);
    const defects: string[] = [];
    await check.check(reader(toc, 1000), (m) => defects.push(m));
    check.close();
    expect(defects).toEqual(['TOC entry "late/broken": hardlink target "data/missing" is not earlier in the TOC']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('makes no file for a layer without hardlinks', async () => {
    const dir = mkdtempSync(join(work, 'none-'));
    expect(await defectsOf([{ name: 'a', type: 'reg' }], undefined, dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
