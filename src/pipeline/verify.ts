/**
 * The verify stage: the service as the API holds it now runs the pinned image (another deploy may have raced this
 * one), and, with `wait`, its URL answers in time.
 */
import { ShipError } from '../errors.js';
import type { ProbeReport } from '../report/result.js';
import type { Deployed } from './deploy.js';
import { probeUrl } from './probe.js';
import type { ShipRun } from './run.js';

/** The verify stage's value: the service runs the image, and what the probe found when there was one. */
export interface Verified extends Deployed {
  readonly probe: ProbeReport | undefined;
}

/** The service did not answer at its URL in time; the report shows the probe. */
export class ServiceDidNotAnswer extends ShipError {
  constructor(
    readonly probe: ProbeReport,
    waitSeconds: number,
  ) {
    super(`the service did not answer at ${probe.url} within ${waitSeconds} s`, {
      hint: 'the deploy is in place; check the service logs in the room, or raise wait',
    });
  }
}

export async function verifyStage(run: ShipRun, deployed: Deployed): Promise<Verified> {
  const { waitSeconds } = run.config.service;
  const { room, service } = deployed;
  const ref = deployed.pushed.pinned;
  const probe = await run.stages.run(
    'verify',
    `Verify ${service.serviceName}`,
    async () => {
      const running = await run.client.serviceImage(room, service.serviceName);
      if (running !== ref) {
        throw new ShipError(`${service.serviceName} runs ${running ?? 'no image'} after the deploy, not ${ref}`, {
          hint: 'another deploy changed the service meanwhile: ship again, one deploy per service at a time',
        });
      }
      const url = service.serviceUrl;
      if (!url || waitSeconds <= 0) return undefined;
      const answer = await probeUrl({ url, timeoutMs: waitSeconds * 1000, log: run.log });
      if (!answer.ok) throw new ServiceDidNotAnswer(answer, waitSeconds);
      return answer;
    },
    (answer) =>
      `${service.serviceName} runs ${ref.slice(ref.lastIndexOf('@') + 1, ref.lastIndexOf('@') + 20)}${answer ? `; ${answer.url} answered ${answer.status} in ${answer.latencyMs} ms` : ''}`,
  );
  return { ...deployed, probe };
}
