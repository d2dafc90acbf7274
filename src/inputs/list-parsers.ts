/**
 * The parsers of list inputs, one item per line (blank lines and `#` comments skipped): KEY=VALUE pairs, secret
 * env vars, the three kinds of mounts, ports, platforms and build secrets. Each problem names its input and line.
 */
import type { BuildSecretSource } from '../build/types.js';
import { RESERVED_ROOM_SERVICE_PORTS } from '../meshagent/reserved-ports.js';
import type { EmptyDirMount, EnvSecret, EnvVar, ImageMount, PortOption, RoomMount } from '../meshagent/service-options.js';
import { addIssue, quote, type IssueContext } from './issues.js';
import type { InputName } from './spec.js';

/** Lines of a list input with their 1-based line numbers; blank lines and `#` comments skipped. */
export function listLines(raw: string): { line: number; text: string }[] {
  return raw
    .split(/\r?\n/)
    .map((text, index) => ({ line: index + 1, text: text.trim() }))
    .filter(({ text }) => text !== '' && !text.startsWith('#'));
}

export function parseKeyValues(input: InputName, raw: string, ctx: IssueContext, form = 'KEY=VALUE'): EnvVar[] {
  const result: EnvVar[] = [];
  for (const { line, text } of listLines(raw)) {
    const eq = text.indexOf('=');
    if (eq === -1) {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form '${form}'`, `write one ${form} per line`);
      continue;
    }
    const name = text.slice(0, eq).trim();
    if (name === '') {
      addIssue(ctx, input, `${input}: line ${line} must include a non-empty variable name`, `write one ${form} per line`);
      continue;
    }
    result.push({ name, value: text.slice(eq + 1) });
  }
  return result;
}

export function parseEnvSecrets(raw: string, ctx: IssueContext): EnvSecret[] {
  const input = 'env-secrets';
  const hint = 'write one NAME=SECRET_ID per line, where SECRET_ID is a secret of the run-as service account';
  const result: EnvSecret[] = [];
  for (const { line, text } of listLines(raw)) {
    const eq = text.indexOf('=');
    if (eq === -1) {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form 'NAME=SECRET_ID'`, hint);
      continue;
    }
    const name = text.slice(0, eq).trim();
    const secretId = text.slice(eq + 1).trim();
    if (name === '') addIssue(ctx, input, `${input}: line ${line} must include a non-empty variable name`, hint);
    else if (secretId === '') addIssue(ctx, input, `${input}: line ${line} must include a non-empty secret source`, hint);
    else result.push({ name, secretId });
  }
  return result;
}

const READ_MODES = new Set(['ro', 'rw']);

/** `<source>:<mount>[:ro|rw]`, split from the right as the CLI does (a source may hold colons). */
export function parseRoomMounts(raw: string, ctx: IssueContext): RoomMount[] {
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
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
      continue;
    }
    const source = rest.slice(0, colon).trim();
    const path = rest.slice(colon + 1).trim();
    if (source === '' || path === '') {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must include both source and mount paths`, hint);
      continue;
    }
    result.push({ path, subpath: source === '.' || source === '/' ? undefined : source, readOnly });
  }
  return result;
}

/** `<image>=<mount>[:ro|rw]`, read-only unless `:rw`. */
export function parseImageMounts(raw: string, ctx: IssueContext): ImageMount[] {
  const input = 'image-mounts';
  const form = `'<image>=<mount>[:ro|rw]'`;
  const hint = 'e.g. "my/models:1=/models" mounts the image my/models:1 read-only at /models';
  const result: ImageMount[] = [];
  for (const { line, text } of listLines(raw)) {
    const eq = text.indexOf('=');
    if (eq === -1) {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
      continue;
    }
    const image = text.slice(0, eq).trim();
    const remainder = text.slice(eq + 1).trim();
    if (image === '' || remainder === '') {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must include both image and mount paths`, hint);
      continue;
    }
    const parts = remainder.split(':').map((part) => part.trim());
    let readOnly = true;
    const mode = parts[1]?.toLowerCase();
    if (parts.length > 2 || (mode !== undefined && !READ_MODES.has(mode))) {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
      continue;
    }
    if (mode !== undefined) readOnly = mode === 'ro';
    const path = parts[0] ?? '';
    if (path === '') {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must include both image and mount paths`, hint);
      continue;
    }
    result.push({ image, path, readOnly });
  }
  return result;
}

/** `<mount>[:ro|rw]`, read-write unless `:ro`. */
export function parseEmptyDirMounts(raw: string, ctx: IssueContext): EmptyDirMount[] {
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
        addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
        continue;
      }
      path = text.slice(0, colon).trim();
      readOnly = mode === 'ro';
    }
    if (path === '') {
      addIssue(ctx, input, `${input}: line ${line} must include a mount path`, hint);
      continue;
    }
    if (path.includes(':')) {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form ${form}`, hint);
      continue;
    }
    result.push({ path, readOnly });
  }
  return result;
}

