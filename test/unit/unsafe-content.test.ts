// Hostile images are refused with a ShipError that names what is wrong, never converted as they are, and never with an
// errno stack: tar names and link targets that leave the root, media types this tool does not know, a compression
// other than the declared one, directories where files should be (and the reverse), and files that are not what they
// should be, whose content must never reach a message.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runConvert } from '../../src/commands/convert.js';
import { quoted } from '../../src/errors.js';
import { unsafePath } from '../../src/tar/entry-path.js';
import { convertImage } from '../../src/estargz/image.js';
import { writeEstargz, type LayerItem, type WrittenLayer } from '../../src/estargz/layer-writer.js';
import { checkImageParts } from '../../src/estargz/source-layer.js';
import type { EntryType, TarHeader } from '../../src/tar/header.js';
import { openImage } from '../../src/oci/archive.js';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { MediaType } from '../../src/oci/media-types.js';
import { closePool, pool } from '../helpers/estargz.js';
import { shipFailure } from '../helpers/ship-failure.js';
import { buildTar, payload, type Entry } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'unsafe-content-'));
afterAll(async () => {
  await closePool();
  rmSync(work, { recursive: true, force: true });
});

const sha256 = (data: Buffer | string): Digest => `sha256:${createHash('sha256').update(data).digest('hex')}`;
let count = 0;
const fresh = (name: string) => join(work, `${name}-${(count += 1)}`);

interface Layer {
  readonly bytes: Buffer;
  /** The media type its descriptor gives (default: what the bytes are). */
  readonly mediaType?: string;
  /** The diff_id the config gives (default: sha256 of the bytes, right for uncompressed layers). */
  readonly diffId?: string;
}

/** An OCI layout holding one image of `layers`, with the media types given (a test decides what is declared). */
function layoutOf(layers: Layer[], options: { configType?: string; manifestType?: string; manifestField?: string } = {}): string {
  const dir = fresh('layout');
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer) => (writeFileSync(join(blobs, sha256(data).slice(7)), data), { digest: sha256(data), size: data.length });
  const descriptors = layers.map((l) => ({ mediaType: l.mediaType ?? (l.bytes[0] === 0x1f ? MediaType.ociLayerGzip : MediaType.ociLayer), ...put(l.bytes) }));
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId ?? sha256(l.bytes)) } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: options.manifestField ?? MediaType.ociManifest,
      config: { mediaType: options.configType ?? MediaType.ociConfig, ...put(config) },
      layers: descriptors,
    }),
  );
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { mediaType: options.manifestType ?? MediaType.ociManifest, ...put(manifest), annotations: { 'org.opencontainers.image.ref.name': 'latest' } },
      ],
    }),
  );
  return dir;
}

async function convert(dir: string, prefetch: string[] = []): Promise<void> {
  const source = await OciLayout.open(dir);
  const out = await OciLayout.create(fresh('out'));
  await convertImage(source, await source.resolve(), out, { chunkSize: 65536, prefetch });
}

const header = (name: string, type: EntryType = '0', linkName = ''): TarHeader => ({
  name,
  linkName,
  type,
  mode: 0o644,
  uid: 0,
  gid: 0,
  size: 0,
  mtime: 0,
  uname: '',
  gname: '',
  devMajor: 0,
  devMinor: 0,
  xattrs: new Map(),
  pax: [],
});

