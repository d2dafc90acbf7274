/**
 * OCI images: media types and documents, image layouts on disk and the archives that carry them, and the
 * distribution API client that pushes and pulls them. What the rest of src/ uses of oci/, and only that.
 */
export { assertArchiveFile, checkArchiveTarget, layoutFromDockerArchive, openImage, packOciArchive } from './archive.js';
export { DigestCounter, isDigest, sha256, type Digest } from './digest.js';
export { readImageConfig } from './image-config.js';
export { formatImageRef, parseImageRef, type ImageRef } from './image-ref.js';
export { OciLayout } from './layout.js';
export { Annotation, isConfigType, isForeignLayer, isImageManifestType, isIndexType, layerCompression, MediaType } from './media-types.js';
export { forEachLimited, MissingBlobError, pushImage, short, type PushResult } from './push.js';
export { RegistryClient, type RepositoryClient } from './registry.js';
export type { RegistryCredentials } from './registry-auth.js';
export { credentialsFromDockerConfig, dockerConfigPath } from './registry-credentials.js';
export { remoteImageManifests } from './remote-manifests.js';
export { pullImage } from './pull.js';
export { pullIntoLayout, pushFromLayout } from './transfer.js';
export { ImageConfig, ImageIndex, ImageManifest, type Descriptor } from './types.js';
export { removeWhenClosed } from './write-stream.js';
