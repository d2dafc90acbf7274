// A sandbox stopped and started again on the same directory serves at the same API address, so an environment
// exported from the first start still reaches it; when the recorded port is taken, or another is given, it says
// so and what that breaks. The first start picks its ports as before. (The registry and router ports, which need
// the real registry and runtime, are in test/e2e/sandbox-restart.test.ts.) The bundled command prints the same
// environment on each start, as text and as JSON, and says on stderr when an address moved.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { holdPort } from '../helpers/hold-port.js';

const work = mkdtempSync(join(tmpdir(), 'sandbox-restart-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A sandbox with the API only on `dir`, and what it said while starting. */
async function start(dir: string, port?: number): Promise<{ sandbox: Sandbox; said: string[] }> {
  const said: string[] = [];
  const sandbox = await startSandbox({ dir, registry: false, registryHost: 'registry.test', ...(port ? { port } : {}), log: (m) => said.push(m) });
  return { sandbox, said };
}

const portOf = (url: string) => Number(new URL(url).port);

/** The project, read with an environment as a user exported it. */
async function projectName(env: Record<string, string>): Promise<string> {
  const client = new MeshagentClient({
    apiUrl: env.MESHAGENT_API_URL ?? '',
    apiKey: env.MESHAGENT_API_KEY ?? '',
    projectId: env.MESHAGENT_PROJECT_ID ?? '',
    mask: () => {},
    http: { retry: { maxAttempts: 1 } },
  });
  try {
    return (await client.getProject()).name;
  } finally {
    await client.close();
  }
}

describe('a sandbox restarted on the same directory', () => {
  it('serves the API at the same address, so the environment exported from the first start still works', async () => {
    const dir = join(work, 'same');
    const first = await start(dir);
    const env = first.sandbox.env();
    await first.sandbox.stop();

    const second = await start(dir);
    try {
      expect(second.sandbox.env()).toEqual(env);
      expect(await projectName(env)).toBe('Sandbox');
      expect(second.said).toEqual([]);
    } finally {
      await second.sandbox.stop();
    }
    expect(JSON.parse(readFileSync(join(dir, 'addresses.json'), 'utf8'))).toEqual({ api: portOf(env.MESHAGENT_API_URL ?? '') });
  });

  it('picks a free port when the recorded one is taken, and says that the exported environment names the old one', async () => {
    const dir = join(work, 'taken');
    const first = await start(dir);
    const old = portOf(first.sandbox.apiUrl);
    await first.sandbox.stop();

    const blocker = await holdPort(old);
    try {
      const second = await start(dir);
      const moved = portOf(second.sandbox.apiUrl);
      await second.sandbox.stop();
      expect(moved).not.toBe(old);
      expect(second.said).toEqual([
        `the API serves at 127.0.0.1:${moved}, not at 127.0.0.1:${old} as the last run on this directory (port ${old} is taken): ` +
          'an environment exported from that run names the old MESHAGENT_API_URL; export the variables printed now',
      ]);
      // The address served last is the one the next run tries.
      expect(JSON.parse(readFileSync(join(dir, 'addresses.json'), 'utf8'))).toEqual({ api: moved });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('serves at a port given on the command line, and says the recorded one is left', async () => {
    const dir = join(work, 'given');
    const first = await start(dir);
    const old = portOf(first.sandbox.apiUrl);
    await first.sandbox.stop();
    const free = await holdPort(0);
    const given = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));

    const second = await start(dir, given);
    await second.sandbox.stop();
    expect(second.sandbox.apiUrl).toBe(`http://127.0.0.1:${given}`);
    expect(second.said).toEqual([expect.stringContaining(`not at 127.0.0.1:${old} as the last run on this directory (port ${given} was given)`)]);
  });

  it('picks any free port on its first start, and on a directory whose addresses file is not its own', async () => {
    const dir = join(work, 'first');
    const first = await start(dir);
    await first.sandbox.stop();
    expect(first.said).toEqual([]);
    writeFileSync(join(dir, 'addresses.json'), '{"api": "eighty"}');
    const again = await start(dir);
    await again.sandbox.stop();
    expect(again.said).toEqual([]);
    expect(portOf(again.sandbox.apiUrl)).toBeGreaterThan(0);
  });
});

/** Runs `dist/cli.js sandbox` on `dir` until it has printed its environment, then stops it with SIGTERM. */
async function runCommand(dir: string, json: boolean): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, ['dist/cli.js', 'sandbox', '--dir', dir, '--no-registry', ...(json ? ['--json'] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(json ? '\n}\n' : 'Stop with Ctrl-C.')) resolve();
    });
    void exited.then((code) => reject(new Error(`the sandbox exited with ${code}: ${stderr}`)));
  });
  child.kill('SIGTERM');
  return { stdout, stderr, code: await exited };
}

/** The variables of the text form (`export NAME=value` lines). */
const exported = (text: string) => Object.fromEntries([...text.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));

describe('dist/cli.js sandbox restarted on the same directory', () => {
  it('prints the same environment, as JSON and as text, and says on stderr when the API moved', async () => {
    const dir = join(work, 'command');
    const first = await runCommand(dir, true);
    expect(first).toMatchObject({ stderr: '', code: 0 });
    const { dir: printedDir, ...env } = JSON.parse(first.stdout) as Record<string, string>;
    expect(printedDir).toBe(dir);

    const text = await runCommand(dir, false);
    expect(text).toMatchObject({ stderr: '', code: 0 });
    expect(text.stdout).toContain(`MeshAgent sandbox running (state and addresses in ${dir}, kept for its next start)`);
    expect(exported(text.stdout)).toEqual(env);

    const old = portOf(env.MESHAGENT_API_URL ?? '');
    const blocker = await holdPort(old);
    try {
      const moved = await runCommand(dir, true);
      const now = (JSON.parse(moved.stdout) as Record<string, string>).MESHAGENT_API_URL ?? '';
      expect(now).not.toBe(env.MESHAGENT_API_URL);
      expect(moved.stderr).toBe(
        `meshagent-ship sandbox: the API serves at ${now.slice('http://'.length)}, not at 127.0.0.1:${old} as the last run on this directory ` +
          `(port ${old} is taken): an environment exported from that run names the old MESHAGENT_API_URL; export the variables printed now\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
