/**
 * `meshagent-ship services`: the matrix of services to ship, as JSON (`{"include":[...]}`), from the manifest or by
 * Dockerfile discovery; with --changed, only the services the commits touched; with --inputs-digest, each leg
 * carries the digest of its inputs (written into the deployed service's annotations); with --deployed, only the
 * services whose digest differs from the one on the service their room runs now. With both --changed and --deployed,
 * a service the commits did not touch is listed too when its room runs other inputs that a ship recorded: a pull
 * request that reverted a service's files, or an earlier ship of it that was rolled back, would else leave the room
 * on code the branch no longer has.
 */
import { appendFileSync } from 'node:fs';
import type { CliArgs } from '../cli-args.js';
import { formatError } from '../errors.js';
import { listItems } from '../list-text.js';
import { changedFiles, parseRange, touches } from '../services/changed.js';
import { discoverServices } from '../services/discover.js';
import { INPUTS_DIGEST_INPUT, inputsDigest, repositoryFiles } from '../services/inputs-digest.js';
import type { ServiceSpec } from '../services/manifest.js';
import { buildMatrix, parseServiceList, type Leg, type Matrix } from '../services/matrix.js';
import type { DeployedComparison } from './deployed-inputs.js';
import { processIo } from './io.js';

export interface ServicesRun {
  readonly matrix: Matrix;
  /** What was compared, for the log line: undefined without --changed. */
  readonly changed: { readonly range: string; readonly all: boolean; readonly of: number } | undefined;
  /** The legs --changed left out (the commits did not touch them), for the comparison with what is deployed. */
  readonly untouched: readonly Leg[];
}

type Options = Readonly<Record<string, string>>;
type Env = Readonly<Record<string, string | undefined>>;

/** The command's work, without printing and without the API: also what the tests call. */
export function servicesMatrix(root: string, options: Options): ServicesRun {
  const globs = listItems(options.glob);
  const found = discoverServices({ root, manifest: options.manifest, globs: globs.length > 0 ? globs : undefined });
  // Every selected service is checked, changed or not: a broken manifest fails on every push, not only on the
  // push that touches the broken service.
  const built = buildMatrix(found.services, { ...legOptions(options), only: parseServiceList(options.only) }, found.manifest?.text);
  const all = digestsWanted(options) ? withDigests(root, found.services, built) : built;
  if (options.changed === undefined || options.changed.trim() === '') return { matrix: all, changed: undefined, untouched: [] };
  const range = parseRange(options.changed);
  if (range === undefined) return { matrix: all, changed: { range: options.changed, all: true, of: all.include.length }, untouched: [] };
  const files = changedFiles(root, range);
  const touched = new Set(found.services.filter((service) => touches(service, files, found.manifest?.file)).map((s) => s.name));
  return {
    matrix: { include: all.include.filter((leg) => touched.has(leg.service)) },
    changed: { range: options.changed, all: false, of: all.include.length },
    untouched: all.include.filter((leg) => !touched.has(leg.service)),
  };
}

function digestsWanted(options: Options): boolean {
  return options['inputs-digest'] === 'true' || options.deployed === 'true';
}

/** Each leg with its inputs digest; the repository's files are listed once for all of them. */
function withDigests(root: string, services: readonly ServiceSpec[], matrix: Matrix): Matrix {
  const files = repositoryFiles(root);
  const byName = new Map(services.map((s) => [s.name, s]));
  const include = matrix.include.map((leg): Leg => {
    const service = byName.get(leg.service);
    return service ? { ...leg, [INPUTS_DIGEST_INPUT]: inputsDigest(root, service, leg, files) } : leg;
  });
  return { include };
}

function legOptions(options: Options) {
  const value = (name: string) => (options[name] !== undefined && options[name].trim() !== '' ? options[name].trim() : undefined);
  return { tag: value('tag'), room: value('room'), image: value('image'), previewRoom: value('preview-room'), domainTemplate: value('domain-template') };
}

/**
 * With --deployed, the legs whose inputs differ from what their room runs, and a line per leg saying why. Without
 * an API key nothing can be compared: every leg stays, and the note says so. Of the `untouched` legs (left out by
 * --changed), those whose room runs other inputs a ship recorded are added, each with its line; the others stay out
 * without one.
 */
export async function keepUndeployed(matrix: Matrix, options: Options, env: Env, log: (line: string) => void, untouched: readonly Leg[] = []): Promise<Matrix> {
  const { apiClient, apiUrlOf, hasApiKey } = await import('./api-client.js');
  if (!hasApiKey(env)) {
    log('--deployed: no MESHAGENT_API_KEY, so nothing deployed can be compared with: every service counts as changed');
    return matrix;
  }
  const value = (name: string) => (options[name]?.trim() ? options[name].trim() : undefined);
  const masked: string[] = [];
  const client = apiClient({ command: 'services --deployed', apiUrl: value('api-url'), projectId: value('project-id'), mask: (s) => masked.push(s) }, env);
  try {
    const { compareWithDeployed } = await import('./deployed-inputs.js');
    // One comparison for both, so each room is read once; its results come in the order of the legs given.
    const legs = [...matrix.include.map((leg) => ({ leg, touched: true })), ...untouched.map((leg) => ({ leg, touched: false }))];
    const compared = await compareWithDeployed(
      client,
      legs.map((l) => l.leg),
      apiUrlOf({ apiUrl: value('api-url') }, env),
    );
    const include: Leg[] = [];
    for (const [i, { leg, touched }] of legs.entries()) {
      const c = compared[i] as DeployedComparison;
      if (touched) log(`${c.service}: ${c.changed ? 'changed' : 'skipped'}, ${c.because}`);
      else if (c.recorded) log(`${c.service}: changed, not touched by the commits, but ${c.because} (a revert, or an earlier ship that was rolled back)`);
      if (touched ? c.changed : c.recorded) include.push(leg);
    }
    return { include };
  } finally {
    await client.close();
  }
}

export async function runServices(args: CliArgs, root = process.cwd(), env: Env = process.env): Promise<number> {
  let run: ServicesRun;
  let matrix: Matrix;
  try {
    run = servicesMatrix(root, args.options);
    matrix =
      args.options.deployed === 'true'
        ? await keepUndeployed(run.matrix, args.options, env, (line) => processIo.stderr(`${line}\n`), run.untouched)
        : run.matrix;
  } catch (error) {
    processIo.stderr(`meshagent-ship: ${formatError(error)}\n`);
    return 1;
  }
  const { changed } = run;
  const names = matrix.include.map((leg) => leg.service);
  if (changed) {
    const listed = run.matrix.include.map((leg) => leg.service);
    processIo.stderr(
      changed.all
        ? `${changed.range}: nothing to compare with (first push), so every service ships: ${listed.join(', ') || 'none'}\n`
        : `${listed.length} of ${changed.of} services changed in ${changed.range}${listed.length > 0 ? `: ${listed.join(', ')}` : ''}\n`,
    );
  }
  if (args.options.deployed === 'true')
    processIo.stderr(`${names.length} to ship after comparing with what is deployed${names.length > 0 ? `: ${names.join(', ')}` : ''}\n`);
  const json = JSON.stringify(matrix);
  processIo.stdout(`${args.json ? json : JSON.stringify(matrix, null, 2)}\n`);
  if (args.options['github-output']) {
    appendFileSync(args.options['github-output'], `matrix=${json}\ncount=${names.length}\nservices=${JSON.stringify(names)}\n`);
  }
  return 0;
}
