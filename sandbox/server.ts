/**
 * The local MeshAgent sandbox: the REST API (api.ts), the room websocket (room/), the registry token endpoint
 * (registry-token.ts), a real registry (registry.ts), fault injection (faults.ts) and persistence (state.ts), on
 * 127.0.0.1 only; with `runtime`, also the room runtime (runtime/: containerd runs the rooms' services) and the
 * router for their domains (router.ts).
 */
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { choosePort, movedNotice, readRecordedPorts, recordPorts, type ChosenPort, type Listener } from './addresses.js';
import { SandboxApi, type ApiRequest } from './api.js';
import { FaultRule, Faults } from './faults.js';
import { ensureSigningKey, type SigningKey } from './keys.js';
import { startRegistry, stopLeftRegistry, type RegistryProcess } from './registry.js';
import { issueRegistryToken, serveRegistryToken } from './registry-token.js';
import { RoomServer } from './room/room-server.js';
import { NO_RUNTIME } from './room/no-runtime.js';
import { startRouter, type Router } from './router.js';
import { RuntimeUnavailable, SandboxRuntime, type RuntimeOptions } from './runtime/runtime.js';
import { recordedServices } from './runtime/report.js';
import type { RoomRuntime } from './runtime/types.js';
import { ALL_PERMISSIONS, SandboxState, newApiKey, type Permission } from './state.js';

export interface SandboxOptions {
  /**
   * Where state, keys and registry blobs live; a restart on the same directory keeps them, and serves at the ports
   * the last run served at (DIR/addresses.json) when they are free.
   */
  readonly dir: string;
  /** The API port; 0 (default) takes the recorded one, or picks a free one. */
  readonly port?: number;
  /** Start the registry (default true); its port, 0 (default) takes the recorded one, or picks a free one. */
  readonly registry?: boolean;
  readonly registryPort?: number;
  /**
   * With `registry: false`: the `host:port` of a registry run elsewhere (e.g. a test's in-process one), which
   * GET /config names as the project registry. Its auth is its own; the token endpoint here is not used by it.
   */
  readonly registryHost?: string;
  /**
   * Run the rooms' container services (containerd, runc, the stargz snapshotter) and route their domains. Off by
   * default; when the machine cannot run containers the sandbox says why once and runs without.
   */
  readonly runtime?: boolean | Pick<RuntimeOptions, 'lazyPull' | 'backoff' | 'probeIntervalMs'>;
  /** What the room protocol reports instead of the container runtime (tests give a runtime of their own). */
  readonly roomRuntime?: RoomRuntime;
  /** The router's port; 0 (default) takes the recorded one, or picks a free one. */
  readonly routerPort?: number;
  /** Where the sandbox says what it cannot do, or which recorded address moved (default: stderr). */
  readonly log?: (message: string) => void;
}

