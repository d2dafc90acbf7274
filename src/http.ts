/**
 * The one HTTP client of meshagent-ship, for API calls (JSON in, JSON out). It retries what is worth retrying
 * (429, 502, 503, 504 and broken connections, or what the client's `retryStatus` says) with jittered exponential
 * backoff or the server's Retry-After, records every retry once (in a RetryLog a run may share), times out every
 * attempt, goes through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY says otherwise, and turns every failure into an
 * HttpError a user can act on — with no credential in it. `request` buffers the answer (API calls); `stream` hands an
 * accepted answer's body over as a stream (registry blobs), and request bodies may be streams too.
 */
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import { ShipError } from './errors.js';
import { VERSION } from './version.js';

// --- public types ------------------------------------------------------------------------------------------------

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After we wait for; a server asking for more gets an error instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

export interface RetryRecord {
  readonly method: string;
  /** Without the query string. */
  readonly url: string;
  /** The attempt that failed (1 for the first); retry N follows attempt N. */
  readonly attempt: number;
  /** Why it failed, e.g. "503 Service Unavailable" or "timed out after 30 s". */
  readonly reason: string;
  readonly delayMs: number;
}

/**
 * Every retry of a run, in order: shared by the clients of one run (the API's, the registry's, a source registry's),
 * so the log lines, the result and the summary count each retry once, whichever client or upload made it.
 */
export class RetryLog {
  private readonly list: RetryRecord[] = [];

  add(record: RetryRecord): void {
    this.list.push(record);
  }

  get records(): readonly RetryRecord[] {
    return this.list;
  }
}

/** What a status classifier sees of a failed answer: the request and the answer's status and body. */
export interface FailedAnswer {
  readonly method: HttpRequest['method'];
  /** The URL as sent, without the query string. */
  readonly url: string;
  readonly status: number;
  readonly body: Buffer;
}

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
  /** A custom undici Dispatcher (the caller closes it); default: EnvHttpProxyAgent when a proxy is set in `env`, else an Agent. */
  readonly dispatcher?: Dispatcher;
  /** Where HTTPS_PROXY/HTTP_PROXY/NO_PROXY are read from; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Aborts every request of this client (and its waits between attempts), e.g. when the run is stopped. */
  readonly signal?: AbortSignal;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path relative to baseUrl (starting with /) or an absolute URL. */
  readonly url: string;
  /** Undefined values are dropped. */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body: serialised, content-type application/json. */
  readonly json?: unknown;
  /** Raw body; a function is called again for every attempt (so streams can be re-created); a plain value is reused. */
  readonly body?: string | Uint8Array | (() => string | Uint8Array | Readable);
  /** Statuses that are answers rather than errors (default: any 2xx). E.g. [200, 404] for a lookup. */
  readonly accept?: readonly number[];
  /** Short label for messages instead of METHOD+url, e.g. "look up repository app". */
  readonly what?: string;
  readonly signal?: AbortSignal;
  /** Per attempt, overriding the client's (e.g. longer for a large upload). */
  readonly timeoutMs?: number;
  /** Attempts in all for this request, overriding the policy (1: the caller handles retries, e.g. resumable uploads). */
  readonly maxAttempts?: number;
  /**
   * false: a connection refused (nothing listens there) fails at once instead of being retried; a connection that
   * breaks or times out is still retried. For a look that has a fallback when the server is not there at all.
   */
  readonly retryRefused?: boolean;
}

/** An accepted answer whose body has not been read: the caller consumes (or destroys) `body`. */
export interface StreamedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  text(): string;
  /** Parses JSON; with a zod schema, validates it and throws HttpError("... answered an unexpected body ...") on mismatch. */
  json<T = unknown>(schema?: ZodType<T>): T;
}

