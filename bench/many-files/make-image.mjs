// Writes the many-files benchmark's input: an OCI layout with one image (tag `v1`) whose one gzip layer holds
// FILES small files (default 600,000) in directories of 1,000: `data/d000/f000000` and on. Every file is empty
// but one in TINY_EVERY (default 100), which holds a few bytes (so there are gzip members to place, as in a real
// tree), and `app/main` (64 KiB) is there to prefetch. With `hardlinks`, every file but the first of each directory
// is instead a hardlink to the one before it: as many hardlinks as files, nearly every one with a target of its own.
// Deterministic: the same bytes on every run.
// Usage: node bench/many-files/make-image.mjs DIR [FILES] [hardlinks]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { content, layoutAt } from '../lib/image-writer.mjs';

const [dir, filesText = '600000', variant = 'files'] = process.argv.slice(2);
if (!dir || !/^[1-9][0-9]*$/.test(filesText) || !['files', 'hardlinks'].includes(variant))
  throw new Error('usage: node make-image.mjs DIR [FILES] [hardlinks]');
const HARDLINKS = variant === 'hardlinks';
const FILES = Number(filesText);
const PER_DIR = 1000;
const TINY_EVERY = 100;
if (existsSync(join(dir, 'index.json'))) {
  console.log(`${dir}: already there`);
  process.exit(0);
}

function* entries() {
  yield { name: 'app/', dir: true };
  yield { name: 'app/main', size: 64 * 1024, mode: 0o755, chunks: () => content('main', 64 * 1024) };
  yield { name: 'data/', dir: true };
  for (let f = 0; f < FILES; f += 1) {
    const d = String(Math.floor(f / PER_DIR)).padStart(3, '0');
    if (f % PER_DIR === 0) yield { name: `data/d${d}/`, dir: true };
    const name = `data/d${d}/f${String(f).padStart(6, '0')}`;
    if (HARDLINKS && f % PER_DIR !== 0) yield { name, linkName: `data/d${d}/f${String(f - 1).padStart(6, '0')}` };
    else if (f % TINY_EVERY === 0) {
      const body = Buffer.from(`${name}\n`);
      yield { name, size: body.length, chunks: () => [body] };
    } else yield { name, size: 0, chunks: () => [] };
  }
}

const layout = layoutAt(dir);
const layer = await layout.writeLayer('files', entries());
layout.finish([layout.writeImage('v1', [layer], { Entrypoint: ['/app/main'], ExposedPorts: { '8080/tcp': {} } })]);
console.log(
  `${dir}: tag v1, one layer of ${FILES} ${HARDLINKS ? 'entries, hardlinks but the first of each directory' : 'files'} (${(layer.layer.size / 1e6).toFixed(1)} MB gzip)`,
);
