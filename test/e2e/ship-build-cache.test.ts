// The build cache and build secrets through the whole pipeline, against the sandbox's real registry with buildah:
// a local cache-dir for real (a re-ship hits every step; a changed source hits the steps before it), GitHub's
// cache by its keys (a service that keeps directories by key and restores by prefix, newest first, as GitHub's
// does), the registry cache as a tag of the project repository, and build secrets that reach a RUN step but no
// blob, config, history, argument list, log or summary.
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CacheService } from '../../src/pipeline/github-cache.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

const infra = inject('infra');
let sandbox: Sandbox;
let work: string;
let context: string;
/** A buildah that writes its argument lists to a file, then runs the real one. */
let buildah: string;
let argvLog: string;

const SECRET = 'tok-9f8e7d6c5b4a-never-in-the-image';
const FILE_SECRET = 'machine example.test login ci password file-secret-0123456789';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ship-cache-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
  context = join(work, 'app');
  cpSync(infra.busybox, join(context, 'busybox'));
  // A busybox of this run's own (trailing bytes an ELF loader ignores), so no step can hit an image another test
  // built from the same lines in buildah's shared store, which a build with storage of its own reads as a base.
  appendFileSync(join(context, 'busybox'), `\nship-build-cache ${process.pid} ${Date.now()}\n`);
  writeFileSync(
    join(context, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      // Both secrets are there while the step runs (their lengths are kept, to show it); nothing of them stays.
      'RUN --mount=type=secret,id=token --mount=type=secret,id=netrc ["/bin/busybox", "sh", "-c", "/bin/busybox wc -c < /run/secrets/token > /token-length && /bin/busybox wc -c < /run/secrets/netrc > /netrc-length && /bin/busybox head -c 16 /dev/urandom | /bin/busybox od -x > /stamp"]',
      'COPY app.txt /app.txt',
      'ENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080"]',
      '',
    ].join('\n'),
  );
  writeFileSync(join(context, 'app.txt'), 'v1\n');
  writeFileSync(join(work, 'netrc'), FILE_SECRET);
  argvLog = join(work, 'argv.log');
  buildah = join(work, 'buildah-logging');
  writeFileSync(buildah, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${infra.buildah}' "$@"\n`);
  chmodSync(buildah, 0o755);
});

afterAll(async () => {
  await sandbox?.stop();
});

interface Shipped {
  result: ShipResult;
  seen: string;
}

async function ship(inputs: Record<string, string>, env: Record<string, string> = {}, cacheService?: CacheService): Promise<Shipped> {
  const runner = new ConsoleRunner({
    inputs: { context, builder: 'buildah', deploy: 'false', 'build-secrets': 'token=env:BUILD_TOKEN\nnetrc=file:' + join(work, 'netrc'), ...inputs },
    env: { ...sandbox.env(), BUILD_TOKEN: SECRET, ...env },
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner, {
    builders: { buildah: { command: buildah, isolation: 'chroot' } },
    ...(cacheService ? { cacheService } : {}),
  });
  await reportResult(result, runner);
  expect(result.error).toBeNull();
  return { result, seen: [...runner.lines, runner.summary, ...runner.outputs.values()].join('\n') };
}

/** Every blob of the pushed image as the registry stores it, layers also uncompressed. */
function registryBlobs(): Buffer[] {
  const root = join(work, 'sandbox');
  const out: Buffer[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'data' && path.includes(`${join('blobs', 'sha256')}`)) {
        const bytes = readFileSync(path);
        out.push(bytes);
        if (bytes[0] === 0x1f && bytes[1] === 0x8b) out.push(gunzipSync(bytes));
      }
    }
  };
  walk(root);
  return out;
}

/** The command lines of every process on the machine, read from /proc every 20 ms until stopped. */
function watchCommandLines(): { seen: Set<string>; stop: () => void } {
  const seen = new Set<string>();
  const read = (): void => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const line = readFileSync(join('/proc', pid, 'cmdline'))
          .toString('utf8')
          .replaceAll('\0', ' ');
        if (line !== '') seen.add(line);
      } catch {
        // The process is gone.
      }
    }
  };
  const timer = setInterval(read, 20);
  return { seen, stop: () => (clearInterval(timer), read()) };
}

