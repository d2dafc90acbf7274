/**
 * What this machine lets the room runtime do: run containers at all (root, containerd, runc, ctr-remote, nsenter,
 * socat), and pull lazily (FUSE and the stargz snapshotter daemon, built from Debian's packages by
 * scripts/build-snapshotter.sh). Each "no" comes with the reason, said once by the sandbox.
 */
import { accessSync, closeSync, constants, existsSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './processes.js';

const REQUIRED = ['containerd', 'runc', 'ctr-remote', 'nsenter', 'socat'] as const;

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why containers cannot run here, or undefined when they can. */
export function containersUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'containers need Linux';
  if (process.getuid?.() !== 0) return 'containers need root (containerd, runc and mounts)';
  const missing = REQUIRED.filter((binary) => !onPath(binary));
  if (missing.length > 0) return `${missing.join(', ')} not found (bash scripts/setup-system.sh installs them)`;
  return undefined;
}

/** Why lazy pulling cannot work here (so layers are pulled whole onto overlayfs), or undefined when it can. */
export function fuseUnavailable(): string | undefined {
  try {
    closeSync(openSync('/dev/fuse', 'r+'));
    return undefined;
  } catch (error) {
    return `/dev/fuse cannot be opened (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}

/** The repository's root (where scripts/ is), looked for upwards from this module, or from dist/ once bundled. */
function repositoryRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'build-snapshotter.sh')) && existsSync(join(dir, 'sandbox', 'snapshotter'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The snapshotter daemon's binary: MESHAGENT_SANDBOX_STARGZ when set, else built (or found up to date) by
 * scripts/build-snapshotter.sh under the repository's .cache/. Throws with the reason when there is none.
 */
export async function stargzBinary(): Promise<string> {
  const given = process.env.MESHAGENT_SANDBOX_STARGZ;
  if (given) return given;
  const root = repositoryRoot();
  if (!root) throw new Error('scripts/build-snapshotter.sh is not here to build the stargz snapshotter daemon');
  const built = await runCommand('bash', [join(root, 'scripts', 'build-snapshotter.sh')], { timeoutMs: 600_000 });
  if (built.code !== 0) throw new Error(`scripts/build-snapshotter.sh failed: ${built.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const path = built.stdout.trim().split('\n').at(-1) ?? '';
  return path.startsWith('/') ? path : join(root, path);
}
