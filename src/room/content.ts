/**
 * What a room message's data holds: an 8-byte big-endian length, that many bytes of a JSON header, then a binary
 * payload. Tool arguments, answers and stream chunks are "content": a header whose `type` says what it is (json,
 * empty, error, control, binary, text, ...) and, for binary content, the payload.
 */

export interface Content {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Buffer;
}

/** Data that is not a packed header and payload. */
export class ContentError extends Error {}

export function pack(header: Readonly<Record<string, unknown>>, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(json.length));
  return Buffer.concat([length, json, payload]);
}

export function unpack(data: Buffer): Content {
  if (data.length < 8) throw new ContentError('a message is shorter than its header length');
  const length = data.readBigUInt64BE(0);
  if (length > BigInt(data.length - 8)) throw new ContentError('a message header runs past the end of the message');
  const end = 8 + Number(length);
  let header: unknown;
  try {
    header = JSON.parse(data.subarray(8, end).toString('utf8'));
  } catch {
    throw new ContentError('a message header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new ContentError('a message header is not a JSON object');
  return { header: header as Record<string, unknown>, payload: data.subarray(end) };
}

const NONE = Buffer.alloc(0);

/** The content values the client sends. */
export const contents = {
  json: (json: unknown): Content => ({ header: { type: 'json', json }, payload: NONE }),
  open: (): Content => ({ header: { type: 'control', method: 'open' }, payload: NONE }),
  close: (): Content => ({ header: { type: 'control', method: 'close' }, payload: NONE }),
  binary: (headers: Readonly<Record<string, unknown>>, data: Uint8Array = NONE): Content => ({
    header: { type: 'binary', headers },
    payload: Buffer.from(data),
  }),
};

export function isControl(content: Content, method: 'open' | 'close'): boolean {
  return content.header.type === 'control' && content.header.method === method;
}

/** The error an `error` content carries, or undefined for any other content. */
export function errorOf(content: Content): { readonly text: string; readonly code: number | undefined } | undefined {
  if (content.header.type !== 'error') return undefined;
  const { text, code } = content.header;
  return { text: typeof text === 'string' ? text : 'the room answered an error without a message', code: typeof code === 'number' ? code : undefined };
}
