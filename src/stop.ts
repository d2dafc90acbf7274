/**
 * SIGINT and SIGTERM as an AbortSignal for the pipeline. The first signal asks the run to stop: stages end at once,
 * a deploy completes the write in flight and then takes back what it wrote, and the run reports and exits with the
 * shell's code for the signal (130, 143). Later signals are only acknowledged: a deploy being taken back is not cut
 * short (SIGKILL still stops everything).
 */
import { ShipError } from './errors.js';

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignalName = keyof typeof EXIT_CODES;

/** The run was asked to stop; the abort reason of the pipeline's signal. */
export class Stopped extends ShipError {
  constructor(readonly signalName: StopSignalName | undefined) {
    super(signalName ? `stopped by ${signalName}` : 'stopped', { hint: 'the run was cancelled; ship again to deploy' });
  }

  get exitCode(): number {
    return this.signalName ? EXIT_CODES[this.signalName] : 130;
  }
}

/** The error a stop request is reported as: the signal's own reason, or a plain `stopped`. */
export function stoppedBy(signal: AbortSignal): Stopped {
  return signal.reason instanceof Stopped ? signal.reason : new Stopped(undefined);
}

/** Throws the stop error when the run has been asked to stop. */
export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw stoppedBy(signal);
}

/** The process's stop signals, listened to for one run. */
export class StopSignals {
  private readonly controller = new AbortController();
  private readonly listeners: [StopSignalName, () => void][] = [];

  constructor(
    private readonly log: (line: string) => void,
    private readonly target: Pick<NodeJS.Process, 'on' | 'off'> = process,
  ) {
    for (const name of Object.keys(EXIT_CODES) as StopSignalName[]) {
      const listener = () => this.receive(name);
      target.on(name, listener);
      this.listeners.push([name, listener]);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** 130 or 143 once a signal came, else undefined. */
  get exitCode(): number | undefined {
    return this.signal.aborted ? stoppedBy(this.signal).exitCode : undefined;
  }

  /** Stops listening; the process's default handling applies again. */
  dispose(): void {
    for (const [name, listener] of this.listeners) this.target.off(name, listener);
    this.listeners.length = 0;
  }

  private receive(name: StopSignalName): void {
    if (this.signal.aborted) {
      this.log(`${name}: still stopping; a deploy write in flight is completed and then taken back`);
      return;
    }
    this.log(`${name}: stopping`);
    this.controller.abort(new Stopped(name));
  }
}

/**
 * Runs `work`, but stops waiting for it when the signal aborts: the caller goes on to report and exit, and the
 * work left behind is abandoned with the process (its later failure is swallowed, never an unhandled rejection).
 * Not for writes that must complete: the deploy takes its signal itself.
 */
export async function untilStopped<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  throwIfStopped(signal);
  if (!signal) return work();
  const running = work();
  running.catch(() => {});
  let onAbort = (): void => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(stoppedBy(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([running, stopped]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Ends the process with a stopped run's exit code once stdout and stderr have taken everything written before:
 * work a stopped stage left behind must not keep the process alive.
 */
export function exitAfterStop(code: number): void {
  let pending = 2;
  const flushed = (): void => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}
