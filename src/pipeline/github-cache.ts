/**
 * GitHub's cache service, as the build cache uses it: restore a directory by key (exact, then by prefix), save it
 * under a new key. The real one is @actions/cache; tests give their own (the service cannot be reached here).
 */
import * as cache from '@actions/cache';

export interface CacheService {
  /** Whether this run can reach the service (a GitHub runner gives the job its URL and token). */
  available(): boolean;
  /** The key restored into `dir`, or undefined when nothing matched. */
  restore(dir: string, primaryKey: string, restoreKeys: readonly string[]): Promise<string | undefined>;
  save(dir: string, key: string): Promise<void>;
}

export const githubCacheService: CacheService = {
  available: () => cache.isFeatureAvailable(),
  restore: (dir, primaryKey, restoreKeys) => cache.restoreCache([dir], primaryKey, [...restoreKeys]),
  save: async (dir, key) => {
    await cache.saveCache([dir], key);
  },
};
