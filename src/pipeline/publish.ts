/**
 * The push and verify stages against the registry: push the image (blobs skipped when the repository has them),
 * then read the manifest back by tag and check it is ours and that every blob it names is there.
 */
import { ShipError } from '../errors.js';
import type { RetryRecord } from '../http.js';
import type { Digest } from '../oci/digest.js';
import type { OciLayout } from '../oci/layout.js';
import { pushImage, type PushResult } from '../oci/push.js';
import type { RegistryCredentials } from '../oci/registry-auth.js';
import { RegistryClient } from '../oci/registry.js';
import type { Descriptor, ImageManifest } from '../oci/types.js';
import type { Target } from './target.js';

export interface Registry {
  readonly client: RegistryClient;
  /** Every retry the registry client made (the report lists them). */
  retries(): readonly RetryRecord[];
  close(): Promise<void>;
}

export function openRegistry(target: Target, credentials: RegistryCredentials | undefined, hooks: { mask: (secret: string) => void; log: (line: string) => void }): Registry {
  const client = new RegistryClient({ registry: target.registry, ...(credentials ? { credentials } : {}), mask: hooks.mask, log: hooks.log });
  return { client, retries: () => client.http.retries, close: () => client.close() };
}

export function pushToTarget(registry: Registry, target: Target, layout: OciLayout, root: Descriptor, log: (line: string) => void): Promise<PushResult> {
  const repository = registry.client.repository(target.registryRepository, ['pull', 'push']);
  return pushImage(layout, repository, { root, tag: target.tag.tag ?? 'latest', log });
}

/** Reads the tag back: it must name our digest, and each blob of the image manifest must be in the repository. */
export async function checkPushed(registry: Registry, target: Target, pushed: Digest, runnable: ImageManifest): Promise<number> {
  const repository = registry.client.repository(target.registryRepository, ['pull']);
  const tag = target.tag.tag ?? 'latest';
  const head = await repository.headManifest(tag);
  if (head?.digest !== pushed) {
    throw new ShipError(`${target.image} names ${head?.digest ?? 'nothing'} after the push, not ${pushed}`, {
      hint: 'another job pushed the same tag meanwhile: use a tag per build, such as the commit SHA',
    });
  }
  const blobs = [runnable.config, ...runnable.layers];
  for (const blob of blobs) {
    const size = await repository.blobSize(blob.digest);
    if (size !== blob.size) throw new ShipError(`${target.registry}/${target.registryRepository}: blob ${blob.digest} is ${size === undefined ? 'missing' : `${size} bytes, not ${blob.size}`} after the push`, { hint: 'push again' });
  }
  return blobs.length;
}
