/**
 * Blob uploads: POST to open a session, then either one PUT with the whole blob or, for large blobs, PATCH chunks
 * and a closing PUT. Each request goes out once (the HTTP client does not replay it: the session's state moves
 * with every byte the registry receives). When one fails in a way worth retrying, the upload asks the registry how
 * much it holds (GET on the session, `Range: 0-N`) and goes on from there; a registry that dropped the session (CNCF
 * distribution 2.x does when a chunk arrived in part) gets a new session from byte 0. The registry checks the digest
 * on the final PUT, and we check the digest it reports. Each resume or restart is a retry of the registry's HTTP
 * client: it waits as the client would (Retry-After, else jittered backoff) and is counted with the client's own.
 */
import { Readable } from 'node:stream';
import { ShipError } from '../errors.js';
import { HttpError, type HttpResponse } from '../http.js';
import type { Digest } from './digest.js';
import type { RepositoryClient } from './registry.js';

/**
 * Blobs up to this size go in one PUT; larger ones in chunks of `chunkSize`. Chunks cost time (on loopback a 200 MB
 * blob took about 20% longer in 64 MB chunks than in one PUT), so only blobs where a resume saves real work get them.
 */
const DEFAULT_CHUNK_THRESHOLD = 256 * 1024 * 1024;
/** The size of one PATCH of a chunked upload (nothing to do with the chunks of an eStargz layer). */
const DEFAULT_UPLOAD_CHUNK_SIZE = 64 * 1024 * 1024;
/** Failures (each followed by a resume or restart) one blob may have before the upload gives up. */
const MAX_FAILURES = 5;

export interface UploadOptions {
  /** Blobs larger than this are sent in chunks. */
  readonly chunkThreshold?: number;
  readonly chunkSize?: number;
  /** Called as bytes are acknowledged by the registry. */
  readonly onBytes?: (bytes: number) => void;
  /** One line per resume or restart (the retry itself is logged by the HTTP client). */
  readonly log?: (line: string) => void;
}

export interface UploadResult {
  /** Bytes sent in all, counting those sent again after a failure. */
  readonly bytesSent: number;
  /** Times the upload went on from the registry's reported offset. */
  readonly resumes: number;
  /** Times the registry had dropped the session and the upload began again. */
  readonly restarts: number;
}

/** The bytes [start, end) of the blob, as a fresh stream. */
export type BlobSource = (start: number, end: number) => Readable;

/** Uploads `size` bytes from `source` as blob `digest`. */
export async function uploadBlob(repo: RepositoryClient, digest: Digest, size: number, source: BlobSource, options: UploadOptions = {}): Promise<UploadResult> {
  const upload = new Upload(repo, digest, size, source, options);
  return upload.run();
}

class Upload {
  private location = '';
  private offset = 0;
  private bytesSent = 0;
  private resumes = 0;
  private restarts = 0;
  /** Whether the upload began again after the registry computed another digest (done once at most). */
  private restartedForDigest = false;
  private readonly what: string;
  private readonly chunked: boolean;
  private readonly chunkSize: number;

