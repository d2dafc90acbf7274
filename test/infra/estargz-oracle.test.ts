// Differential checks of the eStargz converter against the Go reference (ctr-remote 0.12 + containerd): for every
// layer we produce, `ctr-remote images get-toc-digest` must print our TOC annotation, and `ctr-remote images import`
// (which unpacks each layer and checks the diff_ids in the config) must accept the converted image. The other way
// round, our verifier must accept what ctr-remote converts, and both TOCs must describe the same files and chunks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseCliArgs } from '../../src/cli-args.js';
import { runConvert } from '../../src/commands/convert.js';
import { runVerify } from '../../src/commands/verify.js';
import { openImage, parseImageRef } from '../../src/oci/index.js';
import { ImageIndex, ImageManifest } from '../../src/oci/types.js';
import { Annotation } from '../../src/oci/media-types.js';
import { verifyImage } from '../../src/estargz/verify.js';
import { ctrRemote, run, type RunResult } from './env.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { readWholeToc } from '../helpers/estargz.js';
import { awkwardEntries, buildTar } from '../helpers/tar-builder.js';

const infra = inject('infra');
let work = '';

function ok(r: RunResult, what: string): string {
  expect(r.code, `${what} failed:\n${r.stderr}\n${r.stdout}`).toBe(0);
  return r.stdout;
}

/** Runs `meshagent-ship convert` (or verify) in-process and returns its exit code and output. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t) };
  const args = parseCliArgs(argv);
  const code = args.command === 'convert' ? await runConvert(args, io) : await runVerify(args, io);
  return { code, stdout, stderr };
}

interface LayerInfo {
  digest: string;
  annotations: Record<string, string>;
}

/** Every layer descriptor of every platform of an image. */
async function layersOf(ref: string): Promise<LayerInfo[]> {
  const image = await openImage(parseImageRef(ref));
  try {
    const out: LayerInfo[] = [];
    const visit = async (digest: string, mediaType: string): Promise<void> => {
      if (mediaType.includes('index')) {
        const index = await image.layout.readJson(digest as `sha256:${string}`, ImageIndex, 'index');
        for (const m of index.manifests) await visit(m.digest, m.mediaType);
      } else {
        const manifest = await image.layout.readJson(digest as `sha256:${string}`, ImageManifest, 'manifest');
        for (const l of manifest.layers) out.push({ digest: l.digest, annotations: l.annotations ?? {} });
      }
    };
    await visit(image.descriptor.digest, image.descriptor.mediaType);
    return out;
  } finally {
    await image.close();
  }
}

/** Imports an oci-archive into the test containerd (unpacking it, which checks every diff_id) under `name`. */
function importArchive(file: string, name: string, allPlatforms = false): void {
  ctrRemote(infra, ['images', 'rm', `${name}:conv`]);
  ok(
    ctrRemote(infra, ['images', 'import', ...(allPlatforms ? ['--all-platforms'] : []), '--base-name', name, file], { timeoutMs: 120_000 }),
    `ctr-remote images import ${file}`,
  );
}

