/**
 * Make sure the project registry repository exists, safely when many jobs race to create it: look it up, create
 * it when missing, and on 409 (another job created it first) look it up again. A 403 on create gets the MeshAgent
 * CLI's guidance.
 */
import { ShipError } from '../errors.js';
import { isStatus, type MeshagentClient } from './client.js';
import type { ProjectRepository } from './wire.js';

export interface EnsuredRepository {
  readonly repository: ProjectRepository;
  /** True when this call created it. */
  readonly created: boolean;
}

/** A shell word as Python's shlex.quote writes it, so the hint can be pasted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

export function missingRepositoryError(projectId: string, projectKey: string, repositoryName: string): ShipError {
  const create = ['meshagent', 'registry', 'create', '--project-id', projectId, '--name', repositoryName].map(shellWord).join(' ');
  const list = ['meshagent', 'registry', 'list', '--project-id', projectId].map(shellWord).join(' ');
  return new ShipError(
    `the target repository does not exist in the selected project: ${projectKey}/${repositoryName}. ` +
      'meshagent-ship tried to create it automatically but your credentials do not have permission to create registry repositories.',
    { hint: `Create it with \`${create}\` or inspect existing repositories with \`${list}\`.` },
  );
}

export async function ensureRepository(client: MeshagentClient, projectKey: string, repositoryName: string): Promise<EnsuredRepository> {
  const existing = await client.findRepository(repositoryName);
  if (existing) return { repository: existing, created: false };
  try {
    return { repository: await client.createRepository({ name: repositoryName }), created: true };
  } catch (error) {
    if (isStatus(error, 409)) {
      // Another job created it between our lookup and our create: read it back, consistently.
      const raced = await client.findRepository(repositoryName, 'high');
      if (raced) return { repository: raced, created: false };
    }
    if (isStatus(error, 403)) throw missingRepositoryError(client.projectId, projectKey, repositoryName);
    throw error;
  }
}
