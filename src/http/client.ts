/**
 * The one HTTP client of meshagent-ship, for API calls (JSON in, JSON out) and registry blobs. It sends a request,
 * retries what is worth retrying (classify.ts, or the client's `retryStatus`) after the wait the policy gives
 * (retry-policy.ts), records every retry once (in a RetryLog a run may share), times out every attempt, and turns
 * every failure into an HttpError a user can act on, with no credential in it (masking.ts). `request` buffers the
 * answer; `stream` hands an accepted answer's body over as a stream, and request bodies may be streams too.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { VERSION } from '../version.js';
import { BufferedResponse } from './buffered-response.js';
import { certificateProblem, describeConnectionError, isConnectionRefused, isRetryableConnectionError, isRetryableStatus, neverConnected } from './classify.js';
import { CERTIFICATE_HINTS, CONNECTION_HINT, HttpError, hintFor } from './http-error.js';
import { bodySnippet, credentialsIn, maskSecrets } from './masking.js';
import { NodeTransport } from './node-transport.js';
import { proxiesIn, proxyTransport } from './proxy.js';
import type { FailedAnswer, HttpRequest, HttpResponse, StreamedResponse } from './request.js';
import type { RetryLog, RetryRecord } from './retry-log.js';
import { backoffMs, DEFAULT_RETRY, refusedWait, retryAfterMs, seconds, type RetryPolicy } from './retry-policy.js';
import { dispatcherTransport, type Transport } from './transport.js';

export interface HttpClientOptions {
  /** Prefix for relative request paths, e.g. http://127.0.0.1:8080 or http://127.0.0.1:8080/v1 (a path prefix is kept). */
  readonly baseUrl?: string;
  /** Default `meshagent-ship/${VERSION}`. */
  readonly userAgent?: string;
  /** Per attempt: connect + headers + body; default 30_000. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Whether a failed answer is worth retrying, replacing the default (`isRetryableStatus`: 429, 502, 503, 504 for
   * any method). A registry client, whose requests are all safe to repeat, also retries 500. Broken connections and
   * timeouts are classified as always.
   */
  readonly retryStatus?: (answer: FailedAnswer) => boolean;
  /** Where every retry is recorded besides this client's own list; share one per run. */
  readonly retryLog?: RetryLog;
  /** Called once per retry with a one-line human message, e.g. "GET /x answered 503; retry 1 of 4 in 0.5 s". */
  readonly log?: (message: string) => void;
  /** Called once per attempt, for debug logs: "GET https://h/x -> 200 in 35 ms (attempt 1 of 4)"; secrets masked. */
  readonly debug?: (message: string) => void;
  /** Values that must never appear in an error message (API keys, tokens); may grow later, so read it on each use. */
  readonly secrets?: () => Iterable<string>;
  /**
   * A custom undici Dispatcher (the caller closes it); default: undici's EnvHttpProxyAgent when a proxy is set in
   * `env`, else Node's own http and https (node-transport.ts).
   */
  readonly dispatcher?: Dispatcher;
  /** Where HTTPS_PROXY/HTTP_PROXY/NO_PROXY are read from; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Aborts every request of this client (and its waits between attempts), e.g. when the run is stopped. */
  readonly signal?: AbortSignal;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** A request resolved once: everything that stays the same across its attempts. */
interface Prepared {
  readonly request: HttpRequest;
  readonly url: URL;
  /** The URL shown in messages and records: no query, no user info. */
  readonly shownUrl: string;
  /** "GET http://host/path", or the caller's `what`. */
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Credentials found in the request's headers, and the request's own `secrets`, masked like `secrets()`. */
  readonly headerSecrets: readonly string[];
}

/** Why one attempt did not produce an accepted answer. */
type Failure =
  | { readonly kind: 'status'; readonly response: BufferedResponse }
  | { readonly kind: 'connection'; readonly error: unknown; readonly reason: string; readonly timedOut: boolean }
  | { readonly kind: 'cancelled'; readonly reason: unknown };

/** A failure the server or the network caused: these may be retried (an aborted request never is). */
type AttemptFailure = Exclude<Failure, { kind: 'cancelled' }>;

export class HttpClient {
  private readonly ownRetries: RetryRecord[] = [];
  private attemptCount = 0;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  /** Made on the first request: a proxy's transport loads undici, which a client that sends nothing need not. */
  private transport: Promise<Transport> | undefined;
  /** Only a transport we made is ours to close. */
  private readonly ownsTransport: boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? `meshagent-ship/${VERSION}`;
    this.ownsTransport = options.dispatcher === undefined;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** Every retry made by this client, in order (a shared `retryLog` holds those of the other clients too). */
  get retries(): readonly RetryRecord[] {
    return this.ownRetries;
  }

