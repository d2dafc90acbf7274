import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as nodeRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DEFAULT_RETRY, HttpClient, RetryLog, isRetryableStatus, type HttpClientOptions } from '../../src/http.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import type { ServiceSpec } from '../../src/meshagent/wire-service.js';
import { VERSION } from '../../src/version.js';
import { httpFailure } from '../helpers/http-failure.js';

// --- a real server on 127.0.0.1, one per test ----------------------------------------------------------------------

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, index: number, body: string) => void;

const servers: Server[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** Starts a server whose handler sees each request (with its body read) and its 0-based index. */
async function serve(handler: Handler): Promise<{ origin: string; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, seen.length - 1, body);
    });
  });
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, port, seen };
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Answers each request with the next status of the list (the last one repeats). */
function statuses(list: readonly number[], headers: Record<string, string> = {}): Handler {
  return (_req, res, index) => {
    const status = list[Math.min(index, list.length - 1)] ?? 500;
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ status }));
  };
}

/** A client that never really waits: sleeps are recorded and resolve at once. */
function client(options: HttpClientOptions = {}): { http: HttpClient; sleeps: number[]; logs: string[] } {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const http = new HttpClient({
    env: {},
    random: () => 1,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log: (message) => logs.push(message),
    ...options,
  });
  clients.push(http);
  return { http, sleeps, logs };
}

// --- debug lines ---------------------------------------------------------------------------------------------------

describe('debug lines', () => {
  it('say every attempt with its answer and time, without the query or any secret', async () => {
    const server = await serve(statuses([503, 200]));
    const debug: string[] = [];
    const { http } = client({ baseUrl: server.origin, debug: (line) => debug.push(line), secrets: () => ['s3cr3t'] });
    await http.request({ method: 'GET', url: '/x/s3cr3t', query: { token: 'q' } });
    expect(debug).toHaveLength(2);
    expect(debug[0]).toMatch(new RegExp(`^GET ${server.origin}/x/\\*\\*\\* -> 503 in \\d+ ms \\(attempt 1 of 5\\)$`));
    expect(debug[1]).toMatch(/-> 200 in \d+ ms \(attempt 2 of 5\)$/);
  });

  it('say a connection failure as such', async () => {
    const debug: string[] = [];
    const { http } = client({ baseUrl: 'http://127.0.0.1:9', debug: (line) => debug.push(line) });
    await httpFailure(http.request({ method: 'GET', url: '/x', maxAttempts: 1 }));
    expect(debug).toEqual([expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:9\/x -> .*ECONNREFUSED.* in \d+ ms \(attempt 1 of 1\)$/)]);
  });
});

// --- retries -------------------------------------------------------------------------------------------------------

