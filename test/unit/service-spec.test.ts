import { describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { tokenScope } from '../../src/meshagent/api-scope.js';
import { imageFacts, type ImageFacts } from '../../src/meshagent/image-facts.js';
import { imageMountRef } from '../../src/meshagent/image-runtime.js';
import { normalizeMountPath, TOKEN_ENV_NAMES } from '../../src/meshagent/service-container.js';
import type { ServiceOptions } from '../../src/meshagent/service-options.js';
import { routeTargetPort } from '../../src/meshagent/service-ports.js';
import { buildServiceSpec } from '../../src/meshagent/service-spec.js';
import { withoutNulls } from '../../src/meshagent/client.js';
import { ServiceSpec } from '../../src/meshagent/wire-service.js';
import type { ImageConfig } from '../../src/oci/types.js';
import { serviceOptions as options } from '../helpers/service-options.js';

/** The marker teardown looks for: every service this tool writes carries it. */
const OURS = 'com.meshagent.ship.deployed-by';

const TAG = 'reg.test/acme/web:1';
const REF = `reg.test/acme/web@sha256:${'b'.repeat(64)}`;

const image = (over: Partial<ImageFacts> = {}): ImageFacts => ({ ref: REF, tag: TAG, exposedPorts: ['8080/tcp'], volumes: [], built: true, ...over });

function build(over: Partial<ServiceOptions> = {}, existing?: ServiceSpec, facts: Partial<ImageFacts> = {}) {
  return buildServiceSpec({ serviceName: 'acme-web', image: image(facts), options: options(over), existing });
}

function error(fn: () => unknown): ShipError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ShipError);
    return e as ShipError;
  }
  throw new Error('expected a ShipError');
}

/** An existing service as the API would answer it, parsed as the deploy stage parses it. */
function existing(spec: Record<string, unknown>): ServiceSpec {
  return ServiceSpec.parse({ version: 'v1', kind: 'Service', id: 'svc-1', metadata: { name: 'acme-web' }, ...spec });
}

describe('a new service', () => {
  it('is the CLI spec: v1 Service, name + service id annotation, pinned image, agent template, EXPOSE ports', () => {
    const { spec, routePort } = build();
    expect(spec).toEqual({
      version: 'v1',
      kind: 'Service',
      enabled: true,
      metadata: { name: 'acme-web', annotations: { 'meshagent.service.id': 'acme-web', [OURS]: 'meshagent-ship' } },
      ports: [{ num: 8080, type: 'http', published: true, endpoints: [], liveness: '/', public: null, annotations: null }],
      container: { image: REF, template: 'agent', private: true },
    });
    expect(routePort).toBeUndefined();
    // The API's own schema accepts it.
    expect(ServiceSpec.safeParse(spec).success).toBe(true);
  });

  it('has no ports when the image exposes none', () => {
    expect(build({}, undefined, { exposedPorts: [] }).spec.ports).toEqual([]);
  });

  it('sets the template input (none)', () => {
    expect(build({ template: 'none' }).spec.container?.template).toBe('none');
  });
});

describe('image facts', () => {
  it('reads ExposedPorts and Volumes from an image config', () => {
    const config = {
      rootfs: { type: 'layers', diff_ids: [] },
      config: { ExposedPorts: { '80/tcp': {}, '53/udp': {} }, Volumes: { '/data': {} } },
    } as ImageConfig;
    expect(imageFacts(REF, TAG, config, true)).toEqual({ ref: REF, tag: TAG, exposedPorts: ['80/tcp', '53/udp'], volumes: ['/data'], built: true });
    expect(imageFacts(REF, TAG, { rootfs: { type: 'layers', diff_ids: [] } } as ImageConfig, false)).toMatchObject({ exposedPorts: [], volumes: [] });
  });
});

