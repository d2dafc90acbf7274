/**
 * The one error a request ends in: what was asked, what came back (status, the start of the body with secrets
 * masked), how many retries were made, and a hint chosen by the status.
 */
import { STATUS_CODES } from 'node:http';
import { ShipError } from '../errors.js';

export const CONNECTION_HINT = 'check the URL and that the server is reachable (proxy: HTTPS_PROXY/NO_PROXY)';

/** The hint for a connection refused over the server's certificate: what to change, by what is wrong with it. */
export const CERTIFICATE_HINTS = {
  untrusted: "the server's certificate is not signed by a CA this machine trusts: for a private CA, set NODE_EXTRA_CA_CERTS to its certificate file (PEM)",
  'other-name': "the server's certificate is for another name: use a URL with a host name the certificate names",
  expired: "the server's certificate has expired or is not valid yet: renew it, or check this machine's clock",
} as const;

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

/** The hint for a status we give up on. */
export function hintFor(status: number): { hint?: string } {
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

/** "404 Not Found": the server's reason phrase, else Node's table, else the bare number. */
export function statusLine(status: number, serverText: string): string {
  const text = serverText || STATUS_CODES[status] || '';
  return text ? `${status} ${text}` : String(status);
}