describe('retries', () => {
  it('retries 503 twice, then succeeds', async () => {
    const server = await serve(statuses([503, 503, 200]));
    const { http, sleeps, logs } = client({ baseUrl: server.origin });
    const response = await http.request({ method: 'GET', url: '/x' });
    expect(response.status).toBe(200);
    expect(http.retries).toHaveLength(2);
    expect(http.attempts).toBe(3);
    expect(server.seen).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toBe(`GET ${server.origin}/x answered 503; retry 1 of 4 in 0.5 s`);
    expect(logs[1]).toContain('503');
    expect(http.retries[1]).toEqual({ method: 'GET', url: `${server.origin}/x`, attempt: 2, reason: '503 Service Unavailable', delayMs: 1000 });
  });

  it('waits as long as Retry-After says, in seconds', async () => {
    const server = await serve(statuses([429, 200], { 'retry-after': '2' }));
    const { http, sleeps } = client({ baseUrl: server.origin });
    expect((await http.request({ method: 'GET', url: '/x' })).status).toBe(200);
    expect(sleeps).toEqual([2000]);
  });

  it('waits until a Retry-After date', async () => {
    const server = await serve((_req, res, index) => {
      const inThreeSeconds = new Date(Date.now() + 3000).toUTCString();
      res.writeHead(index === 0 ? 503 : 200, { 'retry-after': inThreeSeconds }).end();
    });
    const { http, sleeps } = client({ baseUrl: server.origin });
    await http.request({ method: 'GET', url: '/x' });
    // The date has whole seconds, so the wait is a little over 2 s and at most 3 s; the backoff would be 500 ms.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(1500);
    expect(sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it('gives up at once when Retry-After asks for more than maxRetryAfterMs', async () => {
    const server = await serve(statuses([429], { 'retry-after': '120' }));
    const { http, sleeps } = client({ baseUrl: server.origin });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x' }));
    expect(error.status).toBe(429);
    expect(error.message).toContain('120 s');
    expect(error.hint).toBe('rate limited: wait and run again');
    expect(sleeps).toEqual([]);
    expect(http.attempts).toBe(1);
  });

  it.each([
    [400, 'invalid'],
    [401, 'check the credentials (API key or token)'],
    [403, 'the credentials lack permission for this'],
    [404, 'it does not exist'],
    [409, 'it conflicts with the current state'],
    [422, 'invalid'],
    [500, 'the server had trouble: run again later'],
  ])('never retries %i', async (status, hint) => {
    const server = await serve(statuses([status, 200]));
    const { http, sleeps } = client({ baseUrl: server.origin });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x' }));
    expect(error.status).toBe(status);
    expect(error.hint).toContain(hint);
    expect(error.retries).toBe(0);
    expect(error.message).not.toContain('retr');
    expect(server.seen).toHaveLength(1);
    expect(http.attempts).toBe(1);
    expect(http.retries).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it('retries exactly 429, 502, 503 and 504', () => {
    const retryable = Array.from({ length: 500 }, (_, i) => 100 + i).filter(isRetryableStatus);
    expect(retryable).toEqual([429, 502, 503, 504]);
  });

  it('gives up after maxAttempts and says how many retries it made', async () => {
    const server = await serve(statuses([503]));
    const { http } = client({ baseUrl: server.origin, retry: { maxAttempts: 3 } });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x' }));
    expect(error.status).toBe(503);
    expect(error.retries).toBe(2);
    expect(error.message).toContain('after 2 retries');
    expect(error.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/x answered 503 Service Unavailable \(gave up after 2 retries\): /);
    expect(error.hint).toBe('the server had trouble: run again later');
    expect(server.seen).toHaveLength(3);
  });

  it('backs off exponentially, capped by maxDelayMs', async () => {
    const server = await serve(statuses([503, 503, 503, 200]));
    const uncapped = client({ baseUrl: server.origin });
    await uncapped.http.request({ method: 'GET', url: '/x' });
    expect(uncapped.sleeps).toEqual([500, 1000, 2000]);

    const capped = client({ baseUrl: server.origin, retry: { maxDelayMs: 800 } });
    server.seen.length = 0;
    await capped.http.request({ method: 'GET', url: '/x' });
    expect(capped.sleeps).toEqual([500, 800, 800]);
  });

  it('jitters each delay down to half of it', async () => {
    const server = await serve(statuses([503, 503, 200]));
    const { http, sleeps } = client({ baseUrl: server.origin, random: () => 0 });
    await http.request({ method: 'GET', url: '/x' });
    expect(sleeps).toEqual([250, 500]);
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_RETRY).toEqual({ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 });
  });
});

// --- classification and the run's retry log -----------------------------------------------------------------------

describe('classification by the client', () => {
  it('a retryStatus replaces the default: here 500 is retried and 503 is not', async () => {
    const seenByClassifier: string[] = [];
    const retryStatus = ({ method, url, status, body }: { method: string; url: string; status: number; body: Buffer }): boolean => {
      seenByClassifier.push(`${method} ${url} ${status} ${body.toString()}`);
      return status === 500;
    };
    const server = await serve(statuses([500, 200]));
    const { http, sleeps } = client({ baseUrl: server.origin, retryStatus });
    expect((await http.request({ method: 'GET', url: '/x', query: { q: '1' } })).status).toBe(200);
    expect(sleeps).toEqual([500]);
    // The URL without its query, and the answer's body, for classifiers that read a registry's error codes.
    expect(seenByClassifier).toEqual([`GET ${server.origin}/x 500 {"status":500}`]);

    const other = await serve(statuses([503, 200]));
    const strict = client({ baseUrl: other.origin, retryStatus });
    const error = await httpFailure(strict.http.request({ method: 'GET', url: '/x' }));
    expect(error).toMatchObject({ status: 503, retryable: false, retries: 0 });
    expect(other.seen).toHaveLength(1);
  });
});

describe('one retry log for a run', () => {
  it('holds each retry of every client sharing it once, in order, while each client keeps its own', async () => {
    const retryLog = new RetryLog();
    const api = await serve(statuses([503, 200]));
    const registry = await serve(statuses([502, 504, 200]));
    const first = client({ baseUrl: api.origin, retryLog });
    const second = client({ baseUrl: registry.origin, retryLog });
    await first.http.request({ method: 'GET', url: '/a' });
    await second.http.request({ method: 'HEAD', url: '/b' });
    expect(first.http.retries).toHaveLength(1);
    expect(second.http.retries).toHaveLength(2);
    expect(retryLog.records.map((r) => `${r.method} ${r.reason}`)).toEqual(['GET 503 Service Unavailable', 'HEAD 502 Bad Gateway', 'HEAD 504 Gateway Timeout']);
    // One log line per record.
    expect(first.logs.length + second.logs.length).toBe(retryLog.records.length);
  });
});

describe('retries made by the caller (an upload that resumes or starts again)', () => {
  it('a failure says why and carries the Retry-After it was sent with', async () => {
    const server = await serve(statuses([503], { 'retry-after': '1' }));
    const { http } = client({ baseUrl: server.origin });
    const error = await httpFailure(http.request({ method: 'PUT', url: '/upload', body: 'x', maxAttempts: 1 }));
    expect(error).toMatchObject({ status: 503, retryable: true, reason: '503 Service Unavailable', retryAfterMs: 1000 });

    const refused = await httpFailure(client({ baseUrl: 'http://127.0.0.1:9' }).http.request({ method: 'GET', url: '/x', maxAttempts: 1 }));
    expect(refused.reason).toMatch(/ECONNREFUSED/);
    expect(refused.retryAfterMs).toBeUndefined();
  });

  it("waits the server's Retry-After, and records and logs the retry as the client's own", async () => {
    const retryLog = new RetryLog();
    const server = await serve(statuses([503], { 'retry-after': '1' }));
    const { http, sleeps, logs } = client({ baseUrl: server.origin, retryLog });
    const error = await httpFailure(http.request({ method: 'PUT', url: '/upload/1', query: { digest: 'sha256:0' }, body: 'x', maxAttempts: 1 }));
    await http.retryAfter(error, 1, 4, { label: 'upload blob b' });
    expect(sleeps).toEqual([1000]);
    expect(logs).toEqual(['upload blob b answered 503; retry 1 of 4 in 1 s']);
    expect(http.retries).toEqual([{ method: 'PUT', url: `${server.origin}/upload/1`, attempt: 1, reason: '503 Service Unavailable', delayMs: 1000 }]);
    expect(retryLog.records).toEqual(http.retries);
  });

  it('backs off with jitter when no Retry-After was sent', async () => {
    const server = await serve(statuses([502]));
    const { http, sleeps } = client({ baseUrl: server.origin, random: () => 0 });
    const error = await httpFailure(http.request({ method: 'PUT', url: '/upload', body: 'x', maxAttempts: 1 }));
    await http.retryAfter(error, 1, 4);
    await http.retryAfter(error, 2, 4);
    expect(sleeps).toEqual([250, 500]);
    expect(http.retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('refuses a Retry-After beyond the policy: nothing is waited for or counted', async () => {
    const server = await serve(statuses([429], { 'retry-after': '120' }));
    const { http, sleeps, logs } = client({ baseUrl: server.origin });
    const error = await httpFailure(http.request({ method: 'PUT', url: '/upload', body: 'x', maxAttempts: 1 }));
    const refused = await httpFailure(http.retryAfter(error, 1, 4));
    expect(refused.message).toContain('asked to retry after 120 s, more than the 60 s limit');
    expect(refused.status).toBe(429);
    expect(sleeps).toEqual([]);
    expect(logs).toEqual([]);
    expect(http.retries).toEqual([]);
  });
});

// --- accepted statuses ---------------------------------------------------------------------------------------------

describe('accepted statuses', () => {
  it('returns a 404 when the caller accepts it', async () => {
    const server = await serve(statuses([404]));
    const { http } = client({ baseUrl: server.origin });
    const response = await http.request({ method: 'GET', url: '/x', accept: [200, 404] });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ status: 404 });
  });

  it('names the request by `what` in errors', async () => {
    const server = await serve((_req, res) => res.writeHead(404).end('no such repository'));
    const { http } = client({ baseUrl: server.origin });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x', what: 'look up repository app' }));
    expect(error.message).toBe('look up repository app failed: 404 Not Found: no such repository');
    expect(error.url).toBe(`${server.origin}/x`);
    expect(error.method).toBe('GET');
  });
});

// --- connections and timeouts --------------------------------------------------------------------------------------

describe('connections', () => {
  it('retries a connection reset by the server', async () => {
    const server = await serve((req, res, index) => {
      if (index === 0) req.socket.destroy();
      else res.writeHead(200).end('ok');
    });
    const { http, logs } = client({ baseUrl: server.origin });
    const response = await http.request({ method: 'GET', url: '/x' });
    expect(response.text()).toBe('ok');
    expect(http.retries).toHaveLength(1);
    expect(logs[0]).toMatch(/failed: .*; retry 1 of 4 in 0\.5 s$/);
  });

  it('does not send a POST again after a reset (it may have been applied), unless the caller says it is idempotent', async () => {
    /** A server that resets the first connection and answers the next request. */
    const resetFirst = async () => (await serve((req, res, index) => (index === 0 ? req.socket.destroy() : res.writeHead(201).end('{}')))).origin;
    const once = client({ baseUrl: await resetFirst() }).http;
    const error = await httpFailure(once.request({ method: 'POST', url: '/create' }));
    expect(error.retryable).toBe(false);
    expect(once.attempts).toBe(1);
    const again = client({ baseUrl: await resetFirst() }).http;
    expect((await again.request({ method: 'POST', url: '/session', idempotent: true })).status).toBe(201);
    expect(again.attempts).toBe(2);
    const put = client({ baseUrl: await resetFirst() }).http;
    expect((await put.request({ method: 'PUT', url: '/x' })).status).toBe(201);
    expect(put.attempts).toBe(2);
  });

  it('still retries a POST the server says it did not process (503)', async () => {
    const server = await serve(statuses([503, 201]));
    const { http } = client({ baseUrl: server.origin });
    expect((await http.request({ method: 'POST', url: '/create' })).status).toBe(201);
    expect(http.retries).toHaveLength(1);
  });

  it('keeps a connection open for the next request', async () => {
    const ports: number[] = [];
    const server = await serve((req, res) => {
      ports.push(req.socket.remotePort ?? 0);
      res.writeHead(200).end('ok');
    });
    const { http } = client({ baseUrl: server.origin });
    await http.request({ method: 'GET', url: '/a' });
    await http.request({ method: 'PUT', url: '/b', body: 'x' });
    expect(ports).toHaveLength(2);
    expect(ports[1]).toBe(ports[0]);
  });

  it("checks an HTTPS server's certificate: a self-signed one fails, and is not retried", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http-tls-'));
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    expect(made.status).toBe(0);
    const seen: string[] = [];
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200).end('ok');
    });
    const port = await listen(server);
    rmSync(dir, { recursive: true, force: true });
    const { http } = client({ baseUrl: `https://127.0.0.1:${port}` });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x' }));
    expect(error.message).toMatch(/self-signed certificate/);
    expect(error.retryable).toBe(false);
    expect(http.attempts).toBe(1);
    expect(seen).toEqual([]);
  });

  it('gives up on a port with nothing listening', async () => {
    const spare = createServer();
    const port = await listen(spare);
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const { http } = client({ baseUrl: `http://127.0.0.1:${port}`, retry: { maxAttempts: 2 } });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x' }));
    expect(error.status).toBeUndefined();
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('gave up after 1 retry)');
    expect(error.hint).toBe('check the URL and that the server is reachable (proxy: HTTPS_PROXY/NO_PROXY)');
    expect(http.attempts).toBe(2);
  });

  it('with retryRefused: false, fails at once where nothing listens', async () => {
    const spare = createServer();
    const port = await listen(spare);
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const { http } = client({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x', retryRefused: false }));
    expect(error.message).toContain('ECONNREFUSED');
    expect(http.attempts).toBe(1);
    expect(http.retries).toEqual([]);
  });

  it('with retryRefused: false, still retries a reset and a timeout, and records each retry', async () => {
    const server = await serve((req, res, index) => {
      if (index === 0) req.socket.destroy();
      else if (index === 1)
        return; // never answers: times out
      else res.writeHead(200).end('ok');
    });
    const { http } = client({ baseUrl: server.origin, timeoutMs: 200 });
    const response = await http.request({ method: 'GET', url: '/x', retryRefused: false });
    expect(response.text()).toBe('ok');
    expect(http.retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(http.retries[1]!.reason).toBe('timed out after 0.2 s');
  });

  it('times out a server that never answers', async () => {
    const server = await serve(() => {});
    const { http } = client({ baseUrl: server.origin, timeoutMs: 200, retry: { maxAttempts: 2 } });
    const started = Date.now();
    const error = await httpFailure(http.request({ method: 'GET', url: '/x' }));
    expect(error.message).toContain('timed out after 0.2 s');
    expect(error.status).toBeUndefined();
    expect(http.attempts).toBe(2);
    expect(server.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a body that stops half way', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const { http } = client({ baseUrl: server.origin, timeoutMs: 200, retry: { maxAttempts: 1 } });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x' }));
    expect(error.message).toContain('timed out after 0.2 s');
  });

  it('never retries a request the caller aborts', async () => {
    const server = await serve(() => {});
    const { http } = client({ baseUrl: server.origin });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await httpFailure(http.request({ method: 'GET', url: '/x', signal: controller.signal }));
    expect(error.message).toContain('was cancelled');
    expect(http.attempts).toBe(1);
    expect(http.retries).toEqual([]);

    // Already aborted: nothing is sent.
    const before = http.attempts;
    await httpFailure(http.request({ method: 'GET', url: '/x', signal: AbortSignal.abort() }));
    expect(http.attempts).toBe(before);
  });

  it('stops waiting between retries when the caller aborts', async () => {
    const server = await serve(statuses([503]));
    const controller = new AbortController();
    // A sleep that never ends on its own: only the abort can end the wait.
    const { http } = client({ baseUrl: server.origin, sleep: () => new Promise(() => {}) });
    setTimeout(() => controller.abort(), 50);
    const error = await httpFailure(http.request({ method: 'GET', url: '/x', signal: controller.signal }));
    expect(error.message).toContain('was cancelled');
    expect(http.attempts).toBe(1);
  });
});

// --- secrets -------------------------------------------------------------------------------------------------------

describe('secrets', () => {
  const bearer = 'bearer-value-0123456789';
  const token = 'abc-token-9876543210';
  const apiKey = 'api-key-from-secrets';

  it('keeps the Authorization header, JSON tokens and secrets() out of every message', async () => {
    const server = await serve((req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: req.headers.authorization, token, detail: `key ${apiKey} refused` }));
    });
    const { http } = client({ baseUrl: server.origin, secrets: () => [apiKey] });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x', headers: { Authorization: `Bearer ${bearer}` } }));
    const everything = [error.message, error.hint ?? '', error.bodySnippet, String(error)].join('\n');
    expect(error.bodySnippet).toContain('***');
    expect(error.bodySnippet).toContain('refused');
    for (const secret of [bearer, token, apiKey]) expect(everything).not.toContain(secret);
    expect(error.status).toBe(403);
  });

  it('reads secrets() again for every message', async () => {
    const later: string[] = [];
    const server = await serve((_req, res) => res.writeHead(401).end(`bad key ${apiKey}`));
    const { http } = client({ baseUrl: server.origin, secrets: () => later });
    later.push(apiKey);
    const error = await httpFailure(http.request({ method: 'GET', url: '/x' }));
    expect(error.message).toBe(`GET ${server.origin}/x answered 401 Unauthorized: bad key ***`);
  });

  it('cuts a long body to 500 characters, masking before the cut', async () => {
    const secret = 'S'.repeat(20) + 'ECRET-THAT-STRADDLES-THE-CUT';
    // The secret starts 20 characters before the cut, so cutting before masking would leave its first 19 characters.
    const body = `${'x'.repeat(480)}${secret}${'y '.repeat(5000)}`;
    const server = await serve((_req, res) => res.writeHead(400).end(body));
    const { http } = client({ baseUrl: server.origin, secrets: () => [secret] });
    const error = await httpFailure(http.request({ method: 'GET', url: '/x' }));
    expect(body.length).toBeGreaterThan(10_000);
    expect(error.bodySnippet.length).toBeLessThanOrEqual(500);
    expect(error.bodySnippet.endsWith('…')).toBe(true);
    expect(error.bodySnippet).not.toContain(secret.slice(0, 10));
    expect(error.bodySnippet).toContain('***');
    expect(error.message.length).toBeLessThan(600);
  });

  it('collapses whitespace in the snippet', async () => {
    const server = await serve((_req, res) => res.writeHead(409).end('a\n\n  b\t c\n'));
    const { http } = client({ baseUrl: server.origin });
    expect((await httpFailure(http.request({ method: 'GET', url: '/x' }))).bodySnippet).toBe('a b c');
  });
});

