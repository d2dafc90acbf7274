// The sandbox runs what it deploys: examples/hello is shipped to a sandbox with its room runtime, and containerd
// starts it from lazily pulled eStargz (through the stargz snapshotter over FUSE), the router serves its page by
// Host header, private ports ask for a participant token, a crashing service is restarted with back-off, an update
// replaces the container, and stopping the sandbox leaves no process and no mount behind.
import { randomBytes } from 'node:crypto';
import { cpSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import type { ServiceSpec } from '../../src/meshagent/wire-service.js';
import { ConsoleRunner } from '../../src/runner.js';
import { shipFromInputs } from '../../src/ship.js';
import { issueParticipantToken } from '../../sandbox/participant-token.js';
import type { RuntimeReportEntry } from '../../sandbox/runtime/report.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runAsync } from '../infra/env.js';

const infra = inject('infra');
let sandbox: Sandbox;
let work: string;
let context: string;
let imageRef: string;
let helloId: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rt-'));
  sandbox = await startSandbox({ dir: join(work, 'sbx'), runtime: { backoff: { initialMs: 1000, maxMs: 4000 }, probeIntervalMs: 200 }, log: () => {} });
  context = join(work, 'hello');
  cpSync(fileURLToPath(new URL('../../examples/hello', import.meta.url)), context, { recursive: true });
  copyFileSync(infra.busybox, join(context, 'busybox'));
  // A file the service never reads: a lazy pull leaves it in the registry.
  writeFileSync(join(context, 'www', 'unused.bin'), randomBytes(3_000_000));
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function api(): MeshagentClient {
  return new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
}

async function report(): Promise<RuntimeReportEntry[]> {
  const response = await fetch(`${sandbox.apiUrl}/_sandbox/runtime`, { headers: { authorization: `Bearer ${sandbox.apiKey}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { services: RuntimeReportEntry[] }).services;
}

async function entry(name: string): Promise<RuntimeReportEntry | undefined> {
  return (await report()).find((s) => s.name === name);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await report())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** GET through the router with a Host header. */
function viaRouter(domain: string, path = '/', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const [host, port] = (sandbox.routerHost ?? '').split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path, headers: { host: domain, ...headers } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (text: string) => (body += text));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A service of the shipped image, written straight to the API (as `meshagent service create` would). */
function serviceOf(name: string, extra: { command?: string; ports?: ServiceSpec['ports']; environment?: { name: string; value: string }[] }): ServiceSpec {
  return {
    version: 'v1',
    kind: 'Service',
    enabled: true,
    metadata: { name },
    ports: extra.ports ?? [],
    container: {
      image: imageRef,
      template: 'agent',
      private: true,
      ...(extra.command ? { command: extra.command } : {}),
      ...(extra.environment ? { environment: extra.environment } : {}),
    },
  };
}

async function tasks(): Promise<string> {
  const address = join(sandbox.runtime?.workDir ?? '', 'containerd.sock');
  return (await runAsync('ctr', ['-a', address, '-n', 'meshagent-sandbox', 'tasks', 'ls'])).stdout;
}

describe('the sandbox room runtime', () => {
  it('runs examples/hello from lazily pulled eStargz once shipped, and the router serves it by Host header', async () => {
    expect(sandbox.runtime, 'the runtime runs on this machine').toBeDefined();
    expect(sandbox.env().MESHAGENT_SANDBOX_ROUTER).toBe(sandbox.routerHost);
    const runner = new ConsoleRunner({
      inputs: { room: 'dev', 'create-room': 'true', context, builder: 'buildah', tag: 'hello:1', domain: 'hello.sandbox.localhost', public: 'true' },
      env: sandbox.env(),
      stdout: () => {},
      stderr: () => {},
    });
    const result = await shipFromInputs(runner, { builders: { buildah: { command: infra.buildah, isolation: 'chroot' } } });
    expect(result.error).toBeNull();
    imageRef = result.image?.ref ?? '';
    helloId = result.service?.id ?? '';

    const hello = await waitFor('hello to be ready', async () => {
      const found = await entry('sandbox-hello');
      return found?.pull_to_ready_ms != null && found;
    });
    expect(hello).toMatchObject({ room: 'dev', image: imageRef, state: 'running', restart_count: 0, snapshotter: 'stargz' });
    // Every layer of the image (one per Dockerfile step that writes files), each mounted lazily.
    expect(hello.layers).toBeGreaterThanOrEqual(1);
    expect(hello.remote_layers).toBe(hello.layers);
    // Lazily: the registry served part of the image only (the unused file stayed there), counted as it was served.
    expect(hello.bytes_fetched_before_ready).toBeGreaterThan(0);
    expect(hello.bytes_fetched_before_ready).toBeLessThan((hello.image_bytes ?? 0) * 0.8);
    expect(hello.pull_to_ready_ms).toBeGreaterThan(0);
    // The report is the sandbox's own, for holders of the API key only.
    expect((await fetch(`${sandbox.apiUrl}/_sandbox/runtime`)).status).toBe(401);

    const page = await viaRouter('hello.sandbox.localhost');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Hello from a MeshAgent room service');
    expect((await viaRouter('nowhere.sandbox.localhost')).status).toBe(404);

    // The room's state, as services.list reports it.
    const [state] = sandbox.runtime?.list('dev') ?? [];
    expect(state).toMatchObject({
      service_id: helloId,
      state: 'running',
      restart_count: 0,
      status: { ports: [{ num: 8080, liveness: '/', liveness_status: 'ready' }] },
    });
    expect(state?.container_id).toBe(hello.container_id);
    expect(await tasks()).toMatch(new RegExp(`^${hello.container_id}\\s+\\d+\\s+RUNNING`, 'm'));
  });

  it('keeps the container logs and gives the agent template variables and room storage', async () => {
    const lines: string[] = [];
    for await (const line of sandbox.runtime?.logs('dev', { serviceId: helloId }) ?? []) lines.push(line);
    // busybox httpd -v logs each request it served: the router's and the liveness probe's.
    expect(lines.join('')).toMatch(/response:200/);
    // Following: a line written after the call arrives, and the stream ends when asked to.
    const stop = new AbortController();
    const followed: string[] = [];
    const following = (async () => {
      for await (const line of sandbox.runtime?.logs('dev', { serviceId: helloId }, { follow: true, signal: stop.signal }) ?? []) followed.push(line);
    })();
    // busybox httpd -v logs each answer's status; nothing has asked this one for a missing page before.
    expect(lines.join('')).not.toContain('response:404');
    expect((await viaRouter('hello.sandbox.localhost', '/missing.html')).status).toBe(404);
    await waitFor('the new answer in the followed log', async () => followed.some((l) => l.includes('response:404')));
    stop.abort();
    await following;
    const hello = await entry('sandbox-hello');
    const pid = (await tasks())
      .split('\n')
      .find((l) => l.startsWith(hello?.container_id ?? '-'))
      ?.split(/\s+/)[1];
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('MESHAGENT_ROOM=dev');
    expect(environ).toContain(`MESHAGENT_PROJECT_ID=${sandbox.projectId}`);
    expect(environ.find((v) => v.startsWith('MESHAGENT_TOKEN='))).toMatch(/^MESHAGENT_TOKEN=[\w-]+\.[\w-]+\.[\w-]+$/);
    // The room's storage is mounted at /data, and the container has a network namespace of its own.
    expect(readFileSync(`/proc/${pid}/mountinfo`, 'utf8')).toMatch(/ \/data /);
    expect(readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(readlinkSync('/proc/self/ns/net'));
  });

  it('mounts room storage, empty dirs and another image (read-only) as the spec says', async () => {
    const spec = serviceOf('mounts', {
      command: `/bin/busybox sh -c 'ls /other/www > /data/listing; echo made > /scratch/x && cat /scratch/x >> /data/listing; touch /other/nope 2>> /data/listing; exec /bin/busybox sleep 600'`,
    });
    (spec.container as NonNullable<ServiceSpec['container']>).storage = {
      images: [{ image: imageRef, path: '/other', read_only: true }],
      empty_dirs: [{ path: '/scratch', read_only: false }],
    };
    const id = await api().createService('dev', spec);
    const listing = join(work, 'sbx', 'rooms', 'dev', 'storage', 'listing');
    await waitFor('the service to write into room storage', async () => existsSync(listing) && readFileSync(listing, 'utf8').includes('Read-only'));
    expect(readFileSync(listing, 'utf8')).toMatch(/^index\.html\nunused\.bin\nmade\n.*Read-only file system/s);
    await api().deleteService('dev', id, 'mounts');
    // The task goes before its mounts are undone: wait for both (the wait fails when a mount stays).
    await waitFor(
      'the mounts service and its image mount to be gone',
      async () => !(await tasks()).includes('mounts-') && !readFileSync('/proc/mounts', 'utf8').includes('/containers/mounts-'),
    );
  });

  it('asks for a participant token on a private port, and answers 503 while the service is not live', async () => {
    const client = api();
    await client.createRoom({ name: 'priv', if_not_exists: true });
    const port8080 = (liveness: string, isPublic?: boolean) => [
      { num: 8080, type: 'http' as const, published: true, liveness, endpoints: [], ...(isPublic ? { public: true } : {}) },
    ];
    await client.createService('priv', serviceOf('private-hello', { ports: port8080('/') }));
    await client.createRoute({
      version: 'v1',
      kind: 'Route',
      metadata: { name: 'private.sandbox.localhost', annotations: {} },
      domain: 'private.sandbox.localhost',
      backend: { room: { name: 'priv' } },
      paths: [{ path: '/', targetPort: '8080' }],
    });
    await waitFor('private-hello to be ready', async () => (await entry('private-hello'))?.pull_to_ready_ms != null);

    const withoutToken = await viaRouter('private.sandbox.localhost');
    expect(withoutToken.status).toBe(401);
    expect(withoutToken.body).toContain('Authorization: Bearer');
    const forPriv = issueParticipantToken(sandbox.apiKey, { name: 'tester', room: 'priv', role: 'user', api: {}, seconds: 3600 });
    const forDev = issueParticipantToken(sandbox.apiKey, { name: 'tester', room: 'dev', role: 'user', api: {}, seconds: 3600 });
    expect((await viaRouter('private.sandbox.localhost', '/', { authorization: `Bearer ${forDev}` })).status).toBe(403);
    expect((await viaRouter('private.sandbox.localhost', '/', { authorization: `Bearer ${forPriv}x` })).status).toBe(401);
    const admitted = await viaRouter('private.sandbox.localhost', '/', { authorization: `Bearer ${forPriv}` });
    expect(admitted.status).toBe(200);
    expect(admitted.body).toContain('Hello from a MeshAgent room service');

    // A liveness path the service does not have: it runs, but is never ready, and the router says so.
    const id = (await client.listServices('priv')).find((s) => s.metadata.name === 'private-hello')?.id ?? '';
    await client.updateService('priv', id, serviceOf('private-hello', { ports: port8080('/missing', true) }));
    await waitFor('the replaced container to run', async () => {
      const state = sandbox.runtime?.list('priv')[0];
      // Until httpd listens the probe's connection is refused; then it answers the missing path.
      return state?.state === 'running' && state.status.ports[0]?.last_error?.includes('answered') && state;
    });
    expect(sandbox.runtime?.list('priv')[0]?.status.ports[0]).toMatchObject({
      num: 8080,
      liveness: '/missing',
      liveness_status: 'not_ready',
      last_error: 'liveness /missing answered 404',
    });
    const notReady = await viaRouter('private.sandbox.localhost');
    expect(notReady.status).toBe(503);
  });

  it('restarts a crashing service with back-off, counting restarts and keeping the exit code and logs', async () => {
    await api().createService('dev', serviceOf('crasher', { command: `/bin/busybox sh -c 'echo "crashing now"; exit 3'` }));
    // The wait before each restart, as the room reports it while the service is restarting.
    const waits = new Map<number, number>();
    const crashed = await waitFor(
      'two restarts',
      async () => {
        const state = sandbox.runtime?.list('dev').find((s) => s.state === 'restarting');
        if (state?.restart_scheduled_at && state.last_exit_at) waits.set(state.restart_count, state.restart_scheduled_at - state.last_exit_at);
        const found = await entry('crasher');
        return found && found.restart_count >= 2 && waits.has(2) && found;
      },
      60_000,
    );
    expect(crashed).toMatchObject({ last_exit_code: 3 });
    const state = sandbox.runtime?.list('dev').find((s) => s.service_id === crashed.service_id);
    expect(state?.last_exit_at).toBeGreaterThan(0);
    // Each crash waits longer than the one before: 1 s, then 2 s here (plus the removal of the exited container).
    expect(waits.get(1)).toBeGreaterThanOrEqual(1);
    expect(waits.get(2)).toBeGreaterThanOrEqual((waits.get(1) ?? 0) + 0.5);
    const lines: string[] = [];
    for await (const line of sandbox.runtime?.logs('dev', { serviceId: crashed.service_id }) ?? []) lines.push(line);
    expect(lines).toContain('crashing now\n');
    await api().deleteService('dev', crashed.service_id, 'crasher');
    await waitFor('the crasher to be gone', async () => !(await report()).some((s) => s.name === 'crasher'));
    await waitFor(
      'no crasher container and none of its mounts',
      async () => !(await tasks()).includes('crasher-') && !readFileSync('/proc/mounts', 'utf8').includes('crasher-'),
    );
  });

  it('replaces the container on update, and the new one serves', async () => {
    const before = await entry('sandbox-hello');
    const spec = (await api().listServices('dev')).find((s) => s.id === helloId) as ServiceSpec;
    await api().updateService('dev', helloId, {
      ...spec,
      container: { ...(spec.container as NonNullable<ServiceSpec['container']>), environment: [{ name: 'GREETING', value: 'again' }] },
    });
    const after = await waitFor('a new container', async () => {
      const found = await entry('sandbox-hello');
      return found && found.container_id !== before?.container_id && found.state === 'running' && found;
    });
    expect(after.restart_count).toBe(0);
    const listing = await tasks();
    expect(listing).not.toContain(before?.container_id ?? '-');
    expect(listing).toMatch(new RegExp(`^${after.container_id}\\s+\\d+\\s+RUNNING`, 'm'));
    await waitFor('the page again', async () => (await viaRouter('hello.sandbox.localhost')).status === 200);

    // services.restart: the same spec in a new container, started by the time it resolves.
    await sandbox.runtime?.restart('dev', helloId);
    const restarted = sandbox.runtime?.list('dev').find((s) => s.service_id === helloId);
    expect(restarted).toMatchObject({ state: 'running', restart_count: 0 });
    expect(restarted?.container_id).not.toBe(after.container_id);
    expect(await tasks()).not.toContain(after.container_id ?? '-');
  });

  it('stops every container and daemon and unmounts everything when the sandbox stops', async () => {
    const dir = join(work, 'sbx');
    const ours = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
          } catch {
            return false;
          }
        });
    const containerPids = (await tasks())
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/)[1])
      .filter((p): p is string => Boolean(p));
    expect(containerPids.length).toBeGreaterThanOrEqual(2);
    expect(ours().length).toBeGreaterThanOrEqual(3); // containerd, the snapshotter, the forwarders, the shims
    const mounts = () =>
      readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .filter((l) => l.split(' ')[1]?.startsWith(`${dir}/`));
    expect(mounts().some((l) => l.includes('fuse'))).toBe(true);

    await sandbox.stop();
    expect(ours()).toEqual([]);
    for (const pid of containerPids) expect(existsSync(`/proc/${pid}`), `container process ${pid}`).toBe(false);
    expect(mounts()).toEqual([]);
  });

  it('without lazy pulling pulls whole layers onto overlayfs, says so once, and still serves', async () => {
    const said: string[] = [];
    const plain = await startSandbox({ dir: join(work, 'plain'), runtime: { lazyPull: false, probeIntervalMs: 200 }, log: (message) => said.push(message) });
    try {
      expect(said).toEqual(['the room runtime pulls whole layers onto overlayfs, not lazily: lazy pulling is turned off']);
      const runner = new ConsoleRunner({
        inputs: { room: 'dev', 'create-room': 'true', context, builder: 'buildah', tag: 'hello:1', domain: 'hello.sandbox.localhost', public: 'true' },
        env: plain.env(),
        stdout: () => {},
        stderr: () => {},
      });
      const result = await shipFromInputs(runner, { builders: { buildah: { command: infra.buildah, isolation: 'chroot' } } });
      expect(result.error).toBeNull();
      const response = async () =>
        (await (await fetch(`${plain.apiUrl}/_sandbox/runtime`, { headers: { authorization: `Bearer ${plain.apiKey}` } })).json()) as {
          snapshotter: string;
          services: RuntimeReportEntry[];
        };
      const deadline = Date.now() + 60_000;
      let hello: RuntimeReportEntry | undefined;
      while (Date.now() < deadline && hello?.pull_to_ready_ms == null) {
        hello = (await response()).services[0];
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await response()).snapshotter).toBe('overlayfs');
      expect(hello).toMatchObject({ state: 'running', snapshotter: 'overlayfs', remote_layers: 0 });
      expect(hello?.layers).toBeGreaterThanOrEqual(1);
      // A whole pull: every byte of the image was served before it ran.
      expect(hello?.bytes_fetched_before_ready).toBe(hello?.image_bytes);
      const [host, port] = (plain.routerHost ?? '').split(':');
      const page = await new Promise<string>((resolve, reject) => {
        request({ host, port: Number(port), path: '/', headers: { host: 'hello.sandbox.localhost' } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (text: string) => (body += text));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      expect(page).toContain('Hello from a MeshAgent room service');
    } finally {
      await plain.stop();
    }
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(join(work, 'plain'));
  });
});
