// The bundled entries as a runner runs them, against the sandbox: dist/index.js plans a dry run and ships a build
// for real (outputs, job summary, no secret anywhere), and dist/cli.js ship prints the result as JSON.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runAsync } from '../infra/env.js';
import { output, withoutMaskCommands } from '../helpers/runner-files.js';

const infra = inject('infra');
const root = fileURLToPath(new URL('../..', import.meta.url));
let sandbox: Sandbox;
let work: string;
let context: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'action-test-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
  context = join(work, 'hello');
  cpSync(join(root, 'examples', 'hello'), context, { recursive: true });
  copyFileSync(infra.busybox, join(context, 'busybox'));
});

afterAll(async () => {
  await sandbox?.stop();
});

/** The environment of a runner: no stray INPUT_/MESHAGENT_ variables, buildah with its state in the test dir. */
function runnerEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(INPUT_|MESHAGENT_|GITHUB_)/.test(name)) env[name] = value;
  }
  // The test's buildah wrapper comes first on PATH, so builds keep their state under the infra directory.
  return { ...env, PATH: `${dirname(infra.buildah)}:${env.PATH ?? ''}`, ...extra };
}

async function runAction(inputs: Record<string, string>, github: Record<string, string> = {}) {
  const dir = mkdtempSync(join(work, 'run-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), RUNNER_TEMP: dir };
  writeFileSync(files.GITHUB_OUTPUT, '');
  writeFileSync(files.GITHUB_STEP_SUMMARY, '');
  const inputVars = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  const env = runnerEnv({ ...files, ...github, ...inputVars, 'INPUT_API-KEY': sandbox.apiKey, 'INPUT_API-URL': sandbox.apiUrl });
  const run = await runAsync(process.execPath, [join(root, 'dist', 'index.js')], { env, timeoutMs: 90_000 });
  return { ...run, output: readFileSync(files.GITHUB_OUTPUT, 'utf8'), summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') };
}

describe('dist/index.js against the sandbox', () => {
  it('plans a dry run: the plan in the log and the summary, status planned, nothing written, no secret', async () => {
    const before = JSON.stringify(sandbox.state.data);
    const run = await runAction({ TAG: 'hello:1', ROOM: 'dev', 'DRY-RUN': 'true', ENV: 'A=1', CONTEXT: context });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('repository sandbox/hello: would be created');
    expect(run.summary).toContain('meshagent-ship plan (dry run)');
    expect(JSON.parse(output(run.output, 'result') ?? '{}')).toMatchObject({ status: 'planned', dryRun: true });
    expect(JSON.stringify(sandbox.state.data)).toBe(before);
    expect(withoutMaskCommands(run.stdout) + run.output + run.summary).not.toContain(sandbox.apiKey);
  });

  it('ships a build: outputs, the service URL at the top of the summary, and no key or token anywhere', async () => {
    const run = await runAction({
      TAG: 'hello:1',
      ROOM: 'dev',
      'CREATE-ROOM': 'true',
      CONTEXT: context,
      BUILDER: 'buildah',
      DOMAIN: 'hello.sandbox.localhost',
      // This sandbox runs no containers: the rollout is not waited for.
      WAIT: 'false',
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(output(run.output, 'service-url')).toBe('https://hello.sandbox.localhost');
    expect(output(run.output, 'created')).toBe('true');
    const digest = output(run.output, 'digest') ?? '';
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(output(run.output, 'image-ref')).toBe(`${sandbox.registryHost}/sandbox/hello@${digest}`);
    expect(run.summary).toContain('**Service URL:** [https://hello.sandbox.localhost](https://hello.sandbox.localhost)');
    expect(run.stdout).toContain('::group::Build the image');
    const seen = withoutMaskCommands(run.stdout) + run.stderr + run.output + run.summary;
    for (const secret of [sandbox.apiKey, ...sandbox.state.data.repositoryTokens.map((t) => t.token)]) expect(seen).not.toContain(secret);
  });

  it("on a GitHub runner: labels from GITHUB_* and GitHub's cache, loaded on demand from its own chunk", async () => {
    const run = await runAction(
      { TAG: 'hello:2', ROOM: 'dev', 'CREATE-ROOM': 'true', CONTEXT: context, BUILDER: 'buildah', WAIT: 'false' },
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.example.com',
        GITHUB_REPOSITORY: 'team/hello',
        GITHUB_SHA: 'f'.repeat(40),
      },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('org.opencontainers.image.source=https://github.example.com/team/hello');
    expect(run.stdout).toContain(`org.opencontainers.image.revision=${'f'.repeat(40)}`);
    // No cache service URL here: the service's module loaded and said so; a chunk missing from dist/ would fail.
    expect(run.stdout).toContain("GitHub's cache service is not available to this run");
  });
});

describe('dist/cli.js ship against the sandbox', () => {
  it('prints the result as JSON, progress on stderr', async () => {
    const env = runnerEnv({ ...sandbox.env(), RUNNER_TEMP: work });
    const run = await runAsync(
      process.execPath,
      [join(root, 'dist', 'cli.js'), 'ship', '--json', '--tag', 'hello:2', '--room', 'dev', '--context', context, '--builder', 'buildah', '--wait', 'false'],
      { env, timeoutMs: 90_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; service: { created: boolean; name: string } };
    expect(result).toMatchObject({ status: 'shipped', service: { name: 'sandbox-hello', created: false } });
    expect(run.stderr).toContain('Push ');
  });
});
