import { describe, expect, it } from 'vitest';
import { InputErrors } from '../../src/errors.js';
import { INPUTS } from '../../src/inputs/spec.js';
import { listLines } from '../../src/inputs/list-parsers.js';
import { readConfig } from '../../src/inputs/parse-config.js';
import type { ShipConfig } from '../../src/inputs/ship-config.js';
import { DEFAULT_API_URL, projectIdFromApiKey } from '../../src/inputs/value-parsers.js';
import { ConsoleRunner } from '../../src/runner.js';
import { teardownFlag, teardownRequested } from '../../src/commands/teardown-action.js';
import { API_KEY, KEY_ID, PROJECT_ID } from '../fixtures.js';

const BASE = { 'api-key': API_KEY, tag: 'app:1', room: 'dev' };

function runnerFor(inputs: Record<string, string>, env: Record<string, string> = {}): ConsoleRunner {
  return new ConsoleRunner({ inputs: { ...BASE, ...inputs }, env, stdout: () => {}, stderr: () => {} });
}

function config(inputs: Record<string, string> = {}, env: Record<string, string> = {}): ShipConfig {
  return readConfig(runnerFor(inputs, env));
}

/** The error messages, in the order reported. */
function errors(inputs: Record<string, string>, env: Record<string, string> = {}): string[] {
  try {
    config(inputs, env);
  } catch (error) {
    expect(error).toBeInstanceOf(InputErrors);
    return (error as InputErrors).errors.map((e) => e.message);
  }
  throw new Error('expected the inputs to be rejected');
}

function errorFor(input: string, inputs: Record<string, string>): { message: string; hint: string | undefined } {
  try {
    config(inputs);
  } catch (error) {
    const found = (error as InputErrors).errors.find((e) => e.input === input);
    if (found) return { message: found.message, hint: found.hint };
  }
  throw new Error(`expected an error for ${input}`);
}

describe('defaults', () => {
  it('fills every default and leaves replace-only lists unset', () => {
    const c = config();
    expect(c.meshagent).toEqual({ apiKey: API_KEY, apiUrl: DEFAULT_API_URL, projectId: PROJECT_ID, projectIdSource: 'api-key', room: 'dev', rooms: ['dev'] });
    expect(c.image).toMatchObject({
      context: '.',
      builder: 'auto',
      estargz: true,
      compressionLevel: 6,
      push: true,
      platforms: [],
      prefetch: [],
      buildArgs: [],
    });
    expect(c.service).toMatchObject({
      deploy: true,
      createRoom: false,
      public: false,
      validationMode: 'default',
      template: 'agent',
      waitSeconds: 300,
      rollback: true,
      rollbackNewService: 'stop',
    });
    for (const kept of ['env', 'envSecrets', 'roomMounts', 'imageMounts', 'emptyDirMounts', 'ports'] as const) {
      expect(c.service[kept]).toBeUndefined();
    }
    expect(c.dryRun).toBe(false);
  });
});