  /** Requests sent, counting every attempt. */
  get attempts(): number {
    return this.attemptCount;
  }

  /** Closes the transport if this client made it; safe to call twice (undici rejects a second close once destroyed). */
  close(): Promise<void> {
    const made = this.transport;
    this.closing ??= this.ownsTransport && made ? made.then((transport) => transport.close()) : Promise.resolve();
    return this.closing;
  }

  /** The caller's dispatcher, else undici's proxy agent when `env` names a proxy, else Node's http and https. */
  private transportFor(): Promise<Transport> {
    if (!this.transport) {
      const { dispatcher } = this.options;
      const proxies = proxiesIn(this.options.env ?? process.env);
      this.transport = dispatcher ? Promise.resolve(dispatcherTransport(dispatcher)) : proxies ? proxyTransport(proxies) : Promise.resolve(new NodeTransport());
    }
    return this.transport;
  }

  /** Sends the request (retrying as classified) and returns the accepted answer, read whole. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    return (await this.send(request, false)) as HttpResponse;
  }

  /**
   * Like `request`, but an accepted answer's body is handed over unread, for bodies too large to hold in memory.
   * The timeout covers the answer's headers; a body that stalls is ended by the transport's idle body timeout.
   */
  async stream(request: HttpRequest): Promise<StreamedResponse> {
    return (await this.send(request, true)) as StreamedResponse;
  }

  private async send(asked: HttpRequest, streamed: boolean): Promise<HttpResponse | StreamedResponse> {
    if (this.closing) throw new Error(`HttpClient: ${asked.method} ${asked.url} after close()`);
    const request = this.withClientSignal(asked);
    const prepared = this.prepare(request);
    const maxAttempts = request.maxAttempts ?? this.policy.maxAttempts;
    for (let attempt = 1; ; attempt += 1) {
      const retriesSoFar = attempt - 1;
      // Checked before every attempt, so an abort during the wait between attempts ends the request too.
      if (request.signal?.aborted) throw this.failureError(prepared, { kind: 'cancelled', reason: request.signal.reason }, retriesSoFar);
      const started = Date.now();
      const outcome = await this.attempt(prepared, streamed);
      this.debugAttempt(prepared, outcome, Date.now() - started, attempt, maxAttempts);
      if (!('kind' in outcome)) return outcome;

      const giveUp = outcome.kind === 'cancelled' || !this.isRetryable(outcome, prepared) || attempt >= maxAttempts;
      if (giveUp) throw this.failureError(prepared, outcome, retriesSoFar);
      const delayMs = this.delayBeforeRetry(prepared, outcome, attempt);
      this.recordRetry(prepared, outcome, attempt, delayMs, maxAttempts);
      await this.sleepUnlessCancelled(delayMs, request.signal);
    }
  }

  private withClientSignal(request: HttpRequest): HttpRequest {
    const own = this.options.signal;
    if (!own) return request;
    return { ...request, signal: request.signal ? AbortSignal.any([request.signal, own]) : own };
  }

  // --- one attempt -------------------------------------------------------------------------------------------------

