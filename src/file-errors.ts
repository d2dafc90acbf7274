/**
 * File-system surprises in an image on disk (a blob that is a directory, a file where a directory should be, a
 * file that cannot be read) as a ShipError naming the path, instead of a bare errno error with a stack.
 */
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
};

/** The ShipError for a file-system error met at `path`; `context` (what was being read or written) leads the message. */
export function fileError(error: unknown, path: string, context: string, hint?: string): ShipError {
  if (error instanceof ShipError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = (code && PROBLEMS[code]) ?? `cannot be used (${code ?? (error instanceof Error ? error.message : String(error))})`;
  // The errno error's own path may be deeper than `path` (a file under it); it names the culprit best.
  const culprit = (error as NodeJS.ErrnoException | undefined)?.path ?? path;
  return new ShipError(`${context}: ${shown(culprit)} ${problem}`, { ...(hint ? { hint } : {}), cause: error });
}
