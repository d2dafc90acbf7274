/**
 * OCI (and Docker schema 2) JSON documents as zod schemas. Objects are loose: fields we do not know are kept, so a
 * document read, changed and written again loses nothing (e.g. `artifactType`, `subject`, config history).
 */
import { z } from 'zod';
import { isDigest, type Digest } from './digest.js';

/** Typed as Digest, so a parsed descriptor's digest goes straight to the layout and registry functions. */
const digest = z.custom<Digest>((value) => typeof value === 'string' && isDigest(value), 'must be a sha256 digest');
const annotations = z.record(z.string(), z.string());

export const Platform = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
  variant: z.string().optional(),
});
export type Platform = z.infer<typeof Platform>;

export const Descriptor = z.looseObject({
  mediaType: z.string(),
  digest,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: annotations.optional(),
  platform: Platform.optional(),
  artifactType: z.string().optional(),
});
export type Descriptor = z.infer<typeof Descriptor>;

/** An OCI image manifest or a Docker schema 2 manifest (the same shape). */
export const ImageManifest = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor),
  subject: Descriptor.optional(),
  annotations: annotations.optional(),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

/** An OCI image index or a Docker manifest list; also an OCI layout's index.json. */
export const ImageIndex = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  manifests: z.array(Descriptor),
  subject: Descriptor.optional(),
  annotations: annotations.optional(),
});
export type ImageIndex = z.infer<typeof ImageIndex>;

/** The parts of an image config read here; everything else is kept as it is. */
export const ImageConfig = z.looseObject({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  config: z
    .looseObject({
      ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
      Volumes: z.record(z.string(), z.unknown()).nullish(),
      Labels: z.record(z.string(), z.string()).nullish(),
      Env: z.array(z.string()).nullish(),
      Entrypoint: z.array(z.string()).nullish(),
      Cmd: z.array(z.string()).nullish(),
      WorkingDir: z.string().nullish(),
      User: z.string().nullish(),
    })
    .nullish(),
  rootfs: z.looseObject({ type: z.literal('layers'), diff_ids: z.array(digest) }),
  history: z.array(z.looseObject({ empty_layer: z.boolean().optional() })).optional(),
});
export type ImageConfig = z.infer<typeof ImageConfig>;
