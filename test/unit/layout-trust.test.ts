// A file already at a blob's path in a layout is not trusted for its name: one of the right size may hold other
// bytes (a writer that crashed, a disk fault, tampering). Writing the blob replaces it, a pull downloads the blob
// again over it, and a push finds it before anything is sent. Pulls go to the in-process registry
// (test/helpers/fake-registry.ts).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { MediaType } from '../../src/oci/media-types.js';
import { pullImage } from '../../src/oci/pull.js';
import { pushImage } from '../../src/oci/push.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { FakeRegistry } from '../helpers/fake-registry.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';
import { shipFailure } from '../helpers/ship-failure.js';

const work = mkdtempSync(join(tmpdir(), 'layout-trust-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let count = 0;
const fresh = (name: string) => join(work, `${name}-${(count += 1)}`);
const sha256 = (data: Buffer | string): Digest => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Other bytes of the same length: what a name and a size cannot tell apart. */
const garbled = (bytes: Buffer) => Buffer.from(bytes.map((b) => b ^ 0x5a));

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('writing a blob over a file already at its path', () => {
  it('replaces a file of the right size and other bytes, and reads back the blob', async () => {
    const layout = await OciLayout.create(fresh('write'));
    const document = Buffer.from(JSON.stringify({ schemaVersion: 2, note: 'the real bytes' }));
    const path = layout.blobPath(sha256(document));
    writeFileSync(path, garbled(document));

    const written = await layout.writeBlob(document);
    expect(written).toEqual({ digest: sha256(document), size: document.length });
    expect(readFileSync(path).equals(document)).toBe(true);
    expect((await readAll(await layout.openBlob(written))).equals(document)).toBe(true);
    expect((await layout.readBlob(written.digest)).equals(document)).toBe(true);
  });

  it('a JSON document written again in another process (a new layout object) replaces a bad copy too', async () => {
    const dir = fresh('json');
    const value = { schemaVersion: 2, mediaType: MediaType.ociManifest, layers: [] };
    const first = await (await OciLayout.create(dir)).writeJson(MediaType.ociManifest, value);
    const path = join(dir, 'blobs', 'sha256', first.digest.slice(7));
    const good = readFileSync(path);
    writeFileSync(path, garbled(good));
    await (await OciLayout.open(dir)).writeJson(MediaType.ociManifest, value);
    expect(readFileSync(path).equals(good)).toBe(true);
  });
});

describe('pulling into a layout that holds a bad copy of a blob', () => {
  let registry: FakeRegistry;
  let client: RegistryClient;
  beforeEach(async () => {
    registry = await FakeRegistry.start();
    client = new RegistryClient({ registry: registry.host, http: { retry: { baseDelayMs: 1, maxDelayMs: 2 }, sleep: async () => {} } });
  });
  afterEach(async () => {
    await client.close();
    await registry.stop();
  });

  it('downloads the blob again over it, says so, and counts only good copies as present', async () => {
    const image = writeTinyOciLayout(fresh('source'), 'pull me');
    const source = await OciLayout.open(image.dir);
    await pushImage(source, client.repository('team/app', ['pull', 'push']), { tag: 'v1' });
    const manifest = JSON.parse((await source.readBlob(image.manifestDigest as Digest)).toString()) as {
      config: { digest: Digest };
      layers: Array<{ digest: Digest }>;
    };
    const layerDigest = manifest.layers[0]?.digest as Digest;
    const configDigest = manifest.config.digest;

    const into = fresh('pulled');
    const layout = await OciLayout.create(into);
    const layerBytes = readFileSync(source.blobPath(layerDigest));
    const configBytes = readFileSync(source.blobPath(configDigest));
    // The layer: the right size, other bytes. The config: cut short.
    writeFileSync(layout.blobPath(layerDigest), garbled(layerBytes));
    writeFileSync(layout.blobPath(configDigest), configBytes.subarray(0, 10));
    const lines: string[] = [];
    const pulled = await pullImage(client.repository('team/app'), 'v1', layout, { log: (line) => lines.push(line) });
    expect(pulled).toMatchObject({ blobs: 2, present: 0, bytesDownloaded: layerBytes.length + configBytes.length });
    expect(readFileSync(layout.blobPath(layerDigest)).equals(layerBytes)).toBe(true);
    expect(readFileSync(layout.blobPath(configDigest)).equals(configBytes)).toBe(true);
    expect(lines.some((l) => l.includes('2 blob file(s) there do not hold what their digest says and are downloaded again'))).toBe(true);

    // Good copies now: a second pull, by a new layout object (nothing remembered), downloads nothing.
    const again = await pullImage(client.repository('team/app'), 'v1', await OciLayout.open(into));
    expect(again).toMatchObject({ present: 2, bytesDownloaded: 0 });
  });

  it('a push from a layout with a bad copy is refused before any blob is sent', async () => {
    const image = writeTinyOciLayout(fresh('bad-push'), 'push me');
    const layout = await OciLayout.open(image.dir);
    const manifest = JSON.parse((await layout.readBlob(image.manifestDigest as Digest)).toString()) as { layers: Array<{ digest: Digest }> };
    const layerPath = layout.blobPath(manifest.layers[0]?.digest as Digest);
    writeFileSync(layerPath, garbled(readFileSync(layerPath)));
    const error = await shipFailure(pushImage(await OciLayout.open(image.dir), client.repository('team/bad', ['pull', 'push']), { tag: 'v1' }));
    expect(error.message).toContain(`blob ${manifest.layers[0]?.digest} does not match its digest`);
    expect(registry.sent('PUT')).toEqual([]);
  });
});
