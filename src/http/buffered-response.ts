/** An answer read whole: its status, headers and body, as text or as JSON checked against a schema. */
import type { ZodType } from 'zod';
import { HttpError, statusLine } from './http-error.js';
import { bodySnippet } from './masking.js';
import type { HttpResponse } from './request.js';

/** The request an answer came for, as messages name it. */
interface AskedFor {
  readonly method: string;
  /** "GET http://host/path", or the caller's `what`. */
  readonly label: string;
  /** The URL without query or user info. */
  readonly shownUrl: string;
}

export class BufferedResponse implements HttpResponse {
  constructor(
    readonly status: number,
    private readonly statusText: string,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: Buffer,
    private readonly asked: AskedFor,
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
    const { method, label, shownUrl } = this.asked;
    const snippet = bodySnippet(this.body, this.mask);
    const message = `${label} answered an unexpected body (${problem}): ${snippet || '(empty)'}`;
    return new HttpError(this.mask(message), {
      method,
      url: shownUrl,
      status: this.status,
      bodySnippet: snippet,
      hint: 'the server answered something meshagent-ship does not understand: check the API URL, or update meshagent-ship',
    });
  }
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const shown = issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  return issues.length > 3 ? `${shown.join('; ')}; …` : shown.join('; ');
}
