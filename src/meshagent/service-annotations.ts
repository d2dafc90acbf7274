/** The annotations meshagent-ship reads and writes on a service and its ports, as the CLI does. */
import type { ServiceOptions } from './service-options.js';

export const SERVICE_ID_ANNOTATION = 'meshagent.service.id';
const VALIDATION_METHOD_ANNOTATION = 'meshagent.request.validation.method';

/** `cookie` sets cookie validation; `none` removes any; `default` removes a cookie value (the CLI's rule). */
export function withValidationMode(annotations: Record<string, string>, mode: ServiceOptions['validationMode']): Record<string, string> {
  const result = { ...annotations };
  if (mode === 'cookie') result[VALIDATION_METHOD_ANNOTATION] = 'cookie';
  else if (mode === 'none') delete result[VALIDATION_METHOD_ANNOTATION];
  else if (result[VALIDATION_METHOD_ANNOTATION] === 'cookie') delete result[VALIDATION_METHOD_ANNOTATION];
  return result;
}
