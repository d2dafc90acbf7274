// Push and pull through the registry client against the in-process registry (test/helpers/fake-registry.ts), which
// answers as distribution does and refuses what it refuses: fast checks beside test/e2e/registry.test.ts, which runs
// the same client against the real docker-registry.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { MediaType } from '../../src/oci/media-types.js';
import { pullImage } from '../../src/oci/pull.js';
import { pushImage } from '../../src/oci/push.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { pushToTarget } from '../../src/pipeline/publish.js';
import type { Target } from '../../src/pipeline/target.js';
import { FakeRegistry, usersGrant, type FakeRegistryOptions } from '../helpers/fake-registry.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'registry-fake-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let registry: FakeRegistry;
const clients: RegistryClient[] = [];
/** Every log line and masked secret of the clients made here. */
const lines: string[] = [];
const masked = new Set<string>();

async function start(options: FakeRegistryOptions = {}): Promise<void> {
  registry = await FakeRegistry.start(options);
}
beforeEach(() => start());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await registry.stop();
});

function client(credentials?: { username: string; password: string }): RegistryClient {
  const made = new RegistryClient({
    registry: registry.host,
    ...(credentials ? { credentials } : {}),
    mask: (secret) => masked.add(secret),
    log: (line) => lines.push(line),
    // Waits between attempts (upload restarts included) go through the client: none is really waited here.
    http: { retry: { baseDelayMs: 1, maxDelayMs: 2 }, sleep: async () => {} },
  });
  clients.push(made);
  return made;
}

let counter = 0;
function dir(name: string): string {
  counter += 1;
  return join(work, `${counter}-${name}`);
}

async function failure(call: Promise<unknown>): Promise<ShipError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ShipError);
  return error as ShipError;
}

const blobFiles = (layoutDir: string) =>
  readdirSync(join(layoutDir, 'blobs', 'sha256'))
    .filter((n) => !n.startsWith('.'))
    .sort();

