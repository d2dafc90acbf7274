// MeshAgent's own TypeScript SDK (@meshagent/meshagent, pinned, unmodified) follows a service the sandbox really
// runs: examples/hello is shipped to a sandbox with its room runtime, containerd starts it, and the SDK, connected
// as its users connect (REST connect, then the room websocket), lists it running in that container, reads the
// container's output, and restarts it into a new container.
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConsoleRunner } from '../../src/runner.js';
import { shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runAsync } from '../infra/env.js';

// The package's ESM build is CommonJS in an ESM folder, which Node refuses to load: its CommonJS entry works.
const sdk = createRequire(import.meta.url)('@meshagent/meshagent') as typeof import('@meshagent/meshagent');
type RoomClient = InstanceType<typeof sdk.RoomClient>;
type ServiceState = Awaited<ReturnType<RoomClient['services']['listWithState']>>['serviceStates'][string];

const ROOM = 'watch';
const DOMAIN = 'hello-watch.sandbox.localhost';
const infra = inject('infra');
let work: string;
let sandbox: Sandbox;
let room: RoomClient;
let serviceId: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'room-client-'));
  sandbox = await startSandbox({ dir: join(work, 'sbx'), runtime: true, log: () => {} });
  const context = join(work, 'hello');
  cpSync(fileURLToPath(new URL('../../examples/hello', import.meta.url)), context, { recursive: true });
  copyFileSync(infra.busybox, join(context, 'busybox'));
  const runner = new ConsoleRunner({
    inputs: { room: ROOM, 'create-room': 'true', context, builder: 'buildah', tag: 'hello:watch', domain: DOMAIN, public: 'true' },
    env: sandbox.env(),
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner, { builders: { buildah: { command: infra.buildah, isolation: 'chroot' } } });
  expect(result.error).toBeNull();
  serviceId = result.service?.id ?? '';

  const client = new sdk.Meshagent({ baseUrl: sandbox.apiUrl, token: sandbox.apiKey });
  const { roomUrl, jwt } = await client.connectRoom(sandbox.projectId, ROOM);
  room = new sdk.RoomClient({ protocolFactory: sdk.WebSocketClientProtocol.createFactory({ url: roomUrl, token: jwt }), reconnectTimeout: 0 });
  await room.start();
}, 600_000);

afterAll(async () => {
  room?.dispose();
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The service's state as the SDK reads it, once `ready` accepts it (polled, as a client following a room does). */
async function stateWhen(what: string, ready: (state: ServiceState | undefined) => boolean, timeoutMs = 90_000): Promise<ServiceState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await room.services.listWithState()).serviceStates[serviceId];
    if (state && ready(state)) return state;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the room reports ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The containers containerd runs for the sandbox, as `ctr tasks ls` lists them: id to status. */
async function tasks(): Promise<Map<string, string>> {
  const address = join(sandbox.runtime?.workDir ?? '', 'containerd.sock');
  const listing = (await runAsync('ctr', ['-a', address, '-n', 'meshagent-sandbox', 'tasks', 'ls'])).stdout;
  return new Map(
    listing
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields.length >= 3)
      .map((fields) => [fields[0] ?? '', fields[2] ?? '']),
  );
}

/** GET through the sandbox's router, by Host header: the status code. */
function viaRouter(path: string): Promise<number> {
  const [host, port] = (sandbox.routerHost ?? '').split(':');
  return new Promise((resolve, reject) => {
    request({ host, port: Number(port), path, headers: { host: DOMAIN } }, (response) => {
      response.resume().on('end', () => resolve(response.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const line of stream) text += line;
  return text;
}

describe('the official TypeScript SDK follows a service the sandbox runs', () => {
  it('lists the shipped service running, in the container containerd runs', async () => {
    expect(sandbox.runtime, 'the room runtime runs on this machine').toBeDefined();
    const state = await stateWhen('hello to run', (s) => s?.state === 'running');
    expect(state.containerId).toMatch(/^sandbox-hello-\w+$/);
    expect(state.restartCount).toBe(0);
    expect((await tasks()).get(state.containerId ?? '')).toBe('RUNNING');
    const { services } = await room.services.listWithState();
    expect(services.map((s) => [s.id, s.metadata.name])).toEqual([[serviceId, 'sandbox-hello']]);
  });

  it("reads the container's output, once and followed", async () => {
    const { containerId = '' } = await stateWhen('hello to run', (s) => s?.state === 'running');
    // A path nothing has asked for: busybox httpd -v logs the answer to it, so the line comes from this container.
    const missing = `/missing-${randomBytes(4).toString('hex')}`;
    await expect.poll(() => viaRouter(missing), { timeout: 30_000, interval: 200 }).toBe(404);
    await expect.poll(async () => collect(room.containers.logs({ containerId }).stream), { timeout: 10_000, interval: 200 }).toMatch(/response:404/);

    // Followed: a line the container writes after the call arrives, and cancelling ends the stream.
    const before = (await collect(room.containers.logs({ containerId }).stream)).split('response:404').length;
    const session = room.containers.logs({ containerId, follow: true });
    let followed = '';
    const reading = (async () => {
      for await (const line of session.stream) {
        followed += line;
        if (followed.split('response:404').length > before) break;
      }
    })();
    expect(await viaRouter(missing)).toBe(404);
    await reading;
    expect(followed.split('response:404').length).toBeGreaterThan(before);
    // Leaving the stream closed it: the session ends rather than failing.
    await session.cancel();
    await session.result;
  });

  it('restarts the service into a new container', async () => {
    const before = await stateWhen('hello to run', (s) => s?.state === 'running');
    await room.services.restart({ serviceId });
    const after = await stateWhen('a new container', (s) => s?.state === 'running' && s.containerId !== before.containerId);
    expect(after.containerId).toMatch(/^sandbox-hello-\w+$/);
    const running = await tasks();
    expect(running.get(after.containerId ?? '')).toBe('RUNNING');
    expect(running.has(before.containerId ?? '')).toBe(false);
    // The new container serves through the router.
    await expect.poll(() => viaRouter('/'), { timeout: 30_000, interval: 200 }).toBe(200);
  });
});
