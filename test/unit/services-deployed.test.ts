// Change detection against what is deployed: each leg's inputs digest (what it covers and what it leaves out), the
// preview's per-leg overrides, the annotation a ship writes, and the comparison with the services a sandbox room
// runs (a missing room or service, another digest, no digest, no key, an API that cannot be reached).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keepUndeployed, servicesMatrix } from '../../src/commands/services.js';
import { ShipError } from '../../src/errors.js';
import { parseConfig } from '../../src/inputs/parse-config.js';
import { readRawInputs } from '../../src/inputs/raw-inputs.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { buildServiceSpec } from '../../src/meshagent/service-spec.js';
import type { Matrix } from '../../src/services/matrix.js';
import type { Sandbox } from '../../sandbox/server.js';
import { startApiSandbox } from '../helpers/api-sandbox.js';
import { serviceOptions } from '../helpers/service-options.js';

const DIGEST_ANNOTATION = 'com.meshagent.ship.inputs-digest';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const MANIFEST = [
  'services:',
  '  - name: api',
  '    context: services/api',
  '    tag: api',
  '    ports: [8080]',
  '  - name: web',
  '    context: services/web',
  '    tag: web',
  '    service-name: web',
  '    paths: [shared/**]',
  '',
].join('\n');

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'ship-digest-'));
  dirs.push(root);
  git(root, 'init', '-q', '-b', 'main');
  write(root, {
    'meshagent-ship.yml': MANIFEST,
    'services/api/Dockerfile': 'FROM scratch\n',
    'services/api/main.py': 'print(1)\n',
    'services/web/Dockerfile': 'FROM scratch\n',
    'shared/lib.txt': 'one\n',
    '.gitignore': 'services/api/build/\n',
  });
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'first');
  return root;
}

const digests = (root: string, options: Record<string, string> = {}) =>
  Object.fromEntries(servicesMatrix(root, { 'inputs-digest': 'true', ...options }).matrix.include.map((l) => [l.service, l['inputs-digest']]));

describe('the inputs digest', () => {
  it('is a sha256 per leg, the same for the same inputs, and absent unless asked for', () => {
    const root = repo();
    const first = digests(root);
    expect(first.api).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.web).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.api).not.toBe(first.web);
    expect(digests(root)).toEqual(first);
    expect(servicesMatrix(root, {}).matrix.include[0]).not.toHaveProperty('inputs-digest');
  });

  it("changes with a file of the service's context, and only that service's", () => {
    const root = repo();
    const before = digests(root);
    write(root, { 'services/api/main.py': 'print(2)\n' });
    const after = digests(root);
    expect(after.api).not.toBe(before.api);
    expect(after.web).toBe(before.web);
  });

  it('changes with a file of a context written with .. in it', () => {
    const root = repo();
    write(root, { 'meshagent-ship.yml': MANIFEST.replace('context: services/api', 'context: services/web/../api') });
    const before = digests(root);
    write(root, { 'services/api/main.py': 'print(2)\n' });
    expect(digests(root).api).not.toBe(before.api);
  });

  it('covers the paths globs, untracked files, the executable bit; not ignored files, the tag or the room', () => {
    const root = repo();
    const before = digests(root);
    write(root, { 'shared/lib.txt': 'two\n' });
    expect(digests(root).web).not.toBe(before.web);
    write(root, { 'shared/lib.txt': 'one\n' });
    expect(digests(root)).toEqual(before);

    write(root, { 'services/api/new.txt': 'x\n' });
    const untracked = digests(root).api;
    expect(untracked).not.toBe(before.api);
    chmodSync(join(root, 'services/api/new.txt'), 0o755);
    expect(digests(root).api).not.toBe(untracked);
    rmSync(join(root, 'services/api/new.txt'));

    write(root, { 'services/api/build/out.bin': 'ignored\n' });
    expect(digests(root)).toEqual(before);
    expect(digests(root, { tag: 'other-sha', room: 'elsewhere' })).toEqual(before);
    // A preview's legs differ (create-room: ephemeral), but not from one pull request's room to another's.
    expect(digests(root, { 'preview-room': 'pr-3' })).toEqual(digests(root, { 'preview-room': 'pr-4' }));
  });

  it('changes with the manifest entry (a port), not with another entry', () => {
    const root = repo();
    const before = digests(root);
    write(root, { 'meshagent-ship.yml': MANIFEST.replace('ports: [8080]', 'ports: [9090]') });
    const after = digests(root);
    expect(after.api).not.toBe(before.api);
    expect(after.web).toBe(before.web);
  });

  it('tells two files from one whose name holds a line break spelling the second', () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const two = repo();
    write(two, { 'services/api/a': 'one\n', 'services/api/b': 'two\n' });
    const one = repo();
    write(one, { [`services/api/a\nfile ${sha('two\n')} services/api/b`]: 'one\n' });
    expect(digests(one).api).not.toBe(digests(two).api);
  });

  it('needs a git checkout, and says so', () => {
    const root = mkdtempSync(join(tmpdir(), 'ship-digest-plain-'));
    dirs.push(root);
    write(root, { 'a/Dockerfile': 'FROM scratch\n' });
    expect(() => digests(root)).toThrow(/git could not list the files/);
  });
});

