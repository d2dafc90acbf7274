/**
 * The one error of the room client, classified as the HTTP client classifies its failures: a connection that broke,
 * never came up or timed out, and a handshake answered 429 or 5xx, are worth another connection; a refused token
 * (401), a key without access (403), a room that does not exist (404) and a tool's own error answer are not.
 */
import { ShipError } from '../errors.js';

export class RoomError extends ShipError {
  /** Whether a new connection may well succeed where this one failed. */
  readonly retryable: boolean;
  /** A short reason for the retry record and the log, e.g. "connection closed (1006)". */
  readonly reason: string;
  /** The handshake's HTTP status, when the websocket was refused. */
  readonly status: number | undefined;
  /** The room's error code, when a tool answered with an error. */
  readonly code: number | undefined;

  constructor(message: string, options: { retryable: boolean; reason?: string; hint?: string; status?: number; code?: number; cause?: unknown }) {
    super(message, { ...(options.hint ? { hint: options.hint } : {}), cause: options.cause });
    this.retryable = options.retryable;
    this.reason = options.reason ?? message;
    this.status = options.status;
    this.code = options.code;
  }
}

/** The refusal of a websocket handshake, classified by its status. */
export function handshakeError(room: string, status: number, serverMessage: string): RoomError {
  const said = serverMessage ? `: ${serverMessage}` : '';
  const retryable = status === 429 || status >= 500;
  const hints: Record<number, string> = {
    401: 'the room did not accept the participant token from POST .../connect; check the API key',
    403: 'the API key may not join this room: use a key of the project with room access, or set wait: false',
    404: `create it first with 'meshagent rooms create ${room} --if-not-exists', or set create-room: true`,
  };
  const hint = hints[status] ?? (retryable ? 'the room had trouble: run again later' : undefined);
  return new RoomError(`the room ${room} refused the connection with ${status}${said}`, {
    retryable,
    reason: `websocket handshake answered ${status}`,
    status,
    ...(hint ? { hint } : {}),
  });
}