/** A request that failed: a status that was not accepted, a broken connection or a timeout. */
export class HttpError extends ShipError {
  /** Undefined for connection errors and timeouts. */
  readonly status: number | undefined;
  readonly method: string;
  /** Without the query string. */
  readonly url: string;
  /** The start of the answer's body (at most 500 characters), secrets replaced by ***. */
  readonly bodySnippet: string;
  /** Retries made before giving up. */
  readonly retries: number;
  /** Whether the failure was of a kind worth retrying (429/5xx/broken connection/timeout), had attempts remained. */
  readonly retryable: boolean;
  /** Why the last attempt failed, e.g. "503 Service Unavailable" or "timed out after 30 s" (for retry records). */
  readonly reason: string;
  /** The wait the server asked for with Retry-After, when it did. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    details: {
      method: string;
      url: string;
      status?: number;
      bodySnippet?: string;
      retries?: number;
      hint?: string;
      cause?: unknown;
      retryable?: boolean;
      reason?: string;
      retryAfterMs?: number;
    },
  ) {
    super(message, { ...(details.hint ? { hint: details.hint } : {}), cause: details.cause });
    this.status = details.status;
    this.method = details.method;
    this.url = details.url;
    this.bodySnippet = details.bodySnippet ?? '';
    this.retries = details.retries ?? 0;
    this.retryable = details.retryable ?? false;
    this.reason = details.reason ?? (details.status === undefined ? message : statusLine(details.status, ''));
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Whether a status may be retried: only 429, 502, 503, 504. Never 400/401/403/404/409/422 or anything else. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

// --- the client ------------------------------------------------------------------------------------------------

const SNIPPET_LENGTH = 500;
const CONNECTION_HINT = 'check the URL and that the server is reachable (proxy: HTTPS_PROXY/NO_PROXY)';

/** A request resolved once: everything that stays the same across its attempts. */
interface Prepared {
  readonly request: HttpRequest;
  readonly url: URL;
  /** The URL shown in messages and records: no query, no user info. */
  readonly shownUrl: string;
  /** "GET http://host/path", or the caller's `what`. */
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Credentials found in the request's headers, masked like `secrets()`. */
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
  private readonly dispatcher: Dispatcher;
  /** Only a dispatcher we made is ours to close. */
  private readonly ownsDispatcher: boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? `meshagent-ship/${VERSION}`;
    this.dispatcher = options.dispatcher ?? defaultDispatcher(options.env ?? process.env);
    this.ownsDispatcher = options.dispatcher === undefined;
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

  /** Closes the dispatcher if this client made it; safe to call twice (undici rejects a second close once destroyed). */
  close(): Promise<void> {
    // undici resolves with null despite its Promise<void> type.
    this.closing ??= this.ownsDispatcher ? this.dispatcher.close().then(() => undefined) : Promise.resolve();
    return this.closing;
  }

  /** Sends the request (retrying as classified) and returns the accepted answer, read whole. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    return (await this.send(request, false)) as HttpResponse;
  }

  /**
   * Like `request`, but an accepted answer's body is handed over unread, for bodies too large to hold in memory.
   * The timeout covers the answer's headers; a body that stalls is ended by undici's idle body timeout.
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
      const answer = await this.dispatcher.request({
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
      // The timeout covers the body too: undici destroys the body stream when the signal aborts.
      const received = Buffer.from(await answer.body.arrayBuffer());
      const response = new BufferedResponse(answer.statusCode, answer.statusText, flattenHeaders(answer.headers), received, prepared, this.maskerFor(prepared));
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
    const result = !('kind' in outcome) ? String(outcome.status) : outcome.kind === 'status' ? String(outcome.response.status) : outcome.kind === 'connection' ? outcome.reason : 'cancelled';
    this.options.debug(this.maskerFor(prepared)(`${prepared.request.method} ${prepared.shownUrl} -> ${result} in ${ms} ms (attempt ${attempt} of ${maxAttempts})`));
  }

  private isRetryable(failure: AttemptFailure, prepared: Prepared): boolean {
    const { request } = prepared;
    if (failure.kind === 'status') {
      const { status, body } = failure.response;
      return this.options.retryStatus ? this.options.retryStatus({ method: request.method, url: prepared.shownUrl, status, body }) : isRetryableStatus(status);
    }
    if (request.retryRefused === false && isConnectionRefused(failure.error)) return false;
    return failure.timedOut || isRetryableConnectionError(failure.error);
  }

  // --- waiting between attempts --------------------------------------------------------------------------------------

  /** The server's Retry-After when it sends one (refusing waits beyond the cap), else jittered exponential backoff. */
  private delayBeforeRetry(prepared: Prepared, failure: AttemptFailure, attempt: number): number {
    const asked = failure.kind === 'status' ? retryAfterMs(failure.response.headers['retry-after'], Date.now()) : undefined;
    const tooLong = this.refusedWait(asked);
    if (tooLong) throw this.failureError(prepared, failure, attempt - 1, tooLong);
    return asked ?? this.backoffMs(attempt);
  }

