// The MeshAgent client against the sandbox over real HTTP, and the sandbox's registry token server against the
// real Debian registry (pushed to with skopeo).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, HttpError } from '../../src/http.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { ensureRepository } from '../../src/meshagent/repository.js';
import type { ServiceSpec } from '../../src/meshagent/wire-service.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { projectRegistryFromConfig } from '../../src/reference.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';
import { runAsync, type RunResult } from '../infra/env.js';

let sandbox: Sandbox;
let dir: string;
/** Everything any client logged or threw, to prove no secret is ever in it. */
const captured: string[] = [];
const masked = new Set<string>();
const sleeps: number[] = [];

function client(apiKey = sandbox.apiKey): MeshagentClient {
  return new MeshagentClient({
    apiUrl: sandbox.apiUrl,
    apiKey,
    projectId: sandbox.projectId,
    mask: (secret) => masked.add(secret),
    http: {
      log: (line) => captured.push(line),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    },
  });
}

/** The error a call throws, recorded for the secret check. */
async function failure(call: Promise<unknown>): Promise<HttpError> {
  try {
    await call;
  } catch (error) {
    captured.push(String(error), (error as HttpError).hint ?? '', (error as HttpError).bodySnippet ?? '');
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected the call to fail');
}

/** A raw request, for bodies the typed client would never send. */
async function raw(method: 'POST' | 'PUT' | 'GET', path: string, json?: unknown, headers: Record<string, string> = {}) {
  const http = new HttpClient({ baseUrl: sandbox.apiUrl, retry: { maxAttempts: 1 } });
  const response = await http.request({
    method,
    url: path,
    json,
    headers: { authorization: `Bearer ${sandbox.apiKey}`, ...headers },
    accept: [200, 400, 401, 403, 404, 409],
  });
  await http.close();
  return { status: response.status, message: (response.json() as { error?: { message?: string } }).error?.message ?? '' };
}

const project = () => `/accounts/projects/${sandbox.projectId}`;

function serviceSpec(name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    version: 'v1',
    kind: 'Service',
    enabled: true,
    metadata: { name, annotations: { 'meshagent.service.id': name } },
    ports: [{ num: 8080, type: 'http', published: true, liveness: '/', endpoints: [] }],
    container: { image: `${sandbox.registryHost}/sandbox/${name}@sha256:${'a'.repeat(64)}`, template: 'agent', private: true },
    ...extra,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-test-'));
  sandbox = await startSandbox({ dir });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('config and project', () => {
  it('points /config at the sandbox registry and answers the project key', async () => {
    const api = client();
    const config = await api.getConfig();
    expect(projectRegistryFromConfig(config.domains, sandbox.apiUrl)).toBe(sandbox.registryHost);
    expect((await api.getProject()).project_key).toBe('sandbox');
    expect(masked.has(sandbox.apiKey)).toBe(true);
  });

  it('rejects a missing key (401), another project (403) and a bad Consistency (400)', async () => {
    expect((await failure(client('ma-nope').getProject())).status).toBe(401);
    const other = new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: 'another-project', mask: () => {} });
    expect((await failure(other.getProject())).status).toBe(403);
    expect(await raw('GET', project(), undefined, { consistency: 'eventual' })).toEqual({ status: 400, message: "consistency must be 'fast' or 'high'" });
  });
});

