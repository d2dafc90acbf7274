/**
 * The room ServiceSpec exactly as the MeshAgent CLI's `deploy` builds it (reference §5.2 and §5.4): a new service
 * from the inputs and the image's facts, or an existing service updated by merging, never replaced wholesale.
 * Pure functions, no I/O: every rule can be tested on its own, and a spec that would be refused is refused here,
 * before anything touches the running service.
 */
import { ShipError } from '../errors.js';
import type { ShipConfig, TokenScopeInput } from '../inputs.js';
import type { ImageConfig } from '../oci/index.js';
import { RESERVED_ROOM_SERVICE_PORTS, type ContainerSpec, type ContainerStorage, type EnvironmentVariable, type PortSpec, type ServiceSpec } from './wire.js';

export const SERVICE_ID_ANNOTATION = 'meshagent.service.id';
export const VALIDATION_METHOD_ANNOTATION = 'meshagent.request.validation.method';
/** The env vars `meshagent-token` fills with a participant token, in the CLI's order. */
export const TOKEN_ENV_NAMES = ['MESHAGENT_TOKEN', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GROK_API_KEY', 'XAI_API_KEY'] as const;
/** Scopes a run-as account needs to resolve secret env vars. */
const SECRET_SCOPES = ['secrets:proxy', 'secrets:read'];
const DEFAULT_RUN_AS_SCOPES = ['secrets:proxy'];

/**
 * The ApiScope the CLI sends for each `meshagent-token` preset: `ApiScope.agent_default()`, `user_default()` and
 * `full()` (meshagent-api participant_token.py:733-809) serialised as pydantic dumps them, every field present and
 * unset ones null (the create body then drops the nulls, as `exclude_none` does). Note: `user_default` has no `llm`
 * grant, and no preset grants `secrets`.
 */
const GRANT_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  livekit: { breakout_rooms: null },
  queues: { send: null, receive: null, list: true },
  messaging: { broadcast: true, list: true, send: true },
  dataset: { tables: null, list_tables: true },
  sqlite: { databases: null, create_database: true, list_databases: true },
  memory: { list: true, memories: null },
  sync: { paths: null },
  storage: { paths: null },
  containers: { logs: true, pull: null, run: null, registry: null, use_containers: true },
  developer: { logs: true },
  agents: {
    register_agent: true,
    register_public_toolkit: true,
    register_private_toolkit: true,
    call: true,
    use_agents: true,
    use_tools: true,
    allowed_toolkits: null,
  },
  llm: { models: null },
  admin: { config: true },
  secrets: {},
  tunnels: { ports: null },
  services: { list: true },
};
/** ApiScope's fields in declaration order. */
const SCOPE_FIELDS = Object.keys(GRANT_DEFAULTS);
const BASE_GRANTS = ['livekit', 'queues', 'messaging', 'dataset', 'sqlite', 'memory', 'sync', 'storage', 'containers', 'developer', 'agents'];
const SCOPE_PRESETS: Record<'agentDefault' | 'userDefault' | 'full', readonly string[]> = {
  agentDefault: [...BASE_GRANTS, 'llm', 'services'],
  userDefault: [...BASE_GRANTS, 'services'],
  full: [...BASE_GRANTS, 'llm', 'admin', 'tunnels', 'services'],
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
  const environment = buildEnvironment(name, options);
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

/** A required field of a grant entry (no default). */
const REQUIRED = Symbol('required');
/** A list of entries of this shape, or null. */
interface ListOf {
  readonly listOf: Shape;
}
/** A nested object of this shape, or null unless the default says otherwise. */
interface ObjectOf {
  readonly objectOf: Shape;
  readonly fill?: boolean;
}
type Shape = Readonly<Record<string, unknown>>;

const PATH_GRANT: Shape = { path: REQUIRED, read_only: false };
const TABLE_GRANT: Shape = { name: REQUIRED, namespace: null, write: false, read: true, alter: false };
const SQLITE_TABLE_GRANT: Shape = { database: REQUIRED, table: REQUIRED, namespace: null, write: false, read: true, alter: false };
const MEMORY_PERMISSIONS: Shape = { create: true, drop: true, inspect: true, query: true, upsert: true, ingest: true, recall: true, optimize: true };
/** Nested entries of the grants, with their defaults (participant_token.py). */
const GRANT_NESTED: Readonly<Record<string, Readonly<Record<string, ListOf | ObjectOf>>>> = {
  dataset: { tables: { listOf: TABLE_GRANT } },
  sqlite: {
    databases: {
      listOf: {
        name: REQUIRED,
        namespace: null,
        create_table: true,
        drop: false,
        inspect: true,
        list_tables: true,
        execute: true,
        tables: { listOf: SQLITE_TABLE_GRANT } satisfies ListOf,
      },
    },
  },
  memory: { memories: { listOf: { name: REQUIRED, namespace: null, permissions: { objectOf: MEMORY_PERMISSIONS, fill: true } satisfies ObjectOf } } },
  sync: { paths: { listOf: PATH_GRANT } },
  storage: { paths: { listOf: PATH_GRANT } },
  containers: { registry: { objectOf: { list: null, pull: null, run: null, write: null } } },
};

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isListOf = (value: unknown): value is ListOf => isRecord(value) && 'listOf' in value;
const isObjectOf = (value: unknown): value is ObjectOf => isRecord(value) && 'objectOf' in value;

/**
 * One object read as pydantic reads it into a model with these fields: defaults filled, unknown fields dropped (or
 * refused when `forbid`), a missing required field refused. Returns undefined when it does not validate.
 */
function fillShape(shape: Shape, value: unknown, forbid = false): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  if (forbid && Object.keys(value).some((key) => !(key in shape))) return undefined;
  const result: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(shape)) {
    const given = value[field];
    if (spec === REQUIRED) {
      if (given === undefined) return undefined;
      result[field] = given;
    } else if (isListOf(spec)) {
      if (given === undefined || given === null) result[field] = null;
      else if (!Array.isArray(given)) return undefined;
      else {
        const items = given.map((item) => fillShape(spec.listOf, item));
        if (items.some((item) => item === undefined)) return undefined;
        result[field] = items;
      }
    } else if (isObjectOf(spec)) {
      const filled = given === undefined ? (spec.fill ? fillShape(spec.objectOf, {}) : null) : given === null ? null : fillShape(spec.objectOf, given);
      if (filled === undefined) return undefined;
      result[field] = filled;
    } else {
      result[field] = given === undefined ? spec : given;
    }
  }
  return result;
}

