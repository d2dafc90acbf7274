/**
 * Runs a builder command: no shell, output streamed line by line to a log callback as it comes, the last lines
 * kept for the error message. A missing command is reported as such, not as a failed build.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** Exit code; -1 when killed by a signal. */
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
  /** The last lines of stdout and stderr, interleaved as they came. */
  readonly tail: readonly string[];
  /** All of stdout (for commands whose answer is their output). */
  readonly stdout: string;
}

export class CommandMissing extends Error {
  constructor(readonly command: string) {
    super(`${command} not found`);
  }
}

export interface CommandOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Lines kept for the error message (default 20). */
  readonly tailLines?: number;
  /** Kill after this many ms (default: never). */
  readonly timeoutMs?: number;
}

/** Environment variables a build never needs and must never see: the MeshAgent API key. */
const PRIVATE_ENV = /^(MESHAGENT_API_KEY|INPUT_API-KEY|INPUT_API_KEY)$/i;

/** The environment for a builder: ours, minus credentials it has no use for, plus `extra`. */
export function builderEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!PRIVATE_ENV.test(key)) env[key] = value;
  return { ...env, ...extra };
}

export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const keep = options.tailLines ?? 20;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? builderEnv(), stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const tail: string[] = [];
    let stdout = '';
    const line = (text: string): void => {
      tail.push(text);
      if (tail.length > keep) tail.shift();
      options.log?.(text);
    };
    // Each stream keeps its unfinished last line until the next chunk (or the end) completes it.
    const splitter = (onChunk?: (text: string) => void) => {
      let rest = '';
      return {
        data(chunk: string): void {
          onChunk?.(chunk);
          const parts = (rest + chunk).split(/\r?\n|\r/);
          rest = parts.pop() ?? '';
          for (const part of parts) line(part);
        },
        end(): void {
          if (rest !== '') line(rest);
          rest = '';
        },
      };
    };
    const out = splitter((text) => (stdout += text));
    const err = splitter();
    child.stdout.setEncoding('utf8').on('data', out.data);
    child.stderr.setEncoding('utf8').on('data', err.data);
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new CommandMissing(command) : error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      out.end();
      err.end();
      resolvePromise({ code: code ?? -1, signal, tail, stdout });
    });
  });
}
