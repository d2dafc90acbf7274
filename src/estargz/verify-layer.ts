/**
 * Checks one eStargz blob end to end, as a lazy-pulling reader depends on it: footer, TOC member and name, the TOC
 * digest against the annotation, the TOC schema and chunk continuity, every TOC offset a gzip member start whose
 * data begins with that chunk, every chunk and file digest, the decompressed stream a tar matching the TOC entry
 * for entry, and the diff_id and uncompressed size against the config and annotation. It reads the blob once, in
 * order, one gzip member at a time; defects are collected (not thrown) so a report can list them all.
 */
import { createHash } from 'node:crypto';
import { DigestCounter, type Digest } from '../oci/digest.js';
import { Annotation } from '../oci/media-types.js';
import { walkMembers } from './gzip-member.js';
import { readBlobToc, TocError, type BlobToc } from './read-toc.js';
import { readTar, type TarEntry } from './tar-reader.js';
import { cleanPath, formatModtime, TOC_NAME, TOC_TYPES, type ParsedToc } from './toc.js';

export interface LayerExpectations {
  /** The layer descriptor's annotations (toc.digest, uncompressed-size). */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** The config's diff_id for this layer. */
  readonly diffId?: string | undefined;
}

export interface LayerReport {
  readonly defects: string[];
  tocDigest?: Digest;
  diffId?: Digest;
  uncompressedSize?: number;
  entries?: number;
}

/** Defects beyond this many per layer are counted, not listed. */
const MAX_DEFECTS = 25;

type TocItem = ParsedToc['entries'][number];

export async function verifyLayerBlob(path: string, expect: LayerExpectations): Promise<LayerReport> {
  const report: LayerReport = { defects: [] };
  let suppressed = 0;
  const defect = (message: string) => {
    if (report.defects.length < MAX_DEFECTS) report.defects.push(message);
    else suppressed += 1;
  };

  let blob: BlobToc;
  try {
    blob = await readBlobToc(path);
  } catch (error) {
    if (error instanceof TocError) {
      defect(error.notEstargz ? 'not eStargz: no eStargz footer at the end of the blob' : error.message);
      return report;
    }
    throw error;
  }
  report.tocDigest = blob.tocDigest;
  report.entries = blob.toc.entries.length;
  const annotated = expect.annotations?.[Annotation.stargzTocDigest];
  if (annotated === undefined) defect(`the layer has no ${Annotation.stargzTocDigest} annotation (the snapshotter cannot mount it lazily)`);
  else if (annotated !== blob.tocDigest) defect(`TOC digest ${blob.tocDigest} does not match the annotation ${annotated}`);
  if (blob.toc.version !== 1) defect(`TOC version is ${blob.toc.version}, not 1`);

  const entries = blob.toc.entries;
  checkSchema(entries, blob.footer.tocOffset, defect);

  // One pass over the members: positions of member starts (compressed -> uncompressed), the diff_id, and the tar.
  const memberStart = new Map<number, number>();
  const counter = new DigestCounter();
  const tocEnd = blob.blobSize - blob.footer.size;
  async function* stream(): AsyncGenerator<Buffer> {
    for await (const member of walkMembers(path, 0, tocEnd)) {
      memberStart.set(member.offset, counter.size);
      counter.update(member.data);
      yield member.data;
    }
  }
  const positionOf = (offset: number | undefined, inner = 0): number | undefined => {
    if (offset === undefined) return undefined;
    const start = memberStart.get(offset);
    return start === undefined ? undefined : start + inner;
  };

  let cursor = 0;
  let aligned = true;
  let sawToc = false;
  const members = stream();
  // The tar reader closes its source at the end of the archive; this view keeps the walk going for the drain below.
  const forTar: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => ({ next: () => members.next() }) };
  try {
    for await (const entry of readTar(forTar)) {
      const name = entry.header.name;
      if (!aligned) continue;
      if (cleanPath(name) === TOC_NAME && !sawToc && positionOf(blob.footer.tocOffset) === entry.headerOffset) {
        // The TOC's own entry, where the footer says: every TOC entry must have been seen by now.
        sawToc = true;
        if (cursor < entries.length) {
          defect(`TOC entry ${JSON.stringify((entries[cursor] as TocItem).name)} and ${entries.length - cursor - 1} more are not in the tar stream`);
          aligned = false;
        }
        continue;
      }
      if (cursor >= entries.length) {
        defect(`tar entry ${JSON.stringify(name)} is not in the TOC`);
        aligned = false;
        continue;
      }
      const tocEntry = entries[cursor] as TocItem;
      const chunks: TocItem[] = [];
      cursor += 1;
      while (cursor < entries.length && (entries[cursor] as TocItem).type === 'chunk') chunks.push(entries[cursor++] as TocItem);
      const mismatch = compareHeader(entry, tocEntry);
      if (mismatch) {
        defect(`tar entry ${JSON.stringify(name)} does not match TOC entry ${JSON.stringify(tocEntry.name)}: ${mismatch}`);
        aligned = false;
        continue;
      }
      if (tocEntry.type === 'reg' && entry.header.size > 0) await checkPayload(entry, [tocEntry, ...chunks], positionOf, defect);
    }
    // Anything after the tar's end-of-archive marker still counts towards the diff_id.
    for await (const _rest of members);
  } catch (error) {
    defect(`the decompressed stream is not a valid tar: ${(error as Error).message}`);
    aligned = false;
  } finally {
    await members.return(undefined);
  }
  if (aligned && !sawToc) defect(`the TOC member at ${blob.footer.tocOffset} does not start at a ${TOC_NAME} tar header in the stream`);

  report.diffId = counter.digest();
  report.uncompressedSize = counter.size;
  if (aligned) {
    if (expect.diffId !== undefined && expect.diffId !== report.diffId) defect(`diff_id ${report.diffId} does not match the config's ${expect.diffId}`);
    const size = expect.annotations?.[Annotation.estargzUncompressedSize];
    if (size !== undefined && size !== String(report.uncompressedSize)) defect(`uncompressed size ${report.uncompressedSize} does not match the annotation ${size}`);
  }
  if (suppressed > 0) report.defects.push(`... and ${suppressed} more defects`);
  return report;
}

