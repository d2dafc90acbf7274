/**
 * Raw inputs -> ShipConfig. Every input is parsed and checked here; every error names the input (and the line, for
 * lists), says what is wrong and how to fix it, in the MeshAgent CLI's words where its users already know them.
 * All errors are collected and reported together, before anything touches the network.
 */
import { z } from 'zod';
import { InputErrors, ShipError, quoted } from './errors.js';
import { INPUTS, type InputName } from './input-spec.js';
import { isLoopbackHost } from './loopback.js';
import { parseImageRef } from './oci/index.js';
import { parseImageReference, parseImageTag, type ImageReference, type ImageTag } from './reference.js';

export const DEFAULT_API_URL = 'https://api.meshagent.com';
/** MeshAgent reserves this port for room infrastructure (api: room_ports.py). */
export const RESERVED_PORTS: readonly number[] = [8078];
/** How long `wait: true` probes the service URL: the CLI's live-wait default. */
export const DEFAULT_WAIT_SECONDS = 300;

// ---------------------------------------------------------------------------------------------------------------
// The config the pipeline runs on

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}
export interface EnvSecret {
  readonly name: string;
  readonly secretId: string;
}
export interface RoomMount {
  readonly path: string;
  /** The room storage folder; absent for the whole room (source `.` or `/`). */
  readonly subpath: string | undefined;
  readonly readOnly: boolean;
}
export interface ImageMount {
  readonly image: string;
  readonly path: string;
  readonly readOnly: boolean;
}
export interface EmptyDirMount {
  readonly path: string;
  readonly readOnly: boolean;
}
export interface PortInput {
  readonly num: number;
  readonly type: 'http' | 'tcp';
}
/** `meshagent-token`: a named scope preset, or an ApiScope object given as JSON. */
export type TokenScopeInput =
  | { readonly preset: 'userDefault' | 'agentDefault' | 'full' }
  | { readonly scope: Readonly<Record<string, unknown>> };

/** Where the image comes from: a build, or an existing image. */
export type ImageSource =
  | { readonly kind: 'oci'; readonly path: string; readonly ref: string | undefined }
  | { readonly kind: 'oci-archive'; readonly path: string; readonly ref: string | undefined }
  | { readonly kind: 'docker-archive'; readonly path: string }
  | { readonly kind: 'registry'; readonly reference: ImageReference };

export type Builder = 'auto' | 'docker' | 'buildah' | 'none';