describe('tar names and link targets that leave the root', () => {
  it('are told apart from the ones images hold (the rules of entry-path.ts)', () => {
    const refused: Array<[string, EntryType, string?]> = [
      ['../etc/passwd', '0'],
      ['a/../../b', '0'],
      ['a/../b', '0'],
      ['/etc/passwd', '0'],
      ['./../x', '5'],
      ['bin/sh', '1', '../../bin/busybox'],
      ['bin/sh', '1', '/bin/busybox'],
      ['x', '2', '../y'],
      ['etc/x', '2', '../../y'],
      ['a/b/c', '2', '../../d/../../e'],
    ];
    for (const [name, type, link] of refused) expect(unsafePath(header(name, type, link)), `${name} -> ${link}`).toBeDefined();
    const allowed: Array<[string, EntryType, string?]> = [
      ['etc/passwd', '0'],
      ['./etc/passwd', '0'],
      ['.wh..wh..opq', '0'],
      ['a/..b/..c', '0'],
      ['usr/lib/x', '2', '/lib/x'],
      ['usr/lib/x', '2', '../../lib/x'],
      ['./a/b', '2', '../c'],
      ['etc/link', '2', '../bin/hello'],
      ['bin/sh', '1', 'bin/busybox'],
      ['bin/sh', '1', './bin/busybox'],
      ['dev/null', '3'],
    ];
    for (const [name, type, link] of allowed) expect(unsafePath(header(name, type, link)), `${name} -> ${link}`).toBeUndefined();
  });

  it('refuse a layer as it converts, naming the entry and its offset (streaming, prefetch and gzip paths)', async () => {
    const hostile: Array<[Entry[], string]> = [
      [
        [
          { name: 'ok.txt', data: 'fine' },
          { name: '../escape.txt', data: 'out' },
        ],
        'tar entry "../escape.txt" (at byte 1024 of the tar stream) is refused: its name has a ".." component',
      ],
      [
        [{ name: '/etc/cron.d/evil', data: '* * * * * root sh' }],
        'tar entry "/etc/cron.d/evil" (at byte 0 of the tar stream) is refused: its name is absolute',
      ],
      [
        [
          { name: 'bin/', type: '5' },
          { name: 'bin/sh', type: '1', linkName: '../../host/bin/sh' },
        ],
        'its hardlink target "../../host/bin/sh" has a ".." component',
      ],
      [
        [
          { name: 'etc/', type: '5' },
          { name: 'etc/shadow', type: '2', linkName: '../../../host/etc/shadow' },
        ],
        'its symlink target "../../../host/etc/shadow" climbs above the image root',
      ],
    ];
    for (const [entries, message] of hostile) {
      const tar = buildTar(entries);
      for (const [bytes, prefetch] of [
        [tar, []],
        [gzipSync(tar), []],
        [tar, ['/ok.txt']],
      ] as Array<[Buffer, string[]]>) {
        const dir = layoutOf([{ bytes, diffId: sha256(tar) }]);
        const error = await shipFailure(convert(dir, prefetch));
        expect(error.message).toMatch(new RegExp(`^${dir}: layer ${sha256(bytes)}: tar entry "`));
        expect(error.message).toContain(message);
        expect(error.hint).toContain('leaves the image root');
      }
    }
  });

  it('keep absolute symlink targets, which resolve inside the container', async () => {
    const tar = buildTar([
      { name: 'usr/', type: '5' },
      { name: 'usr/lib/', type: '5' },
      { name: 'usr/lib/libc.so', type: '2', linkName: '/lib/libc.so.6' },
      { name: 'lib/', type: '5' },
      { name: 'lib/libc.so.6', data: payload(1000) },
    ]);
    await convert(layoutOf([{ bytes: tar }]));
  });

  it('refuse an eStargz layer that would be kept as it is', async () => {
    const items = async function* (): AsyncGenerator<LayerItem> {
      yield { kind: 'landmark', name: '.no.prefetch.landmark' };
      yield {
        kind: 'entry',
        header: { ...header('../../etc/profile.d/x.sh'), size: 4 },
        body: async function* () {
          yield Buffer.from('evil');
        },
      };
    };
    const chunks: Buffer[] = [];
    const result: Partial<WrittenLayer> = {};
    for await (const chunk of writeEstargz(items(), { pool: pool(), level: 6, chunkSize: 65536 }, result)) chunks.push(chunk);
    const blob = Buffer.concat(chunks);
    const dir = layoutOf([{ bytes: blob, diffId: result.diffId ?? '' }]);
    expect((await shipFailure(convert(dir))).message).toContain('tar entry "../../etc/profile.d/x.sh"');
  });

  it('refuse an image archive entry before anything is written outside the unpack directory', async () => {
    const cases: Array<[Entry[], string]> = [
      [
        [
          { name: 'blobs/', type: '5' },
          { name: 'blobs/../../../planted', data: 'x' },
        ],
        'tar entry "blobs/../../../planted" (at byte 512 of the tar stream) is refused: its name has a ".." component',
      ],
      [[{ name: join(work, 'planted-absolute'), data: 'x' }], 'its name is absolute'],
      [
        [
          { name: 'blobs/', type: '5' },
          { name: 'blobs/sha256', type: '2', linkName: '../../../../etc' },
        ],
        'its symlink target "../../../../etc" climbs above the image root',
      ],
      [[{ name: 'index.json', type: '1', linkName: '/etc/passwd' }], 'its hardlink target "/etc/passwd" is absolute'],
    ];
    for (const [entries, message] of cases) {
      const file = `${fresh('archive')}.tar`;
      writeFileSync(file, buildTar(entries));
      for (const transport of ['oci-archive', 'docker-archive'] as const) {
        const error = await shipFailure(openImage({ transport, path: file, ref: undefined }));
        expect(error.message).toMatch(new RegExp(`^${file}: tar entry "`));
        expect(error.message).toContain(message);
      }
    }
    expect(existsSync(join(work, 'planted-absolute'))).toBe(false);
    expect(existsSync(join(tmpdir(), 'planted'))).toBe(false);
  });
});

