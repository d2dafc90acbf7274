/**
 * The sandbox's MeshAgent REST API: the endpoints meshagent-ship uses, with the upstream rules. Request bodies are
 * checked with the sandbox's own schemas (wire/), written from the upstream models and never shared with the
 * client, so a mistake in the client's schemas is caught here rather than mirrored. Unknown request fields are
 * rejected (400), names follow the API's regexes, a duplicate is 409, a missing thing 404, a key from another
 * project or without the right 403, and no key 401.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ApiError } from './api-error.js';
import { ConnectBody, connectRoom } from './room/connect.js';
import { deleteRoom, listRooms } from './rooms.js';
import type { ApiKeyRecord, Permission, SandboxState } from './state.js';
import { CreateRepositoryBody, CreateRoomBody, RepositoryTokenBody, type RepositoryRecord, type RoomRecord } from './wire/accounts.js';
import { DOMAIN_RE, ROOM_NAME_RE, normalizeRepositoryName, repositoryNameProblem } from './wire/names.js';
import { RouteBody, type RouteSpec } from './wire/route.js';
import { ServiceSpec } from './wire/service.js';

export interface ApiRequest {
  readonly method: string;
  /** Path segments, each already percent-decoded (so a by-name `a%2Fb` is one segment `a/b`). */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly consistency: string | undefined;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
}

export interface ApiAnswer {
  readonly status: number;
  readonly json: unknown;
}

export interface ApiContext {
  readonly state: SandboxState;
  readonly apiUrl: string;
  readonly registryHost: string | undefined;
  readonly pagesDomain: string;
  /** Told after a room's services changed (created, updated, deleted), so the room runtime can reconcile. */
  readonly onServicesChanged?: (room: string) => void;
}

/** Longest a repository token may live, as the server clamps the requested TTL (api registry_auth.py:315-325). */
const MAX_TOKEN_SECONDS = 24 * 3600;
/** A repository token's life when the request names none: the hour the CLI always asks for. */
const DEFAULT_TOKEN_SECONDS = 3600;

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
  throw new ApiError(400, `invalid request: ${details}`);
}

function require(key: ApiKeyRecord, permission: Permission): void {
  if (!key.permissions.includes(permission)) throw new ApiError(403, `permission denied: the API key lacks ${permission}`);
}

/** The API's own repository-name rule: trimmed, lowercased, every `/` part a valid OCI component. */
function repositoryName(name: string): string {
  const normalized = normalizeRepositoryName(name);
  const problem = repositoryNameProblem(normalized);
  if (problem !== undefined) throw new ApiError(400, problem);
  return normalized;
}

/** The template form of a service write (`{template, values}`, reference §2.6), which the sandbox does not render. */
function refuseTemplateForm(body: unknown): void {
  if (body !== null && typeof body === 'object' && 'template' in body && !('version' in body)) {
    throw new ApiError(400, 'invalid request: the sandbox does not render service templates; send a ServiceSpec');
  }
}

type Handler = (params: Record<string, string>, request: ApiRequest, key: ApiKeyRecord) => ApiAnswer;

export class SandboxApi {
  private readonly routes: { method: string; pattern: string[]; handler: Handler }[] = [];

