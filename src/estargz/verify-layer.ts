/**
 * Checks one eStargz blob end to end, as a lazy-pulling reader depends on it: footer, TOC member and name, the TOC
 * digest against the annotation, the TOC schema and chunk continuity, every TOC offset a gzip member start whose
 * data begins with that chunk, every chunk and file digest, the decompressed stream a tar matching the TOC entry
 * for entry, and the diff_id and uncompressed size against the config and annotation. Defects are collected (not
 * thrown) so a report can list them all.
 *
 * Memory does not grow with the number of entries: the blob is read once, in order, one gzip member at a time, and
 * the TOC is read alongside it as a stream (read-toc.ts), entry by entry, each TOC entry checked against the tar
 * entry it describes. The hardlinks are spilled to a temporary file, to check that each target comes earlier in the
 * TOC with further passes over the TOC (made only when there are hardlinks; see hardlink-check.ts).
 */
import { createHash } from 'node:crypto';
import { Annotation, type Digest, DigestCounter } from '../oci/index.js';
import { fileReader, type BlobReader } from './blob-reader.js';
import { HardlinkCheck } from './hardlink-check.js';
import { type LazyPull, lazyPullOf } from './lazy-pull.js';
import { streamMember, walkMembers } from './gzip-member.js';
import { locateToc, readTocEntries, TocError, type TocFacts, type TocLocation } from './read-toc.js';
import { readTar, type TarEntry } from '../tar/index.js';
import { cleanPath, formatModtime, PREFETCH_LANDMARK, TOC_NAME, TOC_TYPES, type TocItem } from './toc.js';

export interface LayerExpectations {
  /** The layer descriptor's annotations (toc.digest, uncompressed-size). */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** The config's diff_id for this layer. */
  readonly diffId?: string | undefined;
}

export interface LayerVerifyOptions {
  /** Where the list of hardlinks spills to; default the system's temporary directory. */
  readonly tempDir?: string | undefined;
}

export interface LayerReport {
  readonly defects: string[];
  tocDigest?: Digest;
  diffId?: Digest;
  uncompressedSize?: number;
  entries?: number;
  /** What a lazy pull fetches before the container starts: the footer and TOC, and the prioritized files. */
  lazyPull?: LazyPull;
}

/** Defects beyond this many per layer are counted, not listed. */
const MAX_DEFECTS = 25;

export async function verifyLayerBlob(path: string, expect: LayerExpectations, options: LayerVerifyOptions = {}): Promise<LayerReport> {
  const reader = await fileReader(path);
  try {
    return await verifyWith(path, reader, expect, options);
  } finally {
    await reader.close();
  }
}

