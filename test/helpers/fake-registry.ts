/**
 * An OCI registry in the test process, for fast tests of the registry client without Debian's docker-registry. It
 * answers the distribution API subset the client uses the way CNCF distribution 2.8 does (its handlers were read for
 * this), strictly enough to catch protocol mistakes:
 *  - blobs: HEAD, GET with single Range requests (206, or 416 when unsatisfiable), optionally by a redirect to
 *    token-free storage as registries on object storage do;
 *  - uploads: POST (202 and a session; `mount`+`from` links a blob the source repository has, 201, or opens a session
 *    when it has none; a POST with `digest` and a body is not completed, as in 2.8), PATCH (Content-Type must be
 *    octet-stream, Content-Range must start where the session is: 416, as the OCI spec and distribution 3 say),
 *    PUT with `digest` (checked: 400 DIGEST_INVALID; a form Content-Type makes the body a form, as Go's FormValue
 *    does), GET for the session's Range, DELETE; every session URL carries a `_state` naming the offset the session
 *    was at (404 BLOB_UPLOAD_INVALID once a later chunk moved it on);
 *  - manifests: PUT by tag or digest (Content-Type must be a manifest type and match the body's mediaType: 400
 *    MANIFEST_INVALID; every blob, or for an index every manifest, must be in the repository: 400
 *    MANIFEST_BLOB_UNKNOWN; a digest reference must be the body's: 400 DIGEST_INVALID), GET/HEAD answering 404
 *    MANIFEST_UNKNOWN unless Accept lists the stored type; tags/list (all at once, as 2.8 does, or in pages);
 *  - auth (optional): Basic, or Bearer with a token endpoint at `/token` (GET with Basic credentials, or an OAuth2
 *    password form by POST) granting the asked scopes a `Grant` allows. Access as distribution requires it: pull for
 *    GET/HEAD, pull and push for POST/PUT/PATCH, delete for DELETE, and pull on `from` for a mount.
 * Every request is recorded; faults (a status, or a connection cut before any answer) can be queued, and a hook
 * called after each answer can change what is stored (a blob lost between a client's check and its manifest PUT).
 * test/infra/fake-registry-parity.test.ts runs one protocol script against this and the real registry and compares.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256 } from './estargz-raw.js';

export type Action = 'pull' | 'push' | 'delete';
interface Credentials {
  readonly username: string;
  readonly password: string;
}
/** What a caller may do in each repository; `undefined` refuses the credentials (or anonymous access). */
export type Grant = (credentials: Credentials | undefined) => ((repository: string) => readonly Action[]) | undefined;

export interface FakeRegistryOptions {
  readonly auth?: { readonly scheme: 'basic' | 'bearer'; readonly grant: Grant };
  /** Blob GETs answer 307 to a storage URL on this server that needs no token (and honours Range). */
  readonly redirectBlobs?: boolean;
  /** tags/list answers this many tags per page with a Link to the next (distribution 2.8 ignores `n`). */
  readonly tagPageSize?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly status: number;
}

export interface Fault {
  readonly method?: string;
  readonly path?: RegExp;
  /** Answer this status (with a distribution error body) instead of handling the request. */
  readonly status?: number;
  /** Cut the connection without an answer (after reading the request). */
  readonly cut?: boolean;
  /** Matching requests let through before it hits. */
  after?: number;
  /** How many matching requests it hits. */
  times: number;
}

interface StoredManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
}

interface Repository {
  readonly blobs: Set<string>;
  readonly manifests: Map<string, StoredManifest>;
  readonly tags: Map<string, string>;
}

interface Session {
  readonly repository: string;
  readonly parts: Buffer[];
  size: number;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const MANIFEST_TYPES = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST];
