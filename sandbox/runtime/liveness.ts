/**
 * The liveness probe of a published http port: GET of its liveness path through the port's forwarder. As a
 * kubelet's HTTP probe does, any status from 200 to 399 counts as live; anything else, a refused connection or no
 * answer within the timeout does not.
 */
import { request } from 'node:http';

export interface ProbeResult {
  readonly ok: boolean;
  readonly error?: string;
}

export function probe(socket: string, path: string, timeoutMs = 1000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request(
      { socketPath: socket, path, method: 'GET', headers: { host: 'localhost', 'user-agent': 'meshagent-sandbox-liveness' }, timeout: timeoutMs },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve(status >= 200 && status < 400 ? { ok: true } : { ok: false, error: `liveness ${path} answered ${status}` });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ ok: false, error: `liveness ${path}: ${error.message}` }));
    req.end();
  });
}
