// The docker builder against the test's own dockerd (no bridge, no iptables; test/infra/up.sh), and builder
// selection (auto/none/explicit) with the real buildah and dockerd of the test infrastructure.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DockerBuilder } from '../../src/build/docker.js';
import { buildInLogGroup, selectBuilder } from '../../src/build/select.js';
import { buildFixtures, imageOf, layerFiles } from '../helpers/build-fixtures.js';
import { shipFailure as failure } from '../helpers/ship-failure.js';

const infra = inject('infra');
let work: string;
const dockerEnv = () => ({ DOCKER_HOST: infra.dockerHost });
const builder = () => new DockerBuilder({ env: dockerEnv() });

const { context, request } = buildFixtures(() => work, infra.busybox, 'docker-test');

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'build-docker-'));
});

describe('docker builder (docker build + docker save, as there is no buildx here)', () => {
  it('is available and says how it builds', async () => {
    const availability = await builder().available();
    expect(availability.available).toBe(true);
    expect(availability.reason).toMatch(/^Docker \S+ daemon is reachable; docker build \+ docker save \(buildx is not installed\)$/);
    expect(await builder().mode()).toEqual({ kind: 'build-save', why: 'buildx is not installed' });
  });

  it('builds a hello-like context into an OCI layout with its exposed port, honouring .dockerignore', async () => {
    const dir = context('hello', {
      Dockerfile:
        'FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nEXPOSE 8080\nENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]\n',
      'www/index.html': '<h1>hello</h1>\n',
      'www/draft.html': 'not for shipping\n',
      'secret.txt': 'do not ship\n',
      '.dockerignore': 'secret.txt\nwww/draft.html\n',
    });
    const req = request(dir);
    const built = await builder().build(req);
    expect(built).toMatchObject({ builder: 'docker', ref: '1', dockerfile: join(dir, 'Dockerfile') });
    const { config } = await imageOf(built);
    expect(config.config?.ExposedPorts).toEqual({ '8080/tcp': {} });
    const files = await layerFiles(built);
    expect(files).toContain('www/index.html');
    expect(files).not.toContain('secret.txt');
    expect(files).not.toContain('www/draft.html');
    expect(req.lines).toContain('docker: docker build + docker save (buildx is not installed)');
    expect(req.lines.some((line) => /Step \d+\/\d+ : COPY www \/www/.test(line))).toBe(true);
  });

  it('passes build args and the target stage', async () => {
    const dir = context('stages', {
      'build/Dockerfile.web':
        'FROM scratch AS base\nARG GREETING=none\nLABEL greeting=$GREETING\nCOPY busybox /bin/busybox\n\nFROM base AS debug\nLABEL stage=debug\n\nFROM base AS final\nLABEL stage=final\n',
    });
    const built = await builder().build(request(dir, { file: 'build/Dockerfile.web', buildArgs: [{ name: 'GREETING', value: 'hi there' }], target: 'debug' }));
    expect((await imageOf(built)).config.config?.Labels).toMatchObject({ greeting: 'hi there', stage: 'debug' });
  });

  it('runs RUN steps with extra build flags (this daemon has no bridge network: --network none)', async () => {
    const dir = context('run-step', { Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sh", "-c", "echo built > /built.txt"]\n' });
    const built = await new DockerBuilder({ env: dockerEnv(), buildFlags: ['--network', 'none'] }).build(request(dir));
    expect(await layerFiles(built)).toContain('built.txt');
  });

  it('fails a broken build with the exit code and the last lines of the log', async () => {
    const dir = context('broken', { Dockerfile: 'FROM scratch\nCOPY not-here /x\n' }, false);
    const error = await failure(builder().build(request(dir)));
    expect(error.message).toMatch(/^Image build failed: exit code [1-9]\d* \(docker build\)/);
    expect(error.message).toContain('not-here');
  });

  it('refuses several platforms without buildx, saying what to do', async () => {
    const dir = context('multi', { Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\n' });
    const error = await failure(builder().build(request(dir, { platforms: ['linux/amd64', 'linux/arm64'] })));
    expect(error.message).toBe('docker build + docker save builds one platform, not linux/amd64, linux/arm64');
    expect(error.hint).toContain('builder: buildah');
  });

  it('reports an unreachable daemon', async () => {
    const away = new DockerBuilder({ env: { DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}` } });
    const availability = await away.available();
    expect(availability.available).toBe(false);
    expect(availability.reason).toContain('the Docker daemon is not reachable');
  });
});

describe('selectBuilder', () => {
  const everything = () => ({ docker: { env: dockerEnv() }, buildah: { command: infra.buildah, isolation: 'chroot' as const } });

  it('none builds nothing', async () => {
    expect(await selectBuilder('none')).toMatchObject({ builder: undefined, reason: expect.stringContaining('builder none') });
  });

  it('auto prefers buildah when docker would need build + save, and says why', async () => {
    const choice = await selectBuilder('auto', everything());
    expect(choice.builder?.name).toBe('buildah');
    expect(choice.reason).toMatch(/^auto chose buildah: buildah \S+ is installed \(docker: Docker \S+ daemon is reachable; docker build \+ docker save/);
  });

  it('auto falls back to docker without buildah, and fails with both reasons without either', async () => {
    const noBuildah = { ...everything(), buildah: { command: join(work, 'no-buildah') } };
    const choice = await selectBuilder('auto', noBuildah);
    expect(choice.builder?.name).toBe('docker');
    expect(choice.reason).toContain('buildah: ');
    const nothing = { docker: { command: join(work, 'no-docker') }, buildah: { command: join(work, 'no-buildah') } };
    const error = await failure(selectBuilder('auto', nothing));
    expect(error.message).toMatch(/^no builder can run here: docker: .*not installed.*; buildah: .*not installed/);
  });

  it('an explicit builder that cannot run is an error with a hint', async () => {
    const error = await failure(selectBuilder('docker', { docker: { env: { DOCKER_HOST: `unix://${join(work, 'none.sock')}` } } }));
    expect(error.message).toMatch(/^builder docker cannot run here: the Docker daemon is not reachable/);
    expect(error.hint).toContain('choose builder: buildah');
    expect((await selectBuilder('docker', everything())).builder?.name).toBe('docker');
  });

  it('streams the build into a log group named after the builder', async () => {
    const groups: string[] = [];
    const lines: string[] = [];
    const runner = {
      group: async <T>(title: string, fn: () => Promise<T>): Promise<T> => {
        groups.push(title);
        return fn();
      },
      info: (line: string) => lines.push(line),
    };
    const choice = await selectBuilder('buildah', everything());
    if (!choice.builder) throw new Error('no builder');
    const dir = context('grouped', { Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\n' });
    const { log: _log, lines: _lines, ...rest } = request(dir);
    const built = await buildInLogGroup(runner, choice.builder, rest);
    expect(built.builder).toBe('buildah');
    expect(groups).toEqual(['Build localhost/docker-test/grouped:1 with buildah']);
    expect(lines.some((line) => line.includes('COPY busybox /bin/busybox'))).toBe(true);
  });
});
