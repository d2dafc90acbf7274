// Stopping a ship half way, as a cancelled job or Ctrl-C does: SIGINT or SIGTERM during the conversion ends the
// run with the shell's exit code (130, 143), says so, and leaves none of the run's temporary files behind; a stop
// that comes during the deploy lets the deploy complete, so the service and its route are whole.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { ConsoleRunner } from '../../src/runner.js';
import { exitCodeOf, reportResult, shipFromInputs } from '../../src/ship.js';
import { RunStop } from '../../src/stop.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let sandbox: Sandbox;
let work: string;
let bigImage: string;
let smallImage: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stop-test-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
  // Large enough that its conversion lasts a few seconds: the stop lands in the middle of it.
  bigImage = join(work, 'big');
  writeImageLayout(bigImage, [
    { platform: { os: 'linux', architecture: 'amd64' }, layers: [buildTar([{ name: 'data.bin', data: payload(200_000_000, 7) }])], gzip: false },
  ]);
  smallImage = join(work, 'small');
  writeImageLayout(smallImage, [
    {
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [
        buildTar([
          { name: 'app/', type: '5' },
          { name: 'app/main', data: 'hello' },
        ]),
      ],
      gzip: true,
    },
  ]);
});

afterAll(async () => {
  await sandbox?.stop();
});

/** Every file and directory under dir, relative to it. */
function contents(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String);
}

/** Runs dist/cli.js ship and sends `signal` once the conversion has started; resolves with its exit. */
function shipAndStop(signal: 'SIGINT' | 'SIGTERM', scratch: { tmp: string; runner: string }): Promise<{ code: number | null; stderr: string }> {
  const args = ['ship', '--image', `oci:${bigImage}:latest`, '--tag', `big-${signal.toLowerCase()}:1`, '--room', 'dev', '--create-room', '--prefetch', ''];
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
    env: { PATH: process.env.PATH, ...sandbox.env(), TMPDIR: scratch.tmp, RUNNER_TEMP: scratch.runner },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let sent = false;
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    if (!sent && stderr.includes('converting sha256:')) {
      sent = true;
      child.kill(signal);
    }
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

describe('a stopped ship', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'ends at %s during the conversion with exit code %i, saying so, and removes its temporary files',
    async (signal, code) => {
      const scratch = { tmp: join(work, `${signal}-tmp`), runner: join(work, `${signal}-runner`) };
      mkdirSync(scratch.tmp);
      mkdirSync(scratch.runner);
      const started = Date.now();
      const run = await shipAndStop(signal, scratch);
      expect(run.stderr).toContain('converting sha256:');
      expect(run.code, run.stderr).toBe(code);
      expect(run.stderr).toContain(`${signal}: stopping the run`);
      expect(run.stderr).toContain(`stopped by ${signal}`);
      // Unwound by the pipeline itself, well within the 7.5 s GitHub gives between SIGINT and SIGTERM.
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(contents(scratch.tmp)).toEqual([]);
      expect(contents(scratch.runner)).toEqual([]);
      // Nothing was deployed.
      const client = new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
      expect(await client.findService('dev', `${sandbox.projectKey}-big-${signal.toLowerCase()}`)).toBeUndefined();
    },
    120_000,
  );

  it('ends the convert command at SIGINT with exit code 130, leaving no output and no temporary files', async () => {
    const tmp = join(work, 'convert-tmp');
    mkdirSync(tmp);
    const output = join(work, 'converted.tar');
    const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'convert', `oci:${bigImage}:latest`, `oci-archive:${output}`], {
      env: { PATH: process.env.PATH, TMPDIR: tmp },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    // The conversion has started once its staging directory is there.
    const started = Date.now();
    while (!contents(tmp).some((name) => name.startsWith('meshagent-ship-out-')) && Date.now() - started < 30_000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('stopped by SIGINT');
    expect(contents(tmp)).toEqual([]);
    expect(existsSync(output)).toBe(false);
  }, 120_000);

  it('forced out by a second signal while a layer is spooled, leaves nothing behind: the converter spools under the work dir', async () => {
    const scratch = { tmp: join(work, 'forced-tmp'), runner: join(work, 'forced-runner') };
    mkdirSync(scratch.tmp);
    mkdirSync(scratch.runner);
    // A prefetch list makes the converter spool the layer to a temporary file before reordering it.
    const args = ['ship', '--image', `oci:${bigImage}:latest`, '--tag', 'big-forced:1', '--room', 'dev', '--create-room', '--prefetch', 'data.bin'];
    const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
      env: { PATH: process.env.PATH, ...sandbox.env(), TMPDIR: scratch.tmp, RUNNER_TEMP: scratch.runner },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let forced = false;
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      // The second signal once the first is taken (two pending signals of a kind are one): the exit is forced.
      if (!forced && stderr.includes('SIGINT: stopping the run')) {
        forced = true;
        child.kill('SIGINT');
      }
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // The first signal the moment the spool exists, wherever it is: the spooling does not stop for it.
    const spooling = () =>
      [scratch.tmp, scratch.runner].some((dir) => {
        try {
          return contents(dir).some((name) => name.includes('spool'));
        } catch {
          return false; // a directory removed while it was listed
        }
      });
    const poll = setInterval(() => {
      if (!spooling()) return;
      clearInterval(poll);
      child.kill('SIGINT');
    }, 5);
    const code = await exited;
    clearInterval(poll);
    expect(stderr).toContain('converting sha256:');
    expect(forced).toBe(true);
    expect(code, stderr).toBe(130);
    expect(contents(scratch.tmp)).toEqual([]);
    expect(contents(scratch.runner)).toEqual([]);
  }, 120_000);

  it('stops a deploy that has written nothing yet before its first write: no service, no route, exit 130', async () => {
    const stop = new RunStop({ exit: () => {} });
    const runner = new ConsoleRunner({
      inputs: {
        tag: 'small:1',
        room: 'dev',
        'create-room': 'true',
        image: `oci:${smallImage}:latest`,
        builder: 'none',
        prefetch: '',
        domain: 'small.sandbox.localhost',
        ports: '8080',
        wait: 'false',
      },
      env: sandbox.env(),
      // The stop comes as the deploy stage starts, before any of its writes.
      stdout: (text) => {
        if (text.includes('Deploy ') && !stop.signal.aborted) stop.receive('SIGINT');
      },
      stderr: () => {},
    });
    const result = await shipFromInputs(runner, { stop });
    await reportResult(result, runner);
    expect(result.stages.find((s) => s.name === 'push')?.status).toBe('done');
    expect(result.stages.find((s) => s.name === 'deploy')).toMatchObject({ status: 'failed', detail: 'stopped by SIGINT' });
    expect(exitCodeOf(result, stop)).toBe(130);
    const client = new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });
    expect(await client.findService('dev', `${sandbox.projectKey}-small`)).toBeUndefined();
    expect(await client.getRoute('small.sandbox.localhost')).toBeUndefined();
  }, 120_000);
});
