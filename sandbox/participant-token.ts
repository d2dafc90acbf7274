/**
 * Participant tokens, as MeshAgent makes them (meshagent-api participant_token.py `ParticipantToken.to_jwt`): an
 * HS256 JWT signed with the secret of a project API key, whose claims are the participant `name`, its `grants`
 * (`room`, `role`, `api` with an ApiScope), `sub` the project id, `kid` the API key's id, the SDK `version` and
 * `exp`. Signing with the API key's secret, as the platform does, means a token an SDK mints from the sandbox's API
 * key is accepted here too, and a token the sandbox issues passes the SDKs' own verification.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ApiScope } from './wire/api-scope.js';

/** The upstream API version whose token shape the sandbox follows (reference §0). */
const TOKEN_VERSION = '0.50.1';

export interface ParsedApiKey {
  /** The key's id, a UUID: the token's `kid`. */
  readonly id: string;
  readonly projectId: string;
  readonly secret: string;
}

/** A UUID from its API-key form: URL-safe base64 of its 16 bytes, unpadded, `-` written as `.`. */
function decodeKeyUuid(part: string): string | undefined {
  const bytes = Buffer.from(part.replaceAll('.', '-'), 'base64url');
  if (bytes.length !== 16) return undefined;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `ma-<key id>-<project id>-<secret>` (meshagent-api keys.py); the secret may itself hold `-`. */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  if (!key.startsWith('ma-')) return undefined;
  const [idPart, projectPart, ...secretParts] = key.slice(3).split('-');
  const id = decodeKeyUuid(idPart ?? '');
  const projectId = decodeKeyUuid(projectPart ?? '');
  const secret = secretParts.join('-');
  if (!id || !projectId || secret === '') return undefined;
  return { id, projectId, secret };
}

const Grant = z.object({ name: z.string(), scope: z.unknown() });

/** The claims the room reads; others (an SDK's extra payload) are kept but not used. */
const Claims = z.looseObject({
  name: z.string().trim().min(1),
  grants: z.array(Grant),
  sub: z.string(),
  kid: z.string(),
  version: z.string().optional(),
  exp: z.number().optional(),
});

export interface Participant {
  readonly name: string;
  readonly projectId: string;
  /** The room the token admits to (its `room` grant). */
  readonly room: string | undefined;
  readonly role: string;
  /** The token's ApiScope; undefined when it has none, which allows no room API call. */
  readonly api: z.infer<typeof ApiScope> | undefined;
}

/** A token that does not admit: why, in words that quote nothing from the token. */
export class TokenError extends Error {}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

function hmac(input: string, secret: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(input).digest();
}

export interface IssueOptions {
  /** The participant's name (its identity). */
  readonly name: string;
  readonly room: string;
  readonly role: 'user' | 'agent' | 'tool';
  /** The ApiScope as JSON, each grant an object (`{}` for a grant with its defaults). */
  readonly api: Record<string, unknown>;
  readonly seconds: number;
}

/** A participant token signed with `apiKey`'s secret. */
export function issueParticipantToken(apiKey: string, options: IssueOptions): string {
  const key = parseApiKey(apiKey);
  if (!key) throw new Error('the sandbox API key is not in the ma-<id>-<project>-<secret> form');
  const claims = {
    name: options.name,
    grants: [
      { name: 'room', scope: options.room },
      { name: 'role', scope: options.role },
      { name: 'api', scope: options.api },
    ],
    sub: key.projectId,
    kid: key.id,
    version: TOKEN_VERSION,
    exp: Math.floor(Date.now() / 1000) + options.seconds,
  };
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(hmac(input, key.secret))}`;
}

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new TokenError(`the token's ${what} is not a JSON object`);
}

/**
 * Checks a token against the project's API keys: an HS256 signature by the key its `kid` names, that key's
 * project as `sub`, and an `exp` still ahead (no leeway, as PyJWT decodes by default).
 */
export function verifyParticipantToken(token: string, apiKeys: readonly string[], projectId: string, nowSeconds = Date.now() / 1000): Participant {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenError('the token is not a JWT');
  const [headerPart = '', claimsPart = '', signature = ''] = parts;
  const header = decodePart(headerPart, 'header');
  // Only HS256, as the platform signs: "none" or a public-key algorithm would let anyone pick the check.
  if (header.alg !== 'HS256') throw new TokenError('the token is not signed with HS256');
  const parsed = Claims.safeParse(decodePart(claimsPart, 'claims'));
  if (!parsed.success) throw new TokenError('the token is not a participant token (name, grants, sub and kid are required)');
  const claims = parsed.data;
  const key = apiKeys.map(parseApiKey).find((k) => k?.id === claims.kid);
  if (!key) throw new TokenError("the token's kid names no API key of this project");
  const expected = hmac(`${headerPart}.${claimsPart}`, key.secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError('the token signature does not match its API key');
  if (claims.sub !== projectId || key.projectId !== projectId) throw new TokenError('the token is for another project');
  if (claims.exp !== undefined && claims.exp <= nowSeconds) throw new TokenError('the token has expired');
  const scope = (name: string): unknown => claims.grants.find((g) => g.name === name)?.scope;
  const room = scope('room');
  const role = scope('role');
  const api = scope('api');
  const apiScope = api === undefined ? undefined : ApiScope.safeParse(api);
  if (apiScope && !apiScope.success) throw new TokenError("the token's api grant is not an ApiScope");
  return {
    name: claims.name,
    projectId,
    room: typeof room === 'string' ? room : undefined,
    role: typeof role === 'string' ? role : 'user',
    api: apiScope?.data,
  };
}
