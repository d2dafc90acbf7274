/**
 * The sandbox's room runtime: runs the container services of every room with containerd and runc, as MeshAgent's
 * rooms reconcile their services. It follows the REST state (a create, update or delete there calls `reconcile`),
 * pulls through the stargz snapshotter when FUSE works (else overlayfs), and keeps each service's state, logs and
 * lazy-pull figures. Stopping it stops every container and daemon by PID and unmounts everything under its
 * directory.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { processesWhere } from '../proc.js';
import { issueParticipantToken } from '../participant-token.js';

/** A service's participant tokens last a day, as the sandbox's room sessions do not end sooner. */
const TOKEN_SECONDS = 24 * 3600;
import type { SandboxState } from '../state.js';
import type { ServiceSpec } from '../wire/service.js';
import { NAMESPACE, SnapshotterFailed, startContainerd, type Containerd } from './containerd.js';
import { containersUnavailable, fuseUnavailable, stargzBinary } from './machine.js';
import { stopOrphans } from './orphans.js';
import { runCommand, sleep, startDaemon, type Daemon } from './processes.js';
import { startPullProxy, type PullProxy } from './pull-proxy.js';
import type { RuntimeAvailability, RuntimeReportEntry } from './report.js';
import { ServiceRunner, type RunnerHost } from './service-runner.js';
import { RoomRuntimeError, type LogOptions, type LogTarget, type RoomRuntime, type ServiceRuntimeState } from './types.js';

export interface RuntimeOptions {
  /** The sandbox directory; the runtime works in DIR/runtime, room storage is DIR/rooms/<room>/storage. */
  readonly dir: string;
  readonly state: SandboxState;
  readonly apiUrl: string;
  /** `host:port` of the sandbox's registry, the one images are pulled from. */
  readonly registryHost: string;
  /** A pull token for a registry repository (`<project_key>/<name>`), or undefined for a registry without auth. */
  readonly pullToken: (repository: string) => string | undefined;
  /** Where the runtime says what it could not do (once per thing). */
  readonly log: (message: string) => void;
  /** Pull through the stargz snapshotter when the machine allows it (default true). */
  readonly lazyPull?: boolean;
  /** Crash back-off: the first wait, doubled after each crash up to the maximum. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly probeIntervalMs?: number;
}

/** The runtime could not start on this machine; the sandbox runs without it. */
export class RuntimeUnavailable extends Error {}

/**
 * Kubelet's crash back-off has this shape (10 s doubling to 5 min); a local sandbox waits less so a crashing
 * service shows its restarts within seconds.
 */
const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 30_000 };

