// The deploy stage against the MeshAgent sandbox over real HTTP: room, service create/update/merge, the create
// race, route create/update/unchanged, a domain owned by another room or service, failures that leave the running
// service as it was, and deploys that fail (or are stopped) after a write and take it back: all or nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshagentClient, type Consistency } from '../../src/meshagent/client.js';
import { DeployRolledBack, deployService, findExistingService, type DeployRequest } from '../../src/meshagent/deploy.js';
import { routeDomain } from '../../src/meshagent/route.js';
import { serviceReport } from '../../src/pipeline/result.js';
import { Stopped } from '../../src/stop.js';
import type { ImageFacts } from '../../src/meshagent/image-facts.js';
import { dumpServiceSpec, type ServiceRecord, type ServiceSpec } from '../../src/meshagent/wire-service.js';
import type { FaultRule } from '../../sandbox/faults.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import type { RetryPolicy } from '../../src/http.js';
import { serviceOptions as options } from '../helpers/service-options.js';
import { shipFailure as shipError } from '../helpers/ship-failure.js';

let sandbox: Sandbox;
const logs: string[] = [];

function client(apiKey = sandbox.apiKey, retry: Partial<RetryPolicy> = {}): MeshagentClient {
  return new MeshagentClient({
    apiUrl: sandbox.apiUrl,
    apiKey,
    projectId: sandbox.projectId,
    mask: () => {},
    http: { log: (line) => logs.push(line), sleep: async () => {}, retry: { baseDelayMs: 1, maxDelayMs: 5, ...retry } },
  });
}

/** Injects a fault into the sandbox API (sandbox/faults.ts). */
async function fault(rule: FaultRule): Promise<void> {
  const answer = await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'POST', body: JSON.stringify(rule) });
  expect(answer.status).toBe(200);
}

async function clearFaults(): Promise<void> {
  await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'DELETE' });
}

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const facts = (over: Partial<ImageFacts> = {}): ImageFacts => ({
  ref: `127.0.0.1:5000/sandbox/web@${digest('1')}`,
  tag: '127.0.0.1:5000/sandbox/web:1',
  exposedPorts: ['8080/tcp'],
  volumes: [],
  built: true,
  ...over,
});

function request(over: Partial<DeployRequest> & { room: string }): DeployRequest {
  return { client: client(), createRoom: false, serviceName: 'sandbox-web', image: facts(), options: options(), log: (line) => logs.push(line), ...over };
}

/** The service as stored in the sandbox (what a room would run). */
const stored = (room: string, name = 'sandbox-web'): ServiceSpec | undefined => sandbox.state.data.services[room]?.find((s) => s.metadata.name === name);

async function restrictedKey(permissions: string[]): Promise<string> {
  const answer = await fetch(`${sandbox.apiUrl}/_sandbox/api-keys`, { method: 'POST', body: JSON.stringify({ permissions }) });
  return ((await answer.json()) as { key: string }).key;
}

