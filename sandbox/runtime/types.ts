/**
 * What the sandbox's room runtime tells the rest of the sandbox (the room protocol, the router, the runtime report)
 * about the services it runs. Field names and values are those of the room protocol's `services.list`
 * `service_states` entries (meshagent-api room_server_client.py:3240-3331; reference §7), so a state can be sent
 * as it is.
 */

/** A published port's liveness as the room reports it: no liveness path, not answering yet, or answering. */
export type LivenessStatus = 'not_configured' | 'not_ready' | 'ready';

/**
 * Where a service is in its life. `running` is the one state the CLI's deploy wait counts as live (reference
 * §5.2); `restarting` is the back-off wait after a crash; `failed` a pull or start that cannot go on.
 */
export type ServiceRunState = 'pending' | 'pulling' | 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

export interface PortState {
  readonly num: number;
  /** The port's liveness path, when the spec names one. */
  readonly liveness?: string;
  readonly liveness_status: LivenessStatus;
  /** Why the last probe failed. */
  readonly last_error?: string;
}

/** One service's state: an entry of `services.list`'s `service_states`. Times are Unix seconds. */
export interface ServiceRuntimeState {
  readonly service_id: string;
  readonly state: ServiceRunState;
  /** The container of the current run; kept after it exits until the next one replaces it. */
  readonly container_id?: string;
  readonly restart_count: number;
  readonly last_exit_code?: number;
  readonly last_exit_at?: number;
  readonly started_at?: number;
  /** When the next start after a crash is due. */
  readonly restart_scheduled_at?: number;
  readonly status: { readonly ports: readonly PortState[] };
}

/** Which logs to read: a service's current (or last) container, or one container by id (also a replaced one). */
export type LogTarget = { readonly serviceId: string } | { readonly containerId: string };

export interface LogOptions {
  /** Keep yielding new lines until the container exits (or `signal` aborts); without it, end after what is there. */
  readonly follow?: boolean;
  readonly signal?: AbortSignal;
}

/** A room or service the runtime does not know; the room protocol answers it as an error. */
export class RoomRuntimeError extends Error {}

/**
 * The room runtime as seen from the room protocol. Services are those of the sandbox's REST state; the runtime
 * follows every create, update and delete there on its own.
 */
export interface RoomRuntime {
  /** The state of each service of the room that has a container spec (in the order of the REST list). */
  list(room: string): ServiceRuntimeState[];
  /** Replaces the service's container with a new one of the same spec; resolves once the new one is started. */
  restart(room: string, serviceId: string): Promise<void>;
  /**
   * The container's stdout and stderr as they were written: one line (ending in `\n`) per item, or bytes as they
   * were read, which may end inside a line or a character.
   */
  logs(room: string, target: LogTarget, options?: LogOptions): AsyncIterable<string | Uint8Array>;
}
