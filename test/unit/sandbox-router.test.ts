// The sandbox's router on its own: the Host header picks the route and the longest matching path the port; public
// ports admit anyone, private ones a participant token of the route's room; unknown domains are 404, ports nobody
// serves (or not live yet) 503. A plain HTTP server on a unix socket stands in for a container's forwarder.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueParticipantToken } from '../../sandbox/participant-token.js';
import { startRouter, type Router } from '../../sandbox/router.js';
import { SandboxState } from '../../sandbox/state.js';
import { RouteSpec } from '../../sandbox/wire/route.js';
import { ServiceSpec } from '../../sandbox/wire/service.js';

let dir: string;
let router: Router;
let backend: Server;
let apiKey: string;
let ready = true;
const socket = () => join(dir, 'svc.sock');

function route(domain: string, room: string, paths: unknown[]): RouteSpec {
  return RouteSpec.parse({ metadata: { name: domain }, domain, backend: { room: { name: room } }, paths });
}

function service(name: string, ports: unknown[]): ServiceSpec {
  return ServiceSpec.parse({ version: 'v1', kind: 'Service', id: name, metadata: { name }, ports, container: { image: 'r/x:1' } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'router-'));
  const state = new SandboxState(dir);
  apiKey = state.mainApiKey;
  state.data.rooms.push({ id: '1', name: 'dev', metadata: {}, annotations: {}, enabled: true });
  state.data.services.dev = [
    // Listed first, not running: its public port 83 must not open the running service's private 83.
    service('old', [{ num: 83, published: true, public: true }]),
    service('web', [{ num: 80, published: true, public: true }, { num: 81, published: true }, { num: 82 }, { num: 83, published: true }]),
  ];
  state.data.routes.push(
    route('web.test', 'dev', [
      { path: '/', targetPort: 80 },
      { path: '/api', targetPort: '80', stripPrefix: true },
      { path: '/exact', pathType: 'exact', targetPort: 80 },
    ]),
    route('private.test', 'dev', [{ path: '/', targetPort: 81 }]),
    route('hidden.test', 'dev', [{ path: '/', targetPort: 82 }]),
    route('mixed.test', 'dev', [{ path: '/', targetPort: 83 }]),
    route('empty.test', 'dev', [{ path: '/', targetPort: 9999 }]),
  );
  backend = createServer((req, res) => res.end(`${req.method} ${req.url} via ${req.headers['x-forwarded-host']}`));
  await new Promise<void>((resolve) => backend.listen(socket(), resolve));
  const runtime = {
    endpoint: (room: string, port: number) => (room === 'dev' && [80, 81, 82, 83].includes(port) ? { serviceId: 'web', socket: socket(), ready } : undefined),
  };
  router = await startRouter({ state, runtime });
});

afterAll(async () => {
  await router?.stop();
  await new Promise((resolve) => backend?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function get(domain: string, path = '/', headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const [host, port] = router.host.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path, headers: { host: domain, ...headers } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (text: string) => (body += text));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the router', () => {
  it('sends a public port to its container by Host header, path and query kept', async () => {
    expect(await get('web.test', '/index.html?a=1')).toMatchObject({ status: 200, body: 'GET /index.html?a=1 via web.test' });
    expect(await get('WEB.test:8080', '/')).toMatchObject({ status: 200, body: 'GET / via WEB.test:8080' });
  });

  it('takes the longest matching path, strips its prefix when asked, and honours exact paths', async () => {
    expect((await get('web.test', '/api/items')).body).toBe('GET /items via web.test');
    expect((await get('web.test', '/api')).body).toBe('GET / via web.test');
    expect((await get('web.test', '/apiary')).body).toBe('GET /apiary via web.test');
    expect((await get('web.test', '/exact')).body).toBe('GET /exact via web.test');
  });

  it('answers 404 for a domain without a route and for a port that is not published', async () => {
    expect((await get('nowhere.test')).status).toBe(404);
    expect((await get('hidden.test')).status).toBe(404);
  });

  it('asks for a participant token of the route room on a private port', async () => {
    const missing = await get('private.test');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    const token = (room: string) => issueParticipantToken(apiKey, { name: 'someone', room, role: 'user', api: {}, seconds: 3600 });
    expect((await get('private.test', '/', { authorization: `Bearer ${token('other')}` })).status).toBe(403);
    expect((await get('private.test', '/', { authorization: `Bearer ${token('dev')}.x` })).status).toBe(401);
    expect((await get('private.test', '/', { authorization: 'Bearer not-a-jwt' })).status).toBe(401);
    const expired = issueParticipantToken(apiKey, { name: 'someone', room: 'dev', role: 'user', api: {}, seconds: -1 });
    expect((await get('private.test', '/', { authorization: `Bearer ${expired}` })).status).toBe(401);
    expect(await get('private.test', '/', { authorization: `Bearer ${token('dev')}` })).toMatchObject({ status: 200, body: 'GET / via private.test' });
  });

  it("takes a port's access rules from the service that serves it, not from another that lists the port", async () => {
    expect((await get('mixed.test')).status).toBe(401);
    const token = issueParticipantToken(apiKey, { name: 'someone', room: 'dev', role: 'user', api: {}, seconds: 3600 });
    expect((await get('mixed.test', '/', { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('answers 503 while no service has the port or its container is not live', async () => {
    expect((await get('empty.test')).status).toBe(503);
    ready = false;
    try {
      const notReady = await get('web.test');
      expect(notReady.status).toBe(503);
      expect(notReady.headers['retry-after']).toBe('1');
    } finally {
      ready = true;
    }
  });
});
