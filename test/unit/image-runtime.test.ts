// Runtime-label images as the MeshAgent CLI deploys them (cli image.py:1398-1474, 1929-1970): the label read from
// the image config (or, for a dry run, the Dockerfile's final stage as the CLI reads it), the runtime image run with
// the shipped image mounted at /app, the command, folder and ENV defaults, the CLI's errors. The shlex cases are
// Python's own answers (shlex.split(s, comments=False, posix=True) and shlex.quote, Python 3.11).
import { describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { finalStage } from '../../src/meshagent/dockerfile-stage.js';
import { imageFacts, type ImageFacts } from '../../src/meshagent/image-facts.js';
import { imageRuntime, runsImage, shippedImage, type RuntimeSource } from '../../src/meshagent/image-runtime.js';
import { buildServiceSpec } from '../../src/meshagent/service-spec.js';
import type { ServiceOptions } from '../../src/meshagent/service-options.js';
import { ServiceSpec, dumpServiceSpec } from '../../src/meshagent/wire-service.js';
import type { ImageConfig } from '../../src/oci/types.js';
import { pyShlexQuote, pyShlexSplit } from '../../src/python-text.js';
import { serviceOptions as options } from '../helpers/service-options.js';

const TAG = 'reg.test/acme/app:1';
const REF = `reg.test/acme/app@sha256:${'c'.repeat(64)}`;

function error(fn: () => unknown): ShipError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ShipError);
    return e as ShipError;
  }
  throw new Error('expected a ShipError');
}

const source = (over: Partial<RuntimeSource> = {}): RuntimeSource => ({
  labels: { 'meshagent.runtime': 'python' },
  entrypoint: undefined,
  cmd: ['main.py'],
  workingDir: undefined,
  env: [],
  ...over,
});

/** An image config as a builder writes it. */
const config = (settings: NonNullable<ImageConfig['config']>): ImageConfig => ({ rootfs: { type: 'layers', diff_ids: [] }, config: settings });

describe("Python's shlex", () => {
  it.each([
    ['a b', ['a', 'b']],
    [' "a b" c', ['a b', 'c']],
    ['\'a\\b\' "x\\"y"', ['a\\b', 'x"y']],
    ['a\\ b', ['a b']],
    ['""', ['']],
    ['x"y z"w', ['xy zw']],
    ['python -m app --name="my app"', ['python', '-m', 'app', '--name=my app']],
    ['"a\\nb"', ['a\\nb']],
    ["it\\'s", ["it's"]],
    ['tab\tsep\nline', ['tab', 'sep', 'line']],
    ['"a\\\\b" c\\d', ['a\\b', 'cd']],
    ["''x", ['x']],
    ['x\u00a0y', ['x\u00a0y']],
  ])('splits %j as shlex.split does', (text, words) => {
    expect(pyShlexSplit(text)).toEqual(words);
  });

  it('refuses what shlex refuses, and quotes as shlex.quote', () => {
    expect(() => pyShlexSplit('"open')).toThrow('No closing quotation');
    expect(() => pyShlexSplit("'open")).toThrow('No closing quotation');
    expect(() => pyShlexSplit('end\\')).toThrow('No escaped character');
    const quoted = ['', 'main.py', 'my app', "it's", 'a$b', '--x=1,2', 'ü', '/usr/bin/python'].map(pyShlexQuote);
    expect(quoted).toEqual(["''", 'main.py', "'my app'", `'it'"'"'s'`, "'a$b'", '--x=1,2', "'ü'", '/usr/bin/python']);
  });
});

