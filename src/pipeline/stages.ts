/**
 * Runs the pipeline's stages one after another in log groups, timing each and recording what it did, so the
 * report can say which stages were done, which failed and which never ran.
 */
import { ShipError } from '../errors.js';
import type { StageName, StageRecord } from '../report/result.js';
import type { Runner } from '../runner.js';

/** A failure, with the stage it happened in. */
export class StageError extends ShipError {
  constructor(
    readonly stage: StageName,
    readonly original: unknown,
  ) {
    const shipError = original instanceof ShipError ? original : undefined;
    super(shipError?.message ?? (original instanceof Error ? original.message : String(original)), {
      ...(shipError?.hint ? { hint: shipError.hint } : {}),
      ...(shipError?.input ? { input: shipError.input } : {}),
      cause: original,
    });
  }
}

export class StageTracker {
  readonly records: StageRecord[] = [];

  constructor(
    private readonly runner: Runner,
    private readonly now: () => number = Date.now,
    /** Once aborted, no further stage starts: the next one fails with the signal's reason. */
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Runs `fn` as stage `name` in a log group. `describe` turns its value into the one-line detail of the report.
   * A failure is recorded and rethrown as a StageError naming the stage.
   */
  async run<T>(name: StageName, title: string, fn: () => Promise<T>, describe: (value: T) => string): Promise<T> {
    const started = this.now();
    try {
      this.signal?.throwIfAborted();
      const value = await this.runner.group(title, fn);
      this.record({ name, status: 'done', durationMs: this.now() - started, detail: describe(value) });
      return value;
    } catch (error) {
      const failure = error instanceof StageError ? error : new StageError(name, error);
      this.record({ name, status: 'failed', durationMs: this.now() - started, detail: failure.message.split('\n')[0] ?? '' });
      throw failure;
    }
  }

  /** Keeps a finished stage's record and says its time in the debug log. */
  private record(finished: StageRecord): void {
    this.records.push(finished);
    this.runner.debug(`stage ${finished.name}: ${finished.status} in ${finished.durationMs} ms`);
  }

  /**
   * Puts `label: ` before the detail of each record made since `from` (a count of records): a stage run once per
   * room says which room each line is of.
   */
  labelSince(from: number, label: string): void {
    for (let i = from; i < this.records.length; i++) {
      const record = this.records[i]!;
      this.records[i] = { ...record, detail: `${label}: ${record.detail}` };
    }
  }

  /**
   * The record of a stage, one for a stage run more than once (once per room): failed when any run failed, timed
   * as all of them, with each run's detail.
   */
  recordOf(name: StageName): StageRecord | undefined {
    const runs = this.records.filter((r) => r.name === name);
    if (runs.length <= 1) return runs[0];
    const status = runs.some((r) => r.status === 'failed') ? 'failed' : runs.some((r) => r.status === 'done') ? 'done' : 'skipped';
    return { name, status, durationMs: runs.reduce((total, r) => total + r.durationMs, 0), detail: runs.map((r) => r.detail).join('; ') };
  }

  /** Records a stage that did not run, and why. */
  skip(name: StageName, why: string): void {
    this.records.push({ name, status: 'skipped', durationMs: 0, detail: why });
  }

  /** Whether a stage has a record already. */
  has(name: StageName): boolean {
    return this.records.some((r) => r.name === name);
  }
}