describe('MeshAgent inputs', () => {
  it('refuses an api-key with a line break, a space or a character outside printable ASCII, without printing it', () => {
    // Such a key cannot go into the Authorization header: the request failed with "Invalid character in header content".
    for (const key of [`${API_KEY}\nsecond-line`, `${API_KEY.slice(0, 20)} ${API_KEY.slice(20)}`, `${API_KEY}\u00e9`, `${API_KEY}\u0007`]) {
      const found = errors({ 'api-key': key });
      expect(found).toEqual(['api-key holds a line break, a space or a character that is not printable ASCII, which no API key has']);
      expect(found.join('\n')).not.toContain(API_KEY.slice(10, 30));
    }
  });

  it('reports an image given with credentials once, as such, not also as missing', () => {
    const found = errors({ builder: 'none', image: 'docker://ci:s3cret-pw@reg.io/key/app:1' });
    expect(found).toEqual(['image: a registry reference holds no user name or password (user@ before the host)']);
  });

  it('requires api-key, from the input or MESHAGENT_API_KEY', () => {
    expect(errors({ 'api-key': '' })).toEqual(['api-key is required']);
    expect(config({ 'api-key': '' }, { MESHAGENT_API_KEY: API_KEY }).meshagent.apiKey).toBe(API_KEY);
  });

  it('masks the api key as soon as it is read', () => {
    const runner = runnerFor({});
    readConfig(runner);
    expect(runner.mask(`key=${API_KEY}`)).toBe('key=***');
  });

  it('decodes the project id from the key, or takes it from the input or MESHAGENT_PROJECT_ID', () => {
    expect(projectIdFromApiKey(API_KEY)).toBe(PROJECT_ID);
    expect(projectIdFromApiKey('not-a-key')).toBeUndefined();
    expect(projectIdFromApiKey('ma-abc-def-secret')).toBeUndefined();
    expect(config({ 'project-id': PROJECT_ID }).meshagent.projectIdSource).toBe('input');
    expect(config({ 'api-key': 'oauth-token' }, { MESHAGENT_PROJECT_ID: 'p-1' }).meshagent.projectId).toBe('p-1');
  });

  it('rejects a project id the key does not belong to, or none at all', () => {
    expect(errors({ 'project-id': KEY_ID })).toEqual([`project-id ${KEY_ID} does not match the project of the api-key (${PROJECT_ID})`]);
    expect(errors({ 'api-key': 'oauth-token' })).toEqual(['Project ID not specified, and the api-key does not carry one']);
    expect(errors({ 'project-id': 'a/b' })).toEqual(['project-id: "a/b" is not a project id']);
  });

  it('takes api-url from the input or MESHAGENT_API_URL and checks it', () => {
    expect(config({ 'api-url': 'http://127.0.0.1:9/' }).meshagent.apiUrl).toBe('http://127.0.0.1:9');
    expect(config({}, { MESHAGENT_API_URL: 'https://api.example.dev' }).meshagent.apiUrl).toBe('https://api.example.dev');
    expect(errors({ 'api-url': 'ftp://x' })).toEqual(['api-url: "ftp://x" is not an http(s) URL']);
    expect(errors({ 'api-url': 'not a url' })).toEqual(['api-url: "not a url" is not an http(s) URL']);
    // A password in the URL is named as the problem and never shown; a query would be cut off every API path.
    expect(errors({ 'api-url': 'https://ci:hunter2-pass@api.example.com' })).toEqual([
      'api-url: "https://***@api.example.com" holds a user name or password: the API takes the api-key only',
    ]);
    expect(errors({ 'api-url': 'http://ci:hunter2-pass@api.example.com' }).join('\n')).not.toContain('hunter2');
    expect(errors({ 'api-url': 'https://api.example.com/?key=abc' })).toEqual([
      'api-url: "https://api.example.com/?key=abc" has a query or fragment: it must be the base URL the API paths are added to',
    ]);
  });

  it('requires a valid room to deploy, from the input or MESHAGENT_ROOM', () => {
    expect(errors({ room: '' })).toEqual(['room is required unless MESHAGENT_ROOM is set']);
    expect(config({ room: '' }, { MESHAGENT_ROOM: 'prod' }).meshagent.room).toBe('prod');
    expect(config({ room: '', deploy: 'false' }).meshagent.room).toBeUndefined();
    expect(errors({ room: 'Dev_Room' })).toEqual(['room: "Dev_Room" is not a valid room name']);
    // A lookalike letter (Cyrillic а, U+0430) reads as the ASCII one in the quote: the note names it.
    expect(errors({ room: '\u0430pp' })).toEqual(['room: "\u0430pp" is not a valid room name (it holds U+0430, not ASCII)']);
    expect(errors({ 'service-name': 'w\u0435b-\u0430pp' })).toEqual([
      'service-name: "w\u0435b-\u0430pp" is not a valid service name (it holds U+0435, U+0430, not ASCII)',
    ]);
    expect(errors({ domain: 'p\u0430y.example.com' })).toEqual(['domain: "p\u0430y.example.com" is not a valid domain name (it holds U+0430, not ASCII)']);
    expect(errors({ room: 'a'.repeat(64) })[0]).toMatch(/is not a valid room name/);
  });

  it('reads several rooms on lines or separated by commas, each checked, and refuses a domain for them', () => {
    expect(config({ room: 'north, south\n\neast,' }).meshagent).toMatchObject({ room: 'north', rooms: ['north', 'south', 'east'] });
    expect(config({ room: '' }, { MESHAGENT_ROOM: 'a,b' }).meshagent.rooms).toEqual(['a', 'b']);
    expect(config({ room: '', deploy: 'false' }).meshagent.rooms).toEqual([]);
    expect(errors({ room: 'north,South_1\nnorth' })).toEqual(['room: "South_1" (room 2 of 3) is not a valid room name', 'room: "north" is listed twice']);
    expect(errors({ room: 'north,south', domain: 'web.example.com' })).toEqual([
      'domain: one route cannot point at several rooms, and room lists 2 (north, south)',
    ]);
    expect(config({ room: 'north', domain: 'web.example.com' }).service.domain).toBe('web.example.com');
    expect(errors({ room: 'north,south', scope: 'project' })).toEqual(['Pass either --room or --global, not both.']);
  });
});