export interface Sandbox {
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly projectId: string;
  readonly projectKey: string;
  /** `127.0.0.1:<port>` when the registry runs. */
  readonly registryHost: string | undefined;
  readonly state: SandboxState;
  readonly faults: Faults;
  /** The room runtime, when it runs. */
  readonly runtime: SandboxRuntime | undefined;
  /** `127.0.0.1:<port>` of the router, when the runtime runs. */
  readonly routerHost: string | undefined;
  /** The variables that point meshagent-ship (and the MeshAgent CLI) at the sandbox. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, json: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(json));
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  mkdirSync(options.dir, { recursive: true });
  const state = new SandboxState(options.dir);
  // Made on first need (openssl runs once per DIR), so a sandbox without its own registry needs no openssl.
  let signingKey: SigningKey | undefined;
  const key = (): SigningKey => (signingKey ??= ensureSigningKey(options.dir));
  const faults = new Faults();
  const log = options.log ?? ((message: string) => process.stderr.write(`meshagent-sandbox: ${message}\n`));
  const withRegistry = options.registry ?? true;
  if (withRegistry && options.registryHost) throw new Error('registryHost names a registry run elsewhere: give it with registry: false');
  const recorded = readRecordedPorts(options.dir, state);
  const chosen: Partial<Record<Listener, ChosenPort>> = {};
  chosen.api = await choosePort(options.port, recorded.api);
  const port = chosen.api.port;
  const apiUrl = `http://127.0.0.1:${port}`;
  if (withRegistry) {
    await stopLeftRegistry(options.dir, log);
    chosen.registry = await choosePort(options.registryPort, recorded.registry);
  }
  const registryPort = chosen.registry?.port;
  const registryHost = registryPort === undefined ? options.registryHost : `127.0.0.1:${registryPort}`;
  let runtime: SandboxRuntime | undefined;
  /** Why the room runtime is off, when it was asked for and could not start. */
  let runtimeOff: string | undefined;
  const api = new SandboxApi({ state, apiUrl, registryHost, pagesDomain: 'sandbox.localhost', onServicesChanged: (room) => runtime?.reconcile(room) });
  // The room protocol asks whichever runtime runs now: the containers once they run, else none.
  const roomRuntime: RoomRuntime = options.roomRuntime ?? {
    list: (room) => (runtime ?? NO_RUNTIME).list(room),
    restart: (room, serviceId) => (runtime ?? NO_RUNTIME).restart(room, serviceId),
    logs: (room, target, logOptions) => (runtime ?? NO_RUNTIME).logs(room, target, logOptions),
  };
  const rooms = new RoomServer({ state, runtime: roomRuntime, apiUrl });

