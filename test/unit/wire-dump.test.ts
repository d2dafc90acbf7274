// Request bodies exactly as MeshAgent's Python SDK serialises them. service-dump.fixture.json holds the output of
// meshagent-api's own models (0.50.1, pydantic 2.13) for the inputs it lists: `ServiceSpec.model_validate(input)
// .model_dump(mode="json")` (the update body), the same with `exclude_none=True, exclude={"id"}` (the create body),
// and `RouteSpec.model_validate(input).model_dump(mode="json")` for a flat legacy route and a content route. The
// client must send those bodies byte for byte (same keys, same order, same nulls), and read those routes.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { RouteAnswer, RoomRouteList, RouteSpec } from '../../src/meshagent/wire-route.js';
import { dumpServiceSpec, type ServiceSpec } from '../../src/meshagent/wire-service.js';

interface Fixture {
  readonly input: ServiceSpec;
  readonly update: unknown;
  readonly create: unknown;
  readonly routes: Record<'legacy' | 'content', { readonly input: Record<string, unknown>; readonly dump: unknown }>;
}
const fixture = JSON.parse(readFileSync(new URL('service-dump.fixture.json', import.meta.url), 'utf8')) as Fixture;

/** A server that records each request's method, path and body text, and answers what the API answers. */
const seen: { method: string; url: string; body: string }[] = [];
let server: Server;
let client: MeshagentClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url?.includes('/routes/')) res.end(JSON.stringify({ route: fixture.routes.legacy.input }));
      else res.end(req.method === 'POST' && req.url?.endsWith('/services') ? '{"id":"svc-2"}' : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new MeshagentClient({ apiUrl: `http://127.0.0.1:${port}`, apiKey: 'ma-test', projectId: 'p1', mask: () => {} });
});

afterAll(async () => {
  await client?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('service bodies as the SDK serialises them', () => {
  it('dumps a spec as model_dump does: every field in the models order, defaults filled, nulls kept, values normalized', () => {
    const dump = dumpServiceSpec(fixture.input);
    expect(dump).toEqual(fixture.update);
    // Key order too, so the JSON is the SDK's byte for byte.
    expect(JSON.stringify(dump)).toBe(JSON.stringify(fixture.update));
  });

  it('sends the update body with every field and the id, and the create body without nulls and id', async () => {
    seen.length = 0;
    await client.updateService('dev', 'svc-1', fixture.input);
    expect(await client.createService('dev', fixture.input)).toBe('svc-2');
    const [update, create] = seen;
    expect(update).toMatchObject({ method: 'PUT', url: '/accounts/projects/p1/rooms/dev/services/svc-1' });
    expect(update?.body).toBe(JSON.stringify(fixture.update));
    expect(create).toMatchObject({ method: 'POST', url: '/accounts/projects/p1/rooms/dev/services' });
    expect(create?.body).toBe(JSON.stringify(fixture.create));
  });

  it('refuses a spec the model refuses, before sending it', async () => {
    seen.length = 0;
    const bad = { ...fixture.input, ports: [{ num: 8078 }] };
    await expect(client.updateService('dev', 'svc-1', bad)).rejects.toThrow(
      'the service spec of acme-web is not valid: ports.0.num: service port 8078 is reserved for MeshAgent room infrastructure',
    );
    expect(() => dumpServiceSpec({ ...fixture.input, agents: [{ name: 'a', mood: 'happy' } as never] })).toThrow(/agents\.0/);
    expect(() =>
      dumpServiceSpec({ ...fixture.input, ports: [{ num: 1, endpoints: [{ path: '/', mcp: { label: 'x', transport: 'sse' } as never }] }] }),
    ).toThrow(/ports\.0\.endpoints\.0\.mcp/);
    expect(seen).toEqual([]);
  });
});

describe('routes as the SDK reads and writes them', () => {
  it('reads a flat legacy route as migrate_legacy_route does', () => {
    expect(RouteSpec.parse(fixture.routes.legacy.input)).toEqual(fixture.routes.legacy.dump);
    // GET …/routes/{domain} answering the flat form, with or without `spec`.
    const read = RouteAnswer.parse({ route: fixture.routes.legacy.input }).route;
    expect(read).toEqual({ domain: 'Old.Example.com', spec: fixture.routes.legacy.dump });
    expect(RouteAnswer.parse({ route: { domain: 'Old.Example.com', spec: fixture.routes.legacy.input } }).route.spec).toEqual(fixture.routes.legacy.dump);
    // A room's list: the legacy route's annotations become its metadata's.
    const listed = RoomRouteList.parse({ routes: [fixture.routes.legacy.input], total: 1 }).routes[0];
    expect(listed?.spec?.metadata?.annotations).toEqual({ 'meshagent.service.id': 'acme-web' });
  });

  it('dumps a content route as model_dump does: CORS and content defaults, trimmed, no stripPrefix when false', () => {
    const dump = RouteSpec.parse(fixture.routes.content.input);
    expect(JSON.stringify(dump)).toBe(JSON.stringify(fixture.routes.content.dump));
    expect(RouteSpec.safeParse({ ...fixture.routes.content.input, paths: [{ path: '/', targetContent: { subpath: 'a', gzip: true } }] }).success).toBe(false);
  });

  it('reads a legacy answer from the API and writes the route back as the SDK writes it', async () => {
    seen.length = 0;
    const route = await client.getRoute('Old.Example.com');
    expect(route?.spec.backend.room?.name).toBe('dev');
    await client.updateRoute(route!.spec);
    expect(seen.at(-1)?.body).toBe(JSON.stringify({ spec: fixture.routes.legacy.dump }));
  });
});
