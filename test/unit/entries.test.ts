// Runs the bundled entries, dist/index.js and dist/cli.js, as the runner and a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderGfm } from '../helpers/gfm.js';
import { API_KEY } from '../fixtures.js';
import { output, withoutMaskCommands } from '../helpers/runner-files.js';

/** The environment without anything that would feed inputs by accident. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('INPUT_') && !name.startsWith('MESHAGENT_') && !name.startsWith('GITHUB_')) env[name] = value;
  }
  return { ...env, ...extra };
}

function runAction(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'action-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env = cleanEnv({ ...files, ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])) });
  const run = spawnSync(process.execPath, ['dist/index.js'], { env, encoding: 'utf8', timeout: 30_000 });
  return { ...run, output: readFileSync(files.GITHUB_OUTPUT, 'utf8'), summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') };
}

function runCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['dist/cli.js', ...args], { env: cleanEnv(env), encoding: 'utf8', timeout: 30_000 });
}

describe('dist/index.js (the action)', () => {
  it('fails fast with no inputs, naming the missing ones', () => {
    const run = runAction({});
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::error title=meshagent-ship%3A inputs::');
    expect(run.stdout).toContain('api-key is required');
    expect(run.stdout).toContain('tag cannot be empty');
    expect(run.output).toMatch(/result<<.*\n\{"status":"failed"/);
  });

  it('reports tag syntax before any network call, in the CLI wording, without the key', () => {
    const run = runAction({ 'API-KEY': API_KEY, TAG: 'registry.meshagent.com/Bad/Name:1', 'API-URL': 'http://127.0.0.1:9', ROOM: 'dev' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('invalid OCI image repository: registry.meshagent.com/Bad/Name:1');
    expect(run.stdout).toContain(`::add-mask::${API_KEY}`);
    expect(withoutMaskCommands(run.stdout) + run.stderr + run.output + run.summary).not.toContain(API_KEY);
  });
});

describe('dist/index.js without a job summary file', () => {
  it('reports as usual and says the summary is missing, with no stack trace', () => {
    const run = spawnSync(process.execPath, ['dist/index.js'], {
      env: cleanEnv({ INPUT_TAG: 'app:1', INPUT_ROOM: 'dev', 'INPUT_DRY-RUN': 'true' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('no job summary: GITHUB_STEP_SUMMARY is not set');
    expect(run.stderr).toBe('');
  });
});

describe('dist/index.js offline', () => {
  const plan = { TAG: 'app:1', ROOM: 'dev', 'DRY-RUN': 'true' };

  it.each([
    ['no key', { ...plan }, 'no api-key was given'],
    [
      'a placeholder key and an API that cannot be reached',
      { ...plan, 'API-KEY': API_KEY, 'API-URL': 'http://127.0.0.1:9' },
      'the API at http://127.0.0.1:9 could not be reached',
    ],
  ])('plans a dry run with %s: exit 0, status planned, the unread facts in the summary', (_, inputs, reason) => {
    const run = runAction(inputs);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(output(run.output, 'result') ?? '{}') as {
      status: string;
      offline: { reason: string; unread: string[] } | null;
      retries: unknown[];
    };
    expect(result.status).toBe('planned');
    expect(result.offline?.reason).toContain(reason);
    expect(result.offline?.unread).toEqual(expect.arrayContaining(['registry host (GET /config)', 'project key (GET /accounts/projects/{id})']));
    expect(result.retries).toEqual([]);
    expect(run.summary).toContain('**Offline plan:**');
    expect(run.summary).toMatch(/\| resolve \|.*offline: not checked against MeshAgent/);
    expect(run.summary).toContain('- tag: `<registry>/<project-key>/app:1`');
    expect(run.stdout).toContain('::warning title=meshagent-ship%3A offline plan::dry run offline');
    expect(run.stdout).toContain('service    <project-key>-app would be created or updated (not looked up; no diff)');
  });

  it('still checks every input offline', () => {
    const run = runAction({ ...plan, TAG: 'Bad/Name:1', ROOM: 'Dev' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('2 inputs are invalid');
  });

  it('prints a hostile tag as no workflow command and no markup', () => {
    const run = runAction({ ...plan, TAG: 'app:1\n::warning title=X::pwned\n<img src=x>' });
    expect(run.status).toBe(1);
    const commands = run.stdout.split('\n').filter((line) => /^\s*(::|##\[)/.test(line));
    expect(commands.map((line) => line.split('::')[1]?.split(' ')[0])).toEqual(['error']);
    // Shown as text (in the error's code block), never as an element.
    expect(run.summary).toContain('<img src=x>');
    expect(renderGfm(run.summary)).not.toContain('<img');
  });
});

describe('dist/cli.js (meshagent-ship)', () => {
  it('prints help and the version', () => {
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: meshagent-ship <command>');
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(runCli([]).status).toBe(2);
    expect(runCli(['launch']).status).toBe(2);
    expect(runCli(['plan', '--bogus']).status).toBe(2);
  });

  it('fails with the same errors as the action', () => {
    const run = runCli(['plan', '--tag', 'registry.meshagent.com/Bad/Name:1', '--room', 'dev', '--api-url', 'http://127.0.0.1:9'], {
      MESHAGENT_API_KEY: API_KEY,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('invalid OCI image repository: registry.meshagent.com/Bad/Name:1');
  });

  it('prints the validated config with the key redacted, from flags and INPUT_/MESHAGENT_ variables', () => {
    const run = runCli(['plan', '--json', '--tag', 'app:1', '--env', 'A=1'], { MESHAGENT_API_KEY: API_KEY, MESHAGENT_ROOM: 'dev', 'INPUT_DRY-RUN': 'true' });
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout) as { meshagent: { apiKey: string; room: string }; dryRun: boolean; service: { env: string[] } };
    expect(plan.meshagent).toMatchObject({ apiKey: '***', room: 'dev' });
    expect(plan.dryRun).toBe(true);
    expect(plan.service.env).toEqual(['A']);
    expect(run.stdout + run.stderr).not.toContain(API_KEY);
  });
});
