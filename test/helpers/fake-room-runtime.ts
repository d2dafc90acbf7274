// A room runtime held in memory, for testing the room protocol without containers: the test sets each room's
// service states and pushes log lines; restarts are recorded and give the service a new container.
import { RoomRuntimeError, type LogOptions, type LogTarget, type RoomRuntime, type ServiceRuntimeState } from '../../sandbox/runtime/types.js';

interface ContainerLog {
  readonly lines: (string | Uint8Array)[];
  exited: boolean;
  /** Wakes followers when a line arrives or the container exits. */
  wake: (() => void)[];
}

export class FakeRoomRuntime implements RoomRuntime {
  private readonly states = new Map<string, ServiceRuntimeState[]>();
  private readonly containerLogs = new Map<string, ContainerLog>();
  readonly restarts: { room: string; serviceId: string }[] = [];
  /** How many log readers are still open: a cancelled follow must end its reader. */
  openReaders = 0;

  setStates(room: string, states: ServiceRuntimeState[]): void {
    this.states.set(room, states);
  }

  /** A line, or bytes as a container's output may come: cut anywhere, even inside a character. */
  pushLog(containerId: string, line: string | Uint8Array): void {
    const log = this.log(containerId);
    log.lines.push(line);
    this.wakeAll(log);
  }

  exit(containerId: string): void {
    const log = this.log(containerId);
    log.exited = true;
    this.wakeAll(log);
  }

  list(room: string): ServiceRuntimeState[] {
    return this.states.get(room) ?? [];
  }

  async restart(room: string, serviceId: string): Promise<void> {
    const states = this.states.get(room) ?? [];
    const index = states.findIndex((s) => s.service_id === serviceId);
    const current = states[index];
    if (!current) throw new RoomRuntimeError(`no container runs service ${serviceId}`);
    this.restarts.push({ room, serviceId });
    states[index] = { ...current, state: 'running', container_id: `${current.container_id ?? 'c'}-r${this.restarts.length}` };
  }

  logs(room: string, target: LogTarget, options: LogOptions = {}): AsyncIterable<string | Uint8Array> {
    const containerId = 'containerId' in target ? target.containerId : this.list(room).find((s) => s.service_id === target.serviceId)?.container_id;
    const known = containerId !== undefined && this.list(room).some((s) => s.container_id === containerId);
    const log = known && containerId !== undefined ? this.log(containerId) : undefined;
    const follow = options.follow ?? false;
    const signal = options.signal;
    const readers = { open: () => this.openReaders++, close: () => this.openReaders-- };
    return (async function* () {
      if (!log) throw new RoomRuntimeError(`no container ${containerId ?? ''} in room ${room}`);
      readers.open();
      try {
        let next = 0;
        for (;;) {
          while (next < log.lines.length) yield log.lines[next++] as string | Uint8Array;
          if (!follow || log.exited || signal?.aborted) return;
          await new Promise<void>((resolve) => {
            log.wake.push(resolve);
            signal?.addEventListener('abort', () => resolve(), { once: true });
          });
        }
      } finally {
        readers.close();
      }
    })();
  }

  private log(containerId: string): ContainerLog {
    let log = this.containerLogs.get(containerId);
    if (!log) this.containerLogs.set(containerId, (log = { lines: [], exited: false, wake: [] }));
    return log;
  }

  private wakeAll(log: ContainerLog): void {
    const waiting = log.wake.splice(0);
    for (const wake of waiting) wake();
  }
}
