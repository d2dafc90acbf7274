import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeUrl } from '../../src/pipeline/probe.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A server answering the given statuses in turn (the last one from then on). */
async function serve(statuses: number[]): Promise<string> {
  let call = 0;
  server = createServer((_, response) => {
    response.writeHead(statuses[Math.min(call, statuses.length - 1)] ?? 200);
    call += 1;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
}

describe('probeUrl', () => {
  it('tries again while the service answers 5xx and reports the answer that came', async () => {
    const url = await serve([503, 502, 404]);
    const report = await probeUrl({ url, timeoutMs: 10_000, intervalMs: 1 });
    expect(report).toMatchObject({ url, status: 404, attempts: 3, ok: true });
    expect(report.latencyMs).toBeGreaterThanOrEqual(0);
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
