// Writes the ship benchmark's input: an OCI layout with two images that differ in one file of their top layer,
// tagged `v1` and `v2`. Both have the same five base layers (120, 80, 60, 40 and 20 MB of files, half random bytes
// and half text-like bytes, so gzip has work to do as with real binaries and libraries) and a small top layer
// (/app/main, 2 MB, and /app/index.html, which says v1 or v2). Deterministic: the same bytes on every run.
// Usage: node bench/ship/make-image.mjs DIR
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { content, layoutAt } from '../lib/image-writer.mjs';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node make-image.mjs DIR');
const BASE_MB = [120, 80, 60, 40, 20];
const FILE_MB = 8;
if (existsSync(join(dir, 'index.json'))) {
  console.log(`${dir}: already there`);
  process.exit(0);
}

const layout = layoutAt(dir);
const base = [];
for (const [i, mb] of BASE_MB.entries()) {
  const entries = [
    { name: 'opt/', dir: true },
    { name: `opt/layer${i}/`, dir: true },
  ];
  for (let f = 0; f < mb / FILE_MB; f += 1) {
    const size = Math.min(FILE_MB, mb - f * FILE_MB) * 1024 * 1024;
    entries.push({ name: `opt/layer${i}/file-${f}.bin`, size, chunks: () => content(`${i}-${f}`, size, f % 2 === 1) });
  }
  base.push(await layout.writeLayer(`base-${i}`, entries));
}

const manifests = [];
for (const version of ['v1', 'v2']) {
  const html = Buffer.from(`<h1>${version}</h1>\n`);
  const top = await layout.writeLayer(`top-${version}`, [
    { name: 'app/', dir: true },
    { name: 'app/main', size: 2 * 1024 * 1024, mode: 0o755, chunks: () => content('main', 2 * 1024 * 1024) },
    { name: 'app/index.html', size: html.length, chunks: () => [html] },
  ]);
  manifests.push(layout.writeImage(version, [...base, top], { Entrypoint: ['/app/main'], ExposedPorts: { '8080/tcp': {} } }));
}
layout.finish(manifests);
const total = base.reduce((a, l) => a + l.layer.size, 0);
console.log(`${dir}: tags v1 and v2, ${base.length} shared base layers (${(total / 1024 / 1024).toFixed(0)} MB gzip) and a 2 MB top layer each`);
