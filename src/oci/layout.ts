/**
 * An OCI image layout on disk (image-spec `image-layout.md`): `oci-layout`, `index.json` and `blobs/sha256/<hex>`.
 * The converter writes its output here and the registry client pushes from and pulls into it. Blobs are written
 * to a temporary file and renamed into place once their digest is checked, so a crash or a failed download never
 * leaves a blob whose name lies about its content. Blobs read are checked against their descriptors (size and
 * digest) as they stream; a layout remembers the blobs it wrote or checked, so they are not hashed twice.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { pipeline as pipelinePromise } from 'node:stream/promises';
import { ShipError } from '../errors.js';
import { BlobCheck, blobMismatch, checkingStream, type ExpectedBlob } from './blob-check.js';
import { digestHex, sha256, type Digest } from './digest.js';
import { fileError } from '../file-errors.js';
import { hashFiles } from './hash-files.js';
import type { DocumentCheck } from './json-shape.js';
import { Annotation, MediaType, OCI_LAYOUT_VERSION } from './media-types.js';
import { Descriptor, ImageIndex } from './types.js';
import { removeWhenClosed } from './write-stream.js';

/** JSON documents (manifests, configs, indexes) larger than this are refused rather than read into memory. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

let temporaryCounter = 0;

export interface LayoutOptions {
  /**
   * What the layout is to a user, for messages: the archive it was unpacked from, say; default the directory.
   */
  readonly where?: string;
}

export class OciLayout {
  /** Blobs written or read whole and checked by this process: digest -> size. */
  private readonly checked = new Map<Digest, number>();
  /** The layout as messages name it (its directory, or the archive it came from). */
  readonly where: string;

  private constructor(
    readonly dir: string,
    options: LayoutOptions,
  ) {
    this.where = options.where ?? dir;
  }

