/**
 * The service URL probe (the verify stage, after the room said the service is live, for a public service): GETs the
 * URL until it answers 2xx or 3xx (a redirect is an answer; it is not followed) or the time runs out. 4xx counts as
 * not up: a service that answers 401, 403 or 404 on its liveness path is not serving it. Reports the last status,
 * the latency of the answering request and the number of attempts. It never fails the run by itself.
 *
 * With `via`, the request goes to that origin over plain HTTP with the URL's host as the Host header, for a router
 * that serves the routed domains locally (the sandbox's), where https://<domain> cannot be reached.
 */
import { HttpClient } from '../http.js';
import type { ProbeReport } from '../report/result.js';

export interface ProbeOptions {
  readonly url: string;
  /** An origin (http://host:port) to send the request to instead, with the URL's host as the Host header. */
  readonly via?: string;
  /** How long to keep trying, in all. */
  readonly timeoutMs: number;
  /** Between attempts; default 2 s. */
  readonly intervalMs?: number;
  /** Per attempt; default 10 s. */
  readonly attemptTimeoutMs?: number;
  readonly log?: (message: string) => void;
  /** Injectable for tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const EVERY_STATUS = Array.from({ length: 500 }, (_, i) => i + 100);

/** Whether a status says the service serves the path: 2xx, or 3xx (a redirect elsewhere is still an answer). */
function isUp(status: number): boolean {
  return status >= 200 && status < 400;
}

export async function probeUrl(options: ProbeOptions): Promise<ProbeReport> {
  // This loop is the retry policy: the client itself tries once per call.
  const http = new HttpClient({ timeoutMs: options.attemptTimeoutMs ?? 10_000, retry: { maxAttempts: 1 } });
  try {
    return await probeWith(http, options);
  } finally {
    await http.close();
  }
}

async function probeWith(http: HttpClient, options: ProbeOptions): Promise<ProbeReport> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  const target = new URL(options.url);
  const sent = options.via ? new URL(`${target.pathname}${target.search}`, options.via).toString() : options.url;
  const headers: Record<string, string> = { accept: '*/*', ...(options.via ? { host: target.host } : {}) };
  let lastStatus: number | null = null;
  for (let attempts = 1; ; attempts += 1) {
    const started = now();
    try {
      const response = await http.request({ method: 'GET', url: sent, accept: EVERY_STATUS, headers });
      lastStatus = response.status;
      if (isUp(response.status)) return { url: options.url, status: response.status, latencyMs: now() - started, attempts, ok: true };
      options.log?.(`${options.url} answered ${response.status}; trying again`);
    } catch (error) {
      options.log?.(`${options.url} did not answer (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); trying again`);
    }
    const wait = Math.min(options.intervalMs ?? 2000, deadline - now());
    if (wait <= 0) return { url: options.url, status: lastStatus, latencyMs: null, attempts, ok: false };
    await sleep(wait);
  }
}
