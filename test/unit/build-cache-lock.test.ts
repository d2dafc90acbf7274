// A kept step cache (cache-dir, buildah) serves one build at a time: a build that ends removes the step images
// of others, so a second build at once in the same cache builds without it, and a lock left by a killed run
// does not keep the cache from the next.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ShipConfig } from '../../src/inputs/ship-config.js';
import { prepareBuildCache } from '../../src/pipeline/build-cache.js';
import type { CacheService } from '../../src/pipeline/github-cache.js';
import type { Target } from '../../src/pipeline/target.js';

const dir = mkdtempSync(join(tmpdir(), 'build-cache-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cacheDir = join(dir, 'cache');
// Only the fields the cache reads.
const config = { image: { cache: { enabled: true, to: 'local', dir: cacheDir }, platforms: [], buildArgs: [] } } as unknown as ShipConfig;
const target = { registry: 'registry.test', registryRepository: 'proj/web' } as unknown as Target;
const service: CacheService = { available: async () => false, restore: async () => undefined, save: async () => {} };
const prepare = () =>
  prepareBuildCache(
    { config, target, workDir: dir, env: {}, log: () => {}, service, registry: undefined, credentials: undefined },
    'buildah',
    join(dir, 'Dockerfile'),
  );

describe('the kept buildah cache', () => {
  it('gives its storage to one build at a time; the other builds without it, and says why', async () => {
    const first = await prepare();
    expect(first?.request.storage).toBeDefined();
    const second = await prepare();
    expect(second?.request.storage).toBeUndefined();
    const report = await second!.finish(undefined);
    expect(report.notes.join('\n')).toMatch(/in use by another build \(process \d+\): building without it/);
    await second!.close();
    await first!.close();
    const third = await prepare();
    expect(third?.request.storage).toBe(first?.request.storage);
    await third!.close();
  });

  it('takes over the lock of a process that is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const scope = readdirSync(join(cacheDir, 'buildah')).find((name) => !name.endsWith('.lock')) ?? '';
    writeFileSync(join(cacheDir, 'buildah', `${scope}.lock`), gone);
    const cache = await prepare();
    expect(cache?.request.storage).toBeDefined();
    await cache!.close();
  });
});