// --- bodies --------------------------------------------------------------------------------------------------------

describe('bodies', () => {
  it('re-creates a streamed body for every attempt', async () => {
    const server = await serve(statuses([503, 201]));
    const { http } = client({ baseUrl: server.origin });
    const chunks = ['first chunk,', 'second chunk,', 'third'];
    const response = await http.request({ method: 'POST', url: '/upload', body: () => Readable.from(chunks.map((c) => Buffer.from(c))) });
    expect(response.status).toBe(201);
    expect(server.seen.map((s) => s.body)).toEqual([chunks.join(''), chunks.join('')]);
  });

  it('reuses a plain body', async () => {
    const server = await serve(statuses([502, 200]));
    const { http } = client({ baseUrl: server.origin });
    await http.request({ method: 'PUT', url: '/x', body: new Uint8Array([1, 2, 3]) });
    expect(server.seen.map((s) => s.body.length)).toEqual([3, 3]);
  });

  it('sends JSON with its content type', async () => {
    const server = await serve(statuses([200]));
    const { http } = client({ baseUrl: server.origin });
    await http.request({ method: 'POST', url: '/x', json: { name: 'app', n: 1 } });
    expect(server.seen[0]?.body).toBe('{"name":"app","n":1}');
    expect(server.seen[0]?.headers['content-type']).toBe('application/json');
  });

  it('parses JSON answers against a zod schema', async () => {
    const server = await serve((req, res) => res.writeHead(200).end(req.url === '/good' ? '{"id":"r1","size":3}' : '{"id":7}'));
    const { http } = client({ baseUrl: server.origin });
    const Repository = z.object({ id: z.string(), size: z.number() });
    const good = await http.request({ method: 'GET', url: '/good' });
    expect(good.json(Repository)).toEqual({ id: 'r1', size: 3 });
    const bad = await http.request({ method: 'GET', url: '/bad', what: 'read repository' });
    const error = await httpFailure(Promise.resolve().then(() => bad.json(Repository)));
    expect(error.message).toContain('read repository answered an unexpected body');
    expect(error.message).toContain('id');
    expect(error.status).toBe(200);
  });

  it('reports a body that is not JSON', async () => {
    const server = await serve((_req, res) => res.writeHead(200).end('<html>proxy login</html>'));
    const { http } = client({ baseUrl: server.origin });
    const response = await http.request({ method: 'GET', url: '/x' });
    const error = await httpFailure(Promise.resolve().then(() => response.json()));
    expect(error.message).toContain('unexpected body (not JSON): <html>proxy login</html>');
  });
});

