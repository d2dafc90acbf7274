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
  /** Files with content placed before the prefetch landmark, fetched before the service starts (not links or directories). */
  readonly prefetchFiles: number;
  /** Bytes of the blob a lazy pull needs before start: its prefetched part, its TOC and its footer. */
  readonly prefetchBytes: number;
  /** What the stargz snapshotter fetches of the blob for that: whole 50,000-byte blocks (the whole blob when not eStargz). */
  readonly fetchedBeforeStart: number;
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
  /** What starting the service costs a lazy pull of the image it runs; null before the convert stage. */
  readonly startup: StartupReport | null;
}

/**
 * What a lazy pull (the stargz snapshotter) fetches of the image before the service starts: the manifests and the
 * config, and of each layer its footer, TOC and prefetched files, in the snapshotter's blocks of 50,000 bytes. A
 * layer that is not eStargz is fetched whole. What the service reads at start that was not prefetched comes on top.
 */
export interface StartupReport {
  readonly bytesBeforeStart: number;
  /** Everything a full pull fetches: the manifests, the config and every layer blob. */
  readonly imageBytes: number;
  /** Files with content prefetched, in all layers. */
  readonly prefetchedFiles: number;
  /** With `prefetch: auto`: how many files were recorded and how the recording ended; null without it. */
  readonly auto: string | null;
}

export interface ServiceReport {
  readonly id: string | null;
  readonly name: string;
  /** The room; null for a project service, which is in every room. */
  readonly room: string | null;
  readonly created: boolean | null;
  readonly domain: string | null;
  readonly url: string | null;
  /** What happened to the route: created, updated, unchanged, or none. */
  readonly route: 'created' | 'updated' | 'unchanged' | 'none';
  /**
   * After a deploy that failed (or was stopped) once it had written, or whose rollout did not become live:
   * `restored`, the service runs the spec it had before; `removed`, what this deploy created (the service, a route)
   * was deleted; `stopped`, the service this deploy created was disabled (kept, with its route); `failed`, taking it
   * back failed and the error says what is left to put right by hand. null when nothing was taken back.
   */
  readonly rollback: 'restored' | 'removed' | 'stopped' | 'failed' | null;
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

/** Why a rollout did not become live. */
export interface RolloutFailure {
  /**
   * `exited`: the new container exited or restarted first; `changed`: the room replaced it; `failed`: the room could
   * not start it; `timeout`: the wait ran out; `room`: the room could not be asked (a refused connection or call);
   * `stopped`: the run was stopped (SIGINT, SIGTERM) during the wait.
   */
  readonly reason: 'exited' | 'changed' | 'failed' | 'timeout' | 'room' | 'stopped';
  readonly message: string;
  readonly exitCode: number | null;
  readonly restartCount: number | null;
}

/** Where the service went back to after a rollout that did not become live. */
export interface RolledBackReport {
  /** What was done: the previous spec put back, or the new service stopped or deleted. */
  readonly service: 'restored' | 'stopped' | 'removed';
  /** The image the service runs again (restored only), and its digest when it is pinned by one. */
  readonly image: string | null;
  readonly digest: string | null;
  /** Whether the restored container became live again; null when there was nothing to wait for (a new service, a disabled spec). */
  readonly live: boolean | null;
  readonly containerId: string | null;
}

/** How the rollout went, as the room reported it. */
export interface RolloutReport {
  /**
   * `ready`: the room runs the new container and its liveness paths answer; `rolled-back`: it did not become live
   * and the service went back (see rolledBack); `failed`: it did not become live and was not taken back;
   * `not-waited`: wait is false (or the service is disabled), so nothing was waited for.
   */
  readonly outcome: 'ready' | 'rolled-back' | 'failed' | 'not-waited';
  /** From the end of the deploy to the room saying the new container is live. */
  readonly readyMs: number | null;
  /** Whether services.restart was sent (after an update, as the CLI does). */
  readonly restarted: boolean;
  /** The new container, when one was seen. */
  readonly containerId: string | null;
  readonly failure: RolloutFailure | null;
  /** On failure, the new container's last log lines (at most 50 and 8 KiB, secrets hidden), plain text. */
  readonly logs: readonly string[];
  readonly rolledBack: RolledBackReport | null;
}

/** One room of a run to several rooms. */
export interface RoomReport {
  readonly room: string;
  /** The service in this room, as `service` is for one room; null when nothing was deployed there. */
  readonly service: ServiceReport | null;
  /** The rollout in this room; null when its deploy did not complete. */
  readonly rollout: RolloutReport | null;
  /** Why this room failed; null when it shipped. */
  readonly error: ShipResult['error'];
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
  /** The rollout in the room, once the deploy completed; null before. */
  readonly rollout: RolloutReport | null;
  readonly stages: readonly StageRecord[];
  readonly retries: readonly RetryReport[];
  readonly durationMs: number;
  /** What a dry run would do, as lines; null otherwise. */
  readonly plan: readonly string[] | null;
  /** Set when a dry run planned offline: why, and the facts it could not read from MeshAgent. */
  readonly offline: { readonly reason: string; readonly unread: readonly string[] } | null;
  readonly error: { readonly stage: StageName | null; readonly message: string; readonly hint: string | null } | null;
  /**
   * With several rooms only: a row per room, in the order given (service, rollout and probe above are the first
   * room's). Absent when the run deploys to one room or none.
   */
  readonly rooms?: readonly RoomReport[];
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
    rollout: result.rollout?.outcome ?? '',
    'rolled-back-to': result.rollout?.rolledBack?.digest ?? '',
    result: JSON.stringify(result),
  };
}
