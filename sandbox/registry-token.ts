/**
 * The registry's token endpoint (Docker distribution token auth), as MeshAgent's registry answers it: user
 * `meshagent`, a repository token as password, and access only to the token's repository with the token's actions.
 * Clients ask by GET with Basic auth (docker, skopeo, buildah) or by POST with an OAuth2 password form (containerd).
 */
import { randomUUID, sign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SigningKey } from './keys.js';
import type { SandboxState } from './state.js';

/** The user name the project registry accepts with a repository token (api registry_auth.py:18-19). */
const REGISTRY_USERNAME = 'meshagent';
export const REGISTRY_SERVICE = 'meshagent-sandbox-registry';
export const REGISTRY_ISSUER = 'meshagent-sandbox';
const TOKEN_SECONDS = 300;

interface TokenAsk {
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly service: string | null;
  readonly scopes: readonly string[];
}

function askFromRequest(request: IncomingMessage, url: URL, body: string): TokenAsk {
  if (request.method === 'POST') {
    const form = new URLSearchParams(body);
    return { user: form.get('username') ?? undefined, password: form.get('password') ?? undefined, service: form.get('service'), scopes: form.getAll('scope') };
  }
  const auth = request.headers.authorization ?? '';
  let user: string | undefined;
  let password: string | undefined;
  if (auth.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    user = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  return { user, password, service: url.searchParams.get('service'), scopes: url.searchParams.getAll('scope') };
}

/** `repository:<name>:<a,b>` entries, several per scope parameter when space-separated. */
function parseScopes(scopes: readonly string[]): { type: string; name: string; actions: string[] }[] {
  return scopes
    .flatMap((scope) => scope.split(' '))
    .filter(Boolean)
    .map((scope) => {
      const parts = scope.split(':');
      const actions = (parts.pop() ?? '').split(',').filter(Boolean);
      const type = parts.shift() ?? '';
      return { type, name: parts.join(':'), actions };
    });
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

function signJwt(claims: object, key: SigningKey): string {
  const header = { alg: 'RS256', typ: 'JWT', x5c: [key.certDerBase64] };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('RSA-SHA256', Buffer.from(input), key.keyPem))}`;
}

export interface RegistryAccess {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

/** A registry bearer token granting `access`, as the token endpoint signs it (also for the room runtime's pulls). */
export function issueRegistryToken(key: SigningKey, access: readonly RegistryAccess[], audience: string = REGISTRY_SERVICE): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { iss: REGISTRY_ISSUER, sub: REGISTRY_USERNAME, aud: audience, exp: now + TOKEN_SECONDS, nbf: now - 10, iat: now, jti: randomUUID(), access },
    key,
  );
}

function deny(response: ServerResponse, message: string): void {
  response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="meshagent-sandbox"' });
  response.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message }] }));
}

/**
 * Whether a repository token's actions allow a registry action. Upstream's tokens name only pull and push
 * (registry_auth.py `RegistryAction`); the sandbox lets push also delete a manifest by digest, which distribution
 * asks for as `delete`, so a token that may publish an image may take it back.
 */
function granted(actions: readonly string[], action: string): boolean {
  return actions.includes(action) || (action === 'delete' && actions.includes('push'));
}

export function serveRegistryToken(request: IncomingMessage, response: ServerResponse, url: URL, body: string, state: SandboxState, key: SigningKey): void {
  const ask = askFromRequest(request, url, body);
  if (ask.user === undefined || ask.password === undefined) return deny(response, 'authentication required: user meshagent with a repository token');
  const now = Math.floor(Date.now() / 1000);
  const grant = state.data.repositoryTokens.find((t) => t.token === ask.password && t.expiresAt > now);
  if (ask.user !== REGISTRY_USERNAME || !grant) return deny(response, 'invalid username or repository token');
  const access = parseScopes(ask.scopes).map(({ type, name, actions }) => ({
    type,
    name,
    actions: type === 'repository' && name === grant.repository ? actions.filter((a) => granted(grant.actions, a)) : [],
  }));
  const token = issueRegistryToken(key, access, ask.service ?? REGISTRY_SERVICE);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ token, access_token: token, expires_in: TOKEN_SECONDS, issued_at: new Date(now * 1000).toISOString() }));
}
