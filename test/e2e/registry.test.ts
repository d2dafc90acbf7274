// The registry client against the real Debian registry (no auth and token auth), containerd and skopeo.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { HttpError } from '../../src/http.js';
import { sha256, type Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { MediaType } from '../../src/oci/media-types.js';
import { pullImage } from '../../src/oci/pull.js';
import { pushImage } from '../../src/oci/push.js';
import { RegistryClient, registryBaseUrl } from '../../src/oci/registry.js';
import { uploadBlob } from '../../src/oci/registry-upload.js';
import { registryClientIdentity } from '../../src/registry-env.js';
import { startCuttingProxy } from '../helpers/cutting-proxy.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';
import { ctrRemote, run } from '../infra/env.js';

const infra = inject('infra');
let dir: string;
/** Every log line and error text, to prove no secret shows. */
const captured: string[] = [];
const masked = new Set<string>();
/** A unique suffix, so runs against a kept infra directory start from empty repositories. */
const run_ = Date.now().toString(36);

function client(registry: string, credentials?: { username: string; password: string }): RegistryClient {
  return new RegistryClient({
    registry,
    ...(credentials ? { credentials } : {}),
    mask: (secret) => masked.add(secret),
    log: (line) => captured.push(line),
    http: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    // As the application makes its clients: the hint for refused credentials is its own.
    ...registryClientIdentity(registry),
  });
}

function blobFiles(layoutDir: string): Map<string, string> {
  const blobs = join(layoutDir, 'blobs', 'sha256');
  return new Map(
    readdirSync(blobs)
      .filter((n) => !n.startsWith('.'))
      .map((n) => [
        n,
        createHash('sha256')
          .update(readFileSync(join(blobs, n)))
          .digest('hex'),
      ]),
  );
}

async function failure(call: Promise<unknown>): Promise<ShipError> {
  try {
    await call;
  } catch (error) {
    captured.push(String(error), (error as ShipError).hint ?? '');
    expect(error).toBeInstanceOf(ShipError);
    return error as ShipError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'registry-test-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('push and pull on the registry without auth', () => {
  const repository = `rt${run_}/app`;

  it('pushes a layout, pins the digest, pulls it back byte-identical, and a second push uploads nothing', async () => {
    const image = writeTinyOciLayout(join(dir, 'tiny'), 'round trip');
    const registry = client(infra.registryPlain);
    const repo = registry.repository(repository, ['pull', 'push']);
    const lines: string[] = [];
    const pushed = await pushImage(await OciLayout.open(image.dir), repo, { tag: 'v1', log: (l) => lines.push(l) });
    expect(pushed.digest).toBe(image.manifestDigest);
    expect(pushed.pinned).toBe(`${infra.registryPlain}/${repository}@${image.manifestDigest}`);
    expect(pushed.stats).toMatchObject({ blobs: 2, uploaded: 2, skipped: 0, mounted: 0, manifests: 1, upToDate: false });
    expect(lines.join('\n')).toMatch(/pushed sha256:[a-f0-9]{64} as v1 .*2 blobs \(2 uploaded/);
    expect(await repo.listTags()).toEqual(['v1']);
    expect((await repo.headManifest('v1'))?.digest).toBe(image.manifestDigest);

    const into = await OciLayout.create(join(dir, 'pulled'));
    const pulled = await pullImage(registry.repository(repository), 'v1', into, { layoutRef: 'v1' });
    expect(pulled.descriptor.digest).toBe(image.manifestDigest);
    expect(blobFiles(join(dir, 'pulled'))).toEqual(blobFiles(image.dir));
    expect((await into.resolve('v1')).digest).toBe(image.manifestDigest);

    const unknown = await failure(pullImage(registry.repository(repository), 'v9', into));
    expect(unknown.message).toContain(`get manifest v9 from ${infra.registryPlain}/${repository}`);
    expect(unknown.message).toContain('MANIFEST_UNKNOWN');
    expect((await into.readIndex()).manifests).toHaveLength(1);

    const again = await pushImage(await OciLayout.open(image.dir), repo, { tag: 'v1' });
    expect(again.digest).toBe(image.manifestDigest);
    expect(again.stats).toMatchObject({ uploaded: 0, bytesSent: 0, upToDate: true });
    await registry.close();
  });

  it('skips blobs the repository has and mounts blobs from another repository', async () => {
    const registry = client(infra.registryPlain);
    const first = writeTinyOciLayout(join(dir, 'mount-a'), 'shared content', 'latest');
    await pushImage(await OciLayout.open(first.dir), registry.repository(`mount${run_}/a`, ['pull', 'push']), { tag: 'one' });
    // The same blobs into a sibling repository: mounted, not uploaded.
    const mounted = await pushImage(await OciLayout.open(first.dir), registry.repository(`mount${run_}/b`, ['pull', 'push']), {
      tag: 'one',
      mountFrom: [`mount${run_}/a`],
    });
    expect(mounted.stats).toMatchObject({ mounted: 2, uploaded: 0, skipped: 0 });
    // Another image with the same layer (an extra annotation changes only the manifest): the layer is skipped.
    const layout = await OciLayout.open(first.dir);
    const manifest = JSON.parse((await layout.readBlob(first.manifestDigest as Digest)).toString()) as Record<string, unknown>;
    const changed = await layout.writeJson(MediaType.ociManifest, { ...manifest, annotations: { note: 'two' } });
    await layout.setRef(changed, 'two');
    const second = await pushImage(layout, registry.repository(`mount${run_}/a`, ['pull', 'push']), { tag: 'two', layoutRef: 'two' });
    expect(second.stats).toMatchObject({ skipped: 2, uploaded: 0, upToDate: false });
    await registry.close();
  });

  it('pushes an index after its images, and pulls it whole or one platform of it', async () => {
    const image = writeTinyOciLayout(join(dir, 'multi'), 'multi platform', 'amd64');
    const layout = await OciLayout.open(image.dir);
    const child = await layout.resolve('amd64');
    const index = await layout.writeJson(MediaType.ociIndex, {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [{ mediaType: child.mediaType, digest: child.digest, size: child.size, platform: { os: 'linux', architecture: 'amd64' } }],
    });
    await layout.setRef(index, 'multi');
    const registry = client(infra.registryPlain);
    const repo = registry.repository(`index${run_}/app`, ['pull', 'push']);
    const pushed = await pushImage(layout, repo, { tag: 'v1', layoutRef: 'multi' });
    expect(pushed).toMatchObject({ digest: index.digest, mediaType: MediaType.ociIndex, stats: { manifests: 2, uploaded: 2 } });
    expect(await repo.headManifest('v1')).toMatchObject({ digest: index.digest, mediaType: MediaType.ociIndex });
    expect((await repo.headManifest(child.digest))?.mediaType).toBe(MediaType.ociManifest);

    const whole = await OciLayout.create(join(dir, 'multi-whole'));
    expect((await pullImage(repo, 'v1', whole, { layoutRef: 'v1' })).descriptor.digest).toBe(index.digest);
    expect(await whole.hasBlob(child.digest)).toBe(true);
    const one = await OciLayout.create(join(dir, 'multi-one'));
    const picked = await pullImage(repo, 'v1', one, { layoutRef: 'v1', platform: { os: 'linux', architecture: 'amd64' } });
    expect(picked.descriptor.digest).toBe(child.digest);
    expect(await one.hasBlob(index.digest)).toBe(false);
    const missing = await failure(pullImage(repo, 'v1', one, { platform: { os: 'linux', architecture: 'arm64' } }));
    expect(missing.message).toContain('has no image for linux/arm64');
    expect(missing.hint).toBe('it has: linux/amd64');
    await registry.close();
  });

  it('refuses a manifest whose blob the registry lacks, and a layout missing a blob, with clear errors', async () => {
    const registry = client(infra.registryPlain);
    const repo = registry.repository(`broken${run_}/app`, ['pull', 'push']);
    const missing = sha256('never uploaded');
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: missing, size: 14 }, layers: [] }),
    );
    const error = await failure(repo.putManifest('v1', manifest, MediaType.ociManifest));
    expect(error.message).toContain(`${infra.registryPlain}/broken${run_}/app`);
    expect(error.message).toContain('MANIFEST_BLOB_UNKNOWN');
    expect(error.hint).toMatch(/push every blob/);

    const image = writeTinyOciLayout(join(dir, 'incomplete'), 'incomplete');
    const layout = await OciLayout.open(image.dir);
    const layer = (JSON.parse((await layout.readBlob(image.manifestDigest as Digest)).toString()) as { layers: { digest: Digest }[] }).layers[0]!.digest;
    rmSync(layout.blobPath(layer));
    const incomplete = await failure(pushImage(layout, repo, { tag: 'v2' }));
    expect(incomplete.message).toContain(`blob ${layer}`);
    expect(incomplete.hint).toMatch(/layout is incomplete/);
    await registry.close();
  });

  it('is pulled by containerd (which checks diff_ids) and inspected by skopeo', async () => {
    const image = writeTinyOciLayout(join(dir, 'for-ctr'), `containerd ${run_}`);
    const registry = client(infra.registryPlain);
    const repository = `ctr${run_}/app`;
    const pushed = await pushImage(await OciLayout.open(image.dir), registry.repository(repository, ['pull', 'push']), { tag: 'v1' });
    await registry.close();
    const ref = `${infra.registryPlain}/${repository}:v1`;
    const pulled = ctrRemote(infra, ['images', 'pull', '--plain-http', ref]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const listed = ctrRemote(infra, ['images', 'ls', '-q']);
    expect(listed.stdout).toContain(ref);
    const check = ctrRemote(infra, ['images', 'check']);
    expect(check.stdout).toMatch(new RegExp(`${ref.replace(/[.]/g, '\\.')}.*complete`));
    const inspect = run('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect((JSON.parse(inspect.stdout) as { Digest: string }).Digest).toBe(pushed.digest);
  });

  it('pulls a Docker schema 2 image as it is', async () => {
    const image = writeTinyOciLayout(join(dir, 'for-docker'), 'docker format');
    const ref = `${infra.registryPlain}/docker${run_}/app:v1`;
    const copied = run('skopeo', ['copy', '--format', 'v2s2', '--dest-tls-verify=false', `oci:${image.dir}:latest`, `docker://${ref}`]);
    expect(copied.code, copied.stderr).toBe(0);
    const registry = client(infra.registryPlain);
    const into = await OciLayout.create(join(dir, 'docker-pulled'));
    const pulled = await pullImage(registry.repository(`docker${run_}/app`), 'v1', into, { layoutRef: 'v1' });
    expect(pulled.descriptor.mediaType).toBe(MediaType.dockerManifest);
    const inspect = run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
    expect(pulled.descriptor.digest).toBe(sha256(inspect.stdout));
    expect(pulled.blobs).toBe(2);
    await registry.close();
  });
});

