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
    const message =
      errors.length === 1 && first
        ? first.message
        : `${errors.length} inputs are invalid:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`;
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
