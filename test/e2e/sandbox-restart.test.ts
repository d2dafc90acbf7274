// A sandbox stopped and started again on the same directory, with its real registry and room runtime: it serves
// at the same API, registry and router addresses, so the environment exported from the first start still works,
// the project registry is the same, and the service it recorded (whose image names the registry's address) is
// pulled and runs again. When the registry's recorded port is taken, the sandbox says so and names the services
// whose images are at the old address. A directory an older sandbox ran on (no recorded addresses) gets its
// registry back at the port its services' images name.
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { ConsoleRunner } from '../../src/runner.js';
import { shipFromInputs } from '../../src/ship.js';
import type { RuntimeReportEntry } from '../../sandbox/runtime/report.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar } from '../helpers/tar-builder.js';
import { holdPort } from '../helpers/hold-port.js';

const infra = inject('infra');
let work: string;
let dir: string;
let layout: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sandbox-restart-'));
  dir = join(work, 'sbx');
  layout = join(work, 'image');
  const layer = buildTar([
    { name: 'bin/', type: '5' },
    { name: 'bin/busybox', data: readFileSync(infra.busybox), mode: 0o755 },
  ]);
  writeImageLayout(layout, [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [layer], gzip: true, config: {} }]);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

async function start(said: string[]): Promise<Sandbox> {
  return startSandbox({ dir, runtime: { probeIntervalMs: 200 }, log: (message) => said.push(message) });
}

/** A client made from an environment as a user exported it. */
function client(env: Record<string, string>): MeshagentClient {
  return new MeshagentClient({
    apiUrl: env.MESHAGENT_API_URL ?? '',
    apiKey: env.MESHAGENT_API_KEY ?? '',
    projectId: env.MESHAGENT_PROJECT_ID ?? '',
    mask: () => {},
    http: { retry: { maxAttempts: 1 } },
  });
}

async function service(of: Sandbox, name: string): Promise<RuntimeReportEntry | undefined> {
  const response = await fetch(`${of.apiUrl}/_sandbox/runtime`, { headers: { authorization: `Bearer ${of.apiKey}` } });
  return ((await response.json()) as { services: RuntimeReportEntry[] }).services.find((s) => s.name === name);
}

async function waitFor(of: Sandbox, name: string, done: (entry: RuntimeReportEntry) => boolean): Promise<RuntimeReportEntry> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const entry = await service(of, name);
    if (entry && done(entry)) return entry;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}: ${JSON.stringify(entry)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let firstEnv: Record<string, string>;

describe('a sandbox restarted on the same directory', () => {
  it('serves at the same addresses, and pulls and runs the service it recorded again', async () => {
    const said: string[] = [];
    const first = await start(said);
    try {
      expect(first.runtime, 'the runtime runs on this machine').toBeDefined();
      firstEnv = first.env();
      const shipped = await shipFromInputs(
        new ConsoleRunner({
          inputs: { room: 'dev', 'create-room': 'true', builder: 'none', image: `oci:${layout}:latest`, tag: 'keeper:1', deploy: 'false' },
          env: firstEnv,
          stdout: () => {},
          stderr: () => {},
        }),
      );
      expect(shipped.error).toBeNull();
      const image = shipped.image?.ref ?? '';
      expect(image.startsWith(`${firstEnv.MESHAGENT_SANDBOX_REGISTRY}/sandbox/keeper@sha256:`)).toBe(true);
      const api = client(firstEnv);
      await api.createRoom({ name: 'dev', if_not_exists: true });
      await api.createService('dev', {
        version: 'v1',
        kind: 'Service',
        enabled: true,
        metadata: { name: 'keeper' },
        ports: [],
        container: { image, template: 'none', private: true, command: '/bin/busybox sleep 600' },
      });
      await api.close();
      await waitFor(first, 'keeper', (entry) => entry.state === 'running');
    } finally {
      await first.stop();
    }

    const second = await start(said);
    try {
      // Each on its own, so a sandbox that moves shows everything that breaks with it.
      expect.soft(second.apiUrl, 'the API address').toBe(firstEnv.MESHAGENT_API_URL);
      expect.soft(second.registryHost, 'the registry address').toBe(firstEnv.MESHAGENT_SANDBOX_REGISTRY);
      expect.soft(second.routerHost, 'the router address').toBe(firstEnv.MESHAGENT_SANDBOX_ROUTER);
      expect.soft(second.env(), 'the printed environment').toEqual(firstEnv);
      // The environment the user exported from the first start, asking for the project registry.
      const api = client(firstEnv);
      const registry = await api.getConfig().then(
        (config) => config.domains.registry,
        (error: unknown) => `unreachable: ${String(error)}`,
      );
      await api.close();
      expect.soft(registry, 'the project registry, asked with the first environment').toBe(firstEnv.MESHAGENT_SANDBOX_REGISTRY);
      const entry = await waitFor(second, 'keeper', (e) => e.state === 'running' || e.error !== null);
      expect(entry, 'the recorded service, whose image names the first registry address').toMatchObject({ state: 'running', error: null });
    } finally {
      await second.stop();
    }
    expect(said.filter((message) => message.includes('as the last run on this directory'))).toEqual([]);
  });

  it('says which recorded services name the old registry address when its port is taken', async () => {
    const old = firstEnv.MESHAGENT_SANDBOX_REGISTRY ?? '';
    const oldPort = Number(old.split(':')[1]);
    const blocker = await holdPort(oldPort);
    const said: string[] = [];
    try {
      const third = await start(said);
      try {
        const now = third.registryHost ?? '';
        expect(now).not.toBe(old);
        // The other addresses are free, and kept.
        expect(third.apiUrl).toBe(firstEnv.MESHAGENT_API_URL);
        expect(third.routerHost).toBe(firstEnv.MESHAGENT_SANDBOX_ROUTER);
        expect(said.filter((message) => message.includes('as the last run on this directory'))).toEqual([
          `the registry serves at ${now}, not at ${old} as the last run on this directory (port ${oldPort} is taken), so the project ` +
            `registry and MESHAGENT_SANDBOX_REGISTRY change: 1 recorded service(s) name images at the old address (dev/keeper), which the room ` +
            `runtime cannot pull; ship them again, or free port ${oldPort} and restart the sandbox`,
        ]);
        const entry = await waitFor(third, 'keeper', (e) => e.error !== null);
        expect(entry.error).toContain(`not ${old}/sandbox/keeper@sha256:`);
      } finally {
        await third.stop();
      }
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('serves the registry of a directory with no recorded addresses at the port its services name', async () => {
    unlinkSync(join(dir, 'addresses.json'));
    const said: string[] = [];
    const fourth = await start(said);
    try {
      expect(fourth.registryHost).toBe(firstEnv.MESHAGENT_SANDBOX_REGISTRY);
      expect(said.filter((message) => message.includes('as the last run on this directory'))).toEqual([]);
      expect(await waitFor(fourth, 'keeper', (e) => e.state === 'running' || e.error !== null)).toMatchObject({ state: 'running', error: null });
    } finally {
      await fourth.stop();
    }
  });
});