// --- headers and URLs ----------------------------------------------------------------------------------------------

describe('headers and URLs', () => {
  it('sends user-agent and accept by default, and lets the caller override them', async () => {
    const server = await serve(statuses([200]));
    const { http } = client({ baseUrl: server.origin });
    await http.request({ method: 'GET', url: '/x' });
    await http.request({ method: 'GET', url: '/x', headers: { Accept: 'text/plain', 'X-Extra': 'yes' } });
    expect(server.seen[0]?.headers['user-agent']).toBe(`meshagent-ship/${VERSION}`);
    expect(server.seen[0]?.headers.accept).toBe('application/json');
    expect(server.seen[1]?.headers.accept).toBe('text/plain');
    expect(server.seen[1]?.headers['x-extra']).toBe('yes');
  });

  it('encodes query parameters, drops undefined ones and keeps a base path prefix', async () => {
    const server = await serve(statuses([200]));
    const { http } = client({ baseUrl: `${server.origin}/api/` });
    await http.request({ method: 'GET', url: '/x', query: { q: 'a b&c', n: 2, skip: undefined } });
    expect(server.seen[0]?.url).toBe('/api/x?q=a+b%26c&n=2');
  });

  it('takes an absolute URL as it is, and leaves the query out of messages', async () => {
    const server = await serve(statuses([404]));
    const { http } = client({ baseUrl: 'http://127.0.0.1:1/elsewhere' });
    const error = await httpFailure(http.request({ method: 'DELETE', url: `${server.origin}/y`, query: { secret: 'q' } }));
    expect(server.seen[0]?.url).toBe('/y?secret=q');
    expect(error.url).toBe(`${server.origin}/y`);
    expect(error.message).not.toContain('secret=q');
  });

  it('can be closed twice, and refuses requests after close', async () => {
    const server = await serve(statuses([200]));
    const { http } = client({ baseUrl: server.origin });
    await http.request({ method: 'GET', url: '/x' });
    await http.close();
    await expect(http.close()).resolves.toBeUndefined();
    await expect(http.request({ method: 'GET', url: '/x' })).rejects.toThrow('after close()');
  });

  it('joins repeated response headers and lower-cases names', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('X-Multi', ['a', 'b']);
      res.writeHead(200).end();
    });
    const { http } = client({ baseUrl: server.origin });
    const response = await http.request({ method: 'HEAD', url: '/x' });
    expect(response.headers['x-multi']).toBe('a, b');
    expect(response.body.length).toBe(0);
  });
});

