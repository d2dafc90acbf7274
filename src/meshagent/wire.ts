/**
 * MeshAgent's REST wire types as zod schemas (meshagent-api: client.py and specs/service.py).
 *
 * Request bodies are strict, as the API's own models forbid unknown fields: the client sends nothing else and the
 * sandbox rejects anything else. Responses are read leniently (unknown fields ignored), so a newer server does not
 * break an older action.
 */
import { z } from 'zod';
import { RESERVED_ROOM_SERVICE_PORTS } from './reserved-ports.js';

const stringMap = z.record(z.string(), z.string());

// ---------------------------------------------------------------------------------------------------------------
// Deployment config and projects

export const DeploymentConfig = z.object({
  domains: z
    .object({
      studio: z.string().nullish(),
      accounts: z.string().nullish(),
      powerboards: z.string().nullish(),
      api: z.string().nullish(),
      mail: z.string().nullish(),
      pages: z.string().nullish(),
      registry: z.string().nullish(),
    })
    .default({}),
  version: z.string().nullish(),
});
export type DeploymentConfig = z.infer<typeof DeploymentConfig>;

export const ProjectInfo = z.object({
  id: z.string(),
  owner_user_id: z.string().nullish(),
  name: z.string(),
  project_key: z.string().nullish(),
  created_at: z.string().nullish(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

// ---------------------------------------------------------------------------------------------------------------
// Registry repositories and tokens

export const CreateRepositoryRequest = z.strictObject({
  name: z.string(),
  description: z.string().default(''),
  annotations: stringMap.default({}),
});
export type CreateRepositoryRequest = z.input<typeof CreateRepositoryRequest>;

export const ProjectRepository = z.object({
  id: z.string(),
  project_id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  annotations: stringMap.nullish(),
  created_at: z.string().nullish(),
});
export type ProjectRepository = z.infer<typeof ProjectRepository>;

export const RepositoryList = z.object({
  repositories: z.array(ProjectRepository),
  total: z.number().nullish(),
  continuation_token: z.string().nullish(),
});

export const RepositoryTokenRequest = z.strictObject({
  actions: z.array(z.enum(['pull', 'push'])).min(1),
  expires_in_seconds: z.number().int().positive(),
});
export type RepositoryTokenRequest = z.infer<typeof RepositoryTokenRequest>;

export const RepositoryToken = z.object({ token: z.string(), expires_at: z.string() });
export type RepositoryToken = z.infer<typeof RepositoryToken>;

// ---------------------------------------------------------------------------------------------------------------
// Rooms

export const CreateRoomRequest = z.strictObject({
  name: z.string(),
  if_not_exists: z.boolean().default(false),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  annotations: stringMap.nullish(),
  permissions: z.record(z.string(), z.unknown()).nullish(),
});
export type CreateRoomRequest = z.input<typeof CreateRoomRequest>;

export const Room = z.object({
  id: z.string(),
  name: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  annotations: stringMap.nullish(),
  enabled: z.boolean().nullish(),
});
export type Room = z.infer<typeof Room>;

/** POST .../rooms/{room}/connect (client.py 4588-4598): a participant token and the room's websocket URL. */
export const RoomConnectAnswer = z.object({ jwt: z.string(), room_url: z.string() });

// ---------------------------------------------------------------------------------------------------------------
// Room services: the ServiceSpec (specs/service.py; every model forbids unknown fields)

/** ApiScope and agent specs are large and change often; they are carried as objects, not checked field by field. */
const opaqueObject = z.record(z.string(), z.unknown());

export const EnvironmentVariable = z.strictObject({
  name: z.string(),
  value: z.string().nullish(),
  // TokenValue is the one model here without extra="forbid" (api specs/service.py:78): unknown fields are dropped.
  token: z
    .object({
      identity: z.string(),
      api: opaqueObject.nullish(),
      role: z.enum(['user', 'agent', 'tool']).nullish(),
    })
    .nullish(),
  secret: z.strictObject({ id: z.string() }).nullish(),
});
export type EnvironmentVariable = z.infer<typeof EnvironmentVariable>;

export const ContainerStorage = z.strictObject({
  room: z.array(z.strictObject({ path: z.string(), subpath: z.string().nullish(), read_only: z.boolean().default(false) })).nullish(),
  volumes: z.array(z.strictObject({ name: z.string(), path: z.string(), subpath: z.string().nullish(), read_only: z.boolean().default(false) })).nullish(),
  images: z.array(z.strictObject({ image: z.string(), path: z.string(), subpath: z.string().nullish(), read_only: z.boolean().default(true) })).nullish(),
  files: z.array(z.strictObject({ path: z.string(), text: z.string(), read_only: z.boolean().default(true) })).nullish(),
  empty_dirs: z.array(z.strictObject({ path: z.string(), read_only: z.boolean().default(false) })).nullish(),
  configs: z.array(z.strictObject({ path: z.string().default('/var/run/meshagent') })).nullish(),
});
export type ContainerStorage = z.infer<typeof ContainerStorage>;

export const ContainerSpec = z
  .strictObject({
    image: z.string(),
    // ServiceRunAs validators (api specs/service.py:100-134): email trimmed and lowercased, not empty; scopes
    // trimmed, empty ones dropped, each once.
    run_as: z
      .strictObject({
        email: z
          .string()
          .transform((email) => email.trim().toLowerCase())
          .refine((email) => email !== '', { message: 'run_as.email must not be empty' }),
        scopes: z
          .array(z.string())
          .default(['secrets:proxy'])
          .transform((scopes) => [...new Set(scopes.map((scope) => scope.trim()).filter((scope) => scope !== ''))]),
      })
      .nullish(),
    template: z.enum(['agent', 'none']).nullish(),
    command: z.string().nullish(),
    working_dir: z.string().nullish(),
    pull_secret: z.strictObject({ id: z.string() }).nullish(),
    environment: z.array(EnvironmentVariable).nullish(),
    storage: ContainerStorage.nullish(),
    on_demand: z.boolean().nullish(),
    writable_root_fs: z.boolean().nullish(),
    private: z.boolean().default(true),
  })
  .refine((c) => !c.environment?.some((e) => e.secret) || c.run_as, {
    message: 'container.run_as is required when using SecretValue',
  });
export type ContainerSpec = z.infer<typeof ContainerSpec>;

export const PortSpec = z.strictObject({
  num: z
    .union([z.literal('*'), z.number().int().positive()])
    .default('*')
    .superRefine((num, ctx) => {
      // The API's own text (api specs/service.py PortSpec._validate_reserved_service_port).
      if (num !== '*' && RESERVED_ROOM_SERVICE_PORTS.includes(num)) {
        ctx.addIssue({
          code: 'custom',
          message: `service port ${num} is reserved for MeshAgent room infrastructure; reserved ports: ${RESERVED_ROOM_SERVICE_PORTS.join(', ')}`,
        });
      }
    }),
  host_port: z.number().int().positive().nullish(),
  type: z.enum(['http', 'tcp']).nullish(),
  endpoints: z.array(opaqueObject).default([]),
  liveness: z.string().nullish(),
  published: z.boolean().nullish(),
  public: z.boolean().nullish(),
  annotations: stringMap.nullish(),
});
export type PortSpec = z.infer<typeof PortSpec>;

export const ServiceSpec = z.strictObject({
  version: z.literal('v1'),
  kind: z.literal('Service'),
  id: z.string().nullish(),
  enabled: z.boolean().default(true),
  metadata: z.strictObject({
    name: z.string(),
    description: z.string().nullish(),
    repo: z.string().nullish(),
    icon: z.string().nullish(),
    annotations: stringMap.nullish(),
  }),
  agents: z.array(opaqueObject).nullish(),
  ports: z.array(PortSpec).nullish(),
  files: z.array(z.strictObject({ path: z.string(), text: z.string() })).nullish(),
  container: ContainerSpec.nullish(),
  external: z.strictObject({ url: z.string().nullish() }).nullish(),
});
export type ServiceSpec = z.infer<typeof ServiceSpec>;

/** A service as the API answers it: read leniently. */
export const ServiceRecord = z.looseObject({
  id: z.string().nullish(),
  metadata: z.looseObject({ name: z.string(), annotations: stringMap.nullish() }),
});
export type ServiceRecord = z.infer<typeof ServiceRecord>;

export const ServiceList = z.object({ services: z.array(ServiceRecord) });
export const CreatedService = z.object({ id: z.string() });

// ---------------------------------------------------------------------------------------------------------------
// Routes (specs/service.py RouteSpec)

const RoutePath = z
  .strictObject({
    path: z
      .string()
      .default('/')
      .refine((p) => p.startsWith('/'), { message: 'RouteSpec paths must start with /' }),
    pathType: z.enum(['prefix', 'exact']).default('prefix'),
    stripPrefix: z.boolean().optional(),
    targetPort: z
      .union([z.string(), z.number().int()])
      .refine((p) => typeof p !== 'string' || p.trim() !== '', { message: 'RouteSpec targetPort must not be empty' })
      .optional(),
    targetContent: opaqueObject.optional(),
  })
  .refine((p) => (p.targetPort === undefined) !== (p.targetContent === undefined), {
    message: 'RouteSpec paths require exactly one of targetPort or targetContent',
  })
  .refine((p) => p.targetContent === undefined || !p.stripPrefix, {
    message: 'RouteSpec content paths do not support stripPrefix; the route path is always removed',
  });

export const RouteSpec = z
  .strictObject({
    version: z.literal('v1').default('v1'),
    kind: z.literal('Route').default('Route'),
    metadata: z.strictObject({ name: z.string(), annotations: stringMap.default({}) }),
    domain: z.string(),
    backend: z
      .strictObject({ room: z.strictObject({ name: z.string() }).nullish(), agent: z.strictObject({ name: z.string() }).nullish() })
      .refine((b) => Boolean(b.room) !== Boolean(b.agent), { message: 'RouteSpec backend requires exactly one of room or agent' }),
    paths: z.array(RoutePath).default([]),
  })
  .refine((r) => !r.backend.room || r.paths.length > 0, { message: 'RouteSpec room backend requires at least one path' })
  .refine((r) => !r.backend.agent || r.paths.length === 0, { message: 'RouteSpec agent backend does not support paths' });
export type RouteSpec = z.infer<typeof RouteSpec>;
export type RouteSpecInput = z.input<typeof RouteSpec>;

export const RouteAnswer = z.object({ route: z.object({ domain: z.string(), spec: RouteSpec }) });
export type RouteRecord = z.infer<typeof RouteAnswer>['route'];

/** A room's routes (`GET …/rooms/{room}/routes`), read leniently: only what finds a service's domain. */
export const RoomRouteList = z.object({
  routes: z.array(
    z.looseObject({
      domain: z.string(),
      spec: z.looseObject({ metadata: z.looseObject({ annotations: stringMap.nullish() }).nullish() }).nullish(),
      annotations: stringMap.nullish(),
    }),
  ),
  total: z.number().nullish(),
});
export type RoomRouteList = z.infer<typeof RoomRouteList>;
