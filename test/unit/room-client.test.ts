// The room client of src/room against the sandbox's room server (whose protocol MeshAgent's own TypeScript SDK is
// held to in sandbox-room-sdk.test.ts): it joins through POST .../connect with the API key, lists the services with
// their states as the SDK reads them, restarts one, follows a container's logs, connects again after a dropped
// websocket (within its deadline, recorded as a retry), resumes the logs without repeating a line, and refuses a
// room that does not exist or a token for another room at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryLog } from '../../src/http.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { RoomError, RoomSession, followLogs, listServices, restartService, type RoomSessionOptions } from '../../src/room/index.js';
import { issueParticipantToken } from '../../sandbox/participant-token.js';
import type { ServiceRuntimeState } from '../../sandbox/runtime/types.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { FakeRoomRuntime } from '../helpers/fake-room-runtime.js';
import { waitForLive } from '../../src/meshagent/rollout.js';

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

async function addFault(rule: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'POST', body: JSON.stringify(rule) });
  expect(response.ok).toBe(true);
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

  it('asks for a participant token again when POST .../connect fails in a way worth retrying, within the deadline', async () => {
    // One try per call, so the session's own retries are what carries the wait over the API's bad moment.
    const once = new MeshagentClient({
      apiUrl: sandbox.apiUrl,
      apiKey: sandbox.apiKey,
      projectId: sandbox.projectId,
      mask: () => {},
      http: { retry: { maxAttempts: 1 } },
    });
    const retryLog = new RetryLog();
    const room = session({ connect: () => once.connectRoom(ROOM), retryLog });
    try {
      await listServices(room, soon());
      await addFault({ method: 'POST', path: `/rooms/${ROOM}/connect$`, count: 2, status: 503 });
      expect(await dropConnections()).toBe(1);
      expect((await listServices(room, soon())).services).toHaveLength(1);
      expect(retryLog.records.map((r) => r.reason)).toEqual(['connection closed (1006)', expect.stringContaining('503'), expect.stringContaining('503')]);
    } finally {
      room.close();
      await once.close();
      await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('records a room URL without its query, and asks for no token once closed during a backoff', async () => {
    const retryLog = new RetryLog();
    let connects = 0;
    const room = session({
      retryLog,
      retry: { baseDelayMs: 300, maxDelayMs: 300 },
      // A room URL that carries a credential in its query, as some gateways hand out.
      connect: async () => {
        connects += 1;
        if (connects > 1) throw new RoomError('the API had a bad moment', { retryable: true, reason: '503 Service Unavailable' });
        const access = await api.connectRoom(ROOM);
        return { ...access, url: `${access.url}?token=s3cr3t-query` };
      },
    });
    try {
      await listServices(room, soon());
      await dropConnections();
      const failed = listServices(room, soon()).catch((e: unknown) => e);
      await until('a retry', () => retryLog.records.length === 2);
      room.close();
      const seen = connects;
      expect(await failed).toBeInstanceOf(RoomError);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(connects).toBe(seen);
      expect(JSON.stringify(retryLog.records)).not.toContain('s3cr3t');
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

  it('reads a character cut between two chunks whole, also across a dropped websocket, and bounds a line without end', async () => {
    const room = session();
    const lines: string[] = [];
    const stop = new AbortController();
    try {
      runtime.setStates(ROOM, [{ service_id: webId, state: 'running', container_id: 'c-web-3', restart_count: 0, status: { ports: [] } }]);
      const first = Buffer.from('grüße aus köln\n', 'utf8');
      // Cut inside the ü (c3 bc).
      runtime.pushLog('c-web-3', first.subarray(0, 3));
      runtime.pushLog('c-web-3', first.subarray(3));
      const following = followLogs(room, { containerId: 'c-web-3', onLine: (line) => lines.push(line), signal: stop.signal, deadline: () => soon() });
      await until('the first line', () => lines.length === 1);
      await dropConnections();
      const second = Buffer.from('½ done ✓\n', 'utf8');
      runtime.pushLog('c-web-3', second.subarray(0, 1));
      runtime.pushLog('c-web-3', second.subarray(1, 9));
      runtime.pushLog('c-web-3', second.subarray(9));
      await until('the line written across the drop', () => lines.length === 2);
      // Four MiB without a newline: the line is kept to its start, not held whole.
      for (let i = 0; i < 64; i += 1) runtime.pushLog('c-web-3', 'x'.repeat(64 * 1024));
      runtime.exit('c-web-3');
      await following;
      expect(lines.slice(0, 2)).toEqual(['grüße aus köln', '½ done ✓']);
      expect(lines).toHaveLength(3);
      expect(lines[2]?.length).toBeLessThanOrEqual(64 * 1024);
      expect(lines[2]).toMatch(/^x+$/);
    } finally {
      stop.abort();
      room.close();
    }
  });

  it('waits past the state a service without a container had before the deploy, until the room acts on the new spec', async () => {
    const room = session();
    const failedBefore: ServiceRuntimeState = { service_id: webId, state: 'failed', restart_count: 2, last_exit_code: 1, status: { ports: [] } };
    try {
      runtime.setStates(ROOM, [failedBefore]);
      const said: string[] = [];
      const waiting = waitForLive(
        {
          serviceId: webId,
          serviceName: 'web',
          previousContainerId: undefined,
          previousState: { ...failedBefore, status: null },
          liveness: [],
          domain: 'web.example.test',
        },
        { session: room, deadline: soon(5000), log: (line) => said.push(line), onLogLine: () => {}, pollMs: 20 },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      runtime.setStates(ROOM, [{ service_id: webId, state: 'running', container_id: 'c-web-new', restart_count: 0, status: { ports: [] } }]);
      expect((await waiting).containerId).toBe('c-web-new');
      // The CLI's words for a routed service whose liveness cannot be checked, then its words for live.
      expect(said).toEqual([
        `Waiting for service to go live: web (${webId})`,
        'Route created for web.example.test, but the service has no HTTP liveness path to check.',
        'Tailing container logs: c-web-new',
        `Service is live: web (${webId})`,
      ]);
    } finally {
      room.close();
    }
  });

  it('goes through HTTP_PROXY for a ws:// room (a CONNECT tunnel), and direct for a host in NO_PROXY', async () => {
    const tunnels: string[] = [];
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(`${req.url ?? ''} ${req.headers['proxy-authorization'] ?? ''}`);
      const [host, port] = [(req.url ?? '').slice(0, (req.url ?? '').lastIndexOf(':')), Number((req.url ?? '').split(':').pop())];
      const upstream = connect(port, host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://user:pa%3Ass@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const room = session({ env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: 'http://127.0.0.1:9' } });
    const direct = session({ env: { http_proxy: proxyUrl, NO_PROXY: 'example.test, 127.0.0.1' } });
    try {
      expect((await listServices(room, soon())).services).toHaveLength(1);
      const roomPort = new URL(sandbox.apiUrl).port;
      expect(tunnels).toEqual([`127.0.0.1:${roomPort} Basic ${Buffer.from('user:pa:ss').toString('base64')}`]);
      expect((await listServices(direct, soon())).services).toHaveLength(1);
      expect(tunnels).toHaveLength(1);
    } finally {
      room.close();
      direct.close();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('counts a container that has the id of the one before the deploy as new when it started later', async () => {
    const room = session();
    const before: ServiceRuntimeState = {
      service_id: webId,
      state: 'running',
      container_id: 'c-web-same',
      restart_count: 0,
      started_at: 1000,
      status: { ports: [] },
    };
    try {
      runtime.setStates(ROOM, [before]);
      const waiting = waitForLive(
        { serviceId: webId, serviceName: 'web', previousContainerId: 'c-web-same', previousState: { ...before, status: null }, liveness: [] },
        { session: room, deadline: soon(3000), log: () => {}, onLogLine: () => {}, pollMs: 20 },
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      runtime.setStates(ROOM, [{ ...before, started_at: 1060 }]);
      expect((await waiting).containerId).toBe('c-web-same');
    } finally {
      room.close();
    }
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
