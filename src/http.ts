/**
 * The HTTP client's surface: what the rest of meshagent-ship imports. The client and its retry loop are in
 * http/client.ts; the request and answer types, the retry policy and log, the classification of failures, the
 * error, masking and the proxy choice each have their own module in http/.
 */
export { HttpClient, type HttpClientOptions } from './http/client.js';
export { HttpError } from './http/http-error.js';
export { isRetryableStatus } from './http/classify.js';
export { maskSecrets } from './http/masking.js';
export { nextPage } from './http/link.js';
export type { FailedAnswer, HttpRequest, HttpResponse, StreamedResponse } from './http/request.js';
export { RetryLog, type RetryRecord } from './http/retry-log.js';
export { DEFAULT_RETRY, type RetryPolicy } from './http/retry-policy.js';
