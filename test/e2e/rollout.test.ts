// A rollout that does not lie, end to end against the sandbox's room runtime (containerd, runc, the stargz
// snapshotter): images built here by buildah from scripted Dockerfiles (busybox FROM scratch) are shipped to one
// service with the default wait. A healthy update is restarted, waited for and reported ready; an image that crashes
// at start fails with its exit code and log lines and is rolled back, and the previous image answers on the domain
// again; a liveness path that never answers times out and is rolled back; a service that needs 20 s to start is
// waited for. The legs' results, kept by ship.yml's own step, make the kit's aggregated report say each outcome.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { aggregate, renderMarkdown } from '../../src/services/report.js';
import type { RuntimeReportEntry } from '../../sandbox/runtime/runtime.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

const infra = inject('infra');
const DOMAIN = 'web.sandbox.localhost';
let sandbox: Sandbox;
let work: string;

/** The services the images run: examples/hello's httpd, after whatever the kind does first. */
const ENTRYPOINTS = {
  healthy: ['/bin/busybox', 'httpd', '-f', '-v', '-p', '8080', '-h', '/www'],
  // Says what it does, then gives up, as a service with a missing setting does.
  crash: ['/bin/busybox', 'sh', '-c', 'echo "starting web"; echo "fatal: WEB_CONFIG is not set" >&2; exit 3'],
  slow: ['/bin/busybox', 'sh', '-c', 'echo "warming up for 20 s"; /bin/busybox sleep 20; exec /bin/busybox httpd -f -v -p 8080 -h /www'],
} as const;

