// A service template shipped end to end, as the MeshAgent CLI's deploy ships a project with .meshagent/deploy.yaml:
// the image is built and pushed, the template rendered and checked by the (sandbox) API with the values, the image
// pinned where the template names it, and the service of the template's name created, then updated, with the same
// plan and diff as a plain deploy. Missing required values and a template the model refuses fail with the CLI's
// words before anything is written.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

const template = (extra = '') =>
  [
    'version: v1',
    'kind: ServiceTemplate',
    'metadata:',
    '  name: webapp',
    '  description: a web app from a template',
    'variables:',
    '  - name: image',
    '    optional: true',
    '  - name: domain',
    '    type: route',
    '    optional: true',
    '  - name: greeting',
    'container:',
    '  image: meshagent/node:default',
    '  template: none',
    '  command: node index.js',
    '  working_dir: /app',
    '  environment:',
    '    - name: GREETING',
    '      value: "{{ greeting }}"',
    '  storage:',
    '    images:',
    '      - image: "{{ image }}"',
    '        path: /app',
    '        subpath: app',
    '        read_only: true',
    'ports:',
    '  - num: 3000',
    '    type: http',
    '    published: true',
    '    public: true',
    '    liveness: /health',
    extra,
  ].join('\n');

/** A context like the CLI's node template: FROM scratch, the app under /app, the template in .meshagent/. */
function context(name: string, deployYaml: string, values?: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'app'), { recursive: true });
  mkdirSync(join(dir, '.meshagent'), { recursive: true });
  writeFileSync(join(dir, 'app', 'index.js'), 'console.log("hello")\n');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY app /app\nCMD ["index.js"]\n');
  writeFileSync(join(dir, '.meshagent', 'deploy.yaml'), deployYaml);
  if (values !== undefined) writeFileSync(join(dir, '.meshagent', 'values.yaml'), values);
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ship-template-'));
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

describe('a service template', () => {
  it('is rendered with the values, the image pinned in it, and creates the service of its name, routed by its route value', async () => {
    const dir = context('webapp', template(), 'greeting: saved\ndomain: webapp.sandbox.localhost\n');
    const { result, lines } = await ship({ tag: 'webapp:1', context: dir, set: 'greeting=hello' });
    expect(result.error).toBeNull();
    const ref = result.image?.ref ?? '';
    const digest = result.image?.digest ?? '';
    const service = (await api().findService('dev', 'webapp')) as ServiceSpec;
    expect(service.container).toMatchObject({
      image: 'meshagent/node:default',
      command: 'node index.js',
      environment: [{ name: 'GREETING', value: 'hello' }],
      storage: { images: [{ image: `${(ref.split('@')[0] ?? '').replace(/:[^/:]+$/, '')}@${digest}`, path: '/app', subpath: 'app', read_only: true }] },
    });
    expect(service.metadata.annotations).toMatchObject({ 'meshagent.service.id': 'webapp' });
    expect(service.metadata.annotations?.['meshagent.service.template.yaml']).toBe(template());
    expect(result.service).toMatchObject({ name: 'webapp', created: true, url: 'https://webapp.sandbox.localhost' });
    expect(lines.some((line) => line.includes(`.meshagent/deploy.yaml: service webapp, ${ref} pinned in it`))).toBe(true);
  });

  it('is planned in a dry run with the diff of a plain deploy, and updates the service', async () => {
    const dir = context('webapp-2', template(), 'greeting: saved\ndomain: webapp.sandbox.localhost\n');
    const values = join(dir, 'prod.yaml');
    writeFileSync(values, 'greeting: from the values file\n');
    const { result } = await ship({ tag: 'webapp:2', context: dir, values: 'prod.yaml', 'dry-run': 'true' });
    expect(result.status).toBe('planned');
    const plan = (result.plan ?? []).join('\n');
    expect(plan).toContain('template   ');
    expect(plan).toContain('service    webapp would be updated');
    expect(plan).toContain('~ container.storage.images: ');
    expect(plan).toContain('domain     https://webapp.sandbox.localhost (route exists');
    // The values stored with the service are named in the diff, never shown.
    expect(plan).not.toContain('from the values file');

    const before = (await api().findService('dev', 'webapp')) as ServiceSpec;
    const { result: updated } = await ship({ tag: 'webapp:2', context: dir, values: 'prod.yaml' });
    expect(updated.error).toBeNull();
    expect(updated.service).toMatchObject({ name: 'webapp', created: false });
    const after = (await api().findService('dev', 'webapp')) as ServiceSpec;
    expect(after.id).toBe(before.id);
    expect(after.container?.environment).toEqual([{ name: 'GREETING', value: 'from the values file', token: null, secret: null }]);
  });

  it("fails with the CLI's words on a required value not given, and on a template the model refuses, writing nothing", async () => {
    const before = await api().findService('dev', 'webapp');
    const { result: missing } = await ship({ tag: 'webapp:3', context: context('webapp-3', template()) });
    expect(missing.error).toMatchObject({
      stage: 'deploy',
      message: 'missing required deploy template values: greeting. Pass them with --set KEY=VALUE or run deploy in an interactive terminal.',
    });
    const { result: invalid } = await ship({ tag: 'webapp:4', context: context('webapp-4', template('colour: blue\n')), set: 'greeting=x' });
    expect(invalid.error?.message).toMatch(
      /^Invalid service template\. The input is not in the correct service template format\. Validation details: .*colour/,
    );
    expect(await api().findService('dev', 'webapp')).toEqual(before);
  });

  it('ships the example as it is: its saved values, its template, the image pinned at /app', async () => {
    const dir = join(work, 'example');
    cpSync(join(import.meta.dirname, '../../examples/template-node'), dir, { recursive: true });
    const { result } = await ship({ tag: 'template-node:1', context: dir });
    expect(result.error).toBeNull();
    const service = (await api().findService('dev', 'template-node')) as ServiceSpec;
    expect(service.container?.environment).toEqual([{ name: 'GREETING', value: 'hello' }]);
    expect(service.container?.storage?.images?.[0]?.image).toMatch(/\/sandbox\/template-node@sha256:[a-f0-9]{64}$/);
  });
});
