/**
 * Reading a source layer from an OCI layout, with everything its descriptor claims held to the bytes: a media type
 * this tool knows as a layer, the compression that type declares, the size, and the digest (checked as the blob
 * streams, OciLayout.openBlob). The tar's entries are read with their names and link targets checked
 * (tar/entry-path.ts), and the blob is read to its end even after the tar's end-of-archive marker, so the digest check
 * always runs.
 */
import type { Readable } from 'node:stream';
import { quoted, ShipError } from '../errors.js';
import {
  type Descriptor,
  ImageIndex,
  ImageManifest,
  isConfigType,
  isForeignLayer,
  isImageManifestType,
  isIndexType,
  layerCompression,
  type OciLayout,
} from '../oci/index.js';
import { checkEntryPath, decompress, isCorruptCompression, readTar, sniffCompression, TarFormatError, type Compression, type TarEntry } from '../tar/index.js';

const NAMES: Readonly<Record<Compression, string>> = { none: 'uncompressed', gzip: 'gzip', zstd: 'zstd' };

/**
 * The checks that need no full read: a known layer media type, the blob a file of the descriptor's size, and its
 * first bytes the compression the media type declares. Returns the compression.
 */
export async function checkLayerBlob(layout: OciLayout, layer: Descriptor): Promise<Compression> {
  const declared = layerCompression(layer.mediaType);
  if (declared === undefined) throw unknownLayerType(layout, layer);
  const path = await layout.statBlob(layer);
  const actual = await sniffCompression(path, 'a layer blob');
  if (actual !== declared) {
    throw new ShipError(`${layout.where}: layer ${layer.digest} is declared ${NAMES[declared]} (${layer.mediaType}), but its bytes are ${NAMES[actual]}`, {
      hint: 'the manifest gives the layer the wrong media type: fix the tool that wrote the image, or export it again',
    });
  }
  return actual;
}

/**
 * What a manifest claims that can be checked without reading its layers: it is the type its descriptor says (as
 * containerd's images.validateMediaType checks), its config is an image config, and every layer passes
 * checkLayerBlob (foreign layers, which live elsewhere, only by their type).
 */
export async function checkManifestParts(layout: OciLayout, descriptor: Descriptor, manifest: ImageManifest): Promise<void> {
  checkDeclaredType(layout, descriptor, manifest.mediaType);
  if (!isConfigType(manifest.config.mediaType)) {
    throw new ShipError(
      `${layout.where}: manifest ${descriptor.digest} has a config of media type ${quoted(manifest.config.mediaType)}, which is not an image config`,
      {
        hint: 'only container images are handled (an OCI or Docker image config); this looks like another kind of artifact',
      },
    );
  }
  for (const layer of manifest.layers) {
    if (!isForeignLayer(layer)) await checkLayerBlob(layout, layer);
    else if (layerCompression(layer.mediaType) === undefined) throw unknownLayerType(layout, layer);
  }
}

/** A document whose own mediaType field is not its descriptor's is refused. */
export function checkDeclaredType(layout: OciLayout, descriptor: Descriptor, declared: string | undefined): void {
  if (declared !== undefined && declared !== descriptor.mediaType) {
    throw new ShipError(`${layout.where}: ${descriptor.digest} says it is a ${quoted(declared)}, but its descriptor says ${descriptor.mediaType}`, {
      hint: 'the image is corrupt: build or export it again',
    });
  }
}

/** checkManifestParts for every image of an index (or the one manifest), for an image shipped as it is. */
export async function checkImageParts(layout: OciLayout, top: Descriptor, depth = 0): Promise<void> {
  if (isIndexType(top.mediaType)) {
    if (depth > 4) throw new ShipError(`${layout.where}: index ${top.digest} nests too deeply`);
    const index = await layout.readJson(top, ImageIndex, 'index');
    checkDeclaredType(layout, top, index.mediaType);
    for (const entry of index.manifests) await checkImageParts(layout, entry, depth + 1);
  } else if (isImageManifestType(top.mediaType)) {
    await checkManifestParts(layout, top, await layout.readJson(top, ImageManifest, 'manifest'));
  } else {
    throw unknownDocumentType(layout, top);
  }
}

export function unknownDocumentType(layout: OciLayout, descriptor: Descriptor): ShipError {
  return new ShipError(
    `${layout.where}: ${descriptor.digest} has media type ${quoted(descriptor.mediaType)}, which is neither an image manifest nor an index`,
    {
      hint: 'name a container image (an OCI or Docker image manifest or index)',
    },
  );
}

function unknownLayerType(layout: OciLayout, layer: Descriptor): ShipError {
  return new ShipError(`${layout.where}: layer ${layer.digest} has media type ${quoted(layer.mediaType)}, which is not a container layer type`, {
    hint: 'only tar layers (application/vnd.oci.image.layer.v1.tar, +gzip, +zstd, or their Docker equivalents) are handled; encrypted layers and artifacts are not',
  });
}

/** The layer's uncompressed tar, its blob checked against the descriptor as it streams. */
export async function openLayerTar(layout: OciLayout, layer: Descriptor): Promise<Readable> {
  const compression = await checkLayerBlob(layout, layer);
  return decompress(await layout.openBlob(layer), compression, `layer ${layer.digest}`);
}

/**
 * The entries of a layer's tar, each name and link target checked, and then the rest of the stream read to its
 * end: the blob's digest is checked when its last byte has been read, so stopping at the end-of-archive marker
 * would skip it (containerd reads what follows a layer's tar for the same reason). `where` names the layer.
 */
export async function* layerEntries(tar: Readable, where: string): AsyncGenerator<TarEntry> {
  let finished = false;
  try {
    for await (const entry of readTar(tar.iterator({ destroyOnReturn: false }))) {
      checkEntryPath(entry.header, where, entry.headerOffset);
      yield entry;
    }

    for await (const _rest of tar);
    finished = true;
  } catch (error) {
    throw error instanceof TarFormatError ? describeLayerReadError(error, where) : error;
  } finally {
    if (!finished) tar.destroy();
  }
}

/**
 * A zlib, tar or file error met while reading a layer as a ShipError, with a hint that speaks of the layer (the
 * readers below say only what they found wrong with the bytes). `what` names the layer.
 */
export function describeLayerReadError(error: unknown, what: string): ShipError {
  if (error instanceof TarFormatError)
    return new ShipError(error.message, { hint: 'the layer is not a valid tar archive (or was cut short): rebuild or re-export the image', cause: error });
  if (error instanceof ShipError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isCorruptCompression(error))
    return new ShipError(`${what}: the compressed stream is corrupt (${message})`, {
      hint: 'the layer blob is damaged: rebuild or re-export the image',
      cause: error,
    });
  return new ShipError(`${what}: cannot be read (${message})`, { cause: error });
}
