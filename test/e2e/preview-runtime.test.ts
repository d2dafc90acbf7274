// A pull request's preview, end to end against the sandbox with its room runtime (real containerd, runc, the stargz
// snapshotter, the router): two services of a repository are listed as preview.yml lists them (inputs digests, the
// preview room, the domain template), compared with the room (missing: both ship), built with buildah, shipped and
// waited for until their containers serve; one file of one service changes and the comparison lists only that one,
// whose container alone is replaced; then the teardown with --tags leaves no room, service, route, tag, container,
// task or mount behind.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keepUndeployed, servicesMatrix } from '../../src/commands/services.js';
import { teardown } from '../../src/commands/teardown.js';
import { ConsoleRunner } from '../../src/runner.js';
import type { Leg } from '../../src/services/matrix.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { sandboxTags } from '../helpers/sandbox-tags.js';
import { runAsync } from '../infra/env.js';

const infra = inject('infra');
const ROOM = 'pr-5';
const OPTIONS = { 'inputs-digest': 'true', 'preview-room': ROOM, 'domain-template': '{service}-pr-5.sandbox.localhost' };
let sandbox: Sandbox;
let work: string;
let repo: string;

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });

/**
 * A service directory: busybox's httpd serving www/, FROM scratch (as examples/hello). Each on a port of its own: a
 * room's routes name the room's port, so two services of one room cannot both serve 8080.
 */