describe('repositories', () => {
  it('looks up, creates, refuses duplicates and bad names, and pages the list', async () => {
    const api = client();
    expect(await api.findRepository('web')).toBeUndefined();
    const created = await api.createRepository({ name: 'web' });
    expect(created).toMatchObject({ name: 'web', project_id: sandbox.projectId });
    expect((await api.findRepository('web'))?.id).toBe(created.id);
    expect((await failure(api.createRepository({ name: 'web' }))).status).toBe(409);
    expect(await raw('POST', `${project()}/repositories`, { name: 'Bad Name' })).toEqual({
      status: 400,
      message: 'repository name must be a valid OCI repository path',
    });
    expect(await raw('POST', `${project()}/repositories`, { name: ' ' })).toEqual({ status: 400, message: 'repository name must not be empty' });
    expect((await raw('POST', `${project()}/repositories`, { name: 'x', public: true })).message).toContain('Unrecognized key');
    for (let i = 0; i < 120; i += 1) await api.createRepository({ name: `bulk-${i}` });
    const all = await api.listRepositories();
    expect(all.filter((r) => r.name.startsWith('bulk-'))).toHaveLength(120);
  });

  it('finds nested repository names through the encoded by-name path', async () => {
    const api = client();
    await api.createRepository({ name: 'team/api' });
    expect((await api.findRepository('team/api'))?.name).toBe('team/api');
  });

  it('survives 20 jobs racing to create the same repository: all succeed, one exists', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => ensureRepository(client(), 'sandbox', 'raced')));
    expect(new Set(results.map((r) => r.repository.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await client().listRepositories()).filter((r) => r.name === 'raced')).toHaveLength(1);
  });

  it("answers a 403 on create with the MeshAgent CLI's guidance", async () => {
    const { key } = (await (await fetch(`${sandbox.apiUrl}/_sandbox/api-keys`, { method: 'POST', body: '{"permissions":[]}' })).json()) as { key: string };
    captured.push(`restricted key minted`);
    masked.add(key);
    const error = await ensureRepository(client(key), 'sandbox', 'locked').then(
      () => undefined,
      (e: unknown) => e as Error & { hint?: string },
    );
    expect(error?.message).toBe(
      'the target repository does not exist in the selected project: sandbox/locked. meshagent-ship tried to create it automatically but your credentials do not have permission to create registry repositories.',
    );
    expect(error?.hint).toBe(
      `Create it with \`meshagent registry create --project-id ${sandbox.projectId} --name locked\` or inspect existing repositories with \`meshagent registry list --project-id ${sandbox.projectId}\`.`,
    );
  });

  it('mints repository tokens, masked on arrival, and checks the request', async () => {
    const api = client();
    const repository = await api.createRepository({ name: 'tokens' });
    const token = await api.createRepositoryToken(repository.id, { actions: ['pull', 'push', 'push'], expires_in_seconds: 600 });
    expect(masked.has(token.token)).toBe(true);
    expect(new Date(token.expires_at).getTime()).toBeGreaterThan(Date.now());
    expect((await raw('POST', `${project()}/repositories/${repository.id}/token`, { actions: [] })).status).toBe(400);
    expect((await raw('POST', `${project()}/repositories/${repository.id}/token`, { actions: ['delete'], expires_in_seconds: 5 })).status).toBe(400);
    expect((await raw('POST', `${project()}/repositories/${repository.id}/token`, { actions: ['pull'], expires_in_seconds: 0 })).status).toBe(400);
  });
});