/**
 * A JSON ApiScope as the CLI's `ApiScope.model_validate_json` reads it and sends it back: every field present
 * (unset ones null), each grant with its defaults filled, `database`/`datasets` read as `dataset`, unknown fields
 * dropped (`secrets` forbids them). Undefined when the CLI would refuse it.
 */
export function normaliseApiScope(value: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const given: Record<string, unknown> = { ...value };
  // AliasChoices("dataset", "database", "datasets"): the first of these present is the one read.
  given.dataset = ['dataset', 'database', 'datasets'].map((key) => value[key]).find((v) => v !== undefined);
  const scope: Record<string, unknown> = {};
  for (const field of SCOPE_FIELDS) {
    const grant = given[field];
    if (grant === undefined || grant === null) {
      scope[field] = null;
      continue;
    }
    const filled = fillShape({ ...GRANT_DEFAULTS[field], ...GRANT_NESTED[field] }, grant, field === 'secrets');
    if (filled === undefined) return undefined;
    scope[field] = filled;
  }
  return scope;
}

/** An ApiScope object for `meshagent-token`, exactly as the CLI sends it. */
export function tokenScope(input: TokenScopeInput): Record<string, unknown> {
  if ('scope' in input) {
    const scope = normaliseApiScope(input.scope);
    if (scope === undefined) {
      throw new ShipError('meshagent-token must be one of userDefault, agentDefault, full, or a JSON ApiScope object', {
        input: 'meshagent-token',
        hint: 'the JSON must be an ApiScope: grant names such as "storage" or "queues" mapping to objects',
      });
    }
    return scope;
  }
  const grants = SCOPE_PRESETS[input.preset];
  return Object.fromEntries(SCOPE_FIELDS.map((field) => [field, grants.includes(field) ? structuredClone(GRANT_DEFAULTS[field]) : null]));
}

/**
 * The new env list, or undefined to keep the existing one. Any env-type input replaces the old list wholesale
 * (the CLI does not merge); within the new list a later entry of the same name wins: env, then env-secrets, then
 * the token vars. `identity` names the token vars' identity; on its own it changes nothing, because the CLI
 * rewrites identities only in the list it builds, never in the existing service's env (cli image.py:1821-1873,
 * 4925-4937).
 */
function buildEnvironment(name: string, options: ServiceOptions): EnvironmentVariable[] | undefined {
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
  for (const variable of options.env ?? []) put({ name: variable.name, value: variable.value });
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
      ? (options.roomMounts ?? []).map((m) => (m.subpath === undefined ? { path: m.path, read_only: m.readOnly } : { path: m.path, subpath: m.subpath, read_only: m.readOnly }))
      : existing?.room;
    const images = given(options.imageMounts) ? (options.imageMounts ?? []).map((m) => ({ image: m.image, path: m.path, read_only: m.readOnly })) : existing?.images;
    const emptyDirs = given(options.emptyDirMounts) ? (options.emptyDirMounts ?? []).map((m) => ({ path: m.path, read_only: m.readOnly })) : existing?.empty_dirs;
    storage = {};
    if (room) storage.room = room;
    if (images) storage.images = images;
    if (existing?.files) storage.files = existing.files;
    if (emptyDirs) storage.empty_dirs = emptyDirs;
  }
  // A mount of the image being deployed runs the same digest as the service, as the CLI pins it.
  if (storage?.images) storage.images = storage.images.map((m) => (m.image === image.tag ? { ...m, image: imageMountRef(image.ref) } : m));
  return storage;
}

