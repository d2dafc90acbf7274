/**
 * The room runtime's door to the sandbox's registry: containerd and the stargz snapshotter pull through this
 * loopback proxy, which signs in for them (a pull-only registry token per repository, as a room holds its
 * project's pull credentials, so no secret goes into a command line) and counts every byte the registry serves,
 * per digest. Those counts are what "bytes fetched before ready" reports: what was actually served, ranges and
 * all, not a sum of sizes. Only reads (GET, HEAD) pass.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PullProxy {
  /** `127.0.0.1:<port>`: image references pulled through the proxy name this host. */
  readonly host: string;
  /** Bytes served so far for a digest (blob or manifest). */
  served(digest: string): number;
  /** Every digest's count so far. */
  servedAll(): ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

export interface PullProxyOptions {
  /** `host:port` of the registry behind. */
  readonly upstream: string;
  /** A bearer token for pulling `repository` (e.g. `sandbox/hello`), or undefined for a registry without auth. */
  readonly pullToken: (repository: string) => string | undefined;
}

/** `/v2/<name>/(manifests|blobs)/<reference>`: the repository and what is asked for. */
const V2_PATH = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/;

export async function startPullProxy(options: PullProxyOptions): Promise<PullProxy> {
  const counts = new Map<string, number>();
  const count = (digest: string, bytes: number) => counts.set(digest, (counts.get(digest) ?? 0) + bytes);

  function forward(incoming: IncomingMessage, response: ServerResponse): void {
    if (incoming.method !== 'GET' && incoming.method !== 'HEAD') {
      response.writeHead(405, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ code: 'UNSUPPORTED', message: 'the runtime pull proxy only reads' }] }));
      return;
    }
    const path = new URL(incoming.url ?? '/', 'http://proxy').pathname;
    const match = V2_PATH.exec(path);
    const headers = { ...incoming.headers, host: options.upstream };
    delete headers.authorization;
    if (match) {
      const token = options.pullToken(match[1] as string);
      if (token) headers.authorization = `Bearer ${token}`;
    }
    const outgoing = httpRequest(
      { host: options.upstream.split(':')[0], port: Number(options.upstream.split(':')[1]), method: incoming.method, path: incoming.url, headers },
      (upstream) => {
        // The proxy signs in itself, so the registry's challenge is not passed on: /v2/ answers as an open registry.
        if (path === '/v2/' || path === '/v2') {
          upstream.resume();
          response.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
          response.end('{}');
          return;
        }
        const digest = match && (match[3]?.startsWith('sha256:') ? match[3] : upstream.headers['docker-content-digest']);
        response.writeHead(upstream.statusCode ?? 502, upstream.headers);
        if (typeof digest === 'string' && (upstream.statusCode ?? 0) < 300) upstream.on('data', (chunk: Buffer) => count(digest, chunk.length));
        upstream.pipe(response);
      },
    );
    outgoing.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: `registry: ${error.message}` }] }));
    });
    outgoing.end();
  }

  const server: Server = createServer(forward);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    served: (digest) => counts.get(digest) ?? 0,
    servedAll: () => new Map(counts),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
