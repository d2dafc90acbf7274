/**
 * The ShipResult, built from the value the run reached: each stage's value holds those before it, so the last one
 * says what was done, also when a later stage failed. A failure may carry what its stage found (a deploy that was
 * taken back, the probe of a service that did not answer): the report shows that too.
 */
import { InputErrors, ShipError, formatError } from '../errors.js';
import type { RetryRecord } from '../http.js';
import type { ShipConfig } from '../inputs/ship-config.js';
import { DeployRolledBack, type DeployedService } from '../meshagent/deploy.js';
import { formatImageTag } from '../reference.js';
import {
  STAGES,
  type ImageReport,
  type LayerReport,
  type RolloutReport,
  type RoomReport,
  type ServiceReport,
  type ShipResult,
  type StageName,
} from '../report/result.js';
import type { RunStop } from '../stop.js';
import type { Ensured } from './access.js';
import type { Converted } from './convert.js';
import type { Deployed } from './deploy.js';
import type { Planned } from './plan.js';
import type { Pushed } from './publish.js';
import type { RoomOutcome, RoomsShipped } from './rooms.js';
import type { ShipRun } from './run.js';
import type { Built } from './source-image.js';
import { StageError } from './stages.js';
import type { Resolved } from './target.js';
import { RolloutNotLive } from './rollout.js';
import { ServiceDidNotAnswer, type Verified } from './verify.js';

/** The value of the last stage a run completed. */
export type Reached = Resolved | Ensured | Planned | Built | Converted | Pushed | Deployed | Verified | RoomsShipped;

/** Any value reached, seen as what it may hold. */
type AnyReached = Partial<Verified & Planned & RoomsShipped>;

/** Why a run failed: what was thrown, and what the report says. */
export interface RunFailure {
  readonly thrown: unknown;
  readonly reported: unknown;
}

/**
 * After a stop, whatever a stage failed with (a killed build, a cut upload) is reported as the stop; a deploy's own
 * report of what it took back, and a rollout's of what it left in place, are kept.
 */
export function runFailure(thrown: unknown, stop: RunStop | undefined): RunFailure {
  const stopped = stop?.stopped;
  if (stopped && thrown instanceof StageError && !(thrown.original instanceof DeployRolledBack) && !(thrown.original instanceof RolloutNotLive))
    return { thrown, reported: new StageError(thrown.stage, stopped) };
  return { thrown, reported: thrown };
}

export function shipResult(run: ShipRun, reached: Reached | undefined, failure: RunFailure | undefined): ShipResult {
  const { config, stages } = run;
  for (const name of STAGES) if (!stages.has(name)) stages.skip(name, skipReason(name, config, failure !== undefined));
  const reachedAll: AnyReached = reached ?? {};
  // With several rooms, service, rollout and probe are the first room's; `rooms` has each.
  const first = reachedAll.rooms?.[0];
  const at: AnyReached = first ? { ...reachedAll, ...first.reached } : reachedAll;
  const found = first ? (first.failure ? originalOf(first.failure) : undefined) : failure ? originalOf(failure.thrown) : undefined;
  const room = config.service.scope === 'project' ? null : config.meshagent.room;
  // A secret can reach a message from outside (a build step that prints one before it fails). It is hidden here, in
  // every string, before the result is printed, escaped into JSON or markdown (where masking could no longer find it).
  return withoutSecrets(run, {
    status: failure ? 'failed' : config.dryRun ? 'planned' : 'shipped',
    dryRun: config.dryRun,
    image: imageReport(config, at),
    service: serviceFound(at, room, found),
    probe: at.probe ?? (found instanceof ServiceDidNotAnswer ? found.probe : null),
    cache: at.source?.cache ?? null,
    rollout: rolloutOf(at, found),
    stages: STAGES.map((name) => stages.recordOf(name)!),
    retries: retriesOf(run.retryLog.records),
    durationMs: Date.now() - run.started,
    plan: at.plan ?? null,
    offline: at.target?.offline ?? null,
    error: failure === undefined ? null : errorOf(failure.reported),
    ...(reachedAll.rooms ? { rooms: reachedAll.rooms.map(roomReport) } : {}),
  });
}

/** The value with every secret of the run masked in each string it holds. */
function withoutSecrets<T>(run: ShipRun, value: T): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return run.hide(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    return item;
  };
  return walk(value) as T;
}

/** One room of a run to several rooms: its service, its rollout and its error, as for a run to one room. */
function roomReport(outcome: RoomOutcome): RoomReport {
  const at: AnyReached = outcome.reached ?? {};
  const found = outcome.failure ? originalOf(outcome.failure) : undefined;
  return {
    room: outcome.room,
    service: serviceFound(at, outcome.room, found),
    rollout: rolloutOf(at, found),
    error: outcome.failure ? errorOf(outcome.failure) : null,
  };
}

