// A room runtime held in memory that behaves like a room running its services, without containers: it follows the
// sandbox's services as the real runtime does (a new or changed spec gets a new container, a deleted or disabled one
// none, services.restart a new container), and each container lives the life its image is scripted to live: how
// long it starts, whether it exits (and with what code, restarting after a short back-off), when its liveness paths
// answer, and what it writes to its log. Time moves as the room is looked at, so a test polls it like a client.
import { RoomRuntimeError, type LogOptions, type LogTarget, type RoomRuntime, type ServiceRuntimeState } from '../../sandbox/runtime/types.js';
import type { SandboxState } from '../../sandbox/state.js';
import type { ServiceSpec } from '../../sandbox/wire/service.js';

export interface Behaviour {
  /** Time in `starting` before `running`. */
  readonly startMs?: number;
  /** The container exits with this code once it has run `exitAfterMs`; it is started again after the back-off. */
  readonly exitCode?: number;
  readonly exitAfterMs?: number;
  /** When its liveness paths answer, counted from `running`; null: never. */
  readonly readyAfterMs?: number | null;
  /** Written to its log when it starts. */
  readonly lines?: readonly string[];
  /** The room cannot start it at all (an image it cannot pull or run): the service is `failed`. */
  readonly unstartable?: boolean;
}

interface Container {
  readonly id: string;
  readonly startedAt: number;
  readonly behaviour: Behaviour;
  readonly lines: string[];
  exited: boolean;
  wake: (() => void)[];
}

interface Service {
  readonly room: string;
  readonly id: string;
  spec: string;
  container: Container;
  restartCount: number;
  lastExitCode?: number;
  /** When the container that exited is started again. */
  restartAt?: number;
}

const BACKOFF_MS = 150;

export class ScriptedRoomRuntime implements RoomRuntime {
  private state: SandboxState | undefined;
  private readonly services = new Map<string, Service>();
  private readonly containers = new Map<string, Container>();
  private counter = 0;
  /** Every container started, in order, by service id. */
  readonly started: { serviceId: string; containerId: string; image: string }[] = [];

  constructor(
    /** How a container of the spec behaves; the room is given too, for a spec that behaves differently per room. */
    private readonly behaviourOf: (spec: ServiceSpec, room: string) => Behaviour,
    private readonly now: () => number = Date.now,
  ) {}

  /** The sandbox whose services this runtime runs (its state exists once the sandbox has started). */
  attach(state: SandboxState): void {
    this.state = state;
  }

  list(room: string): ServiceRuntimeState[] {
    const specs = (this.state?.data.services[room] ?? []).filter((s) => s.id && s.container && s.enabled !== false);
    for (const [key, service] of this.services) if (service.room === room && !specs.some((s) => s.id === service.id)) this.remove(key, service);
    return specs.map((spec) => this.stateOf(room, spec));
  }

  /** How long services.restart takes to answer (a room pulling a large image); 0 by default. */
  restartDelayMs = 0;

  async restart(room: string, serviceId: string): Promise<void> {
    if (this.restartDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.restartDelayMs));
    const service = this.services.get(`${room}/${serviceId}`);
    const spec = this.state?.data.services[room]?.find((s) => s.id === serviceId);
    if (!service || !spec) throw new RoomRuntimeError(`no container service ${serviceId} in room ${room}`);
    this.end(service.container);
    service.spec = JSON.stringify(spec);
    service.container = this.launch(service.id, spec, service.room);
    service.restartCount = 0;
    service.restartAt = undefined;
    service.lastExitCode = undefined;
  }

  logs(room: string, target: LogTarget, options: LogOptions = {}): AsyncIterable<string> {
    const container = 'containerId' in target ? this.containers.get(target.containerId) : this.services.get(`${room}/${target.serviceId}`)?.container;
    const { follow = false, signal } = options;
    return (async function* () {
      if (!container) throw new RoomRuntimeError(`no container in room ${room}`);
      let next = 0;
      for (;;) {
        while (next < container.lines.length) yield container.lines[next++] as string;
        if (!follow || container.exited || signal?.aborted) return;
        await new Promise<void>((resolve) => {
          container.wake.push(resolve);
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
      }
    })();
  }

  private stateOf(room: string, spec: ServiceSpec): ServiceRuntimeState {
    const key = `${room}/${spec.id}`;
    const text = JSON.stringify(spec);
    let service = this.services.get(key);
    if (!service || service.spec !== text) {
      if (service) this.end(service.container);
      service = { room, id: spec.id ?? '', spec: text, container: this.launch(spec.id ?? '', spec, room), restartCount: 0 };
      // A replaced container starts over, as the room's runtime counts restarts per spec.
      this.services.set(key, service);
    }
    const now = this.now();
    const { behaviour } = service.container;
    // An exit due by now, and the start again after the back-off.
    const exitAt = behaviour.exitCode === undefined ? undefined : service.container.startedAt + (behaviour.startMs ?? 0) + (behaviour.exitAfterMs ?? 0);
    if (exitAt !== undefined && now >= exitAt && !service.container.exited) {
      this.end(service.container);
      service.restartCount += 1;
      service.lastExitCode = behaviour.exitCode;
      service.restartAt = now + BACKOFF_MS;
    }
    if (service.restartAt !== undefined && now >= service.restartAt) {
      service.container = this.launch(service.id, spec, service.room);
      service.restartAt = undefined;
    }
    const ranMs = now - service.container.startedAt - (behaviour.startMs ?? 0);
    const running = !service.container.exited && ranMs >= 0;
    const ready = running && behaviour.readyAfterMs !== null && ranMs >= (behaviour.readyAfterMs ?? 0);
    return {
      service_id: service.id,
      state: behaviour.unstartable ? 'failed' : service.container.exited ? 'restarting' : running ? 'running' : 'starting',
      container_id: service.container.id,
      restart_count: service.restartCount,
      ...(service.lastExitCode !== undefined ? { last_exit_code: service.lastExitCode } : {}),
      status: {
        ports: (spec.ports ?? []).flatMap((p) =>
          p.num === '*'
            ? []
            : [
                {
                  num: p.num,
                  ...(p.liveness ? { liveness: p.liveness } : {}),
                  liveness_status: !p.liveness ? 'not_configured' : ready ? 'ready' : 'not_ready',
                },
              ],
        ),
      },
    };
  }

  private launch(serviceId: string, spec: ServiceSpec, room: string): Container {
    const behaviour = this.behaviourOf(spec, room);
    const container: Container = {
      id: `${spec.metadata.name}-${++this.counter}`,
      startedAt: this.now(),
      behaviour,
      lines: (behaviour.lines ?? []).map((line) => `${line}\n`),
      exited: false,
      wake: [],
    };
    this.containers.set(container.id, container);
    this.started.push({ serviceId, containerId: container.id, image: spec.container?.image ?? '' });
    return container;
  }

  private end(container: Container): void {
    container.exited = true;
    for (const wake of container.wake.splice(0)) wake();
  }

  private remove(key: string, service: Service): void {
    this.end(service.container);
    this.services.delete(key);
  }
}
