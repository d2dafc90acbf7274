/**
 * The room websocket through a proxy, as the HTTP client's requests go (HTTPS_PROXY for wss://, HTTP_PROXY for
 * ws://, NO_PROXY to go direct): a CONNECT tunnel to the room's host, then TLS inside it for wss://. The proxy comes
 * from the run's environment, never from process.env behind the caller's back.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

type Env = Readonly<Record<string, string | undefined>>;

/** What ws hands a createConnection: the target's host and port, and TLS options for wss://. */
type ConnectOptions = tls.ConnectionOptions & { readonly host?: string; readonly port?: number | string };
type Done = (error: Error | null, socket?: net.Socket) => void;
type CreateConnection = (options: ConnectOptions, done: Done) => undefined;

/** The proxy for a room URL, or undefined to go direct. */
export function roomProxy(target: URL, env: Env): URL | undefined {
  const value = target.protocol === 'wss:' ? firstSet(env, ['https_proxy', 'HTTPS_PROXY']) : firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  if (!value || bypassed(target, firstSet(env, ['no_proxy', 'NO_PROXY']) ?? '')) return undefined;
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
}

/** A createConnection for ws that opens a CONNECT tunnel through `proxy` (then TLS for wss://). */
export function tunnelThrough(proxy: URL, secure: boolean): CreateConnection {
  return (options, done) => {
    const host = options.host ?? 'localhost';
    const authority = `${net.isIPv6(host) ? `[${host}]` : host}:${options.port ?? (secure ? 443 : 80)}`;
    const credentials = proxy.username ? `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}` : undefined;
    const connect = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...(credentials ? { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` } : {}) },
      agent: false,
    });
    // The proxy's host only: its URL may carry credentials.
    const failed = (why: string) => done(new Error(`the proxy ${proxy.host} did not open a tunnel to ${authority}: ${why}`));
    connect.once('error', (error) => failed(error.message));
    connect.once('connect', (answer, socket) => {
      if (answer.statusCode !== 200) {
        socket.destroy();
        failed(`CONNECT answered ${answer.statusCode ?? 0}`);
        return;
      }
      if (!secure) {
        done(null, socket);
        return;
      }
      const servername = options.servername ?? (net.isIP(host) ? undefined : host);
      done(null, tls.connect({ ...options, socket, ...(servername ? { servername } : {}) }));
    });
    connect.end();
    return undefined;
  };
}

/** Whether NO_PROXY names the target: `*`, a host (also its subdomains, with or without a leading dot), host:port. */
function bypassed(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'wss:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const lower = entry.toLowerCase().replace(/^\*?\./, '');
      // A bare IPv6 address has colons of its own, and no port.
      const match = (lower.split(':').length > 2 && !lower.startsWith('[') ? [lower, lower] : /^(.*?)(?::(\d+))?$/.exec(lower)) ?? [];
      const [name = '', entryPort] = [match[1]?.replace(/^\[|\]$/g, ''), match[2]];
      if (entryPort && entryPort !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

function firstSet(env: Env, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return value;
  }
  return undefined;
}
