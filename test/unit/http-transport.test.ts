// Direct requests over Node's http (node-transport.ts), against real servers: what undici did before must still hold.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpClientOptions } from '../../src/http.js';
import { NodeTransport } from '../../src/http/node-transport.js';
import { httpFailure } from '../helpers/http-failure.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(options: HttpClientOptions): HttpClient {
  const http = new HttpClient({ env: {}, sleep: async () => {}, random: () => 1, ...options });
  cleanups.push(() => http.close());
  return http;
}

async function listen(server: Server | ReturnType<typeof createTcpServer>, scheme = 'http'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A keep-alive server that answers 200 "ok", announcing `keepAlive` when given. A connection idle for longer than
 * `closesAfterMs` is one it is closing: a request arriving on it is reset, as when the request crosses the close.
 */
async function closingServer(closesAfterMs: number, keepAlive?: string): Promise<{ origin: string; connections: () => number }> {
  let connections = 0;
  const server = createTcpServer((socket: Socket) => {
    connections += 1;
    socket.on('error', () => {});
    let lastAnswer = Date.now();
    let pending = '';
    socket.on('data', (data: Buffer) => {
      if (Date.now() - lastAnswer > closesAfterMs) return socket.resetAndDestroy();
      pending += data.toString('latin1');
      const headEnd = pending.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(pending.slice(0, headEnd))?.[1] ?? 0);
      if (pending.length < headEnd + 4 + length) return;
      pending = pending.slice(headEnd + 4 + length);
      const announce = keepAlive ? `Keep-Alive: ${keepAlive}\r\n` : '';
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n${announce}\r\nok`);
      lastAnswer = Date.now();
    });
  });
  return { origin: await listen(server), connections: () => connections };
}

describe('idle keep-alive connections', () => {
  it("are not used past a second before the server's Keep-Alive timeout: a POST then goes on a new connection", async () => {
    const server = await closingServer(2_000, 'timeout=2');
    const http = client({ baseUrl: server.origin });
    await http.request({ method: 'GET', url: '/a' });
    await sleep(600);
    expect((await http.request({ method: 'GET', url: '/b' })).text()).toBe('ok');
    expect(server.connections()).toBe(1);
    await sleep(2_100);
    // A reset POST is not sent again (it may have been applied): it must not be sent over the closing connection.
    expect((await http.request({ method: 'POST', url: '/c', body: 'x' })).text()).toBe('ok');
    expect(server.connections()).toBe(2);
    expect(http.attempts).toBe(3);
  });

  it('are dropped after 4 s when the server announces no timeout', async () => {
    const server = await closingServer(4_200);
    const http = client({ baseUrl: server.origin });
    await http.request({ method: 'GET', url: '/a' });
    await sleep(4_400);
    expect((await http.request({ method: 'POST', url: '/b', body: 'x' })).text()).toBe('ok');
    expect(server.connections()).toBe(2);
  });
});

describe('stream bodies', () => {
  /** A body that never ends on its own, and the list of those made. */
  function endless(): { bodies: Readable[]; make: () => Readable } {
    const bodies: Readable[] = [];
    return {
      bodies,
      make: () => {
        const body = new Readable({
          read() {
            this.push(Buffer.alloc(16 * 1024));
          },
        });
        bodies.push(body);
        return body;
      },
    };
  }

  it('are destroyed when the request times out or is stopped, leaving no source open', async () => {
    // Reads nothing and never answers.
    const origin = await listen(createServer(() => {}));
    const http = client({ baseUrl: origin, timeoutMs: 300, retry: { maxAttempts: 2 } });
    const { bodies, make } = endless();
    await expect(http.request({ method: 'PUT', url: '/upload', body: make })).rejects.toThrow('timed out after 0.3 s');
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('stopped')), 100);
    await expect(http.request({ method: 'PUT', url: '/upload', body: make, signal: stop.signal, timeoutMs: 10_000 })).rejects.toThrow('was cancelled');
    await sleep(50);
    expect(bodies).toHaveLength(3);
    expect(bodies.map((body) => body.destroyed)).toEqual([true, true, true]);
  });

  it('are destroyed when the server answers before reading them, and the answer is what the caller gets', async () => {
    const origin = await listen(
      createServer((_req, res) => {
        res.writeHead(401, { 'content-type': 'application/json', connection: 'close' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      }),
    );
    const http = client({ baseUrl: origin });
    const { bodies, make } = endless();
    await expect(http.request({ method: 'PUT', url: '/upload', body: make })).rejects.toMatchObject({ status: 401 });
    await sleep(50);
    expect(bodies.map((body) => body.destroyed)).toEqual([true]);
  });
});

describe('certificates', () => {
  /** A private CA and a certificate it signed for `names` (subjectAltName entries), as PEM files in a new directory. */
  function privateCa(names: string): { dir: string; ca: string; key: Buffer; cert: Buffer } {
    const dir = mkdtempSync(join(tmpdir(), 'http-ca-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const at = (file: string) => join(dir, file);
    const run = (...args: string[]) => expect(spawnSync('openssl', args, { encoding: 'utf8' }).status).toBe(0);
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Test CA', '-keyout', at('ca.key'), '-out', at('ca.pem'));
    run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=server', '-keyout', at('server.key'), '-out', at('server.csr'));
    writeFileSync(at('ext'), `subjectAltName=${names}\n`);
    run(
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      at('ext'),
      '-out',
      at('server.pem'),
    );
    return { dir, ca: at('ca.pem'), key: readFileSync(at('server.key')), cert: readFileSync(at('server.pem')) };
  }

  async function httpsServer(names: string): Promise<{ origin: string; ca: string }> {
    const { ca, key, cert } = privateCa(names);
    const origin = await listen(
      createHttpsServer({ key, cert }, (_req, res) => res.end('ok')),
      'https',
    );
    return { origin, ca };
  }

  it('one from a private CA fails at once, naming the server and NODE_EXTRA_CA_CERTS as the fix', async () => {
    const { origin } = await httpsServer('IP:127.0.0.1');
    const http = client({ baseUrl: origin });
    const error = await http.request({ method: 'GET', url: '/v2/' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringContaining(`GET ${origin}/v2/ failed`), retryable: false });
    expect(error).toMatchObject({ hint: expect.stringContaining('set NODE_EXTRA_CA_CERTS to its certificate file') });
    expect(http.attempts).toBe(1);
  });

  /**
   * Sends GET url from a new Node process with NODE_EXTRA_CA_CERTS=ca (Node reads it when it starts), and prints
   * the answer's text or the error. The server stays in this process: the child is spawned without blocking.
   */
  async function getWithExtraCa(url: string, ca: string): Promise<{ text?: string; message?: string; hint?: string; attempts: number }> {
    const script = `import { HttpClient } from ${JSON.stringify(join(process.cwd(), 'src/http.ts'))};
const http = new HttpClient({ env: {}, sleep: async () => {} });
const result = await http.request({ method: 'GET', url: ${JSON.stringify(url)} }).then(
  (answer) => ({ text: answer.text() }),
  (error) => ({ message: error.message, hint: error.hint }),
);
console.log(JSON.stringify({ ...result, attempts: http.attempts }));
await http.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: ca },
    });
    let out = '';
    child.stdout.on('data', (data: Buffer) => (out += data.toString()));
    child.stderr.on('data', (data: Buffer) => (out += data.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, out).toBe(0);
    return JSON.parse(out) as { text?: string; message?: string; hint?: string; attempts: number };
  }

  it('is trusted once NODE_EXTRA_CA_CERTS names the CA', async () => {
    const { origin, ca } = await httpsServer('IP:127.0.0.1');
    expect(await getWithExtraCa(`${origin}/v2/`, ca)).toEqual({ text: 'ok', attempts: 1 });
  });

  it('one for another name fails at once, saying so', async () => {
    const { origin, ca } = await httpsServer('DNS:registry.internal');
    const result = await getWithExtraCa(`${origin}/v2/`, ca);
    expect(result.message).toContain(`GET ${origin}/v2/ failed`);
    expect(result.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(result.hint).toContain('certificate is for another name');
    expect(result.attempts).toBe(1);
  });
});

describe('through a proxy that takes the CONNECT and never answers it', () => {
  async function silentProxy(): Promise<{ url: string; connects: () => number; hangUp: () => Promise<void> }> {
    let connects = 0;
    const sockets: Socket[] = [];
    const proxy = createTcpServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => (connects += 1));
    });
    const origin = await listen(proxy);
    const hangUp = async () => sockets.forEach((socket) => socket.destroy());
    return { url: origin.replace('http://', 'http://user:proxy-secret@'), connects: () => connects, hangUp };
  }

  it('times out an HTTPS request as the timeout says, and a stop ends it at once', async () => {
    const proxy = await silentProxy();
    const http = client({ env: { HTTPS_PROXY: proxy.url }, timeoutMs: 300, retry: { maxAttempts: 1 } });
    // The tunnels the client gave up on still wait, up to 10 s, and close() waits for them: end them first.
    cleanups.push(proxy.hangUp);
    let started = Date.now();
    const error = await httpFailure(http.request({ method: 'GET', url: 'https://registry.test/v2/' }));
    expect(error.message).toBe('GET https://registry.test/v2/ failed: timed out after 0.3 s');
    expect(Date.now() - started).toBeLessThan(2_000);

    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('stopped')), 100);
    started = Date.now();
    const stopped = await httpFailure(http.request({ method: 'GET', url: 'https://registry.test/v2/', signal: stop.signal, timeoutMs: 60_000 }));
    expect(stopped.message).toBe('GET https://registry.test/v2/ was cancelled: stopped');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(proxy.connects()).toBe(2);
  });

  it('gives up on the tunnel after 10 s, as on a connection that does not come up, worth retrying', async () => {
    const proxy = await silentProxy();
    const http = client({ env: { HTTPS_PROXY: proxy.url }, timeoutMs: 60_000, retry: { maxAttempts: 1 } });
    const started = Date.now();
    const error = await httpFailure(http.request({ method: 'GET', url: 'https://registry.test/v2/' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_500);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(error.message).toBe('GET https://registry.test/v2/ failed: Headers Timeout Error (UND_ERR_HEADERS_TIMEOUT)');
    expect(error.retryable).toBe(true);
    expect(proxy.connects()).toBe(1);
  });
});