  /** The sandbox's own controls, for tests: faults, extra API keys, legacy routes. Not part of MeshAgent's API. */
  function serveControl(request: IncomingMessage, response: ServerResponse, path: string, body: string): void {
    if (path === '/_sandbox/faults' && request.method === 'POST') {
      const rule = FaultRule.safeParse(JSON.parse(body || '{}'));
      if (!rule.success) return sendJson(response, 400, { error: { message: rule.error.message } });
      faults.add(rule.data);
      return sendJson(response, 200, {});
    }
    if (path === '/_sandbox/faults' && request.method === 'DELETE') {
      faults.clear();
      return sendJson(response, 200, {});
    }
    if (path === '/_sandbox/runtime' && request.method === 'GET') {
      const token = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7) : undefined;
      if (!token || !state.data.apiKeys.some((k) => k.key === token))
        return sendJson(response, 401, { error: { message: 'authentication required: Authorization: Bearer <api key>' } });
      if (!runtime) {
        const reason = runtimeOff ?? 'the sandbox was started without its room runtime';
        return sendJson(response, 200, { runtime: { available: false, reason }, snapshotter: null, services: recordedServices(state, reason) });
      }
      return sendJson(response, 200, { runtime: runtime.availability(), snapshotter: runtime.snapshotter, services: runtime.report() });
    }
    if (path === '/_sandbox/legacy-routes' && request.method === 'POST') {
      const answer = api.storeLegacyRoute(JSON.parse(body || '{}'));
      return sendJson(response, answer.status, answer.json);
    }
    if (path === '/_sandbox/room-connections/drop' && request.method === 'POST') {
      return sendJson(response, 200, { dropped: rooms.drop() });
    }
    if (path === '/_sandbox/api-keys' && request.method === 'POST') {
      const asked = (JSON.parse(body || '{}') as { permissions?: Permission[] }).permissions ?? [];
      const permissions = asked.filter((p) => ALL_PERMISSIONS.includes(p));
      const apiKey = newApiKey(state.data.project.id);
      state.data.apiKeys.push({ key: apiKey, permissions });
      state.save();
      return sendJson(response, 200, { key: apiKey, permissions });
    }
    sendJson(response, 404, { error: { message: 'not found' } });
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', apiUrl);
    const path = url.pathname;
    // The sandbox's own controls are never faulted, so a test can always clear what it injected.
    if (!path.startsWith('/_sandbox/') && (await faults.intercept(request, response, path))) return;
    let body: string;
    try {
      body = await readBody(request);
    } catch {
      return sendJson(response, 413, { error: { message: 'request body too large' } });
    }
    if (path.startsWith('/_sandbox/')) return serveControl(request, response, path, body);
    if (path === '/registry/token') return serveRegistryToken(request, response, url, body, state, key());
    let parsedBody: unknown;
    let segments: string[];
    try {
      parsedBody = body === '' ? undefined : JSON.parse(body);
      segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return sendJson(response, 400, { error: { message: 'invalid request: the body or path is malformed' } });
    }
    const apiRequest: ApiRequest = {
      method: request.method ?? 'GET',
      segments,
      query: url.searchParams,
      authorization: request.headers.authorization,
      consistency: typeof request.headers.consistency === 'string' ? request.headers.consistency : undefined,
      body: parsedBody,
    };
    const answer = api.handle(apiRequest);
    faults.served(request.method, path);
    sendJson(response, answer.status, answer.json);
  }

  const server: Server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { message: `sandbox error: ${String(error)}` } });
      else response.destroy();
    });
  });
  server.on('upgrade', (request, socket, head) => {
    if (!rooms.handleUpgrade(request, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  let registry: RegistryProcess | undefined;
  if (registryPort !== undefined) {
    try {
      registry = await startRegistry({ dir: options.dir, port: registryPort, tokenRealm: `${apiUrl}/registry/token`, certPath: key().certPath });
    } catch (error) {
      await new Promise((resolve) => server.close(resolve));
      throw error;
    }
  }

  let router: Router | undefined;
  if (options.runtime) {
    try {
      if (!registry) throw new RuntimeUnavailable("the runtime pulls from the sandbox's own registry, which is not running");
      const registryKey = key();
      runtime = await SandboxRuntime.start({
        ...(typeof options.runtime === 'object' ? options.runtime : {}),
        dir: options.dir,
        state,
        apiUrl,
        registryHost: registry.host,
        pullToken: (repository) => issueRegistryToken(registryKey, [{ type: 'repository', name: repository, actions: ['pull'] }]),
        log,
      });
      chosen.router = await choosePort(options.routerPort, recorded.router);
      router = await startRouter({ state, runtime, port: chosen.router.port });
    } catch (error) {
      await runtime?.stop();
      runtime = undefined;
      if (!(error instanceof RuntimeUnavailable)) {
        await registry?.stop();
        await new Promise((resolve) => server.close(resolve));
        throw error;
      }
      runtimeOff = error.message;
      log(`the room runtime is off, services are recorded but not run: ${error.message}`);
    }
  }

  // Said once everything listens, and recorded for the next run on this directory: the addresses served now.
  for (const listener of ['api', 'registry', 'router'] as const) {
    const from = recorded[listener];
    const to = chosen[listener]?.port;
    if (from !== undefined && to !== undefined && to !== from) log(movedNotice(listener, { from, to, taken: chosen[listener]?.taken === from }, state));
  }
  recordPorts(options.dir, { api: port, ...(registry ? { registry: registryPort } : {}), ...(router ? { router: chosen.router?.port } : {}) }, recorded);

  return {
    apiUrl,
    apiKey: state.mainApiKey,
    projectId: state.data.project.id,
    projectKey: state.data.project.project_key,
    registryHost,
    state,
    faults,
    runtime,
    routerHost: router?.host,
    env: () => ({
      MESHAGENT_API_URL: apiUrl,
      MESHAGENT_API_KEY: state.mainApiKey,
      MESHAGENT_PROJECT_ID: state.data.project.id,
      ...(registryHost ? { MESHAGENT_SANDBOX_REGISTRY: registryHost } : {}),
      // The routed domains are served here over plain HTTP: meshagent-ship's URL probe asks the router for them.
      ...(router ? { MESHAGENT_SANDBOX_ROUTER: router.host, MESHAGENT_SHIP_PROBE_ORIGIN: `http://${router.host}` } : {}),
    }),
    stop: async () => {
      await router?.stop();
      await runtime?.stop();
      await registry?.stop();
      await rooms.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
