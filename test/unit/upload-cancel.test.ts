// An upload session the push does not use (a mount the registry answered with a session instead) is cancelled only
// where that can work: a DELETE needs the `delete` action, which a push's pull,push token never has, so under token
// auth none is sent (distribution purges stale sessions itself); under Basic auth or none it is sent once, and a
// refusal is taken quietly, without asking for new credentials. Against the in-process registry, which asks for the
// same actions as distribution.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OciLayout } from '../../src/oci/layout.js';
import { pushImage } from '../../src/oci/push.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { FakeRegistry, usersGrant, type Action } from '../helpers/fake-registry.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';

const work = mkdtempSync(join(tmpdir(), 'upload-cancel-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let count = 0;

let registry: FakeRegistry | undefined;
let client: RegistryClient | undefined;
afterEach(async () => {
  await client?.close();
  await registry?.stop();
});

/**
 * Pushes an image to team/b with a mount from team/a, which holds another image: the registry answers each mount
 * with a new session (202), which the push does not use. Returns the DELETEs the registry saw.
 */
async function pushWithUnusedSessions(scheme: 'basic' | 'bearer' | undefined, actions: readonly Action[]): Promise<number[]> {
  registry = await FakeRegistry.start(
    scheme ? { auth: { scheme, grant: usersGrant({ ci: { password: 'pw', access: { 'team/a': actions, 'team/b': actions } } }) } } : {},
  );
  client = new RegistryClient({
    registry: registry.host,
    ...(scheme ? { credentials: { username: 'ci', password: 'pw' } } : {}),
    http: { retry: { baseDelayMs: 1, maxDelayMs: 2 }, sleep: async () => {} },
  });
  count += 1;
  const other = writeTinyOciLayout(join(work, `other-${count}`), 'something else');
  await pushImage(await OciLayout.open(other.dir), client.repository('team/a', ['pull', 'push']), { tag: 'v1' });
  const image = writeTinyOciLayout(join(work, `image-${count}`), `the image ${count}`);
  const tokensBefore = registry.tokensIssued;
  const pushed = await pushImage(await OciLayout.open(image.dir), client.repository('team/b', ['pull', 'push']), {
    tag: 'v1',
    mountFrom: ['team/a'],
    concurrency: 1,
  });
  expect(pushed.stats).toMatchObject({ mounted: 0, uploaded: 2 });
  expect(registry.sent('POST', /team\/b/).filter((r) => r.query.has('mount') && r.status === 202)).toHaveLength(2);
  // Under token auth, two tokens: one for team/b, one for team/b with team/a for the mounts; none for a cancel.
  expect(registry.tokensIssued - tokensBefore).toBe(scheme === 'bearer' ? 2 : 0);
  return registry.sent('DELETE').map((r) => r.status);
}

describe('cancelling an unused upload session', () => {
  it('is not tried under token auth, where the push token cannot delete: no 401s, no new token', async () => {
    expect(await pushWithUnusedSessions('bearer', ['pull', 'push'])).toEqual([]);
    expect(registry?.requests.filter((r) => r.status === 401 && r.method !== 'GET')).toEqual([]);
  });

  it('is sent once per session under Basic auth, and a refusal is not asked again', async () => {
    expect(await pushWithUnusedSessions('basic', ['pull', 'push'])).toEqual([403, 403]);
  });

  it('removes the session where the credentials may delete, and without auth', async () => {
    expect(await pushWithUnusedSessions('basic', ['pull', 'push', 'delete'])).toEqual([204, 204]);
    await client?.close();
    await registry?.stop();
    expect(await pushWithUnusedSessions(undefined, [])).toEqual([204, 204]);
  });
});
