/**
 * A service's container (`ContainerSpec`, meshagent-api specs/service.py:73-221 and 399-444; reference §4): image,
 * run-as account, env, mounts and flags. Every model forbids unknown fields except `TokenValue`, which ignores them.
 */
import { z } from 'zod';
import { ApiScope } from './api-scope.js';
import { optionalString } from './common.js';

export const SecretValue = z.strictObject({ id: z.string() });

/** `TokenValue` (service.py:78): the one model here without `extra="forbid"`, so unknown fields are dropped. */
export const TokenValue = z.object({
  identity: z.string(),
  api: ApiScope.nullish(),
  role: z.enum(['user', 'agent', 'tool']).nullish(),
});

const EnvironmentVariable = z.strictObject({
  name: z.string(),
  value: optionalString,
  token: TokenValue.nullish(),
  secret: SecretValue.nullish(),
});

/** `ServiceRunAs` (service.py:100-134): the email trimmed and lowercased, not empty; scopes trimmed, blanks dropped, each once. */
export const ServiceRunAs = z.strictObject({
  email: z
    .string()
    .transform((email) => email.trim().toLowerCase())
    .refine((email) => email !== '', { message: 'run_as.email must not be empty' }),
  scopes: z
    .array(z.string())
    .default(['secrets:proxy'])
    .transform((scopes) => [...new Set(scopes.map((scope) => scope.trim()).filter((scope) => scope !== ''))]),
});

/** The mounts (`ContainerMountSpec`): each kind a list, with its own `read_only` default. */
export const ContainerMountSpec = z.strictObject({
  room: z.array(z.strictObject({ path: z.string(), subpath: optionalString, read_only: z.boolean().default(false) })).nullish(),
  volumes: z.array(z.strictObject({ name: z.string(), path: z.string(), subpath: optionalString, read_only: z.boolean().default(false) })).nullish(),
  images: z.array(z.strictObject({ image: z.string(), path: z.string(), subpath: optionalString, read_only: z.boolean().default(true) })).nullish(),
  files: z.array(z.strictObject({ path: z.string(), text: z.string(), read_only: z.boolean().default(true) })).nullish(),
  empty_dirs: z.array(z.strictObject({ path: z.string(), read_only: z.boolean().default(false) })).nullish(),
  configs: z.array(z.strictObject({ path: z.string().default('/var/run/meshagent') })).nullish(),
});

export const ContainerSpec = z
  .strictObject({
    image: z.string(),
    run_as: ServiceRunAs.nullish(),
    // `Optional[ContainerTemplate] = "agent"`: left out it is `agent`; null stays null.
    template: z.enum(['agent', 'none']).nullable().default('agent'),
    command: optionalString,
    working_dir: optionalString,
    pull_secret: SecretValue.nullish(),
    environment: z.array(EnvironmentVariable).nullish(),
    storage: ContainerMountSpec.nullish(),
    on_demand: z.boolean().nullish(),
    writable_root_fs: z.boolean().nullish(),
    private: z.boolean().default(true),
  })
  .superRefine((container, ctx) => {
    // The model's own validator and text (service.py:436-444).
    if (!container.run_as && container.environment?.some((entry) => entry.secret)) {
      ctx.addIssue({ code: 'custom', message: 'container.run_as is required when using SecretValue', path: ['run_as'] });
    }
  });