/** Mount points under `dir`, deepest first (/proc/self/mounts escapes blanks as octal). */
function mountsUnder(dir: string): string[] {
  const prefix = `${dir}/`;
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((point) => point.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

async function unmountUnder(dir: string): Promise<void> {
  for (const point of mountsUnder(dir)) {
    if ((await runCommand('umount', [point])).code !== 0) await runCommand('umount', ['-l', point]);
  }
}

/** containerd's shims outlive it; ours name our containerd's socket on their command line. */
function shimsOf(address: string): number[] {
  return processesWhere((args) => (args[0]?.includes('containerd-shim') ?? false) && args.includes(address));
}

export class SandboxRuntime implements RoomRuntime {
  private readonly runners = new Map<string, ServiceRunner>();
  private readonly byContainer = new Map<string, ServiceRunner>();
  private stopping = false;
  private stopped: Promise<void> | undefined;
  /** Starts, replaces and stops reconcile set going: the runtime's own stop waits for every one. */
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly options: RuntimeOptions,
    readonly workDir: string,
    private readonly containerd: Containerd,
    private readonly events: Daemon,
    private readonly proxy: PullProxy,
    /** Why pulls are not lazy, when they are not. */
    readonly lazyPullOff: string | undefined,
  ) {}

  static async start(options: RuntimeOptions): Promise<SandboxRuntime> {
    const unavailable = containersUnavailable();
    if (unavailable) throw new RuntimeUnavailable(unavailable);
    const workDir = join(options.dir, 'runtime');
    if (join(workDir, 'containerd.sock.ttrpc').length > 100)
      throw new RuntimeUnavailable(`${workDir} is too long for containerd's unix sockets; use a shorter sandbox directory`);
    // Whatever an earlier run left: its processes and containers when it was killed without its stop, its files.
    if (existsSync(workDir)) {
      await stopOrphans(workDir, options.log);
      await unmountUnder(workDir);
      for (const name of ['containerd', 'stargz', 'containers', 'sockets', 'logs']) rmSync(join(workDir, name), { recursive: true, force: true });
    }
    mkdirSync(workDir, { recursive: true });

    let lazyPullOff = options.lazyPull === false ? 'lazy pulling is turned off' : fuseUnavailable();
    let binary: string | undefined;
    if (!lazyPullOff) {
      try {
        binary = await stargzBinary();
      } catch (error) {
        lazyPullOff = (error as Error).message;
      }
    }

    let containerd: Containerd;
    try {
      containerd = await startContainerd({ dir: workDir, ...(binary ? { stargzBinary: binary } : {}) });
    } catch (error) {
      if (!binary || !(error instanceof SnapshotterFailed)) throw new RuntimeUnavailable(`containerd did not start: ${(error as Error).message}`);
      // A snapshotter daemon that does not start costs lazy pulling, not the runtime: containerd pulls whole layers.
      lazyPullOff = error.message;
      try {
        containerd = await startContainerd({ dir: workDir });
      } catch (again) {
        throw new RuntimeUnavailable(`containerd did not start: ${(again as Error).message}`);
      }
    }
    if (lazyPullOff) options.log(`the room runtime pulls whole layers onto overlayfs, not lazily: ${lazyPullOff}`);

    let events: Daemon | undefined;
    try {
      events = await startDaemon('events', 'ctr-remote', ['-a', containerd.address, 'events'], { pipeStdout: true, logPath: join(workDir, 'events.log') });
      const proxy = await startPullProxy({ upstream: options.registryHost, pullToken: options.pullToken });
      const runtime = new SandboxRuntime(options, workDir, containerd, events, proxy, lazyPullOff);
      runtime.readEvents(events);
      // Without its events a crash would go unnoticed: say so if the reader ends before the runtime does.
      void events.exited.then(() => {
        if (!runtime.stopping) options.log('the container event reader stopped: crashed containers are no longer restarted');
      });
      runtime.reconcileAll();
      return runtime;
    } catch (error) {
      await events?.stop();
      await containerd.stop();
      throw new RuntimeUnavailable(`the room runtime did not start: ${(error as Error).message}`);
    }
  }

  get snapshotter(): 'stargz' | 'overlayfs' {
    return this.containerd.snapshotter;
  }

  availability(): RuntimeAvailability {
    return { available: true, snapshotter: this.containerd.snapshotter, lazy_pull_off: this.lazyPullOff ?? null };
  }

  /** `/tasks/exit` events (`ctr events` prints `<time> <namespace> <topic> <json>`) go to the container's runner. */
  private readEvents(events: Daemon): void {
    let buffered = '';
    events.child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const at = line.indexOf(` ${NAMESPACE} /tasks/exit `);
        if (at === -1) continue;
        try {
          const event = JSON.parse(line.slice(line.indexOf('{', at))) as { container_id?: string; id?: string; exit_status?: number };
          // An exec's exit names its exec id; only the task's own (id equal to the container's) ends the container.
          if (!event.container_id || (event.id && event.id !== event.container_id)) continue;
          this.byContainer.get(event.container_id)?.onExit(event.container_id, event.exit_status ?? 0);
        } catch {
          // not an event line
        }
      }
    });
  }

  private host(): RunnerHost {
    const { options } = this;
    return {
      ctr: this.containerd.ctr,
      snapshotter: this.containerd.snapshotter,
      dir: this.workDir,
      pullRef: (image) => {
        const prefix = `${options.registryHost}/`;
        if (!image.startsWith(prefix)) return { error: `the sandbox runs images from its own registry only (${options.registryHost}), not ${image}` };
        return { ref: `${this.proxy.host}/${image.slice(prefix.length)}` };
      },
      served: (digest) => this.proxy.served(digest),
      servedAll: () => this.proxy.servedAll(),
      planContext: (room) => ({
        room,
        projectId: options.state.data.project.id,
        apiUrl: options.apiUrl,
        roomUrl: `${options.apiUrl.replace(/^http/, 'ws')}/rooms/${encodeURIComponent(room)}`,
        roomStorage: join(options.dir, 'rooms', room, 'storage'),
        volumeDir: (name) => join(options.dir, 'rooms', room, 'volumes', name),
        // Signed as MeshAgent signs them, with the sandbox's API key: the room, the router and the SDKs all accept them.
        issueToken: (ask) =>
          issueParticipantToken(options.state.mainApiKey, { name: ask.identity, room, role: ask.role, api: ask.api ?? {}, seconds: TOKEN_SECONDS }),
      }),
      claim: (id, runner) => this.byContainer.set(id, runner),
      release: (id) => this.byContainer.delete(id),
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      probeIntervalMs: options.probeIntervalMs ?? 1000,
      log: options.log,
    };
  }

  /** Brings the room's containers in line with its services: start the new, replace the changed, stop the gone. */
  reconcile(room: string): void {
    if (this.stopping) return;
    const wanted = (this.options.state.data.services[room] ?? []).filter((s): s is ServiceSpec & { id: string } =>
      Boolean(s.id && s.container && s.enabled !== false),
    );
    const wantedKeys = new Set(wanted.map((s) => `${room}/${s.id}`));
    for (const [key, runner] of this.runners) {
      if (runner.room === room && !wantedKeys.has(key)) {
        this.runners.delete(key);
        this.track(runner.stop());
      }
    }
    for (const spec of wanted) {
      const key = `${room}/${spec.id}`;
      const runner = this.runners.get(key);
      if (!runner) {
        const created = new ServiceRunner(this.host(), room, structuredClone(spec));
        this.runners.set(key, created);
        this.track(created.start());
      } else if (JSON.stringify(runner.currentSpec) !== JSON.stringify(spec)) {
        this.track(runner.replace(structuredClone(spec)));
      }
    }
  }

  /** Work the runtime's stop must wait for (a runner gone from the map is stopped by it alone). */
  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  reconcileAll(): void {
    const rooms = new Set([...Object.keys(this.options.state.data.services), ...[...this.runners.values()].map((r) => r.room)]);
    for (const room of rooms) this.reconcile(room);
  }

  private runnersOf(room: string): ServiceRunner[] {
    const order = (this.options.state.data.services[room] ?? []).map((s) => s.id);
    return [...this.runners.values()].filter((r) => r.room === room).sort((a, b) => order.indexOf(a.serviceId) - order.indexOf(b.serviceId));
  }

  private runner(room: string, serviceId: string): ServiceRunner {
    const runner = this.runners.get(`${room}/${serviceId}`);
    if (!runner) throw new RoomRuntimeError(`no container service ${serviceId} in room ${room}`);
    return runner;
  }

  list(room: string): ServiceRuntimeState[] {
    return this.runnersOf(room).map((r) => r.snapshot());
  }

  async restart(room: string, serviceId: string): Promise<void> {
    if (this.stopping) throw new RoomRuntimeError('the room runtime is stopping');
    await this.runner(room, serviceId).restart();
  }

  /** The running container's socket for a room's port, for the router; `ready` false while its liveness fails. */
  endpoint(room: string, port: number): { serviceId: string; socket?: string; ready: boolean } | undefined {
    for (const runner of this.runnersOf(room)) {
      if (!(runner.currentSpec.ports ?? []).some((p) => p.num === port)) continue;
      const endpoint = runner.endpoint(port);
      return { serviceId: runner.serviceId, ...(endpoint ? { socket: endpoint.socket } : {}), ready: endpoint?.ready ?? false };
    }
    return undefined;
  }

  async *logs(room: string, target: LogTarget, options: LogOptions = {}): AsyncIterable<string> {
    const runners = this.runnersOf(room);
    const found =
      'serviceId' in target
        ? this.runner(room, target.serviceId).containerLogs().at(-1)
        : runners.flatMap((r) => r.containerLogs()).find((log) => log.containerId === target.containerId);
    if (!found) {
      if ('containerId' in target) throw new RoomRuntimeError(`no container ${target.containerId} in room ${room}`);
      return;
    }
    const file = await open(found.logPath, 'r');
    try {
      let position = 0;
      let partial = '';
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
        if (bytesRead > 0) {
          position += bytesRead;
          const lines = (partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) yield `${line}\n`;
          continue;
        }
        // At the end of what is written: done unless following a container that still runs.
        if (!options.follow || options.signal?.aborted || found.done() || this.stopping) break;
        await sleep(200);
      }
      if (partial) yield partial;
    } finally {
      await file.close();
    }
  }

  report(): RuntimeReportEntry[] {
    return [...this.runners.values()].map((runner) => {
      const spec = runner.currentSpec;
      const state = runner.snapshot();
      const pulled = runner.pullRecord;
      return {
        room: runner.room,
        service_id: runner.serviceId,
        name: spec.metadata.name,
        image: spec.container?.image ?? '',
        state: state.state,
        container_id: state.container_id ?? null,
        restart_count: state.restart_count,
        last_exit_code: state.last_exit_code ?? null,
        snapshotter: this.containerd.snapshotter,
        remote_layers: pulled ? pulled.image.remoteLayers : null,
        layers: pulled ? pulled.image.layers : null,
        image_bytes: pulled ? pulled.image.blobs.reduce((sum, blob) => sum + blob.size, 0) : null,
        bytes_fetched_before_ready: pulled?.bytesBeforeReady ?? null,
        pull_to_ready_ms: pulled?.readyAt !== undefined ? pulled.readyAt - pulled.startedAt : null,
        error: runner.error ?? null,
      };
    });
  }

  /**
   * A last sweep before containerd stops: a task or container still there (its runner's stop failed) is killed
   * and removed, and said, as it means a stop went wrong.
   */
  private async removeLeftovers(): Promise<void> {
    const { ctr } = this.containerd;
    const ids = async (what: 'tasks' | 'containers') =>
      (await ctr.run([what, 'ls', '-q'])).stdout
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    for (const id of await ids('tasks')) {
      this.options.log(`container ${id} was still running when the room runtime stopped; killed`);
      await ctr.run(['tasks', 'delete', '-f', id]);
    }
    for (const id of await ids('containers')) await ctr.run(['containers', 'delete', id]);
  }

  /** Stops every container, the daemons and the proxy, and unmounts whatever is left under the runtime's directory. */
  stop(): Promise<void> {
    // A second call waits for the first one's end rather than returning while containers still run.
    this.stopped ??= this.stopEverything();
    return this.stopped;
  }

  private async stopEverything(): Promise<void> {
    this.stopping = true;
    // The runners' stops queue behind their pending work; stops of runners already taken out of the map are in
    // `pending`, and containerd must outlive them all, or their containers would be left running.
    await Promise.all([...[...this.runners.values()].map((runner) => runner.stop()), ...this.pending]);
    this.runners.clear();
    await this.removeLeftovers();
    await this.events.stop();
    await this.containerd.stop();
    await this.proxy.stop();
    for (const pid of shimsOf(this.containerd.address)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await unmountUnder(this.workDir);
    for (const name of ['containerd', 'stargz', 'containers', 'sockets']) rmSync(join(this.workDir, name), { recursive: true, force: true });
  }
}
