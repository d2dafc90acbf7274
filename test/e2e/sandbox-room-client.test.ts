// MeshAgent's own TypeScript SDK (@meshagent/meshagent, pinned, unmodified) follows a service the sandbox really
// runs: a service that prints lines and serves http is shipped to a sandbox with its room runtime, containerd starts
// it, and the SDK, connected as its users connect (REST connect, then the room websocket), lists it running in that
// container, reads that container's output (once and followed), sees a crash counted, and restarts it into a new
// container.
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const DOMAIN = 'greeter-watch.sandbox.localhost';
// Each container starts by printing a line with an id of its own, so a log names the container it came from.
const START = [
  'read -r boot < /proc/sys/kernel/random/uuid',
  'echo "greeter up: $boot"',
  'echo "serving /www on 8080"',
  'exec /bin/busybox httpd -f -v -p 8080 -h /www',
].join('; ');
const infra = inject('infra');
let work: string;
let sandbox: Sandbox;
let room: RoomClient;
let serviceId: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'room-client-'));
  // A back-off long enough to see the service waiting to restart after a crash.
  sandbox = await startSandbox({ dir: join(work, 'sbx'), runtime: { backoff: { initialMs: 2000, maxMs: 4000 }, probeIntervalMs: 200 }, log: () => {} });
  const context = join(work, 'greeter');
  cpSync(fileURLToPath(new URL('../../examples/hello', import.meta.url)), context, { recursive: true });
  copyFileSync(infra.busybox, join(context, 'busybox'));
  writeFileSync(
    join(context, 'Dockerfile'),
    ['FROM scratch', 'COPY busybox /bin/busybox', 'COPY www /www', 'EXPOSE 8080', `ENTRYPOINT ${JSON.stringify(['/bin/busybox', 'sh', '-c', START])}`, ''].join(
      '\n',
    ),
  );
  const runner = new ConsoleRunner({
    inputs: { room: ROOM, 'create-room': 'true', context, builder: 'buildah', tag: 'greeter:1', domain: DOMAIN, public: 'true' },
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
async function stateWhen(what: string, ready: (state: ServiceState) => boolean, timeoutMs = 90_000): Promise<ServiceState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await room.services.listWithState()).serviceStates[serviceId];
    if (state && ready(state)) return state;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the room reports ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The containers containerd runs for the sandbox, as `ctr tasks ls` lists them: id to status. */
async function tasks(): Promise<Map<string, string>> {
  const listing = (await ctr('tasks', 'ls')).stdout;
  return new Map(
    listing
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields.length >= 3)
      .map((fields) => [fields[0] ?? '', fields[2] ?? '']),
  );
}

