/** The build cache in words, for the log and the job summary: where, what was restored, what hit, what was saved. */
import type { BuildCacheReport } from './result.js';

const KIND: Record<BuildCacheReport['kind'], string> = { local: 'local', gha: "GitHub's cache", registry: 'registry' };

export function cacheLines(cache: BuildCacheReport): string[] {
  const steps = cache.steps === null ? 'not used' : `${cache.hits ?? 0} of ${cache.steps} steps from the cache`;
  return [
    `build cache (${KIND[cache.kind]}): ${cache.where}`,
    `  restored: ${cache.restored ?? 'nothing (no cache yet)'}`,
    `  hit: ${steps}`,
    `  saved: ${cache.saved ?? 'nothing new'}`,
    ...cache.notes.map((note) => `  note: ${note}`),
  ];
}
