/**
 * A service's domain, as the CLI routes it (cli image.py:3363-3436), split into a look that writes nothing and the
 * writes it leads to, so a deploy can refuse a domain before it touches the service, and claim a new one first.
 *
 * A domain is refused when its route belongs to another room, to an agent, or to another service of the same room
 * (its `meshagent.service.id` names that service). The CLI only refuses another room; taking a domain over from a
 * service of the same room would silently unroute that service, so meshagent-ship refuses it too.
 */
import { ShipError } from '../errors.js';
import { pyDecimalValue } from '../python-text.js';
import { isStatus, type MeshagentClient } from './client.js';
import { SERVICE_ID_ANNOTATION } from './service-annotations.js';
import type { ExtraRoutePort } from './service-options.js';
import type { RouteRecord, RouteSpecInput } from './wire-route.js';
import type { ServiceSpec } from './wire-service.js';

/** What happened to the route: created, updated, already as wanted (or found and kept), or no domain. */
export type RouteAction = 'created' | 'updated' | 'unchanged' | 'none';

export interface RouteRequest {
  readonly domain: string;
  readonly room: string;
  readonly serviceName: string;
  readonly port: number;
  /** More paths after `/` (the `extra-ports` input), in their order. */
  readonly extraPorts?: readonly ExtraRoutePort[];
  readonly log?: (line: string) => void;
}

/** The write a domain needs: none, a new route, or the route that exists changed to the wanted one. */
export type RoutePlan =
  | { readonly kind: 'unchanged'; readonly request: RouteRequest }
  | { readonly kind: 'create'; readonly request: RouteRequest; readonly spec: RouteSpecInput }
  | { readonly kind: 'update'; readonly request: RouteRequest; readonly spec: RouteSpecInput; readonly previous: RouteSpecInput };

/**
 * The route spec the CLI writes for a service's domain, as its RouteSpec model serialises it (defaults and nulls
 * included): `/` to the service's port, then each extra path to its target (cli image.py:3363-3391).
 */
function serviceRouteSpec(route: Pick<RouteRequest, 'domain' | 'room' | 'serviceName' | 'port' | 'extraPorts'>): RouteSpecInput {
  return {
    version: 'v1',
    kind: 'Route',
    metadata: { name: route.domain, annotations: { [SERVICE_ID_ANNOTATION]: route.serviceName } },
    domain: route.domain,
    backend: { room: { name: route.room }, agent: null },
    paths: [
      { path: '/', pathType: 'prefix', targetPort: String(route.port) },
      ...(route.extraPorts ?? []).map((extra) => ({ path: extra.path, pathType: 'prefix' as const, targetPort: extra.target })),
    ],
  };
}

/** Reads the domain's route and decides the write it needs; refuses a route that belongs elsewhere. Writes nothing. */
export async function planRoute(client: MeshagentClient, request: RouteRequest): Promise<RoutePlan> {
  return decideRoute(await client.getRoute(request.domain), request);
}

/**
 * The write a route needs, given the route found (or none): refused when it belongs to another room, an agent or
 * another service; else its service id is merged into its annotations and it is updated only when its paths or
 * annotations differ, as the CLI compares them.
 */
function decideRoute(current: RouteRecord | undefined, request: RouteRequest): RoutePlan {
  const desired = serviceRouteSpec(request);
  if (!current) return { kind: 'create', request, spec: desired };
  checkRouteOwner(current, request);
  const annotations = { ...current.spec.metadata.annotations, [SERVICE_ID_ANNOTATION]: request.serviceName };
  if (pathKey(current.spec.paths) === pathKey(desired.paths ?? []) && sameAnnotations(current.spec.metadata.annotations, annotations)) {
    return { kind: 'unchanged', request };
  }
  // The CLI sends its own route spec with the merged annotations, not the stored one patched.
  return { kind: 'update', request, spec: { ...desired, metadata: { name: request.domain, annotations } }, previous: current.spec };
}

/**
 * Claims a new domain before the service is written: creates the route (then it is this run's to remove). When
 * another run created it meanwhile (409), the route is read again and decided as if it had been there: refused,
 * or the plan that remains, for `finishRoute`.
 */
export async function claimRoute(
  client: MeshagentClient,
  plan: Extract<RoutePlan, { kind: 'create' }>,
): Promise<{ created: true } | { created: false; plan: RoutePlan }> {
  const { domain, room, port, log = () => {} } = plan.request;
  try {
    await client.createRoute(plan.spec);
    log(`Created route: ${domain} -> ${room}:${port}`);
    return { created: true };
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }
  const current = await client.getRoute(domain);
  if (!current) throw new ShipError(`route ${domain} was taken and then removed while deploying`, { input: 'domain', hint: 'retry the deploy' });
  return { created: false, plan: decideRoute(current, plan.request) };
}