  /**
   * Sends the request once; an accepted answer is returned (read whole, or with its body unread when `streamed`),
   * anything else described.
   */
  private async attempt(prepared: Prepared, streamed: boolean): Promise<BufferedResponse | StreamedResponse | Failure> {
    const { request, url } = prepared;
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    // A timer we can stop: a streamed body outlives the attempt, and must not be cut when the timeout passes.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`timed out after ${seconds(timeoutMs)} s`)), timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
    // Outside the try: a body factory that throws is the caller's problem, not a connection failure to retry.
    const body = bodyForAttempt(request);
    this.attemptCount += 1;
    try {
      const transport = await this.transportFor();
      const answer = await transport.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: request.method,
        // A fresh copy: undici's HTTP/1 proxy wrapper adds a host header to the object it is given.
        headers: { ...prepared.headers },
        body,
        signal,
      });
      const accepted = request.accept ? request.accept.includes(answer.statusCode) : answer.statusCode >= 200 && answer.statusCode < 300;
      if (streamed && accepted) {
        clearTimeout(timer);
        return { status: answer.statusCode, headers: flattenHeaders(answer.headers), body: answer.body };
      }
      // The timeout covers the body too: the transport destroys the body stream when the signal aborts.
      const received = await readAll(answer.body);
      const asked = { method: request.method, label: prepared.label, shownUrl: prepared.shownUrl };
      const response = new BufferedResponse(answer.statusCode, answer.statusText, flattenHeaders(answer.headers), received, asked, this.maskerFor(prepared));
      return accepted ? response : { kind: 'status', response };
    } catch (error) {
      if (request.signal?.aborted) return { kind: 'cancelled', reason: request.signal.reason };
      if (timeout.signal.aborted) return { kind: 'connection', error, reason: `timed out after ${seconds(timeoutMs)} s`, timedOut: true };
      // A streamed body that failed mid-way (e.g. the upload source) is destroyed with the request.
      if (body !== undefined && typeof body === 'object' && 'destroy' in body) body.destroy();
      return { kind: 'connection', error, reason: describeConnectionError(error), timedOut: false };
    } finally {
      clearTimeout(timer);
    }
  }

  private debugAttempt(prepared: Prepared, outcome: BufferedResponse | StreamedResponse | Failure, ms: number, attempt: number, maxAttempts: number): void {
    if (!this.options.debug) return;
    const result = !('kind' in outcome)
      ? String(outcome.status)
      : outcome.kind === 'status'
        ? String(outcome.response.status)
        : outcome.kind === 'connection'
          ? outcome.reason
          : 'cancelled';
    this.options.debug(
      this.maskerFor(prepared)(`${prepared.request.method} ${prepared.shownUrl} -> ${result} in ${ms} ms (attempt ${attempt} of ${maxAttempts})`),
    );
  }

  private isRetryable(failure: AttemptFailure, prepared: Prepared): boolean {
    const { request } = prepared;
    if (failure.kind === 'status') {
      const { status, body } = failure.response;
      return this.options.retryStatus ? this.options.retryStatus({ method: request.method, url: prepared.shownUrl, status, body }) : isRetryableStatus(status);
    }
    if (request.retryRefused === false && isConnectionRefused(failure.error)) return false;
    // A create sent twice may create twice (go-containerregistry's transport retries only what is idempotent, too).
    if (!isIdempotent(request) && !neverConnected(failure.error)) return false;
    return failure.timedOut || isRetryableConnectionError(failure.error);
  }

  // --- waiting between attempts --------------------------------------------------------------------------------------

  /** The server's Retry-After when it sends one (refusing waits beyond the cap), else jittered exponential backoff. */
  private delayBeforeRetry(prepared: Prepared, failure: AttemptFailure, attempt: number): number {
    const asked = failure.kind === 'status' ? retryAfterMs(failure.response.headers['retry-after'], Date.now()) : undefined;
    const tooLong = refusedWait(this.policy, asked);
    if (tooLong) throw this.failureError(prepared, failure, attempt - 1, tooLong);
    return asked ?? backoffMs(this.policy, attempt, this.random);
  }

  private recordRetry(prepared: Prepared, failure: AttemptFailure, attempt: number, delayMs: number, maxAttempts: number): void {
    const reason = failure.kind === 'status' ? failure.response.statusLine : failure.reason;
    const what = failure.kind === 'status' ? `answered ${failure.response.status}` : `failed: ${failure.reason}`;
    const message = `${prepared.label} ${what}; retry ${attempt} of ${maxAttempts - 1} in ${seconds(delayMs)} s`;
    this.addRetry({ method: prepared.request.method, url: prepared.shownUrl, attempt, reason, delayMs }, this.maskerFor(prepared)(message));
  }

  /** The one place a retry is counted: this client's list, the run's shared log, and one log line. */
  private addRetry(record: RetryRecord, message: string): void {
    this.ownRetries.push(record);
    this.options.retryLog?.add(record);
    this.options.log?.(message);
  }

  /**
   * For a caller that repeats a failed request its own way (an upload goes on from what the registry holds, or
   * starts again): waits as the client would before its retry number `retry` of `maxRetries` (the server's
   * Retry-After, else jittered backoff), and records and logs that retry like the client's own. When the server
   * asks for a longer wait than the policy allows, nothing is retried: the error is thrown, saying so.
   */
  async retryAfter(error: HttpError, retry: number, maxRetries: number, options: { label?: string; signal?: AbortSignal } = {}): Promise<void> {
    const tooLong = refusedWait(this.policy, error.retryAfterMs);
    if (tooLong) {
      throw new HttpError(`${error.message} (${tooLong})`, {
        method: error.method,
        url: error.url,
        ...(error.status !== undefined ? { status: error.status } : {}),
        bodySnippet: error.bodySnippet,
        retries: retry - 1,
        reason: error.reason,
        cause: error,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    }
    const delayMs = error.retryAfterMs ?? backoffMs(this.policy, retry, this.random);
    const what = error.status !== undefined ? `answered ${error.status}` : `failed: ${error.reason}`;
    const message = `${options.label ?? `${error.method} ${error.url}`} ${what}; retry ${retry} of ${maxRetries} in ${seconds(delayMs)} s`;
    this.addRetry(
      { method: error.method, url: error.url, attempt: retry, reason: error.reason, delayMs },
      maskSecrets(message, this.options.secrets?.() ?? []),
    );
    await this.sleepUnlessCancelled(delayMs, options.signal);
  }

  /** Sleeps, but wakes up early (with an error) when the caller aborts; the abort listener never outlives the wait. */
  private async sleepUnlessCancelled(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return this.sleep(ms);
    let onAbort = (): void => {};
    const aborted = new Promise<void>((resolve) => {
      onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.sleep(ms), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  // --- errors --------------------------------------------------------------------------------------------------------

  /** The error for a failure we give up on: what happened, how many retries were made, and a hint chosen by status. */
  private failureError(prepared: Prepared, failure: Failure, retries: number, extra?: string): HttpError {
    const { request, label, shownUrl } = prepared;
    const mask = this.maskerFor(prepared);
    const gaveUp = [extra, retries > 0 ? `gave up after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : undefined].filter(Boolean).join('; ');
    const suffix = gaveUp ? ` (${gaveUp})` : '';
    const common = { method: request.method, url: shownUrl, retries, retryable: failure.kind !== 'cancelled' && this.isRetryable(failure, prepared) };

    if (failure.kind === 'cancelled') {
      // Still a ShipError, so a cancelled run reads as a message, not a stack trace.
      const why = failure.reason instanceof Error ? `: ${failure.reason.message}` : '';
      return new HttpError(mask(`${label} was cancelled${why}${suffix}`), { ...common, reason: 'cancelled', cause: failure.reason });
    }
    if (failure.kind === 'connection') {
      const message = request.what
        ? `${request.what} failed: ${prepared.url.origin}: ${failure.reason}${suffix}`
        : `${label} failed: ${failure.reason}${suffix}`;
      const certificate = certificateProblem(failure.error);
      const hint = certificate ? CERTIFICATE_HINTS[certificate] : CONNECTION_HINT;
      return new HttpError(mask(message), { ...common, reason: mask(failure.reason), hint, cause: failure.error });
    }
    const { response } = failure;
    const snippet = bodySnippet(response.body, mask);
    const answered = request.what ? `${request.what} failed: ${response.statusLine}` : `${label} answered ${response.statusLine}`;
    const message = `${answered}${suffix}${snippet ? `: ${snippet}` : ''}`;
    const asked = retryAfterMs(response.headers['retry-after'], Date.now());
    return new HttpError(mask(message), {
      ...common,
      status: response.status,
      bodySnippet: snippet,
      reason: response.statusLine,
      ...(asked !== undefined ? { retryAfterMs: asked } : {}),
      ...hintFor(response.status),
    });
  }

  // --- preparing a request -------------------------------------------------------------------------------------------

  private prepare(request: HttpRequest): Prepared {
    if (request.json !== undefined && request.body !== undefined) throw new Error(`${request.method} ${request.url}: give json or body, not both`);
    const url = resolveUrl(this.options.baseUrl, request.url, request.query);
    const shownUrl = url.origin + url.pathname;
    const headers = this.headersFor(request);
    return {
      request,
      url,
      shownUrl,
      label: request.what ?? `${request.method} ${shownUrl}`,
      headers,
      headerSecrets: [...credentialsIn(headers), ...(request.secrets ?? [])],
    };
  }

  /** The caller's headers with lower-case names, over our defaults. */
  private headersFor(request: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }

  /** Masks the caller's secrets (read now, since they may have grown) and the request's credentials. */
  private maskerFor(prepared: Prepared): (text: string) => string {
    return (text) => maskSecrets(text, [...(this.options.secrets?.() ?? []), ...prepared.headerSecrets]);
  }
}

/** An absolute URL as given, or a path appended to baseUrl (keeping the base's path prefix); then the query. */
function resolveUrl(baseUrl: string | undefined, path: string, query: HttpRequest['query']): URL {
  let url: URL;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) url = new URL(path);
  else if (baseUrl) url = new URL(baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
  else throw new Error(`HTTP request to ${path}: a relative path needs a baseUrl`);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.append(name, String(value));
  }
  return url;
}

/** The body to send this attempt: a factory runs again, so a stream consumed by a failed attempt is made anew. */
function bodyForAttempt(request: HttpRequest): string | Uint8Array | Readable | undefined {
  if (request.json !== undefined) return JSON.stringify(request.json);
  return typeof request.body === 'function' ? request.body() : request.body;
}

/** An answer's body, read whole. */
async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The transport's headers (arrays for repeated ones) as one string per lower-case name. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** The request's own say, else what its method promises (RFC 9110 9.2.2). */
function isIdempotent(request: HttpRequest): boolean {
  return request.idempotent ?? (request.method !== 'POST' && request.method !== 'PATCH');
}
