// The rollout wait (src/meshagent/rollout.ts) against the sandbox's room server, whose runtime is scripted per image
// (test/helpers/scripted-room-runtime.ts): a new container that becomes live, one that crashes at start, one that
// starts slowly, a liveness path that never answers, a websocket dropped during the wait, and a room that never
// starts a new container. Each case runs in well under a second: the waits are short, the logic is the CLI's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryLog } from '../../src/http.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { RolloutFailed, waitForLive, type RolloutTarget } from '../../src/meshagent/rollout.js';
import type { ServiceSpec } from '../../src/meshagent/wire.js';
import { RoomSession, listServices } from '../../src/room/index.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { ScriptedRoomRuntime, type Behaviour } from '../helpers/scripted-room-runtime.js';

const ROOM = 'rollout';
const IMAGE = (name: string) => `registry.test/key/web@sha256:${name.padEnd(64, '0')}`;
const BEHAVIOURS: Record<string, Behaviour> = {
  good: { lines: ['starting', 'listening on 8080'] },
  good2: { lines: ['starting again'] },
  crash: { exitCode: 3, exitAfterMs: 0, lines: ['reading config', 'fatal: no config at /etc/web.conf'] },
  slow: { startMs: 300, readyAfterMs: 200, lines: ['warming up'] },
  never: { readyAfterMs: null, lines: ['serving, but not /healthz'] },
  unpullable: { unstartable: true },
};
const runtime = new ScriptedRoomRuntime((spec) => BEHAVIOURS[Object.keys(BEHAVIOURS).find((name) => spec.container?.image === IMAGE(name)) ?? 'good'] ?? {});
const work = mkdtempSync(join(tmpdir(), 'rollout-'));
let sandbox: Sandbox;
let api: MeshagentClient;

beforeAll(async () => {
  sandbox = await startSandbox({ dir: work, registry: false, roomRuntime: runtime });
  runtime.attach(sandbox.state);
  api = new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
  await api.createRoom({ name: ROOM });
});

afterAll(async () => {
  await api?.close();
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

function spec(name: string, image: string): ServiceSpec {
  return {
    version: 'v1',
    kind: 'Service',
    enabled: true,
    metadata: { name },
    ports: [{ num: 8080, type: 'http', published: true, liveness: '/healthz', endpoints: [] }],
    container: { image: IMAGE(image), private: true },
  };
}

interface Case {
  readonly target: RolloutTarget;
  readonly session: RoomSession;
  readonly log: string[];
  readonly output: string[];
  readonly retries: RetryLog;
}

/** A service running `from`, updated to `to`: the target a deploy would wait for. */
async function updated(name: string, from: string, to: string): Promise<Case> {
  const id = await api.createService(ROOM, spec(name, from));
  const retries = new RetryLog();
  const session = new RoomSession({ room: ROOM, connect: () => api.connectRoom(ROOM), retryLog: retries, retry: { baseDelayMs: 20, maxDelayMs: 50 } });
  const before = (await listServices(session, Date.now() + 5000)).states.get(id)?.container_id ?? undefined;
  expect(before).toBeDefined();
  await api.updateService(ROOM, id, spec(name, to));
  return {
    target: { serviceId: id, serviceName: name, previousContainerId: before, liveness: [{ port: 8080, path: '/healthz' }] },
    session,
    log: [],
    output: [],
    retries,
  };
}

function wait(c: Case, ms: number) {
  return waitForLive(c.target, { session: c.session, deadline: Date.now() + ms, log: (l) => c.log.push(l), onLogLine: (l) => c.output.push(l), pollMs: 20 });
}

async function failure(promise: Promise<unknown>): Promise<RolloutFailed> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RolloutFailed);
  return error as RolloutFailed;
}

