// What a registry serves is checked against the digest it was asked for, as it streams: a registry that answers a
// blob with other bytes, a short blob, an endless one, or a manifest by digest that is another document. The test's
// real registry cannot be made to lie, so a small one on 127.0.0.1 does: it serves an image whose one layer it
// swaps, cuts or pads on request. Each case is a ShipError naming the blob and the registry, and the layout keeps
// nothing of the bad blob.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { MediaType } from '../../src/oci/media-types.js';
import { pullImage } from '../../src/oci/pull.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { shipFailure } from '../helpers/ship-failure.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'pull-by-digest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (data: Buffer | string): Digest => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

const layer = buildTar([
  { name: 'app/', type: '5' },
  { name: 'app/main', data: payload(300_000, 7) },
]);
const other = buildTar([
  { name: 'app/', type: '5' },
  { name: 'app/main', data: payload(300_000, 8) },
]);
const config = json({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] } });
const manifest = json({
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: { mediaType: MediaType.ociConfig, digest: sha256(config), size: config.length },
  layers: [{ mediaType: MediaType.ociLayer, digest: sha256(layer), size: layer.length }],
});
const index = (size = manifest.length) =>
  json({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [{ mediaType: MediaType.ociManifest, digest: sha256(manifest), size, platform: { os: 'linux', architecture: 'amd64' } }],
  });

type Lie = 'none' | 'swap' | 'short' | 'long' | 'manifest' | 'index-size';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))));
});

/** A registry of one repository, `app`, holding `manifest` as `latest` and `index` as `multi`; `lie` decides what it gets wrong. */
async function lyingRegistry(lie: Lie): Promise<{ host: string; sent: () => number }> {
  let sent = 0;
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    const send = (status: number, body: Buffer, type = 'application/octet-stream') => {
      res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'docker-content-digest': sha256(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (url === '/v2/') return send(200, json({}), 'application/json');
    if (url === '/v2/app/manifests/latest') return send(200, manifest, MediaType.ociManifest);
    if (url === '/v2/app/manifests/multi') return send(200, index(lie === 'index-size' ? manifest.length + 10 : manifest.length), MediaType.ociIndex);
    if (url === `/v2/app/manifests/${sha256(manifest)}`)
      return send(
        200,
        lie === 'manifest' ? json({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: {}, layers: [] }) : manifest,
        MediaType.ociManifest,
      );
    if (url === `/v2/app/blobs/${sha256(config)}`) return send(200, config);
    if (url === `/v2/app/blobs/${sha256(layer)}`) {
      if (lie === 'swap') return send(200, other);
      if (lie === 'short') return send(200, layer.subarray(0, layer.length - 4096));
      if (lie === 'long') {
        // Far more than the descriptor's size, without end: the client must stop at the size, not read it all.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 1);
        const pump = () => {
          while (sent < 1 << 30 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      return send(200, layer);
    }
    send(404, json({ errors: [{ code: 'NOT_FOUND', message: 'not here' }] }), 'application/json');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, sent: () => sent };
}

async function pull(lie: Lie, reference = 'latest') {
  const registry = await lyingRegistry(lie);
  const client = new RegistryClient({ registry: registry.host, http: { retry: { maxAttempts: 1 } } });
  const layout = await OciLayout.create(mkdtempSync(join(work, 'layout-')));
  const call = pullImage(client.repository('app'), reference, layout);
  return { call, layout, client, registry, where: `${registry.host}/app` };
}

const blobs = (layout: OciLayout) => readdirSync(join(layout.dir, 'blobs', 'sha256'));

describe('pulling from a registry that serves the wrong bytes', () => {
  it('the honest registry: the image is pulled and every blob is there', async () => {
    const { call, layout, client } = await pull('none');
    await call;
    await client.close();
    expect(blobs(layout).sort()).toEqual([sha256(manifest), sha256(config), sha256(layer)].map((d) => d.slice(7)).sort());
  });

  it("a layer answered with another layer's bytes names the blob and the registry, and nothing of it is kept", async () => {
    const { call, layout, client, where } = await pull('swap');
    const error = await shipFailure(call);
    await client.close();
    expect(error.message).toBe(`${where}: blob ${sha256(layer)} does not match its digest: its content is ${sha256(other)}`);
    expect(blobs(layout)).not.toContain(sha256(layer).slice(7));
    expect(blobs(layout).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('a layer cut short is refused by its size', async () => {
    const { call, layout, client, where } = await pull('short');
    const error = await shipFailure(call);
    await client.close();
    expect(error.message).toBe(`${where}: blob ${sha256(layer)} is ${layer.length - 4096} bytes, but its descriptor gives ${layer.length}`);
    expect(blobs(layout)).not.toContain(sha256(layer).slice(7));
  });

  it('a layer longer than its descriptor is stopped at the size, not read to its end', async () => {
    const { call, layout, client, where, registry } = await pull('long');
    const error = await shipFailure(call);
    await client.close();
    expect(error.message).toBe(`${where}: blob ${sha256(layer)} is longer than the ${layer.length} bytes its descriptor gives`);
    expect(registry.sent()).toBeLessThan(64 << 20);
    expect(blobs(layout).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('a manifest fetched by digest that is another document is refused', async () => {
    const { call, client } = await pull('manifest', 'multi');
    const error = await shipFailure(call);
    await client.close();
    expect(error.message).toMatch(new RegExp(`get manifest ${sha256(manifest)} from .*/app: the content's digest is sha256:`));
  });

  it('an index entry giving a manifest the wrong size is refused', async () => {
    const { call, client, where } = await pull('index-size', 'multi');
    const error = await shipFailure(call);
    await client.close();
    expect(error.message).toBe(`${where}: manifest ${sha256(manifest)} is ${manifest.length} bytes, but its descriptor gives ${manifest.length + 10}`);
  });
});
