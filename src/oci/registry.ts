/**
 * The OCI distribution API client, on the shared HTTP client: the `/v2/` ping and its challenge, blobs (HEAD, GET,
 * cross-repository mount, uploads), manifests (PUT/GET/HEAD) and tags. One `RegistryClient` per registry host;
 * `repository(name, actions)` gives the calls for one repository, all under one token scope. Uploads live in
 * registry-upload.ts.
 */
import type { Readable } from 'node:stream';
import { ShipError } from '../errors.js';
import { HttpClient, HttpError, nextPage, type HttpClientOptions, type HttpRequest, type HttpResponse, type StreamedResponse } from '../http.js';
import { sha256, isDigest, type Digest } from './digest.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import { RegistryAuth, parseChallenge, repositoryScope, type RegistryCredentials, type RepositoryAction } from './registry-auth.js';
import { isRetryableRegistryAnswer } from './registry-retry.js';
import { isLoopbackHost } from '../loopback.js';

export interface RegistryClientOptions {
  /** `host[:port]` as in image references. */
  readonly registry: string;
  readonly credentials?: RegistryCredentials;
  /** Hosts (`host[:port]`) reached over plain HTTP although they are not loopback. */
  readonly insecureRegistries?: readonly string[];
  /** Registers a secret (password, token) with the caller's masking, e.g. a CI log's. */
  readonly mask?: (secret: string) => void;
  /** One line per retry or resume. */
  readonly log?: (line: string) => void;
  /** Passed to the HTTP client (retry policy, a run's shared retry log, dispatcher, timeouts ...). */
  readonly http?: Omit<HttpClientOptions, 'baseUrl' | 'secrets' | 'log'>;
  /** The clock tokens expire by; injectable for tests. */
  readonly now?: () => number;
  /** The OAuth2 `client_id` the token server is told (default a neutral name). */
  readonly clientId?: string;
  /** What to tell a user whose credentials the registry refuses (default: check the credentials for the registry). */
  readonly credentialsHint?: string;
}

/** http for loopback and listed hosts, https for everything else. */
export function registryBaseUrl(registry: string, insecureRegistries: readonly string[] = []): string {
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
  return `${isLoopbackHost(host) || insecureRegistries.includes(registry) || insecureRegistries.includes(host) ? 'http' : 'https'}://${registry}`;
}

/** One registry host: the HTTP client, the challenge, the tokens. */
export class RegistryClient {
  readonly http: HttpClient;
  readonly auth: RegistryAuth;
  readonly baseUrl: string;
  private readonly secrets: string[] = [];
  private pinged: Promise<void> | undefined;

  constructor(readonly options: RegistryClientOptions) {
    const remember = (secret: string): void => {
      this.secrets.push(secret);
      options.mask?.(secret);
    };
    this.baseUrl = registryBaseUrl(options.registry, options.insecureRegistries);
    this.http = new HttpClient({
      retryStatus: isRetryableRegistryAnswer,
      ...options.http,
      baseUrl: this.baseUrl,
      secrets: () => this.secrets,
      ...(options.log ? { log: options.log } : {}),
    });
    this.auth = new RegistryAuth({
      http: this.http,
      registry: options.registry,
      mask: remember,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.credentialsHint ? { credentialsHint: options.credentialsHint } : {}),
    });
  }

  get registry(): string {
    return this.options.registry;
  }

  /** Retries made by every request so far. */
  get retries(): number {
    return this.http.retries.length;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** `GET /v2/`: checks the registry speaks the distribution API, and learns how it wants to be authenticated. */
  ping(): Promise<void> {
    this.pinged ??= (async () => {
      const answer = await this.http.request({ method: 'GET', url: '/v2/', accept: [200, 401], what: `reach the registry ${this.registry}` });
      if (answer.status === 401) {
        const challenge = parseChallenge(answer.headers['www-authenticate']);
        if (!challenge)
          throw new ShipError(`${this.registry} answered 401 without a challenge this client understands`, {
            hint: 'the registry must offer Basic or Bearer token authentication',
          });
        this.auth.setChallenge(challenge);
      }
    })().catch((error: unknown) => {
      this.pinged = undefined;
      throw error;
    });
    return this.pinged;
  }

  /** The calls for one repository; `actions` decides the token scope every call of it uses. */
  repository(name: string, actions: readonly RepositoryAction[] = ['pull']): RepositoryClient {
    return new RepositoryClient(this, name, actions);
  }
}

