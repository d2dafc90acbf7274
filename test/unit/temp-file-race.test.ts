// A write that fails leaves no temporary file, also when it fails before its file is open: the pipeline settles at
// once, while the file stream is still opening, and a removal made then runs before the open makes the file. The
// race needs two threads of libuv's pool to overlap, so each case is run in bursts of concurrent failures (the old
// code left a file in blobs/sha256 in every one of four runs); the removal now waits for the stream to close.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packOciArchive } from '../../src/oci/archive.js';
import { OciLayout } from '../../src/oci/layout.js';

const work = mkdtempSync(join(tmpdir(), 'temp-file-race-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BURST = 50;

/** A source that fails before it yields anything. */
function failing(): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        await Promise.resolve();
        throw new Error('the source failed');
      },
    }),
  };
}

/** Runs `call` `rounds` times BURST at once, each expected to fail; then waits a moment for late files to appear. */
async function bursts(rounds: number, call: (i: number) => Promise<unknown>): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    const results = await Promise.allSettled(Array.from({ length: BURST }, (_, i) => call(round * BURST + i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}

describe('temporary files of failed writes', () => {
  it('a blob written from a source that fails at once leaves nothing in blobs/sha256', { timeout: 120_000 }, async () => {
    const layout = await OciLayout.create(join(work, 'layout'));
    // 7,500 failures: the old code left a file in each of several runs.
    await bursts(150, () => layout.writeBlobFrom(failing()));
    expect(readdirSync(join(layout.dir, 'blobs', 'sha256'))).toEqual([]);
  });

  it('an oci-archive whose layout cannot be read leaves no half-written archive beside it', { timeout: 120_000 }, async () => {
    // Not a layout (no blobs/): packing fails at its first read.
    const notLayout = join(work, 'not-a-layout');
    mkdirSync(notLayout);
    const out = join(work, 'archives');
    mkdirSync(out);
    await bursts(40, (i) => packOciArchive(notLayout, join(out, `image-${i}.tar`)));
    expect(readdirSync(out)).toEqual([]);
  });
});
