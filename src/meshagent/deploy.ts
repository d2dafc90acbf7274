/**
 * The deploy stage: make sure the room exists (only with `create-room`), create or update the room service with
 * the spec the CLI would build, and route the domain with the CLI's conflict rules. All or nothing:
 *
 * 1. Look, writing nothing: the room, the service, the spec (built and checked), the domain's route (refused when it
 *    belongs to another room, an agent or another service).
 * 2. Write, in this order: the room (with `create-room`), a new domain's route (claimed before the service, so a
 *    domain the API refuses, or a key that may not route, fails with the service untouched), the service, then the
 *    update of a route the service already had.
 * 3. When a write fails, or the run is stopped, after an earlier write: take back what was written, newest first
 *    (the service's previous spec is put back, or the service this run created is deleted; a claimed route is
 *    deleted), then fail saying so. When taking back fails too, the error says what is left and what to do by hand.
 *
 * A room the run created is kept: it is empty, and a parallel job may be deploying into it.
 */
import { ShipError, formatError } from '../errors.js';
import { Stopped, throwIfStopped } from '../stop.js';
import { isStatus, type MeshagentClient } from './client.js';
import {
  removeClaimedRoute,
  removeCreatedService,
  removeUnsureCreate,
  restoreRoute,
  restoreService,
  unsure,
  written,
  type WrittenService,
} from './deploy-undo.js';
import { findExistingService, requireId } from './existing-service.js';
import { claimRoute, findServiceDomain, finishRoute, planRoute, warnUnresolvedExtraPorts, type RouteAction, type RoutePlan } from './route.js';
import type { ImageFacts } from './image-facts.js';
import { runsImage } from './image-runtime.js';
import type { ServiceOptions } from './service-options.js';
import { defaultPorts, routeTargetPort } from './service-ports.js';
import { DEPLOYED_BY, DEPLOYED_BY_ANNOTATION, EPHEMERAL_STORAGE_ANNOTATION } from './service-annotations.js';
import { buildServiceSpec } from './service-spec.js';
import { UndoLog, type UndoReport } from './undo.js';
import type { ServiceSpec } from './wire-service.js';

export { findExistingService } from './existing-service.js';

export interface DeployRequest {
  readonly client: MeshagentClient;
  readonly room: string;
  /** Create the room when it is missing (the `create-room` input); else a missing room is an error. */
  readonly createRoom: boolean | 'ephemeral';
  readonly serviceName: string;
  readonly image: ImageFacts;
  readonly options: ServiceOptions;
  /** The spec a service template rendered to, deployed instead of one built from the options. */
  readonly rendered?: ServiceSpec | undefined;
  /** Progress lines for the log. */
  readonly log?: (line: string) => void;
  /**
   * Asks the deploy to stop. Before its first write it stops at once; after, the write in flight is completed (its
   * request is not cut) and everything written is taken back.
   */
  readonly signal?: AbortSignal;
  /**
   * Runs once everything is looked at and checked, before the first write, with whether the room exists and its
   * service of this name when there is one: a deploy that waits for its rollout joins the room and reads the
   * container running now here. A failure stops the deploy with nothing written.
   */
  readonly beforeWrite?: (look: { readonly roomExists: boolean; readonly existing: ServiceSpec | undefined }) => Promise<void>;
}

export interface DeployedService {
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
  /** The spec the service had before, for an update. */
  readonly previous: ServiceSpec | undefined;
  /** What takes this deploy back, newest first: kept for a rollout that does not become live. */
  readonly undo: UndoLog;
}

/**
 * What taking back a failed deploy achieved: `restored`, the service runs the spec it had before; `removed`, what
 * this deploy created (the service, a route) was deleted; `failed`, taking it back failed and the error says what is
 * left to put right by hand.
 */
type Rollback = 'restored' | 'removed' | 'failed';

/** The service as a deploy that was taken back left it. */
export interface RolledBackService {
  /** The service's id; null when a create was never confirmed. */
  readonly id: string | null;
  readonly name: string;
  /** True when this deploy created the service, false when it updated it; null when a create was never confirmed. */
  readonly created: boolean | null;
  readonly rollback: Rollback;
}

/** A deploy that failed after it had written something, and what became of those writes. */
export class DeployRolledBack extends ShipError {
  constructor(
    message: string,
    hint: string,
    cause: unknown,
    /** What the run did to the service, and what taking it back achieved. */
    readonly report: RolledBackService,
  ) {
    super(message, { hint, cause });
  }
}

