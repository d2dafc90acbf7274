/**
 * An SPDX SBOM of the shipped image's files, attached to it as an OCI referrer (`sbom: true`). The files come from
 * each eStargz layer's TOC, read from the registry by Range as a lazy pull reads them (so layers reused from the
 * previous ship need not be here): each regular file with its size and SHA-256, upper layers over lower ones,
 * whiteouts applied. The SBOM is an artifact manifest whose `subject` is the image; a registry without the
 * referrers API finds it through the fallback tag `sha256-<hex>` (an index of the image's referrers).
 */
import { join } from 'node:path';
import { ShipError } from '../errors.js';
import { readToc } from '../estargz/index.js';
import { Annotation, type Descriptor, ImageIndex, MediaType, OciLayout, pushImage, type RepositoryClient } from '../oci/index.js';
import { VERSION } from '../version.js';
import { readRunnableConfig } from './runnable-image.js';

const SPDX_JSON = 'application/spdx+json';
const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };
const EMPTY_FILE_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

interface FileFact {
  readonly size: number;
  readonly sha256: string;
}

/** The regular files of the image as it runs: path (with a leading /) to size and content digest. */
async function imageFiles(repository: RepositoryClient, layers: readonly Descriptor[]): Promise<Map<string, FileFact>> {
  const files = new Map<string, FileFact>();
  for (const layer of layers) {
    if (layer.annotations?.[Annotation.stargzTocDigest] === undefined)
      throw new ShipError(`layer ${layer.digest} is not eStargz: the SBOM is read from the eStargz TOCs`, {
        input: 'sbom',
        hint: 'set estargz: true with sbom: true',
      });
    const seen: { name: string; type: string; size?: number; digest?: string }[] = [];
    await readToc({ size: layer.size, read: (start, length) => repository.readBlobRange(layer.digest, start, length) }, (batch) => {
      for (const entry of batch) if ('name' in entry && entry.type !== 'chunk') seen.push(entry);
    });
    for (const entry of seen) {
      const path = `/${entry.name.replace(/^\.?\/+/, '').replace(/\/+$/, '')}`;
      const base = path.slice(path.lastIndexOf('/') + 1);
      const dir = path.slice(0, path.lastIndexOf('/'));
      if (base === '.wh..wh..opq') {
        for (const name of files.keys()) if (name.startsWith(`${dir}/`)) files.delete(name);
      } else if (base.startsWith('.wh.')) {
        const gone = `${dir}/${base.slice(4)}`;
        for (const name of files.keys()) if (name === gone || name.startsWith(`${gone}/`)) files.delete(name);
      } else if (entry.type === 'reg' && !base.startsWith('.prefetch.landmark') && !base.startsWith('.no.prefetch.landmark')) {
        files.set(path, { size: entry.size ?? 0, sha256: entry.digest?.replace(/^sha256:/, '') ?? EMPTY_FILE_SHA256 });
      } else files.delete(path);
    }
  }
  return files;
}

/** The SPDX 2.3 JSON document of the image `name` at `digest`. */
function spdxDocument(name: string, digest: string, created: string, files: ReadonlyMap<string, FileFact>): object {
  const sorted = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${name}@${digest}`,
    documentNamespace: `urn:meshagent-ship:sbom:${digest}`,
    creationInfo: { created, creators: [`Tool: meshagent-ship-${VERSION}`] },
    packages: [
      {
        SPDXID: 'SPDXRef-Image',
        name,
        versionInfo: digest,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        primaryPackagePurpose: 'CONTAINER',
      },
    ],
    files: sorted.map(([path, fact], index) => ({
      fileName: `.${path}`,
      SPDXID: `SPDXRef-File-${index + 1}`,
      checksums: [{ algorithm: 'SHA256', checksumValue: fact.sha256 }],
      fileSize: fact.size,
    })),
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' },
      ...sorted.map((_, index) => ({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: `SPDXRef-File-${index + 1}` })),
    ],
  };
}

export interface AttachedSbom {
  readonly digest: string;
  readonly files: number;
}

/**
 * Makes the SBOM of the pushed image `subject` (whose manifests are in `layout`) and pushes it as its referrer.
 * `name` is the bare repository, `workDir` where the artifact's layout is written.
 */
export async function attachSbom(repository: RepositoryClient, layout: OciLayout, subject: Descriptor, name: string, workDir: string): Promise<AttachedSbom> {
  const { manifest, config } = await readRunnableConfig(layout, subject);
  const files = await imageFiles(repository, manifest.layers);
  const created = typeof config.created === 'string' ? config.created : new Date(0).toISOString();
  const document = Buffer.from(JSON.stringify(spdxDocument(name, subject.digest, created, files)));
  const artifact = await OciLayout.create(join(workDir, 'sbom'));
  const sbom = await artifact.writeBlob(document);
  const empty = await artifact.writeBlob(EMPTY.bytes);
  const root = await artifact.writeJson(MediaType.ociManifest, {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: SPDX_JSON,
    config: { mediaType: EMPTY.mediaType, ...empty },
    layers: [{ mediaType: SPDX_JSON, ...sbom }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { 'org.opencontainers.image.created': created },
  });
  await pushImage(artifact, repository, { root });
  await addReferrer(repository, subject.digest, { ...root, mediaType: MediaType.ociManifest, artifactType: SPDX_JSON });
  return { digest: root.digest, files: files.size };
}

/** The referrers tag schema: the index under `sha256-<hex>` lists the subject's referrers; ours is added to it. */
async function addReferrer(repository: RepositoryClient, subject: string, referrer: Descriptor & { artifactType: string }): Promise<void> {
  const tag = subject.replace(':', '-');
  let manifests: Descriptor[] = [];
  if ((await repository.headManifest(tag)) !== undefined) {
    const answer = await repository.getManifest(tag);
    const parsed = ImageIndex.safeParse(JSON.parse(answer.bytes.toString('utf8')));
    if (parsed.success) manifests = parsed.data.manifests.filter((m) => m.digest !== referrer.digest);
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [...manifests, referrer] }));
  await repository.putManifest(tag, index, MediaType.ociIndex);
}
