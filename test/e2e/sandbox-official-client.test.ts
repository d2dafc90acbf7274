// MeshAgent's official TypeScript client (@meshagent/meshagent, the newest on npm, 0.39.9) against the sandbox over
// real HTTP: every REST call it has for the parts the sandbox emulates (project, registry repositories, rooms, room
// services with the update with and without an id in the body, project services) must succeed, and its parsers must
// take the answers.
// 0.39.9 has no route methods yet; meshagent-ts 0.47 adds createRoute, getRoute, updateRoute, deleteRoute,
// listRoutesPage and listRoomRoutesPage, which are plain calls of the client's own request(): they are made here
// through that same request(), with the paths and bodies 0.47 sends. A route stored before RouteSpec is answered in
// its flat form, which 0.47's parseRoute reads.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

// The package's ESM build is CommonJS in an ESM folder, which Node refuses to load: its CommonJS entry works.
const sdk = createRequire(import.meta.url)('@meshagent/meshagent') as typeof import('@meshagent/meshagent');
type ServiceSpec = import('@meshagent/meshagent').ServiceSpec;

/** The client's own request(): private in its types, the one way every one of its REST methods goes. */
interface RequestOptions {
  method?: string;
  json?: unknown;
  query?: Record<string, string | number | undefined>;
  action: string;
  responseType?: 'json' | 'void';
}
type Request = (path: string, options: RequestOptions) => Promise<unknown>;

const work = mkdtempSync(join(tmpdir(), 'sandbox-official-'));
let sandbox: Sandbox;
let client: InstanceType<typeof sdk.Meshagent>;
let request: Request;
let projectId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ dir: work, registry: false });
  client = new sdk.Meshagent({ baseUrl: sandbox.apiUrl, token: sandbox.apiKey });
  request = (client as unknown as { request: Request }).request.bind(client);
  projectId = sandbox.projectId;
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

function service(name: string, image: string): ServiceSpec {
  return {
    version: 'v1',
    kind: 'Service',
    metadata: { name, annotations: { 'meshagent.service.id': name } },
    ports: [{ num: 8080, type: 'http', liveness: '/' }],
    container: { image, environment: [{ name: 'MODE', value: 'production' }] },
  };
}

/** meshagent-ts 0.47's route spec for a room's port. */
const route = (domain: string, room: string, port: string) => ({
  version: 'v1',
  kind: 'Route',
  metadata: { name: domain, annotations: { 'meshagent.service.id': 'web' } },
  domain,
  backend: { room: { name: room } },
  paths: [{ path: '/', pathType: 'prefix', targetPort: port }],
});

