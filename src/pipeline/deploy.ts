/**
 * The deploy stage: the room service runs the pushed image, pinned by its digest, created or updated as the CLI
 * would (meshagent/deploy.ts). A deploy that fails after writing takes back what it wrote, so the service that ran
 * before keeps running; a stop during the deploy completes the write in flight first.
 */
import { readFile } from 'node:fs/promises';
import { deployService, type DeployedService } from '../meshagent/deploy.js';
import { deployProjectService } from '../meshagent/project-deploy.js';
import { finalStage } from '../meshagent/dockerfile-stage.js';
import { IMAGE_RUNTIME_LABEL, type RuntimeSource } from '../meshagent/image-runtime.js';
import { ShipError } from '../errors.js';
import { imageFacts } from '../meshagent/image-facts.js';
import type { ServiceSpec } from '../meshagent/wire-service.js';
import { listServices, type ServiceState } from '../room/index.js';
import { readRunnableConfig } from './runnable-image.js';
import { renderTemplateFor, templatePath } from './service-template.js';
import type { Pushed } from './publish.js';
import type { ShipRun } from './run.js';

/** The deploy stage's value: the service in its room runs the pushed image. */
export interface Deployed extends Pushed {
  /** The room; null for a project service (scope: project), which is in every room. */
  readonly room: string | null;
  readonly service: DeployedService;
  /** The container the room ran for the service before this deploy, when the rollout is waited for. */
  readonly previousContainerId: string | undefined;
  /** The service's state in the room before this deploy (it may have had no container), when waited for. */
  readonly previousState: ServiceState | undefined;
}

/** How long the look at the room before the writes may take, a dropped connection included. */
const LOOK_MS = 60_000;

export async function deployStage(run: ShipRun, pushed: Pushed, room: string | null): Promise<Deployed> {
  const { config, stop } = run;
  const { target, image, source } = pushed;
  let previousContainerId: string | undefined;
  let previousState: ServiceState | undefined;
  const service = await run.stages.run(
    'deploy',
    room === null ? `Deploy ${target.serviceName} as a project service` : `Deploy ${target.serviceName} to room ${room}`,
    async () => {
      const { config: imageConfig } = await readRunnableConfig(image.layout, image.descriptor);
      const labelled = imageConfig.config?.Labels?.[IMAGE_RUNTIME_LABEL] !== undefined;
      const env = labelled ? await dockerfileEnv(source.dockerfile, config.image.target) : undefined;
      const facts = imageFacts(pushed.pushed.pinned, target.image, imageConfig, source.built, env);
      const path = await templatePath(config);
      const template = path === undefined ? undefined : await renderTemplateFor(config, run.client, path, target.image, facts.ref);
      if (template?.domain && config.meshagent.rooms.length > 1) {
        throw new ShipError(`the service template ${template.path} routes ${template.domain}, and one route cannot point at several rooms`, {
          input: 'service-template',
          hint: 'drop the route from the template (or its value) to deploy to several rooms, or ship the room that serves the domain in a step of its own',
        });
      }
      if (template) {
        run.log(
          `Service template ${template.path}: service ${template.name}${template.usesImage ? `, ${facts.ref} pinned in it` : `, which neither runs nor mounts ${target.image}`}`,
        );
        if (!template.usesImage) run.runner.warning(`the service template ${template.path} does not use the image this run ships (${target.image})`);
      }
      const runtime = template ? undefined : facts.runtime;
      if (runtime) run.log(`Runtime ${runtime.name}: the service runs ${runtime.baseImage} with ${facts.ref} mounted read-only at ${runtime.mountPath}`);
      if (room === null) {
        return deployProjectService({
          client: run.client,
          serviceName: template?.name ?? target.serviceName,
          image: facts,
          options: config.service,
          rendered: template?.spec,
          log: run.log,
        });
      }
      const deploy = () =>
        deployService({
          client: run.client,
          room,
          createRoom: config.service.createRoom,
          serviceName: template?.name ?? target.serviceName,
          image: facts,
          options: template ? { ...config.service, domain: template.domain } : config.service,
          rendered: template?.spec,
          log: run.log,
          signal: run.signal,
          // A rollout that is waited for needs the room: it is joined before anything is written, so a key that may
          // not join fails the deploy with the service untouched, and the container running now is the one to replace.
          ...(config.service.waitSeconds > 0
            ? {
                beforeWrite: async ({ roomExists, existing }: { roomExists: boolean; existing: ServiceSpec | undefined }) => {
                  if (!roomExists) return;
                  const { states } = await listServices(run.roomSession(room), Date.now() + LOOK_MS);
                  previousState = existing?.id ? states.get(existing.id) : undefined;
                  previousContainerId = previousState?.container_id ?? undefined;
                },
              }
            : {}),
        });
      // A stop during the deploy completes the write in flight and takes back what was written; the process does
      // not exit before that is done. A deploy taken back fails with DeployRolledBack, which the report reads.
      return stop ? stop.uninterrupted(deploy) : deploy();
    },
    (d) =>
      `${d.created ? 'created' : 'updated'} ${room === null ? 'project service ' : ''}${d.serviceName} (${d.serviceId})${d.domain ? `; ${d.domain} ${d.routeAction}` : ''}`,
  );
  return { ...pushed, room, service, previousContainerId, previousState };
}

/**
 * The ENV lines of the Dockerfile stage the image was built from: a runtime-label image's env defaults, as the CLI
 * reads them (the image config also holds its base image's ENV and the PATH builders add). None for an image that
 * was not built here.
 */
async function dockerfileEnv(dockerfile: string | undefined, target: string | undefined): Promise<RuntimeSource['env'] | undefined> {
  if (dockerfile === undefined) return undefined;
  try {
    return finalStage(await readFile(dockerfile, 'utf8'), target).env;
  } catch (error) {
    // shlex's refusal of a quote, as the CLI would meet it.
    throw new ShipError(`the ENV lines of ${dockerfile} cannot be read: ${error instanceof Error ? error.message : String(error)}`, {
      input: 'file',
      hint: 'close the quotes of its LABEL, ENV, WORKDIR, EXPOSE, VOLUME, ENTRYPOINT and CMD lines',
    });
  }
}
