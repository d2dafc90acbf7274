// MeshAgent's own TypeScript SDK (@meshagent/meshagent, pinned, unmodified) watches a room of the sandbox: it
// connects through the REST connect endpoint, opens the room websocket with its WebSocketClientProtocol, lists the
// services with their states, restarts one and reads a container's logs, once and followed. The services' states
// and logs come from an in-memory runtime the test drives, so no container is needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../../sandbox/participant-token.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { FakeRoomRuntime } from '../helpers/fake-room-runtime.js';

// The package's ESM build is CommonJS in an ESM folder, which Node refuses to load: its CommonJS entry works.
const sdk = createRequire(import.meta.url)('@meshagent/meshagent') as typeof import('@meshagent/meshagent');
type RoomClient = InstanceType<typeof sdk.RoomClient>;

const ROOM = 'watch';
const work = mkdtempSync(join(tmpdir(), 'sandbox-room-sdk-'));
const runtime = new FakeRoomRuntime();
let sandbox: Sandbox;
let client: InstanceType<typeof sdk.Meshagent>;
let webId: string;
let agentId: string;
const entered: RoomClient[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ dir: work, registry: false, roomRuntime: runtime });
  client = new sdk.Meshagent({ baseUrl: sandbox.apiUrl, token: sandbox.apiKey });
  await client.createRoom({ projectId: sandbox.projectId, name: ROOM });
  webId = await client.createRoomService(sandbox.projectId, ROOM, {
    version: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    ports: [{ num: 8080, type: 'http', liveness: '/healthz' }],
    container: { image: 'registry.test/sandbox/web@sha256:' + 'a'.repeat(64), command: 'web --serve' },
  });
  agentId = await client.createRoomService(sandbox.projectId, ROOM, {
    version: 'v1',
    kind: 'Service',
    metadata: { name: 'helper' },
    container: { image: 'registry.test/sandbox/helper:1' },
  });
  runtime.setStates(ROOM, [
    {
      service_id: webId,
      state: 'running',
      container_id: 'c-web-1',
      restart_count: 2,
      last_exit_code: 137,
      last_exit_at: 1_700_000_000.5,
      started_at: 1_700_000_010,
      status: { ports: [{ num: 8080, liveness: '/healthz', liveness_status: 'ready' }] },
    },
    { service_id: agentId, state: 'restarting', container_id: 'c-helper-1', restart_count: 0, restart_scheduled_at: 1_700_000_020, status: { ports: [] } },
  ]);
});

afterEach(async () => {
  for (const room of entered.splice(0)) room.dispose();
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A RoomClient connected the way the SDK's users connect: REST connect, then the websocket at room_url. */
async function enter(info: { roomUrl: string; jwt: string }): Promise<RoomClient> {
  const room = new sdk.RoomClient({
    protocolFactory: sdk.WebSocketClientProtocol.createFactory({ url: info.roomUrl, token: info.jwt }),
    reconnectTimeout: 0,
  });
  entered.push(room);
  await room.start();
  return room;
}

async function enterRoom(): Promise<RoomClient> {
  return enter(await client.connectRoom(sandbox.projectId, ROOM));
}

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: number }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: number },
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error & { code?: number };
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of stream) lines.push(line);
  return lines;
}

