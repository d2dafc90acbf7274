/**
 * The rollout of a deploy, followed in the room: an updated service is restarted (as the CLI's deploy does), then
 * the wait (meshagent/rollout.ts) runs until the new container is live, with its log in the run's log. A rollout
 * that does not become live is taken back with the deploy's own undo steps (meshagent/rollback.ts), unless
 * `rollback` is off: the previous spec is put back, restarted and waited for until its container runs again, and
 * the run fails saying `rolled back to <digest>` and why.
 */
import { ShipError } from '../errors.js';
import { takeBack, type TakenBack } from '../meshagent/rollback.js';
import { RolloutFailed, waitForLive, type RolloutTarget } from '../meshagent/rollout.js';
import type { ServiceSpec } from '../meshagent/wire.js';
import type { RolledBackReport, RolloutFailure, RolloutReport } from '../report/result.js';
import { RoomError, restartService, type RoomSession } from '../room/index.js';
import { Stopped } from '../stop.js';
import type { Deployed } from './deploy.js';
import { LogTail } from './log-tail.js';
import type { ShipRun } from './run.js';

/** The CLI's restart timeout (cli image.py 133). */
const RESTART_TIMEOUT_MS = 60_000;

/** A rollout that did not become live, with what the report says of it. */
export class RolloutNotLive extends ShipError {
  constructor(
    message: string,
    hint: string,
    readonly report: RolloutReport,
    cause: unknown,
    /** True when taking the deploy back failed too: the error says what is left to put right by hand. */
    readonly rollbackFailed = false,
  ) {
    super(message, { hint, cause });
  }
}

/** Follows the rollout until the new container is live; takes it back and throws RolloutNotLive when it is not. */
export async function followRollout(run: ShipRun, deployed: Deployed): Promise<RolloutReport> {
  const { service, room } = deployed;
  const started = Date.now();
  const deadline = started + run.config.service.waitSeconds * 1000;
  const session = run.roomSession(room);
  const tail = new LogTail(run.log, (text) => run.scrub(text));
  let restarted = false;
  try {
    if (!service.created) restarted = await restart(run, session, service.serviceName, service.serviceId, deadline);
    const live = await waitForLive(targetOf(service.spec, service.serviceId, deployed.previousContainerId), {
      session,
      deadline,
      log: run.log,
      onLogLine: (line, container) => tail.add(container, line),
      ...(run.signal ? { signal: run.signal } : {}),
    });
    return { outcome: 'ready', readyMs: Date.now() - started, restarted, containerId: live.containerId, failure: null, logs: [], rolledBack: null };
  } catch (error) {
    if (error instanceof Stopped) throw error;
    const failure = failureOf(error);
    const report: RolloutReport = {
      outcome: 'failed',
      readyMs: null,
      restarted,
      containerId: error instanceof RolloutFailed ? error.last.containerId : null,
      failure,
      logs: tail.lines(),
      rolledBack: null,
    };
    const hint = error instanceof ShipError && error.hint ? error.hint : 'fix the service and ship again';
    if (!run.config.service.rollback) {
      throw new RolloutNotLive(`${failure.message}; not rolled back (rollback: false): the new spec stays in place`, hint, report, error);
    }
    throw await rollBack(run, deployed, report, hint, error);
  }
}

/** The room's error code for a service it runs no container of (meshagent-api error_codes.py). */
const SERVICE_NOT_FOUND = 7001;

/**
 * `services.restart` after an update, in the CLI's words. A room that runs no container of the service (it was
 * stopped, or is not started yet) has nothing to restart: it starts the new spec itself, so that is no failure.
 */
async function restart(run: ShipRun, session: RoomSession, name: string, id: string, deadline: number): Promise<boolean> {
  run.log(`Restarting service: ${name} (${id})`);
  try {
    await restartService(session, id, deadline, RESTART_TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof RoomError) || error.code !== SERVICE_NOT_FOUND) throw error;
    run.log(`Not restarted: the room runs no container of ${name} yet (${error.reason}); it starts the new spec itself`);
    return false;
  }
  run.log(`Restarted service: ${name} (${id})`);
  return true;
}