/** A build context of examples/hello with the entrypoint of `kind`: the images are made here, by script. */
function context(kind: keyof typeof ENTRYPOINTS): string {
  const dir = join(work, kind);
  cpSync(fileURLToPath(new URL('../../examples/hello', import.meta.url)), dir, { recursive: true });
  copyFileSync(infra.busybox, join(dir, 'busybox'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    ['FROM scratch', 'COPY busybox /bin/busybox', 'COPY www /www', 'EXPOSE 8080', `ENTRYPOINT ${JSON.stringify(ENTRYPOINTS[kind])}`, ''].join('\n'),
  );
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rollout-e2e-'));
  sandbox = await startSandbox({ dir: join(work, 'sbx'), runtime: { backoff: { initialMs: 1000, maxMs: 4000 }, probeIntervalMs: 200 }, log: () => {} });
  for (const kind of Object.keys(ENTRYPOINTS) as (keyof typeof ENTRYPOINTS)[]) context(kind);
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Shipped {
  readonly result: ShipResult;
  readonly runner: ConsoleRunner;
  readonly log: string;
}

/** Ships a context to service `web` in room `roll`, public on its domain, with the default wait unless given. */
async function ship(kind: keyof typeof ENTRYPOINTS, inputs: Record<string, string> = {}): Promise<Shipped> {
  const runner = new ConsoleRunner({
    inputs: {
      room: 'roll',
      'create-room': 'true',
      context: join(work, kind),
      builder: 'buildah',
      tag: `web:${kind}`,
      'service-name': 'web',
      domain: DOMAIN,
      public: 'true',
      ...inputs,
    },
    env: { ...sandbox.env(), RUNNER_TEMP: work },
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner, { builders: { buildah: { command: infra.buildah, isolation: 'chroot' } } });
  await reportResult(result, runner);
  return { result, runner, log: runner.lines.join('\n') };
}

/** GET through the sandbox's router, by Host header. */
function viaRouter(path = '/'): Promise<{ status: number; body: string }> {
  const [host, port] = (sandbox.routerHost ?? '').split(':');
  return new Promise((resolve, reject) => {
    request({ host, port: Number(port), path, headers: { host: DOMAIN } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (text: string) => (body += text));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

async function runtimeEntry(): Promise<RuntimeReportEntry | undefined> {
  const response = await fetch(`${sandbox.apiUrl}/_sandbox/runtime`, { headers: { authorization: `Bearer ${sandbox.apiKey}` } });
  return ((await response.json()) as { services: RuntimeReportEntry[] }).services.find((s) => s.name === 'web');
}

const legs: { service: string; shipped: Shipped }[] = [];

describe('a rollout followed in the sandbox room', () => {
  let healthy: Shipped;

  it('creates the service and reports it ready; a healthy update is restarted, waited for and reported ready', async () => {
    expect(sandbox.runtime, 'the runtime runs on this machine').toBeDefined();
    const created = await ship('healthy', { env: 'GREETING=one' });
    expect(created.result.error).toBeNull();
    expect(created.result.rollout).toMatchObject({ outcome: 'ready', restarted: false });

    healthy = await ship('healthy', { env: 'GREETING=two' });
    const { result } = healthy;
    expect(result.error).toBeNull();
    expect(result.rollout).toMatchObject({ outcome: 'ready', restarted: true, failure: null });
    const entry = await runtimeEntry();
    expect(entry).toMatchObject({ state: 'running', image: result.image?.ref, container_id: result.rollout?.containerId });
    expect(result.rollout?.containerId).not.toBe(created.result.rollout?.containerId);
    expect(healthy.log).toContain(`Restarting service: web (${result.service?.id})`);
    expect(healthy.log).toContain('Service liveness is ready: /');
    // The public URL was probed through the sandbox's router (MESHAGENT_SHIP_PROBE_ORIGIN), at the liveness path.
    expect(result.probe).toMatchObject({ url: `https://${DOMAIN}/`, status: 200, ok: true });
    expect(healthy.runner.summary.split('\n')[2]).toMatch(/^\*\*Rollout:\*\* ✅ ready in (\d+ ms|\d+\.\d s)/);
    legs.push({ service: 'healthy', shipped: healthy });
  });

  it('fails an image that crashes at start with its exit code and log lines, rolls back, and the previous image answers again', async () => {
    const crashed = await ship('crash');
    const { result } = crashed;
    const previous = healthy.result.image?.digest ?? '';
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(
      new RegExp(`^rolled back to ${previous}: Service container exited before the service was live: web \\([\\w-]+\\), exit code 3, restart count [1-9]\\d*$`),
    );
    expect(result.rollout).toMatchObject({
      outcome: 'rolled-back',
      failure: { reason: 'exited', exitCode: 3 },
      rolledBack: { service: 'restored', digest: previous, live: true },
    });
    expect(result.rollout?.failure?.restartCount).toBeGreaterThanOrEqual(1);
    expect(result.rollout?.logs).toEqual(expect.arrayContaining(['starting web', 'fatal: WEB_CONFIG is not set']));
    expect(crashed.runner.summary).toContain('fatal: WEB_CONFIG is not set');
    expect(crashed.runner.outputs.get('rolled-back-to')).toBe(previous);
    // The room runs the previous image again, and its page answers on the domain.
    const entry = await runtimeEntry();
    expect(entry).toMatchObject({ state: 'running', image: healthy.result.image?.ref, restart_count: 0 });
    const page = await viaRouter();
    expect(page.status).toBe(200);
    expect(page.body).toContain('Hello from a MeshAgent room service');
    legs.push({ service: 'crash', shipped: crashed });
  });

  it('times out on a liveness path that never answers, and rolls back', async () => {
    const stuck = await ship('healthy', { env: 'GREETING=three', liveness: '/healthz', wait: '8s' });
    const { result } = stuck;
    expect(result.error?.message).toMatch(
      /^rolled back to sha256:\w+: timed out waiting for deployed service to become live: web \([\w-]+\); container web-\w+ running, liveness \/healthz not_ready \(liveness \/healthz answered 404\)$/,
    );
    expect(result.rollout).toMatchObject({ outcome: 'rolled-back', failure: { reason: 'timeout' }, rolledBack: { live: true } });
    expect((await viaRouter()).status).toBe(200);
  });

  it('waits for a service that needs 20 s to start', async () => {
    const slow = await ship('slow', { wait: '90s' });
    expect(slow.result.error).toBeNull();
    expect(slow.result.rollout?.outcome).toBe('ready');
    expect(slow.result.rollout?.readyMs).toBeGreaterThanOrEqual(20_000);
    expect(slow.log).toMatch(/web-\w+ \| warming up for 20 s/);
    expect((await viaRouter()).status).toBe(200);
    legs.push({ service: 'slow', shipped: slow });
  }, 180_000);

  it('says deployed (not waited) with wait: false', async () => {
    const quick = await ship('healthy', { env: 'GREETING=four', wait: 'false' });
    expect(quick.result.error).toBeNull();
    expect(quick.result.rollout?.outcome).toBe('not-waited');
    legs.push({ service: 'unwaited', shipped: quick });
  });

  it("makes the kit's aggregated report say each leg's outcome, from the leg files ship.yml keeps", () => {
    const workflow = parse(readFileSync('.github/workflows/ship.yml', 'utf8')) as {
      jobs: { ship: { steps: { name?: string; run?: string }[] } };
    };
    const keep = workflow.jobs.ship.steps.find((s) => s.name === 'Keep the result')?.run ?? '';
    const results = join(work, 'results');
    for (const { service, shipped } of legs) {
      const temp = join(work, `leg-${service}`);
      mkdirSync(temp, { recursive: true });
      const out = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', keep], {
        env: {
          PATH: process.env.PATH ?? '',
          RUNNER_TEMP: temp,
          SERVICE: service,
          TAG: shipped.result.image?.tag ?? '',
          OUTCOME: shipped.result.status === 'failed' ? 'failure' : 'success',
          RESULT: shipped.runner.outputs.get('result') ?? '',
          DIGEST: shipped.runner.outputs.get('digest') ?? '',
          IMAGE_REF: shipped.runner.outputs.get('image-ref') ?? '',
          SERVICE_URL: shipped.runner.outputs.get('service-url') ?? '',
          STARTED: '1000',
        },
        encoding: 'utf8',
      });
      expect(out.status, out.stderr).toBe(0);
      mkdirSync(join(results, `meshagent-ship-default-1a2b-${service}`), { recursive: true });
      copyFileSync(join(temp, 'meshagent-ship-leg', 'leg.json'), join(results, `meshagent-ship-default-1a2b-${service}`, 'leg.json'));
    }
    const report = aggregate(results, ['crash', 'healthy', 'slow', 'unwaited']);
    expect(report.services.map((r) => [r.service, r.status, r.rollout])).toEqual([
      ['crash', 'failed', 'rolled-back'],
      ['healthy', 'shipped', 'ready'],
      ['slow', 'shipped', 'ready'],
      ['unwaited', 'shipped', 'not-waited'],
    ]);
    const markdown = renderMarkdown(report);
    const status = (service: string) =>
      markdown
        .split('\n')
        .find((line) => line.startsWith(`| ${service} |`))
        ?.split(' | ')[4];
    expect(status('crash')).toBe(`❌ failed, rolled back to \`${healthy.result.image?.digest?.slice(0, 19)}\``);
    expect(status('healthy')).toMatch(/^✅ shipped, ready in (\d+ ms|\d+\.\d s)$/);
    expect(status('slow')).toMatch(/^✅ shipped, ready in \d+\.\d s$/);
    expect(status('unwaited')).toBe('✅ shipped, deployed (not waited)');
    expect(report.ok).toBe(false);
  });
});
