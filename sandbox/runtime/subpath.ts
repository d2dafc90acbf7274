/**
 * A mount's subpath on this machine's file system, resolved under its root (room storage, a room volume, another
 * image's root). The plan refuses `..` by spelling alone; this follows the symbolic links on the way as the bind
 * mount itself would, and refuses a path that leads outside its root: a container can make links in room storage,
 * and an image can ship links (`etc -> /`), and neither may reach the host's files through a mount.
 */
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
}

/** The subpath's parts, without empty ones (the plan has refused `..` already; it is refused again here). */
function partsOf(subpath: string, what: string): string[] {
  const parts = subpath.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new Error(`${what}: the subpath ${JSON.stringify(subpath)} leaves its source`);
  return parts;
}

/**
 * Walks `subpath` under `root` one part at a time, each existing part by its real path, refusing a step that
 * leads outside. Returns the real path of the longest existing prefix and the parts below it that do not exist.
 */
function walk(root: string, subpath: string, what: string): { real: string; missing: string[]; realRoot: string } {
  const realRoot = realpathSync(root);
  let real = realRoot;
  const parts = partsOf(subpath, what);
  for (const [index, part] of parts.entries()) {
    let next: string;
    try {
      next = realpathSync(join(real, part));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (lstatSync(join(real, part), { throwIfNoEntry: false })?.isSymbolicLink())
        throw new Error(`${what}: the subpath ${JSON.stringify(subpath)} goes through ${join(real, part)}, a symbolic link to nothing; refused`, {
          cause: error,
        });
      return { real, missing: parts.slice(index), realRoot };
    }
    if (!isUnder(next, realRoot))
      throw new Error(
        `${what}: the subpath ${JSON.stringify(subpath)} leads outside ${root} through a symbolic link (${join(real, part)} -> ${next}); refused`,
      );
    real = next;
  }
  return { real, missing: [], realRoot };
}

/** The real path of an existing `root/subpath`, refused when it leads outside `root` or is not there. */
export function existingUnder(root: string, subpath: string, what: string): string {
  const { real, missing } = walk(root, subpath, what);
  if (missing.length > 0) throw new Error(`${what}: the subpath ${JSON.stringify(subpath)} does not exist (no ${join(real, ...missing)})`);
  return real;
}

/**
 * The real path of `root/subpath`, its missing directories made one at a time (a link that appears meanwhile
 * makes `mkdir` fail rather than be followed), refused when it leads outside `root`.
 */
export function directoryUnder(root: string, subpath: string, what: string): string {
  mkdirSync(root, { recursive: true });
  const { real, missing, realRoot } = walk(root, subpath, what);
  let made = real;
  for (const part of missing) {
    made = join(made, part);
    mkdirSync(made);
  }
  // Checked once more as made: what the bind will use.
  const final = realpathSync(made);
  if (!isUnder(final, realRoot)) throw new Error(`${what}: the subpath ${JSON.stringify(subpath)} leads outside ${root}; refused`);
  return final;
}