describe('rooms, services and routes', () => {
  it('gets and creates rooms with the name rule and if_not_exists', async () => {
    const api = client();
    expect(await api.getRoom('dev')).toBeUndefined();
    const room = await api.createRoom({ name: 'dev' });
    expect(room.name).toBe('dev');
    expect((await api.createRoom({ name: 'dev', if_not_exists: true })).id).toBe(room.id);
    expect((await failure(api.createRoom({ name: 'dev' }))).status).toBe(409);
    expect((await failure(api.createRoom({ name: 'Dev Room' }))).status).toBe(400);
  });

  it('creates, finds, lists and updates services, with the ServiceSpec rules', async () => {
    const api = client();
    const id = await api.createService('dev', serviceSpec('sandbox-web'));
    expect((await api.findService('dev', 'sandbox-web'))?.id).toBe(id);
    expect((await api.listServices('dev')).map((s) => s.metadata.name)).toEqual(['sandbox-web']);
    expect((await failure(api.createService('dev', serviceSpec('sandbox-web')))).status).toBe(409);
    await api.updateService('dev', id, serviceSpec('sandbox-web', { enabled: false }));
    expect((await api.getService('dev', id)).enabled).toBe(false);
    expect((await failure(api.createService('missing-room', serviceSpec('x')))).status).toBe(404);
    const services = `${project()}/rooms/dev/services`;
    expect(
      (await raw('POST', services, { ...serviceSpec('bad'), container: { image: 'x', environment: [{ name: 'S', secret: { id: 's' } }] } })).message,
    ).toContain('container.run_as is required when using SecretValue');
    // The API's own text, naming the port (api specs/service.py PortSpec).
    expect((await raw('POST', services, { ...serviceSpec('bad'), ports: [{ num: 8078 }] })).message).toContain(
      'service port 8078 is reserved for MeshAgent room infrastructure; reserved ports: 8078',
    );
    expect((await raw('POST', services, { ...serviceSpec('bad'), container: { image: 'x', run_as: { email: ' ' } } })).message).toContain(
      'run_as.email must not be empty',
    );
    await api.createService(
      'dev',
      serviceSpec('run-as', { container: { image: 'x', private: true, run_as: { email: ' SA@Acme.Test', scopes: [' a ', 'a', ''] } } }),
    );
    expect(sandbox.state.data.services.dev?.find((s) => s.metadata.name === 'run-as')?.container?.run_as).toEqual({ email: 'sa@acme.test', scopes: ['a'] });
    // TokenValue is the one model without extra="forbid": an unknown field is dropped, not refused.
    expect(
      (
        await raw('POST', services, {
          ...serviceSpec('token-extra'),
          container: { image: 'x', environment: [{ name: 'T', token: { identity: 'a', ttl: 5 } }] },
        })
      ).status,
    ).toBe(200);
    expect((await raw('POST', services, { ...serviceSpec('bad'), container: { image: 'x', project: [] } })).message).toContain('Unrecognized key');
    expect((await raw('PUT', `${services}/${id}`, { ...serviceSpec('sandbox-web'), id: 'other' })).status).toBe(400);
  });

  it('routes a domain once, and updates it', async () => {
    const api = client();
    const spec = {
      metadata: { name: 'web.example.com', annotations: { 'meshagent.service.id': 'sandbox-web' } },
      domain: 'web.example.com',
      backend: { room: { name: 'dev' } },
      paths: [{ path: '/', targetPort: '8080' }],
    };
    await api.createRoute(spec);
    expect((await failure(api.createRoute(spec))).status).toBe(409);
    expect((await api.getRoute('web.example.com'))?.spec.backend.room?.name).toBe('dev');
    await api.updateRoute({ ...spec, paths: [{ path: '/', targetPort: 9090 }] });
    expect((await api.getRoute('web.example.com'))?.spec.paths[0]?.targetPort).toBe(9090);
    expect(await api.getRoute('nothing.example.com')).toBeUndefined();
    expect((await raw('POST', `${project()}/routes`, { spec: { ...spec, domain: 'x.example.com', paths: [] } })).message).toContain(
      'requires at least one path',
    );
    expect(
      (
        await raw('POST', `${project()}/routes`, {
          spec: { ...spec, domain: 'y.example.com', paths: [{ path: '/', stripPrefix: true, targetContent: { subpath: 'site' } }] },
        })
      ).message,
    ).toContain('RouteSpec content paths do not support stripPrefix');
  });

  it('deletes services and routes with the write permission; a second delete finds nothing', async () => {
    const api = client();
    const id = await api.createService('dev', serviceSpec('doomed'));
    await api.createRoute({
      metadata: { name: 'doomed.example.com' },
      domain: 'doomed.example.com',
      backend: { room: { name: 'dev' } },
      paths: [{ path: '/', targetPort: '8080' }],
    });
    const keys = await fetch(`${sandbox.apiUrl}/_sandbox/api-keys`, { method: 'POST', body: JSON.stringify({ permissions: [] }) });
    const readOnly = client(((await keys.json()) as { key: string }).key);
    expect((await failure(readOnly.deleteService('dev', id, 'doomed'))).status).toBe(403);
    expect((await failure(readOnly.deleteRoute('doomed.example.com'))).status).toBe(403);
    await api.deleteService('dev', id, 'doomed');
    await api.deleteRoute('doomed.example.com');
    expect(await api.findService('dev', 'doomed')).toBeUndefined();
    expect(await api.getRoute('doomed.example.com')).toBeUndefined();
    // Gone already counts as deleted, for the client.
    await api.deleteService('dev', id, 'doomed');
    await api.deleteRoute('doomed.example.com');
  });

  it('pages the room list with a continuation token and deletes a room by id, with its services', async () => {
    const api = client();
    for (const name of ['page-a', 'page-b', 'page-c']) await api.createRoom({ name, annotations: { 'meshagent.storage.class': 'ephemeral' } });
    const rooms: string[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ page_size: '2', ...(token ? { continuation_token: token } : {}) });
      const page = (await (await fetch(`${sandbox.apiUrl}${project()}/rooms?${query}`, { headers: { authorization: `Bearer ${sandbox.apiKey}` } })).json()) as {
        rooms: { name: string; annotations: Record<string, string> }[];
        total: number;
        continuation_token: string | null;
      };
      expect(page.rooms.length).toBeLessThanOrEqual(2);
      expect(page.total).toBe(sandbox.state.data.rooms.length);
      rooms.push(...page.rooms.map((r) => r.name));
      token = page.continuation_token ?? undefined;
    } while (token);
    expect(rooms).toEqual(sandbox.state.data.rooms.map((r) => r.name));
    expect((await raw('GET', `${project()}/rooms?continuation_token=bm9wZQ`)).status).toBe(400);

    const room = await api.getRoom('page-b');
    expect(room?.annotations).toEqual({ 'meshagent.storage.class': 'ephemeral' });
    await api.createService('page-b', serviceSpec('inside'));
    const keys = await fetch(`${sandbox.apiUrl}/_sandbox/api-keys`, { method: 'POST', body: JSON.stringify({ permissions: [] }) });
    const readOnly = client(((await keys.json()) as { key: string }).key);
    expect((await failure(readOnly.deleteRoom(room!))).status).toBe(403);
    await api.deleteRoom(room!);
    expect(await api.getRoom('page-b')).toBeUndefined();
    expect(sandbox.state.data.services['page-b']).toBeUndefined();
    // A room of the same name later starts empty; a second delete of the old id finds nothing.
    await api.createRoom({ name: 'page-b' });
    expect(await api.listServices('page-b')).toEqual([]);
    await api.deleteRoom(room!);
    expect(await api.getRoom('page-b')).toBeDefined();
  });
});

