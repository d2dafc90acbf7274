/**
 * The manifest and config of one image: for an index, the image for the platform asked for, else the first image
 * listed; for a manifest, its own.
 */
import { ShipError } from '../errors.js';
import type { OciLayout } from './layout.js';
import { isImageManifestType, isIndexType } from './media-types.js';
import { ImageConfig, ImageIndex, ImageManifest, type Descriptor } from './types.js';

export async function readImageConfig(
  layout: OciLayout,
  top: Descriptor,
  platform: { readonly os: string; readonly architecture: string },
): Promise<{ manifest: ImageManifest; config: ImageConfig; descriptor: Descriptor }> {
  let descriptor = top;
  if (isIndexType(descriptor.mediaType)) {
    const index = await layout.readJson(descriptor, ImageIndex, 'index');
    const images = index.manifests.filter((d) => isImageManifestType(d.mediaType));
    const chosen = images.find((d) => d.platform?.os === platform.os && d.platform.architecture === platform.architecture) ?? images[0];
    if (!chosen) throw new ShipError(`the image index ${descriptor.digest} lists no image`, { hint: 'build or name an image with at least one platform' });
    descriptor = chosen;
  }
  if (!isImageManifestType(descriptor.mediaType)) {
    throw new ShipError(`${descriptor.digest} is a ${descriptor.mediaType}, not an image`, {
      hint: 'name a container image (an OCI or Docker image manifest or index)',
    });
  }
  const manifest = await layout.readJson(descriptor, ImageManifest, 'manifest');
  const config = await layout.readJson(manifest.config, ImageConfig, 'image config');
  return { manifest, config, descriptor };
}
