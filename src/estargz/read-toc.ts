/**
 * Finding and reading the TOC of an eStargz blob the way lazy-pulling readers do: the footer (last 51 bytes, or 47
 * for legacy stargz) gives the TOC member's offset; that member alone must hold a tar entry `stargz.index.json`
 * whose content is the TOC JSON. Used by the verifier, by the converter to pass eStargz layers through, and (through
 * Range requests) to check a layer pushed earlier before it is reused.
 *
 * The TOC is read as a stream, whatever its size: the member is read in pieces, inflated as it comes, hashed, and
 * its entries are parsed one at a time (toc-json.ts) and handed on in batches. A layer of a million files has a TOC
 * of a few hundred megabytes of JSON, which would otherwise be held as text and as objects at once.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../oci/index.js';
import { fileReader, type BlobReader } from './blob-reader.js';
import { FOOTER_SIZE, parseFooter, type Footer } from './footer.js';
import { GzipMemberError, streamMember } from './gzip-member.js';
import { BLOCK } from '../tar/index.js';
import type { LayerEntry } from './layer-facts.js';
import { type LazyPull, lazyPullOf } from './lazy-pull.js';
import { cleanPath, isConverterEntry, isTocEntry, PREFETCH_LANDMARK, TOC_NAME, TocEntrySchema, type TocItem } from './toc.js';
import { TocJsonError, TocJsonScanner } from './toc-json.js';

/** The TOC member is refused beyond this size (compressed). */
const MAX_TOC_BYTES = 256 << 20;
/** The TOC member is read in pieces of this size (one Range request each, from a registry). */
const READ_PIECE = 4 << 20;
/** After the JSON, the member holds its tar padding and the end-of-archive blocks; more than this is refused. */
const MAX_AFTER_JSON = 1 << 20;

export type { BlobReader } from './blob-reader.js';

/** Where the TOC is, from the footer. */
export interface TocLocation {
  footer: Footer;
  blobSize: number;
}

/** What reading a whole TOC established. */
export interface TocFacts {
  /** The sha256 of the TOC JSON exactly as stored (the layer's toc.digest annotation). */
  tocDigest: Digest;
  /** Entries in the TOC. */
  entries: number;
  /** The TOC's `version` (1 for eStargz). */
  version: number;
}

export interface TocSummary extends TocLocation, TocFacts {
  /** The compressed offset of `.prefetch.landmark`'s payload, when the layer has prioritized files. */
  prefetchLandmarkOffset: number | undefined;
}

/** Reads the footer and checks where it points; throws a TocError (not eStargz at all, or a damaged footer). */
export async function locateToc(reader: BlobReader): Promise<TocLocation> {
  const { size } = reader;
  const tailLength = Math.min(size, FOOTER_SIZE);
  const tail = await reader.read(size - tailLength, tailLength);
  if (tail.length !== tailLength) throw new TocError(`the blob's last ${tailLength} bytes could not be read`);
  const footer = parseFooter(tail);
  if (!footer) throw new TocError('no eStargz footer at the end of the blob', true);
  const tocEnd = size - footer.size;
  if (footer.tocOffset >= tocEnd) throw new TocError(`the footer's TOC offset ${footer.tocOffset} is past the end of the data (${tocEnd})`);
  if (tocEnd - footer.tocOffset > MAX_TOC_BYTES)
    throw new TocError(`the TOC member is ${tocEnd - footer.tocOffset} bytes, more than the ${MAX_TOC_BYTES} allowed`);
  return { footer, blobSize: size };
}

/**
 * The TOC's entries, in order, in batches (each entry checked against the schema); returns the TOC's digest and
 * entry count at the end. Throws a TocError, possibly after some batches, when the TOC is damaged anywhere; a caller
 * that needs the whole TOC to be sound acts on what it was given only once the generator has finished.
 */
export async function* readTocEntries(reader: BlobReader, location: TocLocation): AsyncGenerator<TocItem[], TocFacts> {
  const start = location.footer.tocOffset;
  const tocHash = createHash('sha256');
  const scanner = new TocJsonScanner();
  const tarHeader = Buffer.alloc(BLOCK);
  let inflated = 0;
  let jsonLength = -1;
  let count = 0;
  try {
    for await (const chunk of streamMember(reader, start, location.blobSize - location.footer.size, READ_PIECE)) {
      let at = 0;
      if (inflated < BLOCK) {
        at = Math.min(chunk.length, BLOCK - inflated);
        chunk.copy(tarHeader, inflated, 0, at);
        if (inflated + at === BLOCK) jsonLength = checkTarHeader(tarHeader);
      }
      const chunkStart = inflated;
      inflated += chunk.length;
      if (jsonLength < 0) continue;
      const jsonEnd = BLOCK + jsonLength;
      const to = Math.min(chunk.length, jsonEnd - chunkStart);
      if (to > at) {
        const json = chunk.subarray(at, to);
        tocHash.update(json);
        const batch = checkEntries(scanner.write(json), count);
        count += batch.length;
        if (batch.length > 0) yield batch;
      }
      if (inflated - jsonEnd > MAX_AFTER_JSON) throw new TocError(`the TOC member holds more than ${MAX_AFTER_JSON} bytes after the TOC`);
    }
  } catch (error) {
    if (error instanceof TocJsonError) throw new TocError(error.message);
    if (!(error instanceof GzipMemberError)) throw error;
    if (error.kind === 'short') throw new TocError(`the TOC member at ${start} is cut short`);
    if (error.kind === 'trailing')
      throw new TocError(`the TOC at ${start} is not a single gzip member ending at the footer (${error.bytesAfter} bytes follow it)`);
    throw new TocError(`the TOC member at ${start} is not valid gzip: ${error.message}`);
  }
  if (inflated < BLOCK) throw new TocError('the TOC member holds no tar header');
  if (inflated < BLOCK + jsonLength) throw new TocError(`the ${TOC_NAME} header's size ${jsonLength} does not fit the TOC member`);
  try {
    scanner.end();
  } catch (error) {
    throw new TocError((error as Error).message);
  }
  if (!scanner.sawEntries) throw new TocError('the TOC does not have the eStargz schema (entries: there is no entries list)');
  if (typeof scanner.version !== 'number')
    throw new TocError(`the TOC does not have the eStargz schema (version: ${scanner.version === undefined ? 'there is none' : 'not a number'})`);
  return { tocDigest: `sha256:${tocHash.digest('hex')}`, entries: count, version: scanner.version };
}

