// Mount subpaths resolved on the file system under their root: links that stay inside are followed, links that
// lead outside (absolute, climbing, or dangling) are refused with the path and the link named, and missing
// directories are made below the resolved path only.
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryUnder, existingUnder } from '../../sandbox/runtime/subpath.js';

let work: string;
let root: string;
let outside: string;

beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'subpath-')));
  root = join(work, 'root');
  outside = join(work, 'outside');
  mkdirSync(join(root, 'real', 'deep'), { recursive: true });
  mkdirSync(outside);
  symlinkSync('real', join(root, 'inside'));
  symlinkSync(outside, join(root, 'absolute'));
  symlinkSync('../outside', join(root, 'climbing'));
  symlinkSync('real/../../outside', join(root, 'sneaky'));
  symlinkSync(join(outside, 'missing'), join(root, 'dangling'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('existingUnder', () => {
  it('follows links that stay inside the root', () => {
    expect(existingUnder(root, 'inside/deep', 'm')).toBe(join(root, 'real', 'deep'));
    expect(existingUnder(root, '/inside/', 'm')).toBe(join(root, 'real'));
    expect(existingUnder(root, '', 'm')).toBe(root);
  });

  it('refuses links that lead outside, naming the link', () => {
    for (const link of ['absolute', 'climbing', 'sneaky'])
      expect(() => existingUnder(root, `${link}`, 'the mount at /d')).toThrow(
        new RegExp(`^the mount at /d: the subpath "${link}" leads outside ${root} through a symbolic link \\(${join(root, link)} -> ${outside}\\); refused$`),
      );
    expect(() => existingUnder(root, 'dangling/x', 'm')).toThrow(/goes through .*dangling, a symbolic link to nothing; refused/);
    expect(() => existingUnder(root, 'inside/../..', 'm')).toThrow(/leaves its source/);
  });

  it('says when the subpath is not there', () => {
    expect(() => existingUnder(root, 'real/nope', 'm')).toThrow(`m: the subpath "real/nope" does not exist (no ${join(root, 'real', 'nope')})`);
  });
});

describe('directoryUnder', () => {
  it('makes missing directories below the resolved path', () => {
    expect(directoryUnder(root, 'inside/made/here', 'm')).toBe(join(root, 'real', 'made', 'here'));
    expect(existsSync(join(root, 'real', 'made', 'here'))).toBe(true);
  });

  it('makes nothing outside through a link', () => {
    expect(() => directoryUnder(root, 'absolute/new', 'm')).toThrow(/leads outside/);
    expect(() => directoryUnder(root, 'dangling', 'm')).toThrow(/a symbolic link to nothing/);
    expect(existsSync(join(outside, 'new'))).toBe(false);
    expect(existsSync(join(outside, 'missing'))).toBe(false);
  });
});
