/**
 * Files written through a stream and removed on failure. A failed pipeline settles before its file stream has
 * closed, and a stream destroyed while its file is still being opened makes the file after: removing the file (or
 * its directory) as soon as the pipeline fails can run before the open, and leave the file behind. So removal waits
 * for the stream's 'close', after which its file is made (or never will be) and its descriptor is closed.
 */
import type { WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';

/** Resolves once `stream` has closed (a failed pipeline destroys its streams; a finished file stream closes itself). */
export async function streamClosed(stream: WriteStream): Promise<void> {
  if (stream.closed) return;
  if (!stream.destroyed && !stream.writableFinished) stream.destroy();
  await new Promise<void>((resolve) => stream.once('close', () => resolve()));
}

/** Removes `path`, the file `stream` writes, once the stream has closed; never fails (the caller has its error). */
export async function removeWhenClosed(stream: WriteStream, path: string): Promise<void> {
  await streamClosed(stream);
  await rm(path, { force: true }).catch(() => {});
}
