/** The action: the GitHub runner, then the pipeline. `src/index.ts` calls it; tools that run actions import it. */
import { githubRunner } from './runner.js';
import { runShip } from './ship.js';
import { StopSignals, exitAfterStop } from './stop.js';

/**
 * Runs the action once; the exit code is left in process.exitCode (1 when the ship failed). A cancelled job
 * (SIGINT, then SIGTERM from the runner) stops the run, which reports and exits with 130 or 143.
 */
export async function run(): Promise<void> {
  const runner = githubRunner();
  const stop = new StopSignals((line) => runner.info(line));
  try {
    const code = await runShip(runner, { signal: stop.signal });
    process.exitCode = stop.exitCode ?? code;
  } finally {
    stop.dispose();
  }
  // Work a stopped stage left behind must not keep the process alive.
  if (stop.exitCode !== undefined) exitAfterStop(stop.exitCode);
}