describe('retries through the sandbox faults', () => {
  async function fault(rule: object): Promise<void> {
    await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'POST', body: JSON.stringify(rule) });
  }

  it('retries 503 and 429 (honouring Retry-After) and succeeds', async () => {
    const api = client();
    await fault({ method: 'GET', path: '^/config$', status: 503, count: 2 });
    await api.getConfig();
    expect(api.http.retries).toHaveLength(2);
    await fault({ method: 'GET', path: '/accounts/projects/[^/]+$', status: 429, retryAfter: 3, count: 1 });
    sleeps.length = 0;
    await api.getProject();
    expect(sleeps).toEqual([3000]);
  });

  it('retries a reset connection', async () => {
    const api = client();
    await fault({ path: '^/config$', reset: true, count: 1 });
    await api.getConfig();
    expect(api.http.retries).toHaveLength(1);
  });

  it('a rule with after waits for that request to be served, and the controls are never faulted', async () => {
    const api = client();
    await fault({ path: '.*', status: 500, count: 100, after: { method: 'GET', path: '/accounts/projects/[^/]+$' } });
    await api.getConfig();
    await api.getProject();
    expect((await failure(api.getConfig())).status).toBe(500);
    const cleared = await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    await api.getConfig();
  });

  it('holds a request for delayMs, then serves it', async () => {
    const api = client();
    const matched = sandbox.faults.matched;
    await fault({ path: '^/config$', delayMs: 300, count: 1 });
    const started = Date.now();
    await api.getConfig();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sandbox.faults.matched).toBe(matched + 1);
  });

  it('never retries 400, 403 or 409', async () => {
    for (const status of [400, 403, 409]) {
      const api = client();
      await fault({ method: 'GET', path: '^/config$', status, count: 1 });
      expect((await failure(api.getConfig())).status).toBe(status);
      expect(api.http.retries).toHaveLength(0);
    }
  });
});