describe("the official TypeScript client's REST calls against the sandbox", () => {
  it('reads the project, alone and in the list', async () => {
    expect(await client.getProject(projectId)).toMatchObject({ id: projectId, project_key: sandbox.projectKey });
    expect(await client.listProjects()).toMatchObject({ projects: [{ id: projectId }] });
  });

  it('creates, reads, lists, updates and deletes a registry repository', async () => {
    const created = await client.createRepository({ projectId, name: 'team/web', description: 'site' });
    expect(created).toMatchObject({ projectId, name: 'team/web', description: 'site' });
    expect((await client.getRepository(projectId, created.id)).name).toBe('team/web');
    expect((await client.listRepositories(projectId)).map((r) => r.name)).toContain('team/web');
    const updated = await client.updateRepository({ projectId, repositoryId: created.id, name: 'team/site', annotations: { tier: 'web' } });
    expect(updated).toMatchObject({ id: created.id, name: 'team/site', description: '', annotations: { tier: 'web' } });
    await client.deleteRepository(projectId, created.id);
    expect((await client.listRepositories(projectId)).map((r) => r.name)).not.toContain('team/site');
  });

  it('creates, reads, lists, updates, connects to and deletes a room', async () => {
    const room = await client.createRoom({ projectId, name: 'official', annotations: { team: 'a' } });
    expect((await client.createRoom({ projectId, name: 'official', ifNotExists: true })).id).toBe(room.id);
    expect(await client.getRoom(projectId, 'official')).toMatchObject({ id: room.id, annotations: { team: 'a' } });
    // listRooms asks with limit/offset/order_by; the API pages with page_size/continuation_token and answers the first page.
    expect((await client.listRooms(projectId)).map((r) => r.name)).toContain('official');
    const spare = await client.createRoom({ projectId, name: 'spare' });
    await client.updateRoom(projectId, spare.id, 'spare-renamed', { metadata: { purpose: 'test' } });
    expect(await client.getRoom(projectId, 'spare-renamed')).toMatchObject({ id: spare.id, metadata: { purpose: 'test' } });
    const connection = await client.connectRoom(projectId, 'official');
    expect(connection.roomName).toBe('official');
    await client.deleteRoom(projectId, spare.id);
    expect((await client.listRooms(projectId)).map((r) => r.name)).not.toContain('spare-renamed');
  });

  it('creates, reads, lists, updates (with and without the id in the body) and deletes a room service', async () => {
    const id = await client.createRoomService(projectId, 'official', service('web', 'registry.test/sandbox/web:1'));
    const read = await client.getRoomService(projectId, 'official', id);
    expect(read).toMatchObject({ id, metadata: { name: 'web' }, container: { image: 'registry.test/sandbox/web:1', template: 'agent' } });
    expect((await client.listRoomServices(projectId, 'official')).map((s) => s.id)).toEqual([id]);
    // The spec as built, without its id: the path names the service.
    await client.updateRoomService(projectId, 'official', id, service('web', 'registry.test/sandbox/web:2'));
    expect((await client.getRoomService(projectId, 'official', id)).container?.image).toBe('registry.test/sandbox/web:2');
    // The spec as read back, its id in the body.
    await client.updateRoomService(projectId, 'official', id, { ...read, container: { ...read.container!, image: 'registry.test/sandbox/web:3' } });
    expect((await client.getRoomService(projectId, 'official', id)).container?.image).toBe('registry.test/sandbox/web:3');
    await client.deleteRoomService(projectId, 'official', id);
    expect(await client.listRoomServices(projectId, 'official')).toEqual([]);
  });

  it('creates, reads, lists, updates (with the id, as the client requires) and deletes a project service', async () => {
    const id = await client.createService(projectId, service('shared', 'registry.test/sandbox/shared:1'));
    const read = await client.getService(projectId, id);
    expect(read).toMatchObject({ id, metadata: { name: 'shared' }, container: { image: 'registry.test/sandbox/shared:1' } });
    expect((await client.listServices(projectId)).map((s) => s.id)).toEqual([id]);
    await client.updateService(projectId, id, { ...read, container: { ...read.container!, image: 'registry.test/sandbox/shared:2' } });
    expect((await client.getService(projectId, id)).container?.image).toBe('registry.test/sandbox/shared:2');
    await client.deleteService(projectId, id);
    expect(await client.listServices(projectId)).toEqual([]);
  });

  it('creates, reads, lists, updates and deletes a route (meshagent-ts 0.47 calls)', async () => {
    const domain = encodeURIComponent('Web.Official.test');
    await request(`/accounts/projects/${projectId}/routes`, {
      method: 'POST',
      json: { spec: route('Web.Official.test', 'official', '8080') },
      action: 'create route',
      responseType: 'void',
    });
    const read = (await request(`/accounts/projects/${projectId}/routes/${domain}`, { action: 'get route' })) as { route: { domain: string; spec: unknown } };
    expect(read.route).toMatchObject({ domain: 'Web.Official.test', spec: { backend: { room: { name: 'official' } } } });
    await request(`/accounts/projects/${projectId}/routes/${domain}`, {
      method: 'PUT',
      json: { spec: route('Web.Official.test', 'official', '9090') },
      action: 'update route',
      responseType: 'void',
    });
    const page = (await request(`/accounts/projects/${projectId}/routes`, { query: { page_size: 100 }, action: 'list routes' })) as {
      routes: { domain: string; spec: { paths: { targetPort: string }[] } }[];
      total: number;
      continuation_token: string | null;
    };
    expect(page).toMatchObject({ total: 1, continuation_token: null });
    expect(page.routes[0]?.spec.paths[0]?.targetPort).toBe('9090');
    const roomPage = (await request(`/accounts/projects/${projectId}/rooms/official/routes`, {
      query: { count: 100, offset: 0 },
      action: 'list room routes',
    })) as {
      routes: unknown[];
      total: number;
    };
    expect(roomPage.total).toBe(1);
    await request(`/accounts/projects/${projectId}/routes/${domain}`, { method: 'DELETE', action: 'delete route', responseType: 'void' });
    await expect(request(`/accounts/projects/${projectId}/routes/${domain}`, { action: 'get route' })).rejects.toThrow(/Status code: 404/);
  });

  it('reads a route stored before RouteSpec in its flat form, and writes it back as a spec', async () => {
    const legacy = { domain: 'old.official.test', room_name: 'official', port: '8080', annotations: { 'meshagent.service.id': 'web' } };
    const stored = await fetch(`${sandbox.apiUrl}/_sandbox/legacy-routes`, { method: 'POST', body: JSON.stringify(legacy) });
    expect(stored.status).toBe(200);
    const read = (await request(`/accounts/projects/${projectId}/routes/old.official.test`, { action: 'get route' })) as { route: unknown };
    expect(read.route).toEqual(legacy);
    await request(`/accounts/projects/${projectId}/routes/old.official.test`, {
      method: 'PUT',
      json: { spec: route('old.official.test', 'official', '8080') },
      action: 'update route',
      responseType: 'void',
    });
    expect(((await request(`/accounts/projects/${projectId}/routes/old.official.test`, { action: 'get route' })) as { route: object }).route).toHaveProperty(
      'spec',
    );
  });
});
