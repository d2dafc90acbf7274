/**
 * `prefetch: auto`: runs the image's entrypoint over its unpacked layers, with no container runtime, and records
 * the files it opens until it is ready. It runs chrooted in a scratch copy of the image, as root (under `sudo -n`
 * when not root), in its own mount, PID and network namespaces (the network holds only loopback), with the image's
 * env and working dir, under `strace -f`. It is ready when one of its ports answers on loopback (probed from inside
 * its namespace), or at the time bound. Whatever goes wrong, it never throws: the outcome says why nothing was
 * recorded, and the caller goes on with its explicit list.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { type Descriptor, type OciLayout, readImageConfig } from '../oci/index.js';
import { cannotRunPrivileged, privileged } from './privileged.js';
import { withInterpreters } from './interpreters.js';
import { readTrace } from './trace.js';
import { UNPACK_DIR, unpackLayers } from './unpack.js';

/** The static busybox (Debian's busybox-static) copied into the scratch root to unpack the layers there. */
const BUSYBOX = '/bin/busybox';
export const DEFAULT_AUTO_TIMEOUT_SECONDS = 10;
/** After the time bound, how long the launcher gets to stop the tracer and say so before it is killed. */
const GRACE_MS = 10_000;

type StartupOutcome =
  | { readonly kind: 'port'; readonly port: number; readonly seconds: number }
  | { readonly kind: 'time-bound'; readonly seconds: number }
  | { readonly kind: 'exited'; readonly code: number; readonly seconds: number }
  | { readonly kind: 'fell-back'; readonly reason: string };

export interface StartupRecording {
  /** Files the service opened, absolute, in order (empty when it fell back). */
  readonly paths: readonly string[];
  readonly outcome: StartupOutcome;
  /** The service's last line of output (for the log only: it is the image's text, not this tool's). */
  readonly output?: string;
  /** Set when the record is an earlier ship's, taken instead of running the image: the source config it names. */
  readonly reusedFor?: string;
}

export interface RecordOptions {
  /** Ports that mean "started" when they answer (default: the image's exposed TCP ports). */
  readonly ports?: readonly number[];
  readonly timeoutSeconds?: number;
  /** Where the scratch copy goes (removed afterwards). */
  readonly workDir: string;
  readonly log?: (line: string) => void;
}

/** How the recording ended, in words for the log and the summary. */
export function describeOutcome(recording: StartupRecording): string {
  const { outcome } = recording;
  const by = recording.reusedFor ? ` by an earlier ship of the same source config (${recording.reusedFor.slice(0, 19)}), not run again` : '';
  const files = `${recording.paths.length} file${recording.paths.length === 1 ? '' : 's'} recorded${by}`;
  if (outcome.kind === 'port') return `${files}; port ${outcome.port} answered at ${outcome.seconds.toFixed(1)} s`;
  if (outcome.kind === 'time-bound') return `${files}; stopped at the time bound (${outcome.seconds} s)`;
  if (outcome.kind === 'exited') return `${files}; the entrypoint exited (code ${outcome.code}) at ${outcome.seconds.toFixed(1)} s`;
  return `nothing recorded, fell back to the explicit list: ${outcome.reason}`;
}

/** Runs the linux/amd64 image of `top` (else the first) and records what it opens at start. Never throws. */
export async function recordStartup(layout: OciLayout, top: Descriptor, options: RecordOptions): Promise<StartupRecording> {
  const scratch = await mkdtemp(join(options.workDir, 'prefetch-auto-')).catch(() => undefined);
  try {
    if (!scratch) return fellBack(`cannot create a scratch directory under ${options.workDir}`);
    return await record(layout, top, options, scratch);
  } catch (error) {
    return fellBack(error instanceof Error ? error.message : String(error));
  } finally {
    // The root is root's; the trace is read by now.
    if (scratch) await run(privileged(['rm', '-rf', '--one-file-system', scratch])).catch(() => {});
  }
}

function fellBack(reason: string): StartupRecording {
  return { paths: [], outcome: { kind: 'fell-back', reason } };
}

