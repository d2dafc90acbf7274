/**
 * The verifier's hardlink rule, in memory that does not grow with the number of hardlinks: every hardlink's target
 * must be an entry earlier in the TOC (a lazy-pulling reader resolves a hardlink by the entry it has already seen).
 *
 * While the TOC streams by, each hardlink is appended to a spill file (SpillStore: one block in memory, the rest
 * under `tempDir`). Afterwards the hardlinks are read back in batches of at most BATCH_LINKS links and BATCH_BYTES
 * of distinct target names, held in typed arrays (an open-addressing table of the targets, no object per link);
 * for each batch the TOC is read once more, up to the last link of the batch, to find where each target first
 * appears. A layer of many hardlinks costs a few more readings of its TOC instead of memory.
 */
import { cleanPath } from './toc.js';
import { SpillStore } from './spill-store.js';

/**
 * Links per batch: each costs 8 bytes in the arrays below and 24 in the table (two slots per link), so with the
 * names a batch holds at most about 6.5 MiB, allocated once. Larger batches cost fewer readings of the TOC but add
 * their size to the peak of a ship (four times this took a ship of 600,000 hardlinks past 256 MiB); a layer of
 * 600,000 hardlinks with names of about 17 bytes takes five batches.
 */
const BATCH_LINKS = 1 << 17;
/** Bytes of distinct target names per batch. */
const BATCH_BYTES = 2 << 20;
/** No target recorded yet (entry indices are below 2^32 - 1). */
const NONE = 0xffffffff;

/** The size of a batch: at most `links` hardlinks, and `bytes` of distinct target names (UTF-8). */
export interface BatchLimits {
  readonly links: number;
  readonly bytes: number;
}

/** One spilled hardlink: its place in the TOC, then its name and its link name (UTF-8, each with its length). */
interface LinkRecord {
  readonly index: number;
  readonly name: Buffer;
  readonly linkName: Buffer;
}

export class HardlinkCheck {
  /** Made at the first hardlink: a layer without any costs nothing. */
  private store: SpillStore | undefined;
  private links = 0;

  constructor(
    private readonly tempDir: string | undefined,
    private readonly limits: BatchLimits = { links: BATCH_LINKS, bytes: BATCH_BYTES },
  ) {}

  get count(): number {
    return this.links;
  }

  add(index: number, name: string, linkName: string): void {
    const nameBytes = Buffer.from(name);
    const linkBytes = Buffer.from(linkName);
    const head = Buffer.allocUnsafe(12);
    head.writeUInt32LE(index, 0);
    head.writeUInt32LE(nameBytes.length, 4);
    head.writeUInt32LE(linkBytes.length, 8);
    this.store ??= new SpillStore(this.tempDir, 'the hardlink list');
    this.store.write(Buffer.concat([head, nameBytes, linkBytes]));
    this.links += 1;
  }

  /**
   * Checks every hardlink added; `entries` reads the TOC from its start (names only matter), and is asked once per
   * batch. Calls `defect` for each hardlink whose target is not earlier, in TOC order.
   */
  async check(entries: () => AsyncGenerator<ReadonlyArray<{ name: string; type: string }>, unknown>, defect: (message: string) => void): Promise<void> {
    const linkIndex = new Uint32Array(Math.min(this.limits.links, this.links));
    const slotOf = new Uint32Array(linkIndex.length);
    const table = new TargetTable(linkIndex.length, this.limits.bytes);
    for (let done = 0; done < this.links;) {
      table.clear();
      let size = 0;
      for (const link of this.records(done)) {
        const target = cleanPath(link.linkName.toString());
        if (size > 0 && (size === linkIndex.length || !table.fits(target))) break;
        linkIndex[size] = link.index;
        slotOf[size] = table.insert(target);
        size += 1;
      }
      const last = linkIndex[size - 1] as number;
      // Links come in TOC order: entries after the batch's last link cannot be the target of any of its links.
      const toc = entries();
      try {
        let index = 0;
        reading: for (let next = await toc.next(); !next.done; next = await toc.next()) {
          for (const entry of next.value) {
            if (index >= last) break reading;
            if (entry.type !== 'chunk') table.sawAt(cleanPath(entry.name), index);
            index += 1;
          }
        }
      } finally {
        await toc.return(undefined);
      }
      let failed = false;
      for (let i = 0; i < size; i += 1) if (!(table.firstAt(slotOf[i] as number) < (linkIndex[i] as number))) failed = true;
      if (failed) {
        // Names are read back only for the links that fail.
        let i = 0;
        for (const link of this.records(done)) {
          if (i === size) break;
          if (!(table.firstAt(slotOf[i] as number) < link.index))
            defect(`TOC entry ${JSON.stringify(link.name.toString())}: hardlink target ${JSON.stringify(link.linkName.toString())} is not earlier in the TOC`);
          i += 1;
        }
      }
      done += size;
    }
  }

