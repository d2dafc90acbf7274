/**
 * `POST /accounts/projects/{project_id}/rooms/{room}/connect` (meshagent-api client.py:4588-4598): a participant
 * token for the room and the room's websocket URL, `{jwt, room_name, project_id, room_url}`.
 */
import { z } from 'zod';
import { issueParticipantToken, parseApiKey } from '../participant-token.js';
import { roomUrl } from './room-server.js';

/** The SDKs send `{}`. */
export const ConnectBody = z.strictObject({});

/** How long a connect token lives; upstream's is not documented (inference): long enough for a deploy's wait. */
const CONNECT_TOKEN_SECONDS = 3600;

/** `ApiScope.full()` as the SDK serialises it: every grant present, each with its defaults (so `{}`). */
const FULL_API_SCOPE = Object.fromEntries(
  [
    'livekit',
    'queues',
    'messaging',
    'dataset',
    'sqlite',
    'memory',
    'sync',
    'storage',
    'containers',
    'developer',
    'agents',
    'llm',
    'admin',
    'tunnels',
    'services',
  ].map((grant) => [grant, {}]),
);

export interface RoomConnection {
  readonly jwt: string;
  readonly room_name: string;
  readonly project_id: string;
  readonly room_url: string;
}

/** The connection for the holder of `apiKey`: a user participant named after the key, with every grant. */
export function connectRoom(apiKey: string, projectId: string, apiUrl: string, room: string): RoomConnection {
  const name = `api-key:${parseApiKey(apiKey)?.id ?? 'unknown'}`;
  const jwt = issueParticipantToken(apiKey, { name, room, role: 'user', api: FULL_API_SCOPE, seconds: CONNECT_TOKEN_SECONDS });
  return { jwt, room_name: room, project_id: projectId, room_url: roomUrl(apiUrl, room) };
}
