/** The room runtime of a sandbox that runs no containers: no states, and restarts and logs that say so. */
import { RoomRuntimeError, type RoomRuntime } from '../runtime/types.js';

export const NO_RUNTIME: RoomRuntime = {
  list: () => [],
  restart: () => Promise.reject(new RoomRuntimeError('this sandbox runs no containers')),
  logs: () => ({
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new RoomRuntimeError('this sandbox runs no containers')) }),
  }),
};
