/**
 * What a room protocol message carries: an 8-byte big-endian length, that many bytes of a JSON header, then binary
 * payload (meshagent-api/meshagent-ts `pack_message`). Tool arguments, answers and stream chunks are "content": a
 * header with a `type` (json, empty, error, control, binary, ...) and, for binary, the payload.
 */

/** A message body that cannot be read: answered as an invalid request. */
export class ContentError extends Error {}

export interface Unpacked {
  readonly header: Record<string, unknown>;
  readonly payload: Buffer;
}

export function packMessage(header: Record<string, unknown>, payload?: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeUInt32BE(Math.floor(json.length / 2 ** 32), 0);
  length.writeUInt32BE(json.length % 2 ** 32, 4);
  return Buffer.concat([length, json, payload ?? Buffer.alloc(0)]);
}

export function unpackMessage(data: Buffer): Unpacked {
  if (data.length < 8) throw new ContentError('the message is shorter than its header length');
  const length = data.readUInt32BE(0) * 2 ** 32 + data.readUInt32BE(4);
  if (length > data.length - 8) throw new ContentError('the message header runs past the end of the message');
  let header: unknown;
  try {
    header = JSON.parse(data.subarray(8, 8 + length).toString('utf8'));
  } catch {
    throw new ContentError('the message header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new ContentError('the message header is not a JSON object');
  return { header: header as Record<string, unknown>, payload: data.subarray(8 + length) };
}

/** A content value: its header (with `type`) and payload. */
export type Content = Unpacked;

/** The error codes the room answers with (meshagent-api error_codes.py). */
export const ErrorCode = {
  PERMISSION_DENIED: 1001,
  INVALID_REQUEST: 1002,
  NOT_FOUND: 1003,
  OPERATION_FAILED: 1008,
  CONTAINER_NOT_FOUND: 6001,
  SERVICE_NOT_FOUND: 7001,
} as const;

const none = Buffer.alloc(0);

export const content = {
  json: (json: unknown): Content => ({ header: { type: 'json', json }, payload: none }),
  empty: (): Content => ({ header: { type: 'empty' }, payload: none }),
  error: (text: string, code: number): Content => ({ header: { type: 'error', text, code }, payload: none }),
  /** A stream's open, or its close with a websocket-style status (1000 normal). */
  open: (): Content => ({ header: { type: 'control', method: 'open' }, payload: none }),
  close: (): Content => ({ header: { type: 'control', method: 'close', status_code: 1000 }, payload: none }),
  binary: (headers: Record<string, unknown>, data: Uint8Array): Content => ({ header: { type: 'binary', headers }, payload: Buffer.from(data) }),
};

export function packContent(value: Content): Buffer {
  return packMessage(value.header, value.payload);
}

/** Whether a content header is a control `close`. */
export function isClose(header: Record<string, unknown>): boolean {
  return header.type === 'control' && header.method === 'close';
}
