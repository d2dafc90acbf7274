/**
 * GitHub's cache service, as the build cache uses it: restore a directory by key (exact, then by prefix), save it
 * under a new key. The real one is @actions/cache, loaded on first use: it is large, and most runs (the CLI, a
 * `cache-dir`, a registry cache) never need it, so it stays out of their start-up. Tests give their own (the
 * service cannot be reached here).
 */
export interface CacheService {
  /** Whether this run can reach the service (a GitHub runner gives the job its URL and token). */
  available(): Promise<boolean>;
  /** The key restored into `dir`, or undefined when nothing matched. */
  restore(dir: string, primaryKey: string, restoreKeys: readonly string[]): Promise<string | undefined>;
  save(dir: string, key: string): Promise<void>;
}

const actionsCache = () => import('@actions/cache');

export const githubCacheService: CacheService = {
  available: async () => (await actionsCache()).isFeatureAvailable(),
  restore: async (dir, primaryKey, restoreKeys) => (await actionsCache()).restoreCache([dir], primaryKey, [...restoreKeys]),
  save: async (dir, key) => {
    await (await actionsCache()).saveCache([dir], key);
  },
};
