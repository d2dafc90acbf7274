/**
 * Participant tokens: the JWTs a room hands its participants (`connect`'s `jwt`, a service's `MESHAGENT_TOKEN`) and
 * that a private route port asks for (`Authorization: Bearer <participant token>`, reference §2.8). Shaped as
 * MeshAgent's `ParticipantToken` (meshagent-api participant_token.py): `name` (the identity), `project_id` and
 * `grants` of `room`, `role` and `api`; signed HS256 with a secret made once per sandbox directory.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ParticipantRole = 'user' | 'agent' | 'tool';

export interface ParticipantClaims {
  readonly name: string;
  readonly project_id: string;
  readonly grants: readonly ({ name: 'room'; scope: string } | { name: 'role'; scope: ParticipantRole } | { name: 'api'; scope: Record<string, unknown> })[];
  readonly iat: number;
  readonly exp: number;
}

export interface ParticipantTokenAsk {
  readonly room: string;
  readonly identity: string;
  readonly projectId: string;
  readonly role?: ParticipantRole;
  /** The `ApiScope` the token carries; none when left out. */
  readonly api?: Record<string, unknown>;
  /** Life in seconds; a day by default. */
  readonly seconds?: number;
}

const DEFAULT_SECONDS = 24 * 3600;
const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** The sandbox's signing secret for participant tokens, made on first use and kept in DIR/keys. */
export function ensureParticipantSecret(dir: string): Buffer {
  const keys = join(dir, 'keys');
  const path = join(keys, 'participant-secret');
  if (!existsSync(path)) {
    mkdirSync(keys, { recursive: true });
    writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path);
}

function signature(input: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function issueParticipantToken(secret: Buffer, ask: ParticipantTokenAsk): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: ParticipantClaims = {
    name: ask.identity,
    project_id: ask.projectId,
    grants: [
      { name: 'room', scope: ask.room },
      { name: 'role', scope: ask.role ?? 'user' },
      ...(ask.api ? [{ name: 'api' as const, scope: ask.api }] : []),
    ],
    iat: now,
    exp: now + (ask.seconds ?? DEFAULT_SECONDS),
  };
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(signature(input, secret))}`;
}

/** The claims of a token this sandbox signed and that has not expired; undefined for anything else. */
export function verifyParticipantToken(secret: Buffer, token: string): ParticipantClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signed] = parts as [string, string, string];
  const expected = signature(`${header}.${payload}`, secret);
  const given = Buffer.from(signed, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ParticipantClaims;
    if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

/** The room a token admits to (its `room` grant). */
export function tokenRoom(claims: ParticipantClaims): string | undefined {
  const grant = claims.grants.find((g) => g.name === 'room');
  return grant?.name === 'room' ? grant.scope : undefined;
}