describe('image inputs', () => {
  it('reports the tag rules in the CLI wording, before any network call', () => {
    expect(errors({ tag: '' })).toEqual(['tag cannot be empty']);
    expect(errors({ tag: 'registry.meshagent.com/Bad/Name:1' })).toEqual(['tag: invalid OCI image repository: registry.meshagent.com/Bad/Name:1']);
    expect(errors({ tag: 'app@sha256:1' })).toEqual(['tag must be an OCI image reference without a digest']);
    expect(errors({ tag: 'reg.io:x/k/app:1' })).toEqual(['tag: invalid OCI image registry port: reg.io:x/k/app:1']);
    expect(errorFor('tag', { tag: 'app:' }).hint).toMatch(/<registry>\/<project-key>/);
  });

  it('keeps file inside the context', () => {
    expect(config({ file: 'docker/./Dockerfile' }).image.file).toBe('docker/Dockerfile');
    expect(errors({ file: '/abs/Dockerfile' })).toEqual(['file must be relative to the context']);
    expect(errors({ file: '../Dockerfile' })).toEqual(['file must stay inside the context']);
    expect(errors({ file: './.' })).toEqual(['file cannot be empty']);
  });

  it('parses build-args with line numbers', () => {
    expect(config({ 'build-args': 'A=1\n# comment\n\nB=x=y' }).image.buildArgs).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'x=y' },
    ]);
    expect(errors({ 'build-args': 'A=1\n\nNOVALUE' })).toEqual([`build-args: line 3 "NOVALUE" must be in the form 'KEY=VALUE'`]);
    expect(errors({ 'build-args': '=1' })).toEqual(['build-args: line 1 must include a non-empty variable name']);
  });

  it('parses platforms, newline- or comma-separated', () => {
    expect(config({ platforms: 'linux/amd64,linux/arm64/v8\nlinux/amd64' }).image.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(errors({ platforms: 'linux' })).toEqual(['platforms: line 1 "linux" is not a platform']);
  });

  it('pairs builder and image', () => {
    expect(errors({ builder: 'kaniko' })).toEqual(['builder must be one of: auto, docker, buildah, none']);
    expect(errors({ builder: 'none' })).toEqual(['image is required with builder: none']);
    expect(errors({ builder: 'buildah', image: 'oci:out' })).toEqual(['builder: buildah builds an image, but the image input names one to ship']);
    expect(config({ image: 'oci:out' }).image.builder).toBe('none');
  });

  it('reads every image source form', () => {
    expect(config({ image: 'oci:/tmp/layout:v1' }).image.source).toEqual({ kind: 'oci', path: '/tmp/layout', ref: 'v1' });
    expect(config({ image: 'oci:/tmp/layout' }).image.source).toEqual({ kind: 'oci', path: '/tmp/layout', ref: undefined });
    expect(config({ image: 'oci-archive:app.tar:latest' }).image.source).toEqual({ kind: 'oci-archive', path: 'app.tar', ref: 'latest' });
    expect(config({ image: 'docker-archive:saved.tar' }).image.source).toEqual({ kind: 'docker-archive', path: 'saved.tar' });
    // As the convert, push and pull commands read it: a reference has no slash, so the colon belongs to the path.
    expect(config({ image: 'oci:/tmp/a:b/layout' }).image.source).toEqual({ kind: 'oci', path: '/tmp/a:b/layout', ref: undefined });
    expect(config({ image: 'docker-archive:/tmp/a:b.tar' }).image.source).toEqual({ kind: 'docker-archive', path: '/tmp/a:b.tar' });
    expect(config({ image: 'docker://reg.io/k/app:1' }).image.source).toMatchObject({
      kind: 'registry',
      reference: { registry: 'reg.io', repository: 'k/app', tag: '1' },
    });
    expect(errors({ image: 'oci:' })).toEqual(['image: "oci:" names no path']);
    expect(errors({ image: 'reg.io/Bad:1' })).toEqual(['image: invalid OCI image repository: reg.io/Bad:1']);
  });

  it('checks booleans and the compression level', () => {
    for (const name of ['estargz', 'push', 'deploy', 'create-room', 'public', 'dry-run']) {
      expect(errors({ [name]: 'yes' })).toEqual([`${name}: "yes" is not a boolean`]);
    }
    expect(config({ estargz: 'FALSE', 'dry-run': 'True' })).toMatchObject({ image: { estargz: false }, dryRun: true });
    expect(config({ 'create-room': 'Ephemeral' }).service.createRoom).toBe('ephemeral');
    expect(config({ 'create-room': 'true' }).service.createRoom).toBe(true);
    for (const raw of ['true', 'TRUE', ' false ', '']) expect(teardownRequested(raw)).toBe(raw.trim().toLowerCase() === 'true');
    expect(() => teardownRequested('yes')).toThrow('teardown: "yes" is not a boolean');
    expect(() => teardownFlag('teardown-tags', 'on')).toThrow('teardown-tags: "on" is not a boolean');
    expect(config({ 'compression-level': '9' }).image.compressionLevel).toBe(9);
    expect(errors({ 'compression-level': '10' })).toEqual(['compression-level: "10" must be a whole number from 0 to 9']);
    expect(errors({ 'compression-level': 'max' })).toEqual(['compression-level: "max" must be a whole number from 0 to 9']);
  });

  it('takes auto among the prefetch lines, and checks its time bound', () => {
    expect(config({ prefetch: '/app/server\nauto\n/usr/lib/*.so' }).image).toMatchObject({
      prefetch: ['/app/server', '/usr/lib/*.so'],
      prefetchAuto: { timeoutSeconds: 10 },
    });
    expect(config({ prefetch: '/app/server' }).image.prefetchAuto).toBeUndefined();
    expect(config({ prefetch: 'auto', 'prefetch-auto-timeout': '30s' }).image.prefetchAuto).toEqual({ timeoutSeconds: 30 });
    for (const bad of ['0', '301', 'soon'])
      expect(errors({ prefetch: 'auto', 'prefetch-auto-timeout': bad })).toEqual([`prefetch-auto-timeout: "${bad}" must be whole seconds from 1 to 300`]);
  });

  it('keeps prefetch order and skips comments', () => {
    expect(config({ prefetch: '/app/server\n# x\n/usr/lib/**/*.so' }).image.prefetch).toEqual(['/app/server', '/usr/lib/**/*.so']);
  });

  it('cannot deploy what it does not push', () => {
    expect(errors({ push: 'false' })).toEqual(['push: false cannot deploy: a service runs only an image its registry has']);
    expect(config({ push: 'false', deploy: 'false' }).image.push).toBe(false);
  });
});