describe('media types this tool does not know', () => {
  const tar = buildTar([
    { name: 'app/', type: '5' },
    { name: 'app/main', data: 'x' },
  ]);

  it('a layer type (an in-toto statement, an encrypted layer) is refused, naming the type', async () => {
    for (const mediaType of ['application/vnd.in-toto+json', `${MediaType.ociLayerGzip}+encrypted`, 'text/plain\n\u202eevil']) {
      const dir = layoutOf([{ bytes: tar, mediaType }]);
      const layout = await OciLayout.open(dir);
      for (const check of [() => convert(dir), async () => checkImageParts(layout, await layout.resolve())]) {
        const error = await shipFailure(check());
        expect(error.message).toBe(`${dir}: layer ${sha256(tar)} has media type ${quoted(mediaType)}, which is not a container layer type`);
        expect(error.message).not.toMatch(/[\n\u202e]/);
      }
    }
  });

  it('a config type that is not an image config (a Helm chart) is refused', async () => {
    const dir = layoutOf([{ bytes: tar }], { configType: 'application/vnd.cncf.helm.config.v1+json' });
    expect((await shipFailure(convert(dir))).message).toContain(
      'has a config of media type "application/vnd.cncf.helm.config.v1+json", which is not an image config',
    );
  });

  it('a manifest type that is neither an image manifest nor an index is refused, also when the document says otherwise', async () => {
    const unknown = layoutOf([{ bytes: tar }], { manifestType: 'application/vnd.example.thing.v1+json' });
    expect((await shipFailure(convert(unknown))).message).toContain(
      'has media type "application/vnd.example.thing.v1+json", which is neither an image manifest nor an index',
    );
    const disagreeing = layoutOf([{ bytes: tar }], { manifestField: MediaType.dockerManifestList });
    expect((await shipFailure(convert(disagreeing))).message).toMatch(
      /says it is a "application\/vnd\.docker\.distribution\.manifest\.list\.v2\+json", but its descriptor says application\/vnd\.oci\.image\.manifest\.v1\+json/,
    );
  });
});

