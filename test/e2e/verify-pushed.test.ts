// The push stage's read-back against the real registry: a pushed eStargz image passes (every blob there, every TOC
// read by Range matching its annotation), also under nested indexes; a manifest whose TOC annotation lies, and a tag
// that moved, fail with a message naming the layer or the tag.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { convertImage } from '../../src/estargz/image.js';
import { OciLayout } from '../../src/oci/layout.js';
import { Annotation, MediaType } from '../../src/oci/media-types.js';
import { pushImage } from '../../src/oci/push.js';
import { ImageManifest, type Descriptor } from '../../src/oci/types.js';
import { checkPushed } from '../../src/pipeline/publish.js';
import { openRegistry, type Registry } from '../../src/pipeline/target-registry.js';
import type { Target } from '../../src/pipeline/target.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const infra = inject('infra');
const work = mkdtempSync(join(tmpdir(), 'verify-pushed-'));
let out: OciLayout;
let converted: Descriptor;
let registry: Registry;

/** The parts of a target the verify stage reads, for a repository of the plain test registry. */
function targetFor(tag: string): Target {
  return {
    registry: infra.registryPlain,
    projectKey: 'verify',
    repositoryName: 'app',
    tag: { registry: infra.registryPlain, repository: 'verify/app', tag },
    image: `${infra.registryPlain}/verify/app:${tag}`,
    registryRepository: 'verify/app',
    serviceName: 'verify-app',
    pagesDomain: 'example.invalid',
  } as unknown as Target;
}

async function push(root: Descriptor, tag: string) {
  return pushImage(out, registry.client.repository('verify/app', ['pull', 'push']), { root, tag });
}

beforeAll(async () => {
  const source = join(work, 'source');
  const layers = [
    buildTar([
      { name: 'bin/', type: '5' },
      { name: 'bin/tool', data: payload(300_000, 1), mode: 0o755 },
    ]),
    buildTar([
      { name: 'app/', type: '5' },
      { name: 'app/index.html', data: '<h1>hi</h1>\n' },
    ]),
  ];
  writeImageLayout(source, [{ platform: { os: 'linux', architecture: 'amd64' }, layers, gzip: true }]);
  const layout = await OciLayout.open(source);
  out = await OciLayout.create(join(work, 'out'));
  converted = (await convertImage(layout, await layout.resolve('latest'), out, { chunkSize: 65536 })).descriptor;
  registry = openRegistry(targetFor('1'), undefined, { mask: () => {}, log: () => {} });
});

afterAll(async () => {
  await registry?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('reading the pushed image back', () => {
  it('passes a pushed eStargz image: every blob present, every TOC matching its annotation', async () => {
    const pushed = await push(converted, '1');
    await expect(checkPushed(registry, targetFor('1'), pushed.digest)).resolves.toEqual({ blobs: 3, tocs: 2 });
  });

  it('walks nested indexes down to the image manifests', async () => {
    const inner = await out.writeJson(MediaType.ociIndex, {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [{ ...converted, platform: { os: 'linux', architecture: 'amd64' } }],
    });
    const outer = await out.writeJson(MediaType.ociIndex, { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [inner] });
    const pushed = await push(outer, 'nested');
    await expect(checkPushed(registry, targetFor('nested'), pushed.digest)).resolves.toEqual({ blobs: 3, tocs: 2 });
  });

  it('fails on a layer whose TOC digest annotation does not match the TOC in the registry', async () => {
    const manifest = await out.readJson(converted.digest, ImageManifest, 'manifest');
    const [first, ...rest] = manifest.layers;
    const wrong = `sha256:${'0'.repeat(64)}`;
    const lying = { ...manifest, layers: [{ ...first, annotations: { ...first?.annotations, [Annotation.stargzTocDigest]: wrong } }, ...rest] };
    const root = await out.writeJson(MediaType.ociManifest, lying);
    const pushed = await push(root, 'lying');
    await expect(checkPushed(registry, targetFor('lying'), pushed.digest)).rejects.toThrow(
      `${infra.registryPlain}/verify/app: layer ${first?.digest} has TOC digest ${first?.annotations?.[Annotation.stargzTocDigest]}, its annotation says ${wrong}`,
    );
  });

  it('fails when the tag names another image than the one pushed', async () => {
    const first = await push(converted, 'moving');
    const manifest = await out.readJson(converted.digest, ImageManifest, 'manifest');
    const other = await out.writeJson(MediaType.ociManifest, { ...manifest, annotations: { 'org.example.build': 'other' } });
    const second = await push(other, 'moving');
    await expect(checkPushed(registry, targetFor('moving'), first.digest)).rejects.toThrow(
      `${infra.registryPlain}/verify/app:moving names ${second.digest} after the push, not ${first.digest}`,
    );
  });
});
