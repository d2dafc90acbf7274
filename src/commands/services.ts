/**
 * `meshagent-ship services`: the matrix of services to ship, as JSON (`{"include":[...]}`), from the manifest or by
 * Dockerfile discovery; with --changed, only the services the commits touched.
 */
import { appendFileSync } from 'node:fs';
import type { CliArgs } from '../cli-args.js';
import { formatError } from '../errors.js';
import { changedFiles, parseRange, touches } from '../services/changed.js';
import { discoverServices } from '../services/discover.js';
import { buildMatrix, parseServiceList, type Matrix } from '../services/matrix.js';
import { processIo } from './io.js';

export interface ServicesRun {
  readonly matrix: Matrix;
  /** What was compared, for the log line: undefined without --changed. */
  readonly changed: { readonly range: string; readonly all: boolean; readonly of: number } | undefined;
}

/** The command's work, without printing: also what the tests call. */
export function servicesMatrix(root: string, options: Readonly<Record<string, string>>): ServicesRun {
  const globs = options.glob
    ?.split(/[\n,]+/)
    .map((g) => g.trim())
    .filter((g) => g !== '');
  const found = discoverServices({ root, manifest: options.manifest, globs: globs && globs.length > 0 ? globs : undefined });
  // Every selected service is checked, changed or not: a broken manifest fails on every push, not only on the
  // push that touches the broken service.
  const all = buildMatrix(found.services, { ...legOptions(options), only: parseServiceList(options.only) }, found.manifest?.text);
  if (options.changed === undefined || options.changed.trim() === '') return { matrix: all, changed: undefined };
  const range = parseRange(options.changed);
  if (range === undefined) return { matrix: all, changed: { range: options.changed, all: true, of: all.include.length } };
  const files = changedFiles(root, range);
  const touched = new Set(found.services.filter((service) => touches(service, files, found.manifest?.file)).map((s) => s.name));
  return {
    matrix: { include: all.include.filter((leg) => touched.has(leg.service)) },
    changed: { range: options.changed, all: false, of: all.include.length },
  };
}

function legOptions(options: Readonly<Record<string, string>>) {
  const value = (name: string) => (options[name] !== undefined && options[name].trim() !== '' ? options[name].trim() : undefined);
  return { tag: value('tag'), room: value('room'), image: value('image') };
}

export function runServices(args: CliArgs, root = process.cwd()): number {
  let run: ServicesRun;
  try {
    run = servicesMatrix(root, args.options);
  } catch (error) {
    processIo.stderr(`meshagent-ship: ${formatError(error)}\n`);
    return 1;
  }
  const { matrix, changed } = run;
  const names = matrix.include.map((leg) => leg.service);
  if (changed) {
    processIo.stderr(
      changed.all
        ? `${changed.range}: nothing to compare with (first push), so every service ships: ${names.join(', ') || 'none'}\n`
        : `${names.length} of ${changed.of} services changed in ${changed.range}${names.length > 0 ? `: ${names.join(', ')}` : ''}\n`,
    );
  }
  const json = JSON.stringify(matrix);
  processIo.stdout(`${args.json ? json : JSON.stringify(matrix, null, 2)}\n`);
  if (args.options['github-output']) {
    appendFileSync(args.options['github-output'], `matrix=${json}\ncount=${names.length}\nservices=${JSON.stringify(names)}\n`);
  }
  return 0;
}
