/**
 * The result of a run: what each stage did, the image, the service, the retries and the error. The action's outputs,
 * the job summary and `--json` are all rendered from it, also after a failure (the stages done so far and the
 * error). It never holds a secret: only names, digests, sizes, ids and URLs.
 */

export const STAGES = ['resolve', 'ensure', 'build', 'convert', 'push', 'deploy', 'verify'] as const;
export type StageName = (typeof STAGES)[number];

export interface StageRecord {
  readonly name: StageName;
  readonly status: 'done' | 'failed' | 'skipped';
  readonly durationMs: number;
  /** One line: what the stage did, or why it was skipped. */
  readonly detail: string;
}

/** One layer as shipped: the source layer and what it became. */
export interface LayerReport {
  readonly sourceDigest: string;
  readonly sourceSize: number;
  readonly digest: string;
  readonly size: number;
  /** The eStargz TOC digest, when the layer is eStargz. */
  readonly tocDigest: string | null;
  /** Files listed before the prefetch landmark (read before the service starts). */
  readonly prefetchFiles: number;
  /** Bytes a lazy pull reads before start: the prefetched part of the blob, its TOC and footer. */
  readonly prefetchBytes: number;
  /** True when the layer was not converted again (already eStargz, or known from a previous ship). */
  readonly reused: boolean;
  /**
   * What the convert stage did: `converted` it; `reused` the previous ship's conversion (not converted, not
   * uploaded: the repository has it); `kept` a layer that already was eStargz; `as-is` with estargz: false.
   */
  readonly conversion: 'converted' | 'reused' | 'kept' | 'as-is';
  /** How the push handled the blob: uploaded, already there, or mounted from another repository. */
  readonly push: 'uploaded' | 'skipped' | 'mounted' | null;
}

export interface ImageReport {
  /** The full tag, `<registry>/<project-key>/<repository>:<tag>`. */
  readonly tag: string;
  readonly repository: string;
  readonly repositoryCreated: boolean | null;
  readonly digest: string | null;
  /** `<registry>/<project-key>/<repository>@sha256:...`. */
  readonly ref: string | null;
  readonly layers: readonly LayerReport[];
}

export interface ServiceReport {
  readonly id: string | null;
  readonly name: string;
  readonly room: string;
  readonly created: boolean | null;
  readonly domain: string | null;
  readonly url: string | null;
  /** What happened to the route: created, updated, unchanged, or none. */
  readonly route: 'created' | 'updated' | 'unchanged' | 'none';
  /**
   * After a deploy that failed (or was stopped) once it had written: `restored`, the service runs the spec it had
   * before; `removed`, what this deploy created (the service, a route) was deleted; `failed`, taking it back failed
   * and the error says what is left to put right by hand. null when the deploy completed, or wrote nothing.
   */
  readonly rollback: 'restored' | 'removed' | 'failed' | null;
}

/** What the build cache did: where it is, what was restored, how many steps hit, what was saved. */
export interface BuildCacheReport {
  readonly kind: 'local' | 'gha' | 'registry';
  /** The cache directory, GitHub's cache scope, or the registry cache's reference. */
  readonly where: string;
  /** What was restored (a key, a count of step images), or null when there was nothing to restore. */
  readonly restored: string | null;
  readonly steps: number | null;
  readonly hits: number | null;
  /** What was saved, or null when nothing new was (or could be) saved. */
  readonly saved: string | null;
  /** Why part of the cache was not used or not saved; never a failure of the build. */
  readonly notes: readonly string[];
}

export interface ProbeReport {
  readonly url: string;
  readonly status: number | null;
  readonly latencyMs: number | null;
  readonly attempts: number;
  readonly ok: boolean;
}

interface RetryReport {
  readonly method: string;
  readonly url: string;
  readonly reason: string;
}

export interface ShipResult {
  readonly status: 'planned' | 'shipped' | 'failed';
  readonly dryRun: boolean;
  readonly image: ImageReport | null;
  readonly service: ServiceReport | null;
  readonly probe: ProbeReport | null;
  /** The build cache, when the image was built with one. */
  readonly cache: BuildCacheReport | null;
  readonly stages: readonly StageRecord[];
  readonly retries: readonly RetryReport[];
  readonly durationMs: number;
  /** What a dry run would do, as lines; null otherwise. */
  readonly plan: readonly string[] | null;
  /** Set when a dry run planned offline: why, and the facts it could not read from MeshAgent. */
  readonly offline: { readonly reason: string; readonly unread: readonly string[] } | null;
  readonly error: { readonly stage: StageName | null; readonly message: string; readonly hint: string | null } | null;
}

/** The action's outputs, as strings (empty when unknown). */
export function resultOutputs(result: ShipResult): Record<string, string> {
  return {
    image: result.image?.tag ?? '',
    repository: result.image ? result.image.tag.replace(/(@sha256:[0-9a-f]+|:[^:/]+)$/, '') : '',
    digest: result.image?.digest ?? '',
    'image-ref': result.image?.ref ?? '',
    'service-id': result.service?.id ?? '',
    'service-name': result.service?.name ?? '',
    'service-url': result.service?.url ?? '',
    created: result.service?.created === null || result.service === null ? '' : String(result.service.created),
    result: JSON.stringify(result),
  };
}
