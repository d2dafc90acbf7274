/**
 * Images on disk, as image-ref.ts names them: `oci:DIR[:REF]`, `oci-archive:FILE[:REF]` (a tar of an OCI layout) and
 * `docker-archive:FILE` (what `docker save` writes). Archives are unpacked into a temporary OCI layout, so the rest
 * of the code only ever sees an OciLayout; an `oci-archive:` output is written as a layout and packed at the end.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { quoted, ShipError } from '../errors.js';
import { fileError, makeTempDir } from '../file-errors.js';
import { checkEntryPath, encodeHeader, padding, plainHeader, readTar, sniffCompression, TarFormatError, type TarHeader } from '../tar/index.js';
import { isDigest, type Digest } from './digest.js';
import { Annotation, MediaType } from './media-types.js';
import { OciLayout } from './layout.js';
import type { ImageRef } from './image-ref.js';
import { arrayOf, isString, looseObject, nullish, Shape } from './json-shape.js';
import type { Descriptor } from './types.js';
import { removeWhenClosed, streamClosed } from './write-stream.js';

export interface OpenedImage {
  readonly layout: OciLayout;
  /** The manifest or index to work on. */
  readonly descriptor: Descriptor;
  /** The name the image had in its source (ref annotation or docker tag), if any. */
  readonly name: string | undefined;
  /** Removes temporary files (unpacked archives). */
  close(): Promise<void>;
}

interface OpenImageOptions {
  /** Where archives are unpacked; default the system's temporary directory. */
  readonly tempDir?: string | undefined;
}

