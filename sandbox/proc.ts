/**
 * Processes found through /proc: those a sandbox started and may have to stop without holding their handles (left by
 * a sandbox killed without its stop, or a containerd's shims), known by the arguments it gave them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** PIDs of the processes (this one excepted) whose command line, split into its arguments, `matches`. */
export function processesWhere(matches: (args: readonly string[]) => boolean): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (matches(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0'))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * True while a process runs (a zombie waiting for its parent does not). Each of its threads is looked at: the main
 * thread of an exiting Go program can be a zombie while its other threads still hold its files (a listening socket,
 * a mount), so it has not let go of them yet.
 */
function running(pid: number): boolean {
  const alive = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  try {
    return readdirSync(`/proc/${pid}/task`).some((task) => {
      try {
        return alive(readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8'));
      } catch {
        return false; // the thread is gone
      }
    });
  } catch {
    return false;
  }
}

/** Sends `signal` to each of `pids` that still runs. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids.filter(running)) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/** Waits until none of `pids` runs, or `ms` have passed; `onWait` is called with the time waited, every 50 ms. */
export async function waitUntilGone(pids: readonly number[], ms: number, onWait?: (waited: number) => void): Promise<void> {
  for (let waited = 0; pids.some(running) && waited < ms; waited += 50) {
    onWait?.(waited);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
