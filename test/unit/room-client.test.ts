// The room client of src/room against the sandbox's room server (whose protocol MeshAgent's own TypeScript SDK is
// held to in sandbox-room-sdk.test.ts): it joins through POST .../connect with the API key, lists the services with
// their states as the SDK reads them, restarts one, follows a container's logs, connects again after a dropped
// websocket (within its deadline, recorded as a retry), resumes the logs without repeating a line, and refuses a
// room that does not exist or a token for another room at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryLog } from '../../src/http.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { RoomError, RoomSession, followLogs, listServices, restartService, type RoomSessionOptions } from '../../src/room/index.js';
import { issueParticipantToken } from '../../sandbox/participant-token.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { FakeRoomRuntime } from '../helpers/fake-room-runtime.js';

const sdk = createRequire(import.meta.url)('@meshagent/meshagent') as typeof import('@meshagent/meshagent');

const ROOM = 'client';
const work = mkdtempSync(join(tmpdir(), 'room-client-'));
const runtime = new FakeRoomRuntime();
let sandbox: Sandbox;
let api: MeshagentClient;
let webId: string;
const masked: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ dir: work, registry: false, roomRuntime: runtime });
  api = new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: (secret) => masked.push(secret) });
  await api.createRoom({ name: ROOM });
  webId = await api.createService(ROOM, {
    version: 'v1',
    kind: 'Service',
    enabled: true,
    metadata: { name: 'web' },
    ports: [{ num: 8080, type: 'http', liveness: '/healthz', published: true, endpoints: [] }],
    container: { image: 'registry.test/sandbox/web@sha256:' + 'a'.repeat(64), private: true },
  });
  runtime.setStates(ROOM, [
    {
      service_id: webId,
      state: 'running',
      container_id: 'c-web-1',
      restart_count: 1,
      last_exit_code: 3,
      status: { ports: [{ num: 8080, liveness: '/healthz', liveness_status: 'not_ready', last_error: 'liveness /healthz answered 404' }] },
    },
  ]);
});

