/**
 * References to images on disk, as skopeo and containers/image spell them: `oci:DIR[:REF]` (an OCI layout, and the
 * image named REF in it), `oci-archive:FILE[:REF]` (a tar of an OCI layout) and `docker-archive:FILE` (what
 * `docker save` writes). The one parser of these, wherever a command, an input or a flag takes one.
 */
import { quoted, ShipError } from '../errors.js';

export type ImageRef =
  | { readonly transport: 'oci' | 'oci-archive'; readonly path: string; readonly ref: string | undefined }
  | { readonly transport: 'docker-archive'; readonly path: string; readonly ref: undefined };

const TRANSPORTS = ['oci', 'oci-archive', 'docker-archive'] as const;

/** Parses `TRANSPORT:PATH[:REF]`; a REF has no slash, so `oci:/a:b/c` is a path. */
export function parseImageRef(text: string): ImageRef {
  const colon = text.indexOf(':');
  const transport = colon === -1 ? '' : text.slice(0, colon);
  if (!(TRANSPORTS as readonly string[]).includes(transport)) {
    throw new ShipError(`${quoted(text, 200)} is not a reference to an image on disk`, {
      hint: 'use oci:DIR[:REF], oci-archive:FILE[:REF] or docker-archive:FILE',
    });
  }
  const rest = text.slice(colon + 1);
  if (rest === '') throw new ShipError(`${quoted(text, 200)} names no path`, { hint: `use ${transport}:PATH` });
  if (transport === 'docker-archive') return { transport, path: rest, ref: undefined };
  const last = rest.lastIndexOf(':');
  const ref = last > 0 && !rest.slice(last + 1).includes('/') ? rest.slice(last + 1) : undefined;
  const path = ref === undefined ? rest : rest.slice(0, last);
  if (ref === '') throw new ShipError(`${quoted(text, 200)} has an empty reference after the last colon`);
  return { transport: transport as 'oci' | 'oci-archive', path, ref };
}

export function formatImageRef(ref: ImageRef): string {
  return `${ref.transport}:${ref.path}${ref.ref === undefined ? '' : `:${ref.ref}`}`;
}
