/**
 * Requests over Node's own http and https, with keep-alive connections per client. Used when no proxy is set: Node
 * has these modules at hand, where undici is over a megabyte of code to load and compile on every start, which a
 * short command (a repeat push: two requests) pays for more than for its requests.
 *
 * It keeps undici's limits that the client relies on: a connection that takes over 10 s to come up fails as never
 * connected, and an answer's body that sends nothing for 300 s fails. The client's own timeout covers the rest.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { finished, Readable } from 'node:stream';
import type { Transport, TransportAnswer, TransportRequest } from './transport.js';

const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_BODY_TIMEOUT_MS = 300_000;

/** An error with a code the classifier knows (classify.ts). */
function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

export class NodeTransport implements Transport {
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
      agent: secure ? (this.httpsAgent ??= new HttpsAgent({ keepAlive: true })) : (this.httpAgent ??= new HttpAgent({ keepAlive: true })),
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
      sent.setTimeout(IDLE_BODY_TIMEOUT_MS, () => sent.destroy(codedError(`no data for ${IDLE_BODY_TIMEOUT_MS / 1000} s`, 'ERR_BODY_TIMEOUT')));
      sent.on('response', (answer: IncomingMessage) => {
        incoming = answer;
        finished(answer, () => settle());
        resolve({ statusCode: answer.statusCode ?? 0, statusText: answer.statusMessage ?? '', headers: answer.headers, body: answer });
      });
      const { body } = request;
      if (body instanceof Readable) {
        body.on('error', (error) => sent.destroy(error));
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
