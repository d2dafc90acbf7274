// Wraps a tar as an OCI image layout with one uncompressed layer: node make-image.mjs DIR TAR
// The layer blob is a hard link to TAR (no copy); config and manifest are written beside it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

const [dir, tarPath] = process.argv.slice(2);
const sha256 = (data) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const hash = createHash('sha256');
for await (const chunk of fs.createReadStream(tarPath, { highWaterMark: 4 << 20 })) hash.update(chunk);
const diffId = `sha256:${hash.digest('hex')}`;
fs.mkdirSync(`${dir}/blobs/sha256`, { recursive: true });
const layerPath = `${dir}/blobs/sha256/${diffId.slice(7)}`;
if (!fs.existsSync(layerPath)) fs.linkSync(tarPath, layerPath);
const put = (data) => {
  fs.writeFileSync(`${dir}/blobs/sha256/${sha256(data).slice(7)}`, data);
  return { digest: sha256(data), size: data.length };
};
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } }));
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: diffId, size: fs.statSync(tarPath).size }],
  }),
);
const top = { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...put(manifest), annotations: { 'org.opencontainers.image.ref.name': 'bench' } };
fs.writeFileSync(`${dir}/oci-layout`, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
fs.writeFileSync(`${dir}/index.json`, JSON.stringify({ schemaVersion: 2, manifests: [top] }));