describe('ports', () => {
  it('skips udp, keeps each tcp port once, in order', () => {
    const ports = build({}, undefined, { exposedPorts: ['9000/tcp', '53/udp', '8080', '9000/TCP'] }).spec.ports ?? [];
    expect(ports.map((p) => p.num)).toEqual([9000, 8080]);
  });

  it('refuses an exposed reserved port with the CLI text (built) and names the image otherwise', () => {
    expect(error(() => build({}, undefined, { exposedPorts: ['8078/tcp'] })).message).toBe(
      'packed Dockerfile exposed a reserved MeshAgent room infrastructure port; reserved ports: 8078',
    );
    expect(error(() => build({}, undefined, { exposedPorts: ['8078/tcp'], built: false })).message).toBe(
      `image ${REF} exposed a reserved MeshAgent room infrastructure port; reserved ports: 8078`,
    );
  });

  it('skips an exposed port that is not 1-65535 and counts any protocol but udp, as the CLI reads EXPOSE', () => {
    // cli image.py:1304-1315: only udp is skipped; a bad number is skipped silently, never an error.
    const ports = build({}, undefined, { exposedPorts: ['70000/tcp', '0/tcp', 'http/tcp', '9000/sctp', '8080/tcp'] }).spec.ports ?? [];
    expect(ports.map((p) => p.num)).toEqual([9000, 8080]);
  });

  it('refuses a reserved EXPOSE even when the existing service keeps its own ports (the CLI reads the Dockerfile first)', () => {
    const old = existing({ ports: [{ num: 7000, published: true }], container: { image: 'o' } });
    expect(error(() => build({}, old, { exposedPorts: ['8078/tcp'] })).message).toBe(
      'packed Dockerfile exposed a reserved MeshAgent room infrastructure port; reserved ports: 8078',
    );
  });

  it('uses the ports input over the image, with its types; tcp ports get no liveness', () => {
    const ports =
      build({
        ports: [
          { num: 3000, type: 'http' },
          { num: 5432, type: 'tcp' },
        ],
      }).spec.ports ?? [];
    expect(ports).toEqual([
      { num: 3000, type: 'http', published: true, endpoints: [], liveness: '/', public: null, annotations: null },
      { num: 5432, type: 'tcp', published: true, endpoints: [], public: null, annotations: null },
    ]);
  });

  it('keeps an existing service its ports; the image ports only when it has none', () => {
    const old = existing({ ports: [{ num: 7000, type: 'http', published: true, liveness: '/health' }], container: { image: 'old' } });
    expect(build({}, old).spec.ports?.map((p) => [p.num, p.liveness])).toEqual([[7000, '/health']]);
    const portless = existing({ ports: [], container: { image: 'old' } });
    expect(build({}, portless).spec.ports?.map((p) => p.num)).toEqual([8080]);
  });

  it('refuses a reserved port on the existing service', () => {
    const old = ServiceSpec.parse({ version: 'v1', kind: 'Service', id: 's', metadata: { name: 'acme-web' }, container: { image: 'x' } });
    const withReserved = { ...old, ports: [{ num: 8078, type: 'http' as const, published: true, endpoints: [] }] };
    expect(error(() => build({}, withReserved)).message).toBe(
      'existing service acme-web uses reserved MeshAgent room infrastructure port 8078; reserved ports: 8078',
    );
  });

  it('sets liveness from the input on every non-tcp port, else keeps it, else /', () => {
    const old = existing({
      ports: [
        { num: 1, type: 'http', liveness: '/x' },
        { num: 2, type: 'http' },
        { num: 3, type: 'tcp' },
      ],
      container: { image: 'o' },
    });
    // The existing service is read as the model dumps it: a tcp port's unset liveness is null.
    expect(build({}, old).spec.ports?.map((p) => p.liveness)).toEqual(['/x', '/', null]);
    expect(build({ liveness: '/healthz' }, old).spec.ports?.map((p) => p.liveness)).toEqual(['/healthz', '/healthz', null]);
  });

  it('makes published ports public only with public: true, and clears an old public otherwise', () => {
    expect(build({ public: true }).spec.ports?.[0]?.public).toBe(true);
    const old = existing({
      ports: [
        { num: 80, published: true, public: true },
        { num: 81, published: false, public: true },
      ],
      container: { image: 'o' },
    });
    expect(build({}, old).spec.ports?.map((p) => p.public)).toEqual([null, true]);
  });
});

