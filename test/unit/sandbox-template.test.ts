// Service templates as upstream renders them (api specs/service.py ServiceTemplateSpec.from_yaml, to_service_spec):
// the sandbox's /templates/render and the template form of a service write, and the client's side of a deploy
// from a template (the image pinned where the template names the tag, required values, the route value).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxApi, type ApiAnswer } from '../../sandbox/api.js';
import { SandboxState } from '../../sandbox/state.js';
import { pythonJsonDumps } from '../../sandbox/template-render.js';
import { RenderedTemplate, missingValues, templateDomain, templateServiceSpec, usesImage, withRunAs } from '../../src/meshagent/service-template.js';

let dir: string;
let state: SandboxState;
let api: SandboxApi;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-template-'));
  state = new SandboxState(dir);
  api = new SandboxApi({ state, apiUrl: 'http://127.0.0.1:9', registryHost: '127.0.0.1:5000', pagesDomain: 'sandbox.localhost' });
  expect(call('POST', ['accounts', 'projects', state.data.project.id, 'rooms'], { name: 'dev' }).status).toBe(200);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function call(method: string, segments: string[], body?: unknown): ApiAnswer {
  return api.handle({ method, segments, query: new URLSearchParams(), authorization: `Bearer ${state.mainApiKey}`, consistency: undefined, body });
}
const render = (template: string, values: Record<string, string> = {}) => call('POST', ['templates', 'render'], { template, values });
const message = (answer: ApiAnswer) => (answer.json as { error?: { message?: string } }).error?.message ?? '';

const TAG = '127.0.0.1:5000/proj/web:1';
const webTemplate = [
  'version: v1',
  'kind: ServiceTemplate',
  'metadata:',
  '  name: web',
  'variables:',
  '  - name: image',
  '    optional: true',
  '  - name: domain',
  '    type: route',
  '    optional: true',
  '  - name: greeting',
  'container:',
  '  image: meshagent/node:default',
  '  command: node index.js',
  '  working_dir: /app',
  '  environment:',
  '    - name: GREETING',
  '      value: "{{ greeting | upper }}"',
  '    - name: MODE',
  '      value: !template "{% if mode %}{{ mode }}{% else %}dev{% endif %}"',
  '  storage:',
  '    images:',
  '      - image: "{{ image }}"',
  '        path: /app',
  '        subpath: app',
  '    volumes:',
  '      - name: cache',
  '        path: /cache',
  'ports:',
  '  - num: 3000',
  '    published: true',
  '    liveness: /health',
  '',
].join('\n');

