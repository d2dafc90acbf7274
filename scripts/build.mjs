// Bundles the two entries with ncc (ESM, since package.json says "type": "module"):
// src/index.ts -> dist/index.js (the action) and src/cli.ts -> dist/cli.js (the meshagent-ship command).
// The output is deterministic, so CI can rebuild and compare with the committed dist/. A module loaded on demand
// (@actions/cache) becomes a chunk of its own (<id>.index.js) that both entries share by name: an entry whose chunk
// of that name differs would break the other, so the build stops.
import ncc from '@vercel/ncc';
import { mkdir, rm, writeFile, chmod } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// Another output directory may be given (a benchmark bundles the working tree without touching dist/).
const dist = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist');
const entries = [
  { source: 'src/index.ts', output: 'index.js' },
  { source: 'src/cli.ts', output: 'cli.js', executable: true },
];

const written = new Map();
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
for (const entry of entries) {
  const { code, assets } = await ncc(join(root, entry.source), {
    minify: false,
    sourceMap: false,
    quiet: true,
    license: 'licenses.txt',
    target: 'es2022',
  });
  const file = join(dist, entry.output);
  const body = code.startsWith('#!') ? code : entry.executable ? `#!/usr/bin/env node\n${code}` : code;
  await writeFile(file, body);
  if (entry.executable) await chmod(file, 0o755);
  for (const [name, asset] of Object.entries(assets ?? {})) {
    const target = join(dist, name);
    const source = Buffer.from(asset.source);
    if (name.endsWith('.js') && written.has(name) && !written.get(name).equals(source)) {
      throw new Error(`${relative(root, target)} differs between the entries: give the module loaded on demand one import site`);
    }
    written.set(name, source);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, source);
  }
  console.log(`${relative(root, file)}: ${(Buffer.byteLength(body) / 1024).toFixed(0)} KiB`);
}
