/**
 * The pipeline: resolve -> ensure -> build -> convert -> push -> deploy -> verify (the last two once per room), then
 * the report. Each stage is a function in pipeline/ that takes the previous stage's value and returns the next, which
 * holds the ones before it; none reaches back. The result is built from the last value reached, also after a failure (the stages done so far,
 * and the error), and the report is rendered from the result.
 */
import { readConfig } from './inputs/parse-config.js';
import type { ShipConfig } from './inputs/ship-config.js';
import { inputWarnings } from './inputs/warnings.js';
import { ensureStage } from './pipeline/access.js';
import { convertStage } from './pipeline/convert.js';
import { deployStage } from './pipeline/deploy.js';
import { planStage } from './pipeline/plan.js';
import { lookUpPrevious } from './pipeline/previous-lookup.js';
import { pushStage } from './pipeline/publish.js';
import { invalidInputsResult, runFailure, shipResult, type Reached, type RunFailure } from './pipeline/result.js';
import { ShipRun, type ShipOptions } from './pipeline/run.js';
import { buildStage } from './pipeline/source-image.js';
import { roomsFailure, shipToRooms } from './pipeline/rooms.js';
import { resolveStage } from './pipeline/target.js';
import { verifyStage } from './pipeline/verify.js';
import { resultOutputs, type ShipResult } from './report/result.js';
import { renderSummary } from './report/summary.js';
import type { Runner } from './runner.js';
import type { RunStop } from './stop.js';

/** Reads the inputs through the runner, runs the pipeline and reports; returns the process exit code. */
export async function runShip(runner: Runner, options: ShipOptions = {}): Promise<number> {
  const result = await shipFromInputs(runner, options);
  await reportResult(result, runner);
  return exitCodeOf(result, options.stop);
}

/** 0 when shipped or planned; the shell's code for the signal when a stop ended the run; else 1. */
export function exitCodeOf(result: ShipResult, stop: RunStop | undefined): number {
  if (result.status !== 'failed') return 0;
  return stop?.stopped?.exitCode ?? 1;
}

/** The pipeline from the runner's inputs; invalid inputs give a failed result before any network call. */
export async function shipFromInputs(runner: Runner, options: ShipOptions = {}): Promise<ShipResult> {
  let config: ShipConfig;
  try {
    config = readConfig(runner);
  } catch (error) {
    return invalidInputsResult(error);
  }
  return ship(config, runner, options);
}

/** Outputs, the job summary and, on failure, the error (an annotation on GitHub). */
export async function reportResult(result: ShipResult, runner: Runner): Promise<void> {
  for (const [name, value] of Object.entries(resultOutputs(result))) runner.setOutput(name, value);
  await runner.writeSummary(renderSummary(result));
  if (result.error) {
    const { message, hint, stage } = result.error;
    // The annotation names the stage that failed, so a reader of the run's summary knows where to look.
    runner.fail(hint ? `${message}\nHint: ${hint}` : message, `meshagent-ship: ${stage ?? 'inputs'}`);
  } else if (result.service?.url) runner.info(`Service URL: ${result.service.url}`);
}

async function ship(config: ShipConfig, runner: Runner, options: ShipOptions = {}): Promise<ShipResult> {
  const run = new ShipRun(config, runner, options);
  for (const warning of inputWarnings(config)) runner.warning(warning, 'meshagent-ship: inputs');
  // A project service (scope: project) is in every room: it has none of its own.
  const room = config.service.scope === 'project' ? null : config.meshagent.room;
  let reached: Reached | undefined;
  /** Keeps each stage's value as it comes: after a failure, the last one says what was done. */
  const reach = <T extends Reached>(value: T): T => {
    reached = value;
    return value;
  };
  let failure: RunFailure | undefined;
  try {
    const resolved = reach(await resolveStage(run));
    const ensured = reach(await ensureStage(run, resolved));
    if (config.dryRun) {
      reach(await planStage(run, ensured));
    } else {
      // The previous image's conversions are looked up in the registry while the image builds.
      const previous = lookUpPrevious(run, ensured);
      const built = reach(await buildStage(run, ensured));
      const converted = reach(await convertStage(run, built, previous));
      if (config.image.push) {
        const pushed = reach(await pushStage(run, converted));
        if (config.service.deploy && room !== undefined && room !== null && config.meshagent.rooms.length > 1) {
          // Several rooms: each is deployed and verified; the run fails after the last one if any room failed.
          const shipped = reach(await shipToRooms(run, pushed, config.meshagent.rooms));
          const failed = roomsFailure(shipped);
          if (failed) throw failed;
        } else if (config.service.deploy && room !== undefined) {
          const deployed = reach(await deployStage(run, pushed, room));
          reach(await verifyStage(run, deployed));
        }
      }
    }
  } catch (error) {
    failure = runFailure(error, options.stop);
  } finally {
    await run.end();
  }
  return shipResult(run, reached, failure);
}
