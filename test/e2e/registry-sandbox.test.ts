// Pushing to the MeshAgent sandbox's project registry as the pipeline will: ensure the repository, mint a
// repository token through the REST API, push as user `meshagent` with it; the real registry enforces the token's
// repository.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { ensureRepository } from '../../src/meshagent/repository.js';
import { OciLayout } from '../../src/oci/layout.js';
import { pullImage } from '../../src/oci/pull.js';
import { pushImage } from '../../src/oci/push.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { REGISTRY_USERNAME } from '../../src/reference.js';
import { registryClientIdentity } from '../../src/registry-env.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';

let sandbox: Sandbox;
let dir: string;
const masked = new Set<string>();
const captured: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'registry-sandbox-'));
  sandbox = await startSandbox({ dir });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function mintToken(repository: string): Promise<string> {
  const api = new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: (s) => masked.add(s) });
  const { repository: repo } = await ensureRepository(api, sandbox.projectKey, repository);
  const { token } = await api.createRepositoryToken(repo.id, { actions: ['pull', 'push'], expires_in_seconds: 600 });
  await api.close();
  return token;
}

function registry(token: string): RegistryClient {
  return new RegistryClient({
    registry: sandbox.registryHost ?? '',
    credentials: { username: REGISTRY_USERNAME, password: token },
    mask: (s) => masked.add(s),
    log: (line) => captured.push(line),
    // As the application makes its clients: the hint for refused credentials is its own.
    ...registryClientIdentity(sandbox.registryHost ?? ''),
  });
}

describe('the sandbox project registry', () => {
  it('pushes with a minted repository token and pulls the image back', async () => {
    const token = await mintToken('web');
    const image = writeTinyOciLayout(join(dir, 'web'), 'sandbox web');
    const client = registry(token);
    const repo = client.repository(`${sandbox.projectKey}/web`, ['pull', 'push']);
    const pushed = await pushImage(await OciLayout.open(image.dir), repo, { tag: 'v1', log: (l) => captured.push(l) });
    expect(pushed.pinned).toBe(`${sandbox.registryHost}/${sandbox.projectKey}/web@${image.manifestDigest}`);
    expect(await repo.listTags()).toEqual(['v1']);
    const into = await OciLayout.create(join(dir, 'web-pulled'));
    expect((await pullImage(repo, pushed.digest, into)).descriptor.digest).toBe(image.manifestDigest);
    await client.close();
  });

  it('refuses the same token for another repository of the project, with a hint', async () => {
    const token = await mintToken('web');
    await mintToken('other');
    const image = writeTinyOciLayout(join(dir, 'other'), 'sandbox other');
    const client = registry(token);
    const error = await pushImage(await OciLayout.open(image.dir), client.repository(`${sandbox.projectKey}/other`, ['pull', 'push']), { tag: 'v1' }).then(
      () => undefined,
      (e: unknown) => e as ShipError,
    );
    expect(error).toBeInstanceOf(ShipError);
    expect(error?.message).toContain(`${sandbox.registryHost}/${sandbox.projectKey}/other: not authorized to`);
    expect(error?.hint).toContain('repository token for this repository');
    expect(client.http.retries).toHaveLength(0);
    captured.push(String(error));
    await client.close();
  });

  it('uploads instead of mounting when the token may not read the other repository', async () => {
    const token = await mintToken('web2');
    const image = writeTinyOciLayout(join(dir, 'web'), 'sandbox web');
    const client = registry(token);
    const pushed = await pushImage(await OciLayout.open(image.dir), client.repository(`${sandbox.projectKey}/web2`, ['pull', 'push']), {
      tag: 'v1',
      mountFrom: [`${sandbox.projectKey}/web`],
    });
    expect(pushed.stats).toMatchObject({ mounted: 0, uploaded: 2 });
    await client.close();
  });

  it('refuses a token that is not a repository token', async () => {
    const client = registry('not-a-token');
    const image = writeTinyOciLayout(join(dir, 'bad'), 'bad token');
    await expect(pushImage(await OciLayout.open(image.dir), client.repository(`${sandbox.projectKey}/web`, ['pull', 'push']))).rejects.toThrow(
      `${sandbox.registryHost} refused user meshagent: the token server answered 401`,
    );
    await client.close();
  });

  it('never shows a repository token or registry token', () => {
    expect(masked.size).toBeGreaterThan(2);
    const text = captured.join('\n');
    for (const secret of masked) expect(text).not.toContain(secret);
  });
});
