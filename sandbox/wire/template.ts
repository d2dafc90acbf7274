/**
 * The service template (`ServiceTemplateSpec` and its parts, meshagent-api specs/service.py:856-1080): a service
 * spec with variables and an optional container image. Every model forbids
 * unknown fields.
 */
import { z } from 'zod';
import { ChannelsSpec, EmailSpec, HeartbeatSpec } from './agent.js';
import { optionalString, stringMap } from './common.js';
import { ContainerMountSpec, SecretValue, ServiceRunAs, TokenValue } from './container.js';
import { PortSpec } from './service.js';

const ServiceTemplateVariable = z.strictObject({
  name: z.string(),
  title: optionalString,
  description: optionalString,
  obscure: z.boolean().default(false),
  enum: z.array(z.string()).nullish(),
  optional: z.boolean().default(false),
  type: z.enum(['email', 'route']).nullish(),
  annotations: stringMap.nullish(),
});

const ContainerTemplateSpec = z.strictObject({
  environment: z.array(z.strictObject({ name: z.string(), value: optionalString, token: TokenValue.nullish(), secret: SecretValue.nullish() })).nullish(),
  image: optionalString,
  run_as: ServiceRunAs.nullish(),
  template: z.enum(['agent', 'none']).nullable().default('agent'),
  command: optionalString,
  working_dir: optionalString,
  storage: ContainerMountSpec.nullish(),
  on_demand: z.boolean().nullish(),
  writable_root_fs: z.boolean().nullish(),
  private: z.boolean().default(true),
});

export const ServiceTemplateSpec = z.strictObject({
  version: z.literal('v1'),
  kind: z.literal('ServiceTemplate'),
  metadata: z.strictObject({ name: z.string(), description: optionalString, repo: optionalString, icon: optionalString, annotations: stringMap.nullish() }),
  agents: z
    .array(
      z.strictObject({
        name: z.string(),
        description: optionalString,
        annotations: stringMap.nullish(),
        channels: ChannelsSpec.nullish(),
        email: EmailSpec.nullish(),
        heartbeat: HeartbeatSpec.nullish(),
      }),
    )
    .nullish(),
  variables: z.array(ServiceTemplateVariable).nullish(),
  ports: z.array(PortSpec).nullish(),
  files: z.array(z.strictObject({ path: z.string(), text: z.string() })).nullish(),
  container: ContainerTemplateSpec.nullish(),
  external: z.strictObject({ url: z.string() }).nullish(),
});
export type ServiceTemplateSpec = z.output<typeof ServiceTemplateSpec>;

/** `POST /templates/render` and the template form of a service write: the template's text and its values. */
export const TemplateBody = z.strictObject({ template: z.string(), values: stringMap.default({}) });
