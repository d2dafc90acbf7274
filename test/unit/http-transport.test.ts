// Direct requests over Node's http (node-transport.ts), against real servers: what undici did before must still hold.
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpClientOptions } from '../../src/http.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(options: HttpClientOptions): HttpClient {
  const http = new HttpClient({ env: {}, sleep: async () => {}, random: () => 1, ...options });
  cleanups.push(() => http.close());
  return http;
}

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
