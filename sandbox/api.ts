/**
 * The sandbox's MeshAgent REST API: the endpoints meshagent-ship uses, with the upstream rules. Request bodies are
 * checked with the sandbox's own schemas (wire/), written from the upstream models and never shared with the
 * client, so a mistake in the client's schemas is caught here rather than mirrored. Unknown request fields are
 * rejected (400), names follow the API's regexes, a duplicate is 409, a missing thing 404, a key from another
 * project or without the right 403, and no key 401.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError, page, parse, requirePermission as require, type ApiAnswer, type ApiRequest } from './api-common.js';
import { RouteApi } from './api-routes.js';
import { ServiceStore } from './api-services.js';
import { renderServiceTemplate } from './template-render.js';
import { TemplateBody } from './wire/template.js';
import { ConnectBody, connectRoom } from './room/connect.js';
import type { ApiKeyRecord, SandboxState } from './state.js';
import {
  CreateRepositoryBody,
  CreateRoomBody,
  RepositoryTokenBody,
  UpdateRepositoryBody,
  UpdateRoomBody,
  type RepositoryRecord,
  type RoomRecord,
} from './wire/accounts.js';
import { ROOM_NAME_RE, normalizeRepositoryName, repositoryNameProblem } from './wire/names.js';

export type { ApiAnswer, ApiRequest } from './api-common.js';

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

/** The API's own repository-name rule: trimmed, lowercased, every `/` part a valid OCI component. */
function repositoryName(name: string): string {
  const normalized = normalizeRepositoryName(name);
  const problem = repositoryNameProblem(normalized);
  if (problem !== undefined) throw new ApiError(400, problem);
  return normalized;
}

/**
 * The `Consistency` header as the SDK normalizes it (api http.py:19-26): trimmed and lowercased, `fast` or `high`.
 */
function checkConsistency(value: string | undefined): void {
  if (value === undefined) return;
  const normalized = value.trim().toLowerCase();
  if (normalized !== 'fast' && normalized !== 'high') throw new ApiError(400, "consistency must be 'fast' or 'high'");
}

type Handler = (params: Record<string, string>, request: ApiRequest, key: ApiKeyRecord) => ApiAnswer;

export class SandboxApi {
  private readonly routes: { method: string; pattern: string[]; handler: Handler }[] = [];
  private readonly domains: RouteApi;
  private readonly projectServices: ServiceStore;

  constructor(private readonly context: ApiContext) {
    this.domains = new RouteApi(context.state, (json) => this.changed(json));
    this.projectServices = new ServiceStore(
      () => (this.data.projectServices ??= []),
      (json) => this.changed(json),
      'spec',
    );
    const project = '/accounts/projects/:pid';
    // A template rendered with its values and checked, as the CLI's validate-template and render-template ask.
    this.route('POST', '/templates/render', (_, request) => {
      const { template, values } = parse(TemplateBody, request.body);
      return this.ok(renderServiceTemplate(template, values));
    });
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
    this.route('PUT', `${project}/repositories/:id`, ({ id }, request, key) => this.updateRepository(id ?? '', request.body, key));
    this.route('DELETE', `${project}/repositories/:id`, ({ id }, _, key) => this.deleteRepository(id ?? '', key));
    this.route('POST', `${project}/repositories/:id/token`, ({ id }, request) => this.repositoryToken(id ?? '', request.body));
    this.route('GET', `${project}/rooms`, (_, request) => page('rooms', this.data.rooms, request.query, (room) => room.name));
    this.route('POST', `${project}/rooms`, (_, request, key) => this.createRoom(request.body, key));
    this.route('GET', `${project}/rooms/:room`, ({ room }) => this.ok(this.room(room ?? '')));
    // Written by the room's id, read by its name (client.py update_room, delete_room, get_room).
    this.route('PUT', `${project}/rooms/:id`, ({ id }, request, key) => this.updateRoom(id ?? '', request.body, key));
    this.route('DELETE', `${project}/rooms/:id`, ({ id }, _, key) => this.deleteRoom(id ?? '', key));
    this.route('POST', `${project}/rooms/:room/connect`, ({ room }, request, key) => {
      parse(ConnectBody, request.body);
      const name = this.room(room ?? '').name;
      return this.ok(connectRoom(key.key, this.data.project.id, this.context.apiUrl, name));
    });
    const roomServices = (room: string | undefined) => this.roomServices(room ?? '');
    this.route('GET', `${project}/rooms/:room/services`, ({ room }) => this.ok({ services: roomServices(room).all() }));
    this.route('GET', `${project}/rooms/:room/services/by-name/:name`, ({ room, name }) => this.ok(roomServices(room).find((s) => s.metadata.name === name)));
    this.route('GET', `${project}/rooms/:room/services/:id`, ({ room, id }) => this.ok(roomServices(room).find((s) => s.id === id)));
    this.route('POST', `${project}/rooms/:room/services`, ({ room }, request, key) => roomServices(room).create(request.body, key));
    this.route('PUT', `${project}/rooms/:room/services/:id`, ({ room, id }, request, key) => roomServices(room).update(id ?? '', request.body, key));
    this.route('DELETE', `${project}/rooms/:room/services/:id`, ({ room, id }, _, key) => roomServices(room).delete(id ?? '', key));
    // Project services: in every room of the project, from its next session on.
    this.route('GET', `${project}/services`, () => this.ok({ services: this.projectServices.all() }));
    this.route('GET', `${project}/services/by-name/:name`, ({ name }) => this.ok(this.projectServices.find((s) => s.metadata.name === name)));
    this.route('GET', `${project}/services/:id`, ({ id }) => this.ok(this.projectServices.find((s) => s.id === id)));
    this.route('POST', `${project}/services`, (_, request, key) => this.projectServices.create(request.body, key));
    this.route('PUT', `${project}/services/:id`, ({ id }, request, key) => this.projectServices.update(id ?? '', request.body, key));
    this.route('DELETE', `${project}/services/:id`, ({ id }, _, key) => this.projectServices.delete(id ?? '', key));
    this.route('GET', `${project}/rooms/:room/routes`, ({ room }, request) => this.domains.listRoom(room ?? '', request.query));
    this.route('GET', `${project}/routes`, (_, request) => this.domains.list(request.query));
    this.route('POST', `${project}/routes`, (_, request, key) => this.domains.create(request.body, key));
    this.route('GET', `${project}/routes/:domain`, ({ domain }) => this.domains.get(domain ?? ''));
    this.route('PUT', `${project}/routes/:domain`, ({ domain }, request, key) => this.domains.update(domain ?? '', request.body, key));
    this.route('DELETE', `${project}/routes/:domain`, ({ domain }, _, key) => this.domains.delete(domain ?? '', key));
  }