describe('validation mode', () => {
  const cookie = { 'meshagent.request.validation.method': 'cookie' };
  const old = existing({
    metadata: { name: 'acme-web', annotations: { keep: 'me', ...cookie } },
    ports: [{ num: 80, published: true, annotations: cookie }],
    container: { image: 'o' },
  });

  it('cookie sets the annotation on the service and each published port', () => {
    const { spec } = build({ validationMode: 'cookie' });
    expect(spec.metadata.annotations).toMatchObject(cookie);
    expect(spec.ports?.[0]?.annotations).toEqual(cookie);
  });

  it('default removes a cookie value, keeps other annotations', () => {
    const { spec } = build({ validationMode: 'default' }, old);
    expect(spec.metadata.annotations).toEqual({ keep: 'me', 'meshagent.service.id': 'acme-web', [OURS]: 'meshagent-ship' });
    // `annotations or None` (cli image.py:2526-2553): a published port left without annotations sends null, not {}.
    expect(spec.ports?.[0]?.annotations).toBeNull();
  });

  it('default keeps a non-cookie method; none removes it', () => {
    const other = existing({ metadata: { name: 'acme-web', annotations: { 'meshagent.request.validation.method': 'bearer' } }, container: { image: 'o' } });
    expect(build({ validationMode: 'default' }, other).spec.metadata.annotations?.['meshagent.request.validation.method']).toBe('bearer');
    expect(build({ validationMode: 'none' }, other).spec.metadata.annotations?.['meshagent.request.validation.method']).toBeUndefined();
  });
});

