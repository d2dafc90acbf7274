/**
 * What the stages of one run share: the config, the runner's log, the stage records, the MeshAgent client, the one
 * RetryLog every client of the run records its retries in, the stop, and what is closed or removed when the run
 * ends. The stages pass their results to each other as values; this holds only what is not a stage's result.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SelectOptions } from '../build/select.js';
import { ShipError } from '../errors.js';
import { maskSecrets, RetryLog } from '../http.js';
import type { ShipConfig } from '../inputs/ship-config.js';
import { MeshagentClient } from '../meshagent/client.js';
import type { Runner } from '../runner.js';
import { RoomSession } from '../room/index.js';
import type { RunStop } from '../stop.js';
import type { CacheService } from './github-cache.js';
import type { SourceContext } from './image-labels.js';
import { scrubTokens } from './scrub.js';
import { StageTracker } from './stages.js';

export interface ShipOptions {
  /** Builder settings (e.g. buildah's storage directories); the defaults suit a CI runner. */
  readonly builders?: SelectOptions;
  /** Where layouts are written; default a new directory under RUNNER_TEMP or the system temp dir, removed after. */
  readonly workDir?: string;
  /** Where the run's source is (the image's source and revision labels); default GITHUB_* of the runner's env. */
  readonly source?: SourceContext;
  /** GitHub's cache service for the build cache (default @actions/cache; tests give their own). */
  readonly cacheService?: CacheService;
  /** Stops the run on SIGINT/SIGTERM (the entries listen); without it a run cannot be stopped half way. */
  readonly stop?: RunStop;
}

export class ShipRun {
  readonly started = Date.now();
  readonly stages: StageTracker;
  /** Every client of the run records its retries here: the result and the summary count each one once. */
  readonly retryLog = new RetryLog();
  readonly client: MeshagentClient;
  readonly log = (line: string): void => this.runner.info(line);
  readonly debug = (line: string): void => this.runner.debug(line);
  readonly mask = (secret: string): void => {
    if (secret !== '') this.secrets.add(secret);
    this.runner.setSecret(secret);
  };
  /** Every secret masked so far, to hide in text that did not come from us (a service's log lines). */
  private readonly secrets = new Set<string>();
  private readonly rooms = new Map<string, RoomSession>();
  private readonly closers: (() => Promise<void>)[] = [];
  /** A work directory this run made, removed when it ends. */
  private madeWorkDir: string | undefined;

  constructor(
    readonly config: ShipConfig,
    readonly runner: Runner,
    readonly options: ShipOptions = {},
  ) {
    this.stages = new StageTracker(runner, Date.now, options.stop?.signal);
    this.client = new MeshagentClient({
      apiUrl: config.meshagent.apiUrl,
      apiKey: config.meshagent.apiKey,
      projectId: config.meshagent.projectId,
      mask: this.mask,
      http: { log: this.log, debug: this.debug, retryLog: this.retryLog },
    });
    this.closeAtEnd(() => this.client.close());
  }

  get stop(): RunStop | undefined {
    return this.options.stop;
  }

  /** Aborted when the run is stopped. */
  get signal(): AbortSignal | undefined {
    return this.options.stop?.signal;
  }

  /**
   * The run's session with a room (one per room, opened on first use, closed when the run ends): each connection
   * asks POST .../connect for a new participant token, and its retries are the run's.
   */
  roomSession(room: string): RoomSession {
    let session = this.rooms.get(room);
    if (!session) {
      session = new RoomSession({
        room,
        connect: () => this.client.connectRoom(room),
        log: this.log,
        retryLog: this.retryLog,
        secrets: () => this.secrets,
        env: this.runner.env,
        ...(this.signal ? { signal: this.signal } : {}),
      });
      this.rooms.set(room, session);
      const opened = session;
      this.closeAtEnd(async () => opened.close());
    }
    return session;
  }

  /** The text with every secret of the run masked. */
  hide(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  /** Text from elsewhere with every secret of the run, and anything shaped like a token, hidden. */
  scrub(text: string): string {
    return scrubTokens(maskSecrets(text, this.secrets));
  }

  /** Something to close when the run ends, whether it shipped or failed. */
  closeAtEnd(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /**
   * Where this run writes its layouts: the `workDir` option, else a new directory under RUNNER_TEMP (else the
   * system temp dir), removed when the run ends, or by the stop if the process has to exit first. The build stage
   * asks for it, so that a temp dir that cannot be written fails that stage, with a summary.
   */
  async workDir(): Promise<string> {
    if (this.options.workDir) return this.options.workDir;
    this.madeWorkDir = await createWorkDir(this.runner.env);
    this.stop?.removeOnExit(this.madeWorkDir);
    return this.madeWorkDir;
  }

  /** Closes the clients and images of the run, then removes the work directory it made (a failure is a warning). */
  async end(): Promise<void> {
    await Promise.allSettled(this.closers.map(async (close) => close()));
    const dir = this.madeWorkDir;
    if (dir)
      await rm(dir, { recursive: true, force: true, maxRetries: 2 }).catch((error: unknown) =>
        this.runner.warning(`could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}`),
      );
  }
}

async function createWorkDir(env: Runner['env']): Promise<string> {
  const parent = env.RUNNER_TEMP || tmpdir();
  try {
    return await mkdtemp(join(parent, 'meshagent-ship-'));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ShipError(`cannot create a work directory under ${parent}: ${why}`, {
      hint: `make ${parent} writable, or point ${env.RUNNER_TEMP ? 'RUNNER_TEMP' : 'TMPDIR'} at a writable directory`,
    });
  }
}
