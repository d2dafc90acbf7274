// Which registry answers are retried, against a small registry on 127.0.0.1 that answers with scripted faults: 5xx and
// 429 on every request, the manifest link race of distribution 2.8, an upload that starts again after the closing
// PUT failed (waiting the Retry-After it was sent), a digest refusal restarted once, and 4xx never. Every retry is
// counted once: in the client, in a run's shared log, in the push's stats and in the log lines.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { HttpError, RetryLog, type FailedAnswer } from '../../src/http.js';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { pushImage } from '../../src/oci/push.js';
import { isRetryableRegistryAnswer } from '../../src/oci/registry-retry.js';
import { uploadBlob } from '../../src/oci/registry-upload.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';

const sha256 = (data: Buffer | string): Digest => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const errorBody = (...codes: string[]): string => JSON.stringify({ errors: codes.map((code) => ({ code, message: code.toLowerCase() })) });

// --- the classification alone ----------------------------------------------------------------------------------------

describe('registry answers worth retrying', () => {
  const answer = (method: FailedAnswer['method'], path: string, status: number, body = ''): FailedAnswer => ({
    method,
    url: `http://127.0.0.1:5000${path}`,
    status,
    body: Buffer.from(body),
  });

  it('5xx that may pass (500, 502, 503, 504) and 429, on every request', () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'] as const) {
      const retried = Array.from({ length: 500 }, (_, i) => 100 + i).filter((status) =>
        isRetryableRegistryAnswer(answer(method, '/v2/a/b/blobs/sha256:0', status)),
      );
      expect(retried).toEqual([429, 500, 502, 503, 504]);
    }
  });

  it("a manifest PUT refused by distribution's link race (DIGEST_INVALID, with or without MANIFEST_BLOB_UNKNOWN)", () => {
    expect(isRetryableRegistryAnswer(answer('PUT', '/v2/p/app/manifests/v1', 400, errorBody('DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN')))).toBe(true);
    expect(isRetryableRegistryAnswer(answer('PUT', '/v2/p/app/manifests/sha256:0', 400, errorBody('DIGEST_INVALID')))).toBe(true);
  });

  it('never another 4xx: a blob really missing, an invalid manifest, a digest refused on an upload, 401/403/404/408/409', () => {
    expect(isRetryableRegistryAnswer(answer('PUT', '/v2/p/app/manifests/v1', 400, errorBody('MANIFEST_BLOB_UNKNOWN')))).toBe(false);
    expect(isRetryableRegistryAnswer(answer('PUT', '/v2/p/app/manifests/v1', 400, errorBody('DIGEST_INVALID', 'MANIFEST_INVALID')))).toBe(false);
    expect(isRetryableRegistryAnswer(answer('PUT', '/v2/p/app/manifests/v1', 400, 'not json'))).toBe(false);
    expect(isRetryableRegistryAnswer(answer('PUT', '/v2/p/app/blobs/uploads/abc', 400, errorBody('DIGEST_INVALID')))).toBe(false);
    expect(isRetryableRegistryAnswer(answer('GET', '/v2/p/app/manifests/v1', 400, errorBody('DIGEST_INVALID')))).toBe(false);
    for (const status of [401, 403, 404, 408, 409])
      expect(isRetryableRegistryAnswer(answer('PUT', '/v2/p/app/manifests/v1', status, errorBody('DIGEST_INVALID')))).toBe(false);
  });
});

// --- a registry with scripted faults ---------------------------------------------------------------------------------

interface Fault {
  readonly method: string;
  /** Matched against the path (no query). */
  readonly path: RegExp;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly at: number;
}

const servers: Server[] = [];
const clients: RegistryClient[] = [];
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'registry-retry-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))));
});

/**
 * A registry without auth keeping blobs and manifests in memory. Each request matching the first unused fault of
 * `faults` gets that fault's answer instead (an upload's closing PUT that fails cancels its session, as distribution does).
 */