describe('an existing service', () => {
  const old = existing({
    enabled: false,
    metadata: { name: 'acme-web', description: 'the site', annotations: { team: 'web', 'meshagent.service.id': 'old-id' } },
    container: {
      image: 'reg.test/acme/web@sha256:' + 'a'.repeat(64),
      command: 'node server.js',
      working_dir: '/srv',
      environment: [
        { name: 'OLD', value: '1' },
        { name: 'MESHAGENT_TOKEN', token: { identity: 'old-agent', role: 'agent' } },
      ],
      storage: { room: [{ path: '/data' }], files: [{ path: '/etc/app.conf', text: 'x' }], empty_dirs: [{ path: '/tmp' }] },
      run_as: { email: 'sa@acme.test', scopes: ['secrets:proxy'] },
      writable_root_fs: true,
    },
    agents: [{ name: 'helper' }],
  });

  it('is enabled again when a failed first rollout stopped it, and only then', () => {
    const stopped = { ...old, metadata: { ...old.metadata, annotations: { ...old.metadata.annotations, 'com.meshagent.ship.stopped-by-rollback': 'true' } } };
    const { spec } = build({}, stopped);
    expect(spec.enabled).toBe(true);
    expect(spec.metadata.annotations).toEqual({ team: 'web', 'meshagent.service.id': 'acme-web', [OURS]: 'meshagent-ship' });
    expect(build({}, old).spec.enabled).toBe(false);
  });

  it('is merged: everything kept except the image, template and the service id annotation', () => {
    const { spec } = build({}, old);
    expect(spec.id).toBe('svc-1');
    expect(spec.enabled).toBe(false);
    expect(spec.agents).toEqual([{ name: 'helper', description: null, annotations: null, channels: null, email: null, heartbeat: null }]);
    expect(spec.external).toBeNull();
    expect(spec.metadata).toEqual({
      name: 'acme-web',
      description: 'the site',
      repo: null,
      icon: null,
      annotations: { team: 'web', 'meshagent.service.id': 'acme-web', [OURS]: 'meshagent-ship' },
    });
    expect(spec.container).toMatchObject({
      image: REF,
      command: 'node server.js',
      working_dir: '/srv',
      writable_root_fs: true,
      template: 'agent',
      run_as: { email: 'sa@acme.test', scopes: ['secrets:proxy'] },
    });
    expect(spec.container?.environment).toEqual(old.container?.environment);
    expect(spec.container?.storage).toEqual(old.container?.storage);
  });

  it('cannot replace an external service (CLI text)', () => {
    const external = existing({ external: { url: 'https://elsewhere.test' } });
    expect(error(() => build({}, external)).message).toBe('existing service acme-web is external and cannot be replaced with a container deployment');
  });

  it('replaces the env wholesale when any env input is given, never merging', () => {
    expect(build({ env: [{ name: 'NEW', value: '2' }] }, old).spec.container?.environment).toEqual([{ name: 'NEW', value: '2' }]);
    // An empty list is no list (`environment or None`, cli image.py:1870-1873): the old env stays.
    expect(build({ env: [] }, old).spec.container?.environment).toEqual(old.container?.environment);
  });

  it('identity alone leaves the kept env as it is (the CLI rewrites only the list it builds)', () => {
    // cli image.py:1821-1873 starts from the runtime default env, never the service's; 4925-4937.
    expect(build({ identity: 'bot' }, old).spec.container?.environment).toEqual(old.container?.environment);
    const env = build({ identity: ' bot ', meshagentToken: { preset: 'agentDefault' } }, old).spec.container?.environment ?? [];
    expect(env.map((e) => [e.name, e.token?.identity])).toEqual(TOKEN_ENV_NAMES.map((n) => [n, 'bot']));
  });

  it('replaces each mount kind only when its input is given; files always stay', () => {
    const storage = build({ emptyDirMounts: [{ path: '/cache', readOnly: false }] }, old).spec.container?.storage;
    expect(storage).toEqual({
      room: [{ path: '/data', subpath: null, read_only: false }],
      files: [{ path: '/etc/app.conf', text: 'x', read_only: true }],
      empty_dirs: [{ path: '/cache', read_only: false }],
    });
    // An empty list is not given (the CLI replaces only when the flag lists mounts).
    expect(build({ roomMounts: [] }, old).spec.container?.storage).toEqual(old.container?.storage);
  });

  it('drops volumes and configs when any mount input is given, keeps them otherwise (cli image.py:2083-2133)', () => {
    const withVolumes = existing({
      container: { image: 'o', storage: { volumes: [{ name: 'v', path: '/v' }], configs: [{}], room: [{ path: '/data' }] } },
    });
    expect(build({}, withVolumes).spec.container?.storage).toEqual(withVolumes.container?.storage);
    expect(build({ emptyDirMounts: [{ path: '/tmp', readOnly: false }] }, withVolumes).spec.container?.storage).toEqual({
      room: [{ path: '/data', subpath: null, read_only: false }],
      empty_dirs: [{ path: '/tmp', read_only: false }],
    });
  });

  it('replaces run_as when run-as is given', () => {
    expect(build({ runAs: 'Other@Acme.Test ' }, old).spec.container?.run_as).toEqual({ email: 'other@acme.test', scopes: ['secrets:proxy'] });
  });
});

