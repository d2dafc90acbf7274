/**
 * Converting one layer blob: pass it through when it already is eStargz, otherwise read its tar (decompressing as
 * needed) and write eStargz into the output layout. Without prioritized files the layer streams straight through
 * with `.no.prefetch.landmark` first. With prioritized files the tar is first spooled to a temporary file, so the
 * prioritized entries can be written first (each after its parent directories and, for a hardlink, its target),
 * then `.prefetch.landmark`, then the rest in archive order; duplicates keep their last occurrence.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline as pipe, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ShipError } from '../errors.js';
import { DigestCounter, type Digest } from '../oci/digest.js';
import type { OciLayout } from '../oci/layout.js';
import type { Descriptor } from '../oci/types.js';
import type { CompressPool } from './compress-pool.js';
import { describeReadError } from './decompress.js';
import { checkEntryPath } from './entry-path.js';
import { writeEstargz, type LayerItem, type WrittenLayer } from './layer-writer.js';
import { readBlobToc, TocError } from './read-toc.js';
import { checkLayerBlob, layerEntries, openLayerTar } from './source-layer.js';
import type { TarHeader } from './tar-header.js';
import { readTar } from './tar-reader.js';
import { cleanPath, NO_PREFETCH_LANDMARK, PREFETCH_LANDMARK, TOC_NAME } from './toc.js';

export interface LayerOptions {
  readonly pool: CompressPool;
  readonly level: number;
  readonly chunkSize: number;
  /** Paths (already attributed to this layer) to write first, in this order. */
  readonly prioritized?: readonly string[];
  readonly onProgress?: (payloadBytes: number) => void;
}

export interface ConvertedLayer extends WrittenLayer {
  digest: Digest;
  size: number;
  /** True when the input already was eStargz and was kept byte for byte. */
  passedThrough: boolean;
}

/**
 * Converts the layer `layer` of `source` and stores the result in `out`. The source blob is checked against the
 * descriptor (media type, compression, size, digest) as it is read, and its entries' names and link targets as
 * they are parsed; the conversion fails, keeping nothing, when any of them does not hold.
 */
export async function convertLayer(source: OciLayout, layer: Descriptor, out: OciLayout, options: LayerOptions): Promise<ConvertedLayer> {
  const { digest } = layer;
  const what = `${source.where}: layer ${digest}`;
  try {
    await checkLayerBlob(source, layer);
    const prioritized = options.prioritized ?? [];
    if (prioritized.length === 0) {
      const existing = await readBlobToc(source.blobPath(digest)).catch((error: unknown) => {
        if (error instanceof TocError) return undefined;
        throw error;
      });
      if (existing) return await passThrough(source, layer, out, existing.tocDigest, existing.toc.entries.length, what);
    }
    const result: Partial<WrittenLayer> = {};
    let written: { digest: Digest; size: number };
    if (prioritized.length === 0) {
      written = await out.writeBlobFrom(writeEstargz(streamItems(await openLayerTar(source, layer), what), options, result));
    } else {
      const spool = await mkdtemp(join(tmpdir(), 'meshagent-ship-spool-'));
      try {
        const tarPath = join(spool, 'layer.tar');
        await pipeline(await openLayerTar(source, layer), createWriteStream(tarPath));
        written = await out.writeBlobFrom(writeEstargz(await prioritizedItems(tarPath, prioritized, what), options, result));
      } finally {
        await rm(spool, { recursive: true, force: true });
      }
    }
    return { ...(result as WrittenLayer), ...written, passedThrough: false };
  } catch (error) {
    const described = describeReadError(error, what);
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

interface Indexed {
  header: TarHeader;
  payloadOffset: number;
}

/** The reordered entry list of a spooled tar (only headers and offsets are kept in memory). */
async function prioritizedItems(tarPath: string, prioritized: readonly string[], where: string): Promise<AsyncIterable<LayerItem>> {
  const entries: Indexed[] = [];
  const lastByPath = new Map<string, number>();
  for await (const entry of readTar(createReadStream(tarPath, { highWaterMark: 1 << 20 }))) {
    checkEntryPath(entry.header, where, entry.headerOffset);
    if (isReserved(entry.header.name)) continue;
    lastByPath.set(cleanPath(entry.header.name), entries.length);
    entries.push({ header: entry.header, payloadOffset: entry.payloadOffset });
  }
  const order: number[] = [];
  const placed = new Set<number>();
  const place = (path: string, depth = 0) => {
    const index = lastByPath.get(path);
    if (index === undefined || placed.has(index) || depth > 64) return;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i += 1) place(parts.slice(0, i).join('/'), depth + 1);
    const header = (entries[index] as Indexed).header;
    if (header.type === '1') place(cleanPath(header.linkName), depth + 1);
    if (placed.has(index)) return;
    placed.add(index);
    order.push(index);
  };
  for (const path of prioritized) place(cleanPath(path));
  const landmark = order.length > 0 ? PREFETCH_LANDMARK : NO_PREFETCH_LANDMARK;
  return (async function* () {
    const item = (index: number): LayerItem => {
      const { header, payloadOffset } = entries[index] as Indexed;
      const body = () => (header.size > 0 ? createReadStream(tarPath, { start: payloadOffset, end: payloadOffset + header.size - 1, highWaterMark: 1 << 20 }) : emptyBody());
      return { kind: 'entry', header, body: body as () => AsyncIterable<Buffer> };
    };
    if (landmark === NO_PREFETCH_LANDMARK) yield { kind: 'landmark', name: landmark };
    for (const index of order) yield item(index);
    if (landmark === PREFETCH_LANDMARK) yield { kind: 'landmark', name: landmark };
    for (let index = 0; index < entries.length; index += 1) {
      if (placed.has(index) || lastByPath.get(cleanPath((entries[index] as Indexed).header.name)) !== index) continue;
      yield item(index);
    }
  })();
}

async function* emptyBody(): AsyncGenerator<Buffer> {}

/**
 * An eStargz layer is kept as it is; its uncompressed size and diff_id are measured for the annotations/config, in
 * the same read that checks its blob and its entries' names.
 */
async function passThrough(source: OciLayout, layer: Descriptor, out: OciLayout, tocDigest: Digest, entries: number, where: string): Promise<ConvertedLayer> {
  const counter = new DigestCounter();
  const measured = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.update(chunk);
      callback(null, chunk);
    },
  });
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the entries are only checked
  for await (const _entry of layerEntries(pipe(await openLayerTar(source, layer), measured, () => {}), where));
  const blob = { digest: layer.digest, size: layer.size };
  const written = out.dir === source.dir ? blob : await out.writeBlobFrom(createReadStream(source.blobPath(layer.digest), { highWaterMark: 1 << 20 }), blob, source.where);
  return { ...written, tocDigest, diffId: counter.digest(), uncompressedSize: counter.size, entries, passedThrough: true };
}
