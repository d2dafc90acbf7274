/**
 * Request bodies of the project-level calls (registry repositories, repository tokens, rooms) and the records the
 * sandbox keeps and answers, from meshagent-api client.py (reference §2.3 to §2.5).
 */
import { z } from 'zod';
import { ApiScope } from './api-scope.js';
import { jsonObject, stringMap } from './common.js';

/**
 * POST …/repositories (`CreateProjectRepositoryRequest`, client.py:931-945): unknown fields forbidden. The name
 * rule (names.ts) is applied by the handler, so its message is the API's own.
 */
export const CreateRepositoryBody = z.strictObject({
  name: z.string(),
  description: z.string().default(''),
  annotations: stringMap.default({}),
});

/** PUT …/repositories/{id} (`UpdateProjectRepositoryRequest`, client.py:947-948): the create request's fields. */
export const UpdateRepositoryBody = CreateRepositoryBody.extend({});

/**
 * POST …/repositories/{id}/token (`CreateRepositoryTokenRequest`, client.py:1004-1031): `actions` defaults to
 * `["pull"]`, each `pull` or `push`, each once, never none; `expires_in_seconds` may be left out (the server's
 * default applies) and is otherwise above zero.
 */
export const RepositoryTokenBody = z.strictObject({
  actions: z
    .array(z.enum(['pull', 'push']))
    .default(['pull'])
    .transform((actions) => [...new Set(actions)])
    .refine((actions) => actions.length > 0, { message: 'repository token actions must not be empty' }),
  expires_in_seconds: z.number().int().positive({ message: 'expires_in_seconds must be greater than zero' }).nullish(),
});

/**
 * POST …/rooms: the five fields the SDK sends (client.py:4143-4181, reference §2.5). The SDK builds this body as a
 * plain dict, so upstream shows no model of it; the sandbox refuses other fields, as every model here does.
 */
export const CreateRoomBody = z.strictObject({
  name: z.string(),
  if_not_exists: z.boolean().default(false),
  metadata: jsonObject.nullish(),
  annotations: stringMap.nullish(),
  permissions: z.record(z.string(), ApiScope).nullish(),
});

/**
 * PUT …/rooms/{id}: `{name}`, plus `metadata`, `annotations` and `enabled` when the caller sets them (client.py
 * update_room builds this body as a dict; the sandbox refuses other fields, as for the create).
 */
export const UpdateRoomBody = z.strictObject({
  name: z.string(),
  metadata: jsonObject.optional(),
  annotations: stringMap.optional(),
  enabled: z.boolean().optional(),
});

/** `ProjectInfo` (client.py:970-985), with the key the sandbox always has. */
export interface ProjectRecord {
  readonly id: string;
  readonly name: string;
  readonly project_key: string;
  readonly owner_user_id: string | null;
  readonly created_at: string;
}

/** `ProjectRepository` (client.py:952-967): every field present, `created_at` an ISO date. */
export interface RepositoryRecord {
  readonly id: string;
  readonly project_id: string;
  readonly name: string;
  readonly description: string;
  readonly annotations: Record<string, string>;
  readonly created_at: string;
}

/** `Room` (client.py:152-158): `metadata` is required, `annotations` and `enabled` always answered. */
export interface RoomRecord {
  readonly id: string;
  readonly name: string;
  readonly metadata: Record<string, unknown>;
  readonly annotations: Record<string, string>;
  readonly enabled: boolean;
}
