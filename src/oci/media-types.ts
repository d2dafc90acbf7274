/** The media types read and written (OCI image spec, and Docker schema 2 as a source format). */
import type { Compression } from '../tar/index.js';

export const OCI_LAYOUT_VERSION = '1.0.0';

export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/**
 * The layer media types a container runtime unpacks (containerd's images.DiffCompression knows the same ones), with
 * the compression each declares. Anything else (an encrypted layer, an in-toto statement, a Helm chart) is not a
 * file-system layer this tool can convert or vouch for.
 */
const LAYER_COMPRESSION: Readonly<Record<string, Compression>> = {
  [MediaType.ociLayer]: 'none',
  [MediaType.ociLayerGzip]: 'gzip',
  [MediaType.ociLayerZstd]: 'zstd',
  [MediaType.ociLayerNondistributable]: 'none',
  [MediaType.ociLayerNondistributableGzip]: 'gzip',
  [MediaType.ociLayerNondistributableZstd]: 'zstd',
  [MediaType.dockerLayer]: 'none',
  [MediaType.dockerLayerGzip]: 'gzip',
  [MediaType.dockerLayerZstd]: 'zstd',
  [MediaType.dockerForeignLayer]: 'none',
  [MediaType.dockerForeignLayerGzip]: 'gzip',
};

/** The compression a layer media type declares; undefined when it is not a layer type this tool knows. */
export function layerCompression(mediaType: string): Compression | undefined {
  return Object.hasOwn(LAYER_COMPRESSION, mediaType) ? LAYER_COMPRESSION[mediaType] : undefined;
}

/** Image config media types: OCI's, and Docker schema 2's (the same document). */
export function isConfigType(mediaType: string): boolean {
  return mediaType === MediaType.ociConfig || mediaType === MediaType.dockerConfig;
}

/** Layers pulled from their own URLs rather than the registry (never pushed, so never in a layout). */
export function isForeignLayer(layer: { mediaType: string; urls?: readonly string[] | undefined }): boolean {
  return layer.mediaType === MediaType.dockerForeignLayer || layer.mediaType === MediaType.dockerForeignLayerGzip || (layer.urls?.length ?? 0) > 0;
}

/** Manifest types that list other manifests (one per platform). */
export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

/** Manifest types that describe one image (config + layers). */
export function isImageManifestType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}

/** What every manifest GET/HEAD should accept, newest first. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest] as const;

/** Annotations of the OCI image spec and of eStargz, written or read here. */
export const Annotation = {
  /** On an index entry: the tag it is known by in an OCI layout. */
  refName: 'org.opencontainers.image.ref.name',
  /** On an eStargz layer: the digest of its TOC JSON (read by the stargz snapshotter). */
  stargzTocDigest: 'containerd.io/snapshot/stargz/toc.digest',
  /** On an eStargz layer: the size of the uncompressed tar. */
  estargzUncompressedSize: 'io.containers.estargz.uncompressed-size',
} as const;
