/**
 * Converting one layer blob: pass it through when it already is eStargz, otherwise read its tar (decompressing as
 * needed) and write eStargz into the output layout. Without prioritized files the layer streams straight through
 * with `.no.prefetch.landmark` first. With prioritized files the tar is first spooled to a temporary file, so the
 * prioritized entries can be written first (each after its parent directories and, for a hardlink, its target),
 * then `.prefetch.landmark`, then the rest in archive order; duplicates keep their last occurrence.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ShipError } from '../errors.js';
import { makeTempDir } from '../file-errors.js';
import { type Descriptor, type Digest, type OciLayout, removeWhenClosed } from '../oci/index.js';
import { measureTar } from './diff-id.js';
import type { CompressPool } from './compress-pool.js';
import { checkEntryPath, readTar, type TarEntry, type TarHeader } from '../tar/index.js';
import { writeEstargz, type LayerItem, type WrittenLayer } from './layer-writer.js';
import { pathHash } from './path-hash.js';
import { readBlobToc, TocError } from './read-toc.js';
import { checkLayerBlob, describeLayerReadError, layerEntries, openLayerTar } from './source-layer.js';
import { cleanPath, NO_PREFETCH_LANDMARK, PREFETCH_LANDMARK, TOC_NAME } from './toc.js';

export interface LayerOptions {
  readonly pool: CompressPool;
  readonly level: number;
  readonly chunkSize: number;
  /** Paths (already attributed to this layer) to write first, in this order. */
  readonly prioritized?: readonly string[];
  readonly onProgress?: (payloadBytes: number) => void;
  /** Where the spooled tar and a large TOC go; default the system's temporary directory. */
  readonly tempDir?: string | undefined;
  /** The diff_id the image's config gives the layer: its uncompressed tar must have it (see diff-id.ts). */
  readonly diffId?: Digest | undefined;
}

export interface ConvertedLayer extends WrittenLayer {
  digest: Digest;
  size: number;
  /** True when the input already was eStargz and was kept byte for byte. */
  passedThrough: boolean;
  /** The source layer's diff_id, measured as it was read (the digest of its uncompressed tar). */
  sourceDiffId: Digest;
}

/**
 * Converts the layer `layer` of `source` and stores the result in `out`. The source blob is checked against the
 * descriptor (media type, compression, size, digest) as it is read, its uncompressed tar against the config's
 * diff_id (`options.diffId`), and its entries' names and link targets as they are parsed; the conversion fails,
 * keeping nothing, when any of them does not hold.
 */
export async function convertLayer(source: OciLayout, layer: Descriptor, out: OciLayout, options: LayerOptions): Promise<ConvertedLayer> {
  const { digest } = layer;
  const what = `${source.where}: layer ${digest}`;
  try {
    const compression = await checkLayerBlob(source, layer);
    // An uncompressed blob's digest is its diff_id, and the blob is checked against it as it is read.
    const checkedAs = compression === 'none' ? digest : undefined;
    const prioritized = options.prioritized ?? [];
    if (prioritized.length === 0) {
      const existing = await readBlobToc(source.blobPath(digest)).catch((error: unknown) => {
        if (error instanceof TocError) return undefined;
        throw error;
      });
      if (existing) return await passThrough(source, layer, out, existing.tocDigest, existing.entries, what, options.diffId);
    }
    const result: Partial<WrittenLayer> = {};
    let written: { digest: Digest; size: number };
    const measured = measureTar(await openLayerTar(source, layer), { where: source.where, layer: digest, diffId: options.diffId, checkedAs });
    if (prioritized.length === 0) {
      written = await out.writeBlobFrom(writeEstargz(streamItems(measured.tar, what), options, result));
    } else {
      const spool = await makeTempDir(options.tempDir, 'estargz-spool-');
      const tarPath = join(spool, 'layer.tar');
      const spooled = createWriteStream(tarPath);
      try {
        await pipeline(measured.tar, spooled);
        written = await out.writeBlobFrom(writeEstargz(await prioritizedItems(tarPath, prioritized, what), options, result));
      } finally {
        // The spooled file first, once its stream has closed: else the directory may not be empty yet.
        await removeWhenClosed(spooled, tarPath);
        await rm(spool, { recursive: true, force: true });
      }
    }
    return { ...(result as WrittenLayer), ...written, passedThrough: false, sourceDiffId: measured.diffId() };
  } catch (error) {
    const described = describeLayerReadError(error, what);
    // Errors about the blob name it already; those from inside its tar get the layer's name in front.
    if (described.message.includes(digest)) throw described;
    throw new ShipError(`${what}: ${described.message}`, { hint: described.hint, cause: error });
  }
}

