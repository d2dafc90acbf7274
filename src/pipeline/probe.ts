/**
 * The service URL probe (the verify stage with `wait`): GETs the URL until the service answers — any status below
 * 500, since a service that answers 404 on / is up — or the time runs out. Reports the last status, the latency of
 * the answering request and the number of attempts. It never fails the run by itself; the pipeline decides.
 */
import { HttpClient } from '../http.js';
import type { ProbeReport } from '../report/result.js';

export interface ProbeOptions {
  readonly url: string;
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
  let lastStatus: number | null = null;
  for (let attempts = 1; ; attempts += 1) {
    const started = now();
    try {
      const response = await http.request({ method: 'GET', url: options.url, accept: EVERY_STATUS, headers: { accept: '*/*' } });
      lastStatus = response.status;
      if (response.status < 500) return { url: options.url, status: response.status, latencyMs: now() - started, attempts, ok: true };
      options.log?.(`${options.url} answered ${response.status}; trying again`);
    } catch (error) {
      options.log?.(`${options.url} did not answer (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); trying again`);
    }
    const wait = Math.min(options.intervalMs ?? 2000, deadline - now());
    if (wait <= 0) return { url: options.url, status: lastStatus, latencyMs: null, attempts, ok: false };
    await sleep(wait);
  }
}
