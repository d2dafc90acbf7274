/**
 * The push stage: push the image (blobs skipped when the repository has them), then read the image back as a puller
 * would: the tag must name our digest, every blob must be there, and each eStargz layer's footer and TOC, read by
 * Range as the stargz snapshotter reads them, must match its annotation.
 */
import { ShipError } from '../errors.js';
import { count } from '../format.js';
import { readToc } from '../estargz/index.js';
import {
  Annotation,
  type Descriptor,
  type Digest,
  forEachLimited,
  MissingBlobError,
  type OciLayout,
  pushImage,
  type PushResult,
  remoteImageManifests,
} from '../oci/index.js';
import type { Converted } from './convert.js';
import { attachSbom } from './sbom.js';
import type { ShipRun } from './run.js';
import type { Registry } from './target-registry.js';
import type { Target } from './target.js';

/** The push stage's value: the image is in the registry, pinned by its digest. */
export interface Pushed extends Converted {
  /** The digest, the pinned reference, and what became of each blob. */
  readonly pushed: PushResult;
}

export async function pushStage(run: ShipRun, converted: Converted): Promise<Pushed> {
  const { target, image, registry } = converted;
  if (!registry) throw new Error('the push stage runs only with push: true, which opens the target registry');
  const { result } = await run.stages.run(
    'push',
    `Push ${target.image}`,
    async () => {
      const result = await pushToTarget(registry, target, image.layout, image.descriptor, run.log);
      // Read back before anything runs it, as a puller would: a defect found here leaves the service as it was.
      const readBack = await checkPushed(registry, target, result.digest);
      const sbom = run.config.image.sbom
        ? await attachSbom(
            registry.client.repository(target.registryRepository, ['pull', 'push']),
            image.layout,
            image.descriptor,
            bareRepository(target),
            converted.workDir,
          )
        : undefined;
      if (sbom) run.log(`SBOM: ${count(sbom.files, 'file')}, attached as ${sbom.digest} (a referrer of ${result.digest})`);
      return { result, readBack, sbom };
    },
    ({ result, readBack, sbom }) =>
      `${result.stats.upToDate ? `already there; tagged (${result.digest})` : `${result.stats.uploaded} uploaded, ${result.stats.skipped} skipped, ${result.stats.mounted} mounted`}; ` +
      `read back: ${count(readBack.blobs, 'blob')}${readBack.tocs ? `, ${count(readBack.tocs, 'eStargz TOC')} as annotated` : ''}` +
      (sbom ? `; SBOM of ${count(sbom.files, 'file')} attached (${sbom.digest.slice(0, 19)})` : ''),
  );
  return { ...converted, pushed: result };
}

export async function pushToTarget(registry: Registry, target: Target, layout: OciLayout, root: Descriptor, log: (line: string) => void): Promise<PushResult> {
  const repository = registry.client.repository(target.registryRepository, ['pull', 'push']);
  try {
    return await pushImage(layout, repository, { root, tag: target.tag.tag ?? 'latest', log });
  } catch (error) {
    // A converted layout lacks the layers reused from the previous ship, which the repository had when the convert
    // stage checked them: one is missing now if it was deleted from the registry since.
    if (error instanceof MissingBlobError) {
      const hint = `${error.hint ?? ''}; in a ship, a layer reused from the previous ship was deleted from the registry meanwhile: ship again, and it is converted`;
      throw new ShipError(error.message, { hint, cause: error });
    }
    throw error;
  }
}

/** `<registry>/<project-key>/<repository>`, the name the SBOM describes. */
function bareRepository(target: Target): string {
  return `${target.registry}/${target.registryRepository}`;
}

/** What reading the pushed image back established. */
interface PushedCheck {
  /** Blobs (configs and layers) found in the repository at their sizes. */
  readonly blobs: number;
  /** eStargz layers whose TOC, read from the registry, has the digest their annotation gives. */
  readonly tocs: number;
}

/**
 * Reads the pushed image back: the tag must name our digest, the manifests are fetched by digest (so their bytes
 * are ours), each blob they name must be in the repository at its size, and each layer that declares a TOC digest
 * must end in a footer and TOC with that digest.
 */
export async function checkPushed(registry: Registry, target: Target, pushed: Digest): Promise<PushedCheck> {
  const repository = registry.client.repository(target.registryRepository, ['pull']);
  const tag = target.tag.tag ?? 'latest';
  const head = await repository.headManifest(tag);
  if (head?.digest !== pushed) {
    throw new ShipError(`${target.image} names ${head?.digest ?? 'nothing'} after the push, not ${pushed}`, {
      hint: 'another job pushed the same tag meanwhile: use a tag per build, such as the commit SHA',
    });
  }
  const blobs = new Map<string, Descriptor>();
  for (const { manifest } of await remoteImageManifests(repository, pushed, await repository.getManifest(pushed))) {
    for (const blob of [manifest.config, ...manifest.layers]) blobs.set(blob.digest, blob);
  }
  const where = `${target.registry}/${target.registryRepository}`;
  let tocs = 0;
  // A few blobs at a time: each is one or three round trips, and a TOC to parse.
  await forEachLimited([...blobs.values()], 4, async (blob) => {
    const size = await repository.blobSize(blob.digest);
    if (size !== blob.size)
      throw new ShipError(`${where}: blob ${blob.digest} is ${size === undefined ? 'missing' : `${size} bytes, not ${blob.size}`} after the push`, {
        hint: 'push again',
      });
    const declared = blob.annotations?.[Annotation.stargzTocDigest];
    if (declared === undefined) return;
    const toc = await readToc({ size: blob.size, read: (start, length) => repository.readBlobRange(blob.digest, start, length) }).catch((error: unknown) => {
      throw new ShipError(`${where}: the TOC of layer ${blob.digest} cannot be read back: ${error instanceof Error ? error.message : String(error)}`, {
        hint: 'push again; if it persists, the registry alters blobs or does not serve ranges',
      });
    });
    if (toc.tocDigest !== declared)
      throw new ShipError(`${where}: layer ${blob.digest} has TOC digest ${toc.tocDigest}, its annotation says ${declared}`, {
        hint: 'this is a bug in the converter: report it, and set estargz: false to ship meanwhile',
      });
    tocs += 1;
  });
  return { blobs: blobs.size, tocs };
}
