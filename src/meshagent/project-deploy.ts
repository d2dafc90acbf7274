/**
 * A project service (`meshagent services create|update --global`): one spec for every room of the project, which
 * each room starts at its next session. Built as a room service is (merged into the project service of that name,
 * or a service template's spec whole), then created or updated in one write: nothing else is written, so there is
 * nothing to take back, no route and no rollout to wait for.
 */
import { ShipError } from '../errors.js';
import type { MeshagentClient } from './client.js';
import type { DeployedService } from './deploy.js';
import type { ImageFacts } from './image-facts.js';
import type { ServiceOptions } from './service-options.js';
import { buildServiceSpec } from './service-spec.js';
import { UndoLog } from './undo.js';
import { ServiceSpec } from './wire-service.js';

export interface ProjectDeployRequest {
  readonly client: MeshagentClient;
  readonly serviceName: string;
  readonly image: ImageFacts;
  readonly options: ServiceOptions;
  readonly rendered?: ServiceSpec | undefined;
  readonly log: (line: string) => void;
}

export async function deployProjectService(request: ProjectDeployRequest): Promise<DeployedService> {
  const { client, serviceName, log } = request;
  const record = await client.findProjectService(serviceName);
  const existing = record === undefined ? undefined : readable(record, serviceName);
  const { spec } = buildServiceSpec({ serviceName, image: request.image, options: request.options, existing, rendered: request.rendered });
  let serviceId: string;
  if (existing?.id) {
    serviceId = existing.id;
    await client.updateProjectService(serviceId, spec);
    log(`Updated project service ${serviceName} (${serviceId}): rooms run it from their next session`);
  } else {
    serviceId = await client.createProjectService(spec);
    log(`Created project service ${serviceName} (${serviceId}): rooms run it from their next session`);
  }
  return {
    serviceId,
    serviceName,
    created: existing === undefined,
    roomCreated: false,
    domain: undefined,
    serviceUrl: undefined,
    routeAction: 'none',
    domainSource: undefined,
    spec,
    previous: existing,
    undo: new UndoLog(),
  };
}

function readable(record: unknown, name: string): ServiceSpec {
  const parsed = ServiceSpec.safeParse(record);
  if (parsed.success) return parsed.data;
  throw new ShipError(`existing project service ${name} has a spec meshagent-ship cannot update without losing parts of it; it was left unchanged`, {
    hint: 'update meshagent-ship, or deploy this service with the MeshAgent CLI (meshagent services update --global)',
  });
}
