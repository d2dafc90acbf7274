/**
 * The shape of a room tool as the sandbox serves it: either a call (JSON arguments in, one content value out) or a
 * stream (a stream of content chunks in and out, opened and closed with control chunks), named `toolkit.tool`.
 */
import type { z } from 'zod';
import type { SandboxState } from '../state.js';
import { type Content, ErrorCode } from './content.js';
import type { Participant } from '../participant-token.js';
import type { RoomRuntime } from '../runtime/types.js';

/** A refusal a tool answers with: an error content with this code and message. */
export class ToolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a tool runs with: the room and who is calling. */
export interface ToolContext {
  readonly room: string;
  readonly participant: Participant;
  readonly state: SandboxState;
  readonly runtime: RoomRuntime;
}

export interface CallTool {
  readonly kind: 'call';
  run(context: ToolContext, args: unknown): Promise<Content>;
}

export interface StreamTool {
  readonly kind: 'stream';
  /** Reads `input` and sends chunks; resolves when its output is complete (the caller then sends the close). */
  run(context: ToolContext, input: ChunkQueue, send: (chunk: Content) => Promise<void>, signal: AbortSignal): Promise<void>;
}

type Tool = CallTool | StreamTool;

/** Tools by toolkit, then by tool name. */
export type Toolkits = Readonly<Record<string, Readonly<Record<string, Tool>>>>;

/** Tool arguments checked against the tool's schema: unknown fields are refused, as a strict tool schema does. */
export function parseArguments<T>(schema: z.ZodType<T>, args: unknown, tool: string): T {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; ');
  throw new ToolError(ErrorCode.INVALID_REQUEST, `invalid arguments for ${tool}: ${details}`);
}

/** A grant of the caller's ApiScope, or a refusal when the token lacks it. */
export function requireGrant<K extends keyof NonNullable<Participant['api']>>(
  context: ToolContext,
  grant: K,
  tool: string,
): NonNullable<NonNullable<Participant['api']>[K]> {
  const value = context.participant.api?.[grant];
  if (value === undefined || value === null)
    throw new ToolError(ErrorCode.PERMISSION_DENIED, `permission denied: ${tool} needs the ${String(grant)} grant in the token's api scope`);
  return value as NonNullable<NonNullable<Participant['api']>[K]>;
}

/** The request chunks of one streamed tool call, in order, ending when the caller sends its `close`. */
export class ChunkQueue implements AsyncIterable<Content> {
  private readonly items: Content[] = [];
  private waiting: (() => void) | undefined;
  private done = false;
  private resolveEnded!: () => void;
  /** Resolves once the caller's input is closed (or the connection went). */
  readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));

  push(chunk: Content): void {
    if (this.done) return;
    this.items.push(chunk);
    this.wake();
  }

  end(): void {
    this.done = true;
    this.resolveEnded();
    this.wake();
  }

  /** The next chunk, or undefined once the input is closed. */
  async next(): Promise<Content | undefined> {
    for (;;) {
      const item = this.items.shift();
      if (item) return item;
      if (this.done) return undefined;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Content> {
    for (let item = await this.next(); item; item = await this.next()) yield item;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
