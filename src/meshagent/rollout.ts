/**
 * Following a rollout in the room, as the MeshAgent CLI's deploy waits (cli image.py 3752-3907), with its words:
 * the room's service states are read every second until a container other than the one before runs and every
 * published port with a liveness path reports `ready`. It fails when the new container exits or restarts first
 * (with its exit code and restart count), when the room replaces the container it follows, when the room cannot
 * start it, and when the time runs out. The container's output is followed meanwhile and handed to `onLogLine`.
 */
import { ShipError } from '../errors.js';
import { pause } from '../pause.js';
import { followLogs, listServices, RoomError, type RoomSession, type ServiceState } from '../room/index.js';

/** What to wait for. */
export interface RolloutTarget {
  readonly serviceId: string;
  readonly serviceName: string;
  /** The container that ran before; the rollout waits for another one. Undefined: any container counts. */
  readonly previousContainerId: string | undefined;
  /** The published http ports with a liveness path: each must report `ready`. */
  readonly liveness: readonly { readonly port: number; readonly path: string }[];
}

export interface FollowOptions {
  readonly session: RoomSession;
  /** Epoch ms: the end of the wait. */
  readonly deadline: number;
  /** Progress lines, in the CLI's words. */
  readonly log: (line: string) => void;
  /** Each line the followed container writes, with the container's id. */
  readonly onLogLine: (line: string, containerId: string) => void;
  /** Between two looks at the room; the CLI's is 1 s. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** Injectable for tests. */
  readonly now?: () => number;
}

/** A rollout that became live: the container that runs, and when. */
export interface Live {
  readonly containerId: string;
}

type FailureKind = 'exited' | 'changed' | 'failed' | 'timeout';

/** A rollout that did not become live, and what the room said last. */
export class RolloutFailed extends ShipError {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly last: { readonly containerId: string | null; readonly exitCode: number | null; readonly restartCount: number | null },
  ) {
    super(message, { hint: HINTS[kind] });
  }
}

const HINTS: Record<FailureKind, string> = {
  exited: "the container's last log lines say why it exited; fix the service and ship again",
  changed: 'another deploy or a restart replaced the container during the wait; ship again, one deploy per service at a time',
  failed: 'the room could not start the container (an image it cannot pull or run); check the image and ship again',
  timeout: "the container's log lines and the liveness status say what it waits for; fix the service or raise wait",
};

/** How long an exited container's output may take to arrive in full, once its exit is known. */
const LOG_DRAIN_MS = 2000;

export async function waitForLive(target: RolloutTarget, options: FollowOptions): Promise<Live> {
  const { serviceName, serviceId } = target;
  const now = options.now ?? Date.now;
  const who = `${serviceName} (${serviceId})`;
  options.log(`Waiting for service to go live: ${who}`);
  for (const { path } of target.liveness) options.log(`Waiting for service liveness: ${path}`);
  const logs = new LogFollower(options);
  let last: ServiceState | undefined;
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      if (now() >= options.deadline) throw timedOut(target, last);
      let state: ServiceState | undefined;
      try {
        state = (await listServices(options.session, options.deadline)).states.get(serviceId);
      } catch (error) {
        // A connection that did not come back before the deadline is the wait running out.
        if (error instanceof RoomError && error.retryable && now() >= options.deadline - 1000) throw timedOut(target, last, error.reason);
        throw error;
      }
      if (state) last = state;
      const containerId = state?.container_id ?? undefined;
      if (state && containerId !== undefined && containerId === target.previousContainerId) {
        // Still the container from before the deploy.
      } else if (state) {
        if ((state.restart_count ?? 0) > 0) {
          await logs.drain(containerId);
          // The CLI's words, then the restart count, which the CLI does not say.
          const said = `Service container exited before the service was live: ${who}, exit code ${state.last_exit_code ?? 'unknown'}`;
          throw failure(`${said}, restart count ${state.restart_count}`, 'exited', state);
        }
        if (state.state === 'failed') {
          await logs.drain(containerId);
          throw failure(`Service container could not be started before the service was live: ${who}`, 'failed', state);
        }
        if (containerId !== undefined && logs.following !== undefined && containerId !== logs.following) {
          throw failure(`Service container changed before the service was live: ${who}, exit code ${state.last_exit_code ?? 'unknown'}`, 'changed', state);
        }
        if (containerId !== undefined && logs.following === undefined) {
          options.log(`Tailing container logs: ${containerId}`);
          logs.follow(containerId);
        }
        if (containerId !== undefined && state.state === 'running' && allReady(target, state)) {
          if (target.liveness.length === 0) options.log(`Service is live: ${who}`);
          for (const { path } of target.liveness) options.log(`Service liveness is ready: ${path}`);
          return { containerId };
        }
      }
      await pause(Math.min(options.pollMs ?? 1000, Math.max(0, options.deadline - now())), options.signal);
    }
  } finally {
    logs.stop();
  }
}

