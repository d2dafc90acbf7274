// The whole pipeline against the sandbox and its real registry: buildah (and dockerd) build examples/hello, every layer becomes
// eStargz, the image is pushed with a minted repository token and deployed as a room service. Then containerd
// pulls it back (checking diff_ids) and ctr-remote reads each layer's TOC digest; a re-ship uploads nothing; a dry
// run writes nothing; and each failing stage says why and leaves the running service as it was.
import { spawn } from 'node:child_process';
import { cpSync, copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { dumpServiceSpec, type ServiceSpec } from '../../src/meshagent/wire-service.js';
import { Annotation } from '../../src/oci/media-types.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { ctrRemote, runAsync } from '../infra/env.js';

const infra = inject('infra');
let sandbox: Sandbox;
let context: string;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ship-test-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
  context = join(work, 'hello');
  cpSync(fileURLToPath(new URL('../../examples/hello', import.meta.url)), context, { recursive: true });
  copyFileSync(infra.busybox, join(context, 'busybox'));
});

afterAll(async () => {
  await sandbox?.stop();
});

interface Shipped {
  result: ShipResult;
  runner: ConsoleRunner;
  /** Everything printed, the summary and the outputs: what must never hold a secret. */
  seen: string;
}

/** The builders of the test infrastructure: buildah with its state under the infra dir, and the test's dockerd. */
const builders = () => ({ buildah: { command: infra.buildah, isolation: 'chroot' as const }, docker: { env: { DOCKER_HOST: infra.dockerHost } } });

