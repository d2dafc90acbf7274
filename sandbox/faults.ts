/**
 * Fault injection for tests: the next N requests matching a method and path answer with a status (and an optional
 * Retry-After), or have their connection reset, instead of being served; or they are held for a while, then served;
 * or they are served and their answer lost (the connection reset after the write).
 * A rule with `after` lies dormant until a request matching that has been served, so a test can make the API go
 * away right after a given write.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';

const RequestMatch = z.strictObject({
  /** HTTP method to match; any when absent. */
  method: z.string().optional(),
  /** A regular expression matched against the request path (without query). */
  path: z.string(),
});

export const FaultRule = RequestMatch.extend({
  /** How many matching requests fail. */
  count: z.number().int().positive(),
  /** The status to answer; absent with `reset`. */
  status: z.number().int().min(100).max(599).optional(),
  /** Seconds, sent as Retry-After. */
  retryAfter: z.number().int().nonnegative().optional(),
  /** Destroy the connection instead of answering. */
  reset: z.boolean().optional(),
  /** Serve the request, then reset the connection instead of sending the answer: the write is done, its answer lost. */
  lostAnswer: z.boolean().optional(),
  /** Hold the request this long first; without `status` or `reset` it is then served as usual. */
  delayMs: z.number().int().positive().max(60_000).optional(),
  /** The rule starts to apply once a request matching this has been served (by the API, not by a fault). */
  after: RequestMatch.optional(),
});
export type FaultRule = z.infer<typeof FaultRule>;

interface ActiveRule {
  readonly rule: FaultRule;
  readonly pattern: RegExp;
  readonly trigger: RegExp | undefined;
  left: number;
  armed: boolean;
}

function matches(match: { method?: string | undefined }, pattern: RegExp, method: string | undefined, path: string): boolean {
  return (!match.method || match.method.toUpperCase() === method) && pattern.test(path);
}

export class Faults {
  private rules: ActiveRule[] = [];
  private matchedCount = 0;

  /** Requests a rule has matched so far, so a test can wait until its fault is reached. */
  get matched(): number {
    return this.matchedCount;
  }

  add(rule: FaultRule): void {
    const trigger = rule.after ? new RegExp(rule.after.path) : undefined;
    this.rules.push({ rule, pattern: new RegExp(rule.path), trigger, left: rule.count, armed: trigger === undefined });
  }

  clear(): void {
    this.rules = [];
  }

  /** Serves a fault for this request when one matches; returns whether it did (false: serve it, maybe held first). */
  async intercept(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
    const match = this.rules.find(({ rule, pattern, left, armed }) => armed && left > 0 && matches(rule, pattern, request.method, path));
    if (!match) return false;
    match.left -= 1;
    this.matchedCount += 1;
    if (match.rule.delayMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, match.rule.delayMs));
      if (match.rule.status === undefined && !match.rule.reset && !match.rule.lostAnswer) return false;
    }
    if (match.rule.lostAnswer) {
      // Served by the API as usual; whatever it answers, the client only sees the connection drop.
      response.writeHead = (() => response) as unknown as typeof response.writeHead;
      response.end = (() => {
        request.socket.destroy();
        return response;
      }) as unknown as typeof response.end;
      return false;
    }
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

  /** Arms the dormant rules waiting for this request, which the API has just served. */
  served(method: string | undefined, path: string): void {
    for (const active of this.rules) {
      if (!active.armed && active.trigger && active.rule.after && matches(active.rule.after, active.trigger, method, path)) active.armed = true;
    }
  }
}
