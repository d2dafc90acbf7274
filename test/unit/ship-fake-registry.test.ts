// The whole pipeline (ship) without a builder or Debian packages: the sandbox's MeshAgent API (without its own
// registry) names the in-process registry as the project registry, and that registry lets `meshagent` push with a
// repository token the sandbox minted, to that repository only, as the project registry does. An existing image is
// converted, pushed, read back and deployed; then shipped again unchanged, and with one layer changed; and a
// registry that refuses the push leaves the running service alone. test/e2e/ship.test.ts does the same with the
// real registry and real builds.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { MeshagentClient } from '../../src/meshagent/client.js';
import type { ServiceSpec } from '../../src/meshagent/wire.js';
import { OciLayout } from '../../src/oci/layout.js';
import { pushImage } from '../../src/oci/push.js';
import { RegistryClient } from '../../src/oci/registry.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { FakeRegistry, type Action } from '../helpers/fake-registry.js';
import { ScriptedRoomRuntime } from '../helpers/scripted-room-runtime.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'ship-fake-registry-'));
let sandbox: Sandbox;
let registry: FakeRegistry;
/** The room runs every service at once and finds it live: the rollout is waited for, as by default. */
const runtime = new ScriptedRoomRuntime(() => ({}));

beforeAll(async () => {
  // The project registry's rule: user meshagent, a live repository token as password, its repository and actions only.
  registry = await FakeRegistry.start({
    auth: {
      scheme: 'bearer',
      grant: (credentials) => {
        const now = Math.floor(Date.now() / 1000);
        const grant = sandbox.state.data.repositoryTokens.find((t) => t.token === credentials?.password && t.expiresAt > now);
        if (credentials?.username !== 'meshagent' || !grant) return undefined;
        return (repository) => (repository === grant.repository ? (grant.actions as readonly Action[]) : []);
      },
    },
  });
  sandbox = await startSandbox({ dir: join(work, 'sandbox'), registry: false, registryHost: registry.host, roomRuntime: runtime });
  runtime.attach(sandbox.state);
});

afterAll(async () => {
  await sandbox?.stop();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

const base = buildTar([
  { name: 'bin/', type: '5' },
  { name: 'bin/tool', data: payload(200_000, 1), mode: 0o755 },
]);
const site = (text: string) =>
  buildTar([
    { name: 'www/', type: '5' },
    { name: 'www/index.html', data: text },
  ]);

let counter = 0;
/** An OCI layout holding one image of `layers`; returns its directory. */
function layoutOf(layers: Buffer[]): string {
  counter += 1;
  const dir = join(work, `image-${counter}`);
  writeImageLayout(dir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers, gzip: true }]);
  return dir;
}
const imageOf = (layers: Buffer[]) => `oci:${layoutOf(layers)}:latest`;

interface Shipped {
  result: ShipResult;
  runner: ConsoleRunner;
  /** Everything printed, the summary and the outputs. */
  seen: string;
}

