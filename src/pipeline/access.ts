/**
 * The ensure stage: the project registry repository exists (created when missing, safely when matrix jobs race),
 * and a short-lived repository token to push with. A dry run only looks, and says what it would create; an offline
 * dry run does not look.
 */
import { REGISTRY_USERNAME } from '../reference.js';
import type { MeshagentClient } from '../meshagent/client.js';
import { ensureRepository } from '../meshagent/repository.js';
import type { RegistryCredentials } from '../oci/index.js';
import type { ShipRun } from './run.js';
import { openRegistry, type Registry } from './target-registry.js';
import type { Resolved, Target } from './target.js';

/** How long the push token lives: the CLI's one hour, which the server may shorten. */
const TOKEN_SECONDS = 3600;

export interface PushAccess {
  /** True when this run created the repository; null in a dry run where it does not exist yet. */
  readonly created: boolean | null;
  /** User `meshagent` and the repository token; undefined in a dry run or without push. */
  readonly credentials: RegistryCredentials | undefined;
  readonly tokenExpiresAt: string | undefined;
}

/** The ensure stage's value: the target, the right to push there, and the registry client that pushes. */
export interface Ensured extends Resolved {
  readonly access: PushAccess;
  /** The target registry, when this run pushes: not in a dry run, nor with push: false. */
  readonly registry: Registry | undefined;
}

/** An offline dry run looks nothing up: whether the repository exists is unknown. */
const OFFLINE_ACCESS: PushAccess = { created: null, credentials: undefined, tokenExpiresAt: undefined };

export async function ensureStage(run: ShipRun, resolved: Resolved): Promise<Ensured> {
  const { config } = run;
  const { target } = resolved;
  if (target.offline) {
    run.stages.skip('ensure', 'offline: the repository was not looked up');
    return { ...resolved, access: OFFLINE_ACCESS, registry: undefined };
  }
  const access = await run.stages.run(
    'ensure',
    'Ensure the registry repository',
    () => ensurePushAccess(run.client, target, { dryRun: config.dryRun, push: config.image.push }),
    (a) => describeAccess(target, a, config.dryRun),
  );
  if (config.dryRun || !config.image.push) return { ...resolved, access, registry: undefined };
  const registry = openRegistry(target, access.credentials, { mask: run.mask, log: run.log, debug: run.debug, retryLog: run.retryLog, signal: run.signal });
  run.closeAtEnd(() => registry.close());
  return { ...resolved, access, registry };
}

async function ensurePushAccess(client: MeshagentClient, target: Target, options: { dryRun: boolean; push: boolean }): Promise<PushAccess> {
  if (options.dryRun) {
    const existing = await client.findRepository(target.repositoryName);
    return { created: existing ? false : null, credentials: undefined, tokenExpiresAt: undefined };
  }
  const { repository, created } = await ensureRepository(client, target.projectKey, target.repositoryName);
  if (!options.push) return { created, credentials: undefined, tokenExpiresAt: undefined };
  // The client masks the token the moment it arrives.
  const token = await client.createRepositoryToken(repository.id, { actions: ['pull', 'push'], expires_in_seconds: TOKEN_SECONDS });
  return { created, credentials: { username: REGISTRY_USERNAME, password: token.token }, tokenExpiresAt: token.expires_at };
}

function describeAccess(target: Target, access: PushAccess, dryRun: boolean): string {
  const repository = `${target.projectKey}/${target.repositoryName}`;
  if (dryRun) return access.created === null ? `would create repository ${repository}` : `repository ${repository} exists`;
  const state = access.created ? 'created' : 'exists';
  return access.credentials ? `repository ${repository} ${state}; push token until ${access.tokenExpiresAt}` : `repository ${repository} ${state}`;
}