function expectGoAgrees(layers: LayerInfo[]): void {
  expect(layers.length).toBeGreaterThan(0);
  for (const layer of layers) {
    const toc = ok(ctrRemote(infra, ['images', 'get-toc-digest', layer.digest]), `get-toc-digest ${layer.digest}`).trim();
    expect(toc, layer.digest).toBe(layer.annotations[Annotation.stargzTocDigest]);
  }
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'estargz-oracle-'));
  const context = path.join(work, 'context');
  fs.mkdirSync(path.join(context, 'tree', 'deep', 'er'), { recursive: true });
  fs.copyFileSync(infra.busybox, path.join(context, 'busybox'));
  fs.writeFileSync(path.join(context, 'tree', 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(context, 'tree', 'remove-me'), 'gone soon\n');
  fs.writeFileSync(path.join(context, 'tree', 'deep', 'er', 'empty'), '');
  fs.writeFileSync(path.join(context, 'tree', 'rand.bin'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)));
  fs.writeFileSync(
    path.join(context, 'Containerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'COPY tree/ /data/',
      'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox rm /data/remove-me && /bin/busybox mkdir -p /data/new && /bin/busybox echo built > /data/new/built.txt && /bin/busybox ln -s built.txt /data/new/link && /bin/busybox ln /data/a.txt /data/new/hard"]',
      'CMD ["/bin/busybox", "cat", "/data/new/built.txt"]',
      '',
    ].join('\n'),
  );
  const tag = 'localhost/estargz-oracle/app:1';
  ok(run(infra.buildah, ['bud', '--layers', '--isolation', 'chroot', '-t', tag, context], { timeoutMs: 120_000 }), 'buildah bud');
  ok(run(infra.buildah, ['push', tag, `oci:${work}/built-oci:v1`]), 'buildah push oci');
  ok(run(infra.buildah, ['push', tag, `oci-archive:${work}/built.tar:v1`]), 'buildah push oci-archive');
  ok(run(infra.buildah, ['push', tag, `docker-archive:${work}/built-docker.tar:estargz-oracle/app:1`]), 'buildah push docker-archive');
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('eStargz conversion checked by the Go reference tools', () => {
  it.each([
    ['oci', () => `oci:${work}/built-oci:v1`],
    ['oci-archive', () => `oci-archive:${work}/built.tar:v1`],
    ['docker-archive', () => `docker-archive:${work}/built-docker.tar`],
  ])('a buildah image read from %s converts into an image containerd imports and ctr-remote reads', async (kind, source) => {
    const out = path.join(work, `converted-${kind}.tar`);
    const converted = await cli(['convert', source(), `oci-archive:${out}:conv`, '--chunk-size', '65536', '--json']);
    expect(converted.code, converted.stderr).toBe(0);
    const report = JSON.parse(converted.stdout) as { manifests: Array<{ layers: Array<{ digest: string; tocDigest: string }> }> };
    expect(report.manifests[0]?.layers).toHaveLength(3);

    const verified = await cli(['verify', `oci-archive:${out}`]);
    expect(verified.code, verified.stdout).toBe(0);
    importArchive(out, `estargz-oracle/${kind}`);
    const layers = await layersOf(`oci-archive:${out}`);
    expect(layers.map((l) => l.annotations[Annotation.stargzTocDigest])).toEqual(report.manifests[0]?.layers.map((l) => l.tocDigest));
    expectGoAgrees(layers);
  });

  it('a prefetch list moves the files to the front of the layer that holds them, and Go still reads every TOC', async () => {
    const out = path.join(work, 'prefetch.tar');
    const converted = await cli([
      'convert',
      `oci:${work}/built-oci:v1`,
      `oci-archive:${out}`,
      '--prefetch',
      '/data/new/built.txt',
      '--prefetch',
      'data/*.txt',
      '--prefetch',
      '/data/remove-me',
      '--json',
    ]);
    expect(converted.code, converted.stderr).toBe(0);
    const report = JSON.parse(converted.stdout) as { manifests: Array<{ layers: Array<{ prioritized: string[] }> }>; missingPrefetch: unknown[] };
    // a.txt lives in the COPY layer; built.txt (and the hardlink's target) in the RUN layer; remove-me is whited out.
    expect(report.manifests[0]?.layers.map((l) => l.prioritized)).toEqual([[], ['data/a.txt'], ['data/new/built.txt']]);
    expect(report.missingPrefetch).toEqual([{ pattern: '/data/remove-me', reason: 'missing', resolvedTo: '/data/remove-me' }]);
    expect((await cli(['verify', `oci-archive:${out}`])).code).toBe(0);
    importArchive(out, 'estargz-oracle/prefetch');
    expectGoAgrees(await layersOf(`oci-archive:${out}`));
  });

  it('a hand-made multi-platform image with awkward tar entries converts per platform and imports', async () => {
    const dir = path.join(work, 'multi');
    const shared = buildTar(awkwardEntries('./', 'pax'), 'pax');
    const gnu = buildTar(
      awkwardEntries('', 'gnu').filter((e) => e.type !== '3' && e.type !== '4'),
      'gnu',
    );
    const whiteouts = buildTar(
      [
        { name: 'etc/', type: '5' },
        { name: 'etc/.wh.big.bin', data: '' },
        { name: 'opt/', type: '5' },
        { name: 'opt/.wh..wh..opq', data: '' },
      ],
      'ustar',
    );
    writeImageLayout(dir, [
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [shared, whiteouts], gzip: true },
      { platform: { os: 'linux', architecture: 'arm64' }, layers: [shared, gnu], gzip: false },
    ]);
    const out = path.join(work, 'multi-converted.tar');
    const converted = await cli(['convert', `oci:${dir}`, `oci-archive:${out}:conv`, '--chunk-size', '4096', '--json']);
    expect(converted.code, converted.stderr).toBe(0);
    const report = JSON.parse(converted.stdout) as { mediaType: string; manifests: Array<{ platform: { architecture: string } }> };
    expect(report.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(report.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
    expect((await cli(['verify', `oci-archive:${out}`])).code).toBe(0);
    importArchive(out, 'estargz-oracle/multi', true);
    expectGoAgrees(await layersOf(`oci-archive:${out}`));
  });

  it('our verifier accepts what ctr-remote converts, and both TOCs list the same files and chunks', async () => {
    ctrRemote(infra, ['images', 'rm', 'estargz-oracle/ref:v1', 'estargz-oracle/ref-esgz:v1']);
    ok(ctrRemote(infra, ['images', 'import', '--base-name', 'estargz-oracle/ref', `${work}/built.tar`]), 'import original');
    ok(
      ctrRemote(infra, [
        'images',
        'convert',
        '--estargz',
        '--oci',
        '--estargz-chunk-size',
        '65536',
        '--estargz-compression-level',
        '6',
        'estargz-oracle/ref:v1',
        'estargz-oracle/ref-esgz:v1',
      ]),
      'ctr-remote convert',
    );
    const reference = path.join(work, 'reference.tar');
    ok(ctrRemote(infra, ['images', 'export', reference, 'estargz-oracle/ref-esgz:v1']), 'ctr-remote export');
    const verified = await cli(['verify', `oci-archive:${reference}`]);
    expect(verified.code, verified.stdout).toBe(0);

    const ours = path.join(work, 'ours.tar');
    expect((await cli(['convert', `oci-archive:${work}/built.tar:v1`, `oci-archive:${ours}`, '--chunk-size', '65536'])).code).toBe(0);
    const project = async (ref: string) => {
      const image = await openImage(parseImageRef(ref));
      try {
        const manifest = await image.layout.readJson(image.descriptor.digest, ImageManifest, 'manifest');
        const tocs = [];
        for (const layer of manifest.layers) {
          const toc = await readWholeToc(image.layout.blobPath(layer.digest));
          tocs.push(toc.entries.map((e) => [e.name, e.type, e.size, e.mode, e.linkName, e.digest, e.chunkOffset, e.chunkDigest, e.modtime].join('|')));
        }
        return tocs;
      } finally {
        await image.close();
      }
    };
    expect(await project(`oci-archive:${ours}`)).toEqual(await project(`oci-archive:${reference}`));
  });

  it('the verifier reports a layer that is not eStargz, naming it, with exit 1', async () => {
    const result = await cli(['verify', `oci:${work}/built-oci:v1`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL');
    expect(result.stdout).toContain('not eStargz: no eStargz footer');
    expect(verifyImage).toBeTypeOf('function');
  });
});