/** Types, required fields per type, chunk continuity, offsets unique, below the TOC, hardlink targets earlier. */
function checkSchema(entries: readonly TocItem[], tocOffset: number, defect: (m: string) => void): void {
  const seen = new Set<string>();
  const offsets = new Map<number, string>();
  let file: { item: TocItem; next: number; size: number } | undefined;
  const closeFile = () => {
    if (file && file.next !== file.size) defect(`TOC entry ${JSON.stringify(file.item.name)}: its chunks cover ${file.next} of ${file.size} bytes`);
    file = undefined;
  };
  for (const [index, e] of entries.entries()) {
    const label = `TOC entry ${JSON.stringify(e.name)}`;
    const hasPayload = e.type === 'chunk' || (e.type === 'reg' && (e.size ?? 0) > 0);
    if (e.type !== 'chunk') closeFile();
    if (e.type === 'reg' && e.digest === undefined) defect(`${label} has no digest`);
    if ((e.type === 'symlink' || e.type === 'hardlink') && !e.linkName) defect(`${label} (${e.type}) has no linkName`);
    if (e.type === 'hardlink' && e.linkName && !seen.has(cleanPath(e.linkName))) defect(`${label}: hardlink target ${JSON.stringify(e.linkName)} is not earlier in the TOC`);
    if (hasPayload) {
      if (e.offset === undefined) defect(`${label} has no offset`);
      else if (e.offset >= tocOffset) defect(`${label}: offset ${e.offset} is past the TOC (${tocOffset})`);
      else if (e.innerOffset === undefined) {
        const other = offsets.get(e.offset);
        if (other !== undefined) defect(`${label} shares offset ${e.offset} with ${JSON.stringify(other)}`);
        offsets.set(e.offset, e.name);
      }
      if (e.chunkDigest === undefined) defect(`${label} (${e.type}${e.type === 'chunk' ? ` at ${e.chunkOffset ?? 0}` : ''}) has no chunkDigest`);
    }
    if (e.type === 'chunk') {
      if (!file || file.item.name !== e.name) {
        defect(`${label}: a chunk entry does not follow its file${index === 0 ? ' (it is the first entry)' : ''}`);
        continue;
      }
      if ((e.chunkOffset ?? 0) !== file.next) defect(`${label}: chunk at ${e.chunkOffset ?? 0}, expected ${file.next}`);
      file.next = (e.chunkOffset ?? 0) + (e.chunkSize || file.size - (e.chunkOffset ?? 0));
      continue;
    }
    seen.add(cleanPath(e.name));
    if (e.type === 'reg' && (e.size ?? 0) > 0) file = { item: e, next: e.chunkSize || (e.size ?? 0), size: e.size ?? 0 };
  }
  closeFile();
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
async function checkPayload(entry: TarEntry, chunks: TocItem[], positionOf: (offset: number | undefined, inner?: number) => number | undefined, defect: (m: string) => void): Promise<void> {
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
    const at = (c.chunkOffset ?? 0);
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