/** Names the converter writes itself; the same names in the input (an earlier conversion) are dropped. */
function isReserved(name: string): boolean {
  const clean = cleanPath(name);
  return clean === TOC_NAME || clean === PREFETCH_LANDMARK || clean === NO_PREFETCH_LANDMARK;
}

async function* streamItems(tar: Readable, where: string): AsyncGenerator<LayerItem> {
  yield { kind: 'landmark', name: NO_PREFETCH_LANDMARK };
  for await (const entry of layerEntries(tar, where)) {
    if (isReserved(entry.header.name)) continue;
    yield { kind: 'entry', header: entry.header, body: () => entry.body() };
  }
}

interface Found {
  header: TarHeader;
  payloadOffset: number;
  /** The entry's place among the spooled tar's entries (reserved names not counted). */
  index: number;
}

/** Calls `visit` with every entry of the spooled tar but the reserved ones, numbered from 0; names are checked. */
async function scanSpool(tarPath: string, where: string, visit: (entry: TarEntry, path: string, index: number) => void): Promise<void> {
  let index = 0;
  for await (const entry of readTar(createReadStream(tarPath, { highWaterMark: 1 << 20 }))) {
    checkEntryPath(entry.header, where, entry.headerOffset);
    if (isReserved(entry.header.name)) continue;
    visit(entry, cleanPath(entry.header.name), index);
    index += 1;
  }
}

/**
 * The reordered entry list of a spooled tar. The tar is read a few times rather than indexed in memory: once to find
 * the prioritized entries (and again for each level of hardlink targets they lead to), once more if some path occurs
 * twice, and once to write the rest. What is kept: the prioritized entries with their parents and link targets, and
 * an 8-byte hash per entry for finding paths that occur more than once (whose last occurrence is the one kept).
 */
