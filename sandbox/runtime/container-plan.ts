/**
 * What a service's container spec asks of its container, worked out without touching anything: the process (the
 * `command` string split as a POSIX shell would, replacing the image's entrypoint and cmd), working dir, env
 * (explicit values, sandbox-issued participant tokens, the agent template's variables) and mounts (room storage,
 * named room volumes, empty dirs, seed files, other images). The runtime carries the plan out.
 */
import { join } from 'node:path';
import type { ServiceSpec } from '../wire/service.js';

type Container = NonNullable<ServiceSpec['container']>;
type TokenAsk = NonNullable<NonNullable<Container['environment']>[number]['token']>;

interface BindMount {
  readonly source: string;
  readonly destination: string;
  readonly readOnly: boolean;
  /** For a subpath of room storage or a volume: resolved under this root before the start (symbolic links). */
  readonly under?: { readonly root: string; readonly subpath: string };
}

interface ImageMount {
  readonly image: string;
  readonly destination: string;
  readonly subpath?: string;
  readonly readOnly: boolean;
}

export interface ContainerPlan {
  /** The process's argv, or undefined to run the image's own entrypoint and cmd. */
  readonly args?: readonly string[];
  readonly cwd?: string;
  readonly env: readonly (readonly [string, string])[];
  /** Host directories to make before the start (room storage, volumes, empty dirs). */
  readonly dirs: readonly string[];
  /** Host files to write before the start (seed files), each then bound in. */
  readonly files: readonly { readonly path: string; readonly text: string }[];
  readonly binds: readonly BindMount[];
  readonly images: readonly ImageMount[];
  readonly readOnlyRoot: boolean;
  /** What the sandbox could not do as asked, written to the container's log before it starts. */
  readonly notes: readonly string[];
}

export interface PlanContext {
  readonly room: string;
  readonly projectId: string;
  readonly apiUrl: string;
  readonly roomUrl: string;
  /** The room's storage directory on this machine. */
  readonly roomStorage: string;
  /** A named room volume's directory. */
  readonly volumeDir: (name: string) => string;
  /** This container's own directory for its empty dirs and seed files (removed with the container). */
  readonly containerDir: string;
  readonly sessionId: string;
  /** A participant token for the service, signed by the sandbox. */
  readonly issueToken: (ask: { identity: string; role: 'user' | 'agent' | 'tool'; api?: Record<string, unknown> }) => string;
}

/** Splits a command line into words as a POSIX shell does (quotes and backslashes; no expansion). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const char = command[i] as string;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word = `${word ?? ''}${char}`;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && i + 1 < command.length && '"\\$`\n'.includes(command[i + 1] as string)) word = `${word ?? ''}${command[++i] ?? ''}`;
      else word = `${word ?? ''}${char}`;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\' && i + 1 < command.length) {
      word = `${word ?? ''}${command[++i] ?? ''}`;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = `${word ?? ''}${char}`;
  }
  if (quote) throw new Error('the command has an unclosed quote');
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * A subpath inside a mount source by its spelling, refused when it would leave it. Symbolic links on the way are
 * resolved (and escapes refused) when the mount is made (subpath.ts).
 */
function inside(base: string, subpath: string | null | undefined): { source: string; under: { root: string; subpath: string } } {
  const clean = (subpath ?? '').replace(/^\/+|\/+$/g, '');
  if (clean.split('/').some((part) => part === '..')) throw new Error(`the mount subpath ${JSON.stringify(subpath)} leaves its source`);
  return { source: clean === '' ? base : join(base, clean), under: { root: base, subpath: clean } };
}

/**
 * The variables the `agent` template injects (docs services/deployment/deploy_services.mdx:277-306). The LLM keys
 * carry a participant token, as the platform's LLM proxy accepts them; the *_BASE_URL, SMTP, OTEL and mail
 * variables name platform services the sandbox does not have, so they are not set.
 */
function agentTemplateEnv(spec: ServiceSpec, context: PlanContext): [string, string][] {
  const token = context.issueToken({ identity: spec.metadata.name, role: 'agent' });
  return [
    ['MESHAGENT_TOKEN', token],
    ['OPENAI_API_KEY', token],
    ['ANTHROPIC_API_KEY', token],
    ['MESHAGENT_API_URL', context.apiUrl],
    ['MESHAGENT_ROOM_URL', context.roomUrl],
    ['MESHAGENT_ROOM', context.room],
    ['MESHAGENT_PROJECT_ID', context.projectId],
    ['MESHAGENT_SESSION_ID', context.sessionId],
  ];
}

