/**
 * The build cache between runs, around a build: where it is kept (a local directory, GitHub's cache service, or a
 * tag in the project repository), what the builder is told (buildah: a layout of step images to read and one to
 * write, in storage of the build's own; buildx: its cache-from and cache-to), and, once the build is done, what is
 * kept. Nothing here fails a build: a cache that is missing, unreadable or cannot be saved is a note in the log
 * and the report, and the build runs its steps.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuilderName, StepCache, StepCacheUse } from '../build/types.js';
import type { ShipConfig } from '../inputs/ship-config.js';
import { dockerConfigPath, type RegistryCredentials } from '../oci/index.js';
import type { BuildCacheReport } from '../report/result.js';
import { lockCache } from './cache-lock.js';
import { cacheScope, githubCacheKeys, registryCacheTag, type CacheScope } from './cache-keys.js';
import type { CacheService } from './github-cache.js';
import { pullStepCache, pushStepCache } from './registry-cache.js';
import type { Registry } from './target-registry.js';
import type { Target } from './target.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface BuildCacheContext {
  readonly config: ShipConfig;
  readonly target: Target;
  readonly workDir: string;
  readonly env: Env;
  readonly log: (line: string) => void;
  readonly service: CacheService;
  /** The project registry and its push credentials, for cache-to: registry. */
  readonly registry: Registry | undefined;
  readonly credentials: RegistryCredentials | undefined;
}

export interface PreparedCache {
  readonly request: StepCache;
  /** After the build: keeps what it saved (a failure is a note), and says what the cache did. */
  finish(use: StepCacheUse | undefined): Promise<BuildCacheReport>;
  /** Removes the cache's temporary directories, whatever happened. */
  close(): Promise<void>;
}

/** The directory of the local cache: the cache-dir input, else $XDG_CACHE_HOME or ~/.cache. */
export function defaultCacheDir(env: Env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'meshagent-ship', 'build');
}

/** Which cache a run uses: `auto` is GitHub's on a GitHub runner, else the local directory. */
export function cacheKind(to: ShipConfig['image']['cache']['to'], env: Env): BuildCacheReport['kind'] {
  if (to !== 'auto') return to;
  return env.GITHUB_ACTIONS === 'true' ? 'gha' : 'local';
}

/** Sets up the cache for a build with `builder` of the Dockerfile `dockerfile`; undefined when the cache is off. */
export async function prepareBuildCache(ctx: BuildCacheContext, builder: BuilderName, dockerfile: string): Promise<PreparedCache | undefined> {
  const { config, target } = ctx;
  if (!config.image.cache.enabled) return undefined;
  const kind = cacheKind(config.image.cache.to, ctx.env);
  const scope = cacheScope(target.registryRepository, builder, config.image.platforms, config.image.buildArgs);
  const notes: string[] = [];
  const temporary: string[] = [];
  const storage = builder === 'buildah' ? { storage: join(ctx.workDir, 'buildah-storage') } : {};
  const report = (where: string, restored: string | null, use: StepCacheUse | undefined, saved: string | null): BuildCacheReport => ({
    kind,
    where,
    restored,
    steps: use ? use.steps : null,
    hits: use ? use.hits : null,
    saved,
    notes: [...notes, ...(use?.notes ?? [])],
  });
  const releases: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const dir of temporary) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    for (const release of releases) await release().catch(() => undefined);
  };

  if (kind === 'local') {
    const dir = join(config.image.cache.dir ?? defaultCacheDir(ctx.env), builder === 'buildah' ? 'buildah' : 'buildx', scope.name);
    if (builder === 'buildah') {
      // The storage of the scope's builds is the cache: nothing is read in or written out.
      const lock = await lockCache(dir);
      if ('heldBy' in lock) {
        notes.push(`the cache in ${dir} is in use by another build (process ${lock.heldBy}): building without it`);
        return { request: {}, close, finish: async () => report(dir, null, undefined, null) };
      }
      releases.push(lock.release);
      const storageDir = join(dir, 'storage');
      const restored = (await exists(storageDir)) ? `cache-dir ${dir}` : null;
      const request: StepCache = { storage: storageDir, keep: true };
      return {
        request,
        close,
        finish: async (use) => report(dir, restored, use, use && !use.unchanged ? `${use.saved} step images kept in ${dir}` : null),
      };
    }
    const saveDir = `${dir}.new-${randomBytes(4).toString('hex')}`;
    temporary.push(saveDir);
    const restored = (await isLayout(dir)) ? `cache-dir ${dir}` : null;
    const request: StepCache = { ...(restored ? { from: `type=local,src=${dir}` } : {}), to: `type=local,dest=${saveDir},mode=max` };
    return {
      request,
      close,
      finish: async (use) => {
        if (!use || use.saved === 0 || use.unchanged) return report(dir, restored, use, null);
        const kept = await swapInto(saveDir, dir).then(
          () => true,
          (error: unknown) => (notes.push(`the cache could not be kept in ${dir}: ${message(error)}`), false),
        );
        return report(dir, restored, use, kept ? `buildx cache to ${dir}` : null);
      },
    };
  }

  if (kind === 'gha') {
    const where = `GitHub's cache, scope ${scope.name}`;
    if (!(await ctx.service.available())) {
      notes.push("GitHub's cache service is not available to this run (no ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL): building without a cache");
      return { request: {}, close, finish: async () => report(where, null, undefined, null) };
    }
    if (builder !== 'buildah') {
      // buildx speaks to the service itself, with the job's token from its environment.
      const request = { from: `type=gha,scope=${scope.name}`, to: `type=gha,scope=${scope.name},mode=max` };
      return {
        request,
        close,
        finish: async (use) => report(where, `scope ${scope.name} (read by buildx)`, use, use ? `scope ${scope.name} (written by buildx)` : null),
      };
    }
    return githubStepCache(ctx, scope, dockerfile, storage, where, notes, report, close, temporary);
  }

  // cache-to: registry
  const tag = registryCacheTag(scope);
  const where = `${target.registry}/${target.registryRepository}:${tag}`;
  if (!ctx.registry || !ctx.credentials) {
    notes.push('cache-to: registry needs push: true (the cache is pushed with the push token): building without a cache');
    return { request: {}, close, finish: async () => report(where, null, undefined, null) };
  }
  const repository = ctx.registry.client.repository(target.registryRepository, ['pull', 'push']);
  if (builder !== 'buildah') {
    const config = join(ctx.workDir, 'docker-config');
    await writeDockerConfig(config, target.registry, ctx.credentials, ctx.env);
    const request = {
      from: `type=registry,ref=${where}`,
      to: `type=registry,ref=${where},mode=max,image-manifest=true,oci-mediatypes=true`,
      env: { DOCKER_CONFIG: config },
    };
    return { request, close, finish: async (use) => report(where, `${where} (read by buildx)`, use, use ? `${where} (written by buildx)` : null) };
  }
  const dir = join(ctx.workDir, 'buildcache');
  const saveDir = join(ctx.workDir, 'buildcache-new');
  const pulled = await pullStepCache(repository, tag, dir).catch((error: unknown) => {
    notes.push(`the registry cache ${where} could not be read (${message(error)}); building without it`);
    return undefined;
  });
  const restored = pulled ? `${where} (${pulled} step images)` : null;
  return {
    request: { ...storage, ...(pulled ? { dir } : {}), saveDir },
    close,
    finish: async (use) => {
      if (!use || use.saved === 0 || use.unchanged) return report(where, restored, use, null);
      const pushed = await pushStepCache(repository, tag, saveDir).then(
        () => true,
        (error: unknown) => (notes.push(`the cache could not be pushed to ${where}: ${message(error)}`), false),
      );
      return report(where, restored, use, pushed ? `${use.saved} step images to ${where}` : null);
    },
  };
}