async function prioritizedItems(tarPath: string, prioritized: readonly string[], where: string): Promise<AsyncIterable<LayerItem>> {
  // The last occurrence of each path the placement below asks about; a path looked for and absent maps to undefined.
  const lastOf = new Map<string, Found | undefined>();
  let hashes = new Float64Array(1 << 16);
  let entries = 0;
  const lookFor = async (paths: ReadonlySet<string>, first: boolean) => {
    for (const path of paths) lastOf.set(path, undefined);
    await scanSpool(tarPath, where, (entry, path, index) => {
      if (first) {
        if (index === hashes.length) {
          const larger = new Float64Array(hashes.length * 2);
          larger.set(hashes);
          hashes = larger;
        }
        hashes[index] = pathHash(path);
        entries = index + 1;
      }
      if (paths.has(path)) lastOf.set(path, { header: entry.header, payloadOffset: entry.payloadOffset, index });
    });
  };

  // As a placement goes, it asks for parents and hardlink targets; whatever it asked for that was not looked for
  // yet is looked for in another reading, and the placement is made again, until it asks for nothing new.
  let order: number[] = [];
  let placed = new Set<number>();
  let wanted = new Set(prioritized.map((path) => cleanPath(path)));
  for (let reading = 0; wanted.size > 0; reading += 1) {
    await lookFor(wanted, reading === 0);
    wanted = new Set();
    order = [];
    placed = new Set();
    const lookedFor = (path: string) => {
      if (!lastOf.has(path)) wanted.add(path);
      return lastOf.get(path);
    };
    const place = (path: string, depth = 0) => {
      const found = lookedFor(path);
      if (found === undefined || placed.has(found.index) || depth > 64) return;
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i += 1) place(parts.slice(0, i).join('/'), depth + 1);
      if (found.header.type === '1') place(cleanPath(found.header.linkName), depth + 1);
      if (placed.has(found.index)) return;
      placed.add(found.index);
      order.push(found.index);
    };
    for (const path of prioritized) place(cleanPath(path));
    if (reading >= 64) break; // a chain of hardlinks longer than the placement follows
  }
  const byIndex = new Map([...lastOf.values()].filter((found) => found !== undefined).map((found) => [found.index, found]));

  // Paths that occur more than once: only their last occurrence is written. Their hashes are found by sorting, and
  // the entries with such a hash (real repeats, and the rare collision) are read again by name.
  const sorted = hashes.subarray(0, entries).sort();
  const repeated = new Set<number>();
  for (let i = 1; i < sorted.length; i += 1) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i] as number);
  hashes = new Float64Array(0);
  const lastIndex = new Map<string, number>();
  if (repeated.size > 0) await scanSpool(tarPath, where, (_entry, path, index) => repeated.has(pathHash(path)) && lastIndex.set(path, index));
  const isLast = (path: string, index: number) => (lastIndex.size === 0 || !repeated.has(pathHash(path)) ? true : lastIndex.get(path) === index);

  const landmark = order.length > 0 ? PREFETCH_LANDMARK : NO_PREFETCH_LANDMARK;
  return (async function* () {
    if (landmark === NO_PREFETCH_LANDMARK) yield { kind: 'landmark', name: landmark };
    for (const index of order) {
      const { header, payloadOffset } = byIndex.get(index) as Found;
      const body = () =>
        header.size > 0 ? createReadStream(tarPath, { start: payloadOffset, end: payloadOffset + header.size - 1, highWaterMark: 1 << 20 }) : emptyBody();
      yield { kind: 'entry', header, body: body as () => AsyncIterable<Buffer> };
    }
    if (landmark === PREFETCH_LANDMARK) yield { kind: 'landmark', name: landmark };
    let index = 0;
    for await (const entry of readTar(createReadStream(tarPath, { highWaterMark: 1 << 20 }))) {
      if (isReserved(entry.header.name)) continue;
      const at = index;
      index += 1;
      if (placed.has(at) || !isLast(cleanPath(entry.header.name), at)) continue;
      yield { kind: 'entry', header: entry.header, body: () => entry.body() };
    }
  })();
}

async function* emptyBody(): AsyncGenerator<Buffer> {}

/**
 * An eStargz layer is kept as it is; its uncompressed size and diff_id are measured for the annotations/config, in
 * the same read that checks its blob, its diff_id against the config's (`diffId`) and its entries' names.
 */
async function passThrough(
  source: OciLayout,
  layer: Descriptor,
  out: OciLayout,
  tocDigest: Digest,
  entries: number,
  where: string,
  diffId: Digest | undefined,
): Promise<ConvertedLayer> {
  const measured = measureTar(await openLayerTar(source, layer), { where: source.where, layer: layer.digest, diffId });
  for await (const _entry of layerEntries(measured.tar, where));
  const blob = { digest: layer.digest, size: layer.size };
  const written =
    out.dir === source.dir ? blob : await out.writeBlobFrom(createReadStream(source.blobPath(layer.digest), { highWaterMark: 1 << 20 }), blob, source.where);
  const measuredDiffId = measured.diffId();
  // A kept layer is its own diff_id in the output: the source's and the converted one are the same.
  return { ...written, tocDigest, diffId: measuredDiffId, uncompressedSize: measured.size(), entries, passedThrough: true, sourceDiffId: measuredDiffId };
}