/** Opens an image for reading; archives are unpacked to a temporary directory that `close()` removes. */
export async function openImage(ref: ImageRef, options: OpenImageOptions = {}): Promise<OpenedImage> {
  if (ref.transport === 'oci') {
    const layout = await OciLayout.open(ref.path);
    const descriptor = await layout.resolve(ref.ref);
    return { layout, descriptor, name: descriptor.annotations?.[Annotation.refName], close: async () => {} };
  }
  await assertArchiveFile(ref.path);
  const temp = await makeTempDir(options.tempDir, 'oci-image-');
  try {
    await unpackTar(ref.path, join(temp, 'unpacked'));
    if (ref.transport === 'oci-archive') {
      // Named after the archive in messages: the temporary directory means nothing to a user.
      const layout = await OciLayout.open(join(temp, 'unpacked'), { where: ref.path });
      const descriptor = await layout.resolve(ref.ref);
      return { layout, descriptor, name: descriptor.annotations?.[Annotation.refName], close: () => rm(temp, { recursive: true, force: true }) };
    }
    const { layout, descriptor, name } = await dockerArchiveToLayout(ref.path, join(temp, 'unpacked'), join(temp, 'oci'));
    await rm(join(temp, 'unpacked'), { recursive: true, force: true });
    return { layout, descriptor, name, close: () => rm(temp, { recursive: true, force: true }) };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Writes the one image of a `docker save` archive as an OCI layout in `dir` (new or empty). The archive is unpacked
 * beside `dir` meanwhile, on the same file system, so its layers are moved into the layout rather than copied.
 */
export async function layoutFromDockerArchive(file: string, dir: string): Promise<{ layout: OciLayout; descriptor: Descriptor; name: string | undefined }> {
  await assertArchiveFile(file);
  const unpacked = await makeTempDir(dirname(resolve(dir)), '.docker-archive-');
  try {
    await unpackTar(file, unpacked);
    return await dockerArchiveToLayout(file, unpacked, dir);
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}

/** Fails unless `path` is a file: an image archive that is missing, or a directory, is said to be so. */
export async function assertArchiveFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile())
    throw new ShipError(`${path} ${info ? 'is not a file' : 'does not exist'}`, {
      hint: 'give the path of an image archive, as `docker save` or `skopeo copy` write them',
    });
}

const NOT_AN_IMAGE_ARCHIVE = 'the file is not an image archive as `docker save` or `skopeo copy` write them (a docker-archive, or an OCI layout in a tar)';

/**
 * Unpacks regular files and directories of a tar. Names and link targets that leave the root are refused, by the
 * same rules as layers (tar/entry-path.ts); a name that collides with what an earlier entry made (a file where
 * a directory is needed, or the reverse) is an error naming the entry.
 */
async function unpackTar(file: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const root = resolve(dir);
  try {
    for await (const entry of readTar(createReadStream(file, { highWaterMark: 1 << 20 }))) {
      const { name, type } = entry.header;
      checkEntryPath(entry.header, file, entry.headerOffset);
      const target = resolve(root, name);
      // Cannot happen after checkEntryPath; kept as the last word on where a file may be written.
      if (target !== root && !target.startsWith(root + sep))
        throw new ShipError(`${file}: entry ${quoted(name)} points outside the archive`, { hint: NOT_AN_IMAGE_ARCHIVE });
      try {
        if (type === '5') await mkdir(target, { recursive: true });
        else if (type === '0') {
          await mkdir(dirname(target), { recursive: true });
          const file = createWriteStream(target);
          // The whole directory goes on failure; its files must be closed (made, if they were being opened) first.
          await pipeline(entry.body(), file).catch(async (error: unknown) => {
            await streamClosed(file);
            throw error;
          });
        }
      } catch (error) {
        throw new ShipError(`${file}: entry ${quoted(name)} (at byte ${entry.headerOffset}) cannot be unpacked: ${collision(error)}`, {
          hint: NOT_AN_IMAGE_ARCHIVE,
          cause: error,
        });
      }
      // Links, devices and fifos have no place in an image archive; they are skipped.
    }
  } catch (error) {
    // The tar reader's own hint speaks of layers; this is the image archive.
    if (error instanceof TarFormatError) throw new ShipError(`${file}: ${error.message}`, { hint: NOT_AN_IMAGE_ARCHIVE, cause: error });
    if (error instanceof ShipError && !error.message.startsWith(file)) throw new ShipError(`${file}: ${error.message}`, { hint: error.hint, cause: error });
    throw error;
  }
}

/** What went wrong writing an entry, in words (the errno error quotes temporary paths that mean nothing to a user). */
function collision(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'an earlier entry made a directory of that name';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'an earlier entry made a file where its directory should be';
  return fileError(error, (error as NodeJS.ErrnoException).path ?? '', 'writing').message;
}

/** The images of a `docker save` archive's manifest.json (at least one). */
type DockerArchiveManifest = { Config: string; RepoTags?: string[] | null | undefined; Layers: string[]; [field: string]: unknown }[];
const DockerArchiveManifest = new Shape<DockerArchiveManifest>((value, path) => {
  if (Array.isArray(value) && value.length === 0) return { path, message: 'expected at least one image' };
  return arrayOf(looseObject({ Config: isString, RepoTags: nullish(arrayOf(isString)), Layers: arrayOf(isString) }))(value, path);
});

/** Builds an OCI layout from an unpacked `docker save` archive (legacy `<id>/layer.tar` or the newer blobs/ form). */
async function dockerArchiveToLayout(
  file: string,
  unpacked: string,
  out: string,
): Promise<{ layout: OciLayout; descriptor: Descriptor; name: string | undefined }> {
  const text = await readFile(join(unpacked, 'manifest.json'), 'utf8').catch(() => undefined);
  if (text === undefined) throw new ShipError(`${file} has no manifest.json`, { hint: 'give an archive written by `docker save IMAGE -o FILE`' });
  let parsed: DockerArchiveManifest;
  try {
    parsed = DockerArchiveManifest.parse(JSON.parse(text));
  } catch {
    throw new ShipError(`${file}: manifest.json is not a docker-archive manifest`, { hint: 'give an archive written by `docker save IMAGE -o FILE`' });
  }
  if (parsed.length > 1)
    throw new ShipError(`${file} holds ${parsed.length} images; one is needed`, { hint: 'save one image per archive: docker save IMAGE -o FILE' });
  const image = parsed[0] as DockerArchiveManifest[number];
  const layout = await OciLayout.create(out, { where: file });
  const inside = (name: string) => {
    const path = resolve(unpacked, name);
    if (!path.startsWith(resolve(unpacked) + sep)) throw new ShipError(`${file}: manifest.json names ${quoted(name)}, outside the archive`);
    return path;
  };
  /** A file named in manifest.json: it must be there and be a file. */
  const member = async (name: string, what: string): Promise<string> => {
    const path = inside(name);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new ShipError(`${file}: the ${what} ${quoted(name)} named in manifest.json is missing`, { hint: NOT_AN_IMAGE_ARCHIVE });
    if (!info.isFile()) throw new ShipError(`${file}: the ${what} ${quoted(name)} named in manifest.json is not a file`, { hint: NOT_AN_IMAGE_ARCHIVE });
    return path;
  };
  const configPath = await member(image.Config, 'config');
  const configBytes = await readFile(configPath).catch((error: unknown) => {
    throw fileError(error, configPath, `${file}: the config`);
  });
  const configDigest = claimedDigest(image.Config, true);
  const config = { ...(await layout.writeBlob(configBytes)), mediaType: MediaType.ociConfig };
  if (configDigest !== undefined && config.digest !== configDigest) {
    throw new ShipError(`${file}: the config ${quoted(image.Config)} does not match its digest: its content is ${config.digest}`, {
      hint: 'the archive is corrupt or was tampered with: save the image again',
    });
  }
  // Layers are moved out of the unpacked archive, not copied (an image can be large); one named twice is moved once.
  const moved = new Map<string, Descriptor>();
  const layers: Descriptor[] = [];
  for (const name of image.Layers) {
    const path = await member(name, 'layer');
    let layer = moved.get(path);
    if (!layer) {
      const compression = await sniffCompression(path, `${file}: layer ${quoted(name)}`);
      const mediaType = compression === 'gzip' ? MediaType.ociLayerGzip : compression === 'zstd' ? MediaType.ociLayerZstd : MediaType.ociLayer;
      // A layer stored under its digest (blobs/sha256/<hex>, as Docker 25 and later save) must have that digest;
      // the older `<id>/layer.tar` names claim none, and the layer's digest is what its bytes hash to.
      const digest = claimedDigest(name, false);
      layer = { mediaType, ...(await layout.moveBlobFrom(path, { digest }, `${file}: layer ${quoted(name)}`)) };
      moved.set(path, layer);
    }
    layers.push(layer);
  }
  const descriptor = await layout.writeJson(MediaType.ociManifest, { schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers });
  return { layout, descriptor, name: image.RepoTags?.[0] ?? undefined };
}

/**
 * The digest a docker-archive member's name claims: `blobs/sha256/<hex>` (Docker 25 and later), or for a config,
 * the legacy `<hex>.json` (the image id, which is the config's digest).
 */
function claimedDigest(name: string, isConfig: boolean): Digest | undefined {
  const stored = /^(?:\.\/)?blobs\/sha256\/([a-f0-9]{64})$/.exec(name)?.[1] ?? (isConfig ? /^(?:\.\/)?([a-f0-9]{64})\.json$/.exec(name)?.[1] : undefined);
  const digest = stored === undefined ? undefined : `sha256:${stored}`;
  return digest !== undefined && isDigest(digest) ? digest : undefined;
}

/**
 * Packs an OCI layout directory into an oci-archive file (sorted, zero times and owners: the same bytes each time).
 * The archive is written beside `file` and renamed onto it at the end, so `file` is never half an archive.
 */
export async function packOciArchive(dir: string, file: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  const out = createWriteStream(temporary);
  let packing = true;
  try {
    await pipeline(layoutTar(dir), out);
    packing = false;
    await rename(temporary, file);
  } catch (error) {
    await removeWhenClosed(out, temporary);
    const path = (error as NodeJS.ErrnoException).path;
    // Reading the layout is not the output's fault; anything else is about where the archive goes.
    if (packing && path !== undefined && path !== temporary) throw fileError(error, path, `packing ${dir} into ${file}`);
    await checkArchiveTarget(file);
    throw fileError(error, dirname(resolve(file)), `cannot write the oci-archive ${file}`, `make ${dirname(resolve(file))} a writable directory`);
  }
}

/**
 * Where an oci-archive is to be written must be a file in a directory that exists: a ShipError naming the path and
 * the fix otherwise, early, before anything is converted (and again if the final rename fails).
 */
export async function checkArchiveTarget(file: string): Promise<void> {
  const parent = dirname(resolve(file));
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory())
    throw new ShipError(`the oci-archive output ${file} is a directory`, {
      hint: `give the path of the archive file to write (such as ${join(file, 'image.tar')}), or write a layout there with oci:${file}`,
    });
  const parentInfo = await stat(parent).catch((error: unknown) => (error as NodeJS.ErrnoException).code);
  const why =
    parentInfo === 'ENOENT'
      ? 'does not exist'
      : parentInfo === 'ENOTDIR'
        ? 'is not a directory: a part of its path is a file'
        : typeof parentInfo === 'object' && !parentInfo.isDirectory()
          ? 'is not a directory'
          : undefined;
  if (why !== undefined)
    throw new ShipError(`the oci-archive output ${file} cannot be written: its directory ${parent} ${why}`, {
      hint: `create the directory ${parent} first, or give another path`,
    });
}

async function* layoutTar(dir: string): AsyncGenerator<Buffer> {
  const header = (name: string, type: '0' | '5', size: number): TarHeader => plainHeader(name, type, type === '5' ? 0o755 : 0o644, size);
  yield encodeHeader(header('blobs/', '5', 0));
  for (const algorithm of (await readdir(join(dir, 'blobs'))).sort()) {
    yield encodeHeader(header(`blobs/${algorithm}/`, '5', 0));
    for (const name of (await readdir(join(dir, 'blobs', algorithm))).sort()) {
      if (name.startsWith('.')) continue;
      yield* fileEntry(`blobs/${algorithm}/${name}`, join(dir, 'blobs', algorithm, name));
    }
  }
  yield* fileEntry('index.json', join(dir, 'index.json'));
  yield* fileEntry('oci-layout', join(dir, 'oci-layout'));
  yield Buffer.alloc(1024);

  async function* fileEntry(name: string, path: string): AsyncGenerator<Buffer> {
    const { size } = await stat(path);
    yield encodeHeader(header(name, '0', size));
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
    yield Buffer.alloc(padding(size));
  }
}
