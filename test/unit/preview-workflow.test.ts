/**
 * preview.yml: what runs on which pull request event, with which permissions, and what a fork gets; then its shell
 * steps run as GitHub runs them (bash, env, a GITHUB_OUTPUT file), with the kit's cli.js replaced by a script that
 * records its arguments and answers as told.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';

// Parsed workflow YAML, walked freely by the tests: its shape is what they check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const preview = parse(readFileSync('.github/workflows/preview.yml', 'utf8')) as Json;
const ship = parse(readFileSync('.github/workflows/ship.yml', 'utf8')) as Json;

function step(wf: Json, job: string, name: string): { run: string; env: Record<string, string> } {
  const found = (wf.jobs[job].steps as Json[]).find((s) => s.name === name);
  if (!found) throw new Error(`no step ${name} in ${job}`);
  return { run: found.run as string, env: (found.env ?? {}) as Record<string, string> };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface StepRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly output: string;
  readonly summary: string;
  /** The arguments cli.js was called with, one call per entry. */
  readonly calls: string[][];
}

/** Runs a step in a temp dir whose kit/dist/cli.js records its arguments, prints CLI_STDOUT and exits CLI_EXIT. */
function runStep(script: string, env: Record<string, string>): StepRun {
  const root = mkdtempSync(join(tmpdir(), 'preview-steps-'));
  dirs.push(root);
  mkdirSync(join(root, 'kit', 'dist'), { recursive: true });
  writeFileSync(
    join(root, 'kit', 'dist', 'cli.js'),
    [
      "const { appendFileSync } = require('node:fs');",
      "appendFileSync(process.env.CALLS, JSON.stringify(process.argv.slice(2)) + '\\n');",
      "process.stdout.write(process.env.CLI_STDOUT ?? '');",
      "process.exit(Number(process.env.CLI_EXIT ?? '0'));",
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, 'kit', 'package.json'), '{"type":"commonjs"}');
  for (const name of ['out', 'summary', 'calls']) writeFileSync(join(root, name), '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: join(root, 'out'),
      GITHUB_STEP_SUMMARY: join(root, 'summary'),
      RUNNER_TEMP: root,
      CALLS: join(root, 'calls'),
      ...env,
    },
    encoding: 'utf8',
  });
  const read = (name: string) => readFileSync(join(root, name), 'utf8');
  const calls = read('calls')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);
  return { status: result.status, stdout: result.stdout + result.stderr, output: read('out'), summary: read('summary'), calls };
}

