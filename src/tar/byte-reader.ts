/**
 * Pulls exact byte counts out of a stream of buffers without holding more than the caller asks for: the tar reader
 * reads 512-byte headers and payload pieces through it, and it counts the position so errors can say where.
 */
export class ByteReader {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  /** Bytes handed out (or skipped) so far. */
  position = 0;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  static from(source: AsyncIterable<Uint8Array>): ByteReader {
    return new ByteReader(source[Symbol.asyncIterator]());
  }

  /** Waits until at least `n` bytes are queued or the source ends; says whether they are there. */
  private async fill(n: number): Promise<boolean> {
    while (this.queued < n && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else if (next.value.length > 0) {
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
        this.queue.push(chunk);
        this.queued += chunk.length;
      }
    }
    return this.queued >= n;
  }

  /** Exactly `n` bytes, or fewer only when the stream ended first (the caller decides whether that is an error). */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const take = Math.min(n, this.queued);
    const first = this.queue[0];
    let out: Buffer;
    if (first && first.length >= take) {
      out = first.subarray(0, take);
      this.consumeFront(take);
    } else {
      out = Buffer.allocUnsafe(take);
      let at = 0;
      while (at < take) {
        const head = this.queue[0] as Buffer;
        const piece = Math.min(head.length, take - at);
        head.copy(out, at, 0, piece);
        at += piece;
        this.consumeFront(piece);
      }
    }
    return out;
  }

  /** Up to `max` bytes (at least one unless the stream ended), without copying when possible. */
  async readSome(max: number): Promise<Buffer> {
    if (max <= 0) return Buffer.alloc(0);
    await this.fill(1);
    const head = this.queue[0];
    if (!head) return Buffer.alloc(0);
    const take = Math.min(max, head.length);
    const out = head.subarray(0, take);
    this.consumeFront(take);
    return out;
  }

  /** Drops `n` bytes; returns how many were really there. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const piece = await this.readSome(Math.min(left, 1 << 20));
      if (piece.length === 0) break;
      left -= piece.length;
    }
    return n - left;
  }

  /** Stops reading: closes the source (a file stream is destroyed, a generator runs its finally blocks). */
  async close(): Promise<void> {
    this.ended = true;
    this.queue.length = 0;
    this.queued = 0;
    await this.source.return?.();
  }

  private consumeFront(n: number): void {
    const head = this.queue[0] as Buffer;
    if (n === head.length) this.queue.shift();
    else this.queue[0] = head.subarray(n);
    this.queued -= n;
    this.position += n;
  }
}