describe('an answer whose body stops', () => {
  it("fails the body's reader with the idle limit as the reason, not as a connection torn down", async () => {
    const origin = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
      }),
    );
    const transport = new NodeTransport(300);
    cleanups.push(() => transport.close());
    const answer = await transport.request({ origin, path: '/blob', method: 'GET', headers: {}, body: undefined, signal: new AbortController().signal });
    const read: string[] = [];
    const error = await (async () => {
      for await (const chunk of answer.body) read.push(String(chunk));
    })().catch((e: unknown) => e);
    expect(read).toEqual(['partial']);
    expect(error).toMatchObject({ message: 'no data for 0.3 s', code: 'ERR_BODY_TIMEOUT' });
  });
});

describe('a stream body of another length than its content-length', () => {
  it('fails at once, and the server never takes part of it for a whole body or for another request', async () => {
    const received: string[] = [];
    const origin = await listen(
      createServer((req, res) => {
        let bytes = 0;
        req.on('data', (chunk: Buffer) => (bytes += chunk.length));
        req.on('end', () => {
          received.push(`${req.method} ${req.url} ${bytes}`);
          res.end('ok');
        });
      }),
    );
    const http = client({ baseUrl: origin, timeoutMs: 10_000 });
    const upload = (bytes: number) =>
      httpFailure(
        http.request({
          method: 'PATCH',
          url: `/upload/${bytes}`,
          headers: { 'content-length': '100' },
          body: () => Readable.from([Buffer.alloc(bytes)]),
          idempotent: true,
        }),
      );
    const started = Date.now();
    expect((await upload(50)).message).toBe(
      'PATCH ' + origin + '/upload/50 failed: request body is 50 bytes, not the 100 its content-length says (ERR_HTTP_CONTENT_LENGTH_MISMATCH)',
    );
    expect((await upload(150)).message).toBe(
      'PATCH ' + origin + '/upload/150 failed: request body is over 100 bytes, not the 100 its content-length says (ERR_HTTP_CONTENT_LENGTH_MISMATCH)',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(http.attempts).toBe(2);
    expect(
      (
        await http.request({ method: 'PATCH', url: '/upload/100', headers: { 'content-length': '100' }, body: () => Readable.from([Buffer.alloc(100)]) })
      ).text(),
    ).toBe('ok');
    await sleep(50);
    expect(received).toEqual(['PATCH /upload/100 100']);
  });
});