async function verifyWith(path: string, reader: BlobReader, expect: LayerExpectations, options: LayerVerifyOptions): Promise<LayerReport> {
  const report: LayerReport = { defects: [] };
  let suppressed = 0;
  const found: string[] = [];
  const defect = (message: string) => {
    if (found.length < MAX_DEFECTS) found.push(message);
    else suppressed += 1;
  };

  let location: TocLocation;
  try {
    location = await locateToc(reader);
  } catch (error) {
    if (!(error instanceof TocError)) throw error;
    report.defects.push(error.notEstargz ? 'not eStargz: no eStargz footer at the end of the blob' : error.message);
    return report;
  }
  const { footer, blobSize } = location;
  const hardlinks = new HardlinkCheck(options.tempDir);
  const schema = new SchemaCheck(footer.tocOffset, defect, hardlinks);
  const toc = new TocCursor(readTocEntries(reader, location), (entry) => schema.visit(entry));

  // One pass over the members: member starts (compressed -> uncompressed), the diff_id, and the tar.
  const members = new MemberStarts();
  const counter = new DigestCounter();
  const tocEnd = blobSize - footer.size;
  let aligned = true;
  async function* stream(): AsyncGenerator<Buffer> {
    for await (const member of walkMembers(path, 0, footer.tocOffset)) {
      if (aligned) members.add(member.offset, counter.size);
      counter.update(member.data);
      yield member.data;
    }
    // The TOC member, which grows with the number of entries, streams rather than being inflated whole.
    if (aligned) members.add(footer.tocOffset, counter.size);
    for await (const piece of streamMember(reader, footer.tocOffset, tocEnd)) {
      counter.update(piece);
      yield piece;
    }
  }

  let sawToc = false;
  const memberStream = stream();
  // The tar reader closes its source at the end of the archive; this view keeps the walk going for the drain below.
  const forTar: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => ({ next: () => memberStream.next() }) };
  let facts: TocFacts;
  try {
    try {
      for await (const entry of readTar(forTar)) {
        const name = entry.header.name;
        if (!aligned) continue;
        if (cleanPath(name) === TOC_NAME && !sawToc && members.startOf(footer.tocOffset) === entry.headerOffset) {
          // The TOC's own entry, where the footer says: every TOC entry must have been seen by now.
          sawToc = true;
          const missing = await toc.next();
          if (missing) {
            defect(`TOC entry ${JSON.stringify(missing.name)} and ${await toc.drain()} more are not in the tar stream`);
            aligned = false;
          }
          continue;
        }
        const tocEntry = await toc.next();
        if (!tocEntry) {
          defect(`tar entry ${JSON.stringify(name)} is not in the TOC`);
          aligned = false;
          continue;
        }
        const chunks: TocItem[] = [tocEntry];
        for (let next = await toc.peek(); next?.type === 'chunk'; next = await toc.peek()) chunks.push((await toc.next()) as TocItem);
        const mismatch = compareHeader(entry, tocEntry);
        if (mismatch) {
          defect(`tar entry ${JSON.stringify(name)} does not match TOC entry ${JSON.stringify(tocEntry.name)}: ${mismatch}`);
          aligned = false;
          continue;
        }
        if (tocEntry.type === 'reg' && entry.header.size > 0) await checkPayload(entry, chunks, (offset, inner) => members.positionOf(offset, inner), defect);
      }
      // Anything after the tar's end-of-archive marker still counts towards the diff_id.
      for await (const _rest of memberStream);
    } catch (error) {
      if (error instanceof BrokenToc) throw error;
      defect(`the decompressed stream is not a valid tar: ${(error as Error).message}`);
      aligned = false;
    } finally {
      await memberStream.return(undefined);
    }
    await toc.drain();
    facts = toc.facts as TocFacts;
    schema.finish();
    if (hardlinks.count > 0) await checkHardlinks(reader, location, hardlinks, defect);
  } catch (error) {
    // A damaged TOC is the one defect reported: what was compared against it means nothing.
    if (error instanceof BrokenToc) return { defects: [error.message] };
    throw error;
  } finally {
    hardlinks.close();
    await toc.close();
  }
  if (aligned && !sawToc) defect(`the TOC member at ${footer.tocOffset} does not start at a ${TOC_NAME} tar header in the stream`);

  report.tocDigest = facts.tocDigest;
  report.entries = facts.entries;
  report.lazyPull = lazyPullOf(blobSize, footer.tocOffset, schema.prefetchLandmarkOffset);
  report.diffId = counter.digest();
  report.uncompressedSize = counter.size;
  if (aligned) {
    if (expect.diffId !== undefined && expect.diffId !== report.diffId) defect(`diff_id ${report.diffId} does not match the config's ${expect.diffId}`);
    const size = expect.annotations?.[Annotation.estargzUncompressedSize];
    if (size !== undefined && size !== String(report.uncompressedSize))
      defect(`uncompressed size ${report.uncompressedSize} does not match the annotation ${size}`);
  }
  // What is wrong with the TOC as a whole comes first, then what was found entry by entry.
  const annotated = expect.annotations?.[Annotation.stargzTocDigest];
  if (annotated === undefined) report.defects.push(`the layer has no ${Annotation.stargzTocDigest} annotation (the snapshotter cannot mount it lazily)`);
  else if (annotated !== facts.tocDigest) report.defects.push(`TOC digest ${facts.tocDigest} does not match the annotation ${annotated}`);
  if (facts.version !== 1) report.defects.push(`TOC version is ${facts.version}, not 1`);
  report.defects.push(...found);
  if (suppressed > 0) report.defects.push(`... and ${suppressed} more defects`);
  return report;
}

/** A TocError met while the TOC streams alongside the tar. */
class BrokenToc extends Error {}

/** The TOC's entries one at a time with one of look-ahead, each shown to `visit` once, in order, as it arrives. */
class TocCursor {
  private batch: TocItem[] = [];
  private at = 0;
  private done = false;
  /** Set once every entry has been read. */
  facts: TocFacts | undefined;

  constructor(
    private readonly source: AsyncGenerator<TocItem[], TocFacts>,
    private readonly visit: (entry: TocItem) => void,
  ) {}

  async peek(): Promise<TocItem | undefined> {
    while (this.at >= this.batch.length) {
      if (this.done) return undefined;
      let next: IteratorResult<TocItem[], TocFacts>;
      try {
        next = await this.source.next();
      } catch (error) {
        if (error instanceof TocError) throw new BrokenToc(error.message);
        throw error;
      }
      if (next.done) {
        this.done = true;
        this.facts = next.value;
        this.batch = [];
        this.at = 0;
        return undefined;
      }
      this.batch = next.value;
      this.at = 0;
      for (const entry of this.batch) this.visit(entry);
    }
    return this.batch[this.at];
  }

