/** The image of an index that a service runs: MeshAgent runs linux/amd64, so that one, else the first listed. */
import { type Descriptor, type ImageConfig, type ImageManifest, type OciLayout, readImageConfig } from '../oci/index.js';

/** The platform MeshAgent runs images on. */
const RUNTIME_PLATFORM = { os: 'linux', architecture: 'amd64' } as const;

/** The manifest of the image a service runs (and its descriptor), and its config. */
export function readRunnableConfig(layout: OciLayout, top: Descriptor): Promise<{ manifest: ImageManifest; config: ImageConfig; descriptor: Descriptor }> {
  return readImageConfig(layout, top, RUNTIME_PLATFORM);
}
