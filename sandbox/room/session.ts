/**
 * One participant's connection to a room. On open the room sends `room_ready` ({room_name, room_url, session_id})
 * and `connected` ({type: "init", participantId, attributes}), which the clients wait for. Then each request
 * message is answered by a `__response__` message with the request's id: `room.invoke_tool` with the tool's answer
 * (or an error), and `room.tool_call_request_chunk` with empty content. A streamed call's answer is a control
 * `open`; its output goes out as `room.tool_call_response_chunk` messages ({tool_call_id, toolkit, tool, chunk})
 * ending with a control `close`.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { type Content, ContentError, content, ErrorCode, isClose, packContent, packMessage, unpackMessage } from './content.js';
import { encodeMessage, FramingError, MessageAssembler, type ProtocolMessage } from './framing.js';
import { ChunkQueue, ToolError, type StreamTool, type ToolContext, type Toolkits } from './toolkit.js';

/** The largest request the room takes: far above any tool argument it serves. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Websocket close codes: normal, and a protocol error (RFC 6455). */
const CLOSE_PROTOCOL_ERROR = 1002;

interface OpenCall {
  readonly input: ChunkQueue;
  /** The call's output is complete; its entry stays until the caller closes its input, so that close is answered. */
  finished: boolean;
}

export interface SessionOptions {
  readonly socket: WebSocket;
  readonly roomUrl: string;
  readonly context: ToolContext;
  readonly toolkits: Toolkits;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export class RoomSession {
  private nextId = 0;
  private readonly assembler = new MessageAssembler(MAX_MESSAGE_BYTES);
  private readonly calls = new Map<string, OpenCall>();
  private readonly gone = new AbortController();

  constructor(private readonly options: SessionOptions) {
    const { socket } = options;
    socket.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    socket.on('close', () => this.end());
    socket.on('error', () => this.end());
  }

  /** Tells the client the room is ready and who it is in it. */
  async start(): Promise<void> {
    const { context, roomUrl } = this.options;
    await this.send('room_ready', packMessage({ room_name: context.room, room_url: roomUrl, session_id: randomUUID() }));
    await this.send('connected', packMessage({ type: 'init', participantId: randomUUID(), attributes: { name: context.participant.name } }));
  }

  private end(): void {
    if (this.gone.signal.aborted) return;
    this.gone.abort();
    for (const call of this.calls.values()) call.input.end();
    this.calls.clear();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    let message: ProtocolMessage | undefined;
    try {
      if (!isBinary) throw new FramingError('the room protocol sends binary packets, not text');
      message = this.assembler.push(data);
    } catch (error) {
      const reason = error instanceof FramingError ? error.message : 'unreadable packet';
      this.options.socket.close(CLOSE_PROTOCOL_ERROR, reason.slice(0, 120));
      this.end();
      return;
    }
    if (message) void this.dispatch(message);
  }

  /** Sends one message, its packets back to back; resolves once the socket has taken the last one. */
  private send(type: string, data: Buffer, id = this.nextId++): Promise<void> {
    const { socket } = this.options;
    if (this.gone.signal.aborted || socket.readyState !== socket.OPEN) return Promise.resolve();
    const packets = encodeMessage({ id, type, data });
    return new Promise<void>((resolve) => {
      // A socket that goes mid-send may never call back: its end settles the wait too.
      const done = () => {
        this.gone.signal.removeEventListener('abort', done);
        resolve();
      };
      this.gone.signal.addEventListener('abort', done, { once: true });
      packets.forEach((packet, index) => socket.send(packet, { binary: true }, index === packets.length - 1 ? done : undefined));
    });
  }

  private respond(requestId: number, answer: Content): Promise<void> {
    return this.send('__response__', packContent(answer), requestId);
  }

  private async dispatch(message: ProtocolMessage): Promise<void> {
    try {
      switch (message.type) {
        case 'room.invoke_tool':
          return await this.invokeTool(message);
        case 'room.tool_call_request_chunk':
          return await this.requestChunk(message);
        case '__response__':
          return; // the room sends no requests, so there is nothing to match
        default:
          throw new ToolError(ErrorCode.INVALID_REQUEST, `the sandbox room does not serve ${message.type.slice(0, 80)} messages`);
      }
    } catch (error) {
      const answer =
        error instanceof ToolError
          ? content.error(error.message, error.code)
          : error instanceof ContentError
            ? content.error(`invalid request: ${error.message}`, ErrorCode.INVALID_REQUEST)
            : content.error(`the sandbox room failed: ${error instanceof Error ? error.message : String(error)}`, ErrorCode.OPERATION_FAILED);
      await this.respond(message.id, answer);
    }
  }

  private async invokeTool(message: ProtocolMessage): Promise<void> {
    const { header, payload } = unpackMessage(message.data);
    const toolkit = typeof header.toolkit === 'string' ? header.toolkit : '';
    const toolName = typeof header.tool === 'string' ? header.tool : '';
    const name = `${toolkit}.${toolName}`.slice(0, 120);
    const tool =
      Object.hasOwn(this.options.toolkits, toolkit) && Object.hasOwn(this.options.toolkits[toolkit] ?? {}, toolName)
        ? this.options.toolkits[toolkit]?.[toolName]
        : undefined;
    if (!tool) throw new ToolError(ErrorCode.NOT_FOUND, `the room has no tool ${name}`);
    const args = asRecord(header.arguments);
    if (!args) throw new ToolError(ErrorCode.INVALID_REQUEST, `invalid request: ${name} was called without arguments content`);
    const streamed = args.type === 'control' && args.method === 'open';
    if (tool.kind === 'stream') {
      if (!streamed) throw new ToolError(ErrorCode.INVALID_REQUEST, `${name} requires streamed input`);
      return this.openStream(message.id, header, toolkit, toolName, tool);
    }
    if (streamed) throw new ToolError(ErrorCode.INVALID_REQUEST, `${name} does not take streamed input`);
    if (payload.length > 0) throw new ToolError(ErrorCode.INVALID_REQUEST, `${name} takes JSON arguments, not binary data`);
    // A call without input is sent as empty content: no arguments.
    const input = args.type === 'json' ? args.json : args.type === 'empty' ? {} : undefined;
    if (input === undefined) throw new ToolError(ErrorCode.INVALID_REQUEST, `${name} takes JSON arguments`);
    await this.respond(message.id, await tool.run(this.options.context, input));
  }

  private async openStream(requestId: number, header: Record<string, unknown>, toolkit: string, toolName: string, tool: StreamTool): Promise<void> {
    const toolCallId = header.tool_call_id;
    if (typeof toolCallId !== 'string' || toolCallId === '')
      throw new ToolError(ErrorCode.INVALID_REQUEST, 'invalid request: a streamed call needs a tool_call_id');
    if (this.calls.has(toolCallId)) throw new ToolError(ErrorCode.INVALID_REQUEST, 'invalid request: the tool_call_id is already in use');
    const call: OpenCall = { input: new ChunkQueue(), finished: false };
    this.calls.set(toolCallId, call);
    await this.respond(requestId, content.open());
    const sendChunk = (chunk: Content) =>
      this.send('room.tool_call_response_chunk', packMessage({ tool_call_id: toolCallId, toolkit, tool: toolName, chunk: chunk.header }, chunk.payload));
    try {
      await tool.run(this.options.context, call.input, sendChunk, this.gone.signal);
    } catch (error) {
      const failure = error instanceof ToolError ? error : new ToolError(ErrorCode.OPERATION_FAILED, `${toolkit}.${toolName} failed: ${String(error)}`);
      await sendChunk(content.error(failure.message, failure.code));
    }
    call.finished = true;
    await sendChunk(content.close());
  }

  private async requestChunk(message: ProtocolMessage): Promise<void> {
    const { header, payload } = unpackMessage(message.data);
    const chunk = asRecord(header.chunk);
    const toolCallId = header.tool_call_id;
    if (typeof toolCallId !== 'string' || !chunk || typeof chunk.type !== 'string') {
      throw new ToolError(ErrorCode.INVALID_REQUEST, 'invalid request: a request chunk needs a tool_call_id and a content chunk');
    }
    const call = this.calls.get(toolCallId);
    if (!call) throw new ToolError(ErrorCode.NOT_FOUND, 'no open tool call has this tool_call_id');
    if (isClose(chunk)) {
      call.input.end();
      this.calls.delete(toolCallId);
    } else if (!call.finished) {
      call.input.push({ header: chunk, payload });
    }
    await this.respond(message.id, content.empty());
  }
}
