/**
 * The parsers of single-value inputs: booleans, a choice among names, the API URL and key, the participant token's
 * scope, the domain, the wait, the image to ship and the Dockerfile path.
 */
import { parseImageRef } from '../oci/index.js';
import { isLoopbackHost } from '../loopback.js';
import { listItems } from '../list-text.js';
import type { TokenScopeOption } from '../meshagent/service-options.js';
import { pyStrip } from '../python-text.js';
import { parseImageReference } from '../reference.js';
import { addIssue, nonAsciiNote, optional, quote, type IssueContext } from './issues.js';
import type { ImageSource } from './ship-config.js';
import type { InputName } from './spec.js';

/** MeshAgent's API, when api-url is not given. */
export const DEFAULT_API_URL = 'https://api.meshagent.com';
/** How long `wait: true` probes the service URL: the CLI's live-wait default. */
const DEFAULT_WAIT_SECONDS = 300;

const BOOLEAN_TRUE = ['true', 'True', 'TRUE'];
const BOOLEAN_FALSE = ['false', 'False', 'FALSE'];

/** true or false; undefined (reported) for anything else, so no later check builds on a wrong guess. */
export function parseBoolean(input: InputName, raw: string, ctx: IssueContext): boolean | undefined {
  const value = raw.trim();
  if (BOOLEAN_TRUE.includes(value)) return true;
  if (BOOLEAN_FALSE.includes(value)) return false;
  addIssue(ctx, input, `${input}: ${quote(value)} is not a boolean`, `use true or false`);
  return undefined;
}

const TOKEN_PRESETS = ['userDefault', 'agentDefault', 'full'] as const;

export function parseMeshagentToken(raw: string, ctx: IssueContext): TokenScopeOption | undefined {
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
  addIssue(ctx, 'meshagent-token', message, 'e.g. meshagent-token: agentDefault');
  return undefined;
}

const ROOM_RE = /^(?=.{1,63}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

/**
 * The rooms to deploy to: one name, or several on lines or separated by commas, each checked with the CLI's rule
 * for a room name. A name listed twice is refused: each room gets the service once.
 */
export function parseRooms(raw: string, ctx: IssueContext): readonly string[] {
  const names = listItems(raw);
  const several = names.length > 1;
  for (const [index, room] of names.entries()) {
    if (!ROOM_RE.test(room)) {
      addIssue(
        ctx,
        'room',
        `room: ${quote(room)}${several ? ` (room ${index + 1} of ${names.length})` : ''} is not a valid room name${nonAsciiNote(room)}`,
        'room names are 1-63 lowercase letters, digits and -, starting and ending with a letter or digit',
      );
    } else if (names.indexOf(room) !== index) {
      addIssue(ctx, 'room', `room: ${quote(room)} is listed twice`, 'list each room once');
    }
  }
  return names;
}

const DOMAIN_LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * The domain, kept as given once stripped of whitespace, as the CLI keeps it (case and a trailing dot included);
 * domains are compared without case wherever they are compared. It must be a host name of two labels or more.
 */
export function parseDomain(raw: string, ctx: IssueContext): string | undefined {
  const stripped = pyStrip(raw);
  const value = stripped === '' ? undefined : stripped;
  if (value === undefined) return undefined;
  if (/^[a-z]+:\/\//i.test(value) || value.includes('/')) {
    addIssue(ctx, 'domain', `domain: ${quote(value)} must be a host name`, 'write the host name only, e.g. app.example.com, without https:// or a path');
    return undefined;
  }
  const labels = value.replace(/\.$/, '').split('.');
  if (value.length > 254 || labels.length < 2 || !labels.every((label) => DOMAIN_LABEL_RE.test(label))) {
    addIssue(ctx, 'domain', `domain: ${quote(value)} is not a valid domain name${nonAsciiNote(value)}`, 'use a host name such as my-app.example.com');
    return undefined;
  }
  return value;
}

export function parseWait(raw: string, ctx: IssueContext): number {
  const value = raw.trim();
  if (BOOLEAN_FALSE.includes(value) || value === '0') return 0;
  if (BOOLEAN_TRUE.includes(value)) return DEFAULT_WAIT_SECONDS;
  const match = /^([0-9]+)\s*(s|m)?$/.exec(value);
  const seconds = match ? Number(match[1]) * (match[2] === 'm' ? 60 : 1) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds > 3600) {
    addIssue(ctx, 'wait', `wait: ${quote(value)} must be true, false, or a timeout up to 60m`, 'e.g. wait: true, wait: 90s or wait: 5m');
    return 0;
  }
  return seconds;
}

