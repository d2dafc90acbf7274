/**
 * The sandbox's routes API (reference §2.8): create, read, update and delete a route by its domain, the project's
 * routes (paged by continuation token) and a room's (paged by count and offset). A domain is a host name, so it is
 * found without case. A route may point at a room that does not exist (yet): the API's model does not tie them.
 *
 * Routes stored before RouteSpec existed are answered in their flat form, `{domain, room_name, port, annotations}`,
 * as an older MeshAgent server answers them; `storeLegacy` puts one there, as such a server would have written it.
 * The first write of the route through the API stores it as a spec.
 */
import { z } from 'zod';
import { ApiError, page, parse, requirePermission, type ApiAnswer } from './api-common.js';
import type { ApiKeyRecord, SandboxState } from './state.js';
import { stringMap } from './wire/common.js';
import { RouteBody, RouteSpec } from './wire/route.js';

/** A flat legacy route, as an older server stored it. */
const LegacyRoute = z.strictObject({
  domain: z.string().min(1),
  room_name: z.string().min(1),
  port: z.union([z.string().min(1), z.number().int().positive()]),
  annotations: stringMap.nullish(),
});

const sameDomain = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export class RouteApi {
  constructor(
    private readonly state: SandboxState,
    /** Told after a write, so the state is saved. */
    private readonly changed: (json: unknown) => ApiAnswer,
  ) {}

  private get routes(): RouteSpec[] {
    return this.state.data.routes;
  }

  private indexOf(domain: string): number {
    return this.routes.findIndex((r) => sameDomain(r.domain, domain));
  }

  private find(domain: string): RouteSpec {
    const found = this.routes[this.indexOf(domain)];
    if (!found) throw new ApiError(404, `route not found: ${domain}`);
    return found;
  }

  private isLegacy(domain: string): boolean {
    return (this.state.data.legacyRoutes ?? []).includes(domain.toLowerCase());
  }

  private forgetLegacy(domain: string): void {
    this.state.data.legacyRoutes = (this.state.data.legacyRoutes ?? []).filter((d) => d !== domain.toLowerCase());
  }

  /** A route as answered: `{domain, spec}`, or the flat form of a route stored before RouteSpec. */
  private answer(spec: RouteSpec): unknown {
    if (!this.isLegacy(spec.domain)) return { domain: spec.domain, spec };
    const path = spec.paths[0];
    return { domain: spec.domain, room_name: spec.backend.room?.name, port: path?.targetPort, annotations: spec.metadata.annotations };
  }

  get(domain: string): ApiAnswer {
    return { status: 200, json: { route: this.answer(this.find(domain)) } };
  }

  create(body: unknown, key: ApiKeyRecord): ApiAnswer {
    const { spec } = parse(RouteBody, body);
    requirePermission(key, 'routes:write');
    if (this.indexOf(spec.domain) !== -1) throw new ApiError(409, `route domain already in use: ${spec.domain}`);
    this.routes.push(spec);
    return this.changed({});
  }

  update(domain: string, body: unknown, key: ApiKeyRecord): ApiAnswer {
    const index = this.indexOf(domain);
    if (index === -1) throw new ApiError(404, `route not found: ${domain}`);
    const { spec } = parse(RouteBody, body);
    requirePermission(key, 'routes:write');
    if (!sameDomain(spec.domain, domain)) throw new ApiError(400, 'invalid request: spec.domain: must equal the domain in the path');
    this.routes[index] = spec;
    this.forgetLegacy(domain);
    return this.changed({});
  }

  delete(domain: string, key: ApiKeyRecord): ApiAnswer {
    const index = this.indexOf(domain);
    if (index === -1) throw new ApiError(404, `route not found: ${domain}`);
    requirePermission(key, 'routes:write');
    this.routes.splice(index, 1);
    this.forgetLegacy(domain);
    return this.changed({});
  }

  /** `GET …/routes?page_size=&continuation_token=&filter=`: `{routes, total, continuation_token}`. */
  list(query: URLSearchParams): ApiAnswer {
    const answer = page('routes', this.routes, query, (route) => route.domain);
    const json = answer.json as { routes: RouteSpec[] };
    return { ...answer, json: { ...json, routes: json.routes.map((route) => this.answer(route)) } };
  }

  /** `GET …/rooms/{room}/routes?count=&offset=&filter=`: `{routes, total}`, paged by offset. */
  listRoom(room: string, query: URLSearchParams): ApiAnswer {
    const filter = query.get('filter')?.trim().toLowerCase();
    const all = this.routes.filter((r) => r.backend.room?.name === room && (!filter || r.domain.toLowerCase().includes(filter)));
    const offset = Math.max(Number(query.get('offset') ?? 0) || 0, 0);
    const count = Math.min(Math.max(Number(query.get('count') ?? 100) || 100, 1), 1000);
    return { status: 200, json: { routes: all.slice(offset, offset + count).map((route) => this.answer(route)), total: all.length } };
  }

  /** Stores a route as an older server stored it, answered flat from then on (a sandbox control, not the API). */
  storeLegacy(body: unknown): ApiAnswer {
    const legacy = parse(LegacyRoute, body);
    const spec = parse(RouteSpec, legacy);
    if (this.indexOf(spec.domain) !== -1) throw new ApiError(409, `route domain already in use: ${spec.domain}`);
    this.routes.push(spec);
    this.state.data.legacyRoutes = [...(this.state.data.legacyRoutes ?? []), spec.domain.toLowerCase()];
    return this.changed({});
  }
}
