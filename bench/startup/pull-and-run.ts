/**
 * One measured start of the start-up benchmark, as the sandbox's room runtime starts a service: a new containerd
 * with the stargz snapshotter daemon (sandbox/runtime/containerd.ts, background fetch off), pulling through the
 * runtime's counting proxy (sandbox/runtime/pull-proxy.ts) from the registry, `ctr-remote images rpull`, then
 * `ctr-remote run --snapshotter stargz` of the image's own command. Measured from the start of the pull to the
 * first line the container prints; the bytes are what the registry served through the proxy by then. The daemons
 * are started before the clock and stopped after it, by PID, and every mount under DIR is undone before DIR is
 * removed. Prints one JSON object.
 *
 *   node pull-and-run.js REGISTRY REPOSITORY:TAG DIR STARGZ-BINARY
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NAMESPACE, startContainerd, type Containerd } from '../../sandbox/runtime/containerd.js';
import { readImageInfo } from '../../sandbox/runtime/image-info.js';
import { fuseUnavailable } from '../../sandbox/runtime/machine.js';
import { runCommand } from '../../sandbox/runtime/processes.js';
import { startPullProxy, type PullProxy } from '../../sandbox/runtime/pull-proxy.js';

const RUN_TIMEOUT_MS = 300_000;

const [registry, image, dirArgument, stargzBinary] = process.argv.slice(2);
if (!registry || !image || !dirArgument || !stargzBinary) {
  console.error('usage: node pull-and-run.js REGISTRY REPOSITORY:TAG DIR STARGZ-BINARY');
  process.exit(2);
}
const dir = resolve(dirArgument);

const servedBytes = (proxy: PullProxy) => [...proxy.servedAll().values()].reduce((a, b) => a + b, 0);

/** Mount points at or under DIR, deepest first. */
function mountsUnder(path: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((at) => at === path || at.startsWith(`${path}/`))
    .sort()
    .reverse();
}

/**
 * Processes of this run still alive: containerd (`--config DIR/containerd.toml`), the snapshotter
 * (`-address DIR/stargz.sock`) and shims serving this containerd (`-address DIR/containerd.sock`), which outlive it
 * when a task was not deleted. Found by their command lines, which name files under DIR that nothing else names.
 */
function processesOfRun(): { pid: number; name: string }[] {
  const marks = ['containerd.toml', 'stargz.sock', 'containerd.sock'].map((name) => join(dir, name));
  const found: { pid: number; name: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((arg) => marks.includes(arg))) found.push({ pid: Number(entry), name: readFileSync(`/proc/${entry}/comm`, 'utf8').trim() });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** `ctr-remote run` of the image's command: calls onFirstLine at its first line on stdout; resolves with that line once the container has exited. */
function runContainer(containerd: Containerd, ref: string, onFirstLine: () => void): Promise<string> {
  const args = ['-a', containerd.address, '-n', NAMESPACE, 'run', '--rm', '--snapshotter', 'stargz', ref, `startup-${process.pid}`];
  return new Promise((done, fail) => {
    const child = spawn('ctr-remote', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let firstLine: string | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (firstLine === undefined && stdout.includes('\n')) {
        onFirstLine();
        firstLine = stdout.slice(0, stdout.indexOf('\n'));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', (error) => fail(new Error(`cannot start ctr-remote: ${error.message}`)));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 || firstLine === undefined)
        fail(
          new Error(
            `the container of ${ref} ${signal ? `was killed (${signal})` : `exited with ${code}`} before printing a line: ${stderr.trim() || stdout.trim()}`,
          ),
        );
      else done(firstLine);
    });
  });
}

async function main(): Promise<void> {
  const noFuse = fuseUnavailable();
  if (noFuse) throw new Error(`lazy pulling needs FUSE: ${noFuse}`);
  if (mountsUnder(dir).length > 0) throw new Error(`${dir} still has mounts from an earlier run: ${mountsUnder(dir).join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  let containerd: Containerd | undefined;
  let proxy: PullProxy | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= stopEverything(
      () => proxy,
      () => containerd,
    ));
  // Ctrl-C or a kill reaches this process, not the daemons (each in its own process group): stop them first.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      console.error(`pull-and-run: ${signal}: stopping`);
      void cleanUp().finally(() => process.exit(130));
    });
  try {
    containerd = await startContainerd({ dir, stargzBinary });
    proxy = await startPullProxy({ upstream: registry as string, pullToken: () => undefined });
    console.log(JSON.stringify(await measure(containerd, proxy)));
  } finally {
    await cleanUp();
  }
}

/** The measured part: pull, run, first line. */
async function measure(containerd: Containerd, proxy: PullProxy): Promise<Record<string, unknown>> {
  const ref = `${proxy.host}/${image}`;
  const start = performance.now();
  const pulled = await containerd.ctr.run(['images', 'rpull', '--plain-http', ref], RUN_TIMEOUT_MS);
  if (pulled.code !== 0) throw new Error(`rpull ${ref} failed: ${(pulled.stderr || pulled.stdout).trim().split('\n').slice(-3).join(' ')}`);
  const pullMs = performance.now() - start;
  const bytesAfterPull = servedBytes(proxy);
  let firstOutputMs = 0;
  let bytesBeforeFirstOutput = 0;
  const firstLine = await runContainer(containerd, ref, () => {
    firstOutputMs = performance.now() - start;
    bytesBeforeFirstOutput = servedBytes(proxy);
  });
  const exitMs = performance.now() - start;
  const bytesAtExit = servedBytes(proxy);

  // Read from containerd's content store: nothing more is fetched.
  const info = await readImageInfo(containerd.ctr, ref, 'stargz');
  return {
    image,
    manifest: info.blobs[0]?.digest,
    firstLine,
    pullMs: Math.round(pullMs),
    firstOutputMs: Math.round(firstOutputMs),
    exitMs: Math.round(exitMs),
    bytesAfterPull,
    bytesBeforeFirstOutput,
    bytesAtExit,
    imageBytes: info.blobs.reduce((sum, blob) => sum + blob.size, 0),
    layerBytes: info.blobs.slice(-info.layers).reduce((sum, blob) => sum + blob.size, 0),
    layers: info.layers,
    remoteLayers: info.remoteLayers,
  };
}

/** Stops the proxy and the daemons, then undoes whatever they left: processes by PID, mounts; removes DIR. */
async function stopEverything(proxy: () => PullProxy | undefined, containerd: () => Containerd | undefined): Promise<void> {
  await proxy()?.stop();
  // containerd, then the snapshotter, which unmounts its FUSE layers on SIGTERM.
  await containerd()?.stop();
  const leftovers: string[] = [];
  for (const { pid, name } of processesOfRun()) {
    leftovers.push(`${name} (PID ${pid})`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  // The daemons' logs go to stderr (run.sh keeps it as the run's log), since DIR goes.
  for (const name of ['stargz.log', 'containerd.log']) if (existsSync(join(dir, name))) console.error(`--- ${name}\n${readFileSync(join(dir, name), 'utf8')}`);
  for (const at of mountsUnder(dir)) {
    leftovers.push(`mount ${at}`);
    if ((await runCommand('umount', [at])).code !== 0) await runCommand('umount', ['-l', at]);
  }
  if (mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  // Said, not hidden: each is a cleanup the daemons should have done themselves.
  if (leftovers.length > 0) console.error(`pull-and-run: stopped or undid what was left: ${leftovers.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(`pull-and-run: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