describe('large blobs in chunks through a connection that breaks', () => {
  const size = 100 * 1024 * 1024;
  let blobPath: string;
  let digest: Digest;

  beforeAll(() => {
    blobPath = join(dir, 'big.bin');
    const data = randomBytes(size);
    writeFileSync(blobPath, data);
    digest = sha256(data);
  });

  for (const mode of ['between-requests', 'mid-body'] as const) {
    it(`uploads 100 MB in 16 MB chunks when the proxy cuts the connection ${mode}`, async () => {
      const proxy = await startCuttingProxy(infra.registryPlain, mode, 40 * 1024 * 1024);
      const registry = client(proxy.host);
      const repo = registry.repository(`chunks${run_}/${mode}`, ['pull', 'push']);
      const lines: string[] = [];
      const result = await uploadBlob(repo, digest, size, (start, end) => createReadStream(blobPath, { start, end: end - 1 }), {
        chunkThreshold: 16 * 1024 * 1024,
        chunkSize: 16 * 1024 * 1024,
        log: (l) => lines.push(l),
      });
      await proxy.close();
      expect(proxy.cuts).toBe(1);
      if (mode === 'between-requests') {
        // The registry held the three chunks before the cut: the upload goes on from its Range (48 MiB). Only what
        // the HTTP client had read ahead from disk for the cut request is read again.
        expect(result).toMatchObject({ resumes: 1, restarts: 0 });
        expect(lines.join('\n')).toContain('resuming at byte 50331648 of 104857600');
        expect(result.bytesSent).toBeLessThan(size + 4 * 1024 * 1024);
      } else {
        // distribution 2.x drops a session whose chunk arrived in part: the upload begins again and completes.
        expect(result.resumes + result.restarts).toBe(1);
        expect(result.bytesSent).toBeGreaterThan(size);
      }
      const direct = client(infra.registryPlain).repository(`chunks${run_}/${mode}`);
      expect(await direct.blobSize(digest)).toBe(size);
      const hash = createHash('sha256');
      for await (const chunk of await direct.openBlob(digest)) hash.update(chunk as Buffer);
      expect(`sha256:${hash.digest('hex')}`).toBe(digest);
      await registry.close();
      await direct.client.close();
    });
  }
});

