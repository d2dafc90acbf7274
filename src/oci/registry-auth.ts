/**
 * Registry authentication (distribution token auth): the `WWW-Authenticate` challenge, Basic credentials, and
 * Bearer tokens fetched from the challenge's realm for a set of scopes. Tokens are cached per scope set until shortly
 * before they expire. Every credential and token is registered as a secret the moment it is known.
 */
import { HttpError, type HttpClient } from '../http.js';
import { ShipError } from '../errors.js';

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
  /**
   * An identity token (the Docker config's `identitytoken`, or a helper's secret for user `<token>`): an OAuth2
   * refresh token, traded for access tokens with a `refresh_token` grant instead of the password.
   */
  readonly identityToken?: string;
}

/** A parsed `WWW-Authenticate` header. */
export type Challenge =
  | { readonly scheme: 'basic'; readonly realm?: string }
  | { readonly scheme: 'bearer'; readonly realm: string; readonly service?: string; readonly scope?: string };

/** Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`; undefined for anything else. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header ?? '');
  if (!match) return undefined;
  const scheme = (match[1] ?? '').toLowerCase();
  const params: Record<string, string> = {};
  for (const pair of (match[2] ?? '').matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[(pair[1] ?? '').toLowerCase()] = (pair[2] ?? pair[3] ?? '').replace(/\\(.)/g, '$1');
  }
  if (scheme === 'basic') return { scheme, ...(params.realm ? { realm: params.realm } : {}) };
  if (scheme === 'bearer' && params.realm) {
    return { scheme, realm: params.realm, ...(params.service ? { service: params.service } : {}), ...(params.scope ? { scope: params.scope } : {}) };
  }
  return undefined;
}

/** What a registry token may allow on a repository (distribution asks for `delete` to delete a manifest). */
export type RepositoryAction = 'pull' | 'push' | 'delete';