describe('service inputs', () => {
  it('parses env with the CLI rules, naming the line', () => {
    expect(config({ env: 'A=1\nB==2\nC=' }).service.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '=2' },
      { name: 'C', value: '' },
    ]);
    expect(errors({ env: 'A=1\nB=2\nFOO' })).toEqual([`env: line 3 "FOO" must be in the form 'KEY=VALUE'`]);
    expect(errors({ env: ' =x' })).toEqual(['env: line 1 must include a non-empty variable name']);
  });

  it('parses env-secrets, which need run-as', () => {
    expect(config({ 'env-secrets': 'DB=sec-1', 'run-as': ' Bot@Example.COM ' }).service).toMatchObject({
      envSecrets: [{ name: 'DB', secretId: 'sec-1' }],
      runAs: 'bot@example.com',
    });
    expect(errors({ 'env-secrets': 'DB=sec-1' })).toEqual(['run-as is required when using SecretValue environment variables (env-secrets)']);
    expect(errors({ 'env-secrets': 'DB', 'run-as': 'a@b' })).toEqual([`env-secrets: line 1 "DB" must be in the form 'NAME=SECRET_ID'`]);
    expect(errors({ 'env-secrets': '=x', 'run-as': 'a@b' })).toEqual(['env-secrets: line 1 must include a non-empty variable name']);
    expect(errors({ 'env-secrets': 'DB= ', 'run-as': 'a@b' })).toEqual(['env-secrets: line 1 must include a non-empty secret source']);
    expect(errors({ 'run-as': 'robot' })).toEqual(['run-as must be a service account email']);
  });

  it('parses meshagent-token and identity', () => {
    expect(config({ 'meshagent-token': 'agentDefault' }).service.meshagentToken).toEqual({ preset: 'agentDefault' });
    expect(config({ 'meshagent-token': '{"storage":{}}' }).service.meshagentToken).toEqual({ scope: { storage: {} } });
    const bad = 'meshagent-token must be one of userDefault, agentDefault, full, or a JSON ApiScope object';
    expect(errors({ 'meshagent-token': 'admin' })).toEqual([bad]);
    expect(errors({ 'meshagent-token': '[1]' })).toEqual([bad]);
    expect(errors({ 'meshagent-token': 'full', identity: 'me@x.io' })).toEqual([
      "environment variable 'MESHAGENT_TOKEN' uses token identity 'me@x.io', but service environment tokens must use an agent identity",
    ]);
    expect(config({ identity: ' bot ' }).service.identity).toBe('bot');
  });

  it('parses room mounts like the CLI', () => {
    expect(config({ 'room-mounts': 'data:/data\n.:/all:RO\n/:/root:rw\na:b:c:/x' }).service.roomMounts).toEqual([
      { path: '/data', subpath: 'data', readOnly: false },
      { path: '/all', subpath: undefined, readOnly: true },
      { path: '/root', subpath: undefined, readOnly: false },
      { path: '/x', subpath: 'a:b:c', readOnly: false },
    ]);
    expect(errors({ 'room-mounts': 'data' })).toEqual([`room-mounts: line 1 "data" must be in the form '<source>:<mount>[:ro|rw]'`]);
    expect(errors({ 'room-mounts': ':/x' })).toEqual(['room-mounts: line 1 ":/x" must include both source and mount paths']);
  });

  it('parses image mounts, read-only by default', () => {
    expect(config({ 'image-mounts': 'models:1=/m\nreg.io/x=/y:rw' }).service.imageMounts).toEqual([
      { image: 'models:1', path: '/m', readOnly: true },
      { image: 'reg.io/x', path: '/y', readOnly: false },
    ]);
    const form = `must be in the form '<image>=<mount>[:ro|rw]'`;
    expect(errors({ 'image-mounts': 'models' })).toEqual([`image-mounts: line 1 "models" ${form}`]);
    expect(errors({ 'image-mounts': 'm=/x:maybe' })).toEqual([`image-mounts: line 1 "m=/x:maybe" ${form}`]);
    expect(errors({ 'image-mounts': 'm=/x:ro:rw' })).toEqual([`image-mounts: line 1 "m=/x:ro:rw" ${form}`]);
    expect(errors({ 'image-mounts': '=/x' })).toEqual(['image-mounts: line 1 "=/x" must include both image and mount paths']);
  });

  it('parses empty-dir mounts, writable by default', () => {
    expect(config({ 'empty-dir-mounts': '/tmp\n/cache:ro' }).service.emptyDirMounts).toEqual([
      { path: '/tmp', readOnly: false },
      { path: '/cache', readOnly: true },
    ]);
    expect(errors({ 'empty-dir-mounts': '/tmp:x' })).toEqual([`empty-dir-mounts: line 1 "/tmp:x" must be in the form '<mount>[:ro|rw]'`]);
    expect(errors({ 'empty-dir-mounts': ':ro' })).toEqual(['empty-dir-mounts: line 1 must include a mount path']);
    expect(errors({ 'empty-dir-mounts': 'a:b:ro' })).toEqual([`empty-dir-mounts: line 1 "a:b:ro" must be in the form '<mount>[:ro|rw]'`]);
  });

  it('checks ports: range, reserved, repeats', () => {
    expect(config({ ports: '8080\n9000/TCP' }).service.ports).toEqual([
      { num: 8080, type: 'http' },
      { num: 9000, type: 'tcp' },
    ]);
    expect(errors({ ports: '0' })).toEqual(['ports: line 1 "0" is not a port']);
    expect(errors({ ports: '65536' })).toEqual(['ports: line 1 "65536" is not a port']);
    expect(errors({ ports: '80/udp' })).toEqual(['ports: line 1 "80/udp" is not a port']);
    expect(errors({ ports: '80\n8078' })).toEqual(['ports: line 2 uses reserved MeshAgent room infrastructure port 8078; reserved ports: 8078']);
    expect(errors({ ports: '80\n80/http' })).toEqual(['ports: line 2 repeats port 80']);
  });

  it("parses extra-ports with the CLI's rules and words: PORT, SERVICE or SERVICE:PORT, then :/path", () => {
    expect(config({ 'extra-ports': '3001:/messages\nassistant:/chat\n assistant:8080:/api/v1 \n# note' }).service.extraPorts).toEqual([
      { target: 3001, path: '/messages' },
      { target: 'assistant', path: '/chat' },
      { target: 'assistant:8080', path: '/api/v1' },
    ]);
    // Python's isdecimal() and int(): the digits of any script.
    expect(config({ 'extra-ports': '\uff13\uff10\uff10\uff11:/x' }).service.extraPorts).toEqual([{ target: 3001, path: '/x' }]);
    expect(config({}).service.extraPorts).toEqual([]);
    expect(
      errors({
        'extra-ports': ['3001', ':/x', 'a/b:/x', '0:/x', 'a:b:c:/x', ':8080:/x', 'svc::/x', 'svc:x1:/x', 'svc:0:/x', '3001:/', '3001://x', '1:/x\n2:/x'].join(
          '\n',
        ),
      }),
    ).toEqual([
      'extra-ports: line 1: extra-ports must use TARGET:/path, for example 3001:/messages or assistant:/messages (got "3001")',
      'extra-ports: line 2: extra-ports target must not be empty',
      'extra-ports: line 3: extra-ports target must not contain /',
      'extra-ports: line 4: extra-ports PORT must be positive',
      'extra-ports: line 5: extra-ports target must be PORT, SERVICE, or SERVICE:PORT',
      'extra-ports: line 6: extra-ports service name must not be empty',
      'extra-ports: line 7: extra-ports service port must not be empty',
      'extra-ports: line 8: extra-ports service port must be an integer',
      'extra-ports: line 9: extra-ports service port must be positive',
      'extra-ports: line 10: extra-ports path must not be /',
      'extra-ports: line 11: extra-ports path must not contain //',
      'extra-ports: line 13: extra-ports path is duplicated: /x',
    ]);
  });

  it('checks liveness, domain, validation mode, template and wait', () => {
    expect(errors({ liveness: 'healthz' })).toEqual(["liveness must start with '/'"]);
    // Kept as given once stripped, as the CLI keeps it: case and a trailing dot included.
    expect(config({ domain: ' App.Example.com. ' }).service.domain).toBe('App.Example.com.');
    expect(config({ domain: '\u0085app.example.com\u2003' }).service.domain).toBe('app.example.com');
    expect(errors({ domain: 'app..example.com' })).toEqual(['domain: "app..example.com" is not a valid domain name']);
    expect(errors({ domain: 'https://app.example.com' })).toEqual(['domain: "https://app.example.com" must be a host name']);
    expect(errors({ domain: 'localhost' })).toEqual(['domain: "localhost" is not a valid domain name']);
    expect(errors({ domain: 'a_b.example.com' })).toEqual(['domain: "a_b.example.com" is not a valid domain name']);
    expect(config({ 'validation-mode': ' COOKIE ' }).service.validationMode).toBe('cookie');
    expect(errors({ 'validation-mode': 'strict' })).toEqual(['validation-mode must be one of: default, cookie, none']);
    expect(config({ template: 'none' }).service.template).toBe('none');
    expect(errors({ template: 'Agent' })).toEqual(['template must be agent or none']);
    expect(config({ wait: 'true' }).service.waitSeconds).toBe(300);
    expect(config({ wait: 'false' }).service.waitSeconds).toBe(0);
    expect(config({ wait: '90s' }).service.waitSeconds).toBe(90);
    expect(config({ wait: '5m' }).service.waitSeconds).toBe(300);
    expect(errors({ wait: 'forever' })).toEqual(['wait: "forever" must be true, false, or a timeout up to 60m']);
    expect(errors({ wait: '2h' })).toEqual(['wait: "2h" must be true, false, or a timeout up to 60m']);
    expect(errors({ 'service-name': 'my service' })).toEqual(['service-name: "my service" is not a valid service name']);
  });

  it('checks rollback and what it does with a service the run created', () => {
    expect(config({ rollback: 'false' }).service.rollback).toBe(false);
    expect(errors({ rollback: 'maybe' })).toEqual(['rollback: "maybe" is not a boolean']);
    expect(config({ 'rollback-new-service': 'delete' }).service.rollbackNewService).toBe('delete');
    expect(errors({ 'rollback-new-service': 'keep' })).toEqual(['rollback-new-service must be stop or delete']);
    expect(config({ 'inputs-digest': `sha256:${'a'.repeat(64)}` }).service.inputsDigest).toBe(`sha256:${'a'.repeat(64)}`);
    expect(config().service.inputsDigest).toBeUndefined();
    expect(errors({ 'inputs-digest': 'sha256:abc' })).toEqual(['inputs-digest: "sha256:abc" is not a sha256 digest']);
  });
});

