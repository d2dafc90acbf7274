/**
 * A container's log as the rollout reads it: each line goes to the run's log as it comes (secrets hidden, made inert
 * by the runner), and the last lines are kept for the summary and the result: at most 50, and at most 8 KiB, each
 * line cut at 500 characters, so a service that prints a lot cannot blow up the report.
 */

const MAX_LINES = 50;
const MAX_BYTES = 8 * 1024;
const MAX_LINE_CHARS = 500;

export class LogTail {
  private kept: string[] = [];
  private bytes = 0;
  private count = 0;

  constructor(
    /** Where each line is said, e.g. the run's log. */
    private readonly say: (line: string) => void,
    /** Hides secrets in a line before it goes anywhere. */
    private readonly scrub: (text: string) => string,
  ) {}

  /** Lines read so far, kept or not. */
  get total(): number {
    return this.count;
  }

  add(container: string, line: string): void {
    const clean = cut(this.scrub(line));
    this.count += 1;
    this.say(`${container} | ${clean}`);
    this.kept.push(clean);
    this.bytes += Buffer.byteLength(clean) + 1;
    while (this.kept.length > MAX_LINES || this.bytes > MAX_BYTES) this.bytes -= Buffer.byteLength(this.kept.shift() ?? '') + 1;
  }

  /** The last lines, oldest first. */
  lines(): readonly string[] {
    return [...this.kept];
  }

  /** Starts over, for another container (the one a rollback waits for). */
  clear(): void {
    this.kept = [];
    this.bytes = 0;
    this.count = 0;
  }
}

/** Terminal colour and cursor sequences, and other control characters but the tab: plain text for a summary. */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]/g;

function cut(raw: string): string {
  const line = raw.replace(ESCAPES, '');
  if (line.length <= MAX_LINE_CHARS) return line;
  const end = line.charCodeAt(MAX_LINE_CHARS - 2) >= 0xd800 && line.charCodeAt(MAX_LINE_CHARS - 2) <= 0xdbff ? MAX_LINE_CHARS - 2 : MAX_LINE_CHARS - 1;
  return `${line.slice(0, end)}…`;
}
