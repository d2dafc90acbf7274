/**
 * The image's labels: org.opencontainers.image.source, revision, created and version from where the run comes
 * from (GitHub's context), then the `labels` input, which wins. `version` is the git tag of a run on a tag
 * (GITHUB_REF_TYPE=tag), and absent otherwise: were it the image tag, one image shipped under two tags (a preview,
 * a promotion, matrix legs) would get two configs and two digests. They are written into the image config after the
 * build, never passed to the builder, so they do not touch the build cache; an image given by the `image` input
 * gets them the same way: a new config, and so a new digest. `created` is the image's own creation time (or
 * SOURCE_DATE_EPOCH), not the time of the run: the same image shipped again keeps its digest, and a service
 * running it is not restarted for nothing.
 */
import { link, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildArg } from '../build/types.js';
import { type Descriptor, type Digest, ImageConfig, ImageIndex, ImageManifest, isImageManifestType, isIndexType, OciLayout } from '../oci/index.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the source of a run is: the repository URL, the commit, and the git tag of a run on a tag. */
export interface SourceContext {
  readonly serverUrl: string | undefined;
  readonly repository: string | undefined;
  readonly sha: string | undefined;
  readonly version?: string | undefined;
}

/**
 * GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA and (on a tag) GITHUB_REF_NAME, as GitHub sets them for every
 * step: the same values @actions/github's context reads, without loading that library (it would double the
 * action's bundle).
 */
export function sourceFromEnv(env: Env): SourceContext {
  const version = env.GITHUB_REF_TYPE === 'tag' && env.GITHUB_REF_NAME ? env.GITHUB_REF_NAME : undefined;
  return { serverUrl: env.GITHUB_SERVER_URL || 'https://github.com', repository: env.GITHUB_REPOSITORY, sha: env.GITHUB_SHA, version };
}

/** The labels an image gets, in order of precedence: the given ones over the source's. */
export function imageLabels(source: SourceContext, given: readonly BuildArg[], created: Date | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (source.repository) labels['org.opencontainers.image.source'] = `${(source.serverUrl ?? '').replace(/\/+$/, '')}/${source.repository}`;
  if (source.sha) labels['org.opencontainers.image.revision'] = source.sha;
  if (created) labels[CREATED] = created.toISOString();
  if (source.version) labels['org.opencontainers.image.version'] = source.version;
  for (const { name, value } of given) labels[name] = value;
  return labels;
}

const CREATED = 'org.opencontainers.image.created';

/**
 * The labels for the log: those given, and where `created` comes from when none is given (labelManifest takes the
 * image's own creation time), so a run with no source context does not log an empty list.
 */
export function describeLabels(labels: Readonly<Record<string, string>>): string {
  const given = Object.entries(labels).map(([name, value]) => `${name}=${value}`);
  if (!(CREATED in labels)) given.push(`${CREATED} from the image's own creation time (when it has one)`);
  return given.join(', ');
}

/** SOURCE_DATE_EPOCH when set (reproducible builds); else undefined: each image's own creation time is taken. */
export function createdAt(env: Env): Date | undefined {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  return env.SOURCE_DATE_EPOCH && Number.isSafeInteger(epoch) ? new Date(epoch * 1000) : undefined;
}

/**
 * Sets `labels` on the config of every image of `top` (each platform of an index), writing new configs and
 * manifests into `layout`; returns the new top descriptor. Other entries of an index (attestations) are kept.
 */
export async function labelImage(layout: OciLayout, top: Descriptor, labels: Readonly<Record<string, string>>): Promise<Descriptor> {
  if (isIndexType(top.mediaType)) {
    const index = await layout.readJson(top, ImageIndex, 'index');
    const manifests: Descriptor[] = [];
    for (const child of index.manifests) manifests.push(isImageManifestType(child.mediaType) ? await labelManifest(layout, child, labels) : child);
    return { ...top, ...(await layout.writeJson(top.mediaType, { ...index, manifests })) };
  }
  return labelManifest(layout, top, labels);
}

async function labelManifest(layout: OciLayout, descriptor: Descriptor, labels: Readonly<Record<string, string>>): Promise<Descriptor> {
  const manifest = await layout.readJson(descriptor, ImageManifest, 'manifest');
  const config = await layout.readJson(manifest.config, ImageConfig, 'image config');
  const created = config.created ? { [CREATED]: config.created } : {};
  const labelled = { ...config, config: { ...config.config, Labels: { ...config.config?.Labels, ...created, ...labels } } };
  const written = await layout.writeJson(manifest.config.mediaType, labelled);
  const next = { ...manifest, config: { ...manifest.config, digest: written.digest, size: written.size } };
  const { digest, size } = await layout.writeJson(descriptor.mediaType, next);
  return { ...descriptor, digest, size };
}

/**
 * A layout of this run's own holding the image `top` of `source` (blobs linked, else copied), for an image whose
 * layout is the user's (an `oci:` directory), which is never written to.
 */
export async function ownCopy(source: OciLayout, top: Descriptor, dir: string): Promise<OciLayout> {
  // Its blobs are the user's (linked): messages about them name the user's layout.
  const own = await OciLayout.create(dir, { where: source.where });
  const copy = async (digest: Digest): Promise<void> => {
    const to = own.blobPath(digest);
    await mkdir(join(to, '..'), { recursive: true });
    await link(source.blobPath(digest), to).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') await copyFile(source.blobPath(digest), to);
    });
  };
  const visit = async (descriptor: Descriptor): Promise<void> => {
    await copy(descriptor.digest);
    if (isIndexType(descriptor.mediaType)) {
      for (const child of (await source.readJson(descriptor, ImageIndex, 'index')).manifests) await visit(child);
    } else if (isImageManifestType(descriptor.mediaType)) {
      const manifest = await source.readJson(descriptor, ImageManifest, 'manifest');
      for (const blob of [manifest.config, ...manifest.layers]) await copy(blob.digest);
    }
  };
  await visit(top);
  return own;
}
