/**
 * A typed client of MeshAgent's accounts REST API: the calls meshagent-ship needs, with the headers the SDK sends
 * (Authorization: Bearer <key>, Consistency) and zod-checked answers. The API key and every token it receives are
 * handed to `mask` the moment they are known.
 */
import { ShipError } from '../errors.js';
import { HttpClient, HttpError, type HttpClientOptions, type HttpRequest } from '../http.js';
import {
  DeploymentConfig,
  ProjectInfo,
  ProjectRepository,
  RepositoryList,
  RepositoryToken,
  Room,
  RoomConnectAnswer,
  type CreateRepositoryRequest,
  type CreateRoomRequest,
  type RepositoryTokenRequest,
} from './wire.js';
import { shippedImage } from './image-runtime.js';
import { RenderedTemplate } from './service-template.js';
import { RoomRouteList, RouteAnswer, RouteSpec, type RouteRecord, type RouteSpecInput } from './wire-route.js';
import { CreatedService, ServiceList, ServiceRecord, dumpServiceSpec, type ServiceSpec } from './wire-service.js';

export interface MeshagentClientOptions {
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly projectId: string;
  /** Registers a secret with the runner so no log line, summary or output shows it. */
  readonly mask: (secret: string) => void;
  /** Passed to the HTTP client (retry policy, log, dispatcher, ...). */
  readonly http?: Omit<HttpClientOptions, 'baseUrl' | 'secrets'>;
}

/** Per-call overrides of the retry policy, e.g. no retry of a refused connection for a dry run's first look. */
export interface ReadOptions {
  readonly retryRefused?: boolean;
}

/** `fast` (the SDK default) or `high`, for reads that must see a write just made. */
export type Consistency = 'fast' | 'high';

const enc = encodeURIComponent;

export class MeshagentClient {
  readonly http: HttpClient;
  private readonly secrets: string[];
  private readonly project: string;

  constructor(private readonly options: MeshagentClientOptions) {
    // An offline dry run has no key: there is nothing to mask or to scrub.
    if (options.apiKey !== '') options.mask(options.apiKey);
    this.secrets = options.apiKey === '' ? [] : [options.apiKey];
    this.project = `/accounts/projects/${enc(options.projectId)}`;
    this.http = new HttpClient({ ...options.http, baseUrl: options.apiUrl, secrets: () => this.secrets });
  }