describe('push', () => {
  it('sends the blobs, then the manifest by tag; pins the digest; a second push only looks and tags', async () => {
    const image = writeTinyOciLayout(dir('tiny'), 'round trip');
    const repo = client().repository('team/app', ['pull', 'push']);
    const pushed = await pushImage(await OciLayout.open(image.dir), repo, { tag: 'v1' });
    expect(pushed.digest).toBe(image.manifestDigest);
    expect(pushed.pinned).toBe(`${registry.host}/team/app@${image.manifestDigest}`);
    expect(pushed.stats).toMatchObject({ blobs: 2, uploaded: 2, skipped: 0, mounted: 0, manifests: 1, upToDate: false, retries: 0 });
    expect(registry.manifest('team/app', 'v1')?.bytes.equals(readFileSync(join(image.dir, 'blobs', 'sha256', image.manifestDigest.slice(7))))).toBe(true);
    expect(registry.tags('team/app')).toEqual(['v1']);
    // The registry stores a manifest only when it has its blobs: every blob PUT comes before the manifest PUT.
    const order = registry.requests.filter((r) => r.method === 'PUT').map((r) => (r.path.includes('/manifests/') ? 'manifest' : 'blob'));
    expect(order).toEqual(['blob', 'blob', 'manifest']);
    expect(registry.sent('PUT', /manifests/)[0]?.headers['content-type']).toBe(MediaType.ociManifest);

    registry.requests.length = 0;
    const again = await pushImage(await OciLayout.open(image.dir), repo, { tag: 'v1' });
    expect(again.stats).toMatchObject({ uploaded: 0, skipped: 2, upToDate: true, bytesSent: 0 });
    expect(registry.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `HEAD /v2/team/app/manifests/${image.manifestDigest}`,
      'PUT /v2/team/app/manifests/v1',
    ]);
  });

  it('skips blobs the repository has, and mounts those a sibling repository has', async () => {
    const image = writeTinyOciLayout(dir('mount'), 'shared');
    const registryClient = client();
    await pushImage(await OciLayout.open(image.dir), registryClient.repository('team/a', ['pull', 'push']), { tag: 'one' });
    const mounted = await pushImage(await OciLayout.open(image.dir), registryClient.repository('team/b', ['pull', 'push']), {
      tag: 'one',
      mountFrom: ['team/a'],
    });
    expect(mounted.stats).toMatchObject({ mounted: 2, uploaded: 0, skipped: 0 });
    expect(registry.sent('POST', /^\/v2\/team\/b\/blobs\/uploads\/$/).every((r) => r.status === 201 && r.query.get('from') === 'team/a')).toBe(true);
    expect(registry.hasBlob('team/b', image.manifestDigest)).toBe(false);

    // A new manifest over the same blobs: both skipped, only the manifest is new.
    const layout = await OciLayout.open(image.dir);
    const manifest = JSON.parse((await layout.readBlob(image.manifestDigest as Digest)).toString()) as Record<string, unknown>;
    await layout.setRef(await layout.writeJson(MediaType.ociManifest, { ...manifest, annotations: { note: 'two' } }), 'two');
    const second = await pushImage(layout, registryClient.repository('team/a', ['pull', 'push']), { tag: 'two', layoutRef: 'two' });
    expect(second.stats).toMatchObject({ skipped: 2, uploaded: 0, upToDate: false });
  });

  it('uploads instead of mounting when the token may not read the other repository, asking once', async () => {
    await start({
      auth: {
        scheme: 'bearer',
        grant: usersGrant({
          ci: { password: 'pw', access: { 'team/a': ['pull', 'push'], 'team/c': ['pull', 'push'] } },
          narrow: { password: 'pw2', access: { 'team/c2': ['pull', 'push'] } },
        }),
      },
    });
    const image = writeTinyOciLayout(dir('narrow'), 'narrow');
    await pushImage(await OciLayout.open(image.dir), client({ username: 'ci', password: 'pw' }).repository('team/a', ['pull', 'push']), { tag: 'one' });
    const pushed = await pushImage(await OciLayout.open(image.dir), client({ username: 'narrow', password: 'pw2' }).repository('team/c2', ['pull', 'push']), {
      tag: 'one',
      mountFrom: ['team/a'],
      concurrency: 1,
    });
    expect(pushed.stats).toMatchObject({ mounted: 0, uploaded: 2 });
    // The first mount was refused (401 twice: the token, then a fresh one); the second blob did not ask again.
    // (Blobs in flight at the same time each ask once: the refusal is remembered when it arrives.)
    expect(
      registry
        .sent('POST', /team\/c2/)
        .filter((r) => r.query.has('mount'))
        .map((r) => r.status),
    ).toEqual([401, 401]);
  });

  it('pushes an index after its images, which the registry requires', async () => {
    const layoutDir = dir('multi');
    const top = writeImageLayout(layoutDir, [
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [buildTar([{ name: 'a', data: 'amd64' }])], gzip: true },
      { platform: { os: 'linux', architecture: 'arm64' }, layers: [buildTar([{ name: 'a', data: 'arm64' }])], gzip: true },
    ]);
    const repo = client().repository('team/multi', ['pull', 'push']);
    const pushed = await pushImage(await OciLayout.open(layoutDir), repo, { tag: 'v1' });
    expect(pushed.digest).toBe(top);
    expect(pushed.stats).toMatchObject({ blobs: 4, manifests: 3 });
    const puts = registry.sent('PUT', /manifests/).map((r) => r.path.split('/').pop());
    expect(puts).toHaveLength(3);
    expect(puts.at(-1)).toBe('v1');
    expect(registry.sent('PUT', /manifests\/v1$/)[0]?.headers['content-type']).toBe(MediaType.ociIndex);

    // The same index into a repository without its images is refused, and the error says what to do.
    const index = await OciLayout.open(layoutDir).then((l) => l.readBlob(top as Digest));
    const refused = await failure(client().repository('team/empty', ['pull', 'push']).putManifest('v1', index, MediaType.ociIndex));
    expect(refused.message).toContain('the registry does not have a blob the manifest references (MANIFEST_BLOB_UNKNOWN');
    expect(refused.hint).toContain('push every blob');
  });

  it('sends a large blob in chunks, and after a cut connection resumes where the registry says it is', async () => {
    const layoutDir = dir('chunks');
    const tar = buildTar([{ name: 'big', data: payload(50_000, 1) }]);
    writeImageLayout(layoutDir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [tar], gzip: false }]);
    registry.faults.push({ method: 'PATCH', cut: true, after: 2, times: 1 });
    const pushed = await pushImage(await OciLayout.open(layoutDir), client().repository('team/big', ['pull', 'push']), {
      upload: { chunkThreshold: 10_000, chunkSize: 8192 },
    });
    expect(pushed.stats).toMatchObject({ uploaded: 2, resumes: 1, restarts: 0 });
    const patches = registry
      .sent('PATCH')
      .filter((r) => r.status === 202)
      .map((r) => r.headers['content-range']);
    // Every chunk once, in order, each starting where the last ended: the cut one (the third) was sent again.
    expect(patches).toEqual(Array.from({ length: Math.ceil(tar.length / 8192) }, (_, i) => `${i * 8192}-${Math.min(tar.length, (i + 1) * 8192) - 1}`));
    expect(registry.sent('PATCH').map((r) => r.status)).toEqual([202, 202, 0, 202, 202, 202, 202, 202]);
    expect(registry.sent('GET', /uploads/).map((r) => r.status)).toEqual([204]);
    expect(registry.blob(`sha256:${createHash('sha256').update(tar).digest('hex')}`)?.equals(tar)).toBe(true);
  });

  it('starts a new session when a single-request upload is cut', async () => {
    const image = writeTinyOciLayout(dir('restart'), 'restart');
    registry.faults.push({ method: 'PUT', path: /uploads/, cut: true, times: 1 });
    const pushed = await pushImage(await OciLayout.open(image.dir), client().repository('team/restart', ['pull', 'push']), { concurrency: 1 });
    expect(pushed.stats).toMatchObject({ uploaded: 2, restarts: 1, resumes: 0 });
    expect(registry.sent('POST', /uploads/)).toHaveLength(3);
    expect(registry.sent('DELETE', /uploads/).map((r) => r.status)).toEqual([204]);
  });

  it('refuses a layout that lacks a blob the registry does not have either, naming it', async () => {
    const image = writeTinyOciLayout(dir('incomplete'), 'incomplete');
    const config = blobFiles(image.dir).find((hex) => readFileSync(join(image.dir, 'blobs', 'sha256', hex), 'utf8').includes('rootfs'))!;
    rmSync(join(image.dir, 'blobs', 'sha256', config));
    const error = await failure(pushImage(await OciLayout.open(image.dir), client().repository('team/incomplete', ['pull', 'push'])));
    expect(error.message).toContain(`blob sha256:${config}`);
    expect(registry.sent('PUT', /manifests/)).toEqual([]);
    // The library speaks of the layout; the ship's push stage adds what a missing blob means in a ship.
    expect(error.hint).toBe('the layout is incomplete: write it again (or pull the image into it first)');
    const target = { registry: registry.host, registryRepository: 'team/incomplete', tag: { tag: 'v1' } } as unknown as Target;
    const layout = await OciLayout.open(image.dir);
    const inShip = await failure(pushToTarget({ client: client(), close: async () => {} }, target, layout, await layout.resolve(), () => {}));
    expect(inShip.message).toBe(error.message);
    expect(inShip.hint).toBe(
      `${error.hint}; in a ship, a layer reused from the previous ship was deleted from the registry meanwhile: ship again, and it is converted`,
    );
  });
});

