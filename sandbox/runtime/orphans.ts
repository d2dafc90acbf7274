/**
 * What a sandbox killed without its stop (SIGKILL, a crash) leaves running on its directory: its containers (runc
 * keeps their state under its root, their bundles under the runtime's directory), containerd and its shims, the
 * snapshotter daemon, the event reader and the forwarders (each names the runtime's directory on its command
 * line). The next runtime on that directory stops them by PID before it cleans up and starts its own.
 */
import { existsSync } from 'node:fs';
import { NAMESPACE } from './containerd.js';
import { processesWhere, signalAll, waitUntilGone } from '../proc.js';
import { runCommand } from './processes.js';

/** Where containerd's runc shim keeps its containers' state for our namespace (runc's default under containerd). */
const RUNC_ROOT = `/run/containerd/runc/${NAMESPACE}`;

/**
 * PIDs of the runtime's own kinds of processes on `dir`, known by the arguments it gives them: containerd's
 * config, the sockets of containerd (the event reader, the shims) and of the snapshotter, a forwarder's socket.
 * Anything else that merely names the directory (a shell reading its logs) is left alone.
 */
function runtimeProcesses(dir: string): number[] {
  const marks = new Set([`${dir}/containerd.toml`, `${dir}/containerd.sock`, `${dir}/stargz.sock`]);
  return processesWhere((args) => args.some((arg) => marks.has(arg) || arg.startsWith(`UNIX-LISTEN:${dir}/sockets/`)));
}

/** Stops what an earlier runtime on `dir` left running; says what it stopped, if anything. */
export async function stopOrphans(dir: string, log: (message: string) => void): Promise<void> {
  let containers = 0;
  if (existsSync(RUNC_ROOT)) {
    const listed = await runCommand('runc', ['--root', RUNC_ROOT, 'list', '--format', 'json']);
    const states = (listed.code === 0 ? (JSON.parse(listed.stdout || 'null') as { id: string; bundle: string }[] | null) : null) ?? [];
    for (const state of states.filter((s) => s.bundle.startsWith(`${dir}/`))) {
      await runCommand('runc', ['--root', RUNC_ROOT, 'delete', '--force', state.id]);
      containers++;
    }
  }
  const pids = runtimeProcesses(dir);
  signalAll(pids, 'SIGKILL');
  await waitUntilGone(pids, 5000);
  if (containers > 0 || pids.length > 0)
    log(`stopped what an earlier sandbox on this directory left running: ${containers} container(s) and ${pids.length} process(es) under ${dir}`);
}
