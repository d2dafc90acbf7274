/**
 * The pipeline: resolve -> ensure -> build -> convert -> push -> deploy -> verify, then the report. Each stage
 * takes the previous stage's value and returns the next; none reaches back. The report is rendered from the
 * ShipResult, also after a failure (the stages done so far, and the error). A deploy is all or nothing: one that
 * fails after writing takes back what it wrote, so the service that ran before keeps running.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SelectOptions } from './build/select.js';
import { InputErrors, ShipError, formatError } from './errors.js';
import { RetryLog, type RetryRecord } from './http.js';
import { inputWarnings } from './input-warnings.js';
import { readConfig, type ShipConfig } from './inputs.js';
import { MeshagentClient } from './meshagent/client.js';
import { DeployRolledBack, deployService, serviceReport, type Deployed } from './meshagent/deploy.js';
import { imageFacts } from './meshagent/service-spec.js';
import { readRunnableConfig } from './pipeline/runnable-image.js';
import { ensurePushAccess, describeAccess, type PushAccess } from './pipeline/access.js';
import { convertStage, describeConversion, type ShippableImage } from './pipeline/convert.js';
import { planDeploy } from './pipeline/plan.js';
import { probeUrl } from './pipeline/probe.js';
import { previousConversions } from './pipeline/reuse.js';
import { checkPushed, openRegistry, pushToTarget, type Registry } from './pipeline/publish.js';
import { obtainImage, type SourceImage } from './pipeline/source-image.js';
import { StageError, StageTracker } from './pipeline/stages.js';
import { resolveTarget, type Target } from './pipeline/target.js';
import { STAGES, resultOutputs, type ImageReport, type LayerReport, type ProbeReport, type ShipResult } from './report/result.js';
import { count, renderSummary } from './report/summary.js';
import type { Runner } from './runner.js';
import { formatImageTag } from './reference.js';
import type { RunStop } from './stop.js';

export interface ShipOptions {
  /** Builder settings (e.g. buildah's storage directories); the defaults suit a CI runner. */
  readonly builders?: SelectOptions;
  /** Where layouts are written; default a new directory under RUNNER_TEMP or the system temp dir, removed after. */
  readonly workDir?: string;
  /** Stops the run on SIGINT/SIGTERM (the entries listen); without it a run cannot be stopped half way. */
  readonly stop?: RunStop;
}

/** Reads the inputs through the runner, runs the pipeline and reports; returns the process exit code. */
export async function runShip(runner: Runner, options: ShipOptions = {}): Promise<number> {
  const result = await shipFromInputs(runner, options);
  await report(result, runner);
  return exitCodeOf(result, options.stop);
}

/** 0 when shipped or planned; the shell's code for the signal when a stop ended the run; else 1. */
export function exitCodeOf(result: ShipResult, stop: RunStop | undefined): number {
  if (result.status !== 'failed') return 0;
  return stop?.stopped?.exitCode ?? 1;
}

/** The pipeline from the runner's inputs; invalid inputs give a failed result before any network call. */
export async function shipFromInputs(runner: Runner, options: ShipOptions = {}): Promise<ShipResult> {
  let config: ShipConfig;
  try {
    config = readConfig(runner);
  } catch (error) {
    return {
      status: 'failed',
      dryRun: false,
      image: null,
      service: null,
      probe: null,
      stages: STAGES.map((name) => ({ name, status: 'skipped', durationMs: 0, detail: 'the inputs are invalid' })),
      retries: [],
      durationMs: 0,
      plan: null,
      offline: null,
      error: errorOf(error),
    };
  }
  return ship(config, runner, options);
}

/** Outputs, the job summary and, on failure, the error (an annotation on GitHub). */
export async function report(result: ShipResult, runner: Runner): Promise<void> {
  for (const [name, value] of Object.entries(resultOutputs(result))) runner.setOutput(name, value);
  await runner.writeSummary(renderSummary(result));
  if (result.error) {
    const { message, hint, stage } = result.error;
    // The annotation names the stage that failed, so a reader of the run's summary knows where to look.
    runner.fail(hint ? `${message}\nHint: ${hint}` : message, `meshagent-ship: ${stage ?? 'inputs'}`);
  } else if (result.service?.url) runner.info(`Service URL: ${result.service.url}`);
}