async function record(layout: OciLayout, top: Descriptor, options: RecordOptions, scratch: string): Promise<StartupRecording> {
  if (process.platform !== 'linux') return fellBack(`it needs Linux namespaces, and this is ${process.platform}`);
  for (const tool of ['unshare', 'strace', 'bash', 'mount'])
    if ((await run(['sh', '-c', `command -v ${tool}`]).catch(() => 1)) !== 0) return fellBack(`${tool} is not installed (apt-get install util-linux strace)`);
  const noRoot = await cannotRunPrivileged();
  if (noRoot) return fellBack(noRoot);
  const { manifest, config } = await readImageConfig(layout, top, { os: 'linux', architecture: 'amd64' });
  const section = config.config ?? {};
  const argv = [...(section.Entrypoint ?? []), ...(section.Cmd ?? [])];
  if (argv.length === 0) return fellBack('the image has no entrypoint or command');
  const ports = options.ports ?? Object.keys(section.ExposedPorts ?? {}).flatMap((p) => (/^\d+(\/tcp)?$/.test(p) ? [Number.parseInt(p, 10)] : []));
  const timeout = options.timeoutSeconds ?? DEFAULT_AUTO_TIMEOUT_SECONDS;

  const root = join(scratch, 'root');
  const traceDir = join(scratch, 'trace');
  await mkdir(root);
  await mkdir(traceDir);
  await mkdir(join(root, UNPACK_DIR));
  await copyFile(BUSYBOX, join(root, UNPACK_DIR, 'busybox')).catch(() => {
    throw new Error(`${BUSYBOX} (Debian's busybox-static) is needed to unpack the layers`);
  });
  await unpackLayers(layout, manifest.layers, root);
  await run(privileged(['rm', '-rf', join(root, UNPACK_DIR)]));

  const workDir = section.WorkingDir || '/';
  const env = section.Env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
  options.log?.(
    `prefetch auto: running ${JSON.stringify(argv)} in ${workDir}${ports.length ? `, until port ${ports.join(' or ')} answers` : ''} (at most ${timeout} s)`,
  );
  const launch = privileged([
    'unshare',
    '--mount',
    '--net',
    '--pid',
    '--ipc',
    '--uts',
    '--fork',
    '--kill-child',
    '--',
    'bash',
    '-c',
    LAUNCHER,
    'launcher',
    root,
    traceDir,
    workDir,
    String(timeout),
    ports.join(' '),
    ...env.flatMap((e) => ['-e', e]),
    '--',
    ...argv,
  ]);
  const said = await runLauncher(launch, timeout);
  const output = lastLine(said);
  const outputs = output ? { output } : {};
  const opened = await readTrace(traceDir, workDir).catch(() => ({ paths: [], executed: new Set<string>() }));
  // The kernel loads a program's interpreter (the dynamic loader, a script's #!) with no call strace shows.
  const paths = await withInterpreters(opened.paths, opened.executed, root);
  const ready = /^ready (\d+) (\d+)$/m.exec(said);
  const exited = /^exited (\d+) (\d+)$/m.exec(said);
  const seconds = (centis: string | undefined) => Number(centis) / 100;
  if (ready) return { paths, outcome: { kind: 'port', port: Number(ready[1]), seconds: seconds(ready[2]) }, ...outputs };
  if (exited) {
    const code = Number(exited[1]);
    if (code !== 0)
      return { ...fellBack(`the entrypoint ${JSON.stringify(argv[0])} exited with code ${code} at ${seconds(exited[2]).toFixed(1)} s`), ...outputs };
    return { paths, outcome: { kind: 'exited', code, seconds: seconds(exited[2]) }, ...outputs };
  }
  if (/^time-bound$/m.test(said)) return { paths, outcome: { kind: 'time-bound', seconds: timeout }, ...outputs };
  return { ...fellBack('the launcher stopped before the service ran (namespaces, mounts or loopback could not be set up)'), ...outputs };
}

/** The service's (or the launcher's) last line of output, as the launcher passed it on. */
function lastLine(said: string): string | undefined {
  const line = said
    .split('\n')
    .filter((l) => l.startsWith('output: ') && l.length > 'output: '.length)
    .pop();
  return line?.slice('output: '.length);
}

/**
 * The launcher, in the new namespaces as their PID 1: loopback up, /proc and a minimal /dev in the root, then the
 * entrypoint under strace (chrooted by `unshare --root`, with only the image's env), and a probe of its ports.
 * It prints `ready PORT CENTISECONDS`, `exited CODE CENTISECONDS` or `time-bound`, and the service's last output line.
 */
const LAUNCHER = `
set -u
root=$1 trace=$2 wd=$3 timeout=$4 ports=$5; shift 5
env=(); while [ "$1" != -- ]; do env+=("$2"); shift 2; done; shift
ip link set lo up 2>/dev/null || /bin/busybox ip link set lo up || exit 3
mkdir -p "$root/proc" "$root/dev" "$root/tmp" && mount -t proc proc "$root/proc" && mount -t tmpfs -o mode=755 tmpfs "$root/dev" || exit 3
mknod -m 666 "$root/dev/null" c 1 3; mknod -m 666 "$root/dev/zero" c 1 5; mknod -m 666 "$root/dev/random" c 1 8; mknod -m 666 "$root/dev/urandom" c 1 9
start=$(date +%s%N)
env -i "\${env[@]}" "$(command -v strace)" -f -ff -ttt -qq -e trace=%file,%process -o "$trace/trace" unshare --root="$root" --wd="$wd" -- "$@" </dev/null >"$trace/output" 2>&1 &
pid=$!
# The service's processes are killed (strace, asked to stop, can wait long on a sleeping tracee); strace then ends
# on its own with its output written.
stop() { for p in "$root"/proc/[0-9]*; do p=\${p##*/}; [ "$p" = 1 ] || [ "$p" = "$pid" ] || [ "$p" = "$BASHPID" ] || kill -KILL "$p" 2>/dev/null; done; wait $pid 2>/dev/null; }
centis() { echo $(( ($(date +%s%N) - start) / 10000000 )); }
end=$(( start + timeout * 1000000000 ))
say() { echo "$1"; echo "output: $(tail -c 300 "$trace/output" | tr -d '\\r' | grep -v '^$' | tail -n 1)"; }
while [ "$(date +%s%N)" -lt "$end" ]; do
  for port in $ports; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then t=$(centis); stop; say "ready $port $t"; exit 0; fi
  done
  if ! kill -0 $pid 2>/dev/null; then wait $pid 2>/dev/null; code=$?; say "exited $code $(centis)"; exit 0; fi
  sleep 0.05
done
stop; say time-bound
`;

/** Runs the launcher, killed if it outlives the time bound by the grace; what it printed. */
function runLauncher(argv: readonly string[], timeoutSeconds: number): Promise<string> {
  return new Promise((resolve) => {
    const [command, ...args] = argv as [string, ...string[]];
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += `output: ${chunk.toString().trim().split('\n').pop() ?? ''}\n`));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000 + GRACE_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(`output: ${error.message}`);
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

function run(argv: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = argv as [string, ...string[]];
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}