describe('the runtime an image asks for', () => {
  it('runs the launcher with CMD, or ENTRYPOINT then CMD, shell-quoted', () => {
    expect(imageRuntime(source(), 'x')).toEqual({
      name: 'python',
      baseImage: 'meshagent/python:default',
      command: 'python main.py',
      workingDir: '/app',
      env: [],
      mountPath: '/app',
      mountSubpath: 'app',
    });
    expect(imageRuntime(source({ entrypoint: ['server.js'], cmd: ['--name', 'my app'], labels: { 'meshagent.runtime': ' Node ' } }), 'x')).toMatchObject({
      name: 'node',
      baseImage: 'meshagent/node:default',
      command: "node server.js --name 'my app'",
    });
  });

  it('adds no second launcher when the command starts with it, by file name', () => {
    expect(imageRuntime(source({ cmd: ['/usr/local/bin/python', '-m', 'app'] }), 'x')?.command).toBe('/usr/local/bin/python -m app');
    expect(imageRuntime(source({ entrypoint: ['python'], cmd: ['main.py'] }), 'x')?.command).toBe('python main.py');
    // python3 is not python: the CLI prepends the launcher.
    expect(imageRuntime(source({ cmd: ['python3', 'main.py'] }), 'x')?.command).toBe('python python3 main.py');
  });

  it('takes WORKDIR (else /app) and ENV as the defaults, a later ENV of a name winning in place', () => {
    const runtime = imageRuntime(
      source({
        workingDir: '/app/src',
        env: [
          ['A', '1'],
          ['B', '2'],
          ['A', '3'],
        ],
      }),
      'x',
    );
    expect(runtime).toMatchObject({
      workingDir: '/app/src',
      env: [
        { name: 'A', value: '3' },
        { name: 'B', value: '2' },
      ],
    });
  });

  it('is none without the label or for a runtime it does not know (the image then runs itself)', () => {
    expect(imageRuntime(source({ labels: {} }), 'x')).toBeUndefined();
    expect(imageRuntime(source({ labels: { 'meshagent.runtime': 'ruby' } }), 'x')).toBeUndefined();
    expect(imageRuntime(source({ labels: { 'meshagent.runtime': 'ruby' }, cmd: undefined }), 'x')).toBeUndefined();
  });

  it("refuses a labelled image with neither CMD nor ENTRYPOINT, in the CLI's words", () => {
    expect(error(() => imageRuntime(source({ cmd: undefined }), 'packed Dockerfile final stage')).message).toBe(
      'packed Dockerfile final stage uses meshagent.runtime=python but does not define CMD or ENTRYPOINT',
    );
    expect(error(() => imageRuntime(source({ cmd: [] }), `image ${REF}`)).message).toBe(
      `image ${REF} uses meshagent.runtime=python but does not define CMD or ENTRYPOINT`,
    );
  });

  it('is read from an image config: its Labels, Entrypoint, Cmd, WorkingDir and Env', () => {
    const facts = imageFacts(
      REF,
      TAG,
      config({ Labels: { 'meshagent.runtime': 'python' }, Cmd: ['main.py'], WorkingDir: '/srv', Env: ['PATH=/usr/bin', 'GREETING=hi=there', 'BAD'] }),
      false,
    );
    expect(facts.runtime).toMatchObject({
      command: 'python main.py',
      workingDir: '/srv',
      env: [
        { name: 'PATH', value: '/usr/bin' },
        { name: 'GREETING', value: 'hi=there' },
      ],
    });
    expect(() => imageFacts(REF, TAG, config({ Labels: { 'meshagent.runtime': 'node' } }), false)).toThrow(
      `image ${REF} uses meshagent.runtime=node but does not define CMD or ENTRYPOINT`,
    );
    expect(imageFacts(REF, TAG, config({ Cmd: ['main.py'] }), true).runtime).toBeUndefined();
    // The PATH builders add to every config is no author's ENV; the ENV lines of the Dockerfile built from replace the config's.
    const builtFrom = config({
      Labels: { 'meshagent.runtime': 'python' },
      Cmd: ['main.py'],
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1'],
    });
    expect(imageFacts(REF, TAG, builtFrom, false).runtime?.env).toEqual([{ name: 'A', value: '1' }]);
    expect(imageFacts(REF, TAG, builtFrom, true, [['B', '2']]).runtime?.env).toEqual([{ name: 'B', value: '2' }]);
  });
});

describe("a Dockerfile's final stage, as the CLI reads it", () => {
  it('reads EXPOSE, VOLUME, LABEL, ENV, WORKDIR, ENTRYPOINT and CMD after the last FROM', () => {
    const stage = finalStage(
      [
        'FROM python:3.12 AS build',
        'LABEL meshagent.runtime=node',
        'CMD ["build.py"]',
        '',
        '# the app',
        'FROM scratch',
        'LABEL meshagent.runtime=python \\',
        '      org.opencontainers.image.title="my app"',
        // The old `ENV KEY VALUE` form takes one word as the value; more words give nothing, as in the CLI.
        'ENV GREETING "hello there"',
        'ENV IGNORED two words',
        'ENV MODE=prod LEVEL="1 2"',
        'WORKDIR /app',
        'WORKDIR src/../lib/',
        'EXPOSE 8080 9000/udp 8080/tcp 70000 x',
        'VOLUME ["/data/", "/cache"]',
        'VOLUME /logs /data',
        'CMD main.py --name "my app"',
      ].join('\n'),
    );
    expect(stage).toEqual({
      exposedPorts: ['8080/tcp'],
      volumes: ['/data', '/cache', '/logs'],
      labels: { 'meshagent.runtime': 'python', 'org.opencontainers.image.title': 'my app' },
      env: [
        ['GREETING', 'hello there'],
        ['MODE', 'prod'],
        ['LEVEL', '1 2'],
      ],
      workingDir: '/app/lib',
      entrypoint: undefined,
      cmd: ['main.py', '--name', 'my app'],
    });
    expect(imageRuntime(stage, 'packed Dockerfile final stage')?.command).toBe("python main.py --name 'my app'");
    // The build's target stage, when one is named (stage names without case).
    expect(finalStage('FROM python:3.12 AS Build\nCMD ["build.py"]\nFROM scratch\nCMD ["main.py"]', 'build').cmd).toEqual(['build.py']);
  });
});

