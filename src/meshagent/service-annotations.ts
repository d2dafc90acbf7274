/** The annotations meshagent-ship reads and writes on a service and its ports, as the CLI does. */
import type { ServiceOptions } from './service-options.js';

export const SERVICE_ID_ANNOTATION = 'meshagent.service.id';
const VALIDATION_METHOD_ANNOTATION = 'meshagent.request.validation.method';
/**
 * Set on a service this tool created and then stopped (`enabled: false`) because its first rollout failed: the next
 * deploy enables it again. A service disabled by anyone else stays disabled, as the CLI leaves it.
 */
export const STOPPED_BY_ROLLBACK_ANNOTATION = 'com.meshagent.ship.stopped-by-rollback';

/** `cookie` sets cookie validation; `none` removes any; `default` removes a cookie value (the CLI's rule). */
export function withValidationMode(annotations: Record<string, string>, mode: ServiceOptions['validationMode']): Record<string, string> {
  const result = { ...annotations };
  if (mode === 'cookie') result[VALIDATION_METHOD_ANNOTATION] = 'cookie';
  else if (mode === 'none') delete result[VALIDATION_METHOD_ANNOTATION];
  else if (result[VALIDATION_METHOD_ANNOTATION] === 'cookie') delete result[VALIDATION_METHOD_ANNOTATION];
  return result;
}
