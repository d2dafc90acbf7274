/**
 * The deploy stage: the room service runs the pushed image, pinned by its digest, created or updated as the CLI
 * would (meshagent/deploy.ts). A deploy that fails after writing takes back what it wrote, so the service that ran
 * before keeps running; a stop during the deploy completes the write in flight first.
 */
import { deployService, type DeployedService } from '../meshagent/deploy.js';
import { imageFacts } from '../meshagent/image-facts.js';
import type { ServiceSpec } from '../meshagent/wire.js';
import { listServices } from '../room/index.js';
import { readRunnableConfig } from './runnable-image.js';
import type { Pushed } from './publish.js';
import type { ShipRun } from './run.js';

/** The deploy stage's value: the service in its room runs the pushed image. */
export interface Deployed extends Pushed {
  readonly room: string;
  readonly service: DeployedService;
  /** The container the room ran for the service before this deploy, when the rollout is waited for. */
  readonly previousContainerId: string | undefined;
}

/** How long the look at the room before the writes may take, a dropped connection included. */
const LOOK_MS = 60_000;

export async function deployStage(run: ShipRun, pushed: Pushed, room: string): Promise<Deployed> {
  const { config, stop } = run;
  const { target, image, source } = pushed;
  let previousContainerId: string | undefined;
  const service = await run.stages.run(
    'deploy',
    `Deploy ${target.serviceName} to room ${room}`,
    async () => {
      const { config: imageConfig } = await readRunnableConfig(image.layout, image.descriptor);
      const deploy = () =>
        deployService({
          client: run.client,
          room,
          createRoom: config.service.createRoom,
          serviceName: target.serviceName,
          image: imageFacts(pushed.pushed.pinned, target.image, imageConfig, source.built),
          options: config.service,
          log: run.log,
          signal: run.signal,
          // A rollout that is waited for needs the room: it is joined before anything is written, so a key that may
          // not join fails the deploy with the service untouched, and the container running now is the one to replace.
          ...(config.service.waitSeconds > 0
            ? {
                beforeWrite: async ({ roomExists, existing }: { roomExists: boolean; existing: ServiceSpec | undefined }) => {
                  if (!roomExists) return;
                  const { states } = await listServices(run.roomSession(room), Date.now() + LOOK_MS);
                  previousContainerId = existing?.id ? (states.get(existing.id)?.container_id ?? undefined) : undefined;
                },
              }
            : {}),
        });
      // A stop during the deploy completes the write in flight and takes back what was written; the process does
      // not exit before that is done. A deploy taken back fails with DeployRolledBack, which the report reads.
      return stop ? stop.uninterrupted(deploy) : deploy();
    },
    (d) => `${d.created ? 'created' : 'updated'} ${d.serviceName} (${d.serviceId})${d.domain ? `; ${d.domain} ${d.routeAction}` : ''}`,
  );
  return { ...pushed, room, service, previousContainerId };
}