/** An offline dry run looks nothing up: whether the repository exists is unknown. */
const OFFLINE_ACCESS: PushAccess = { created: null, credentials: undefined, tokenExpiresAt: undefined };

/** Everything the stages learn, filled in as they run, so a failure still reports what was done. */
interface Progress {
  target?: Target;
  repositoryCreated?: boolean | null;
  image?: ShippableImage;
  digest?: string;
  ref?: string;
  pushOutcomes?: ReadonlyMap<string, LayerReport['push']>;
  deployed?: Deployed;
  /** A deploy that failed after writing, and what taking it back achieved. */
  rolledBack?: DeployRolledBack;
  probe?: ProbeReport;
  plan?: string[];
}

export async function ship(config: ShipConfig, runner: Runner, options: ShipOptions = {}): Promise<ShipResult> {
  const started = Date.now();
  for (const warning of inputWarnings(config)) runner.warning(warning, 'meshagent-ship: inputs');
  const stop = options.stop;
  const stages = new StageTracker(runner, Date.now, stop?.signal);
  const progress: Progress = {};
  const log = (line: string): void => runner.info(line);
  const debug = (line: string): void => runner.debug(line);
  const mask = (secret: string): void => runner.setSecret(secret);
  // Every client of the run records its retries here: the result and the summary count each one once.
  const retryLog = new RetryLog();
  const client = new MeshagentClient({
    apiUrl: config.meshagent.apiUrl,
    apiKey: config.meshagent.apiKey,
    projectId: config.meshagent.projectId,
    mask,
    http: { log, debug, retryLog },
  });
  // Made by the build stage, so that a temp dir that cannot be written fails that stage, with a summary.
  let workDir: string | undefined;
  let registry: Registry | undefined;
  let source: SourceImage | undefined;
  let failure: unknown;
  try {
    const target = await stages.run('resolve', 'Resolve the tag and the project', () => resolveTarget(config, client), (t) => `${t.image} for service ${t.serviceName}${t.offline ? ' (offline: not checked against MeshAgent)' : ''}`);
    progress.target = target;
    if (target.offline) {
      // Said once as a warning, so an offline plan is never taken for a checked one.
      runner.warning(`dry run offline: ${target.offline.reason}; the plan shows what the inputs alone tell`, 'meshagent-ship: offline plan');
      stages.skip('ensure', 'offline: the repository was not looked up');
    }
    const access = target.offline
      ? OFFLINE_ACCESS
      : await stages.run('ensure', 'Ensure the registry repository', () => ensurePushAccess(client, target, { dryRun: config.dryRun, push: config.image.push }), (a) => describeAccess(target, a, config.dryRun));
    progress.repositoryCreated = access.created;

    if (config.dryRun) {
      progress.plan = await stages.run('deploy', 'Plan (dry run: nothing is changed)', () => planDeploy(config, target, access, client), () => 'planned; nothing was changed');
      for (const line of progress.plan) runner.info(line);
    } else {
      source = await stages.run(
        'build',
        config.image.source ? 'Read the image' : 'Build the image',
        async () => {
          if (!options.workDir) {
            workDir = await createWorkDir(runner.env);
            stop?.removeOnExit(workDir);
          } else workDir = options.workDir;
          return obtainImage(config, target, { workDir, builders: options.builders, projectCredentials: access.credentials, log, mask, retryLog, env: runner.env, signal: stop?.signal });
        },
        (s) => s.origin,
      );
      if (config.image.push) registry = openRegistry(target, access.credentials, { mask, log, debug, retryLog, signal: stop?.signal });
      const reuseFrom = registry;
      // The previous image of the tag (else the one the service runs) lends the layers it converted with the same settings.
      const previous = reuseFrom
        ? () =>
            previousConversions(reuseFrom.client.repository(target.registryRepository, ['pull', 'push']), {
              tag: target.tag.tag ?? 'latest',
              running: () => runningImage(client, config.meshagent.room, target.serviceName),
              log,
            })
        : undefined;
      const image = await stages.run('convert', config.image.estargz ? 'Convert every layer to eStargz' : 'Keep the layers as they are', () => convertStage(source!, config, workDir!, log, { ...(previous ? { previous } : {}), signal: stop?.signal }), describeConversion);
      progress.image = image;

      if (registry) {
        const pushedTo = registry;
        const pushed = await stages.run(
          'push',
          `Push ${target.image}`,
          async () => {
            const result = await pushToTarget(pushedTo, target, image.layout, image.descriptor, log);
            // Read back before anything runs it, as a puller would: a defect found here leaves the service as it was.
            const readBack = await checkPushed(pushedTo, target, result.digest);
            return { result, readBack };
          },
          ({ result, readBack }) =>
            `${result.stats.upToDate ? `already there; tagged (${result.digest})` : `${result.stats.uploaded} uploaded, ${result.stats.skipped} skipped, ${result.stats.mounted} mounted`}; ` +
            `read back: ${count(readBack.blobs, 'blob')}${readBack.tocs ? `, ${count(readBack.tocs, 'eStargz TOC')} as annotated` : ''}`,
        );
        progress.digest = pushed.result.digest;
        progress.ref = pushed.result.pinned;
        progress.pushOutcomes = pushed.result.stats.outcomes;
      }

      if (config.service.deploy && progress.ref && config.meshagent.room) {
        const room = config.meshagent.room;
        const ref = progress.ref;
        progress.deployed = await stages.run(
          'deploy',
          `Deploy ${target.serviceName} to room ${room}`,
          async () => {
            const { config: imageConfig } = await readRunnableConfig(image.layout, image.descriptor);
            // A stop during the deploy completes the write in flight and takes back what was written; the process
            // does not exit before that is done.
            const deploy = async () => {
              try {
                return await deployService({
                  client,
                  room,
                  createRoom: config.service.createRoom,
                  serviceName: target.serviceName,
                  image: imageFacts(ref, target.image, imageConfig, source!.built),
                  options: config.service,
                  log,
                  signal: stop?.signal,
                });
              } catch (error) {
                // The report says what became of the service: restored, removed, or left for the user to put right.
                if (error instanceof DeployRolledBack) progress.rolledBack = error;
                throw error;
              }
            };
            return stop ? stop.uninterrupted(deploy) : deploy();
          },
          (d) => `${d.created ? 'created' : 'updated'} ${d.serviceName} (${d.serviceId})${d.domain ? `; ${d.domain} ${d.routeAction}` : ''}`,
        );
      }

      if (progress.deployed && progress.ref && config.meshagent.room) {
        const deployed = progress.deployed;
        const ref = progress.ref;
        const room = config.meshagent.room;
        await stages.run(
          'verify',
          `Verify ${deployed.serviceName}`,
          async () => {
            // The service as the API holds it now must run the pinned image (another deploy may have raced this one).
            const running = await runningImage(client, room, deployed.serviceName);
            if (running !== ref) {
              throw new ShipError(`${deployed.serviceName} runs ${running ?? 'no image'} after the deploy, not ${ref}`, { hint: 'another deploy changed the service meanwhile: ship again, one deploy per service at a time' });
            }
            const url = deployed.serviceUrl;
            if (url && config.service.waitSeconds > 0) {
              progress.probe = await probeUrl({ url, timeoutMs: config.service.waitSeconds * 1000, log });
              if (!progress.probe.ok) throw new ShipError(`the service did not answer at ${url} within ${config.service.waitSeconds} s`, { hint: 'the deploy is in place; check the service logs in the room, or raise wait' });
            }
          },
          () => `${deployed.serviceName} runs ${ref.slice(ref.lastIndexOf('@') + 1, ref.lastIndexOf('@') + 20)}${progress.probe ? `; ${progress.probe.url} answered ${progress.probe.status} in ${progress.probe.latencyMs} ms` : ''}`,
        );
      }
    }
  } catch (error) {
    // After a stop, whatever a stage failed with (a killed build, a cut upload) is the stop; a deploy's own report
    // of what it took back is kept.
    const stopped = stop?.stopped && error instanceof StageError && !(error.original instanceof DeployRolledBack);
    failure = stopped ? new StageError((error as StageError).stage, stop!.stopped!) : error;
  } finally {
    await Promise.allSettled([client.close(), registry?.close(), source?.close()]);
    if (!options.workDir && workDir) await rm(workDir, { recursive: true, force: true, maxRetries: 2 }).catch((error: unknown) => runner.warning(`could not remove ${workDir}: ${error instanceof Error ? error.message : String(error)}`));
  }
  for (const name of STAGES) if (!stages.has(name)) stages.skip(name, skipReason(name, config, failure !== undefined));
  return {
    status: failure ? 'failed' : config.dryRun ? 'planned' : 'shipped',
    dryRun: config.dryRun,
    image: imageReport(config, progress),
    service: serviceOf(progress, config.meshagent.room),
    probe: progress.probe ?? null,
    stages: STAGES.map((name) => stages.records.find((r) => r.name === name)!),
    retries: retriesOf(retryLog.records),
    durationMs: Date.now() - started,
    plan: progress.plan ?? null,
    offline: progress.target?.offline ?? null,
    error: failure === undefined ? null : errorOf(failure),
  };
}