describe('build cache, secrets and labels', () => {
  it('reads the cache settings', () => {
    expect(config({}).image.cache).toEqual({ enabled: true, to: 'auto', dir: undefined });
    expect(config({ cache: 'false', 'cache-to': 'registry', 'cache-dir': ' /var/cache/ship ' }).image.cache).toEqual({
      enabled: false,
      to: 'registry',
      dir: '/var/cache/ship',
    });
    expect(errors({ cache: 'yes' })).toEqual(['cache: "yes" is not a boolean']);
    expect(errors({ 'cache-to': 's3' })).toEqual(['cache-to must be one of: auto, local, gha, registry']);
  });

  it('reads build secrets as sources, never values', () => {
    expect(config({ 'build-secrets': 'npm=env:NPM_TOKEN\n# a comment\npip=file:./secrets/pip.conf' }).image.buildSecrets).toEqual([
      { id: 'npm', from: 'env', name: 'NPM_TOKEN' },
      { id: 'pip', from: 'file', name: './secrets/pip.conf' },
    ]);
    expect(errors({ 'build-secrets': 'NPM_TOKEN' })).toEqual([`build-secrets: line 1 "NPM_TOKEN" must be in the form 'id=env:NAME' or 'id=file:PATH'`]);
    expect(errors({ 'build-secrets': 'npm=s3cr3t' })).toEqual([`build-secrets: line 1 "npm=s3cr3t" must be in the form 'id=env:NAME' or 'id=file:PATH'`]);
    expect(errors({ 'build-secrets': 'a b=env:X' })).toEqual(['build-secrets: line 1: "a b" is not a secret id (letters, digits, ., _ and -)']);
    expect(errors({ 'build-secrets': 'a=env:1X' })).toEqual(['build-secrets: line 1: "1X" is not an environment variable name']);
    expect(errors({ 'build-secrets': 'a=file:' })).toEqual(['build-secrets: line 1: the file path is empty']);
    expect(errors({ 'build-secrets': 'a=env:X\na=env:Y' })).toEqual(['build-secrets: line 2 repeats the id a']);
  });

  it('reads labels and the sbom switch', () => {
    expect(config({ labels: 'org.example.team=payments\nempty=' }).image.labels).toEqual([
      { name: 'org.example.team', value: 'payments' },
      { name: 'empty', value: '' },
    ]);
    expect(errors({ labels: 'no value' })).toEqual([`labels: line 1 "no value" must be in the form 'KEY=VALUE'`]);
    expect(errors({ labels: 'a b=c' })).toEqual(['labels: "a b" is not a label name (no spaces)']);
    expect(config({ sbom: 'true' }).image.sbom).toBe(true);
    expect(errors({ sbom: '1' })).toEqual(['sbom: "1" is not a boolean']);
    expect(errors({ sbom: 'true', estargz: 'false' })).toEqual(['sbom: true lists the files from the eStargz TOCs, and estargz is false']);
  });
});