export async function deployService(request: DeployRequest): Promise<DeployedService> {
  const { client, room, serviceName, signal, log = () => {} } = request;

  // 1. Look: everything that can be refused is refused here, before anything is written.
  const roomExists = await checkRoom(client, room, request.createRoom);
  const existing = roomExists ? await findExistingService(client, room, serviceName) : undefined;
  let built = buildServiceSpec({ serviceName, image: request.image, options: request.options, existing, rendered: request.rendered });
  const domain = await chooseDomain(request, built, existing);
  const extraPorts = request.options.extraPorts ?? [];
  let route: RoutePlan | undefined = domain
    ? await planRoute(client, { domain: domain.name, room, serviceName, port: domain.port, extraPorts, log })
    : undefined;
  if (domain) await warnUnresolvedExtraPorts(client, room, built.spec, extraPorts, log);
  throwIfStopped(signal);
  await request.beforeWrite?.({ roomExists, existing });
  throwIfStopped(signal);
  const at: WrittenService = { client, room, serviceName, imageRef: request.image.ref };

  // 2. Write, each write with the one that takes it back.
  const undo = new UndoLog();
  const done: { serviceId?: string; created?: boolean } = {};
  try {
    const roomCreated = roomExists ? false : await createRoom(client, room, request.createRoom === 'ephemeral', log);
    let routeAction: RouteAction = 'none';
    if (route?.kind === 'create') {
      throwIfStopped(signal);
      const plan = route;
      // A create whose answer was lost may have gone through: its removal is recorded then too.
      const removal = removeClaimedRoute(client, plan.request.domain, serviceName);
      const claim = await unsure(() => claimRoute(client, plan), undo, removal);
      if (claim.created) {
        routeAction = 'created';
        undo.add(removal);
      }
      // Claimed: nothing is left to do to the route. Found taken by this room meanwhile: it is finished below.
      route = claim.created ? undefined : claim.plan;
    }

    throwIfStopped(signal);
    const wrote = await writeService(request, at, existing, built, undo);
    done.serviceId = wrote.serviceId;
    done.created = wrote.created;
    built = wrote.built;

    if (route) {
      throwIfStopped(signal);
      const plan = route;
      if (plan.kind === 'update') await written(() => finishRoute(client, plan), undo, restoreRoute(client, plan.previous, serviceName));
      else await finishRoute(client, plan);
      routeAction = route.kind === 'update' ? 'updated' : 'unchanged';
      if (domain?.source === 'existing-route') log(`Public domain: ${domain.name} (existing route)`);
    }

    return {
      serviceId: wrote.serviceId,
      serviceName,
      created: wrote.created,
      roomCreated,
      domain: domain?.name,
      serviceUrl: domain === undefined ? undefined : `https://${domain.name}`,
      routeAction,
      domainSource: domain?.source,
      spec: built.spec,
      previous: wrote.previous,
      undo,
    };
  } catch (error) {
    if (undo.empty) throw error;
    const report = await undo.undoAll(log);
    throw rolledBack(error, report, { serviceName, room, serviceId: done.serviceId ?? existing?.id ?? null, created: done.created ?? null });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Room

/** Whether the room exists. Without `createRoom` a missing room is the CLI's error. Writes nothing. */
async function checkRoom(client: MeshagentClient, room: string, createRoom: boolean | 'ephemeral'): Promise<boolean> {
  if (await client.getRoom(room)) return true;
  if (!createRoom) {
    throw new ShipError(`Room does not exist: ${room}`, {
      input: 'room',
      hint: `Create it first with 'meshagent rooms create ${room} --if-not-exists', or set create-room: true, then retry deploy.`,
    });
  }
  return false;
}

async function createRoom(client: MeshagentClient, room: string, ephemeral: boolean, log: (line: string) => void): Promise<boolean> {
  // if_not_exists: a room created by a parallel job is as good as ours. Every room this tool creates carries its
  // marker, so a teardown may remove it once its services are gone; a room made any other way never is.
  const annotations = { ...(ephemeral ? { [EPHEMERAL_STORAGE_ANNOTATION]: 'ephemeral' } : {}), [DEPLOYED_BY_ANNOTATION]: DEPLOYED_BY };
  await client.createRoom({ name: room, if_not_exists: true, annotations });
  log(`Created ${ephemeral ? 'ephemeral ' : ''}room ${room}`);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Service

type Built = ReturnType<typeof buildServiceSpec>;

/**
 * Creates or updates the service and records how to take that back. A write that fails without a refusal (a
 * broken connection, a timeout, a 5xx) may still have been applied, so its undo is recorded too; a refusal (4xx)
 * changed nothing.
 */
async function writeService(
  request: DeployRequest,
  at: WrittenService,
  existing: ServiceSpec | undefined,
  built: Built,
  undo: UndoLog,
): Promise<{ serviceId: string; created: boolean; built: Built; previous: ServiceSpec | undefined }> {
  const { client, room, serviceName, log = () => {} } = request;
  if (existing) {
    const serviceId = requireId(existing, serviceName);
    await written(() => client.updateService(room, serviceId, built.spec), undo, restoreService(at, serviceId, existing));
    log(`Updated service ${serviceName} (${serviceId}) in room ${room}`);
    return { serviceId, created: false, built, previous: existing };
  }
  let serviceId: string;
  try {
    serviceId = await unsure(() => client.createService(room, built.spec), undo, removeUnsureCreate(at));
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
    // The name is taken: another deploy created it between our look-up and our create, or our own create went
    // through and only its answer was lost (the retry then meets our service). Ours is recognised by its image.
    const raced = await findExistingService(client, room, serviceName);
    if (!raced) throw error;
    const racedId = requireId(raced, serviceName);
    if (runsImage(raced, request.image.ref)) {
      undo.add(removeCreatedService(at, racedId));
      log(`Created service ${serviceName} (${racedId}) in room ${room}`);
      return { serviceId: racedId, created: true, built, previous: undefined };
    }
    // Merge into the winner, as an update would.
    const merged = buildServiceSpec({ serviceName, image: request.image, options: request.options, existing: raced, rendered: request.rendered });
    await written(() => client.updateService(room, racedId, merged.spec), undo, restoreService(at, racedId, raced));
    log(`Service ${serviceName} appeared while deploying; updated it (${racedId}) in room ${room}`);
    return { serviceId: racedId, created: false, built: merged, previous: raced };
  }
  undo.add(removeCreatedService(at, serviceId));
  log(`Created service ${serviceName} (${serviceId}) in room ${room}`);
  return { serviceId, created: true, built, previous: undefined };
}

// ---------------------------------------------------------------------------------------------------------------
// Domain

interface ChosenDomain {
  readonly name: string;
  readonly port: number;
  readonly source: 'input' | 'existing-route';
}

/**
 * The domain to route: the domain input; else, on a re-deploy, the room route carrying this service's id, as the
 * CLI finds it (cli image.py:2584-2648): only when the image brings ports and the service has exactly one
 * published port, and that route is then upserted like a given one (its port follows the service).
 */
async function chooseDomain(request: DeployRequest, built: Built, existing: ServiceSpec | undefined): Promise<ChosenDomain | undefined> {
  const domain = request.options.domain;
  if (domain !== undefined && built.routePort !== undefined) return { name: domain, port: built.routePort, source: 'input' };
  if (!existing) return undefined;
  const port = reusableRoutePort(request, built.spec);
  const found = port === undefined ? undefined : await findServiceDomain(request.client, request.room, request.serviceName);
  return port !== undefined && found !== undefined ? { name: found, port, source: 'existing-route' } : undefined;
}

/**
 * The port a re-deploy without a domain may route to: none unless the image (or the ports input) brings ports,
 * as the CLI needs Dockerfile ports; then the spec's one published port, else none (no error).
 */
function reusableRoutePort(request: DeployRequest, spec: ServiceSpec): number | undefined {
  if (defaultPorts(request.image, request.options).length === 0) return undefined;
  try {
    return routeTargetPort(spec.ports ?? [], request.options.extraPorts);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Taking back

/** The error of a deploy that was taken back: why it failed, then what was taken back, or what is left and what to do. */
function rolledBack(
  cause: unknown,
  report: UndoReport,
  service: { serviceName: string; room: string; serviceId: string | null; created: boolean | null },
): DeployRolledBack {
  const why = cause instanceof ShipError ? cause.message : formatError(cause);
  const undone = report.undone.length > 0 ? `; rolled back: ${report.undone.join('; ')}` : '';
  const effects = report.undone.length > 0 ? report.effects : [];
  const summary = { id: service.serviceId, name: service.serviceName, created: service.created };
  if (report.failed.length === 0) {
    // Said of the service when one was written back, else of the route.
    const service = effects.filter((e) => e.target === 'service');
    const spoken = service.length > 0 ? service : effects;
    const rollback: Rollback = spoken.some((e) => e.effect === 'restored') ? 'restored' : 'removed';
    const next =
      cause instanceof Stopped ? 'ship again to deploy' : cause instanceof ShipError && cause.hint ? cause.hint : 'ship again once the cause is fixed';
    return new DeployRolledBack(`${why}${undone}`, `nothing this deploy wrote is left; ${next}`, cause, { ...summary, rollback });
  }
  const left = report.failed.map(
    ({ step, error }) => `${step.leftover.what} (taking it back failed: ${error instanceof ShipError ? error.message : formatError(error)})`,
  );
  return new DeployRolledBack(
    `${why}; ROLLBACK FAILED, the deploy is left half-done: ${left.join('; ')}${undone}`,
    `put it right by hand: ${report.failed.map(({ step }) => step.leftover.fix).join('; ')}`,
    cause,
    { ...summary, rollback: 'failed' },
  );
}