async function ship(inputs: Record<string, string>): Promise<Shipped> {
  const runner = new ConsoleRunner({
    inputs: { room: 'dev', 'create-room': 'true', builder: 'none', prefetch: '/bin/tool', ...inputs },
    env: { ...sandbox.env(), RUNNER_TEMP: work },
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner);
  await reportResult(result, runner);
  return { result, runner, seen: [...runner.lines, runner.summary, ...runner.outputs.values()].join('\n') };
}

function api(): MeshagentClient {
  return new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
}

describe('ship against the in-process registry', () => {
  let first: Shipped;

  it('converts, pushes, reads back and deploys an existing image', async () => {
    first = await ship({ tag: 'app:1', image: imageOf([base, site('one')]) });
    const { result } = first;
    expect(result.error).toBeNull();
    expect(result.stages.map((s) => `${s.name}:${s.status}`)).toEqual([
      'resolve:done',
      'ensure:done',
      'build:done',
      'convert:done',
      'push:done',
      'deploy:done',
      'verify:done',
    ]);
    expect(result.stages.find((s) => s.name === 'push')?.detail).toBe('3 uploaded, 0 skipped, 0 mounted; read back: 3 blobs, 2 eStargz TOCs as annotated');
    expect(result.image).toMatchObject({ tag: `${registry.host}/sandbox/app:1`, repository: 'sandbox/app', repositoryCreated: true });
    expect(result.image?.ref).toBe(`${registry.host}/sandbox/app@${result.image?.digest}`);
    expect(result.image?.layers.map((l) => [l.push, l.prefetchFiles])).toEqual([
      ['uploaded', 1],
      ['uploaded', 0],
    ]);

    // The registry holds the tag and the manifest the run reported, pushed with the minted token.
    expect(registry.tags('sandbox/app')).toEqual(['1']);
    expect(registry.manifest('sandbox/app', '1')?.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const token = sandbox.state.data.repositoryTokens.at(-1)?.token ?? '';
    expect(registry.sent('GET', /^\/token$/).every((r) => r.headers.authorization === `Basic ${Buffer.from(`meshagent:${token}`).toString('base64')}`)).toBe(
      true,
    );
    expect(registry.sent('GET', /^\/token$/).flatMap((r) => r.query.getAll('scope'))).toContain('repository:sandbox/app:pull,push');

    const service = (await api().findService('dev', 'sandbox-app')) as ServiceSpec | undefined;
    expect(service?.container?.image).toBe(result.image?.ref);
    // Neither the API key nor the repository token shows anywhere.
    for (const secret of [sandbox.apiKey, token]) expect(first.seen).not.toContain(secret);
    // The sandbox made no registry token key: nothing here ran openssl.
    expect(existsSync(join(work, 'sandbox', 'keys'))).toBe(false);
  });

  it('ships the same image again without uploading anything', async () => {
    registry.requests.length = 0;
    const again = await ship({ tag: 'app:1', image: imageOf([base, site('one')]) });
    expect(again.result.error).toBeNull();
    expect(again.result.image?.digest).toBe(first.result.image?.digest);
    expect(again.result.stages.find((s) => s.name === 'push')?.detail).toMatch(/^already there; tagged/);
    expect(again.result.image?.layers.every((l) => l.push === 'skipped')).toBe(true);
    expect(registry.sent('POST', /uploads/)).toEqual([]);
    expect(again.result.service).toMatchObject({ created: false });
  });

  it('re-ships a changed layer: the unchanged one is reused from the registry, not converted or uploaded', async () => {
    registry.requests.length = 0;
    const next = await ship({ tag: 'app:1', image: imageOf([base, site('two')]) });
    expect(next.result.error).toBeNull();
    const [reused, changed] = next.result.image?.layers ?? [];
    expect(reused?.digest).toBe(first.result.image?.layers[0]?.digest);
    expect(reused?.push).toBe('skipped');
    expect(changed?.push).toBe('uploaded');
    expect(next.runner.lines.join('\n')).toMatch(/records 2 converted layers/);
    expect(registry.sent('PUT', /uploads/)).toHaveLength(2); // the changed layer and the new config
  });

  it('a registry that refuses the manifest (a 400, never retried) fails the push, and the service keeps running what it ran', async () => {
    const before = await api().findService('dev', 'sandbox-app');
    const tagged = registry.manifest('sandbox/app', '1');
    registry.faults.push({ method: 'PUT', path: /manifests/, status: 400, times: 1 });
    const failed = await ship({ tag: 'app:1', image: imageOf([base, site('three')]) });
    expect(failed.result.error?.stage).toBe('push');
    expect(failed.result.error?.message).toMatch(/^push manifest sha256:\w+ to .*sandbox\/app:1 failed: 400 Bad Request/);
    expect(failed.result.stages.find((s) => s.name === 'deploy')?.detail).toBe('not reached');
    expect(registry.manifest('sandbox/app', '1')).toBe(tagged);
    expect(await api().findService('dev', 'sandbox-app')).toEqual(before);
  });

  it('a public service live in the room whose URL does not answer in time fails verify, not rolled back, and the report keeps the probe', async () => {
    const url = 'https://quiet.sandbox.localhost/';
    const quiet = await ship({
      tag: 'quiet:1',
      image: imageOf([base, site('quiet')]),
      domain: 'quiet.sandbox.localhost',
      ports: '8080',
      public: 'true',
      wait: '1s',
    });
    const { result } = quiet;
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      stage: 'verify',
      message: `the service is live in the room, but ${url} did not answer with 2xx or 3xx within 1 s`,
    });
    expect(result.rollout).toMatchObject({ outcome: 'ready', rolledBack: null });
    expect(result.stages.map((s) => `${s.name}:${s.status}`).slice(-2)).toEqual(['deploy:done', 'verify:failed']);
    expect(result.service).toMatchObject({ name: 'sandbox-quiet', room: 'dev', created: true, url: 'https://quiet.sandbox.localhost', rollback: null });
    expect(result.probe).toMatchObject({ url, ok: false, latencyMs: null });
    expect(result.probe?.attempts).toBeGreaterThanOrEqual(1);
    expect(quiet.runner.summary).toContain(`- probe: \`${url}\` did not answer in time`);
  });

  it('a repository token of another repository of the project cannot push here', async () => {
    const client = api();
    const other = await client.createRepository({ name: 'other' });
    const token = await client.createRepositoryToken(other.id, { actions: ['pull', 'push'], expires_in_seconds: 600 });
    const registryClient = new RegistryClient({ registry: registry.host, credentials: { username: 'meshagent', password: token.token }, mask: () => {} });
    try {
      const refused = await pushImage(await OciLayout.open(layoutOf([site('intruder')])), registryClient.repository('sandbox/app', ['pull', 'push']), {
        tag: 'x',
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ShipError);
      expect((refused as ShipError).message).toMatch(/sandbox\/app: not authorized to push to this repository/);
    } finally {
      await registryClient.close();
    }
    expect(registry.tags('sandbox/app')).toEqual(['1']);
  });
});
