// Writes the benchmark's input: an OCI layout holding one multi-layer image (about 520 MB of gzip layers, each a
// valid tar with one file of random bytes, which does not compress, so the layer size is the data size), tagged
// `bench`. Deterministic: the same seed gives the same bytes, so repeated runs push the same image.
// Usage: node bench/push/make-image.mjs DIR
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip, constants } from 'node:zlib';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node make-image.mjs DIR');
const LAYER_MB = [200, 120, 80, 60, 40, 20, 1];
const blobs = join(dir, 'blobs', 'sha256');
if (existsSync(join(dir, 'index.json'))) {
  console.log(`${dir}: already there`);
  process.exit(0);
}
mkdirSync(blobs, { recursive: true });

/** Pseudo-random bytes from AES-CTR over zeros: fast and the same for every run. */
function randomStream(seed, bytes) {
  const cipher = createCipheriv('aes-128-ctr', createHash('md5').update(`key${seed}`).digest(), Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  let left = bytes;
  return {
    next() {
      const n = Math.min(left, zeros.length);
      left -= n;
      return n === 0 ? undefined : cipher.update(zeros.subarray(0, n));
    },
  };
}

function tarHeader(name, size) {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const sum = [...header].reduce((a, b) => a + b, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

async function writeLayer(i, mb) {
  const size = mb * 1024 * 1024;
  const tmp = join(blobs, `.tmp-${i}`);
  const out = createWriteStream(tmp);
  const gzip = createGzip({ level: 1, strategy: constants.Z_HUFFMAN_ONLY });
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
  await put(tarHeader(`data-${i}.bin`, size));
  const source = randomStream(i, size);
  for (let chunk = source.next(); chunk; chunk = source.next()) await put(chunk);
  await put(Buffer.alloc((512 - (size % 512)) % 512 + 1024));
  gzip.end();
  await once(gzip, 'end');
  out.end();
  await once(out, 'finish');
  const digest = `sha256:${compressed.digest('hex')}`;
  renameSync(tmp, join(blobs, digest.slice(7)));
  return { layer: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: compressedSize }, diffId: `sha256:${diff.digest('hex')}` };
}

const written = [];
for (const [i, mb] of LAYER_MB.entries()) written.push(await writeLayer(i, mb));
const put = (data) => {
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  writeFileSync(join(blobs, digest.slice(7)), data);
  return { digest, size: data.length };
};
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: written.map((w) => w.diffId) } }));
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
    layers: written.map((w) => w.layer),
  }),
);
const m = put(manifest);
writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
writeFileSync(
  join(dir, 'index.json'),
  JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }),
);
const total = written.reduce((a, w) => a + w.layer.size, 0);
console.log(`${dir}: ${written.length} layers, ${(total / 1024 / 1024).toFixed(0)} MB, manifest ${m.digest}`);
