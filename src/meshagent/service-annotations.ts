/** The annotations meshagent-ship reads and writes on a service and its ports, as the CLI does. */
import type { ServiceOptions } from './service-options.js';

export const SERVICE_ID_ANNOTATION = 'meshagent.service.id';
const VALIDATION_METHOD_ANNOTATION = 'meshagent.request.validation.method';
/**
 * Set on a service this tool created and then stopped (`enabled: false`) because its first rollout failed: the next
 * deploy enables it again. A service disabled by anyone else stays disabled, as the CLI leaves it.
 */
export const STOPPED_BY_ROLLBACK_ANNOTATION = 'com.meshagent.ship.stopped-by-rollback';

/**
 * Set on every service this tool writes, and on every room it creates (create-room): teardown removes only what carries
 * it, so a service or room made by hand or by another tool in the same room is never touched.
 */
export const DEPLOYED_BY_ANNOTATION = 'com.meshagent.ship.deployed-by';
export const DEPLOYED_BY = 'meshagent-ship';

/** The digest of the inputs a service was shipped from (see src/services/inputs-digest.ts). */
export const INPUTS_DIGEST_ANNOTATION = 'com.meshagent.ship.inputs-digest';

/** The room annotation that makes a room's storage ephemeral (`meshagent room create --annotations ...`). */
export const EPHEMERAL_STORAGE_ANNOTATION = 'meshagent.storage.class';

/** `cookie` sets cookie validation; `none` removes any; `default` removes a cookie value (the CLI's rule). */
export function withValidationMode(annotations: Record<string, string>, mode: ServiceOptions['validationMode']): Record<string, string> {
  const result = { ...annotations };
  if (mode === 'cookie') result[VALIDATION_METHOD_ANNOTATION] = 'cookie';
  else if (mode === 'none') delete result[VALIDATION_METHOD_ANNOTATION];
  else if (result[VALIDATION_METHOD_ANNOTATION] === 'cookie') delete result[VALIDATION_METHOD_ANNOTATION];
  return result;
}
