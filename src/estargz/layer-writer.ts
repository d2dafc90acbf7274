/**
 * The heart of the converter: a sequence of tar entries in, eStargz bytes out. Gzip members start at byte 0, at the
 * first payload byte of every non-empty regular file and at every chunk boundary; headers, padding and header-only
 * entries ride in the member before. The TOC is one member starting at its own tar header, then the 51-byte footer.
 * Members are compressed in parallel (compress-pool.ts) and written in order; the TOC's offsets are filled in once
 * every member before it has its compressed size. Memory is bounded whatever the layer holds: a file goes through
 * chunk by chunk, each entry is written to the TOC store as soon as it is complete (toc.ts), and the TOC member is
 * compressed as a stream.
 */
import { createHash } from 'node:crypto';
import { type Digest, DigestCounter, sha256 } from '../oci/index.js';
import { gzipStream, OrderedCompressor, type CompressPool } from './compress-pool.js';
import { makeFooter } from './footer.js';
import { bareFileHeader, encodeHeader, padding, plainHeader, type TarHeader } from '../tar/index.js';
import { LANDMARK_CONTENT, TOC_NAME, TocBuilder, type TocEntry } from './toc.js';
import { ShipError } from '../errors.js';

export type LayerItem =
  { readonly kind: 'entry'; readonly header: TarHeader; readonly body: () => AsyncIterable<Buffer> } | { readonly kind: 'landmark'; readonly name: string };

export interface WriterOptions {
  readonly pool: CompressPool;
  readonly level: number;
  readonly chunkSize: number;
  /** Called with the number of payload bytes written so far. */
  readonly onProgress?: (payloadBytes: number) => void;
  /** Where a large TOC spills to; default the system's temporary directory. */
  readonly tempDir?: string | undefined;
}

export interface WrittenLayer {
  tocDigest: Digest;
  diffId: Digest;
  uncompressedSize: number;
  entries: number;
}

/** Non-payload bytes gathered in one member before a boundary is forced, so memory stays bounded. */
const MAX_HEADER_RUN = 1 << 20;
const EMPTY_DIGEST = sha256('');
const END_OF_ARCHIVE = Buffer.alloc(1024);

/** Yields the eStargz blob; `result` is filled in when the generator finishes. */
export async function* writeEstargz(items: AsyncIterable<LayerItem>, options: WriterOptions, result: Partial<WrittenLayer>): AsyncGenerator<Buffer> {
  const toc = new TocBuilder({ tempDir: options.tempDir });
  try {
    yield* write(items, options, result, toc);
  } finally {
    toc.close();
  }
}

async function* write(items: AsyncIterable<LayerItem>, options: WriterOptions, result: Partial<WrittenLayer>, toc: TocBuilder): AsyncGenerator<Buffer> {
  const diffId = new DigestCounter();
  const compressor = new OrderedCompressor(options.pool, options.level);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let payloadBytes = 0;

  const append = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    pending.push(bytes);
    pendingBytes += bytes.length;
    diffId.update(bytes);
  };
  /** Ends the current member; the next byte appended starts a new one. Returns the new member's index. */
  const startMember = () => {
    if (pendingBytes > 0) compressor.add(pending);
    pending = [];
    pendingBytes = 0;
    return compressor.nextMember;
  };

  for await (const item of items) {
    const header: TarHeader = item.kind === 'landmark' ? landmarkHeader(item.name) : item.header;
    append(item.kind === 'landmark' ? bareFileHeader(item.name, 1) : encodeHeader(header));
    const entry = toc.add(header);
    if (header.type === '0') {
      entry.digest = EMPTY_DIGEST; // keeps the key before the chunk fields; the real value is set below
      if (header.size > 0) {
        const body = item.kind === 'landmark' ? oneBuffer(LANDMARK_CONTENT) : item.body();
        entry.digest = yield* writePayload(header, entry, body);
        append(Buffer.alloc(padding(header.size)));
      }
    }
    toc.seal();
    if (pendingBytes >= MAX_HEADER_RUN) startMember();
    for (const out of await compressor.take()) yield out;
  }

  /**
   * Cuts the payload into chunks, each starting a member, and hands on finished output after every chunk, so a large
   * file is held back by the compressor like any other input; returns the whole file's digest.
   */
  async function* writePayload(header: TarHeader, first: TocEntry, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer, Digest> {
    const iterator = body[Symbol.asyncIterator]();
    const fileHash = header.size > options.chunkSize ? createHash('sha256') : undefined;
    let carry: Buffer | undefined;
    let chunkDigest = '';
    for (let chunkOffset = 0; chunkOffset < header.size;) {
      const length = Math.min(options.chunkSize, header.size - chunkOffset);
      const member = startMember();
      for (const out of await compressor.take()) yield out;
      const entry = chunkOffset === 0 ? first : toc.addChunk(header.name, chunkOffset);
      const chunkHash = createHash('sha256');
      for (let got = 0; got < length;) {
        let piece = carry;
        carry = undefined;
        if (!piece) {
          const next = await iterator.next();
          if (next.done) throw new ShipError(`tar entry ${JSON.stringify(header.name)}: the payload ends after ${chunkOffset + got} of ${header.size} bytes`);
          piece = next.value;
        }
        if (piece.length > length - got) {
          carry = piece.subarray(length - got);
          piece = piece.subarray(0, length - got);
        }
        chunkHash.update(piece);
        fileHash?.update(piece);
        append(piece);
        got += piece.length;
      }
      // As the reference writer does: chunkSize is written for every full-sized chunk, absent on a shorter last one.
      if (length === options.chunkSize) entry.chunkSize = length;
      chunkDigest = `sha256:${chunkHash.digest('hex')}`;
      entry.chunkDigest = chunkDigest;
      toc.place(entry, member);
      chunkOffset += length;
      payloadBytes += length;
      options.onProgress?.(payloadBytes);
    }
    return fileHash ? `sha256:${fileHash.digest('hex')}` : (chunkDigest as Digest);
  }

  startMember();
  for (const out of await compressor.take(true)) yield out;
  const tocOffset = compressor.compressedBytes;
  // The TOC member is compressed as a stream, straight from the entries, so a TOC is never held whole.
  const memberOffset = (member: number) => compressor.memberOffsets[member] as number;
  const jsonLength = toc.serializedLength(memberOffset);
  const tocHash = createHash('sha256');
  function* tocMember(): Generator<Buffer> {
    yield bareFileHeader(TOC_NAME, jsonLength);
    for (const piece of toc.serialize(memberOffset)) {
      tocHash.update(piece);
      yield piece;
    }
    if (padding(jsonLength) > 0) yield Buffer.alloc(padding(jsonLength));
    yield END_OF_ARCHIVE;
  }
  function* counted(parts: Iterable<Buffer>): Generator<Buffer> {
    for (const part of parts) {
      diffId.update(part);
      yield part;
    }
  }
  yield* gzipStream(counted(tocMember()), options.level);
  yield makeFooter(tocOffset);

  result.tocDigest = `sha256:${tocHash.digest('hex')}`;
  result.diffId = diffId.digest();
  result.uncompressedSize = diffId.size;
  result.entries = toc.count;
}

/** Landmarks are written as the reference writer does: mode, owner and time all zero. */
function landmarkHeader(name: string): TarHeader {
  return plainHeader(name, '0', 0, 1);
}

async function* oneBuffer(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}
