/**
 * The uncompressed layers of the last image built with a kept step cache, kept beside that cache's storage. buildah
 * skips a layer an `oci:` layout already holds under the digest it would write, and for a layer of its storage that
 * is the uncompressed digest: with the last image's layers linked into the new layout first, a re-build pushes only
 * the layers that changed (0.2 s against 2 s for a 130 MB image). buildah compresses those it writes (see
 * buildah-dir.ts); they are kept here uncompressed, checked against the config's diff_ids, for the next build. A
 * store that cannot be used costs the full push, never the build.
 *
 * buildah takes a linked file's bytes for the layer of its name: a file changed since it was kept would be a wrong
 * image. Each file's size, modification time and inode are recorded when it is kept, and only a file that still
 * has them is linked (hashing them again would cost as much as the push it saves). A file changed on purpose with
 * its time set back is not caught: whoever can write here can also change the step cache's storage.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { constants, copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { ImageConfig, ImageManifest, layerCompression, OciLayout, type Descriptor } from '../oci/index.js';

const HEX = /^[0-9a-f]{64}$/;
/** The record of the kept files (its name is not a digest: never linked, never taken for a layer). */
const RECORD = 'kept.json';

/** What a kept file was when it was kept. */
type Fingerprint = readonly [size: number, mtimeMs: number, ino: number];
const fingerprint = (stats: Stats): Fingerprint => [stats.size, stats.mtimeMs, stats.ino];

export class LayerStore {
  constructor(private readonly dir: string) {}

  /** Links every kept layer into the blobs of the (empty) layout directory `to`; returns their digests' hex. */
  async linkInto(to: string): Promise<string[]> {
    const record = await this.readRecord();
    const kept: string[] = [];
    for (const name of await readdir(this.dir).catch(() => [])) if (HEX.test(name) && (await this.unchanged(name, record))) kept.push(name);
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
      const record = await this.readRecord();
      const wanted = new Set<string>();
      for (const [i, layer] of manifest.layers.entries()) {
        const diffId = config.rootfs.diff_ids[i];
        const compression = layerCompression(layer.mediaType);
        if (!diffId || (compression !== 'none' && compression !== 'gzip')) continue;
        const hex = diffId.slice('sha256:'.length);
        wanted.add(hex);
        const target = join(this.dir, hex);
        // A file that is still as it was kept stays; one changed since is made again from this image.
        if (await this.unchanged(hex, record)) continue;
        await rm(target, { force: true });
        if (compression === 'none' && layer.digest === diffId) await linkOrCopy(layout.blobPath(layer.digest), target);
        else if (compression === 'gzip') await this.unpack(layout.blobPath(layer.digest), hex);
      }
      for (const name of await readdir(this.dir)) if (!wanted.has(name) && name !== RECORD) await rm(join(this.dir, name), { recursive: true, force: true });
      await this.writeRecord(wanted);
    } catch (error) {
      notes.push(`the uncompressed layers could not be kept for the next build: ${error instanceof Error ? error.message : String(error)}`);
    }
    return notes;
  }

  /** Whether the kept file `name` is there as the record says it was kept. */
  private async unchanged(name: string, record: ReadonlyMap<string, Fingerprint>): Promise<boolean> {
    const now = await stat(join(this.dir, name)).catch(() => undefined);
    const then = record.get(name);
    return now !== undefined && then !== undefined && fingerprint(now).every((value, i) => value === then[i]);
  }

  /** The fingerprints of the kept files; none (nothing is linked) when the record is missing or unreadable. */
  private async readRecord(): Promise<Map<string, Fingerprint>> {
    try {
      const entries = JSON.parse(await readFile(join(this.dir, RECORD), 'utf8')) as unknown;
      if (typeof entries !== 'object' || entries === null) return new Map();
      return new Map(Object.entries(entries as Record<string, unknown>).filter((e): e is [string, Fingerprint] => isFingerprint(e[1])));
    } catch {
      return new Map();
    }
  }

  /** Records the kept files as they are now; written whole, then put in place (a reader sees one record or the other). */
  private async writeRecord(names: ReadonlySet<string>): Promise<void> {
    const entries: Record<string, Fingerprint> = {};
    for (const name of names) {
      const stats = await stat(join(this.dir, name)).catch(() => undefined);
      if (stats) entries[name] = fingerprint(stats);
    }
    const temporary = join(this.dir, `.${RECORD}.${randomBytes(4).toString('hex')}`);
    await writeFile(temporary, JSON.stringify(entries));
    await rename(temporary, join(this.dir, RECORD));
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

function isFingerprint(value: unknown): value is Fingerprint {
  return Array.isArray(value) && value.length === 3 && value.every((n) => typeof n === 'number');
}

/** A hard link; on another file system (a work dir on tmpfs), a copy (a clone where the file system can). */
async function linkOrCopy(from: string, to: string): Promise<void> {
  await link(from, to).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EXDEV') throw error;
    await copyFile(from, to, constants.COPYFILE_FICLONE);
  });
}
