/**
 * The uncompressed layers of the last image built with a kept step cache, kept beside that cache's storage. buildah
 * skips a layer an `oci:` layout already holds under the digest it would write, and for a layer of its storage that
 * is the uncompressed digest: with the last image's layers linked into the new layout first, a re-build pushes only
 * the layers that changed (0.2 s against 2 s for a 130 MB image). buildah compresses those it writes (see
 * buildah-dir.ts); they are kept here uncompressed, checked against the config's diff_ids, for the next build. A
 * store that cannot be used costs the full push, never the build.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { constants, copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { ImageConfig, ImageManifest, layerCompression, OciLayout, type Descriptor } from '../oci/index.js';

const HEX = /^[0-9a-f]{64}$/;

export class LayerStore {
  constructor(private readonly dir: string) {}

  /** Links every kept layer into the blobs of the (empty) layout directory `to`; returns their digests' hex. */
  async linkInto(to: string): Promise<string[]> {
    const kept = (await readdir(this.dir).catch(() => [])).filter((name) => HEX.test(name));
    if (kept.length === 0) return [];
    const blobs = join(to, 'blobs', 'sha256');
    try {
      await mkdir(blobs, { recursive: true });
      for (const name of kept) await linkOrCopy(join(this.dir, name), join(blobs, name));
      return kept;
    } catch {
      // A store half gone: the push writes every layer.
      await rm(join(to, 'blobs'), { recursive: true, force: true });
      return [];
    }
  }

  /**
   * Keeps the layers of the image `top` of `layout`, and only those: uncompressed ones linked, compressed ones
   * unpacked; a layer whose content is not its diff_id is left out. The layers `linked` into the layout that the
   * image does not use leave it. Returns notes on what could not be kept.
   */
  async keep(layout: OciLayout, top: Descriptor, linked: readonly string[]): Promise<string[]> {
    const notes: string[] = [];
    try {
      const manifest = await layout.readJson(top, ImageManifest, 'manifest');
      const used = new Set([manifest.config, ...manifest.layers].map((d) => d.digest.slice('sha256:'.length)));
      for (const hex of linked) if (!used.has(hex)) await rm(join(layout.dir, 'blobs', 'sha256', hex), { force: true });
      const config = await layout.readJson(manifest.config, ImageConfig, 'image config');
      await mkdir(this.dir, { recursive: true });
      const wanted = new Set<string>();
      for (const [i, layer] of manifest.layers.entries()) {
        const diffId = config.rootfs.diff_ids[i];
        const compression = layerCompression(layer.mediaType);
        if (!diffId || (compression !== 'none' && compression !== 'gzip')) continue;
        const hex = diffId.slice('sha256:'.length);
        wanted.add(hex);
        const target = join(this.dir, hex);
        if (
          await stat(target).then(
            () => true,
            () => false,
          )
        )
          continue;
        if (compression === 'none' && layer.digest === diffId) await linkOrCopy(layout.blobPath(layer.digest), target);
        else if (compression === 'gzip') await this.unpack(layout.blobPath(layer.digest), hex);
      }
      for (const name of await readdir(this.dir)) if (!wanted.has(name)) await rm(join(this.dir, name), { recursive: true, force: true });
    } catch (error) {
      notes.push(`the uncompressed layers could not be kept for the next build: ${error instanceof Error ? error.message : String(error)}`);
    }
    return notes;
  }

  /** Unpacks a gzip layer into the store under its diff_id, when its content is that diff_id. */
  private async unpack(from: string, hex: string): Promise<void> {
    const temporary = join(this.dir, `.${hex}.${randomBytes(4).toString('hex')}`);
    const hash = createHash('sha256');
    try {
      await pipeline(
        createReadStream(from),
        createGunzip(),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temporary),
      );
      if (hash.digest('hex') === hex) await rename(temporary, join(this.dir, hex));
    } finally {
      await rm(temporary, { force: true });
    }
  }
}

/** A hard link; on another file system (a work dir on tmpfs), a copy (a clone where the file system can). */
async function linkOrCopy(from: string, to: string): Promise<void> {
  await link(from, to).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EXDEV') throw error;
    await copyFile(from, to, constants.COPYFILE_FICLONE);
  });
}
