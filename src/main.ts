/** The action: the GitHub runner, then the pipeline. `src/index.ts` calls it; tools that run actions import it. */
import { sourceFromEnv } from './pipeline/image-labels.js';
import { githubRunner } from './github-runner.js';
import { runShip } from './ship.js';
import { runTeardownAction, teardownRequested } from './commands/teardown-action.js';
import { formatError } from './errors.js';
import { RunStop } from './stop.js';

/** The teardown input, or undefined after saying why it is wrong. */
function readTeardown(runner: ReturnType<typeof githubRunner>): boolean | undefined {
  try {
    return teardownRequested(runner.getInput('teardown'));
  } catch (error) {
    runner.fail(formatError(error), 'meshagent-ship: inputs');
    return undefined;
  }
}

/**
 * Runs the action once; the exit code is left in process.exitCode (1 when the ship failed, 130/143 when a
 * cancelled job's SIGINT/SIGTERM stopped it).
 */
export async function run(): Promise<void> {
  const runner = githubRunner();
  const stop = new RunStop({ log: (line) => runner.warning(line, 'meshagent-ship: stopped') });
  const stopListening = stop.listen();
  try {
    // teardown: true removes a room's deployment instead of shipping one (a closed pull request's preview).
    const tearDown = readTeardown(runner);
    if (tearDown === undefined) process.exitCode = 1;
    else process.exitCode = tearDown ? await runTeardownAction(runner) : await runShip(runner, { stop, source: sourceFromEnv(process.env) });
  } finally {
    stopListening();
  }
  stop.finish();
}