/** A new directory under RUNNER_TEMP (else the system temp dir) for the layouts of this run. */
async function createWorkDir(env: Runner['env']): Promise<string> {
  const parent = env.RUNNER_TEMP || tmpdir();
  try {
    return await mkdtemp(join(parent, 'meshagent-ship-'));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ShipError(`cannot create a work directory under ${parent}: ${why}`, { hint: `make ${parent} writable, or point ${env.RUNNER_TEMP ? 'RUNNER_TEMP' : 'TMPDIR'} at a writable directory` });
  }
}

/** The image the service runs now, when there is a room and such a service. */
async function runningImage(client: MeshagentClient, room: string | undefined, serviceName: string): Promise<string | undefined> {
  if (!room) return undefined;
  const service = await client.findService(room, serviceName);
  // Records are read leniently (ServiceRecord types only id and metadata), so the container is looked at here.
  const image = (service as { container?: { image?: unknown } | null } | undefined)?.container?.image;
  return typeof image === 'string' ? image : undefined;
}

function serviceOf(progress: Progress, room: string | undefined): ShipResult['service'] {
  if (!room) return null;
  if (progress.deployed) return serviceReport(progress.deployed, room);
  if (progress.rolledBack) return { ...progress.rolledBack.report, room };
  return null;
}

