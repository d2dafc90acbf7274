/**
 * `meshagent-ship teardown --room R [--services a,b] [--tags [--tag T]]`, and the action with `teardown: true`:
 * removes what this tool deployed in a room (services, their routes, the room when this tool created it), with
 * `--tags` the preview's tag from the project registry, and on GitHub Actions marks the services' deployments
 * inactive. A second run finds nothing and says so. The API key comes from MESHAGENT_API_KEY only.
 */
import { ShipError, formatError } from '../errors.js';
import { listItems } from '../list-text.js';
import { teardownRoom, type TeardownReport } from '../meshagent/teardown.js';
import type { Runner } from '../runner.js';
import { apiClient } from './api-client.js';
import { markDeploymentsInactive, type DeploymentsOutcome } from './github-deployments.js';
import { removePreviewTags, type TagRemoval } from './teardown-tags.js';

const ROOM_RE = /^(?=.{1,63}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

export interface TeardownOptions {
  readonly room: string;
  readonly services?: readonly string[];
  readonly tags: boolean;
  /** The tag to remove; the room's name by default (the preview workflow tags its images so). */
  readonly tag?: string;
  /** The GitHub environment prefix of the services' deployments (`<prefix>/<service>`); the room's name by default. */
  readonly environment?: string;
  readonly apiUrl?: string;
  readonly projectId?: string;
}

export interface TeardownResult {
  readonly report: TeardownReport;
  readonly tags: readonly TagRemoval[];
  readonly deployments: DeploymentsOutcome;
  /** True when this run removed nothing: the room was already clean. */
  readonly nothingLeft: boolean;
}

/** The options of the command line; a wrong one is an error naming it. */
export function teardownOptions(options: Readonly<Record<string, string>>): TeardownOptions {
  const room = (options.room ?? '').trim();
  if (room === '') throw new ShipError('teardown needs --room', { input: 'room', hint: 'e.g. meshagent-ship teardown --room pr-12' });
  const services = listItems(options.services);
  const value = (name: string) => (options[name]?.trim() ? options[name].trim() : undefined);
  const tag = value('tag');
  return {
    room,
    ...(services.length > 0 ? { services } : {}),
    tags: options.tags === 'true',
    ...(tag ? { tag } : {}),
    ...(value('environment') ? { environment: value('environment') } : {}),
    ...(value('api-url') ? { apiUrl: value('api-url') } : {}),
    ...(value('project-id') ? { projectId: value('project-id') } : {}),
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/** The teardown; `env` holds MESHAGENT_* and GITHUB_* (the runner's environment unless given). */
export async function teardown(runner: Runner, options: TeardownOptions, env: Env = runner.env): Promise<TeardownResult> {
  if (!ROOM_RE.test(options.room))
    throw new ShipError(`room ${JSON.stringify(options.room)} is not a MeshAgent room name`, {
      input: 'room',
      hint: 'lowercase letters, digits and -, at most 63',
    });
  const client = apiClient(
    { command: 'teardown', apiUrl: options.apiUrl, projectId: options.projectId, mask: (secret) => runner.setSecret(secret), log: (line) => runner.info(line) },
    env,
  );
  const log = (line: string) => runner.info(line);
  let tags: TagRemoval[] = [];
  try {
    const report = await teardownRoom({
      client,
      room: options.room,
      ...(options.services ? { services: options.services } : {}),
      log,
      beforeDelete: async (services) => {
        if (!options.tags || services.length === 0) return;
        const [config, project] = await Promise.all([client.getConfig(), client.getProject()]);
        const registry = config.domains?.registry;
        if (!registry || !project.project_key) {
          throw new ShipError('the project has no registry (or no project key): its tags cannot be removed', { input: 'tags', hint: 'run without --tags' });
        }
        const tag = options.tag ?? options.room;
        tags = await removePreviewTags({
          client,
          registry,
          projectKey: project.project_key,
          tag,
          images: services.map((s) => s.image),
          mask: (s) => runner.setSecret(s),
          log,
        });
      },
    });
    const prefix = options.environment ?? options.room;
    const deployments = await markDeploymentsInactive(
      env,
      report.servicesRemoved.map((s) => `${prefix}/${s.name}`),
      { log, mask: (s) => runner.setSecret(s) },
    );
    const nothingLeft =
      report.roomState !== 'deleted' && report.servicesRemoved.length === 0 && report.routesRemoved.length === 0 && !tags.some((t) => t.state === 'deleted');
    return { report, tags, deployments, nothingLeft };
  } finally {
    await client.close();
  }
}

/** The summary: what was removed, what was kept and why. */
export function renderTeardown(result: TeardownResult): string {
  const { report } = result;
  if (result.nothingLeft && report.servicesNotOurs.length === 0) {
    return `Teardown of room ${report.room}: nothing is left to remove${report.roomState === 'absent' ? ' (the room does not exist)' : ''}.`;
  }
  const lines = [`Teardown of room ${report.room}:`];
  lines.push(`- services removed: ${report.servicesRemoved.map((s) => s.name).join(', ') || 'none'}`);
  lines.push(`- routes removed: ${report.routesRemoved.join(', ') || 'none'}`);
  if (report.servicesNotOurs.length > 0) lines.push(`- services left alone (not deployed by meshagent-ship): ${report.servicesNotOurs.join(', ')}`);
  if (report.servicesMissing.length > 0) lines.push(`- services not in the room: ${report.servicesMissing.join(', ')}`);
  for (const tag of result.tags) lines.push(`- tag ${tag.repository}:${tag.tag}: ${tag.state}${tag.because ? ` (${tag.because})` : ''}`);
  lines.push(
    `- room: ${report.roomState === 'deleted' ? 'removed' : report.roomState === 'absent' ? 'did not exist' : `kept, ${report.roomKeptBecause ?? ''}`}`,
  );
  if (result.deployments.skipped) lines.push(`- GitHub deployments: skipped (${result.deployments.skipped})`);
  return lines.join('\n');
}

/** The command: progress on stderr, the summary (or --json) on stdout; 1 when it failed. */
export async function runTeardownCommand(
  runner: Runner,
  options: Readonly<Record<string, string>>,
  json: boolean,
  out: (text: string) => void,
): Promise<number> {
  try {
    const result = await teardown(runner, teardownOptions(options));
    out(`${json ? JSON.stringify(result, null, 2) : renderTeardown(result)}\n`);
    return 0;
  } catch (error) {
    runner.fail(`teardown failed: ${formatError(error)}`);
    return error instanceof ShipError ? 1 : 70;
  }
}
