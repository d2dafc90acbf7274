// What the room runtime makes of a service's container spec before anything runs: the command split as a shell
// would, the agent template's variables and /data mount, sandbox-issued tokens, and the mounts the spec asks for.
import { describe, expect, it } from 'vitest';
import { planContainer, splitCommand, type PlanContext } from '../../sandbox/runtime/container-plan.js';
import { ServiceSpec } from '../../sandbox/wire/service.js';

const issued: unknown[] = [];
const context: PlanContext = {
  room: 'dev',
  projectId: 'p-1',
  apiUrl: 'http://127.0.0.1:1',
  roomUrl: 'ws://127.0.0.1:1/rooms/dev',
  roomStorage: '/sbx/rooms/dev/storage',
  volumeDir: (name) => `/sbx/rooms/dev/volumes/${name}`,
  containerDir: '/sbx/runtime/containers/c1',
  sessionId: 's-1',
  issueToken: (ask) => {
    issued.push(ask);
    return `token-for-${ask.identity}-${ask.role}`;
  },
};

function spec(container: Record<string, unknown>, name = 'svc'): ServiceSpec {
  return ServiceSpec.parse({ version: 'v1', kind: 'Service', metadata: { name }, container: { image: 'r/x@sha256:1', ...container } });
}

describe('splitCommand', () => {
  it('splits as a POSIX shell does, without expanding anything', () => {
    expect(splitCommand(`python -m app --name 'two words' "say \\"hi\\"" a\\ b $HOME`)).toEqual([
      'python',
      '-m',
      'app',
      '--name',
      'two words',
      'say "hi"',
      'a b',
      '$HOME',
    ]);
    expect(splitCommand(`sh -c 'echo "x"; exit 3'`)).toEqual(['sh', '-c', 'echo "x"; exit 3']);
    expect(splitCommand(`a '' b`)).toEqual(['a', '', 'b']);
    expect(() => splitCommand(`echo 'open`)).toThrow(/unclosed quote/);
  });
});

describe('planContainer', () => {
  it('gives the agent template its variables and room storage at /data; explicit values win', () => {
    const plan = planContainer(
      spec({
        environment: [
          { name: 'MESHAGENT_ROOM', value: 'mine' },
          { name: 'GREETING', value: 'hi' },
        ],
      }),
      context,
    );
    const env = Object.fromEntries(plan.env);
    expect(env).toMatchObject({
      MESHAGENT_TOKEN: 'token-for-svc-agent',
      OPENAI_API_KEY: 'token-for-svc-agent',
      MESHAGENT_API_URL: 'http://127.0.0.1:1',
      MESHAGENT_ROOM_URL: 'ws://127.0.0.1:1/rooms/dev',
      MESHAGENT_PROJECT_ID: 'p-1',
      MESHAGENT_SESSION_ID: 's-1',
      MESHAGENT_ROOM: 'mine',
      GREETING: 'hi',
    });
    expect(plan.binds).toEqual([{ source: '/sbx/rooms/dev/storage', destination: '/data', readOnly: false }]);
    expect(plan.readOnlyRoot).toBe(true);
    expect(plan.args).toBeUndefined();
  });

  it('with template none injects nothing and mounts nothing', () => {
    const plan = planContainer(spec({ template: 'none', command: 'serve --port 80', working_dir: '/app', writable_root_fs: true }), context);
    expect(plan.env).toEqual([]);
    expect(plan.binds).toEqual([]);
    expect(plan).toMatchObject({ args: ['serve', '--port', '80'], cwd: '/app', readOnlyRoot: false });
  });

  it('issues a participant token for each token variable, with its identity, role and scope', () => {
    issued.length = 0;
    const api = { agents: {} };
    const plan = planContainer(spec({ template: 'none', environment: [{ name: 'MESHAGENT_TOKEN', token: { identity: 'bot', api, role: 'tool' } }] }), context);
    expect(plan.env).toEqual([['MESHAGENT_TOKEN', 'token-for-bot-tool']]);
    expect(issued).toEqual([{ identity: 'bot', role: 'tool', api: expect.objectContaining({ agents: {} }) }]);
  });

  it('mounts room storage, volumes, empty dirs, seed files and other images as the spec says', () => {
    const plan = planContainer(
      spec({
        template: 'agent',
        storage: {
          room: [{ path: '/data', subpath: 'shared/' }],
          volumes: [{ name: 'cache', path: '/cache', read_only: true }],
          empty_dirs: [{ path: '/tmp' }],
          files: [{ path: '/etc/app.conf', text: 'x=1' }],
          images: [{ image: 'r/assets:1', path: '/assets', subpath: 'www' }],
        },
      }),
      context,
    );
    expect(plan.binds).toEqual([
      { source: '/sbx/rooms/dev/storage/shared', destination: '/data', readOnly: false, under: { root: '/sbx/rooms/dev/storage', subpath: 'shared' } },
      { source: '/sbx/rooms/dev/volumes/cache', destination: '/cache', readOnly: true, under: { root: '/sbx/rooms/dev/volumes/cache', subpath: '' } },
      { source: '/sbx/runtime/containers/c1/empty/0', destination: '/tmp', readOnly: false },
      { source: '/sbx/runtime/containers/c1/files/0', destination: '/etc/app.conf', readOnly: true },
    ]);
    expect(plan.files).toEqual([{ path: '/sbx/runtime/containers/c1/files/0', text: 'x=1' }]);
    expect(plan.images).toEqual([{ image: 'r/assets:1', destination: '/assets', subpath: 'www', readOnly: true }]);
    // Subpath directories are made when the mounts are, resolved under their root (subpath.ts).
    expect(plan.dirs).toEqual(['/sbx/rooms/dev/storage', '/sbx/rooms/dev/volumes/cache', '/sbx/runtime/containers/c1/empty/0']);
  });

  it('refuses a subpath that leaves its source, and notes what it cannot emulate', () => {
    expect(() => planContainer(spec({ storage: { room: [{ path: '/d', subpath: '../other' }] } }), context)).toThrow(/leaves its source/);
    for (const name of ['../../x', 'a/b', '..', ''])
      expect(() => planContainer(spec({ storage: { volumes: [{ name, path: '/v' }] } }), context)).toThrow(/is not a plain name/);
    const plan = planContainer(spec({ run_as: { email: 'a@b.c' }, environment: [{ name: 'KEY', secret: { id: 's1' } }] }), context);
    expect(plan.env.some(([name]) => name === 'KEY')).toBe(false);
    expect(plan.notes).toEqual(['secret s1 for KEY is not emulated by the sandbox; KEY is left unset']);
  });

  it('passes env values as they are, and refuses one a line of the env file cannot hold instead of altering it', () => {
    const value = 'spaces  and = signs, quotes "\' and a tab\t';
    expect(planContainer(spec({ template: 'none', environment: [{ name: 'V', value }] }), context).env).toEqual([['V', value]]);
    for (const bad of ['two\nlines', 'ends with CR\r', 'nul\0'])
      expect(() => planContainer(spec({ template: 'none', environment: [{ name: 'V', value: bad }] }), context)).toThrow(
        /the environment variable V has a line break or NUL in its value/,
      );
    expect(() => planContainer(spec({ template: 'none', environment: [{ name: 'A=B', value: 'x' }] }), context)).toThrow(/name "A=B" is not valid/);
    expect(() => planContainer(spec({ template: 'none', environment: [{ name: 'BIG', value: 'x'.repeat(70_000) }] }), context)).toThrow(/longer than 64 KiB/);
  });
});
