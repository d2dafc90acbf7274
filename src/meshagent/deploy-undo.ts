/**
 * What takes each write of a deploy back: the service's previous spec put back, a service or route the deploy
 * created deleted, a route update undone; and the rules for recording an undo, also for a write whose answer was
 * lost. A step leaves alone what another deploy changed meanwhile: taking this one back must not undo that one.
 */
import { ShipError, shown } from '../errors.js';
import { HttpError } from '../http.js';
import type { MeshagentClient } from './client.js';
import { findExistingService } from './existing-service.js';
import { SERVICE_ID_ANNOTATION } from './service-annotations.js';
import type { UndoLog, UndoStep } from './undo.js';
import type { RouteSpecInput, ServiceSpec } from './wire.js';

/** The service a deploy writes: where it is, and the image this deploy gives it. */
export interface WrittenService {
  readonly client: MeshagentClient;
  readonly room: string;
  readonly serviceName: string;
  readonly imageRef: string;
}

/** Runs a write and records its undo: when it worked, and when it failed in a way that may have been applied. */
export async function written<T>(write: () => Promise<T>, undo: UndoLog, step: UndoStep): Promise<T> {
  const value = await unsure(write, undo, step);
  undo.add(step);
  return value;
}

/** Runs a write; when it fails in a way that may have been applied, records its undo before passing the error on. */
export async function unsure<T>(write: () => Promise<T>, undo: UndoLog, step: UndoStep): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isRefusal(error)) undo.add(step);
    throw error;
  }
}

/**
 * An answer that says the write was not done: a 4xx, or 503 (RFC 9110 15.6.4: the server cannot handle the
 * request now). Any other 5xx, a timeout or a lost answer says nothing either way: a gateway may have passed the
 * write on. Our own refusal (a ShipError that is no HTTP failure, such as a domain found taken) sent no write.
 */
function isRefusal(error: unknown): boolean {
  if (!(error instanceof HttpError)) return error instanceof ShipError;
  if (error.status === undefined) return false;
  return (error.status >= 400 && error.status < 500) || error.status === 503;
}

export function restoreService(at: WrittenService, id: string, previous: ServiceSpec): UndoStep {
  const { client, room } = at;
  const name = previous.metadata.name;
  const image = previous.container?.image;
  return {
    effect: 'restored',
    target: 'service',
    undone: `service ${name} was restored to the spec it had before`,
    leftover: {
      what: `service ${name} (${id}) may run the new spec without the rest of the deploy`,
      fix: `ship again once the API answers (a ship that completes writes the service and its route together)${image ? `, or ship the image it ran before (image: ${shown(image)}) to go back` : ''}`,
    },
    run: async () => {
      const moved = await changedByAnother(at, name);
      if (moved) return moved;
      await client.updateService(room, id, previous);
    },
  };
}

export function removeCreatedService(at: WrittenService, id: string): UndoStep {
  const { client, room, serviceName: name } = at;
  return {
    effect: 'removed',
    target: 'service',
    undone: `service ${name}, created by this deploy, was deleted`,
    leftover: {
      what: `service ${name} (${id}), created by this deploy, is still in room ${room}`,
      fix: `ship again once the API answers to complete it, or delete service ${name} from room ${room}`,
    },
    run: async () => {
      const moved = await changedByAnother(at, name);
      if (moved) return moved;
      await client.deleteService(room, id, name);
    },
  };
}

/**
 * Why a service must be left as it is now: another deploy wrote it after this one (it no longer runs this deploy's
 * image) or deleted it. Taking this deploy back then would undo the other one, which succeeded.
 */
export async function changedByAnother(at: WrittenService, name: string): Promise<string | undefined> {
  const now = await findExistingService(at.client, at.room, name);
  if (!now) return `service ${name} was left as it is: it was deleted meanwhile`;
  if (now.container?.image !== at.imageRef)
    return `service ${name} was left as it is: another deploy changed it meanwhile (it runs ${now.container?.image ?? 'no image'})`;
  return undefined;
}

/** A create whose answer was lost: the service is deleted if it is there and runs this deploy's image. */
export function removeUnsureCreate(at: WrittenService): UndoStep {
  const { client, room, serviceName } = at;
  return {
    effect: 'removed',
    target: 'service',
    undone: `service ${serviceName}, which this deploy may have created, is not in room ${room} (deleted if it was)`,
    leftover: {
      what: `service ${serviceName} may have been created in room ${room}`,
      fix: `ship again once the API answers to complete it, or delete service ${serviceName} from room ${room} if it is there`,
    },
    run: async () => {
      const found = await findExistingService(client, room, serviceName);
      if (found?.id && found.container?.image === at.imageRef) await client.deleteService(room, found.id, serviceName);
    },
  };
}

/** A route update whose answer may have been lost: the route is put back as it was, if it is still this service's. */
export function restoreRoute(client: MeshagentClient, previous: RouteSpecInput, serviceName: string): UndoStep {
  const domain = previous.domain;
  return {
    effect: 'restored',
    target: 'route',
    undone: `route ${domain} was restored to the spec it had before`,
    leftover: {
      what: `route ${domain} may point at a port the restored service ${serviceName} does not publish`,
      fix: `ship again once the API answers, which routes the domain to the service's port`,
    },
    run: async () => {
      const now = await client.getRoute(domain);
      if (!now) return `route ${domain} was left as it is: it was deleted meanwhile`;
      const owner = now.spec.metadata.annotations[SERVICE_ID_ANNOTATION];
      if (owner !== undefined && owner !== serviceName) return `route ${domain} was left as it is: service ${owner} took it meanwhile`;
      await client.updateRoute(previous);
    },
  };
}

export function removeClaimedRoute(client: MeshagentClient, domain: string, serviceName: string): UndoStep {
  return {
    effect: 'removed',
    target: 'route',
    undone: `route ${domain}, created by this deploy, was deleted`,
    leftover: {
      what: `route ${domain}, created by this deploy, is still there`,
      fix: `nothing is broken by it (a later ship of service ${serviceName} uses it); to free the domain, delete it ('meshagent route delete ${domain}')`,
    },
    run: async () => {
      const now = await client.getRoute(domain);
      if (!now) return `route ${domain} is not there (it was not created, or was deleted meanwhile)`;
      const owner = now.spec.metadata.annotations[SERVICE_ID_ANNOTATION];
      if (owner !== serviceName) return `route ${domain} was left as it is: it is not this deploy's (it routes to ${owner ?? 'no service'})`;
      await client.deleteRoute(domain);
    },
  };
}
