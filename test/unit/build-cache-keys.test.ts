// The names of the build cache (its scope, GitHub's keys, the registry tag) and the reading of build logs for
// what the cache did: pure functions, checked as data.
import { describe, expect, it } from 'vitest';
import { stepImagesOfLog, stepSetKey } from '../../src/build/buildah-steps.js';
import { buildxArgs, buildxCacheUse } from '../../src/build/docker.js';
import { secretEnv, secretFlag } from '../../src/build/secrets.js';
import { cacheKind, defaultCacheDir } from '../../src/pipeline/build-cache.js';
import { cacheScope, githubCacheKeys, registryCacheTag } from '../../src/pipeline/cache-keys.js';

const id = (c: string) => c.repeat(64);

describe('cache scope and keys', () => {
  it('scopes by builder, platforms and build arguments, not by their order', () => {
    const a = cacheScope(
      'key/web',
      'buildah',
      ['linux/amd64'],
      [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    );
    const same = cacheScope(
      'key/web',
      'buildah',
      ['linux/amd64'],
      [
        { name: 'B', value: '2' },
        { name: 'A', value: '1' },
      ],
    );
    expect(a).toEqual(same);
    expect(a.name).toMatch(/^key-web-[0-9a-f]{12}$/);
    expect(cacheScope('key/web', 'buildah', ['linux/amd64'], [{ name: 'A', value: '2' }]).hash).not.toBe(a.hash);
    expect(cacheScope('key/web', 'buildah', ['linux/arm64'], [{ name: 'A', value: '1' }]).hash).not.toBe(
      cacheScope('key/web', 'buildah', ['linux/amd64'], [{ name: 'A', value: '1' }]).hash,
    );
    expect(cacheScope('key/web', 'docker', [], []).hash).not.toBe(cacheScope('key/web', 'buildah', [], []).hash);
    expect(registryCacheTag(a)).toBe(`buildcache-${a.hash}`);
  });

  it("restores GitHub's cache of the same Dockerfile first, then any of the scope; saves under the content's key", () => {
    const scope = cacheScope('key/web', 'buildah', [], []);
    const keys = githubCacheKeys(scope, 'FROM scratch\n');
    const changed = githubCacheKeys(scope, 'FROM scratch\nCOPY a /a\n');
    expect(keys.primary).toMatch(new RegExp(`^meshagent-ship-build-${scope.name}-[0-9a-f]{12}$`));
    expect(keys.restoreKeys).toEqual([`${keys.primary}-`, `meshagent-ship-build-${scope.name}-`]);
    // A changed Dockerfile has its own primary key but shares the scope's fallback: the steps before the change hit.
    expect(changed.primary).not.toBe(keys.primary);
    expect(changed.restoreKeys.at(-1)).toBe(keys.restoreKeys.at(-1));
    expect(keys.save('abc')).toBe(`${keys.primary}-abc`);
    expect(keys.save('abc').startsWith(keys.restoreKeys[0] ?? '?')).toBe(true);
    expect(keys.save('abc')).not.toContain(',');
  });

  it("picks GitHub's cache on a GitHub runner, else the local directory", () => {
    expect(cacheKind('auto', { GITHUB_ACTIONS: 'true' })).toBe('gha');
    expect(cacheKind('auto', {})).toBe('local');
    expect(cacheKind('registry', { GITHUB_ACTIONS: 'true' })).toBe('registry');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/meshagent-ship/build');
  });

  it('keys a set of step images by its members, not their order', () => {
    expect(stepSetKey([id('a'), id('b')])).toBe(stepSetKey([id('b'), id('a')]));
    expect(stepSetKey([id('a')])).not.toBe(stepSetKey([id('a'), id('b')]));
  });
});

describe('reading build logs', () => {
  it("finds buildah's step images: hits, committed steps (short ids expanded), and the final image", () => {
    const log = [
      'STEP 1/4: FROM scratch',
      'STEP 2/4: COPY busybox /bin/busybox',
      `--> Using cache ${id('a')}`,
      '--> aaaaaaaaaaa',
      'STEP 3/4: RUN make',
      '--> bbbbbbbbbbb',
      'STEP 4/4: COPY app /app',
      '--> ccccccccccc',
      'Successfully tagged localhost/x:1',
      id('c'),
    ];
    expect(stepImagesOfLog(log, [id('a'), id('b'), id('c'), id('d')])).toEqual({ ids: [id('a'), id('b'), id('c')], hits: 1, steps: 3 });
  });

  it("counts BuildKit's steps and cached ones from plain progress", () => {
    const log = ['#1 [internal] load build definition', '#5 [2/3] RUN npm ci', '#5 CACHED', '#6 [3/3] COPY . .', '#6 DONE 0.1s', '#1 CACHED'];
    expect(buildxCacheUse(log)).toEqual({ steps: 2, hits: 1 });
  });
});

describe('build secrets and the cache on the command line', () => {
  const request = {
    context: '/ctx',
    file: undefined,
    buildArgs: [],
    target: undefined,
    platforms: [],
    tag: 'reg.test/acme/web:1',
    outputDir: '/out',
    log: () => {},
    secrets: [
      { id: 'npm', env: 'NPM_TOKEN', value: 's3cr3t-value' },
      { id: 'pip', file: '/run/pip.conf' },
    ],
    cache: { from: 'type=gha,scope=s', to: 'type=gha,scope=s,mode=max' },
  };

  it('passes secrets by variable name or path, and the cache as buildx takes it; never a value', () => {
    const args = buildxArgs(request, { context: '/ctx', dockerfile: '/ctx/Dockerfile' }, '/out/layout');
    expect(args).toEqual(expect.arrayContaining(['--secret', 'id=npm,env=NPM_TOKEN', 'id=pip,src=/run/pip.conf', '--cache-from', 'type=gha,scope=s']));
    expect(args).toContain('type=gha,scope=s,mode=max');
    expect(args.join(' ')).not.toContain('s3cr3t-value');
    expect(secretFlag(request.secrets[0]!)).toBe('id=npm,src=NPM_TOKEN,type=env');
    expect(secretFlag(request.secrets[1]!)).toBe('id=pip,src=/run/pip.conf,type=file');
    expect(secretEnv(request.secrets)).toEqual({ NPM_TOKEN: 's3cr3t-value' });
  });
});
