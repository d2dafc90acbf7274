/**
 * A room session that outlives its connections: each use runs on the current connection, and when that one breaks,
 * closes or stops answering (a retryable RoomError), a new participant token is asked for and the room connected
 * again after a jittered backoff, until the caller's deadline. A refusal (401, 403, 404, a tool's error answer) ends
 * the use at once. Every new attempt is one line in the log and one record in the run's retry log, as the HTTP
 * client's retries are.
 */
import { maskSecrets, type RetryLog } from '../http.js';
import { VERSION } from '../version.js';
import { pause } from '../pause.js';
import { RoomConnection, type ToolStream } from './connection.js';
import type { Content } from './content.js';
import { RoomError } from './errors.js';

/** Where and how to join the room: POST .../rooms/{room}/connect, asked again for every new connection. */
interface RoomAccess {
  readonly url: string;
  readonly jwt: string;
}

export interface RoomSessionOptions {
  readonly room: string;
  readonly connect: () => Promise<RoomAccess>;
  /** One line per new attempt, e.g. "room dev: connection closed (1006); connecting again in 0.6 s". */
  readonly log?: (line: string) => void;
  readonly retryLog?: RetryLog;
  /** Credentials to hide in whatever text the room sends back (the API key, the participant tokens). */
  readonly secrets?: () => Iterable<string>;
  /** Handshake plus the room's `room_ready`; default 30 s. */
  readonly connectTimeoutMs?: number;
  /** The wait for one answer; default 30 s. */
  readonly callTimeoutMs?: number;
  /** Backoff between attempts: base doubled per attempt, capped, with full jitter in [delay/2, delay]. */
  readonly retry?: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  /** Ends every wait of the session (the run was stopped). */
  readonly signal?: AbortSignal;
  /** Injectable for tests. */
  readonly now?: () => number;
  readonly random?: () => number;
}

const DEFAULT_RETRY = { baseDelayMs: 500, maxDelayMs: 5000 };

export class RoomSession {
  private connection: RoomConnection | undefined;
  private opening: Promise<RoomConnection> | undefined;
  private url = '';
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: RoomSessionOptions) {
    this.now = options.now ?? Date.now;
  }

  get room(): string {
    return this.options.room;
  }

  get callTimeoutMs(): number {
    return this.options.callTimeoutMs ?? 30_000;
  }

  /** Calls `toolkit.tool` with JSON arguments, connecting again as needed until `deadline` (epoch ms). */
  call(toolkit: string, tool: string, args: unknown, deadline: number, timeoutMs = this.callTimeoutMs): Promise<Content> {
    return this.use(`${toolkit}.${tool}`, deadline, (connection) => connection.invoke(toolkit, tool, args, this.within(deadline, timeoutMs)));
  }

  /** Opens a streamed call on the current connection (connecting as needed); a stream is not resumed by itself. */
  openStream(toolkit: string, tool: string, deadline: number): Promise<ToolStream> {
    return this.use(`${toolkit}.${tool}`, deadline, (connection) => connection.openStream(toolkit, tool, this.within(deadline, this.callTimeoutMs)));
  }

  /**
   * Runs `action` on a connection; a retryable failure drops that connection and runs it again on a new one, after
   * a backoff, while the deadline allows.
   */
  async use<T>(what: string, deadline: number, action: (connection: RoomConnection) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.throwIfStopped();
      let connection: RoomConnection | undefined;
      try {
        connection = await this.current(deadline);
        return await action(connection);
      } catch (error) {
        if (!(error instanceof RoomError) || !error.retryable || this.closed) throw error;
        if (connection && !connection.isEnded) connection.drop(error);
        const delay = this.backoff(attempt);
        if (this.now() + delay >= deadline) throw error;
        this.options.retryLog?.add({ method: 'WS', url: this.url || `room ${this.room}`, attempt, reason: error.reason, delayMs: delay });
        this.options.log?.(`room ${this.room}: ${what}: ${error.reason}; connecting again in ${(delay / 1000).toFixed(1)} s (retry ${attempt})`);
        await pause(delay, this.options.signal);
      }
    }
  }

  /** Closes the connection; the session is not used again. */
  close(): void {
    this.closed = true;
    this.connection?.close();
    this.connection = undefined;
  }

  /** The open connection, or a new one. */
  private async current(deadline: number): Promise<RoomConnection> {
    if (this.connection && !this.connection.isEnded) return this.connection;
    this.opening ??= this.open(deadline).finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(deadline: number): Promise<RoomConnection> {
    const access = await this.options.connect();
    this.url = access.url;
    const connection = await RoomConnection.open({
      url: access.url,
      jwt: access.jwt,
      room: this.room,
      timeoutMs: this.within(deadline, this.options.connectTimeoutMs ?? 30_000),
      userAgent: `meshagent-ship/${VERSION}`,
      mask: (text) => maskSecrets(text, [access.jwt, ...(this.options.secrets?.() ?? [])]),
    });
    if (this.closed) {
      connection.close();
      throw new RoomError(`the session with room ${this.room} was closed`, { retryable: false });
    }
    this.connection = connection;
    return connection;
  }

  /** A per-attempt timeout that does not run past the deadline (at least a second, so an attempt can answer). */
  private within(deadline: number, timeoutMs: number): number {
    return Math.max(1000, Math.min(timeoutMs, deadline - this.now()));
  }

  private backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.options.retry ?? DEFAULT_RETRY;
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(delay / 2 + ((this.options.random ?? Math.random)() * delay) / 2);
  }

  private throwIfStopped(): void {
    const signal = this.options.signal;
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new RoomError('stopped', { retryable: false });
  }
}
