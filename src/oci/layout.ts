/**
 * An OCI image layout on disk (image-spec `image-layout.md`): `oci-layout`, `index.json` and `blobs/sha256/<hex>`.
 * The converter writes its output here and the registry client pushes from and pulls into it. Blobs are written
 * to a temporary file and renamed into place once their digest is checked, so a crash or a failed download never
 * leaves a blob whose name lies about its content.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ZodType } from 'zod';
import { ShipError } from '../errors.js';
import { DigestCounter, digestHex, sha256, type Digest } from './digest.js';
import { Annotation, MediaType, OCI_LAYOUT_VERSION } from './media-types.js';
import { Descriptor, ImageIndex } from './types.js';

/** JSON documents (manifests, configs, indexes) larger than this are refused rather than read into memory. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

let temporaryCounter = 0;

export class OciLayout {
  private constructor(readonly dir: string) {}

  /** Opens an existing layout; fails with a hint when DIR is not one. */
  static async open(dir: string): Promise<OciLayout> {
    const marker = await readFile(join(dir, 'oci-layout'), 'utf8').catch(() => undefined);
    if (marker === undefined) {
      throw new ShipError(`${dir} is not an OCI image layout: it has no oci-layout file`, {
        hint: 'give a directory written by `buildah push IMAGE oci:DIR`, `skopeo copy ... oci:DIR` or meshagent-ship',
      });
    }
    let version: unknown;
    try {
      version = (JSON.parse(marker) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      version = undefined;
    }
    if (version !== OCI_LAYOUT_VERSION) throw new ShipError(`${dir}/oci-layout: unsupported imageLayoutVersion ${JSON.stringify(version)}`, { hint: `only ${OCI_LAYOUT_VERSION} is known` });
    return new OciLayout(dir);
  }

  /** Opens DIR as a layout, creating it (empty) when it does not exist yet. */
  static async create(dir: string): Promise<OciLayout> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    const marker = join(dir, 'oci-layout');
    if (!(await exists(marker))) await writeAtomically(marker, JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }));
    if (!(await exists(join(dir, 'index.json')))) await writeAtomically(join(dir, 'index.json'), JSON.stringify(emptyIndex()));
    return OciLayout.open(dir);
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

  /** The blob's bytes as a stream (not verified: callers that need it hash what they read). */
  openBlob(digest: Digest): Readable {
    return createReadStream(this.blobPath(digest));
  }

  /** A small blob (a JSON document), read whole and checked against its digest. */
  async readBlob(digest: Digest, maxBytes = MAX_JSON_BYTES): Promise<Buffer> {
    const path = this.blobPath(digest);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new ShipError(`${this.dir}: blob ${digest} is missing`, { hint: 'the layout is incomplete: write it again' });
    if (info.size > maxBytes) throw new ShipError(`${this.dir}: blob ${digest} is ${info.size} bytes, more than the ${maxBytes} allowed for a JSON document`);
    const data = await readFile(path);
    if (sha256(data) !== digest) throw new ShipError(`${this.dir}: blob ${digest} does not match its digest`, { hint: 'the layout is corrupt: write it again' });
    return data;
  }

  /** A JSON blob parsed and checked with `schema`; `what` names it in errors (e.g. "manifest"). */
  async readJson<T>(digest: Digest, schema: ZodType<T>, what: string): Promise<T> {
    const text = (await this.readBlob(digest)).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ShipError(`${this.dir}: the ${what} ${digest} is not JSON`, { hint: 'the layout is corrupt: write it again' });
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'invalid';
      throw new ShipError(`${this.dir}: the ${what} ${digest} is not valid (${where})`, { hint: 'the image is corrupt or not an OCI image' });
    }
    return result.data;
  }

  /** Stores bytes as a blob (a no-op when it is already there). */
  async writeBlob(data: string | Uint8Array): Promise<{ digest: Digest; size: number }> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = sha256(bytes);
    if (!(await this.hasBlob(digest, bytes.length))) await writeAtomically(this.blobPath(digest), bytes);
    return { digest, size: bytes.length };
  }

  /** Serialises a JSON document (compactly, in the object's key order) as a blob and returns its descriptor. */
  async writeJson(mediaType: string, value: unknown): Promise<Descriptor> {
    const { digest, size } = await this.writeBlob(JSON.stringify(value));
    return { mediaType, digest, size };
  }

  /**
   * Streams data into a blob, hashing it on the way; with `expected`, a digest or size that does not match is an
   * error and nothing is kept. Returns the digest and size of what was written.
   */
  async writeBlobFrom(source: AsyncIterable<Uint8Array>, expected: { digest?: Digest; size?: number } = {}): Promise<{ digest: Digest; size: number }> {
    const temporary = join(this.dir, 'blobs', 'sha256', `.tmp-${process.pid}-${(temporaryCounter += 1)}`);
    const counter = new DigestCounter();
    const out = createWriteStream(temporary);
    try {
      for await (const chunk of source) {
        counter.update(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      const digest = counter.digest();
      if (expected.size !== undefined && counter.size !== expected.size) throw new ShipError(`blob ${expected.digest ?? digest}: expected ${expected.size} bytes, got ${counter.size}`);
      if (expected.digest !== undefined && digest !== expected.digest) throw new ShipError(`blob ${expected.digest}: the content's digest is ${digest}`, { hint: 'the source is corrupt or changed while it was read' });
      await rename(temporary, this.blobPath(digest));
      return { digest, size: counter.size };
    } catch (error) {
      out.destroy();
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /**
   * Moves a file into the layout as a blob, hashing it on the way, so a large layer is not copied; a file on another
   * file system is copied instead. Returns the digest and size.
   */
  async moveBlobFrom(path: string): Promise<{ digest: Digest; size: number }> {
    const counter = new DigestCounter();
    for await (const chunk of createReadStream(path)) counter.update(chunk as Buffer);
    const blob = { digest: counter.digest(), size: counter.size };
    try {
      await rename(path, this.blobPath(blob.digest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await this.writeBlobFrom(createReadStream(path), blob);
    }
    return blob;
  }

  // --- the index -----------------------------------------------------------------------------------------------------

  async readIndex(): Promise<ImageIndex> {
    const path = join(this.dir, 'index.json');
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new ShipError(`${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`, { hint: 'the layout is incomplete or corrupt' });
    }
    const result = ImageIndex.safeParse(parsed);
    if (!result.success) throw new ShipError(`${path} is not a valid OCI index: ${result.error.issues[0]?.message ?? 'invalid'}`, { hint: 'the layout is corrupt' });
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
      throw new ShipError(`${this.dir} has no image named ${ref}`, { hint: known.length > 0 ? `it has: ${known.join(', ')}` : 'it holds no named image' });
    }
    const [only, ...others] = manifests;
    if (only && others.length === 0) return only;
    if (!only) throw new ShipError(`${this.dir} holds no image`, { hint: 'its index.json lists no manifest' });
    const known = manifests.map((d) => named(d) ?? d.digest);
    throw new ShipError(`${this.dir} holds ${manifests.length} images; say which`, { hint: `add :REF to the path, one of: ${known.join(', ')}` });
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
