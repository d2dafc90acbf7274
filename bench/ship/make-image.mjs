// Writes the ship benchmark's input: an OCI layout with two images that differ in one file of their top layer,
// tagged `v1` and `v2`. Both have the same five base layers (120, 80, 60, 40 and 20 MB of files, half random bytes
// and half text-like bytes, so gzip has work to do as with real binaries and libraries) and a small top layer
// (/app/main, 2 MB, and /app/index.html, which says v1 or v2). Deterministic: the same bytes on every run.
// Usage: node bench/ship/make-image.mjs DIR
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, createGzip } from 'node:zlib';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node make-image.mjs DIR');
const BASE_MB = [120, 80, 60, 40, 20];
const FILE_MB = 8;
const blobs = join(dir, 'blobs', 'sha256');
if (existsSync(join(dir, 'index.json'))) {
  console.log(`${dir}: already there`);
  process.exit(0);
}
mkdirSync(blobs, { recursive: true });

/** `bytes` pseudo-random bytes from AES-CTR over zeros; with `text`, mapped onto 32 printable characters. */
function* content(seed, bytes, text) {
  const cipher = createCipheriv('aes-128-ctr', createHash('md5').update(`seed${seed}`).digest(), Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  const alphabet = Buffer.from('etaoinshrdlucmfwypvbgkqjxz \n.,-_');
  for (let left = bytes; left > 0; ) {
    const n = Math.min(left, zeros.length);
    left -= n;
    const chunk = cipher.update(zeros.subarray(0, n));
    if (text) for (let i = 0; i < chunk.length; i += 1) chunk[i] = alphabet[chunk[i] & 31];
    yield chunk;
  }
}

function tarHeader(name, size, type = '0', mode = 0o644) {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write(`${(1700000000).toString(8).padStart(11, '0')}\0`, 136);
  header.write('        ', 148);
  header.write(type, 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const sum = [...header].reduce((a, b) => a + b, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** Writes one gzip layer from `entries` ({ name, dir } or { name, size, chunks }) and returns its descriptor and diff_id. */
async function writeLayer(tag, entries) {
  const tmp = join(blobs, `.tmp-${tag}`);
  const out = createWriteStream(tmp);
  const gzip = createGzip({ level: 1 });
  const diff = createHash('sha256');
  const compressed = createHash('sha256');
  let compressedSize = 0;
  gzip.on('data', (chunk) => {
    compressed.update(chunk);
    compressedSize += chunk.length;
    if (!out.write(chunk)) gzip.pause();
  });
  out.on('drain', () => gzip.resume());
  const put = async (buf) => {
    diff.update(buf);
    if (!gzip.write(buf)) await once(gzip, 'drain');
  };
  for (const entry of entries) {
    if (entry.dir) {
      await put(tarHeader(entry.name, 0, '5', 0o755));
      continue;
    }
    await put(tarHeader(entry.name, entry.size, '0', entry.mode ?? 0o644));
    for (const chunk of entry.chunks()) await put(chunk);
    await put(Buffer.alloc((512 - (entry.size % 512)) % 512));
  }
  await put(Buffer.alloc(1024));
  gzip.end();
  await once(gzip, 'end');
  out.end();
  await once(out, 'finish');
  const digest = `sha256:${compressed.digest('hex')}`;
  renameSync(tmp, join(blobs, digest.slice(7)));
  return { layer: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: compressedSize }, diffId: `sha256:${diff.digest('hex')}` };
}

const base = [];
for (const [i, mb] of BASE_MB.entries()) {
  const entries = [{ name: 'opt/', dir: true }, { name: `opt/layer${i}/`, dir: true }];
  for (let f = 0; f < mb / FILE_MB; f += 1) {
    const size = Math.min(FILE_MB, mb - f * FILE_MB) * 1024 * 1024;
    entries.push({ name: `opt/layer${i}/file-${f}.bin`, size, chunks: () => content(`${i}-${f}`, size, f % 2 === 1) });
  }
  base.push(await writeLayer(`base-${i}`, entries));
}

const put = (data) => {
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  writeFileSync(join(blobs, digest.slice(7)), data);
  return { digest, size: data.length };
};
const manifests = [];
for (const version of ['v1', 'v2']) {
  const html = Buffer.from(`<h1>${version}</h1>\n`);
  const topLayer = await writeLayer(`top-${version}`, [
    { name: 'app/', dir: true },
    { name: 'app/main', size: 2 * 1024 * 1024, mode: 0o755, chunks: () => content('main', 2 * 1024 * 1024, false) },
    { name: 'app/index.html', size: html.length, chunks: () => [html] },
  ]);
  const layers = [...base, topLayer];
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Entrypoint: ['/app/main'], ExposedPorts: { '8080/tcp': {} } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
      layers: layers.map((l) => l.layer),
    }),
  );
  manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...put(manifest), annotations: { 'org.opencontainers.image.ref.name': version } });
}
writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
const total = base.reduce((a, l) => a + l.layer.size, 0);
console.log(`${dir}: tags v1 and v2, ${base.length} shared base layers (${(total / 1024 / 1024).toFixed(0)} MB gzip) and a 2 MB top layer each`);