describe('reporting', () => {
  it('collects every error, in input order, each with a hint', () => {
    try {
      config({ 'api-key': '', tag: 'Bad:1', ports: '8078', env: 'X', room: '' });
      throw new Error('expected errors');
    } catch (error) {
      const all = (error as InputErrors).errors;
      expect(all.map((e) => e.input)).toEqual(['api-key', 'room', 'tag', 'env', 'ports']);
      expect(all.every((e) => typeof e.hint === 'string' && e.hint.length > 0)).toBe(true);
      expect((error as InputErrors).message).toMatch(/^5 inputs are invalid:\n {2}- api-key is required\n/);
    }
  });

  it('cuts long values short in messages', () => {
    const long = `SECRET${'x'.repeat(100)}`;
    const [message] = errors({ env: long });
    expect(message).toContain('...');
    expect(message).not.toContain(long);
  });

  it('reads INPUT_* variables as GitHub sets them, hyphens kept or not', () => {
    const runner = new ConsoleRunner({ env: { 'INPUT_API-KEY': API_KEY, INPUT_TAG: 'app:1', INPUT_DRY_RUN: 'true', INPUT_DEPLOY: 'false' } });
    expect(readConfig(runner)).toMatchObject({ dryRun: true, service: { deploy: false } });
  });

  it('counts list lines as written', () => {
    expect(listLines('\n a \n#b\n\nc')).toEqual([
      { line: 2, text: 'a' },
      { line: 5, text: 'c' },
    ]);
  });

  it("reads scope, with the CLI's words for a room with a project service", () => {
    expect(config().service.scope).toBe('room');
    expect(config({ scope: 'Project', room: '' }).service.scope).toBe('project');
    expect(errors({ scope: 'global' })).toEqual(['scope must be room or project']);
    expect(errors({ scope: 'project', room: 'dev', domain: 'a.example.com', 'create-room': 'true' })).toEqual([
      'Pass either --room or --global, not both.',
      'create-room is for a room service; scope: project deploys a project service',
      'domain is for a room service; scope: project deploys a project service',
    ]);
  });

  it("reads service-template, values and set lines, with the CLI's words for a bad set line", () => {
    expect(
      config({ 'service-template': ' deploy/web.yaml ', values: 'prod.yaml', set: 'greeting=hi=there\n # note\n domain = a.example.com' }).service
        .serviceTemplate,
    ).toEqual({
      path: 'deploy/web.yaml',
      valuesFile: 'prod.yaml',
      set: { greeting: 'hi=there', domain: ' a.example.com' },
    });
    expect(config().service.serviceTemplate).toEqual({ path: undefined, valuesFile: undefined, set: {} });
    expect(errors({ set: 'greeting\n=x' })).toEqual(['set: line 1: --set must be in the form KEY=VALUE', 'set: line 2: --set must include a non-empty key']);
  });

  it('has a test above for every input', () => {
    // A new input must come with tests of its bad forms; this list is the reminder.
    expect(INPUTS.map((i) => i.name)).toEqual([
      'api-key',
      'api-url',
      'project-id',
      'room',
      'tag',
      'context',
      'file',
      'build-args',
      'target',
      'platforms',
      'builder',
      'image',
      'estargz',
      'prefetch',
      'prefetch-auto-timeout',
      'compression-level',
      'push',
      'cache',
      'cache-to',
      'cache-dir',
      'build-secrets',
      'labels',
      'sbom',
      'deploy',
      'service-name',
      'scope',
      'create-room',
      'env',
      'env-secrets',
      'run-as',
      'meshagent-token',
      'identity',
      'room-mounts',
      'image-mounts',
      'empty-dir-mounts',
      'ports',
      'liveness',
      'public',
      'domain',
      'extra-ports',
      'service-template',
      'values',
      'set',
      'validation-mode',
      'template',
      'wait',
      'rollback',
      'rollback-new-service',
      'inputs-digest',
      'dry-run',
      'teardown',
      'teardown-tags',
    ]);
  });
});
