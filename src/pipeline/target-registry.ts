/**
 * The registry client of the run's target: the project registry, with the repository token the ensure stage minted,
 * the run's log, masking and retry log, and the stop. The convert stage reads the previous image through it and the
 * push stage writes through it.
 */
import type { RetryLog } from '../http.js';
import { RegistryClient, type RegistryCredentials } from '../oci/index.js';
import { registryClientIdentity } from '../registry-env.js';
import type { Target } from './target.js';

export interface Registry {
  readonly client: RegistryClient;
  close(): Promise<void>;
}

export function openRegistry(
  target: Target,
  credentials: RegistryCredentials | undefined,
  hooks: { mask: (secret: string) => void; log: (line: string) => void; debug?: (line: string) => void; retryLog?: RetryLog; signal?: AbortSignal | undefined },
): Registry {
  const http = {
    ...(hooks.debug ? { debug: hooks.debug } : {}),
    ...(hooks.retryLog ? { retryLog: hooks.retryLog } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  };
  const client = new RegistryClient({
    registry: target.registry,
    ...(credentials ? { credentials } : {}),
    mask: hooks.mask,
    log: hooks.log,
    http,
    ...registryClientIdentity(target.registry),
  });
  return { client, close: () => client.close() };
}
