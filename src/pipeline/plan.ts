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
import { ServiceSpec, dumpServiceSpec } from '../meshagent/wire-service.js';
import { plannedImage } from './plan-image.js';
import { renderTemplateFor, templatePath } from './service-template.js';
import { TEMPLATE_VALUES_ANNOTATION } from '../meshagent/service-template.js';
import { IMAGE_RUNTIME_LABEL } from '../meshagent/image-runtime.js';
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
  const project = service.scope === 'project';
  if (!service.deploy || (!project && !meshagent.room)) return [...lines, 'deploy     no'];
  // Each room is planned as a real run deploys it: one after another, each with its own look and diff.
  for (const room of project ? [''] : meshagent.rooms) lines.push(...(await planIn(config, target, client, room)));
  return lines;
}

/** The deploy to one room (or, with scope: project, the project service), as lines of the plan. */
async function planIn(config: ShipConfig, target: Target, client: MeshagentClient, room: string): Promise<string[]> {
  const { service } = config;
  const offline = target.offline !== undefined;
  const project = service.scope === 'project';
  const lines: string[] = [];
  const roomExists = offline ? undefined : project || (await client.getRoom(room)) !== undefined;
  if (project) lines.push('scope      project: a project service, which every room runs from its next session (no route, no rollout)');
  else if (roomExists === undefined)
    lines.push(`room       ${room} (not looked up${service.createRoom ? '; created if missing' : '; a real run fails if it does not exist'})`);
  else if (!roomExists && !service.createRoom) lines.push(`room       ${room} does not exist: a real run fails (set create-room: true to create it)`);
  else lines.push(`room       ${room}${roomExists ? '' : ' would be created'}`);
  const placeholder = `${target.registry}/${target.registryRepository}@<digest of this build>`;
  const path = await templatePath(config);
  if (path !== undefined && offline) return [...lines, `template   ${path}: not rendered (offline: the MeshAgent API renders it)`];
  // A service template is rendered as a real run renders it, with the placeholder where it names the tag.
  const template = path === undefined ? undefined : await renderTemplateFor(config, client, path, target.image, placeholder);
  const serviceName = template?.name ?? target.serviceName;
  const domain = template ? template.domain : service.domain;
  if (template)
    lines.push(
      `template   ${template.path}: service ${serviceName}${template.usesImage ? ', this image pinned in it' : `, which neither runs nor mounts ${target.image}`}`,
    );
  const existing = !roomExists
    ? undefined
    : project
      ? asSpec(await client.findProjectService(serviceName))
      : await findExistingService(client, room, serviceName);
  try {
    // The image is not built in a dry run: its ports, volumes and runtime label come from the Dockerfile, as the CLI
    // reads them; the ports input or the running service's ports stand in where it has none.
    const planned = await plannedImage(config, placeholder, target.image);
    const runtime = template ? undefined : planned.facts.runtime;
    if (template) lines.push('runtime    as the service template says');
    else if (runtime) {
      lines.push(
        `runtime    ${runtime.name} (label ${IMAGE_RUNTIME_LABEL}): the service runs ${runtime.baseImage} with this image read-only at ${runtime.mountPath}, command ${runtime.command} in ${runtime.workingDir} (from ${planned.source})`,
      );
    } else lines.push(`runtime    ${planned.known ? `none: the image runs itself (from ${planned.source})` : `not known yet: ${planned.source}`}`);
    const options = template ? { ...service, domain } : service;
    const { spec } = buildServiceSpec({ serviceName, image: planned.facts, options, existing, rendered: template?.spec });
    lines.push(
      `service    ${serviceName} ${offline ? 'would be created or updated (not looked up; no diff)' : `would be ${existing ? 'updated' : 'created'}`}`,
    );
    // Both as the SDK sends them (defaults filled), so the diff is what the update changes; an invalid spec fails here.
    const sent = dumpServiceSpec(spec);
    const changes = existing ? diffSpecs(withoutEnvValues(dumpServiceSpec(existing)), withoutEnvValues(sent)) : [];
    if (existing) lines.push(...(changes.length > 0 ? changes.map((c) => `  ${c}`) : ['  (no change but the image)']));
  } catch (error) {
    // An image input that cannot be read fails the run before anything is built: it fails the plan too.
    if (!(error instanceof ShipError) || error.input === 'image') throw error;
    lines.push(`service    ${serviceName}: ${error.message} (checked again after the build, with the image's ports and volumes)`);
  }
  lines.push(
    `domain     ${domain ? `https://${domain}${offline ? '' : await routeNote(client, domain, room, serviceName)}` : 'none'}`,
    `rollout    ${project ? 'not followed: each room runs the project service from its next session' : rolloutPlan(service)}`,
  );
  // Extra paths are routed beside / on the domain.
  if (domain) for (const extra of service.extraPorts ?? []) lines.push(`  + path ${extra.path} -> ${extra.target}`);
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

/**
 * The spec with each environment entry reduced to its name and kind, and a service template's values to their
 * names: values are never printed.
 */
function withoutEnvValues<
  T extends { container?: { environment?: readonly object[] | null } | null; metadata: { annotations?: Record<string, string> | null } },
>(given: T): unknown {
  const annotations = given.metadata.annotations;
  const values = annotations?.[TEMPLATE_VALUES_ANNOTATION];
  const spec =
    values === undefined
      ? given
      : { ...given, metadata: { ...given.metadata, annotations: { ...annotations, [TEMPLATE_VALUES_ANNOTATION]: valueNames(values) } } };
  const environment = spec.container?.environment;
  if (!environment) return spec;
  const names = environment.map((entry) => {
    const { name, secret, token } = entry as { name?: string; secret?: unknown; token?: unknown };
    return `${name ?? '?'}${secret ? ' (secret)' : token ? ' (token)' : ''}`;
  });
  return { ...spec, container: { ...spec.container, environment: names } };
}

/** A project service as a spec the plan can compare with (one it cannot read is compared as none). */
function asSpec(record: unknown): ServiceSpec | undefined {
  const parsed = ServiceSpec.safeParse(record);
  return parsed.success ? parsed.data : undefined;
}

function valueNames(json: string): string {
  try {
    return `values of ${Object.keys(JSON.parse(json) as object).join(', ')}`;
  } catch {
    return 'values';
  }
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
