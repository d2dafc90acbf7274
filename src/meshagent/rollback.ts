/**
 * Taking back a deploy whose rollout did not become live, with the deploy's own undo steps: an updated service gets
 * its previous spec back (and a route the deploy changed or claimed is put back); a service the deploy created has
 * nothing to go back to, so it is either stopped (`enabled: false`, kept with its route and marked so the next
 * deploy starts it again) or deleted with the route the deploy claimed. A service another deploy has changed since
 * is left as it is: taking this deploy back would undo that one.
 */
import { ShipError, formatError } from '../errors.js';
import type { MeshagentClient } from './client.js';
import type { DeployedService } from './deploy.js';
import { changedByAnother } from './deploy-undo.js';
import { STOPPED_BY_ROLLBACK_ANNOTATION } from './service-annotations.js';
import type { ServiceSpec } from './wire.js';

export interface TakeBackRequest {
  readonly client: MeshagentClient;
  readonly room: string;
  readonly deployed: DeployedService;
  /** The image the deploy gave the service. */
  readonly imageRef: string;
  /** What to do with a service the deploy created. */
  readonly newService: 'stop' | 'delete';
  readonly log: (line: string) => void;
}

/**
 * What taking back did: `restored` the previous spec, `stopped` or `removed` the new service, `left` it as another
 * deploy made it, or `failed` (the error says what is left to put right by hand).
 */
export type TakenBack =
  | { readonly action: 'restored'; readonly previous: ServiceSpec; readonly said: readonly string[] }
  | { readonly action: 'stopped' | 'removed'; readonly said: readonly string[] }
  | { readonly action: 'left'; readonly why: string }
  | { readonly action: 'failed'; readonly left: string; readonly fix: string };

export async function takeBack(request: TakeBackRequest): Promise<TakenBack> {
  const { client, room, deployed, log } = request;
  const at = { client, room, serviceName: deployed.serviceName, imageRef: request.imageRef };
  const moved = await changedByAnother(at, deployed.serviceName);
  if (moved) {
    log(`Not rolled back: ${moved}`);
    return { action: 'left', why: moved };
  }
  if (deployed.created && request.newService === 'stop') return stop(request);
  const report = await deployed.undo.undoAll(log);
  if (report.failed.length > 0) {
    const left = report.failed.map(({ step, error }) => `${step.leftover.what} (${error instanceof ShipError ? error.message : formatError(error)})`);
    return { action: 'failed', left: left.join('; '), fix: report.failed.map(({ step }) => step.leftover.fix).join('; ') };
  }
  if (!deployed.created && deployed.previous) return { action: 'restored', previous: deployed.previous, said: report.undone };
  return { action: 'removed', said: report.undone };
}

/** Disables the new service, marked as stopped by a rollback, and keeps its route. */
async function stop(request: TakeBackRequest): Promise<TakenBack> {
  const { client, room, deployed, log } = request;
  const spec: ServiceSpec = {
    ...deployed.spec,
    enabled: false,
    metadata: { ...deployed.spec.metadata, annotations: { ...deployed.spec.metadata.annotations, [STOPPED_BY_ROLLBACK_ANNOTATION]: 'true' } },
  };
  try {
    await client.updateService(room, deployed.serviceId, spec);
  } catch (error) {
    return {
      action: 'failed',
      left: `service ${deployed.serviceName} (${deployed.serviceId}), created by this run, still runs the image that failed (stopping it failed: ${error instanceof ShipError ? error.message : formatError(error)})`,
      fix: `stop or delete service ${deployed.serviceName} in room ${room}, or ship a working image`,
    };
  }
  const said = `service ${deployed.serviceName}, created by this run, was stopped (enabled: false; the next ship starts it again)`;
  log(`Rolled back: ${said}`);
  return { action: 'stopped', said: [said] };
}
