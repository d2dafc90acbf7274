// GitHub's local runner for actions (@github/local-action) runs the action from source: it imports src/main.ts,
// swaps @actions/core for its own implementation and calls run(). So the entry works as that tool, and
// actions/typescript-action, expect.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join('node_modules', '@github', 'local-action', 'bin', 'local-action.js');

/** Runs `local-action run . src/main.ts <env file>` with these inputs; returns the exit code, output and summary. */
function localAction(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'local-action-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const lines = [
    ...Object.entries(inputs).map(([name, value]) => `INPUT_${name.toUpperCase()}=${value}`),
    `GITHUB_STEP_SUMMARY=${summary}`,
    `RUNNER_TEMP=${dir}`,
  ];
  writeFileSync(join(dir, '.env'), `${lines.join('\n')}\n`);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(INPUT_|MESHAGENT_|GITHUB_|RUNNER_)/.test(name)) env[name] = value;
  }
  const run = spawnSync(process.execPath, [BIN, 'run', '.', 'src/main.ts', join(dir, '.env')], { env, encoding: 'utf8', timeout: 120_000 });
  const result = /^::set-output name=result::(.*)$/m.exec(run.stdout)?.[1];
  return {
    status: run.status,
    stdout: run.stdout,
    result: result === undefined ? undefined : (JSON.parse(result) as { status: string; offline: unknown }),
    summary: readFileSync(summary, 'utf8'),
  };
}

describe('npx @github/local-action run . src/main.ts', () => {
  it('plans a keyless dry run: exit 0, status planned, the offline plan in the summary', () => {
    const run = localAction({ tag: 'app:1', room: 'dev', 'dry-run': 'true' });
    expect(run.status, run.stdout).toBe(0);
    expect(run.result).toMatchObject({ status: 'planned', offline: { reason: 'no api-key was given' } });
    expect(run.stdout).toContain('::warning title=meshagent-ship: offline plan::');
    expect(run.summary).toContain('### 📝 meshagent-ship plan (dry run)');
    expect(run.summary).toContain('**Offline plan:** no api-key was given.');
  });

  it('fails on bad inputs with exit code 1 and the titled error', () => {
    const run = localAction({ tag: 'Bad/Name:1', room: 'dev' });
    expect(run.status).toBe(1);
    expect(run.result).toMatchObject({ status: 'failed' });
    expect(run.stdout).toContain('::error title=meshagent-ship: inputs::2 inputs are invalid:');
    expect(run.stdout).toContain('tag: invalid OCI image repository: Bad/Name:1');
  });
});
