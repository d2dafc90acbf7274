/**
 * The long-running processes of the room runtime (containerd, the snapshotter daemon, event readers, port
 * forwarders): each started in its own process group, known by its PID, and stopped by that PID (SIGTERM, then
 * SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  running(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface DaemonOptions {
  /** stdout and stderr go to this file (appended). */
  readonly logPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Pipe stdout to the caller instead of the log file. */
  readonly pipeStdout?: boolean;
}

export async function startDaemon(name: string, command: string, args: readonly string[], options: DaemonOptions = {}): Promise<Daemon> {
  const log = options.logPath ? openSync(options.logPath, 'a') : 'ignore';
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      stdio: ['ignore', options.pipeStdout ? 'pipe' : log, log],
      env: options.env ?? process.env,
      // Its own process group: a Ctrl-C at the sandbox's terminal reaches the sandbox, which stops it in order.
      detached: true,
    });
  } finally {
    if (typeof log === 'number') closeSync(log);
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`)));
  });
  const pid = child.pid as number;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid,
    child,
    exited,
    running,
    stop: async (graceMs = 5000) => {
      if (!running()) return;
      // The whole group: a forwarder's children (one per connection) go with it.
      const signal = (name: NodeJS.Signals) => {
        try {
          process.kill(-pid, name);
        } catch {
          child.kill(name);
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => {
        if (running()) signal('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end without blocking the event loop (the sandbox answers requests meanwhile). */
export function runCommand(command: string, args: readonly string[], options: { timeoutMs?: number; input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdin.end(options.input);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${command}: ${error.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr: signal ? `${stderr}${command}: killed by ${signal}` : stderr });
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
