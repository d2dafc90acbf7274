// hashFiles gives each file's sha256 and size, whether it hashes on the calling thread (a few small files) or in
// worker threads (much data), and names the file it could not read either way.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashFiles } from '../../src/oci/hash-files.js';

const dir = mkdtempSync(join(tmpdir(), 'hash-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const contents = [Buffer.alloc(0), Buffer.from('hello'), Buffer.alloc(3 * 1024 * 1024 + 17, 7)];
const paths = contents.map((data, i) => {
  const path = join(dir, `f${i}`);
  writeFileSync(path, data);
  return path;
});
const expected = contents.map((data) => ({ digest: `sha256:${createHash('sha256').update(data).digest('hex')}`, size: data.length }));

describe('hashFiles', () => {
  it('hashes a few small files on this thread', async () => {
    expect(await hashFiles(paths)).toEqual(expected);
  });

  it('hashes in worker threads past the threshold, with the same answers in the same order', async () => {
    expect(await hashFiles(paths, 2, 0)).toEqual(expected);
  });

  it('names a file it cannot read, either way', async () => {
    // A directory has a size to add up, and fails when read; a missing file fails at once.
    const cases = [
      { path: join(dir, 'missing'), code: 'ENOENT' },
      { path: mkdtempSync(join(dir, 'directory-')), code: 'EISDIR' },
    ];
    for (const { path, code } of cases) {
      for (const workerBytes of [undefined, 0]) {
        const error = (await hashFiles([paths[1]!, path], 2, workerBytes).catch((e: unknown) => e)) as NodeJS.ErrnoException;
        expect(error.code).toBe(code);
        expect(error.path).toBe(path);
      }
    }
  });
});