export interface ShipConfig {
  readonly meshagent: {
    readonly apiKey: string;
    readonly apiUrl: string;
    readonly projectId: string;
    /** Where the project id came from, for the plan. */
    readonly projectIdSource: 'input' | 'api-key';
    readonly room: string | undefined;
  };
  readonly image: {
    readonly tag: ImageTag;
    readonly context: string;
    readonly file: string | undefined;
    readonly buildArgs: readonly EnvVar[];
    readonly target: string | undefined;
    readonly platforms: readonly string[];
    readonly builder: Builder;
    readonly source: ImageSource | undefined;
    readonly estargz: boolean;
    readonly prefetch: readonly string[];
    readonly compressionLevel: number;
    readonly push: boolean;
  };
  readonly service: {
    readonly deploy: boolean;
    readonly name: string | undefined;
    readonly createRoom: boolean;
    /** undefined: keep the service's environment; a list (even empty with env-secrets) replaces it. */
    readonly env: readonly EnvVar[] | undefined;
    readonly envSecrets: readonly EnvSecret[] | undefined;
    readonly runAs: string | undefined;
    readonly meshagentToken: TokenScopeInput | undefined;
    readonly identity: string | undefined;
    /** undefined: keep the service's mounts of that kind. */
    readonly roomMounts: readonly RoomMount[] | undefined;
    readonly imageMounts: readonly ImageMount[] | undefined;
    readonly emptyDirMounts: readonly EmptyDirMount[] | undefined;
    /** undefined: the existing service's ports, else the image's exposed ports. */
    readonly ports: readonly PortInput[] | undefined;
    readonly liveness: string | undefined;
    readonly public: boolean;
    readonly domain: string | undefined;
    readonly validationMode: 'default' | 'cookie' | 'none';
    readonly template: 'agent' | 'none';
    /** 0: do not probe the service URL. */
    readonly waitSeconds: number;
  };
  readonly dryRun: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Where raw values come from

/** Raw input values by name ('' when unset), and the environment for the MESHAGENT_* fallbacks. */
export interface InputSource {
  getInput(name: string): string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Called with the API key the moment it is read, so it is masked before anything can print it. */
  setSecret(value: string): void;
}

export type RawInputs = Readonly<Record<InputName, string>>;

/** Each input's raw text: the input, else its environment fallback, else its default. */
export function readRawInputs(source: InputSource): RawInputs {
  const raw: Partial<Record<InputName, string>> = {};
  for (const spec of INPUTS) {
    let value = source.getInput(spec.name);
    if (value.trim() === '' && 'env' in spec) value = source.env[spec.env] ?? '';
    if (value.trim() === '' && 'default' in spec) value = spec.default;
    if ('secret' in spec && value.trim() !== '') source.setSecret(value.trim());
    raw[spec.name] = value;
  }
  return raw as RawInputs;
}

// ---------------------------------------------------------------------------------------------------------------
// Small parsers. Each reports through zod's context so that every error is collected.

type Ctx = z.RefinementCtx;

function report(ctx: Ctx, input: InputName, message: string, hint?: string): void {
  ctx.addIssue({ code: 'custom', message, path: [input], params: { hint } });
}

/** Lines of a list input with their 1-based line numbers; blank lines and `#` comments skipped. */
export function listLines(raw: string): { line: number; text: string }[] {
  return raw
    .split(/\r?\n/)
    .map((text, index) => ({ line: index + 1, text: text.trim() }))
    .filter(({ text }) => text !== '' && !text.startsWith('#'));
}

/** Quote a user's value in an error, cut short so a pasted secret never shows whole. */
function quote(text: string): string {
  return quoted(text, 40);
}

function optional(raw: string): string | undefined {
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

const BOOLEAN_TRUE = ['true', 'True', 'TRUE'];
const BOOLEAN_FALSE = ['false', 'False', 'FALSE'];

/** true or false; undefined (reported) for anything else, so no later check builds on a wrong guess. */
function parseBoolean(input: InputName, raw: string, ctx: Ctx): boolean | undefined {
  const value = raw.trim();
  if (BOOLEAN_TRUE.includes(value)) return true;
  if (BOOLEAN_FALSE.includes(value)) return false;
  report(ctx, input, `${input}: ${quote(value)} is not a boolean`, `use true or false`);
  return undefined;
}

function parseKeyValues(input: InputName, raw: string, ctx: Ctx, form = 'KEY=VALUE'): EnvVar[] {
  const result: EnvVar[] = [];
  for (const { line, text } of listLines(raw)) {
    const eq = text.indexOf('=');
    if (eq === -1) {
      report(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form '${form}'`, `write one ${form} per line`);
      continue;
    }
    const name = text.slice(0, eq).trim();
    if (name === '') {
      report(ctx, input, `${input}: line ${line} must include a non-empty variable name`, `write one ${form} per line`);
      continue;
    }
    result.push({ name, value: text.slice(eq + 1) });
  }
  return result;
}

function parseEnvSecrets(raw: string, ctx: Ctx): EnvSecret[] {
  const input = 'env-secrets';
  const hint = 'write one NAME=SECRET_ID per line, where SECRET_ID is a secret of the run-as service account';
  const result: EnvSecret[] = [];
  for (const { line, text } of listLines(raw)) {
    const eq = text.indexOf('=');
    if (eq === -1) {
      report(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form 'NAME=SECRET_ID'`, hint);
      continue;
    }
    const name = text.slice(0, eq).trim();
    const secretId = text.slice(eq + 1).trim();
    if (name === '') report(ctx, input, `${input}: line ${line} must include a non-empty variable name`, hint);
    else if (secretId === '') report(ctx, input, `${input}: line ${line} must include a non-empty secret source`, hint);
    else result.push({ name, secretId });
  }
  return result;
}

const READ_MODES = new Set(['ro', 'rw']);

/** `<source>:<mount>[:ro|rw]`, split from the right as the CLI does (a source may hold colons). */
function parseRoomMounts(raw: string, ctx: Ctx): RoomMount[] {
  const input = 'room-mounts';
  const form = `'<source>:<mount>[:ro|rw]'`;
  const hint = 'e.g. "data:/data" mounts the room folder data at /data; ".:/data:ro" mounts the whole room read-only';
  const result: RoomMount[] = [];
  for (const { line, text } of listLines(raw)) {
    let readOnly = false;
    let rest = text;
    const parts = rest.split(':');
    const mode = parts.at(-1)?.toLowerCase() ?? '';
    if (parts.length >= 3 && READ_MODES.has(mode)) {
      rest = parts.slice(0, -1).join(':');
      readOnly = mode === 'ro';
    }
    const colon = rest.lastIndexOf(':');
    if (colon === -1) {
      report(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
      continue;
    }
    const source = rest.slice(0, colon).trim();
    const path = rest.slice(colon + 1).trim();
    if (source === '' || path === '') {
      report(ctx, input, `${input}: line ${line} ${quote(text)} must include both source and mount paths`, hint);
      continue;
    }
    result.push({ path, subpath: source === '.' || source === '/' ? undefined : source, readOnly });
  }
  return result;
}

/** `<image>=<mount>[:ro|rw]`, read-only unless `:rw`. */
function parseImageMounts(raw: string, ctx: Ctx): ImageMount[] {
  const input = 'image-mounts';
  const form = `'<image>=<mount>[:ro|rw]'`;
  const hint = 'e.g. "my/models:1=/models" mounts the image my/models:1 read-only at /models';
  const result: ImageMount[] = [];
  for (const { line, text } of listLines(raw)) {
    const eq = text.indexOf('=');
    if (eq === -1) {
      report(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
      continue;
    }
    const image = text.slice(0, eq).trim();
    const remainder = text.slice(eq + 1).trim();
    if (image === '' || remainder === '') {
      report(ctx, input, `${input}: line ${line} ${quote(text)} must include both image and mount paths`, hint);
      continue;
    }
    const parts = remainder.split(':').map((part) => part.trim());
    let readOnly = true;
    const mode = parts[1]?.toLowerCase();
    if (parts.length > 2 || (mode !== undefined && !READ_MODES.has(mode))) {
      report(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
      continue;
    }
    if (mode !== undefined) readOnly = mode === 'ro';
    const path = parts[0] ?? '';
    if (path === '') {
      report(ctx, input, `${input}: line ${line} ${quote(text)} must include both image and mount paths`, hint);
      continue;
    }
    result.push({ image, path, readOnly });
  }
  return result;
}

/** `<mount>[:ro|rw]`, read-write unless `:ro`. */
function parseEmptyDirMounts(raw: string, ctx: Ctx): EmptyDirMount[] {
  const input = 'empty-dir-mounts';
  const form = `'<mount>[:ro|rw]'`;
  const hint = 'e.g. "/tmp/cache" mounts an empty writable directory at /tmp/cache';
  const result: EmptyDirMount[] = [];
  for (const { line, text } of listLines(raw)) {
    let path = text;
    let readOnly = false;
    const colon = text.lastIndexOf(':');
    if (colon !== -1) {
      const mode = text.slice(colon + 1).toLowerCase();
      if (!READ_MODES.has(mode)) {
        report(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
        continue;
      }
      path = text.slice(0, colon).trim();
      readOnly = mode === 'ro';
    }
    if (path === '') {
      report(ctx, input, `${input}: line ${line} must include a mount path`, hint);
      continue;
    }
    if (path.includes(':')) {
      report(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
      continue;
    }
    result.push({ path, readOnly });
  }
  return result;
}

function parsePorts(raw: string, ctx: Ctx): PortInput[] {
  const input = 'ports';
  const hint = 'write one PORT or PORT/http or PORT/tcp per line, with PORT from 1 to 65535';
  const result: PortInput[] = [];
  for (const { line, text } of listLines(raw)) {
    const match = /^([0-9]+)(?:\/(http|tcp))?$/i.exec(text);
    const num = match ? Number(match[1]) : NaN;
    if (!match || !Number.isInteger(num) || num < 1 || num > 65535) {
      report(ctx, input, `${input}: line ${line} ${quote(text)} is not a port`, hint);
      continue;
    }
    if (RESERVED_PORTS.includes(num)) {
      report(
        ctx,
        input,
        `${input}: line ${line} uses reserved MeshAgent room infrastructure port ${num}; reserved ports: ${RESERVED_PORTS.join(', ')}`,
        'let the service listen on another port',
      );
      continue;
    }
    if (result.some((port) => port.num === num)) {
      report(ctx, input, `${input}: line ${line} repeats port ${num}`, 'list each port once');
      continue;
    }
    result.push({ num, type: (match[2]?.toLowerCase() as 'http' | 'tcp' | undefined) ?? 'http' });
  }
  return result;
}

const PLATFORM_RE = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;

function parsePlatforms(raw: string, ctx: Ctx): string[] {
  const result: string[] = [];
  for (const { line, text } of listLines(raw)) {
    for (const item of text.split(',').map((part) => part.trim()).filter(Boolean)) {
      if (!PLATFORM_RE.test(item)) {
        report(ctx, 'platforms', `platforms: line ${line} ${quote(item)} is not a platform`, 'use os/arch[/variant], e.g. linux/amd64');
      } else if (!result.includes(item)) {
        result.push(item);
      }
    }
  }
  return result;
}

const TOKEN_PRESETS = ['userDefault', 'agentDefault', 'full'] as const;

function parseMeshagentToken(raw: string, ctx: Ctx): TokenScopeInput | undefined {
  const value = optional(raw);
  if (value === undefined) return undefined;
  const preset = TOKEN_PRESETS.find((name) => name === value);
  if (preset) return { preset };
  const message = 'meshagent-token must be one of userDefault, agentDefault, full, or a JSON ApiScope object';
  try {
    const scope: unknown = JSON.parse(value);
    if (scope !== null && typeof scope === 'object' && !Array.isArray(scope)) {
      return { scope: scope as Record<string, unknown> };
    }
  } catch {
    // reported below
  }
  report(ctx, 'meshagent-token', message, 'e.g. meshagent-token: agentDefault');
  return undefined;
}

const ROOM_RE = /^(?=.{1,63}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DOMAIN_LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function parseDomain(raw: string, ctx: Ctx): string | undefined {
  const value = optional(raw)?.toLowerCase().replace(/\.$/, '');
  if (value === undefined) return undefined;
  if (/^[a-z]+:\/\//.test(value) || value.includes('/')) {
    report(ctx, 'domain', `domain: ${quote(value)} must be a host name`, 'write the host name only, e.g. app.example.com, without https:// or a path');
    return undefined;
  }
  const labels = value.split('.');
  if (value.length > 253 || labels.length < 2 || !labels.every((label) => DOMAIN_LABEL_RE.test(label))) {
    report(ctx, 'domain', `domain: ${quote(value)} is not a valid domain name`, 'use a host name such as my-app.example.com');
    return undefined;
  }
  return value;
}

function parseWait(raw: string, ctx: Ctx): number {
  const value = raw.trim();
  if (BOOLEAN_FALSE.includes(value) || value === '0') return 0;
  if (BOOLEAN_TRUE.includes(value)) return DEFAULT_WAIT_SECONDS;
  const match = /^([0-9]+)\s*(s|m)?$/.exec(value);
  const seconds = match ? Number(match[1]) * (match[2] === 'm' ? 60 : 1) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds > 3600) {
    report(ctx, 'wait', `wait: ${quote(value)} must be true, false, or a timeout up to 60m`, 'e.g. wait: true, wait: 90s or wait: 5m');
    return 0;
  }
  return seconds;
}

function parseApiUrl(raw: string, ctx: Ctx): string {
  const value = (optional(raw) ?? DEFAULT_API_URL).replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    report(ctx, 'api-url', `api-url: ${quote(value)} is not an http(s) URL`, `e.g. ${DEFAULT_API_URL}`);
  }
  return value;
}

/** Whether requests to this URL travel unencrypted beyond the machine: plain http to a host that is not loopback. */
export function sendsInClear(apiUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  // Names under .localhost resolve to loopback too (RFC 6761), as the sandbox's do.
  return !isLoopbackHost(url.hostname) && !url.hostname.endsWith('.localhost');
}

/** Decodes the project id an `ma-<keyid>-<projectid>-<secret>` API key carries; undefined for other tokens. */
export function projectIdFromApiKey(apiKey: string): string | undefined {
  if (!apiKey.startsWith('ma-')) return undefined;
  const parts = apiKey.slice(3).split('-');
  if (parts.length < 3 || parts.slice(2).join('-') === '') return undefined;
  const bytes = Buffer.from((parts[1] ?? '').replaceAll('.', '-'), 'base64url');
  if (bytes.length !== 16 || bytes.toString('base64url').replaceAll('-', '.') !== parts[1]) return undefined;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function parseImageSource(raw: string, ctx: Ctx): ImageSource | undefined {
  const value = optional(raw);
  if (value === undefined) return undefined;
  const hint = 'use oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE, or a registry reference such as docker://host/repo:tag';
  if (/^(oci|oci-archive|docker-archive):/.test(value)) {
    // The same parser as the convert, push and pull commands, so a path means the same thing everywhere.
    try {
      const ref = parseImageRef(value);
      return ref.transport === 'docker-archive' ? { kind: 'docker-archive', path: ref.path } : { kind: ref.transport, path: ref.path, ref: ref.ref };
    } catch (error) {
      report(ctx, 'image', `image: ${error instanceof Error ? error.message : String(error)}`, hint);
      return undefined;
    }
  }
  try {
    return { kind: 'registry', reference: parseImageReference(value.replace(/^docker:\/\//, ''), 'image') };
  } catch (error) {
    report(ctx, 'image', `image: ${error instanceof Error ? error.message : String(error)}`, hint);
    return undefined;
  }
}

function parseFile(raw: string, ctx: Ctx): string | undefined {
  const value = optional(raw);
  if (value === undefined) return undefined;
  const hint = 'give the Dockerfile path relative to the context directory, e.g. docker/Dockerfile';
  const parts = value.split('/').filter((part) => part !== '' && part !== '.');
  if (value.startsWith('/')) report(ctx, 'file', 'file must be relative to the context', hint);
  else if (parts.length === 0) report(ctx, 'file', 'file cannot be empty', hint);
  else if (parts.includes('..')) report(ctx, 'file', 'file must stay inside the context', hint);
  else return parts.join('/');
  return undefined;
}

function parseChoice<T extends string>(input: InputName, raw: string, choices: readonly T[], ctx: Ctx, message: string, normalise = (s: string) => s): T {
  const value = normalise(raw.trim());
  const choice = choices.find((c) => c === value);
  if (choice) return choice;
  report(ctx, input, message, `got ${quote(raw.trim())}`);
  return choices[0] as T;
}

// ---------------------------------------------------------------------------------------------------------------
// The schema: raw strings in, ShipConfig out

const rawShape = Object.fromEntries(INPUTS.map((spec) => [spec.name, z.string()])) as Record<InputName, z.ZodString>;

/** What the environment allows beyond the inputs. */
export interface ParseOptions {
  /** MESHAGENT_SHIP_INSECURE_API=1: send the key over plain http to a host that is not loopback. */
  readonly allowInsecureApi?: boolean;
}

const schemaFor = ({ allowInsecureApi = false }: ParseOptions) => z.object(rawShape).transform((raw, ctx): ShipConfig => {
  // MeshAgent
  const dryRun = parseBoolean('dry-run', raw['dry-run'], ctx) ?? false;
  const apiKey = raw['api-key'].trim();
  // A dry run without a key plans offline (the README lists what it cannot read); everything else needs the key.
  if (apiKey === '' && !dryRun) {
    report(ctx, 'api-key', 'api-key is required', 'pass the MeshAgent API key, e.g. api-key: ${{ secrets.MESHAGENT_API_KEY }}, or set MESHAGENT_API_KEY; a dry run plans offline without one');
  }
  const apiUrl = parseApiUrl(raw['api-url'], ctx);
  if (apiKey !== '' && !allowInsecureApi && sendsInClear(apiUrl)) {
    report(ctx, 'api-url', `api-url: ${quote(apiUrl)} is plain http to a host that is not loopback: the API key would cross the network unencrypted`, 'use https://, or set MESHAGENT_SHIP_INSECURE_API=1 where the network is trusted');
  }
  const keyProject = projectIdFromApiKey(apiKey);
  const givenProject = optional(raw['project-id']);
  if (givenProject !== undefined && !/^[A-Za-z0-9._~-]+$/.test(givenProject)) {
    report(ctx, 'project-id', `project-id: ${quote(givenProject)} is not a project id`, 'copy the project id (a UUID) from MeshAgent Studio');
  } else if (givenProject !== undefined && keyProject !== undefined && givenProject !== keyProject) {
    report(ctx, 'project-id', `project-id ${givenProject} does not match the project of the api-key (${keyProject})`, 'an API key works only in its own project; use that project id or a key of this project');
  } else if (givenProject === undefined && keyProject === undefined && apiKey !== '') {
    report(ctx, 'project-id', 'Project ID not specified, and the api-key does not carry one', 'set the project-id input or MESHAGENT_PROJECT_ID');
  }
  const room = optional(raw.room);
  if (room !== undefined && !ROOM_RE.test(room)) {
    report(ctx, 'room', `room: ${quote(room)} is not a valid room name`, 'room names are 1-63 lowercase letters, digits and -, starting and ending with a letter or digit');
  }

  // Image
  let tag: ImageTag = { value: '', registry: undefined, repository: '', tag: undefined };
  try {
    tag = parseImageTag(raw.tag, 'tag');
  } catch (error) {
    if (!(error instanceof ShipError)) throw error;
    const message = error.message.startsWith('tag ') ? error.message : `tag: ${error.message}`;
    report(ctx, 'tag', message, error.hint);
  }
  const builder = parseChoice('builder', raw.builder, ['auto', 'docker', 'buildah', 'none'] as const, ctx, 'builder must be one of: auto, docker, buildah, none');
  const source = parseImageSource(raw.image, ctx);
  if (source && (builder === 'docker' || builder === 'buildah')) {
    report(ctx, 'builder', `builder: ${builder} builds an image, but the image input names one to ship`, 'remove builder (or set builder: none) to ship the image input, or remove image to build');
  }
  if (!source && builder === 'none') {
    report(ctx, 'image', 'image is required with builder: none', 'name the image to ship, e.g. image: oci-archive:app.tar, or choose a builder');
  }
  const level = raw['compression-level'].trim();
  if (!/^[0-9]$/.test(level)) {
    report(ctx, 'compression-level', `compression-level: ${quote(level)} must be a whole number from 0 to 9`, '6 balances speed and size; 9 is smallest');
  }
  const push = parseBoolean('push', raw.push, ctx);
  const context = optional(raw.context) ?? '.';

  // Service
  const deploy = parseBoolean('deploy', raw.deploy, ctx);
  if (deploy === true && room === undefined) {
    report(ctx, 'room', 'room is required unless MESHAGENT_ROOM is set', 'set the room input, or deploy: false to only build and push');
  }
  if (deploy === true && push === false) {
    report(ctx, 'push', 'push: false cannot deploy: a service runs only an image its registry has', 'set push: true, or deploy: false');
  }
  const serviceName = optional(raw['service-name']);
  if (serviceName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(serviceName)) {
    report(ctx, 'service-name', `service-name: ${quote(serviceName)} is not a valid service name`, 'use letters, digits, ".", "_" and "-"');
  }
  const envGiven = raw.env.trim() !== '';
  const env = envGiven ? parseKeyValues('env', raw.env, ctx) : undefined;
  const envSecrets = raw['env-secrets'].trim() !== '' ? parseEnvSecrets(raw['env-secrets'], ctx) : undefined;
  const runAsRaw = optional(raw['run-as'])?.toLowerCase();
  if (runAsRaw !== undefined && !runAsRaw.includes('@')) {
    report(ctx, 'run-as', 'run-as must be a service account email', 'e.g. run-as: deployer@my-project.meshagent.app');
  }
  if (envSecrets && envSecrets.length > 0 && runAsRaw === undefined) {
    report(ctx, 'run-as', 'run-as is required when using SecretValue environment variables (env-secrets)', 'set run-as to the service account that owns the secrets');
  }
  const meshagentToken = parseMeshagentToken(raw['meshagent-token'], ctx);
  const identity = optional(raw.identity);
  if (identity !== undefined && identity.includes('@') && meshagentToken) {
    report(
      ctx,
      'identity',
      `environment variable 'MESHAGENT_TOKEN' uses token identity '${identity}', but service environment tokens must use an agent identity`,
      'use an agent name without @ as identity',
    );
  }
  const liveness = optional(raw.liveness);
  if (liveness !== undefined && !liveness.startsWith('/')) {
    report(ctx, 'liveness', "liveness must start with '/'", 'e.g. liveness: /healthz');
  }

  const config: ShipConfig = {
    meshagent: {
      apiKey,
      apiUrl,
      projectId: givenProject ?? keyProject ?? '',
      projectIdSource: givenProject !== undefined ? 'input' : 'api-key',
      room,
    },
    image: {
      tag,
      context,
      file: parseFile(raw.file, ctx),
      buildArgs: parseKeyValues('build-args', raw['build-args'], ctx),
      target: optional(raw.target),
      platforms: parsePlatforms(raw.platforms, ctx),
      builder: source && builder === 'auto' ? 'none' : builder,
      source,
      estargz: parseBoolean('estargz', raw.estargz, ctx) ?? false,
      prefetch: listLines(raw.prefetch).map(({ text }) => text),
      compressionLevel: Number(level),
      push: push ?? false,
    },
    service: {
      deploy: deploy ?? false,
      name: serviceName,
      createRoom: parseBoolean('create-room', raw['create-room'], ctx) ?? false,
      env,
      envSecrets,
      runAs: runAsRaw,
      meshagentToken,
      identity,
      roomMounts: raw['room-mounts'].trim() !== '' ? parseRoomMounts(raw['room-mounts'], ctx) : undefined,
      imageMounts: raw['image-mounts'].trim() !== '' ? parseImageMounts(raw['image-mounts'], ctx) : undefined,
      emptyDirMounts: raw['empty-dir-mounts'].trim() !== '' ? parseEmptyDirMounts(raw['empty-dir-mounts'], ctx) : undefined,
      ports: raw.ports.trim() !== '' ? parsePorts(raw.ports, ctx) : undefined,
      liveness,
      public: parseBoolean('public', raw.public, ctx) ?? false,
      domain: parseDomain(raw.domain, ctx),
      validationMode: parseChoice('validation-mode', raw['validation-mode'], ['default', 'cookie', 'none'] as const, ctx, 'validation-mode must be one of: default, cookie, none', (s) => s.toLowerCase()),
      template: parseChoice('template', raw.template, ['agent', 'none'] as const, ctx, 'template must be agent or none'),
      waitSeconds: parseWait(raw.wait, ctx),
    },
    dryRun,
  };
  return config;
});

/** Parses raw inputs into the config, or throws InputErrors listing every problem in input order. */
export function parseConfig(raw: RawInputs, options: ParseOptions = {}): ShipConfig {
  const parsed = schemaFor(options).safeParse(raw);
  if (parsed.success) return parsed.data;
  const order = INPUTS.map((spec) => spec.name as string);
  const errors = parsed.error.issues.map((issue) => {
    const input = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    const params = 'params' in issue ? (issue.params as { hint?: string } | undefined) : undefined;
    return new ShipError(issue.message, { ...(input ? { input } : {}), ...(params?.hint ? { hint: params.hint } : {}) });
  });
  errors.sort((a, b) => order.indexOf(a.input ?? '') - order.indexOf(b.input ?? ''));
  throw new InputErrors(errors);
}

/** Reads, masks and parses every input. */
export function readConfig(source: InputSource): ShipConfig {
  return parseConfig(readRawInputs(source), { allowInsecureApi: source.env.MESHAGENT_SHIP_INSECURE_API === '1' });
}
