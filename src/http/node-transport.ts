/**
 * Requests over Node's own http and https, with keep-alive connections per client. Used when no proxy is set: Node
 * has these modules at hand, where undici is over a megabyte of code to load and compile on every start, which a
 * short command (a repeat push: two requests) pays for more than for its requests.
 *
 * It keeps undici's limits that the client relies on: a connection that takes over 10 s to come up fails as never
 * connected, and an answer's body that sends nothing for 300 s fails. The client's own timeout covers the rest.
 * Like undici, it drops a connection left idle for 4 s, or a second before the server's Keep-Alive timeout, and
 * destroys a stream body when its request fails or is aborted.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { finished, Readable } from 'node:stream';
import { seconds } from './retry-policy.js';
import type { Transport, TransportAnswer, TransportRequest } from './transport.js';

const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_BODY_TIMEOUT_MS = 300_000;
/** undici's keepAliveTimeout and keepAliveTimeoutThreshold. */
const KEEP_ALIVE_MS = 4_000;
const KEEP_ALIVE_MARGIN_MS = 1_000;

/** An error with a code the classifier knows (classify.ts). */
function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

export class NodeTransport implements Transport {
  /** `idleMs`: how long a connection may send nothing while a request waits or its answer's body flows. */
  constructor(private readonly idleMs = IDLE_BODY_TIMEOUT_MS) {}

  private httpAgent: HttpAgent | undefined;
  private httpsAgent: HttpsAgent | undefined;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  request(request: TransportRequest): Promise<TransportAnswer> {
    const { signal } = request;
    if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const url = new URL(request.origin);
    const secure = url.protocol === 'https:';
    const options: RequestOptions = {
      agent: secure
        ? (this.httpsAgent ??= idleLimited(new HttpsAgent({ keepAlive: true })))
        : (this.httpAgent ??= idleLimited(new HttpAgent({ keepAlive: true }))),
      // URL keeps an IPv6 address in brackets; the socket wants it bare.
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || (secure ? 443 : 80),
      path: request.path,
      method: request.method,
      headers: request.headers,
    };
    this.inFlight += 1;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    };
    let outgoing: ClientRequest | undefined;
    let incoming: IncomingMessage | undefined;
    function onAbort(): void {
      const reason = signal.reason instanceof Error ? signal.reason : new Error('aborted');
      outgoing?.destroy(reason);
      incoming?.destroy(reason);
    }
    signal.addEventListener('abort', onAbort, { once: true });

    return new Promise<TransportAnswer>((resolve, reject) => {
      const fail = (error: Error): void => {
        reject(error);
        // Once the answer has come, its body carries the failure (the request's own errors are then only echoes).
        if (!incoming) settle();
      };
      try {
        outgoing = (secure ? httpsRequest : httpRequest)(options);
      } catch (error) {
        fail(error as Error);
        return;
      }
      const sent = outgoing;
      sent.on('error', fail);
      sent.on('socket', (socket: Socket) => watchConnect(sent, socket, secure));
      sent.setTimeout(this.idleMs, () => {
        const stalled = codedError(`no data for ${seconds(this.idleMs)} s`, 'ERR_BODY_TIMEOUT');
        // The answer's reader gets this reason, not the "aborted" of a connection torn down under it.
        incoming?.destroy(stalled);
        sent.destroy(stalled);
      });
      sent.on('response', (answer: IncomingMessage) => {
        incoming = answer;
        noteServerKeepAlive(answer);
        finished(answer, () => settle());
        resolve({ statusCode: answer.statusCode ?? 0, statusText: answer.statusMessage ?? '', headers: answer.headers, body: answer });
      });
      const { body } = request;
      if (body instanceof Readable) {
        body.on('error', (error) => sent.destroy(error));
        const declared = request.headers['content-length'];
        if (declared !== undefined) checkLength(body, Number(declared), sent);
        // A request that ends before its body was sent (failed, aborted, answered early) leaves no open source behind.
        sent.once('close', () => {
          if (!body.readableEnded) body.destroy();
        });
        body.pipe(sent);
      } else sent.end(body);
    });
  }

  async close(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.httpAgent?.destroy();
    this.httpsAgent?.destroy();
  }
}

/** Fails a request whose new connection does not come up in time, as one that never connected. */
function watchConnect(request: ClientRequest, socket: Socket, secure: boolean): void {
  if (!socket.connecting) return;
  const timer = setTimeout(
    () => request.destroy(codedError(`connect timed out after ${CONNECT_TIMEOUT_MS / 1000} s`, 'ERR_CONNECT_TIMEOUT')),
    CONNECT_TIMEOUT_MS,
  );
  const clear = (): void => clearTimeout(timer);
  socket.once(secure ? 'secureConnect' : 'connect', clear);
  socket.once('close', clear);
}

/**
 * Fails the request when its stream body is longer or shorter than its Content-Length, as undici does. Node would
 * send the extra bytes as the start of another request, or leave the server waiting for the missing ones until the
 * timeout (its own strictContentLength check throws where no one can catch it). Listens before the body is piped.
 */
function checkLength(body: Readable, declared: number, request: ClientRequest): void {
  let sent = 0;
  const mismatch = (what: string): Error =>
    codedError(`request body is ${what} bytes, not the ${declared} its content-length says`, 'ERR_HTTP_CONTENT_LENGTH_MISMATCH');
  body.on('data', (chunk: Buffer | string) => {
    sent += Buffer.byteLength(chunk);
    if (sent > declared) request.destroy(mismatch(`over ${declared}`));
  });
  body.on('end', () => {
    if (sent < declared) request.destroy(mismatch(String(sent)));
  });
}

/**
 * Node's agent keeps an idle connection until the server closes it, and a request sent as the server closes it
 * fails with a reset (never retried when it is a POST). undici, which these requests used before, drops it first.
 */
function idleLimited<T extends HttpAgent>(agent: T): T {
  // Node returns whether the connection may be kept (its typings say void).
  const keep = agent.keepSocketAlive.bind(agent) as (socket: Socket) => boolean;
  agent.keepSocketAlive = (socket: Socket): boolean => {
    if (!keep(socket)) return false;
    const hint = serverKeepAlive.get(socket);
    const idleMs = hint === undefined ? KEEP_ALIVE_MS : Math.min(KEEP_ALIVE_MS, hint - KEEP_ALIVE_MARGIN_MS);
    if (idleMs <= 0) return false;
    // The agent destroys a free connection that times out.
    socket.setTimeout(idleMs);
    return true;
  };
  return agent;
}

/** The idle time a server announced ("Keep-Alive: timeout=N") with the answer last read on a connection, in ms. */
const serverKeepAlive = new WeakMap<Socket, number>();

function noteServerKeepAlive(answer: IncomingMessage): void {
  const timeout = /(?:^|,)\s*timeout=(\d+)/i.exec(String(answer.headers['keep-alive'] ?? ''))?.[1];
  if (timeout === undefined) serverKeepAlive.delete(answer.socket);
  else serverKeepAlive.set(answer.socket, Number(timeout) * 1000);
}