describe('env', () => {
  it('builds env, then env-secrets, then the five token vars; a later entry of the same name wins in place', () => {
    const env = build({
      env: [
        { name: 'A', value: '1' },
        { name: 'OPENAI_API_KEY', value: 'plain' },
        { name: 'S', value: 'x' },
      ],
      envSecrets: [{ name: 'S', secretId: 'sec-1' }],
      runAs: 'sa@acme.test',
      meshagentToken: { preset: 'agentDefault' },
    }).spec.container?.environment;
    expect(env?.map((e) => e.name)).toEqual(['A', 'OPENAI_API_KEY', 'S', 'MESHAGENT_TOKEN', 'ANTHROPIC_API_KEY', 'GROK_API_KEY', 'XAI_API_KEY']);
    expect(env?.[1]).toMatchObject({ name: 'OPENAI_API_KEY', token: { identity: 'acme-web', role: 'agent' } });
    expect(env?.[2]).toEqual({ name: 'S', secret: { id: 'sec-1' } });
  });

  it('meshagent-token fills five vars with identity (default the service name), scope and role agent', () => {
    const env = build({ meshagentToken: { scope: { storage: {} } }, identity: 'worker' }).spec.container?.environment ?? [];
    expect(env.map((e) => e.name)).toEqual([...TOKEN_ENV_NAMES]);
    for (const entry of env) expect(entry.token).toEqual({ identity: 'worker', api: tokenScope({ scope: { storage: {} } }), role: 'agent' });
    expect(build({ meshagentToken: { preset: 'full' } }).spec.container?.environment?.[0]?.token?.identity).toBe('acme-web');
  });

  // ApiScope.agent_default(), user_default() and full() as pydantic dumps them (meshagent-api participant_token.py:733-809).
  const G = {
    livekit: { breakout_rooms: null },
    queues: { send: null, receive: null, list: true },
    messaging: { broadcast: true, list: true, send: true },
    dataset: { tables: null, list_tables: true },
    sqlite: { databases: null, create_database: true, list_databases: true },
    memory: { list: true, memories: null },
    sync: { paths: null },
    storage: { paths: null },
    containers: { logs: true, pull: null, run: null, registry: null, use_containers: true },
    developer: { logs: true },
    agents: {
      register_agent: true,
      register_public_toolkit: true,
      register_private_toolkit: true,
      call: true,
      use_agents: true,
      use_tools: true,
      allowed_toolkits: null,
    },
  };
  const none = { llm: null, admin: null, secrets: null, tunnels: null };

  it('sends each preset exactly as the API dumps ApiScope.agent_default(), user_default() and full()', () => {
    expect(tokenScope({ preset: 'agentDefault' })).toEqual({ ...G, ...none, llm: { models: null }, services: { list: true } });
    // user_default has no llm grant; no preset grants secrets.
    expect(tokenScope({ preset: 'userDefault' })).toEqual({ ...G, ...none, services: { list: true } });
    expect(tokenScope({ preset: 'full' })).toEqual({
      ...G,
      ...none,
      llm: { models: null },
      admin: { config: true },
      tunnels: { ports: null },
      services: { list: true },
    });
    // Field order is ApiScope's, so the JSON matches byte for byte.
    expect(Object.keys(tokenScope({ preset: 'full' }))).toEqual([...Object.keys(G), 'llm', 'admin', 'secrets', 'tunnels', 'services']);
  });

  it('reads a JSON ApiScope as the CLI does: defaults filled, database read as dataset, unknown fields dropped', () => {
    const scope = tokenScope({ scope: { database: {}, storage: { paths: [{ path: '/a' }] }, memory: { memories: [{ name: 'm' }] }, bogus: 1 } });
    expect(scope).toMatchObject({
      dataset: { tables: null, list_tables: true },
      storage: { paths: [{ path: '/a', read_only: false }] },
      memory: {
        list: true,
        memories: [
          {
            name: 'm',
            namespace: null,
            permissions: { create: true, drop: true, inspect: true, query: true, upsert: true, ingest: true, recall: true, optimize: true },
          },
        ],
      },
      livekit: null,
      secrets: null,
    });
    expect(scope).not.toHaveProperty('database');
    expect(scope).not.toHaveProperty('bogus');
  });

  it('refuses a JSON ApiScope the CLI would refuse (CLI text)', () => {
    const message = 'meshagent-token must be one of userDefault, agentDefault, full, or a JSON ApiScope object';
    expect(error(() => tokenScope({ scope: { secrets: { extra: true } } })).message).toBe(message);
    expect(error(() => tokenScope({ scope: { storage: { paths: [{ read_only: true }] } } })).message).toBe(message);
    expect(error(() => tokenScope({ scope: { queues: 'all' } })).message).toBe(message);
  });

  it('the create body drops the nulls of a preset, as exclude_none does', () => {
    const body = withoutNulls(tokenScope({ preset: 'agentDefault' }));
    expect(body).toMatchObject({ livekit: {}, queues: { list: true }, llm: {}, services: { list: true } });
    expect(body).not.toHaveProperty('admin');
  });

  it('refuses a token identity with @ (CLI text), also on a kept entry', () => {
    expect(error(() => build({ meshagentToken: { preset: 'agentDefault' }, identity: 'me@acme.test' })).message).toBe(
      "environment variable 'MESHAGENT_TOKEN' uses token identity 'me@acme.test', but service environment tokens must use an agent identity",
    );
    const old = existing({ container: { image: 'o', environment: [{ name: 'T', token: { identity: 'x@y' } }] } });
    expect(error(() => build({}, old)).message).toContain("environment variable 'T' uses token identity 'x@y'");
  });

  it('refuses an empty identity', () => {
    expect(error(() => build({ identity: ' ' })).message).toBe('identity cannot be empty');
  });

  it('needs run-as for secret env (CLI text), and adds secrets:proxy + secrets:read to its scopes', () => {
    expect(error(() => build({ envSecrets: [{ name: 'K', secretId: 's' }] })).message).toBe('run-as is required when using SecretValue environment variables');
    const runAs = build({ envSecrets: [{ name: 'K', secretId: 's' }], runAs: 'sa@acme.test' }).spec.container?.run_as;
    expect(runAs).toEqual({ email: 'sa@acme.test', scopes: ['secrets:proxy', 'secrets:read'] });
  });

  it('refuses a run-as that is not an email', () => {
    expect(error(() => build({ runAs: 'deployer' })).message).toBe('run-as must be a service account email');
  });

  it('keeps the existing env and adds the secret scopes to the kept run_as when the kept env uses secrets', () => {
    const old = existing({ container: { image: 'o', run_as: { email: 'sa@a.test', scopes: ['custom'] }, environment: [{ name: 'K', secret: { id: 's' } }] } });
    expect(build({}, old).spec.container?.run_as).toEqual({ email: 'sa@a.test', scopes: ['custom', 'secrets:proxy', 'secrets:read'] });
  });
});