describe('a preview room', () => {
  it('puts every leg in the room, created ephemeral, tagged with the room, with the domain of the template', () => {
    const root = repo();
    const legs = servicesMatrix(root, { room: 'staging', tag: 'abc', 'preview-room': 'pr-12', 'domain-template': '{service}-pr-12.Example.com' }).matrix
      .include;
    expect(legs.map((l) => [l.service, l.room, l['create-room'], l.tag, l.domain])).toEqual([
      ['api', 'pr-12', 'ephemeral', 'api:pr-12', 'api-pr-12.example.com'],
      ['web', 'pr-12', 'ephemeral', 'web:pr-12', 'web-pr-12.example.com'],
    ]);
  });

  it('refuses a placeholder it does not know, naming it', () => {
    const root = repo();
    expect(() => servicesMatrix(root, { 'preview-room': 'pr-1', 'domain-template': '{service}-{branch}.example.com' })).toThrow(
      /domain-template "\{service\}-\{branch\}.example.com": \{branch\} is not a placeholder here/,
    );
  });
});

describe('the annotation a ship writes', () => {
  const facts = { ref: `reg.test/k/web@sha256:${'b'.repeat(64)}`, tag: 'reg.test/k/web:1', exposedPorts: ['8080/tcp'], volumes: [], built: true };
  const digest = `sha256:${'c'.repeat(64)}`;

  it('is set from inputs-digest, and removed by a ship without one', () => {
    const first = buildServiceSpec({ serviceName: 'web', image: facts, options: serviceOptions({ inputsDigest: digest }), existing: undefined }).spec;
    expect(first.metadata.annotations?.[DIGEST_ANNOTATION]).toBe(digest);
    const again = buildServiceSpec({ serviceName: 'web', image: facts, options: serviceOptions({}), existing: { ...first, id: 'svc-1' } }).spec;
    expect(again.metadata.annotations).not.toHaveProperty(DIGEST_ANNOTATION);
  });

  it('inputs-digest must be a sha256 digest', () => {
    const raw = (value: string) =>
      readRawInputs({
        getInput: (name) => ({ room: 'r', tag: 'web', 'api-key': 'k', 'project-id': 'p', 'inputs-digest': value })[name] ?? '',
        env: {},
        setSecret: () => {},
      });
    expect(parseConfig(raw(digest)).service.inputsDigest).toBe(digest);
    expect(() => parseConfig(raw('abc'))).toThrow(/inputs-digest: "abc" is not a sha256 digest/);
  });
});

