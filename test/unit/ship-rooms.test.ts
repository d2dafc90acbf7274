// One image shipped to several rooms, through the whole pipeline: the in-process registry gets the image once, the
// sandbox's API deploys it to each room, and each room runs it through a scripted runtime. A container that crashes
// in one room only is rolled back there, while the other room keeps the new image; the run fails naming that room,
// and the result and the summary have a row per room. One room alone reports as it always has (no rows).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { exitCodeOf, reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { FakeRegistry, type Action } from '../helpers/fake-registry.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { ScriptedRoomRuntime } from '../helpers/scripted-room-runtime.js';
import { buildTar } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'ship-rooms-'));
let sandbox: Sandbox;
let registry: FakeRegistry;

// MODE=crash-in-<room>: the container exits at start in that room, and runs well in every other.
const runtime = new ScriptedRoomRuntime((spec, room) =>
  spec.container?.environment?.find((e) => e.name === 'MODE')?.value === `crash-in-${room}`
    ? { exitCode: 3, exitAfterMs: 0, lines: [`fatal: no config in ${room}`] }
    : { lines: ['listening on 8080'] },
);

beforeAll(async () => {
  registry = await FakeRegistry.start({
    auth: {
      scheme: 'bearer',
      grant: (credentials) => {
        const grant = sandbox.state.data.repositoryTokens.find((t) => t.token === credentials?.password);
        return credentials?.username === 'meshagent' && grant
          ? (repository) => (repository === grant.repository ? (grant.actions as readonly Action[]) : [])
          : undefined;
      },
    },
  });
  sandbox = await startSandbox({ dir: join(work, 'sandbox'), registry: false, registryHost: registry.host, roomRuntime: runtime });
  runtime.attach(sandbox.state);
});

afterAll(async () => {
  await sandbox?.stop();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

function api(): MeshagentClient {
  return new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
}

let counter = 0;
/** A one-layer image whose page differs each time, so every ship pushes a new digest. */
function image(): string {
  counter += 1;
  const dir = join(work, `image-${counter}`);
  writeImageLayout(dir, [
    { platform: { os: 'linux', architecture: 'amd64' }, layers: [buildTar([{ name: 'index.html', data: `page ${counter}` }])], gzip: true },
  ]);
  return `oci:${dir}:latest`;
}

async function ship(room: string, mode: string, inputs: Record<string, string> = {}): Promise<{ result: ShipResult; runner: ConsoleRunner }> {
  const runner = new ConsoleRunner({
    inputs: { room, 'create-room': 'true', builder: 'none', tag: `web:${counter + 1}`, image: image(), ports: '8080', env: `MODE=${mode}`, ...inputs },
    env: { ...sandbox.env(), RUNNER_TEMP: work },
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner);
  await reportResult(result, runner);
  return { result, runner };
}

async function imageIn(room: string): Promise<string> {
  return (await api().serviceImage(room, 'sandbox-web')) ?? 'none';
}

describe('a ship to several rooms', () => {
  it('deploys the image pushed once to each room, with a row per room', async () => {
    const { result, runner } = await ship('north,\nsouth', 'ok');
    expect(result.error).toBeNull();
    expect(result.rooms?.map((r) => [r.room, r.service?.created, r.rollout?.outcome, r.error])).toEqual([
      ['north', true, 'ready', null],
      ['south', true, 'ready', null],
    ]);
    expect(await imageIn('north')).toBe(result.image?.ref);
    expect(await imageIn('south')).toBe(result.image?.ref);
    // One push, then a deploy in each room, each line naming its room.
    expect(result.stages.find((s) => s.name === 'push')?.status).toBe('done');
    expect(result.stages.find((s) => s.name === 'deploy')?.detail).toMatch(/^north: created sandbox-web \([\w-]+\); south: created sandbox-web \([\w-]+\)$/);
    // The outputs stay those of one service: the first room's.
    expect(runner.outputs.get('service-id')).toBe(result.rooms?.[0]?.service?.id);
    expect(runner.summary).toContain('#### Rooms: 2 of 2 shipped');
    expect(runner.summary).toMatch(/\| `north` \| created `[\w-]+` \| ✅ ready in \d+\.\d s \| +\| +\|$/m);
  });

  it('rolls back only the room that fails, keeps the other, and fails the run naming that room', async () => {
    const before = await imageIn('south');
    const { result, runner } = await ship('north, south', 'crash-in-south');
    expect(result.status).toBe('failed');
    expect(exitCodeOf(result, undefined)).toBe(1);
    expect(result.error?.stage).toBe('verify');
    expect(result.error?.message).toMatch(/^1 of 2 rooms failed: south \(rolled back to sha256:\w+: Service container exited before the service was live/);
    expect(result.error?.hint).toMatch(/^north runs the new image; /);
    const [north, south] = result.rooms ?? [];
    expect(north).toMatchObject({ room: 'north', service: { created: false, rollback: null }, rollout: { outcome: 'ready' }, error: null });
    expect(south).toMatchObject({
      room: 'south',
      service: { created: false, rollback: 'restored' },
      rollout: { outcome: 'rolled-back', failure: { reason: 'exited', exitCode: 3 }, logs: ['fatal: no config in south'] },
      error: { stage: 'verify' },
    });
    // What each room runs now: the new image in north, the one it ran before in south.
    expect(await imageIn('north')).toBe(result.image?.ref);
    expect(await imageIn('south')).toBe(before);
    expect(result.stages.find((s) => s.name === 'verify')).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/^north: ready .*; south: rolled back/),
    });
    expect(runner.summary).toContain('#### Rooms: 1 of 2 shipped');
    expect(runner.summary).toMatch(
      /\| `south` \| updated, rolled back \(restored\) `[\w-]+` \| ↩️ rolled back to `sha256:\w+` \| +\| rolled back to sha256:\w+/,
    );
    expect(runner.summary).toContain('Last 1 log line of the new container in room `south`:');
  });

  it('deploys the rooms after one whose deploy fails, which wrote nothing there', async () => {
    const { result } = await ship('absent, north', 'ok', { 'create-room': 'false' });
    expect(result.status).toBe('failed');
    expect(result.error?.stage).toBe('deploy');
    expect(result.error?.message).toMatch(/^1 of 2 rooms failed: absent \(/);
    expect(result.rooms?.map((r) => [r.room, r.service?.created ?? null, r.rollout?.outcome ?? null, r.error?.stage ?? null])).toEqual([
      ['absent', null, null, 'deploy'],
      ['north', false, 'ready', null],
    ]);
    expect(await imageIn('north')).toBe(result.image?.ref);
    expect(await api().getRoom('absent')).toBeUndefined();
  });

  it('plans each room in a dry run', async () => {
    const { result } = await ship('north,elsewhere', 'ok', { 'dry-run': 'true' });
    expect(result.error).toBeNull();
    expect(result.plan?.filter((line) => /^(room|service) /.test(line))).toEqual([
      'room       north',
      'service    sandbox-web would be updated',
      'room       elsewhere would be created',
      'service    sandbox-web would be created',
    ]);
  });

  it('reports one room as before: no rows, the rollout in the heading', async () => {
    const { result, runner } = await ship('north', 'ok');
    expect(result.error).toBeNull();
    expect('rooms' in result).toBe(false);
    expect(result.service?.room).toBe('north');
    expect(runner.summary.split('\n')[2]).toMatch(/^\*\*Rollout:\*\* ✅ ready in/);
    expect(runner.summary).not.toContain('#### Rooms');
  });
});
