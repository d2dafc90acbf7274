/**
 * One room service's life in the runtime, as a room reconciles it: pull the pinned image, start a container with
 * runc (through containerd), forward and probe its ports, restart it with back-off when it exits, replace it when
 * the spec changes, and clean up everything it made (task, container, forwarders, image mounts, its directory)
 * when it is stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServiceSpec } from '../wire/service.js';
import type { Ctr } from './containerd.js';
import { planContainer, type PlanContext } from './container-plan.js';
import { startForwarder, type Forwarder } from './forwarder.js';
import { prepareMounts, type RunMounts } from './image-mounts.js';
import { readImageInfo, type ImageInfo } from './image-info.js';
import { probe } from './liveness.js';
import { runCommand, sleep } from './processes.js';
import type { LivenessStatus, PortState, ServiceRunState, ServiceRuntimeState } from './types.js';

/** What every runner shares, given by the runtime. */
export interface RunnerHost {
  readonly ctr: Ctr;
  readonly snapshotter: 'stargz' | 'overlayfs';
  /** The runtime's working directory. */
  readonly dir: string;
  /** The reference to pull an image by (through the pull proxy), or why it cannot be pulled. */
  pullRef(image: string): { ref: string } | { error: string };
  /** Bytes the registry has served for a digest so far. */
  served(digest: string): number;
  /** Every digest's count so far. */
  servedAll(): ReadonlyMap<string, number>;
  /** The plan context for this service's container, but for its own directory and session. */
  planContext(room: string): Omit<PlanContext, 'containerDir' | 'sessionId'>;
  /** Exit events of this container come to `onExit`. */
  claim(containerId: string, runner: ServiceRunner): void;
  release(containerId: string): void;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly probeIntervalMs: number;
  log(message: string): void;
}

/** The lazy-pull figures of the last pull, for the runtime report. */
export interface PullRecord {
  readonly ref: string;
  /** The spec's image this pull is of (`ref` is the same image through the pull proxy). */
  readonly specImage: string;
  readonly startedAt: number;
  readonly image: ImageInfo;
  /** What the registry had served for each blob when the pull started. */
  readonly servedAtStart: ReadonlyMap<string, number>;
  readyAt?: number;
  bytesBeforeReady?: number;
}

interface Run extends RunMounts {
  readonly logPath: string;
  pid?: number;
  readonly forwarders: Map<number, Forwarder>;
  removed: boolean;
  /** Resolves with the exit code when the task exits. */
  readonly exited: Promise<number>;
  markExited(code: number): void;
  stopping: boolean;
}

interface PortWatch {
  readonly num: number;
  readonly liveness?: string;
  status: LivenessStatus;
  lastError?: string;
}

/** The container's log files, by container id, kept after it exits (the room protocol reads old ones too). */
export interface ContainerLog {
  readonly containerId: string;
  readonly logPath: string;
  /** True once the container has exited. */
  done(): boolean;
}

const STOP_GRACE_MS = 3000;
/** A run this long resets the crash back-off (kubelet: 10 min; shorter here, as the back-off is). */
const BACKOFF_RESET_MS = 60_000;