const FOREIGN_LAYER = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
const NAME_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const SERVICE = 'fake-registry';

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class FakeRegistry {
  /** `127.0.0.1:<port>`, as image references name it. */
  readonly host: string;
  readonly url: string;
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Tokens the token endpoint issued. */
  tokensIssued = 0;
  /** Called once each answer is sent: a test changes what is stored between two requests of a client. */
  afterAnswer: ((request: RecordedRequest) => void) | undefined;
  private readonly blobs = new Map<string, Buffer>();
  private readonly repositories = new Map<string, Repository>();
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, Map<string, Set<string>>>();

  private constructor(
    private readonly server: Server,
    private readonly options: FakeRegistryOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.host = `127.0.0.1:${port}`;
    this.url = `http://${this.host}`;
  }

  static async start(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const registry = new FakeRegistry(server, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      registry.serve(request, response).catch((error: unknown) => {
        if (!response.headersSent) registry.error(response, new Refusal(500, 'UNKNOWN', String(error)));
        else response.destroy();
      });
    });
    return registry;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  // --- for tests: look and change what is stored ------------------------------------------------------------------------

  /** Requests whose method and path (without the query) match. */
  sent(method: string, path: RegExp = /./): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  hasBlob(repository: string, digest: string): boolean {
    return this.repositories.get(repository)?.blobs.has(digest) ?? false;
  }

  blob(digest: string): Buffer | undefined {
    return this.blobs.get(digest);
  }

  /** Stores bytes as a repository's blob, as if pushed. */
  putBlob(repository: string, data: Buffer): string {
    const digest = sha256(data);
    this.blobs.set(digest, data);
    this.repository(repository).blobs.add(digest);
    return digest;
  }

  /** Unlinks a blob from a repository (distribution's blob delete). */
  deleteBlob(repository: string, digest: string): void {
    this.repositories.get(repository)?.blobs.delete(digest);
  }

  /** Serves other bytes under a blob's digest, as a corrupt store would. */
  corruptBlob(digest: string, data: Buffer): void {
    this.blobs.set(digest, data);
  }

  manifest(repository: string, reference: string): StoredManifest | undefined {
    const repo = this.repositories.get(repository);
    const digest = DIGEST_RE.test(reference) ? reference : repo?.tags.get(reference);
    return digest ? repo?.manifests.get(digest) : undefined;
  }

  tags(repository: string): string[] {
    return [...(this.repositories.get(repository)?.tags.keys() ?? [])].sort();
  }

  // --- serving -----------------------------------------------------------------------------------------------------------

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const body = await readBody(request);
    const method = request.method ?? 'GET';
    response.on('finish', () => {
      const recorded = { method, path: url.pathname, query: url.searchParams, headers: request.headers, status: response.statusCode };
      this.requests.push(recorded);
      this.afterAnswer?.(recorded);
    });
    const fault = this.faults.find((f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(url.pathname)));
    if (fault && (fault.after ?? 0) > 0) fault.after = (fault.after ?? 0) - 1;
    else if (fault) {
      fault.times -= 1;
      if (fault.cut) {
        this.requests.push({ method, path: url.pathname, query: url.searchParams, headers: request.headers, status: 0 });
        request.socket.destroy();
        return;
      }
      return this.error(response, new Refusal(fault.status ?? 500, fault.status === 503 ? 'UNAVAILABLE' : 'UNKNOWN', 'injected fault'));
    }
    try {
      if (url.pathname === '/token') return this.serveToken(request, response, url, body);
      if (url.pathname.startsWith('/_storage/')) return this.serveBlob(request, response, url.pathname.slice('/_storage/'.length), false);
      if (url.pathname === '/v2/' || url.pathname === '/v2') {
        this.authorize(request, []);
        return this.send(response, 200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' }, Buffer.from('{}'));
      }
      const route = /^\/v2\/(.+?)\/(blobs\/uploads\/?(.*)|blobs\/([^/]+)|manifests\/([^/]+)|tags\/list)$/.exec(url.pathname);
      if (!route) throw new Refusal(404, 'UNSUPPORTED', 'no such route');
      const name = route[1] as string;
      if (!NAME_RE.test(name)) throw new Refusal(400, 'NAME_INVALID', `invalid repository name ${name}`);
      const required: Array<[string, Action]> =
        method === 'GET' || method === 'HEAD'
          ? [[name, 'pull']]
          : method === 'DELETE'
            ? [[name, 'delete']]
            : [
                [name, 'pull'],
                [name, 'push'],
              ];
      const from = url.searchParams.get('from');
      if (method === 'POST' && from && url.searchParams.get('mount')) required.push([from, 'pull']);
      this.authorize(request, required);
      if (route[2]?.startsWith('blobs/uploads')) return this.serveUpload(request, response, url, name, route[3] ?? '', body);
      if (route[4] !== undefined) {
        if (method !== 'GET' && method !== 'HEAD') throw new Refusal(405, 'UNSUPPORTED', `${method} on a blob`);
        if (!this.repositories.get(name)?.blobs.has(route[4])) throw new Refusal(404, 'BLOB_UNKNOWN', 'blob unknown to registry');
        return this.serveBlob(request, response, route[4], this.options.redirectBlobs === true);
      }
      if (route[5] !== undefined) return this.serveManifest(request, response, name, route[5], body);
      return this.serveTags(response, url, name);
    } catch (error) {
      if (error instanceof Refusal) return this.error(response, error);
      throw error;
    }
  }

  private serveBlob(request: IncomingMessage, response: ServerResponse, digest: string, redirect: boolean): void {
    const data = this.blobs.get(digest);
    if (!data) throw new Refusal(404, 'BLOB_UNKNOWN', 'blob unknown to registry');
    if (redirect && request.method === 'GET') return this.send(response, 307, { location: `${this.url}/_storage/${digest}?expires=soon` });
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'docker-content-digest': digest,
      'accept-ranges': 'bytes',
      etag: `"${digest}"`,
    };
    const range = request.headers.range;
    // A single range is served as Go's http.ServeContent serves it; several ranges get the whole blob.
    const match = range && !range.includes(',') ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
    if (range && !range.includes(',')) {
      let start = match?.[1] ? Number(match[1]) : undefined;
      let end = match?.[2] ? Number(match[2]) : undefined;
      if (start === undefined && end !== undefined) [start, end] = [Math.max(0, data.length - end), data.length - 1];
      if (!match || start === undefined || start >= data.length || (end !== undefined && end < start)) {
        return this.send(response, 416, { 'content-range': `bytes */${data.length}` });
      }
      const last = Math.min(end ?? data.length - 1, data.length - 1);
      return this.send(
        response,
        206,
        { ...headers, 'content-range': `bytes ${start}-${last}/${data.length}` },
        data.subarray(start, last + 1),
        request.method === 'HEAD',
      );
    }
    this.send(response, 200, headers, data, request.method === 'HEAD');
  }

  private serveUpload(request: IncomingMessage, response: ServerResponse, url: URL, name: string, id: string, body: Buffer): void {
    const method = request.method;
    if (id === '') {
      if (method !== 'POST') throw new Refusal(405, 'UNSUPPORTED', `${method} on the uploads endpoint`);
      const mount = url.searchParams.get('mount');
      const from = url.searchParams.get('from');
      if (mount && from && this.repositories.get(from)?.blobs.has(mount)) {
        this.repository(name).blobs.add(mount);
        return this.send(response, 201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount });
      }
      // Also with `digest` and a body: distribution 2.8 opens a session and drops the body.
      const session: Session = { repository: name, parts: [], size: 0 };
      const uuid = randomUUID();
      this.sessions.set(uuid, session);
      return this.sendSession(response, 202, name, uuid, session);
    }
    const session = this.sessions.get(id);
    if (!session || session.repository !== name) throw new Refusal(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
    // As distribution's HMAC'd state: a URL given out before the last chunk arrived names another offset.
    if (url.searchParams.get('_state') !== stateOf(id, session))
      throw new Refusal(404, 'BLOB_UPLOAD_INVALID', 'blob upload invalid: upload resumed at wrong offset');
    if (method === 'GET' || method === 'HEAD') return this.sendSession(response, 204, name, id, session);
    if (method === 'DELETE') {
      this.sessions.delete(id);
      return this.send(response, 204, { 'docker-upload-uuid': id });
    }
    const contentType = request.headers['content-type'];
    if (method === 'PATCH') {
      if (contentType && contentType !== 'application/octet-stream') throw new Refusal(500, 'UNKNOWN', 'bad Content-Type');
      this.checkContentRange(request, session);
      session.parts.push(body);
      session.size += body.length;
      return this.sendSession(response, 202, name, id, session);
    }
    if (method !== 'PUT') throw new Refusal(405, 'UNSUPPORTED', `${method} on an upload`);
    // Go's FormValue reads a form body into the parameters, so the blob is lost and the digest cannot match.
    const form = contentType === 'application/x-www-form-urlencoded';
    const digest = url.searchParams.get('digest') ?? (form ? new URLSearchParams(body.toString('latin1')).get('digest') : null);
    if (!digest || !DIGEST_RE.test(digest)) throw new Refusal(400, 'DIGEST_INVALID', 'digest missing or malformed');
    if (body.length > 0 && !form) {
      this.checkContentRange(request, session);
      session.parts.push(body);
    }
    const data = Buffer.concat(session.parts);
    // On a wrong digest distribution drops the data but the session still answers, with its old state.
    if (sha256(data) !== digest) throw new Refusal(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
    this.sessions.delete(id);
    this.blobs.set(digest, data);
    this.repository(name).blobs.add(digest);
    this.send(response, 201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });
  }

  /** A chunk must start where the session is (`Content-Range: <start>-<end>`), and be as long as it says. */
  private checkContentRange(request: IncomingMessage, session: Session): void {
    const header = request.headers['content-range'];
    if (!header) return;
    const match = /^(\d+)-(\d+)$/.exec(header.trim());
    if (!match || Number(match[1]) !== session.size) throw new Refusal(416, 'BLOB_UPLOAD_INVALID', `Content-Range ${header} does not start at ${session.size}`);
  }

  private sendSession(response: ServerResponse, status: number, name: string, id: string, session: Session): void {
    this.send(response, status, {
      location: `/v2/${name}/blobs/uploads/${id}?_state=${stateOf(id, session)}`,
      range: `0-${Math.max(0, session.size - 1)}`,
      'docker-upload-uuid': id,
    });
  }

  private serveManifest(request: IncomingMessage, response: ServerResponse, name: string, reference: string, body: Buffer): void {
    const byDigest = reference.startsWith('sha256:');
    if (byDigest ? !DIGEST_RE.test(reference) : !TAG_RE.test(reference))
      throw new Refusal(400, byDigest ? 'DIGEST_INVALID' : 'TAG_INVALID', `invalid reference ${reference}`);
    const method = request.method;
    if (method === 'PUT') return this.putManifest(request, response, name, reference, byDigest, body);
    if (method !== 'GET' && method !== 'HEAD') throw new Refusal(405, 'UNSUPPORTED', `${method} on a manifest`);
    const stored = this.manifest(name, reference);
    if (!stored) throw new Refusal(404, 'MANIFEST_UNKNOWN', 'manifest unknown');
    const accepted = (request.headers.accept ?? '').split(',').map((t) => t.split(';')[0]?.trim());
    // Distribution rewrites a Docker manifest fetched by tag into schema 1 for such a client; this fake refuses it.
    if (!accepted.includes(stored.mediaType)) throw new Refusal(404, 'MANIFEST_UNKNOWN', `${stored.mediaType} found, but the Accept header does not list it`);
    const digest = sha256(stored.bytes);
    this.send(response, 200, { 'content-type': stored.mediaType, 'docker-content-digest': digest, etag: `"${digest}"` }, stored.bytes, method === 'HEAD');
  }

  private putManifest(request: IncomingMessage, response: ServerResponse, name: string, reference: string, byDigest: boolean, body: Buffer): void {
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!MANIFEST_TYPES.includes(contentType)) throw new Refusal(400, 'MANIFEST_INVALID', `Content-Type ${JSON.stringify(contentType)} is not a manifest type`);
    let manifest: {
      schemaVersion?: unknown;
      mediaType?: unknown;
      config?: { digest: string };
      layers?: Array<{ digest: string; mediaType: string; urls?: string[] }>;
      manifests?: Array<{ digest: string }>;
    };
    try {
      manifest = JSON.parse(body.toString('utf8')) as typeof manifest;
    } catch {
      throw new Refusal(400, 'MANIFEST_INVALID', 'manifest invalid: not JSON');
    }
    if (manifest.schemaVersion !== 2) throw new Refusal(400, 'MANIFEST_INVALID', 'manifest invalid: schemaVersion is not 2');
    const mustName = contentType === DOCKER_MANIFEST || contentType === DOCKER_LIST;
    if ((manifest.mediaType !== undefined || mustName) && manifest.mediaType !== contentType) {
      throw new Refusal(400, 'MANIFEST_INVALID', `manifest invalid: mediaType ${JSON.stringify(manifest.mediaType)} is not the Content-Type ${contentType}`);
    }
    const digest = sha256(body);
    if (byDigest && digest !== reference) throw new Refusal(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
    const repo = this.repository(name);
    const isIndex = contentType === OCI_INDEX || contentType === DOCKER_LIST;
    if (isIndex) {
      for (const child of manifest.manifests ?? [])
        if (!repo.manifests.has(child.digest)) throw new Refusal(400, 'MANIFEST_BLOB_UNKNOWN', `manifest blob unknown: ${child.digest}`);
    } else {
      if (!manifest.config) throw new Refusal(400, 'MANIFEST_INVALID', 'manifest invalid: no config');
      const blobs = [manifest.config, ...(manifest.layers ?? []).filter((l) => l.mediaType !== FOREIGN_LAYER && !(l.urls?.length ?? 0))];
      for (const blob of blobs) if (!repo.blobs.has(blob.digest)) throw new Refusal(400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${blob.digest}`);
    }
    repo.manifests.set(digest, { bytes: body, mediaType: contentType });
    if (!byDigest) repo.tags.set(reference, digest);
    this.send(response, 201, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest });
  }

  private serveTags(response: ServerResponse, url: URL, name: string): void {
    const repo = this.repositories.get(name);
    if (!repo) throw new Refusal(404, 'NAME_UNKNOWN', 'repository name not known to registry');
    const all = [...repo.tags.keys()].sort();
    const size = this.options.tagPageSize;
    if (!size) return this.sendJson(response, 200, { name, tags: all });
    const last = url.searchParams.get('last');
    const page = all.filter((t) => last === null || t > last).slice(0, size);
    const more = page.length > 0 && all.indexOf(page.at(-1) as string) < all.length - 1;
    this.sendJson(
      response,
      200,
      { name, tags: page },
      more ? { link: `</v2/${name}/tags/list?n=${size}&last=${encodeURIComponent(page.at(-1) as string)}>; rel="next"` } : {},
    );
  }

  // --- auth ------------------------------------------------------------------------------------------------------------

  /** Throws a 401 (or 403) Refusal unless the request may do every `required` action. */
  private authorize(request: IncomingMessage, required: ReadonlyArray<[string, Action]>): void {
    const auth = this.options.auth;
    if (!auth) return;
    const header = request.headers.authorization ?? '';
    const scope = required.length > 0 ? scopesOf(required).join(' ') : undefined;
    if (auth.scheme === 'basic') {
      const challenge = { 'www-authenticate': 'Basic realm="fake-registry"' };
      if (!header.startsWith('Basic ')) throw new Refusal(401, 'UNAUTHORIZED', 'authentication required', challenge);
      const access = auth.grant(decodeBasic(header));
      if (!access) throw new Refusal(401, 'UNAUTHORIZED', 'invalid credentials', challenge);
      for (const [repository, action] of required)
        if (!access(repository).includes(action)) throw new Refusal(403, 'DENIED', `requested access to ${repository} is denied`);
      return;
    }
    const challenge = (error?: string) => ({
      'www-authenticate': `Bearer realm="${this.url}/token",service="${SERVICE}"${scope ? `,scope="${scope}"` : ''}${error ? `,error="${error}"` : ''}`,
    });
    if (!header.startsWith('Bearer ')) throw new Refusal(401, 'UNAUTHORIZED', 'authentication required', challenge());
    const granted = this.tokens.get(header.slice('Bearer '.length));
    if (!granted) throw new Refusal(401, 'UNAUTHORIZED', 'authentication required', challenge('invalid_token'));
    for (const [repository, action] of required) {
      if (!granted.get(repository)?.has(action)) throw new Refusal(401, 'UNAUTHORIZED', 'authentication required', challenge('insufficient_scope'));
    }
  }

  /** The token endpoint: Docker's GET with Basic credentials (or none), or containerd's OAuth2 password form. */
  private serveToken(request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer): void {
    const auth = this.options.auth;
    if (auth?.scheme !== 'bearer') throw new Refusal(404, 'UNSUPPORTED', 'no token endpoint');
    let credentials: Credentials | undefined;
    let scopes: string[];
    if (request.method === 'POST') {
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('grant_type') !== 'password') return this.sendJson(response, 400, { error: 'unsupported_grant_type' });
      credentials = { username: form.get('username') ?? '', password: form.get('password') ?? '' };
      scopes = form.getAll('scope');
    } else {
      credentials = request.headers.authorization?.startsWith('Basic ') ? decodeBasic(request.headers.authorization) : undefined;
      scopes = url.searchParams.getAll('scope');
    }
    const access = auth.grant(credentials);
    if (!access) return this.sendJson(response, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }] });
    const granted = new Map<string, Set<string>>();
    for (const scope of scopes.flatMap((s) => s.split(' ')).filter(Boolean)) {
      const parts = scope.split(':');
      const actions = (parts.pop() ?? '').split(',');
      if (parts.shift() !== 'repository') continue;
      const repository = parts.join(':');
      const allowed = access(repository);
      granted.set(repository, new Set([...(granted.get(repository) ?? []), ...actions.filter((a) => allowed.includes(a as Action))]));
    }
    const token = `fake-${randomUUID()}`;
    this.tokens.set(token, granted);
    this.tokensIssued += 1;
    this.sendJson(response, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
  }

  // --- answers ---------------------------------------------------------------------------------------------------------

  private repository(name: string): Repository {
    let repo = this.repositories.get(name);
    if (!repo) {
      repo = { blobs: new Set(), manifests: new Map(), tags: new Map() };
      this.repositories.set(name, repo);
    }
    return repo;
  }

  private error(response: ServerResponse, refusal: Refusal): void {
    this.sendJson(response, refusal.status, { errors: [{ code: refusal.code, message: refusal.message }] }, refusal.headers);
  }

  private sendJson(response: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
    this.send(response, status, { ...headers, 'content-type': 'application/json; charset=utf-8' }, Buffer.from(JSON.stringify(json)));
  }

  private send(response: ServerResponse, status: number, headers: Record<string, string>, body: Buffer = Buffer.alloc(0), headOnly = false): void {
    response.writeHead(status, { ...headers, 'content-length': String(body.length), 'docker-distribution-api-version': 'registry/2.0' });
    response.end(headOnly ? undefined : body);
  }
}

function stateOf(id: string, session: Session): string {
  return Buffer.from(`${session.repository}:${id}:${session.size}`).toString('base64url');
}

function scopesOf(required: ReadonlyArray<[string, Action]>): string[] {
  const byRepository = new Map<string, Action[]>();
  for (const [repository, action] of required) byRepository.set(repository, [...(byRepository.get(repository) ?? []), action]);
  return [...byRepository].map(([repository, actions]) => `repository:${repository}:${actions.join(',')}`);
}

function decodeBasic(header: string): Credentials {
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A Grant for fixed users: each password, and per repository (or `*`) the actions; anonymous gets `anonymous`. */
export function usersGrant(
  users: Record<string, { password: string; access: Record<string, readonly Action[]> }>,
  anonymous: Record<string, readonly Action[]> = {},
): Grant {
  const lookup = (access: Record<string, readonly Action[]>) => (repository: string) => access[repository] ?? access['*'] ?? [];
  return (credentials) => {
    if (!credentials) return lookup(anonymous);
    const user = users[credentials.username];
    return user && user.password === credentials.password ? lookup(user.access) : undefined;
  };
}
