/**
 * `meshagent-ship report-matrix DIR`: one table and one JSON for all legs of a ship matrix, from the leg files
 * the legs uploaded (see src/services/report.ts for what is read).
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { CliArgs } from '../cli-args.js';
import { ShipError, formatError } from '../errors.js';
import { aggregate, renderMarkdown } from '../services/report.js';
import { processIo } from './io.js';

/** The service names of a matrix given as JSON text or a file holding it. */
export function expectedServices(matrix: string | undefined): string[] {
  if (matrix === undefined || matrix.trim() === '') return [];
  const text = matrix.trim().startsWith('{') || !existsSync(matrix) ? matrix : readFileSync(matrix, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ShipError('--matrix is neither matrix JSON nor a file holding it', {
      hint: 'pass the discover job output, e.g. --matrix \'{"include":[{"service":"api"}]}\'',
    });
  }
  const include = (parsed as { include?: unknown }).include;
  if (!Array.isArray(include)) throw new ShipError('--matrix has no include list', { hint: 'pass the output of meshagent-ship services --json' });
  return include.map((leg) => (leg as { service?: unknown }).service).filter((name): name is string => typeof name === 'string');
}

export function runReportMatrix(args: CliArgs): number {
  const dir = args.positionals[0];
  if (dir === undefined) {
    processIo.stderr('meshagent-ship: report-matrix needs the directory of leg results\nHint: meshagent-ship report-matrix results --matrix "$MATRIX"\n');
    return 2;
  }
  try {
    const report = aggregate(dir, expectedServices(args.options.matrix));
    const markdown = renderMarkdown(report);
    const json = JSON.stringify(report);
    processIo.stdout(args.json ? `${json}\n` : markdown);
    if (args.options.summary) appendFileSync(args.options.summary, markdown);
    if (args.options['github-output']) {
      // A heredoc delimiter nothing in the JSON can contain.
      const delimiter = `meshagent_ship_${randomBytes(8).toString('hex')}`;
      appendFileSync(args.options['github-output'], `results<<${delimiter}\n${json}\n${delimiter}\nok=${report.ok}\n`);
    }
    return 0;
  } catch (error) {
    processIo.stderr(`meshagent-ship: ${formatError(error)}\n`);
    return 1;
  }
}
