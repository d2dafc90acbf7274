/**
 * The service template inputs: `service-template` (a path), `values` (a YAML file) and `set` (KEY=VALUE lines),
 * parsed as the CLI's deploy parses `--values` and `--set` (cli image.py:2700-2710), with its words.
 */
import type { TemplateInputs } from '../meshagent/service-options.js';
import { listLines } from './list-parsers.js';
import { addIssue, type IssueContext } from './issues.js';

const hint = 'write one KEY=VALUE per line, e.g. domain=web.example.com';

/** `set` lines as a map, later lines winning; the key trimmed, the value kept as written after the first `=`. */
export function parseTemplateInputs(raw: { path: string; values: string; set: string }, ctx: IssueContext): TemplateInputs {
  const set: Record<string, string> = {};
  for (const { line, text } of listLines(raw.set)) {
    const eq = text.indexOf('=');
    if (eq === -1) {
      addIssue(ctx, 'set', `set: line ${line}: --set must be in the form KEY=VALUE`, hint);
      continue;
    }
    const key = text.slice(0, eq).trim();
    if (key === '') {
      addIssue(ctx, 'set', `set: line ${line}: --set must include a non-empty key`, hint);
      continue;
    }
    set[key] = text.slice(eq + 1);
  }
  const path = raw.path.trim();
  const values = raw.values.trim();
  return { path: path === '' ? undefined : path, valuesFile: values === '' ? undefined : values, set };
}
