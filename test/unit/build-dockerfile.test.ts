import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBuildFiles } from '../../src/build/dockerfile.js';
import { layoutRefFor } from '../../src/build/types.js';
import { shipFailure as error } from '../helpers/ship-failure.js';

function tree(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'dockerfile-')));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('resolveBuildFiles', () => {
  it('finds Containerfile before Dockerfile, as the CLI does', async () => {
    const dir = tree({ Dockerfile: '', Containerfile: '' });
    expect(await resolveBuildFiles(dir, undefined)).toEqual({ context: dir, dockerfile: join(dir, 'Containerfile') });
    const only = tree({ Dockerfile: '' });
    expect((await resolveBuildFiles(only, undefined)).dockerfile).toBe(join(only, 'Dockerfile'));
  });

  it('uses the file input relative to the context', async () => {
    const dir = tree({ 'docker/web.Dockerfile': '' });
    expect((await resolveBuildFiles(dir, 'docker/web.Dockerfile')).dockerfile).toBe(join(dir, 'docker/web.Dockerfile'));
  });

  it("says there is no Dockerfile in the CLI's words, adapted to the file input", async () => {
    const dir = tree({ 'README.md': '' });
    const e = await error(resolveBuildFiles(dir, undefined));
    expect(e.message).toBe(`no Dockerfile or Containerfile found in the context ${dir}; add one or set the file input`);
    expect(e.input).toBe('file');
    expect((await error(resolveBuildFiles(dir, 'Nope'))).message).toBe(`Dockerfile does not exist: ${join(dir, 'Nope')}`);
  });

  it('refuses a file outside the context, by path or by link', async () => {
    const outside = tree({ Dockerfile: '' });
    const dir = tree({});
    expect((await error(resolveBuildFiles(dir, '../Dockerfile'))).message).toBe('file must stay inside the context');
    expect((await error(resolveBuildFiles(dir, '/etc/passwd'))).message).toBe('file must be relative to the context');
    symlinkSync(join(outside, 'Dockerfile'), join(dir, 'Dockerfile'));
    expect((await error(resolveBuildFiles(dir, 'Dockerfile'))).message).toBe('file must stay inside the context');
    expect((await error(resolveBuildFiles(dir, undefined))).message).toBe('file must stay inside the context');
  });

  it('refuses a context that is not a directory', async () => {
    expect((await error(resolveBuildFiles('/no/such/context', undefined))).message).toBe('context /no/such/context is not a directory');
  });
});

describe('layoutRefFor', () => {
  it('names the image in the layout by its tag', () => {
    expect(layoutRefFor('reg:5000/a/b:v1.2')).toBe('v1.2');
    expect(layoutRefFor('reg:5000/a/b')).toBe('latest');
  });
});