/** `prefetch-auto-timeout`: whole seconds, 1 to 300 (a `s` after the number is allowed). */
export function parseAutoTimeout(raw: string, ctx: IssueContext): number {
  const value = raw.trim();
  const match = /^([0-9]+)\s*s?$/.exec(value);
  const seconds = match ? Number(match[1]) : NaN;
  if (!(seconds >= 1 && seconds <= 300)) {
    addIssue(ctx, 'prefetch-auto-timeout', `prefetch-auto-timeout: ${quote(value)} must be whole seconds from 1 to 300`, 'the default is 10');
    return 10;
  }
  return seconds;
}

/**
 * Why an API key cannot be used, if it cannot: it goes into the Authorization header, which carries printable ASCII
 * only (a line break pasted with the key failed every request with 'Invalid character in header content'). The
 * message never shows the key.
 */
export function unusableApiKey(apiKey: string): { readonly message: string; readonly hint: string } | undefined {
  if (apiKey === '' || /^[\x21-\x7e]+$/.test(apiKey)) return undefined;
  return {
    message: 'api-key holds a line break, a space or a character that is not printable ASCII, which no API key has',
    hint: 'copy the key again as one line, e.g. from MeshAgent Studio, and store it as the secret unchanged',
  };
}

/**
 * The API URL as written (trailing slashes dropped, the default when empty), and what is wrong with it, if anything:
 * not http(s), a user name or password (then `value` is the URL without them, so no later message shows them), a
 * query or fragment. One check for the ship's input and for the commands that read MESHAGENT_API_URL.
 */
export function checkApiUrl(raw: string): { readonly value: string; readonly problem?: { readonly message: string; readonly hint: string } } {
  const value = (optional(raw) ?? DEFAULT_API_URL).replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    return { value, problem: { message: `api-url: ${quote(value)} is not an http(s) URL`, hint: `e.g. ${DEFAULT_API_URL}` } };
  if (url.username || url.password) {
    // The credentials are not repeated in the message, nor in the value later checks quote.
    const shown = `${url.protocol}//***@${url.host}${url.pathname === '/' ? '' : url.pathname}`;
    return {
      value: shown,
      problem: {
        message: `api-url: ${quote(shown)} holds a user name or password: the API takes the api-key only`,
        hint: `remove user:password@, e.g. ${DEFAULT_API_URL}`,
      },
    };
  }
  if (url.search || url.hash)
    return {
      value,
      problem: {
        message: `api-url: ${quote(value)} has a query or fragment: it must be the base URL the API paths are added to`,
        hint: `remove what follows ? or #, e.g. ${DEFAULT_API_URL}`,
      },
    };
  return { value };
}

export function parseApiUrl(raw: string, ctx: IssueContext): string {
  const { value, problem } = checkApiUrl(raw);
  if (problem) addIssue(ctx, 'api-url', problem.message, problem.hint);
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

export function parseImageSource(raw: string, ctx: IssueContext): ImageSource | undefined {
  const value = optional(raw);
  if (value === undefined) return undefined;
  const hint = 'use oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE, or a registry reference such as docker://host/repo:tag';
  if (/^(oci|oci-archive|docker-archive):/.test(value)) {
    // The same parser as the convert, push and pull commands, so a path means the same thing everywhere.
    try {
      const ref = parseImageRef(value);
      return ref.transport === 'docker-archive' ? { kind: 'docker-archive', path: ref.path } : { kind: ref.transport, path: ref.path, ref: ref.ref };
    } catch (error) {
      addIssue(ctx, 'image', `image: ${error instanceof Error ? error.message : String(error)}`, hint);
      return undefined;
    }
  }
  try {
    return { kind: 'registry', reference: parseImageReference(value.replace(/^docker:\/\//, ''), 'image') };
  } catch (error) {
    addIssue(ctx, 'image', `image: ${error instanceof Error ? error.message : String(error)}`, hint);
    return undefined;
  }
}

export function parseFile(raw: string, ctx: IssueContext): string | undefined {
  const value = optional(raw);
  if (value === undefined) return undefined;
  const hint = 'give the Dockerfile path relative to the context directory, e.g. docker/Dockerfile';
  const parts = value.split('/').filter((part) => part !== '' && part !== '.');
  if (value.startsWith('/')) addIssue(ctx, 'file', 'file must be relative to the context', hint);
  else if (parts.length === 0) addIssue(ctx, 'file', 'file cannot be empty', hint);
  else if (parts.includes('..')) addIssue(ctx, 'file', 'file must stay inside the context', hint);
  else return parts.join('/');
  return undefined;
}

export function parseChoice<T extends string>(
  input: InputName,
  raw: string,
  choices: readonly T[],
  ctx: IssueContext,
  message: string,
  normalize = (s: string) => s,
): T {
  const value = normalize(raw.trim());
  const choice = choices.find((c) => c === value);
  if (choice) return choice;
  addIssue(ctx, input, message, `got ${quote(raw.trim())}`);
  return choices[0] as T;
}
