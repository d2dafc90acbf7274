/**
 * The previous ship's conversions, looked up while the image builds: the previous image's manifests and config, and
 * the checks of each of its converted layers in the registry (reuse.ts), are round trips the convert stage would
 * otherwise wait for (half a second of a warm re-ship). Their log lines are held until the convert stage takes the
 * result, so they appear under it. Never throws: a failed lookup converts every layer, as before.
 */
import type { Ensured } from './access.js';
import { previousConversions, type RegistryReuse } from './reuse.js';
import type { ShipRun } from './run.js';

/** Takes the looked-up conversions, writing the lookup's log lines so far to `log` (and later ones as they come). */
export type PreviousLookup = (log: (line: string) => void) => Promise<RegistryReuse | undefined>;

/** Starts the lookup for `ensured`'s target; undefined when nothing is pushed or converted (nothing to reuse). */
export function lookUpPrevious(run: ShipRun, ensured: Ensured): PreviousLookup | undefined {
  const { config } = run;
  const { target, registry } = ensured;
  if (!registry || !config.image.estargz) return undefined;
  const held: string[] = [];
  let sink: ((line: string) => void) | undefined;
  const log = (line: string): void => (sink ? sink(line) : void held.push(line));
  const room = config.meshagent.room;
  const pending = previousConversions(registry.client.repository(target.registryRepository, ['pull', 'push']), {
    tag: target.tag.tag ?? 'latest',
    ...(room ? { running: () => run.client.serviceImage(room, target.serviceName) } : {}),
    log,
  })
    .then(async (reuse) => {
      // Every layer it records, checked now: those the new image has again are then ready when the converter asks.
      await reuse?.checkAll();
      return reuse;
    })
    .catch(() => undefined);
  return async (to) => {
    const reuse = await pending;
    for (const line of held.splice(0)) to(line);
    sink = to;
    return reuse;
  };
}
