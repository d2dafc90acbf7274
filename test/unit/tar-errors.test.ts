// A broken tar is named for what it was: the tar reader (below estargz/ and oci/) says only that the bytes are not a
// valid tar, an image archive that is cut short says so of the archive, and a layer that is cut short says so of the
// layer. Each reader adds what it knows; none speaks of the others' files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertImage } from '../../src/estargz/image.js';
import { openImage } from '../../src/oci/archive.js';
import { OciLayout } from '../../src/oci/layout.js';
import { readTar, TarFormatError } from '../../src/tar/reader.js';
import { archiveOf, writeOneLayerImage } from '../helpers/one-layer-image.js';
import { shipFailure } from '../helpers/ship-failure.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'tar-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const tar = buildTar([
  { name: 'app/', type: '5' },
  { name: 'app/data', data: payload(5000, 7) },
  { name: 'app/more', data: 'more' },
]);
/** Cut inside the second entry's header, and inside its payload. */
const cuts = { 'in a header': 512 + 200, 'in a payload': 3 * 512 + 1000 };

async function readAll(bytes: Buffer): Promise<void> {
  const source = (async function* () {
    yield bytes;
  })();
  for await (const entry of readTar(source)) for await (const _piece of entry.body());
}

describe('a tar cut short', () => {
  it.each(Object.entries(cuts))('is a TarFormatError whose hint names no kind of file (%s)', async (_, at) => {
    const error = await shipFailure(readAll(tar.subarray(0, at)));
    expect(error).toBeInstanceOf(TarFormatError);
    expect(error.hint).toBe('the file is not a valid tar archive, or was cut short');
  });

  it.each(Object.entries(cuts))('as an oci-archive is said of the image archive (%s)', async (_, at) => {
    const layout = join(work, `layout-${at}`);
    writeOneLayerImage(layout, tar);
    const archive = archiveOf(layout);
    const file = join(work, `image-${at}.tar`);
    // The archive is cut inside its first blob: its own tar structure is what breaks.
    writeFileSync(file, archive.subarray(0, 512 * 3 + at));
    const error = await shipFailure(openImage({ transport: 'oci-archive', path: file, ref: undefined }));
    expect(error.message.startsWith(`${file}: `)).toBe(true);
    expect(error.hint).toMatch(/^the file is not an image archive/);
    expect(error.hint).not.toMatch(/layer/);
  });

  it.each(Object.entries(cuts))('as a layer is said of the layer (%s)', async (_, at) => {
    const dir = join(work, `cut-layer-${at}`);
    writeOneLayerImage(dir, tar.subarray(0, at));
    const source = await OciLayout.open(dir);
    const out = await OciLayout.create(join(work, `cut-layer-out-${at}`));
    const error = await shipFailure(convertImage(source, await source.resolve('latest'), out, { chunkSize: 65536 }));
    expect(error.message).toMatch(new RegExp(`^${dir}: layer sha256:[0-9a-f]{64}: `));
    expect(error.hint).toBe('the layer is not a valid tar archive (or was cut short): rebuild or re-export the image');
  });
});
