import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { servicesMatrix } from '../../src/commands/services.js';
import { parseRange } from '../../src/services/changed.js';
import { serviceName } from '../../src/services/discover.js';
import { matchesRepoGlob } from '../../src/services/repo-paths.js';
import { ManifestError, parseManifest } from '../../src/services/manifest.js';
import { buildLeg } from '../../src/services/matrix.js';

const repos: string[] = [];
afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

/** A git repository in a temp dir holding `files`, committed; returns its path. */
function fixtureRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ship-services-'));
  repos.push(root);
  git(root, 'init', '-q', '-b', 'main');
  write(root, files);
  commit(root, 'first');
  return root;
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function commit(root: string, message: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', message);
  return git(root, 'rev-parse', 'HEAD');
}

function thrown(fn: () => unknown): ShipError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ShipError) return error;
    throw error;
  }
  throw new Error('expected a ShipError');
}

const MONOREPO = {
  'meshagent-ship.yml': [
    'defaults:',
    '  room: staging',
    '  public: true',
    'services:',
    '  - name: api',
    '    context: services/api',
    '    tag: acme-api',
    '    domain: api.example.com',
    '    ports: [8080]',
    '    env: { LOG_LEVEL: info, MODE: fast }',
    '    prefetch:',
    '      - /app/server',
    '      - /app/lib/**',
    '    paths: [shared/**]',
    '  - name: web',
    '    context: services/web',
    '    file: web.Dockerfile',
    '    tag: web:pinned',
    '    room: production',
    '  - name: worker',
    '    context: services/worker',
    '',
  ].join('\n'),
  'services/api/Dockerfile': 'FROM scratch\n',
  'services/web/web.Dockerfile': 'FROM scratch\n',
  'services/worker/Dockerfile': 'FROM scratch\n',
  'shared/util.txt': 'v1\n',
  'README.md': 'hi\n',
};

describe('services from the manifest', () => {
  it('gives one leg per service, with the action input names and the text the action reads', () => {
    const root = fixtureRepo(MONOREPO);
    const { matrix } = servicesMatrix(root, { tag: 'abc123' });
    expect(matrix.include.map((leg) => leg.service)).toEqual(['api', 'web', 'worker']);
    expect(matrix.include[0]).toEqual({
      service: 'api',
      context: 'services/api',
      tag: 'acme-api:abc123',
      room: 'staging',
      public: 'true',
      domain: 'api.example.com',
      ports: '8080',
      env: 'LOG_LEVEL=info\nMODE=fast',
      prefetch: '/app/server\n/app/lib/**',
    });
    // A tag of its own is kept; a service's own room beats the defaults; a tagless service is named after itself.
    expect(matrix.include[1]).toMatchObject({ tag: 'web:pinned', room: 'production', file: 'web.Dockerfile' });
    expect(matrix.include[2]).toMatchObject({ tag: 'worker:abc123', room: 'staging', context: 'services/worker' });
  });

  it('fills the room from --room only where neither the service nor the defaults name one, and filters with --only', () => {
    const root = fixtureRepo({ 'meshagent-ship.yml': 'services:\n  - name: a\n  - name: b\n    room: mine\n', Dockerfile: 'FROM scratch\n' });
    const { matrix } = servicesMatrix(root, { room: 'dev', only: 'b, a' });
    expect(matrix.include).toEqual([
      { service: 'a', tag: 'a:latest', room: 'dev', context: '.' },
      { service: 'b', tag: 'b:latest', room: 'mine', context: '.' },
    ]);
    expect(servicesMatrix(root, { only: 'auto' }).matrix.include).toHaveLength(2);
    const error = thrown(() => servicesMatrix(root, { only: 'a,nope' }));
    expect(error.message).toBe('no service named nope');
    expect(error.hint).toBe('the services are: a, b');
  });

  it('turns --image into a deploy of an existing tag or digest, without a build', () => {
    const root = fixtureRepo(MONOREPO);
    const digest = `sha256:${'ab'.repeat(32)}`;
    const byDigest = servicesMatrix(root, { only: 'api', image: digest, tag: 'x' }).matrix.include[0];
    expect(byDigest).toMatchObject({ image: `acme-api@${digest}`, tag: 'acme-api:sha256-abababababab', builder: 'none' });
    const byTag = servicesMatrix(root, { only: 'web', image: 'v1.2.0' }).matrix.include[0];
    expect(byTag).toMatchObject({ image: 'web:v1.2.0', tag: 'web:v1.2.0', builder: 'none', context: '.', room: 'production' });
    expect(byTag).not.toHaveProperty('file');
    const whole = buildLeg(
      { name: 's', inputs: { tag: 'app' }, paths: [], origin: { discovered: '.' } },
      { image: 'registry.example.com/k/app@' + digest, tag: 't1' },
    );
    expect(whole).toMatchObject({ image: `registry.example.com/k/app@${digest}`, tag: 'app:t1', builder: 'none' });
    // A registry port is not a tag: the workflow's tag is still added.
    const ported = buildLeg({ name: 's', inputs: { tag: 'registry.example.com:5000/k/app' }, paths: [], origin: { discovered: '.' } }, { tag: 't2' });
    expect(ported.tag).toBe('registry.example.com:5000/k/app:t2');
  });
});

