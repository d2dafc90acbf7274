/**
 * OCI (and Docker schema 2) JSON documents: their types, and checks of their shape (json-shape.ts) with the surface
 * of zod schemas (`safeParse`, `parse`). Objects are loose: fields we do not know are kept, so a document read,
 * changed and written again loses nothing (e.g. `artifactType`, `subject`, config history).
 */
import { isDigest, type Digest } from './digest.js';
import { arrayOf, type Check, isLiteral, isNonNegativeInteger, isString, looseObject, nullish, optional, recordOf, satisfies, Shape } from './json-shape.js';

/** Typed as Digest, so a parsed descriptor's digest goes straight to the layout and registry functions. */
const digest = satisfies((value) => typeof value === 'string' && isDigest(value), 'must be a sha256 digest');
const annotations = recordOf(isString);
const strings = arrayOf(isString);

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string | undefined;
  'os.features'?: string[] | undefined;
  variant?: string | undefined;
  [field: string]: unknown;
}
const platform = looseObject({
  architecture: isString,
  os: isString,
  'os.version': optional(isString),
  'os.features': optional(strings),
  variant: optional(isString),
});
export const Platform = new Shape<Platform>(platform);

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[] | undefined;
  annotations?: Record<string, string> | undefined;
  platform?: Platform | undefined;
  artifactType?: string | undefined;
  [field: string]: unknown;
}
const descriptor = looseObject({
  mediaType: isString,
  digest,
  size: isNonNegativeInteger,
  urls: optional(strings),
  annotations: optional(annotations),
  platform: optional(platform),
  artifactType: optional(isString),
});
export const Descriptor = new Shape<Descriptor>(descriptor);

/** An OCI image manifest or a Docker schema 2 manifest (the same shape). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string | undefined;
  artifactType?: string | undefined;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor | undefined;
  annotations?: Record<string, string> | undefined;
  [field: string]: unknown;
}
export const ImageManifest = new Shape<ImageManifest>(
  looseObject({
    schemaVersion: isLiteral(2),
    mediaType: optional(isString),
    artifactType: optional(isString),
    config: descriptor,
    layers: arrayOf(descriptor),
    subject: optional(descriptor),
    annotations: optional(annotations),
  }),
);

/** An OCI image index or a Docker manifest list; also an OCI layout's index.json. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string | undefined;
  artifactType?: string | undefined;
  manifests: Descriptor[];
  subject?: Descriptor | undefined;
  annotations?: Record<string, string> | undefined;
  [field: string]: unknown;
}
export const ImageIndex = new Shape<ImageIndex>(
  looseObject({
    schemaVersion: isLiteral(2),
    mediaType: optional(isString),
    artifactType: optional(isString),
    manifests: arrayOf(descriptor),
    subject: optional(descriptor),
    annotations: optional(annotations),
  }),
);

/** The parts of an image config read here; everything else is kept as it is. */
export interface ImageConfig {
  architecture?: string | undefined;
  os?: string | undefined;
  variant?: string | undefined;
  config?:
    | {
        ExposedPorts?: Record<string, unknown> | null | undefined;
        Volumes?: Record<string, unknown> | null | undefined;
        Labels?: Record<string, string> | null | undefined;
        Env?: string[] | null | undefined;
        Entrypoint?: string[] | null | undefined;
        Cmd?: string[] | null | undefined;
        WorkingDir?: string | null | undefined;
        User?: string | null | undefined;
        [field: string]: unknown;
      }
    | null
    | undefined;
  rootfs: { type: 'layers'; diff_ids: Digest[]; [field: string]: unknown };
  history?: { empty_layer?: boolean | undefined; [field: string]: unknown }[] | undefined;
  [field: string]: unknown;
}
/** Any value: only the object around it is checked. */
const anything: Check = () => undefined;
export const ImageConfig = new Shape<ImageConfig>(
  looseObject({
    architecture: optional(isString),
    os: optional(isString),
    variant: optional(isString),
    config: nullish(
      looseObject({
        ExposedPorts: nullish(recordOf(anything)),
        Volumes: nullish(recordOf(anything)),
        Labels: nullish(recordOf(isString)),
        Env: nullish(strings),
        Entrypoint: nullish(strings),
        Cmd: nullish(strings),
        WorkingDir: nullish(isString),
        User: nullish(isString),
      }),
    ),
    rootfs: looseObject({ type: isLiteral('layers'), diff_ids: arrayOf(digest) }),
    history: optional(arrayOf(looseObject({ empty_layer: optional(satisfies((value) => typeof value === 'boolean', 'expected true or false')) }))),
  }),
);
