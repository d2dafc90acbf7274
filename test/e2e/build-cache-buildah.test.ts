// buildah's step cache between runs, for real: each build has storage of its own (so only the cache's steps can
// be hit), reads the step images of the cache layout before, and writes those it ran or hit to a new layout after.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { BuildahBuilder } from '../../src/build/buildah.js';
import type { StepCache } from '../../src/build/types.js';
import { buildFixtures, imageOf } from '../helpers/build-fixtures.js';

const infra = inject('infra');
let work: string;
const builder = () => new BuildahBuilder({ command: infra.buildah, isolation: 'chroot' });
const { context, request } = buildFixtures(() => work, infra.busybox, 'cache');

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'build-cache-'));
});

const DOCKERFILE = [
  'FROM scratch',
  'ARG GREETING=none',
  'COPY busybox /bin/busybox',
  // A slow, expensive step: its output differs every time it runs, so a hit is visible in the image.
  'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /deps && /bin/busybox head -c 16 /dev/urandom | /bin/busybox od -x > /deps/stamp"]',
  'LABEL greeting=$GREETING',
  'COPY app.txt /app.txt',
  '',
].join('\n');

let runs = 0;
/** A step cache in `dir`, saved to a new directory, as the pipeline gives it. */
function cacheAt(dir: string | undefined): StepCache & { saveDir: string } {
  runs += 1;
  return { storage: join(work, `storage-${runs}`), ...(dir ? { dir } : {}), saveDir: join(work, `saved-${runs}`) };
}

async function stamp(built: Awaited<ReturnType<BuildahBuilder['build']>>): Promise<string> {
  const { manifest } = await imageOf(built);
  return manifest.layers[1]?.digest ?? '';
}

describe('buildah step cache', () => {
  it('hits every step of an unchanged build, and the steps before a change, from a layout of step images', async () => {
    const dir = context('app', { Dockerfile: DOCKERFILE, 'app.txt': 'v1\n' });
    const first = cacheAt(undefined);
    const cold = await builder().build(request(dir, { cache: first }));
    expect(cold.cache).toMatchObject({ steps: 5, hits: 0, imported: 0, saved: 5, unchanged: false });
    // The build's own storage is gone; its steps live on in the saved layout.
    expect(() => readdirSync(first.storage ?? '')).toThrow();
    expect(JSON.parse(readFileSync(join(first.saveDir, 'index.json'), 'utf8')).manifests).toHaveLength(5);

    const second = cacheAt(first.saveDir);
    const warm = await builder().build(request(dir, { cache: second }));
    expect(warm.cache).toMatchObject({ steps: 5, hits: 5, imported: 5, saved: 5, unchanged: true, notes: [] });
    expect(await stamp(warm)).toBe(await stamp(cold));

    // One source line changed: every step before the COPY of it hits, the RUN's output is the cached one.
    writeFileSync(join(dir, 'app.txt'), 'v2\n');
    const third = cacheAt(second.saveDir);
    const changed = await builder().build(request(dir, { cache: third }));
    expect(changed.cache).toMatchObject({ steps: 5, hits: 4, imported: 5, saved: 5, unchanged: false });
    expect(await stamp(changed)).toBe(await stamp(cold));
    const { config } = await imageOf(changed);
    expect(config.config?.Labels).toMatchObject({ greeting: 'none' });
    // Only this build's steps are kept: the replaced COPY step is not.
    expect(JSON.parse(readFileSync(join(third.saveDir, 'index.json'), 'utf8')).manifests).toHaveLength(5);
  });

  it('never takes a step built with another build argument value (the caller scopes the cache by them)', async () => {
    // The same Dockerfile and storage without scoping would give greeting=none: buildah matches LABEL by its text.
    const dir = context('args', { Dockerfile: DOCKERFILE, 'app.txt': 'v1\n' });
    const first = cacheAt(undefined);
    await builder().build(request(dir, { cache: first }));
    const other = await builder().build(request(dir, { buildArgs: [{ name: 'GREETING', value: 'hello' }], cache: cacheAt(undefined) }));
    expect((await imageOf(other)).config.config?.Labels).toMatchObject({ greeting: 'hello' });
  });

  it('builds from the start when the cache is corrupt, and says why', async () => {
    const dir = context('corrupt', { Dockerfile: DOCKERFILE, 'app.txt': 'v1\n' });
    const first = cacheAt(undefined);
    await builder().build(request(dir, { cache: first }));
    // Every blob of the cache truncated: no step image can be read.
    const blobs = join(first.saveDir, 'blobs', 'sha256');
    for (const name of readdirSync(blobs)) writeFileSync(join(blobs, name), 'garbage');
    const second = cacheAt(first.saveDir);
    const built = await builder().build(request(dir, { cache: second }));
    expect(built.cache?.hits).toBe(0);
    expect(built.cache?.imported).toBe(0);
    expect(built.cache?.notes.length).toBe(5);
    expect(built.cache?.notes[0]).toMatch(/step image [0-9a-f]{12} of the cache could not be read/);
    expect(built.cache?.saved).toBe(5);

    // An index.json that is not JSON: one note, a cold build.
    writeFileSync(join(second.saveDir, 'index.json'), '{not json');
    const third = await builder().build(request(dir, { cache: cacheAt(second.saveDir) }));
    expect(third.cache?.hits).toBe(0);
    expect(third.cache?.notes).toEqual([expect.stringMatching(/^the cache in .* is unreadable/)]);
    rmSync(second.saveDir, { recursive: true });
  });

  it('keeps no container of a failed step in a kept storage, where each failure left one mounted', async () => {
    const dir = context('failing', { Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sh", "-c", "exit 3"]\n' });
    const cache = { storage: join(work, 'kept-failing'), keep: true };
    for (let i = 0; i < 2; i += 1) await expect(builder().build(request(dir, { cache }))).rejects.toThrow('Image build failed: exit code');
    const storage = ['--root', join(cache.storage, 'root'), '--runroot', join(cache.storage, 'run')];
    expect(execFileSync(infra.buildah, [...storage, 'containers', '--all', '--quiet'], { encoding: 'utf8' }).trim()).toBe('');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(join(cache.storage, 'root', 'overlay', ''));
  });

  it('builds several platforms without the step cache, and says why', async () => {
    const dir = context('multi', { Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\n' });
    const built = await builder().build(request(dir, { platforms: ['linux/amd64', 'linux/arm64'], tag: 'localhost/cache/multi:2', cache: cacheAt(undefined) }));
    expect(built.cache).toMatchObject({ hits: 0, saved: 0, notes: [expect.stringMatching(/^several platforms are built without the step cache/)] });
  });
});
