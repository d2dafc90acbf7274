// Memory does not grow with the number of files in a layer: the bundled CLI converts (with a prefetch list, which
// reorders the layer) and verifies a layer of 80,000 files with its JavaScript heap capped at 64 MiB. Holding the TOC
// takes about 1 KiB per entry (its JSON text and the parsed entries), so a converter or verifier that held it, or
// held every tar header, would need more than the cap and abort; the streaming ones need about 20 MiB whatever the
// layer holds. The same for a layer of 150,000 hardlinks with long names: the verifier spills the list of hardlinks
// to a file, where holding it (an object, two names and a map entry per link, about 300 bytes) would need more than
// the cap. Not timed:
// bench/many-files measures time and peak RSS on 600,000 files, and on 600,000 hardlinks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar, payload, type Entry } from '../helpers/tar-builder.js';

const FILES = 80_000;
const LINKS = 150_000;
const HEAP_MIB = 64;
const work = mkdtempSync(join(tmpdir(), 'bounded-memory-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function manyFiles(): Buffer {
  const entries: Entry[] = [
    { name: 'app/', type: '5' },
    { name: 'app/main', data: payload(20_000, 1), mode: 0o755 },
    { name: 'app/link', type: '1', linkName: 'app/main' },
    { name: 'data/', type: '5' },
  ];
  for (let f = 0; f < FILES; f += 1) {
    const dir = `data/d${String(Math.floor(f / 1000)).padStart(3, '0')}`;
    if (f % 1000 === 0) entries.push({ name: `${dir}/`, type: '5' });
    entries.push({ name: `${dir}/f${String(f).padStart(6, '0')}`, data: f % 100 === 0 ? `file ${f}\n` : '' });
  }
  return buildTar(entries, 'ustar');
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, 'dist/cli.js', ...args], { encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20 });
}

/**
 * `links` entries in directories of 1,000 (paths of about 80 characters): the first of each a file, every other a
 * hardlink to the one before it.
 */
function manyHardlinks(links: number): Buffer {
  const top = 'data/a-directory-name-long-enough-to-make-every-path-about-eighty-bytes';
  const entries: Entry[] = [{ name: `${top}/`, type: '5' }];
  for (let f = 0; f < links; f += 1) {
    const dir = `${top}/d${String(Math.floor(f / 1000)).padStart(3, '0')}`;
    const name = (n: number) => `${dir}/f${String(n).padStart(6, '0')}`;
    if (f % 1000 === 0) entries.push({ name: `${dir}/`, type: '5' }, { name: name(f), data: `file ${f}\n` });
    else entries.push({ name: name(f), type: '1', linkName: name(f - 1) });
  }
  return buildTar(entries, 'ustar');
}

describe(`a layer of ${FILES} files with the heap capped at ${HEAP_MIB} MiB`, () => {
  it('converts with a prefetch list and verifies', { timeout: 300_000 }, () => {
    writeImageLayout(join(work, 'in'), [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [manyFiles()], gzip: true }]);
    const converted = cli(['convert', `oci:${join(work, 'in')}`, `oci:${join(work, 'out')}`, '--prefetch', '/app/link', '--json']);
    expect(converted.status, converted.stderr).toBe(0);
    const layer = JSON.parse(converted.stdout).manifests[0].layers[0];
    // The landmark, app/, app/main, app/link, data/, 80 directories and the files.
    const entries = 5 + FILES / 1000 + FILES;
    expect(layer).toMatchObject({ entries, prioritized: ['app/link'] });

    const verified = cli(['verify', `oci:${join(work, 'out')}`]);
    expect(verified.status, verified.stderr + verified.stdout).toBe(0);
    expect(verified.stdout).toContain('every layer is valid eStargz');
    expect(verified.stdout).toContain(`(${entries} TOC entries)`);
  });
});

describe(`a layer of ${LINKS} hardlinks with the heap capped at ${HEAP_MIB} MiB`, () => {
  it('converts and verifies', { timeout: 300_000 }, () => {
    writeImageLayout(join(work, 'links'), [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [manyHardlinks(LINKS)], gzip: true }]);
    const converted = cli(['convert', `oci:${join(work, 'links')}`, `oci:${join(work, 'links-out')}`, '--json']);
    expect(converted.status, converted.stderr).toBe(0);
    // The landmark, the top directory, one directory per 1,000 and the entries.
    const entries = 2 + LINKS / 1000 + LINKS;
    expect(JSON.parse(converted.stdout).manifests[0].layers[0]).toMatchObject({ entries });

    const verified = cli(['verify', `oci:${join(work, 'links-out')}`]);
    expect(verified.status, verified.stderr + verified.stdout).toBe(0);
    expect(verified.stdout).toContain(`(${entries} TOC entries)`);
  });
});