function tokenValue(ask: TokenAsk, context: PlanContext): string {
  return context.issueToken({ identity: ask.identity, role: ask.role ?? 'agent', ...(ask.api ? { api: ask.api as Record<string, unknown> } : {}) });
}

/** containerd reads the env file (ctr's --env-file) a line at a time, up to 64 KiB, dropping a line's final CR. */
const MAX_ENV_LINE = 64 * 1024 - 1;

/**
 * Refuses a variable the container could not get as written (rather than altering it): runc passes any string,
 * but the env reaches containerd through a file of NAME=VALUE lines, kept off the command line for its secrets.
 */
function envProblem(name: string, value: string): void {
  if (name === '' || /[=\0\r\n]/.test(name))
    throw new Error(`the environment variable name ${JSON.stringify(name)} is not valid (empty, or has "=" or a line break)`);
  if (/[\0\r\n]/.test(value))
    throw new Error(
      `the environment variable ${name} has a line break or NUL in its value, which the sandbox cannot pass to the container; encode it (e.g. base64)`,
    );
  if (Buffer.byteLength(`${name}=${value}`) > MAX_ENV_LINE)
    throw new Error(`the environment variable ${name} is longer than 64 KiB, which the sandbox cannot pass to the container`);
}

export function planContainer(spec: ServiceSpec, context: PlanContext): ContainerPlan {
  const container = spec.container;
  if (!container) throw new Error('the service has no container');
  const notes: string[] = [];
  const template = container.template ?? 'none';

  const env = new Map<string, string>(template === 'agent' ? agentTemplateEnv(spec, context) : []);
  // Values set explicitly win over the template's.
  for (const entry of container.environment ?? []) {
    if (entry.token) env.set(entry.name, tokenValue(entry.token, context));
    else if (entry.secret) notes.push(`secret ${entry.secret.id} for ${entry.name} is not emulated by the sandbox; ${entry.name} is left unset`);
    else env.set(entry.name, entry.value ?? '');
  }

  const dirs: string[] = [];
  const files: { path: string; text: string }[] = [];
  const binds: BindMount[] = [];
  const images: ImageMount[] = [];
  const storage = container.storage;
  for (const mount of storage?.room ?? []) {
    dirs.push(context.roomStorage);
    binds.push({ ...inside(context.roomStorage, mount.subpath), destination: mount.path, readOnly: mount.read_only });
  }
  for (const volume of storage?.volumes ?? []) {
    // A volume is a directory of its own under the room's: its name is one path part.
    if (volume.name === '' || volume.name === '.' || volume.name === '..' || /[/\0]/.test(volume.name))
      throw new Error(`the volume name ${JSON.stringify(volume.name)} is not a plain name (no "/", not "." or "..")`);
    const base = context.volumeDir(volume.name);
    dirs.push(base);
    binds.push({ ...inside(base, volume.subpath), destination: volume.path, readOnly: volume.read_only });
  }
  for (const [index, empty] of (storage?.empty_dirs ?? []).entries()) {
    const source = join(context.containerDir, 'empty', String(index));
    dirs.push(source);
    binds.push({ source, destination: empty.path, readOnly: empty.read_only });
  }
  for (const [index, file] of (storage?.files ?? []).entries()) {
    const source = join(context.containerDir, 'files', String(index));
    files.push({ path: source, text: file.text });
    binds.push({ source, destination: file.path, readOnly: file.read_only });
  }
  for (const image of storage?.images ?? []) {
    inside('/', image.subpath);
    images.push({ image: image.image, destination: image.path, ...(image.subpath ? { subpath: image.subpath } : {}), readOnly: image.read_only });
  }
  if ((storage?.configs ?? []).length > 0) notes.push('config mounts are not emulated by the sandbox');
  // The agent template mounts room storage at /data, unless the spec mounts something there itself.
  const taken = new Set([...binds.map((b) => b.destination), ...images.map((i) => i.destination)]);
  if (template === 'agent' && !taken.has('/data')) {
    dirs.push(context.roomStorage);
    binds.push({ source: context.roomStorage, destination: '/data', readOnly: false });
  }

  for (const [name, value] of env) envProblem(name, value);

  return {
    ...(container.command ? { args: splitCommand(container.command) } : {}),
    ...(container.working_dir ? { cwd: container.working_dir } : {}),
    env: [...env],
    dirs: [...new Set(dirs)],
    files,
    binds,
    images,
    readOnlyRoot: !container.writable_root_fs,
    notes,
  };
}
