/**
 * What containerd holds of a pulled image, read from its own content store (so reading it fetches nothing more):
 * the digests and sizes of its manifest, config and layers, and how many of its layers the stargz snapshotter
 * mounted remotely (their snapshots carry `containerd.io/snapshot/remote`; a snapshot's key is its layer's chain
 * ID, as containerd's unpacker names them).
 */
import { createHash } from 'node:crypto';
import type { Ctr } from './containerd.js';

export interface ImageInfo {
  /** Every blob the image is made of (index, manifest, config, layers) with its size. */
  readonly blobs: readonly { readonly digest: string; readonly size: number }[];
  readonly layers: number;
  /** The chain ID of the top layer: the snapshot the image's root file system is made from. */
  readonly topChainId: string | undefined;
  /** Layers mounted lazily by the stargz snapshotter. */
  readonly remoteLayers: number;
}

interface Descriptor {
  readonly mediaType?: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { os?: string; architecture?: string };
}

async function content(ctr: Ctr, digest: string): Promise<{ json: Record<string, unknown>; size: number }> {
  const text = await ctr.ok(['content', 'get', digest]);
  return { json: JSON.parse(text) as Record<string, unknown>, size: Buffer.byteLength(text) };
}

/** The digest containerd recorded for an image name (`ctr images ls`: REF TYPE DIGEST ...). */
async function imageDigest(ctr: Ctr, ref: string): Promise<{ digest: string; mediaType: string }> {
  const listing = await ctr.ok(['images', 'ls']);
  for (const line of listing.split('\n').slice(1)) {
    const [name, mediaType, digest] = line.trim().split(/\s+/);
    if (name === ref && digest) return { digest, mediaType: mediaType ?? '' };
  }
  throw new Error(`containerd has no image ${ref}`);
}

/** Chain IDs as the OCI image spec defines them: the first diff_id, then sha256 of "<parent> <diff_id>". */
function chainIds(diffIds: readonly string[]): string[] {
  const ids: string[] = [];
  for (const diffId of diffIds) {
    const parent = ids.at(-1);
    ids.push(parent === undefined ? diffId : `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}`);
  }
  return ids;
}

export async function readImageInfo(ctr: Ctr, ref: string, snapshotter: 'stargz' | 'overlayfs'): Promise<ImageInfo> {
  const blobs: { digest: string; size: number }[] = [];
  let { digest } = await imageDigest(ctr, ref);
  let top = await content(ctr, digest);
  blobs.push({ digest, size: top.size });
  if (Array.isArray(top.json.manifests)) {
    // An index: the linux/amd64 manifest, as containerd picks for this machine.
    const manifests = top.json.manifests as Descriptor[];
    const chosen = manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? manifests[0];
    if (!chosen) throw new Error(`the image index ${ref} lists no manifest`);
    digest = chosen.digest;
    top = await content(ctr, digest);
    blobs.push({ digest, size: top.size });
  }
  const config = top.json.config as Descriptor;
  const layers = (top.json.layers ?? []) as Descriptor[];
  blobs.push({ digest: config.digest, size: config.size }, ...layers.map((layer) => ({ digest: layer.digest, size: layer.size })));
  let remoteLayers = 0;
  const diffIds = ((await content(ctr, config.digest)).json.rootfs as { diff_ids?: string[] } | undefined)?.diff_ids ?? [];
  const chain = chainIds(diffIds);
  if (snapshotter === 'stargz') {
    for (const chainId of chain) {
      const info = await ctr.run(['snapshots', '--snapshotter', 'stargz', 'info', chainId]);
      if (info.code !== 0) continue;
      const labels = (JSON.parse(info.stdout) as { Labels?: Record<string, string> }).Labels ?? {};
      if ('containerd.io/snapshot/remote' in labels) remoteLayers++;
    }
  }
  return { blobs, layers: layers.length, topChainId: chain.at(-1), remoteLayers };
}
