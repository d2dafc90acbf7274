// The resolve stage against the sandbox: registry host from /config, the project key, the CLI's normalization.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/inputs/parse-config.js';
import { readRawInputs } from '../../src/inputs/raw-inputs.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { resolveTarget } from '../../src/pipeline/target.js';
import { ConsoleRunner } from '../../src/runner.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

let sandbox: Sandbox;
let client: MeshagentClient;

beforeAll(async () => {
  sandbox = await startSandbox({ dir: mkdtempSync(join(tmpdir(), 'resolve-test-')) });
  client = new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
});

afterAll(async () => {
  await client?.close();
  await sandbox?.stop();
});

function config(inputs: Record<string, string>) {
  const runner = new ConsoleRunner({ inputs: { room: 'dev', ...inputs }, env: sandbox.env(), stdout: () => {}, stderr: () => {} });
  return parseConfig(readRawInputs(runner));
}

describe('resolveTarget', () => {
  it('expands the shorthand with the project registry and key, and derives the service name', async () => {
    const registry = sandbox.registryHost ?? '';
    const target = await resolveTarget(config({ tag: 'web:1' }), client);
    expect(target).toMatchObject({
      registry,
      projectKey: 'sandbox',
      repositoryName: 'web',
      image: `${registry}/sandbox/web:1`,
      registryRepository: 'sandbox/web',
      serviceName: 'sandbox-web',
      pagesDomain: 'sandbox.localhost',
    });
  });

  it('keeps nested repositories after the key and honours service-name', async () => {
    const target = await resolveTarget(config({ tag: `${sandbox.registryHost}/sandbox/team/api:2`, 'service-name': 'api' }), client);
    expect(target).toMatchObject({ repositoryName: 'team/api', serviceName: 'api', image: `${sandbox.registryHost}/sandbox/team/api:2` });
  });

  it("refuses another project's key and a foreign registry, in the CLI's words", async () => {
    const registry = sandbox.registryHost ?? '';
    await expect(resolveTarget(config({ tag: `${registry}/other/web:1` }), client)).rejects.toThrow(
      `the image tag project key does not match the selected project: expected ${registry}/sandbox/..., got ${registry}/other/...`,
    );
    await expect(resolveTarget(config({ tag: 'registry.example.com/sandbox/web:1' }), client)).rejects.toThrow(
      `PATH requires --tag to use ${registry}/<project-key>/<repository>:<tag>`,
    );
  });
});
