/**
 * The config the pipeline runs on: what the inputs become once every one is parsed and checked. The service's
 * options are MeshAgent's (meshagent/service-options.ts); the builder choice is the builders' (build/select.ts).
 */
import type { BuilderChoice } from '../build/select.js';
import type { BuildArg, BuildSecretSource } from '../build/types.js';
import type { ServiceOptions, TemplateInputs } from '../meshagent/service-options.js';
import type { ImageReference, ImageTag } from '../reference.js';

/** Where the build cache is kept between runs: `auto` is `gha` on GitHub, else `local`. */
type CacheTo = 'auto' | 'local' | 'gha' | 'registry';

/** Where the image comes from: a build, or an existing image. */
export type ImageSource =
  | { readonly kind: 'oci'; readonly path: string; readonly ref: string | undefined }
  | { readonly kind: 'oci-archive'; readonly path: string; readonly ref: string | undefined }
  | { readonly kind: 'docker-archive'; readonly path: string }
  | { readonly kind: 'registry'; readonly reference: ImageReference };

export interface ShipConfig {
  readonly meshagent: {
    readonly apiKey: string;
    readonly apiUrl: string;
    readonly projectId: string;
    /** Where the project id came from, for the plan. */
    readonly projectIdSource: 'input' | 'api-key';
    /** The first room of `rooms` (the only one, mostly). */
    readonly room: string | undefined;
    /** Every room the service is deployed to, in the order given; empty when none is. */
    readonly rooms: readonly string[];
  };
  readonly image: {
    readonly tag: ImageTag;
    readonly context: string;
    readonly file: string | undefined;
    readonly buildArgs: readonly BuildArg[];
    readonly target: string | undefined;
    readonly platforms: readonly string[];
    readonly builder: BuilderChoice;
    readonly source: ImageSource | undefined;
    readonly estargz: boolean;
    readonly prefetch: readonly string[];
    /** `auto` among the prefetch lines: record what the image opens at start, for at most this long. */
    readonly prefetchAuto: { readonly timeoutSeconds: number } | undefined;
    readonly compressionLevel: number;
    readonly push: boolean;
    readonly cache: { readonly enabled: boolean; readonly to: CacheTo; readonly dir: string | undefined };
    readonly buildSecrets: readonly BuildSecretSource[];
    /** The `labels` input, in order; the OCI source labels are added to them at build time. */
    readonly labels: readonly BuildArg[];
    readonly sbom: boolean;
  };
  readonly service: ServiceOptions & {
    readonly deploy: boolean;
    readonly name: string | undefined;
    /** Create a missing room; `ephemeral` makes it an ephemeral room marked as this tool's (a preview's). */
    readonly createRoom: boolean | 'ephemeral';
    /** room: a service of the room; project: a project service, which rooms start at their next session. */
    readonly scope: 'room' | 'project';
    /** The service template inputs. */
    readonly serviceTemplate: TemplateInputs;
    /** How long to wait for the rollout; 0: do not wait (nor restart, nor probe the URL). */
    readonly waitSeconds: number;
    /** Put the previous spec back when the rollout fails. */
    readonly rollback: boolean;
    /** What a rollback does with a service this run created: disable it (kept, with its route) or delete it. */
    readonly rollbackNewService: 'stop' | 'delete';
  };
  readonly dryRun: boolean;
}