/** The TOC's tar header: it must name stargz.index.json; returns the JSON's length. */
function checkTarHeader(block: Buffer): number {
  const nameField = block.subarray(0, 100);
  const nul = nameField.indexOf(0);
  const name = nameField.toString('utf8', 0, nul === -1 ? 100 : nul);
  if (name !== TOC_NAME) throw new TocError(`the TOC member does not start with the tar entry ${TOC_NAME}`);
  const sizeText = block.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim();
  const jsonLength = /^[0-7]+$/.test(sizeText) ? parseInt(sizeText, 8) : Number.NaN;
  if (!Number.isSafeInteger(jsonLength)) throw new TocError(`the ${TOC_NAME} header's size field is not an octal number`);
  return jsonLength;
}

/** Each parsed entry against the schema; `first` is the index of the first one in the TOC. */
function checkEntries(values: unknown[], first: number): TocItem[] {
  const entries: TocItem[] = [];
  for (const [i, value] of values.entries()) {
    if (isTocEntry(value)) {
      entries.push(value);
      continue;
    }
    const checked = TocEntrySchema.safeParse(value);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new TocError(
        `the TOC does not have the eStargz schema (${issue ? `entries.${first + i}${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}` : 'invalid'})`,
      );
    }
    entries.push(checked.data);
  }
  return entries;
}

/** Reads and checks the whole TOC, one batch of entries at a time; `onEntries` sees every batch. */
export async function readToc(reader: BlobReader, onEntries?: (batch: readonly TocItem[]) => void): Promise<TocSummary> {
  const location = await locateToc(reader);
  let prefetchLandmarkOffset: number | undefined;
  const entries = readTocEntries(reader, location);
  for (;;) {
    const next = await entries.next();
    if (next.done) return { ...location, ...next.value, prefetchLandmarkOffset };
    for (const entry of next.value) if (prefetchLandmarkOffset === undefined && entry.name === PREFETCH_LANDMARK) prefetchLandmarkOffset = entry.offset ?? 0;
    onEntries?.(next.value);
  }
}

/** readToc of the file at `path`. */
export async function readBlobToc(path: string, onEntries?: (batch: readonly TocItem[]) => void): Promise<TocSummary> {
  const reader = await fileReader(path);
  try {
    return await readToc(reader, onEntries);
  } finally {
    await reader.close();
  }
}

/** What a lazy pull fetches before the container starts (lazy-pull.ts). */
export function lazyPull(toc: TocSummary): LazyPull {
  return lazyPullOf(toc.blobSize, toc.footer.tocOffset, toc.prefetchLandmarkOffset);
}

/**
 * The entries a TOC read before lists (the converter's own left out), as prefetch.ts's layerListing gives them for
 * the layer it was made from. The TOC must still have the digest it had; a TocError says it has not.
 */
export async function* readTocListing(reader: BlobReader, before: TocLocation & TocFacts): AsyncGenerator<LayerEntry> {
  const expected = before.tocDigest;
  const entries = readTocEntries(reader, { footer: before.footer, blobSize: before.blobSize });
  for (;;) {
    const next = await entries.next();
    if (next.done) {
      if (next.value.tocDigest !== expected) throw new TocError(`the TOC now has digest ${next.value.tocDigest}, not ${expected}`);
      return;
    }
    for (const entry of next.value) {
      if (entry.type === 'chunk') continue;
      const path = cleanPath(entry.name);
      if (isConverterEntry(path)) continue;
      const kind = entry.type === 'char' || entry.type === 'block' || entry.type === 'fifo' ? 'other' : entry.type;
      yield { path, kind, ...(entry.linkName ? { linkName: entry.linkName } : {}) };
    }
  }
}

export class TocError extends Error {
  constructor(
    message: string,
    /** True when the blob simply is not eStargz (no footer), rather than a damaged one. */
    readonly notEstargz = false,
  ) {
    super(message);
  }
}
