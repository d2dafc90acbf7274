/**
 * One websocket connection to a room: the handshake with the participant token (`Authorization: Bearer <jwt>`, as
 * the Python SDK and newer TypeScript SDKs send it), the wait for the room's `room_ready`, requests answered by a
 * `__response__` message with the request's id, and streamed tool calls whose output comes as
 * `room.tool_call_response_chunk` messages. Every failure is a RoomError; a connection that ends fails what is in
 * flight with a retryable one, so the session above can connect again.
 */
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import type { ClientOptions } from 'ws';
import { type Content, ContentError, contents, errorOf, isControl, pack, unpack } from './content.js';
import { RoomError, handshakeError } from './errors.js';
import { FramingError, PacketReader, toPackets, type Message } from './framing.js';
import { roomProxy, tunnelThrough } from './proxy.js';
import { ChunkQueue } from './queue.js';

/** Far above any answer the client asks for (a services list, a log line). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const MAX_PACKET_BYTES = 64 * 1024;
const NORMAL_CLOSE = 1000;

export interface OpenOptions {
  /** The room websocket URL from POST .../rooms/{room}/connect. */
  readonly url: string;
  readonly jwt: string;
  /** The room's name, for messages. */
  readonly room: string;
  /** Handshake plus `room_ready`. */
  readonly timeoutMs: number;
  readonly userAgent: string;
  /** Hides credentials in the text a server sends back (a refusal's body, a close reason, an error answer). */
  readonly mask: (text: string) => string;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read from; without it the connection goes direct. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A streamed tool call: its output chunks, and the caller's side, which it ends with `end()`. */
export interface ToolStream {
  readonly chunks: AsyncIterable<Content>;
  send(chunk: Content, timeoutMs: number): Promise<void>;
  /** Sends the caller's `close`; the room then ends the output. Safe to call twice. */
  end(timeoutMs: number): Promise<void>;
}

interface Pending {
  readonly resolve: (content: Content) => void;
  readonly reject: (error: RoomError) => void;
}

export class RoomConnection {
  private nextId = 0;
  private readonly reader = new PacketReader(MAX_MESSAGE_BYTES);
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<string, ChunkQueue<Content>>();
  private ended: RoomError | undefined;
  private readonly endWaiters: ((error: RoomError) => void)[] = [];

  private constructor(
    private readonly socket: WebSocket,
    private readonly room: string,
    private readonly mask: (text: string) => string,
  ) {}