describe('matrix limits', () => {
  it('refuses more services than a GitHub matrix runs', async () => {
    const { buildMatrix } = await import('../../src/services/matrix.js');
    const many = Array.from({ length: 257 }, (_, i) => ({ name: `s${i}`, inputs: {}, paths: [], origin: { discovered: `s${i}` } }));
    expect(() => buildMatrix(many, {})).toThrow('257 services are more than the 256 legs a GitHub matrix can run');
    expect(buildMatrix(many.slice(0, 256), {}).include).toHaveLength(256);
  });
});

describe('services --changed', () => {
  it('lists only the services whose files changed between two commits', () => {
    const root = fixtureRepo(MONOREPO);
    const base = git(root, 'rev-parse', 'HEAD');
    write(root, { 'services/api/main.go': 'package main\n', 'README.md': 'changed\n' });
    const head = commit(root, 'api only');
    expect(servicesMatrix(root, { changed: `${base}..${head}` }).matrix.include.map((l) => l.service)).toEqual(['api']);

    write(root, { 'services/web/web.Dockerfile': 'FROM scratch\nENV A=1\n' });
    const head2 = commit(root, 'web');
    expect(servicesMatrix(root, { changed: `${head}..${head2}` }).matrix.include.map((l) => l.service)).toEqual(['web']);

    // A file matched by a service's paths globs ships it too.
    write(root, { 'shared/util.txt': 'v2\n' });
    const head3 = commit(root, 'shared');
    expect(servicesMatrix(root, { changed: `${head2}..${head3}` }).matrix.include.map((l) => l.service)).toEqual(['api']);

    // The manifest describes every service, so changing it ships them all.
    write(root, { 'meshagent-ship.yml': `${MONOREPO['meshagent-ship.yml']}# note\n` });
    const head4 = commit(root, 'manifest');
    expect(servicesMatrix(root, { changed: `${head3}..${head4}` }).matrix.include).toHaveLength(3);
  });

  it('finds the change of a context written with .. in it, as the build resolves it', () => {
    const root = fixtureRepo({
      'meshagent-ship.yml': 'services:\n  - name: shared\n    context: services/../shared\n',
      'shared/Dockerfile': 'FROM scratch\n',
      'shared/app.txt': 'one\n',
    });
    const base = git(root, 'rev-parse', 'HEAD');
    write(root, { 'shared/app.txt': 'two\n' });
    const head = commit(root, 'shared');
    expect(servicesMatrix(root, { changed: `${base}..${head}` }).matrix.include.map((l) => l.service)).toEqual(['shared']);
  });

  it('gives an empty matrix when nothing of a service changed', () => {
    const root = fixtureRepo(MONOREPO);
    const base = git(root, 'rev-parse', 'HEAD');
    write(root, { 'README.md': 'docs only\n' });
    const head = commit(root, 'docs');
    const run = servicesMatrix(root, { changed: `${base}..${head}` });
    expect(run.matrix).toEqual({ include: [] });
    expect(run.changed).toEqual({ range: `${base}..${head}`, all: false, of: 3 });
  });

  it('ships everything on a first push (base all zeros), and compares with the merge base for ...', () => {
    const root = fixtureRepo(MONOREPO);
    expect(servicesMatrix(root, { changed: `${'0'.repeat(40)}..HEAD` }).matrix.include).toHaveLength(3);
    const base = git(root, 'rev-parse', 'HEAD');
    git(root, 'checkout', '-q', '-b', 'feature');
    write(root, { 'services/worker/job.txt': '1\n' });
    commit(root, 'worker on a branch');
    git(root, 'checkout', '-q', 'main');
    write(root, { 'services/api/x.txt': '1\n' });
    commit(root, 'api on main');
    // main...feature: only what the branch changed since it forked, not main's own change.
    expect(servicesMatrix(root, { changed: 'main...feature' }).matrix.include.map((l) => l.service)).toEqual(['worker']);
    expect(servicesMatrix(root, { changed: `${base}..main` }).matrix.include.map((l) => l.service)).toEqual(['api']);
  });

  it('refuses ranges git could read as options, and says how to fetch history when a commit is missing', () => {
    expect(() => parseRange('--output=x..HEAD')).toThrow(/is not a git revision/);
    expect(() => parseRange('main')).toThrow(/is not a range/);
    expect(parseRange('a..')).toEqual({ base: 'a', head: 'HEAD', mergeBase: false });
    expect(parseRange('..HEAD')).toBeUndefined();
    const root = fixtureRepo(MONOREPO);
    const error = thrown(() => servicesMatrix(root, { changed: `${'1'.repeat(40)}..HEAD` }));
    expect(error.message).toMatch(/^git could not compare 1{40} with HEAD/);
    expect(error.hint).toMatch(/fetch-depth: 0/);
  });
});