// --- proxy ---------------------------------------------------------------------------------------------------------

describe('proxy', () => {
  /** A forward proxy for plain HTTP: takes absolute-form request lines, records them and forwards them. */
  async function forwardProxy(): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const upstream = nodeRequest(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    const port = await listen(proxy);
    return { url: `http://127.0.0.1:${port}`, seen };
  }

  it('goes through HTTP_PROXY from `env`', async () => {
    const target = await serve(statuses([200]));
    const proxy = await forwardProxy();
    const { http } = client({ env: { HTTP_PROXY: proxy.url } });
    expect((await http.request({ method: 'GET', url: `${target.origin}/through` })).status).toBe(200);
    expect(proxy.seen).toEqual([`GET ${target.origin}/through`]);
    expect(target.seen).toHaveLength(1);
  });

  it('goes direct to a host in NO_PROXY', async () => {
    const target = await serve(statuses([200]));
    const proxy = await forwardProxy();
    const { http } = client({ env: { http_proxy: proxy.url, NO_PROXY: '127.0.0.1' } });
    await http.request({ method: 'GET', url: `${target.origin}/direct` });
    expect(proxy.seen).toEqual([]);
    expect(target.seen).toHaveLength(1);
  });

  it('reads the proxy from `env` only, not from process.env', async () => {
    const target = await serve(statuses([200]));
    const proxy = await forwardProxy();
    vi.stubEnv('HTTP_PROXY', proxy.url);
    vi.stubEnv('http_proxy', proxy.url);
    const { http } = client({ env: {} });
    await http.request({ method: 'GET', url: `${target.origin}/direct` });
    // HTTPS_PROXY alone does not make plain-http requests use process.env's HTTP_PROXY.
    const httpsOnly = client({ env: { HTTPS_PROXY: proxy.url } });
    await httpsOnly.http.request({ method: 'GET', url: `${target.origin}/direct` });
    // And with a proxy in `env`, NO_PROXY also comes from `env` only.
    vi.stubEnv('NO_PROXY', '127.0.0.1');
    vi.stubEnv('no_proxy', '127.0.0.1');
    const proxied = client({ env: { HTTP_PROXY: proxy.url } });
    await proxied.http.request({ method: 'GET', url: `${target.origin}/through` });
    expect(proxy.seen).toEqual([`GET ${target.origin}/through`]);
  });
});

