/**
 * The sandbox's router: one loopback port that serves every routed domain, as MeshAgent's edge serves
 * `https://<domain>`. The Host header picks the route, the longest matching path picks the target port, and the
 * request goes to that port of the room's running container through its forwarder's unix socket (nothing on the
 * host network). Access as the platform has it (reference §2.8): a `public` port admits anyone; any other needs
 * `Authorization: Bearer <participant token>` for the route's room (cookie IAP is not emulated). An unknown
 * domain or path is 404, a port no running, live container serves is 503.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { TokenError, verifyParticipantToken, type Participant } from './participant-token.js';
import type { SandboxRuntime } from './runtime/runtime.js';
import type { SandboxState } from './state.js';
import type { RouteSpec } from './wire/route.js';

export interface Router {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  stop(): Promise<void>;
}

export interface RouterOptions {
  readonly state: SandboxState;
  readonly runtime: Pick<SandboxRuntime, 'endpoint'>;
  readonly port?: number;
}

/** Where a request goes, or the answer it gets instead. */
type Decision = { socket: string; path: string } | { status: number; message: string; headers?: Record<string, string> };

type RoutePath = RouteSpec['paths'][number];

function matches(path: RoutePath, pathname: string): boolean {
  if (path.pathType === 'exact') return pathname === path.path;
  if (path.path === '/') return true;
  const prefix = path.path.replace(/\/+$/, '');
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

function decide(options: RouterOptions, request: IncomingMessage): Decision {
  const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const route = options.state.data.routes.find((r) => r.domain.toLowerCase() === host);
  if (!route) return { status: 404, message: `no route for ${host || 'this host'}` };
  const room = route.backend.room?.name;
  if (!room) return { status: 502, message: 'agent backends are not emulated by the sandbox' };
  const url = new URL(request.url ?? '/', 'http://router');
  const path = route.paths.filter((p) => matches(p, url.pathname)).sort((a, b) => b.path.length - a.path.length)[0];
  if (!path) return { status: 404, message: `no path of ${host} matches ${url.pathname}` };
  if (path.targetContent) return { status: 501, message: 'content routes (room storage) are not emulated by the sandbox' };
  const port = Number(path.targetPort);
  if (!Number.isInteger(port)) return { status: 502, message: `the route names port ${String(path.targetPort)}, which the sandbox does not resolve` };

  // The port's access rules come from the service the traffic would reach, not from whichever spec lists the port
  // first (a disabled service may list the same port as public).
  const endpoint = options.runtime.endpoint(room, port);
  const services = options.state.data.services[room] ?? [];
  const owner = (endpoint ? services.find((s) => s.id === endpoint.serviceId) : undefined) ?? services.find((s) => s.ports?.some((p) => p.num === port));
  const spec = owner?.ports?.find((p) => p.num === port);
  if (!spec) return { status: 503, message: `no service in room ${room} has port ${port}`, headers: { 'retry-after': '1' } };
  if (!spec.published) return { status: 404, message: `port ${port} is not published` };
  if (!spec.public) {
    const auth = request.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    if (!token) return { status: 401, message: 'a participant token is required: Authorization: Bearer <token>', headers: { 'www-authenticate': 'Bearer' } };
    let participant: Participant;
    try {
      participant = verifyParticipantToken(
        token,
        options.state.data.apiKeys.map((k) => k.key),
        options.state.data.project.id,
      );
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      return { status: 401, message: `the participant token is not valid: ${error.message}`, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    }
    if (participant.room !== room) return { status: 403, message: `the participant token is not for room ${room}` };
  }
  if (!endpoint?.socket || !endpoint.ready) return { status: 503, message: `the service on port ${port} is not ready`, headers: { 'retry-after': '1' } };
  const stripped = path.stripPrefix && path.path !== '/' ? url.pathname.slice(path.path.replace(/\/+$/, '').length) || '/' : url.pathname;
  return { socket: endpoint.socket, path: `${stripped}${url.search}` };
}

function forwardedHeaders(request: IncomingMessage): Record<string, string | string[] | undefined> {
  return {
    ...request.headers,
    'x-forwarded-host': request.headers.host,
    'x-forwarded-proto': 'http',
    'x-forwarded-for': request.socket.remoteAddress,
  };
}

export async function startRouter(options: RouterOptions): Promise<Router> {
  const refuse = (response: ServerResponse, decision: Extract<Decision, { status: number }>) => {
    response.writeHead(decision.status, { 'content-type': 'text/plain; charset=utf-8', ...decision.headers });
    response.end(`${decision.message}\n`);
  };

  const server: Server = createServer((request, response) => {
    const decision = decide(options, request);
    if ('status' in decision) return refuse(response, decision);
    const upstream = httpRequest({ socketPath: decision.socket, method: request.method, path: decision.path, headers: forwardedHeaders(request) }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', (error) => {
      if (!response.headersSent) refuse(response, { status: 502, message: `the service did not answer: ${error.message}` });
      else response.destroy();
    });
    request.pipe(upstream);
  });

  // WebSocket and other upgrades: the same checks, then the bytes both ways. Such sockets leave the server's
  // keeping, so they are kept here to be closed at stop.
  const upgraded = new Set<Socket>();
  server.on('upgrade', (request: IncomingMessage, client: Socket, head: Buffer) => {
    upgraded.add(client);
    client.on('close', () => upgraded.delete(client));
    const decision = decide(options, request);
    if ('status' in decision) {
      client.end(`HTTP/1.1 ${decision.status} ${decision.message.replace(/[\r\n]/g, ' ')}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    const upstream = connect(decision.socket, () => {
      const headers = Object.entries(forwardedHeaders(request)).flatMap(([name, value]) =>
        value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`),
      );
      upstream.write(`${request.method} ${decision.path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
