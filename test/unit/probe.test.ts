import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeUrl } from '../../src/pipeline/probe.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Host header and path of each request the server got. */
const asked: string[] = [];

/** A server answering the given statuses in turn (the last one from then on). */
async function serve(statuses: number[]): Promise<string> {
  let call = 0;
  asked.length = 0;
  server = createServer((request, response) => {
    asked.push(`${request.headers.host} ${request.url}`);
    response.writeHead(statuses[Math.min(call, statuses.length - 1)] ?? 200);
    call += 1;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
}

describe('probeUrl', () => {
  it('tries again while the service answers 5xx or 4xx, and counts only 2xx and 3xx as up', async () => {
    const url = await serve([503, 404, 401, 302]);
    const report = await probeUrl({ url, timeoutMs: 10_000, intervalMs: 1 });
    expect(report).toMatchObject({ url, status: 302, attempts: 4, ok: true });
    expect(report.latencyMs).toBeGreaterThanOrEqual(0);
    const notFound = await serve([404]);
    expect(await probeUrl({ url: notFound, timeoutMs: 200, intervalMs: 50 })).toMatchObject({ status: 404, ok: false });
  });

  it('asks a local router for the domain by Host header when given one', async () => {
    const origin = (await serve([200])).replace(/\/$/, '');
    const report = await probeUrl({ url: 'https://web.sandbox.localhost/healthz', via: origin, timeoutMs: 2000 });
    expect(report).toMatchObject({ url: 'https://web.sandbox.localhost/healthz', status: 200, ok: true });
    expect(asked).toEqual(['web.sandbox.localhost /healthz']);
  });

  it('gives up when the time runs out, with the last status', async () => {
    const url = await serve([503]);
    const logged: string[] = [];
    const report = await probeUrl({ url, timeoutMs: 300, intervalMs: 50, log: (m) => logged.push(m) });
    expect(report).toMatchObject({ status: 503, latencyMs: null, ok: false });
    expect(report.attempts).toBeGreaterThan(1);
    expect(logged[0]).toContain('answered 503; trying again');
  });

  it('reports a URL nothing listens on as not answering', async () => {
    const url = await serve([200]);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const report = await probeUrl({ url, timeoutMs: 200, intervalMs: 50 });
    expect(report).toMatchObject({ status: null, ok: false });
  });
});