/** Every liveness port of the target reports `ready` in this state (matched by port, as the room lists them). */
function allReady(target: RolloutTarget, state: ServiceState): boolean {
  const ports = state.status?.ports ?? [];
  return target.liveness.every(({ port, path }) => ports.some((p) => p.num === port && (p.liveness ?? path) === path && p.liveness_status === 'ready'));
}

function failure(message: string, kind: FailureKind, state: ServiceState): RolloutFailed {
  return new RolloutFailed(message, kind, {
    containerId: state.container_id ?? null,
    exitCode: state.last_exit_code ?? null,
    restartCount: state.restart_count ?? null,
  });
}

/** The CLI's timeout message, with what the room said last: the state and each liveness port's status. */
function timedOut(target: RolloutTarget, last: ServiceState | undefined, connection?: string): RolloutFailed {
  const seen =
    last === undefined || (last.container_id ?? undefined) === target.previousContainerId
      ? 'no new container was seen'
      : [
          `container ${last.container_id ?? '(none)'} ${last.state ?? 'in no known state'}`,
          ...(last.status?.ports ?? [])
            .filter((p) => p.liveness)
            .map((p) => `liveness ${p.liveness} ${p.liveness_status ?? 'unknown'}${p.last_error ? ` (${p.last_error})` : ''}`),
        ].join(', ');
  const lost = connection ? `; the room connection was lost (${connection})` : '';
  return new RolloutFailed(`timed out waiting for deployed service to become live: ${target.serviceName} (${target.serviceId}); ${seen}${lost}`, 'timeout', {
    containerId: last?.container_id ?? null,
    exitCode: last?.last_exit_code ?? null,
    restartCount: last?.restart_count ?? null,
  });
}

/** The output of the container being followed, read in the background while the wait goes on. */
class LogFollower {
  following: string | undefined;
  private readonly stopper = new AbortController();
  private done: Promise<void> | undefined;

  constructor(private readonly options: FollowOptions) {}

  follow(containerId: string): void {
    this.following = containerId;
    const { session, onLogLine, deadline, log } = this.options;
    this.done = followLogs(session, {
      containerId,
      onLine: (line) => onLogLine(line, containerId),
      signal: this.stopper.signal,
      deadline: () => deadline,
    }).catch((error: unknown) => {
      // The logs are a help, not the verdict: a failure to read them is said and the wait goes on.
      if (!this.stopper.signal.aborted) log(`The container logs could not be read: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /**
   * Lets an exited container's output arrive in full: the logs end on their own when it has exited. A container
   * that was never followed (it exited before the first look) has its logs read once.
   */
  async drain(containerId: string | undefined): Promise<void> {
    if (this.following === undefined && containerId !== undefined) this.follow(containerId);
    if (this.done) await Promise.race([this.done, pause(LOG_DRAIN_MS)]);
  }

  stop(): void {
    this.stopper.abort();
  }
}
