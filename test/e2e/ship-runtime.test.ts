// A runtime-label image shipped end to end, as the MeshAgent CLI's own project templates are: FROM scratch, the app
// in /app, LABEL meshagent.runtime=python. buildah builds it, it is converted, pushed to the sandbox's registry and
// deployed; the service then runs meshagent/python:default with the pushed image pinned and mounted at /app, the
// command and folder from the image config, its ENV as the env's defaults. A dry run plans the same from the
// Dockerfile; a label without CMD or ENTRYPOINT fails the deploy with the CLI's words and writes nothing.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import type { ServiceSpec } from '../../src/meshagent/wire-service.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

const infra = inject('infra');
let sandbox: Sandbox;
let work: string;

/** A build context like the CLI's python template: FROM scratch, the app under /app, the runtime label. */
function context(name: string, dockerfile: string[]): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'app'), { recursive: true });
  writeFileSync(join(dir, 'app', 'main.py'), 'print("hello from the python runtime")\n');
  writeFileSync(join(dir, 'Dockerfile'), `${dockerfile.join('\n')}\n`);
  return dir;
}

const labelled = [
  'FROM scratch',
  'LABEL meshagent.runtime=python',
  'COPY app /app',
  'WORKDIR /app',
  'ENV GREETING=hello MODE=dev',
  'EXPOSE 8080',
  'CMD ["main.py", "--name", "my app"]',
];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ship-runtime-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
});

afterAll(async () => {
  await sandbox?.stop();
});

async function ship(inputs: Record<string, string>): Promise<{ result: ShipResult; lines: string[] }> {
  const runner = new ConsoleRunner({
    inputs: { room: 'dev', 'create-room': 'true', builder: 'buildah', wait: 'false', ...inputs },
    env: sandbox.env(),
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner, { builders: { buildah: { command: infra.buildah, isolation: 'chroot' as const } } });
  await reportResult(result, runner);
  return { result, lines: runner.lines };
}

const api = () => new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });

describe('a runtime-label image', () => {
  it('is deployed as the CLI deploys it: the runtime image, the shipped image pinned at /app, command, folder and ENV', async () => {
    const { result, lines } = await ship({ tag: 'pyapp:1', context: context('pyapp', labelled), env: 'MODE=prod', domain: 'pyapp.sandbox.localhost' });
    expect(result.error).toBeNull();
    const ref = result.image?.ref ?? '';
    expect(ref).toMatch(/@sha256:[a-f0-9]{64}$/);
    const service = (await api().findService('dev', 'sandbox-pyapp')) as ServiceSpec;
    expect(service.container).toMatchObject({
      image: 'meshagent/python:default',
      command: "python main.py --name 'my app'",
      working_dir: '/app',
      environment: [
        { name: 'GREETING', value: 'hello' },
        { name: 'MODE', value: 'prod' },
      ],
    });
    expect(service.container?.storage?.images).toEqual([{ image: ref, path: '/app', subpath: 'app', read_only: true }]);
    expect(service.ports).toMatchObject([{ num: 8080, published: true }]);
    expect(lines.filter((line) => line.includes('Runtime'))).toEqual([
      `  Runtime python: the service runs meshagent/python:default with ${ref} mounted read-only at /app`,
    ]);
    // The verify stage reads back the image the service runs as shipped: the mounted one.
    expect(result.stages.find((s) => s.name === 'verify')?.detail).toBe(
      `deployed (not waited): sandbox-pyapp is set to run ${result.image?.digest?.slice(0, 19)} (wait: false)`,
    );
  });

  it('is planned from the Dockerfile in a dry run, the runtime and the diff shown', async () => {
    const changed = context('pyapp-next', [...labelled.slice(0, -1), 'CMD ["server.py"]']);
    const { result } = await ship({ tag: 'pyapp:2', context: changed, env: 'MODE=prod', 'dry-run': 'true' });
    expect(result.status).toBe('planned');
    const plan = (result.plan ?? []).join('\n');
    expect(plan).toContain(
      "runtime    python (label meshagent.runtime): the service runs meshagent/python:default with this image read-only at /app, command python server.py in /app (from the Dockerfile's final stage)",
    );
    expect(plan).toContain('~ container.command: "python main.py --name \'my app\'" -> "python server.py"');
    expect(plan).toMatch(/~ container\.storage\.images: .*"path":"\/app","subpath":"app"/);
  });

  it("fails the deploy with the CLI's words when the label has no CMD or ENTRYPOINT, leaving the service as it was", async () => {
    const before = await api().findService('dev', 'sandbox-pyapp');
    const { result } = await ship({ tag: 'pyapp:3', context: context('pyapp-bad', labelled.slice(0, -1)) });
    expect(result.error).toMatchObject({
      stage: 'deploy',
      message: 'packed Dockerfile final stage uses meshagent.runtime=python but does not define CMD or ENTRYPOINT',
    });
    expect(await api().findService('dev', 'sandbox-pyapp')).toEqual(before);
  });
});