function skipReason(stage: (typeof STAGES)[number], config: ShipConfig, failed: boolean): string {
  if (failed) return 'not reached';
  if (config.dryRun) return 'dry run';
  if (stage === 'push') return 'push: false';
  if (stage === 'deploy' || (stage === 'verify' && !config.service.deploy)) return 'deploy: false';
  return 'nothing to do';
}

function imageReport(config: ShipConfig, progress: Progress): ImageReport | null {
  const target = progress.target;
  if (!target) return null;
  return {
    tag: target.image ?? formatImageTag(config.image.tag),
    repository: `${target.projectKey}/${target.repositoryName}`,
    repositoryCreated: progress.repositoryCreated ?? null,
    digest: progress.digest ?? null,
    ref: progress.ref ?? null,
    layers: (progress.image?.layers ?? []).map((layer) => ({ ...layer, push: progress.pushOutcomes?.get(layer.digest) ?? null })),
  };
}

function retriesOf(records: readonly RetryRecord[]): ShipResult['retries'] {
  return records.map((r) => ({ method: r.method, url: r.url, reason: r.reason }));
}

function errorOf(error: unknown): NonNullable<ShipResult['error']> {
  const stage = error instanceof StageError ? error.stage : null;
  const original = error instanceof StageError ? error.original : error;
  // Several input errors carry a hint each: the formatted text lists them all.
  if (original instanceof InputErrors && original.errors.length > 1) return { stage, message: formatError(original), hint: null };
  if (original instanceof ShipError) return { stage, message: original.message, hint: original.hint ?? null };
  // Not a user's mistake: a bug, reported with its stack so it can be fixed.
  return { stage, message: formatError(original), hint: null };
}
