/**
 * Which legs differ from what their room runs: a leg is unchanged only when its room has a service of the leg's
 * name whose inputs-digest annotation equals the leg's digest. A missing room, a missing service, a service
 * without the annotation (shipped by hand, by a template, or before digests), and one a rollback stopped all count
 * as changed. An API that cannot be read is an error: "everything unchanged" would ship nothing.
 */
import { ShipError } from '../errors.js';
import { listItems } from '../list-text.js';
import type { MeshagentClient } from '../meshagent/client.js';
import { deriveServiceName, normalizeProjectTag, parseImageTag, projectRegistryFromConfig } from '../reference.js';
import { INPUTS_DIGEST_ANNOTATION, STOPPED_BY_ROLLBACK_ANNOTATION } from '../meshagent/service-annotations.js';
import { INPUTS_DIGEST_INPUT } from '../services/inputs-digest.js';
import type { Leg } from '../services/matrix.js';

export interface DeployedComparison {
  readonly service: string;
  readonly changed: boolean;
  /** Why, for the log: `unchanged in room R`, `room R does not exist`, `no service S in room R`, ... */
  readonly because: string;
  /**
   * Changed, and a ship recorded what the room runs: the service carries another inputs digest, or a rollback
   * stopped it. Not for a missing room or service, nor for a service with no digest (made by hand or by a template).
   */
  readonly recorded: boolean;
}

/** The room service a leg ships to, named as the ship names it: service-name, else the tag's repository path. */
function serviceNameOf(leg: Leg, registry: string, projectKey: string): string {
  const given = leg['service-name']?.trim();
  if (given) return given;
  return deriveServiceName(normalizeProjectTag(parseImageTag(leg.tag ?? leg.service, 'tag'), registry, projectKey));
}

interface Difference {
  readonly because: string;
  /** The difference is one a ship recorded (see DeployedComparison.recorded). */
  readonly recorded: boolean;
}

/** Why the room's service of this name does not run the digest; undefined when it does. */
function whyChanged(
  services: ReadonlyMap<string, Readonly<Record<string, string>>> | undefined,
  room: string,
  name: string,
  digest: string,
): Difference | undefined {
  if (services === undefined) return { because: `room ${room} does not exist`, recorded: false };
  const annotations = services.get(name);
  if (annotations === undefined) return { because: `no service ${name} in room ${room}`, recorded: false };
  const deployed = annotations[INPUTS_DIGEST_ANNOTATION];
  if (deployed === undefined) return { because: `service ${name} in room ${room} has no inputs digest`, recorded: false };
  if (deployed !== digest) return { because: `service ${name} in room ${room} runs other inputs`, recorded: true };
  // A new service whose rollout failed is stopped with the digest it was shipped with: the next ship starts it again.
  if (annotations[STOPPED_BY_ROLLBACK_ANNOTATION] !== undefined)
    return { because: `service ${name} in room ${room} was stopped by a rollback`, recorded: true };
  return undefined;
}

export async function compareWithDeployed(client: MeshagentClient, legs: readonly Leg[], apiUrl: string): Promise<DeployedComparison[]> {
  const [config, project] = await Promise.all([client.getConfig(), client.getProject()]);
  const registry = projectRegistryFromConfig(config.domains ?? {}, apiUrl);
  const projectKey = project.project_key ?? 'None';
  // Each room is read once, however many legs go there.
  const rooms = new Map<string, Promise<Map<string, Readonly<Record<string, string>>> | undefined>>();
  const servicesOf = (room: string) => {
    let found = rooms.get(room);
    if (!found) {
      found = (async () => {
        if (!(await client.getRoom(room))) return undefined;
        const services = await client.listServices(room, 'high');
        return new Map(services.map((s) => [s.metadata.name, s.metadata.annotations ?? {}]));
      })();
      rooms.set(room, found);
    }
    return found;
  };
  const results: DeployedComparison[] = [];
  for (const leg of legs) {
    const digest = leg[INPUTS_DIGEST_INPUT];
    if (!digest) throw new ShipError(`service ${leg.service} has no inputs digest to compare`, { hint: 'list the services with --inputs-digest' });
    // A leg may name several rooms (`room: north, south`), as the action takes them: each must run the digest.
    const legRooms = listItems(leg.room);
    if (legRooms.length === 0 || leg.scope === 'project') {
      results.push({
        service: leg.service,
        changed: true,
        because: legRooms.length > 0 ? 'a project service is not compared' : 'it names no room',
        recorded: false,
      });
      continue;
    }
    const name = serviceNameOf(leg, registry, projectKey);
    const differences: Difference[] = [];
    for (const room of legRooms) {
      const difference = whyChanged(await servicesOf(room), room, name, digest);
      if (difference) differences.push(difference);
    }
    // The difference a ship recorded is the one named, when a room has one: it is what brings an untouched leg back.
    const named = differences.find((d) => d.recorded) ?? differences[0];
    results.push(
      named !== undefined
        ? { service: leg.service, changed: true, because: named.because, recorded: named.recorded }
        : { service: leg.service, changed: false, because: `unchanged in room${legRooms.length > 1 ? 's' : ''} ${legRooms.join(', ')}`, recorded: false },
    );
  }
  return results;
}