/** A manifest PUT refused because the repository lacks a blob (or, for an index, a manifest) it references. */
export class ManifestBlobUnknown extends ShipError {}

export interface ManifestAnswer {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: Digest;
}

export interface ManifestHead {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
}

/** Calls against one repository of a registry. */
export class RepositoryClient {
  readonly scopes: readonly string[];
  /** Repositories a mount from was refused for: not tried again. */
  private readonly unreadable = new Set<string>();

  constructor(
    readonly client: RegistryClient,
    readonly name: string,
    readonly actions: readonly RepositoryAction[],
  ) {
    this.scopes = [repositoryScope(name, actions)];
  }

  /** `registry/repository`, for messages. */
  get where(): string {
    return `${this.client.registry}/${this.name}`;
  }

  /**
   * Sends a request with the Authorization the registry asked for. A 401 is answered once with a fresh token (it
   * may have expired, or the registry wants another scope); a second 401 is an error with a hint, never a loop.
   */
  async send(request: HttpRequest & { accept: readonly number[] }, options: { stream: true; scopes?: readonly string[] }): Promise<StreamedResponse>;
  async send(request: HttpRequest & { accept: readonly number[] }, options?: { stream?: false; scopes?: readonly string[] }): Promise<HttpResponse>;
  async send(
    request: HttpRequest & { accept: readonly number[] },
    options: { stream?: boolean; scopes?: readonly string[] } = {},
  ): Promise<HttpResponse | StreamedResponse> {
    await this.client.ping();
    const scopes = options.scopes ?? this.scopes;
    const { auth } = this.client;
    for (let round = 1; ; round += 1) {
      const authorization = await auth.header(scopes);
      const sent: HttpRequest = { ...request, headers: { ...request.headers, ...(authorization ? { authorization } : {}) }, accept: [...request.accept, 401] };
      const answer = options.stream ? await this.client.http.stream(sent) : await this.client.http.request(sent);
      if (answer.status !== 401) return answer;
      const body = 'text' in answer ? answer.text() : await drain(answer.body);
      const challenge = parseChallenge(answer.headers['www-authenticate']);
      if (round === 1 && challenge?.scheme === 'bearer') {
        auth.setChallenge(challenge);
        auth.invalidate(scopes);
        continue;
      }
      throw this.unauthorized(request, body);
    }
  }

  private unauthorized(request: HttpRequest, body: string): ShipError {
    // Named by what the caller set out to do (a push starts with pull-scoped HEADs, but it is still a push).
    const action = this.actions.includes('push') ? 'push to' : 'pull from';
    const detail = registryErrorText(body);
    return new HttpError(
      `${this.where}: not authorized to ${action} this repository (${request.what ?? request.method}): 401 Unauthorized${detail ? `: ${detail}` : ''}`,
      {
        method: request.method,
        // Without the query: an upload URL carries the registry's session state.
        url: request.url.split('?')[0] ?? request.url,
        status: 401,
        bodySnippet: detail,
        hint: this.client.auth.credentialsHint(),
      },
    );
  }

  private path(kind: 'blobs' | 'manifests' | 'tags', rest: string): string {
    return `/v2/${this.name}/${kind}/${rest}`;
  }

  // --- blobs ---------------------------------------------------------------------------------------------------------

  /** The blob's size when the repository has it, undefined when not. */
  async blobSize(digest: Digest): Promise<number | undefined> {
    const answer = await this.send({ method: 'HEAD', url: this.path('blobs', digest), accept: [200, 404], what: `check blob ${digest} in ${this.where}` });
    if (answer.status === 404) return undefined;
    const length = Number(answer.headers['content-length']);
    return Number.isFinite(length) ? length : 0;
  }

