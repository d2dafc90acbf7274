/**
 * Command-line arguments -> a command, raw input values by input name, and CLI options. Every action input is a
 * flag of the same name; booleans also as --name / --no-name; a repeated list flag adds lines. Secrets are refused
 * as flags, since argv shows in the process list.
 */
import { ShipError } from './errors.js';
import { INPUTS, inputSpec } from './inputs/spec.js';

export interface CliArgs {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  /** Action inputs, for the commands that take them. */
  readonly inputs: Readonly<Record<string, string>>;
  /** The command's own options (e.g. sandbox --dir). */
  readonly options: Readonly<Record<string, string>>;
  readonly json: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

/** Each command: whether it takes the action's inputs as flags, and its own options. */
/** Option kinds: a value, a switch, or a value that may repeat (its values are joined with newlines). */
export type OptionKind = 'string' | 'boolean' | 'list';

export const COMMANDS: Readonly<Record<string, { readonly inputs: boolean; readonly options: Readonly<Record<string, OptionKind>> }>> = {
  plan: { inputs: true, options: {} },
  ship: { inputs: true, options: {} },
  convert: { inputs: false, options: { prefetch: 'list', 'prefetch-auto-timeout': 'string', 'compression-level': 'string', 'chunk-size': 'string' } },
  verify: { inputs: false, options: {} },
  sandbox: {
    inputs: false,
    options: { dir: 'string', port: 'string', 'registry-port': 'string', registry: 'boolean', runtime: 'boolean', 'router-port': 'string' },
  },
  push: { inputs: false, options: { 'mount-from': 'string', concurrency: 'string' } },
  pull: { inputs: false, options: { platform: 'string' } },
  services: {
    inputs: false,
    options: {
      manifest: 'string',
      changed: 'string',
      glob: 'string',
      only: 'string',
      tag: 'string',
      room: 'string',
      image: 'string',
      'inputs-digest': 'boolean',
      deployed: 'boolean',
      'preview-room': 'string',
      'domain-template': 'string',
      'api-url': 'string',
      'project-id': 'string',
      'github-output': 'string',
    },
  },
  teardown: {
    inputs: false,
    options: { room: 'string', services: 'string', tags: 'boolean', tag: 'string', environment: 'string', 'api-url': 'string', 'project-id': 'string' },
  },
  'preview-comment': { inputs: false, options: { room: 'string', pr: 'string', results: 'string', removed: 'string', fork: 'boolean', 'run-url': 'string' } },
  'report-matrix': { inputs: false, options: { matrix: 'string', summary: 'string', 'github-output': 'string' } },
  help: { inputs: false, options: {} },
};

const usageHint = 'see meshagent-ship --help';
/** Words that read as a switch's value. */
const SWITCH_WORD = /^(true|false|yes|no|on|off)$/i;

/** Parses `<command> [options]`; the command comes first. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const inputs: Record<string, string> = {};
  const options: Record<string, string> = {};
  const positionals: string[] = [];
  let json = false;
  let help = false;
  let version = false;
  const first = argv[0];
  const command = first !== undefined && !first.startsWith('-') ? first : undefined;
  if (command !== undefined && !COMMANDS[command]) throw new ShipError(`unknown command ${command}`, { hint: usageHint });
  const own = command ? (COMMANDS[command]?.options ?? {}) : {};
  const takesInputs = command ? (COMMANDS[command]?.inputs ?? false) : false;
  /** The switch just read without a value, if the argument before this one was one. */
  let lastSwitch: string | undefined;
  for (let i = command === undefined ? 0 : 1; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (lastSwitch !== undefined && SWITCH_WORD.test(arg)) {
        // A switch takes no value: `--deploy false` would be --deploy (true) and a stray argument.
        const meant = /^(true|yes|on)$/i.test(arg) ? 'true' : 'false';
        throw new ShipError(`--${lastSwitch} takes no value: "${arg}" follows it`, {
          hint: `write --${lastSwitch}=${meant}, or --${lastSwitch} / --no-${lastSwitch}`,
        });
      }
      lastSwitch = undefined;
      if (arg === '-h') help = true;
      else if (arg.startsWith('-') && arg !== '-') throw new ShipError(`unknown option ${arg}`, { hint: usageHint });
      else positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    lastSwitch = undefined;
    if (flag === 'json') json = true;
    else if (flag === 'help') help = true;
    else if (flag === 'version') version = true;
    else if (own[flag] !== undefined || (flag.startsWith('no-') && own[flag.slice(3)] === 'boolean')) {
      const name = own[flag] !== undefined ? flag : flag.slice(3);
      if (own[flag] === undefined) options[name] = 'false';
      else if (own[name] === 'boolean' && inline === undefined) {
        options[name] = 'true';
        lastSwitch = name;
      } else {
        const value = inline ?? argv[i + 1];
        if (value === undefined) throw new ShipError(`--${name} needs a value`, { hint: usageHint });
        if (inline === undefined) i += 1;
        const previous = options[name];
        options[name] = own[name] === 'list' && previous !== undefined ? `${previous}\n${value}` : value;
      }
    } else {
      const negated = flag.startsWith('no-') ? inputSpec(flag.slice(3)) : undefined;
      const spec = takesInputs ? (inputSpec(flag) ?? negated) : undefined;
      if (!spec) throw new ShipError(`unknown option --${flag}`, { hint: usageHint });
      if (spec.secret) {
        throw new ShipError(`--${spec.name} is not accepted on the command line, where other users of the machine could read it`, {
          hint: `set ${spec.env ?? `INPUT_${spec.name.toUpperCase()}`} in the environment instead`,
        });
      }
      let value: string;
      const takesSwitch = spec.kind === 'boolean' || ('switch' in spec && spec.switch === true);
      if (negated && spec === negated) {
        if (!takesSwitch || inline !== undefined) throw new ShipError(`unknown option --${flag}`, { hint: usageHint });
        value = 'false';
      } else if (inline !== undefined) {
        value = inline;
      } else if (takesSwitch && (spec.kind === 'boolean' || argv[i + 1] === undefined || argv[i + 1]?.startsWith('--'))) {
        value = 'true';
        lastSwitch = spec.name;
      } else {
        const next = argv[i + 1];
        if (next === undefined) throw new ShipError(`--${spec.name} needs a value`, { hint: usageHint });
        value = next;
        i += 1;
      }
      const previous = inputs[spec.name];
      inputs[spec.name] = spec.kind === 'list' && previous !== undefined ? `${previous}\n${value}` : value;
    }
  }
  // ship and plan read options only: a stray word (a second room after a space) would be dropped without a word.
  if (takesInputs && positionals.length > 0) {
    throw new ShipError(`${command} takes no arguments, and got "${positionals[0]}"`, {
      hint: 'give every value after its option; a list takes one option per item (--room a --room b) or commas (--room a,b)',
    });
  }
  return { command, positionals, inputs, options, json, help, version };
}

