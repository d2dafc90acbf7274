// Writes the two build contexts of the build benchmark, from files on this machine (nothing is downloaded):
//   DIR/node    a small Node service: node and npm from the machine, its dependencies as tarballs packed from this
//               repository's node_modules (npm install --offline from them), and a server that uses them
//   DIR/python  a small Python service on the machine's python3 and its standard library, compiled at build time
// Each rootfs holds the binary, the shared libraries ldd names, and the dynamic loader. Idempotent.
//   node bench/build/make-contexts.mjs DIR
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: make-contexts.mjs DIR');
const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');

/** Copies a file to the same path under rootfs, following links (the image gets the file itself). */
function copyInto(rootfs, path) {
  const target = join(rootfs, path);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(realpathSync(path), target, { dereference: true, recursive: true });
}

function libsOf(binary) {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/[^\s]+\.so[^\s]*)/g)].map((m) => m[1]);
}

function rootfs(at, binaries, trees) {
  if (existsSync(join(at, '.done'))) return;
  for (const binary of binaries) {
    copyInto(at, binary);
    for (const lib of libsOf(binary)) copyInto(at, lib);
  }
  for (const tree of trees) copyInto(at, tree);
  mkdirSync(join(at, 'tmp'), { recursive: true });
  writeFileSync(join(at, '.done'), '');
}

// --- node ------------------------------------------------------------------------------------------------------
const node = join(dir, 'node');
mkdirSync(join(node, 'vendor'), { recursive: true });
rootfs(join(node, 'rootfs'), ['/usr/bin/node'], ['/usr/lib/node_modules/npm']);
cpSync('/bin/busybox', join(node, 'rootfs', 'bin', 'busybox'));
const deps = ['zod', 'undici', 'ws', 'yaml'];
const dependencies = {};
for (const name of deps) {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
  const file = `${name}-${pkg.version}.tgz`;
  if (!existsSync(join(node, 'vendor', file)))
    execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', join(node, 'vendor'), join(root, 'node_modules', name)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  dependencies[name] = `file:vendor/${file}`;
}
writeFileSync(join(node, 'package.json'), `${JSON.stringify({ name: 'bench-service', version: '1.0.0', private: true, dependencies }, null, 2)}\n`);
mkdirSync(join(node, 'src'), { recursive: true });
writeFileSync(
  join(node, 'src', 'server.js'),
  `const http = require('node:http');\nconst { z } = require('zod');\nconst YAML = require('yaml');\nconst Port = z.coerce.number().default(8080);\nconst message = 'hello 1';\nhttp.createServer((req, res) => res.end(YAML.stringify({ message, path: req.url }))).listen(Port.parse(process.env.PORT));\n`,
);
writeFileSync(
  join(node, 'Dockerfile'),
  [
    'FROM scratch',
    'COPY rootfs/ /',
    'ENV HOME=/tmp PATH=/usr/bin:/bin',
    'WORKDIR /app',
    'COPY package.json ./',
    'COPY vendor/ ./vendor/',
    'RUN ["/usr/bin/node", "/usr/lib/node_modules/npm/bin/npm-cli.js", "install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--cache", "/tmp/npm-cache"]',
    'COPY src/ ./src/',
    'EXPOSE 8080',
    'CMD ["/usr/bin/node", "/app/src/server.js"]',
    '',
  ].join('\n'),
);

// --- python ----------------------------------------------------------------------------------------------------
const python = join(dir, 'python');
rootfs(join(python, 'rootfs'), ['/usr/bin/python3.11'], ['/usr/lib/python3.11']);
mkdirSync(join(python, 'app'), { recursive: true });
writeFileSync(
  join(python, 'app', 'server.py'),
  `import http.server, json\nMESSAGE = 'hello 1'\nclass Handler(http.server.BaseHTTPRequestHandler):\n    def do_GET(self):\n        body = json.dumps({'message': MESSAGE, 'path': self.path}).encode()\n        self.send_response(200)\n        self.end_headers()\n        self.wfile.write(body)\nhttp.server.HTTPServer(('', 8080), Handler).serve_forever()\n`,
);
writeFileSync(
  join(python, 'Dockerfile'),
  [
    'FROM scratch',
    'COPY rootfs/ /',
    'WORKDIR /app',
    'RUN ["/usr/bin/python3.11", "-m", "compileall", "-q", "/usr/lib/python3.11"]',
    'COPY app/ ./',
    'RUN ["/usr/bin/python3.11", "-m", "compileall", "-q", "/app"]',
    'EXPOSE 8080',
    'CMD ["/usr/bin/python3.11", "/app/server.py"]',
    '',
  ].join('\n'),
);
console.error(`contexts in ${dir}: node (${deps.length} vendored packages), python`);