  constructor(private readonly context: ApiContext) {
    const project = '/accounts/projects/:pid';
    this.route('GET', '/accounts/projects', () => this.ok({ projects: [this.context.state.data.project] }));
    this.route('GET', '/accounts/projects/by-key/:key', ({ key }) => {
      if (key !== this.data.project.project_key) throw new ApiError(404, 'project not found');
      return this.ok(this.data.project);
    });
    this.route('GET', project, () => this.ok(this.data.project));
    this.route('GET', `${project}/repositories`, (_, request) => this.listRepositories(request.query));
    this.route('GET', `${project}/repositories/by-name/:name`, ({ name }) => this.ok(this.repositoryByName(name ?? '')));
    this.route('GET', `${project}/repositories/:id`, ({ id }) => this.ok(this.repository(id ?? '')));
    this.route('POST', `${project}/repositories`, (_, request, key) => this.createRepository(request.body, key));
    this.route('POST', `${project}/repositories/:id/token`, ({ id }, request) => this.repositoryToken(id ?? '', request.body));
    this.route('GET', `${project}/rooms`, (_, request) => this.ok(listRooms(this.data, request.query)));
    this.route('POST', `${project}/rooms`, (_, request, key) => this.createRoom(request.body, key));
    this.route('GET', `${project}/rooms/:room`, ({ room }) => this.ok(this.room(room ?? '')));
    this.route('DELETE', `${project}/rooms/:id`, ({ id }, _, key) => {
      // The sandbox has no permission of its own for room deletion: the right to create rooms covers it.
      require(key, 'rooms:create');
      return this.servicesChanged(deleteRoom(this.data, id ?? ''), {});
    });
    this.route('POST', `${project}/rooms/:room/connect`, ({ room }, request, key) => {
      parse(ConnectBody, request.body);
      const name = this.room(room ?? '').name;
      return this.ok(connectRoom(key.key, this.data.project.id, this.context.apiUrl, name));
    });
    this.route('GET', `${project}/rooms/:room/services`, ({ room }) => this.ok({ services: this.services(room ?? '') }));
    this.route('GET', `${project}/rooms/:room/services/by-name/:name`, ({ room, name }) =>
      this.ok(this.serviceBy(room ?? '', (s) => s.metadata.name === name)),
    );
    this.route('GET', `${project}/rooms/:room/services/:id`, ({ room, id }) => this.ok(this.serviceBy(room ?? '', (s) => s.id === id)));
    this.route('POST', `${project}/rooms/:room/services`, ({ room }, request, key) => this.createService(room ?? '', request.body, key));
    this.route('PUT', `${project}/rooms/:room/services/:id`, ({ room, id }, request, key) => this.updateService(room ?? '', id ?? '', request.body, key));
    this.route('DELETE', `${project}/rooms/:room/services/:id`, ({ room, id }, _, key) => this.deleteService(room ?? '', id ?? '', key));
    this.route('GET', `${project}/rooms/:room/routes`, ({ room }, request) => this.roomRoutes(room ?? '', request.query));
    this.route('POST', `${project}/routes`, (_, request, key) => this.createRoute(request.body, key));
    this.route('GET', `${project}/routes/:domain`, ({ domain }) => {
      const route = this.routeFor(domain ?? '');
      return this.ok({ route: { domain: route.domain, spec: route } });
    });
    this.route('PUT', `${project}/routes/:domain`, ({ domain }, request, key) => this.updateRoute(domain ?? '', request.body, key));
    this.route('DELETE', `${project}/routes/:domain`, ({ domain }, _, key) => this.deleteRoute(domain ?? '', key));
  }

  /** Answers one request; never throws. */
  handle(request: ApiRequest): ApiAnswer {
    try {
      if (request.method === 'GET' && request.segments.length === 1 && request.segments[0] === 'config') return this.config();
      const key = this.authenticate(request);
      if (request.consistency !== undefined && request.consistency !== 'fast' && request.consistency !== 'high') {
        throw new ApiError(400, "consistency must be 'fast' or 'high'");
      }
      for (const { method, pattern, handler } of this.routes) {
        const params = this.match(pattern, request.segments);
        if (method !== request.method || !params) continue;
        if (params.pid !== undefined && params.pid !== this.data.project.id) {
          throw new ApiError(403, 'permission denied: the API key does not belong to this project');
        }
        return handler(params, request, key);
      }
      throw new ApiError(404, 'not found');
    } catch (error) {
      if (error instanceof ApiError) return { status: error.status, json: { error: { message: error.message } } };
      throw error;
    }
  }

  private get data() {
    return this.context.state.data;
  }

  private ok(json: unknown, status = 200): ApiAnswer {
    return { status, json };
  }

  private changed(json: unknown, status = 200): ApiAnswer {
    this.context.state.save();
    return { status, json };
  }

  private servicesChanged(room: string, json: unknown): ApiAnswer {
    const answer = this.changed(json);
    this.context.onServicesChanged?.(room);
    return answer;
  }

  private route(method: string, path: string, handler: Handler): void {
    this.routes.push({ method, pattern: path.split('/').filter(Boolean), handler });
  }

  private match(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
    if (pattern.length !== segments.length) return undefined;
    const params: Record<string, string> = {};
    for (const [index, part] of pattern.entries()) {
      const segment = segments[index] ?? '';
      if (part.startsWith(':')) params[part.slice(1)] = segment;
      else if (part !== segment) return undefined;
    }
    return params;
  }

