// Where an oci-archive is written and where temporary directories are made: a path that cannot take them (an
// existing directory, a missing or file parent, a TMPDIR that is missing or a file) is a ShipError naming the path
// and the fix, found before the conversion where it can be, and no half-written archive is left beside it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runConvert } from '../../src/commands/convert.js';
import { convertImage } from '../../src/estargz/image.js';
import { openImage, packOciArchive } from '../../src/oci/archive.js';
import { OciLayout } from '../../src/oci/layout.js';
import { archiveOf, writeOneLayerImage } from '../helpers/one-layer-image.js';
import { shipFailure } from '../helpers/ship-failure.js';
import { buildTar } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'archive-output-'));
const savedTmpdir = process.env.TMPDIR;
afterEach(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const source = join(work, 'source');
writeOneLayerImage(source, buildTar([{ name: 'app/main', data: 'main' }]));
const aFile = join(work, 'a-file');
writeFileSync(aFile, 'not a directory');
const silent = { stdout: () => {}, stderr: () => {} };

function convert(src: string, dst: string, options: Record<string, string> = {}) {
  return runConvert({ command: 'convert', positionals: [src, dst], options, inputs: {}, json: false } as never, silent as never);
}

describe('an oci-archive output that cannot be written', () => {
  it('an existing directory is refused before the conversion, naming it and the fix', async () => {
    const dir = join(work, 'existing-dir');
    mkdirSync(dir);
    // The TMPDIR the conversion would stage in: nothing is made there when the output is refused first.
    const staging = mkdtempSync(join(work, 'tmp-'));
    process.env.TMPDIR = staging;
    const error = await shipFailure(convert(`oci:${source}`, `oci-archive:${dir}`));
    expect(error.message).toBe(`the oci-archive output ${dir} is a directory`);
    expect(error.hint).toBe(`give the path of the archive file to write (such as ${join(dir, 'image.tar')}), or write a layout there with oci:${dir}`);
    expect(readdirSync(staging)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a missing directory, or a file where its directory should be, is named', async () => {
    const missing = join(work, 'no-such-dir', 'image.tar');
    const error = await shipFailure(convert(`oci:${source}`, `oci-archive:${missing}`));
    expect(error.message).toBe(`the oci-archive output ${missing} cannot be written: its directory ${join(work, 'no-such-dir')} does not exist`);
    expect(error.hint).toBe(`create the directory ${join(work, 'no-such-dir')} first, or give another path`);

    const underFile = join(aFile, 'image.tar');
    expect((await shipFailure(convert(`oci:${source}`, `oci-archive:${underFile}`))).message).toBe(
      `the oci-archive output ${underFile} cannot be written: its directory ${aFile} is not a directory`,
    );
    const deeper = join(aFile, 'sub', 'image.tar');
    expect((await shipFailure(convert(`oci:${source}`, `oci-archive:${deeper}`))).message).toBe(
      `the oci-archive output ${deeper} cannot be written: its directory ${join(aFile, 'sub')} is not a directory: a part of its path is a file`,
    );
  });

  it('a directory made at the path while packing (the final rename fails) is named, and no temporary file is left', async () => {
    const parent = mkdtempSync(join(work, 'pack-'));
    const target = join(parent, 'image.tar');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    const error = await shipFailure(packOciArchive(source, target));
    expect(error.message).toBe(`the oci-archive output ${target} is a directory`);
    expect(readdirSync(parent)).toEqual(['image.tar']);
    expect(readdirSync(target)).toEqual(['keep']);

    const underFile = join(aFile, 'image.tar');
    expect((await shipFailure(packOciArchive(source, underFile))).message).toBe(
      `the oci-archive output ${underFile} cannot be written: its directory ${aFile} is not a directory`,
    );
  });

  it('an archive is still written where it can be, over an older file', async () => {
    const file = join(mkdtempSync(join(work, 'ok-')), 'image.tar');
    writeFileSync(file, 'an older archive');
    expect(await convert(`oci:${source}`, `oci-archive:${file}`)).toBe(0);
    const image = await openImage({ transport: 'oci-archive', path: file, ref: undefined });
    await image.close();
  });
});

describe('a temporary directory that cannot be made', () => {
  const archive = join(work, 'source.tar');
  writeFileSync(archive, archiveOf(source));

  it('under a TMPDIR that is missing or a file: named, with the fix', async () => {
    const missing = join(work, 'no-such-tmp');
    for (const [tmp, problem] of [
      [missing, 'does not exist'],
      [aFile, 'is not a directory, or a part of its path is a file where a directory was expected'],
    ] as const) {
      process.env.TMPDIR = tmp;
      for (const call of [
        // The staging layout of an archive output, and the unpacked archive of an archive input.
        () => convert(`oci:${source}`, `oci-archive:${join(work, 'out.tar')}`),
        () => openImage({ transport: 'oci-archive', path: archive, ref: undefined }),
      ]) {
        const error = await shipFailure(call());
        expect(error.message).toBe(`cannot create a temporary directory: ${tmp} ${problem}`);
        expect(error.hint).toBe('point TMPDIR at a writable directory, or unset it');
      }
    }
  });

  it('under the directory a caller gives (the spool of a reordered layer): named, with the fix', async () => {
    const layout = await OciLayout.open(source);
    const missing = join(work, 'no-such-work-dir');
    const error = await shipFailure(
      convertImage(layout, await layout.resolve('latest'), await OciLayout.create(join(work, 'spool-out')), { prefetch: ['app/main'], tempDir: missing }),
    );
    expect(error.message).toContain(`cannot create a temporary directory: ${missing} does not exist`);
    expect(error.hint).toBe(`make ${missing} a writable directory`);
  });

  it('is a user error from the CLI (exit 1), not an internal error with a stack', () => {
    const result = spawnSync(process.execPath, ['dist/cli.js', 'convert', `oci-archive:${archive}`, `oci:${join(work, 'cli-out')}`], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: join(work, 'no-such-tmp') },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot create a temporary directory: ${join(work, 'no-such-tmp')} does not exist`);
    expect(result.stderr).not.toContain('internal error');
  });
});
