/**
 * The room service spec (`ServiceSpec`, meshagent-api specs/service.py:716-853; reference §4): metadata, agents,
 * ports with their endpoints, seed files, the container or an external URL. Every model forbids unknown fields.
 */
import { z } from 'zod';
import { AgentSpec } from './agent.js';
import { ApiScope } from './api-scope.js';
import { optionalString, positiveInt, stringMap } from './common.js';
import { ContainerSpec } from './container.js';

/** Ports the room's own infrastructure listens on (api room_ports.py:5-6). */
const RESERVED_PORTS: readonly number[] = [8078];

const MeshagentEndpointSpec = z.strictObject({ identity: z.string(), api: ApiScope.nullish() });

const OAuthClientConfig = z.strictObject({
  client_id: optionalString,
  client_secret: optionalString,
  authorization_endpoint: optionalString,
  token_endpoint: optionalString,
  no_pkce: z.boolean().nullish(),
  scopes: z.array(z.string()).nullish(),
});

const McpEndpointSpec = z.strictObject({
  label: z.string(),
  description: optionalString,
  // `tool_names: list[str] = None`: may be left out, but an explicit null is not a list.
  allowed_tools: z.array(z.strictObject({ tool_names: z.array(z.string()).optional(), read_only: z.boolean().nullish() })).nullish(),
  headers: stringMap.nullish(),
  require_approval: z.enum(['always', 'never']).nullish(),
  oauth: OAuthClientConfig.nullish(),
  openai_connector_id: optionalString,
  use_proxy_secret: optionalString,
});

const EndpointSpec = z.strictObject({
  path: z.string(),
  meshagent: MeshagentEndpointSpec.nullish(),
  mcp: McpEndpointSpec.nullish(),
  annotations: stringMap.nullish(),
});

export const PortSpec = z.strictObject({
  num: z
    .union([z.literal('*'), positiveInt])
    .default('*')
    .superRefine((num, ctx) => {
      // The model's own text (PortSpec._validate_reserved_service_port).
      if (num !== '*' && RESERVED_PORTS.includes(num)) {
        ctx.addIssue({
          code: 'custom',
          message: `service port ${num} is reserved for MeshAgent room infrastructure; reserved ports: ${[...RESERVED_PORTS].sort((a, b) => a - b).join(', ')}`,
        });
      }
    }),
  host_port: positiveInt.nullish(),
  // `Optional[Literal["http", "tcp"]] = "http"`: left out it is `http`; null stays null.
  type: z.enum(['http', 'tcp']).nullable().default('http'),
  // A list, not Optional: null is refused.
  endpoints: z.array(EndpointSpec).default([]),
  liveness: optionalString,
  published: z.boolean().nullish(),
  public: z.boolean().nullish(),
  annotations: stringMap.nullish(),
});

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
    annotations: stringMap.nullish(),
  }),
  agents: z.array(AgentSpec).nullish(),
  // `Optional[list[PortSpec]] = []`: left out it is empty; null stays null.
  ports: z.array(PortSpec).nullable().default([]),
  files: z.array(z.strictObject({ path: z.string(), text: z.string() })).nullish(),
  container: ContainerSpec.nullish(),
  external: z.strictObject({ url: optionalString }).nullish(),
});
export type ServiceSpec = z.output<typeof ServiceSpec>;
