/**
 * The container of a room service, as the CLI's `deploy` builds it: the image, the environment (values, secrets and
 * participant tokens), the run-as account with the scopes its secrets need, the storage mounts (every Dockerfile
 * VOLUME must be mounted) and the template. Lists replace the existing service's lists of the same kind; what no
 * input sets is kept.
 */
import { ShipError } from '../errors.js';
import { tokenScope } from './api-scope.js';
import type { ImageFacts } from './image-facts.js';
import { imageMountRef } from './image-runtime.js';
import type { EnvVar, ServiceOptions } from './service-options.js';
import type { ContainerSpec, ContainerStorage, EnvironmentVariable } from './wire-service.js';

/** The env vars `meshagent-token` fills with a participant token, in the CLI's order. */
export const TOKEN_ENV_NAMES = ['MESHAGENT_TOKEN', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GROK_API_KEY', 'XAI_API_KEY'] as const;
/** Scopes a run-as account needs to resolve secret env vars. */
const SECRET_SCOPES = ['secrets:proxy', 'secrets:read'];
const DEFAULT_RUN_AS_SCOPES = ['secrets:proxy'];

export function buildContainer(name: string, image: ImageFacts, options: ServiceOptions, existing: ContainerSpec | undefined): ContainerSpec {
  const runAs =
    options.runAs !== undefined ? { email: options.runAs.trim().toLowerCase(), scopes: [...DEFAULT_RUN_AS_SCOPES] } : (existing?.run_as ?? undefined);
  if (options.runAs !== undefined) {
    if (runAs?.email === '') throw new ShipError('run-as cannot be empty', { input: 'run-as', hint: 'set run-as to a service account email' });
    if (!runAs?.email.includes('@'))
      throw new ShipError('run-as must be a service account email', { input: 'run-as', hint: 'e.g. run-as: deployer@my-project.meshagent.app' });
  }
  const environment = buildEnvironment(name, options, image.runtime?.env ?? []);
  // The checks and the secret scopes apply to the env the service will run with, new or kept.
  const effective = environment ?? existing?.environment ?? undefined;
  checkEnvironment(effective, runAs);

  const usesSecrets = effective?.some((entry) => entry.secret) ?? false;
  const runAsWithScopes = runAs && usesSecrets ? { ...runAs, scopes: unique([...(runAs.scopes ?? DEFAULT_RUN_AS_SCOPES), ...SECRET_SCOPES]) } : runAs;

  const container: ContainerSpec = {
    ...(existing ?? { private: true }),
    // A runtime-label image runs in its runtime image, from the command and folder the runtime gives.
    image: image.runtime?.baseImage ?? image.ref,
    ...(image.runtime ? { command: image.runtime.command, working_dir: image.runtime.workingDir } : {}),
    template: options.template,
  };
  if (environment !== undefined) container.environment = environment;
  const storage = buildStorage(image, options, existing?.storage ?? undefined);
  if (storage !== undefined) container.storage = storage;
  if (runAsWithScopes !== undefined) container.run_as = runAsWithScopes;
  return container;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * The new env list, or undefined to keep the existing one. Any env-type input replaces the old list wholesale
 * (the CLI does not merge); within the new list a later entry of the same name wins: env, then env-secrets, then
 * the token vars. `identity` names the token vars' identity; on its own it changes nothing, because the CLI
 * rewrites identities only in the list it builds, never in the existing service's env (cli image.py:1821-1873,
 * 4925-4937).
 */
function buildEnvironment(name: string, options: ServiceOptions, defaults: readonly EnvVar[]): EnvironmentVariable[] | undefined {
  const identityOverride = options.identity?.trim();
  if (identityOverride === '') {
    throw new ShipError('identity cannot be empty', { input: 'identity', hint: 'remove identity to use the service name, or name an agent identity' });
  }
  const identity = identityOverride ?? name;
  const byName = new Map<string, EnvironmentVariable>();
  const put = (entry: EnvironmentVariable): void => {
    // Map keeps the first position of a name; a later entry replaces its value, as the CLI's upsert does.
    byName.set(entry.name, entry);
  };
  // A runtime-label image's ENV comes first, as the defaults the inputs override (cli image.py:1821-1873).
  for (const variable of [...defaults, ...(options.env ?? [])]) put({ name: variable.name, value: variable.value });
  for (const secret of options.envSecrets ?? []) put({ name: secret.name, secret: { id: secret.secretId } });
  if (options.meshagentToken !== undefined) {
    const api = tokenScope(options.meshagentToken);
    for (const tokenName of TOKEN_ENV_NAMES) put({ name: tokenName, token: { identity, api: structuredClone(api), role: 'agent' } });
  }
  // An empty list is no list (`environment or None`): the existing env stays.
  return byName.size > 0 ? [...byName.values()] : undefined;
}

function checkEnvironment(environment: readonly EnvironmentVariable[] | undefined, runAs: ContainerSpec['run_as']): void {
  for (const entry of environment ?? []) {
    const tokenIdentity = entry.token?.identity.trim() ?? '';
    if (tokenIdentity.includes('@')) {
      throw new ShipError(
        `environment variable '${entry.name}' uses token identity '${tokenIdentity}', but service environment tokens must use an agent identity`,
        { input: 'identity', hint: 'use an agent name without @ as identity' },
      );
    }
  }
  if (environment?.some((entry) => entry.secret) && !runAs) {
    throw new ShipError('run-as is required when using SecretValue environment variables', {
      input: 'run-as',
      hint: 'set run-as to the service account that owns the secrets',
    });
  }
}

/**
 * Each mount kind replaces the existing list of that kind only when its input lists mounts; `files` always stays.
 * Without any mount input the existing storage is kept as it is. With one, the CLI rebuilds the storage from the
 * room, images, files and empty_dirs lists only, so existing `volumes` and `configs` are dropped
 * (cli image.py:2083-2133).
 */
function buildStorage(image: ImageFacts, options: ServiceOptions, existing: ContainerStorage | undefined): ContainerStorage | undefined {
  const given = (mounts: readonly unknown[] | undefined): boolean => mounts !== undefined && mounts.length > 0;
  let storage: ContainerStorage | undefined;
  if (!given(options.roomMounts) && !given(options.imageMounts) && !given(options.emptyDirMounts)) {
    storage = existing === undefined ? undefined : { ...existing };
  } else {
    const room = given(options.roomMounts)
      ? (options.roomMounts ?? []).map((m) =>
          m.subpath === undefined ? { path: m.path, read_only: m.readOnly } : { path: m.path, subpath: m.subpath, read_only: m.readOnly },
        )
      : existing?.room;
    const images = given(options.imageMounts)
      ? (options.imageMounts ?? []).map((m) => ({ image: m.image, path: m.path, read_only: m.readOnly }))
      : existing?.images;
    const emptyDirs = given(options.emptyDirMounts)
      ? (options.emptyDirMounts ?? []).map((m) => ({ path: m.path, read_only: m.readOnly }))
      : existing?.empty_dirs;
    storage = {};
    if (room) storage.room = room;
    if (images) storage.images = images;
    if (existing?.files) storage.files = existing.files;
    if (emptyDirs) storage.empty_dirs = emptyDirs;
  }
  if (image.runtime) storage = withRuntimeMount(image, storage);
  // A mount of the image being deployed runs the same digest as the service, as the CLI pins it.
  if (storage?.images) storage.images = storage.images.map((m) => (m.image === image.tag ? { ...m, image: imageMountRef(image.ref) } : m));
  return storage;
}

/**
 * The shipped image mounted at /app for its runtime, as the CLI adds it (cli image.py:1929-1970): /app must be free
 * of room, file and empty-dir mounts and of image mounts of another subpath; an image mount there of the same
 * subpath (or none) is replaced.
 */
function withRuntimeMount(image: ImageFacts, storage: ContainerStorage | undefined): ContainerStorage {
  const runtime = image.runtime;
  if (!runtime) return storage ?? {};
  const path = runtime.mountPath;
  const what = image.built ? 'packed Dockerfile' : `image ${image.ref}`;
  const refuse = (kind: string, input: string) =>
    new ShipError(`${what} runtime injection requires ${path} to be free of ${kind}`, {
      input,
      hint: `the ${runtime.name} runtime mounts the image at ${path}: mount the other one elsewhere`,
    });
  if (storage?.room?.some((m) => m.path === path)) throw refuse('room mounts', 'room-mounts');
  if (storage?.files?.some((m) => m.path === path)) throw refuse('file mounts', 'room-mounts');
  if (storage?.empty_dirs?.some((m) => m.path === path)) throw refuse('empty-dir mounts', 'empty-dir-mounts');
  const kept = (storage?.images ?? []).filter((m) => {
    if (m.path !== path) return true;
    if (m.subpath != null && m.subpath !== runtime.mountSubpath) throw refuse('conflicting image mounts', 'image-mounts');
    return false;
  });
  return { ...storage, images: [...kept, { image: image.tag, path, subpath: runtime.mountSubpath, read_only: true }] };
}

/** posixpath.normpath, which the CLI applies to VOLUME and mount paths before comparing them. */
export function normalizeMountPath(path: string): string {
  const trimmed = path.trim();
  if (trimmed === '') return '';
  const absolute = trimmed.startsWith('/');
  // POSIX keeps exactly two leading slashes; three or more become one.
  const lead = absolute ? (trimmed.startsWith('//') && !trimmed.startsWith('///') ? '//' : '/') : '';
  const parts: string[] = [];
  for (const part of trimmed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && (parts.length > 0 ? parts.at(-1) !== '..' : absolute)) {
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return lead + parts.join('/') || (absolute ? lead : '.');
}

/**
 * Every VOLUME must be mounted, or the container would write into a read-only root. As in the CLI, room, image,
 * empty-dir and config mounts count; file and named-volume mounts do not (cli image.py:1972-2038).
 */
export function checkVolumesMounted(image: ImageFacts, storage: ContainerStorage | undefined): void {
  const mounted = new Set(
    [...(storage?.room ?? []), ...(storage?.images ?? []), ...(storage?.empty_dirs ?? []), ...(storage?.configs ?? [])].map((m) =>
      // A config mount's path defaults to /var/run/meshagent (ConfigMountSpec).
      normalizeMountPath(m.path ?? '/var/run/meshagent'),
    ),
  );
  const missing = unique(image.volumes.map(normalizeMountPath).filter((path) => path !== '' && !mounted.has(path)));
  const first = missing[0];
  if (first === undefined) return;
  const one = missing.length === 1;
  const what = image.built ? 'packed Dockerfile final stage' : `image ${image.ref}`;
  throw new ShipError(`${what} declares VOLUME path${one ? '' : 's'} ${missing.join(', ')}, but the deployed service does not mount ${one ? 'it' : 'them'}.`, {
    input: 'empty-dir-mounts',
    hint: `add a matching mount for each Dockerfile volume path, for example:\n  empty-dir-mounts: ${first}\n  room-mounts: .:${first}\n  image-mounts: some/image:tag=${first}:rw`,
  });
}
