/**
 * One build at a time in a kept step cache. buildah's storage takes concurrent builds, but a build keeps only its
 * own step images when it ends (it removes the others, with the containers of a build still running on them):
 * a second build of the same scope in the same cache-dir builds without the cache instead. The lock is a file
 * holding the owner's process id; one whose process is gone (a killed run) is taken over.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type CacheLock = { readonly release: () => Promise<void> } | { readonly heldBy: number };

export async function lockCache(dir: string): Promise<CacheLock> {
  const path = `${dir}.lock`;
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt += 1) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (attempt === 0 && !(owner > 0 && alive(owner))) {
      await rm(path, { force: true });
      continue;
    }
    return { heldBy: owner };
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