  /** Why a Retry-After is not waited for (longer than the policy allows), or undefined when it is. */
  private refusedWait(askedMs: number | undefined): string | undefined {
    if (askedMs === undefined || askedMs <= this.policy.maxRetryAfterMs) return undefined;
    return `asked to retry after ${seconds(askedMs)} s, more than the ${seconds(this.policy.maxRetryAfterMs)} s limit`;
  }

  /** baseDelayMs * 2^(attempt-1), capped, then full jitter in [delay/2, delay] so parallel clients spread out. */
  private backoffMs(attempt: number): number {
    const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(delay / 2 + (this.random() * delay) / 2);
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
    const tooLong = this.refusedWait(error.retryAfterMs);
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
    const delayMs = error.retryAfterMs ?? this.backoffMs(retry);
    const what = error.status !== undefined ? `answered ${error.status}` : `failed: ${error.reason}`;
    const message = `${options.label ?? `${error.method} ${error.url}`} ${what}; retry ${retry} of ${maxRetries} in ${seconds(delayMs)} s`;
    this.addRetry({ method: error.method, url: error.url, attempt: retry, reason: error.reason, delayMs }, maskSecrets(message, this.options.secrets?.() ?? []));
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
      const message = request.what ? `${request.what} failed: ${prepared.url.origin}: ${failure.reason}${suffix}` : `${label} failed: ${failure.reason}${suffix}`;
      return new HttpError(mask(message), { ...common, reason: mask(failure.reason), hint: CONNECTION_HINT, cause: failure.error });
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
      headerSecrets: credentialsIn(headers),
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

// --- the buffered answer -------------------------------------------------------------------------------------------

class BufferedResponse implements HttpResponse {
  constructor(
    readonly status: number,
    private readonly statusText: string,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: Buffer,
    private readonly prepared: Prepared,
    private readonly mask: (text: string) => string,
  ) {}

  /** "404 Not Found"; undici gives the server's reason phrase, Node's table fills in when there is none. */
  get statusLine(): string {
    return statusLine(this.status, this.statusText);
  }

  text(): string {
    return this.body.toString('utf8');
  }

  json<T = unknown>(schema?: ZodType<T>): T {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.text());
    } catch {
      throw this.unexpectedBody('not JSON');
    }
    if (!schema) return parsed as T;
    const result = schema.safeParse(parsed);
    if (!result.success) throw this.unexpectedBody(describeIssues(result.error.issues));
    return result.data;
  }

