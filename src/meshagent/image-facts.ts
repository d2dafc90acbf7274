/** What the service spec needs to know about the image that will run, read from the image's config. */
import type { ImageConfig } from '../oci/index.js';
import { imageRuntime, runtimeSourceOfConfig, type ImageRuntime, type RuntimeSource } from './image-runtime.js';

export interface ImageFacts {
  /** The digest-pinned reference the service runs (`repo@sha256:...`). */
  readonly ref: string;
  /** The tag it was pushed as; image mounts of this tag are pinned to `ref` too, as the CLI does. */
  readonly tag: string;
  /** The config's ExposedPorts keys, e.g. `8080/tcp`. */
  readonly exposedPorts: readonly string[];
  /** The config's Volumes keys (Dockerfile VOLUME paths). */
  readonly volumes: readonly string[];
  /** Built here from a Dockerfile (the CLI's words apply), or an existing image. */
  readonly built: boolean;
  /** Set when the image carries `LABEL meshagent.runtime=python|node`: it runs in that runtime image, mounted. */
  readonly runtime?: ImageRuntime | undefined;
}

/**
 * Image facts from an image config (its ExposedPorts, Volumes, and the runtime its label asks for). `env`: the ENV
 * lines of the Dockerfile the image was built from, the runtime's defaults as the CLI reads them.
 */
export function imageFacts(ref: string, tag: string, config: ImageConfig, built: boolean, env?: RuntimeSource['env']): ImageFacts {
  const settings = config.config ?? {};
  return {
    ref,
    tag,
    exposedPorts: Object.keys(settings.ExposedPorts ?? {}),
    volumes: Object.keys(settings.Volumes ?? {}),
    built,
    runtime: imageRuntime(runtimeSourceOfConfig(settings, env), built ? 'packed Dockerfile final stage' : `image ${ref}`),
  };
}