export function parsePorts(raw: string, ctx: IssueContext): PortOption[] {
  const input = 'ports';
  const hint = 'write one PORT or PORT/http or PORT/tcp per line, with PORT from 1 to 65535';
  const result: PortOption[] = [];
  for (const { line, text } of listLines(raw)) {
    const match = /^([0-9]+)(?:\/(http|tcp))?$/i.exec(text);
    const num = match ? Number(match[1]) : NaN;
    if (!match || !Number.isInteger(num) || num < 1 || num > 65535) {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} is not a port`, hint);
      continue;
    }
    if (RESERVED_ROOM_SERVICE_PORTS.includes(num)) {
      addIssue(
        ctx,
        input,
        `${input}: line ${line} uses reserved MeshAgent room infrastructure port ${num}; reserved ports: ${RESERVED_ROOM_SERVICE_PORTS.join(', ')}`,
        'let the service listen on another port',
      );
      continue;
    }
    if (result.some((port) => port.num === num)) {
      addIssue(ctx, input, `${input}: line ${line} repeats port ${num}`, 'list each port once');
      continue;
    }
    result.push({ num, type: (match[2]?.toLowerCase() as 'http' | 'tcp' | undefined) ?? 'http' });
  }
  return result;
}

const PLATFORM_RE = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;

export function parsePlatforms(raw: string, ctx: IssueContext): string[] {
  const result: string[] = [];
  for (const { line, text } of listLines(raw)) {
    for (const item of text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      if (!PLATFORM_RE.test(item)) {
        addIssue(ctx, 'platforms', `platforms: line ${line} ${quote(item)} is not a platform`, 'use os/arch[/variant], e.g. linux/amd64');
      } else if (!result.includes(item)) {
        result.push(item);
      }
    }
  }
  return result;
}

const SECRET_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `id=env:NAME` or `id=file:PATH`: where each build secret is read from (never the value itself). */
export function parseBuildSecrets(raw: string, ctx: IssueContext): BuildSecretSource[] {
  const input = 'build-secrets';
  const hint =
    'write one id=env:NAME or id=file:PATH per line, e.g. npm_token=env:NPM_TOKEN; the Dockerfile reads it with RUN --mount=type=secret,id=npm_token';
  const result: BuildSecretSource[] = [];
  for (const { line, text } of listLines(raw)) {
    const match = /^([^=]*)=(env|file):(.*)$/.exec(text);
    const id = match?.[1]?.trim() ?? '';
    const name = match?.[3]?.trim() ?? '';
    if (!match) {
      addIssue(ctx, input, `${input}: line ${line} ${quote(text)} must be in the form 'id=env:NAME' or 'id=file:PATH'`, hint);
    } else if (!SECRET_ID_RE.test(id)) {
      addIssue(ctx, input, `${input}: line ${line}: ${quote(id)} is not a secret id (letters, digits, ., _ and -)`, hint);
    } else if (match[2] === 'env' && !ENV_NAME_RE.test(name)) {
      addIssue(ctx, input, `${input}: line ${line}: ${quote(name)} is not an environment variable name`, hint);
    } else if (name === '') {
      addIssue(ctx, input, `${input}: line ${line}: the file path is empty`, hint);
    } else if (result.some((secret) => secret.id === id)) {
      addIssue(ctx, input, `${input}: line ${line} repeats the id ${id}`, 'give each secret its own id');
    } else {
      result.push({ id, from: match[2] as 'env' | 'file', name });
    }
  }
  return result;
}
