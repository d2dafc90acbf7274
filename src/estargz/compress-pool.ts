/**
 * Parallel gzip: members are grouped into jobs and compressed by worker threads (one per core), each job into one
 * buffer of back-to-back gzip members; results come back in submission order. Small members are batched because a
 * round trip per tiny file would cost more than compressing it, and a whole 4 MiB chunk makes a job of its own.
 * Every member is an independent gzip stream, so the output is the same whatever the number of workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * The worker, as source text: evaluated in place so the bundled action needs no separate file. It gzips each member
 * of a job and sets the header's OS byte to 255 ("unknown"), so output is identical on every platform.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', ({ id, input, lengths, level }) => {
  try {
    const data = Buffer.from(input);
    const outs = [];
    let total = 0;
    let at = 0;
    for (const length of lengths) {
      const out = zlib.gzipSync(data.subarray(at, at + length), { level });
      out[9] = 0xff;
      at += length;
      outs.push(out);
      total += out.length;
    }
    const result = new Uint8Array(new ArrayBuffer(total));
    let pos = 0;
    for (const out of outs) { result.set(out, pos); pos += out.length; }
    parentPort.postMessage({ id, output: result.buffer, sizes: outs.map((o) => o.length) }, [result.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

interface JobResult {
  output: Buffer;
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

/** A fixed set of gzip workers shared by every layer of a conversion; `close()` when done. */
export class CompressPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: QueuedJob[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(readonly size = Math.max(1, availableParallelism())) {
    for (let i = 0; i < size; i += 1) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (message: { id: number; output?: ArrayBuffer; sizes?: number[]; error?: string }) => {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        this.idle.push(worker);
        this.dispatch();
        if (!waiting) return;
        if (message.error !== undefined || !message.output || !message.sizes) waiting.reject(new Error(`gzip worker failed: ${message.error ?? 'no output'}`));
        else waiting.resolve({ output: Buffer.from(message.output), sizes: message.sizes });
      });
      worker.on('error', (error) => this.fail(error));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Compresses the members laid out back to back in `input` (which is handed over, not copied). */
  compress(input: ArrayBuffer, lengths: number[], level: number): Promise<JobResult> {
    if (this.failure) return Promise.reject(this.failure);
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

/**
 * Turns a sequence of members into gzip output in order, with at most `maxInFlight` jobs out at a time so memory
 * stays bounded. `add` queues a member and returns its index; `take` hands back finished output in order, along with
 * the compressed offset of each member (known once everything before it is compressed).
 */
export class OrderedCompressor {
  private job: Buffer[][] = [];
  private jobBytes = 0;
  private readonly inFlight: Array<{ promise: Promise<JobResult>; members: number; result?: JobResult; error?: unknown }> = [];
  private membersAdded = 0;
  /** Compressed offset of each member, filled in as results arrive in order. */
  readonly memberOffsets: number[] = [];
  /** Compressed bytes handed out so far. */
  compressedBytes = 0;
  private readonly maxInFlight: number;

  constructor(
    private readonly pool: CompressPool,
    private readonly level: number,
  ) {
    this.maxInFlight = pool.size * 2 + 1;
  }

  /** Queues one member (its parts in order); returns the member's index. */
  add(parts: Buffer[]): number {
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    this.job.push(parts);
    this.jobBytes += bytes;
    const index = this.membersAdded;
    this.membersAdded += 1;
    if (this.jobBytes >= JOB_BYTES) this.sendJob();
    return index;
  }

  /** The index the next member added will get. */
  get nextMember(): number {
    return this.membersAdded;
  }

  private sendJob(): void {
    if (this.job.length === 0) return;
    const input = new Uint8Array(new ArrayBuffer(this.jobBytes));
    const lengths: number[] = [];
    let at = 0;
    for (const parts of this.job) {
      let length = 0;
      for (const part of parts) {
        input.set(part, at);
        at += part.length;
        length += part.length;
      }
      lengths.push(length);
    }
    const entry: (typeof this.inFlight)[number] = { promise: this.pool.compress(input.buffer, lengths, this.level), members: lengths.length };
    entry.promise.then(
      (result) => (entry.result = result),
      (error: unknown) => (entry.error = error),
    );
    this.inFlight.push(entry);
    this.job = [];
    this.jobBytes = 0;
  }

  /**
   * Finished output in order: waits for the oldest job while too many are out (or all of them with `flush`), and
   * returns whatever else is already done.
   */
  async take(flush = false): Promise<Buffer[]> {
    if (flush) this.sendJob();
    const out: Buffer[] = [];
    while (this.inFlight.length > 0) {
      const head = this.inFlight[0] as (typeof this.inFlight)[number];
      const mustWait = flush || this.inFlight.length >= this.maxInFlight;
      if (head.result === undefined && head.error === undefined && !mustWait) break;
      const result = await head.promise;
      this.inFlight.shift();
      for (const size of result.sizes) {
        this.memberOffsets.push(this.compressedBytes);
        this.compressedBytes += size;
      }
      out.push(result.output);
    }
    return out;
  }
}
