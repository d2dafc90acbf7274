/**
 * The deploy stage: make sure the room exists (only with `create-room`), create or update the room service with
 * the spec the CLI would build, and route the domain with the CLI's conflict rules.
 *
 * Everything that can be refused is refused before the first write: the spec is built (and checked) and a domain
 * owned by another room is detected before the service is touched. A failure never deletes anything; the service
 * that ran before keeps running until a complete new spec replaces it in one PUT.
 */
import { ShipError } from '../errors.js';
import type { ServiceReport } from '../report/result.js';
import { isStatus, type MeshagentClient } from './client.js';
import { buildServiceSpec, defaultPorts, routeTargetPort, SERVICE_ID_ANNOTATION, type ImageFacts, type ServiceOptions } from './service-spec.js';
import { ServiceSpec, type RouteRecord, type RouteSpecInput, type ServiceRecord } from './wire.js';

export interface DeployRequest {
  readonly client: MeshagentClient;
  readonly room: string;
  /** Create the room when it is missing (the `create-room` input); else a missing room is an error. */
  readonly createRoom: boolean;
  readonly serviceName: string;
  readonly image: ImageFacts;
  readonly options: ServiceOptions;
  /** Progress lines for the log. */
  readonly log?: (line: string) => void;
}

/** What happened to the route: created, updated, already as wanted (or found and kept), or no domain. */
export type RouteAction = ServiceReport['route'];

export interface Deployed {
  readonly serviceId: string;
  readonly serviceName: string;
  /** True when this deploy created the service; false when it updated one. */
  readonly created: boolean;
  readonly roomCreated: boolean;
  readonly domain: string | undefined;
  /** `https://<domain>`, when the service has a domain. */
  readonly serviceUrl: string | undefined;
  readonly routeAction: RouteAction;
  /** Where the domain came from: the domain input, or the room route already carrying this service's id. */
  readonly domainSource: 'input' | 'existing-route' | undefined;
  /** The spec that was sent. */
  readonly spec: ServiceSpec;
}

export async function deployService(request: DeployRequest): Promise<Deployed> {
  const { client, room, serviceName, log = () => {} } = request;
  const roomCreated = await ensureRoom(client, room, request.createRoom, log);

  const existing = await findExistingService(client, room, serviceName);
  let built = buildServiceSpec({ serviceName, image: request.image, options: request.options, existing });
  const domain = request.options.domain;
  if (domain !== undefined) await checkDomainFree(client, domain, room);

  let serviceId: string;
  let created: boolean;
  if (existing) {
    serviceId = requireId(existing, serviceName);
    await client.updateService(room, serviceId, built.spec);
    created = false;
    log(`Updated service ${serviceName} (${serviceId}) in room ${room}`);
  } else {
    try {
      serviceId = await client.createService(room, built.spec);
      created = true;
      log(`Created service ${serviceName} (${serviceId}) in room ${room}`);
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      // Another deploy created it between our look-up and our create: merge into that one, as an update would.
      const raced = await findExistingService(client, room, serviceName);
      if (!raced) throw error;
      built = buildServiceSpec({ serviceName, image: request.image, options: request.options, existing: raced });
      serviceId = requireId(raced, serviceName);
      await client.updateService(room, serviceId, built.spec);
      created = false;
      log(`Service ${serviceName} appeared while deploying; updated it (${serviceId}) in room ${room}`);
    }
  }

  let routeAction: RouteAction = 'none';
  let routedDomain: string | undefined;
  let domainSource: Deployed['domainSource'];
  if (domain !== undefined && built.routePort !== undefined) {
    routeAction = await routeDomain(client, { domain, room, serviceName, port: built.routePort, log });
    routedDomain = domain;
    domainSource = 'input';
  } else if (existing) {
    // As the CLI does on a re-deploy without a domain (cli image.py:2584-2648): only when the image brings ports
    // and the service has exactly one published port, the room route carrying this service's id gives the domain,
    // and that route is then upserted like a given one (its port follows the service).
    const port = reusableRoutePort(request, built.spec);
    const found = port === undefined ? undefined : await findServiceDomain(client, room, serviceName);
    if (port !== undefined && found !== undefined) {
      routeAction = await routeDomain(client, { domain: found, room, serviceName, port, log });
      routedDomain = found;
      domainSource = 'existing-route';
      log(`Public domain: ${found} (existing route)`);
    }
  }

  return {
    serviceId,
    serviceName,
    created,
    roomCreated,
    domain: routedDomain,
    serviceUrl: routedDomain === undefined ? undefined : `https://${routedDomain}`,
    routeAction,
    domainSource,
    spec: built.spec,
  };
}

