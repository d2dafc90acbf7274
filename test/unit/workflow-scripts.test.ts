/**
 * The shell steps of ship.yml, run as GitHub would run them (bash, env vars, a GITHUB_OUTPUT file), so the leg
 * file they write is the one the report reads, and the Deployments payloads are what the REST API expects.
 * `gh` is replaced by a script that records its arguments and request bodies.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { aggregate } from '../../src/services/report.js';

// Parsed workflow YAML, walked freely by the tests: its shape is what they check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const ship = parse(readFileSync('.github/workflows/ship.yml', 'utf8')) as Json;

function step(job: string, name: string): { run: string; env: Record<string, string> } {
  const found = (ship.jobs[job].steps as Json[]).find((s) => s.name === name);
  if (!found) throw new Error(`no step ${name} in ${job}`);
  return { run: found.run as string, env: (found.env ?? {}) as Record<string, string> };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ship-steps-'));
  dirs.push(dir);
  return dir;
}

/** Runs a step's script with bash -e, as a `run:` step does, with the env its `env:` block would give. */
function runStep(script: string, env: Record<string, string>) {
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`step failed (${result.status}): ${result.stderr}`);
  return result;
}

describe('ship.yml steps', () => {
  it('every env value of the steps run here is an expression or a literal, never secrets in run text', () => {
    for (const [job, name] of [
      ['ship', 'Keep the result'],
      ['deployments', 'Record a deployment per service'],
      ['discover', 'Locate the kit'],
    ] as const) {
      const { run } = step(job, name);
      // Values reach scripts through env only, so nothing a caller passes is parsed as shell.
      expect(run, name).not.toContain('${{');
    }
  });

  it('Locate the kit: the calling commit inside this repository, v1 of the named kit elsewhere', () => {
    const { run } = step('discover', 'Locate the kit');
    const out = (env: Record<string, string>) => {
      const file = join(temp(), 'out');
      writeFileSync(file, '');
      runStep(run, { GITHUB_OUTPUT: file, GITHUB_REPOSITORY: 'me/app', GITHUB_SHA: 'c0ffee', KIT_REPOSITORY: '', KIT_REF: '', ...env });
      return readFileSync(file, 'utf8');
    };
    // Without job.workflow_* (older runners): the inputs, else this repository.
    expect(out({})).toBe('repository=me/app\nref=c0ffee\n');
    expect(out({ KIT_REPOSITORY: 'acme/meshagent-ship' })).toBe('repository=acme/meshagent-ship\nref=v1\n');
    expect(out({ KIT_REPOSITORY: 'acme/meshagent-ship', KIT_REF: 'v1.4.2' })).toBe('repository=acme/meshagent-ship\nref=v1.4.2\n');
    // With them: the workflow's own repository and commit, whatever the inputs say about the ref.
    const own = { WORKFLOW_REPOSITORY: 'Acme/meshagent-ship', WORKFLOW_SHA: 'f00d' };
    expect(out(own)).toBe('repository=Acme/meshagent-ship\nref=f00d\n');
    expect(out({ ...own, KIT_REPOSITORY: 'acme/Meshagent-Ship', KIT_REF: 'v1' })).toBe('repository=Acme/meshagent-ship\nref=f00d\n');
  });

  it('Locate the kit: fails clearly when kit-repository names another repository than the workflow comes from', () => {
    const { run } = step('discover', 'Locate the kit');
    const file = join(temp(), 'out');
    writeFileSync(file, '');
    const env = {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: file,
      GITHUB_REPOSITORY: 'me/app',
      GITHUB_SHA: 'c0ffee',
      KIT_REPOSITORY: 'someone/fork',
      KIT_REF: '',
      WORKFLOW_REPOSITORY: 'acme/meshagent-ship',
      WORKFLOW_SHA: 'f00d',
    };
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], { env, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::kit-repository is someone/fork, but this workflow comes from acme/meshagent-ship');
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('deploy.yml locates the kit with the same script', () => {
    const deploy = parse(readFileSync('.github/workflows/deploy.yml', 'utf8')) as Json;
    const found = (deploy.jobs.resolve.steps as Json[]).find((s) => s.name === 'Locate the kit');
    expect(found?.run).toBe(step('discover', 'Locate the kit').run);
    expect(found?.env).toEqual(step('discover', 'Locate the kit').env);
  });

  it('Keep the result writes the leg file the report reads, also when the action wrote no result', () => {
    const { run } = step('ship', 'Keep the result');
    const runnerTemp = temp();
    const result = JSON.stringify({
      status: 'planned',
      dryRun: true,
      image: 'hello:abc',
      stages: [{ name: 'resolve', status: 'done', durationMs: 7 }],
      error: null,
    });
    runStep(run, {
      RUNNER_TEMP: runnerTemp,
      SERVICE: 'hello',
      TAG: 'hello:abc',
      OUTCOME: 'success',
      RESULT: result,
      DIGEST: '',
      IMAGE_REF: '',
      SERVICE_URL: '',
      STARTED: '1000',
    });
    const results = temp();
    mkdirSync(join(results, 'meshagent-ship-default-hello'));
    writeFileSync(join(results, 'meshagent-ship-default-hello', 'leg.json'), readFileSync(join(runnerTemp, 'meshagent-ship-leg', 'leg.json')));

    // A leg whose action crashed: empty outputs, outcome failure, and no start time.
    const crashedTemp = temp();
    runStep(run, {
      RUNNER_TEMP: crashedTemp,
      SERVICE: 'api',
      TAG: 'api:abc',
      OUTCOME: 'failure',
      RESULT: '',
      DIGEST: '',
      IMAGE_REF: '',
      SERVICE_URL: '',
      STARTED: '',
    });
    mkdirSync(join(results, 'meshagent-ship-default-api'));
    writeFileSync(join(results, 'meshagent-ship-default-api', 'leg.json'), readFileSync(join(crashedTemp, 'meshagent-ship-leg', 'leg.json')));

    const report = aggregate(results, ['api', 'hello']);
    expect(report.services).toEqual([
      {
        service: 'api',
        status: 'failed',
        tag: 'api:abc',
        digest: null,
        imageRef: null,
        url: null,
        durationMs: null,
        dryRun: false,
        error: 'the action wrote no result; see the leg log',
        rollout: null,
        readyMs: null,
        rolledBackTo: null,
        rolledBackLive: null,
        lazyPullBytes: null,
      },
      {
        service: 'hello',
        status: 'planned',
        tag: 'hello:abc',
        digest: null,
        imageRef: null,
        url: null,
        durationMs: 7,
        dryRun: true,
        error: null,
        rollout: null,
        readyMs: null,
        rolledBackTo: null,
        rolledBackLive: null,
        lazyPullBytes: null,
      },
    ]);
  });

  it('Record a deployment per service creates a deployment and a status with environment_url for each shipped or failed service', () => {
    const { run } = step('deployments', 'Record a deployment per service');
    const bin = temp();
    const log = join(bin, 'gh.log');
    // A stand-in for gh: records the call and its body; answers a deployment id for the --jq .id call.
    writeFileSync(
      join(bin, 'gh'),
      `#!/usr/bin/env bash\nbody=$(jq -c .)\nprintf '%s\\t%s\\n' "$*" "$body" >> "${log}"\ncase "$*" in *statuses*) echo '{}';; *) echo 17;; esac\n`,
    );
    chmodSync(join(bin, 'gh'), 0o755);
    const results = {
      services: [
        { service: 'api', status: 'shipped', tag: 'r.example.com/k/api:abc', url: 'https://api.example.com' },
        { service: 'docs', status: 'planned', tag: 'docs:abc', url: null },
        { service: 'worker', status: 'failed', tag: 'worker:abc', url: null },
      ],
    };
    runStep(run, {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      GH_TOKEN: 'token',
      RESULTS: JSON.stringify(results),
      ENVIRONMENT: 'production',
      LOG_URL: 'https://github.example/run/1',
      GITHUB_SHA: 'c0ffee',
      GITHUB_REPOSITORY: 'me/app',
    });
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [args, body] = line.split('\t');
        return { args, body: JSON.parse(body ?? '{}') as Json };
      });
    expect(calls.map((c) => c.args)).toEqual([
      'api repos/me/app/deployments --input - --jq .id',
      'api repos/me/app/deployments/17/statuses --input -',
      'api repos/me/app/deployments --input - --jq .id',
      'api repos/me/app/deployments/17/statuses --input -',
    ]);
    expect(calls[0]?.body).toEqual({
      ref: 'c0ffee',
      environment: 'production/api',
      auto_merge: false,
      required_contexts: [],
      description: 'meshagent-ship api',
    });
    expect(calls[1]?.body).toEqual({
      state: 'success',
      log_url: 'https://github.example/run/1',
      description: 'r.example.com/k/api:abc',
      environment_url: 'https://api.example.com',
    });
    expect(calls[2]?.body.environment).toBe('production/worker');
    expect(calls[3]?.body).toEqual({ state: 'failure', log_url: 'https://github.example/run/1', description: 'worker:abc' });
  });
});

