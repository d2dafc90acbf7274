// MeshAgent's own TypeScript SDK (@meshagent/meshagent, pinned) against the sandbox over real HTTP: what the SDK
// builds and sends must be taken, and what the sandbox answers must pass the SDK's own parsers. The SDK's types
// still offer fields the API's models do not have (project mounts, a container `secrets` list, a string
// `pull_secret`); the sandbox refuses those, as the models do. The SDK talks to nothing but the sandbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

// The package's ESM build is CommonJS in an ESM folder, which Node refuses to load: its CommonJS entry works.
const sdk = createRequire(import.meta.url)('@meshagent/meshagent') as typeof import('@meshagent/meshagent');
type ServiceSpec = import('@meshagent/meshagent').ServiceSpec;

const work = mkdtempSync(join(tmpdir(), 'sandbox-sdk-'));
let sandbox: Sandbox;
let client: InstanceType<typeof sdk.Meshagent>;
let projectId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ dir: work, registry: false });
  client = new sdk.Meshagent({ baseUrl: sandbox.apiUrl, token: sandbox.apiKey });
  projectId = sandbox.projectId;
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The status the SDK read from a refusal (it only keeps it in the message). */
async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(sdk.RoomException);
  return /Status code: (\d+)/.exec(error?.message ?? '')?.[1] ?? '';
}

/** A service built with the SDK's own types and helpers: agents, endpoints with an ApiScope, MCP, mounts. */
function service(name: string, image: string): ServiceSpec {
  return {
    version: 'v1',
    kind: 'Service',
    metadata: { name, description: 'made by the SDK', annotations: { 'meshagent.service.id': name } },
    agents: [
      {
        name: 'helper',
        channels: { messaging: [{ prompts: [{ name: 'hi', prompt: 'Say hi' }] }], queue: [{ queue: 'jobs' }], toolkit: [{ name: 'tools' }] },
        heartbeat: { queue: 'jobs', prompt: [{ type: 'text', text: 'tick' }], minutes: 30 },
      },
    ],
    ports: [
      {
        num: 8080,
        type: 'http',
        liveness: '/',
        endpoints: [
          { path: '/agent', meshagent: { identity: 'helper', api: sdk.ApiScope.agentDefault() } },
          {
            path: '/mcp',
            mcp: {
              label: 'tools',
              allowed_tools: [{ tool_names: ['search'] }],
              require_approval: 'never',
              oauth: { client_id: 'client', authorization_endpoint: 'https://auth.test/authorize', token_endpoint: 'https://auth.test/token' },
            },
          },
        ],
      },
    ],
    container: {
      image,
      command: 'web --serve',
      environment: [{ name: 'MODE', value: 'production' }],
      storage: { room: [{ path: '/data', read_only: false }], empty_dirs: [{ path: '/tmp' }], configs: [{}] },
      private: true,
    },
  };
}

describe('the official TypeScript SDK against the sandbox', () => {
  it('creates, reads and lists a registry repository', async () => {
    const repository = await client.createRepository({ projectId, name: 'sdk-web' });
    expect(repository).toMatchObject({ projectId, name: 'sdk-web', description: '', annotations: {} });
    expect(Number.isNaN(repository.createdAt.getTime())).toBe(false);
    expect((await client.getRepository(projectId, repository.id)).name).toBe('sdk-web');
    expect((await client.listRepositories(projectId)).map((r) => r.name)).toContain('sdk-web');
    expect(await refusal(client.createRepository({ projectId, name: 'sdk-web' }))).toBe('409');
    expect(await refusal(client.createRepository({ projectId, name: 'Not Valid' }))).toBe('400');
  });

  it('creates a room, with permissions as the SDK writes an ApiScope', async () => {
    const room = await client.createRoom({ projectId, name: 'sdk-room', annotations: { team: 'a' } });
    expect(room).toMatchObject({ name: 'sdk-room', metadata: {}, annotations: { team: 'a' } });
    const again = await client.createRoom({ projectId, name: 'sdk-room', ifNotExists: true, permissions: { 'user-1': sdk.ApiScope.full() } });
    expect(again.id).toBe(room.id);
    expect((await client.getRoom(projectId, 'sdk-room')).id).toBe(room.id);
    expect(await refusal(client.createRoom({ projectId, name: 'SDK Room' }))).toBe('400');
  });

  it('creates, reads, lists, updates and deletes a room service', async () => {
    const id = await client.createRoomService(projectId, 'sdk-room', service('sdk-web', 'registry.test/sandbox/web:1'));
    const read = await client.getRoomService(projectId, 'sdk-room', id);
    expect(read).toMatchObject({ id, metadata: { name: 'sdk-web' }, container: { image: 'registry.test/sandbox/web:1', template: 'agent' } });
    // The SDK filled in the messaging protocol; the sandbox the port's endpoints as sent.
    expect(read.agents?.[0]?.channels?.messaging?.[0]?.protocol).toBe('meshagent.agent-message.v1');
    expect(read.ports?.[0]?.endpoints?.map((e) => e.path)).toEqual(['/agent', '/mcp']);
    expect((await client.listRoomServices(projectId, 'sdk-room')).map((s) => s.id)).toEqual([id]);

    // updateRoomService sends the spec as given: here without its id, which the path names.
    await client.updateRoomService(projectId, 'sdk-room', id, service('sdk-web', 'registry.test/sandbox/web:2'));
    expect((await client.getRoomService(projectId, 'sdk-room', id)).container?.image).toBe('registry.test/sandbox/web:2');
    await client.updateRoomService(projectId, 'sdk-room', id, {
      ...read,
      container: { ...read.container, image: 'registry.test/sandbox/web:3' } as ServiceSpec['container'],
    });
    expect((await client.getRoomService(projectId, 'sdk-room', id)).container?.image).toBe('registry.test/sandbox/web:3');

    expect(await refusal(client.createRoomService(projectId, 'sdk-room', service('sdk-web', 'x')))).toBe('409');
    await client.deleteRoomService(projectId, 'sdk-room', id);
    expect(await client.listRoomServices(projectId, 'sdk-room')).toEqual([]);
  });

  it("refuses the fields the SDK's types offer but the API's models do not have", async () => {
    const base = service('stale', 'x');
    const container = base.container as NonNullable<ServiceSpec['container']>;
    const stale: ServiceSpec[] = [
      { ...base, container: { ...container, storage: { project: [{ path: '/project' }] } } },
      { ...base, container: { ...container, secrets: ['secret-1'] } },
      { ...base, container: { ...container, pull_secret: 'secret-1' } },
    ];
    for (const spec of stale) expect(await refusal(client.createRoomService(projectId, 'sdk-room', spec))).toBe('400');
    expect(await client.listRoomServices(projectId, 'sdk-room')).toEqual([]);
  });
});
