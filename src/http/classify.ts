/**
 * What is worth trying again: a status (429, 502, 503, 504) or a connection that broke or never came up (reset,
 * refused, timed out). Never 400/401/403/404/409/422: asking again gets the same answer.
 */

/** Whether a status may be retried: only 429, 502, 503, 504. Never 400/401/403/404/409/422 or anything else. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
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
  // Node's http (node-transport.ts): the same two limits as undici's.
  'ERR_CONNECT_TIMEOUT',
  'ERR_BODY_TIMEOUT',
]);

export function isRetryableConnectionError(error: unknown): boolean {
  return errorChain(error).some((e) => RETRYABLE_CODES.has(codeOf(e) ?? '') || /socket hang up|other side closed/i.test(e instanceof Error ? e.message : ''));
}

/** A connection that never came up: the request cannot have reached the server. */
export function neverConnected(error: unknown): boolean {
  return isConnectionRefused(error) || errorChain(error).some((e) => codeOf(e) === 'UND_ERR_CONNECT_TIMEOUT' || codeOf(e) === 'ERR_CONNECT_TIMEOUT');
}

/** Refused at every address tried (Node tries each address of a host and reports them in an AggregateError). */
export function isConnectionRefused(error: unknown): boolean {
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

/** Certificate errors by what the user can do about them (OpenSSL's verify codes, Node's name check). */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
const EXPIRED_CERTIFICATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** What is wrong with the server's certificate, when that is why the connection failed. */
export function certificateProblem(error: unknown): 'untrusted' | 'other-name' | 'expired' | undefined {
  for (const e of errorChain(error)) {
    const code = codeOf(e) ?? '';
    if (UNTRUSTED_CERTIFICATE.has(code)) return 'untrusted';
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'other-name';
    if (EXPIRED_CERTIFICATE.has(code)) return 'expired';
  }
  return undefined;
}

/** A short reason such as "connect ECONNREFUSED 127.0.0.1:1" or "other side closed (UND_ERR_SOCKET)". */
export function describeConnectionError(error: unknown): string {
  for (const e of errorChain(error)) {
    const message = e instanceof Error ? e.message : '';
    const code = codeOf(e);
    if (message && code) return message.includes(code) ? message : `${message} (${code})`;
    if (message) return message;
    if (code) return code;
  }
  return String(error);
}
