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

/** The trimmed value, or undefined when the input is empty. */
export function optional(raw: string): string | undefined {
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}
