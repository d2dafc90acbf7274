// A blob the registry had when it was checked can be gone when the manifest naming it is PUT (deleted, or collected
// as garbage meanwhile): the registry answers MANIFEST_BLOB_UNKNOWN. The push then checks the blobs again, pushes
// those missing and PUTs the manifest once more, once. Against the in-process registry (test/helpers/
// fake-registry.ts), which refuses such a manifest as distribution does, and whose hook loses the blob on cue.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { MediaType } from '../../src/oci/media-types.js';
import { pushImage } from '../../src/oci/push.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { FakeRegistry } from '../helpers/fake-registry.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';
import { shipFailure } from '../helpers/ship-failure.js';

const work = mkdtempSync(join(tmpdir(), 'push-lost-blob-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let count = 0;
const fresh = (name: string) => join(work, `${name}-${(count += 1)}`);

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

/** A one-layer image in a layout, and the digests of its layer and config. */
async function image(content: string): Promise<{ layout: OciLayout; manifest: Digest; layer: Digest; config: Digest }> {
  const tiny = writeTinyOciLayout(fresh('image'), content);
  const layout = await OciLayout.open(tiny.dir);
  const parsed = JSON.parse((await layout.readBlob(tiny.manifestDigest as Digest)).toString()) as { config: { digest: Digest }; layers: [{ digest: Digest }] };
  return { layout, manifest: tiny.manifestDigest as Digest, layer: parsed.layers[0].digest, config: parsed.config.digest };
}

const manifestPuts = () => registry.sent('PUT', /\/manifests\//).map((r) => `${r.path.split('/').pop()} ${r.status}`);

describe('a blob lost between its check and the manifest PUT', () => {
  it('the registry has the manifest but lost a layer since: the layer is pushed again and the tag PUT again', async () => {
    const { layout, manifest, layer } = await image('lost after the first push');
    const repo = client.repository('team/app', ['pull', 'push']);
    await pushImage(layout, repo, { tag: 'v1' });
    registry.deleteBlob('team/app', layer);
    registry.requests.length = 0;

    const lines: string[] = [];
    const pushed = await pushImage(layout, repo, { tag: 'v2', log: (line) => lines.push(line) });
    expect(pushed.stats).toMatchObject({ upToDate: false, uploaded: 1, skipped: 1, mounted: 0 });
    expect(pushed.stats.outcomes.get(layer)).toBe('uploaded');
    expect(registry.hasBlob('team/app', layer)).toBe(true);
    expect(registry.tags('team/app').sort()).toEqual(['v1', 'v2']);
    expect(manifestPuts()).toEqual(['v2 400', 'v2 201']);
    expect(lines.some((l) => l.includes(`has ${manifest} but has lost a blob it references; pushing the image again`))).toBe(true);
  });

  it('a layer found "already there" is gone at the PUT: checked again, pushed, and the manifest PUT once more', async () => {
    const { layout, manifest, layer, config } = await image('lost between HEAD and PUT');
    const repo = client.repository('team/app', ['pull', 'push']);
    // The blobs are in the repository under another manifest: the push finds them there and skips them.
    const other = await layout.writeJson(MediaType.ociManifest, {
      ...(JSON.parse((await layout.readBlob(manifest)).toString()) as object),
      annotations: { note: 'other' },
    });
    await pushImage(layout, repo, { root: other, tag: 'other' });
    registry.requests.length = 0;
    // The layer goes as soon as the push has seen it there.
    registry.afterAnswer = (request) => {
      if (request.method === 'HEAD' && request.path.endsWith(`/blobs/${layer}`) && request.status === 200) {
        registry.deleteBlob('team/app', layer);
        registry.afterAnswer = undefined;
      }
    };

    const lines: string[] = [];
    const pushed = await pushImage(layout, repo, { tag: 'v1', log: (line) => lines.push(line) });
    expect(pushed.stats).toMatchObject({ upToDate: false, uploaded: 1, skipped: 1 });
    expect([...pushed.stats.outcomes]).toEqual(
      expect.arrayContaining([
        [layer, 'uploaded'],
        [config, 'skipped'],
      ]),
    );
    expect(manifestPuts()).toEqual(['v1 400', 'v1 201']);
    expect(registry.manifest('team/app', 'v1')).toBeDefined();
    expect(lines.some((l) => l.includes('is gone from the registry; pushing it again'))).toBe(true);
  });

  it('a registry that keeps losing the blob: the PUT is tried twice, then the error says what is missing', async () => {
    const { layout, layer } = await image('lost every time');
    const repo = client.repository('team/app', ['pull', 'push']);
    // Every time the layer is there (found, or just uploaded), it is lost again.
    registry.afterAnswer = (request) => {
      const found = request.method === 'HEAD' && request.path.endsWith(`/blobs/${layer}`) && request.status === 200;
      const uploaded = request.method === 'PUT' && request.query.get('digest') === layer && request.status === 201;
      if (found || uploaded) registry.deleteBlob('team/app', layer);
    };
    const error = await shipFailure(pushImage(layout, repo, { tag: 'v1' }));
    expect(error.message).toContain('the registry does not have a blob the manifest references (MANIFEST_BLOB_UNKNOWN');
    expect(manifestPuts()).toEqual(['v1 400', 'v1 400']);
  });
});
