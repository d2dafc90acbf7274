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

/** A `build-secrets` line: the secret `id`, read from an environment variable or a file. */
export interface BuildSecretSource {
  readonly id: string;
  readonly from: 'env' | 'file';
  /** The variable's name, or the file's path. */
  readonly name: string;
}

/**
 * A secret as a builder gets it: by the name of a variable of the builder's environment (which the builder's
 * process is given), or by a file path. Never the value on a command line.
 */
export type BuildSecret = { readonly id: string; readonly env: string; readonly value: string } | { readonly id: string; readonly file: string };

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
  /** The caller recompresses every layer (eStargz): the builder may leave them uncompressed. */
  readonly uncompressed?: boolean;
  /** Secrets for `RUN --mount=type=secret` steps; empty when none. */
  readonly secrets?: readonly BuildSecret[];
  /** The step cache, when it is on. */
  readonly cache?: StepCache;
  /** Each line of build output, as it comes. */
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Where a builder finds and leaves its step cache. buildah: `dir` is an OCI layout of the step images of earlier
 * builds (read before), and `saveDir` receives those of this build (written after). buildx: `from`/`to` are its
 * own `--cache-from`/`--cache-to` values.
 */
export interface StepCache {
  /** buildah: a storage directory of the build's own, so only the cache's step images can be hit. */
  readonly storage?: string;
  /**
   * buildah: the storage is the cache itself (a local cache-dir): kept after the build, pruned to this build's step
   * images and its base images, instead of read from and written to layouts.
   */
  readonly keep?: boolean;
  readonly dir?: string;
  readonly saveDir?: string;
  readonly from?: string;
  readonly to?: string;
  /** Extra environment for the builder (DOCKER_CONFIG with the credentials of a registry cache). */
  readonly env?: NodeJS.ProcessEnv;
}

/** What the step cache did in a build. */
export interface StepCacheUse {
  /** Steps run or taken from the cache. */
  readonly steps: number;
  /** Steps taken from the cache. */
  readonly hits: number;
  /** Step images read from the cache before the build (buildah). */
  readonly imported: number;
  /** Step images written to saveDir (buildah), or whether the cache was written (buildx). */
  readonly saved: number;
  /** Content key of what was saved. */
  readonly key: string | undefined;
  /** True when the saved steps are exactly those read from the cache: nothing new to keep. */
  readonly unchanged: boolean;
  /** Why the cache was (partly) not used: an unreadable step image, a multi-platform build. */
  readonly notes: readonly string[];
}

export interface BuiltImage {
  readonly builder: BuilderName;
  readonly layout: OciLayout;
  /** The name of the image in the layout's index.json (`org.opencontainers.image.ref.name`). */
  readonly ref: string;
  /** The Dockerfile that was built (absolute). */
  readonly dockerfile: string;
  /** What the step cache did, when there was one. */
  readonly cache?: StepCacheUse;
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
