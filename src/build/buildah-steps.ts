/**
 * buildah's step cache kept between runs. With `--layers`, buildah commits an image after every Dockerfile step
 * and, before running a step, looks for an image in its storage whose history is the build so far plus this step.
 * Those step images are the cache: before a build they are read from an OCI layout into the build's own storage,
 * after it the ones the build ran or hit are written to a new layout. A step image that cannot be read is left
 * out with a note: the build then runs that step, it never fails for it.
 *
 * Step images are written with `push -D`, which buildah 1.28 ignores for an OCI layout: their layers are gzipped.
 */
import { copyFile, link, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { Annotation, forEachLimited, ImageIndex, OciLayout, type Descriptor, type Digest } from '../oci/index.js';
import type { CommandResult } from './process.js';

/** Runs a buildah subcommand against the build's storage, in `cwd` when given. */
type Buildah = (args: readonly string[], cwd?: string) => Promise<CommandResult>;

/** How many step images are read at once: buildah serialises on its storage lock beyond that. */
const IMPORT_CONCURRENCY = 2;

const IMAGE_ID = /^[0-9a-f]{64}$/;

export interface ImportedSteps {
  /** The step images now in the storage: their image id there, and their name in the layout (most often the same). */
  readonly ids: ReadonlyMap<string, string>;
  readonly notes: readonly string[];
}

/**
 * Reads every step image of the layout `dir` into the storage; a missing layout is an empty cache. buildah names
 * an image pulled from a layout after the layout's path, which must then be a valid (lower-case) name: the layout
 * is reached through a link named `steps` in `scratch`.
 */
export async function importStepImages(buildah: Buildah, dir: string, scratch: string): Promise<ImportedSteps> {
  const refs = await stepRefs(dir).catch((error: unknown) => {
    throw new StepCacheUnreadable(`the cache in ${dir} is unreadable (${reason(error)}); building without it`);
  });
  if (refs === undefined) return { ids: new Map(), notes: [] };
  await mkdir(scratch, { recursive: true });
  await rm(join(scratch, 'steps'), { force: true });
  await symlink(resolve(dir), join(scratch, 'steps'));
  const ids = new Map<string, string>();
  const failed: string[] = [];
  /**
   * Imports one step image; says why when that failed. A step image is saved under its own id, so it must come back
   * under that id: another one (seen once under load, with pulls side by side) would not be the step it stands for.
   */
  const pull = async (ref: string): Promise<string | undefined> => {
    const pulled = await buildah(['pull', '-q', `oci:steps:${ref}`], scratch);
    const id = pulled.stdout.trim().split('\n').at(-1)?.trim() ?? '';
    if (pulled.code !== 0 || !IMAGE_ID.test(id)) return lastLine(pulled);
    if (id !== ref) return `buildah imported it as ${id.slice(0, 12)}`;
    ids.set(id, ref);
    return undefined;
  };
  await forEachLimited(refs, IMPORT_CONCURRENCY, async (ref) => {
    if (await pull(ref)) failed.push(ref);
  });
  // Step images share layers, and pulls of them side by side into one storage can trip over each other on a busy
  // machine: each that failed is tried once more, alone, before it is given up.
  const notes: string[] = [];
  for (const ref of failed) {
    const again = await pull(ref);
    if (again) notes.push(`step image ${ref.slice(0, 12)} of the cache could not be read: ${again}`);
  }
  return { ids, notes };
}

export class StepCacheUnreadable extends Error {}

/** The step images named in the layout's index (their image ids), or undefined when there is no layout. */
async function stepRefs(dir: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'index.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const index = ImageIndex.parse(JSON.parse(text));
  return index.manifests.map((m) => m.annotations?.[Annotation.refName] ?? '').filter((ref) => IMAGE_ID.test(ref));
}

/**
 * The step images a build ran or hit, from its log: `--> Using cache <id>` for a hit, `--> <short id>` after
 * each committed step, and the final image's id alone on a line. Short ids are matched against `all`.
 */
export function stepImagesOfLog(lines: readonly string[], all: readonly string[]): { ids: string[]; hits: number; steps: number } {
  const ids = new Set<string>();
  let hits = 0;
  let steps = 0;
  const expand = (short: string): string | undefined => all.find((id) => id.startsWith(short));
  for (const line of lines) {
    // FROM is counted by buildah as a step, but it is never cached: it names the base.
    if (/^STEP \d+\/\d+: /.test(line) && !/^STEP \d+\/\d+: FROM /i.test(line)) steps += 1;
    const hit = /^--> Using cache ([0-9a-f]{64})\s*$/.exec(line);
    if (hit?.[1]) {
      hits += 1;
      ids.add(hit[1]);
      continue;
    }
    const committed = /^--> ([0-9a-f]{11,64})\s*$/.exec(line) ?? /^([0-9a-f]{64})\s*$/.exec(line);
    const id = committed?.[1] ? expand(committed[1]) : undefined;
    if (id) ids.add(id);
  }
  return { ids: [...ids], hits, steps };
}

export interface ExportedSteps {
  readonly saved: number;
  /** A digest of the set of step images: the same as the restored cache's when nothing new was built. */
  readonly key: string;
  readonly notes: readonly string[];
}

/**
 * Writes the step images `ids` to a new layout at `to`: those that came from the layout `from` are linked from
 * it (nothing is read again), the others are pushed from the storage. Only this build's steps are kept, so the
 * cache does not grow with every change.
 */
export async function exportStepImages(
  buildah: Buildah,
  ids: readonly string[],
  imported: ReadonlyMap<string, string>,
  from: string | undefined,
  to: string,
): Promise<ExportedSteps> {
  await rm(to, { recursive: true, force: true });
  await mkdir(to, { recursive: true });
  const notes: string[] = [];
  const kept: Descriptor[] = [];
  const fresh: string[] = [];
  const old = from ? await OciLayout.open(from).catch(() => undefined) : undefined;
  const oldIndex = old ? await old.readIndex().catch(() => undefined) : undefined;
  for (const id of ids) {
    const ref = imported.get(id);
    const descriptor = ref ? oldIndex?.manifests.find((m) => m.annotations?.[Annotation.refName] === ref) : undefined;
    if (
      old &&
      descriptor &&
      (await linkImage(old, descriptor, to).then(
        () => true,
        () => false,
      ))
    )
      kept.push(descriptor);
    else fresh.push(id);
  }
  // One at a time: pushes into one layout each rewrite its index.json.
  for (const id of fresh) {
    const pushed = await buildah(['push', '-q', '-D', id, `oci:${to}:${id}`]);
    if (pushed.code !== 0) notes.push(`step image ${id.slice(0, 12)} could not be saved: ${lastLine(pushed)}`);
  }
  const layout = await OciLayout.open(to).catch(() => undefined);
  const index = (await layout?.readIndex().catch(() => undefined)) ?? { schemaVersion: 2 as const, manifests: [] };
  const manifests = [...index.manifests, ...kept];
  await mkdir(join(to, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(to, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(to, 'index.json'), JSON.stringify({ ...index, manifests }));
  const saved = manifests.map((m) => m.annotations?.[Annotation.refName] ?? '').filter((ref) => IMAGE_ID.test(ref));
  return { saved: saved.length, key: stepSetKey(saved), notes };
}

/** The key of a set of step images: the same set gives the same key. */
export function stepSetKey(ids: Iterable<string>): string {
  return createHash('sha256')
    .update([...ids].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** Links (else copies) an image's manifest, config and layers from one layout into the directory `to`. */
async function linkImage(from: OciLayout, manifest: Descriptor, to: string): Promise<void> {
  const document = JSON.parse((await from.readBlob(manifest.digest)).toString('utf8')) as { config?: { digest: Digest }; layers?: { digest: Digest }[] };
  const digests = [manifest.digest, ...(document.config ? [document.config.digest] : []), ...(document.layers ?? []).map((l) => l.digest)];
  await mkdir(join(to, 'blobs', 'sha256'), { recursive: true });
  for (const digest of digests) {
    const target = join(to, 'blobs', 'sha256', digest.slice('sha256:'.length));
    await link(from.blobPath(digest), target).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return;
      await copyFile(from.blobPath(digest), target);
    });
  }
}

function lastLine(result: CommandResult): string {
  return result.tail.filter((line) => line.trim() !== '').at(-1) ?? `exit code ${result.code}`;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
