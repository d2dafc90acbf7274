/**
 * The verify stage: the service as the API holds it runs the pinned image (another deploy may have raced this one);
 * then, with `wait`, the rollout is followed in the room until the new container is live (pipeline/rollout.ts,
 * which takes back a rollout that is not), and a public service's URL is probed. It says `ready` only when the room
 * says so; without a wait it says `deployed (not waited)`.
 */
import { ShipError } from '../errors.js';
import { routeTargetPort } from '../meshagent/service-ports.js';
import type { ProbeReport, RolloutReport } from '../report/result.js';
import type { Deployed } from './deploy.js';
import { probeUrl } from './probe.js';
import { followRollout } from './rollout.js';
import type { ShipRun } from './run.js';

/** The verify stage's value: how the rollout went, and what the probe found when there was one. */
export interface Verified extends Deployed {
  readonly probe: ProbeReport | undefined;
  readonly rollout: RolloutReport;
}

/**
 * The room said the service is live, but its URL did not answer 2xx or 3xx in time. Not rolled back: the container
 * runs and answers its liveness path inside the room, and the previous one would sit behind the same route; what
 * fails is outside (DNS, the route, TLS, a path that differs from outside).
 */
export class ServiceDidNotAnswer extends ShipError {
  constructor(
    readonly probe: ProbeReport,
    readonly rollout: RolloutReport,
    waitSeconds: number,
  ) {
    super(
      `the service is live in the room, but ${probe.url} did not answer with 2xx or 3xx within ${waitSeconds} s${probe.status !== null ? ` (last status ${probe.status})` : ''}`,
      { hint: "the deploy is in place and was not rolled back: check the domain's DNS and route, and that the liveness path answers from outside" },
    );
  }
}

/** The least time the probe gets (the wait permitting), even when the rollout took most of the wait. */
const MIN_PROBE_MS = 10_000;

const NOT_WAITED: RolloutReport = { outcome: 'not-waited', readyMs: null, restarted: false, containerId: null, failure: null, logs: [], rolledBack: null };

export async function verifyStage(run: ShipRun, deployed: Deployed): Promise<Verified> {
  const { waitSeconds } = run.config.service;
  const { room, service } = deployed;
  const ref = deployed.pushed.pinned;
  const result = await run.stages.run(
    'verify',
    `Verify ${service.serviceName}`,
    async () => {
      const started = Date.now();
      const running = await run.client.serviceImage(room, service.serviceName);
      if (running !== ref) {
        throw new ShipError(`${service.serviceName} runs ${running ?? 'no image'} after the deploy, not ${ref}`, {
          hint: 'another deploy changed the service meanwhile: ship again, one deploy per service at a time',
        });
      }
      if (waitSeconds <= 0) return { rollout: NOT_WAITED, probe: undefined, why: 'wait: false' };
      if (service.spec.enabled === false) return { rollout: NOT_WAITED, probe: undefined, why: 'the service is disabled (enabled: false)' };
      const rollout = await followRollout(run, deployed);
      const probe = probeTarget(run, deployed);
      if (!probe) return { rollout, probe: undefined, why: '' };
      const answer = await probeUrl({
        url: probe,
        ...(run.runner.env.MESHAGENT_SHIP_PROBE_ORIGIN ? { via: run.runner.env.MESHAGENT_SHIP_PROBE_ORIGIN } : {}),
        timeoutMs: Math.max(Math.min(MIN_PROBE_MS, waitSeconds * 1000), started + waitSeconds * 1000 - Date.now()),
        log: run.log,
      });
      if (!answer.ok) throw new ServiceDidNotAnswer(answer, rollout, waitSeconds);
      return { rollout, probe: answer, why: '' };
    },
    ({ rollout, probe, why }) => {
      const digest = ref.slice(ref.lastIndexOf('@') + 1, ref.lastIndexOf('@') + 20);
      if (rollout.outcome !== 'ready') return `deployed (not waited): ${service.serviceName} is set to run ${digest} (${why})`;
      const ready = `ready in ${((rollout.readyMs ?? 0) / 1000).toFixed(1)} s: ${service.serviceName} runs ${digest} in container ${rollout.containerId}`;
      return probe ? `${ready}; ${probe.url} answered ${probe.status} in ${probe.latencyMs} ms` : ready;
    },
  );
  return { ...deployed, probe: result.probe, rollout: result.rollout };
}

/**
 * The URL to probe: a public service's domain, at the routed port's liveness path (else /). A private port asks
 * for a participant token, which a probe from outside has not got, so it is not probed.
 */
function probeTarget(run: ShipRun, deployed: Deployed): string | undefined {
  const { service } = deployed;
  if (!service.domain || !service.serviceUrl) return undefined;
  let port: number;
  try {
    port = routeTargetPort(service.spec.ports ?? []);
  } catch {
    return undefined;
  }
  const spec = (service.spec.ports ?? []).find((p) => p.num === port);
  if (spec?.public !== true) {
    run.log(`${service.serviceUrl} is not probed: port ${port} is private (a participant token is needed)`);
    return undefined;
  }
  return `${service.serviceUrl}${spec.type === 'http' && spec.liveness ? spec.liveness : '/'}`;
}