describe('the rollout wait', () => {
  it('waits for a new container whose liveness is ready, in the CLI words, following its log', async () => {
    const c = await updated('healthy', 'good', 'good2');
    try {
      const live = await wait(c, 5000);
      expect(live.containerId).not.toBe(c.target.previousContainerId);
      expect(live.containerId).toMatch(/^healthy-\d+$/);
      expect(c.log).toEqual([
        `Waiting for service to go live: healthy (${c.target.serviceId})`,
        'Waiting for service liveness: /healthz',
        `Tailing container logs: ${live.containerId}`,
        'Service liveness is ready: /healthz',
      ]);
    } finally {
      c.session.close();
    }
  });

  it('fails a container that exits at start with its exit code, and has its last log lines', async () => {
    const c = await updated('crasher', 'good', 'crash');
    try {
      const error = await failure(wait(c, 5000));
      expect(error.message).toBe(`Service container exited before the service was live: crasher (${c.target.serviceId}), exit code 3, restart count 1`);
      expect(error.kind).toBe('exited');
      expect(error.last).toMatchObject({ exitCode: 3, restartCount: 1 });
      expect(c.output).toEqual(['reading config', 'fatal: no config at /etc/web.conf']);
    } finally {
      c.session.close();
    }
  });

  it('waits for a service that starts slowly', async () => {
    const c = await updated('slowpoke', 'good', 'slow');
    try {
      const started = Date.now();
      await wait(c, 5000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(c.output).toEqual(['warming up']);
    } finally {
      c.session.close();
    }
  });

  it('times out on a liveness path that never answers, saying what the room reported', async () => {
    const c = await updated('unready', 'good', 'never');
    try {
      const error = await failure(wait(c, 600));
      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(
        new RegExp(
          `^timed out waiting for deployed service to become live: unready \\(${c.target.serviceId}\\); container unready-\\d+ running, liveness /healthz not_ready$`,
        ),
      );
      expect(c.output).toEqual(['serving, but not /healthz']);
    } finally {
      c.session.close();
    }
  });

  it('connects again when the websocket drops during the wait, and still sees the service go live', async () => {
    const c = await updated('dropped', 'good', 'slow');
    try {
      const waiting = wait(c, 5000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const dropped = (await (await fetch(`${sandbox.apiUrl}/_sandbox/room-connections/drop`, { method: 'POST' })).json()) as { dropped: number };
      expect(dropped.dropped).toBe(1);
      await waiting;
      expect(c.retries.records.length).toBeGreaterThanOrEqual(1);
      expect(c.retries.records[0]).toMatchObject({ method: 'WS', reason: 'connection closed (1006)' });
      // The log was followed across the drop, and no line was said twice.
      expect(c.output).toEqual(['warming up']);
    } finally {
      c.session.close();
    }
  });

  it('fails at once when the room cannot start the new container', async () => {
    const c = await updated('broken', 'good', 'unpullable');
    try {
      const error = await failure(wait(c, 5000));
      expect(error.kind).toBe('failed');
      expect(error.message).toBe(`Service container could not be started before the service was live: broken (${c.target.serviceId})`);
    } finally {
      c.session.close();
    }
  });

  it('fails when the room replaces the container it follows before it is live', async () => {
    const c = await updated('replaced', 'good', 'slow');
    try {
      const waiting = wait(c, 5000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(c.log.some((line) => line.startsWith('Tailing container logs: '))).toBe(true);
      await runtime.restart(ROOM, c.target.serviceId);
      const error = await failure(waiting);
      expect(error.kind).toBe('changed');
      expect(error.message).toBe(`Service container changed before the service was live: replaced (${c.target.serviceId}), exit code unknown`);
    } finally {
      c.session.close();
    }
  });

  it('times out when the room never starts another container', async () => {
    const id = await api.createService(ROOM, spec('stuck', 'good'));
    const session = new RoomSession({ room: ROOM, connect: () => api.connectRoom(ROOM) });
    try {
      const before = (await listServices(session, Date.now() + 5000)).states.get(id)?.container_id ?? undefined;
      const c: Case = {
        target: { serviceId: id, serviceName: 'stuck', previousContainerId: before, liveness: [{ port: 8080, path: '/healthz' }] },
        session,
        log: [],
        output: [],
        retries: new RetryLog(),
      };
      const error = await failure(wait(c, 300));
      expect(error.message).toBe(`timed out waiting for deployed service to become live: stuck (${id}); no new container was seen`);
      expect(c.log).not.toContain(expect.stringContaining('Tailing'));
    } finally {
      session.close();
    }
  });
});
