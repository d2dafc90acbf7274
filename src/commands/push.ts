/**
 * `meshagent-ship push oci:DIR[:REF] docker://HOST/REPOSITORY[:TAG]`: pushes an image from an OCI layout.
 * Credentials come from MESHAGENT_SHIP_REGISTRY_USER/PASSWORD or the Docker config, never from flags.
 */
import type { CliArgs } from '../cli-args.js';
import { ShipError } from '../errors.js';
import { pushFromLayout } from '../oci/index.js';
import type { ConsoleRunner } from '../runner.js';
import { findCredentials, insecureRegistries, registryClientIdentity } from '../registry-env.js';
import { parseLocation } from '../image-location.js';

const usage = 'meshagent-ship push oci:DIR[:REF] docker://HOST[:PORT]/REPOSITORY[:TAG] [--mount-from REPO,...] [--concurrency N]';

/** Progress goes to the runner (stderr on the console); the result to `out` (stdout), so scripts can read it. */
export async function pushCommand(args: CliArgs, runner: ConsoleRunner, out: (text: string) => void): Promise<void> {
  const [from, to, ...extra] = args.positionals;
  if (from === undefined || to === undefined || extra.length > 0) throw new ShipError('push takes a source and a destination', { hint: usage });
  const source = parseLocation(from, 'push source');
  const target = parseLocation(to, 'push destination');
  if (source.kind !== 'oci' || target.kind !== 'docker') throw new ShipError('push copies from an OCI layout to a registry', { hint: usage });
  if (target.digest !== undefined) throw new ShipError('push destination: name a tag, not a digest', { hint: usage });
  const concurrency = Number(args.options.concurrency ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ShipError('--concurrency takes a whole number of at least 1', { hint: usage });
  const credentials = findCredentials(target.registry, runner.env);
  const result = await pushFromLayout(
    source.dir,
    {
      registry: target.registry,
      repository: target.repository,
      ...(credentials ? { credentials } : {}),
      insecureRegistries: insecureRegistries(runner.env),
      ...registryClientIdentity(target.registry),
      mask: (secret) => runner.setSecret(secret),
      log: (line) => runner.info(line),
    },
    {
      ...(source.ref ? { layoutRef: source.ref } : {}),
      ...(target.tag ? { tag: target.tag } : {}),
      mountFrom: (args.options['mount-from'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      concurrency,
    },
  );
  runner.setOutput('digest', result.digest);
  runner.setOutput('image-ref', result.pinned);
  out(`${args.json ? JSON.stringify(result, null, 2) : result.pinned}\n`);
}
