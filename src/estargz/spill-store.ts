/**
 * Append-only bytes kept off the heap: one block in memory, and every full block written to a temporary file, made
 * on first need under the directory given and removed by `close()`. The TOC builder keeps its serialised entries
 * here, so a layer of many thousands of files does not keep as many objects alive for the whole conversion.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShipError } from '../errors.js';

const STORE_BLOCK = 1 << 20;

/** Append-only bytes: one block in memory, every full block written to a temporary file (made on first need). */
export class SpillStore {
  /** `tempDir`: where the file is made; default the system's temporary directory. */
  constructor(
    private readonly tempDir: string | undefined,
    /** Names the content in errors. */
    private readonly what: string,
  ) {}

  private readonly block = Buffer.allocUnsafeSlow(STORE_BLOCK);
  private used = 0;
  private spilled = 0;
  private dir: string | undefined;
  private fd: number | undefined;

  write(bytes: Buffer): void {
    if (this.used + bytes.length > STORE_BLOCK) this.flush();
    if (bytes.length > STORE_BLOCK) this.append(bytes);
    else {
      bytes.copy(this.block, this.used);
      this.used += bytes.length;
    }
  }

  /** Everything written, in order; each piece is valid only until the next one is asked for. */
  *read(): Generator<Buffer> {
    if (this.fd !== undefined) {
      const buffer = Buffer.allocUnsafe(STORE_BLOCK);
      for (let at = 0; at < this.spilled;) {
        const n = readSync(this.fd, buffer, 0, Math.min(STORE_BLOCK, this.spilled - at), at);
        if (n === 0) throw new Error(`the temporary file of ${this.what} is shorter than written`);
        at += n;
        yield buffer.subarray(0, n);
      }
    }
    yield this.block.subarray(0, this.used);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.fd = undefined;
    this.dir = undefined;
  }

  private flush(): void {
    this.append(this.block.subarray(0, this.used));
    this.used = 0;
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.fd === undefined) {
      const parent = this.tempDir ?? tmpdir();
      try {
        this.dir = mkdtempSync(join(parent, 'estargz-spill-'));
        this.fd = openSync(join(this.dir, 'spill'), 'w+');
      } catch (error) {
        throw new ShipError(`cannot write the temporary file of ${this.what} in ${parent}: ${error instanceof Error ? error.message : String(error)}`, {
          hint: this.tempDir === undefined ? 'set TMPDIR to a writable directory' : `make ${this.tempDir} writable`,
        });
      }
    }
    for (let at = 0; at < bytes.length;) at += writeSync(this.fd, bytes, at, bytes.length - at, this.spilled + at);
    this.spilled += bytes.length;
  }
}