beforeAll(async () => {
  sandbox = await startSandbox({ dir: mkdtempSync(join(tmpdir(), 'deploy-test-')), registry: false });
  const api = client();
  for (const room of ['dev', 'other', 'race', 'keep', 'routes']) await api.createRoom({ name: room });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('room', () => {
  it("refuses a missing room with the CLI's words unless create-room is set", async () => {
    const error = await shipError(deployService(request({ room: 'nowhere' })));
    expect(error.message).toBe('Room does not exist: nowhere');
    expect(error.hint).toContain('meshagent rooms create nowhere --if-not-exists');
    expect(sandbox.state.data.rooms.some((r) => r.name === 'nowhere')).toBe(false);

    const deployed = await deployService(request({ room: 'fresh', createRoom: true }));
    expect(deployed.roomCreated).toBe(true);
    expect(sandbox.state.data.rooms.some((r) => r.name === 'fresh')).toBe(true);
    expect((await deployService(request({ room: 'fresh', createRoom: true }))).roomCreated).toBe(false);
  });
});

describe('service', () => {
  it('creates the service, then updates the same one by merging', async () => {
    const first = await deployService(request({ room: 'dev', options: options({ env: [{ name: 'A', value: '1' }] }) }));
    expect(first).toMatchObject({ serviceName: 'sandbox-web', created: true, domain: undefined, serviceUrl: undefined, routeAction: 'none' });
    expect(stored('dev')).toMatchObject({
      id: first.serviceId,
      metadata: { name: 'sandbox-web', annotations: { 'meshagent.service.id': 'sandbox-web' } },
      container: { image: facts().ref, environment: [{ name: 'A', value: '1' }] },
      ports: [{ num: 8080, published: true, liveness: '/' }],
    });

    // Someone set a description and a command on the running service; a re-deploy keeps them and the env.
    const service = stored('dev');
    if (!service?.container) throw new Error('no service');
    service.metadata.description = 'set in the studio';
    service.container.command = 'web --serve';
    const second = await deployService(request({ room: 'dev', image: facts({ ref: `127.0.0.1:5000/sandbox/web@${digest('2')}` }) }));
    expect(second).toMatchObject({ serviceId: first.serviceId, created: false });
    expect(stored('dev')).toMatchObject({
      id: first.serviceId,
      metadata: { description: 'set in the studio' },
      container: { image: `127.0.0.1:5000/sandbox/web@${digest('2')}`, command: 'web --serve', environment: [{ name: 'A', value: '1' }] },
    });
    expect(sandbox.state.data.services.dev?.filter((s) => s.metadata.name === 'sandbox-web')).toHaveLength(1);
  });

  it('on 409 at create (another deploy won the race) reads the winner back and updates it', async () => {
    // A client whose first look-up is stale: the service is created by someone else right after it.
    class StaleClient extends MeshagentClient {
      private stale = true;
      override async listServices(room: string, consistency?: Consistency): Promise<ServiceRecord[]> {
        if (this.stale) {
          this.stale = false;
          await client().createService(room, {
            version: 'v1',
            kind: 'Service',
            enabled: true,
            metadata: { name: 'sandbox-web', description: 'winner' },
            container: { image: 'x', private: true },
          });
          return [];
        }
        return super.listServices(room, consistency);
      }
    }
    const stale = new StaleClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
    const deployed = await deployService(request({ room: 'race', client: stale }));
    expect(deployed.created).toBe(false);
    expect(sandbox.state.data.services.race).toHaveLength(1);
    expect(stored('race')).toMatchObject({ id: deployed.serviceId, metadata: { description: 'winner' }, container: { image: facts().ref } });
  });

  it('leaves the running service untouched when the new spec is refused or the API key may not write', async () => {
    await deployService(request({ room: 'keep' }));
    const before = JSON.stringify(stored('keep'));

    const reserved = await shipError(deployService(request({ room: 'keep', options: options({ ports: [{ num: 8078, type: 'http' }] }) })));
    expect(reserved.message).toContain('reserved MeshAgent room infrastructure port 8078');
    const volume = await shipError(deployService(request({ room: 'keep', image: facts({ volumes: ['/state'] }) })));
    expect(volume.message).toContain('VOLUME path /state');
    const readOnlyKey = await restrictedKey([]);
    const forbidden = await shipError(deployService(request({ room: 'keep', client: client(readOnlyKey), image: facts({ ref: `x@${digest('9')}` }) })));
    expect(forbidden.message).toContain('403');

    expect(JSON.stringify(stored('keep'))).toBe(before);
  });

  it('an update conflict (409) or a 503 storm fails with the API answer and leaves the running service as it was', async () => {
    await deployService(request({ room: 'keep', serviceName: 'stormy' }));
    const before = JSON.stringify(stored('keep', 'stormy'));
    const fault = (rule: object) => fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'POST', body: JSON.stringify(rule) });

    await fault({ method: 'PUT', path: '/services/', status: 409, count: 1 });
    const conflict = await shipError(deployService(request({ room: 'keep', serviceName: 'stormy', image: facts({ ref: `x@${digest('3')}` }) })));
    expect(conflict.message).toContain('update service stormy failed: 409');
    expect(JSON.stringify(stored('keep', 'stormy'))).toBe(before);

    await fault({ method: 'PUT', path: '/services/', status: 503, count: 50 });
    const storm = await shipError(deployService(request({ room: 'keep', serviceName: 'stormy', image: facts({ ref: `x@${digest('4')}` }) })));
    expect(storm.message).toMatch(/update service stormy failed: 503.*gave up after \d+ retries/s);
    expect(JSON.stringify(stored('keep', 'stormy'))).toBe(before);
    await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'DELETE' });

    // A short storm is ridden out by the retries, and the deploy lands.
    await fault({ method: 'PUT', path: '/services/', status: 503, count: 2 });
    await deployService(request({ room: 'keep', serviceName: 'stormy', image: facts({ ref: `x@${digest('5')}` }) }));
    expect(stored('keep', 'stormy')?.container?.image).toBe(`x@${digest('5')}`);
  });

  it('sends a token preset without nulls on create and with them on update, as the SDK serialises each', async () => {
    const withToken = request({ room: 'dev', serviceName: 'tokened', options: options({ meshagentToken: { preset: 'agentDefault' } }) });
    await deployService(withToken);
    const created = stored('dev', 'tokened')?.container?.environment?.[0]?.token?.api;
    expect(created).toMatchObject({ livekit: {}, queues: { list: true }, llm: {}, services: { list: true } });
    expect(created).not.toHaveProperty('admin');
    await deployService(withToken);
    const updated = stored('dev', 'tokened')?.container?.environment?.[0]?.token?.api;
    expect(updated).toMatchObject({ livekit: { breakout_rooms: null }, admin: null, secrets: null, tunnels: null });
  });

  it('refuses to update a service whose spec has fields it does not know, leaving it as it was', async () => {
    const api = client();
    await api.createService('dev', { version: 'v1', kind: 'Service', enabled: true, metadata: { name: 'future' }, container: { image: 'x', private: true } });
    const service = stored('dev', 'future') as ServiceSpec & { replicas?: number };
    service.replicas = 3;
    const before = JSON.stringify(service);
    const error = await shipError(deployService(request({ room: 'dev', serviceName: 'future' })));
    expect(error.message).toContain('existing service future has a spec meshagent-ship cannot update');
    expect(JSON.stringify(stored('dev', 'future'))).toBe(before);
    expect(await findExistingService(api, 'dev', 'nothing')).toBeUndefined();
  });
});

