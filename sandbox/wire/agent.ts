/**
 * The agents a service exposes (`AgentSpec` and its channels, meshagent-api specs/service.py:303-388). Every model
 * forbids unknown fields except the heartbeat's prompt contents (agent_content.py), which ignore them.
 */
import { z } from 'zod';
import { jsonObject, optionalString, positiveInt, stringMap } from './common.js';

const annotations = stringMap.nullish();

const PromptTemplate = z.strictObject({ name: z.string(), description: optionalString, prompt: z.string(), annotations });

const EmailChannel = z.strictObject({ annotations, address: z.string(), private: z.boolean().default(true) });
const MessagingChannel = z.strictObject({
  annotations,
  protocol: z.string().default('meshagent.agent-message.v1'),
  prompts: z.array(PromptTemplate).nullish(),
});
const QueueChannel = z.strictObject({
  annotations,
  queue: z.string(),
  threading_mode: z.literal('default-new').nullish(),
  message_schema: jsonObject.nullish(),
});
const ToolkitChannel = z.strictObject({ annotations, name: z.string() });

export const ChannelsSpec = z.strictObject({
  email: z.array(EmailChannel).nullish(),
  messaging: z.array(MessagingChannel).nullish(),
  queue: z.array(QueueChannel).nullish(),
  toolkit: z.array(ToolkitChannel).nullish(),
});

export const EmailSpec = z
  .strictObject({ address: z.string(), public: z.boolean().default(false) })
  .refine((email) => email.address.trim() !== '', { message: 'email.address must not be empty', path: ['address'] });

/** `AgentInputContent`: text, file or audio, told apart by `type`. */
const AgentInputContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('file'), url: z.string(), name: optionalString }),
  z.object({ type: z.literal('audio'), url: z.string() }),
]);

export const HeartbeatSpec = z
  .strictObject({ queue: z.string(), thread_id: optionalString, prompt: z.array(AgentInputContent).nullish(), minutes: positiveInt })
  .superRefine((heartbeat, ctx) => {
    if (heartbeat.queue.trim() === '') ctx.addIssue({ code: 'custom', message: 'heartbeat.queue must not be empty', path: ['queue'] });
    else if (!heartbeat.prompt?.length) ctx.addIssue({ code: 'custom', message: 'heartbeat requires prompt', path: ['prompt'] });
  });

export const AgentSpec = z.strictObject({
  name: z.string(),
  description: optionalString,
  annotations,
  channels: ChannelsSpec.nullish(),
  email: EmailSpec.nullish(),
  heartbeat: HeartbeatSpec.nullish(),
});
