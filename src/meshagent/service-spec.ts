/**
 * The room ServiceSpec exactly as the MeshAgent CLI's `deploy` builds it (reference §5.2 and §5.4): a new service
 * from the inputs and the image's facts, or an existing service updated by merging, never replaced wholesale.
 * Pure functions, no I/O: every rule can be tested on its own, and a spec that would be refused is refused here,
 * before anything touches the running service.
 */
import { ShipError } from '../errors.js';
import type { ShipConfig, TokenScopeInput } from '../inputs.js';
import type { ImageConfig } from '../oci/types.js';
import { RESERVED_ROOM_SERVICE_PORTS, type ContainerSpec, type ContainerStorage, type EnvironmentVariable, type PortSpec, type ServiceSpec } from './wire.js';

export const SERVICE_ID_ANNOTATION = 'meshagent.service.id';
export const VALIDATION_METHOD_ANNOTATION = 'meshagent.request.validation.method';
/** The env vars `meshagent-token` fills with a participant token, in the CLI's order. */
export const TOKEN_ENV_NAMES = ['MESHAGENT_TOKEN', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GROK_API_KEY', 'XAI_API_KEY'] as const;
/** Scopes a run-as account needs to resolve secret env vars. */
const SECRET_SCOPES = ['secrets:proxy', 'secrets:read'];
const DEFAULT_RUN_AS_SCOPES = ['secrets:proxy'];

/**
 * ApiScope presets, as the API's `ApiScope.agent_default()`, `user_default()` and `full()` name their grants. Each
 * grant is sent with its defaults left out (`{}`), which the API reads back as the same grant.
 */
const AGENT_GRANTS = ['livekit', 'queues', 'messaging', 'database', 'memory', 'sync', 'storage', 'containers', 'developer', 'agents', 'services'];
const SCOPE_PRESETS: Record<'agentDefault' | 'userDefault' | 'full', readonly string[]> = {
  agentDefault: AGENT_GRANTS,
  userDefault: [...AGENT_GRANTS, 'secrets'],
  full: [...AGENT_GRANTS, 'admin', 'secrets', 'tunnels'],
};

/** The service options the spec is built from: the `service` part of ShipConfig. */
export type ServiceOptions = Pick<
  ShipConfig['service'],
  | 'env'
  | 'envSecrets'
  | 'runAs'
  | 'meshagentToken'
  | 'identity'
  | 'roomMounts'
  | 'imageMounts'
  | 'emptyDirMounts'
  | 'ports'
  | 'liveness'
  | 'public'
  | 'domain'
  | 'validationMode'
  | 'template'
>;

/** What the spec needs to know about the image that will run. */
export interface ImageFacts {
  /** The digest-pinned reference the service runs (`repo@sha256:...`). */
  readonly ref: string;
  /** The tag it was pushed as; image mounts of this tag are pinned to `ref` too, as the CLI does. */
  readonly tag: string;
  /** The config's ExposedPorts keys, e.g. `8080/tcp`. */
  readonly exposedPorts: readonly string[];
  /** The config's Volumes keys (Dockerfile VOLUME paths). */
  readonly volumes: readonly string[];
  /** Built here from a Dockerfile (the CLI's words apply), or an existing image. */
  readonly built: boolean;
}

/** Image facts from an image config (its ExposedPorts and Volumes). */
export function imageFacts(ref: string, tag: string, config: ImageConfig, built: boolean): ImageFacts {
  return {
    ref,
    tag,
    exposedPorts: Object.keys(config.config?.ExposedPorts ?? {}),
    volumes: Object.keys(config.config?.Volumes ?? {}),
    built,
  };
}

export interface ServiceSpecRequest {
  /** The service name (the `service-name` input, else derived from the tag). */
  readonly serviceName: string;
  readonly image: ImageFacts;
  readonly options: ServiceOptions;
  /** The room's service of that name, when there is one. */
  readonly existing: ServiceSpec | undefined;
}

export interface BuiltServiceSpec {
  readonly spec: ServiceSpec;
  /** The published port `domain` routes to; undefined without a domain. */
  readonly routePort: number | undefined;
}

const reservedList = RESERVED_ROOM_SERVICE_PORTS.join(', ');

/** Builds the spec the CLI would send, or throws the CLI's error for the first rule broken. */
export function buildServiceSpec(request: ServiceSpecRequest): BuiltServiceSpec {
  const { serviceName: name, image, options, existing } = request;
  if (existing?.external) {
    throw new ShipError(`existing service ${name} is external and cannot be replaced with a container deployment`, {
      hint: `choose another service-name, or remove the external service ${name} from the room first`,
    });
  }

  const annotations = withValidationMode({ ...(existing?.metadata.annotations ?? {}) }, options.validationMode);
  annotations[SERVICE_ID_ANNOTATION] = name;

  const container = buildContainer(name, image, options, existing?.container ?? undefined);
  const ports = buildPorts(name, image, options, existing);
  checkVolumesMounted(image, container.storage ?? undefined);
  const routePort = options.domain === undefined ? undefined : routeTargetPort(ports);

  const base: ServiceSpec = existing
    ? { ...existing, external: null }
    : { version: 'v1', kind: 'Service', enabled: true, metadata: { name } };
  const spec: ServiceSpec = {
    ...base,
    metadata: { ...base.metadata, name, annotations },
    ports,
    container,
  };
  return { spec, routePort };
}

// ---------------------------------------------------------------------------------------------------------------
// Annotations

/** `cookie` sets cookie validation; `none` removes any; `default` removes a cookie value (the CLI's rule). */
export function withValidationMode(annotations: Record<string, string>, mode: ServiceOptions['validationMode']): Record<string, string> {
  const result = { ...annotations };
  if (mode === 'cookie') result[VALIDATION_METHOD_ANNOTATION] = 'cookie';
  else if (mode === 'none') delete result[VALIDATION_METHOD_ANNOTATION];
  else if (result[VALIDATION_METHOD_ANNOTATION] === 'cookie') delete result[VALIDATION_METHOD_ANNOTATION];
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Container: image, env, run_as, storage, template

function buildContainer(name: string, image: ImageFacts, options: ServiceOptions, existing: ContainerSpec | undefined): ContainerSpec {
  const runAs = options.runAs !== undefined ? { email: options.runAs.trim().toLowerCase(), scopes: [...DEFAULT_RUN_AS_SCOPES] } : (existing?.run_as ?? undefined);
  if (options.runAs !== undefined) {
    if (runAs?.email === '') throw new ShipError('run-as cannot be empty', { input: 'run-as', hint: 'set run-as to a service account email' });
    if (!runAs?.email.includes('@')) throw new ShipError('run-as must be a service account email', { input: 'run-as', hint: 'e.g. run-as: deployer@my-project.meshagent.app' });
  }
  const environment = buildEnvironment(name, options, existing?.environment ?? undefined);
  // The checks and the secret scopes apply to the env the service will run with, new or kept.
  const effective = environment ?? existing?.environment ?? undefined;
  checkEnvironment(effective, runAs);

  const usesSecrets = effective?.some((entry) => entry.secret) ?? false;
  const runAsWithScopes = runAs && usesSecrets ? { ...runAs, scopes: unique([...(runAs.scopes ?? DEFAULT_RUN_AS_SCOPES), ...SECRET_SCOPES]) } : runAs;

  const container: ContainerSpec = {
    ...(existing ?? { private: true }),
    image: image.ref,
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

/** An ApiScope object for `meshagent-token`. */
export function tokenScope(input: TokenScopeInput): Record<string, unknown> {
  if ('scope' in input) return { ...input.scope };
  return Object.fromEntries(SCOPE_PRESETS[input.preset].map((grant) => [grant, {}]));
}

/**
 * The new env list, or undefined to keep the existing one. Any env-type input replaces the old list wholesale
 * (the CLI does not merge); within the new list a later entry of the same name wins: env, then env-secrets, then
 * the token vars. `identity` alone rewrites the identity of the existing token entries.
 */
function buildEnvironment(name: string, options: ServiceOptions, existing: readonly EnvironmentVariable[] | undefined): EnvironmentVariable[] | undefined {
  const identity = options.identity ?? name;
  if (options.identity !== undefined && options.identity.trim() === '') {
    throw new ShipError('identity cannot be empty', { input: 'identity', hint: 'remove identity to use the service name, or name an agent identity' });
  }
  const replaces = options.env !== undefined || options.envSecrets !== undefined || options.meshagentToken !== undefined;
  if (!replaces) {
    if (options.identity === undefined || existing === undefined) return undefined;
    return existing.map((entry) => (entry.token ? { ...entry, token: { ...entry.token, identity } } : { ...entry }));
  }
  const byName = new Map<string, EnvironmentVariable>();
  const put = (entry: EnvironmentVariable): void => {
    // Map keeps the first position of a name; a later entry replaces its value, as the CLI's upsert does.
    byName.set(entry.name, entry);
  };
  for (const variable of options.env ?? []) put({ name: variable.name, value: variable.value });
  for (const secret of options.envSecrets ?? []) put({ name: secret.name, secret: { id: secret.secretId } });
  if (options.meshagentToken !== undefined) {
    const api = tokenScope(options.meshagentToken);
    for (const tokenName of TOKEN_ENV_NAMES) put({ name: tokenName, token: { identity, api, role: 'agent' } });
  }
  return [...byName.values()];
}

function checkEnvironment(environment: readonly EnvironmentVariable[] | undefined, runAs: ContainerSpec['run_as']): void {
  for (const entry of environment ?? []) {
    if (entry.token && entry.token.identity.includes('@')) {
      throw new ShipError(
        `environment variable '${entry.name}' uses token identity '${entry.token.identity}', but service environment tokens must use an agent identity`,
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

/** Each mount kind replaces the existing list of that kind only when its input is given; `files` always stays. */
function buildStorage(image: ImageFacts, options: ServiceOptions, existing: ContainerStorage | undefined): ContainerStorage | undefined {
  const storage: ContainerStorage = { ...(existing ?? {}) };
  if (options.roomMounts !== undefined) {
    storage.room = options.roomMounts.map((m) => (m.subpath === undefined ? { path: m.path, read_only: m.readOnly } : { path: m.path, subpath: m.subpath, read_only: m.readOnly }));
  }
  if (options.imageMounts !== undefined) {
    storage.images = options.imageMounts.map((m) => ({ image: m.image, path: m.path, read_only: m.readOnly }));
  }
  if (options.emptyDirMounts !== undefined) {
    storage.empty_dirs = options.emptyDirMounts.map((m) => ({ path: m.path, read_only: m.readOnly }));
  }
  // A mount of the image being deployed runs the same digest as the service, as the CLI pins it.
  if (storage.images) storage.images = storage.images.map((m) => (m.image === image.tag ? { ...m, image: image.ref } : m));
  return existing === undefined && Object.keys(storage).length === 0 ? undefined : storage;
}

function normalisePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** Every Dockerfile VOLUME must be mounted, or the container would write into a read-only root. */
function checkVolumesMounted(image: ImageFacts, storage: ContainerStorage | undefined): void {
  const mounted = new Set(
    [...(storage?.room ?? []), ...(storage?.volumes ?? []), ...(storage?.images ?? []), ...(storage?.files ?? []), ...(storage?.empty_dirs ?? [])].map((m) =>
      normalisePath(m.path),
    ),
  );
  const missing = image.volumes.map(normalisePath).filter((path) => !mounted.has(path));
  const first = missing[0];
  if (first === undefined) return;
  const list = missing.join(', ');
  throw new ShipError(
    `the image declares VOLUME ${list}, but the service mounts nothing there; MeshAgent services need a mount for every Dockerfile VOLUME`,
    {
      input: 'empty-dir-mounts',
      hint: `mount ${missing.length > 1 ? 'each path' : 'it'} with one of:\n  empty-dir-mounts: ${first}\n  room-mounts: .:${first}\n  image-mounts: some/image:tag=${first}:rw`,
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Ports

/** TCP ports the image exposes, as the CLI reads Dockerfile EXPOSE: udp skipped, 1-65535, no duplicates. */
export function exposedTcpPorts(image: ImageFacts): number[] {
  const ports: number[] = [];
  const what = image.built ? 'packed Dockerfile' : `image ${image.ref}`;
  for (const key of image.exposedPorts) {
    const [numText = '', protocol = 'tcp'] = key.split('/');
    if (protocol.toLowerCase() !== 'tcp') continue;
    const num = /^[0-9]+$/.test(numText) ? Number(numText) : NaN;
    if (!Number.isInteger(num) || num < 1 || num > 65535) {
      throw new ShipError(`${what} exposed an invalid port: ${key}`, { hint: 'EXPOSE ports from 1 to 65535, or set the ports input' });
    }
    if (RESERVED_ROOM_SERVICE_PORTS.includes(num)) {
      throw new ShipError(`${what} exposed a reserved MeshAgent room infrastructure port; reserved ports: ${reservedList}`, {
        hint: 'let the service listen on another port and EXPOSE that one, or set the ports input',
      });
    }
    if (!ports.includes(num)) ports.push(num);
  }
  return ports;
}

/**
 * The ports: the `ports` input; else the existing service's; else the image's exposed TCP ports. Then, on every
 * port, the reserved check; on non-tcp ports the liveness path; on published ports `public` and the validation
 * annotation.
 */
function buildPorts(name: string, image: ImageFacts, options: ServiceOptions, existing: ServiceSpec | undefined): PortSpec[] {
  let ports: PortSpec[];
  if (options.ports !== undefined) {
    ports = options.ports.map((p) => ({ num: p.num, type: p.type, published: true, endpoints: [] }));
  } else if (existing?.ports && existing.ports.length > 0) {
    ports = existing.ports.map((p) => ({ ...p }));
  } else {
    ports = exposedTcpPorts(image).map((num) => ({ num, type: 'http' as const, published: true, endpoints: [] }));
  }
  return ports.map((port) => {
    if (typeof port.num === 'number' && RESERVED_ROOM_SERVICE_PORTS.includes(port.num)) {
      const source = options.ports !== undefined ? 'ports' : `existing service ${name}`;
      throw new ShipError(`${source} uses reserved MeshAgent room infrastructure port ${port.num}; reserved ports: ${reservedList}`, {
        input: 'ports',
        hint: 'set the ports input to the port the service listens on',
      });
    }
    const result: PortSpec = { ...port };
    if (result.type !== 'tcp') {
      if (options.liveness !== undefined) result.liveness = options.liveness;
      else if (!result.liveness) result.liveness = '/';
    }
    if (result.published) {
      result.public = options.public ? true : null;
      const annotations = withValidationMode({ ...(result.annotations ?? {}) }, options.validationMode);
      if (result.annotations || Object.keys(annotations).length > 0) result.annotations = annotations;
    }
    return result;
  });
}

/** The one published numeric port a domain routes to, with the CLI's errors for none or several. */
export function routeTargetPort(ports: readonly PortSpec[]): number {
  const published = ports.filter((p) => p.published && typeof p.num === 'number');
  const only = published[0];
  if (published.length === 1 && only && typeof only.num === 'number') return only.num;
  const which = published.length === 0 ? 'the service has none' : 'the service has multiple published ports';
  throw new ShipError(`domain requires exactly one published service port; ${which}`, {
    input: 'domain',
    hint: published.length === 0 ? 'EXPOSE the port the service listens on, or set the ports input' : 'list the one port to route in the ports input',
  });
}
