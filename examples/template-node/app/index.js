// A small web app: / greets, /health answers the liveness probe.
import { createServer } from 'node:http';

const greeting = process.env.GREETING ?? 'hello';
createServer((request, response) => {
  if (request.url === '/health') return response.end('ok\n');
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end(`${greeting} from a service template\n`);
}).listen(3000);
