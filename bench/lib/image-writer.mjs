// What the benchmarks' input scripts share: deterministic content, USTAR headers, gzip layers written straight into
// an OCI layout's blobs, and the layout's config, manifest and index. The same arguments give the same bytes.
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** `bytes` pseudo-random bytes from AES-CTR over zeros, 1 MiB at a time; with `text`, mapped onto 32 printable characters. */
export function* content(seed, bytes, text = false) {
  const cipher = createCipheriv('aes-128-ctr', createHash('md5').update(`seed${seed}`).digest(), Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  const alphabet = Buffer.from('etaoinshrdlucmfwypvbgkqjxz \n.,-_');
  for (let left = bytes; left > 0;) {
    const n = Math.min(left, zeros.length);
    left -= n;
    const chunk = cipher.update(zeros.subarray(0, n));
    if (text) for (let i = 0; i < chunk.length; i += 1) chunk[i] = alphabet[chunk[i] & 31];
    yield chunk;
  }
}

/** A USTAR header: type '0' file, '1' hardlink (to `linkName`) or '5' directory. */
export function tarHeader(name, size, { type = '0', mode = 0o644, mtime = 1700000000, linkName = '' } = {}) {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write(`${mtime.toString(8).padStart(11, '0')}\0`, 136);
  header.write('        ', 148);
  header.write(type, 156);
  header.write(linkName, 157, 100);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const sum = [...header].reduce((a, b) => a + b, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** An OCI layout under `dir` that the writers below fill; `exists` says whether a previous run finished it. */
export function layoutAt(dir) {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const putBlob = (data) => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    writeFileSync(join(blobs, digest.slice(7)), data);
    return { digest, size: data.length };
  };
  return {
    /**
     * Writes one gzip layer of `entries` ({ name, dir: true }, { name, linkName } for a hardlink, or { name, size,
     * mode?, chunks() }) and returns its
     * descriptor and diff_id. `gzip` options go to zlib (level 1 by default: the input, not the benchmark).
     */
    async writeLayer(tag, entries, gzipOptions = { level: 1 }) {
      const tmp = join(blobs, `.tmp-${tag}`);
      const out = createWriteStream(tmp);
      const gzip = createGzip(gzipOptions);
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
          await put(tarHeader(entry.name, 0, { type: '5', mode: 0o755 }));
          continue;
        }
        if (entry.linkName) {
          await put(tarHeader(entry.name, 0, { type: '1', linkName: entry.linkName }));
          continue;
        }
        await put(tarHeader(entry.name, entry.size, { mode: entry.mode ?? 0o644 }));
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
    },

    /**
     * Takes a gzip layer made elsewhere (e.g. by tar and gzip from real files): moves `file` into the blobs and returns
     * its descriptor and diff_id (the digest of the tar inside), as writeLayer does.
     */
    async adoptGzipLayer(file) {
      const compressed = createHash('sha256');
      const diff = createHash('sha256');
      const gunzip = createGunzip();
      gunzip.on('data', (chunk) => diff.update(chunk));
      const ended = once(gunzip, 'end');
      let compressedSize = 0;
      for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
        compressed.update(chunk);
        compressedSize += chunk.length;
        if (!gunzip.write(chunk)) await once(gunzip, 'drain');
      }
      gunzip.end();
      await ended;
      const digest = `sha256:${compressed.digest('hex')}`;
      renameSync(file, join(blobs, digest.slice(7)));
      return { layer: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: compressedSize }, diffId: `sha256:${diff.digest('hex')}` };
    },

    /** Writes the config and manifest of an image of `layers` (from writeLayer); returns its index entry named `ref`. */
    writeImage(ref, layers, imageConfig = {}) {
      const config = Buffer.from(
        JSON.stringify({ architecture: 'amd64', os: 'linux', config: imageConfig, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } }),
      );
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MANIFEST,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...putBlob(config) },
          layers: layers.map((l) => l.layer),
        }),
      );
      return { mediaType: MANIFEST, ...putBlob(manifest), annotations: { 'org.opencontainers.image.ref.name': ref } };
    },

    /** Writes oci-layout and index.json last, so a layout with an index.json is a finished one. */
    finish(manifests) {
      writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
      writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
    },
  };
}