  get projectId(): string {
    return this.options.projectId;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private call(request: HttpRequest & { consistency?: Consistency }) {
    const { consistency, ...rest } = request;
    return this.http.request({
      ...rest,
      headers: { authorization: `Bearer ${this.options.apiKey}`, consistency: consistency ?? 'fast', ...rest.headers },
    });
  }

  /** A token from the API: masked before anything else can see it. */
  private remember(secret: string): void {
    this.options.mask(secret);
    this.secrets.push(secret);
  }

  // --- config and project ------------------------------------------------------------------------------------------

  async getConfig(options: ReadOptions = {}): Promise<DeploymentConfig> {
    return (await this.call({ method: 'GET', url: '/config', what: 'read the MeshAgent deployment config', ...options })).json(DeploymentConfig);
  }

  async getProject(options: ReadOptions = {}): Promise<ProjectInfo> {
    return (await this.call({ method: 'GET', url: this.project, what: 'read the project', ...options })).json(ProjectInfo);
  }

  /**
   * A service template rendered with its values and checked by the API (`POST /templates/render`, as the CLI's
   * render-template and validate-template ask). A template it refuses is the CLI's error, with the API's details.
   */
  async renderTemplate(template: string, values: Readonly<Record<string, string>>): Promise<RenderedTemplate> {
    const response = await this.call({
      method: 'POST',
      url: '/templates/render',
      json: { template, values },
      accept: [200, 400, 422],
      what: 'render the service template',
      // Rendering writes nothing: asking twice is safe.
      idempotent: true,
    });
    if (response.status !== 200) {
      const body = response.json() as { error?: { message?: unknown }; detail?: unknown };
      const details = body.error?.message ?? body.detail ?? response.text();
      throw new ShipError(
        `Invalid service template. The input is not in the correct service template format. Validation details: ${typeof details === 'string' ? details : JSON.stringify(details)}`,
        { input: 'service-template', hint: 'fix the template or its values (values, set); the details name the field' },
      );
    }
    return response.json(RenderedTemplate);
  }

  // --- registry repositories -----------------------------------------------------------------------------------

  /** The repository named `name` (the part after the project key), or undefined. */
  async findRepository(name: string, consistency?: Consistency): Promise<ProjectRepository | undefined> {
    const response = await this.call({
      method: 'GET',
      url: `${this.project}/repositories/by-name/${enc(name)}`,
      accept: [200, 404],
      consistency,
      what: `look up registry repository ${name}`,
    });
    return response.status === 404 ? undefined : response.json(ProjectRepository);
  }

  /** Every repository, following continuation tokens (the CLI reads only the first page). */
  async listRepositories(): Promise<ProjectRepository[]> {
    const all: ProjectRepository[] = [];
    let token: string | undefined;
    do {
      const page = (
        await this.call({
          method: 'GET',
          url: `${this.project}/repositories`,
          query: { page_size: 100, continuation_token: token },
          what: 'list registry repositories',
        })
      ).json(RepositoryList);
      all.push(...page.repositories);
      token = page.continuation_token ?? undefined;
    } while (token);
    return all;
  }

  async createRepository(request: CreateRepositoryRequest): Promise<ProjectRepository> {
    const json = { name: request.name, description: request.description ?? '', annotations: request.annotations ?? {} };
    return (await this.call({ method: 'POST', url: `${this.project}/repositories`, json, what: `create registry repository ${request.name}` })).json(
      ProjectRepository,
    );
  }

  /** A short-lived registry credential for one repository (user `meshagent`, this token as password). */
  async createRepositoryToken(repositoryId: string, request: RepositoryTokenRequest): Promise<RepositoryToken> {
    const response = await this.call({
      method: 'POST',
      url: `${this.project}/repositories/${enc(repositoryId)}/token`,
      json: { actions: [...new Set(request.actions)], expires_in_seconds: request.expires_in_seconds },
      what: 'mint a registry repository token',
      // Another short-lived token: asking twice is harmless.
      idempotent: true,
    });
    // Masked before parsing, so even a schema error cannot print it.
    const raw = response.json() as { token?: unknown };
    if (typeof raw.token === 'string') this.remember(raw.token);
    return response.json(RepositoryToken);
  }

  // --- rooms ---------------------------------------------------------------------------------------------------------

  async getRoom(name: string): Promise<Room | undefined> {
    const response = await this.call({ method: 'GET', url: `${this.project}/rooms/${enc(name)}`, accept: [200, 404], what: `look up room ${name}` });
    return response.status === 404 ? undefined : response.json(Room);
  }

  async createRoom(request: CreateRoomRequest): Promise<Room> {
    const json = {
      name: request.name,
      if_not_exists: request.if_not_exists ?? false,
      metadata: request.metadata ?? null,
      annotations: request.annotations ?? null,
      permissions: request.permissions ?? null,
    };
    return (await this.call({ method: 'POST', url: `${this.project}/rooms`, json, what: `create room ${request.name}` })).json(Room);
  }

  /** Deletes a room by its id (client.py `delete_room`); one already gone (404) counts as deleted. */
  async deleteRoom(room: Room): Promise<void> {
    await this.call({ method: 'DELETE', url: `${this.project}/rooms/${enc(room.id)}`, accept: [200, 204, 404], what: `delete room ${room.name}` });
  }

  /**
   * A participant token for the room and its websocket URL, as the SDKs join a room. The token is masked before
   * anything else sees it. A room that does not exist is the CLI's error.
   */
  async connectRoom(room: string): Promise<{ url: string; jwt: string }> {
    const response = await this.call({
      method: 'POST',
      url: `${this.project}/rooms/${enc(room)}/connect`,
      json: {},
      accept: [200, 404],
      what: `connect to room ${room}`,
      // A participant token more is harmless: asking twice is safe.
      idempotent: true,
    });
    if (response.status === 404) {
      throw new ShipError(`Room does not exist: ${room}`, {
        input: 'room',
        hint: `Create it first with 'meshagent rooms create ${room} --if-not-exists', or set create-room: true, then retry deploy.`,
      });
    }
    const raw = response.json() as { jwt?: unknown };
    if (typeof raw.jwt === 'string') this.remember(raw.jwt);
    const answer = response.json(RoomConnectAnswer);
    return { url: answer.room_url, jwt: answer.jwt };
  }

  /** Every credential this client knows (the API key, the tokens it was given), to hide in text from elsewhere. */
  knownSecrets(): readonly string[] {
    return this.secrets;
  }

  // --- room services -------------------------------------------------------------------------------------------------

  private services(room: string): string {
    return `${this.project}/rooms/${enc(room)}/services`;
  }

  async listServices(room: string, consistency?: Consistency): Promise<ServiceRecord[]> {
    return (await this.call({ method: 'GET', url: this.services(room), consistency, what: `list the services of room ${room}` })).json(ServiceList).services;
  }

  async findService(room: string, name: string, consistency?: Consistency): Promise<ServiceRecord | undefined> {
    const response = await this.call({
      method: 'GET',
      url: `${this.services(room)}/by-name/${enc(name)}`,
      accept: [200, 404],
      consistency,
      what: `look up service ${name}`,
    });
    return response.status === 404 ? undefined : response.json(ServiceRecord);
  }

  /**
   * The image the room's service of this name runs now, as shipped (for a runtime-label image, the one mounted for
   * its runtime); undefined when there is no such service.
   */
  async serviceImage(room: string, name: string): Promise<string | undefined> {
    const service = await this.findService(room, name);
    // Records are read leniently (ServiceRecord types only id and metadata), so the container is looked at here.
    return service === undefined ? undefined : shippedImage(service as Parameters<typeof shippedImage>[0]);
  }

  async getService(room: string, id: string): Promise<ServiceRecord> {
    return (await this.call({ method: 'GET', url: `${this.services(room)}/${enc(id)}`, what: `read service ${id}` })).json(ServiceRecord);
  }

  /**
   * Creates a service. The body is the spec as the SDK sends it (`model_dump(exclude_none=True, exclude={"id"})`):
   * defaults filled, no `id`, no null. Returns the new id.
   */
  async createService(room: string, spec: ServiceSpec): Promise<string> {
    const { id: _id, ...rest } = dumpServiceSpec(spec);
    const json = withoutNulls(rest);
    return (
      await this.call({ method: 'POST', url: this.services(room), json, what: `create service ${spec.metadata.name}`, secrets: environmentValues(spec) })
    ).json(CreatedService).id;
  }

  /** Replaces a service. The body is the spec as the SDK sends it (`model_dump()`): every field, nulls included, and the id. */
  async updateService(room: string, id: string, spec: ServiceSpec): Promise<void> {
    const json = dumpServiceSpec({ ...spec, id });
    await this.call({
      method: 'PUT',
      url: `${this.services(room)}/${enc(id)}`,
      json,
      what: `update service ${spec.metadata.name}`,
      secrets: environmentValues(spec),
    });
  }

  /** Deletes a service; one that is already gone (404) counts as deleted. */
  async deleteService(room: string, id: string, name: string): Promise<void> {
    await this.call({ method: 'DELETE', url: `${this.services(room)}/${enc(id)}`, accept: [200, 204, 404], what: `delete service ${name}` });
  }

  // --- project services: in every room of the project, from the room's next session on ------------------------------

  /** The project's service of this name (the list, exact `metadata.name`, as the CLI finds one). */
  async findProjectService(name: string): Promise<ServiceRecord | undefined> {
    const list = (await this.call({ method: 'GET', url: `${this.project}/services`, consistency: 'high', what: 'list the project services' })).json(
      ServiceList,
    );
    return list.services.find((service) => service.metadata.name === name);
  }

  /** Creates a project service (`create_service`: the spec without id or nulls); the answer is the spec with its id. */
  async createProjectService(spec: ServiceSpec): Promise<string> {
    const { id: _id, ...rest } = dumpServiceSpec(spec);
    const json = withoutNulls(rest);
    return (await this.call({ method: 'POST', url: `${this.project}/services`, json, what: `create project service ${spec.metadata.name}` })).json(
      CreatedService,
    ).id;
  }

  /** Replaces a project service (`update_service`: every field, nulls included, and the id). */
  async updateProjectService(id: string, spec: ServiceSpec): Promise<void> {
    const json = dumpServiceSpec({ ...spec, id });
    await this.call({ method: 'PUT', url: `${this.project}/services/${enc(id)}`, json, what: `update project service ${spec.metadata.name}` });
  }

  // --- routes --------------------------------------------------------------------------------------------------------

  /** Creates a route; the body is `{spec}`, the spec as the SDK writes it (defaults filled). */
  async createRoute(spec: RouteSpecInput): Promise<void> {
    await this.call({ method: 'POST', url: `${this.project}/routes`, json: { spec: RouteSpec.parse(spec) }, what: `route ${spec.domain}` });
  }

  async getRoute(domain: string): Promise<RouteRecord | undefined> {
    const response = await this.call({ method: 'GET', url: `${this.project}/routes/${enc(domain)}`, accept: [200, 404], what: `look up route ${domain}` });
    return response.status === 404 ? undefined : response.json(RouteAnswer).route;
  }

  /** Every route of a room, paged by offset as the API pages this list. */
  async listRoomRoutes(room: string): Promise<RoomRouteList['routes']> {
    const all: RoomRouteList['routes'] = [];
    for (;;) {
      const page = (
        await this.call({
          method: 'GET',
          url: `${this.project}/rooms/${enc(room)}/routes`,
          query: { count: 100, offset: all.length },
          what: `list the routes of room ${room}`,
        })
      ).json(RoomRouteList);
      all.push(...page.routes);
      if (page.routes.length === 0 || all.length >= (page.total ?? all.length)) return all;
    }
  }

  async updateRoute(spec: RouteSpecInput): Promise<void> {
    await this.call({
      method: 'PUT',
      url: `${this.project}/routes/${enc(spec.domain)}`,
      json: { spec: RouteSpec.parse(spec) },
      what: `update route ${spec.domain}`,
    });
  }

  /** Deletes a route; one that is already gone (404) counts as deleted. */
  async deleteRoute(domain: string): Promise<void> {
    await this.call({ method: 'DELETE', url: `${this.project}/routes/${enc(domain)}`, accept: [200, 204, 404], what: `delete route ${domain}` });
  }
}

/** Drops null and undefined values, recursively: the SDK's `exclude_none` for create bodies. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutNulls(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  }
  return value;
}

/** Whether an error is the API's answer with this status. */
export function isStatus(error: unknown, status: number): error is HttpError {
  return error instanceof HttpError && error.status === status;
}

/**
 * The environment values a spec carries (a service's previous spec may hold credentials set by other means): an
 * error answer that quotes the spec back must not show them. Values shorter than 8 characters (a port, `true`, a
 * name) are no credentials, and hiding them would hide those words wherever the message says them.
 */
function environmentValues(spec: ServiceSpec): string[] {
  return (spec.container?.environment ?? []).flatMap((entry) => (entry.value && entry.value.length >= 8 ? [entry.value] : []));
}
