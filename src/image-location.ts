/**
 * The source or destination of the push and pull commands, as skopeo writes them: `oci:DIR[:REF]` (an OCI layout,
 * read by the one parser of images on disk, oci/image-ref.ts) or `docker://HOST[:PORT]/REPOSITORY[:TAG|@DIGEST]`
 * (a registry).
 */
import { ShipError } from './errors.js';
import { parseImageRef } from './oci/index.js';
import { parseImageReference } from './reference.js';

export interface LayoutLocation {
  readonly kind: 'oci';
  readonly dir: string;
  readonly ref: string | undefined;
}

export interface RegistryLocation {
  readonly kind: 'docker';
  /** `host[:port]` */
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

const hint = 'use oci:DIR[:REF] for an OCI layout, or docker://HOST[:PORT]/REPOSITORY[:TAG] for a registry';

export function parseLocation(value: string, what: string): LayoutLocation | RegistryLocation {
  if (value.startsWith('oci:')) {
    // The one parser of image references on disk, as the convert and verify commands and the image input read them.
    let parsed: ReturnType<typeof parseImageRef>;
    try {
      parsed = parseImageRef(value);
    } catch (error) {
      if (!(error instanceof ShipError)) throw error;
      throw new ShipError(`${what}: ${error.message}`, { hint, cause: error });
    }
    return { kind: 'oci', dir: parsed.path, ref: parsed.ref };
  }
  if (value.startsWith('docker://')) {
    const reference = parseImageReference(value.slice('docker://'.length), what);
    if (reference.registry === undefined) {
      throw new ShipError(`${what}: ${value} names no registry`, { hint: 'write the registry host first, e.g. docker://127.0.0.1:5000/team/app:1' });
    }
    return { kind: 'docker', registry: reference.registry, repository: reference.repository, tag: reference.tag, digest: reference.digest };
  }
  throw new ShipError(`${what}: ${value} is not an image location`, { hint });
}
