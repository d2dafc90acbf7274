/**
 * One-call push and pull: open the layout, make a registry client with the right
 * credentials and masking, move the image, close the client.
 */
import type { RetryLog } from '../http.js';
import type { Digest } from './digest.js';
import { OciLayout } from './layout.js';
import { pullImage, type PullOptions, type PullResult } from './pull.js';
import { pushImage, type PushOptions, type PushResult } from './push.js';
import type { RegistryCredentials } from './registry-auth.js';
import { RegistryClient } from './registry.js';

export interface RegistryTarget {
  /** `host[:port]` */
  readonly registry: string;
  readonly repository: string;
  readonly credentials?: RegistryCredentials;
  readonly insecureRegistries?: readonly string[];
  /** Registers secrets with the caller's masking. */
  readonly mask: (secret: string) => void;
  /** Progress and retry lines. */
  readonly log: (line: string) => void;
  /** Where every retry is recorded as well, to be counted with those of other clients. */
  readonly retryLog?: RetryLog;
  /** The OAuth2 `client_id` the token server is told. */
  readonly clientId?: string;
  /** What to tell a user whose credentials the registry refuses. */
  readonly credentialsHint?: string;
}

/** Pushes the image `options.layoutRef` (default: the only one) of the layout in `dir` to `target`. */
export async function pushFromLayout(dir: string, target: RegistryTarget, options: Omit<PushOptions, 'log'> = {}): Promise<PushResult> {
  const layout = await OciLayout.open(dir);
  const client = clientFor(target);
  try {
    return await pushImage(layout, client.repository(target.repository, ['pull', 'push']), { ...options, log: target.log });
  } finally {
    await client.close();
  }
}

/** Pulls `reference` (a tag or a digest) from `target` into the layout in `dir`, created when missing. */
export async function pullIntoLayout(
  target: RegistryTarget,
  reference: string | Digest,
  dir: string,
  options: Omit<PullOptions, 'log'> = {},
): Promise<PullResult> {
  const layout = await OciLayout.create(dir);
  const client = clientFor(target);
  try {
    return await pullImage(client.repository(target.repository), reference, layout, { ...options, log: target.log });
  } finally {
    await client.close();
  }
}

function clientFor(target: RegistryTarget): RegistryClient {
  return new RegistryClient({
    registry: target.registry,
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.insecureRegistries ? { insecureRegistries: target.insecureRegistries } : {}),
    mask: target.mask,
    log: target.log,
    ...(target.retryLog ? { http: { retryLog: target.retryLog } } : {}),
    ...(target.clientId ? { clientId: target.clientId } : {}),
    ...(target.credentialsHint ? { credentialsHint: target.credentialsHint } : {}),
  });
}
