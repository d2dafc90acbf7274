// The whole pipeline with the rollout followed in the room (wait, by default), fast: the image goes to the
// in-process registry, the sandbox's API deploys it, and the sandbox's room runs it through a scripted runtime whose
// containers live as the service's MODE variable says (healthy, crash at start, slow start, never live). A healthy
// update reports ready; a crashing one is rolled back to the digest it ran before, with its exit code and last log
// lines in the summary and the result; a new service that fails is stopped (or deleted); rollback: false leaves it;
// wait: false says deployed (not waited); secrets a service prints are hidden.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { exitCodeOf, reportResult, shipFromInputs } from '../../src/ship.js';
import { RunStop } from '../../src/stop.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { FakeRegistry, type Action } from '../helpers/fake-registry.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { ScriptedRoomRuntime, type Behaviour } from '../helpers/scripted-room-runtime.js';
import { buildTar } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'ship-rollout-'));
let sandbox: Sandbox;
let registry: FakeRegistry;
let leakedToken = '';

/** What each MODE does in the room. */
function behaviourOf(mode: string | undefined): Behaviour {
  switch (mode) {
    case 'crash':
      // The service prints its environment on the way out, secrets included.
      return { exitCode: 3, exitAfterMs: 0, lines: ['reading /etc/web.conf', `MESHAGENT_TOKEN=${leakedToken}`, 'fatal: no config at /etc/web.conf'] };
    case 'slow':
      return { startMs: 400, readyAfterMs: 100, lines: ['warming up'] };
    case 'never':
      return { readyAfterMs: null, lines: ['serving, but not the liveness path'] };
    default:
      return { lines: ['listening on 8080'] };
  }
}
const runtime = new ScriptedRoomRuntime((spec) => behaviourOf(spec.container?.environment?.find((e) => e.name === 'MODE')?.value ?? undefined));

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
  // A participant token of the room, as the room would give the container.
  leakedToken = (
    await api()
      .connectRoom('dev')
      .catch(async () => (await api().createRoom({ name: 'dev' }), api().connectRoom('dev')))
  ).jwt;
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

interface Shipped {
  readonly result: ShipResult;
  readonly runner: ConsoleRunner;
  readonly seen: string;
}

