/**
 * Stopping a run on SIGINT or SIGTERM: Ctrl-C, or a cancelled GitHub job (the runner sends SIGINT, SIGTERM 7.5 s
 * later, then kills the process).
 *
 * The first signal aborts `signal`: the stage in progress stops (a builder's process is killed, uploads are cut, a
 * conversion ends at its next chunk), no later stage starts, and the pipeline unwinds through its own cleanup. A
 * deploy completes the write in flight and takes back what it wrote; it runs inside `uninterrupted`, so the process
 * does not exit before that is done. If the run has not ended `graceMs` later, or a second signal comes, the
 * directories given to `removeOnExit` are removed here and the process exits, unless a deploy is still in flight.
 * The exit code is the shell's for the signal: 128 + its number (130, 143).
 */
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { ShipError } from './errors.js';

export type StopSignalName = 'SIGINT' | 'SIGTERM';

const SIGNALS: readonly StopSignalName[] = ['SIGINT', 'SIGTERM'];

/** How long a forced run has to report once a deploy it waited for has settled. */
const REPORT_MS = 1_000;

/** The reason of an aborted run: which signal stopped it. */
export class Stopped extends ShipError {
  constructor(readonly signalName: StopSignalName) {
    super(`stopped by ${signalName}`, { hint: 'the run was cancelled: nothing after this stage ran, and its temporary files were removed; run again to ship' });
  }

  /** 128 + the signal's number, as a shell reports a process a signal ended. */
  get exitCode(): number {
    return 128 + constants.signals[this.signalName];
  }
}

/** Throws the stop when the run has been asked to stop (the deploy checks before each write). */
export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Stopped ? signal.reason : new Stopped('SIGINT');
}

export interface RunStopOptions {
  /** How long the pipeline has to unwind after the first signal before the process is made to exit (default 5 s). */
  readonly graceMs?: number;
  /** Where the stop is said. */
  readonly log?: (line: string) => void;
  /** Ends the process; injectable for tests. */
  readonly exit?: (code: number) => void;
}

export class RunStop {
  private readonly controller = new AbortController();
  private readonly scratch = new Set<string>();
  private inFlight = 0;
  private forcing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RunStopOptions = {}) {}

  /** Aborted at the first stop signal, with a `Stopped` as its reason. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the run stopped, once a signal came. */
  get stopped(): Stopped | undefined {
    return this.signal.aborted ? (this.signal.reason as Stopped) : undefined;
  }

  /** Listens for SIGINT and SIGTERM until the returned function is called. */
  listen(): () => void {
    const onSignal = (name: NodeJS.Signals): void => this.receive(name as StopSignalName);
    for (const name of SIGNALS) process.on(name, onSignal);
    return () => {
      for (const name of SIGNALS) process.off(name, onSignal);
      clearTimeout(this.timer);
    };
  }

  /** What a signal does; `listen` calls it, tests may too. */
  receive(name: StopSignalName): void {
    if (this.signal.aborted) {
      this.force();
      return;
    }
    this.options.log?.(`${name}: stopping the run${this.inFlight > 0 ? ' once the deploy in flight has completed' : ''}`);
    this.controller.abort(new Stopped(name));
    this.timer = setTimeout(() => this.force(), this.options.graceMs ?? 5_000);
    this.timer.unref();
  }

  /** Runs `work` to its end even when a stop comes meanwhile: the process does not exit before it settles. */
  async uninterrupted<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      // Forced meanwhile: the run still gets a moment to report what the deploy did (it is the last word on the
      // service), then the process exits.
      if (this.forcing && this.inFlight === 0) {
        this.timer = setTimeout(() => this.exitNow(), REPORT_MS);
        this.timer.unref();
      }
    }
  }

  /**
   * Called once the run has reported: when a stop ended it, the process exits with the signal's code as soon as
   * stdout and stderr have taken what was written, so that nothing a stopped stage left behind keeps it alive.
   */
  finish(): void {
    const code = this.stopped?.exitCode;
    if (code === undefined) return;
    let pending = 2;
    const flushed = (): void => {
      pending -= 1;
      if (pending === 0) (this.options.exit ?? process.exit)(code);
    };
    process.stdout.write('', flushed);
    process.stderr.write('', flushed);
  }

  /** A directory the run made: removed here if the process has to exit before the run removes it. */
  removeOnExit(dir: string): () => void {
    this.scratch.add(dir);
    return () => this.scratch.delete(dir);
  }

  private force(): void {
    this.forcing = true;
    if (this.inFlight > 0) {
      this.options.log?.('waiting for the deploy in flight to complete before exiting');
      return;
    }
    this.exitNow();
  }

  private exitNow(): void {
    for (const dir of this.scratch) rmSync(dir, { recursive: true, force: true });
    this.scratch.clear();
    (this.options.exit ?? process.exit)(this.stopped?.exitCode ?? 1);
  }
}
