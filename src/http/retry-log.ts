/** The record of every retry of a run, so the log, the result and the summary count each one once. */

export interface RetryRecord {
  readonly method: string;
  /** Without the query string. */
  readonly url: string;
  /** The attempt that failed (1 for the first); retry N follows attempt N. */
  readonly attempt: number;
  /** Why it failed, e.g. "503 Service Unavailable" or "timed out after 30 s". */
  readonly reason: string;
  readonly delayMs: number;
}

/**
 * Every retry of a run, in order: shared by the clients of one run (the API's, the registry's, a source registry's),
 * so the log lines, the result and the summary count each retry once, whichever client or upload made it.
 */
export class RetryLog {
  private readonly list: RetryRecord[] = [];

  add(record: RetryRecord): void {
    this.list.push(record);
  }

  get records(): readonly RetryRecord[] {
    return this.list;
  }
}