describe('the comparison with what a room runs', () => {
  let sandbox: Sandbox;
  let api: MeshagentClient;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => ({ sandbox, api, stop } = await startApiSandbox('ship-deployed-')));
  afterAll(() => stop?.());

  const matrix = (room: string): Matrix => ({
    include: [
      { service: 'api', room, tag: 'api:pr-1', 'inputs-digest': `sha256:${'1'.repeat(64)}` },
      { service: 'web', room, tag: 'web:pr-1', 'service-name': 'web', 'inputs-digest': `sha256:${'2'.repeat(64)}` },
      { service: 'worker', room, tag: 'worker:pr-1', 'service-name': 'worker', 'inputs-digest': `sha256:${'3'.repeat(64)}` },
    ],
  });

  async function deploy(room: string, name: string, annotations: Record<string, string>): Promise<void> {
    await api.createService(room, {
      version: 'v1',
      kind: 'Service',
      enabled: true,
      metadata: { name, annotations },
      container: { image: `${sandbox.registryHost ?? 'registry.invalid'}/${sandbox.projectKey}/${name}@sha256:${'a'.repeat(64)}`, private: true },
    });
  }

  async function kept(room: string, env = sandbox.env()): Promise<{ names: string[]; log: string[] }> {
    const log: string[] = [];
    const result = await keepUndeployed(matrix(room), {}, env, (line) => log.push(line));
    return { names: result.include.map((l) => l.service), log };
  }

  it('lists every leg when the room does not exist', async () => {
    const { names, log } = await kept('pr-404');
    expect(names).toEqual(['api', 'web', 'worker']);
    expect(log[0]).toBe('api: changed, room pr-404 does not exist');
  });

  it('skips a service whose digest matches; lists another digest, no digest, and no service', async () => {
    await api.createRoom({ name: 'pr-1' });
    // api's service name comes from its tag, as the ship names it: the project key, then the repository.
    await deploy('pr-1', `${sandbox.projectKey}-api`, { [DIGEST_ANNOTATION]: `sha256:${'1'.repeat(64)}` });
    await deploy('pr-1', 'web', { [DIGEST_ANNOTATION]: `sha256:${'f'.repeat(64)}` });
    const { names, log } = await kept('pr-1');
    expect(names).toEqual(['web', 'worker']);
    expect(log).toEqual([
      'api: skipped, unchanged in room pr-1',
      'web: changed, service web in room pr-1 runs other inputs',
      'worker: changed, no service worker in room pr-1',
    ]);
    await deploy('pr-1', 'worker', {});
    expect((await kept('pr-1')).log[2]).toBe('worker: changed, service worker in room pr-1 has no inputs digest');
  });

  it('compares a leg of several rooms in each of them: skipped only when every room runs its digest', async () => {
    const digest = `sha256:${'4'.repeat(64)}`;
    const legs = (room: string): Matrix => ({ include: [{ service: 'multi', room, tag: 'multi:1', 'service-name': 'multi', 'inputs-digest': digest }] });
    const compare = async (room: string) => {
      const log: string[] = [];
      const result = await keepUndeployed(legs(room), {}, sandbox.env(), (line) => log.push(line));
      return { names: result.include.map((l) => l.service), log };
    };
    await api.createRoom({ name: 'north' });
    await api.createRoom({ name: 'south' });
    await deploy('north', 'multi', { [DIGEST_ANNOTATION]: digest });
    expect(await compare('north, south')).toEqual({ names: ['multi'], log: ['multi: changed, no service multi in room south'] });
    await deploy('south', 'multi', { [DIGEST_ANNOTATION]: digest });
    expect(await compare('north,\nsouth')).toEqual({ names: [], log: ['multi: skipped, unchanged in rooms north, south'] });
  });

  it('lists a service a rollback stopped, though it carries the digest: the next ship starts it again', async () => {
    const digest = `sha256:${'5'.repeat(64)}`;
    await api.createRoom({ name: 'pr-6' });
    await deploy('pr-6', 'stopped', { [DIGEST_ANNOTATION]: digest, 'com.meshagent.ship.stopped-by-rollback': 'true' });
    const log: string[] = [];
    const legs: Matrix = { include: [{ service: 'stopped', room: 'pr-6', tag: 'stopped:1', 'service-name': 'stopped', 'inputs-digest': digest }] };
    const result = await keepUndeployed(legs, {}, sandbox.env(), (line) => log.push(line));
    expect(result.include.map((l) => l.service)).toEqual(['stopped']);
    expect(log).toEqual(['stopped: changed, service stopped in room pr-6 was stopped by a rollback']);
  });

  it('brings back an untouched service whose room runs other recorded inputs (a reverted pull request), and no other', async () => {
    const root = repo();
    const base = git(root, 'rev-parse', 'HEAD').trim();
    write(root, { 'shared/lib.txt': 'two\n' });
    git(root, 'commit', '-q', '-am', 'change web');
    await api.createRoom({ name: 'pr-9' });
    // The pull request's first push shipped web with its inputs then; api runs in the room by hand, with no digest.
    await deploy('pr-9', 'web', { [DIGEST_ANNOTATION]: digests(root).web as string });
    await deploy('pr-9', `${sandbox.projectKey}-api`, {});
    write(root, { 'shared/lib.txt': 'one\n' });
    git(root, 'commit', '-q', '-am', 'revert web');

    const run = servicesMatrix(root, { 'inputs-digest': 'true', changed: `${base}..HEAD`, room: 'pr-9' });
    expect(run.matrix.include).toEqual([]);
    expect(run.untouched.map((l) => l.service)).toEqual(['api', 'web']);
    const log: string[] = [];
    const kept = await keepUndeployed(run.matrix, {}, sandbox.env(), (line) => log.push(line), run.untouched);
    expect(kept.include.map((l) => l.service)).toEqual(['web']);
    expect(log).toEqual([
      'web: changed, not touched by the commits, but service web in room pr-9 runs other inputs (a revert, or an earlier ship that was rolled back)',
    ]);

    // Once the room runs the reverted inputs, nothing is listed.
    await api.deleteService('pr-9', (await api.listServices('pr-9')).find((s) => s.metadata.name === 'web')?.id as string, 'web');
    await deploy('pr-9', 'web', { [DIGEST_ANNOTATION]: digests(root).web as string });
    expect((await keepUndeployed(run.matrix, {}, sandbox.env(), () => {}, run.untouched)).include).toEqual([]);
  });

  it('without a key compares nothing and lists every leg, saying so', async () => {
    const { MESHAGENT_API_KEY: _key, ...env } = sandbox.env();
    const { names, log } = await kept('pr-1', env);
    expect(names).toEqual(['api', 'web', 'worker']);
    expect(log).toEqual([expect.stringContaining('no MESHAGENT_API_KEY')]);
  });

  it('fails when the API cannot be reached with a key given, instead of skipping everything', async () => {
    const env = { ...sandbox.env(), MESHAGENT_API_URL: 'http://127.0.0.1:9' };
    await expect(keepUndeployed(matrix('pr-1'), {}, env, () => {})).rejects.toBeInstanceOf(ShipError);
  });
});
