/**
 * Reaching a container's port without touching the host network: a forwarder runs inside the container's network
 * namespace (`nsenter --net`) and passes each connection to a unix socket on this machine's file system on to
 * 127.0.0.1:PORT there. The router and the liveness probe connect to the socket; nothing listens on a host port.
 */
import { existsSync } from 'node:fs';
import { sleep, startDaemon, type Daemon } from './processes.js';

export interface Forwarder {
  readonly socket: string;
  stop(): Promise<void>;
}

export async function startForwarder(options: { pid: number; port: number; socket: string; logPath: string }): Promise<Forwarder> {
  const daemon: Daemon = await startDaemon(
    `forwarder ${options.port}`,
    'nsenter',
    [`--net=/proc/${options.pid}/ns/net`, 'socat', `UNIX-LISTEN:${options.socket},fork,unlink-early,mode=600`, `TCP:127.0.0.1:${options.port}`],
    { logPath: options.logPath },
  );
  const deadline = Date.now() + 5000;
  while (!existsSync(options.socket)) {
    if (!daemon.running() || Date.now() > deadline) {
      await daemon.stop(500);
      throw new Error(`the forwarder to port ${options.port} did not start; see ${options.logPath}`);
    }
    await sleep(20);
  }
  return { socket: options.socket, stop: () => daemon.stop(1000) };
}
