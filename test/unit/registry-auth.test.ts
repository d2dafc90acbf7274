// The registry authentication protocol against a small registry and token server on 127.0.0.1: challenge parsing,
// the OAuth2 POST form for token servers that want it, token caching until expiry, one refresh on 401 and no loop,
// and credentials from the Docker config. (The real registry and token servers are exercised in test/e2e.)
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { parseChallenge, repositoryScope } from '../../src/oci/registry-auth.js';
import { credentialsFromDockerConfig } from '../../src/oci/registry-credentials.js';
import { findCredentials, registryClientIdentity } from '../../src/registry-env.js';
import { RegistryClient } from '../../src/oci/registry.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))));
});

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

/**
 * A registry whose token endpoint only takes POST (OAuth2 password grant), issuing tok-1, tok-2, ...; the registry
 * accepts tokens listed in `valid`.
 */
async function fakeRegistry(valid: Set<string>) {
  let issued = 0;
  let port = 0;
  const server = await serve((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      const form = new URLSearchParams(body);
      if (form.get('password') !== 'secret-pass') return void res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      issued += 1;
      const token = `tok-${issued}`;
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, expires_in: 120 }));
    }
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    if (!token || !valid.has(token)) {
      return void res
        .writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="fake",scope="repository:team/app:pull"` })
        .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    }
    res
      .writeHead(200, {
        'docker-content-digest': `sha256:${'a'.repeat(64)}`,
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
        'content-length': '10',
      })
      .end();
  });
  port = server.port;
  return server;
}

function registryFor(port: number, password = 'secret-pass', now?: () => number) {
  const masked: string[] = [];
  const client = new RegistryClient({
    registry: `127.0.0.1:${port}`,
    credentials: { username: 'u', password },
    mask: (s) => masked.push(s),
    http: { retry: { baseDelayMs: 1, maxDelayMs: 2 } },
    ...(now ? { now } : {}),
  });
  return { client, masked };
}

describe('challenges', () => {
  it('parses Bearer and Basic challenges, quoted or not, and nothing else', () => {
    expect(parseChallenge('Bearer realm="https://auth.example.test/token",service="reg",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      realm: 'https://auth.example.test/token',
      service: 'reg',
      scope: 'repository:a/b:pull,push',
    });
    expect(parseChallenge('basic realm=test')).toEqual({ scheme: 'basic', realm: 'test' });
    expect(parseChallenge('Bearer service="x"')).toBeUndefined();
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
    expect(parseChallenge(undefined)).toBeUndefined();
    expect(repositoryScope('a/b', ['pull', 'push'])).toBe('repository:a/b:pull,push');
  });
});

describe('bearer tokens', () => {
  it('falls back to the OAuth2 POST form, caches the token, and refreshes it once after a 401', async () => {
    const valid = new Set(['tok-1']);
    const { port, seen } = await fakeRegistry(valid);
    const { client, masked } = registryFor(port);
    const repo = client.repository('team/app', ['pull', 'push']);
    expect((await repo.headManifest('v1'))?.digest).toBe(`sha256:${'a'.repeat(64)}`);
    const posts = seen.filter((s) => s.method === 'POST');
    expect(posts).toHaveLength(1);
    const form = new URLSearchParams(posts[0]?.body);
    expect(Object.fromEntries(form)).toMatchObject({
      grant_type: 'password',
      username: 'u',
      password: 'secret-pass',
      service: 'fake',
      scope: 'repository:team/app:pull,push',
    });
    // Cached: a second call fetches no token.
    await repo.headManifest('v1');
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(1);
    // The registry stops accepting tok-1: one refresh, then success with tok-2.
    valid.clear();
    valid.add('tok-2');
    await repo.headManifest('v1');
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(2);
    expect(masked).toEqual(expect.arrayContaining(['secret-pass', 'tok-1', 'tok-2']));
    await client.close();
  });

  it('gives up after one refresh when the registry keeps answering 401, naming the repository', async () => {
    const { port, seen } = await fakeRegistry(new Set());
    const { client } = registryFor(port);
    const error = await client
      .repository('team/app', ['pull', 'push'])
      .headManifest('v1')
      .then(
        () => undefined,
        (e: unknown) => e as ShipError,
      );
    expect(error).toBeInstanceOf(ShipError);
    expect(error?.message).toBe(
      `127.0.0.1:${port}/team/app: not authorized to push to this repository (check manifest v1 in 127.0.0.1:${port}/team/app): 401 Unauthorized`,
    ); // a HEAD answer has no body to quote
    expect(error?.hint).toContain('check the credentials');
    // ping, HEAD, token, HEAD, token, HEAD: two tokens and three HEADs, then it stops.
    expect(seen.filter((s) => s.method === 'HEAD')).toHaveLength(2);
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(2);
    await client.close();
  });

  it('fetches a new token once the cached one expires', async () => {
    const { port, seen } = await fakeRegistry(new Set(['tok-1', 'tok-2']));
    let now = Date.now();
    const { client } = registryFor(port, 'secret-pass', () => now);
    const repo = client.repository('team/app');
    await repo.headManifest('v1');
    now += 100_000;
    await repo.headManifest('v1');
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(1);
    now += 20_000;
    await repo.headManifest('v1');
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(2);
    await client.close();
  });

  it('reports a wrong password from the token server as a refusal with a hint, without retrying', async () => {
    const { port, seen } = await fakeRegistry(new Set());
    const { client } = registryFor(port, 'wrong');
    const error = await client
      .repository('team/app', ['pull', 'push'])
      .blobSize(`sha256:${'b'.repeat(64)}`)
      .then(
        () => undefined,
        (e: unknown) => e as ShipError,
      );
    expect(error?.message).toBe(`127.0.0.1:${port} refused user u: the token server answered 401`);
    expect(seen.filter((s) => s.url.startsWith('/token'))).toHaveLength(2); // the GET (405), then the POST (401)
    expect(String(error)).not.toContain('wrong');
    await client.close();
  });

  it('names itself and hints at credentials in the words the caller gives, and in neutral ones without', async () => {
    const { port, seen } = await fakeRegistry(new Set());
    const refusal = async (options: { clientId?: string; credentialsHint?: string }) => {
      const client = new RegistryClient({ registry: `127.0.0.1:${port}`, credentials: { username: 'u', password: 'wrong' }, mask: () => {}, ...options });
      const error = await client
        .repository('team/app', ['pull'])
        .blobSize(`sha256:${'b'.repeat(64)}`)
        .then(
          () => undefined,
          (e: unknown) => e as ShipError,
        );
      await client.close();
      return { hint: error?.hint, clientId: new URLSearchParams(seen.filter((s) => s.method === 'POST').at(-1)?.body).get('client_id') };
    };
    expect(await refusal({})).toEqual({ hint: `check the credentials for 127.0.0.1:${port}`, clientId: 'oci-registry-client' });
    expect(await refusal({ clientId: 'some-tool', credentialsHint: 'run some-tool login' })).toEqual({ hint: 'run some-tool login', clientId: 'some-tool' });
    // The application's own words, as its pipeline and commands give them.
    const ours = await refusal(registryClientIdentity(`127.0.0.1:${port}`));
    expect(ours.clientId).toBe('meshagent-ship');
    expect(ours.hint).toMatch(
      /^check the credentials for 127\.0\.0\.1:\d+: for the MeshAgent project registry, user meshagent with a current repository token/,
    );
  });
});

describe('basic auth and redirects', () => {
  it('sends Basic credentials to a registry that asks for them, and follows a blob redirect without them', async () => {
    const content = Buffer.from('blob bytes');
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const storage = await serve((_req, res) => res.writeHead(200, { 'content-length': String(content.length) }).end(content));
    const expected = `Basic ${Buffer.from('u:secret-pass').toString('base64')}`;
    const { port, seen } = await serve((req, res) => {
      if (req.headers.authorization !== expected) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
      if (req.url?.startsWith('/v2/team/app/blobs/')) return void res.writeHead(307, { location: `http://127.0.0.1:${storage.port}/bucket/x?sig=1` }).end();
      res.writeHead(200).end('{}');
    });
    const { client } = registryFor(port);
    const body = await client.repository('team/app').openBlob(digest as `sha256:${string}`);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(content);
    expect(client.auth.scheme).toBe('basic');
    expect(seen.map((s) => s.authorization)).toEqual([undefined, expected]);
    // The storage host never sees the registry credentials.
    expect(storage.seen).toEqual([expect.objectContaining({ url: '/bucket/x?sig=1', authorization: undefined })]);
    await client.close();
  });
});

describe('credentials', () => {
  it('reads auths from the Docker config (auth or username/password), by host or URL key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'registry.example.test': { auth: Buffer.from('alice:pa:ss').toString('base64') },
          'https://other.example.test/v1/': { username: 'bob', password: 'pw' },
        },
      }),
    );
    const path = join(dir, 'config.json');
    expect(credentialsFromDockerConfig('registry.example.test', path)).toEqual({ username: 'alice', password: 'pa:ss' });
    expect(credentialsFromDockerConfig('other.example.test', path)).toEqual({ username: 'bob', password: 'pw' });
    expect(credentialsFromDockerConfig('unknown.example.test', path)).toBeUndefined();
    expect(credentialsFromDockerConfig('x', join(dir, 'absent.json'))).toBeUndefined();
    expect(findCredentials('registry.example.test', { DOCKER_CONFIG: dir })).toEqual({ username: 'alice', password: 'pa:ss' });
    expect(
      findCredentials('registry.example.test', { DOCKER_CONFIG: dir, MESHAGENT_SHIP_REGISTRY_USER: 'env', MESHAGENT_SHIP_REGISTRY_PASSWORD: 'p' }),
    ).toEqual({
      username: 'env',
      password: 'p',
    });
  });
});