  /** Opens the websocket and resolves once the room says it is ready. */
  static async open(options: OpenOptions): Promise<RoomConnection> {
    // Loaded on the first connection, not with the module: a ship that does not wait for its rollout needs none.
    const { default: WebSocket } = await import('ws');
    return new Promise<RoomConnection>((resolve, reject) => {
      const target = new URL(options.url);
      const proxy = options.env ? roomProxy(target, options.env) : undefined;
      const socket = new WebSocket(options.url, {
        headers: { authorization: `Bearer ${options.jwt}`, 'user-agent': options.userAgent },
        handshakeTimeout: options.timeoutMs,
        maxPayload: MAX_PACKET_BYTES,
        perMessageDeflate: false,
        ...(proxy ? { createConnection: tunnelThrough(proxy, target.protocol === 'wss:') as unknown as ClientOptions['createConnection'] } : {}),
      });
      const connection = new RoomConnection(socket, options.room, options.mask);
      let settled = false;
      const fail = (error: RoomError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.terminate();
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new RoomError(`the room ${options.room} was not ready within ${options.timeoutMs / 1000} s`, { retryable: true, reason: 'room not ready in time' }),
          ),
        options.timeoutMs,
      );
      socket.on('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (text: string) => (body = (body + text).slice(0, 2000)));
        response.on('end', () => fail(handshakeError(options.room, response.statusCode ?? 0, options.mask(serverMessage(body)))));
        response.on('error', () => fail(handshakeError(options.room, response.statusCode ?? 0, '')));
      });
      socket.on('error', (error) => {
        fail(new RoomError(`cannot connect to room ${options.room}: ${error.message}`, { retryable: true, reason: error.message, cause: error }));
        connection.finish(new RoomError(`the connection to room ${options.room} failed: ${error.message}`, { retryable: true, reason: error.message }));
      });
      socket.on('close', (code, reason) => {
        const text = options.mask(reason.toString('utf8'));
        const error = new RoomError(`the connection to room ${options.room} closed (${code}${text ? `: ${text}` : ''})`, {
          retryable: true,
          reason: `connection closed (${code})`,
        });
        fail(error);
        connection.finish(error);
      });
      socket.on('message', (data: Buffer, isBinary) => {
        const message = connection.receive(data, isBinary);
        if (message?.type === 'room_ready' && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(connection);
        }
      });
    });
  }

  /** Whether the connection has ended (closed, broken or closed by us). */
  get isEnded(): boolean {
    return this.ended !== undefined;
  }

  /** Resolves with why the connection ended, once it has. */
  whenEnded(): Promise<RoomError> {
    if (this.ended) return Promise.resolve(this.ended);
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /** Calls `toolkit.tool` with JSON arguments; resolves with the answer, rejects with the room's error answer. */
  async invoke(toolkit: string, tool: string, args: unknown, timeoutMs: number): Promise<Content> {
    const answer = await this.request('room.invoke_tool', { toolkit, tool, arguments: contents.json(args).header }, timeoutMs);
    return refuseError(answer, `${toolkit}.${tool}`, this.mask);
  }

  /** Opens a streamed call of `toolkit.tool`: the room answers `open`, then streams output until it closes. */
  async openStream(toolkit: string, tool: string, timeoutMs: number): Promise<ToolStream> {
    const toolCallId = randomUUID();
    const chunks = new ChunkQueue<Content>();
    this.streams.set(toolCallId, chunks);
    try {
      const answer = refuseError(
        await this.request('room.invoke_tool', { toolkit, tool, tool_call_id: toolCallId, arguments: contents.open().header }, timeoutMs),
        `${toolkit}.${tool}`,
        this.mask,
      );
      if (!isControl(answer, 'open')) throw new RoomError(`${toolkit}.${tool} did not open a stream`, { retryable: false });
    } catch (error) {
      this.streams.delete(toolCallId);
      throw error;
    }
    let ended = false;
    const send = async (chunk: Content, ms: number) => {
      refuseError(
        await this.request('room.tool_call_request_chunk', { tool_call_id: toolCallId, chunk: chunk.header }, ms, chunk.payload),
        `${toolkit}.${tool}`,
        this.mask,
      );
    };
    return {
      chunks: {
        [Symbol.asyncIterator]: () => {
          const iterator = chunks[Symbol.asyncIterator]();
          return {
            next: () => iterator.next(),
            return: async () => {
              this.streams.delete(toolCallId);
              chunks.end();
              return { done: true, value: undefined };
            },
          };
        },
      },
      send,
      end: async (ms: number) => {
        if (ended || this.isEnded) return;
        ended = true;
        await send(contents.close(), ms);
      },
    };
  }

  /** Closes the connection normally; whatever is in flight fails. */
  close(): void {
    this.finish(new RoomError(`the connection to room ${this.room} was closed`, { retryable: false, reason: 'closed by the client' }));
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(NORMAL_CLOSE);
  }

  /** Drops the connection at once (e.g. it stopped answering): no close handshake. */
  drop(error: RoomError): void {
    this.finish(error);
    this.socket.terminate();
  }

  private request(type: string, header: Record<string, unknown>, timeoutMs: number, payload?: Uint8Array): Promise<Content> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise<Content>((resolve, reject) => {
      // The budget left of a wait is rarely whole seconds: said to a tenth.
      const seconds = Math.round(timeoutMs / 100) / 10;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const error = new RoomError(`the room ${this.room} did not answer ${type} within ${seconds} s`, {
          retryable: true,
          reason: `no answer within ${seconds} s`,
        });
        // A connection that stops answering is not used again.
        this.drop(error);
        reject(error);
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (content) => (clearTimeout(timer), resolve(content)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      for (const packet of toPackets({ id, type, data: pack(header, payload) })) this.socket.send(packet, { binary: true });
    });
  }

  private receive(data: Buffer, isBinary: boolean): Message | undefined {
    if (this.ended) return undefined;
    try {
      if (!isBinary) throw new FramingError('the room sent text, not a binary packet');
      const message = this.reader.read(data);
      if (message) this.dispatch(message);
      return message;
    } catch (error) {
      const why = error instanceof FramingError || error instanceof ContentError ? error.message : String(error);
      this.drop(new RoomError(`the room ${this.room} sent a message that cannot be read: ${why}`, { retryable: true, reason: 'unreadable message' }));
      return undefined;
    }
  }

  private dispatch(message: Message): void {
    if (message.type === '__response__') {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiting?.resolve(unpack(message.data));
    } else if (message.type === 'room.tool_call_response_chunk') {
      const { header, payload } = unpack(message.data);
      const chunk = header.chunk;
      const stream = typeof header.tool_call_id === 'string' ? this.streams.get(header.tool_call_id) : undefined;
      if (!stream || chunk === null || typeof chunk !== 'object' || Array.isArray(chunk)) return;
      const content: Content = { header: chunk as Record<string, unknown>, payload };
      if (isControl(content, 'close')) {
        this.streams.delete(header.tool_call_id as string);
        stream.end();
      } else stream.push(content);
    }
    // room_ready, connected and the room's other events are not needed here.
  }

  /** Ends the connection once: every request and stream in flight fails with `error`. */
  private finish(error: RoomError): void {
    if (this.ended) return;
    this.ended = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    for (const stream of this.streams.values()) stream.fail(error);
    this.streams.clear();
    for (const wake of this.endWaiters.splice(0)) wake(error);
  }
}

/** The answer, or the room's error answer as a RoomError (not retryable: asking again gets the same answer). */
function refuseError(answer: Content, call: string, mask: (text: string) => string): Content {
  const error = errorOf(answer);
  if (error)
    throw new RoomError(`${call} failed: ${mask(error.text)}`, {
      retryable: false,
      reason: mask(error.text),
      ...(error.code !== undefined ? { code: error.code } : {}),
    });
  return answer;
}

/** The message of a refused handshake's JSON body (`{error: {message}}` or `{detail}`), else its start. */
function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: unknown }; detail?: unknown };
    const message = json.error?.message ?? json.detail;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 300);
}
