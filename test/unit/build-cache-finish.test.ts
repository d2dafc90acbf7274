// What the build cache does once a build is done never fails the build: a save that cannot be put in place is a
// note in the report.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ShipConfig } from '../../src/inputs/ship-config.js';
import { prepareBuildCache } from '../../src/pipeline/build-cache.js';
import type { CacheService } from '../../src/pipeline/github-cache.js';
import type { Target } from '../../src/pipeline/target.js';

const dir = mkdtempSync(join(tmpdir(), 'build-cache-finish-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Only the fields the cache reads.
const config = { image: { cache: { enabled: true, to: 'auto' }, platforms: [], buildArgs: [] } } as unknown as ShipConfig;
const target = { registry: 'registry.test', registryRepository: 'proj/web' } as unknown as Target;

describe("GitHub's cache after a buildah build", () => {
  it('is a note when the saved step images are not where the build was to write them', async () => {
    const dockerfile = join(dir, 'Dockerfile');
    writeFileSync(dockerfile, 'FROM scratch\n');
    const saves: string[] = [];
    const service: CacheService = { available: async () => true, restore: async () => undefined, save: async (_dir, key) => void saves.push(key) };
    const env = { GITHUB_ACTIONS: 'true', RUNNER_TEMP: dir };
    const cache = await prepareBuildCache(
      { config, target, workDir: dir, env, log: () => {}, service, registry: undefined, credentials: undefined },
      'buildah',
      dockerfile,
    );
    expect(cache?.request.saveDir).toBeDefined();
    // The build says it saved two step images, but its save directory is gone (a full disk, a cleaned temp dir).
    rmSync(cache!.request.saveDir!, { recursive: true, force: true });
    const report = await cache!.finish({ steps: 2, hits: 0, imported: 0, saved: 2, key: 'abc', unchanged: false, notes: [] });
    expect(report.saved).toBeNull();
    expect(report.notes.join('\n')).toMatch(/GitHub's cache could not be saved/);
    expect(saves).toEqual([]);
    await cache!.close();
  });
});
