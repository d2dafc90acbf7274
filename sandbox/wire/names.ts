/**
 * The name rules the MeshAgent API applies, written from its own models (meshagent-api, reference §2.4 and §2.5).
 */

/** One `/` part of a repository name (api client.py:913, the same as the CLI's tag rule). */
const REPOSITORY_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** A room name: 1 to 63 lowercase letters, digits and inner hyphens (api helpers.py:90-99). */
export const ROOM_NAME_RE = /^(?=.{1,63}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

/** A repository name as the API stores it: trimmed and lowercased (api client.py:916-928). */
export function normalizeRepositoryName(name: string): string {
  return name.trim().toLowerCase();
}

/** Why a normalized repository name is refused, in the API's words; undefined when it is fine. */
export function repositoryNameProblem(normalized: string): string | undefined {
  if (normalized === '') return 'repository name must not be empty';
  if (!normalized.split('/').every((part) => REPOSITORY_COMPONENT_RE.test(part))) return 'repository name must be a valid OCI repository path';
  return undefined;
}
