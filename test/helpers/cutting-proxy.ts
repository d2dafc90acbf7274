/**
 * A TCP proxy in front of a registry that breaks a connection once, part way through an upload, the way a flaky
 * network does. `mid-body` cuts as soon as more than `afterBytes` have gone upstream (the registry gets part of a
 * request body); `between-requests` cuts when the next PATCH begins after that point (the registry got nothing of it).
 */
import net from 'node:net';

export interface CuttingProxy {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** Connections cut so far. */
  readonly cuts: number;
  /** Bytes sent upstream by clients. */
  readonly bytesUp: number;
  close(): Promise<void>;
}

export async function startCuttingProxy(upstream: string, mode: 'mid-body' | 'between-requests', afterBytes: number): Promise<CuttingProxy> {
  const [upHost, upPort] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.slice(upstream.lastIndexOf(':') + 1))];
  let cuts = 0;
  let bytesUp = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const server = net.connect(upPort, upHost);
    sockets.add(client).add(server);
    const cut = (): void => {
      cuts += 1;
      client.destroy();
      server.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (cuts === 0 && bytesUp > afterBytes) {
        if (mode === 'between-requests' && chunk.subarray(0, 6).toString('latin1') === 'PATCH ') return cut();
      }
      bytesUp += chunk.length;
      if (cuts === 0 && mode === 'mid-body' && bytesUp > afterBytes) {
        // Forward part of this chunk, then break: the registry has received part of the body.
        server.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => cut());
        return;
      }
      if (!server.write(chunk)) client.pause();
    });
    server.on('drain', () => client.resume());
    server.on('data', (chunk: Buffer) => {
      if (!client.write(chunk)) server.pause();
    });
    client.on('drain', () => server.resume());
    for (const socket of [client, server]) {
      socket.on('error', () => {
        client.destroy();
        server.destroy();
      });
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        server.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    get cuts() {
      return cuts;
    },
    get bytesUp() {
      return bytesUp;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
