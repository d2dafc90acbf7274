// The buildah builder for real (FROM scratch + the static busybox, no base image pulled): an OCI layout out,
// .dockerignore honoured, build args and target passed, logs streamed, failures explained, and the built
// image's config feeding the service spec.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { BuildahBuilder } from '../../src/build/buildah.js';
import { imageFacts } from '../../src/meshagent/image-facts.js';
import { buildServiceSpec } from '../../src/meshagent/service-spec.js';
import { MediaType } from '../../src/oci/media-types.js';
import { ImageIndex } from '../../src/oci/types.js';
import { buildFixtures, imageOf, layerFiles } from '../helpers/build-fixtures.js';
import { shipFailure as failure } from '../helpers/ship-failure.js';

const infra = inject('infra');
let work: string;
const builder = () => new BuildahBuilder({ command: infra.buildah, isolation: 'chroot' });

const { context, request } = buildFixtures(() => work, infra.busybox, 'test');

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'build-buildah-'));
});

describe('buildah builder', () => {
  it('is available here, and says so', async () => {
    const availability = await builder().available();
    expect(availability.available).toBe(true);
    expect(availability.reason).toMatch(/^buildah \d+\.\d+/);
  });

  it('builds an examples/hello-like context into an OCI layout whose config feeds the service spec', async () => {
    const dir = context('hello', {
      Dockerfile:
        'FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nEXPOSE 8080\nVOLUME /cache\nENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]\n',
      'www/index.html': '<h1>hello</h1>\n',
      'www/draft.html': 'not for shipping\n',
      'secret.txt': 'do not ship\n',
      '.dockerignore': 'secret.txt\nwww/draft.html\n',
    });
    const req = request(dir);
    const built = await builder().build(req);
    expect(built.builder).toBe('buildah');
    expect(built.ref).toBe('1');
    expect(built.dockerfile).toBe(join(dir, 'Dockerfile'));

    const index = await built.layout.readIndex();
    expect(index.manifests).toHaveLength(1);
    const { manifest, config } = await imageOf(built);
    expect(manifest.mediaType ?? MediaType.ociManifest).toBe(MediaType.ociManifest);
    expect(config.config?.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(config.config?.Volumes).toEqual({ '/cache': {} });

    // .dockerignore honoured by the builder itself.
    const files = await layerFiles(built);
    expect(files).toContain('www/index.html');
    expect(files).toContain('bin/busybox');
    expect(files).not.toContain('secret.txt');
    expect(files).not.toContain('www/draft.html');

    // The build log was streamed line by line.
    expect(req.lines.some((line) => /STEP \d+\/\d+: COPY www \/www/.test(line))).toBe(true);

    // The image facts become the service's ports; its VOLUME must be mounted.
    const facts = imageFacts(`localhost/test/hello@${manifest.config.digest}`, req.tag, config, true);
    const options = {
      env: undefined,
      envSecrets: undefined,
      runAs: undefined,
      meshagentToken: undefined,
      identity: undefined,
      roomMounts: undefined,
      imageMounts: undefined,
      emptyDirMounts: [{ path: '/cache', readOnly: false }],
      ports: undefined,
      liveness: undefined,
      public: true,
      domain: 'hello.example.test',
      validationMode: 'default' as const,
      template: 'agent' as const,
    };
    const { spec, routePort } = buildServiceSpec({ serviceName: 'test-hello', image: facts, options, existing: undefined });
    expect(spec.ports).toEqual([{ num: 8080, type: 'http', published: true, endpoints: [], liveness: '/', public: true, annotations: null }]);
    expect(routePort).toBe(8080);
    expect(() =>
      buildServiceSpec({ serviceName: 'test-hello', image: facts, options: { ...options, emptyDirMounts: undefined }, existing: undefined }),
    ).toThrow(/VOLUME path \/cache/);
  });

  it('builds examples/hello itself: its config exposes 8080, the port the service spec publishes', async () => {
    const dir = join(work, 'examples-hello');
    cpSync(fileURLToPath(new URL('../../examples/hello', import.meta.url)), dir, { recursive: true });
    copyFileSync(infra.busybox, join(dir, 'busybox'));
    const req = request(dir, { tag: 'localhost/sandbox/hello:demo' });
    const built = await builder().build(req);
    const { manifest, config } = await imageOf(built);
    expect(config.config?.Entrypoint?.slice(0, 2)).toEqual(['/bin/busybox', 'httpd']);
    const facts = imageFacts(`localhost/sandbox/hello@${manifest.config.digest}`, req.tag, config, true);
    expect(facts.exposedPorts).toEqual(['8080/tcp']);
    expect(await layerFiles(built)).toContain('www/index.html');
  });

  it('runs RUN steps (busybox, chroot isolation)', async () => {
    const dir = context('run-step', { Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sh", "-c", "echo built > /built.txt"]\n' });
    const built = await builder().build(request(dir));
    expect(await layerFiles(built)).toContain('built.txt');
  });

  it('passes build args and the target stage, and a Dockerfile named by the file input', async () => {
    const dir = context(
      'stages',
      {
        'docker/app.Dockerfile':
          'FROM scratch AS base\nARG GREETING=none\nLABEL greeting=$GREETING\nCOPY busybox /bin/busybox\n\nFROM base AS debug\nLABEL stage=debug\n\nFROM base AS final\nLABEL stage=final\n',
      },
      true,
    );
    const built = await builder().build(
      request(dir, { file: 'docker/app.Dockerfile', buildArgs: [{ name: 'GREETING', value: 'hello world' }], target: 'debug' }),
    );
    const { config } = await imageOf(built);
    expect(config.config?.Labels).toMatchObject({ greeting: 'hello world', stage: 'debug' });

    // Without a target the last stage is built, and without the build arg its default applies (no stale cache).
    const final = await builder().build(request(dir, { file: 'docker/app.Dockerfile' }));
    expect((await imageOf(final)).config.config?.Labels).toMatchObject({ greeting: 'none', stage: 'final' });
  });

  it('prefers a Containerfile, as the CLI does', async () => {
    const dir = context('containerfile', {
      Containerfile: 'FROM scratch\nLABEL from=containerfile\nCOPY busybox /bin/busybox\n',
      Dockerfile: 'FROM scratch\nLABEL from=dockerfile\n',
    });
    const built = await builder().build(request(dir));
    expect((await imageOf(built)).config.config?.Labels).toMatchObject({ from: 'containerfile' });
  });

  it('builds several platforms into one layout index (COPY needs no emulation)', async () => {
    const dir = context('multi', { Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\n' });
    const built = await builder().build(request(dir, { platforms: ['linux/amd64', 'linux/arm64'], tag: 'localhost/test/multi:2' }));
    const descriptor = await built.layout.resolve('2');
    const list = await built.layout.readJson(descriptor.digest as `sha256:${string}`, ImageIndex, 'index');
    expect(list.manifests.map((m) => m.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
  });

  it('fails a broken build with the exit code and the last lines of the log', async () => {
    const dir = context('broken', { Dockerfile: 'FROM scratch\nCOPY does-not-exist /x\n' }, false);
    const error = await failure(builder().build(request(dir)));
    expect(error.message).toMatch(/^Image build failed: exit code [1-9]\d* \(buildah bud\)/);
    expect(error.message).toContain('does-not-exist');
  });

  it('explains a missing builder', async () => {
    const missing = new BuildahBuilder({ command: join(work, 'no-such-buildah') });
    expect(await missing.available()).toMatchObject({ available: false });
    const error = await failure(missing.build(request(context('nobuilder', { Dockerfile: 'FROM scratch\n' }, false))));
    expect(error.message).toContain('builder buildah cannot run here');
    expect(error.hint).toContain('choose builder: docker');
  });

  it('refuses a missing Dockerfile and a non-empty output directory', async () => {
    const empty = context('empty', {}, false);
    expect((await failure(builder().build(request(empty)))).message).toContain('no Dockerfile or Containerfile found in the context');
    const out = join(work, 'used-out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'something'), 'x');
    const dir = context('used', { Dockerfile: 'FROM scratch\n' }, false);
    expect((await failure(builder().build(request(dir, { outputDir: out })))).message).toContain('is not empty');
  });
});
