// The image's labels: the OCI source labels from where the run comes from, the labels input over them, written into
// every platform's config (a new config, so a new digest), with the layers and an `oci:` input's own layout untouched.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageConfig, ImageIndex, ImageManifest, OciLayout } from '../../src/oci/index.js';
import { createdAt, describeLabels, imageLabels, labelImage, ownCopy, sourceFromEnv } from '../../src/pipeline/image-labels.js';
import { writeImageLayout } from '../helpers/image-layout.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');

describe('image labels', () => {
  it('come from GITHUB_*, with the labels input winning', () => {
    const source = sourceFromEnv({ GITHUB_SERVER_URL: 'https://ghe.example.com/', GITHUB_REPOSITORY: 'acme/web', GITHUB_SHA: 'abc123' });
    expect(
      imageLabels(
        source,
        [
          { name: 'org.opencontainers.image.version', value: 'v1' },
          { name: 'team', value: 'pay' },
        ],
        NOW,
      ),
    ).toEqual({
      'org.opencontainers.image.source': 'https://ghe.example.com/acme/web',
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.created': '2026-12-01T10:00:00.000Z',
      'org.opencontainers.image.version': 'v1',
      team: 'pay',
    });
    // Outside GitHub: no source, revision or version; created only when given (else the image's own, set by labelImage).
    expect(imageLabels(sourceFromEnv({}), [], undefined)).toEqual({});
    expect(createdAt({ SOURCE_DATE_EPOCH: '1700000000' })?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(createdAt({})).toBeUndefined();
  });

  it('are logged as given, and with no created label given, where created comes from (never an empty list)', () => {
    expect(describeLabels({})).toBe("org.opencontainers.image.created from the image's own creation time (when it has one)");
    expect(describeLabels({ team: 'pay' })).toBe("team=pay, org.opencontainers.image.created from the image's own creation time (when it has one)");
    expect(describeLabels({ 'org.opencontainers.image.created': '2026-12-01T10:00:00.000Z' })).toBe(
      'org.opencontainers.image.created=2026-12-01T10:00:00.000Z',
    );
  });

  it('take the version from a run on a git tag only, so one image under two image tags keeps one digest', () => {
    const onTag = { GITHUB_REPOSITORY: 'acme/web', GITHUB_SHA: 'abc123', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v2.1.0' };
    expect(imageLabels(sourceFromEnv(onTag), [], undefined)['org.opencontainers.image.version']).toBe('v2.1.0');
    const onBranch = { ...onTag, GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' };
    expect(imageLabels(sourceFromEnv(onBranch), [], undefined)).not.toHaveProperty(['org.opencontainers.image.version']);
  });

  it('are set on the config of every platform, keeping the layers, in a copy of a layout that is not ours', async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'labels-user-'));
    const digest = writeImageLayout(userDir, [
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [Buffer.from('a'.repeat(1024))], gzip: true },
      { platform: { os: 'linux', architecture: 'arm64' }, layers: [Buffer.from('b'.repeat(1024))], gzip: true },
    ]);
    const userBlobs = readdirSync(join(userDir, 'blobs', 'sha256')).sort();
    const user = await OciLayout.open(userDir);
    const top = await user.resolve('latest');
    const own = await ownCopy(user, top, join(mkdtempSync(join(tmpdir(), 'labels-own-')), 'layout'));
    const labelled = await labelImage(own, top, { 'org.opencontainers.image.revision': 'abc123' });

    expect(labelled.digest).not.toBe(digest);
    expect(labelled.mediaType).toBe(top.mediaType);
    const before = await user.readJson(top, ImageIndex, 'index');
    const after = await own.readJson(labelled, ImageIndex, 'index');
    expect(after.manifests.map((m) => m.platform)).toEqual(before.manifests.map((m) => m.platform));
    for (const [i, descriptor] of after.manifests.entries()) {
      const manifest = await own.readJson(descriptor, ImageManifest, 'manifest');
      const old = await user.readJson(before.manifests[i]!, ImageManifest, 'manifest');
      expect(manifest.layers).toEqual(old.layers);
      const config = await own.readJson(manifest.config, ImageConfig, 'config');
      expect(config.config?.Labels).toEqual({ 'org.opencontainers.image.revision': 'abc123' });
      expect(config.created).toBeUndefined();
      expect(config.config?.Cmd).toEqual(['/bin/sh']);
      expect(config.rootfs).toEqual((await user.readJson(old.config, ImageConfig, 'config')).rootfs);
    }
    // The user's layout is as it was.
    expect(readdirSync(join(userDir, 'blobs', 'sha256')).sort()).toEqual(userBlobs);
    expect(JSON.parse(readFileSync(join(userDir, 'index.json'), 'utf8')).manifests[0].digest).toBe(digest);
  });

  it("take the image's own creation time, so the same image labelled twice has the same digest", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labels-created-'));
    writeImageLayout(dir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [Buffer.from('x')], gzip: false }]);
    const layout = await OciLayout.open(dir);
    const top = await layout.resolve('latest');
    const manifest = await layout.readJson(top, ImageManifest, 'manifest');
    const config = await layout.readJson(manifest.config, ImageConfig, 'config');
    const written = await layout.writeJson(manifest.config.mediaType, { ...config, created: '2026-01-02T03:04:05Z' });
    const dated = { ...top, ...(await layout.writeJson(top.mediaType, { ...manifest, config: { ...manifest.config, ...written } })) };
    const once = await labelImage(layout, dated, imageLabels(sourceFromEnv({}), [], createdAt({})));
    const twice = await labelImage(layout, dated, imageLabels(sourceFromEnv({}), [], createdAt({})));
    expect(twice.digest).toBe(once.digest);
    const labelled = await layout.readJson((await layout.readJson(once, ImageManifest, 'manifest')).config, ImageConfig, 'config');
    expect(labelled.config?.Labels?.['org.opencontainers.image.created']).toBe('2026-01-02T03:04:05Z');
  });
});
