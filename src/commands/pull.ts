/**
 * `meshagent-ship pull docker://HOST/REPOSITORY[:TAG|@DIGEST] oci:DIR[:REF]`: pulls an image into an OCI layout
 * (created when missing). Credentials as for push.
 */
import type { CliArgs } from '../cli-args.js';
import { ShipError } from '../errors.js';
import { pullIntoLayout } from '../oci/index.js';
import type { ConsoleRunner } from '../runner.js';
import { findCredentials, insecureRegistries, registryClientIdentity } from '../registry-env.js';
import { parseLocation } from '../image-location.js';

const usage = 'meshagent-ship pull docker://HOST[:PORT]/REPOSITORY[:TAG|@DIGEST] oci:DIR[:REF] [--platform OS/ARCH]';

/** Progress goes to the runner (stderr on the console); the result to `out` (stdout), so scripts can read it. */
export async function pullCommand(args: CliArgs, runner: ConsoleRunner, out: (text: string) => void): Promise<void> {
  const [from, to, ...extra] = args.positionals;
  if (from === undefined || to === undefined || extra.length > 0) throw new ShipError('pull takes a source and a destination', { hint: usage });
  const source = parseLocation(from, 'pull source');
  const target = parseLocation(to, 'pull destination');
  if (source.kind !== 'docker' || target.kind !== 'oci') throw new ShipError('pull copies from a registry to an OCI layout', { hint: usage });
  const platform = args.options.platform?.split('/');
  if (platform && (platform.length < 2 || platform.some((p) => p === '')))
    throw new ShipError(`--platform ${args.options.platform}: write OS/ARCH[/VARIANT]`, { hint: usage });
  const credentials = findCredentials(source.registry, runner.env);
  const registry = {
    registry: source.registry,
    repository: source.repository,
    ...(credentials ? { credentials } : {}),
    insecureRegistries: insecureRegistries(runner.env),
    ...registryClientIdentity(source.registry),
    mask: (secret: string) => runner.setSecret(secret),
    log: (line: string) => runner.info(line),
  };
  const result = await pullIntoLayout(registry, source.digest ?? source.tag ?? 'latest', target.dir, {
    layoutRef: target.ref ?? source.tag ?? 'latest',
    ...(platform ? { platform: { os: platform[0] ?? '', architecture: platform[1] ?? '', ...(platform[2] ? { variant: platform[2] } : {}) } } : {}),
  });
  out(`${args.json ? JSON.stringify(result, null, 2) : result.descriptor.digest}\n`);
}