export class ServiceRunner {
  private state: ServiceRunState = 'pending';
  private run: Run | undefined;
  private restartCount = 0;
  /** Crashes in a row without a long enough run between them: the back-off's exponent. */
  private crashesInARow = 0;
  private lastExitCode: number | undefined;
  private lastExitAt: number | undefined;
  private startedAt: number | undefined;
  private restartScheduledAt: number | undefined;
  private ports: PortWatch[] = [];
  private pulled: PullRecord | undefined;
  private lastError: string | undefined;
  /** Bumped by every replace and stop: work started for an older generation gives up. */
  private generation = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly logs: ContainerLog[] = [];
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: RunnerHost,
    readonly room: string,
    private spec: ServiceSpec,
  ) {}

  get serviceId(): string {
    return this.spec.id ?? '';
  }

  get currentSpec(): ServiceSpec {
    return this.spec;
  }

  get pullRecord(): PullRecord | undefined {
    return this.pulled;
  }

  get error(): string | undefined {
    return this.lastError;
  }

  containerLogs(): readonly ContainerLog[] {
    return this.logs;
  }

  /** The forwarder socket of a port of the running container, and whether that port is ready for traffic. */
  endpoint(port: number): { socket: string; ready: boolean } | undefined {
    const forwarder = this.run?.forwarders.get(port);
    if (!forwarder || this.state !== 'running') return undefined;
    const watch = this.ports.find((p) => p.num === port);
    return { socket: forwarder.socket, ready: watch?.status !== 'not_ready' };
  }

  snapshot(): ServiceRuntimeState {
    return {
      service_id: this.serviceId,
      state: this.state,
      ...(this.run ? { container_id: this.run.id } : {}),
      restart_count: this.restartCount,
      ...(this.lastExitCode !== undefined ? { last_exit_code: this.lastExitCode } : {}),
      ...(this.lastExitAt !== undefined ? { last_exit_at: this.lastExitAt / 1000 } : {}),
      ...(this.startedAt !== undefined ? { started_at: this.startedAt / 1000 } : {}),
      ...(this.restartScheduledAt !== undefined ? { restart_scheduled_at: this.restartScheduledAt / 1000 } : {}),
      status: {
        ports: this.ports.map((p): PortState => ({
          num: p.num,
          ...(p.liveness ? { liveness: p.liveness } : {}),
          liveness_status: p.status,
          ...(p.lastError ? { last_error: p.lastError } : {}),
        })),
      },
    };
  }

  /** Pulls and starts; one call per runner, then `replace`, `restart` and `stop`. */
  start(): Promise<void> {
    return this.serialise(() => this.pullAndLaunch(this.generation));
  }

  /** An updated spec: a new container replaces the old one (and the image is pulled again if it changed). */
  replace(spec: ServiceSpec): Promise<void> {
    this.spec = spec;
    const generation = ++this.generation;
    return this.serialise(async () => {
      await this.stopRun();
      this.restartCount = 0;
      this.crashesInARow = 0;
      await this.pullAndLaunch(generation);
    });
  }

  /**
   * `services.restart`: the current spec in a new container. The image is pulled first unless the last pull was of
   * this spec's image: a restart right after an update supersedes the update's own pull, and must not start the
   * image the service ran before.
   */
  restart(): Promise<void> {
    const generation = ++this.generation;
    return this.serialise(async () => {
      await this.stopRun();
      this.restartCount = 0;
      this.crashesInARow = 0;
      if (!this.pulled || this.pulled.specImage !== this.spec.container?.image) await this.pullAndLaunch(generation);
      else await this.launch(generation);
    });
  }

  /** Stops the container and removes what it made; the runner is done. */
  stop(): Promise<void> {
    ++this.generation;
    return this.serialise(async () => {
      await this.stopRun();
      this.state = 'stopped';
    });
  }

  /** An exit event of one of this runner's containers. */
  onExit(containerId: string, code: number): void {
    const run = this.run;
    if (!run || run.id !== containerId) return;
    run.markExited(code);
    if (run.stopping) return;
    // A crash: count it, clean up, and start again after the back-off.
    this.lastExitCode = code;
    this.lastExitAt = Date.now();
    const generation = this.generation;
    void this.serialise(async () => {
      if (generation !== this.generation || this.run !== run) return;
      await this.removeRun(run);
      this.run = run; // the exited container stays the one reported until the next one starts
      this.restartCount++;
      // As kubelet does, a container that ran a good while before it crashed starts the back-off over.
      const ranMs = this.startedAt === undefined ? 0 : Date.now() - this.startedAt;
      this.crashesInARow = ranMs > BACKOFF_RESET_MS ? 1 : this.crashesInARow + 1;
      const delay = Math.min(this.host.backoff.initialMs * 2 ** (this.crashesInARow - 1), this.host.backoff.maxMs);
      this.state = 'restarting';
      this.restartScheduledAt = Date.now() + delay;
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (generation === this.generation) void this.serialise(() => this.launch(generation));
      }, delay);
    });
  }

  // --- the steps ---------------------------------------------------------------------------------------------

  /** One step at a time, in order, whatever asked for it. */
  private serialise(step: () => Promise<void>): Promise<void> {
    const next = this.work.then(step).catch((error: unknown) => {
      this.state = 'failed';
      this.lastError = error instanceof Error ? error.message : String(error);
      this.host.log(`service ${this.spec.metadata.name} in room ${this.room}: ${this.lastError}`);
    });
    this.work = next;
    return next;
  }

  private async pullAndLaunch(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const image = this.spec.container?.image ?? '';
    const target = this.host.pullRef(image);
    if ('error' in target) throw new Error(target.error);
    this.state = 'pulling';
    this.lastError = undefined;
    const startedAt = Date.now();
    // What had been served of each blob before the pull: the image's blobs are known only after it, so every
    // count is noted (a small map copy).
    const before = new Map(this.host.servedAll());
    const { ctr, snapshotter } = this.host;
    const pullArgs = snapshotter === 'stargz' ? ['images', 'rpull', '--plain-http', target.ref] : ['images', 'pull', '--plain-http', target.ref];
    const pulled = await ctr.run(pullArgs, 600_000);
    if (pulled.code !== 0) throw new Error(`pulling ${image} failed: ${(pulled.stderr || pulled.stdout).trim().split('\n').slice(-2).join(' ')}`);
    const info = await readImageInfo(ctr, target.ref, snapshotter);
    this.pulled = { ref: target.ref, specImage: image, startedAt, image: info, servedAtStart: before };
    await this.launch(generation);
  }

  private async launch(generation: number): Promise<void> {
    if (generation !== this.generation || !this.pulled) return;
    this.state = 'starting';
    this.restartScheduledAt = undefined;
    this.startedAt = undefined;
    const id = `${this.spec.metadata.name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40)}-${randomBytes(4).toString('hex')}`;
    const dir = join(this.host.dir, 'containers', id);
    const logPath = join(this.host.dir, 'logs', `${id}.log`);
    mkdirSync(dir, { recursive: true });
    mkdirSync(dirname(logPath), { recursive: true });
    let markExited: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => (markExited = resolve));
    let finished = false;
    const run: Run = {
      id,
      dir,
      logPath,
      forwarders: new Map(),
      imageMounts: [],
      mountPoints: [],
      snapshots: [],
      removed: false,
      exited,
      markExited: (code) => ((finished = true), markExited(code)),
      stopping: false,
    };
    this.run = run;
    this.logs.push({ containerId: id, logPath, done: () => finished });
    this.ports = (this.spec.ports ?? []).flatMap((p) => {
      if (p.num === '*') return [];
      const liveness = p.type === 'http' && p.liveness ? p.liveness : undefined;
      return [{ num: p.num, ...(liveness ? { liveness } : {}), status: liveness ? ('not_ready' as const) : ('not_configured' as const) }];
    });
    this.host.claim(id, this);

    const plan = planContainer(this.spec, { ...this.host.planContext(this.room), containerDir: dir, sessionId: randomBytes(16).toString('hex') });
    writeFileSync(logPath, plan.notes.map((note) => `sandbox: ${note}\n`).join(''));
    await prepareMounts(this.host, run, plan);
    const envFile = join(dir, 'env');
    // The env (it may hold tokens) goes through a file only root reads, never the command line; gone once started.
    writeFileSync(envFile, plan.env.map(([name, value]) => `${name}=${value.replace(/\n/g, ' ')}\n`).join(''), { mode: 0o600 });
    const args = [
      'run',
      '-d',
      '--snapshotter',
      this.host.snapshotter === 'stargz' ? 'stargz' : 'overlayfs',
      '--env-file',
      envFile,
      '--log-uri',
      `file://${logPath}`,
      '--label',
      `meshagent.sandbox.room=${this.room}`,
      '--label',
      `meshagent.sandbox.service=${this.serviceId}`,
      ...(plan.readOnlyRoot ? ['--read-only'] : []),
      ...(plan.cwd ? ['--cwd', plan.cwd] : []),
      ...plan.binds.flatMap((b) => ['--mount', `type=bind,src=${b.source},dst=${b.destination},options=rbind:${b.readOnly ? 'ro' : 'rw'}`]),
      ...run.imageMounts.flatMap((source, i) => {
        const mount = plan.images[i];
        return mount ? ['--mount', `type=bind,src=${source},dst=${mount.destination},options=rbind:${mount.readOnly ? 'ro' : 'rw'}`] : [];
      }),
      this.pulled.ref,
      id,
      ...(plan.args ?? []),
    ];
    const started = await this.host.ctr.run(args, 120_000);
    rmSync(envFile, { force: true });
    if (started.code !== 0) {
      await this.removeRun(run);
      throw new Error(`starting the container failed: ${(started.stderr || started.stdout).trim().split('\n').slice(-2).join(' ')}`);
    }
    run.pid = await this.taskPid(id);
    if (generation !== this.generation || finished) return; // replaced meanwhile, or already exited (onExit handles it)
    if (run.pid !== undefined) {
      for (const port of this.ports) {
        const socket = join(this.host.dir, 'sockets', `${id.slice(-8)}-${port.num}.sock`);
        mkdirSync(dirname(socket), { recursive: true });
        try {
          run.forwarders.set(port.num, await startForwarder({ pid: run.pid, port: port.num, socket, logPath: join(this.host.dir, 'forwarders.log') }));
        } catch (error) {
          this.host.log(String(error));
        }
      }
    }
    this.state = 'running';
    this.startedAt = Date.now();
    void this.watchLiveness(run, generation);
  }

  private async taskPid(id: string): Promise<number | undefined> {
    const listing = await this.host.ctr.run(['tasks', 'ls']);
    for (const line of listing.stdout.split('\n').slice(1)) {
      const [task, pid] = line.trim().split(/\s+/);
      if (task === id && pid && /^\d+$/.test(pid)) return Number(pid);
    }
    return undefined;
  }

  /** Probes every port with a liveness path while this run is the current one, and notes when it is first ready. */
  private async watchLiveness(run: Run, generation: number): Promise<void> {
    const current = () => generation === this.generation && this.run === run && this.state === 'running';
    for (;;) {
      if (!current()) return;
      for (const port of this.ports) {
        if (!port.liveness) continue;
        const forwarder = run.forwarders.get(port.num);
        const result = forwarder ? await probe(forwarder.socket, port.liveness) : { ok: false, error: 'no forwarder to the port' };
        if (!current()) return;
        port.status = result.ok ? 'ready' : 'not_ready';
        port.lastError = result.error;
      }
      this.noteReady();
      const allReady = this.ports.every((p) => p.status !== 'not_ready');
      // Quick while waiting for the first answer, so pull-to-ready is measured closely; calmer once live.
      await sleep(allReady ? this.host.probeIntervalMs : Math.min(100, this.host.probeIntervalMs));
    }
  }

  /** The first moment after a pull that the container runs and every probed port answers. */
  private noteReady(): void {
    const pulled = this.pulled;
    if (!pulled || pulled.readyAt !== undefined || this.state !== 'running') return;
    if (this.ports.some((p) => p.status === 'not_ready')) return;
    pulled.readyAt = Date.now();
    pulled.bytesBeforeReady = pulled.image.blobs.reduce(
      (sum, blob) => sum + Math.max(0, this.host.served(blob.digest) - (pulled.servedAtStart.get(blob.digest) ?? 0)),
      0,
    );
  }

  /** Stops the current container (SIGTERM, then SIGKILL after a grace period) and removes what it made. */
  private async stopRun(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.restartScheduledAt = undefined;
    const run = this.run;
    if (!run) return;
    run.stopping = true;
    const { ctr } = this.host;
    const task = await ctr.run(['tasks', 'kill', run.id]);
    if (task.code === 0) {
      const gone = await Promise.race([run.exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
      if (!gone) {
        await ctr.run(['tasks', 'kill', '-s', 'SIGKILL', run.id]);
        await Promise.race([run.exited, sleep(STOP_GRACE_MS)]);
      }
    }
    await this.removeRun(run);
    this.run = undefined;
    for (const port of this.ports) port.status = port.liveness ? 'not_ready' : 'not_configured';
  }

  /** Task, container (with its snapshot), forwarders, image mounts and directory of a run that has ended. */
  private async removeRun(run: Run): Promise<void> {
    if (run.removed) return;
    run.removed = true;
    for (const forwarder of run.forwarders.values()) await forwarder.stop();
    run.forwarders.clear();
    const { ctr } = this.host;
    await ctr.run(['tasks', 'delete', '-f', run.id]);
    await ctr.run(['containers', 'delete', run.id]);
    for (const at of run.mountPoints) if ((await runCommand('umount', [at])).code !== 0) await runCommand('umount', ['-l', at]);
    const name = this.host.snapshotter === 'stargz' ? 'stargz' : 'overlayfs';
    for (const key of run.snapshots) await ctr.run(['snapshots', '--snapshotter', name, 'rm', key]);
    rmSync(run.dir, { recursive: true, force: true });
    this.host.release(run.id);
    // No exit event can come for it any more: whoever still waits for its exit is let go.
    run.markExited(run.pid === undefined ? -1 : (this.lastExitCode ?? 0));
  }
}