function service(name: string, page: string, port: number): void {
  const dir = join(repo, 'services', name);
  mkdirSync(join(dir, 'www'), { recursive: true });
  copyFileSync(infra.busybox, join(dir, 'busybox'));
  writeFileSync(join(dir, 'www', 'index.html'), page);
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nEXPOSE ${port}\nENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "${port}", "-h", "/www"]\n`,
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'preview-rt-'));
  sandbox = await startSandbox({ dir: join(work, 'sbx'), runtime: { probeIntervalMs: 200 }, log: () => {} });
  repo = join(work, 'repo');
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
  writeFileSync(
    join(repo, 'meshagent-ship.yml'),
    [
      'defaults: { builder: buildah, public: true, liveness: / }',
      'services:',
      '  - { name: web, context: services/web, tag: web }',
      '  - { name: api, context: services/api, tag: api }',
      '',
    ].join('\n'),
  );
  service('web', '<p>web one</p>\n', 8080);
  service('api', '<p>api one</p>\n', 8081);
  git('add', '-A');
  git('commit', '-q', '-m', 'two services');
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The legs preview.yml's discover would ship now: the preview's matrix, less what the room runs already. */
async function toShip(): Promise<Leg[]> {
  const log: string[] = [];
  const matrix = await keepUndeployed(servicesMatrix(repo, OPTIONS).matrix, {}, sandbox.env(), (line) => log.push(line));
  return [...matrix.include];
}

/** Ships one leg as ship.yml's matrix job does: the leg's inputs are the action's. */
async function ship(leg: Leg) {
  const { service: _name, context, ...inputs } = leg;
  const runner = new ConsoleRunner({ inputs: { ...inputs, context: join(repo, context ?? '.') }, env: sandbox.env(), stdout: () => {}, stderr: () => {} });
  const result = await shipFromInputs(runner, { builders: { buildah: { command: infra.buildah, isolation: 'chroot' } } });
  await reportResult(result, runner);
  expect(result.error, runner.lines.join('\n')).toBeNull();
  return result;
}

function viaRouter(domain: string): Promise<{ status: number; body: string }> {
  const [host, port] = (sandbox.routerHost ?? '').split(':');
  return new Promise((resolve, reject) => {
    request({ host, port: Number(port), path: '/', headers: { host: domain } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (text: string) => (body += text));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

const containerOf = (name: string) => sandbox.runtime?.list(ROOM).find((s) => s.service_id === idOf(name))?.container_id ?? undefined;
const idOf = (name: string) => sandbox.state.data.services[ROOM]?.find((s) => s.metadata.name === name)?.id;
const ctr = async (...args: string[]) =>
  (await runAsync('ctr', ['-a', join(sandbox.runtime?.workDir ?? '', 'containerd.sock'), '-n', 'meshagent-sandbox', ...args])).stdout.trim();
/**
 * The mounts of the room's containers: each task's root file system, and the image and storage mounts under it.
 * (The snapshotter's layer mounts belong to the pulled images, which the runtime keeps as a cache.)
 */
const containerMounts = () =>
  readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter(
      (line) => line.includes(join(work, 'sbx')) && (line.includes('/io.containerd.runtime.v2.task/meshagent-sandbox/') || line.includes('/containers/')),
    );

const tagsOf = (repository: string): Promise<string[]> => sandboxTags(sandbox, repository);

describe('a preview in the room runtime', () => {
  const web = () => `${sandbox.projectKey}-web`;
  const apiName = () => `${sandbox.projectKey}-api`;

  it('opens: both services ship into the ephemeral room and serve on their preview domains', async () => {
    expect(sandbox.runtime, 'the runtime runs on this machine').toBeDefined();
    const legs = await toShip();
    expect(legs.map((l) => l.service)).toEqual(['web', 'api']);
    for (const leg of legs) expect((await ship(leg)).rollout?.outcome).toBe('ready');
    expect(sandbox.state.data.rooms.find((r) => r.name === ROOM)?.annotations).toMatchObject({ 'meshagent.storage.class': 'ephemeral' });
    expect(await viaRouter('web-pr-5.sandbox.localhost')).toEqual({ status: 200, body: '<p>web one</p>\n' });
    expect(await viaRouter('api-pr-5.sandbox.localhost')).toEqual({ status: 200, body: '<p>api one</p>\n' });
    // Shipped again at once, nothing would ship.
    expect(await toShip()).toEqual([]);
  });

  it('updates: only the changed service is listed and re-shipped; the other keeps its container', async () => {
    const apiBefore = containerOf(apiName());
    const webBefore = containerOf(web());
    expect(apiBefore && webBefore).toBeTruthy();
    writeFileSync(join(repo, 'services', 'web', 'www', 'index.html'), '<p>web two</p>\n');
    git('commit', '-q', '-am', 'web changes');
    const legs = await toShip();
    expect(legs.map((l) => l.service)).toEqual(['web']);
    expect((await ship(legs[0] as Leg)).rollout?.outcome).toBe('ready');
    expect(await viaRouter('web-pr-5.sandbox.localhost')).toEqual({ status: 200, body: '<p>web two</p>\n' });
    expect(containerOf(web())).not.toBe(webBefore);
    expect(containerOf(apiName())).toBe(apiBefore);
    expect(await toShip()).toEqual([]);
    // What the teardown must undo is there now: the checks after it would see it.
    expect((await ctr('tasks', 'ls', '-q')).split('\n')).toHaveLength(2);
    expect(containerMounts().length).toBeGreaterThan(0);
  });

  it('closes: the teardown leaves no room, service, route, tag, container, task or mount', async () => {
    const runner = new ConsoleRunner({ env: sandbox.env(), stdout: () => {}, stderr: () => {} });
    const done = await teardown(runner, { room: ROOM, tags: true });
    expect(done.report.servicesRemoved.map((s) => s.name).sort()).toEqual([apiName(), web()].sort());
    expect(done.report.roomState).toBe('deleted');
    expect(done.tags.map((t) => `${t.repository}:${t.tag}:${t.state}`).sort()).toEqual([`api:${ROOM}:deleted`, `web:${ROOM}:deleted`]);

    expect(sandbox.state.data.rooms.map((r) => r.name)).toEqual([]);
    expect(sandbox.state.data.services[ROOM]).toBeUndefined();
    expect(sandbox.state.data.routes).toEqual([]);
    expect(await tagsOf('web')).toEqual([]);
    expect(await tagsOf('api')).toEqual([]);
    expect((await viaRouter('web-pr-5.sandbox.localhost')).status).toBe(404);
    // The runtime stops the containers after the API forgets them: wait for the tasks, containers and mounts to go.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [tasks, containers] = [await ctr('tasks', 'ls', '-q'), await ctr('containers', 'ls', '-q')];
      if (tasks === '' && containers === '' && containerMounts().length === 0) break;
      if (Date.now() > deadline) throw new Error(`left behind: tasks ${tasks} containers ${containers} mounts ${containerMounts().join('; ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(sandbox.runtime?.list(ROOM) ?? []).toEqual([]);

    const again = await teardown(runner, { room: ROOM, tags: true });
    expect(again.nothingLeft).toBe(true);
  });
});
