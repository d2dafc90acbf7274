/**
 * The runtime report (GET /_sandbox/runtime): whether the room runtime runs, and if not why, and an entry per
 * container service. Without a runtime the services are still listed, as recorded and not run.
 */
import type { SandboxState } from '../state.js';

/** One service in the runtime report (GET /_sandbox/runtime). */
export interface RuntimeReportEntry {
  readonly room: string;
  readonly service_id: string;
  readonly name: string;
  readonly image: string;
  readonly state: string;
  readonly container_id: string | null;
  readonly restart_count: number;
  readonly last_exit_code: number | null;
  /** Null when no runtime runs. */
  readonly snapshotter: 'stargz' | 'overlayfs' | null;
  readonly remote_layers: number | null;
  readonly layers: number | null;
  readonly image_bytes: number | null;
  readonly bytes_fetched_before_ready: number | null;
  readonly pull_to_ready_ms: number | null;
  readonly error: string | null;
}

/** Whether the room runtime runs; when it does not, why (said once in the sandbox's log too). */
export type RuntimeAvailability =
  | { readonly available: true; readonly snapshotter: 'stargz' | 'overlayfs'; readonly lazy_pull_off: string | null }
  | { readonly available: false; readonly reason: string };

/** The state of a service that no runtime runs: recorded by the API, never started. */
const NOT_RUN = 'not_run';

/** Every container service of the sandbox's rooms, as recorded and not run, with the reason. */
export function recordedServices(state: SandboxState, reason: string): RuntimeReportEntry[] {
  return Object.entries(state.data.services).flatMap(([room, services]) =>
    services
      .filter((spec) => spec.id && spec.container)
      .map((spec) => ({
        room,
        service_id: spec.id ?? '',
        name: spec.metadata.name,
        image: spec.container?.image ?? '',
        state: NOT_RUN,
        container_id: null,
        restart_count: 0,
        last_exit_code: null,
        snapshotter: null,
        remote_layers: null,
        layers: null,
        image_bytes: null,
        bytes_fetched_before_ready: null,
        pull_to_ready_ms: null,
        error: `not run: the room runtime is off (${reason})`,
      })),
  );
}
