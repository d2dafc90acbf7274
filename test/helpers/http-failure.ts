// The HttpError a call fails with; the test fails if the call succeeds or throws anything else.
import { expect } from 'vitest';
import { HttpError } from '../../src/http.js';

export async function httpFailure(call: Promise<unknown>): Promise<HttpError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}
