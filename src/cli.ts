#!/usr/bin/env node
/** Command-line entry: the same inputs and pipeline as the action, on a console runner. */
import { parseCliArgs, helpText, type CliArgs } from './cli-args.js';
import { ShipError, formatError } from './errors.js';
import { readConfig } from './inputs.js';
import { describeConfig, renderPlan } from './report/plan.js';
import { ConsoleRunner } from './runner.js';
import { VERSION } from './version.js';

/** Exit codes: 0 success, 1 the command failed, 2 the command line is wrong. */
async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(`meshagent-ship: ${formatError(error)}\n`);
    return 2;
  }
  if (args.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (args.help || args.command === undefined || args.command === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return args.command === undefined && !args.help ? 2 : 0;
  }
  if (args.command !== 'plan') {
    process.stderr.write(`meshagent-ship: ${formatError(new ShipError(`unknown command ${args.command}`, { hint: 'see meshagent-ship --help' }))}\n`);
    return 2;
  }
  const runner = new ConsoleRunner({ inputs: args.inputs });
  try {
    const config = readConfig(runner);
    runner.info(args.json ? JSON.stringify(describeConfig(config), null, 2) : renderPlan(config));
    return 0;
  } catch (error) {
    runner.fail(formatError(error));
    return error instanceof ShipError ? 1 : 70;
  }
}

process.exitCode = await main(process.argv.slice(2));
