/**
 * The dry run's plan: what a real run would do, found by reading only. The service spec is built as a real run
 * would build it (with the image that is not built yet standing in for the pinned reference) and compared with
 * the service running now, field by field.
 */
import type { ShipConfig } from '../inputs/ship-config.js';
import type { MeshagentClient } from '../meshagent/client.js';
import { findExistingService } from '../meshagent/existing-service.js';
import { checkRouteOwner } from '../meshagent/route.js';
import { buildServiceSpec } from '../meshagent/service-spec.js';
import { ShipError } from '../errors.js';
import type { Ensured, PushAccess } from './access.js';
import type { ShipRun } from './run.js';
import type { Target } from './target.js';

/** A dry run's value: what a real run would do, as lines for the log and the summary. */
export interface Planned extends Ensured {
  readonly plan: readonly string[];
}

/** The dry run's stage, recorded as the deploy stage: the plan, found by reading only. */
export async function planStage(run: ShipRun, ensured: Ensured): Promise<Planned> {
  const plan = await run.stages.run(
    'deploy',
    'Plan (dry run: nothing is changed)',
    () => planDeploy(run.config, ensured.target, ensured.access, run.client),
    () => 'planned; nothing was changed',
  );
  for (const line of plan) run.runner.info(line);
  return { ...ensured, plan };
}

async function planDeploy(config: ShipConfig, target: Target, access: PushAccess, client: MeshagentClient): Promise<string[]> {
  const { image, service, meshagent } = config;
  const offline = target.offline !== undefined;
  const lines = [
    ...(target.offline ? [`offline    ${target.offline.reason}: nothing was read from MeshAgent`] : []),
    `tag        ${target.image}${offline ? ' (registry and project key not checked)' : ''}`,
    `repository ${target.projectKey}/${target.repositoryName}: ${offline ? 'created if missing (not looked up)' : access.created === null ? 'would be created' : 'exists'}`,
    `image      ${image.source ? `ship ${describeSource(config)}` : `build ${image.context} with ${image.builder}`}${image.estargz ? `, convert to eStargz (level ${image.compressionLevel})` : ''}`,
    `push       ${image.push ? `${target.registry}/${target.registryRepository}:${target.tag.tag ?? 'latest'}` : 'no'}`,
  ];
  if (!service.deploy || !meshagent.room) return [...lines, 'deploy     no'];
  const room = meshagent.room;
  const roomExists = offline ? undefined : (await client.getRoom(room)) !== undefined;
  if (roomExists === undefined)
    lines.push(`room       ${room} (not looked up${service.createRoom ? '; created if missing' : '; a real run fails if it does not exist'})`);
  else if (!roomExists && !service.createRoom) lines.push(`room       ${room} does not exist: a real run fails (set create-room: true to create it)`);
  else lines.push(`room       ${room}${roomExists ? '' : ' would be created'}`);
  const existing = roomExists ? await findExistingService(client, room, target.serviceName) : undefined;
  const placeholder = `${target.registry}/${target.registryRepository}@<digest of this build>`;
  try {
    // The image is not built in a dry run, so its exposed ports and volumes are unknown: the ports input or the
    // running service's ports stand in.
    const { spec } = buildServiceSpec({
      serviceName: target.serviceName,
      image: { ref: placeholder, tag: target.image, exposedPorts: [], volumes: [], built: image.source === undefined },
      options: service,
      existing,
    });
    lines.push(
      `service    ${target.serviceName} ${offline ? 'would be created or updated (not looked up; no diff)' : `would be ${existing ? 'updated' : 'created'}`}`,
    );
    const changes = existing ? diffSpecs(withoutEnvValues(existing), withoutEnvValues(spec)) : [];
    if (existing) lines.push(...(changes.length > 0 ? changes.map((c) => `  ${c}`) : ['  (no change but the image)']));
  } catch (error) {
    if (!(error instanceof ShipError)) throw error;
    lines.push(`service    ${target.serviceName}: ${error.message} (checked again after the build, with the image's ports and volumes)`);
  }
  lines.push(
    `domain     ${service.domain ? `https://${service.domain}${offline ? '' : await routeNote(client, service.domain, room, target.serviceName)}` : 'none'}`,
    `rollout    ${rolloutPlan(service)}`,
  );
  return lines;
}

/** What a real run would do after the deploy: wait for the rollout (and roll back), or not. */
function rolloutPlan(service: ShipConfig['service']): string {
  if (service.waitSeconds <= 0) return 'not waited (wait: false)';
  const back = service.rollback ? `roll back if it does not (a new service: ${service.rollbackNewService})` : 'no rollback (rollback: false)';
  return `wait up to ${service.waitSeconds} s for the new container to be live; ${back}`;
}

/** What a real run would do with the domain's route: create it, keep it, or refuse it (it belongs elsewhere). */
async function routeNote(client: MeshagentClient, domain: string, room: string, serviceName: string): Promise<string> {
  const route = await client.getRoute(domain);
  if (!route) return ' (route would be created)';
  try {
    checkRouteOwner(route, { domain, room, serviceName });
  } catch (error) {
    if (!(error instanceof ShipError)) throw error;
    return `: ${error.message} (a real run fails here, before writing anything)`;
  }
  return ' (route exists; updated if its port changes)';
}

/** The spec with each environment entry reduced to its name and kind: values are never printed. */
function withoutEnvValues<T extends { container?: { environment?: readonly object[] | null } | null }>(spec: T): unknown {
  const environment = spec.container?.environment;
  if (!environment) return spec;
  const names = environment.map((entry) => {
    const { name, secret, token } = entry as { name?: string; secret?: unknown; token?: unknown };
    return `${name ?? '?'}${secret ? ' (secret)' : token ? ' (token)' : ''}`;
  });
  return { ...spec, container: { ...spec.container, environment: names } };
}

function describeSource(config: ShipConfig): string {
  const source = config.image.source;
  if (!source) return '';
  return source.kind === 'registry' ? source.reference.value : `${source.kind}:${source.path}`;
}

/**
 * The fields that differ between two specs, one line each: `~ path: old -> new`, `+ path: new`, `- path: old`.
 * Arrays are compared whole (a port list or an env list is replaced, not merged).
 */
function diffSpecs(before: unknown, after: unknown): string[] {
  const old = flatten(before);
  const next = flatten(after);
  const lines: string[] = [];
  for (const [path, value] of next) {
    if (!old.has(path)) lines.push(`+ ${path}: ${value}`);
    else if (old.get(path) !== value) lines.push(`~ ${path}: ${old.get(path)} -> ${value}`);
  }
  for (const [path, value] of old) if (!next.has(path)) lines.push(`- ${path}: ${value}`);
  return lines;
}

function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined && child !== null) flatten(child, prefix ? `${prefix}.${key}` : key, into);
    }
  } else if (value !== undefined && value !== null) {
    into.set(prefix, JSON.stringify(value));
  }
  return into;
}
