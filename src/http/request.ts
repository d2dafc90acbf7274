/** What a caller of the HTTP client gives (a request) and gets (an answer, read whole or streamed). */
import type { Readable } from 'node:stream';
import type { ZodType } from 'zod';

/** What a status classifier sees of a failed answer: the request and the answer's status and body. */
export interface FailedAnswer {
  readonly method: HttpRequest['method'];
  /** The URL as sent, without the query string. */
  readonly url: string;
  readonly status: number;
  readonly body: Buffer;
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
  /**
   * Whether sending the request twice does what sending it once does. Default: true for GET, HEAD, PUT and DELETE,
   * false for POST and PATCH. A request that is not idempotent is tried again only when it cannot have been
   * received: a connection refused or never set up, or an answer that says it was not processed (429, 502-504);
   * after a reset or a timeout it may have been applied, so the failure is the caller's to sort out.
   */
  readonly idempotent?: boolean;
  /** Values the request carries that an answer may quote back (a spec's environment): hidden like the secrets. */
  readonly secrets?: readonly string[];
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