async function ship(name: string, mode: string, inputs: Record<string, string> = {}): Promise<Shipped> {
  const runner = new ConsoleRunner({
    inputs: {
      room: 'dev',
      'create-room': 'true',
      builder: 'none',
      tag: `${name}:${counter + 1}`,
      image: image(),
      ports: '8080',
      env: `MODE=${mode}`,
      ...inputs,
    },
    env: { ...sandbox.env(), RUNNER_TEMP: work },
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner);
  await reportResult(result, runner);
  return { result, runner, seen: [...runner.lines, runner.summary, ...runner.outputs.values()].join('\n') };
}

describe('a ship that follows its rollout', () => {
  let good: Shipped;

  it('creates a service and reports it ready once the room says so', async () => {
    good = await ship('web', 'ok');
    expect(good.result.error).toBeNull();
    expect(good.result.rollout).toMatchObject({ outcome: 'ready', restarted: false, failure: null, logs: [], rolledBack: null });
    expect(good.result.rollout?.containerId).toMatch(/^sandbox-web-\d+$/);
    expect(good.result.stages.find((s) => s.name === 'verify')?.detail).toMatch(
      /^ready in \d+\.\d s: sandbox-web runs sha256:\w+ in container sandbox-web-\d+$/,
    );
    expect(good.runner.summary.split('\n')[2]).toMatch(/^\*\*Rollout:\*\* ✅ ready in \d+ ms|^\*\*Rollout:\*\* ✅ ready in \d+\.\d s/);
    expect(good.runner.outputs.get('rollout')).toBe('ready');
  });

  it('restarts an updated service and waits for the new container', async () => {
    const next = await ship('web', 'slow');
    expect(next.result.error).toBeNull();
    expect(next.result.rollout).toMatchObject({ outcome: 'ready', restarted: true });
    expect(next.result.rollout?.readyMs).toBeGreaterThanOrEqual(400);
    const log = next.runner.lines.join('\n');
    expect(log).toContain('Restarting service: sandbox-web (');
    expect(log).toContain('Service liveness is ready: /');
    // The container's output is in the log, in the verify group, while it is waited for.
    expect(log).toMatch(/sandbox-web-\d+ \| warming up/);
  });

  it('rolls a crashing update back to the digest the service ran, with the exit code and its last log lines', async () => {
    const before = await api().findService('dev', 'sandbox-web');
    const previous = (before as { container?: { image?: string } }).container?.image ?? '';
    const digest = previous.slice(previous.indexOf('@') + 1);
    const crashed = await ship('web', 'crash');
    const { result } = crashed;
    expect(result.status).toBe('failed');
    expect(result.error?.stage).toBe('verify');
    expect(result.error?.message).toMatch(
      new RegExp(`^rolled back to ${digest}: Service container exited before the service was live: sandbox-web \\([\\w-]+\\), exit code 3, restart count 1$`),
    );
    expect(result.rollout).toMatchObject({
      outcome: 'rolled-back',
      failure: { reason: 'exited', exitCode: 3, restartCount: 1 },
      rolledBack: { service: 'restored', digest, image: previous, live: true },
    });
    // The last lines, secrets hidden (the participant token the service printed, by its shape).
    expect(result.rollout?.logs).toEqual(['reading /etc/web.conf', 'MESHAGENT_TOKEN=***', 'fatal: no config at /etc/web.conf']);
    expect(crashed.seen).not.toContain(leakedToken);
    expect(result.service).toMatchObject({ created: false, rollback: 'restored' });
    // The room runs the previous image again, in a new container.
    expect((await api().serviceImage('dev', 'sandbox-web')) ?? '').toBe(previous);
    expect(runtime.started.at(-1)?.image).toBe(previous);
    expect(crashed.runner.outputs.get('rollout')).toBe('rolled-back');
    expect(crashed.runner.outputs.get('rolled-back-to')).toBe(digest);
    const summary = crashed.runner.summary;
    expect(summary.split('\n')[2]).toMatch(new RegExp(`^\\*\\*Rollout:\\*\\* ↩️ failed and rolled back to \`${digest}\`: Service container exited`));
    expect(summary).toContain(
      'Last 3 log lines of the new container:\n\n```\nreading /etc/web.conf\nMESHAGENT_TOKEN=***\nfatal: no config at /etc/web.conf\n```',
    );
  });

  it('rolls back a liveness path that never answers, once the wait runs out', async () => {
    // Two seconds: the room is looked at every second, as the CLI does, and the previous container needs one look.
    const stuck = await ship('web', 'never', { wait: '2s' });
    expect(stuck.result.error?.message).toMatch(
      /^rolled back to sha256:\w+: timed out waiting for deployed service to become live: sandbox-web \([\w-]+\); container sandbox-web-\d+ running, liveness \/ not_ready$/,
    );
    expect(stuck.result.rollout).toMatchObject({ outcome: 'rolled-back', failure: { reason: 'timeout' }, logs: ['serving, but not the liveness path'] });
  });

  it('leaves a failed update in place with rollback: false, and says so', async () => {
    const left = await ship('web', 'crash', { rollback: 'false' });
    expect(left.result.error?.message).toMatch(/exit code 3, restart count 1; not rolled back \(rollback: false\): the new spec stays in place$/);
    expect(left.result.rollout).toMatchObject({ outcome: 'failed', rolledBack: null });
    expect(left.result.service?.rollback).toBeNull();
    expect(await api().serviceImage('dev', 'sandbox-web')).toBe(left.result.image?.ref);
    expect(left.runner.outputs.get('rollout')).toBe('failed');
  });

  it('stops a new service that does not become live (kept, with its route), and the next ship starts it again', async () => {
    const failed = await ship('fresh', 'crash', { domain: 'fresh.sandbox.localhost' });
    expect(failed.result.error?.message).toMatch(
      /^rolled back: service sandbox-fresh, created by this run, was stopped \(enabled: false; the next ship starts it again\): Service container exited/,
    );
    expect(failed.result.rollout).toMatchObject({ outcome: 'rolled-back', rolledBack: { service: 'stopped', digest: null, live: null } });
    expect(failed.result.service).toMatchObject({ created: true, rollback: 'stopped' });
    const stopped = (await api().findService('dev', 'sandbox-fresh')) as { enabled?: boolean; metadata: { annotations?: Record<string, string> } };
    expect(stopped.enabled).toBe(false);
    expect(stopped.metadata.annotations?.['com.meshagent.ship.stopped-by-rollback']).toBe('true');
    expect(await api().getRoute('fresh.sandbox.localhost')).toBeDefined();
    expect(runtime.list('dev').some((s) => s.service_id === failed.result.service?.id)).toBe(false);

    const fixed = await ship('fresh', 'ok', { domain: 'fresh.sandbox.localhost' });
    expect(fixed.result.error).toBeNull();
    expect(fixed.result.rollout?.outcome).toBe('ready');
    const started = (await api().findService('dev', 'sandbox-fresh')) as { enabled?: boolean; metadata: { annotations?: Record<string, string> } };
    expect(started.enabled).toBe(true);
    expect(started.metadata.annotations?.['com.meshagent.ship.stopped-by-rollback']).toBeUndefined();
  });

  it('deletes a new service that does not become live, and its route, with rollback-new-service: delete', async () => {
    const failed = await ship('gone', 'crash', { domain: 'gone.sandbox.localhost', 'rollback-new-service': 'delete' });
    expect(failed.result.error?.message).toMatch(/^rolled back: service sandbox-gone, created by this run, was deleted with the route it claimed: /);
    expect(failed.result.service).toMatchObject({ created: true, rollback: 'removed' });
    expect(await api().findService('dev', 'sandbox-gone')).toBeUndefined();
    expect(await api().getRoute('gone.sandbox.localhost')).toBeUndefined();
  });

  it('stops waiting when the run is stopped, leaving the deploy in place (exit 130)', async () => {
    const stop = new RunStop({ exit: () => {} });
    const runner = new ConsoleRunner({
      inputs: { room: 'dev', builder: 'none', tag: 'web:stopped', image: image(), ports: '8080', env: 'MODE=never' },
      env: { ...sandbox.env(), RUNNER_TEMP: work },
      stdout: (text) => {
        if (text.includes('Waiting for service to go live') && !stop.signal.aborted) stop.receive('SIGINT');
      },
      stderr: () => {},
    });
    const result = await shipFromInputs(runner, { stop });
    expect(result.error).toMatchObject({ stage: 'verify', message: 'stopped by SIGINT' });
    expect(exitCodeOf(result, stop)).toBe(130);
    expect(result.service?.rollback).toBeNull();
    expect(await api().serviceImage('dev', 'sandbox-web')).toBe(result.image?.ref);
  });

  it('says deployed (not waited) with wait: false, and asks the room nothing', async () => {
    const startedBefore = runtime.started.length;
    const unwaited = await ship('web', 'crash', { wait: 'false' });
    expect(unwaited.result.error).toBeNull();
    expect(unwaited.result.rollout).toMatchObject({ outcome: 'not-waited', restarted: false });
    expect(unwaited.result.stages.find((s) => s.name === 'verify')?.detail).toMatch(
      /^deployed \(not waited\): sandbox-web is set to run sha256:\w+ \(wait: false\)$/,
    );
    expect(unwaited.runner.outputs.get('rollout')).toBe('not-waited');
    expect(unwaited.runner.lines.join('\n')).not.toContain('Restarting service');
    // Nobody looked at the room, so its runtime started nothing.
    expect(runtime.started.length).toBe(startedBefore);
  });
});
