// Writes the repeat benchmark's input: an OCI layout with one small image (three layers of 8, 4 and 2 MB, half
// random bytes and half text-like bytes), tagged `v1`. Small on purpose: a repeat push and a no-op re-ship do no
// transfer, so what they cost is start-up and round trips, whatever the image's size. The same bytes on every run.
// Usage: node bench/repeat/make-image.mjs DIR
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { content, layoutAt } from '../lib/image-writer.mjs';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node make-image.mjs DIR');
if (existsSync(join(dir, 'index.json'))) {
  console.log(`${dir}: already there`);
  process.exit(0);
}

const layout = layoutAt(dir);
const layers = [];
for (const [i, mb] of [8, 4, 2].entries()) {
  const size = mb * 1024 * 1024;
  layers.push(
    await layout.writeLayer(`layer-${i}`, [
      { name: 'app/', dir: true },
      { name: `app/file-${i}.bin`, size, mode: 0o755, chunks: () => content(`repeat-${i}`, size, i % 2 === 1) },
    ]),
  );
}
layout.finish([layout.writeImage('v1', layers, { Entrypoint: ['/app/file-0.bin'], ExposedPorts: { '8080/tcp': {} } })]);
console.log(`${dir}: tag v1, ${layers.length} layers`);
