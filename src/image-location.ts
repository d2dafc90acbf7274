/**
 * Where an image is, as the image input and the command line write it (skopeo's transport syntax): an OCI layout
 * `oci:DIR[:REF]`, an archive `oci-archive:FILE[:REF]` or `docker-archive:FILE`, or a registry
 * `docker://HOST[:PORT]/REPOSITORY[:TAG|@DIGEST]`. The one reading of these for the image input and the convert,
 * verify, push and pull commands; the libraries take the parsed value.
 */
import { quoted, ShipError } from './errors.js';
import type { ImageRef } from './oci/archive.js';
import { parseImageReference } from './reference.js';

const TRANSPORTS = ['oci', 'oci-archive', 'docker-archive'] as const;

/** Parses `TRANSPORT:PATH[:REF]`, an image on disk; a REF has no slash, so `oci:/a:b/c` is a path. */
export function parseLocalImage(text: string): ImageRef {
  const colon = text.indexOf(':');
  const transport = colon === -1 ? '' : text.slice(0, colon);
  if (!(TRANSPORTS as readonly string[]).includes(transport)) {
    throw new ShipError(`${quoted(text, 200)} is not an image reference this command reads or writes`, { hint: 'use oci:DIR[:REF], oci-archive:FILE[:REF] or docker-archive:FILE' });
  }
  const rest = text.slice(colon + 1);
  if (rest === '') throw new ShipError(`${quoted(text, 200)} names no path`, { hint: `use ${transport}:PATH` });
  if (transport === 'docker-archive') return { transport, path: rest, ref: undefined };
  const { path, ref } = splitRef(rest);
  if (ref === '') throw new ShipError(`${quoted(text, 200)} has an empty reference after the last colon`);
  return { transport: transport as 'oci' | 'oci-archive', path, ref };
}

/** `TRANSPORT:PATH[:REF]` again, as parseLocalImage reads it. */
export function formatLocalImage(ref: ImageRef): string {
  return `${ref.transport}:${ref.path}${ref.ref === undefined ? '' : `:${ref.ref}`}`;
}

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

/** The source or destination of a push or pull: an OCI layout or a registry. `what` names it in errors. */
export function parseLocation(value: string, what: string): LayoutLocation | RegistryLocation {
  if (value.startsWith('oci:')) {
    const { path: dir, ref } = splitRef(value.slice('oci:'.length));
    if (dir === '') throw new ShipError(`${what}: ${value} names no directory`, { hint });
    return { kind: 'oci', dir, ref: ref === '' ? undefined : ref };
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

/** `PATH[:REF]`: REF is what follows the last ':' when that part names no directory (`/tmp/x:latest`, but `C:/x`). */
function splitRef(rest: string): { path: string; ref: string | undefined } {
  const last = rest.lastIndexOf(':');
  const ref = last > 0 && !rest.slice(last + 1).includes('/') ? rest.slice(last + 1) : undefined;
  return { path: ref === undefined ? rest : rest.slice(0, last), ref };
}
