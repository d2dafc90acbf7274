/**
 * The room service spec (meshagent-api specs/service.py: ServiceSpec and its container, ports and mounts, 73-221,
 * 390-444, 711-853), field by field in the models' order, with their defaults. Every model forbids unknown fields
 * except TokenValue, which drops them.
 *
 * Parsing gives the spec as the SDK serialises it (`model_dump()`): the update body. The create body is the same
 * without `id` and without nulls (`model_dump(exclude_none=True, exclude={"id"})`).
 */
import { z } from 'zod';
import { ShipError } from '../errors.js';
import { apiScope } from './api-scope.js';
import { RESERVED_ROOM_SERVICE_PORTS } from './reserved-ports.js';
import { AgentSpec, EndpointSpec } from './wire-agent.js';
import { optional, optionalString, optionalStringMap, positiveInt, stringMap } from './wire-model.js';

const SecretValue = z.strictObject({ id: z.string() });

export const EnvironmentVariable = z.strictObject({
  name: z.string(),
  value: optionalString,
  // TokenValue is the one model here without extra="forbid" (service.py:78): unknown fields are dropped.
  token: optional(z.object({ identity: z.string(), api: optional(apiScope), role: optional(z.enum(['user', 'agent', 'tool'])) })),
  secret: optional(SecretValue),
});
export type EnvironmentVariable = z.input<typeof EnvironmentVariable>;

const readOnly = (byDefault: boolean) => z.boolean().default(byDefault);

export const ContainerStorage = z.strictObject({
  room: optional(z.array(z.strictObject({ path: z.string(), subpath: optionalString, read_only: readOnly(false) }))),
  volumes: optional(z.array(z.strictObject({ name: z.string(), path: z.string(), subpath: optionalString, read_only: readOnly(false) }))),
  images: optional(z.array(z.strictObject({ image: z.string(), path: z.string(), subpath: optionalString, read_only: readOnly(true) }))),
  files: optional(z.array(z.strictObject({ path: z.string(), text: z.string(), read_only: readOnly(true) }))),
  empty_dirs: optional(z.array(z.strictObject({ path: z.string(), read_only: readOnly(false) }))),
  configs: optional(z.array(z.strictObject({ path: z.string().default('/var/run/meshagent') }))),
});
export type ContainerStorage = z.input<typeof ContainerStorage>;

export const ContainerSpec = z
  .strictObject({
    image: z.string(),
    // ServiceRunAs validators (service.py:100-134): email trimmed and lowercased, not empty; scopes trimmed, empty
    // ones dropped, each once.
    run_as: optional(
      z.strictObject({
        email: z
          .string()
          .transform((email) => email.trim().toLowerCase())
          .refine((email) => email !== '', { message: 'run_as.email must not be empty' }),
        scopes: z
          .array(z.string())
          .default(['secrets:proxy'])
          .transform((scopes) => [...new Set(scopes.map((scope) => scope.trim()).filter((scope) => scope !== ''))]),
      }),
    ),
    // `Optional[ContainerTemplate] = "agent"`: left out it is `agent`; null stays null.
    template: z.enum(['agent', 'none']).nullable().default('agent'),
    command: optionalString,
    working_dir: optionalString,
    pull_secret: optional(SecretValue),
    environment: optional(z.array(EnvironmentVariable)),
    storage: optional(ContainerStorage),
    on_demand: optional(z.boolean()),
    writable_root_fs: optional(z.boolean()),
    private: z.boolean().default(true),
  })
  .refine((c) => !c.environment?.some((e) => e.secret) || c.run_as, {
    message: 'container.run_as is required when using SecretValue',
  });
export type ContainerSpec = z.input<typeof ContainerSpec>;

export const PortSpec = z.strictObject({
  num: z
    .union([z.literal('*'), positiveInt])
    .default('*')
    .superRefine((num, ctx) => {
      // The API's own text (PortSpec._validate_reserved_service_port).
      if (num !== '*' && RESERVED_ROOM_SERVICE_PORTS.includes(num)) {
        ctx.addIssue({
          code: 'custom',
          message: `service port ${num} is reserved for MeshAgent room infrastructure; reserved ports: ${RESERVED_ROOM_SERVICE_PORTS.join(', ')}`,
        });
      }
    }),
  host_port: optional(positiveInt),
  // `Optional[Literal["http", "tcp"]] = "http"`: left out it is `http`; null stays null.
  type: z.enum(['http', 'tcp']).nullable().default('http'),
  // A list, not Optional: null is refused.
  endpoints: z.array(EndpointSpec).default([]),
  liveness: optionalString,
  published: optional(z.boolean()),
  public: optional(z.boolean()),
  annotations: optionalStringMap,
});
export type PortSpec = z.input<typeof PortSpec>;

export const ServiceSpec = z.strictObject({
  version: z.literal('v1'),
  kind: z.literal('Service'),
  id: optionalString,
  enabled: z.boolean().default(true),
  metadata: z.strictObject({
    name: z.string(),
    description: optionalString,
    repo: optionalString,
    icon: optionalString,
    annotations: optionalStringMap,
  }),
  agents: optional(z.array(AgentSpec)),
  // `Optional[list[PortSpec]] = []`: left out it is empty; null stays null.
  ports: z
    .array(PortSpec)
    .nullable()
    .default(() => []),
  files: optional(z.array(z.strictObject({ path: z.string(), text: z.string() }))),
  container: optional(ContainerSpec),
  external: optional(z.strictObject({ url: optionalString })),
});
/** A service spec as code builds it and the API answers it: a field the model defaults may be left out. */
export type ServiceSpec = z.input<typeof ServiceSpec>;

/** A service as the API answers it: read leniently. */
export const ServiceRecord = z.looseObject({
  id: z.string().nullish(),
  metadata: z.looseObject({ name: z.string(), annotations: stringMap.nullish() }),
});
export type ServiceRecord = z.infer<typeof ServiceRecord>;

export const ServiceList = z.object({ services: z.array(ServiceRecord) });
export const CreatedService = z.object({ id: z.string() });

/**
 * The spec as the SDK serialises it, every field present and unset ones null: the body of an update. A spec the
 * model would refuse is refused here, before anything is sent.
 */
export function dumpServiceSpec(spec: ServiceSpec): z.output<typeof ServiceSpec> {
  const parsed = ServiceSpec.safeParse(spec);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`).join('; ');
  throw new ShipError(`the service spec of ${spec.metadata.name} is not valid: ${details}`, {
    hint: 'the spec is built from the inputs and the existing service; check the inputs named above',
  });
}