async function shipWith(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<Shipped> {
  const runner = new ConsoleRunner({
    // This sandbox runs no containers: nothing would become live, so the rollout is not waited for.
    inputs: {
      room: 'dev',
      'create-room': 'true',
      context,
      builder: 'buildah',
      prefetch: '/bin/busybox',
      wait: 'false',
      'cache-dir': join(work, 'build-cache'),
      ...inputs,
    },
    env: { ...sandbox.env(), ...env },
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner, { builders: builders() });
  await reportResult(result, runner);
  return { result, runner, seen: [...runner.lines, runner.summary, ...runner.outputs.values()].join('\n') };
}

/** containerd pulls the pushed image (unpacking checks every diff_id) and ctr-remote reads each layer's TOC digest. */
async function expectContainerdAccepts(result: ShipResult): Promise<void> {
  const ref = result.image?.ref ?? '';
  const token = mintedTokens().at(-1) ?? '';
  const pull = await runAsync(
    'ctr-remote',
    ['-a', infra.containerdAddress, '-n', infra.containerdNamespace, 'images', 'pull', '--plain-http', '--user', `meshagent:${token}`, ref],
    { timeoutMs: 60_000 },
  );
  expect(pull.code, pull.stderr).toBe(0);
  const layers = result.image?.layers ?? [];
  expect(layers.length).toBeGreaterThan(0);
  for (const layer of layers) {
    const toc = ctrRemote(infra, ['images', 'get-toc-digest', layer.digest]);
    expect(toc.code, toc.stderr).toBe(0);
    expect(toc.stdout.trim()).toBe(layer.tocDigest);
  }
}

/** A service as its model reads it, defaults and nulls filled. */
const asModel = (service: unknown) => (service === undefined ? undefined : dumpServiceSpec(service as ServiceSpec));

function api(): MeshagentClient {
  return new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
}

/** The repository token the run minted (the sandbox keeps them), to prove it never leaked. */
function mintedTokens(): string[] {
  return sandbox.state.data.repositoryTokens.map((t) => t.token);
}

describe('ship', () => {
  let first: Shipped;

  it('builds, converts, pushes and deploys examples/hello, and reports the service URL', async () => {
    first = await shipWith({ tag: 'hello:1', domain: 'hello.sandbox.localhost', public: 'true', env: 'GREETING=hi' });
    const { result, runner } = first;
    expect(result.error).toBeNull();
    expect(result.status).toBe('shipped');
    expect(result.stages.map((s) => `${s.name}:${s.status}`)).toEqual([
      'resolve:done',
      'ensure:done',
      'build:done',
      'convert:done',
      'push:done',
      'deploy:done',
      'verify:done',
    ]);
    // The push read the image back (the config and the two layers, one per COPY as the build cache keeps steps, their
    // TOCs as annotated); verify read the service back.
    expect(result.stages.find((s) => s.name === 'push')?.detail).toBe('3 uploaded, 0 skipped, 0 mounted; read back: 3 blobs, 2 eStargz TOCs as annotated');
    expect(result.stages.find((s) => s.name === 'verify')?.detail).toBe(
      `deployed (not waited): sandbox-hello is set to run ${result.image?.digest?.slice(0, 19)} (wait: false)`,
    );
    const registry = sandbox.registryHost ?? '';
    expect(result.image).toMatchObject({ tag: `${registry}/sandbox/hello:1`, repository: 'sandbox/hello', repositoryCreated: true });
    expect(result.image?.ref).toBe(`${registry}/sandbox/hello@${result.image?.digest}`);
    expect(result.service).toMatchObject({
      name: 'sandbox-hello',
      room: 'dev',
      created: true,
      domain: 'hello.sandbox.localhost',
      url: 'https://hello.sandbox.localhost',
      route: 'created',
    });
    expect(runner.outputs.get('service-url')).toBe('https://hello.sandbox.localhost');
    expect(runner.outputs.get('image-ref')).toBe(result.image?.ref);
    expect(runner.summary.split('\n')[2]).toBe('**Rollout:** ⏭️ deployed (not waited): nothing checked that the new container runs');
    expect(runner.summary.split('\n')[4]).toBe('**Service URL:** [https://hello.sandbox.localhost](https://hello.sandbox.localhost)');

    // Every layer was converted, has a TOC, and the prefetched busybox counts in the lazy-pull bytes.
    const layers = result.image?.layers ?? [];
    expect(layers.length).toBeGreaterThan(0);
    for (const layer of layers) {
      expect(layer.tocDigest).toMatch(/^sha256:/);
      expect(layer.push).toBe('uploaded');
    }
    expect(layers.reduce((n, l) => n + l.prefetchFiles, 0)).toBe(1);

    // The service runs the pinned image, with its port from the image's EXPOSE and the env input.
    const service = (await api().findService('dev', 'sandbox-hello')) as ServiceSpec | undefined;
    expect(service?.container?.image).toBe(result.image?.ref);
    expect(service?.ports?.map((p) => p.num)).toEqual([8080]);
    expect(service?.container?.environment).toEqual([{ name: 'GREETING', value: 'hi' }]);
  });

  it('pushed an image containerd pulls (checking diff_ids) and whose TOC digests ctr-remote confirms', async () => {
    await expectContainerdAccepts(first.result);
    expect(Annotation.stargzTocDigest).toBe('containerd.io/snapshot/stargz/toc.digest');
  });

  it('ships the same service built by dockerd (docker build + docker save), which containerd pulls too', async () => {
    const shipped = await shipWith({ tag: 'hello-docker:1', builder: 'docker' });
    expect(shipped.result.error).toBeNull();
    expect(shipped.result.stages.find((s) => s.name === 'build')?.detail).toMatch(/^built by docker from /);
    expect(shipped.result.service).toMatchObject({ name: 'sandbox-hello-docker', created: true });
    expect(shipped.result.image?.layers.reduce((n, l) => n + l.prefetchFiles, 0)).toBe(1);
    await expectContainerdAccepts(shipped.result);
  });

  it('re-ships incrementally: an unchanged base layer converts to the same blob and is not uploaded again', async () => {
    // A two-layer image: a base built once (busybox), and the site on top of it, rebuilt after a change.
    const base = join(work, 'base');
    cpSync(context, base, { recursive: true });
    writeFileSync(join(base, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\n');
    const built = await runAsync(infra.buildah, ['bud', '--isolation', 'chroot', '-t', 'localhost/ship-test-base:1', base], { timeoutMs: 120_000 });
    expect(built.code, built.stderr).toBe(0);
    const app = join(work, 'app');
    cpSync(context, app, { recursive: true });
    writeFileSync(
      join(app, 'Dockerfile'),
      'FROM localhost/ship-test-base:1\nCOPY www /www\nEXPOSE 8080\nENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]\n',
    );
    const one = await shipWith({ tag: 'layered:1', context: app });
    expect(one.result.error).toBeNull();
    writeFileSync(join(app, 'www', 'index.html'), '<h1>changed</h1>\n');
    const two = await shipWith({ tag: 'layered:2', context: app });
    expect(two.result.error).toBeNull();
    const [baseOne, topOne] = one.result.image?.layers ?? [];
    const [baseTwo, topTwo] = two.result.image?.layers ?? [];
    expect(baseTwo?.digest).toBe(baseOne?.digest);
    expect(baseTwo?.push).toBe('skipped');
    expect(topTwo?.digest).not.toBe(topOne?.digest);
    expect(topTwo?.push).toBe('uploaded');
    expect(two.result.service).toMatchObject({ name: 'sandbox-layered', created: false });
  });

  it('ships an existing image without a builder; the same image again uploads nothing', async () => {
    const layout = join(work, 'prebuilt');
    const built = await runAsync(infra.buildah, ['push', 'localhost/ship-test-base:1', `oci:${layout}:base`], { timeoutMs: 60_000 });
    expect(built.code, built.stderr).toBe(0);
    const once = await shipWith({ tag: 'prebuilt:1', builder: 'none', image: `oci:${layout}:base`, prefetch: '' });
    expect(once.result.error).toBeNull();
    const twice = await shipWith({ tag: 'prebuilt:1', builder: 'none', image: `oci:${layout}:base`, prefetch: '' });
    expect(twice.result.image?.digest).toBe(once.result.image?.digest);
    expect(twice.result.image?.layers.every((l) => l.push === 'skipped')).toBe(true);
    expect(twice.result.stages.find((s) => s.name === 'push')?.detail).toContain('already there');
    expect(twice.result.service).toMatchObject({ created: false });
  });

  it('never shows the API key or a repository token', () => {
    const secrets = [sandbox.apiKey, ...mintedTokens()];
    expect(secrets.length).toBeGreaterThan(1);
    for (const secret of secrets) expect(first.seen).not.toContain(secret);
  });
});

describe('dry run', () => {
  it('plans without writing: no repository, no room, no service', async () => {
    const before = JSON.stringify(sandbox.state.data);
    const { result, runner } = await shipWith({ tag: 'planned:1', room: 'elsewhere', 'dry-run': 'true', ports: '8080', domain: 'planned.sandbox.localhost' });
    expect(result.error).toBeNull();
    expect(result.status).toBe('planned');
    expect(result.stages.filter((s) => s.status === 'done').map((s) => s.name)).toEqual(['resolve', 'ensure', 'deploy']);
    expect(result.plan).toContain('repository sandbox/planned: would be created');
    expect(result.plan).toContain('room       elsewhere would be created');
    expect(result.plan).toContain('service    sandbox-planned would be created');
    expect(result.plan).toContain('domain     https://planned.sandbox.localhost (route would be created)');
    expect(runner.summary).toContain('📝 meshagent-ship plan (dry run)');
    expect(result.offline).toBeNull();
    expect(JSON.stringify(sandbox.state.data)).toBe(before);
  });

  it('plans offline when the API refuses the key, saying so, with nothing written', async () => {
    const before = JSON.stringify(sandbox.state.data);
    const refused = `${sandbox.apiKey}x`;
    const { result, runner, seen } = await shipWith({ tag: 'planned:1', 'dry-run': 'true' }, { MESHAGENT_API_KEY: refused });
    expect(result.status).toBe('planned');
    expect(result.offline?.reason).toMatch(/refused the api-key \(401\); a real run fails the same way$/);
    expect(result.plan?.[0]).toMatch(/^offline {4}the API at .* refused the api-key/);
    expect(runner.lines.join('\n')).toContain('dry run offline:');
    expect(result.retries).toEqual([]);
    expect(seen).not.toContain(refused);
    expect(JSON.stringify(sandbox.state.data)).toBe(before);
  });

  it('plans the refusal of a domain routed to another room, as a real run would refuse it before writing', async () => {
    await api().createRoom({ name: 'owner', if_not_exists: true });
    await api().createRoute({
      metadata: { name: 'owned.sandbox.localhost', annotations: {} },
      domain: 'owned.sandbox.localhost',
      backend: { room: { name: 'owner' } },
      paths: [{ path: '/', targetPort: '80' }],
    });
    const { result } = await shipWith({ tag: 'hello:1', 'dry-run': 'true', domain: 'owned.sandbox.localhost' });
    expect(result.status).toBe('planned');
    expect(result.plan).toContain(
      'domain     https://owned.sandbox.localhost: domain owned.sandbox.localhost already routes to room owner. Refusing to change it to room dev. (a real run fails here, before writing anything)',
    );
  });

  it('shows what would change in a running service, without the env values', async () => {
    const { result } = await shipWith({ tag: 'hello:1', 'dry-run': 'true', env: 'GREETING=hello\nNEW=secret-value' });
    const plan = (result.plan ?? []).join('\n');
    expect(plan).toContain('service    sandbox-hello would be updated');
    expect(plan).toContain('~ container.environment: ["GREETING"] -> ["GREETING","NEW"]');
    expect(plan).not.toContain('secret-value');
  });
});

describe('failures', () => {
  it('a bad tag fails before any network call, in the CLI wording', async () => {
    const { result } = await shipWith({ tag: 'Bad/Name:1', 'api-url': 'http://127.0.0.1:9' });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe('tag: invalid OCI image repository: Bad/Name:1');
    expect(result.stages.every((s) => s.status === 'skipped')).toBe(true);
  });

  it('a temp dir that cannot be written fails the build stage, with a summary and a hint', async () => {
    const { result, runner } = await shipWith({ tag: 'hello:tmp' }, { RUNNER_TEMP: '/proc/no-such-dir' });
    expect(result.error?.stage).toBe('build');
    expect(result.error?.message).toMatch(/^cannot create a work directory under \/proc\/no-such-dir: /);
    expect(result.error?.hint).toContain('RUNNER_TEMP');
    expect(runner.summary).toContain('meshagent-ship failed at build');
  });

  it('a key that may not create repositories gets the CLI guidance, at ensure', async () => {
    const response = await fetch(`${sandbox.apiUrl}/_sandbox/api-keys`, {
      method: 'POST',
      body: JSON.stringify({ permissions: ['services:write', 'routes:write'] }),
    });
    const { key } = (await response.json()) as { key: string };
    const { result, seen } = await shipWith({ tag: 'forbidden:1' }, { MESHAGENT_API_KEY: key });
    expect(result.error?.stage).toBe('ensure');
    expect(result.error?.message).toContain('the target repository does not exist in the selected project: sandbox/forbidden');
    expect(result.error?.hint).toContain('meshagent registry create --project-id');
    expect(seen).not.toContain(key);
  });

  it('a registry token endpoint answering 503 fails the push after retries and leaves the service running', async () => {
    const before = await api().findService('dev', 'sandbox-hello');
    await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ path: '^/registry/token', status: 503, count: 100 }) });
    try {
      writeFileSync(join(context, 'www', 'index.html'), '<h1>changed</h1>\n');
      const { result, runner } = await shipWith({ tag: 'hello:2' });
      expect(result.error?.stage).toBe('push');
      expect(result.retries.length).toBeGreaterThan(0);
      // One count: each retry is one log line, one entry of the result, and the summary says how many.
      expect(runner.lines.filter((line) => /; retry \d+ of \d+ in /.test(line))).toHaveLength(result.retries.length);
      expect(runner.summary).toContain(`#### Retries: ${result.retries.length}`);
      expect(result.stages.find((s) => s.name === 'deploy')?.detail).toBe('not reached');
    } finally {
      await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
    expect(await api().findService('dev', 'sandbox-hello')).toEqual(before);
  });

  it('a service update conflict fails the deploy and leaves the service as it was', async () => {
    const before = await api().findService('dev', 'sandbox-hello');
    await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ method: 'PUT', path: '/services/', status: 409, count: 1 }) });
    try {
      const { result } = await shipWith({ tag: 'hello:3' });
      expect(result.error?.stage).toBe('deploy');
      expect(result.error?.message).toContain('409');
      expect(result.image?.digest).toMatch(/^sha256:/);
    } finally {
      await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
    expect(await api().findService('dev', 'sandbox-hello')).toEqual(before);
  });

  it('a route update failing after the service update puts the previous spec back; the result and summary say restored', async () => {
    const before = await api().findService('dev', 'sandbox-hello');
    // A new port moves the route too: the service is updated first, then the route update fails.
    await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ method: 'PUT', path: '/routes/', status: 500, count: 1 }) });
    try {
      const { result, runner } = await shipWith({ tag: 'hello:4', domain: 'hello.sandbox.localhost', ports: '9090' });
      // Put back by an update, which sends every field (nulls too): the same spec as the model reads it.
      expect(asModel(await api().findService('dev', 'sandbox-hello'))).toEqual(asModel(before));
      expect(result.error?.stage).toBe('deploy');
      expect(result.error?.message).toMatch(
        /^update route hello\.sandbox\.localhost failed: 500 .*; rolled back: route hello\.sandbox\.localhost was restored to the spec it had before; service sandbox-hello was restored to the spec it had before$/,
      );
      expect(result.error?.hint).toMatch(/^nothing this deploy wrote is left; /);
      expect(result.service).toMatchObject({
        name: 'sandbox-hello',
        room: 'dev',
        id: (before as { id?: string } | undefined)?.id,
        created: false,
        url: null,
        rollback: 'restored',
      });
      expect(runner.summary).toContain('- rollback: **restored**: the deploy failed and the service runs the spec it had before');
      expect(runner.outputs.get('service-url')).toBe('');
    } finally {
      await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('SIGINT to the command while the service PUT is in flight: the PUT completes, the previous spec is put back, exit 130', async () => {
    const before = await api().findService('dev', 'sandbox-hello');
    // The sandbox holds the service PUT for 3 s before serving it; the signal comes while it is held.
    await fetch(`${sandbox.apiUrl}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'PUT', path: '/rooms/dev/services/', delayMs: 3000, count: 1 }),
    });
    const held = sandbox.faults.matched;
    try {
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !/^(INPUT_|MESHAGENT_|GITHUB_)/.test(name)) env[name] = value;
      const args = [
        'dist/cli.js',
        'ship',
        '--json',
        '--tag',
        'hello:6',
        '--room',
        'dev',
        '--builder',
        'none',
        '--image',
        `oci:${join(work, 'prebuilt')}:base`,
        '--domain',
        'hello.sandbox.localhost',
      ];
      const child = spawn(process.execPath, args, { env: { ...env, ...sandbox.env() }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const deadline = Date.now() + 60_000;
      while (sandbox.faults.matched === held && child.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sandbox.faults.matched, stderr).toBe(held + 1);
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(130);
      const result = JSON.parse(stdout) as ShipResult;
      expect(result.error).toMatchObject({
        stage: 'deploy',
        message: 'stopped by SIGINT; rolled back: service sandbox-hello was restored to the spec it had before',
      });
      expect(result.service?.rollback).toBe('restored');
      expect(stderr).toContain('SIGINT: stopping');
      // Put back by an update, which sends every field (nulls too): the same spec as the model reads it.
      expect(asModel(await api().findService('dev', 'sandbox-hello'))).toEqual(asModel(before));
    } finally {
      await fetch(`${sandbox.apiUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
  });
});