  /** Stores a flat legacy route, as an older server stored it (a sandbox control for tests, not the API). */
  storeLegacyRoute(body: unknown): ApiAnswer {
    try {
      return this.domains.storeLegacy(body);
    } catch (error) {
      if (error instanceof ApiError) return { status: error.status, json: { error: { message: error.message } } };
      throw error;
    }
  }

  /** Answers one request; never throws. */
  handle(request: ApiRequest): ApiAnswer {
    try {
      if (request.method === 'GET' && request.segments.length === 1 && request.segments[0] === 'config') return this.config();
      const key = this.authenticate(request);
      checkConsistency(request.consistency);
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
    return page('repositories', this.data.repositories, query, (repository) => repository.name);
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

  /** PUT …/repositories/{id} (`UpdateProjectRepositoryRequest`: the create request's fields and name rule). */
  private updateRepository(id: string, body: unknown, key: ApiKeyRecord): ApiAnswer {
    const current = this.repository(id);
    const request = parse(UpdateRepositoryBody, body);
    const name = repositoryName(request.name);
    require(key, 'repositories:create');
    if (this.data.repositories.some((r) => r.id !== id && r.name === name)) throw new ApiError(409, `repository already exists: ${name}`);
    const repository: RepositoryRecord = { ...current, name, description: request.description, annotations: request.annotations };
    this.data.repositories[this.data.repositories.indexOf(current)] = repository;
    return this.changed(repository);
  }

  private deleteRepository(id: string, key: ApiKeyRecord): ApiAnswer {
    const current = this.repository(id);
    require(key, 'repositories:create');
    this.data.repositories.splice(this.data.repositories.indexOf(current), 1);
    return this.changed({});
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

  private roomById(id: string): RoomRecord {
    const found = this.data.rooms.find((r) => r.id === id);
    if (!found) throw new ApiError(404, 'room not found');
    return found;
  }

  /**
   * PUT …/rooms/{id}: `{name}`, and `metadata`, `annotations`, `enabled` when given. A new name takes the room's
   * services along; routes name their room and are left as they are.
   */
  private updateRoom(id: string, body: unknown, key: ApiKeyRecord): ApiAnswer {
    const current = this.roomById(id);
    const request = parse(UpdateRoomBody, body);
    require(key, 'rooms:create');
    if (!ROOM_NAME_RE.test(request.name)) throw new ApiError(400, `invalid room name: ${request.name}`);
    if (this.data.rooms.some((r) => r.id !== id && r.name === request.name)) throw new ApiError(409, `room already exists: ${request.name}`);
    const room: RoomRecord = {
      ...current,
      name: request.name,
      metadata: request.metadata ?? current.metadata,
      annotations: request.annotations ?? current.annotations,
      enabled: request.enabled ?? current.enabled,
    };
    this.data.rooms[this.data.rooms.indexOf(current)] = room;
    if (room.name !== current.name) {
      this.data.services[room.name] = this.data.services[current.name] ?? [];
      delete this.data.services[current.name];
      this.context.onServicesChanged?.(current.name);
      return this.servicesChanged(room.name, {});
    }
    return this.changed({});
  }

  /** DELETE …/rooms/{id}: the room and its services. */
  private deleteRoom(id: string, key: ApiKeyRecord): ApiAnswer {
    const current = this.roomById(id);
    require(key, 'rooms:create');
    this.data.rooms.splice(this.data.rooms.indexOf(current), 1);
    delete this.data.services[current.name];
    return this.servicesChanged(current.name, {});
  }

  // --- services --------------------------------------------------------------------------------------------------

  /** A room's services; a missing room is 404. */
  private roomServices(room: string): ServiceStore {
    return new ServiceStore(
      () => {
        this.room(room);
        return (this.data.services[room] ??= []);
      },
      (json) => this.servicesChanged(room, json),
      'id',
    );
  }
}