  constructor(
    private readonly repo: RepositoryClient,
    private readonly digest: Digest,
    private readonly size: number,
    private readonly source: BlobSource,
    private readonly options: UploadOptions,
  ) {
    this.what = `upload blob ${digest} to ${repo.where}`;
    this.chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_UPLOAD_CHUNK_SIZE);
    this.chunked = size > (options.chunkThreshold ?? DEFAULT_CHUNK_THRESHOLD);
  }

  async run(): Promise<UploadResult> {
    await this.open();
    for (let failures = 0; ;) {
      try {
        if (this.chunked) {
          while (this.offset < this.size) await this.patch(Math.min(this.size, this.offset + this.chunkSize));
          await this.finish(false);
        } else {
          await this.finish(true);
        }
        return { bytesSent: this.bytesSent, resumes: this.resumes, restarts: this.restarts };
      } catch (error) {
        failures += 1;
        const digestRejected = isDigestInvalid(error);
        // distribution cancels the session when the closing PUT fails the digest check, so the upload starts again,
        // reading the bytes from disk again, once: a second refusal means the blob on disk does not match its name.
        // (go-containerregistry never retries it: DIGEST_INVALID is not among its temporary error codes.)
        const again = error instanceof HttpError && (digestRejected ? !this.restartedForDigest : error.retryable);
        if (!again || failures >= MAX_FAILURES) throw this.failed(error, failures);
        await this.repo.client.http.retryAfter(error, failures, MAX_FAILURES - 1, { label: this.what });
        if (digestRejected) this.restartedForDigest = true;
        await this.recover(error, failures, digestRejected);
      }
    }
  }

  /** A new session: POST, keep its Location, start at byte 0. */
  private async open(): Promise<void> {
    // A new upload session: asking twice only leaves an unused session behind, which the registry purges.
    const answer = await this.repo.send({ method: 'POST', url: `/v2/${this.repo.name}/blobs/uploads/`, accept: [202], what: this.what, idempotent: true });
    this.location = this.locationOf(answer);
    this.offset = 0;
  }

  /** After a failure: go on from what the registry holds, or open a new session when it holds none (or must not be used). */
  private async recover(error: HttpError, failures: number, restart: boolean): Promise<void> {
    const reason = error.message;
    const status = this.chunked && !restart ? await this.status() : undefined;
    if (status) {
      this.location = status.location;
      this.offset = status.offset;
      this.resumes += 1;
      this.log(`${this.what}: ${reason}; resuming at byte ${status.offset} of ${this.size} (failure ${failures})`);
      return;
    }
    this.restarts += 1;
    this.log(`${this.what}: ${reason}; the registry kept nothing of it, starting again (failure ${failures})`);
    await this.repo.cancelUpload(this.location);
    await this.open();
  }

  /** The session's state (GET on its URL): the next offset and the URL to go on with; undefined when it is gone. */
  private async status(): Promise<{ offset: number; location: string } | undefined> {
    let answer: HttpResponse;
    try {
      answer = await this.repo.send({ method: 'GET', url: this.location, accept: [204, 400, 404], what: `check an upload to ${this.repo.where}` });
    } catch {
      return undefined;
    }
    if (answer.status !== 204) return undefined;
    // `Range: 0-N` means bytes 0..N are held; a fresh session reports 0-0 (or nothing) with no byte yet.
    const range = /^(?:bytes=)?0-(\d+)$/.exec(answer.headers.range?.trim() ?? '');
    const last = range ? Number(range[1]) : -1;
    const offset = last <= 0 && this.offset === 0 ? 0 : last + 1;
    if (offset > this.size) return undefined;
    return { offset, location: answer.headers.location ? this.repo.resolve(answer.headers.location) : this.location };
  }

  /** Sends bytes [offset, end) as one chunk. */
  private async patch(end: number): Promise<void> {
    const start = this.offset;
    const answer = await this.repo.send({
      method: 'PATCH',
      url: this.location,
      headers: { 'content-type': 'application/octet-stream', 'content-range': `${start}-${end - 1}`, 'content-length': String(end - start) },
      body: () => this.counted(this.source(start, end)),
      accept: [202],
      maxAttempts: 1,
      // Not sent again as it is: after a failure the upload asks the registry how far it got and resumes from there.
      idempotent: true,
      timeoutMs: uploadTimeoutMs(end - start),
      what: `${this.what} (bytes ${start}-${end - 1})`,
    });
    this.location = this.locationOf(answer);
    this.offset = end;
    this.options.onBytes?.(end - start);
  }

  /** The closing PUT, with the whole blob (monolithic) or with no body (after chunks); checks the digest reported. */
  private async finish(withBody: boolean): Promise<void> {
    const url = new URL(this.location);
    url.searchParams.set('digest', this.digest);
    const answer = await this.repo.send({
      method: 'PUT',
      url: url.toString(),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(withBody ? this.size : 0) },
      ...(withBody ? { body: () => this.counted(this.source(0, this.size)) } : {}),
      accept: [201],
      maxAttempts: 1,
      timeoutMs: uploadTimeoutMs(withBody ? this.size : 0),
      what: this.what,
    });
    if (withBody) this.options.onBytes?.(this.size);
    const theirs = answer.headers['docker-content-digest'];
    if (theirs && theirs !== this.digest)
      throw new ShipError(`${this.what}: the registry stored it as ${theirs}`, { hint: 'the registry altered the blob: report this registry' });
  }

  /**
   * Counts bytes as the HTTP client reads them, so a report shows what was sent again after a failure. (A 'data'
   * listener would switch the stream to flowing mode and lose what it emits before the client starts reading.)
   */
  private counted(stream: Readable): Readable {
    const count = (bytes: number): void => {
      this.bytesSent += bytes;
    };
    return Readable.from(
      (async function* () {
        try {
          for await (const chunk of stream) {
            count((chunk as Buffer).length);
            yield chunk as Buffer;
          }
        } finally {
          stream.destroy();
        }
      })(),
      { objectMode: false },
    );
  }

  private locationOf(answer: HttpResponse): string {
    const location = answer.headers.location;
    if (!location)
      throw new ShipError(`${this.what}: the registry answered ${answer.status} without a Location`, {
        hint: 'the registry does not follow the distribution API',
      });
    return this.repo.resolve(location);
  }

  private failed(error: unknown, failures: number): unknown {
    if (isDigestInvalid(error)) {
      return new ShipError(`${this.what}: the registry computed another digest for the bytes sent`, {
        hint: 'the local blob does not match its name: the image on disk is corrupt; write it again',
        cause: error,
      });
    }
    if (failures > 1 && error instanceof Error) error.message += ` (after ${failures - 1} resumed or restarted attempts)`;
    return error;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/** Generous: a minute, plus a second per MB (a slow link still finishes; a dead one is noticed by the idle timeout). */
function uploadTimeoutMs(bytes: number): number {
  return 60_000 + Math.ceil(bytes / 1000);
}

/** The closing PUT's "the bytes have another digest" (distribution answers 400 DIGEST_INVALID). */
function isDigestInvalid(error: unknown): boolean {
  // The snippet may be cut short, so the code is looked for rather than the JSON parsed.
  return error instanceof HttpError && error.status === 400 && /\bDIGEST_INVALID\b/.test(error.bodySnippet);
}