describe('mounts', () => {
  it('writes room (subpath only when given), image (read-only default) and empty-dir mounts', () => {
    const storage = build({
      roomMounts: [
        { path: '/data', subpath: 'data', readOnly: false },
        { path: '/all', subpath: undefined, readOnly: true },
      ],
      imageMounts: [{ image: 'models:1', path: '/models', readOnly: true }],
      emptyDirMounts: [{ path: '/tmp', readOnly: false }],
    }).spec.container?.storage;
    expect(storage).toEqual({
      room: [
        { path: '/data', subpath: 'data', read_only: false },
        { path: '/all', read_only: true },
      ],
      images: [{ image: 'models:1', path: '/models', read_only: true }],
      empty_dirs: [{ path: '/tmp', read_only: false }],
    });
  });

  it('pins an image mount of the deployed tag to the digest', () => {
    const storage = build({ imageMounts: [{ image: TAG, path: '/app', readOnly: true }] }).spec.container?.storage;
    expect(storage?.images).toEqual([{ image: REF, path: '/app', read_only: true }]);
  });

  it('pins an image mount without the tag when the pinned reference carries one, as the CLI does', () => {
    const tagged = `reg.test:5000/acme/web:1@sha256:${'b'.repeat(64)}`;
    const storage = build({ imageMounts: [{ image: TAG, path: '/app', readOnly: true }] }, undefined, { ref: tagged }).spec.container;
    expect(storage?.image).toBe(tagged);
    expect(storage?.storage?.images?.[0]?.image).toBe(`reg.test:5000/acme/web@sha256:${'b'.repeat(64)}`);
    expect(imageMountRef('reg.test:5000/web')).toBe('reg.test:5000/web');
  });

  it('refuses an unmounted Dockerfile VOLUME, suggesting the three mount inputs', () => {
    const e = error(() => build({}, undefined, { volumes: ['/var/lib/app'] }));
    expect(e.message).toBe('packed Dockerfile final stage declares VOLUME path /var/lib/app, but the deployed service does not mount it.');
    expect(error(() => build({}, undefined, { volumes: ['/a', '/b'], built: false })).message).toBe(
      `image ${REF} declares VOLUME paths /a, /b, but the deployed service does not mount them.`,
    );
    expect(e.hint).toContain('empty-dir-mounts: /var/lib/app');
    expect(e.hint).toContain('room-mounts: .:/var/lib/app');
    expect(e.hint).toContain('image-mounts: some/image:tag=/var/lib/app:rw');
  });

  it('accepts a VOLUME mounted by a room, image, empty-dir or config mount, paths normalized, including kept mounts', () => {
    expect(() => build({ emptyDirMounts: [{ path: '/v/', readOnly: false }] }, undefined, { volumes: ['/v'] })).not.toThrow();
    expect(() => build({ roomMounts: [{ path: '/v', subpath: undefined, readOnly: false }] }, undefined, { volumes: ['/x/../v/'] })).not.toThrow();
    expect(() => build({ imageMounts: [{ image: 'i:1', path: '//v', readOnly: true }] }, undefined, { volumes: ['//v/.'] })).not.toThrow();
    const config = existing({ container: { image: 'o', storage: { configs: [{}] } } });
    expect(() => build({}, config, { volumes: ['/var/run/meshagent'] })).not.toThrow();
  });

  it('does not count file or named-volume mounts for a VOLUME, as the CLI does not (cli image.py:1972-1996)', () => {
    const old = existing({ container: { image: 'o', storage: { files: [{ path: '/v', text: '' }], volumes: [{ name: 'n', path: '/w' }] } } });
    expect(error(() => build({}, old, { volumes: ['/v', '/w'] })).message).toContain('VOLUME paths /v, /w');
  });

  it('normalizes paths as posixpath.normpath', () => {
    expect(['/a/b/', '/a/./b', '/a/x/../b', '//a', '///a', '/..', 'a/../..', '', '/'].map(normalizeMountPath)).toEqual([
      '/a/b',
      '/a/b',
      '/a/b',
      '//a',
      '/a',
      '/',
      '..',
      '',
      '/',
    ]);
  });
});