async function fakeRegistry(faults: Fault[] = []): Promise<{ host: string; seen: Seen[]; blobs: Map<string, Buffer>; manifests: Map<string, Buffer> }> {
  const seen: Seen[] = [];
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, Buffer>();
  const sessions = new Map<string, Buffer[]>();
  let sessionCount = 0;
  const pending = [...faults];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://registry');
      const method = req.method ?? '';
      const path = url.pathname;
      const body = Buffer.concat(chunks);
      seen.push({ method, path, at: Date.now() });
      const fault = pending.findIndex((f) => f.method === method && f.path.test(path));
      if (fault >= 0) {
        const { status, headers, body: answer } = pending.splice(fault, 1)[0] as Fault;
        if (method === 'PUT' && path.startsWith('/upload/')) sessions.delete(path);
        return void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(answer ?? '');
      }
      if (path === '/v2/') return void res.writeHead(200).end('{}');
      const blob = /^\/v2\/.+\/blobs\/(sha256:[a-f0-9]{64})$/.exec(path);
      if (blob && (method === 'HEAD' || method === 'GET')) {
        const bytes = blobs.get(blob[1] as string);
        if (!bytes) return void res.writeHead(404).end();
        return void res
          .writeHead(200, { 'content-length': String(bytes.length), 'docker-content-digest': blob[1] as string })
          .end(method === 'GET' ? bytes : undefined);
      }
      if (method === 'POST' && /^\/v2\/.+\/blobs\/uploads\/$/.test(path)) {
        sessionCount += 1;
        sessions.set(`/upload/${sessionCount}`, []);
        return void res.writeHead(202, { location: `/upload/${sessionCount}` }).end();
      }
      if (path.startsWith('/upload/')) {
        const session = sessions.get(path);
        if (!session) return void res.writeHead(404, { 'content-type': 'application/json' }).end(errorBody('BLOB_UPLOAD_UNKNOWN'));
        if (method === 'DELETE') return void (sessions.delete(path), res.writeHead(204).end());
        if (method === 'PUT') {
          const digest = url.searchParams.get('digest') ?? '';
          const bytes = Buffer.concat([...session, body]);
          sessions.delete(path);
          if (sha256(bytes) !== digest) return void res.writeHead(400, { 'content-type': 'application/json' }).end(errorBody('DIGEST_INVALID'));
          blobs.set(digest, bytes);
          return void res.writeHead(201, { 'docker-content-digest': digest, location: `/v2/x/blobs/${digest}` }).end();
        }
      }
      const manifest = /^\/v2\/.+\/manifests\/([^/]+)$/.exec(path);
      if (manifest) {
        const reference = manifest[1] as string;
        if (method === 'PUT') {
          manifests.set(reference, body);
          return void res.writeHead(201, { 'docker-content-digest': sha256(body) }).end();
        }
        const bytes = manifests.get(reference);
        if (!bytes) return void res.writeHead(404).end();
        return void res
          .writeHead(200, {
            'docker-content-digest': sha256(bytes),
            'content-type': 'application/vnd.oci.image.manifest.v1+json',
            'content-length': String(bytes.length),
          })
          .end(method === 'GET' ? bytes : undefined);
      }
      res.writeHead(405).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen, blobs, manifests };
}

interface Client {
  readonly registry: RegistryClient;
  readonly sleeps: number[];
  readonly lines: string[];
  readonly retryLog: RetryLog;
}

/** A registry client; its waits are recorded and skipped unless `realSleep`. */
function registryClient(host: string, realSleep = false): Client {
  const sleeps: number[] = [];
  const lines: string[] = [];
  const retryLog = new RetryLog();
  const registry = new RegistryClient({
    registry: host,
    mask: () => {},
    log: (line) => lines.push(line),
    http: {
      retryLog,
      random: () => 1,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (realSleep) await new Promise((resolve) => setTimeout(resolve, ms));
      },
    },
  });
  clients.push(registry);
  return { registry, sleeps, lines, retryLog };
}

async function rejection(call: Promise<unknown>): Promise<ShipError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ShipError);
  return error as ShipError;
}

const data = Buffer.from('a blob of some bytes');
const digest = sha256(data);
const source = (start: number, end: number): Readable => Readable.from([data.subarray(start, end)]);
const UPLOAD_PUT = /^\/upload\//;

// --- uploads ---------------------------------------------------------------------------------------------------------

