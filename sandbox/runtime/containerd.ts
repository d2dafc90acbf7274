/**
 * The runtime's own containerd, under the sandbox directory, with the stargz snapshotter daemon as a proxy
 * snapshotter when the machine allows it (reference test-infrastructure §9): `[proxy_plugins.stargz]`,
 * type "snapshot", at the daemon's socket. Driven with its CLI (`ctr-remote -a SOCK -n NS`), which is ctr with the
 * `rpull` that sets the labels a remote snapshotter needs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, sleep, startDaemon, type CommandResult, type Daemon } from './processes.js';

export const NAMESPACE = 'meshagent-sandbox';

export class Ctr {
  constructor(readonly address: string) {}

  /** `ctr-remote -a SOCK -n NS ARGS`. */
  run(args: readonly string[], timeoutMs?: number): Promise<CommandResult> {
    return runCommand('ctr-remote', ['-a', this.address, '-n', NAMESPACE, ...args], { timeoutMs });
  }

  /** The PID of a container's task (`ctr tasks ls`: TASK PID STATUS), or undefined when it has none. */
  async taskPid(id: string): Promise<number | undefined> {
    const listing = await this.run(['tasks', 'ls']);
    for (const line of listing.stdout.split('\n').slice(1)) {
      const [task, pid] = line.trim().split(/\s+/);
      if (task === id && pid && /^\d+$/.test(pid)) return Number(pid);
    }
    return undefined;
  }

  async ok(args: readonly string[], timeoutMs?: number): Promise<string> {
    const result = await this.run(args, timeoutMs);
    if (result.code !== 0)
      throw new Error(`ctr ${args.slice(0, 2).join(' ')} failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
    return result.stdout;
  }
}

/** The stargz snapshotter daemon did not start (containerd can still run without it). */
export class SnapshotterFailed extends Error {}

export interface Containerd {
  readonly ctr: Ctr;
  readonly address: string;
  /** `stargz` when the stargz snapshotter serves this containerd, else `overlayfs` (containerd's own). */
  readonly snapshotter: 'stargz' | 'overlayfs';
  stop(): Promise<void>;
}

export interface ContainerdOptions {
  /** The runtime's working directory; everything lives under it. */
  readonly dir: string;
  /** The stargz snapshotter daemon's binary; none runs without it. */
  readonly stargzBinary?: string;
}

/** The last line a daemon wrote to its log, to say why it did not start. */
function lastLogLine(logPath: string): string {
  try {
    const line = readFileSync(logPath, 'utf8').trim().split('\n').at(-1)?.trim();
    return line ? ` (${line.slice(0, 300)})` : '';
  } catch {
    return '';
  }
}

async function waitFor(what: string, test: () => Promise<boolean>, daemon: Daemon, logPath: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!daemon.running()) throw new Error(`${what} exited while starting${lastLogLine(logPath)}; see ${logPath}`);
    if (await test()) return;
    await sleep(50);
  }
  throw new Error(`${what} did not answer within ${timeoutMs / 1000} s${lastLogLine(logPath)}; see ${logPath}`);
}

export async function startContainerd(options: ContainerdOptions): Promise<Containerd> {
  const { dir } = options;
  const address = join(dir, 'containerd.sock');
  const stargzAddress = join(dir, 'stargz.sock');
  const started: Daemon[] = [];
  const stopAll = async () => {
    // containerd first, as it may still ask the snapshotter things while it stops; then the snapshotter, which
    // unmounts its FUSE layers on SIGTERM.
    for (const daemon of [...started].reverse()) await daemon.stop();
  };
  try {
    let snapshotter: Containerd['snapshotter'] = 'overlayfs';
    if (options.stargzBinary) {
      const configPath = join(dir, 'stargz.toml');
      // No background fetch: a layer is fetched only as it is read, so "bytes fetched before ready" is exact
      // (reference §9); production keeps fetching the rest in the background.
      writeFileSync(configPath, 'no_background_fetch = true\n');
      const logPath = join(dir, 'stargz.log');
      try {
        const daemon = await startDaemon(
          'stargz-snapshotter',
          options.stargzBinary,
          ['-address', stargzAddress, '-root', join(dir, 'stargz'), '-config', configPath],
          { logPath },
        );
        started.push(daemon);
        await waitFor('the stargz snapshotter', async () => (await runCommand('test', ['-S', stargzAddress])).code === 0, daemon, logPath);
      } catch (error) {
        throw new SnapshotterFailed(`the stargz snapshotter daemon (${options.stargzBinary}) did not start: ${(error as Error).message}`);
      }
      snapshotter = 'stargz';
    }
    const configPath = join(dir, 'containerd.toml');
    writeFileSync(
      configPath,
      [
        'version = 2',
        `root = ${JSON.stringify(join(dir, 'containerd', 'root'))}`,
        `state = ${JSON.stringify(join(dir, 'containerd', 'state'))}`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = ${JSON.stringify(address)}`,
        '[ttrpc]',
        `  address = ${JSON.stringify(`${address}.ttrpc`)}`,
        '[plugins."io.containerd.internal.v1.opt"]',
        `  path = ${JSON.stringify(join(dir, 'containerd', 'opt'))}`,
        ...(snapshotter === 'stargz' ? ['[proxy_plugins.stargz]', '  type = "snapshot"', `  address = ${JSON.stringify(stargzAddress)}`] : []),
        '',
      ].join('\n'),
    );
    const logPath = join(dir, 'containerd.log');
    const daemon = await startDaemon('containerd', 'containerd', ['--config', configPath], { logPath });
    started.push(daemon);
    const ctr = new Ctr(address);
    await waitFor('containerd', async () => (await ctr.run(['version'], 5000)).code === 0, daemon, logPath);
    return { ctr, address, snapshotter, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
