/**
 * When a failed request is tried again and after how long: a bounded number of attempts, the server's Retry-After
 * when it sends one (unless it asks for longer than the policy allows), else jittered exponential backoff.
 */

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After we wait for; a server asking for more gets an error instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Why a Retry-After is not waited for (longer than the policy allows), or undefined when it is. */
export function refusedWait(policy: RetryPolicy, askedMs: number | undefined): string | undefined {
  if (askedMs === undefined || askedMs <= policy.maxRetryAfterMs) return undefined;
  return `asked to retry after ${seconds(askedMs)} s, more than the ${seconds(policy.maxRetryAfterMs)} s limit`;
}

/** baseDelayMs * 2^(attempt-1), capped, then full jitter in [delay/2, delay] so parallel clients spread out. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(delay / 2 + (random() * delay) / 2);
}

/** 200 → "0.2", 30000 → "30". */
export function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(2)));
}
