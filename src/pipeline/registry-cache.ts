/**
 * buildah's step images kept as one tag of the project repository: an image index whose manifests are the step
 * images, each named by its image id (the name the layout gives it on disk). Pulled into a layout before the
 * build, pushed from the layout the build saved to after it, with the push token the image itself is pushed with.
 */
import { Annotation, ImageIndex, MediaType, OciLayout, pullImage, pushImage, type RepositoryClient } from '../oci/index.js';

/** Pulls the cache tag into a layout at `dir`; the number of step images, or undefined when there is no such tag. */
export async function pullStepCache(repository: RepositoryClient, tag: string, dir: string): Promise<number | undefined> {
  if ((await repository.headManifest(tag)) === undefined) return undefined;
  const layout = await OciLayout.create(dir);
  const { descriptor } = await pullImage(repository, tag, layout);
  const index = ImageIndex.parse(JSON.parse((await layout.readBlob(descriptor.digest)).toString('utf8')));
  // The layout lists each step image by its name, as buildah pulls it (oci:DIR:NAME).
  await layout.writeIndex({ schemaVersion: 2, manifests: index.manifests.filter((m) => m.annotations?.[Annotation.refName]) });
  return index.manifests.length;
}

/** Pushes the step images of the layout at `dir` as one index under `tag`. */
export async function pushStepCache(repository: RepositoryClient, tag: string, dir: string): Promise<void> {
  const layout = await OciLayout.open(dir);
  const { manifests } = await layout.readIndex();
  const root = await layout.writeJson(MediaType.ociIndex, { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests });
  await pushImage(layout, repository, { root, tag });
}