describe('a blob upload whose closing PUT fails', () => {
  it('starts again only after the Retry-After it was sent, counted as one retry', async () => {
    const fake = await fakeRegistry([{ method: 'PUT', path: UPLOAD_PUT, status: 503, headers: { 'retry-after': '1' } }]);
    const { registry, sleeps, lines, retryLog } = registryClient(fake.host, true);
    const uploadLines: string[] = [];
    const result = await uploadBlob(registry.repository('p/app', ['pull', 'push']), digest, data.length, source, { log: (l) => uploadLines.push(l) });
    expect(result).toMatchObject({ restarts: 1, resumes: 0 });
    expect(fake.blobs.get(digest)).toEqual(data);
    // The failed PUT, then (a second later, as asked) a new session and its PUT.
    const puts = fake.seen.filter((s) => s.method === 'PUT');
    const restart = fake.seen.filter((s) => s.method === 'POST')[1];
    expect(puts).toHaveLength(2);
    expect((restart?.at ?? 0) - (puts[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
    expect(sleeps).toEqual([1000]);
    expect(lines).toEqual([`upload blob ${digest} to ${fake.host}/p/app answered 503; retry 1 of 4 in 1 s`]);
    expect(uploadLines).toEqual([expect.stringContaining('starting again (failure 1)')]);
    expect(registry.http.retries).toEqual([expect.objectContaining({ method: 'PUT', attempt: 1, reason: '503 Service Unavailable', delayMs: 1000 })]);
    expect(retryLog.records).toEqual(registry.http.retries);
  });

  it.each([500, 502, 504, 429])('starts again after %i', async (status) => {
    const fake = await fakeRegistry([{ method: 'PUT', path: UPLOAD_PUT, status }]);
    const { registry, sleeps } = registryClient(fake.host);
    const result = await uploadBlob(registry.repository('p/app', ['pull', 'push']), digest, data.length, source);
    expect(result.restarts).toBe(1);
    expect(sleeps).toEqual([500]);
    expect(registry.http.retries).toHaveLength(1);
  });

  it.each([
    [400, 'SIZE_INVALID'],
    [403, 'DENIED'],
    [404, 'BLOB_UPLOAD_UNKNOWN'],
  ])('never starts again after %i %s', async (status, code) => {
    const fake = await fakeRegistry([{ method: 'PUT', path: UPLOAD_PUT, status, body: errorBody(code) }]);
    const { registry, sleeps } = registryClient(fake.host);
    const error = await rejection(uploadBlob(registry.repository('p/app', ['pull', 'push']), digest, data.length, source));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(status);
    expect(fake.seen.filter((s) => s.method === 'PUT')).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(registry.http.retries).toEqual([]);
  });

  it('starts again once after DIGEST_INVALID (the session is gone), and succeeds when the bytes arrive whole', async () => {
    const fake = await fakeRegistry([{ method: 'PUT', path: UPLOAD_PUT, status: 400, body: errorBody('DIGEST_INVALID') }]);
    const { registry } = registryClient(fake.host);
    const result = await uploadBlob(registry.repository('p/app', ['pull', 'push']), digest, data.length, source);
    expect(result.restarts).toBe(1);
    expect(fake.blobs.get(digest)).toEqual(data);
    expect(registry.http.retries).toEqual([expect.objectContaining({ reason: '400 Bad Request' })]);
  });

  it('gives up on a second DIGEST_INVALID: the blob on disk does not match its name', async () => {
    const fake = await fakeRegistry();
    const { registry } = registryClient(fake.host);
    const wrong = Buffer.from('other bytes');
    const error = await rejection(uploadBlob(registry.repository('p/app', ['pull', 'push']), digest, wrong.length, () => Readable.from([wrong])));
    expect(error.message).toBe(`upload blob ${digest} to ${fake.host}/p/app: the registry computed another digest for the bytes sent`);
    expect(error.hint).toContain('the image on disk is corrupt');
    expect(fake.seen.filter((s) => s.method === 'PUT')).toHaveLength(2);
    expect(registry.http.retries).toHaveLength(1);
  });

  it('gives up after five failures, four of them retried', async () => {
    const fake = await fakeRegistry(Array.from({ length: 5 }, () => ({ method: 'PUT', path: UPLOAD_PUT, status: 503 })));
    const { registry, sleeps } = registryClient(fake.host);
    const error = await rejection(uploadBlob(registry.repository('p/app', ['pull', 'push']), digest, data.length, source));
    expect((error as HttpError).status).toBe(503);
    expect(error.message).toContain('(after 4 resumed or restarted attempts)');
    expect(sleeps).toEqual([500, 1000, 2000, 4000]);
    expect(registry.http.retries).toHaveLength(4);
  });
});

// --- manifests and checks --------------------------------------------------------------------------------------------

describe('manifest PUTs and checks', () => {
  const manifest = Buffer.from('{"schemaVersion":2}');

  it("retries a manifest PUT refused by distribution's link race, and stores it", async () => {
    const fake = await fakeRegistry([{ method: 'PUT', path: /\/manifests\//, status: 400, body: errorBody('DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN') }]);
    const { registry } = registryClient(fake.host);
    expect(await registry.repository('p/app', ['pull', 'push']).putManifest('v1', manifest, 'application/vnd.oci.image.manifest.v1+json')).toBe(
      sha256(manifest),
    );
    expect(fake.manifests.get('v1')).toEqual(manifest);
    expect(registry.http.retries).toHaveLength(1);
  });

  it('does not retry a manifest PUT whose blob is really missing', async () => {
    const fake = await fakeRegistry([{ method: 'PUT', path: /\/manifests\//, status: 400, body: errorBody('MANIFEST_BLOB_UNKNOWN') }]);
    const { registry } = registryClient(fake.host);
    const error = await rejection(registry.repository('p/app', ['pull', 'push']).putManifest('v1', manifest, 'application/vnd.oci.image.manifest.v1+json'));
    expect(error.message).toContain('the registry does not have a blob the manifest references');
    expect(fake.seen.filter((s) => s.method === 'PUT')).toHaveLength(1);
    expect(registry.http.retries).toEqual([]);
  });

  it('retries a 500 on blob and manifest checks', async () => {
    const fake = await fakeRegistry([
      { method: 'HEAD', path: /\/blobs\//, status: 500 },
      { method: 'HEAD', path: /\/manifests\//, status: 500 },
      { method: 'GET', path: /\/manifests\//, status: 500 },
    ]);
    fake.manifests.set('v1', manifest);
    const { registry } = registryClient(fake.host);
    const repo = registry.repository('p/app');
    expect(await repo.blobSize(digest)).toBeUndefined();
    expect((await repo.headManifest('v1'))?.digest).toBe(sha256(manifest));
    expect((await repo.getManifest('v1')).bytes).toEqual(manifest);
    expect(registry.http.retries.map((r) => `${r.method} ${r.reason}`)).toEqual([
      'HEAD 500 Internal Server Error',
      'HEAD 500 Internal Server Error',
      'GET 500 Internal Server Error',
    ]);
  });
});

// --- counting --------------------------------------------------------------------------------------------------------

describe('the retries of a push', () => {
  it('are counted once each: in the stats, the client, the shared log and the log lines', async () => {
    const image = writeTinyOciLayout(join(work, 'image'), 'counted');
    const fake = await fakeRegistry([
      { method: 'HEAD', path: /\/blobs\//, status: 500 },
      { method: 'PUT', path: UPLOAD_PUT, status: 503, headers: { 'retry-after': '0' } },
      { method: 'PUT', path: UPLOAD_PUT, status: 502 },
      { method: 'PUT', path: /\/manifests\//, status: 400, body: errorBody('DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN') },
    ]);
    const { registry, lines, retryLog } = registryClient(fake.host);
    const pushed = await pushImage(await OciLayout.open(image.dir), registry.repository('p/app', ['pull', 'push']), { tag: 'v1', log: (l) => lines.push(l) });
    expect(pushed.stats).toMatchObject({ uploaded: 2, restarts: 2, resumes: 0, retries: 4 });
    expect(registry.http.retries).toHaveLength(4);
    expect(retryLog.records).toHaveLength(4);
    expect(lines.filter((l) => /; retry \d+ of \d+ in /.test(l))).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/, 4 retries$/);
  });
});