/** A blob the registry stores, by digest. */
function registryBlob(digest: string): Buffer {
  const hex = digest.replace(/^sha256:/, '');
  const found = readdirSync(join(work, 'sandbox'), { recursive: true, withFileTypes: true }).find(
    (e) => e.isFile() && e.name === 'data' && e.parentPath.endsWith(join('blobs', 'sha256', hex.slice(0, 2), hex)),
  );
  if (!found) throw new Error(`no blob ${digest} in the registry`);
  return readFileSync(join(found.parentPath, found.name));
}

/** The labels of the pushed image's config. */
function pushedLabels(result: ShipResult): Record<string, string> {
  const manifest = JSON.parse(registryBlob(result.image?.digest ?? '').toString('utf8')) as { config: { digest: string } };
  return (JSON.parse(registryBlob(manifest.config.digest).toString('utf8')) as { config: { Labels?: Record<string, string> } }).config.Labels ?? {};
}

describe('labels', () => {
  it('sets the OCI labels from GitHub and the labels input on the config, also of an image input (a new digest)', async () => {
    const env = { GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: 'c0ffee', GITHUB_SERVER_URL: 'https://github.com' };
    const built = await ship({ tag: 'labels:1', cache: 'false', labels: 'team=payments\norg.opencontainers.image.version=v1' }, env);
    const labels = pushedLabels(built.result);
    expect(labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/acme/app',
      'org.opencontainers.image.revision': 'c0ffee',
      'org.opencontainers.image.version': 'v1',
      team: 'payments',
    });
    // The image's own creation time (buildah's, at this build).
    expect(Date.parse(labels['org.opencontainers.image.created'] ?? '')).toBeGreaterThan(Date.now() - 600_000);

    // The same image shipped by reference: its config gets the labels of this run, so its digest is new.
    const reshipped = await ship(
      { tag: 'labels:2', image: built.result.image?.ref ?? '', builder: 'auto', 'build-secrets': '' },
      { ...env, GITHUB_SHA: 'beef', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v2.0.0' },
    );
    expect(pushedLabels(reshipped.result)).toMatchObject({
      'org.opencontainers.image.revision': 'beef',
      'org.opencontainers.image.version': 'v2.0.0',
      team: 'payments',
    });
    expect(reshipped.result.image?.digest).not.toBe(built.result.image?.digest);
    expect(reshipped.result.image?.layers.map((l) => l.digest)).toEqual(built.result.image?.layers.map((l) => l.digest));
  });
});