describe('preview.yml', () => {
  it('is only callable, with the prefix, the domain template and what ship.yml needs', () => {
    expect(Object.keys(preview.on)).toEqual(['workflow_call']);
    const inputs = preview.on.workflow_call.inputs as Record<string, Json>;
    expect(inputs.prefix).toMatchObject({ type: 'string', default: 'pr' });
    expect(inputs['domain-template']?.type).toBe('string');
    for (const name of ['manifest', 'globs', 'prepare', 'api-url', 'project-id', 'runs-on', 'kit-repository', 'kit-ref'])
      expect(ship.on.workflow_call.inputs[name]?.type, name).toBe(inputs[name]?.type);
    expect(preview.on.workflow_call.secrets).toEqual({ MESHAGENT_API_KEY: { description: expect.any(String), required: false } });
    // Never pull_request_target, nor any trigger of its own: the caller's pull_request runs it.
    expect(readFileSync('.github/workflows/preview.yml', 'utf8')).not.toMatch(/^\s*pull_request_target:/m);
  });

  it('grants each job only what it needs: the comment job alone writes to the pull request', () => {
    const permissions = Object.fromEntries(Object.entries(preview.jobs as Record<string, Json>).map(([name, job]) => [name, job.permissions]));
    expect(permissions).toEqual({
      context: {},
      ship: { contents: 'read' },
      teardown: { contents: 'read' },
      comment: { contents: 'read', 'pull-requests': 'write' },
    });
    // ship.yml's jobs cap themselves at contents: read too: no job that runs the pull request's code can write.
    for (const [name, job] of Object.entries(ship.jobs as Record<string, Json>)) {
      if (name !== 'deployments') expect(job.permissions, name).toEqual({ contents: 'read' });
    }
  });

  it('ships into the preview room through ship.yml, comparing with what the room runs', () => {
    const job = preview.jobs.ship as Json;
    expect(job.uses).toBe('./.github/workflows/ship.yml');
    expect(job.if).toBe("needs.context.outputs.closed != 'true'");
    expect(job.with).toMatchObject({
      'preview-room': '${{ needs.context.outputs.room }}',
      'domain-template': '${{ needs.context.outputs.domain-template }}',
      'changed-only': true,
      base: '${{ github.event.pull_request.base.sha }}',
    });
    for (const name of Object.keys(job.with as Json)) expect(Object.keys(ship.on.workflow_call.inputs), name).toContain(name);
  });

  it('plans a fork (or a run without the key) offline: no secret, a dry run, no prepare, no comparison, and no teardown', () => {
    const job = preview.jobs.ship as Json;
    expect(job.with['dry-run']).toBe("${{ needs.context.outputs.offline == 'true' }}");
    expect(job.with['skip-unchanged']).toBe("${{ needs.context.outputs.offline != 'true' }}");
    expect(job.with.prepare).toBe("${{ needs.context.outputs.offline != 'true' && inputs.prepare || '' }}");
    expect(job.secrets).toEqual({ MESHAGENT_API_KEY: "${{ needs.context.outputs.fork != 'true' && secrets.MESHAGENT_API_KEY || '' }}" });
    expect(preview.jobs.teardown.if).toBe("needs.context.outputs.closed == 'true' && needs.context.outputs.offline != 'true'");
    expect(step(preview, 'context', 'Name the room').env.HEAD_REPOSITORY).toBe('${{ github.event.pull_request.head.repo.full_name }}');
    expect(step(preview, 'context', 'Name the room').env.HAS_KEY).toBe("${{ secrets.MESHAGENT_API_KEY != '' }}");
  });

  it('tears down on closed with the tags, and comments after a ship (also a failed one) or a teardown', () => {
    const teardown = step(preview, 'teardown', 'Remove the room, its services, routes and tags');
    expect(teardown.run).toContain('node kit/dist/cli.js teardown --room "$ROOM" --tags --json');
    expect(teardown.env.MESHAGENT_API_KEY).toBe('${{ secrets.MESHAGENT_API_KEY }}');
    expect(preview.jobs.comment.needs).toEqual(['context', 'ship', 'teardown']);
    expect(preview.jobs.comment.if).toContain("needs.ship.result == 'failure'");
    expect(preview.jobs.comment.if).toContain("needs.teardown.result == 'success'");
    // A ship that failed before its report has no rows: the comment would say that no service changed.
    expect(preview.jobs.comment.if).toContain("&& needs.ship.outputs.results != ''");
    expect(step(preview, 'comment', 'Post or update the comment').env.GITHUB_TOKEN).toBe('${{ github.token }}');
  });

  it("runs a pull request's ship and teardown one at a time, even when the caller sets no concurrency", () => {
    const group = { group: 'meshagent-ship-preview-${{ needs.context.outputs.room }}', 'cancel-in-progress': false };
    expect(preview.jobs.ship.concurrency).toEqual(group);
    expect(preview.jobs.teardown.concurrency).toEqual(group);
  });

  it("locates the kit with ship.yml's script", () => {
    expect(step(preview, 'context', 'Locate the kit').run).toBe(step(ship, 'discover', 'Locate the kit').run);
    expect(step(preview, 'context', 'Locate the kit').env).toEqual(step(ship, 'discover', 'Locate the kit').env);
  });

  it('never puts an expression into the text of a script', () => {
    for (const [job, value] of Object.entries(preview.jobs as Record<string, Json>))
      for (const s of (value.steps ?? []) as Json[]) if (s.run) expect(s.run as string, `${job}: ${s.name}`).not.toContain('${{');
  });
});

