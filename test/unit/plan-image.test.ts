// What a dry run knows of an image given by the image input: an oci: layout's config is read as the deploy reads it
// (ports, volumes, runtime label); a layout or archive that is not there fails the plan, naming the image input, as
// it would fail the run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import type { ShipConfig } from '../../src/inputs/ship-config.js';
import { plannedImage } from '../../src/pipeline/plan-image.js';
import { writeImageLayout } from '../helpers/image-layout.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-image-'));
  dirs.push(dir);
  return dir;
};
const configWith = (source: NonNullable<ShipConfig['image']['source']>) => ({ image: { source, context: '.' } }) as unknown as ShipConfig;
const plan = (source: NonNullable<ShipConfig['image']['source']>) => plannedImage(configWith(source), 'reg/k/web@sha256:placeholder', 'reg/k/web:1');

describe('the planned image of an image input', () => {
  it('reads the ports, volumes and runtime label of an oci: layout, as the deploy will', async () => {
    const dir = temp();
    writeImageLayout(dir, [
      {
        platform: { os: 'linux', architecture: 'amd64' },
        layers: [],
        gzip: false,
        config: { ExposedPorts: { '8080/tcp': {} }, Volumes: { '/data': {} }, Cmd: ['/app'] },
      },
    ]);
    const planned = await plan({ kind: 'oci', path: dir, ref: undefined });
    expect(planned.known).toBe(true);
    expect(planned.source).toBe(`the image config in oci:${dir}`);
    expect(planned.facts).toMatchObject({ exposedPorts: ['8080/tcp'], volumes: ['/data'], built: false, runtime: undefined });
  });

  it('fails on an oci: path that is no layout, and on an archive that is not there, naming the image input', async () => {
    const missing = join(temp(), 'nothing');
    await expect(plan({ kind: 'oci', path: missing, ref: undefined })).rejects.toMatchObject({
      input: 'image',
      message: expect.stringMatching(/^image: .*not an OCI image layout/),
    });
    await expect(plan({ kind: 'oci-archive', path: `${missing}.tar`, ref: undefined })).rejects.toMatchObject({
      input: 'image',
      message: `image: ${missing}.tar does not exist`,
    });
    await expect(plan({ kind: 'docker-archive', path: temp() })).rejects.toBeInstanceOf(ShipError);
  });

  it('leaves an archive that is there to the deploy, which unpacks it', async () => {
    const archive = join(temp(), 'image.tar');
    writeFileSync(archive, 'not read by a plan');
    const planned = await plan({ kind: 'oci-archive', path: archive, ref: undefined });
    expect(planned).toMatchObject({ known: false, source: 'the image config is read at deploy (ports, volumes, runtime label)' });
  });
});