describe('a single-request upload through a connection that breaks', () => {
  it('opens a new session and sends the blob again', async () => {
    const size = 24 * 1024 * 1024;
    const data = randomBytes(size);
    const digest = sha256(data);
    const proxy = await startCuttingProxy(infra.registryPlain, 'mid-body', 8 * 1024 * 1024);
    const registry = client(proxy.host);
    const repo = registry.repository(`mono${run_}/app`, ['pull', 'push']);
    const lines: string[] = [];
    const result = await uploadBlob(repo, digest, size, (start, end) => Readable.from([data.subarray(start, end)]), { log: (l) => lines.push(l) });
    await proxy.close();
    expect(proxy.cuts).toBe(1);
    expect(result).toMatchObject({ resumes: 0, restarts: 1 });
    expect(lines.join('\n')).toContain('the registry kept nothing of it, starting again (failure 1)');
    await registry.close();
    const direct = client(infra.registryPlain);
    expect(await direct.repository(`mono${run_}/app`).blobSize(digest)).toBe(size);
    await direct.close();
  });
});

describe('token auth', () => {
  const credentials = () => ({ username: infra.tokenUser, password: infra.tokenPassword });

  it('pushes and pulls with a token fetched by GET with Basic credentials, reused across calls', async () => {
    const image = writeTinyOciLayout(join(dir, 'token'), 'token auth');
    const registry = client(infra.registryToken, credentials());
    const repo = registry.repository(`tok${run_}/app`, ['pull', 'push']);
    const pushed = await pushImage(await OciLayout.open(image.dir), repo, { tag: 'v1' });
    expect(pushed.digest).toBe(image.manifestDigest);
    expect(registry.auth.scheme).toBe('bearer');
    expect(registry.auth.tokenFetches).toBe(1);
    const again = await pushImage(await OciLayout.open(image.dir), repo, { tag: 'v1' });
    expect(again.stats.upToDate).toBe(true);
    expect(registry.auth.tokenFetches).toBe(1);
    const into = await OciLayout.create(join(dir, 'token-pulled'));
    await pullImage(repo, 'v1', into);
    expect(blobFiles(join(dir, 'token-pulled'))).toEqual(blobFiles(image.dir));
    expect(masked.has(infra.tokenPassword)).toBe(true);
    expect(masked.size).toBeGreaterThan(1);
    await registry.close();
  });

  it('fails a wrong password with a clear 401 and a hint, without retrying', async () => {
    const image = writeTinyOciLayout(join(dir, 'wrong'), 'wrong password');
    const registry = client(infra.registryToken, { username: infra.tokenUser, password: 'not-the-password' });
    const error = await failure(pushImage(await OciLayout.open(image.dir), registry.repository(`tok${run_}/app`, ['pull', 'push']), { tag: 'v2' }));
    expect(error.message).toContain(`${infra.registryToken} refused user ${infra.tokenUser}: the token server answered 401`);
    expect(error.hint).toMatch(/check the credentials for .*repository token/);
    expect(registry.http.retries).toHaveLength(0);
    expect(registry.auth.tokenFetches).toBe(1);
    expect(String(error)).not.toContain('not-the-password');
    await registry.close();
  });

  it('fails a push without credentials: the anonymous token only pulls', async () => {
    const image = writeTinyOciLayout(join(dir, 'anon'), 'anonymous');
    const registry = client(infra.registryToken);
    const error = await failure(pushImage(await OciLayout.open(image.dir), registry.repository(`tok${run_}/anon`, ['pull', 'push']), { tag: 'v1' }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toMatch(/not authorized to push to this repository .*401/);
    expect(registry.http.retries).toHaveLength(0);
    await registry.close();
  });

  it('never shows a password or token in logs or errors', () => {
    const text = captured.join('\n');
    expect(masked.size).toBeGreaterThan(0);
    for (const secret of masked) expect(text).not.toContain(secret);
  });
});

describe('plain HTTP', () => {
  it('only for loopback and listed registries', () => {
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('localhost:5000')).toBe('http://localhost:5000');
    expect(registryBaseUrl('[::1]:5000')).toBe('http://[::1]:5000');
    expect(registryBaseUrl('registry.example.test')).toBe('https://registry.example.test');
    expect(registryBaseUrl('registry.example.test:5000', ['registry.example.test:5000'])).toBe('http://registry.example.test:5000');
  });
});
