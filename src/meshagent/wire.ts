/**
 * MeshAgent's REST wire types as zod schemas (meshagent-api: client.py and specs/service.py).
 *
 * Request bodies are strict, as the API's own models forbid unknown fields: the client sends nothing else and the
 * sandbox rejects anything else. Responses are read leniently (unknown fields ignored), so a newer server does not
 * break an older action.
 */
import { z } from 'zod';
import { stringMap } from './wire-model.js';

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