describe('domain', () => {
  it('routes the domain to the published port; a re-deploy finds it unchanged; a new port updates it', async () => {
    const first = await deployService(request({ room: 'routes', options: options({ domain: 'web.sandbox.test' }) }));
    expect(first).toMatchObject({ routeAction: 'created', domainSource: 'input', domain: 'web.sandbox.test', serviceUrl: 'https://web.sandbox.test' });
    const route = () => sandbox.state.data.routes.find((r) => r.domain === 'web.sandbox.test');
    expect(route()).toMatchObject({
      metadata: { name: 'web.sandbox.test', annotations: { 'meshagent.service.id': 'sandbox-web' } },
      backend: { room: { name: 'routes' } },
      paths: [{ path: '/', targetPort: '8080' }],
    });

    const again = await deployService(request({ room: 'routes', options: options({ domain: 'web.sandbox.test' }) }));
    expect(again.routeAction).toBe('unchanged');
    expect(logs).toContain('Route already configured: web.sandbox.test -> routes:8080');

    const moved = await deployService(request({ room: 'routes', options: options({ domain: 'web.sandbox.test', ports: [{ num: 9090, type: 'http' }] }) }));
    expect(moved.routeAction).toBe('updated');
    expect(route()?.paths).toEqual([{ path: '/', pathType: 'prefix', targetPort: '9090' }]);
  });

  it('keeps other annotations on the route and adds the service id when updating', async () => {
    await client().createRoute({
      metadata: { name: 'ops-route', annotations: { owner: 'ops' } },
      domain: 'keep.sandbox.test',
      backend: { room: { name: 'routes' } },
      paths: [{ path: '/', targetPort: '1' }],
    });
    expect(await routeDomain(client(), { domain: 'keep.sandbox.test', room: 'routes', serviceName: 'sandbox-web', port: 1 })).toBe('updated');
    // The PUT is the CLI's own route spec (named after the domain) with the merged annotations.
    expect(sandbox.state.data.routes.find((r) => r.domain === 'keep.sandbox.test')?.metadata).toEqual({
      name: 'keep.sandbox.test',
      annotations: { owner: 'ops', 'meshagent.service.id': 'sandbox-web' },
    });
  });

  it("reports the service's existing route on a re-deploy without a domain", async () => {
    const deployed = await deployService(request({ room: 'routes' }));
    expect(deployed).toMatchObject({
      created: false,
      routeAction: 'unchanged',
      domainSource: 'existing-route',
      domain: 'web.sandbox.test',
      serviceUrl: 'https://web.sandbox.test',
    });
    expect(serviceReport(deployed, 'routes')).toEqual({
      id: deployed.serviceId,
      name: 'sandbox-web',
      room: 'routes',
      created: false,
      domain: 'web.sandbox.test',
      url: 'https://web.sandbox.test',
      route: 'unchanged',
      rollback: null,
    });
  });

  it('on a re-deploy without a domain, moves the reused route to the service port (the CLI upserts it)', async () => {
    const api = client();
    const stale = sandbox.state.data.routes.find((r) => r.domain === 'web.sandbox.test');
    if (!stale) throw new Error('no route');
    await api.updateRoute({ ...stale, paths: [{ path: '/', targetPort: '1' }] });
    const deployed = await deployService(request({ room: 'routes' }));
    expect(deployed).toMatchObject({ routeAction: 'updated', domainSource: 'existing-route', domain: 'web.sandbox.test' });
    expect(sandbox.state.data.routes.find((r) => r.domain === 'web.sandbox.test')?.paths).toEqual([{ path: '/', pathType: 'prefix', targetPort: '9090' }]);
  });

  it('reuses no route when the image brings no ports, as the CLI needs Dockerfile ports for it', async () => {
    const before = JSON.stringify(sandbox.state.data.routes);
    const deployed = await deployService(request({ room: 'routes', image: facts({ exposedPorts: [] }) }));
    expect(deployed).toMatchObject({ routeAction: 'none', domain: undefined, domainSource: undefined });
    expect(JSON.stringify(sandbox.state.data.routes)).toBe(before);
  });

  it('finds a route configured when its path and port match, whatever its pathType or stripPrefix (the CLI compares only those)', async () => {
    await client().createRoute({
      metadata: { name: 'exact.sandbox.test', annotations: { 'meshagent.service.id': 'sandbox-web' } },
      domain: 'exact.sandbox.test',
      backend: { room: { name: 'routes' } },
      paths: [{ path: '/', pathType: 'exact', stripPrefix: true, targetPort: 8080 }],
    });
    expect(await routeDomain(client(), { domain: 'exact.sandbox.test', room: 'routes', serviceName: 'sandbox-web', port: 8080 })).toBe('unchanged');
  });

  it('routes extra paths on the domain as the CLI does: / to the one port no extra path names, then each path to its target', async () => {
    logs.length = 0;
    const extraPorts = [
      { target: 3001, path: '/messages' },
      { target: 'extra-web:8080', path: '/api' },
      { target: 'assistant', path: '/chat' },
    ];
    const deployed = await deployService(
      request({
        room: 'routes',
        serviceName: 'extra-web',
        options: options({
          domain: 'extra.sandbox.test',
          ports: [
            { num: 8080, type: 'http' },
            { num: 3001, type: 'http' },
          ],
          extraPorts,
        }),
      }),
    );
    expect(deployed.routeAction).toBe('created');
    expect(sandbox.state.data.routes.find((r) => r.domain === 'extra.sandbox.test')?.paths).toEqual([
      { path: '/', pathType: 'prefix', targetPort: '8080' },
      { path: '/messages', pathType: 'prefix', targetPort: 3001 },
      { path: '/api', pathType: 'prefix', targetPort: 'extra-web:8080' },
      { path: '/chat', pathType: 'prefix', targetPort: 'assistant' },
    ]);
    // This service publishes 3001 and 8080 once deployed; no service of the room is called assistant.
    expect(logs.filter((line) => line.startsWith('Warning:'))).toEqual([
      'Warning: no service currently matches target assistant in room routes; route path /chat may not resolve.',
    ]);
    // Again: the paths match, nothing to write.
    const again = await deployService(
      request({
        room: 'routes',
        serviceName: 'extra-web',
        options: options({
          domain: 'extra.sandbox.test',
          ports: [
            { num: 8080, type: 'http' },
            { num: 3001, type: 'http' },
          ],
          extraPorts,
        }),
      }),
    );
    expect(again.routeAction).toBe('unchanged');
    // Without the extra paths, the route is updated to / alone; with two ports and no extra path naming one, / has no single port.
    const error = await shipError(
      deployService(
        request({
          room: 'routes',
          serviceName: 'extra-web',
          options: options({
            domain: 'extra.sandbox.test',
            ports: [
              { num: 8080, type: 'http' },
              { num: 3001, type: 'http' },
            ],
          }),
        }),
      ),
    );
    expect(error.message).toBe('domain requires exactly one published service port; the service has multiple published ports');
  });

  it('reads a route stored before RouteSpec (answered flat) and routes it as any other, in any case of its domain', async () => {
    const legacy = (domain: string, port: string) =>
      fetch(`${sandbox.apiUrl}/_sandbox/legacy-routes`, {
        method: 'POST',
        body: JSON.stringify({ domain, room_name: 'routes', port, annotations: { 'meshagent.service.id': 'sandbox-web' } }),
      });
    expect((await legacy('old.sandbox.test', '8080')).status).toBe(200);
    expect(
      await (
        await fetch(`${sandbox.apiUrl}/accounts/projects/${sandbox.projectId}/routes/old.sandbox.test`, {
          headers: { authorization: `Bearer ${sandbox.apiKey}` },
        })
      ).json(),
    ).toEqual({
      route: { domain: 'old.sandbox.test', room_name: 'routes', port: '8080', annotations: { 'meshagent.service.id': 'sandbox-web' } },
    });
    expect(await routeDomain(client(), { domain: 'Old.Sandbox.Test', room: 'routes', serviceName: 'sandbox-web', port: 8080 })).toBe('unchanged');
    // Another port: the route is written back as the SDK writes a spec.
    expect(await routeDomain(client(), { domain: 'old.sandbox.test', room: 'routes', serviceName: 'sandbox-web', port: 9090 })).toBe('updated');
    expect(sandbox.state.data.routes.find((r) => r.domain === 'old.sandbox.test')?.paths).toEqual([{ path: '/', pathType: 'prefix', targetPort: '9090' }]);
    // A legacy route of another room is refused with the CLI's words, as a spec one is.
    await fetch(`${sandbox.apiUrl}/_sandbox/legacy-routes`, {
      method: 'POST',
      body: JSON.stringify({ domain: 'older.sandbox.test', room_name: 'other', port: 80 }),
    });
    const error = await shipError(routeDomain(client(), { domain: 'older.sandbox.test', room: 'routes', serviceName: 'sandbox-web', port: 8080 }));
    expect(error.message).toBe('domain older.sandbox.test already routes to room other. Refusing to change it to room routes.');
  });

  it('never steals a domain routed to another room (CLI text), and changes nothing before refusing', async () => {
    await client().createRoute({
      metadata: { name: 'taken.sandbox.test' },
      domain: 'taken.sandbox.test',
      backend: { room: { name: 'other' } },
      paths: [{ path: '/', targetPort: '80' }],
    });
    const routesBefore = JSON.stringify(sandbox.state.data.routes);
    const error = await shipError(
      deployService(request({ room: 'dev', options: options({ domain: 'taken.sandbox.test' }), image: facts({ ref: `x@${digest('7')}` }) })),
    );
    expect(error.message).toBe('domain taken.sandbox.test already routes to room other. Refusing to change it to room dev.');
    expect(stored('dev')?.container?.image).not.toBe(`x@${digest('7')}`);
    expect(JSON.stringify(sandbox.state.data.routes)).toBe(routesBefore);
    // routeDomain on its own refuses too (the conflict found after its 409).
    const direct = await shipError(routeDomain(client(), { domain: 'taken.sandbox.test', room: 'dev', serviceName: 'sandbox-web', port: 80 }));
    expect(direct.message).toBe('domain taken.sandbox.test already routes to room other. Refusing to change it to room dev.');
  });

  it('needs exactly one published port for a domain, before writing anything', async () => {
    const error = await shipError(
      deployService(request({ room: 'dev', serviceName: 'portless', image: facts({ exposedPorts: [] }), options: options({ domain: 'none.sandbox.test' }) })),
    );
    expect(error.message).toBe('domain requires exactly one published service port; the service has none');
    expect(stored('dev', 'portless')).toBeUndefined();
  });
});

