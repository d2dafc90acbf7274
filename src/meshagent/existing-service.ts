/**
 * The room's existing service of a name, read as the CLI finds it and as a spec that can be sent back whole.
 */
import { ShipError } from '../errors.js';
import type { MeshagentClient } from './client.js';
import { ServiceSpec, type ServiceRecord } from './wire.js';

/** The room's service of this name, as the CLI finds it (the list, exact metadata.name), read as a full spec. */
export async function findExistingService(client: MeshagentClient, room: string, name: string): Promise<ServiceSpec | undefined> {
  const record = (await client.listServices(room, 'high')).find((service) => service.metadata.name === name);
  return record === undefined ? undefined : existingSpec(record, name);
}

/**
 * An existing service as a spec that can be sent back. A field this version does not know would be lost by the
 * update, so such a service is left alone with an error rather than silently changed.
 */
function existingSpec(record: ServiceRecord, name: string): ServiceSpec {
  const parsed = ServiceSpec.safeParse(record);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(spec)'))].join(', ');
  throw new ShipError(`existing service ${name} has a spec meshagent-ship cannot update without losing parts of it (${fields}); it was left unchanged`, {
    hint: 'update meshagent-ship, or deploy this service with the MeshAgent CLI',
  });
}

export function requireId(existing: ServiceSpec, name: string): string {
  if (!existing.id)
    throw new ShipError(`existing service ${name} is missing an id`, {
      hint: 'the API answered a service without an id; retry, or inspect it with `meshagent services list`',
    });
  return existing.id;
}
