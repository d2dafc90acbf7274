/**
 * The ensure stage: the project registry repository exists (created when missing, safely when matrix jobs race),
 * and a short-lived repository token to push with. A dry run only looks, and says what it would create.
 */
import { REGISTRY_USERNAME } from '../reference.js';
import type { MeshagentClient } from '../meshagent/client.js';
import { ensureRepository } from '../meshagent/repository.js';
import type { RegistryCredentials } from '../oci/index.js';
import type { Target } from './target.js';

/** How long the push token lives: the CLI's one hour, which the server may shorten. */
const TOKEN_SECONDS = 3600;

export interface PushAccess {
  /** True when this run created the repository; null in a dry run where it does not exist yet. */
  readonly created: boolean | null;
  /** User `meshagent` and the repository token; undefined in a dry run or without push. */
  readonly credentials: RegistryCredentials | undefined;
  readonly tokenExpiresAt: string | undefined;
}

export async function ensurePushAccess(client: MeshagentClient, target: Target, options: { dryRun: boolean; push: boolean }): Promise<PushAccess> {
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

export function describeAccess(target: Target, access: PushAccess, dryRun: boolean): string {
  const repository = `${target.projectKey}/${target.repositoryName}`;
  if (dryRun) return access.created === null ? `would create repository ${repository}` : `repository ${repository} exists`;
  const state = access.created ? 'created' : 'exists';
  return access.credentials ? `repository ${repository} ${state}; push token until ${access.tokenExpiresAt}` : `repository ${repository} ${state}`;
}