describe('sbom', () => {
  it('attaches an SPDX SBOM of the image files as a referrer, found through the sha256-<hex> tag', async () => {
    const shipped = await ship({ tag: 'sbom:1', cache: 'false', sbom: 'true' });
    const digest = shipped.result.image?.digest ?? '';
    expect(shipped.result.stages.find((s) => s.name === 'push')?.detail).toMatch(/; SBOM of \d+ files attached \(sha256:/);
    const tags = join(work, 'sandbox');
    const link = readdirSync(tags, { recursive: true, withFileTypes: true }).find(
      (e) => e.name === 'link' && e.parentPath.endsWith(join('sandbox', 'sbom', '_manifests', 'tags', digest.replace(':', '-'), 'current')),
    );
    expect(link, 'the referrers tag').toBeDefined();
    const index = JSON.parse(registryBlob(readFileSync(join(link!.parentPath, link!.name), 'utf8').trim()).toString('utf8')) as {
      manifests: { digest: string; artifactType: string }[];
    };
    expect(index.manifests).toEqual([expect.objectContaining({ artifactType: 'application/spdx+json' })]);
    const artifact = JSON.parse(registryBlob(index.manifests[0]!.digest).toString('utf8')) as { subject: { digest: string }; layers: { digest: string }[] };
    expect(artifact.subject.digest).toBe(digest);
    const spdx = JSON.parse(registryBlob(artifact.layers[0]!.digest).toString('utf8')) as {
      spdxVersion: string;
      files: { fileName: string; checksums: { algorithm: string; checksumValue: string }[] }[];
    };
    expect(spdx.spdxVersion).toBe('SPDX-2.3');
    const busybox = createHash('sha256')
      .update(readFileSync(join(context, 'busybox')))
      .digest('hex');
    expect(spdx.files.find((f) => f.fileName === './bin/busybox')?.checksums).toEqual([{ algorithm: 'SHA256', checksumValue: busybox }]);
    expect(spdx.files.map((f) => f.fileName)).toEqual(expect.arrayContaining(['./app.txt', './stamp', './token-length']));
  });
});

describe('the build cache, kept in cache-dir', () => {
  const cacheDir = () => join(work, 'cache');
  let first: Shipped;

  it('builds cold, says so, and saves every step', async () => {
    first = await ship({ tag: 'cached:1', 'cache-dir': cacheDir() });
    expect(first.result.cache).toMatchObject({ kind: 'local', restored: null, steps: 4, hits: 0, notes: [] });
    expect(first.result.cache?.saved).toMatch(/^4 step images kept in .*\/cache\/buildah\/sandbox-cached-[0-9a-f]{12}$/);
    expect(first.seen).toContain('build cache (local): ');
    expect(first.seen).toContain('hit: 0 of 4 steps from the cache');
    expect(first.seen).toContain('#### Build cache');
  });

  it('hits every step on a re-ship, and saves nothing new', async () => {
    const again = await ship({ tag: 'cached:2', 'cache-dir': cacheDir() });
    expect(again.result.cache).toMatchObject({ kind: 'local', steps: 4, hits: 4, saved: null, notes: [] });
    expect(again.result.cache?.restored).toMatch(/^cache-dir /);
    expect(again.result.image?.layers.map((l) => l.sourceDigest)).toEqual(first.result.image?.layers.map((l) => l.sourceDigest));
  });

  it("hits the steps before a changed file, and keeps only this build's steps", async () => {
    writeFileSync(join(context, 'app.txt'), 'v2\n');
    try {
      const changed = await ship({ tag: 'cached:3', 'cache-dir': cacheDir() });
      // COPY busybox and the RUN hit; the COPY of the changed file and the step after it run.
      expect(changed.result.cache).toMatchObject({ steps: 4, hits: 2 });
      expect(changed.result.cache?.saved).toMatch(/^4 step images/);
      // The RUN step's layer is the cached one: its random stamp is the same.
      expect(changed.result.image?.layers[1]?.sourceDigest).toBe(first.result.image?.layers[1]?.sourceDigest);
      expect(changed.result.image?.layers[2]?.sourceDigest).not.toBe(first.result.image?.layers[2]?.sourceDigest);
      // The storage kept only this build's four step images: the replaced ones and the earlier finals are gone.
      const scopeDir = readdirSync(join(cacheDir(), 'buildah'))[0] ?? '';
      const root = join(cacheDir(), 'buildah', scopeDir, 'storage', 'root');
      const lists = readdirSync(root).filter((name) => name.endsWith('-images'));
      const images = lists.flatMap((list) => JSON.parse(readFileSync(join(root, list, 'images.json'), 'utf8')) as unknown[]);
      expect(images).toHaveLength(4);
      // The last image's layers, uncompressed under their diff_ids, which the next build links instead of writing:
      // the unchanged busybox layer came so (its digest is its diff_id).
      const layersDir = join(cacheDir(), 'buildah', scopeDir, 'layers');
      // Beside them, the record of what each file was when kept (a file changed since is never linked).
      expect(readdirSync(layersDir)).toContain('kept.json');
      const kept = readdirSync(layersDir).filter((name) => /^[0-9a-f]{64}$/.test(name));
      expect(kept).toHaveLength(3);
      for (const name of kept)
        expect(
          createHash('sha256')
            .update(readFileSync(join(layersDir, name)))
            .digest('hex'),
        ).toBe(name);
      expect(kept).toContain(changed.result.image?.layers[0]?.sourceDigest.replace('sha256:', ''));
    } finally {
      writeFileSync(join(context, 'app.txt'), 'v1\n');
    }
  });

  it('builds from the start over a corrupt cache, with a note, and never fails', async () => {
    // The cache-dir holds the scope's buildah storage: its image list cut short, as a crash could leave it.
    const scopeDir = readdirSync(join(cacheDir(), 'buildah'))[0] ?? '';
    const root = join(cacheDir(), 'buildah', scopeDir, 'storage', 'root');
    const lists = readdirSync(root).filter((name) => name.endsWith('-images'));
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) writeFileSync(join(root, list, 'images.json'), '[{"id": ');
    const shipped = await ship({ tag: 'cached:4', 'cache-dir': cacheDir() });
    expect(shipped.result.cache?.hits).toBe(0);
    expect(shipped.result.cache?.notes).toEqual([expect.stringMatching(/^the cache's storage is unreadable .*; building without it$/)]);
    expect(shipped.seen).toMatch(/note: the cache's storage is unreadable/);
    // The next ship uses the storage that build left.
    const next = await ship({ tag: 'cached:5', 'cache-dir': cacheDir() });
    expect(next.result.cache).toMatchObject({ hits: 4, notes: [] });
  });

  it('does not cache with cache: false', async () => {
    const off = await ship({ tag: 'cached:6', 'cache-dir': cacheDir(), cache: 'false' });
    expect(off.result.cache).toBeNull();
  });
});

describe("GitHub's cache", () => {
  /** Keeps each saved directory by key; restores the exact key, else the newest entry under a restore key prefix. */
  function githubLikeCache(): CacheService & { calls: string[] } {
    const store = join(work, 'gha-store');
    const entries: string[] = [];
    const calls: string[] = [];
    return {
      calls,
      available: async () => true,
      restore: async (dir, primary, restoreKeys) => {
        calls.push(`restore ${primary} | ${restoreKeys.join(' | ')}`);
        const hit = entries.includes(primary) ? primary : restoreKeys.map((prefix) => entries.findLast((key) => key.startsWith(prefix))).find(Boolean);
        if (hit) cpSync(join(store, hit), dir, { recursive: true });
        return hit;
      },
      save: async (dir, key) => {
        calls.push(`save ${key}`);
        if (entries.includes(key)) throw new Error(`Unable to reserve cache with key ${key}, another job may be creating this cache.`);
        cpSync(dir, join(store, key), { recursive: true });
        entries.push(key);
      },
    };
  }

  it('restores by the Dockerfile, else the scope; saves under the content key only when something is new', async () => {
    const service = githubLikeCache();
    const env = { GITHUB_ACTIONS: 'true', RUNNER_TEMP: join(work, 'runner-temp') };
    mkdirSync(env.RUNNER_TEMP, { recursive: true });
    const cold = await ship({ tag: 'gha:1' }, env, service);
    expect(cold.result.cache).toMatchObject({ kind: 'gha', restored: null, hits: 0 });
    expect(service.calls[0]).toMatch(
      /^restore meshagent-ship-build-sandbox-gha-[0-9a-f]{12}-[0-9a-f]{12} \| .*-[0-9a-f]{12}- \| meshagent-ship-build-sandbox-gha-[0-9a-f]{12}-$/,
    );
    expect(service.calls[1]).toMatch(/^save meshagent-ship-build-sandbox-gha-[0-9a-f]{12}-[0-9a-f]{12}-[0-9a-f]{16}$/);
    const savedKey = service.calls[1]?.slice('save '.length);

    const warm = await ship({ tag: 'gha:2' }, env, service);
    expect(warm.result.cache).toMatchObject({ kind: 'gha', restored: `key ${savedKey}`, hits: 4, saved: null });
    expect(service.calls).toHaveLength(3);

    // Another Dockerfile (a step added at the end): restored from the scope, the steps before it hit, saved anew.
    const dockerfile = readFileSync(join(context, 'Dockerfile'), 'utf8');
    writeFileSync(join(context, 'Dockerfile'), `${dockerfile}LABEL extra=1\n`);
    const changed = await ship({ tag: 'gha:3' }, env, service).finally(() => writeFileSync(join(context, 'Dockerfile'), dockerfile));
    expect(changed.result.cache).toMatchObject({ restored: `key ${savedKey}`, steps: 5, hits: 4 });
    expect(service.calls.at(-1)).toMatch(/^save /);
    expect(service.calls.at(-1)).not.toBe(`save ${savedKey}`);
    // Nothing is left in RUNNER_TEMP.
    expect(readdirSync(join(work, 'runner-temp', 'meshagent-ship-build-cache'))).toEqual([]);
  });

  it('builds without a cache where the service cannot be reached, and says so', async () => {
    const none: CacheService = { available: async () => false, restore: async () => undefined, save: async () => {} };
    const shipped = await ship({ tag: 'gha:4' }, { GITHUB_ACTIONS: 'true' }, none);
    expect(shipped.result.cache?.notes).toEqual([expect.stringMatching(/^GitHub's cache service is not available/)]);
  });
});

describe('the registry cache', () => {
  it('keeps the step images as a buildcache tag of the project repository', async () => {
    const cold = await ship({ tag: 'reg:1', 'cache-to': 'registry' });
    expect(cold.result.cache).toMatchObject({ kind: 'registry', restored: null, hits: 0 });
    expect(cold.result.cache?.where).toMatch(/\/sandbox\/reg:buildcache-[0-9a-f]{12}$/);
    expect(cold.result.cache?.saved).toMatch(/^4 step images to /);
    const warm = await ship({ tag: 'reg:2', 'cache-to': 'registry' });
    expect(warm.result.cache).toMatchObject({ hits: 4, saved: null, notes: [] });
    expect(warm.result.cache?.restored).toMatch(/\(4 step images\)$/);
  });
});

describe('build secrets', () => {
  it('reach the RUN step, and are in no blob, config, history, argument list, log, summary or output', async () => {
    rmSync(join(work, 'cache-secrets'), { recursive: true, force: true });
    writeFileSync(argvLog, '');
    const commandLines = watchCommandLines();
    const shipped = await ship({ tag: 'secrets:1', 'cache-dir': join(work, 'cache-secrets') }).finally(() => commandLines.stop());
    // Every process seen while the ship ran (buildah, what it started for the RUN step): none had a value in argv.
    expect([...commandLines.seen].some((line) => line.includes('buildah') && line.includes(' bud '))).toBe(true);
    // The step saw both (their lengths are in the image), and the values themselves are nowhere.
    const blobs = registryBlobs();
    const all = Buffer.concat(blobs);
    expect(all.includes(Buffer.from(`${SECRET.length}\n`))).toBe(true);
    expect(all.includes(Buffer.from(`${FILE_SECRET.length}\n`))).toBe(true);
    expect(blobs.length).toBeGreaterThan(4);
    for (const value of [SECRET, FILE_SECRET]) {
      expect(all.includes(Buffer.from(value))).toBe(false);
      expect(readFileSync(argvLog, 'utf8')).not.toContain(value);
      for (const line of commandLines.seen) expect(line).not.toContain(value);
      expect(shipped.seen).not.toContain(value);
      // The step cache holds the built steps: not the secrets either.
      const cached = readdirSync(join(work, 'cache-secrets', 'buildah'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => readFileSync(join(e.parentPath, e.name)));
      expect(Buffer.concat(cached).includes(Buffer.from(value))).toBe(false);
    }
    expect(readFileSync(argvLog, 'utf8')).toContain('--secret id=token,src=BUILD_TOKEN,type=env');
  });

  it('fails clearly when a secret source is missing, naming the input', async () => {
    const runner = new ConsoleRunner({
      inputs: { context, builder: 'buildah', deploy: 'false', tag: 'secrets:2', 'build-secrets': 'token=env:NOT_SET_ANYWHERE' },
      env: sandbox.env(),
      stdout: () => {},
      stderr: () => {},
    });
    const result = await shipFromInputs(runner, { builders: { buildah: { command: buildah, isolation: 'chroot' } } });
    expect(result.error).toMatchObject({ stage: 'build', message: 'build-secrets: token=env:NOT_SET_ANYWHERE, but NOT_SET_ANYWHERE is not set or empty' });
  });
});