function ctr(...args: string[]) {
  return runAsync('ctr', ['-a', join(sandbox.runtime?.workDir ?? '', 'containerd.sock'), '-n', 'meshagent-sandbox', ...args]);
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

/** A container's whole log so far, through the SDK. */
async function logsOf(containerId: string): Promise<string> {
  const session = room.containers.logs({ containerId });
  let text = '';
  for await (const line of session.stream) text += line;
  await session.result;
  return text;
}

/** The id a container printed when it started. */
function bootId(log: string): string | undefined {
  return /^greeter up: ([0-9a-f-]{36})$/m.exec(log)?.[1];
}

describe('the official TypeScript SDK follows a service the sandbox runs', () => {
  it('lists the shipped service running, in the container containerd runs', async () => {
    expect(sandbox.runtime, 'the room runtime runs on this machine').toBeDefined();
    const state = await stateWhen('the greeter to run', (s) => s.state === 'running');
    expect(state).toMatchObject({ serviceId, state: 'running', restartCount: 0, lastExitCode: undefined });
    expect(state.containerId).toMatch(/^sandbox-greeter-\w+$/);
    expect(state.startedAt).toBeGreaterThan(Date.now() / 1000 - 600);
    expect((await tasks()).get(state.containerId ?? '')).toBe('RUNNING');
    const { services } = await room.services.listWithState();
    expect(services.map((s) => [s.id, s.metadata.name])).toEqual([[serviceId, 'sandbox-greeter']]);
  });

  it("reads the container's output, once and followed", async () => {
    const { containerId = '' } = await stateWhen('the greeter to run', (s) => s.state === 'running');
    // What the container printed when it started, in order.
    await expect.poll(() => logsOf(containerId), { timeout: 10_000, interval: 200 }).toMatch(/^greeter up: [0-9a-f-]{36}\nserving \/www on 8080\n/);

    // busybox httpd -v logs each answer's status, and nothing has asked this container for a missing page yet.
    const notFound = (log: string) => log.split('response:404').length - 1;
    expect(notFound(await logsOf(containerId))).toBe(0);
    await expect.poll(() => viaRouter('/missing.html'), { timeout: 30_000, interval: 200 }).toBe(404);
    await expect.poll(async () => notFound(await logsOf(containerId)), { timeout: 10_000, interval: 200 }).toBe(1);

    // Followed: the log so far, then a line the container writes after the call, and cancelling ends the session.
    const session = room.containers.logs({ containerId, follow: true });
    let followed = '';
    const reading = (async () => {
      for await (const line of session.stream) {
        followed += line;
        if (notFound(followed) === 2) break;
      }
    })();
    await expect.poll(() => notFound(followed), { timeout: 10_000, interval: 100 }).toBe(1);
    expect(await viaRouter('/missing.html')).toBe(404);
    await reading;
    expect(followed).toMatch(/^greeter up: /);
    expect(notFound(followed)).toBe(2);
    await session.cancel();
    await session.result;
  });

  it('counts a crash: the container is restarted after a back-off, with the exit code kept', async () => {
    const before = await stateWhen('the greeter to run', (s) => s.state === 'running');
    expect((await ctr('tasks', 'kill', '--signal', 'SIGKILL', before.containerId ?? '')).code).toBe(0);
    // Waiting out the back-off: the crashed container is still the one reported.
    const waiting = await stateWhen('the crash to be seen', (s) => s.state === 'restarting');
    expect(waiting).toMatchObject({ containerId: before.containerId, restartCount: 1, lastExitCode: 137 });
    expect(waiting.restartScheduledAt).toBeGreaterThan(waiting.lastExitAt ?? Infinity);
    const after = await stateWhen('a container after the crash', (s) => s.state === 'running' && s.containerId !== before.containerId);
    expect(after).toMatchObject({ restartCount: 1, lastExitCode: 137 });
    expect((await tasks()).get(after.containerId ?? '')).toBe('RUNNING');
    // A new process printed a new id; the crashed container's log is still there, and is its own.
    await expect.poll(async () => bootId(await logsOf(after.containerId ?? '')), { timeout: 10_000, interval: 200 }).toBeDefined();
    const oldBoot = bootId(await logsOf(before.containerId ?? ''));
    expect(oldBoot).toBeDefined();
    expect(bootId(await logsOf(after.containerId ?? ''))).not.toBe(oldBoot);
  });

  it('restarts the service into a new container, its restart count starting over', async () => {
    const before = await stateWhen('the greeter to run', (s) => s.state === 'running');
    await room.services.restart({ serviceId });
    // As MeshAgent's CLI reads it after a restart: a new container, and a restart count above 0 would mean it crashed.
    const after = await stateWhen('a new container', (s) => s.state === 'running' && s.containerId !== before.containerId);
    expect(after.containerId).toMatch(/^sandbox-greeter-\w+$/);
    expect(after.restartCount).toBe(0);
    expect(after.startedAt).toBeGreaterThanOrEqual(before.startedAt ?? Infinity);
    const running = await tasks();
    expect(running.get(after.containerId ?? '')).toBe('RUNNING');
    expect(running.has(before.containerId ?? '')).toBe(false);
    // The new container printed its own start lines, and serves through the router.
    await expect.poll(async () => bootId(await logsOf(after.containerId ?? '')), { timeout: 10_000, interval: 200 }).toBeDefined();
    expect(bootId(await logsOf(after.containerId ?? ''))).not.toBe(bootId(await logsOf(before.containerId ?? '')));
    await expect.poll(() => viaRouter('/'), { timeout: 30_000, interval: 200 }).toBe(200);
  });

  it('refuses to restart a service the room does not have, naming it', async () => {
    const error = await room.services.restart({ serviceId: 'no-such-service' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(sdk.RoomServerException);
    expect(String((error as Error).message)).toContain('no-such-service');
  });
});
