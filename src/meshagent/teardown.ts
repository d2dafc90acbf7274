/**
 * Teardown of what this tool put into a room: its services (marked with the deployed-by annotation) and the routes
 * that carry their service id, then the room itself when this tool created it (the same marker on the room) and
 * nothing else is left in it. Services and rooms without the marker are never touched, only named. Every step
 * looks first, so a second teardown finds nothing and says so.
 */
import { ShipError } from '../errors.js';
import type { MeshagentClient } from './client.js';
import { DEPLOYED_BY, DEPLOYED_BY_ANNOTATION, EPHEMERAL_STORAGE_ANNOTATION, SERVICE_ID_ANNOTATION } from './service-annotations.js';
import type { Room } from './wire.js';
import type { ServiceRecord } from './wire-service.js';

export interface TeardownRequest {
  readonly client: MeshagentClient;
  readonly room: string;
  /** Only these services (by name); all of this tool's services of the room when undefined. */
  readonly services?: readonly string[];
  readonly log: (line: string) => void;
  /**
   * Runs after the services are chosen and before anything is deleted, with each chosen service's image: the
   * registry tags are removed here, so a failure there leaves the services for a second run to find.
   */
  readonly beforeDelete?: (services: readonly TeardownService[]) => Promise<void>;
}

interface TeardownService {
  readonly name: string;
  /** The image the service ran, as its spec names it. */
  readonly image: string | undefined;
}

export interface TeardownReport {
  readonly room: string;
  /** `absent`: no such room; `deleted`: this run deleted it; `kept`: it stays, for `roomKeptBecause`. */
  readonly roomState: 'absent' | 'deleted' | 'kept';
  readonly roomKeptBecause: string | undefined;
  readonly servicesRemoved: readonly TeardownService[];
  readonly routesRemoved: readonly string[];
  /** Services of the room this tool did not deploy: left alone. */
  readonly servicesNotOurs: readonly string[];
  /** Names asked for with `services` that the room does not have. */
  readonly servicesMissing: readonly string[];
}

function isOurs(annotations: Readonly<Record<string, string>> | null | undefined): boolean {
  return annotations?.[DEPLOYED_BY_ANNOTATION] === DEPLOYED_BY;
}

function imageOf(service: ServiceRecord): string | undefined {
  const image = (service as { container?: { image?: unknown } | null }).container?.image;
  return typeof image === 'string' ? image : undefined;
}

export async function teardownRoom(request: TeardownRequest): Promise<TeardownReport> {
  const { client, room: name, log } = request;
  const room = await client.getRoom(name);
  if (!room) {
    log(`room ${name} does not exist: nothing to remove there`);
    return { room: name, roomState: 'absent', roomKeptBecause: undefined, servicesRemoved: [], routesRemoved: [], servicesNotOurs: [], servicesMissing: [] };
  }
  const all = await client.listServices(name, 'high');
  const wanted = request.services ? new Set(request.services) : undefined;
  const chosen = all.filter((s) => (wanted ? wanted.has(s.metadata.name) : true));
  const ours = chosen.filter((s) => isOurs(s.metadata.annotations));
  const notOurs = chosen.filter((s) => !isOurs(s.metadata.annotations)).map((s) => s.metadata.name);
  const missing = request.services?.filter((n) => !all.some((s) => s.metadata.name === n)) ?? [];
  for (const other of notOurs) log(`service ${other} was not deployed by meshagent-ship: left alone`);
  for (const absent of missing) log(`service ${absent} is not in room ${name}: nothing to remove`);

  const removing = ours.map((s) => ({ name: s.metadata.name, image: imageOf(s), id: s.id }));
  await request.beforeDelete?.(removing.map(({ name: n, image }) => ({ name: n, image })));

  const routesRemoved = await removeRoutes(client, name, new Set(removing.map((s) => s.name)), log);
  for (const service of removing) {
    if (!service.id) throw new ShipError(`service ${service.name} has no id: it cannot be deleted`, { hint: 'retry the teardown' });
    await client.deleteService(name, service.id, service.name);
    log(`removed service ${service.name} from room ${name}`);
  }

  // Asked for some services only, the room is not part of the request: it stays even when they were its last.
  const { state, because } = request.services
    ? keepRoom(room.name, 'only the services named were asked for (services)', log)
    : await removeRoomIfOurs(client, room, log);
  return {
    room: name,
    roomState: state,
    roomKeptBecause: because,
    servicesRemoved: removing.map(({ name: n, image }) => ({ name: n, image })),
    routesRemoved,
    servicesNotOurs: notOurs,
    servicesMissing: missing,
  };
}

/** The room's routes whose service-id annotation names one of `services`; each deleted. */
async function removeRoutes(client: MeshagentClient, room: string, services: ReadonlySet<string>, log: (line: string) => void): Promise<string[]> {
  if (services.size === 0) return [];
  const removed: string[] = [];
  for (const route of await client.listRoomRoutes(room)) {
    const owner = route.spec?.metadata?.annotations?.[SERVICE_ID_ANNOTATION];
    if (owner === undefined || !services.has(owner)) continue;
    await client.deleteRoute(route.domain);
    log(`removed route ${route.domain} (service ${owner})`);
    removed.push(route.domain);
  }
  return removed;
}

function keepRoom(name: string, because: string, log: (line: string) => void): { state: 'kept'; because: string } {
  log(`room ${name} kept: ${because}`);
  return { state: 'kept', because };
}

/** Deletes the room when this tool created it and no service is left in it; else says why it stays. */
async function removeRoomIfOurs(
  client: MeshagentClient,
  room: Room,
  log: (line: string) => void,
): Promise<{ state: 'deleted' | 'kept'; because: string | undefined }> {
  if (!isOurs(room.annotations)) {
    const because = 'meshagent-ship did not create it';
    log(`room ${room.name} kept: ${because}`);
    return { state: 'kept', because };
  }
  const left = (await client.listServices(room.name, 'high')).map((s) => s.metadata.name);
  if (left.length > 0) {
    const because = `services are left in it: ${left.join(', ')}`;
    log(`room ${room.name} kept: ${because}`);
    return { state: 'kept', because };
  }
  // Said before the delete: a room create-room: true made (a production room, say) has storage that goes with it.
  const storage = room.annotations?.[EPHEMERAL_STORAGE_ANNOTATION] === 'ephemeral' ? 'ephemeral' : 'persistent';
  log(`deleting room ${room.name} with its ${storage} storage: meshagent-ship created it (create-room) and no service is left in it`);
  await client.deleteRoom(room);
  log(`removed room ${room.name}`);
  return { state: 'deleted', because: undefined };
}
