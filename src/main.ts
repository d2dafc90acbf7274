/** The action: the GitHub runner, then the pipeline. `src/index.ts` calls it; tools that run actions import it. */
import { githubRunner } from './runner.js';
import { runShip } from './ship.js';

/** Runs the action once; the exit code is left in process.exitCode (1 when the ship failed). */
export async function run(): Promise<void> {
  process.exitCode = await runShip(githubRunner());
}
