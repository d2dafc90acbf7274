// The ShipError a call fails with; the test fails if the call succeeds or throws anything else.
import { expect } from 'vitest';
import { ShipError } from '../../src/errors.js';

export async function shipFailure(call: Promise<unknown>): Promise<ShipError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(ShipError);
    return error as ShipError;
  }
  throw new Error('expected the call to fail');
}
