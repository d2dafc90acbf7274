/**
 * How a parser reports a problem with an input: as an issue in zod's context rather than a throw, so every problem
 * of every input is collected and reported together; and how a user's value is quoted in it.
 */
import type { z } from 'zod';
import { quoted } from '../errors.js';
import type { InputName } from './spec.js';

export type IssueContext = z.RefinementCtx;

/** Records a problem with `input`: what is wrong, and the hint saying how to fix it. */
export function addIssue(ctx: IssueContext, input: InputName, message: string, hint?: string): void {
  ctx.addIssue({ code: 'custom', message, path: [input], params: { hint } });
}

/** Quote a user's value in an error, cut short so a pasted secret never shows whole. */
export function quote(text: string): string {
  return quoted(text, 40);
}

/**
 * For a name that must be ASCII: the characters that are not, by code point (` (it holds U+0430, not ASCII)`), so a
 * lookalike letter, which the quoted value shows as the letter it mimics, is seen; empty when all are ASCII.
 */
export function nonAsciiNote(text: string): string {
  const found = [...new Set([...text].filter((char) => (char.codePointAt(0) as number) > 0x7e))];
  if (found.length === 0) return '';
  const shown = found.slice(0, 3).map((char) => `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`);
  return ` (it holds ${shown.join(', ')}${found.length > 3 ? ' and more' : ''}, not ASCII)`;
}

/** The trimmed value, or undefined when the input is empty. */
export function optional(raw: string): string | undefined {
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}
