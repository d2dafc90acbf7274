// The tags of a sandbox project's registry repository, read as a puller would: with a pull token of its own.
import { MeshagentClient } from '../../src/meshagent/client.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { REGISTRY_USERNAME } from '../../src/reference.js';
import type { Sandbox } from '../../sandbox/server.js';

/** The repository's tags, sorted; none when the repository does not exist. */
export async function sandboxTags(sandbox: Sandbox, repository: string): Promise<string[]> {
  const client = new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
  let token: string;
  try {
    const record = await client.findRepository(repository);
    if (!record) return [];
    token = (await client.createRepositoryToken(record.id, { actions: ['pull'], expires_in_seconds: 600 })).token;
  } finally {
    await client.close();
  }
  const registry = new RegistryClient({ registry: sandbox.registryHost ?? '', credentials: { username: REGISTRY_USERNAME, password: token }, mask: () => {} });
  try {
    return (await registry.repository(`${sandbox.projectKey}/${repository}`).listTags()).sort();
  } finally {
    await registry.close();
  }
}