describe('the service spec of a runtime-label image', () => {
  const facts = (over: Partial<ImageFacts> = {}): ImageFacts => ({
    ref: REF,
    tag: TAG,
    exposedPorts: ['8080/tcp'],
    volumes: ['/app'],
    built: true,
    runtime: imageRuntime(
      source({
        env: [
          ['GREETING', 'hi'],
          ['MODE', 'dev'],
        ],
      }),
      'packed Dockerfile final stage',
    ),
    ...over,
  });
  const build = (over: Partial<ServiceOptions> = {}, existing?: ServiceSpec, image = facts()) =>
    buildServiceSpec({ serviceName: 'acme-app', image, options: options(over), existing }).spec;

  it('runs the runtime image with the shipped image pinned at /app, the command, folder and ENV', () => {
    const spec = build({ env: [{ name: 'MODE', value: 'prod' }] });
    expect(spec.container).toEqual({
      image: 'meshagent/python:default',
      command: 'python main.py',
      working_dir: '/app',
      template: 'agent',
      private: true,
      environment: [
        { name: 'GREETING', value: 'hi' },
        { name: 'MODE', value: 'prod' },
      ],
      storage: { images: [{ image: REF, path: '/app', subpath: 'app', read_only: true }] },
    });
    // The VOLUME /app is mounted by the runtime mount; the model takes the spec.
    expect(ServiceSpec.safeParse(spec).success).toBe(true);
    expect(shippedImage(spec)).toBe(REF);
    expect(runsImage(dumpServiceSpec(spec), REF)).toBe(true);
    expect(runsImage(dumpServiceSpec(spec), `reg.test/acme/app@sha256:${'d'.repeat(64)}`)).toBe(false);
  });

  it("replaces an existing service's env with the ENV defaults, and its command, folder and /app image mount", () => {
    const old = ServiceSpec.parse({
      version: 'v1',
      kind: 'Service',
      id: 's1',
      metadata: { name: 'acme-app' },
      container: {
        image: 'reg.test/acme/app@sha256:' + 'a'.repeat(64),
        command: 'old',
        working_dir: '/old',
        environment: [{ name: 'OLD', value: '1' }],
        storage: {
          images: [
            { image: 'other/image:1', path: '/tools' },
            { image: 'reg.test/acme/app:0', path: '/app', subpath: 'app' },
          ],
        },
      },
    });
    const container = build({}, old).container;
    expect(container).toMatchObject({ image: 'meshagent/python:default', command: 'python main.py', working_dir: '/app' });
    expect(container?.environment).toEqual([
      { name: 'GREETING', value: 'hi' },
      { name: 'MODE', value: 'dev' },
    ]);
    expect(container?.storage?.images).toEqual([
      { image: 'other/image:1', path: '/tools', subpath: null, read_only: true },
      { image: REF, path: '/app', subpath: 'app', read_only: true },
    ]);
  });

  it("refuses /app taken by another mount, in the CLI's words", () => {
    expect(error(() => build({ roomMounts: [{ path: '/app', subpath: undefined, readOnly: false }] })).message).toBe(
      'packed Dockerfile runtime injection requires /app to be free of room mounts',
    );
    expect(error(() => build({ emptyDirMounts: [{ path: '/app', readOnly: false }] })).message).toBe(
      'packed Dockerfile runtime injection requires /app to be free of empty-dir mounts',
    );
    const other = ServiceSpec.parse({
      version: 'v1',
      kind: 'Service',
      metadata: { name: 'acme-app' },
      container: { image: 'x', storage: { images: [{ image: 'x/y:1', path: '/app', subpath: 'site' }] } },
    });
    expect(error(() => build({}, other)).message).toBe('packed Dockerfile runtime injection requires /app to be free of conflicting image mounts');
  });
});