describe('a declared compression the bytes do not have', () => {
  const tar = buildTar([
    { name: 'app/', type: '5' },
    { name: 'app/main', data: payload(5000) },
  ]);
  // The compression is recognised by its magic bytes, before any decompression: a zstd frame header is enough.
  const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), payload(100)]);
  const cases: Array<[Buffer, string, string]> = [
    [zstd, MediaType.ociLayerGzip, 'is declared gzip (application/vnd.oci.image.layer.v1.tar+gzip), but its bytes are zstd'],
    [gzipSync(tar), MediaType.ociLayerZstd, 'is declared zstd (application/vnd.oci.image.layer.v1.tar+zstd), but its bytes are gzip'],
    [gzipSync(tar), MediaType.ociLayer, 'is declared uncompressed (application/vnd.oci.image.layer.v1.tar), but its bytes are gzip'],
    [tar, MediaType.dockerLayerGzip, 'is declared gzip (application/vnd.docker.image.rootfs.diff.tar.gzip), but its bytes are uncompressed'],
  ];

  it.each(cases)('is refused before the layer is read (%#)', async (bytes, mediaType, message) => {
    const dir = layoutOf([{ bytes, mediaType, diffId: sha256(tar) }]);
    expect((await shipFailure(convert(dir))).message).toBe(`${dir}: layer ${sha256(bytes)} ${message}`);
    // Shipped as it is (estargz: false), the same check runs before the push.
    const layout = await OciLayout.open(dir);
    expect((await shipFailure(checkImageParts(layout, await layout.resolve()))).message).toBe(`${dir}: layer ${sha256(bytes)} ${message}`);
  });
});

describe('file-system surprises', () => {
  const tar = buildTar([
    { name: 'app/', type: '5' },
    { name: 'app/main', data: 'x' },
  ]);

  it('a blob path that is a directory is named, for a layer and for a manifest', async () => {
    const layer = layoutOf([{ bytes: tar }]);
    const layerPath = join(layer, 'blobs', 'sha256', sha256(tar).slice(7));
    rmSync(layerPath);
    mkdirSync(layerPath);
    expect((await shipFailure(convert(layer))).message).toBe(`${layer}: the blob path ${layerPath} of ${sha256(tar)} is not a file`);

    const manifest = layoutOf([{ bytes: tar }]);
    const index = JSON.parse(readFileSync(join(manifest, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const manifestPath = join(manifest, 'blobs', 'sha256', (index.manifests[0]?.digest ?? '').slice(7));
    rmSync(manifestPath);
    mkdirSync(manifestPath);
    expect((await shipFailure(convert(manifest))).message).toContain(`the blob path ${manifestPath} of`);
  });

  it('a file where a directory should be (blobs/sha256, the layout itself) is named', async () => {
    const dir = layoutOf([{ bytes: tar }]);
    rmSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'blobs', 'sha256'), 'not a directory');
    const error = await shipFailure(convert(dir));
    expect(error.message).toMatch(
      new RegExp(`^${dir}: blob sha256:[0-9a-f]{64}: ${dir}/blobs/sha256/[0-9a-f]{64} is not a directory, or a part of its path is a file`),
    );

    const file = `${fresh('plain')}.txt`;
    writeFileSync(file, 'a file');
    expect((await shipFailure(OciLayout.create(file))).message).toContain(`the layout: ${file}`);
    const io = { stdout: () => {}, stderr: () => {} };
    const source = layoutOf([{ bytes: tar }]);
    expect(
      (
        await shipFailure(
          runConvert({ command: 'convert', positionals: [`oci:${source}`, `oci:${file}`], options: {}, inputs: {}, json: false } as never, io as never),
        )
      ).message,
    ).toContain(file);
  });

  it('index.json or oci-layout that is a directory is named', async () => {
    const index = layoutOf([{ bytes: tar }]);
    rmSync(join(index, 'index.json'));
    mkdirSync(join(index, 'index.json'));
    expect((await shipFailure(OciLayout.open(index).then((l) => l.resolve()))).message).toBe(
      `${index}: the index: ${index}/index.json is a directory, where a file was expected`,
    );
    const marker = layoutOf([{ bytes: tar }]);
    rmSync(join(marker, 'oci-layout'));
    mkdirSync(join(marker, 'oci-layout'));
    expect((await shipFailure(OciLayout.open(marker))).message).toBe(`the layout marker: ${marker}/oci-layout is a directory, where a file was expected`);
  });

  it('an archive whose entries collide (a file, then a directory of that name, or the reverse) names the entry', async () => {
    const cases: Array<[Entry[], string]> = [
      [
        [
          { name: 'blobs', data: 'file' },
          { name: 'blobs/sha256/abc', data: 'x' },
        ],
        'entry "blobs/sha256/abc" (at byte 1024) cannot be unpacked: an earlier entry made a file where its directory should be',
      ],
      [
        [
          { name: 'index.json/', type: '5' },
          { name: 'index.json', data: '{}' },
        ],
        'entry "index.json" (at byte 512) cannot be unpacked: an earlier entry made a directory of that name',
      ],
    ];
    for (const [entries, message] of cases) {
      const file = `${fresh('collide')}.tar`;
      writeFileSync(file, buildTar(entries));
      expect((await shipFailure(openImage({ transport: 'oci-archive', path: file, ref: undefined }))).message).toBe(`${file}: ${message}`);
    }
  });

  it('a docker-archive naming a directory as its layer says so', async () => {
    const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }));
    const file = `${fresh('docker')}.tar`;
    writeFileSync(
      file,
      buildTar([
        { name: 'c.json', data: config },
        { name: 'layer/', type: '5' },
        { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: ['layer'] }]) },
      ]),
    );
    expect((await shipFailure(openImage({ transport: 'docker-archive', path: file, ref: undefined }))).message).toBe(
      `${file}: the layer "layer" named in manifest.json is not a file`,
    );
  });
});