  /** Opens an existing layout; fails with a hint when DIR is not one. */
  static async open(dir: string, options: LayoutOptions = {}): Promise<OciLayout> {
    const where = options.where ?? dir;
    const markerPath = join(dir, 'oci-layout');
    let marker: string;
    try {
      marker = await readFile(markerPath, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fileError(error, markerPath, 'the layout marker', 'the layout is damaged: write it again');
      throw new ShipError(`${where} is not an OCI image layout: it has no oci-layout file`, {
        hint: 'give a directory written by `buildah push IMAGE oci:DIR` or `skopeo copy ... oci:DIR`',
      });
    }
    let version: unknown;
    try {
      version = (JSON.parse(marker) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      version = undefined;
    }
    if (version !== OCI_LAYOUT_VERSION) {
      // The value is shown only when it looks like a version: the file may be anything, and its content stays out of messages.
      const shownVersion = typeof version === 'string' && /^[\w.+-]{1,20}$/.test(version) ? ` "${version}"` : '';
      throw new ShipError(`${where}: oci-layout has an unsupported imageLayoutVersion${shownVersion}`, { hint: `only ${OCI_LAYOUT_VERSION} is known` });
    }
    return new OciLayout(dir, options);
  }

  /** Opens DIR as a layout, creating it (empty) when it does not exist yet. */
  static async create(dir: string, options: LayoutOptions = {}): Promise<OciLayout> {
    const hint = 'name a directory that is, or can become, an OCI image layout';
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true }).catch((error: unknown) => {
      throw fileError(error, dir, 'the layout', hint);
    });
    try {
      const marker = join(dir, 'oci-layout');
      if (!(await exists(marker))) await writeAtomically(marker, JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }));
      if (!(await exists(join(dir, 'index.json')))) await writeAtomically(join(dir, 'index.json'), JSON.stringify(emptyIndex()));
    } catch (error) {
      throw fileError(error, dir, 'the layout', hint);
    }
    return OciLayout.open(dir, options);
  }

  // --- blobs ---------------------------------------------------------------------------------------------------------

  blobPath(digest: Digest): string {
    return join(this.dir, 'blobs', 'sha256', digestHex(digest));
  }

  /** Whether the blob is present (and, when `size` is given, has that size). */
  async hasBlob(digest: Digest, size?: number): Promise<boolean> {
    const info = await stat(this.blobPath(digest)).catch(() => undefined);
    return info !== undefined && info.isFile() && (size === undefined || info.size === size);
  }

  /**
   * Checks what can be checked without reading a blob: it is there, it is a file, and it has the descriptor's size.
   * Returns its path.
   */
  async statBlob(blob: { digest: Digest; size: number }): Promise<string> {
    const { path, size } = await this.blobFile(blob.digest);
    if (size !== blob.size)
      throw new ShipError(`${this.where}: blob ${blob.digest} is ${size} bytes, but its descriptor gives ${blob.size}`, {
        hint: 'the image is corrupt or cut short: build, export or pull it again',
      });
    return path;
  }

  /** The blob's path and size; a ShipError naming it when it is missing or not a file. */
  private async blobFile(digest: Digest): Promise<{ path: string; size: number }> {
    const path = this.blobPath(digest);
    const info = await stat(path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fileError(error, path, `${this.where}: blob ${digest}`, 'the layout is damaged: write it again');
    });
    if (!info) throw new ShipError(`${this.where}: blob ${digest} is missing`, { hint: 'the image is incomplete: build, export or pull it again' });
    if (!info.isFile())
      throw new ShipError(`${this.where}: the blob path ${path} of ${digest} is not a file`, { hint: 'the layout is damaged: write it again' });
    return { path, size: info.size };
  }

  /**
   * The blob's bytes as a stream, checked against the descriptor as they flow: the stream fails (instead of ending)
   * when the size or digest is wrong, so whatever reads it to the end has read the descriptor's bytes. A blob this
   * layout wrote or checked whole before is not hashed again (as containerd trusts its content store once a blob is
   * in it): a layer read for its paths and then converted is hashed once.
   */
  async openBlob(blob: { digest: Digest; size: number }): Promise<Readable> {
    const path = await this.statBlob(blob);
    if (this.checked.get(blob.digest) === blob.size) return createReadStream(path, { highWaterMark: 1 << 20 });
    const checked = checkingStream(blob, this.where);
    checked.on('end', () => this.checked.set(blob.digest, blob.size));
    // pipeline, not pipe: a reader that stops early closes the file too.
    return pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), checked, () => {});
  }

  /** Reads the blob to its end, checking it (once per process: a blob this layout wrote or checked is not read again). */
  async verifyBlob(blob: { digest: Digest; size: number }): Promise<void> {
    if (this.checked.get(blob.digest) === blob.size && (await this.hasBlob(blob.digest, blob.size))) return;

    for await (const _chunk of await this.openBlob(blob));
  }

  /**
   * verifyBlob for several blobs, hashed in worker threads on every core (hashFiles), for blobs that are checked
   * without being used otherwise: a reused layer's source, a blob about to be uploaded. The first blob that does
   * not match is the error.
   */
  async verifyBlobs(blobs: ReadonlyArray<{ digest: Digest; size: number }>): Promise<void> {
    const unchecked = [...new Map(blobs.map((b) => [b.digest, b])).values()].filter((b) => this.checked.get(b.digest) !== b.size);
    const paths: string[] = [];
    for (const blob of unchecked) paths.push(await this.statBlob(blob));
    const mismatch = (await this.hashAndRemember(unchecked, paths))[0];
    if (mismatch) throw mismatch;
  }

  /**
   * Which of `blobs` the layout holds with their descriptor's content: present, of the right size, and hashing to
   * the digest (hashed once per process, in worker threads, as verifyBlobs). A file at a blob's path that does not
   * is not the blob: it is left out of `held` and listed in `wrong`, for the caller to fetch the blob again (which
   * replaces the file).
   */
  async blobsHeld(blobs: ReadonlyArray<{ digest: Digest; size: number }>): Promise<{ held: Set<Digest>; wrong: Digest[] }> {
    const present: Array<{ digest: Digest; size: number }> = [];
    const wrong: Digest[] = [];
    for (const blob of new Map(blobs.map((b) => [b.digest, b])).values()) {
      if (await this.hasBlob(blob.digest, blob.size)) present.push(blob);
      else if (await this.hasBlob(blob.digest)) wrong.push(blob.digest);
    }
    const unchecked = present.filter((b) => this.checked.get(b.digest) !== b.size);
    await this.hashAndRemember(
      unchecked,
      unchecked.map((b) => this.blobPath(b.digest)),
    );
    const held = new Set<Digest>();
    for (const blob of present) {
      if (this.checked.get(blob.digest) === blob.size) held.add(blob.digest);
      else wrong.push(blob.digest);
    }
    return { held, wrong };
  }

  /** Hashes the files of `blobs` (at `paths`); those that match are remembered as checked, the others returned. */
  private async hashAndRemember(blobs: ReadonlyArray<{ digest: Digest; size: number }>, paths: readonly string[]): Promise<ShipError[]> {
    const hashes = await hashFiles(paths).catch((error: unknown) => {
      throw fileError(error, (error as NodeJS.ErrnoException).path ?? this.dir, `${this.where}: a blob`);
    });
    const mismatches: ShipError[] = [];
    for (const [i, blob] of blobs.entries()) {
      const mismatch = blobMismatch(blob, hashes[i] as { digest: Digest; size: number }, this.where);
      if (mismatch) mismatches.push(mismatch);
      else this.checked.set(blob.digest, blob.size);
    }
    return mismatches;
  }

  /** A small blob (a JSON document), read whole and checked against its digest (and its size, when known). */
  async readBlob(digest: Digest, size?: number, maxBytes = MAX_JSON_BYTES): Promise<Buffer> {
    const { path, size: stored } = await this.blobFile(digest);
    if (stored > maxBytes) throw new ShipError(`${this.where}: blob ${digest} is ${stored} bytes, more than the ${maxBytes} allowed for a JSON document`);
    const data = await readFile(path).catch((error: unknown) => {
      throw fileError(error, path, `${this.where}: blob ${digest}`);
    });
    const check = new BlobCheck({ digest, size }, this.where);
    check.update(data);
    check.finish();
    return data;
  }

  /**
   * A JSON blob parsed and checked with `schema`; `what` names it in errors (e.g. "manifest"). Given a descriptor,
   * its size is checked too.
   */
  async readJson<T>(blob: Digest | { digest: Digest; size: number }, schema: DocumentCheck<T>, what: string): Promise<T> {
    const digest = typeof blob === 'string' ? blob : blob.digest;
    const text = (await this.readBlob(digest, typeof blob === 'string' ? undefined : blob.size)).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ShipError(`${this.where}: the ${what} ${digest} is not JSON`, { hint: 'the layout is corrupt: write it again' });
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'invalid';
      throw new ShipError(`${this.where}: the ${what} ${digest} is not valid (${where})`, { hint: 'the image is corrupt or not an OCI image' });
    }
    return result.data;
  }

  /**
   * Stores bytes as a blob. A file already at its path is replaced unless this layout wrote or checked it: a file of
   * the right name and size may still hold other bytes (a writer that crashed, a disk fault, tampering), and the
   * bytes are at hand, so writing them again is cheaper than reading the file to check it.
   */
  async writeBlob(data: string | Uint8Array): Promise<{ digest: Digest; size: number }> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = sha256(bytes);
    if (!(this.checked.get(digest) === bytes.length && (await this.hasBlob(digest, bytes.length)))) await writeAtomically(this.blobPath(digest), bytes);
    this.checked.set(digest, bytes.length);
    return { digest, size: bytes.length };
  }

  /** Serialises a JSON document (compactly, in the object's key order) as a blob and returns its descriptor. */
  async writeJson(mediaType: string, value: unknown): Promise<Descriptor> {
    const { digest, size } = await this.writeBlob(JSON.stringify(value));
    return { mediaType, digest, size };
  }

  /**
   * Streams data into a blob, hashing it on the way; with `expected`, a digest or size that does not match is an
   * error (a blob longer than `expected.size` is stopped there) and nothing is kept; `where` (the source) prefixes
   * the error. Returns the digest and size of what was written.
   */
  async writeBlobFrom(source: AsyncIterable<Uint8Array>, expected: ExpectedBlob = {}, where?: string): Promise<{ digest: Digest; size: number }> {
    const temporary = join(this.dir, 'blobs', 'sha256', `.tmp-${process.pid}-${(temporaryCounter += 1)}`);
    const check = new BlobCheck(expected, where);
    const file = createWriteStream(temporary);
    try {
      // A pipeline, so that a stop half way (a blob longer than expected, a source that fails) destroys the file
      // stream with its writes settled: nothing is written to it after, and no error of it goes unhandled.
      await pipelinePromise(
        source,
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            check.update(chunk);
            yield chunk;
          }
        },
        file,
      );
      const blob = check.finish();
      await rename(temporary, this.blobPath(blob.digest));
      this.checked.set(blob.digest, blob.size);
      return blob;
    } catch (error) {
      await removeWhenClosed(file, temporary);
      throw error;
    }
  }

  /**
   * Moves a file into the layout as a blob, hashing it on the way, so a large layer is not copied; a file on another
   * file system is copied instead. With `expected`, content that does not match is an error (`where` prefixes it)
   * and nothing is moved. Returns the digest and size.
   */
  async moveBlobFrom(path: string, expected: ExpectedBlob = {}, where?: string): Promise<{ digest: Digest; size: number }> {
    const check = new BlobCheck(expected, where);
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) check.update(chunk as Buffer);
    } catch (error) {
      throw fileError(error, path, 'a blob to store');
    }
    const blob = check.finish();
    try {
      await rename(path, this.blobPath(blob.digest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw fileError(error, path, 'a blob to store');
      await this.writeBlobFrom(createReadStream(path, { highWaterMark: 1 << 20 }), blob);
    }
    this.checked.set(blob.digest, blob.size);
    return blob;
  }

  // --- the index -----------------------------------------------------------------------------------------------------

  async readIndex(): Promise<ImageIndex> {
    const path = join(this.dir, 'index.json');
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw fileError(error, path, `${this.where}: the index`, 'the layout is incomplete or corrupt');
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not the parser's message: it quotes the text, and the file may be anything.
      throw new ShipError(`${this.where}: index.json is not JSON`, { hint: 'the layout is corrupt' });
    }
    const result = ImageIndex.safeParse(parsed);
    if (!result.success)
      throw new ShipError(`${this.where}: index.json is not a valid OCI index: ${result.error.issues[0]?.message ?? 'invalid'}`, {
        hint: 'the layout is corrupt',
      });
    return result.data;
  }

  async writeIndex(index: ImageIndex): Promise<void> {
    await writeAtomically(join(this.dir, 'index.json'), JSON.stringify(index, null, 2));
  }

  /**
   * The manifest (or index) named `ref` in index.json; without `ref`, the only entry there is. Errors list what is
   * there, so a user can pick.
   */
  async resolve(ref?: string): Promise<Descriptor> {
    const { manifests } = await this.readIndex();
    const named = (d: Descriptor) => d.annotations?.[Annotation.refName];
    if (ref !== undefined) {
      const found = manifests.find((d) => named(d) === ref);
      if (found) return found;
      const known = manifests.map(named).filter((n) => n !== undefined);
      throw new ShipError(`${this.where} has no image named ${ref}`, { hint: known.length > 0 ? `it has: ${known.join(', ')}` : 'it holds no named image' });
    }
    const [only, ...others] = manifests;
    if (only && others.length === 0) return only;
    if (!only) throw new ShipError(`${this.where} holds no image`, { hint: 'its index.json lists no manifest' });
    const known = manifests.map((d) => named(d) ?? d.digest);
    throw new ShipError(`${this.where} holds ${manifests.length} images; say which`, { hint: `add :REF to the path, one of: ${known.join(', ')}` });
  }

  /** Lists `descriptor` in index.json under `ref`, replacing what had that name (or the same digest, unnamed). */
  async setRef(descriptor: Descriptor, ref?: string): Promise<void> {
    const index = await this.readIndex();
    const entry: Descriptor = ref === undefined ? descriptor : { ...descriptor, annotations: { ...descriptor.annotations, [Annotation.refName]: ref } };
    const kept = index.manifests.filter((d) => {
      const name = d.annotations?.[Annotation.refName];
      return ref === undefined ? !(name === undefined && d.digest === descriptor.digest) : name !== ref;
    });
    await this.writeIndex({ ...index, manifests: [...kept, entry] });
  }
}

function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** Writes a file whole or not at all: a temporary file renamed over the target. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${(temporaryCounter += 1)}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