/** The service as reached, or as the failure tells what was taken back. */
function serviceFound(at: AnyReached, room: string | null | undefined, found: unknown): ServiceReport | null {
  return serviceOf(
    at,
    room,
    found instanceof DeployRolledBack ? found : undefined,
    rolloutOf(at, found),
    found instanceof RolloutNotLive && found.rollbackFailed,
  );
}

/** The result of a run whose inputs are invalid: every stage skipped, before any network call. */
export function invalidInputsResult(error: unknown): ShipResult {
  return {
    status: 'failed',
    dryRun: false,
    image: null,
    service: null,
    probe: null,
    cache: null,
    rollout: null,
    stages: STAGES.map((name) => ({ name, status: 'skipped', durationMs: 0, detail: 'the inputs are invalid' })),
    retries: [],
    durationMs: 0,
    plan: null,
    offline: null,
    error: errorOf(error),
  };
}

/** The service part of the result, for a deploy that completed. */
export function serviceReport(deployed: DeployedService, room: string | null): ServiceReport {
  return {
    id: deployed.serviceId,
    name: deployed.serviceName,
    room,
    created: deployed.created,
    domain: deployed.domain ?? null,
    url: deployed.serviceUrl ?? null,
    route: deployed.routeAction,
    rollback: null,
  };
}

/** The rollout as the verify stage reached it, or as its failure tells it. */
function rolloutOf(at: AnyReached, found: unknown): RolloutReport | null {
  if (at.rollout) return at.rollout;
  if (found instanceof RolloutNotLive) return found.report;
  if (found instanceof ServiceDidNotAnswer) return found.rollout;
  return null;
}

function serviceOf(
  at: AnyReached,
  room: string | null | undefined,
  rolledBack: DeployRolledBack | undefined,
  rollout: RolloutReport | null,
  rollbackFailed: boolean,
): ServiceReport | null {
  if (room === undefined || room === '') return null;
  if (at.service) {
    const report = serviceReport(at.service, room);
    // A rollout that was taken back says so of the service, as a deploy that was taken back does.
    if (rollout?.rolledBack) return { ...report, rollback: rollout.rolledBack.service };
    if (rollbackFailed) return { ...report, rollback: 'failed' };
    return report;
  }
  if (!rolledBack) return null;
  const { id, name, created, rollback } = rolledBack.report;
  return { id, name, created, domain: null, url: null, route: 'none', rollback, room };
}

function imageReport(config: ShipConfig, at: AnyReached): ImageReport | null {
  const { target, pushed } = at;
  if (!target) return null;
  // What the push did with each blob, by digest (the report's layers carry their digests as plain text).
  const outcomes: ReadonlyMap<string, LayerReport['push']> | undefined = pushed?.stats.outcomes;
  return {
    tag: target.image ?? formatImageTag(config.image.tag),
    repository: `${target.projectKey}/${target.repositoryName}`,
    repositoryCreated: at.access?.created ?? null,
    digest: pushed?.digest ?? null,
    ref: pushed?.pinned ?? null,
    layers: (at.image?.layers ?? []).map((layer) => ({ ...layer, push: outcomes?.get(layer.digest) ?? null })),
    startup: at.image?.startup ?? null,
  };
}

function skipReason(stage: StageName, config: ShipConfig, failed: boolean): string {
  if (failed) return 'not reached';
  if (config.dryRun) return 'dry run';
  if (stage === 'push') return 'push: false';
  if (stage === 'deploy' || (stage === 'verify' && !config.service.deploy)) return 'deploy: false';
  return 'nothing to do';
}

function retriesOf(records: readonly RetryRecord[]): ShipResult['retries'] {
  return records.map((r) => ({ method: r.method, url: r.url, reason: r.reason }));
}

/** What a stage failed with, unwrapped from the StageError naming the stage. */
function originalOf(error: unknown): unknown {
  return error instanceof StageError ? error.original : error;
}

function errorOf(error: unknown): NonNullable<ShipResult['error']> {
  const stage = error instanceof StageError ? error.stage : null;
  const original = originalOf(error);
  // Several input errors carry a hint each: the formatted text lists them all.
  if (original instanceof InputErrors && original.errors.length > 1) return { stage, message: formatError(original), hint: null };
  if (original instanceof ShipError) return { stage, message: original.message, hint: original.hint ?? null };
  // Not a user's mistake: a bug, reported with its stack so it can be fixed.
  return { stage, message: formatError(original), hint: null };
}
