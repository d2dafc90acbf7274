/**
 * The sha256 and size of whole files, computed in worker threads: one per core, each hashing one file at a time.
 * Checking the blobs of an image's layers without reading them otherwise (layers reused rather than converted) can
 * mean hundreds of megabytes; on the main thread that would be slow, spread over the cores it is not. A few files
 * of less than WORKER_BYTES in all are hashed on the calling thread: starting a worker takes about as long as
 * hashing 50 MB (sha256 runs at well over 1 GB/s), and a re-ship of a small image would spend most of its time so.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Digest, DigestCounter } from './digest.js';

/** Files of less than this in all are hashed on the calling thread. */
const WORKER_BYTES = 128 * 1024 * 1024;

/** The worker, as source text, so a bundled program needs no separate file. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createReadStream } = require('node:fs');
const { createHash } = require('node:crypto');
parentPort.on('message', (path) => {
  const hash = createHash('sha256');
  let size = 0;
  createReadStream(path, { highWaterMark: 1 << 20 })
    .on('data', (chunk) => { hash.update(chunk); size += chunk.length; })
    .on('error', (error) => parentPort.postMessage({ error: { code: error.code, message: error.message, path } }))
    .on('end', () => parentPort.postMessage({ digest: 'sha256:' + hash.digest('hex'), size }));
});
`;

export interface FileHash {
  readonly digest: Digest;
  readonly size: number;
}

type Answer = FileHash | { error: { code?: string; message: string; path: string } };

/**
 * Hashes every file of `paths` (in order of the answer), at most `threads` at a time; the workers end with the call.
 * A file that cannot be read rejects with an errno-like error carrying its code and path.
 */
export async function hashFiles(paths: readonly string[], threads = availableParallelism(), workerBytes = WORKER_BYTES): Promise<FileHash[]> {
  if ((await totalSize(paths)) < workerBytes) {
    const hashes: FileHash[] = [];
    for (const path of paths) hashes.push(await hashHere(path));
    return hashes;
  }
  const results: FileHash[] = new Array<FileHash>(paths.length);
  let next = 0;
  const run = async (): Promise<void> => {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    try {
      while (next < paths.length) {
        const index = next;
        next += 1;
        const answer = await new Promise<Answer>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.postMessage(paths[index]);
        });
        worker.removeAllListeners('error');
        if ('error' in answer) throw Object.assign(new Error(answer.error.message), { code: answer.error.code, path: answer.error.path, syscall: 'read' });
        results[index] = answer;
      }
    } finally {
      await worker.terminate();
    }
  };
  const workers = Math.max(1, Math.min(threads, paths.length));
  const settled = await Promise.allSettled(Array.from({ length: paths.length === 0 ? 0 : workers }, run));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return results;
}

/** The files' sizes added up; a file that cannot be read counts as large, so the workers report it as ever. */
async function totalSize(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) total += (await stat(path).catch(() => undefined))?.size ?? Infinity;
  return total;
}

/** The worker's hash, on this thread; errors carry the path, as the worker's do. */
async function hashHere(path: string): Promise<FileHash> {
  const counter = new DigestCounter();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) counter.update(chunk as Buffer);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw Object.assign(new Error(message), { code, path, syscall: 'read' });
  }
  return { digest: counter.digest(), size: counter.size };
}