  private unexpectedBody(problem: string): HttpError {
    const { request, label, shownUrl } = this.prepared;
    const snippet = bodySnippet(this.body, this.mask);
    const message = `${label} answered an unexpected body (${problem}): ${snippet || '(empty)'}`;
    return new HttpError(this.mask(message), {
      method: request.method,
      url: shownUrl,
      status: this.status,
      bodySnippet: snippet,
      hint: 'the server answered something meshagent-ship does not understand: check the API URL, or update meshagent-ship',
    });
  }
}

// --- helpers -------------------------------------------------------------------------------------------------------

/** Proxies come from `env` (not process.env, which undici would read), so tests and callers decide. */
function defaultDispatcher(env: Readonly<Record<string, string | undefined>>): Dispatcher {
  // Lower case first, as undici and curl read them.
  const httpProxy = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  const httpsProxy = firstSet(env, ['https_proxy', 'HTTPS_PROXY']);
  if (!httpProxy && !httpsProxy) return new Agent();
  return new EnvHttpProxyAgent({
    // '' rather than undefined: undici falls back to process.env for undefined.
    httpProxy: httpProxy ?? '',
    httpsProxy: httpsProxy ?? '',
    noProxy: firstSet(env, ['no_proxy', 'NO_PROXY']) ?? '',
    // Plain-http targets are sent in absolute form, as forward proxies expect, not tunnelled with CONNECT
    // (which proxies commonly allow only to port 443). HTTPS targets are always tunnelled.
    proxyTunnel: false,
  });
}

function firstSet(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return value;
  }
  return undefined;
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

/** undici's headers (arrays for repeated ones) as one string per lower-case name. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | undefined, now: number): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Error codes of a connection that broke or never came up, where trying again may well work. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function isRetryableConnectionError(error: unknown): boolean {
  return errorChain(error).some(
    (e) => RETRYABLE_CODES.has(codeOf(e) ?? '') || /socket hang up|other side closed/i.test(e instanceof Error ? e.message : ''),
  );
}

/** Refused at every address tried (Node tries each address of a host and reports them in an AggregateError). */
function isConnectionRefused(error: unknown): boolean {
  const chain = errorChain(error);
  const everyAddress = chain.find((e): e is AggregateError => e instanceof AggregateError);
  if (everyAddress) return everyAddress.errors.length > 0 && everyAddress.errors.every((e) => codeOf(e) === 'ECONNREFUSED');
  return chain.some((e) => codeOf(e) === 'ECONNREFUSED');
}

/** The error, its causes, and the errors of an AggregateError (Node's connect tries every address of a host). */
function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const pending = [error];
  while (pending.length > 0 && chain.length < 10) {
    const next = pending.shift();
    if (next === undefined || chain.includes(next)) continue;
    chain.push(next);
    if (next instanceof AggregateError) pending.push(...next.errors);
    if (next instanceof Error && next.cause !== undefined) pending.push(next.cause);
  }
  return chain;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A short reason such as "connect ECONNREFUSED 127.0.0.1:1" or "other side closed (UND_ERR_SOCKET)". */
function describeConnectionError(error: unknown): string {
  for (const e of errorChain(error)) {
    const message = e instanceof Error ? e.message : '';
    const code = codeOf(e);
    if (message && code) return message.includes(code) ? message : `${message} (${code})`;
    if (message) return message;
    if (code) return code;
  }
  return String(error);
}

/** The hint for a status we give up on. */
function hintFor(status: number): { hint?: string } {
  const hints: Record<number, string> = {
    400: 'the server rejected the request as invalid: the message says why',
    401: 'check the credentials (API key or token)',
    403: 'the credentials lack permission for this',
    404: 'it does not exist',
    409: 'it conflicts with the current state',
    422: 'the server rejected the request as invalid: the message says why',
    429: 'rate limited: wait and run again',
  };
  const hint = hints[status] ?? (status >= 500 ? 'the server had trouble: run again later' : undefined);
  return hint ? { hint } : {};
}

/** JSON fields whose values are credentials even when no one told us about them. */
const SECRET_FIELD = /"(?:token|access_token|refresh_token|id_token|password|client_secret)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/** The body for a message: secrets masked first (so a cut cannot leave half a secret), whitespace collapsed, cut. */
function bodySnippet(body: Buffer, mask: (text: string) => string): string {
  const text = body.toString('utf8');
  const fieldSecrets = [...text.matchAll(SECRET_FIELD)].map((match) => match[1] ?? '');
  const collapsed = maskSecrets(mask(text), fieldSecrets).replace(/\s+/g, ' ').trim();
  return collapsed.length <= SNIPPET_LENGTH ? collapsed : `${cutWithoutSplittingPairs(collapsed, SNIPPET_LENGTH - 1)}…`;
}

function cutWithoutSplittingPairs(text: string, length: number): string {
  const cut = text.slice(0, length);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** Replaces every secret with ***, longest first so a secret containing another is replaced whole. */
function maskSecrets(text: string, secrets: Iterable<string>): string {
  const sorted = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  return sorted.reduce((masked, secret) => masked.split(secret).join('***'), text);
}

/** Credentials carried by the request's headers: the whole value, the part after the scheme, a Basic password. */
function credentialsIn(headers: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  for (const name of ['authorization', 'proxy-authorization', 'x-api-key']) {
    const value = headers[name]?.trim();
    if (!value) continue;
    found.push(value);
    const [scheme, credential] = value.split(/\s+/, 2);
    if (!credential) continue;
    found.push(credential);
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      const password = decoded.slice(decoded.indexOf(':') + 1);
      found.push(decoded, password);
    }
  }
  return found;
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const shown = issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  return issues.length > 3 ? `${shown.join('; ')}; …` : shown.join('; ');
}

/** "404 Not Found": the server's reason phrase, else Node's table, else the bare number. */
function statusLine(status: number, serverText: string): string {
  const text = serverText || STATUS_CODES[status] || '';
  return text ? `${status} ${text}` : String(status);
}

/** 200 → "0.2", 30000 → "30". */
function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(2)));
}
