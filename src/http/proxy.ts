/** Which proxy carries the requests: HTTPS_PROXY/HTTP_PROXY unless NO_PROXY says otherwise; none set, none. */
import { dispatcherTransport, type Transport } from './transport.js';

export interface Proxies {
  readonly httpProxy: string;
  readonly httpsProxy: string;
  readonly noProxy: string;
}

/** Proxies come from `env` (not process.env, which undici would read), so tests and callers decide. */
export function proxiesIn(env: Readonly<Record<string, string | undefined>>): Proxies | undefined {
  // Lower case first, as undici and curl read them.
  const httpProxy = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  const httpsProxy = firstSet(env, ['https_proxy', 'HTTPS_PROXY']);
  if (!httpProxy && !httpsProxy) return undefined;
  // '' rather than undefined: undici falls back to process.env for undefined.
  return { httpProxy: httpProxy ?? '', httpsProxy: httpsProxy ?? '', noProxy: firstSet(env, ['no_proxy', 'NO_PROXY']) ?? '' };
}

/**
 * The longest wait for a proxy's answer to the CONNECT that opens a tunnel, the limit a direct connection has to
 * come up in (node-transport.ts). undici sends the CONNECT outside the request, so neither the request's timeout
 * nor its abort reaches it: without this, a proxy that takes the CONNECT and says nothing holds the request for
 * undici's 300 s headers timeout.
 */
const TUNNEL_TIMEOUT_MS = 10_000;

/** undici's proxy agent, loaded only when a proxy is set (it is a megabyte of code; direct requests do without it). */
export async function proxyTransport(proxies: Proxies): Promise<Transport> {
  const { EnvHttpProxyAgent, Pool } = await import('undici');
  return dispatcherTransport(
    new EnvHttpProxyAgent({
      ...proxies,
      // Plain-http targets are sent in absolute form, as forward proxies expect, not tunnelled with CONNECT
      // (which proxies commonly allow only to port 443). HTTPS targets are always tunnelled.
      proxyTunnel: false,
      clientFactory: (origin, options) => new Pool(origin, { ...options, headersTimeout: TUNNEL_TIMEOUT_MS }),
    }),
  );
}

function firstSet(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return value;
  }
  return undefined;
}
