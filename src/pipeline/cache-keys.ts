/**
 * Names of the build cache. A cache scope holds only builds whose steps may be shared: the same builder, the same
 * platforms and the same build arguments (buildah 1.28 matches a step by its Dockerfile text, so a step that reads a
 * build argument in a LABEL or ENV would otherwise be taken from a build with another value). Within a scope, the
 * key of GitHub's cache carries the Dockerfile's digest and the saved content's: a run restores the newest cache
 * of its Dockerfile, else the newest of its scope, so a changed Dockerfile (or base image) still hits the steps
 * before the change.
 */
import { createHash } from 'node:crypto';
import type { BuildArg, BuilderName } from '../build/types.js';

export interface CacheScope {
  /** `<repository path with ->-<12 hex>`: readable, and one per builder, platforms and build arguments. */
  readonly name: string;
  /** The 12 hex digits alone (the registry cache's tag suffix). */
  readonly hash: string;
}

export function cacheScope(repository: string, builder: BuilderName, platforms: readonly string[], buildArgs: readonly BuildArg[]): CacheScope {
  const args = [...buildArgs].map((a) => [a.name, a.value]).sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = shortHash(JSON.stringify({ builder, platforms: [...platforms].sort(), args }));
  return { name: `${repository.replace(/[^A-Za-z0-9._-]+/g, '-')}-${hash}`, hash };
}

export interface GithubCacheKeys {
  /** Tried first, exactly (a save of the same Dockerfile and content). */
  readonly primary: string;
  /** Tried next, by prefix and newest first: the same Dockerfile, then the scope. */
  readonly restoreKeys: readonly string[];
  /** The key this run's cache is saved under, once its content is known. */
  save(contentKey: string): string;
}

/** The keys of GitHub's cache for a scope and a Dockerfile (its bytes). */
export function githubCacheKeys(scope: CacheScope, dockerfile: Uint8Array | string): GithubCacheKeys {
  const prefix = `meshagent-ship-build-${scope.name}`;
  const file = shortHash(dockerfile);
  return {
    primary: `${prefix}-${file}`,
    restoreKeys: [`${prefix}-${file}-`, `${prefix}-`],
    save: (contentKey) => `${prefix}-${file}-${contentKey}`,
  };
}

/** The registry cache's tag in the project repository. */
export function registryCacheTag(scope: CacheScope): string {
  return `buildcache-${scope.hash}`;
}

function shortHash(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 12);
}
