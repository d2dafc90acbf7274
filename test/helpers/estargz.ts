/** Helpers for eStargz tests: convert a tar held in memory, and read the result back with plain tools. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { CompressPool } from '../../src/estargz/compress-pool.js';
import { convertLayer, type ConvertedLayer } from '../../src/estargz/layer.js';
import { readTar } from '../../src/tar/reader.js';
import { parseFooter } from '../../src/estargz/footer.js';
import type { ParsedToc } from '../../src/estargz/toc.js';
import { readBlobToc } from '../../src/estargz/read-toc.js';
import { Annotation, MediaType } from '../../src/oci/media-types.js';
import { OciLayout } from '../../src/oci/layout.js';
import type { Digest } from '../../src/oci/digest.js';

export interface Converted extends ConvertedLayer {
  layout: OciLayout;
  source: Digest;
  path: string;
  blob: Buffer;
  toc: ParsedToc;
  annotations: Record<string, string>;
}

let shared: CompressPool | undefined;
/** One pool for a whole test file; call closePool() in afterAll. */
export function pool(): CompressPool {
  shared ??= new CompressPool(2);
  return shared;
}
export async function closePool(): Promise<void> {
  await shared?.close();
  shared = undefined;
}

export async function convertBuffer(input: Buffer, options: { chunkSize?: number; level?: number; prioritized?: string[] } = {}): Promise<Converted> {
  const layout = await OciLayout.create(mkdtempSync(join(tmpdir(), 'estargz-test-')));
  const { digest, size } = await layout.writeBlob(input);
  const result = await convertLayer(layout, { mediaType: layerTypeOf(input), digest, size }, layout, {
    pool: pool(),
    level: options.level ?? 6,
    chunkSize: options.chunkSize ?? 4096,
    prioritized: options.prioritized ?? [],
  });
  const path = layout.blobPath(result.digest);
  const blob = readFileSync(path);
  const toc = await readWholeToc(path);
  const annotations = { [Annotation.stargzTocDigest]: result.tocDigest, [Annotation.estargzUncompressedSize]: String(result.uncompressedSize) };
  return { ...result, layout, source: digest, path, blob, toc, annotations };
}

/** The layer media type that declares the compression `blob` has. */
function layerTypeOf(blob: Buffer): string {
  if (blob[0] === 0x1f && blob[1] === 0x8b && blob[2] === 0x08) return MediaType.ociLayerGzip;
  if (blob.length >= 4 && blob.readUInt32LE(0) === 0xfd2fb528) return MediaType.ociLayerZstd;
  return MediaType.ociLayer;
}

/** The whole TOC of a (small) blob, every entry in memory. */
export async function readWholeToc(path: string): Promise<ParsedToc> {
  const entries: ParsedToc['entries'] = [];
  const { version } = await readBlobToc(path, (batch) => entries.push(...batch));
  return { version, entries };
}

export interface ListedEntry {
  name: string;
  type: string;
  data: Buffer;
}

/** gunzip + a tar listing with contents (through the project's reader, which other tests check against GNU tar). */
export async function listTar(tar: Buffer): Promise<ListedEntry[]> {
  const out: ListedEntry[] = [];
  for await (const entry of readTar(Readable.from([tar]))) {
    const parts: Buffer[] = [];
    for await (const piece of entry.body()) parts.push(piece);
    out.push({ name: entry.header.name, type: entry.header.type, data: Buffer.concat(parts) });
  }
  return out;
}

export function gunzip(blob: Buffer): Buffer {
  return gunzipSync(blob);
}

/** Start offsets of every gzip member of a blob (footer excluded), found by inflating member after member. */
export function memberOffsets(blob: Buffer): number[] {
  const footer = parseFooter(blob);
  const end = blob.length - (footer?.size ?? 0);
  const offsets: number[] = [];
  let pos = 0;
  while (pos < end) {
    offsets.push(pos);
    const flags = blob[pos + 3] as number;
    let header = 10;
    if (flags & 4) header += 2 + blob.readUInt16LE(pos + 10);
    const r = inflateRawSync(blob.subarray(pos + header, end), { info: true }) as unknown as { engine: { bytesWritten: number } };
    pos += header + r.engine.bytesWritten + 8;
  }
  return offsets;
}