/** The --help text, generated from the input table so it never drifts from action.yml. */
export function helpText(): string {
  const groups = new Map<string, string[]>();
  for (const spec of INPUTS) {
    // A secret is read from the environment only, so it is listed by its variable, not as a flag.
    const flag =
      'secret' in spec
        ? `${spec.env} (environment)`
        : spec.kind === 'boolean'
          ? `--${spec.name}`
          : 'switch' in spec && spec.switch
            ? `--${spec.name} [VALUE], --no-${spec.name}`
            : `--${spec.name} ${spec.kind === 'list' ? 'VALUE...' : 'VALUE'}`;
    const from = 'env' in spec && !('secret' in spec) ? ` [env ${spec.env}]` : '';
    const def = 'default' in spec ? ` (default ${spec.default})` : '';
    const line = `  ${flag.padEnd(30)} ${spec.summary}${def}${from}`;
    groups.set(spec.group, [...(groups.get(spec.group) ?? []), line]);
  }
  const sections = [...groups].map(([group, lines]) => `${group}:\n${lines.join('\n')}`);
  return [
    'meshagent-ship: build, convert to eStargz, push and deploy a MeshAgent room service',
    '',
    'Usage: meshagent-ship <command> [options]',
    '',
    'Commands:',
    '  ship       run the whole pipeline: build, convert to eStargz, push, deploy, verify; prints the summary,',
    '             or the result with --json (progress on stderr)',
    '  plan       parse and validate the options, print the plan (secrets redacted); no network',
    '  sandbox    run a local MeshAgent sandbox (API, registry token server, registry, and a room runtime that',
    '             runs deployed services with a router for their domains) in the foreground [--dir DIR] [--port N]',
    '             [--registry-port N] [--router-port N] [--no-registry] [--no-runtime]; prints the environment to use it;',
    '             a restart on the same DIR serves at the same ports while they are free',
    '  push       push an OCI layout to a registry: push oci:DIR[:REF] docker://HOST/REPOSITORY[:TAG]',
    '             [--mount-from REPO,...] [--concurrency N]; prints the digest-pinned reference',
    '  pull       pull an image into an OCI layout: pull docker://HOST/REPOSITORY[:TAG|@DIGEST] oci:DIR[:REF]',
    '             [--platform OS/ARCH]; registry credentials for push and pull come from',
    '             MESHAGENT_SHIP_REGISTRY_USER/MESHAGENT_SHIP_REGISTRY_PASSWORD or the Docker config (DOCKER_CONFIG);',
    '             plain HTTP for loopback and MESHAGENT_SHIP_INSECURE_REGISTRIES (comma-separated hosts)',
    '  services   print the matrix of services to ship as JSON, from meshagent-ship.yml or by Dockerfile',
    '             [--manifest F] [--changed BASE..HEAD] [--only a,b] [--tag T] [--room R] [--image REF]',
    '             [--glob "services/*,apps/*"] [--github-output FILE] [--inputs-digest] [--deployed [--api-url URL]',
    '             [--project-id ID]] [--preview-room R] [--domain-template "{service}-r.example.com"]; --inputs-digest',
    "             adds each service's inputs digest; --deployed keeps only the services whose digest differs from the",
    '             one on the service their room runs (MESHAGENT_API_KEY; without it every service counts as changed)',
    '  teardown   remove what meshagent-ship deployed in a room: its services and their routes, then the room when',
    '             meshagent-ship created it: --room R [--services a,b] [--tags [--tag T]] [--environment PREFIX]',
    '             [--api-url URL] [--project-id ID]; --tags also removes tag T (default: the room name) from the',
    "             services' project registry repositories; on GitHub Actions their deployments become inactive",
    "  preview-comment  post or update the pull request's preview comment: --room R --pr N [--results DIR]",
    '             [--removed a,b] [--fork] [--run-url URL]; GITHUB_TOKEN and GITHUB_REPOSITORY from the environment',
    '  report-matrix DIR  one table and JSON from the leg results of a matrix [--matrix JSON] [--summary FILE]',
    '             [--github-output FILE]',
    '  convert SRC DST  convert every layer of an image to eStargz; SRC is oci:DIR[:REF], oci-archive:FILE[:REF]',
    '             or docker-archive:FILE; DST is oci:DIR[:REF] or oci-archive:FILE[:REF]',
    '             [--prefetch PATH-OR-GLOB|auto ...] [--prefetch-auto-timeout SECONDS (10)] [--compression-level 0-9 (6)] [--chunk-size BYTES (4194304)]',
    '  verify IMAGE  check every layer of IMAGE is valid eStargz (TOC, chunks, digests, diff_ids); exit 1 if not',
    '  help       show this help',
    '',
    'Every option can also come from INPUT_<NAME> (as GitHub Actions sets it) and, where shown, from a MESHAGENT_*',
    'variable. Lists take one value per line, or a repeated flag. Booleans: --name, --no-name or --name=false.',
    'The API key is read from MESHAGENT_API_KEY only, never from a flag. The options below are for ship and plan.',
    '',
    ...sections.flatMap((section) => [section, '']),
    'Output:',
    '  --json                         print JSON',
    '  --version                      print the version',
  ].join('\n');
}
