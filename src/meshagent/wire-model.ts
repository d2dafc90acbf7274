/**
 * Building blocks for wire schemas that behave as pydantic models do: a field left out takes the model's default,
 * and parsing gives the model as `model_dump()` writes it, every field present, unset ones null. So parsing a
 * request body before it is sent both checks it as the API's model would and serialises it as the SDK does.
 */
import { z } from 'zod';

/** `dict[str, str]`. */
export const stringMap = z.record(z.string(), z.string());

/** `Optional[T] = None`: may be left out or null; parsed, it is null when it was not given. */
export function optional<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

/** `Optional[str] = None`. */
export const optionalString = optional(z.string());
/** `Optional[dict[str, str]] = None`. */
export const optionalStringMap = optional(stringMap);
/** pydantic's `PositiveInt`. */
export const positiveInt = z.number().int().positive();
