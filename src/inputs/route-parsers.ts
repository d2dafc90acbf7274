/**
 * The `extra-ports` input: more paths on the service's domain, one `TARGET:/path` per line, parsed with the CLI's
 * rules and words (`--extra-port`, cli image.py:1637-1691). TARGET is a port of the room (`3001`), a service of the
 * room (`assistant`), or a service's port (`assistant:3001`); the path is `/` and what follows `:/`, never `/` itself,
 * without `//`, each once.
 */
import type { ExtraRoutePort } from '../meshagent/service-options.js';
import { pyDecimalValue, pyIsDecimal, pyStrip } from '../python-text.js';
import { listLines } from './list-parsers.js';
import { addIssue, quote, type IssueContext } from './issues.js';

const input = 'extra-ports';
const hint = 'write one TARGET:/path per line, TARGET a port, a service, or SERVICE:PORT, e.g. 3001:/messages or assistant:/messages';

/** The target of one line, or the CLI's words for why it is refused. */
function parseTarget(raw: string): number | string | { problem: string } {
  const target = pyStrip(raw);
  if (target === '') return { problem: `${input} target must not be empty` };
  if (target.includes('/')) return { problem: `${input} target must not contain /` };
  if (pyIsDecimal(target)) {
    const port = pyDecimalValue(target);
    return port <= 0 ? { problem: `${input} PORT must be positive` } : port;
  }
  const parts = target.split(':');
  if (parts.length > 2) return { problem: `${input} target must be PORT, SERVICE, or SERVICE:PORT` };
  const service = pyStrip(parts[0] ?? '');
  if (service === '') return { problem: `${input} service name must not be empty` };
  if (parts.length === 1) return service;
  const port = pyStrip(parts[1] ?? '');
  if (port === '') return { problem: `${input} service port must not be empty` };
  if (!pyIsDecimal(port)) return { problem: `${input} service port must be an integer` };
  if (pyDecimalValue(port) <= 0) return { problem: `${input} service port must be positive` };
  return `${service}:${port}`;
}

export function parseExtraPorts(raw: string, ctx: IssueContext): ExtraRoutePort[] {
  const result: ExtraRoutePort[] = [];
  for (const { line, text } of listLines(raw)) {
    const parsed = parseLine(pyStrip(text), result);
    if ('problem' in parsed) addIssue(ctx, input, `${input}: line ${line}: ${parsed.problem}`, hint);
    else result.push(parsed);
  }
  return result;
}

/** One line, given the lines before it (a path may be routed once). */
function parseLine(value: string, before: readonly ExtraRoutePort[]): ExtraRoutePort | { problem: string } {
  const split = value.indexOf(':/');
  if (split === -1) return { problem: `${input} must use TARGET:/path, for example 3001:/messages or assistant:/messages (got ${quote(value)})` };
  const target = parseTarget(value.slice(0, split));
  if (typeof target === 'object') return target;
  const path = `/${pyStrip(value.slice(split + 2))}`;
  if (path === '/') return { problem: `${input} path must not be /` };
  if (path.includes('//')) return { problem: `${input} path must not contain //` };
  if (before.some((extra) => extra.path === path)) return { problem: `${input} path is duplicated: ${path}` };
  return { target, path };
}
