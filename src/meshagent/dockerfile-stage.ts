/**
 * What a Dockerfile's final stage says about the image it builds, read as the MeshAgent CLI reads it before a
 * build (cli image.py:1150-1357): instructions are logical lines (a trailing `\` joins the next, comments and blank
 * lines between instructions skipped), every FROM starts over, and EXPOSE, VOLUME, LABEL, ENV, WORKDIR, ENTRYPOINT
 * and CMD are taken from what follows the last FROM, their words split as Python's shlex splits them. A dry run
 * uses it to plan from the Dockerfile alone; a real run reads the built image's config instead.
 */
import { pyDecimalValue, pyIsDecimal, pyShlexSplit } from '../python-text.js';
import { normalizeMountPath } from './service-container.js';

export interface DockerfileStage {
  /** Exposed TCP ports (udp skipped), each once, as `PORT/tcp` keys like an image config's. */
  readonly exposedPorts: readonly string[];
  readonly volumes: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly env: readonly (readonly [string, string])[];
  readonly workingDir: string | undefined;
  readonly entrypoint: readonly string[] | undefined;
  readonly cmd: readonly string[] | undefined;
}

/** `(INSTRUCTION, args)` for each logical line. */
function instructions(text: string): [string, string][] {
  const result: [string, string][] = [];
  let parts: string[] = [];
  // Python's str.splitlines() line ends.
  // eslint-disable-next-line no-control-regex -- those line ends are control characters
  for (const raw of text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/)) {
    const stripped = raw.trim();
    if (parts.length === 0 && (stripped === '' || stripped.startsWith('#'))) continue;
    let part = raw.trimEnd();
    const continues = part.endsWith('\\');
    if (continues) part = part.slice(0, -1).trimEnd();
    parts.push(part.trim());
    if (continues) continue;
    const line = parts.filter((p) => p !== '').join(' ');
    parts = [];
    if (line === '') continue;
    const space = line.indexOf(' ');
    result.push(space === -1 ? [line.toUpperCase(), ''] : [line.slice(0, space).toUpperCase(), line.slice(space + 1).trim()]);
  }
  return result;
}

/** `KEY=VALUE ...` pairs, or the old `KEY VALUE` form. */
function assignments(args: string): [string, string][] {
  const tokens = pyShlexSplit(args);
  if (tokens.length === 2 && !(tokens[0] ?? '').includes('=')) {
    const key = (tokens[0] ?? '').trim();
    return key === '' ? [] : [[key, tokens[1] ?? '']];
  }
  return tokens.flatMap((token) => {
    const eq = token.indexOf('=');
    const key = eq === -1 ? '' : token.slice(0, eq).trim();
    return key === '' ? [] : [[key, token.slice(eq + 1)] as [string, string]];
  });
}

/** A JSON list of strings (the exec form), else the words of the shell form; undefined for none. */
function commandWords(args: string): string[] | undefined {
  const stripped = args.trim();
  if (stripped === '') return undefined;
  if (stripped.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(stripped);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed as string[];
    } catch {
      // not JSON: the shell form
    }
  }
  const words = pyShlexSplit(stripped);
  return words.length > 0 ? words : undefined;
}

function volumePaths(args: string): string[] {
  const stripped = args.trim();
  if (stripped === '') return [];
  let paths: string[] | undefined;
  if (stripped.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(stripped);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) paths = parsed as string[];
    } catch {
      // not JSON
    }
  }
  return (paths ?? pyShlexSplit(stripped)).map(normalizeMountPath).filter((path) => path !== '');
}

/**
 * The final stage's metadata, or that of the stage named `target` (the build's target input); throws (shlex's
 * words) on an unclosed quote.
 */
export function finalStage(text: string, target?: string): DockerfileStage {
  let stage = empty();
  let sawFrom = false;
  let targeted: ReturnType<typeof empty> | undefined;
  for (const [instruction, args] of instructions(text)) {
    if (instruction === 'FROM') {
      sawFrom = true;
      stage = empty();
      // FROM [--platform=...] image [AS name]: stage names are matched without case, as builders match them.
      const words = args.split(/\s+/);
      const as = words.findIndex((word) => word.toLowerCase() === 'as');
      if (target !== undefined && as !== -1 && words[as + 1]?.toLowerCase() === target.toLowerCase()) targeted = stage;
      continue;
    }
    if (!sawFrom) continue;
    switch (instruction) {
      case 'EXPOSE':
        for (const token of pyShlexSplit(args)) {
          const slash = token.indexOf('/');
          const [port, protocol] = slash === -1 ? [token, ''] : [token.slice(0, slash), token.slice(slash + 1)];
          // The CLI takes str.isdigit() and int(); digits int() cannot read (such as ²) are skipped here.
          if (protocol.toLowerCase() === 'udp' || !pyIsDecimal(port)) continue;
          const num = pyDecimalValue(port);
          if (num >= 1 && num <= 65535 && !stage.exposedPorts.includes(`${num}/tcp`)) stage.exposedPorts.push(`${num}/tcp`);
        }
        break;
      case 'VOLUME':
        for (const path of volumePaths(args)) if (!stage.volumes.includes(path)) stage.volumes.push(path);
        break;
      case 'LABEL':
        for (const [key, value] of assignments(args)) stage.labels[key] = value;
        break;
      case 'ENV':
        for (const [key, value] of assignments(args)) stage.env.set(key, value);
        break;
      case 'WORKDIR': {
        const next = pyShlexSplit(args)[0];
        // posixpath.join, then normpath.
        const base = stage.workingDir ?? '/';
        if (next !== undefined) stage.workingDir = normalizeMountPath(next.startsWith('/') ? next : `${base}${base.endsWith('/') ? '' : '/'}${next}`);
        break;
      }
      case 'ENTRYPOINT':
        stage.entrypoint = commandWords(args);
        break;
      case 'CMD':
        stage.cmd = commandWords(args);
        break;
    }
  }
  const chosen = targeted ?? stage;
  return { ...chosen, env: [...chosen.env] };
}

function empty() {
  return {
    exposedPorts: [] as string[],
    volumes: [] as string[],
    labels: {} as Record<string, string>,
    env: new Map<string, string>(),
    workingDir: undefined as string | undefined,
    entrypoint: undefined as string[] | undefined,
    cmd: undefined as string[] | undefined,
  };
}