describe('services by Dockerfile discovery (no manifest)', () => {
  it('finds directories holding a Containerfile or Dockerfile under the globs', () => {
    const root = fixtureRepo({
      'apps/Billing_API/Dockerfile': 'FROM scratch\n',
      'apps/web/Containerfile': 'FROM scratch\n',
      'apps/web/Dockerfile': 'FROM scratch\n',
      'apps/docs/README.md': 'no image here\n',
      'tools/lint/Dockerfile': 'FROM scratch\n',
      'node_modules/pkg/Dockerfile': 'FROM scratch\n',
      '.devcontainer/Dockerfile': 'FROM scratch\n',
    });
    const all = servicesMatrix(root, { tag: 't' }).matrix.include;
    expect(all.map((leg) => [leg.service, leg.context, leg.file])).toEqual([
      ['billing-api', 'apps/Billing_API', 'Dockerfile'],
      ['web', 'apps/web', 'Containerfile'],
      ['lint', 'tools/lint', 'Dockerfile'],
    ]);
    expect(all[0]?.tag).toBe('billing-api:t');
    expect(servicesMatrix(root, { glob: 'apps/*' }).matrix.include.map((l) => l.service)).toEqual(['billing-api', 'web']);
  });

  it('takes the globs from a manifest that only says where to look, and is empty when nothing matches', () => {
    const root = fixtureRepo({ 'meshagent-ship.yml': 'discover: ["svc/*"]\n', 'svc/one/Dockerfile': 'FROM scratch\n', 'other/Dockerfile': 'FROM scratch\n' });
    expect(servicesMatrix(root, {}).matrix.include.map((l) => l.service)).toEqual(['one']);
    const empty = fixtureRepo({ 'README.md': 'nothing to ship\n' });
    expect(servicesMatrix(empty, {}).matrix).toEqual({ include: [] });
  });

  it('refuses two directories that would get the same name', () => {
    const root = fixtureRepo({ 'a/api/Dockerfile': 'FROM scratch\n', 'b/api/Dockerfile': 'FROM scratch\n' });
    const error = thrown(() => servicesMatrix(root, {}));
    expect(error.message).toBe('two directories would both be the service api: a/api and b/api');
    expect(error.hint).toMatch(/meshagent-ship\.yml/);
  });

  it('says so when an explicit --manifest is missing', () => {
    const root = fixtureRepo({ Dockerfile: 'FROM scratch\n' });
    expect(() => servicesMatrix(root, { manifest: 'deploy/ship.yml' })).toThrow('the manifest deploy/ship.yml does not exist');
    expect(servicesMatrix(root, {}).matrix.include).toHaveLength(1);
  });
});

