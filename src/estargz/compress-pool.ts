/**
 * Parallel gzip: members are grouped into jobs and compressed by worker threads (one per core), each member into a
 * gzip stream of its own; results come back in submission order. Small members are batched because a round trip per
 * tiny file would cost more than compressing it, and a whole 4 MiB chunk makes a job of its own.
 * Every member is an independent gzip stream, so the output is the same whatever the number of workers.
 *
 * Memory: every buffer a job touches goes back to the main thread. The input buffer returns with the result and is
 * reused for a later job, and the job's gzip output, made to its exact size, is handed over rather than copied. A
 * thread that drops large buffers keeps tens of megabytes of them until its own garbage collector runs, so this way
 * only the main thread does, and the workers allocate nothing that outlives a job but one scratch buffer each (as
 * large as the largest job's worst-case output), which they keep.
 */
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';

/**
 * The worker, as source text: evaluated in place so a bundled program needs no separate file. It gzips each member
 * of a job and sets the header's OS byte to 255 ("unknown"), so output is identical on every platform.
 *
 * Each member is compressed by a new zlib stream (a reset one is not enough: after a large member, deflateReset
 * gives other bytes for some inputs) straight into one scratch buffer that the worker keeps, and the job's output
 * goes back as one buffer of its exact size. zlib.gzipSync would make a worst-case output buffer per member, so the
 * main thread, where the buffers end up, had two to three times the bytes to collect (a compressed chunk is a third
 * of its buffer), and ran a full garbage collection every few megabytes of input. The stream is driven through the
 * handle Node's own zlibBufferSync uses (writeSync with Z_FINISH and room for the worst case, so one call finishes
 * it); where a Node lacks that handle, zlib.gzipSync does the same work.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
let scratch = Buffer.alloc(0);
// Room for a member's output: more than zlib's deflateBound with the gzip wrapper, and the room zlib.gzipSync was
// given before (at level 0, stored blocks come out differently in another amount of room).
const bound = (length) => Math.max(4096, length + (length >> 10) + 1024);
function gzipInto(data, at, length, level, out, outAt) {
  // The smallest output chunk: the stream's own output buffer is never used.
  const stream = new zlib.Gzip({ level, chunkSize: 64 });
  const handle = stream._handle;
  if (!handle || typeof handle.writeSync !== 'function' || !stream._writeState) {
    stream.close();
    const made = zlib.gzipSync(data.subarray(at, at + length), { level });
    out.set(made, outAt);
    return made.length;
  }
  const room = bound(length);
  try {
    handle.writeSync(zlib.constants.Z_FINISH, data, at, length, out, outAt, room);
    const [outLeft, inLeft] = stream._writeState;
    if (inLeft !== 0 || outLeft === 0) throw new Error('zlib did not finish a member in one call');
    return room - outLeft;
  } finally {
    stream.close();
  }
}
parentPort.on('message', ({ id, input, lengths, level }) => {
  try {
    const data = Buffer.from(input);
    let room = 0;
    for (const length of lengths) room += bound(length);
    if (scratch.length < room) scratch = Buffer.allocUnsafeSlow(room);
    const sizes = [];
    let at = 0;
    let outAt = 0;
    for (const length of lengths) {
      const size = gzipInto(data, at, length, level, scratch, outAt);
      scratch[outAt + 9] = 0xff;
      sizes.push(size);
      at += length;
      outAt += size;
    }
    const output = new Uint8Array(outAt);
    output.set(scratch.subarray(0, outAt));
    parentPort.postMessage({ id, input, output, sizes }, [input, output.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, input, error: String(error && error.message || error) }, [input]);
  }
});
`;

interface JobResult {
  /** The job's input buffer, handed back for reuse. */
  input: ArrayBuffer;
  /** The job's gzip members back to back, one per input member, in order. */
  output: Uint8Array;
  /** The size of each member in `output`. */
  sizes: number[];
}

