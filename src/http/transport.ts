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
      const answer = await untilAborted(dispatcher.request({ ...request }), request.signal);
      return { statusCode: answer.statusCode, statusText: answer.statusText ?? '', headers: answer.headers, body: answer.body };
    },
    close: () => dispatcher.close().then(() => undefined),
  };
}

/**
 * The answer, or the signal's reason as soon as it aborts: undici applies an abort only once the request has a
 * connection, and opening one through a proxy's tunnel can take long. The request then ends with the abort.
 */
function untilAborted<T>(answer: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  // Whichever loses the race must not be an unhandled rejection.
  answer.catch(() => {});
  aborted.catch(() => {});
  return Promise.race([answer, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
