/**
 * Checks of the shape of a parsed JSON document, with the surface of a zod schema that this package's callers use
 * (`safeParse`, `parse`, the first issue's path and message). The OCI documents are checked with these rather than
 * with zod: a push reads nothing else, and zod is most of the code a push would otherwise load at every start.
 * Objects are loose: fields not named are kept, and the document is returned as it was given.
 */

interface ShapeIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export type Parsed<T> = { readonly success: true; readonly data: T } | { readonly success: false; readonly error: { readonly issues: readonly ShapeIssue[] } };

/** What checks a parsed document: zod's schemas and these both fit. */
export interface DocumentCheck<T> {
  safeParse(value: unknown): Parsed<T>;
}

/** A check of one value: the first issue found, or undefined when it has the shape. */
export type Check = (value: unknown, path: readonly PropertyKey[]) => ShapeIssue | undefined;

export class Shape<T> implements DocumentCheck<T> {
  constructor(readonly check: Check) {}

  safeParse(value: unknown): Parsed<T> {
    const issue = this.check(value, []);
    return issue ? { success: false, error: { issues: [issue] } } : { success: true, data: value as T };
  }

  parse(value: unknown): T {
    const issue = this.check(value, []);
    if (issue) throw new Error(`${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    return value as T;
  }
}

const issue = (path: readonly PropertyKey[], message: string): ShapeIssue => ({ path, message });

export const isString: Check = (value, path) => (typeof value === 'string' ? undefined : issue(path, `expected a string, got ${kind(value)}`));

export const isNonNegativeInteger: Check = (value, path) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? undefined : issue(path, `expected a whole number of at least 0, got ${kind(value)}`);

export function isLiteral(expected: string | number): Check {
  return (value, path) => (value === expected ? undefined : issue(path, `expected ${JSON.stringify(expected)}, got ${kind(value)}`));
}

/** A value that passes `test`, else `message`. */
export function satisfies(test: (value: unknown) => boolean, message: string): Check {
  return (value, path) => (test(value) ? undefined : issue(path, message));
}

export function arrayOf(item: Check): Check {
  return (value, path) => {
    if (!Array.isArray(value)) return issue(path, `expected an array, got ${kind(value)}`);
    for (const [i, element] of value.entries()) {
      const found = item(element, [...path, i]);
      if (found) return found;
    }
    return undefined;
  };
}

/** An object whose every value passes `item` (e.g. annotations: strings). */
export function recordOf(item: Check): Check {
  return (value, path) => {
    if (!isPlainObject(value)) return issue(path, `expected an object, got ${kind(value)}`);
    for (const [key, element] of Object.entries(value)) {
      const found = item(element, [...path, key]);
      if (found) return found;
    }
    return undefined;
  };
}

/** A field that may be missing (or undefined). */
export function optional(check: Check): Check {
  return (value, path) => (value === undefined ? undefined : check(value, path));
}

/** A field that may be missing, undefined or null. */
export function nullish(check: Check): Check {
  return (value, path) => (value === undefined || value === null ? undefined : check(value, path));
}

/** An object with these fields (wrap a field in `optional` when it may be missing); other fields are kept. */
export function looseObject(fields: Readonly<Record<string, Check>>): Check {
  return (value, path) => {
    if (!isPlainObject(value)) return issue(path, `expected an object, got ${kind(value)}`);
    for (const [name, check] of Object.entries(fields)) {
      const found = check(value[name], [...path, name]);
      if (found) return found;
    }
    return undefined;
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // The type alone: a document's values (annotations, labels) are not quoted into messages.
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
