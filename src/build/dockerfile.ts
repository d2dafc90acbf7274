/**
 * Finds the Dockerfile of a build as the MeshAgent CLI does: the `file` input relative to the context, else
 * `Containerfile`, else `Dockerfile`, in the context. The file must stay inside the context (links resolved),
 * so a build never reads a Dockerfile from elsewhere on the machine.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ShipError } from '../errors.js';

export interface BuildFiles {
  /** The context directory, absolute and with links resolved. */
  readonly context: string;
  /** The Dockerfile, absolute and with links resolved. */
  readonly dockerfile: string;
}

const DEFAULT_NAMES = ['Containerfile', 'Dockerfile'];

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

export async function resolveBuildFiles(context: string, file: string | undefined): Promise<BuildFiles> {
  const contextDir = await realpath(resolve(context)).catch(() => undefined);
  if (contextDir === undefined || !(await stat(contextDir)).isDirectory()) {
    throw new ShipError(`context ${context} is not a directory`, {
      input: 'context',
      hint: 'set context to the directory holding the Dockerfile and the files it copies',
    });
  }
  if (file === undefined) {
    for (const name of DEFAULT_NAMES) {
      const candidate = join(contextDir, name);
      if (!(await isFile(candidate))) continue;
      const real = await realpath(candidate);
      if (!inside(contextDir, real))
        throw new ShipError('file must stay inside the context', { input: 'file', hint: `${name} links to a file outside the context` });
      return { context: contextDir, dockerfile: real };
    }
    throw new ShipError(`no Dockerfile or Containerfile found in the context ${context}; add one or set the file input`, {
      input: 'file',
      hint: 'set file to the Dockerfile path relative to the context, e.g. file: docker/Dockerfile',
    });
  }
  if (isAbsolute(file))
    throw new ShipError('file must be relative to the context', { input: 'file', hint: 'give the Dockerfile path relative to the context' });
  const given = resolve(contextDir, file);
  if (!inside(contextDir, given))
    throw new ShipError('file must stay inside the context', { input: 'file', hint: 'move the Dockerfile into the context, or widen the context' });
  const real = await realpath(given).catch(() => undefined);
  if (real === undefined || !(await isFile(real))) {
    throw new ShipError(`Dockerfile does not exist: ${join(context, file)}`, {
      input: 'file',
      hint: 'set file to the Dockerfile path relative to the context',
    });
  }
  if (!inside(contextDir, real))
    throw new ShipError('file must stay inside the context', { input: 'file', hint: `${file} links to a file outside the context` });
  return { context: contextDir, dockerfile: real };
}