describe('release.yml steps', () => {
  const release = parse(readFileSync('.github/workflows/release.yml', 'utf8')) as Json;
  const moveScript = (release.jobs.publish.steps as Json[]).find((s) => s.name === 'Move the major tag')?.run as string;
  const git = (cwd: string, ...args: string[]) =>
    spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
      cwd,
      encoding: 'utf8',
    }).stdout.trim();

  it('moves v1 to the newest release, and never backwards for a patch to an older minor', () => {
    const origin = temp();
    git(origin, 'init', '-q', '--bare');
    const work = temp();
    git(work, 'clone', '-q', origin, '.');
    const publish = (tag: string) => {
      git(work, 'commit', '-q', '--allow-empty', '-m', tag);
      git(work, 'tag', tag);
      git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main', `refs/tags/${tag}`);
      const sha = git(work, 'rev-parse', 'HEAD');
      const result = spawnSync('bash', ['-eo', 'pipefail', '-c', moveScript], {
        cwd: work,
        env: { PATH: process.env.PATH ?? '', GITHUB_REF_NAME: tag, GITHUB_SHA: sha },
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      return { sha, notice: result.stdout.trim() };
    };
    const v120 = publish('v1.2.0');
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(v120.sha);
    const v130 = publish('v1.3.0');
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(v130.sha);
    const v121 = publish('v1.2.1');
    expect(v121.notice).toBe('::notice::v1 stays at v1.3.0, newer than v1.2.1');
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(v130.sha);
    const v1100 = publish('v1.10.0');
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(v1100.sha);
    // Another major line moves its own tag only.
    const v200 = publish('v2.0.0');
    expect(git(origin, 'rev-parse', 'v2^{commit}')).toBe(v200.sha);
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(v1100.sha);
  });
});