interface Pending {
  resolve: (result: JobResult) => void;
  reject: (error: Error) => void;
}

interface QueuedJob {
  id: number;
  input: ArrayBuffer;
  lengths: number[];
  level: number;
}

interface WorkerMessage {
  id: number;
  input: ArrayBuffer;
  output?: Uint8Array;
  sizes?: number[];
  error?: string;
}

/** A fixed set of gzip workers shared by every layer of a conversion; `close()` when done. */
export class CompressPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: QueuedJob[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(readonly size = Math.max(1, availableParallelism())) {}

  /**
   * The workers start with the first job, not with the pool: a re-ship whose layers are all reused converts
   * nothing, and starting them cost it tens of milliseconds of wall time and twice that of CPU.
   */
  private start(): void {
    for (let i = 0; i < this.size; i += 1) {
      // A worker's heap holds little (buffers are not on it), so its young generation is kept small.
      const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
      worker.on('message', (message: WorkerMessage) => {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        this.idle.push(worker);
        this.dispatch();
        if (!waiting) return;
        if (message.error !== undefined || !message.output || !message.sizes) waiting.reject(new Error(`gzip worker failed: ${message.error ?? 'no output'}`));
        else waiting.resolve({ input: message.input, output: message.output, sizes: message.sizes });
      });
      worker.on('error', (error) => this.fail(error));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /**
   * Compresses the members laid out back to back at the start of `input`, which is handed over (not copied) and
   * comes back with the result.
   */
  compress(input: ArrayBuffer, lengths: number[], level: number): Promise<JobResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) this.start();
    const id = (this.nextId += 1);
    return new Promise<JobResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, input, lengths, level });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.idle.length > 0) {
      const job = this.queue.shift() as QueuedJob;
      const worker = this.idle.pop() as Worker;
      worker.postMessage(job, [job.input]);
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Jobs are cut at this many uncompressed bytes, so tiny members travel in batches. */
const JOB_BYTES = 1 << 20;
/** Input buffers are allocated in multiples of this. */
const SLAB_UNIT = 1 << 18;

interface InFlight {
  promise: Promise<JobResult>;
  done: boolean;
}

/**
 * Turns a sequence of members into gzip output in order. `add` queues a member and returns its index; `take` hands
 * back finished output in order, along with the compressed offset of each member (known once everything before it is
 * compressed). A job is cut once it holds JOB_BYTES and sent when a worker is free; until then it is only a list of
 * the caller's buffers, so few jobs are ever copied out at once (into input buffers that are reused).
 */
export class OrderedCompressor {
  private job: Buffer[][] = [];
  private jobBytes = 0;
  /** Jobs cut but not sent yet. */
  private readonly ready: Buffer[][][] = [];
  /** Jobs sent, oldest first, until their output is taken. */
  private readonly inFlight: InFlight[] = [];
  /** Jobs sent and not finished. */
  private running = 0;
  private wake: (() => void) | undefined;
  /** Input buffers back from the workers, ready for reuse; all `slabBytes` long. */
  private readonly spare: ArrayBuffer[] = [];
  /** The size input buffers are made: the largest job so far, so that any of them serves any job. */
  private slabBytes = 0;
  private membersAdded = 0;
  /** Compressed offset of each member, filled in as results arrive in order. */
  readonly memberOffsets: number[] = [];
  /** Compressed bytes handed out so far. */
  compressedBytes = 0;

  constructor(
    private readonly pool: CompressPool,
    private readonly level: number,
  ) {}

  /** Queues one member (its parts in order, kept until the member is sent); returns the member's index. */
  add(parts: Buffer[]): number {
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    // A large member (a whole chunk) travels alone, so input buffers need be no larger than the largest member.
    if (bytes >= JOB_BYTES) this.cutJob();
    this.job.push(parts);
    this.jobBytes += bytes;
    const index = this.membersAdded;
    this.membersAdded += 1;
    if (this.jobBytes >= JOB_BYTES) this.cutJob();
    return index;
  }

  /** The index the next member added will get. */
  get nextMember(): number {
    return this.membersAdded;
  }

  /**
   * Sends every job that is ready, waiting for a worker to be free when none is, and returns the output finished so
   * far, in order; with `flush`, the job being gathered too, and waits for all of it.
   */
  async take(flush = false): Promise<Buffer[]> {
    if (flush) this.cutJob();
    const out: Buffer[] = [];
    while (this.ready.length > 0) {
      if (this.running < this.pool.size && this.inFlight.length < 2 * this.pool.size) this.send(this.ready.shift() as Buffer[][]);
      else if (this.running >= this.pool.size) await new Promise<void>((resolve) => (this.wake = resolve));
      else out.push(await this.finishOldest()); // jobs finished out of order wait for the oldest: not too many
      while (this.inFlight[0]?.done) out.push(await this.finishOldest());
    }
    while (this.inFlight.length > 0 && (flush || this.inFlight[0]?.done)) out.push(await this.finishOldest());
    return out;
  }

  private cutJob(): void {
    if (this.job.length === 0) return;
    this.ready.push(this.job);
    this.job = [];
    this.jobBytes = 0;
  }

  private send(members: Buffer[][]): void {
    let bytes = 0;
    for (const parts of members) for (const part of parts) bytes += part.length;
    const slab = this.slab(bytes);
    const input = new Uint8Array(slab);
    const lengths: number[] = [];
    let at = 0;
    for (const parts of members) {
      let length = 0;
      for (const part of parts) {
        input.set(part, at);
        at += part.length;
        length += part.length;
      }
      lengths.push(length);
    }
    const entry: InFlight = { promise: this.pool.compress(slab, lengths, this.level), done: false };
    this.running += 1;
    const settle = () => {
      entry.done = true;
      this.running -= 1;
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    };
    entry.promise.then(settle, settle);
    this.inFlight.push(entry);
  }

  private async finishOldest(): Promise<Buffer> {
    const result = await (this.inFlight[0] as InFlight).promise;
    this.inFlight.shift();
    this.recycle(result.input);
    for (const size of result.sizes) {
      this.memberOffsets.push(this.compressedBytes);
      this.compressedBytes += size;
    }
    const { output } = result;
    return Buffer.from(output.buffer, output.byteOffset, output.length);
  }

  /** A spare input buffer for a job of `bytes`, else a new one. */
  private slab(bytes: number): ArrayBuffer {
    if (bytes > this.slabBytes) {
      this.slabBytes = Math.ceil(bytes / SLAB_UNIT) * SLAB_UNIT;
      this.spare.length = 0;
    }
    return this.spare.pop() ?? new ArrayBuffer(this.slabBytes);
  }

  /**
   * Keeps a returned input buffer for a later job. As many are kept as can be in flight at once: several jobs are
   * often sent between two results, and a new buffer each time (zeroed, and counted by V8 as external memory, which
   * starts a full garbage collection every few tens of megabytes) cost more than the copy into it. The most that
   * can exist is unchanged: in flight or spare, never more than 2 * pool.size + 1.
   */
  private recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.slabBytes && this.spare.length <= 2 * this.pool.size) this.spare.push(buffer);
  }
}

/**
 * One gzip member compressed as a stream on the main thread (zlib runs on libuv's thread pool), for a member too
 * large to hold whole: the TOC. The header's OS byte is set to 255 as the workers do.
 */
export async function* gzipStream(parts: Iterable<Buffer>, level: number): AsyncGenerator<Buffer> {
  const gzip = zlib.createGzip({ level });
  const source = Readable.from(parts);
  source.on('error', (error) => gzip.destroy(error));
  source.pipe(gzip);
  let position = 0;
  for await (const chunk of gzip as AsyncIterable<Buffer>) {
    if (position <= 9 && position + chunk.length > 9) chunk[9 - position] = 0xff;
    position += chunk.length;
    yield chunk;
  }
}
