/**
 * The pipeline: one function per stage, typed data between them, a Result at the end.
 *
 * resolve -> ensure -> build -> convert -> push -> deploy -> verify -> report. Only `resolve` (inputs, tag syntax,
 * the plan) exists so far; a run that is not a dry run stops with an error after it rather than pretend.
 */
import { ShipError, formatError } from './errors.js';
import { readConfig, type ShipConfig } from './inputs.js';
import { describeConfig, renderPlan } from './report/plan.js';
import type { Runner } from './runner.js';
import { formatImageTag } from './reference.js';

export type StageName = 'resolve' | 'ensure' | 'build' | 'convert' | 'push' | 'deploy' | 'verify' | 'report';

export interface StageRecord {
  readonly name: StageName;
  readonly status: 'done' | 'failed' | 'skipped';
  readonly durationMs: number;
}

export interface Result {
  readonly status: 'planned' | 'shipped' | 'failed';
  readonly dryRun: boolean;
  readonly image: string | null;
  readonly stages: readonly StageRecord[];
  readonly plan: Record<string, unknown> | null;
  readonly error: { readonly message: string; readonly hint: string | null } | null;
}

/** Reads the inputs through the runner, runs the pipeline and reports; returns the process exit code. */
export async function runShip(runner: Runner): Promise<number> {
  const stages: StageRecord[] = [];
  let config: ShipConfig | undefined;
  let result: Result;
  try {
    const started = Date.now();
    config = readConfig(runner);
    const resolved = config;
    const plan = renderPlan(resolved);
    await runner.group('Plan', async () => runner.info(plan));
    await runner.writeSummary(`### meshagent-ship plan\n\n\`\`\`\n${plan}\n\`\`\`\n`);
    stages.push({ name: 'resolve', status: 'done', durationMs: Date.now() - started });
    if (!config.dryRun) {
      throw new ShipError('building, pushing and deploying are not available in this version of meshagent-ship yet', {
        hint: 'set dry-run: true to validate the inputs and print the plan',
      });
    }
    result = { status: 'planned', dryRun: true, image: formatImageTag(config.image.tag), stages, plan: describeConfig(config), error: null };
  } catch (error) {
    result = {
      status: 'failed',
      dryRun: config?.dryRun ?? false,
      image: config ? formatImageTag(config.image.tag) : null,
      stages,
      plan: config ? describeConfig(config) : null,
      error: { message: error instanceof ShipError ? error.message : formatError(error), hint: error instanceof ShipError ? (error.hint ?? null) : null },
    };
    runner.fail(formatError(error));
  }
  if (result.image) runner.setOutput('image', result.image);
  runner.setOutput('result', JSON.stringify(result));
  return result.status === 'failed' ? 1 : 0;
}
