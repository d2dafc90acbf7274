/**
 * What carries one HTTP request: Node's own http/https (node-transport.ts) when no proxy is set, undici's proxy
 * agent when one is (proxy.ts), or a dispatcher the caller gives. The client needs only this much of either.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

export interface TransportRequest {
  /** "http://host:port" */
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | Readable | undefined;
  /** Aborts the request, and the answer's body once it flows. */
  readonly signal: AbortSignal;
}

export interface TransportAnswer {
  readonly statusCode: number;
  /** The server's reason phrase; empty when it sent none. */
  readonly statusText: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Readable;
}

export interface Transport {
  request(request: TransportRequest): Promise<TransportAnswer>;
  /** Waits for requests in flight, then closes the connections. */
  close(): Promise<void>;
}

/** A caller's undici dispatcher as a transport; closing it stays the caller's business. */
export function dispatcherTransport(dispatcher: Dispatcher): Transport {
  return {
    async request(request) {
      const answer = await dispatcher.request({ ...request });
      return { statusCode: answer.statusCode, statusText: answer.statusText ?? '', headers: answer.headers, body: answer.body };
    },
    close: () => dispatcher.close().then(() => undefined),
  };
}
