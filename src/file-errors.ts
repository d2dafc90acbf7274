/**
 * File-system surprises in an image on disk (a blob that is a directory, a file where a directory should be, a
 * file that cannot be read) and in the places files are written (a temporary directory that cannot be made) as a
 * ShipError naming the path, instead of a bare errno error with a stack.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShipError, shown } from './errors.js';

const PROBLEMS: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory, where a file was expected',
  ENOTDIR: 'is not a directory, or a part of its path is a file where a directory was expected',
  EEXIST: 'already exists as something other than what was expected',
  ENOENT: 'does not exist',
  EACCES: 'cannot be read or written: permission denied',
  EPERM: 'cannot be read or written: operation not permitted',
  ELOOP: 'is a symbolic link loop',
  ENAMETOOLONG: 'is a name too long for the file system',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'is on a file system with no space left',
  EDQUOT: 'is on a file system whose quota is used up',
};

function problemOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code && PROBLEMS[code]) ?? `cannot be used (${code ?? (error instanceof Error ? error.message : String(error))})`;
}

/** The ShipError for a file-system error met at `path`; `context` (what was being read or written) leads the message. */
export function fileError(error: unknown, path: string, context: string, hint?: string): ShipError {
  if (error instanceof ShipError) return error;
  const problem = problemOf(error);
  // The errno error's own path may be deeper than `path` (a file under it); it names the culprit best.
  const culprit = (error as NodeJS.ErrnoException | undefined)?.path ?? path;
  return new ShipError(`${context}: ${shown(culprit)} ${problem}`, { ...(hint ? { hint } : {}), cause: error });
}

/**
 * A new directory `prefix` + random characters under `parent` (default the system's temporary directory, which
 * follows TMPDIR). A parent that is missing, not a directory or not writable is a ShipError naming it and the fix.
 */
export async function makeTempDir(parent: string | undefined, prefix: string): Promise<string> {
  const under = parent ?? tmpdir();
  try {
    return await mkdtemp(join(under, prefix));
  } catch (error) {
    throw new ShipError(`cannot create a temporary directory: ${shown(under)} ${problemOf(error)}`, {
      hint: parent === undefined ? 'point TMPDIR at a writable directory, or unset it' : `make ${shown(under)} a writable directory`,
      cause: error,
    });
  }
}