describe('invalid manifests: every error names the line and the field', () => {
  const issues = (text: string) => {
    try {
      parseManifest(text);
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      return (error as ManifestError).issues.map((i) => `${i.line} ${i.field}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`);
    }
    throw new Error('expected the manifest to be refused');
  };

  it('reports unknown fields, wrong types and missing names, each at its line', () => {
    const text = [
      'services:', //          1
      '  - name: api', //      2
      '    contxt: src', //    3
      '    ports: { a: 1 }', //  4
      '  - context: web', //   5
      '    public: maybe', //  6
      '  - name: Bad_Name', // 7
      '    api-key: ma-123', // 8
    ].join('\n');
    expect(issues(text)).toEqual([
      '3 services[0].contxt: unknown field contxt (did you mean context?)',
      '4 services[0].ports: must be a list, or a string with one item a line',
      '5 services[1].name: is required: every service needs a name (use lowercase letters, digits and -, at most 63 characters, e.g. name: hello-api)',
      '6 services[1].public: must be true or false',
      '7 services[2].name: must be lowercase letters, digits and - (use lowercase letters, digits and -, at most 63 characters, e.g. name: hello-api)',
      '8 services[2].api-key: api-key cannot be set per service (pass the API key as the MESHAGENT_API_KEY secret, never in a file in the repository)',
    ]);
  });

  it('reports YAML syntax errors, duplicate names and an empty list at their lines', () => {
    expect(issues('services:\n  - name: a\n    tag: [unclosed\n')[0]).toMatch(/^\d+ : not valid YAML/);
    expect(issues('services:\n  - name: a\n  - name: a\n')).toEqual([
      '3 services[1].name: a is already the name of services[0] (give every service its own name)',
    ]);
    expect(issues('services: []\n')).toEqual(['1 services: lists no service (add a service, or remove services to discover them by Dockerfile)']);
    expect(issues('version: 2\nservices:\n  - name: a\n')).toEqual(['1 version: must be 1']);
  });

  it("checks values with the action's own rules, at the line that set them (or the defaults line)", () => {
    const root = fixtureRepo({
      'meshagent-ship.yml': [
        'defaults:', //                    1
        '  validation-mode: strict', //    2
        'services:', //                    3
        '  - name: api', //                4
        '    ports:', //                   5
        '      - 8080', //                 6
        '      - 80x', //                  7
        '  - name: web', //                8
        '    tag: Web/App', //             9
        '    validation-mode: cookie', // 10
      ].join('\n'),
    });
    const error = thrown(() => servicesMatrix(root, {}));
    expect(error).toBeInstanceOf(ManifestError);
    const found = (error as ManifestError).issues.map((i) => [i.line, i.field]);
    expect(found).toEqual([
      [2, 'defaults.validation-mode'],
      [7, 'services[0].ports[1]'],
      [9, 'services[1].tag'],
    ]);
    const ports = (error as ManifestError).issues[1];
    expect(ports?.message).toContain('80x');
    expect(error.message).toMatch(/^meshagent-ship\.yml has 3 errors:\n {2}meshagent-ship\.yml:2: defaults\.validation-mode: /);
  });

  it('refuses a context outside the repository, at its line: not checked out, and no change to it is seen', () => {
    const root = fixtureRepo({
      'meshagent-ship.yml': [
        'services:', //                 1
        '  - name: up', //              2
        '    context: ../elsewhere', // 3
        '  - name: root', //            4
        '    context: /etc', //         5
        '  - name: fine', //            6
        '    context: a/../b', //       7
      ].join('\n'),
    });
    const error = thrown(() => servicesMatrix(root, {}));
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).issues.map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual([
      '3 services[0].context: context: "../elsewhere" is outside the repository: its files are not checked out, and no change to them is seen',
      '5 services[1].context: context: "/etc" is outside the repository: its files are not checked out, and no change to them is seen',
    ]);
  });

  it('does not blame the manifest for what the workflow supplies (room, API key)', () => {
    const root = fixtureRepo({ 'meshagent-ship.yml': 'services:\n  - name: a\n    domain: a.example.com\n' });
    expect(servicesMatrix(root, {}).matrix.include).toEqual([{ service: 'a', domain: 'a.example.com', tag: 'a:latest', context: '.' }]);
  });

  it('writes the manifest and globs as documented in this repository', () => {
    const manifest = parseManifest(readFileSync('meshagent-ship.yml', 'utf8'));
    expect(manifest.services?.map((s) => s.name)).toContain('hello');
  });
});

