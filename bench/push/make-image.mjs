// Writes the benchmark's input: an OCI layout holding one multi-layer image (about 520 MB of gzip layers, each a
// valid tar with one file of random bytes, which does not compress, so the layer size is the data size), tagged
// `bench`. Deterministic: the same seed gives the same bytes, so repeated runs push the same image.
// Usage: node bench/push/make-image.mjs DIR
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:zlib';
import { content, layoutAt } from '../lib/image-writer.mjs';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node make-image.mjs DIR');
const LAYER_MB = [200, 120, 80, 60, 40, 20, 1];
if (existsSync(join(dir, 'index.json'))) {
  console.log(`${dir}: already there`);
  process.exit(0);
}

const layout = layoutAt(dir);
const layers = [];
for (const [i, mb] of LAYER_MB.entries()) {
  const size = mb * 1024 * 1024;
  // Huffman only: random bytes do not compress, and the input should be quick to make.
  layers.push(await layout.writeLayer(i, [{ name: `data-${i}.bin`, size, chunks: () => content(i, size) }], { level: 1, strategy: constants.Z_HUFFMAN_ONLY }));
}
const manifest = layout.writeImage('bench', layers);
layout.finish([manifest]);
const total = layers.reduce((a, l) => a + l.layer.size, 0);
console.log(`${dir}: ${layers.length} layers, ${(total / 1024 / 1024).toFixed(0)} MB, manifest ${manifest.digest}`);