  /**
   * Cross-repository mount: true when the registry linked the blob from `from`; false when it opened an upload
   * instead, or when the credentials may not read `from` (a token scoped to one repository), so
   * the caller uploads the blob.
   */
  async mountBlob(digest: Digest, from: string): Promise<boolean> {
    if (this.unreadable.has(from)) return false;
    let answer: HttpResponse;
    try {
      answer = await this.send(
        {
          method: 'POST',
          url: this.path('blobs', 'uploads/'),
          query: { mount: digest, from },
          accept: [201, 202],
          what: `mount blob ${digest} from ${from} into ${this.where}`,
          idempotent: true,
        },
        { scopes: [...this.scopes, repositoryScope(from, ['pull'])] },
      );
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
        // Asking again for the next blob would cost two more refusals and a token each time.
        this.unreadable.add(from);
        return false;
      }
      throw error;
    }
    if (answer.status === 202) await this.cancelUpload(answer.headers.location);
    return answer.status === 201;
  }

  /**
   * Abandons an upload session, as a courtesy: distribution purges stale sessions itself (its upload purger), so
   * nothing is lost when it is not done. A DELETE needs the `delete` action (distribution's appendAccessRecords asks
   * for it whatever the route), which the pull,push token of a push never carries: under token auth the DELETE is
   * not sent at all, since it could only earn a 401, a new token and a second 401. Under Basic auth or none it is
   * sent once, and a 401 or 403 is a registry that does not allow it: expected, not answered with new credentials,
   * not an error.
   */
  async cancelUpload(location: string | undefined): Promise<void> {
    if (!location || this.client.auth.scheme === 'bearer') return;
    await this.send({
      method: 'DELETE',
      url: this.resolve(location),
      accept: [200, 202, 204, 403, 404],
      maxAttempts: 1,
      what: `cancel an upload to ${this.where}`,
    }).catch(() => undefined);
  }

  /** An absolute URL for a Location header (relative ones resolve against the registry). */
  resolve(location: string): string {
    return new URL(location, this.client.baseUrl).toString();
  }

  /** The blob's bytes as a stream, following the redirect a registry may answer with (to storage, without our token). */
  async openBlob(digest: Digest): Promise<Readable> {
    const what = `download blob ${digest} from ${this.where}`;
    const answer = await this.send(
      { method: 'GET', url: this.path('blobs', digest), accept: [200, 301, 302, 303, 307, 308], what, timeoutMs: 60_000 },
      { stream: true },
    );
    if (answer.status === 200) return answer.body;
    await drain(answer.body);
    const location = answer.headers.location;
    if (!location) throw new ShipError(`${what}: redirect without a Location`, { hint: 'the registry answered something unexpected' });
    const moved = await this.client.http.stream({ method: 'GET', url: this.resolve(location), accept: [200], what, timeoutMs: 60_000 });
    return moved.body;
  }

  /**
   * `length` bytes of a blob from `start`, by Range request (following a redirect, as openBlob does). A registry
   * that ignores Range (answers 200 with the whole blob) is an error: the answer is dropped, not read.
   */
  async readBlobRange(digest: Digest, start: number, length: number): Promise<Buffer> {
    const what = `read bytes ${start}-${start + length - 1} of blob ${digest} from ${this.where}`;
    if (length <= 0) return Buffer.alloc(0);
    const range = { range: `bytes=${start}-${start + length - 1}` };
    let answer = await this.send(
      { method: 'GET', url: this.path('blobs', digest), headers: range, accept: [200, 206, 301, 302, 303, 307, 308], what, timeoutMs: 60_000 },
      { stream: true },
    );
    if (answer.status !== 200 && answer.status !== 206) {
      await drain(answer.body);
      const location = answer.headers.location;
      if (!location) throw new ShipError(`${what}: redirect without a Location`, { hint: 'the registry answered something unexpected' });
      answer = await this.client.http.stream({ method: 'GET', url: this.resolve(location), headers: range, accept: [200, 206], what, timeoutMs: 60_000 });
    }
    if (answer.status !== 206) {
      answer.body.destroy();
      throw new ShipError(`${what}: the registry answered ${answer.status} to a Range request`, {
        hint: 'the registry does not serve parts of blobs, which lazy pulling needs too',
      });
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of answer.body) {
      const buffer = Buffer.from(chunk as Uint8Array);
      received += buffer.length;
      if (received > length) {
        answer.body.destroy();
        throw new ShipError(`${what}: the registry sent more than the ${length} bytes asked for`, { hint: 'the registry answered something unexpected' });
      }
      chunks.push(buffer);
    }
    if (received !== length) throw new ShipError(`${what}: the registry sent ${received} bytes`, { hint: 'the blob is shorter than its descriptor says' });
    return Buffer.concat(chunks);
  }

  // --- manifests -----------------------------------------------------------------------------------------------------

  /**
   * Stores a manifest (or index) under `reference` (a tag or its digest), with its media type as Content-Type; the
   * digest the registry computed must be ours.
   */
  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<Digest> {
    const digest = sha256(bytes);
    const what = `push manifest ${digest} to ${this.where}${isDigest(reference) ? '' : `:${reference}`}`;
    let answer: HttpResponse;
    try {
      answer = await this.send({
        method: 'PUT',
        url: this.path('manifests', reference),
        headers: { 'content-type': mediaType },
        body: bytes,
        accept: [201],
        what,
      });
    } catch (error) {
      if (error instanceof HttpError && error.status === 400 && /BLOB_UNKNOWN/.test(error.bodySnippet)) {
        throw new ManifestBlobUnknown(`${what}: the registry does not have a blob the manifest references (${registryErrorText(error.bodySnippet)})`, {
          hint: 'push every blob (config and layers) before the manifest; if the image came from an OCI layout, check the layout is complete',
          cause: error,
        });
      }
      throw error;
    }
    const theirs = answer.headers['docker-content-digest'];
    if (theirs && theirs !== digest) {
      throw new ShipError(`${what}: the registry stored it as ${theirs}`, {
        hint: 'the registry changed the manifest; it cannot be pinned by digest. Report this registry',
      });
    }
    return digest;
  }

  /** A manifest or index by tag or digest, verified against the digest when the reference is one. */
  async getManifest(reference: string): Promise<ManifestAnswer> {
    const what = `get manifest ${reference} from ${this.where}`;
    const answer = await this.send({
      method: 'GET',
      url: this.path('manifests', reference),
      headers: { accept: MANIFEST_ACCEPT.join(', ') },
      accept: [200],
      what,
    });
    const digest = sha256(answer.body);
    if (isDigest(reference) && digest !== reference)
      throw new ShipError(`${what}: the content's digest is ${digest}`, { hint: 'the registry served corrupt content' });
    const declared = (() => {
      try {
        return (JSON.parse(answer.text()) as { mediaType?: unknown }).mediaType;
      } catch {
        throw new ShipError(`${what}: the manifest is not JSON`, { hint: 'the registry served something that is not an image manifest' });
      }
    })();
    const mediaType = typeof declared === 'string' ? declared : ((answer.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '');
    return { bytes: answer.body, mediaType, digest };
  }

  /** The digest, media type and size of a manifest, or undefined when there is none by that reference. */
  async headManifest(reference: string): Promise<ManifestHead | undefined> {
    const answer = await this.send({
      method: 'HEAD',
      url: this.path('manifests', reference),
      headers: { accept: MANIFEST_ACCEPT.join(', ') },
      accept: [200, 404],
      what: `check manifest ${reference} in ${this.where}`,
    });
    if (answer.status === 404) return undefined;
    const digest = answer.headers['docker-content-digest'] ?? '';
    if (!isDigest(digest))
      throw new ShipError(`check manifest ${reference} in ${this.where}: no Docker-Content-Digest in the answer`, {
        hint: 'use a registry that reports manifest digests',
      });
    return { digest, mediaType: (answer.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '', size: Number(answer.headers['content-length'] ?? 0) };
  }

  /**
   * Deletes a manifest by digest, and with it every tag that points at it (the registry API has no tag delete). A
   * manifest already gone counts as deleted: false then, true when this call deleted it.
   */
  async deleteManifest(digest: Digest): Promise<boolean> {
    const answer = await this.send({
      method: 'DELETE',
      url: this.path('manifests', digest),
      accept: [202, 404],
      what: `delete manifest ${digest} from ${this.where}`,
    });
    return answer.status === 202;
  }

  /** Every tag, following `Link: <...>; rel="next"` pages. */
  async listTags(): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = this.path('tags', 'list');
    for (let page = 0; url && page < 1000; page += 1) {
      const answer: HttpResponse = await this.send({ method: 'GET', url, accept: [200], what: `list the tags of ${this.where}` });
      // distribution answers `"tags": null` for a repository whose tags were all deleted.
      tags.push(...((answer.json() as { tags?: string[] | null }).tags ?? []));
      const next = nextPage(answer.headers.link);
      url = next ? this.resolve(next) : undefined;
    }
    return tags;
  }
}

/** Reads a small error body to the end (a streamed answer must be consumed or destroyed). */
async function drain(body: Readable): Promise<string> {
  let text = '';
  for await (const chunk of body) if (text.length < 4096) text += Buffer.from(chunk as Uint8Array).toString('utf8');
  return text;
}

/** "CODE: message" of a distribution error body, or the text cut short. */
function registryErrorText(body: string): string {
  try {
    const errors = (JSON.parse(body) as { errors?: { code?: string; message?: string }[] }).errors ?? [];
    if (errors.length > 0) return errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // not JSON: fall through
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 300);
}