describe('the discover and resolve steps', () => {
  /** Runs a step in <tmp>/repo with <tmp>/kit/dist/cli.js replaced by a script that prints its arguments. */
  function argsOf(script: string, env: Record<string, string>): string[] {
    const root = temp();
    mkdirSync(join(root, 'repo'));
    mkdirSync(join(root, 'kit', 'dist'), { recursive: true });
    writeFileSync(join(root, 'kit', 'dist', 'cli.js'), 'process.stdout.write(JSON.stringify(process.argv.slice(2)))\n');
    const result = spawnSync('bash', ['-eo', 'pipefail', '-c', script], {
      cwd: join(root, 'repo'),
      env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: join(root, 'out'), ...env },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as string[];
  }
  const discover = step('discover', 'Services');
  const base = { SERVICES: 'auto', TAG: 'abc', ROOM: '', MANIFEST: '', GLOBS: '', CHANGED_ONLY: 'false', BASE: '' };

  it('passes the inputs as separate arguments, never through a shell, and --changed only when asked', () => {
    expect(argsOf(discover.run, base)).toEqual([
      'services',
      '--json',
      '--inputs-digest',
      '--only',
      'auto',
      '--tag',
      'abc',
      '--room',
      '',
      '--glob',
      '',
      '--github-output',
      expect.stringMatching(/out$/),
    ]);
    const changed = argsOf(discover.run, { ...base, CHANGED_ONLY: 'true', BASE: 'f00', MANIFEST: 'ops/ship.yml', ROOM: 'a b; rm -rf /' });
    expect(changed).toContain('a b; rm -rf /');
    expect(changed.slice(-4)).toEqual(['--manifest', 'ops/ship.yml', '--changed', 'f00..HEAD']);
    // A dispatch has no base: the range starts empty, which the command reads as "everything changed".
    expect(argsOf(discover.run, { ...base, CHANGED_ONLY: 'true' }).slice(-2)).toEqual(['--changed', '..HEAD']);
  });

  it('compares with the deployed services only with skip-unchanged, and passes the preview room and domain template', () => {
    const preview = argsOf(discover.run, {
      ...base,
      CHANGED_ONLY: 'true',
      BASE: 'b0',
      SKIP_UNCHANGED: 'true',
      PREVIEW_ROOM: 'pr-7',
      DOMAIN_TEMPLATE: '{service}-pr-7.example.com',
    });
    expect(preview.slice(-7)).toEqual(['--changed', 'b0..HEAD', '--deployed', '--preview-room', 'pr-7', '--domain-template', '{service}-pr-7.example.com']);
    expect(argsOf(discover.run, { ...base, SKIP_UNCHANGED: 'false', PREVIEW_ROOM: '', DOMAIN_TEMPLATE: '' })).not.toContain('--deployed');
    // The key reaches the step only when it compares; a plain ship's discover never sees it.
    expect(discover.env.MESHAGENT_API_KEY).toBe("${{ inputs.skip-unchanged && secrets.MESHAGENT_API_KEY || '' }}");
  });

  it('deploy.yml resolves one leg with the image to deploy', () => {
    const deploy = parse(readFileSync('.github/workflows/deploy.yml', 'utf8')) as Json;
    const resolve = (deploy.jobs.resolve.steps as Json[]).find((s) => s.id === 'leg')?.run as string;
    expect(argsOf(resolve, { SERVICE: 'api', IMAGE: 'sha256:00', ROOM: 'dev', MANIFEST: '' })).toEqual([
      'services',
      '--json',
      '--only',
      'api',
      '--image',
      'sha256:00',
      '--room',
      'dev',
      '--github-output',
      expect.stringMatching(/out$/),
    ]);
  });
});
