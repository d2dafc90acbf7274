// A sandbox with the API only (no registry, no runtime) in a directory of its own, and a client of its API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

export interface ApiSandbox {
  readonly sandbox: Sandbox;
  readonly api: MeshagentClient;
  /** Closes the client, stops the sandbox and removes its directory. */
  stop(): Promise<void>;
}

export async function startApiSandbox(prefix: string): Promise<ApiSandbox> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const sandbox = await startSandbox({ dir: work, registry: false });
  const api = new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
  return {
    sandbox,
    api,
    async stop() {
      await api.close();
      await sandbox.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
