/**
 * Commands that need root (chroot, namespaces, mounts): as they are when this process is root, else under
 * `sudo -n` (GitHub's ubuntu runners allow it without a password; elsewhere it fails at once instead of asking).
 */
import { spawn } from 'node:child_process';

/** The user this process runs as: its uid, and its name when the environment gives one. */
interface RunningAs {
  readonly uid: number | undefined;
  readonly name?: string | undefined;
}

/** How `sudo -n true` went: it could not be started (not installed), or it exited with a code and said something. */
type SudoTry = { readonly kind: 'missing' } | { readonly kind: 'ran'; readonly code: number; readonly stderr: string };

function runningAs(): RunningAs {
  return { uid: process.getuid?.(), name: process.env.USER ?? process.env.LOGNAME };
}

/** `argv` as this process can run it as root. */
export function privileged(argv: readonly string[], as: RunningAs = runningAs()): string[] {
  return as.uid === 0 ? [...argv] : ['sudo', '-n', ...argv];
}

/**
 * Why commands cannot run as root here (undefined when they can): root needs nothing; anyone else needs sudo that
 * asks no password. `trySudo` is asked only when not root.
 */
export async function cannotRunPrivileged(trySudo: () => Promise<SudoTry> = trySudoTrue, as: RunningAs = runningAs()): Promise<string | undefined> {
  if (as.uid === 0) return undefined;
  const who = `this runs as ${as.name ? `${as.name} (uid ${as.uid})` : `uid ${as.uid ?? 'unknown'}`}, not root`;
  const tried = await trySudo();
  if (tried.kind === 'missing')
    return `it needs root: ${who}, and sudo is not installed (run as root, or install sudo and allow this user to use it without a password)`;
  if (tried.code === 0) return undefined;
  const said = tried.stderr.trim().split('\n').pop()?.trim();
  return `it needs root: ${who}, and \`sudo -n true\` failed${said ? ` (${said})` : ` with code ${tried.code}`} (run as root, or allow this user sudo without a password, as GitHub's ubuntu runners do)`;
}

function trySudoTrue(): Promise<SudoTry> {
  return new Promise((resolve) => {
    const child = spawn('sudo', ['-n', 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1000)));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'ran', code: 1, stderr: error.message }),
    );
    child.on('close', (code) => resolve({ kind: 'ran', code: code ?? 1, stderr }));
  });
}