  private authenticate(request: ApiRequest): ApiKeyRecord {
    const token = request.authorization?.startsWith('Bearer ') ? request.authorization.slice(7) : undefined;
    const key = token ? this.data.apiKeys.find((k) => k.key === token) : undefined;
    if (!key) throw new ApiError(401, 'authentication required: Authorization: Bearer <api key>');
    return key;
  }

  private config(): ApiAnswer {
    const api = new URL(this.context.apiUrl).host;
    return this.ok({ domains: { api, registry: this.context.registryHost ?? null, pages: this.context.pagesDomain }, version: 'sandbox' });
  }

  // --- repositories ----------------------------------------------------------------------------------------------

  private listRepositories(query: URLSearchParams): ApiAnswer {
    const pageSize = Math.min(Math.max(Number(query.get('page_size') ?? 100) || 100, 1), 1000);
    const token = query.get('continuation_token');
    const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0) throw new ApiError(400, 'invalid continuation_token');
    const page = this.data.repositories.slice(start, start + pageSize);
    const next = start + pageSize < this.data.repositories.length ? Buffer.from(String(start + pageSize)).toString('base64url') : null;
    return this.ok({ repositories: page, total: this.data.repositories.length, continuation_token: next });
  }

  private repositoryByName(name: string): RepositoryRecord {
    const found = this.data.repositories.find((r) => r.name === normalizeRepositoryName(name));
    if (!found) throw new ApiError(404, `repository not found: ${name}`);
    return found;
  }

  private repository(id: string): RepositoryRecord {
    const found = this.data.repositories.find((r) => r.id === id);
    if (!found) throw new ApiError(404, `repository not found: ${id}`);
    return found;
  }

  private createRepository(body: unknown, key: ApiKeyRecord): ApiAnswer {
    const request = parse(CreateRepositoryBody, body);
    // The name rule belongs to the request model, so a bad name is refused before the permission is looked at.
    const name = repositoryName(request.name);
    require(key, 'repositories:create');
    if (this.data.repositories.some((r) => r.name === name)) throw new ApiError(409, `repository already exists: ${name}`);
    const repository: RepositoryRecord = {
      id: randomUUID(),
      project_id: this.data.project.id,
      name,
      description: request.description,
      annotations: request.annotations,
      created_at: new Date().toISOString(),
    };
    this.data.repositories.push(repository);
    return this.changed(repository);
  }

  private repositoryToken(id: string, body: unknown): ApiAnswer {
    const repository = this.repository(id);
    const request = parse(RepositoryTokenBody, body);
    const seconds = Math.min(request.expires_in_seconds ?? DEFAULT_TOKEN_SECONDS, MAX_TOKEN_SECONDS);
    const expiresAt = Math.floor(Date.now() / 1000) + seconds;
    const token = `sandbox-repo.${randomBytes(32).toString('base64url')}`;
    const now = Math.floor(Date.now() / 1000);
    // Expired tokens are dropped as new ones are made, so the state does not grow without bound.
    this.data.repositoryTokens = this.data.repositoryTokens.filter((t) => t.expiresAt > now);
    this.data.repositoryTokens.push({
      token,
      repository: `${this.data.project.project_key}/${repository.name}`,
      actions: request.actions,
      expiresAt,
    });
    return this.changed({ token, expires_at: new Date(expiresAt * 1000).toISOString() });
  }

  // --- rooms -----------------------------------------------------------------------------------------------------

  private room(name: string): RoomRecord {
    const found = this.data.rooms.find((r) => r.name === name);
    if (!found) throw new ApiError(404, 'room not found');
    return found;
  }

  private createRoom(body: unknown, key: ApiKeyRecord): ApiAnswer {
    const request = parse(CreateRoomBody, body);
    require(key, 'rooms:create');
    if (!ROOM_NAME_RE.test(request.name)) throw new ApiError(400, `invalid room name: ${request.name}`);
    const existing = this.data.rooms.find((r) => r.name === request.name);
    if (existing) {
      if (request.if_not_exists) return this.ok(existing);
      throw new ApiError(409, `room already exists: ${request.name}`);
    }
    const room: RoomRecord = { id: randomUUID(), name: request.name, metadata: request.metadata ?? {}, annotations: request.annotations ?? {}, enabled: true };
    this.data.rooms.push(room);
    return this.changed(room);
  }

  // --- services --------------------------------------------------------------------------------------------------

  private services(room: string): ServiceSpec[] {
    this.room(room);
    return (this.data.services[room] ??= []);
  }

  private serviceBy(room: string, test: (service: ServiceSpec) => boolean): ServiceSpec {
    const found = this.services(room).find(test);
    if (!found) throw new ApiError(404, 'service not found');
    return found;
  }

  private createService(room: string, body: unknown, key: ApiKeyRecord): ApiAnswer {
    const services = this.services(room);
    refuseTemplateForm(body);
    const spec = parse(ServiceSpec, body);
    require(key, 'services:write');
    if (spec.id) throw new ApiError(400, 'invalid request: id: a new service has no id');
    if (services.some((s) => s.metadata.name === spec.metadata.name)) throw new ApiError(409, `service name already in use: ${spec.metadata.name}`);
    const id = randomUUID();
    services.push({ ...spec, id });
    return this.servicesChanged(room, { id });
  }

  private updateService(room: string, id: string, body: unknown, key: ApiKeyRecord): ApiAnswer {
    const services = this.services(room);
    const index = services.findIndex((s) => s.id === id);
    if (index === -1) throw new ApiError(404, 'service not found');
    refuseTemplateForm(body);
    const spec = parse(ServiceSpec, body);
    require(key, 'services:write');
    // The Python SDK sends the id in the body, the TypeScript SDK's updateRoomService may leave it out.
    if (spec.id != null && spec.id !== id) throw new ApiError(400, 'invalid request: id: must equal the service id in the path');
    if (services.some((s) => s.id !== id && s.metadata.name === spec.metadata.name))
      throw new ApiError(409, `service name already in use: ${spec.metadata.name}`);
    services[index] = { ...spec, id };
    return this.servicesChanged(room, {});
  }

  private deleteService(room: string, id: string, key: ApiKeyRecord): ApiAnswer {
    const services = this.services(room);
    const index = services.findIndex((s) => s.id === id);
    if (index === -1) throw new ApiError(404, 'service not found');
    require(key, 'services:write');
    services.splice(index, 1);
    return this.servicesChanged(room, {});
  }

  // --- routes ----------------------------------------------------------------------------------------------------

  private routeFor(domain: string): RouteSpec {
    const found = this.data.routes.find((r) => r.domain === domain);
    if (!found) throw new ApiError(404, `route not found: ${domain}`);
    return found;
  }

  private checkRoute(spec: RouteSpec): void {
    if (!DOMAIN_RE.test(spec.domain)) throw new ApiError(400, `invalid domain: ${spec.domain}`);
    if (spec.backend.room) this.room(spec.backend.room.name);
  }

  private createRoute(body: unknown, key: ApiKeyRecord): ApiAnswer {
    const { spec } = parse(RouteBody, body);
    require(key, 'routes:write');
    this.checkRoute(spec);
    if (this.data.routes.some((r) => r.domain === spec.domain)) throw new ApiError(409, `route domain already in use: ${spec.domain}`);
    this.data.routes.push(spec);
    return this.changed({});
  }

  private updateRoute(domain: string, body: unknown, key: ApiKeyRecord): ApiAnswer {
    const index = this.data.routes.findIndex((r) => r.domain === domain);
    if (index === -1) throw new ApiError(404, `route not found: ${domain}`);
    const { spec } = parse(RouteBody, body);
    require(key, 'routes:write');
    if (spec.domain !== domain) throw new ApiError(400, 'invalid request: spec.domain: must equal the domain in the path');
    this.checkRoute(spec);
    this.data.routes[index] = spec;
    return this.changed({});
  }

  private deleteRoute(domain: string, key: ApiKeyRecord): ApiAnswer {
    const index = this.data.routes.findIndex((r) => r.domain === domain);
    if (index === -1) throw new ApiError(404, `route not found: ${domain}`);
    require(key, 'routes:write');
    this.data.routes.splice(index, 1);
    return this.changed({});
  }

  private roomRoutes(room: string, query: URLSearchParams): ApiAnswer {
    this.room(room);
    const all = this.data.routes.filter((r) => r.backend.room?.name === room);
    const offset = Math.max(Number(query.get('offset') ?? 0) || 0, 0);
    const count = Math.min(Math.max(Number(query.get('count') ?? 100) || 100, 1), 1000);
    return this.ok({ routes: all.slice(offset, offset + count).map((spec) => ({ domain: spec.domain, spec })), total: all.length });
  }
}