describe('domain', () => {
  it('routes to the one published port', () => {
    expect(build({ domain: 'web.acme.test' }).routePort).toBe(8080);
  });

  it('needs exactly one published port (CLI texts)', () => {
    expect(error(() => build({ domain: 'web.acme.test' }, undefined, { exposedPorts: [] })).message).toBe(
      'domain requires exactly one published service port; the service has none',
    );
    expect(error(() => build({ domain: 'web.acme.test' }, undefined, { exposedPorts: ['80/tcp', '81/tcp'] })).message).toBe(
      'domain requires exactly one published service port; the service has multiple published ports',
    );
  });

  it('does not count a port an extra path routes to by number, as the CLI does not (a service target does not count)', () => {
    const two = { exposedPorts: ['80/tcp', '3001/tcp'] };
    expect(build({ domain: 'web.acme.test', extraPorts: [{ target: 3001, path: '/messages' }] }, undefined, two).routePort).toBe(80);
    expect(error(() => build({ domain: 'web.acme.test', extraPorts: [{ target: 'acme-web:3001', path: '/m' }] }, undefined, two)).message).toContain(
      'multiple published ports',
    );
    expect(
      error(() =>
        build(
          {
            domain: 'web.acme.test',
            extraPorts: [
              { target: 80, path: '/a' },
              { target: 3001, path: '/b' },
            ],
          },
          undefined,
          two,
        ),
      ).message,
    ).toContain('the service has none');
  });

  it('ignores unpublished and wildcard ports', () => {
    expect(
      routeTargetPort([
        { num: '*', published: true, endpoints: [] },
        { num: 9, published: false, endpoints: [] },
        { num: 10, published: true, endpoints: [] },
      ]),
    ).toBe(10);
  });
});