describe("the sandbox's /templates/render", () => {
  it('renders the text with the values, reads it as the model does (defaults filled) and annotates it', () => {
    const answer = render(webTemplate, { image: TAG, greeting: 'héllo' });
    expect(answer.status).toBe(200);
    const spec = answer.json as RenderedTemplate & { container: Record<string, unknown>; ports: Record<string, unknown>[] };
    expect(spec.container).toMatchObject({
      image: 'meshagent/node:default',
      template: 'agent',
      private: true,
      environment: [
        { name: 'GREETING', value: 'HÉLLO' },
        { name: 'MODE', value: 'dev' },
      ],
      storage: { images: [{ image: TAG, path: '/app', subpath: 'app', read_only: true }] },
    });
    expect(spec.ports[0]).toMatchObject({ num: 3000, type: 'http', endpoints: [] });
    expect(spec.metadata.annotations).toEqual({
      'meshagent.service.template.yaml': webTemplate,
      // json.dumps as Python writes it.
      'meshagent.service.template.values': `{"image": "${TAG}", "greeting": "h\\u00e9llo"}`,
    });
  });

  it('refuses what the model refuses, and a template Jinja cannot parse, with the field named', () => {
    expect(message(render(webTemplate.replace('kind: ServiceTemplate', 'kind: Service')))).toContain('kind');
    expect(message(render(`${webTemplate}unknown: 1\n`))).toMatch(/invalid service template: .*unknown/);
    expect(message(render(webTemplate.replace('num: 3000', 'num: 8078')))).toContain('reserved for MeshAgent room infrastructure');
    expect(render('{% if %}').status).toBe(400);
    expect(render('- a list').status).toBe(400);
  });

  it('runs no code through the template engine: a function or object has no constructor, also from a value under !template', () => {
    const code = "'return process.env.HOME'";
    for (const expression of [
      `range.constructor(${code})()`,
      `cycler.constructor(${code})()`,
      `greeting.constructor.constructor(${code})()`,
      `greeting['constructor']['constructor'](${code})()`,
    ]) {
      const answer = render(webTemplate.replace('value: "{{ greeting | upper }}"', `value: "{{ ${expression} }}"`), { greeting: 'x' });
      expect(answer.status, expression).toBe(400);
      expect(message(answer)).not.toContain(process.env.HOME ?? '/root');
    }
    // A value is text: where the template renders it once more (!template), its template syntax reaches no code either.
    const injected = render(webTemplate.replace('value: "{{ greeting | upper }}"', 'value: !template "{{ greeting }}"'), {
      greeting: `{{ joiner.constructor(${code})() }}`,
    });
    expect(injected.status).toBe(400);
    expect(JSON.stringify(injected.json)).not.toContain(process.env.HOME ?? '/root');
  });

  it('takes the template form of a room service write and stores the spec it renders to', () => {
    const project = ['accounts', 'projects', state.data.project.id];
    const created = call('POST', [...project, 'rooms', 'dev', 'services'], { template: webTemplate, values: { image: TAG, greeting: 'hi' } });
    expect(created.status).toBe(200);
    const spec = created.json as { id: string; container: { storage: Record<string, unknown> } };
    expect(spec.id).toBeTruthy();
    // to_service_spec carries no volumes.
    expect(spec.container.storage.volumes ?? null).toBeNull();
    expect(state.data.services.dev?.[0]?.container?.storage?.images?.[0]?.image).toBe(TAG);
  });

  it('writes values as json.dumps does', () => {
    expect(pythonJsonDumps({ a: 'x"y', ü: '\u{1f600}' })).toBe('{"a": "x\\"y", "\\u00fc": "\\ud83d\\ude00"}');
  });
});

describe('a deploy from a template', () => {
  const rendered = (values: Record<string, string>) => RenderedTemplate.parse(render(webTemplate, { image: TAG, ...values }).json);
  const pinned = `${TAG}@sha256:${'a'.repeat(64)}`;

  it('pins the built image where the template names the tag (a mount as name@digest) and adds the service id', () => {
    const spec = templateServiceSpec(rendered({ greeting: 'hi' }), TAG, pinned);
    expect(spec.container?.image).toBe('meshagent/node:default');
    expect(spec.container?.storage?.images).toEqual([
      { image: `127.0.0.1:5000/proj/web@sha256:${'a'.repeat(64)}`, path: '/app', subpath: 'app', read_only: true },
    ]);
    expect(spec.metadata.annotations?.['meshagent.service.id']).toBe('web');
    expect(usesImage(spec, pinned)).toBe(true);
    expect(usesImage(templateServiceSpec(rendered({ greeting: 'hi', image: 'other:1' }), TAG, pinned), pinned)).toBe(false);
  });

  it('finds the required values not given and takes the route value as the domain', () => {
    expect(missingValues(rendered({}), { image: TAG })).toEqual(['greeting']);
    expect(missingValues(rendered({}), { image: TAG, greeting: '  ' })).toEqual(['greeting']);
    expect(templateDomain(rendered({}), { domain: ' web.example.com ' })).toBe('web.example.com');
    expect(templateDomain(rendered({}), {})).toBeUndefined();
  });

  it("puts the run-as input on the template's spec, and the secret scopes when its environment has secrets, as the CLI does", () => {
    const spec = templateServiceSpec(rendered({ greeting: 'hi' }), TAG, pinned);
    expect(withRunAs(spec, undefined)).toBe(spec);
    expect(withRunAs(spec, 'bot@example.com').container?.run_as).toEqual({ email: 'bot@example.com' });
    const secret = {
      ...spec,
      container: { ...spec.container!, environment: [{ name: 'KEY', secret: { id: 's1' } }], run_as: { email: 'a@b.c', scopes: [' x '] } },
    };
    expect(withRunAs(secret, undefined).container?.run_as?.scopes).toEqual(['x', 'secrets:proxy', 'secrets:read']);
    expect(() => withRunAs({ ...spec, container: null }, 'bot@example.com')).toThrow('--run-as requires a container service');
  });
});