describe('the official TypeScript SDK watches a sandbox room', () => {
  it('connects: a participant token for the room and the room websocket URL', async () => {
    const info = await client.connectRoom(sandbox.projectId, ROOM);
    expect(info).toMatchObject({ roomName: ROOM, projectId: sandbox.projectId, roomUrl: `${sandbox.apiUrl.replace('http:', 'ws:')}/rooms/${ROOM}` });
    // The SDK's own verification, with the API key's secret, as MeshAgent signs participant tokens.
    const secret = parseApiKey(sandbox.apiKey)?.secret ?? '';
    const token = await sdk.ParticipantToken.fromJwt(info.jwt, { token: secret });
    expect(token.projectId).toBe(sandbox.projectId);
    expect(token.apiKeyId).toBe(parseApiKey(sandbox.apiKey)?.id);
    expect(token.grantScope('room')).toBe(ROOM);
    expect(token.role).toBe('user');
    const api = token.getApiGrant();
    expect(api?.services).toBeDefined();
    expect(api?.containers?.logs).toBe(true);

    const room = await enter(info);
    expect(room.roomName).toBe(ROOM);
    expect(room.roomUrl).toBe(info.roomUrl);
    expect(room.localParticipant?.getAttribute('name')).toBe(token.name);
  });

  it('lists the services with their states', async () => {
    const room = await enterRoom();
    const { services, serviceStates } = await room.services.listWithState();
    expect(services.map((s) => [s.id, s.metadata.name])).toEqual([
      [webId, 'web'],
      [agentId, 'helper'],
    ]);
    expect(services[0]?.ports?.[0]?.liveness).toBe('/healthz');
    expect(serviceStates[webId]).toEqual({
      serviceId: webId,
      state: 'running',
      containerId: 'c-web-1',
      restartCount: 2,
      lastExitCode: 137,
      lastExitAt: 1_700_000_000.5,
      startedAt: 1_700_000_010,
      restartScheduledAt: undefined,
    });
    expect(serviceStates[agentId]).toMatchObject({ state: 'restarting', restartCount: 0, restartScheduledAt: 1_700_000_020, lastExitCode: undefined });
    expect((await room.services.list()).map((s) => s.id)).toEqual([webId, agentId]);
  });

  it('restarts a service, and refuses one the room does not have', async () => {
    const room = await enterRoom();
    await room.services.restart({ serviceId: webId });
    expect(runtime.restarts.at(-1)).toEqual({ room: ROOM, serviceId: webId });
    const { serviceStates } = await room.services.listWithState();
    expect(serviceStates[webId]?.containerId).toBe(`c-web-1-r${runtime.restarts.length}`);

    const error = await failure(room.services.restart({ serviceId: 'no-such-service' }));
    expect(error).toBeInstanceOf(sdk.RoomServerException);
    expect(error.code).toBe(7001);
    expect(runtime.restarts.every((r) => r.serviceId !== 'no-such-service')).toBe(true);
  });

  it("reads a container's logs as they are, then ends", async () => {
    runtime.pushLog('c-helper-1', 'starting helper\n');
    runtime.pushLog('c-helper-1', 'listening on :8080 ✓\n');
    const room = await enterRoom();
    const session = room.containers.logs({ containerId: 'c-helper-1' });
    expect(await collect(session.stream)).toEqual(['starting helper\n', 'listening on :8080 ✓\n']);
    await session.result;
  });

  it('follows the logs until the container exits', async () => {
    const room = await enterRoom();
    runtime.pushLog('c-follow', 'line 1\n');
    runtime.setStates(ROOM, [
      ...runtime.list(ROOM).filter((s) => s.container_id !== 'c-follow'),
      { service_id: agentId, state: 'running', container_id: 'c-follow', restart_count: 1, status: { ports: [] } },
    ]);
    const session = room.containers.logs({ containerId: 'c-follow', follow: true });
    const lines: string[] = [];
    for await (const line of session.stream) {
      lines.push(line);
      if (lines.length === 1) runtime.pushLog('c-follow', 'line 2\n');
      if (lines.length === 2) runtime.exit('c-follow');
    }
    expect(lines).toEqual(['line 1\n', 'line 2\n']);
    await session.result;
    expect(runtime.openReaders).toBe(0);
  });

  it('stops following when the client cancels', async () => {
    const room = await enterRoom();
    runtime.setStates(ROOM, [
      ...runtime.list(ROOM),
      { service_id: agentId, state: 'running', container_id: 'c-cancel', restart_count: 0, status: { ports: [] } },
    ]);
    runtime.pushLog('c-cancel', 'hello\n');
    const session = room.containers.logs({ containerId: 'c-cancel', follow: true });
    const iterator = session.stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe('hello\n');
    expect(runtime.openReaders).toBe(1);
    await session.cancel();
    // The room ended its reader and closed the stream, so the session's result settled.
    await expect(session.result).resolves.toBeUndefined();
    await expect.poll(() => runtime.openReaders).toBe(0);
  });

  it("refuses the logs of a container that is not the room's", async () => {
    const room = await enterRoom();
    const session = room.containers.logs({ containerId: 'c-elsewhere' });
    const error = await failure(session.result);
    expect(error).toBeInstanceOf(sdk.RoomServerException);
    expect(error.code).toBe(6001);
  });

  it('accepts a participant token the SDK mints from the API key, and checks its api scope', async () => {
    const url = `${sandbox.apiUrl.replace('http:', 'ws:')}/rooms/${ROOM}`;
    const full = new sdk.ParticipantToken({ name: 'watcher' });
    full.addRoomGrant(ROOM);
    full.addApiGrant(sdk.ApiScope.full());
    const room = await enter({ roomUrl: url, jwt: await full.toJwt({ apiKey: sandbox.apiKey }) });
    expect(Object.keys((await room.services.listWithState()).serviceStates).sort()).toEqual([webId, agentId].sort());

    // Without a services grant the room answers "permission denied".
    const narrow = new sdk.ParticipantToken({ name: 'reader' });
    narrow.addRoomGrant(ROOM);
    narrow.addApiGrant(new sdk.ApiScope({ containers: new sdk.ContainersGrant() }));
    const limited = await enter({ roomUrl: url, jwt: await narrow.toJwt({ apiKey: sandbox.apiKey }) });
    const error = await failure(limited.services.listWithState());
    expect(error.code).toBe(1001);
  });

  it('refuses to connect to a room that does not exist', async () => {
    // (A refused websocket handshake is tested with a plain client in sandbox-room-protocol.test.ts: the SDK 0.39.9
    // answers one with an uncaught error of its own socket and an unhandled rejection.)
    const missing = await failure(client.connectRoom(sandbox.projectId, 'no-such-room'));
    expect(missing).toBeInstanceOf(sdk.RoomException);
    expect(missing.message).toContain('Status code: 404');
  });
});