/** `name:tag@digest` → `name@digest`, as the CLI writes a pinned image mount (`_canonical_image_mount_ref`, cli image.py:2463-2482). */
export function imageMountRef(ref: string): string {
  const trimmed = ref.trim();
  const at = trimmed.lastIndexOf('@');
  if (at === -1 || !trimmed.slice(at + 1).includes(':')) return trimmed;
  const name = trimmed.slice(0, at);
  const colon = name.lastIndexOf(':');
  const untagged = colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
  return `${untagged}@${trimmed.slice(at + 1)}`;
}

/** posixpath.normpath, which the CLI applies to VOLUME and mount paths before comparing them. */
export function normalisePath(path: string): string {
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
function checkVolumesMounted(image: ImageFacts, storage: ContainerStorage | undefined): void {
  const mounted = new Set(
    [...(storage?.room ?? []), ...(storage?.images ?? []), ...(storage?.empty_dirs ?? []), ...(storage?.configs ?? [])].map((m) => normalisePath(m.path)),
  );
  const missing = unique(image.volumes.map(normalisePath).filter((path) => path !== '' && !mounted.has(path)));
  const first = missing[0];
  if (first === undefined) return;
  const one = missing.length === 1;
  const what = image.built ? 'packed Dockerfile final stage' : `image ${image.ref}`;
  throw new ShipError(`${what} declares VOLUME path${one ? '' : 's'} ${missing.join(', ')}, but the deployed service does not mount ${one ? 'it' : 'them'}.`, {
    input: 'empty-dir-mounts',
    hint: `add a matching mount for each Dockerfile volume path, for example:\n  empty-dir-mounts: ${first}\n  room-mounts: .:${first}\n  image-mounts: some/image:tag=${first}:rw`,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Ports

/**
 * The ports the image exposes, as the CLI reads Dockerfile EXPOSE (cli image.py:1304-1315, 1372-1395): udp is
 * skipped (any other protocol counts), a port that is not a number from 1 to 65535 is skipped, each port once.
 */
export function exposedTcpPorts(image: ImageFacts): number[] {
  const ports: number[] = [];
  for (const key of image.exposedPorts) {
    const [numText = '', protocol = ''] = key.split('/');
    if (protocol.toLowerCase() === 'udp') continue;
    if (!/^[0-9]+$/.test(numText)) continue;
    const num = Number(numText);
    if (num < 1 || num > 65535 || ports.includes(num)) continue;
    ports.push(num);
  }
  if (ports.some((num) => RESERVED_ROOM_SERVICE_PORTS.includes(num))) {
    const what = image.built ? 'packed Dockerfile' : `image ${image.ref}`;
    throw new ShipError(`${what} exposed a reserved MeshAgent room infrastructure port; reserved ports: ${reservedList}`, {
      hint: 'let the service listen on another port and EXPOSE that one, or set the ports input',
    });
  }
  return ports;
}

/** The ports a new service gets: the `ports` input, else the image's exposed ports (the CLI's Dockerfile ports). */
export function defaultPorts(image: ImageFacts, options: Pick<ServiceOptions, 'ports'>): PortSpec[] {
  if (options.ports !== undefined) return options.ports.map((p) => ({ num: p.num, type: p.type, published: true, endpoints: [] }));
  return exposedTcpPorts(image).map((num) => ({ num, type: 'http' as const, published: true, endpoints: [] }));
}

/**
 * The ports: the `ports` input; else the existing service's; else the image's exposed TCP ports. Then, on every
 * port, the reserved check; on non-tcp ports the liveness path; on published ports `public` and the validation
 * annotation.
 */
function buildPorts(name: string, image: ImageFacts, options: ServiceOptions, existing: ServiceSpec | undefined): PortSpec[] {
  // Read first, as the CLI parses the Dockerfile (and refuses a reserved EXPOSE) before it looks at the service.
  const fromImage = defaultPorts(image, options);
  let ports: PortSpec[];
  if (options.ports !== undefined) {
    ports = fromImage;
  } else if (existing?.ports && existing.ports.length > 0) {
    ports = existing.ports.map((p) => ({ ...p }));
  } else {
    ports = fromImage;
  }
  return ports.map((port) => {
    if (typeof port.num === 'number' && RESERVED_ROOM_SERVICE_PORTS.includes(port.num)) {
      const source = options.ports !== undefined ? 'ports' : existing ? `existing service ${name}` : 'the inferred service configuration';
      throw new ShipError(`${source} uses reserved MeshAgent room infrastructure port ${port.num}; reserved ports: ${reservedList}`, {
        input: 'ports',
        hint: 'set the ports input to the port the service listens on',
      });
    }
    const result: PortSpec = { ...port };
    if (result.type !== 'tcp') {
      if (options.liveness !== undefined) result.liveness = options.liveness;
      else if (result.liveness == null) result.liveness = '/';
    }
    if (result.published) {
      result.public = options.public ? true : null;
      // `annotations or None`: an empty map is sent as null, as the CLI does (cli image.py:2526-2553).
      const annotations = withValidationMode({ ...(result.annotations ?? {}) }, options.validationMode);
      result.annotations = Object.keys(annotations).length > 0 ? annotations : null;
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
