/**
 * Building blocks shared by the sandbox's request schemas. They follow pydantic's types in the upstream models, with
 * one deliberate difference: pydantic's lax mode would turn `"8080"` into 8080 or `"true"` into true, and the
 * sandbox refuses such values instead, so a client that leans on that coercion is caught here.
 */
import { z } from 'zod';

/** `dict[str, str]`. */
export const stringMap = z.record(z.string(), z.string());

/** `dict[str, Any]` / `dict[str, JsonValue]`: any JSON object. */
export const jsonObject = z.record(z.string(), z.unknown());

/** pydantic's `PositiveInt`. */
export const positiveInt = z.number().int().positive();

/** An optional string field (`Optional[str] = None`): absent, null or a string. */
export const optionalString = z.string().nullish();