/** buildah's step images in GitHub's cache: restored by key (newest of the Dockerfile, else of the scope), saved under a new one. */
async function githubStepCache(
  ctx: BuildCacheContext,
  scope: CacheScope,
  dockerfile: string,
  storage: { storage?: string },
  where: string,
  notes: string[],
  report: (where: string, restored: string | null, use: StepCacheUse | undefined, saved: string | null) => BuildCacheReport,
  close: () => Promise<void>,
  temporary: string[],
): Promise<PreparedCache> {
  const keys = githubCacheKeys(scope, await readFile(dockerfile));
  // The service keys a cache by its path too: the same path every run (RUNNER_TEMP is the same on every job).
  const dir = join(ctx.env.RUNNER_TEMP || tmpdir(), 'meshagent-ship-build-cache', scope.name);
  const saveDir = `${dir}.new`;
  temporary.push(dir, saveDir);
  await rm(dir, { recursive: true, force: true });
  ctx.log(`build cache: restoring ${keys.primary}, else the newest of ${keys.restoreKeys.join(', ')}`);
  const restoredKey = await ctx.service.restore(dir, keys.primary, keys.restoreKeys).catch((error: unknown) => {
    notes.push(`GitHub's cache could not be restored (${message(error)}); building without it`);
    return undefined;
  });
  const restored = restoredKey && (await isLayout(dir)) ? `key ${restoredKey}` : null;
  return {
    request: { ...storage, ...(restored ? { dir } : {}), saveDir },
    close,
    finish: async (use) => {
      if (!use?.key || use.saved === 0) return report(where, restored, use, null);
      const key = keys.save(use.key);
      if (use.unchanged || key === restoredKey) return report(where, restored, use, null);
      // The service saves the same path as it restores: the new layout is put there first.
      const saved = await rm(dir, { recursive: true, force: true })
        .then(() => rename(saveDir, dir))
        .then(() => ctx.service.save(dir, key))
        .then(
          () => true,
          (error: unknown) => (notes.push(`GitHub's cache could not be saved under ${key}: ${message(error)}`), false),
        );
      return report(where, restored, use, saved ? `${use.saved} step images under key ${key}` : null);
    },
  };
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function isLayout(dir: string): Promise<boolean> {
  return (await stat(join(dir, 'index.json')).catch(() => undefined))?.isFile() ?? false;
}

/** Puts `from` where `to` is, then removes the old one: a reader sees the old cache or the new, never a half. */
async function swapInto(from: string, to: string): Promise<void> {
  const old = `${to}.old-${randomBytes(4).toString('hex')}`;
  await mkdir(join(to, '..'), { recursive: true });
  await rename(to, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(from, to);
  await rm(old, { recursive: true, force: true });
}

/**
 * A Docker config for buildx's registry cache: the user's (for base images from private registries) with the
 * project registry's push credentials added. A file only this user can read, removed with the work dir.
 */
async function writeDockerConfig(dir: string, registry: string, credentials: RegistryCredentials, env: Env): Promise<void> {
  let config: { auths?: Record<string, unknown> } = {};
  try {
    config = JSON.parse(await readFile(dockerConfigPath(env), 'utf8')) as typeof config;
  } catch {
    // no config of the user's, or an unreadable one: only ours
  }
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  config.auths = { ...config.auths, [registry]: { auth } };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  await chmod(join(dir, 'config.json'), 0o600);
}

function message(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
