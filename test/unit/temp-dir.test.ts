// The libraries' temporary files (a layer spooled for reordering, a large TOC's spill file, an unpacked image
// archive) go under the directory the caller gives: a run gives its work dir, so a forced exit, which removes the
// work dir, leaves nothing behind in the system's temporary directory. Without one, they go to os.tmpdir().
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertImage } from '../../src/estargz/image.js';
import { openImage } from '../../src/oci/archive.js';
import { OciLayout } from '../../src/oci/layout.js';
import { archiveOf, writeOneLayerImage } from '../helpers/one-layer-image.js';
import { buildTar, payload, type Entry } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'temp-dir-test-'));
// os.tmpdir() follows TMPDIR: a directory of the test's own, to see that nothing lands there.
const system = join(work, 'system-tmp');
const savedTmpdir = process.env.TMPDIR;
beforeAll(() => {
  mkdirSync(system);
  process.env.TMPDIR = system;
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(work, { recursive: true, force: true });
});

// Enough files for the TOC to spill (more than its one MiB in memory), and a large one for progress events.
const entries: Entry[] = [
  { name: 'big.bin', data: payload(3_000_000, 3) },
  { name: 'many/', type: '5' },
];
for (let i = 0; i < 6000; i += 1) entries.push({ name: `many/file-with-a-longish-name-${i}.txt`, data: `${i}` });
const tar = buildTar(entries);

describe('temporary files of the libraries', () => {
  it('of a conversion (the spooled layer, the TOC spill file) go under tempDir and are gone after', async () => {
    const source = join(work, 'source');
    writeOneLayerImage(source, tar);
    const layout = await OciLayout.open(source);
    const given = join(work, 'given-convert');
    mkdirSync(given);
    const seen = new Set<string>();
    await convertImage(layout, await layout.resolve('latest'), await OciLayout.create(join(work, 'out')), {
      prefetch: ['big.bin'],
      tempDir: given,
      onLayer: (event) => {
        if (event.kind === 'progress') for (const name of readdirSync(given)) seen.add(name.replace(/-[^-]+$/, '-'));
      },
    });
    expect([...seen].sort()).toEqual(['estargz-spill-', 'estargz-spool-']);
    expect(readdirSync(given)).toEqual([]);
    expect(readdirSync(system)).toEqual([]);
  });

  it('of an unpacked image archive go under tempDir, until the image is closed', async () => {
    const source = join(work, 'archived');
    writeOneLayerImage(source, buildTar([{ name: 'a.txt', data: 'a' }]));
    const file = join(work, 'image.tar');
    writeFileSync(file, archiveOf(source));
    const given = join(work, 'given-archive');
    mkdirSync(given);
    const image = await openImage({ transport: 'oci-archive', path: file, ref: undefined }, { tempDir: given });
    expect(readdirSync(given).map((name) => name.replace(/-[^-]+$/, '-'))).toEqual(['oci-image-']);
    expect(readdirSync(system)).toEqual([]);
    await image.close();
    expect(readdirSync(given)).toEqual([]);
  });

  it('go to the system temporary directory without tempDir', async () => {
    const file = join(work, 'image.tar');
    const image = await openImage({ transport: 'oci-archive', path: file, ref: undefined });
    expect(readdirSync(system).map((name) => name.replace(/-[^-]+$/, '-'))).toEqual(['oci-image-']);
    await image.close();
    expect(readdirSync(system)).toEqual([]);
  });
});
