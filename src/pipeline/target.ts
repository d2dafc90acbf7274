/**
 * The resolve stage: where the image goes and what the service is called. Asks MeshAgent for the registry host
 * (`GET /config`) and the project key, then applies the CLI's normalization and project-registry checks to the tag.
 *
 * A dry run with no key, or with an API that cannot be reached or refuses the key, resolves offline instead: the
 * tag's own registry and project key where it names them, placeholders where it does not, and the list of facts
 * that were not read, so the plan says what it could not check.
 */
import { HttpError } from '../http.js';
import type { ShipConfig } from '../inputs/ship-config.js';
import type { MeshagentClient, ReadOptions } from '../meshagent/client.js';
import type { DeploymentConfig, ProjectInfo } from '../meshagent/wire.js';
import {
  checkProjectKey,
  deriveServiceName,
  formatImageTag,
  normalizeProjectTag,
  pagesDomainFromConfig,
  projectRegistryFromConfig,
  tagNeedsProjectKey,
  type ImageTag,
} from '../reference.js';
import type { ShipRun } from './run.js';

export interface Target {
  /** The project registry host, e.g. `registry.example.com` or `127.0.0.1:5000`. */
  readonly registry: string;
  readonly projectKey: string;
  /** The repository name as the MeshAgent API knows it: the part after the project key. */
  readonly repositoryName: string;
  /** The normalized tag, `<registry>/<project-key>/<repository>:<tag>`. */
  readonly tag: ImageTag;
  /** `tag` as text. */
  readonly image: string;
  /** `<project-key>/<repository>`: the repository path in the registry. */
  readonly registryRepository: string;
  readonly serviceName: string;
  /** The domain default service URLs are made under. */
  readonly pagesDomain: string;
  /** Set when the facts above were not read from MeshAgent (an offline dry run). */
  readonly offline?: OfflineFacts;
}

interface OfflineFacts {
  /** Why nothing was read, e.g. "no api-key was given". */
  readonly reason: string;
  /** The facts a run with a key and a reachable API reads, and this one could not. */
  readonly unread: readonly string[];
}

/** What an offline plan cannot know; the README's dry-run table lists the same. */
const UNREAD_OFFLINE = [
  'registry host (GET /config)',
  'project key (GET /accounts/projects/{id})',
  'whether the registry repository exists',
  'whether the room exists',
  'the existing service (its spec, for the diff)',
] as const;

/** The resolve stage's value: where the image goes. The value of every later stage holds it. */
export interface Resolved {
  readonly target: Target;
}

export async function resolveStage(run: ShipRun): Promise<Resolved> {
  const target = await run.stages.run(
    'resolve',
    'Resolve the tag and the project',
    () => resolveTarget(run.config, run.client),
    (t) => `${t.image} for service ${t.serviceName}${t.offline ? ' (offline: not checked against MeshAgent)' : ''}`,
  );
  if (target.offline) {
    // Said once as a warning, so an offline plan is never taken for a checked one.
    run.runner.warning(`dry run offline: ${target.offline.reason}; the plan shows what the inputs alone tell`, 'meshagent-ship: offline plan');
  }
  return { target };
}

export async function resolveTarget(config: ShipConfig, client: MeshagentClient): Promise<Target> {
  if (!config.dryRun) return resolveOnline(config, await client.getConfig(), await client.getProject());
  if (config.meshagent.apiKey === '') return offlineTarget(config, 'no api-key was given');
  let facts: [DeploymentConfig, ProjectInfo];
  try {
    facts = [await firstLook((o) => client.getConfig(o)), await firstLook((o) => client.getProject(o))];
  } catch (error) {
    const reason = offlineReason(error, config.meshagent.apiUrl);
    if (reason === undefined) throw error;
    return offlineTarget(config, reason);
  }
  return resolveOnline(config, ...facts);
}

function resolveOnline(config: ShipConfig, deployment: DeploymentConfig, project: ProjectInfo): Target {
  const registry = projectRegistryFromConfig(deployment.domains, config.meshagent.apiUrl);
  const projectKey = project.project_key ?? '';
  // A project without a key puts Python's `None` into a shorthand tag, as the CLI's f-string does, so the tag is
  // refused with the CLI's words: invalid OCI image repository: <registry>/None/<repository>:<tag>.
  const tag = normalizeProjectTag(config.image.tag, registry, project.project_key ?? 'None');
  const { repositoryName } = checkProjectKey(tag, registry, project.project_key);
  return {
    registry,
    projectKey,
    repositoryName,
    tag,
    image: formatImageTag(tag),
    registryRepository: tag.repository,
    serviceName: config.service.name ?? deriveServiceName(tag),
    pagesDomain: pagesDomainFromConfig(deployment.domains),
  };
}

/**
 * A dry run's read: an API where nothing listens sends the plan offline at once; a busy API (429/5xx), a timeout or
 * a broken connection gets the usual retries first, each counted in the result like any other.
 */
function firstLook<T>(read: (options: ReadOptions) => Promise<T>): Promise<T> {
  return read({ retryRefused: false });
}

/** Why a dry run goes offline after its first call failed; undefined when the failure is a real error. */
function offlineReason(error: unknown, apiUrl: string): string | undefined {
  if (!(error instanceof HttpError)) return undefined;
  if (error.status === undefined) return `the API at ${apiUrl} could not be reached (${error.message.split('\n')[0]})`;
  if (error.status === 401 || error.status === 403) return `the API at ${apiUrl} refused the api-key (${error.status}); a real run fails the same way`;
  return undefined;
}

/**
 * The target as far as the inputs alone tell it. A tag that names a registry keeps it and its first path part as
 * the project key (unchecked); a tag without them gets the placeholders `<registry>` and `<project-key>`.
 */
function offlineTarget(config: ShipConfig, reason: string): Target {
  const tag = config.image.tag;
  const registry = tag.registry ?? '<registry>';
  const repository = tagNeedsProjectKey(tag) ? `<project-key>/${tag.repository}` : tag.repository;
  const slash = repository.indexOf('/');
  const named = { registry, repository, tag: tag.tag };
  return {
    registry,
    projectKey: repository.slice(0, slash),
    repositoryName: repository.slice(slash + 1),
    tag: { value: formatImageTag(named), ...named },
    image: formatImageTag(named),
    registryRepository: repository,
    serviceName: config.service.name ?? repository.replaceAll('/', '-'),
    pagesDomain: '<pages-domain>',
    offline: { reason, unread: UNREAD_OFFLINE },
  };
}
