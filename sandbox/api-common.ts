/**
 * What every part of the sandbox's REST API shares: a request and its answer, the refusal error, body parsing with
 * the sandbox's own schemas, the permission check, and the pages of a list.
 */
import type { z } from 'zod';
import type { ApiKeyRecord, Permission } from './state.js';

/** An answer other than success: its status and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiRequest {
  readonly method: string;
  /** Path segments, each already percent-decoded (so a by-name `a%2Fb` is one segment `a/b`). */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly consistency: string | undefined;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
}

export interface ApiAnswer {
  readonly status: number;
  readonly json: unknown;
}

/** A body read with one of the sandbox's schemas; a refusal names every problem. */
export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
  throw new ApiError(400, `invalid request: ${details}`);
}

export function requirePermission(key: ApiKeyRecord, permission: Permission): void {
  if (!key.permissions.includes(permission)) throw new ApiError(403, `permission denied: the API key lacks ${permission}`);
}

/**
 * One page of a list paged as upstream pages it (`page_size`, default 100, and an opaque `continuation_token`),
 * answered as `{<name>: [...], total, continuation_token}`. `filter`, where the list takes one, keeps the items
 * whose text contains it, without case: what upstream matches it against is not documented, so the sandbox takes
 * the field a user sees (a name, a domain).
 */
export function page<T>(name: string, items: readonly T[], query: URLSearchParams, text?: (item: T) => string): ApiAnswer {
  const filter = query.get('filter')?.trim().toLowerCase();
  const kept = filter && text ? items.filter((item) => text(item).toLowerCase().includes(filter)) : items;
  const pageSize = Math.min(Math.max(Number(query.get('page_size') ?? 100) || 100, 1), 1000);
  const token = query.get('continuation_token');
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new ApiError(400, 'invalid continuation_token');
  const next = start + pageSize < kept.length ? Buffer.from(String(start + pageSize)).toString('base64url') : null;
  return { status: 200, json: { [name]: kept.slice(start, start + pageSize), total: kept.length, continuation_token: next } };
}