describe('all or nothing', () => {
  const api = () => client();
  /**
   * The service as the API answers it now, read as its model (the update that restores it sends every field, nulls
   * included; the create that made it left the nulls out).
   */
  const read = async (room: string, name = 'sandbox-web') => {
    const found = (await api().findService(room, name)) as ServiceSpec | undefined;
    return found && dumpServiceSpec(found);
  };
  const readRoute = async (domain: string) => api().getRoute(domain);
  const moved = (ref: string) => ({ image: facts({ ref }), options: options({ domain: 'undo.sandbox.test', ports: [{ num: 9090, type: 'http' as const }] }) });

  beforeAll(async () => {
    for (const room of ['undo', 'fresh-undo', 'stop']) await api().createRoom({ name: room });
    // A service with its domain routed to port 8080: a deploy that moves it to 9090 updates the service, then the route.
    await deployService(request({ room: 'undo', options: options({ domain: 'undo.sandbox.test' }) }));
    await deployService(request({ room: 'stop', options: options({ domain: 'stop.sandbox.test' }) }));
  });

  it('a 500 on the route update after the service update puts the previous spec back, and says so', async () => {
    const before = await read('undo');
    const routeBefore = await readRoute('undo.sandbox.test');
    await fault({ method: 'PUT', path: '^/accounts/projects/[^/]+/routes/', status: 500, count: 1 });
    const error = await shipError(deployService(request({ room: 'undo', ...moved(`x@${digest('a')}`) })));
    await clearFaults();
    expect(await read('undo')).toEqual(before);
    expect(await readRoute('undo.sandbox.test')).toEqual(routeBefore);
    expect(error).toBeInstanceOf(DeployRolledBack);
    expect(error.message).toMatch(
      /^update route undo\.sandbox\.test failed: 500 Internal Server Error.*; rolled back: route undo\.sandbox\.test was restored to the spec it had before; service sandbox-web was restored to the spec it had before$/,
    );
    expect(error.hint).toMatch(/^nothing this deploy wrote is left; /);
    expect((error as DeployRolledBack).report).toMatchObject({ id: before?.id, name: 'sandbox-web', created: false, rollback: 'restored' });
  });

  it('a 500 on the route create of a new domain leaves no new service behind', async () => {
    await fault({ method: 'POST', path: '^/accounts/projects/[^/]+/routes$', status: 500, count: 1 });
    const error = await shipError(deployService(request({ room: 'fresh-undo', serviceName: 'fresh-web', options: options({ domain: 'fresh.sandbox.test' }) })));
    await clearFaults();
    expect(error.message).toContain('route fresh.sandbox.test failed: 500');
    expect(await read('fresh-undo', 'fresh-web')).toBeUndefined();
    expect(await readRoute('fresh.sandbox.test')).toBeUndefined();
  });

  it('a route update failing after a new service was created deletes that service', async () => {
    // A route of the room, set by hand on another port and naming no service: a new service's deploy updates it.
    await api().createRoute({
      metadata: { name: 'adopt.sandbox.test', annotations: {} },
      domain: 'adopt.sandbox.test',
      backend: { room: { name: 'fresh-undo' } },
      paths: [{ path: '/', targetPort: '1' }],
    });
    const routeBefore = await readRoute('adopt.sandbox.test');
    await fault({ method: 'PUT', path: '^/accounts/projects/[^/]+/routes/', status: 500, count: 1 });
    const error = await shipError(deployService(request({ room: 'fresh-undo', serviceName: 'adopt-web', options: options({ domain: 'adopt.sandbox.test' }) })));
    await clearFaults();
    expect(error.message).toMatch(
      /; rolled back: route adopt\.sandbox\.test was restored to the spec it had before; service adopt-web, created by this deploy, was deleted$/,
    );
    expect((error as DeployRolledBack).report).toMatchObject({ created: true, rollback: 'removed' });
    expect(await read('fresh-undo', 'adopt-web')).toBeUndefined();
    expect(await readRoute('adopt.sandbox.test')).toEqual(routeBefore);
  });

  it('the API going away between the service PUT and the route: the service is put back once it answers again', async () => {
    const before = await read('undo');
    // Every request after the service PUT has its connection reset, three times: all the route update's attempts.
    await fault({ path: '.*', reset: true, count: 3, after: { method: 'PUT', path: '/rooms/undo/services/' } });
    const error = await shipError(deployService(request({ room: 'undo', client: client(sandbox.apiKey, { maxAttempts: 3 }), ...moved(`x@${digest('b')}`) })));
    await clearFaults();
    expect(await read('undo')).toEqual(before);
    expect(error.message).toMatch(
      /^update route undo\.sandbox\.test failed: .*gave up after 2 retries.*; rolled back: route undo\.sandbox\.test was restored to the spec it had before; service sandbox-web was restored to the spec it had before$/,
    );
  });

  it('the API gone for good: the error says loudly what is left half-done and what to do; shipping again completes it', async () => {
    const before = await read('undo');
    await fault({ path: '.*', reset: true, count: 1000, after: { method: 'PUT', path: '/rooms/undo/services/' } });
    const error = await shipError(deployService(request({ room: 'undo', client: client(sandbox.apiKey, { maxAttempts: 2 }), ...moved(`x@${digest('c')}`) })));
    await clearFaults();
    expect(error.message).toMatch(
      /^update route undo\.sandbox\.test failed: .*; ROLLBACK FAILED, the deploy is left half-done: route undo\.sandbox\.test may point at a port the restored service sandbox-web does not publish \(taking it back failed: .*\); service sandbox-web \([-0-9a-f]+\) may run the new spec without the rest of the deploy \(taking it back failed: (update service sandbox-web|list the services of room undo) failed: /,
    );
    expect(error.hint).toBe(
      `put it right by hand: ship again once the API answers, which routes the domain to the service's port; ship again once the API answers (a ship that completes writes the service and its route together), or ship the image it ran before (image: ${before?.container?.image}) to go back`,
    );
    expect((error as DeployRolledBack).report.rollback).toBe('failed');
    expect((await read('undo'))?.container?.image).toBe(`x@${digest('c')}`);

    // As the hint says: the same deploy again completes it.
    const again = await deployService(request({ room: 'undo', ...moved(`x@${digest('c')}`) }));
    expect(again.routeAction).toBe('updated');
    expect((await readRoute('undo.sandbox.test'))?.spec.paths).toEqual([{ path: '/', pathType: 'prefix', targetPort: '9090' }]);
    // Back to the start for the next test.
    await deployService(
      request({
        room: 'undo',
        image: facts({ ref: before?.container?.image ?? '' }),
        options: options({ domain: 'undo.sandbox.test', ports: [{ num: 8080, type: 'http' }] }),
      }),
    );
  });

  it('a route update applied but its answer lost is taken back with the service', async () => {
    const before = await read('undo');
    const routeBefore = await readRoute('undo.sandbox.test');
    // The route PUT is applied and its answer lost; the retry of that PUT then meets a 500.
    await fault({ method: 'PUT', path: '^/accounts/projects/[^/]+/routes/', lostAnswer: true, count: 1 });
    await fault({
      method: 'PUT',
      path: '^/accounts/projects/[^/]+/routes/',
      status: 500,
      count: 1,
      after: { method: 'PUT', path: '^/accounts/projects/[^/]+/routes/' },
    });
    const error = await shipError(deployService(request({ room: 'undo', client: client(sandbox.apiKey, { maxAttempts: 2 }), ...moved(`x@${digest('e')}`) })));
    await clearFaults();
    expect(error.message).toMatch(
      /; rolled back: route undo\.sandbox\.test was restored to the spec it had before; service sandbox-web was restored to the spec it had before$/,
    );
    expect(await read('undo')).toEqual(before);
    expect(await readRoute('undo.sandbox.test')).toEqual(routeBefore);
  });

  it('a route create whose answer was lost is not retried, and the route is removed with the rest', async () => {
    // The POST goes through, its answer is lost: a second POST would meet our own route and take it for another's.
    await fault({ method: 'POST', path: '^/accounts/projects/[^/]+/routes$', lostAnswer: true, count: 1 });
    const error = await shipError(deployService(request({ room: 'fresh-undo', options: options({ domain: 'lost.sandbox.test' }) })));
    await clearFaults();
    expect(error.message).toMatch(/^route lost\.sandbox\.test failed: .*; rolled back: route lost\.sandbox\.test, created by this deploy, was deleted$/);
    expect(await readRoute('lost.sandbox.test')).toBeUndefined();
    expect(await read('fresh-undo')).toBeUndefined();
  });

  it('a failed deploy takes back nothing that another deploy wrote after it', async () => {
    await api().createRoom({ name: 'race-undo' });
    // Deploy A's route PUT is held, then fails; meanwhile deploy B updates the same service and succeeds.
    await deployService(request({ room: 'race-undo', options: options({ domain: 'race-undo.sandbox.test' }) }));
    await fault({ method: 'PUT', path: '^/accounts/projects/[^/]+/routes/race-undo', delayMs: 1500, status: 500, count: 1 });
    const a = shipError(
      deployService(
        request({
          room: 'race-undo',
          ...{
            image: facts({ ref: `x@${digest('1')}` }),
            options: options({ domain: 'race-undo.sandbox.test', ports: [{ num: 9090, type: 'http' as const }] }),
          },
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const b = await deployService(
      request({
        room: 'race-undo',
        ...{ image: facts({ ref: `x@${digest('2')}` }), options: options({ domain: 'race-undo.sandbox.test', ports: [{ num: 9191, type: 'http' as const }] }) },
      }),
    );
    const error = await a;
    await clearFaults();
    expect(b.routeAction).toBe('updated');
    expect(error.message).toMatch(/rolled back: route race-undo\.sandbox\.test was restored to the spec it had before|left as it is/);
    expect(error.message).toContain('service sandbox-web was left as it is: another deploy changed it meanwhile');
    expect((await read('race-undo'))?.container?.image).toBe(`x@${digest('2')}`);
  });

  it('a domain routed to another service of the room is refused before anything is written', async () => {
    await api().createRoute({
      metadata: { name: 'theirs.sandbox.test', annotations: { 'meshagent.service.id': 'sandbox-other' } },
      domain: 'theirs.sandbox.test',
      backend: { room: { name: 'undo' } },
      paths: [{ path: '/', targetPort: '8080' }],
    });
    const before = await read('undo');
    const routeBefore = await readRoute('theirs.sandbox.test');
    const error = await shipError(
      deployService(request({ room: 'undo', image: facts({ ref: `x@${digest('d')}` }), options: options({ domain: 'theirs.sandbox.test' }) })),
    );
    expect(error.message).toBe(
      'domain theirs.sandbox.test already routes to service sandbox-other in room undo. Refusing to change it to service sandbox-web.',
    );
    expect(error.hint).toContain("'meshagent route delete theirs.sandbox.test'");
    expect(await read('undo')).toEqual(before);
    expect(await readRoute('theirs.sandbox.test')).toEqual(routeBefore);
  });

  it('a key that may not write routes is refused at the claim of a new domain, before the service is written', async () => {
    const servicesOnly = await restrictedKey(['services:write']);
    const error = await shipError(
      deployService(
        request({ room: 'fresh-undo', serviceName: 'noroute-web', client: client(servicesOnly), options: options({ domain: 'noroute.sandbox.test' }) }),
      ),
    );
    expect(error.message).toContain('route noroute.sandbox.test failed: 403');
    expect(await read('fresh-undo', 'noroute-web')).toBeUndefined();
  });

  it('a claimed route is deleted again when the service write is then refused', async () => {
    const before = await read('undo');
    await fault({ method: 'PUT', path: '/rooms/undo/services/', status: 409, count: 1 });
    const error = await shipError(
      deployService(request({ room: 'undo', image: facts({ ref: `x@${digest('e')}` }), options: options({ domain: 'second.sandbox.test' }) })),
    );
    await clearFaults();
    expect(error.message).toMatch(/^update service sandbox-web failed: 409.*; rolled back: route second\.sandbox\.test, created by this deploy, was deleted$/);
    expect((error as DeployRolledBack).report).toMatchObject({ created: null, rollback: 'removed' });
    expect(await readRoute('second.sandbox.test')).toBeUndefined();
    expect(await read('undo')).toEqual(before);
  });

  it('stopped before its first write, a deploy writes nothing', async () => {
    const before = await read('stop');
    const stop = new AbortController();
    stop.abort(new Stopped('SIGINT'));
    const error = await shipError(
      deployService(
        request({ room: 'stop', image: facts({ ref: `x@${digest('f')}` }), options: options({ domain: 'stop.sandbox.test' }), signal: stop.signal }),
      ),
    );
    expect(error.message).toBe('stopped by SIGINT');
    expect(await read('stop')).toEqual(before);
  });

  it('stopped while the service PUT is in flight: the PUT completes, then the previous spec is put back', async () => {
    const before = await read('stop');
    const routeBefore = await readRoute('stop.sandbox.test');
    const stop = new AbortController();
    let puts = 0;
    // SIGTERM arrives while the PUT is on the wire.
    class SignalDuringPut extends MeshagentClient {
      override async updateService(room: string, id: string, spec: ServiceSpec): Promise<void> {
        const writing = super.updateService(room, id, spec);
        stop.abort(new Stopped('SIGTERM'));
        await writing;
        puts += 1;
      }
    }
    const signalled = new SignalDuringPut({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
    const error = await shipError(
      deployService(
        request({
          room: 'stop',
          client: signalled,
          image: facts({ ref: `x@${digest('f')}` }),
          options: options({ domain: 'stop.sandbox.test', ports: [{ num: 9090, type: 'http' }] }),
          signal: stop.signal,
        }),
      ),
    );
    expect(error.message).toBe('stopped by SIGTERM; rolled back: service sandbox-web was restored to the spec it had before');
    expect(puts).toBe(2);
    expect(await read('stop')).toEqual(before);
    expect(await readRoute('stop.sandbox.test')).toEqual(routeBefore);
  });
});
