/** What the service spec needs to know about the image that will run, read from the image's config. */
import type { ImageConfig } from '../oci/index.js';

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
}

/** Image facts from an image config (its ExposedPorts and Volumes). */
export function imageFacts(ref: string, tag: string, config: ImageConfig, built: boolean): ImageFacts {
  return {
    ref,
    tag,
    exposedPorts: Object.keys(config.config?.ExposedPorts ?? {}),
    volumes: Object.keys(config.config?.Volumes ?? {}),
    built,
  };
}
