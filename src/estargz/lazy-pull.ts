/**
 * What a lazy pull of an eStargz layer fetches before the container starts, as the stargz snapshotter does it
 * (containerd/stargz-snapshotter, fs/remote/resolver.go and blob.go, fs/layer/layer.go; the same in v0.12 and
 * later): a 2-byte Range probe of the blob (`bytes=0-1`) when the layer is resolved; the footer, then the TOC;
 * then, for a layer with `.prefetch.landmark`, everything before the landmark's payload (none for a layer with
 * `.no.prefetch.landmark`). The blob is fetched and cached in blocks of 50,000 bytes (the snapshotter's default
 * `chunk_size`), each read rounded out to whole blocks, and a block is fetched once. What the service then reads
 * that was not prefetched is fetched on demand, after start; with a complete prefetch list that is nothing.
 */

/** The snapshotter's fetch block: reads of the blob are rounded out to these (its default chunk_size). */
const SNAPSHOTTER_BLOCK = 50_000;
/** The Range probe (`bytes=0-1`) the snapshotter sends when it resolves a layer blob. */
const PROBE_BYTES = 2;

export interface LazyPull {
  /** Bytes of the blob a start needs: its prefetched part (before the landmark), its TOC and its footer. */
  readonly bytes: number;
  /** What the stargz snapshotter fetches for them: whole blocks of 50,000 bytes, and its 2-byte probe. */
  readonly fetched: number;
}

/** `landmarkOffset`: the compressed offset of `.prefetch.landmark`'s payload, or undefined without one. */
export function lazyPullOf(blobSize: number, tocOffset: number, landmarkOffset: number | undefined): LazyPull {
  const prefetch = landmarkOffset ?? 0;
  const blocks = Math.ceil(blobSize / SNAPSHOTTER_BLOCK);
  const tailStart = Math.floor(tocOffset / SNAPSHOTTER_BLOCK); // the TOC's first block; the footer's is the last
  const headBlocks = Math.min(Math.ceil(prefetch / SNAPSHOTTER_BLOCK), tailStart);
  // The last block is short unless the blob fills it; it is always fetched (the footer is in it).
  const fetched = (headBlocks + blocks - tailStart) * SNAPSHOTTER_BLOCK - (blocks * SNAPSHOTTER_BLOCK - blobSize);
  return { bytes: prefetch + (blobSize - tocOffset), fetched: fetched + PROBE_BYTES };
}
