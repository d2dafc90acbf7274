// A preview's life against the sandbox and its real registry: two services shipped into an ephemeral room made
// for the pull request (create-room: ephemeral), one of them shipped again with a change, then the teardown with
// --tags: services, routes, the room and the preview's tags are gone, a tag main still uses is kept, and a second
// teardown reports that nothing is left. A room and a service this tool did not make are left alone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTeardown, teardown, type TeardownOptions } from '../../src/commands/teardown.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { REGISTRY_USERNAME } from '../../src/reference.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { sandboxTags } from '../helpers/sandbox-tags.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';

let sandbox: Sandbox;
let work: string;
const ROOM = 'pr-7';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'teardown-test-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
});

afterAll(async () => {
  await sandbox?.stop();
});

function image(name: string, content: string): string {
  return `oci:${writeTinyOciLayout(join(work, `${name}-${content}`), content).dir}`;
}

async function ship(inputs: Record<string, string>): Promise<ShipResult> {
  const runner = new ConsoleRunner({
    // This sandbox runs no containers: nothing would become live, so the rollout is not waited for.
    inputs: { room: ROOM, 'create-room': 'ephemeral', builder: 'none', wait: 'false', estargz: 'false', ports: '8080', ...inputs },
    env: { ...sandbox.env(), RUNNER_TEMP: work },
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner);
  await reportResult(result, runner);
  expect(result.error, runner.lines.join('\n')).toBeNull();
  return result;
}

async function runTeardown(options: Partial<TeardownOptions> = {}) {
  const runner = new ConsoleRunner({ env: sandbox.env(), stdout: () => {}, stderr: () => {} });
  const result = await teardown(runner, { room: ROOM, tags: true, ...options });
  return { result, text: renderTeardown(result), log: runner.lines.join('\n') };
}

function api(): MeshagentClient {
  return new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
}

const tags = (repository: string): Promise<string[]> => sandboxTags(sandbox, repository);

/** Points tag `to` at the image tag `from` names (as a promotion by digest would), with a push token of its own. */
async function retag(repository: string, from: string, to: string): Promise<void> {
  const client = api();
  const record = await client.findRepository(repository);
  const { token } = await client.createRepositoryToken(record?.id ?? '', { actions: ['pull', 'push'], expires_in_seconds: 600 });
  await client.close();
  const registry = new RegistryClient({ registry: sandbox.registryHost ?? '', credentials: { username: REGISTRY_USERNAME, password: token }, mask: () => {} });
  try {
    const repo = registry.repository(`${sandbox.projectKey}/${repository}`, ['pull', 'push']);
    const manifest = await repo.getManifest(from);
    await repo.putManifest(to, manifest.bytes, manifest.mediaType);
  } finally {
    await registry.close();
  }
}

const servicesOf = (room: string) => (sandbox.state.data.services[room] ?? []).map((s) => s.metadata.name).sort();
const routesOf = (room: string) =>
  sandbox.state.data.routes
    .filter((r) => r.backend.room?.name === room)
    .map((r) => r.domain)
    .sort();

describe('a preview room, shipped and torn down', () => {
  it('ships two services into an ephemeral room marked as this tool’s', async () => {
    // main runs web's first image under its own tag: the preview's teardown must not take it away.
    const host = sandbox.registryHost ?? '';
    await ship({ room: 'main', 'create-room': 'true', tag: `${host}/sandbox/web:main`, image: image('web', 'one'), 'service-name': 'web' });
    await ship({ tag: `${host}/sandbox/web:${ROOM}`, image: image('web', 'one'), 'service-name': 'web', domain: `web-${ROOM}.sandbox.localhost` });
    await ship({ tag: `${host}/sandbox/api:${ROOM}`, image: image('api', 'one'), 'service-name': 'api', domain: `api-${ROOM}.sandbox.localhost` });

    const room = sandbox.state.data.rooms.find((r) => r.name === ROOM);
    expect(room?.annotations).toEqual({ 'meshagent.storage.class': 'ephemeral', 'com.meshagent.ship.deployed-by': 'meshagent-ship' });
    // create-room: true marks the room as this tool's too, without making it ephemeral.
    expect(sandbox.state.data.rooms.find((r) => r.name === 'main')?.annotations).toEqual({ 'com.meshagent.ship.deployed-by': 'meshagent-ship' });
    expect(servicesOf(ROOM)).toEqual(['api', 'web']);
    for (const service of sandbox.state.data.services[ROOM] ?? []) {
      expect(service.metadata.annotations?.['com.meshagent.ship.deployed-by']).toBe('meshagent-ship');
    }
    expect(routesOf(ROOM)).toEqual([`api-${ROOM}.sandbox.localhost`, `web-${ROOM}.sandbox.localhost`]);
    expect(await tags('web')).toEqual(['main', ROOM]);
  });

  it('updates the changed service in place', async () => {
    const host = sandbox.registryHost ?? '';
    const before = sandbox.state.data.services[ROOM]?.find((s) => s.metadata.name === 'web')?.container?.image;
    const again = await ship({
      tag: `${host}/sandbox/web:${ROOM}`,
      image: image('web', 'two'),
      'service-name': 'web',
      domain: `web-${ROOM}.sandbox.localhost`,
    });
    expect(again.service?.created).toBe(false);
    const after = sandbox.state.data.services[ROOM]?.find((s) => s.metadata.name === 'web')?.container?.image;
    expect(after).not.toBe(before);
    expect(after).toContain(again.image?.digest ?? 'no digest');
    expect(servicesOf(ROOM)).toEqual(['api', 'web']);
  });

  it('tears down services, routes, the room and the preview tags, keeping what main uses', async () => {
    // A service someone added by hand: the teardown names it and leaves it, and so keeps the room.
    const client = api();
    await client.createService(ROOM, { version: 'v1', kind: 'Service', metadata: { name: 'by-hand' }, external: { url: 'https://example.invalid' } } as never);
    const first = await runTeardown();
    expect(first.result.report.servicesRemoved.map((s) => s.name).sort()).toEqual(['api', 'web']);
    expect([...first.result.report.routesRemoved].sort()).toEqual([`api-${ROOM}.sandbox.localhost`, `web-${ROOM}.sandbox.localhost`]);
    expect(first.result.report.servicesNotOurs).toEqual(['by-hand']);
    expect(first.result.report.roomState).toBe('kept');
    expect(first.text).toContain('services left alone (not deployed by meshagent-ship): by-hand');
    expect(first.result.tags.map((t) => `${t.repository}:${t.tag}:${t.state}`).sort()).toEqual([`api:${ROOM}:deleted`, `web:${ROOM}:deleted`]);
    expect(first.text).toContain('GitHub deployments: skipped');
    expect(servicesOf(ROOM)).toEqual(['by-hand']);
    expect(routesOf(ROOM)).toEqual([]);
    expect(await tags('web')).toEqual(['main']);
    expect(await tags('api')).toEqual([]);

    // Once the hand-made service is gone the room is empty, and being this tool's, it goes too.
    const byHand = sandbox.state.data.services[ROOM]?.[0]?.id ?? '';
    await client.deleteService(ROOM, byHand, 'by-hand');
    await client.close();
    const second = await runTeardown();
    expect(second.result.report.roomState).toBe('deleted');
    expect(sandbox.state.data.rooms.map((r) => r.name)).toEqual(['main']);
    expect(sandbox.state.data.services[ROOM]).toBeUndefined();

    const third = await runTeardown();
    expect(third.result.nothingLeft).toBe(true);
    expect(third.text).toBe(`Teardown of room ${ROOM}: nothing is left to remove (the room does not exist).`);
    // main's service, route-less room and tag are as they were.
    expect(servicesOf('main')).toEqual(['web']);
    expect(await tags('web')).toEqual(['main']);
  });

  it('keeps a tag another tag shares an image with, and says why', async () => {
    const host = sandbox.registryHost ?? '';
    await ship({ room: 'pr-8', tag: `${host}/sandbox/web:pr-8`, image: image('web', 'one'), 'service-name': 'web' });
    // main names the preview's image once it is promoted by digest.
    await retag('web', 'pr-8', 'main');
    const done = await runTeardown({ room: 'pr-8' });
    expect(done.result.tags).toEqual([
      { repository: 'web', tag: 'pr-8', state: 'kept', because: expect.stringContaining('tag main names the same image') as unknown as string },
    ]);
    expect(done.result.report.roomState).toBe('deleted');
    expect(await tags('web')).toEqual(['main', 'pr-8']);
  });

  it('removes a room create-room: true made once it is empty, and never a room made by hand', async () => {
    const host = sandbox.registryHost ?? '';
    const client = api();
    await client.createRoom({ name: 'made-by-hand' });
    await client.close();
    await ship({ room: 'made-by-hand', 'create-room': 'false', tag: `${host}/sandbox/api:made-by-hand`, image: image('api', 'one'), 'service-name': 'api' });
    const byHand = await runTeardown({ room: 'made-by-hand', tags: false });
    expect(byHand.result.report.servicesRemoved.map((s) => s.name)).toEqual(['api']);
    expect(byHand.result.report.roomState).toBe('kept');
    expect(byHand.text).toContain('room: kept, meshagent-ship did not create it');

    const main = await runTeardown({ room: 'main', tags: false });
    expect(main.result.report.servicesRemoved.map((s) => s.name)).toEqual(['web']);
    expect(main.result.report.roomState).toBe('deleted');
    expect(sandbox.state.data.rooms.map((r) => r.name)).toEqual(['made-by-hand']);
  });

  it('refuses a name that is no room, saying which input', async () => {
    await expect(runTeardown({ room: 'PR_7' })).rejects.toMatchObject({ input: 'room' });
  });
});
