/** Which dispatcher carries the requests: through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY says otherwise, else direct. */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

/** Proxies come from `env` (not process.env, which undici would read), so tests and callers decide. */
export function defaultDispatcher(env: Readonly<Record<string, string | undefined>>): Dispatcher {
  // Lower case first, as undici and curl read them.
  const httpProxy = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  const httpsProxy = firstSet(env, ['https_proxy', 'HTTPS_PROXY']);
  if (!httpProxy && !httpsProxy) return new Agent();
  return new EnvHttpProxyAgent({
    // '' rather than undefined: undici falls back to process.env for undefined.
    httpProxy: httpProxy ?? '',
    httpsProxy: httpsProxy ?? '',
    noProxy: firstSet(env, ['no_proxy', 'NO_PROXY']) ?? '',
    // Plain-http targets are sent in absolute form, as forward proxies expect, not tunnelled with CONNECT
    // (which proxies commonly allow only to port 443). HTTPS targets are always tunnelled.
    proxyTunnel: false,
  });
}

function firstSet(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return value;
  }
  return undefined;
}
