/**
 * The builder port: turn a Dockerfile context into an OCI image layout on disk. Each implementation (buildah,
 * docker) takes the same request and answers the same result, so the pipeline does not care which one ran.
 */
import type { OciLayout } from '../oci/index.js';

export type BuilderName = 'buildah' | 'docker';

/** A build argument (`--build-arg NAME=VALUE`). */
export interface BuildArg {
  readonly name: string;
  readonly value: string;
}

export interface BuildRequest {
  /** The build context directory. */
  readonly context: string;
  /** The Dockerfile, relative to the context; undefined: Containerfile, else Dockerfile, in the context. */
  readonly file: string | undefined;
  readonly buildArgs: readonly BuildArg[];
  readonly target: string | undefined;
  /** `os/arch[/variant]`; empty: the builder's own platform. */
  readonly platforms: readonly string[];
  /** The tag the image is built as (it names the image in the layout too). */
  readonly tag: string;
  /** An empty or missing directory that receives the OCI layout. */
  readonly outputDir: string;
  /** Each line of build output, as it comes. */
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface BuiltImage {
  readonly builder: BuilderName;
  readonly layout: OciLayout;
  /** The name of the image in the layout's index.json (`org.opencontainers.image.ref.name`). */
  readonly ref: string;
  /** The Dockerfile that was built (absolute). */
  readonly dockerfile: string;
}

export interface Availability {
  readonly available: boolean;
  /** Why (not): shown when `auto` picks, and in the error when a chosen builder is missing. */
  readonly reason: string;
}

export interface Builder {
  readonly name: BuilderName;
  /** Whether this builder can run here, and why (not). Never throws. */
  available(): Promise<Availability>;
  build(request: BuildRequest): Promise<BuiltImage>;
}

/** The ref name given to the built image inside the layout: its tag (after the last `:` past the last `/`). */
export function layoutRefFor(tag: string): string {
  const slash = tag.lastIndexOf('/');
  const colon = tag.lastIndexOf(':');
  return colon > slash ? tag.slice(colon + 1) : 'latest';
}