/** `repository:<name>:<actions>` as the token server expects it. */
export function repositoryScope(repository: string, actions: readonly RepositoryAction[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/** Tokens are renewed this long before they expire, so one never runs out during a request. */
const EXPIRY_MARGIN_MS = 10_000;
/** The OAuth2 client id when the caller names none (docker sends `docker`, go-containerregistry its own name). */
const DEFAULT_CLIENT_ID = 'oci-registry-client';
/** The distribution spec's default when the token server gives no expires_in. */
const DEFAULT_TOKEN_SECONDS = 60;

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

export interface RegistryAuthOptions {
  readonly http: HttpClient;
  /** `host[:port]`, for messages. */
  readonly registry: string;
  readonly credentials?: RegistryCredentials;
  /** Registers a secret (password, token) with the caller's masking. */
  readonly mask: (secret: string) => void;
  readonly now?: () => number;
  /** The `client_id` of an OAuth2 password grant (the distribution spec asks for one; any name does). */
  readonly clientId?: string;
  /** What to tell a user whose credentials are refused, in the caller's words (where credentials come from). */
  readonly credentialsHint?: string;
}

/** The Authorization header for requests to one registry, per scope set. */
export class RegistryAuth {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();
  private readonly now: () => number;
  /** Tokens fetched so far (a test checks that a second push reuses them). */
  tokenFetches = 0;

  constructor(private readonly options: RegistryAuthOptions) {
    this.now = options.now ?? Date.now;
    if (options.credentials?.password) options.mask(options.credentials.password);
    if (options.credentials?.identityToken) options.mask(options.credentials.identityToken);
  }

  /** Records the registry's challenge (from the ping or a 401). */
  setChallenge(challenge: Challenge | undefined): void {
    this.challenge = challenge;
  }

  get scheme(): Challenge['scheme'] | undefined {
    return this.challenge?.scheme;
  }

  /** The header value for a request needing `scopes`, or undefined when the registry asked for nothing. */
  async header(scopes: readonly string[]): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const { credentials } = this.options;
      if (!credentials) throw this.credentialsNeeded();
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return `Bearer ${cached.token}`;
    let fetching = this.pending.get(key);
    if (!fetching) {
      // Parallel blob uploads share one token request.
      fetching = this.fetchToken(challenge, scopes).finally(() => this.pending.delete(key));
      this.pending.set(key, fetching);
    }
    const token = await fetching;
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  /** Forgets the token for `scopes` (after a 401), so the next `header` fetches a new one. */
  invalidate(scopes: readonly string[]): void {
    this.tokens.delete(scopeKey(scopes));
  }

  private async fetchToken(challenge: Extract<Challenge, { scheme: 'bearer' }>, scopes: readonly string[]): Promise<CachedToken> {
    const { http, credentials, registry } = this.options;
    this.tokenFetches += 1;
    const query = new URLSearchParams();
    if (challenge.service) query.set('service', challenge.service);
    for (const scope of scopes) query.append('scope', scope);
    const url = `${challenge.realm}${challenge.realm.includes('?') ? '&' : '?'}${query.toString()}`;
    const what = `get a token for ${registry} from ${new URL(challenge.realm).origin}`;
    try {
      // An identity token is traded with a refresh_token grant (Docker's way), never sent as a password.
      if (credentials?.identityToken)
        return await this.oauthGrant(challenge, scopes, { grant_type: 'refresh_token', refresh_token: credentials.identityToken }, what);
      const headers: Record<string, string> = credentials
        ? { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` }
        : {};
      // Docker's way: GET with Basic credentials. A server that only speaks OAuth2 answers 404/405, then we POST.
      const answer = await http.request({ method: 'GET', url, headers, accept: [200, 404, 405], what });
      if (answer.status === 200) return this.readToken(answer.json(), what);
      if (!credentials)
        throw new ShipError(`${what}: the token server wants an OAuth2 password grant, and no credentials were given`, { hint: this.credentialsHint() });
      return await this.oauthGrant(challenge, scopes, { grant_type: 'password', username: credentials.username, password: credentials.password }, what);
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
        const who = credentials ? `user ${credentials.username}` : 'anonymous access';
        throw new ShipError(`${registry} refused ${who}: the token server answered ${error.status}`, { hint: this.credentialsHint(), cause: error });
      }
      throw error;
    }
  }

  /** An OAuth2 grant (password or refresh_token) POSTed as a form to the token server, with the service and scopes. */
  private async oauthGrant(
    challenge: Extract<Challenge, { scheme: 'bearer' }>,
    scopes: readonly string[],
    grant: Readonly<Record<string, string>>,
    what: string,
  ): Promise<CachedToken> {
    const form = new URLSearchParams({ ...grant, client_id: this.options.clientId ?? DEFAULT_CLIENT_ID });
    if (challenge.service) form.set('service', challenge.service);
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    const posted = await this.options.http.request({
      method: 'POST',
      url: challenge.realm,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      what,
      // Another token: asking twice is harmless.
      idempotent: true,
    });
    return this.readToken(posted.json(), what);
  }

  private readToken(body: unknown, what: string): CachedToken {
    const answer = body as { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    const token = typeof answer.token === 'string' && answer.token ? answer.token : typeof answer.access_token === 'string' ? answer.access_token : '';
    if (!token) throw new ShipError(`${what}: the answer holds no token`, { hint: 'the token server answered something unexpected: check the registry' });
    this.options.mask(token);
    const seconds = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : DEFAULT_TOKEN_SECONDS;
    const issued = typeof answer.issued_at === 'string' ? Date.parse(answer.issued_at) : Number.NaN;
    // Our clock, not the server's, unless the server's issue time is earlier (clock skew must not extend a token).
    const start = Number.isNaN(issued) ? this.now() : Math.min(issued, this.now());
    return { token, expiresAt: start + seconds * 1000 - EXPIRY_MARGIN_MS };
  }

  credentialsHint(): string {
    return this.options.credentialsHint ?? `check the credentials for ${this.options.registry}`;
  }

  private credentialsNeeded(): ShipError {
    return new ShipError(`${this.options.registry} asks for a user name and password, and none were given`, { hint: this.credentialsHint() });
  }
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(' ');
}