  async next(): Promise<TocItem | undefined> {
    const entry = await this.peek();
    if (entry) this.at += 1;
    return entry;
  }

  /** Reads the rest; returns how many entries there were. */
  async drain(): Promise<number> {
    let count = 0;
    while (await this.next()) count += 1;
    return count;
  }

  async close(): Promise<void> {
    await this.source.return(undefined as unknown as TocFacts);
  }
}

/**
 * Where each gzip member starts in the uncompressed stream, for the members read but not yet passed: TOC offsets are
 * looked up in stream order (each chunk after the one before), so members before the one looked up are dropped.
 */
class MemberStarts {
  private offsets: number[] = [];
  private starts: number[] = [];
  private head = 0;

  add(offset: number, start: number): void {
    this.offsets.push(offset);
    this.starts.push(start);
  }

  /** Where the member at compressed `offset` starts, if it was read and not yet passed; drops nothing. */
  startOf(offset: number): number | undefined {
    const at = this.offsets.indexOf(offset, this.head);
    return at === -1 ? undefined : this.starts[at];
  }

  /**
   * The uncompressed position of `inner` bytes into the member at compressed `offset`; undefined if none starts
   * there. The members before it are dropped.
   */
  positionOf(offset: number | undefined, inner = 0): number | undefined {
    if (offset === undefined) return undefined;
    while (this.head < this.offsets.length && (this.offsets[this.head] as number) < offset) this.head += 1;
    if (this.head > 4096 && this.head * 2 > this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
    return this.offsets[this.head] === offset ? (this.starts[this.head] as number) + inner : undefined;
  }
}

/**
 * The TOC's own rules, entry by entry as it streams: types, required fields per type, chunk continuity, payload
 * offsets below the TOC and rising (each payload starts its own member, in stream order; entries sharing a member
 * through `innerOffset` aside). Hardlinks are handed to a HardlinkCheck.
 */
class SchemaCheck {
  private index = 0;
  private file: { item: TocItem; next: number; size: number } | undefined;
  private lastOffset: { offset: number; name: string } | undefined;
  prefetchLandmarkOffset: number | undefined;

  constructor(
    private readonly tocOffset: number,
    private readonly defect: (message: string) => void,
    private readonly hardlinks: HardlinkCheck,
  ) {}

  visit(e: TocItem): void {
    const index = this.index;
    this.index += 1;
    const label = `TOC entry ${JSON.stringify(e.name)}`;
    const hasPayload = e.type === 'chunk' || (e.type === 'reg' && (e.size ?? 0) > 0);
    if (e.type !== 'chunk') this.closeFile();
    if (e.type === 'reg' && e.digest === undefined) this.defect(`${label} has no digest`);
    if ((e.type === 'symlink' || e.type === 'hardlink') && !e.linkName) this.defect(`${label} (${e.type}) has no linkName`);
    if (e.type === 'hardlink' && e.linkName) this.hardlinks.add(index, e.name, e.linkName);
    if (this.prefetchLandmarkOffset === undefined && e.name === PREFETCH_LANDMARK) this.prefetchLandmarkOffset = e.offset ?? 0;
    if (hasPayload) {
      if (e.offset === undefined) this.defect(`${label} has no offset`);
      else if (e.offset >= this.tocOffset) this.defect(`${label}: offset ${e.offset} is past the TOC (${this.tocOffset})`);
      else if (e.innerOffset === undefined) {
        const last = this.lastOffset;
        if (last && e.offset === last.offset) this.defect(`${label} shares offset ${e.offset} with ${JSON.stringify(last.name)}`);
        else if (last && e.offset < last.offset)
          this.defect(`${label}: offset ${e.offset} comes before the offset ${last.offset} of ${JSON.stringify(last.name)}, which is earlier in the TOC`);
        this.lastOffset = { offset: e.offset, name: e.name };
      }
      if (e.chunkDigest === undefined) this.defect(`${label} (${e.type}${e.type === 'chunk' ? ` at ${e.chunkOffset ?? 0}` : ''}) has no chunkDigest`);
    }
    if (e.type === 'chunk') {
      const file = this.file;
      if (!file || file.item.name !== e.name) {
        this.defect(`${label}: a chunk entry does not follow its file${index === 0 ? ' (it is the first entry)' : ''}`);
        return;
      }
      if ((e.chunkOffset ?? 0) !== file.next) this.defect(`${label}: chunk at ${e.chunkOffset ?? 0}, expected ${file.next}`);
      file.next = (e.chunkOffset ?? 0) + (e.chunkSize || file.size - (e.chunkOffset ?? 0));
      return;
    }
    if (e.type === 'reg' && (e.size ?? 0) > 0) this.file = { item: e, next: e.chunkSize || (e.size ?? 0), size: e.size ?? 0 };
  }