describe('a file that is not what it should be', () => {
  const SECRET = 'ghp_SECRETsecretSECRETsecret0123456789';

  it('is named with an offset, never quoted: a non-archive image file', async () => {
    // One text file as it comes, and one whose checksum field happens to be octal digits: two different refusals.
    const plain = Buffer.from(`token=${SECRET}\n`.repeat(40));
    const octal = Buffer.from(plain);
    octal.write('0001234 ', 148, 'latin1');
    for (const bytes of [plain, octal]) {
      const file = `${fresh('secret')}.txt`;
      writeFileSync(file, bytes);
      for (const transport of ['oci-archive', 'docker-archive'] as const) {
        const error = await shipFailure(openImage({ transport, path: file, ref: undefined }));
        expect(error.message).toMatch(new RegExp(`^${file}: .*\\(at byte 0 of the tar stream\\)$`));
        expect(`${error.message}\n${error.hint ?? ''}`).not.toMatch(/SECRET|token=|ghp_/);
      }
    }
  });

  it('is named, never quoted: index.json, oci-layout and a manifest that are not what they claim', async () => {
    const tar = buildTar([
      { name: 'app/', type: '5' },
      { name: 'app/main', data: 'x' },
    ]);
    const index = layoutOf([{ bytes: tar }]);
    writeFileSync(join(index, 'index.json'), `{"manifests": ${SECRET}`);
    const indexError = await shipFailure(OciLayout.open(index).then((l) => l.resolve()));
    expect(indexError.message).toBe(`${index}: index.json is not JSON`);

    const marker = layoutOf([{ bytes: tar }]);
    writeFileSync(join(marker, 'oci-layout'), JSON.stringify({ imageLayoutVersion: SECRET }));
    const markerError = await shipFailure(OciLayout.open(marker));
    expect(markerError.message).toBe(`${marker}: oci-layout has an unsupported imageLayoutVersion`);

    const manifest = layoutOf([{ bytes: tar }]);
    const body = Buffer.from(`not json ${SECRET}`);
    writeFileSync(join(manifest, 'blobs', 'sha256', sha256(body).slice(7)), body);
    writeFileSync(
      join(manifest, 'index.json'),
      JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MediaType.ociManifest, digest: sha256(body), size: body.length }] }),
    );
    const manifestError = await shipFailure(convert(manifest));
    expect(manifestError.message).toBe(`${manifest}: the manifest ${sha256(body)} is not JSON`);
  });
});
