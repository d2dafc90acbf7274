/**
 * The one error type of meshagent-ship: a message a user can act on, and a hint saying what to run or change.
 * Anything thrown that is not a ShipError is a bug and is reported with its stack.
 */
export class ShipError extends Error {
  override readonly name = 'ShipError';
  /** What to run or change; shown on its own line after the message. */
  readonly hint: string | undefined;
  /** The input the error is about, when there is one (kebab-case, as in action.yml). */
  readonly input: string | undefined;

  constructor(message: string, options: { hint?: string; input?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.input = options.input;
  }
}

/** Several input errors reported at once, so a user fixes them all in one go. */
export class InputErrors extends ShipError {
  readonly errors: readonly ShipError[];

  constructor(errors: readonly ShipError[]) {
    const first = errors[0];
    const message = errors.length === 1 && first ? first.message : `${errors.length} inputs are invalid:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`;
    super(message, {
      ...(errors.length === 1 && first?.hint ? { hint: first.hint } : {}),
      ...(errors.length === 1 && first?.input ? { input: first.input } : {}),
    });
    this.errors = errors;
  }
}

/** The text a user sees for an error: the message, then the hint on its own line. */
export function formatError(error: unknown): string {
  if (error instanceof ShipError) {
    if (error instanceof InputErrors && error.errors.length > 1) {
      const hints = error.errors.filter((e) => e.hint).map((e) => `  - ${e.input ?? 'input'}: ${e.hint}`);
      return hints.length > 0 ? `${error.message}\nHints:\n${hints.join('\n')}` : error.message;
    }
    return error.hint ? `${error.message}\nHint: ${error.hint}` : error.message;
  }
  if (error instanceof Error) return `internal error: ${error.stack ?? error.message}`;
  return `internal error: ${String(error)}`;
}

// --- user values inside messages ------------------------------------------------------------------------------------

/**
 * Characters that must not reach a message as they are: C0 and C1 controls, DEL, line and paragraph separators, and
 * the invisible or direction-changing marks that can make a value look like something else.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\' };

/** A user's value in double quotes, on one line, with unsafe characters escaped (`\n`, `\u202e`) and long values cut. */
export function quoted(value: string, max = 80): string {
  const cut = [...value].length > max ? `${[...value].slice(0, max - 3).join('')}...` : value;
  const escaped = cut.replace(/["\\]/g, (c) => ESCAPES[c]!).replace(UNSAFE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}

/**
 * A user's value inside a message: as it is when it is plain (no space, quote, backslash or unsafe character, and
 * not long), so ordinary values read as the MeshAgent CLI prints them; else `quoted`.
 */
export function shown(value: string, max = 200): string {
  const plain = value !== '' && value.length <= max && !/[\s"\\]/.test(value) && value.replace(UNSAFE, '') === value;
  return plain ? value : quoted(value, max);
}