describe('helpers', () => {
  it('matches globs segment by segment', () => {
    expect(matchesRepoGlob('shared/a/b.txt', 'shared/**')).toBe(true);
    expect(matchesRepoGlob('shared/a/b.txt', 'shared/*')).toBe(false);
    expect(matchesRepoGlob('a/b', 'a/**/b')).toBe(true);
    expect(matchesRepoGlob('x.lock', '*.lock')).toBe(true);
    expect(matchesRepoGlob('v1.txt', 'v?.txt')).toBe(true);
    expect(matchesRepoGlob('a.b', 'a?b') && !matchesRepoGlob('a/b', 'a?b')).toBe(true);
    expect(matchesRepoGlob('svc/b1', 'svc/[ab]1') && !matchesRepoGlob('svc/c1', 'svc/[ab]1')).toBe(true);
  });

  it('names a directory as a service', () => {
    expect(serviceName('My_Service.v2')).toBe('my-service-v2');
    expect(serviceName('___')).toBe('service');
  });
});

describe('the services and report-matrix commands', () => {
  async function capture(fn: () => number | Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
    const { vi } = await import('vitest');
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      const code = await fn();
      return { code, stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  it('services --json prints one line of matrix JSON and writes matrix, count and services for the next job', async () => {
    const { parseCliArgs } = await import('../../src/cli-args.js');
    const { runServices } = await import('../../src/commands/services.js');
    const root = fixtureRepo(MONOREPO);
    const base = git(root, 'rev-parse', 'HEAD');
    write(root, { 'services/worker/x': '1\n' });
    const head = commit(root, 'worker');
    const output = join(root, '.github-output');
    writeFileSync(output, '');
    const run = await capture(() =>
      runServices(
        parseCliArgs([
          'services',
          '--json',
          '--changed',
          `${base}..${head}`,
          '--tag',
          't',
          '--only',
          'auto',
          '--room',
          '',
          '--glob',
          '',
          '--github-output',
          output,
        ]),
        root,
      ),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('{"include":[{"service":"worker","room":"staging","context":"services/worker","public":"true","tag":"worker:t"}]}\n');
    expect(run.stderr).toBe(`1 of 3 services changed in ${base}..${head}: worker\n`);
    expect(readFileSync(output, 'utf8')).toBe(`matrix=${run.stdout.trim()}\ncount=1\nservices=["worker"]\n`);
  });

  it('services exits 1 with the manifest line and a hint on a bad manifest', async () => {
    const { parseCliArgs } = await import('../../src/cli-args.js');
    const { runServices } = await import('../../src/commands/services.js');
    const root = fixtureRepo({ 'meshagent-ship.yml': 'services:\n  - name: a\n    dockerfile: x\n' });
    const run = await capture(() => runServices(parseCliArgs(['services']), root));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'meshagent-ship: meshagent-ship.yml:3: services[0].dockerfile: unknown field dockerfile\nHint: a service takes name, paths, and the action inputs by their action.yml names (context, file, tag, room, ...)\n',
    );
  });

  it('report-matrix appends the table to the summary and the combined JSON to GITHUB_OUTPUT', async () => {
    const { parseCliArgs } = await import('../../src/cli-args.js');
    const { runReportMatrix } = await import('../../src/commands/report-matrix.js');
    const dir = mkdtempSync(join(tmpdir(), 'ship-report-cmd-'));
    repos.push(dir);
    write(dir, {
      'results/meshagent-ship-default-a/leg.json': JSON.stringify({
        service: 'a',
        outcome: 'success',
        result: { status: 'shipped', digest: `sha256:${'1'.repeat(64)}` },
      }),
    });
    writeFileSync(join(dir, 'summary.md'), '# before\n');
    writeFileSync(join(dir, 'out'), '');
    const args = parseCliArgs([
      'report-matrix',
      join(dir, 'results'),
      '--matrix',
      '{"include":[{"service":"a"},{"service":"b"}]}',
      '--summary',
      join(dir, 'summary.md'),
      '--github-output',
      join(dir, 'out'),
    ]);
    const run = await capture(() => runReportMatrix(args));
    expect(run.code).toBe(0);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary.startsWith('# before\n### meshagent-ship\n')).toBe(true);
    expect(summary).toContain('| b |  |  |  | ❔ missing |  |');
    const out = readFileSync(join(dir, 'out'), 'utf8');
    const match = /^results<<(meshagent_ship_[0-9a-f]{16})\n(.*)\n\1\nok=false\n$/.exec(out);
    expect(match).not.toBeNull();
    expect(JSON.parse(match?.[2] ?? '{}')).toMatchObject({ counts: { shipped: 1, missing: 1 }, ok: false });
    expect((await capture(() => runReportMatrix(parseCliArgs(['report-matrix'])))).code).toBe(2);
  });
});
