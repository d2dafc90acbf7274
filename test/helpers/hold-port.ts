// A port of 127.0.0.1 held by a listener of the test's own, as another program on the machine would hold it.
import { createServer, type Server } from 'node:net';

export async function holdPort(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}