  close(): void {
    this.store?.close();
  }

  /** The spilled links from the `from`-th on; each record is valid until the next one is asked for. */
  private *records(from: number): Generator<LinkRecord> {
    // The pieces of the store, each after what was left of the one before (the start of a record that goes on).
    let work = Buffer.allocUnsafe(0);
    let left = 0;
    let ordinal = 0;
    for (const piece of this.store?.read() ?? []) {
      if (left + piece.length > work.length) {
        const larger = Buffer.allocUnsafe(Math.max(2 * work.length, left + piece.length));
        work.copy(larger, 0, 0, left);
        work = larger;
      }
      piece.copy(work, left);
      const length = left + piece.length;
      let at = 0;
      while (length - at >= 12) {
        const nameLength = work.readUInt32LE(at + 4);
        const end = at + 12 + nameLength + work.readUInt32LE(at + 8);
        if (end > length) break;
        if (ordinal >= from)
          yield { index: work.readUInt32LE(at), name: work.subarray(at + 12, at + 12 + nameLength), linkName: work.subarray(at + 12 + nameLength, end) };
        ordinal += 1;
        at = end;
      }
      work.copy(work, 0, at, length);
      left = length - at;
    }
  }
}

/**
 * Distinct target paths with where each first appears: an open-addressing hash table over typed arrays, the names
 * kept as UTF-8 in one buffer. A 32-bit hash picks the slot; equal names are confirmed by comparing the names.
 */
class TargetTable {
  private readonly hashes: Uint32Array;
  /** 1 + the target's number in the slot; 0 for an empty slot. */
  private readonly keys: Uint32Array;
  private readonly first: Uint32Array;
  private readonly starts: Uint32Array;
  private names = Buffer.alloc(0);
  private bytes = 0;
  private targets = 0;

  constructor(
    links: number,
    /** Bytes of distinct names the table takes before it is full. */
    private readonly maxBytes: number,
  ) {
    let capacity = 16;
    while (capacity < links * 2) capacity *= 2;
    this.hashes = new Uint32Array(capacity);
    this.keys = new Uint32Array(capacity);
    this.first = new Uint32Array(capacity);
    this.starts = new Uint32Array(links + 1);
  }

  /** Empties the table for the next batch (its memory is kept). */
  clear(): void {
    this.keys.fill(0);
    this.first.fill(NONE);
    this.bytes = 0;
    this.targets = 0;
  }

  /** Whether `target` is in the table, or its name fits in this batch's bytes. */
  fits(target: string): boolean {
    return this.find(target, hashOf(target)) !== -1 || this.bytes + Buffer.byteLength(target) <= this.maxBytes;
  }

  /** The slot of `target`, added if it is new. */
  insert(target: string): number {
    const hash = hashOf(target);
    const found = this.find(target, hash);
    if (found !== -1) return found;
    const bytes = Buffer.from(target);
    if (this.bytes + bytes.length > this.names.length) {
      const larger = Buffer.alloc(Math.max(this.names.length * 2, this.bytes + bytes.length, 4096));
      this.names.copy(larger, 0, 0, this.bytes);
      this.names = larger;
    }
    bytes.copy(this.names, this.bytes);
    this.bytes += bytes.length;
    this.targets += 1;
    this.starts[this.targets] = this.bytes;
    const mask = this.hashes.length - 1;
    let slot = hash & mask;
    while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
    this.hashes[slot] = hash;
    this.keys[slot] = this.targets;
    return slot;
  }

  /** Records that the entry at `index` has `path`, if it is a target seen for the first time. */
  sawAt(path: string, index: number): void {
    const slot = this.find(path, hashOf(path));
    if (slot !== -1 && this.first[slot] === NONE) this.first[slot] = index;
  }

  /** Where the target in `slot` first appears; NONE when it does not. */
  firstAt(slot: number): number {
    return this.first[slot] as number;
  }

  private find(path: string, hash: number): number {
    const mask = this.hashes.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const key = this.keys[slot] as number;
      if (key === 0) return -1;
      if (this.hashes[slot] === hash && this.names.toString('utf8', this.starts[key - 1], this.starts[key]) === path) return slot;
    }
  }
}

/** FNV-1a over the UTF-16 code units of a path: only picks a slot, so any spread will do. */
function hashOf(path: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i += 1) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