describe('preview.yml steps', () => {
  const name = step(preview, 'context', 'Name the room').run;
  const event = {
    EVENT: 'pull_request',
    ACTION: 'opened',
    NUMBER: '12',
    PREFIX: 'pr',
    GITHUB_REPOSITORY: 'acme/app',
    HEAD_REPOSITORY: 'acme/app',
    HAS_KEY: 'true',
  };

  it('names the room <prefix>-<number>, fills {number} into the domain template, and tells a fork and a close', () => {
    const opened = runStep(name, { ...event, DOMAIN_TEMPLATE: '{service}-pr-{number}.example.com' });
    expect(opened.status, opened.stdout).toBe(0);
    expect(opened.output).toBe('room=pr-12\nnumber=12\ndomain-template={service}-pr-12.example.com\nfork=false\noffline=false\nclosed=false\n');
    const fork = runStep(name, { ...event, PREFIX: 'preview', ACTION: 'closed', HEAD_REPOSITORY: 'someone/app', DOMAIN_TEMPLATE: '' });
    expect(fork.output).toBe('room=preview-12\nnumber=12\ndomain-template=\nfork=true\noffline=true\nclosed=true\n');
    // A pull request of the repository itself with no key (Dependabot's): planned offline, with a warning.
    const keyless = runStep(name, { ...event, HAS_KEY: 'false', DOMAIN_TEMPLATE: '' });
    expect(keyless.output).toContain('fork=false\noffline=true\n');
    expect(keyless.stdout).toContain('::warning::no MESHAGENT_API_KEY in this run');
  });

  it('refuses another event (pull_request_target included), a prefix that is no room name and a domain template without {service}', () => {
    const target = runStep(name, { ...event, EVENT: 'pull_request_target', DOMAIN_TEMPLATE: '' });
    expect(target.status).toBe(1);
    expect(target.stdout).toContain('::error::preview.yml runs on pull_request (opened, synchronize, reopened, closed), not on pull_request_target');
    const prefix = runStep(name, { ...event, PREFIX: 'PR_', DOMAIN_TEMPLATE: '' });
    expect(prefix.status).toBe(1);
    expect(prefix.stdout).toContain("::error::prefix 'PR_' is not a room name prefix");
    expect(prefix.output).toBe('');
    const shared = runStep(name, { ...event, DOMAIN_TEMPLATE: 'pr-{number}.example.com' });
    expect(shared.status).toBe(1);
    expect(shared.stdout).toContain("::error::domain-template 'pr-{number}.example.com' has no {service}");
    expect(shared.output).toBe('');
  });

  it('tears down and hands the removed services to the comment', () => {
    const { run } = step(preview, 'teardown', 'Remove the room, its services, routes and tags');
    const report = { report: { room: 'pr-12', servicesRemoved: [{ name: 'api' }, { name: 'web' }] } };
    const done = runStep(run, { ROOM: 'pr-12', CLI_STDOUT: JSON.stringify(report) });
    expect(done.status, done.stdout).toBe(0);
    expect(done.calls).toEqual([['teardown', '--room', 'pr-12', '--tags', '--json']]);
    expect(done.output).toBe('removed=api,web\n');
    const failed = runStep(run, { ROOM: 'pr-12', CLI_EXIT: '1' });
    expect(failed.status).toBe(1);
    expect(failed.output).toBe('');
  });

  const comment = step(preview, 'comment', 'Post or update the comment').run;
  const commentEnv = { ROOM: 'pr-12', NUMBER: '12', FORK: 'false', CLOSED: 'false', RESULTS: '', REMOVED: '', RUN_URL: 'https://example.test/run/1' };

  it('comments with the ship results, the removed services, or the fork note', () => {
    const shipped = runStep(comment, { ...commentEnv, RESULTS: '{"services":[]}' });
    expect(shipped.status, shipped.stdout).toBe(0);
    expect(shipped.calls[0]?.slice(0, 7)).toEqual(['preview-comment', '--room', 'pr-12', '--pr', '12', '--run-url', 'https://example.test/run/1']);
    expect(shipped.calls[0]?.slice(7)).toEqual(['--results', expect.stringMatching(/preview-results\.json$/)]);
    const closed = runStep(comment, { ...commentEnv, CLOSED: 'true', REMOVED: 'api,web', RESULTS: '{"services":[]}' });
    expect(closed.calls[0]?.slice(7)).toEqual(['--removed', 'api,web']);
    const fork = runStep(comment, { ...commentEnv, FORK: 'true', RESULTS: '{"services":[]}' });
    expect(fork.calls[0]?.slice(9)).toEqual(['--fork']);
  });

  it("a fork's read-only token cannot comment: a notice and the summary, not a failure; anyone else's failure fails", () => {
    const fork = runStep(comment, { ...commentEnv, FORK: 'true', CLI_EXIT: '1' });
    expect(fork.status).toBe(0);
    expect(fork.stdout).toContain("::notice::the token of a fork's pull request cannot comment");
    expect(fork.summary).toContain('planned offline');
    expect(runStep(comment, { ...commentEnv, CLI_EXIT: '1' }).status).toBe(1);
  });
});