describe('streamed answers and per-request limits', () => {
  it('hands an accepted body over unread, and reads a refused one into the error', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const { origin } = await serve((req, res) => {
      if (req.url === '/big') res.writeHead(200).end(big);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
    });
    const { http } = client({ baseUrl: origin });
    const answer = await http.stream({ method: 'GET', url: '/big' });
    expect(answer.status).toBe(200);
    let length = 0;
    for await (const chunk of answer.body) length += (chunk as Buffer).length;
    expect(length).toBe(big.length);
    const error = await httpFailure(http.stream({ method: 'GET', url: '/missing' }));
    expect(error.status).toBe(404);
    expect(error.bodySnippet).toContain('BLOB_UNKNOWN');
    expect(error.retryable).toBe(false);
  });

  it('retries a streamed request on 503 before handing the body over', async () => {
    const { origin, seen } = await serve(statuses([503, 200]));
    const { http } = client({ baseUrl: origin });
    const answer = await http.stream({ method: 'GET', url: '/x' });
    answer.body.resume();
    expect(seen).toHaveLength(2);
  });

  it('does not cut a streamed body when the header timeout passes', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200);
      res.write('a');
      setTimeout(() => res.end('b'), 300);
    });
    const { http } = client({ baseUrl: origin, timeoutMs: 100 });
    const answer = await http.stream({ method: 'GET', url: '/slow' });
    let text = '';
    for await (const chunk of answer.body) text += String(chunk);
    expect(text).toBe('ab');
  });

  it('takes maxAttempts and timeoutMs per request, and marks what was worth retrying', async () => {
    const { origin, seen } = await serve(statuses([503]));
    const { http } = client({ baseUrl: origin });
    const error = await httpFailure(http.request({ method: 'PUT', url: '/once', maxAttempts: 1 }));
    expect(seen).toHaveLength(1);
    expect(error.retryable).toBe(true);
    expect(http.retries).toHaveLength(0);
    const slow = await serve((_req, res) => setTimeout(() => res.writeHead(200).end('{}'), 400));
    const timed = await httpFailure(client({ baseUrl: slow.origin }).http.request({ method: 'GET', url: '/', timeoutMs: 50, maxAttempts: 1 }));
    expect(timed.message).toContain('timed out after 0.05 s');
    expect(timed.retryable).toBe(true);
  });
});

