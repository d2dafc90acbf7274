#!/usr/bin/env node
/** Command-line entry: the same inputs and pipeline as the action, on a console runner. */
// Only what every command needs is imported here; each command's modules load when it runs, so a short command
// (a repeat push) does not pay for evaluating the pipeline, the sandbox or the schemas of the others.
import { parseCliArgs, helpText, type CliArgs } from './cli-args.js';
import { ShipError, formatError } from './errors.js';
import { ConsoleRunner } from './runner.js';
import { VERSION } from './version.js';
import { processIo } from './commands/io.js';
import type { Sandbox } from '../sandbox/server.js';
import type { pushCommand } from './commands/push.js';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Exit codes: 0 success, 1 the command failed, 2 the command line is wrong. */
async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    processIo.stderr(`meshagent-ship: ${formatError(error)}\n`);
    return 2;
  }
  if (args.version) {
    processIo.stdout(`${VERSION}\n`);
    return 0;
  }
  if (args.help || args.command === undefined || args.command === 'help') {
    processIo.stdout(`${helpText()}\n`);
    return args.command === undefined && !args.help ? 2 : 0;
  }
  if (args.command === 'sandbox') return runSandbox(args);
  if (args.command === 'ship') return (await import('./commands/ship.js')).runShipCommand(args);
  if (args.command === 'push') return runImageCommand(args, async () => (await import('./commands/push.js')).pushCommand);
  if (args.command === 'pull') return runImageCommand(args, async () => (await import('./commands/pull.js')).pullCommand);
  if (args.command === 'services') return (await import('./commands/services.js')).runServices(args);
  if (args.command === 'report-matrix') return (await import('./commands/report-matrix.js')).runReportMatrix(args);
  if (args.command === 'convert') return runCommand(async () => (await import('./commands/convert.js')).runConvert, args);
  if (args.command === 'verify') return runCommand(async () => (await import('./commands/verify.js')).runVerify, args);
  if (args.command === 'preview-comment') {
    return runCommand(async () => {
      const { previewComment } = await import('./commands/preview-comment.js');
      return async (a) => {
        processIo.stdout(`${await previewComment(a.options, process.env)}\n`);
        return 0;
      };
    }, args);
  }
  if (args.command === 'teardown') {
    const { runTeardownCommand } = await import('./commands/teardown.js');
    const runner = new ConsoleRunner({ stdout: (text) => processIo.stderr(text) });
    return runTeardownCommand(runner, args.options, args.json, (text) => processIo.stdout(runner.mask(text)));
  }
  const runner = new ConsoleRunner({ inputs: args.inputs });
  try {
    const [{ readConfig }, { describeConfig, renderConfig }] = await Promise.all([import('./inputs/parse-config.js'), import('./report/config-view.js')]);
    const config = readConfig(runner);
    runner.info(args.json ? JSON.stringify(describeConfig(config), null, 2) : renderConfig(config));
    return 0;
  } catch (error) {
    runner.fail(formatError(error));
    return error instanceof ShipError ? 1 : 70;
  }
}

/** push and pull: progress on stderr, the result on stdout. */
async function runImageCommand(args: CliArgs, load: () => Promise<typeof pushCommand>): Promise<number> {
  const runner = new ConsoleRunner({ stdout: (text) => processIo.stderr(text) });
  try {
    const command = await load();
    await command(args, runner, (text) => processIo.stdout(runner.mask(text)));
    return 0;
  } catch (error) {
    runner.fail(formatError(error));
    return error instanceof ShipError ? 1 : 70;
  }
}

/** Runs a command module; a ShipError is the user's to fix (exit 1), anything else is a bug (exit 70). */
async function runCommand(load: () => Promise<(args: CliArgs) => Promise<number>>, args: CliArgs): Promise<number> {
  try {
    const command = await load();
    return await command(args);
  } catch (error) {
    processIo.stderr(`meshagent-ship: ${formatError(error)}\n`);
    return error instanceof ShipError ? 1 : 70;
  }
}

/** `meshagent-ship sandbox`: runs in the foreground until interrupted, then stops everything it started. */
async function runSandbox(args: CliArgs): Promise<number> {
  const dir = args.options.dir ?? join(homedir(), '.cache', 'meshagent-ship', 'sandbox');
  const port = Number(args.options.port ?? 0);
  const registryPort = Number(args.options['registry-port'] ?? 0);
  const routerPort = Number(args.options['router-port'] ?? 0);
  if (!Number.isInteger(port) || !Number.isInteger(registryPort) || !Number.isInteger(routerPort)) {
    processIo.stderr('meshagent-ship: --port, --registry-port and --router-port take a port number\n');
    return 2;
  }
  // Listening for the stop signals before starting: a signal while the registry starts must still stop it.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let sandbox: Sandbox;
  try {
    const { startSandbox } = await import('../sandbox/server.js');
    const registry = args.options.registry !== 'false';
    sandbox = await startSandbox({
      dir,
      port,
      registryPort,
      registry,
      // The room runtime needs the sandbox's registry; without one it stays off without a word.
      runtime: registry && args.options.runtime !== 'false',
      routerPort,
      log: (message) => processIo.stderr(`meshagent-ship sandbox: ${message}\n`),
    });
  } catch (error) {
    processIo.stderr(`meshagent-ship: the sandbox did not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const env = sandbox.env();
  if (args.json) processIo.stdout(`${JSON.stringify({ ...env, dir }, null, 2)}\n`);
  else {
    // A restart on the same DIR serves at these addresses again while they are free, and says so when one moved.
    processIo.stdout(`MeshAgent sandbox running (state and addresses in ${dir}, kept for its next start); use it with:\n\n`);
    for (const [name, value] of Object.entries(env)) processIo.stdout(`export ${name}=${value}\n`);
    processIo.stdout(`\nProject key: ${sandbox.projectKey}. Stop with Ctrl-C.\n`);
  }
  await stopped;
  await sandbox.stop();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
