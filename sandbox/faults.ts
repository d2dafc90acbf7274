/**
 * Fault injection for tests: the next N requests matching a method and path answer with a status (and an optional
 * Retry-After), or have their connection reset, instead of being served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';

export const FaultRule = z.strictObject({
  /** HTTP method to match; any when absent. */
  method: z.string().optional(),
  /** A regular expression matched against the request path (without query). */
  path: z.string(),
  /** How many matching requests fail. */
  count: z.number().int().positive(),
  /** The status to answer; absent with `reset`. */
  status: z.number().int().min(100).max(599).optional(),
  /** Seconds, sent as Retry-After. */
  retryAfter: z.number().int().nonnegative().optional(),
  /** Destroy the connection instead of answering. */
  reset: z.boolean().optional(),
});
export type FaultRule = z.infer<typeof FaultRule>;

export class Faults {
  private rules: { rule: FaultRule; pattern: RegExp; left: number }[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, pattern: new RegExp(rule.path), left: rule.count });
  }

  clear(): void {
    this.rules = [];
  }

  /** Serves a fault for this request when one matches; returns whether it did. */
  intercept(request: IncomingMessage, response: ServerResponse, path: string): boolean {
    const match = this.rules.find(
      ({ rule, pattern, left }) => left > 0 && (!rule.method || rule.method.toUpperCase() === request.method) && pattern.test(path),
    );
    if (!match) return false;
    match.left -= 1;
    if (match.rule.reset) {
      request.socket.destroy();
      return true;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (match.rule.retryAfter !== undefined) headers['retry-after'] = String(match.rule.retryAfter);
    response.writeHead(match.rule.status ?? 503, headers);
    response.end(JSON.stringify({ error: { message: 'injected fault' } }));
    return true;
  }
}
