/**
 * The room websocket, `ws://<api host>/rooms/<room>` (meshagent-api urls.py:20-36), on the sandbox's API port. A
 * client shows its participant token as `Authorization: Bearer <jwt>` (the Python SDK and newer TypeScript SDKs),
 * as a `token` query parameter (the TypeScript SDK 0.39) or as the subprotocol `meshagent-room.<jwt>` (browsers).
 * The handshake is refused before the upgrade: 401 without a token, 403 for a token that does not admit to this
 * room, 404 for a room that does not exist. (The TypeScript SDK gives up at once on 403 and 404 and retries other
 * statuses, so a bad token fails fast.)
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SandboxState } from '../state.js';
import { containersToolkit } from './container-tools.js';
import { verifyParticipantToken, TokenError, type Participant } from '../participant-token.js';
import type { RoomRuntime } from '../runtime/types.js';
import { servicesToolkit } from './services-tools.js';
import { RoomSession } from './session.js';
import type { Toolkits } from './toolkit.js';

const TOOLKITS: Toolkits = { services: servicesToolkit, containers: containersToolkit };
const SUBPROTOCOL_PREFIX = 'meshagent-room.';
/** The largest websocket message taken: a packet is 1 KiB of data plus its header, so this is ample. */
const MAX_PACKET_BYTES = 1024 * 1024;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_GRACE_MS = 1000;

/** The room websocket URL for a room, on the API's host. */
export function roomUrl(apiUrl: string, room: string): string {
  const url = new URL(apiUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `/rooms/${encodeURIComponent(room)}`;
  return url.toString();
}

/** The room a request path names, or undefined when it is not `/rooms/<room>`. */
function roomOfPath(path: string): string | undefined {
  const segments = path.split('/').filter(Boolean);
  if (segments.length !== 2 || segments[0] !== 'rooms') return undefined;
  try {
    return decodeURIComponent(segments[1] ?? '');
  } catch {
    return undefined;
  }
}

function tokenOf(request: IncomingMessage, url: URL): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim();
  const query = url.searchParams.get('token');
  if (query) return query;
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return offered.find((p) => p.startsWith(SUBPROTOCOL_PREFIX))?.slice(SUBPROTOCOL_PREFIX.length) || undefined;
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: { message } });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export interface RoomServerOptions {
  readonly state: SandboxState;
  readonly runtime: RoomRuntime;
  readonly apiUrl: string;
}

export class RoomServer {
  private readonly sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PACKET_BYTES,
    // Both SDKs offer permessage-deflate (aiohttp compress=15, ws perMessageDeflate).
    perMessageDeflate: true,
    // A browser offers its token as a subprotocol and fails the connection unless the server picks one.
    handleProtocols: (offered) => [...offered].find((p) => p.startsWith(SUBPROTOCOL_PREFIX)) ?? false,
  });

  constructor(private readonly options: RoomServerOptions) {}

  /** Takes an HTTP upgrade for `/rooms/<room>`; returns false for any other path, which is not the room's. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', this.options.apiUrl);
    const room = roomOfPath(url.pathname);
    if (room === undefined) return false;
    const participant = this.admit(request, url, room, socket);
    if (!participant) return true;
    this.sockets.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const session = new RoomSession({
        socket: ws,
        roomUrl: roomUrl(this.options.apiUrl, room),
        context: { room, participant, state: this.options.state, runtime: this.options.runtime },
        toolkits: TOOLKITS,
      });
      void session.start();
    });
    return true;
  }

  private admit(request: IncomingMessage, url: URL, room: string, socket: Duplex): Participant | undefined {
    const token = tokenOf(request, url);
    if (!token) {
      refuse(socket, 401, 'a participant token is required: Authorization: Bearer <jwt> (from POST .../rooms/<room>/connect)');
      return undefined;
    }
    const { state } = this.options;
    let participant: Participant;
    try {
      participant = verifyParticipantToken(
        token,
        state.data.apiKeys.map((k) => k.key),
        state.data.project.id,
      );
    } catch (error) {
      refuse(socket, 403, error instanceof TokenError ? error.message : 'the participant token could not be read');
      return undefined;
    }
    if (!state.data.rooms.some((r) => r.name === room)) {
      refuse(socket, 404, 'room not found');
      return undefined;
    }
    if (participant.room !== room) {
      refuse(socket, 403, 'the participant token does not admit to this room');
      return undefined;
    }
    return participant;
  }

  /** Drops every room connection without a close handshake, as a network failure would (a test's fault). */
  drop(): number {
    const clients = [...this.sockets.clients];
    for (const client of clients) client.terminate();
    return clients.length;
  }

  /**
   * Ends every room connection (the sandbox is stopping): a close with 1001 "going away", as RFC 6455 names a server
   * that goes down, and the socket is dropped if the client does not answer within a second.
   */
  async close(): Promise<void> {
    await Promise.all(
      [...this.sockets.clients].map(
        (client) =>
          new Promise<void>((resolve) => {
            if (client.readyState === client.CLOSED) return resolve();
            const drop = setTimeout(() => client.terminate(), CLOSE_GRACE_MS);
            client.once('close', () => {
              clearTimeout(drop);
              resolve();
            });
            client.close(CLOSE_GOING_AWAY, 'the sandbox is stopping');
          }),
      ),
    );
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()));
  }
}