describe('token auth', () => {
  const grant = usersGrant({ ci: { password: 'secret-pw', access: { '*': ['pull', 'push'] } } }, { '*': ['pull'] });
  beforeEach(async () => {
    await registry.stop();
    await start({ auth: { scheme: 'bearer', grant } });
  });

  it('gets one token by GET with Basic credentials and uses it for the whole push; never shows it', async () => {
    const image = writeTinyOciLayout(dir('token'), 'token');
    const registryClient = client({ username: 'ci', password: 'secret-pw' });
    await pushImage(await OciLayout.open(image.dir), registryClient.repository('team/tok', ['pull', 'push']), { tag: 'v1' });
    expect(registry.tokensIssued).toBe(1);
    expect(registry.sent('GET', /^\/token$/)[0]?.query.getAll('scope')).toEqual(['repository:team/tok:pull,push']);
    expect(masked).toContain('secret-pw');
    expect(registry.requests.filter((r) => r.path.startsWith('/v2/team/')).every((r) => r.headers.authorization?.startsWith('Bearer fake-'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/secret-pw|fake-[0-9a-f]{8}-/);
  });

  it('fails a wrong password with a clear 401 and a hint, without retrying', async () => {
    const image = writeTinyOciLayout(dir('wrong'), 'wrong');
    const error = await failure(
      pushImage(await OciLayout.open(image.dir), client({ username: 'ci', password: 'nope' }).repository('team/tok', ['pull', 'push'])),
    );
    expect(error.message).toBe(`${registry.host} refused user ci: the token server answered 401`);
    expect(error.hint).toContain(`check the credentials for ${registry.host}`);
    expect(registry.sent('GET', /^\/token$/)).toHaveLength(1);
  });

  it('pulls anonymously, and refuses an anonymous push: the anonymous token only pulls', async () => {
    const image = writeTinyOciLayout(dir('anon'), 'anon');
    await pushImage(await OciLayout.open(image.dir), client({ username: 'ci', password: 'secret-pw' }).repository('team/anon', ['pull', 'push']), {
      tag: 'v1',
    });
    const pulled = await pullImage(client().repository('team/anon'), 'v1', await OciLayout.create(dir('anon-pull')));
    expect(pulled.descriptor.digest).toBe(image.manifestDigest);
    const error = await failure(
      pushImage(await OciLayout.open(writeTinyOciLayout(dir('anon2'), 'other').dir), client().repository('team/anon', ['pull', 'push'])),
    );
    expect(error.message).toMatch(/not authorized to push to this repository .*401 Unauthorized: UNAUTHORIZED/);
  });
});

describe('pull', () => {
  it('pulls by tag into a layout byte for byte; a second pull downloads nothing', async () => {
    const image = writeTinyOciLayout(dir('source'), 'pull me');
    await pushImage(await OciLayout.open(image.dir), client().repository('team/pull', ['pull', 'push']), { tag: 'v1' });
    const into = dir('pulled');
    const layout = await OciLayout.create(into);
    const pulled = await pullImage(client().repository('team/pull'), 'v1', layout, { layoutRef: 'v1' });
    expect(pulled).toMatchObject({ blobs: 2, present: 0 });
    expect(blobFiles(into)).toEqual(blobFiles(image.dir));
    expect((await layout.resolve('v1')).digest).toBe(image.manifestDigest);
    // Manifests were asked for with every type the client reads.
    expect(registry.sent('GET', /manifests/)[0]?.headers.accept).toContain(MediaType.ociManifest);
    const again = await pullImage(client().repository('team/pull'), image.manifestDigest, layout);
    expect(again).toMatchObject({ present: 2, bytesDownloaded: 0 });
  });

  it('takes one platform out of an index', async () => {
    const layoutDir = dir('index');
    writeImageLayout(layoutDir, [
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [buildTar([{ name: 'a', data: 'amd64' }])], gzip: true },
      { platform: { os: 'linux', architecture: 'arm64' }, layers: [buildTar([{ name: 'a', data: 'arm64' }])], gzip: true },
    ]);
    await pushImage(await OciLayout.open(layoutDir), client().repository('team/index', ['pull', 'push']), { tag: 'v1' });
    const layout = await OciLayout.create(dir('arm'));
    const pulled = await pullImage(client().repository('team/index'), 'v1', layout, { platform: { os: 'linux', architecture: 'arm64' } });
    expect(pulled.descriptor.mediaType).toBe(MediaType.ociManifest);
    expect(pulled.blobs).toBe(2);
    const missing = await failure(pullImage(client().repository('team/index'), 'v1', layout, { platform: { os: 'linux', architecture: 's390x' } }));
    expect(missing.message).toContain('has no image for linux/s390x');
  });

  it('follows a blob redirect to storage without sending the token there', async () => {
    await registry.stop();
    await start({ redirectBlobs: true, auth: { scheme: 'bearer', grant: usersGrant({ ci: { password: 'pw', access: { '*': ['pull', 'push'] } } }) } });
    const image = writeTinyOciLayout(dir('redirect'), 'redirected');
    const registryClient = client({ username: 'ci', password: 'pw' });
    await pushImage(await OciLayout.open(image.dir), registryClient.repository('team/redirect', ['pull', 'push']), { tag: 'v1' });
    await pullImage(registryClient.repository('team/redirect'), 'v1', await OciLayout.create(dir('redirect-pull')));
    expect(registry.sent('GET', /\/blobs\//).map((r) => r.status)).toEqual([307, 307]);
    const storage = registry.sent('GET', /^\/_storage\//);
    expect(storage).toHaveLength(2);
    expect(storage.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('refuses a blob whose bytes are not its digest, and an unknown tag, naming them', async () => {
    const image = writeTinyOciLayout(dir('corrupt'), 'corrupt');
    await pushImage(await OciLayout.open(image.dir), client().repository('team/corrupt', ['pull', 'push']), { tag: 'v1' });
    const layer = blobFiles(image.dir)
      .map((hex) => `sha256:${hex}`)
      .find((d) => d !== image.manifestDigest && !readFileSync(join(image.dir, 'blobs', 'sha256', d.slice(7)), 'utf8').includes('rootfs'))!;
    registry.corruptBlob(layer, Buffer.alloc(registry.blob(layer)!.length, 1));
    const corrupt = await failure(pullImage(client().repository('team/corrupt'), 'v1', await OciLayout.create(dir('corrupt-pull'))));
    expect(corrupt.message).toBe(
      `${registry.host}/team/corrupt: blob ${layer} does not match its digest: its content is sha256:${createHash('sha256')
        .update(Buffer.alloc(registry.blob(layer)!.length, 1))
        .digest('hex')}`,
    );
    const unknown = await failure(pullImage(client().repository('team/corrupt'), 'v9', await OciLayout.create(dir('unknown-pull'))));
    expect(unknown.message).toContain(`get manifest v9 from ${registry.host}/team/corrupt`);
    expect(unknown.message).toContain('MANIFEST_UNKNOWN');
  });

  it('lists tags across pages', async () => {
    await registry.stop();
    await start({ tagPageSize: 2 });
    const image = writeTinyOciLayout(dir('tags'), 'tags');
    const repo = client().repository('team/tags', ['pull', 'push']);
    for (const tag of ['a', 'b', 'c', 'd', 'e']) await pushImage(await OciLayout.open(image.dir), repo, { tag });
    expect(await repo.listTags()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(registry.sent('GET', /tags\/list/)).toHaveLength(3);
  });
});