/** The service part of the run's result. */
export function serviceReport(deployed: Deployed, room: string): ServiceReport {
  return {
    id: deployed.serviceId,
    name: deployed.serviceName,
    room,
    created: deployed.created,
    domain: deployed.domain ?? null,
    url: deployed.serviceUrl ?? null,
    route: deployed.routeAction,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Room

/** Whether the room had to be created. Without `createRoom` a missing room is the CLI's error. */
export async function ensureRoom(client: MeshagentClient, room: string, createRoom: boolean, log: (line: string) => void = () => {}): Promise<boolean> {
  if (await client.getRoom(room)) return false;
  if (!createRoom) {
    throw new ShipError(`Room does not exist: ${room}`, {
      input: 'room',
      hint: `Create it first with 'meshagent rooms create ${room} --if-not-exists', or set create-room: true, then retry deploy.`,
    });
  }
  // if_not_exists: a room created by a parallel job is as good as ours.
  await client.createRoom({ name: room, if_not_exists: true });
  log(`Created room ${room}`);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Service

/** The room's service of this name, as the CLI finds it (the list, exact metadata.name), read as a full spec. */
export async function findExistingService(client: MeshagentClient, room: string, name: string): Promise<ServiceSpec | undefined> {
  const record = (await client.listServices(room, 'high')).find((service) => service.metadata.name === name);
  return record === undefined ? undefined : existingSpec(record, name);
}

/**
 * An existing service as a spec that can be sent back. A field this version does not know would be lost by the
 * update, so such a service is left alone with an error rather than silently changed.
 */
export function existingSpec(record: ServiceRecord, name: string): ServiceSpec {
  const parsed = ServiceSpec.safeParse(record);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(spec)'))].join(', ');
  throw new ShipError(`existing service ${name} has a spec meshagent-ship cannot update without losing parts of it (${fields}); it was left unchanged`, {
    hint: 'update meshagent-ship, or deploy this service with the MeshAgent CLI',
  });
}

function requireId(existing: ServiceSpec, name: string): string {
  if (!existing.id) throw new ShipError(`existing service ${name} is missing an id`, { hint: 'the API answered a service without an id; retry, or inspect it with `meshagent services list`' });
  return existing.id;
}

// ---------------------------------------------------------------------------------------------------------------
// Domain

export interface RouteRequest {
  readonly domain: string;
  readonly room: string;
  readonly serviceName: string;
  readonly port: number;
  readonly log?: (line: string) => void;
}

/** The route spec the CLI writes for a service's domain, as its RouteSpec model serialises it (defaults and nulls included). */
export function serviceRouteSpec(route: Pick<RouteRequest, 'domain' | 'room' | 'serviceName' | 'port'>): RouteSpecInput {
  return {
    version: 'v1',
    kind: 'Route',
    metadata: { name: route.domain, annotations: { [SERVICE_ID_ANNOTATION]: route.serviceName } },
    domain: route.domain,
    backend: { room: { name: route.room }, agent: null },
    paths: [{ path: '/', pathType: 'prefix', targetPort: String(route.port) }],
  };
}

function owner(route: RouteRecord): { kind: 'room' | 'agent'; name: string } {
  const { backend } = route.spec;
  return backend.room ? { kind: 'room', name: backend.room.name } : { kind: 'agent', name: backend.agent?.name ?? '' };
}

function refusal(domain: string, route: RouteRecord, room: string): ShipError {
  const other = owner(route);
  const target = other.kind === 'room' ? `room ${other.name}` : `agent ${other.name}`;
  return new ShipError(`domain ${domain} already routes to ${target}. Refusing to change it to room ${room}.`, {
    input: 'domain',
    hint: `choose another domain, or remove the route from ${target} first ('meshagent route delete ${domain}')`,
  });
}

/** Refuses, before anything is written, a domain routed to another room or an agent. */
export async function checkDomainFree(client: MeshagentClient, domain: string, room: string): Promise<void> {
  const route = await client.getRoute(domain);
  if (!route) return;
  const other = owner(route);
  if (other.kind !== 'room' || other.name !== room) throw refusal(domain, route, room);
}

/**
 * Paths compared as the CLI compares them: each path's `path` and its target port as text, nothing else
 * (`_route_paths_match`, cli image.py:3354-3360). A route the CLI finds configured is left alone here too.
 */
function pathKey(paths: readonly { path?: string | undefined; targetPort?: string | number | undefined }[]): string {
  // Python's str(None) for a path without a port.
  return JSON.stringify(paths.map((p) => [p.path ?? '/', p.targetPort === undefined ? 'None' : String(p.targetPort)]));
}

function sameAnnotations(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

/**
 * Routes the domain to the room's service port, as the CLI does: create; on 409 read the route, refuse it if it
 * belongs elsewhere, else merge the service id into its annotations and update only if something changed.
 */
export async function routeDomain(client: MeshagentClient, request: RouteRequest): Promise<Exclude<RouteAction, 'none'>> {
  const { domain, room, port, log = () => {} } = request;
  const desired = serviceRouteSpec(request);
  try {
    await client.createRoute(desired);
    log(`Created route: ${domain} -> ${room}:${port}`);
    return 'created';
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }
  const current = await client.getRoute(domain);
  if (!current) throw new ShipError(`route ${domain} was taken and then removed while deploying`, { input: 'domain', hint: 'retry the deploy' });
  const other = owner(current);
  if (other.kind !== 'room' || other.name !== room) throw refusal(domain, current, room);

  const annotations = { ...current.spec.metadata.annotations, [SERVICE_ID_ANNOTATION]: request.serviceName };
  if (pathKey(current.spec.paths) === pathKey(desired.paths ?? []) && sameAnnotations(current.spec.metadata.annotations, annotations)) {
    log(`Route already configured: ${domain} -> ${room}:${port}`);
    return 'unchanged';
  }
  // The CLI sends its own route spec with the merged annotations, not the stored one patched.
  await client.updateRoute({ ...desired, metadata: { name: domain, annotations } });
  log(`Updated route: ${domain} -> ${room}:${port}`);
  return 'updated';
}

/**
 * The port a re-deploy without a domain may route to: none unless the image (or the ports input) brings ports,
 * as the CLI needs Dockerfile ports; then the spec's one published port, else none (no error).
 */
function reusableRoutePort(request: DeployRequest, spec: ServiceSpec): number | undefined {
  if (defaultPorts(request.image, request.options).length === 0) return undefined;
  try {
    return routeTargetPort(spec.ports ?? []);
  } catch {
    return undefined;
  }
}

/** The domain of the room route whose service-id annotation names this service, if any. */
export async function findServiceDomain(client: MeshagentClient, room: string, serviceName: string): Promise<string | undefined> {
  const routes = await client.listRoomRoutes(room);
  const match = routes.find((route) => (route.spec?.metadata?.annotations ?? route.annotations ?? {})[SERVICE_ID_ANNOTATION] === serviceName);
  return match?.domain;
}
