/**
 * `meshagent-ship ship [options]`: the action's whole pipeline from the command line, with the same options as
 * flags (or INPUT_* / MESHAGENT_* variables). Progress goes to stderr; stdout gets the job summary, or with
 * --json the result. Ctrl-C (SIGINT) or SIGTERM stops the run, which still reports, and exits 130 or 143.
 */
import type { CliArgs } from '../cli-args.js';
import { ConsoleRunner } from '../runner.js';
import { exitCodeOf, reportResult, shipFromInputs } from '../ship.js';
import { RunStop } from '../stop.js';
import { processIo } from './io.js';

export async function runShipCommand(args: CliArgs): Promise<number> {
  const runner = new ConsoleRunner({ inputs: args.inputs, stdout: processIo.stderr });
  const stop = new RunStop({ log: (line) => runner.warning(line) });
  const stopListening = stop.listen();
  try {
    const result = await shipFromInputs(runner, { stop });
    await reportResult(result, runner);
    processIo.stdout(args.json ? `${JSON.stringify(result, null, 2)}\n` : `\n${runner.summary}`);
    return exitCodeOf(result, stop);
  } finally {
    stopListening();
    stop.finish();
  }
}
