import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleRunner } from '../../src/runner.js';

function quietRunner(options: ConstructorParameters<typeof ConsoleRunner>[0] = {}): { runner: ConsoleRunner; printed: string[] } {
  const printed: string[] = [];
  const runner = new ConsoleRunner({ stdout: (t) => printed.push(t), stderr: (t) => printed.push(t), env: {}, ...options });
  return { runner, printed };
}

describe('ConsoleRunner', () => {
  it('masks every secret in logs, outputs, failures and the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-'));
    const summaryPath = join(dir, 'summary.md');
    const { runner, printed } = quietRunner({ summaryPath });
    runner.setSecret('tok');
    runner.setSecret('tok-extended');
    runner.info('a tok-extended b tok');
    runner.warning('warn tok');
    runner.setOutput('x', '{"t":"tok"}');
    runner.fail('failed with tok');
    await runner.writeSummary('| tok |');
    const everything = [...printed, ...runner.outputs.values(), runner.failed ?? '', runner.summary, readFileSync(summaryPath, 'utf8')].join('\n');
    expect(everything).not.toContain('tok');
    expect(printed[0]).toBe('a *** b ***\n');
  });

  it('takes flags over INPUT_ variables, with or without hyphens', () => {
    const { runner } = quietRunner({ inputs: { tag: 'flag:1' }, env: { INPUT_TAG: 'env:1', 'INPUT_DRY-RUN': 'true', INPUT_CREATE_ROOM: 'false' } });
    expect(runner.getInput('tag')).toBe('flag:1');
    expect(runner.getInput('dry-run')).toBe('true');
    expect(runner.getInput('create-room')).toBe('false');
    expect(runner.getInput('room')).toBe('');
  });

  it('indents inside groups and prints debug only when asked', async () => {
    const { runner, printed } = quietRunner();
    await runner.group('Stage', async () => runner.info('inside\nsecond'));
    runner.debug('hidden');
    expect(printed).toEqual(['▸ Stage\n', '  inside\n  second\n']);
    const verbose = quietRunner({ env: { RUNNER_DEBUG: '1' } });
    verbose.runner.debug('shown');
    expect(verbose.printed).toEqual(['debug: shown\n']);
  });
});
