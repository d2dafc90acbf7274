/**
 * Removes a preview's tag (e.g. `pr-12`) from the project registry repositories of the services a teardown removes.
 * The registry API deletes a manifest by digest, which takes every tag pointing at it; so a manifest that another
 * tag of the repository still names (the same image shipped to main, say) is kept, and only this tag's own image
 * goes. A tag already gone counts as removed.
 */
import type { MeshagentClient } from '../meshagent/client.js';
import { RegistryClient } from '../oci/index.js';
import { REGISTRY_USERNAME } from '../reference.js';
import { registryClientIdentity } from '../registry-env.js';

export interface TagRemoval {
  readonly repository: string;
  readonly tag: string;
  readonly state: 'deleted' | 'absent' | 'kept';
  readonly because?: string;
}

export interface TagRemovalRequest {
  readonly client: MeshagentClient;
  /** The project registry's `host[:port]` and the project key: images elsewhere are not this tool's to delete. */
  readonly registry: string;
  readonly projectKey: string;
  readonly tag: string;
  readonly images: readonly (string | undefined)[];
  readonly mask: (secret: string) => void;
  readonly log: (line: string) => void;
}

/** The repository name (after the project key) of an image in the project registry, else undefined. */
export function projectRepositoryOf(image: string, registry: string, projectKey: string): string | undefined {
  const name = image.replace(/@sha256:[0-9a-f]{64}$/, '').replace(/:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, '');
  const prefix = `${registry}/${projectKey}/`;
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : undefined;
}

export async function removePreviewTags(request: TagRemovalRequest): Promise<TagRemoval[]> {
  const named = request.images.map((image) => (image === undefined ? undefined : projectRepositoryOf(image, request.registry, request.projectKey)));
  const repositories = [...new Set(named.filter((name): name is string => name !== undefined))];
  const results: TagRemoval[] = [];
  for (const repository of repositories) results.push(await removeTag(request, repository));
  return results;
}

async function removeTag(request: TagRemovalRequest, repository: string): Promise<TagRemoval> {
  const { client, tag, log } = request;
  const where = `${request.projectKey}/${repository}:${tag}`;
  const record = await client.findRepository(repository);
  if (!record) {
    log(`tag ${where}: the repository does not exist`);
    return { repository, tag, state: 'absent' };
  }
  // The client masks the token as it arrives; push lets the registry delete too.
  const token = await client.createRepositoryToken(record.id, { actions: ['pull', 'push'], expires_in_seconds: 600 });
  const registry = new RegistryClient({
    registry: request.registry,
    credentials: { username: REGISTRY_USERNAME, password: token.token },
    mask: request.mask,
    log,
    ...registryClientIdentity(request.registry),
  });
  try {
    const repo = registry.repository(`${request.projectKey}/${repository}`, ['pull', 'push', 'delete']);
    const head = await repo.headManifest(tag);
    if (!head) {
      log(`tag ${where}: already gone`);
      return { repository, tag, state: 'absent' };
    }
    for (const other of await repo.listTags()) {
      if (other === tag) continue;
      if ((await repo.headManifest(other))?.digest === head.digest) {
        const because = `tag ${other} names the same image (${head.digest}); the registry cannot delete one tag of a manifest alone`;
        log(`tag ${where} kept: ${because}`);
        return { repository, tag, state: 'kept', because };
      }
    }
    await repo.deleteManifest(head.digest);
    log(`removed tag ${where} (${head.digest})`);
    return { repository, tag, state: 'deleted' };
  } finally {
    await registry.close();
  }
}