/** The write left after the claim: the update of a route this service already had, or nothing. */
export async function finishRoute(client: MeshagentClient, plan: RoutePlan): Promise<void> {
  const { domain, room, port, log = () => {} } = plan.request;
  if (plan.kind === 'unchanged') {
    log(`Route already configured: ${domain} -> ${room}:${port}`);
    return;
  }
  if (plan.kind === 'create') throw new Error('finishRoute: a new route is claimed before the service is written');
  await client.updateRoute(plan.spec);
  log(`Updated route: ${domain} -> ${room}:${port}`);
}

/** Routes the domain to the room's service port in one go (plan, claim, finish), as the CLI's route upsert. */
export async function routeDomain(client: MeshagentClient, request: RouteRequest): Promise<Exclude<RouteAction, 'none'>> {
  const plan = await planRoute(client, request);
  if (plan.kind === 'create') {
    const claim = await claimRoute(client, plan);
    if (claim.created) return 'created';
    await finishRoute(client, claim.plan);
    return claim.plan.kind === 'update' ? 'updated' : 'unchanged';
  }
  await finishRoute(client, plan);
  return plan.kind === 'update' ? 'updated' : 'unchanged';
}

/** The domain of the room route whose service-id annotation names this service, if any. */
export async function findServiceDomain(client: MeshagentClient, room: string, serviceName: string): Promise<string | undefined> {
  const routes = await client.listRoomRoutes(room);
  const match = routes.find((route) => (route.spec?.metadata?.annotations ?? {})[SERVICE_ID_ANNOTATION] === serviceName);
  return match?.domain;
}

// ---------------------------------------------------------------------------------------------------------------

/** Refuses a route that belongs to another room, an agent, or another service of the room. */
export function checkRouteOwner(route: RouteRecord, request: Pick<RouteRequest, 'domain' | 'room' | 'serviceName'>): void {
  const { domain, room, serviceName } = request;
  const { backend } = route.spec;
  const remove = `remove the route first ('meshagent route delete ${domain}')`;
  if (!backend.room || backend.room.name !== room) {
    const target = backend.room ? `room ${backend.room.name}` : `agent ${backend.agent?.name ?? ''}`;
    throw new ShipError(`domain ${domain} already routes to ${target}. Refusing to change it to room ${room}.`, {
      input: 'domain',
      hint: `choose another domain, or ${remove}`,
    });
  }
  const owner = route.spec.metadata.annotations[SERVICE_ID_ANNOTATION];
  if (owner !== undefined && owner !== serviceName) {
    throw new ShipError(`domain ${domain} already routes to service ${owner} in room ${room}. Refusing to change it to service ${serviceName}.`, {
      input: 'domain',
      hint: `choose another domain, deploy as service ${owner} (service-name), or ${remove}`,
    });
  }
}

/**
 * Paths compared as the CLI compares them: each path's `path` and its target port as text, nothing else
 * (`_route_paths_match`, cli image.py:3354-3360). A route the CLI finds configured is left alone here too.
 */
function pathKey(paths: readonly { path?: string | undefined; targetPort?: string | number | null | undefined }[]): string {
  // Python's str(None) for a path without a port.
  return JSON.stringify(paths.map((p) => [p.path ?? '/', p.targetPort === undefined || p.targetPort === null ? 'None' : String(p.targetPort)]));
}

function sameAnnotations(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

// ---------------------------------------------------------------------------------------------------------------
// Extra paths

/**
 * Warns, as the CLI does (cli image.py:3207-3250), of each extra path whose target no service of the room publishes:
 * the route is still written, and the path answers once such a service runs. The room's services are counted as the
 * deploy leaves them (the CLI counts them as they are before it).
 */
export async function warnUnresolvedExtraPorts(
  client: MeshagentClient,
  room: string,
  deployed: ServiceSpec,
  extraPorts: readonly ExtraRoutePort[],
  log: (line: string) => void,
): Promise<void> {
  if (extraPorts.length === 0) return;
  const listed = (await client.listServices(room)) as unknown as ServiceSpec[];
  const services = [...listed.filter((service) => service.metadata.name !== deployed.metadata.name), deployed];
  for (const { target, path } of extraPorts) {
    if (services.some((service) => publishesTarget(service, target))) continue;
    const what = typeof target === 'number' ? `publishes port ${target}` : `matches target ${target}`;
    log(`Warning: no service currently ${what} in room ${room}; route path ${path} may not resolve.`);
  }
}

/** Whether a service publishes an extra path's target: the port, or the service (by name or id) and its port. */
function publishesTarget(service: Pick<ServiceSpec, 'id' | 'metadata' | 'ports'>, target: number | string): boolean {
  const published = (service.ports ?? []).filter((port) => port.published);
  if (typeof target === 'number') return published.some((port) => port.num === target);
  const colon = target.indexOf(':');
  const name = colon === -1 ? target : target.slice(0, colon);
  if (service.metadata.name !== name && service.id !== name) return false;
  if (colon === -1) return published.length > 0;
  const port = pyDecimalValue(target.slice(colon + 1));
  return published.some((p) => p.num === port);
}
