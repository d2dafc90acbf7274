/** Items that arrive one by one (a stream's chunks), read in order by one reader, until the end or a failure. */
export class ChunkQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private done = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  push(item: T): void {
    if (this.done) return;
    this.items.push(item);
    this.notify();
  }

  /** No more items: the reader ends after those already queued. */
  end(): void {
    this.done = true;
    this.notify();
  }

  /** The reader fails with `error` after the items already queued. */
  fail(error: Error): void {
    if (this.done) return;
    this.failure = error;
    this.done = true;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.done) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
