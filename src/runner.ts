/**
 * The Runner port: everything the pipeline asks of its host (inputs, outputs, log groups, masking, summary,
 * failure). The GitHub version (github-runner.ts) is the only code that touches @actions/core; the console version
 * serves the CLI and the tests, which inject it and need no module mocking.
 */
import { appendFile } from 'node:fs/promises';
import { inertText } from './inert.js';
import type { InputSource } from './inputs/raw-inputs.js';

export interface Runner extends InputSource {
  readonly kind: 'github' | 'console';
  setOutput(name: string, value: string): void;
  debug(message: string): void;
  info(message: string): void;
  /** A warning; on GitHub also an annotation. */
  warning(message: string, title?: string): void;
  /** An error line; on GitHub also an annotation. */
  error(message: string, title?: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** Appends markdown to the job summary. */
  writeSummary(markdown: string): Promise<void>;
  /** Marks the run failed with this message (the process exit code becomes 1); on GitHub an annotation titled `title`. */
  fail(message: string, title?: string): void;
}

export interface ConsoleRunnerOptions {
  /** Raw input values by input name, e.g. from command-line flags; they win over INPUT_* variables. */
  readonly inputs?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Where the job summary goes; without it the summary is kept in `summary`. */
  readonly summaryPath?: string;
}

/** A Runner for the command line and for tests: masks secrets in everything it prints or keeps. */
export class ConsoleRunner implements Runner {
  readonly kind = 'console' as const;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly outputs = new Map<string, string>();
  /** Every line written, masked, for tests to inspect. */
  readonly lines: string[] = [];
  summary = '';
  failed: string | undefined;
  private readonly secrets = new Set<string>();
  private readonly inputs: Readonly<Record<string, string>>;
  private readonly out: (text: string) => void;
  private readonly err: (text: string) => void;
  private readonly summaryPath: string | undefined;
  private depth = 0;

  constructor(options: ConsoleRunnerOptions = {}) {
    this.inputs = options.inputs ?? {};
    this.env = options.env ?? process.env;
    this.out = options.stdout ?? ((text) => process.stdout.write(text));
    this.err = options.stderr ?? ((text) => process.stderr.write(text));
    this.summaryPath = options.summaryPath;
  }

  /** The flag value, else INPUT_<NAME> as GitHub sets it (hyphens kept), else the same with underscores. */
  getInput(name: string): string {
    const fromFlag = this.inputs[name];
    if (fromFlag !== undefined) return fromFlag;
    const upper = name.toUpperCase();
    return this.env[`INPUT_${upper}`] ?? this.env[`INPUT_${upper.replaceAll('-', '_')}`] ?? '';
  }

  setSecret(value: string): void {
    if (value !== '') this.secrets.add(value);
  }

  /** Replaces every registered secret with ***. */
  mask(text: string): string {
    let masked = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) masked = masked.split(secret).join('***');
    return masked;
  }

  setOutput(name: string, value: string): void {
    this.outputs.set(name, this.mask(value));
  }

  debug(message: string): void {
    if (this.env.RUNNER_DEBUG === '1' || this.env.MESHAGENT_SHIP_DEBUG === '1') this.write(this.err, `debug: ${message}`);
  }

  info(message: string): void {
    this.write(this.out, message);
  }

  warning(message: string, title?: string): void {
    this.write(this.err, `warning: ${title ? `${title}: ` : ''}${message}`);
  }

  error(message: string, title?: string): void {
    this.write(this.err, `error: ${title ? `${title}: ` : ''}${message}`);
  }

  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.write(this.out, `▸ ${title}`);
    this.depth += 1;
    try {
      return await fn();
    } finally {
      this.depth -= 1;
    }
  }

  async writeSummary(markdown: string): Promise<void> {
    const masked = this.mask(markdown);
    this.summary += masked;
    if (this.summaryPath) await appendFile(this.summaryPath, masked);
  }

  // The title is for annotations; a terminal line keeps the CLI's plain `error: message`.
  fail(message: string): void {
    this.failed = this.mask(message);
    this.write(this.err, `error: ${message}`);
  }

  private write(stream: (text: string) => void, message: string): void {
    const indent = '  '.repeat(this.depth);
    // The CLI may itself run inside a GitHub step, so its lines are made inert too.
    const text = inertText(this.mask(message))
      .split('\n')
      .map((line) => indent + line)
      .join('\n');
    this.lines.push(text);
    stream(`${text}\n`);
  }
}