describe('the registry token server, enforced by the real registry', () => {
  async function skopeoPush(layout: string, reference: string, token: string): Promise<RunResult> {
    const auth = join(dir, `auth-${Math.random().toString(36).slice(2)}.json`);
    // Credentials go in an auth file, never in argv.
    writeFileSync(auth, JSON.stringify({ auths: { [sandbox.registryHost ?? '']: { auth: Buffer.from(`meshagent:${token}`).toString('base64') } } }));
    // Asynchronously: the sandbox's token endpoint runs in this process and must answer skopeo meanwhile.
    return runAsync('skopeo', ['copy', '--dest-tls-verify=false', '--authfile', auth, `oci:${layout}:latest`, `docker://${reference}`]);
  }

  it('lets a token for sandbox/app push sandbox/app, and not sandbox/other', async () => {
    const api = client();
    const { repository } = await ensureRepository(api, 'sandbox', 'app');
    await ensureRepository(api, 'sandbox', 'other');
    const { token } = await api.createRepositoryToken(repository.id, { actions: ['pull', 'push'], expires_in_seconds: 600 });
    const layout = join(dir, 'layout');
    writeTinyOciLayout(layout);
    const allowed = await skopeoPush(layout, `${sandbox.registryHost}/sandbox/app:1`, token);
    expect(allowed.stderr).not.toMatch(/denied|unauthorized/i);
    expect(allowed.code).toBe(0);
    const denied = await skopeoPush(layout, `${sandbox.registryHost}/sandbox/other:1`, token);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/denied|unauthorized|authentication required/i);
    const wrong = await skopeoPush(layout, `${sandbox.registryHost}/sandbox/app:2`, 'not-a-token');
    expect(wrong.code).not.toBe(0);
  });

  it('lets a push token delete a manifest by digest, and a pull token not', async () => {
    const api = client();
    const { repository } = await ensureRepository(api, 'sandbox', 'gone');
    const push = await api.createRepositoryToken(repository.id, { actions: ['pull', 'push'], expires_in_seconds: 600 });
    const pull = await api.createRepositoryToken(repository.id, { actions: ['pull'], expires_in_seconds: 600 });
    const layout = join(dir, 'layout-gone');
    writeTinyOciLayout(layout, 'to be deleted');
    expect((await skopeoPush(layout, `${sandbox.registryHost}/sandbox/gone:pr-1`, push.token)).code).toBe(0);
    const registryAs = (token: string) =>
      new RegistryClient({ registry: sandbox.registryHost ?? '', credentials: { username: 'meshagent', password: token }, mask: (s) => masked.add(s) });
    const reader = registryAs(pull.token);
    const writer = registryAs(push.token);
    try {
      const head = await reader.repository('sandbox/gone').headManifest('pr-1');
      expect(head).toBeDefined();
      await expect(reader.repository('sandbox/gone', ['pull', 'delete']).deleteManifest(head!.digest)).rejects.toThrow();
      expect(await writer.repository('sandbox/gone', ['pull', 'push', 'delete']).deleteManifest(head!.digest)).toBe(true);
      expect(await reader.repository('sandbox/gone').headManifest('pr-1')).toBeUndefined();
      expect(await reader.repository('sandbox/gone').listTags()).toEqual([]);
      // Gone already: false, not an error.
      expect(await writer.repository('sandbox/gone', ['pull', 'push', 'delete']).deleteManifest(head!.digest)).toBe(false);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});

describe('persistence', () => {
  it('keeps the project, keys, repositories, services and routes across a restart', async () => {
    const before = { key: sandbox.apiKey, project: sandbox.projectId };
    await sandbox.stop();
    sandbox = await startSandbox({ dir });
    expect({ key: sandbox.apiKey, project: sandbox.projectId }).toEqual(before);
    const api = client();
    expect(await api.findRepository('web')).toBeDefined();
    expect(await api.findService('dev', 'sandbox-web')).toBeDefined();
    expect(await api.getRoute('web.example.com')).toBeDefined();
  });
});

describe('secrets', () => {
  it('never shows the API key or a token in anything logged or thrown', () => {
    expect(captured.length).toBeGreaterThan(5);
    const text = captured.join('\n');
    for (const secret of masked) expect(text).not.toContain(secret);
  });
});