/** What to wait for: a container other than `previous`, and every published http port's liveness path ready. */
function targetOf(spec: ServiceSpec, serviceId: string, previous: string | undefined): RolloutTarget {
  const liveness = (spec.ports ?? []).flatMap((port) =>
    port.published && port.type === 'http' && port.liveness && port.num !== '*' ? [{ port: port.num, path: port.liveness }] : [],
  );
  return { serviceId, serviceName: spec.metadata.name, previousContainerId: previous, liveness };
}

function failureOf(error: unknown): RolloutFailure {
  if (error instanceof RolloutFailed) return { reason: error.kind, message: error.message, ...error.last };
  const message = error instanceof ShipError ? error.message : error instanceof Error ? error.message : String(error);
  return { reason: error instanceof RoomError && error.retryable ? 'timeout' : 'room', message, exitCode: null, restartCount: null };
}

/**
 * Takes the deploy back (its writes complete even when the run is stopped meanwhile), then, for a restored spec,
 * restarts the service and waits for its container to be live again; returns the error the run fails with.
 */
async function rollBack(run: ShipRun, deployed: Deployed, report: RolloutReport, hint: string, cause: unknown): Promise<RolloutNotLive> {
  const { service, room } = deployed;
  const reason = report.failure?.message ?? 'the rollout did not become live';
  run.log(`Rolling back ${service.serviceName}: ${reason}`);
  const request = {
    client: run.client,
    room,
    deployed: service,
    imageRef: deployed.pushed.pinned,
    newService: run.config.service.rollbackNewService,
    log: run.log,
  };
  const taken: TakenBack = run.stop ? await run.stop.uninterrupted(() => takeBack(request)) : await takeBack(request);
  if (taken.action === 'left') return new RolloutNotLive(`${reason}; not rolled back: ${taken.why}`, hint, report, cause);
  if (taken.action === 'failed') {
    return new RolloutNotLive(
      `${reason}; ROLLBACK FAILED, the failed deploy is left in place: ${taken.left}`,
      `put it right by hand: ${taken.fix}`,
      { ...report, rolledBack: null },
      cause,
      true,
    );
  }
  if (taken.action !== 'restored') {
    const rolledBack: RolledBackReport = { service: taken.action, image: null, digest: null, live: null, containerId: null };
    const what =
      taken.action === 'stopped'
        ? `service ${service.serviceName}, created by this run, was stopped (enabled: false; the next ship starts it again)`
        : `service ${service.serviceName}, created by this run, was deleted with the route it claimed`;
    return new RolloutNotLive(`rolled back: ${what}: ${reason}`, hint, { ...report, outcome: 'rolled-back', rolledBack }, cause);
  }
  const image = taken.previous.container?.image ?? null;
  const digest = image?.includes('@') ? image.slice(image.indexOf('@') + 1) : null;
  const back = await waitForPrevious(run, deployed, taken.previous, report.containerId);
  const rolledBack: RolledBackReport = { service: 'restored', image, digest, live: back.live, containerId: back.containerId };
  const to = digest ?? image ?? 'the previous spec';
  const again = back.live ? '' : `, but its container did not become live again (${back.why})`;
  return new RolloutNotLive(
    `rolled back to ${to}${again}: ${reason}`,
    back.live ? `${hint}; the service runs its previous image again` : `${hint}; then look at the service's previous image too`,
    { ...report, outcome: 'rolled-back', rolledBack },
    cause,
  );
}

/** The restored spec restarted and waited for as a deploy is (a fresh wait), its log said but not kept. */
async function waitForPrevious(
  run: ShipRun,
  deployed: Deployed,
  previous: ServiceSpec,
  failedContainer: string | null,
): Promise<{ live: boolean; containerId: string | null; why: string }> {
  const { service, room } = deployed;
  const session = run.roomSession(room);
  const deadline = Date.now() + run.config.service.waitSeconds * 1000;
  try {
    await restart(run, session, service.serviceName, service.serviceId, deadline);
    const live = await waitForLive(targetOf(previous, service.serviceId, failedContainer ?? undefined), {
      session,
      deadline,
      log: run.log,
      onLogLine: (line, container) => run.log(`${container} | ${run.scrub(line)}`),
      ...(run.signal ? { signal: run.signal } : {}),
    });
    return { live: true, containerId: live.containerId, why: '' };
  } catch (error) {
    if (error instanceof Stopped) throw error;
    return { live: false, containerId: error instanceof RolloutFailed ? error.last.containerId : null, why: failureOf(error).message };
  }
}