  finish(): void {
    this.closeFile();
  }

  private closeFile(): void {
    const file = this.file;
    if (file && file.next !== file.size) this.defect(`TOC entry ${JSON.stringify(file.item.name)}: its chunks cover ${file.next} of ${file.size} bytes`);
    this.file = undefined;
  }
}

/** Each hardlink's target must be an entry earlier in the TOC (a TOC broken on a further pass is a BrokenToc). */
async function checkHardlinks(reader: BlobReader, location: TocLocation, hardlinks: HardlinkCheck, defect: (m: string) => void): Promise<void> {
  try {
    await hardlinks.check(() => readTocEntries(reader, location), defect);
  } catch (error) {
    if (error instanceof TocError) throw new BrokenToc(error.message);
    throw error;
  }
}

/** What the TOC says about an entry against what its tar header says; undefined when they agree. */
function compareHeader(entry: TarEntry, e: TocItem): string | undefined {
  const h = entry.header;
  const xattrs = h.xattrs.size > 0 ? Object.fromEntries([...h.xattrs].map(([k, v]) => [k, v.toString('base64')])) : undefined;
  const checks: Array<[string, unknown, unknown]> = [
    ['name', h.name, e.name],
    ['type', TOC_TYPES[h.type], e.type],
    ['size', h.size, e.size ?? 0],
    ['mode', h.mode, e.mode ?? 0],
    ['uid', h.uid, e.uid ?? 0],
    ['gid', h.gid, e.gid ?? 0],
    ['modtime', formatModtime(h.mtime), e.modtime ?? ''],
    ['linkName', h.type === '1' || h.type === '2' ? h.linkName : '', h.type === '1' || h.type === '2' ? (e.linkName ?? '') : ''],
    ['devMajor', h.devMajor, e.devMajor ?? 0],
    ['devMinor', h.devMinor, e.devMinor ?? 0],
    ['xattrs', JSON.stringify(xattrs ?? {}), JSON.stringify(e.xattrs ?? {})],
  ];
  for (const [field, tar, toc] of checks) if (tar !== toc) return `${field} is ${JSON.stringify(tar)} in the tar, ${JSON.stringify(toc)} in the TOC`;
  return undefined;
}

/** Hashes each chunk as the tar stream delivers it and checks it starts a gzip member at its TOC offset. */
async function checkPayload(
  entry: TarEntry,
  chunks: TocItem[],
  positionOf: (offset: number | undefined, inner?: number) => number | undefined,
  defect: (m: string) => void,
): Promise<void> {
  const name = JSON.stringify(entry.header.name);
  const size = entry.header.size;
  const fileHash = createHash('sha256');
  let index = 0;
  let chunkHash = createHash('sha256');
  let done = 0;
  const chunkEnd = (i: number) => {
    const c = chunks[i] as TocItem;
    return c.chunkOffset === undefined && i === 0 ? c.chunkSize || size : (c.chunkOffset ?? 0) + (c.chunkSize || size - (c.chunkOffset ?? 0));
  };
  const finishChunk = () => {
    const c = chunks[index] as TocItem;
    const at = c.chunkOffset ?? 0;
    const digest = `sha256:${chunkHash.digest('hex')}`;
    if (c.chunkDigest !== undefined && digest !== c.chunkDigest) defect(`${name}: chunk at ${at} has digest ${digest}, the TOC says ${c.chunkDigest}`);
    const position = positionOf(c.offset, c.innerOffset ?? 0);
    if (position === undefined) defect(`${name}: TOC offset ${c.offset} of the chunk at ${at} is not the start of a gzip member`);
    else if (position !== entry.payloadOffset + at) defect(`${name}: the gzip member at ${c.offset} does not start with the chunk at ${at}`);
    index += 1;
    chunkHash = createHash('sha256');
  };
  for await (let piece of entry.body()) {
    fileHash.update(piece);
    while (piece.length > 0 && index < chunks.length) {
      if (chunkEnd(index) <= done) {
        finishChunk();
        continue;
      }
      const take = Math.min(piece.length, chunkEnd(index) - done);
      chunkHash.update(piece.subarray(0, take));
      done += take;
      piece = piece.subarray(take);
      if (done === chunkEnd(index)) finishChunk();
    }
  }
  if (index < chunks.length) defect(`${name}: its chunks do not cover its ${size} bytes`);
  const digest = `sha256:${fileHash.digest('hex')}`;
  const expected = chunks[0]?.digest;
  if (expected !== undefined && digest !== expected) defect(`${name}: file digest ${digest} does not match the TOC's ${expected}`);
}