describe('a service write refused with an answer that echoes the spec', () => {
  it("hides the spec's environment values in the error, as the API's validation answer may quote them", async () => {
    // As a FastAPI validation error does: the offending input is quoted back.
    const api = await serve((_req, res, _index, body) => {
      const spec = JSON.parse(body) as { container: { environment: { value: string }[] } };
      res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: [{ msg: 'bad', input: spec.container.environment }] }));
    });
    const meshagent = new MeshagentClient({ apiUrl: api.origin, apiKey: 'ma-key', projectId: 'p', mask: () => {}, http: { retry: { maxAttempts: 1 } } });
    try {
      const spec: ServiceSpec = {
        version: 'v1',
        kind: 'Service',
        enabled: true,
        metadata: { name: 'web' },
        container: {
          image: 'r.test/web@sha256:' + 'a'.repeat(64),
          private: true,
          environment: [
            { name: 'DATABASE_URL', value: 'postgres://app:s3cr3t-pw@db/app' },
            { name: 'APP', value: 'web' },
          ],
        },
      };
      for (const write of [() => meshagent.updateService('dev', 'id-1', spec), () => meshagent.createService('dev', spec)]) {
        const error = await httpFailure(write());
        expect(error.message).toContain('DATABASE_URL');
        // A short value is no credential: the message still names the service.
        expect(error.message).toMatch(/^(update|create) service web failed/);
        expect(error.message).not.toContain('s3cr3t');
        expect(error.bodySnippet).not.toContain('s3cr3t');
      }
    } finally {
      await meshagent.close();
    }
  });
});
