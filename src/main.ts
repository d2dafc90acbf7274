/** The action: the GitHub runner, then the pipeline. `src/index.ts` calls it; tools that run actions import it. */
import { sourceFromEnv } from './pipeline/image-labels.js';
import { githubRunner } from './github-runner.js';
import { runShip } from './ship.js';
import { RunStop } from './stop.js';

/**
 * Runs the action once; the exit code is left in process.exitCode (1 when the ship failed, 130/143 when a
 * cancelled job's SIGINT/SIGTERM stopped it).
 */
export async function run(): Promise<void> {
  const runner = githubRunner();
  const stop = new RunStop({ log: (line) => runner.warning(line, 'meshagent-ship: stopped') });
  const stopListening = stop.listen();
  try {
    process.exitCode = await runShip(runner, { stop, source: sourceFromEnv(process.env) });
  } finally {
    stopListening();
  }
  stop.finish();
}