afterAll(async () => {
  await api?.close();
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

function session(options: Partial<RoomSessionOptions> = {}): RoomSession {
  return new RoomSession({ room: ROOM, connect: () => api.connectRoom(ROOM), retry: { baseDelayMs: 20, maxDelayMs: 100 }, ...options });
}

const soon = (ms = 10_000) => Date.now() + ms;

async function dropConnections(): Promise<number> {
  const response = await fetch(`${sandbox.apiUrl}/_sandbox/room-connections/drop`, { method: 'POST' });
  return ((await response.json()) as { dropped: number }).dropped;
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the room client', () => {
  it('lists the services with their states, as the official SDK reads the same room', async () => {
    const room = session();
    try {
      const ours = await listServices(room, soon());
      expect(ours.services).toEqual([{ id: webId, name: 'web' }]);
      expect(ours.states.get(webId)).toMatchObject({
        state: 'running',
        container_id: 'c-web-1',
        restart_count: 1,
        last_exit_code: 3,
        status: { ports: [{ num: 8080, liveness: '/healthz', liveness_status: 'not_ready', last_error: 'liveness /healthz answered 404' }] },
      });
      // The participant token was masked the moment it was known.
      expect(masked.some((secret) => secret.split('.').length === 3)).toBe(true);

      const official = new sdk.Meshagent({ baseUrl: sandbox.apiUrl, token: sandbox.apiKey });
      const info = await official.connectRoom(sandbox.projectId, ROOM);
      const sdkRoom = new sdk.RoomClient({
        protocolFactory: sdk.WebSocketClientProtocol.createFactory({ url: info.roomUrl, token: info.jwt }),
        reconnectTimeout: 0,
      });
      await sdkRoom.start();
      try {
        const theirs = await sdkRoom.services.listWithState();
        expect(theirs.services.map((s) => s.id)).toEqual(ours.services.map((s) => s.id));
        const state = theirs.serviceStates[webId];
        const mine = ours.states.get(webId);
        expect([state?.state, state?.containerId, state?.restartCount, state?.lastExitCode]).toEqual([
          mine?.state,
          mine?.container_id,
          mine?.restart_count,
          mine?.last_exit_code,
        ]);
      } finally {
        sdkRoom.dispose();
      }
    } finally {
      room.close();
    }
  });

  it('restarts a service: the room gives it a new container', async () => {
    const room = session();
    try {
      const before = runtime.restarts.length;
      await restartService(room, webId, soon(), 5000);
      expect(runtime.restarts.slice(before)).toEqual([{ room: ROOM, serviceId: webId }]);
      expect((await listServices(room, soon())).states.get(webId)?.container_id).not.toBe('c-web-1');
      // A service the room does not know is the room's error, not worth another try.
      const error = await restartService(room, 'nope', soon(), 5000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RoomError);
      expect(error).toMatchObject({ retryable: false, code: 7001 });
    } finally {
      room.close();
    }
  });

  it('connects again after a dropped websocket, within the deadline, and records the retry', async () => {
    const retryLog = new RetryLog();
    const logged: string[] = [];
    const room = session({ retryLog, log: (line) => logged.push(line) });
    try {
      await listServices(room, soon());
      expect(await dropConnections()).toBe(1);
      const again = await listServices(room, soon());
      expect(again.services).toHaveLength(1);
      expect(retryLog.records).toHaveLength(1);
      expect(retryLog.records[0]).toMatchObject({ method: 'WS', url: `${sandbox.apiUrl.replace('http:', 'ws:')}/rooms/${ROOM}`, attempt: 1 });
      expect(logged[0]).toMatch(/^room client: services\.list: connection closed \(1006\); connecting again in \d\.\d s \(retry 1\)$/);
    } finally {
      room.close();
    }
  });

  it('gives up on a dropped websocket once the deadline has passed', async () => {
    const room = session();
    try {
      await listServices(room, soon());
      await dropConnections();
      const error = await listServices(room, Date.now() + 5).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RoomError);
      expect(error).toMatchObject({ retryable: true, reason: 'connection closed (1006)' });
    } finally {
      room.close();
    }
  });

  it('follows a container log, and after a dropped websocket resumes it without repeating a line', async () => {
    const room = session();
    const lines: string[] = [];
    const stop = new AbortController();
    try {
      runtime.setStates(ROOM, [{ service_id: webId, state: 'running', container_id: 'c-web-1', restart_count: 0, status: { ports: [] } }]);
      runtime.pushLog('c-web-1', 'starting\n');
      runtime.pushLog('c-web-1', 'listening on 8080\n');
      const following = followLogs(room, { containerId: 'c-web-1', onLine: (line) => lines.push(line), signal: stop.signal, deadline: () => soon() });
      await until('the first lines', () => lines.length === 2);
      await dropConnections();
      runtime.pushLog('c-web-1', 'GET /healthz 404\n');
      await until('the line written while the connection was down', () => lines.length === 3);
      runtime.pushLog('c-web-1', 'no newline at the end');
      runtime.exit('c-web-1');
      await following;
      expect(lines).toEqual(['starting', 'listening on 8080', 'GET /healthz 404', 'no newline at the end']);
    } finally {
      stop.abort();
      room.close();
    }
    await until('the log reader to end', () => runtime.openReaders === 0);
  });

  it('stops following when asked, and the room ends its reader', async () => {
    const room = session();
    const stop = new AbortController();
    const lines: string[] = [];
    try {
      runtime.pushLog('c-web-2', 'a\n');
      runtime.setStates(ROOM, [{ service_id: webId, state: 'running', container_id: 'c-web-2', restart_count: 0, status: { ports: [] } }]);
      const following = followLogs(room, { containerId: 'c-web-2', onLine: (line) => lines.push(line), signal: stop.signal, deadline: () => soon() });
      await until('the line', () => lines.length === 1);
      stop.abort();
      await following;
      await until('the log reader to end', () => runtime.openReaders === 0);
    } finally {
      room.close();
    }
  });

  it('refuses a room that does not exist, and a token for another room, at once and with a hint', async () => {
    const missing = new RoomSession({ room: 'nowhere', connect: () => api.connectRoom('nowhere') });
    const gone = await listServices(missing, soon()).catch((e: unknown) => e);
    expect(gone).toMatchObject({ message: 'Room does not exist: nowhere', input: 'room' });

    await api.createRoom({ name: 'other' });
    const stranger = issueParticipantToken(sandbox.apiKey, { name: 'x', room: 'other', role: 'user', api: { services: {} }, seconds: 60 });
    const retryLog = new RetryLog();
    const wrong = new RoomSession({
      room: ROOM,
      connect: async () => ({ url: `${sandbox.apiUrl.replace('http:', 'ws:')}/rooms/${ROOM}`, jwt: stranger }),
      retryLog,
    });
    const refused = await listServices(wrong, soon()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RoomError);
    expect(refused).toMatchObject({ status: 403, retryable: false });
    expect((refused as RoomError).message).toBe(`the room ${ROOM} refused the connection with 403: the participant token does not admit to this room`);
    expect((refused as RoomError).hint).toContain('wait: false');
    expect(retryLog.records).toEqual([]);
  });
});
