/**
 * The agents a service exposes and the endpoints of its ports (meshagent-api specs/service.py: AgentSpec and its
 * channels, 303-388; EndpointSpec with its MeshAgent and MCP parts, 756-803; oauth.py OAuthClientConfig), checked
 * field by field and written back as the SDK dumps them. Every model forbids unknown fields except the heartbeat's
 * prompt contents (agent_content.py) and TokenValue, which drop them.
 */
import { z } from 'zod';
import { apiScope } from './api-scope.js';
import { optional, optionalString, optionalStringMap, positiveInt } from './wire-model.js';

const annotations = optionalStringMap;

const PromptTemplate = z.strictObject({ name: z.string(), description: optionalString, prompt: z.string(), annotations });

// Channels extend ChannelSpec, so `annotations` comes first in each, as pydantic orders inherited fields.
const EmailChannel = z.strictObject({ annotations, address: z.string(), private: z.boolean().default(true) });
const QueueChannel = z.strictObject({
  annotations,
  queue: z.string(),
  threading_mode: optional(z.literal('default-new')),
  message_schema: optional(z.record(z.string(), z.unknown())),
});
const MessagingChannel = z.strictObject({
  annotations,
  protocol: z.string().default('meshagent.agent-message.v1'),
  prompts: optional(z.array(PromptTemplate)),
});
const ToolkitChannel = z.strictObject({ annotations, name: z.string() });

const ChannelsSpec = z.strictObject({
  email: optional(z.array(EmailChannel)),
  messaging: optional(z.array(MessagingChannel)),
  queue: optional(z.array(QueueChannel)),
  toolkit: optional(z.array(ToolkitChannel)),
});

const EmailSpec = z
  .strictObject({ address: z.string(), public: z.boolean().default(false) })
  .refine((email) => email.address.trim() !== '', { message: 'email.address must not be empty', path: ['address'] });

/** `AgentInputContent`: text, file or audio, told apart by `type`; unknown fields dropped. */
const AgentInputContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('file'), url: z.string(), name: optionalString }),
  z.object({ type: z.literal('audio'), url: z.string() }),
]);

const HeartbeatSpec = z
  .strictObject({ queue: z.string(), thread_id: optionalString, prompt: optional(z.array(AgentInputContent)), minutes: positiveInt })
  .superRefine((heartbeat, ctx) => {
    if (heartbeat.queue.trim() === '') ctx.addIssue({ code: 'custom', message: 'heartbeat.queue must not be empty', path: ['queue'] });
    else if (!heartbeat.prompt?.length) ctx.addIssue({ code: 'custom', message: 'heartbeat requires prompt', path: ['prompt'] });
  });

export const AgentSpec = z.strictObject({
  name: z.string(),
  description: optionalString,
  annotations,
  channels: optional(ChannelsSpec),
  email: optional(EmailSpec),
  heartbeat: optional(HeartbeatSpec),
});

const OAuthClientConfig = z.strictObject({
  client_id: optionalString,
  client_secret: optionalString,
  authorization_endpoint: optionalString,
  token_endpoint: optionalString,
  no_pkce: optional(z.boolean()),
  scopes: optional(z.array(z.string())),
});

const McpEndpointSpec = z.strictObject({
  label: z.string(),
  description: optionalString,
  // `tool_names: list[str] = None`: left out, it is dumped as null (the API refuses an explicit null; its server says so).
  allowed_tools: optional(z.array(z.strictObject({ tool_names: optional(z.array(z.string())), read_only: optional(z.boolean()) }))),
  headers: optionalStringMap,
  require_approval: optional(z.enum(['always', 'never'])),
  oauth: optional(OAuthClientConfig),
  openai_connector_id: optionalString,
  use_proxy_secret: optionalString,
});

export const EndpointSpec = z.strictObject({
  path: z.string(),
  meshagent: optional(z.strictObject({ identity: z.string(), api: optional(apiScope) })),
  mcp: optional(McpEndpointSpec),
  annotations,
});
