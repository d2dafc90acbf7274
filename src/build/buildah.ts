/**
 * The buildah builder: `buildah bud` into buildah's own storage, then `buildah push` to an `oci:` layout. No
 * daemon; `.dockerignore` (and `.containerignore`) are honoured by buildah itself. Several platforms build a
 * manifest list, pushed whole.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ShipError } from '../errors.js';
import { OciLayout } from '../oci/index.js';
import { layoutFromDir, mediaTypesAsWritten } from './buildah-dir.js';
import { LayerStore } from './buildah-layer-store.js';
import { exportStepImages, importStepImages, StepCacheUnreadable, stepImagesOfLog, stepSetKey } from './buildah-steps.js';
import { secretEnv, secretFlag } from './secrets.js';
import { prepareBuild, unavailableBecause } from './workspace.js';
import { buildFailed, builderMissing } from './errors.js';
import { builderEnv, CommandMissing, runCommand, type CommandResult } from './process.js';
import type { Availability, Builder, BuildRequest, BuiltImage, StepCache, StepCacheUse } from './types.js';

export interface BuildahOptions {
  /** The buildah executable (default `buildah` on PATH). */
  readonly command?: string;
  /** Flags before the subcommand, e.g. `--root DIR --runroot DIR --storage-driver vfs`, to keep state apart. */
  readonly globalArgs?: readonly string[];
  /** `--isolation` for RUN steps (`chroot` where no OCI runtime can run); buildah's default when absent. */
  readonly isolation?: 'oci' | 'chroot' | 'rootless';
  /** Extra environment for buildah. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * One layer per step with buildah's step cache (`--layers`). Off by default: buildah 1.28's cache reused a step
   * whose build arg had changed, and an amd64 image for an arm64 build, so a cached build could ship the wrong
   * image. Without it each build adds one layer on top of its base. A build with a step cache (BuildRequest.cache)
   * turns it on in storage of its own, holding only the cache's steps, which the caller keys by platform and
   * build arguments.
   */
  readonly layers?: boolean;
}

export class BuildahBuilder implements Builder {
  readonly name = 'buildah' as const;
  private readonly command: string;
  /** The read-only base store flags of each build with storage of its own. */
  private readonly baseStores = new WeakMap<object, readonly string[]>();

  constructor(private readonly options: BuildahOptions = {}) {
    this.command = options.command ?? 'buildah';
  }

  private run(args: readonly string[], request?: Pick<BuildRequest, 'log' | 'signal' | 'cache' | 'secrets'>, cwd?: string): Promise<CommandResult> {
    // A build with a step cache has storage of its own (last flags win over the configured ones).
    const storage = request?.cache?.storage;
    const base = request?.cache ? (this.baseStores.get(request.cache) ?? []) : [];
    const storageArgs = storage ? ['--root', join(storage, 'root'), '--runroot', join(storage, 'run'), ...base] : [];
    return runCommand(this.command, [...(this.options.globalArgs ?? []), ...storageArgs, ...args], {
      env: builderEnv({ ...this.options.env, ...secretEnv(request?.secrets) }),
      cwd,
      ...(request ? { log: request.log } : {}),
      ...(request?.signal ? { signal: request.signal } : {}),
    });
  }

  async available(): Promise<Availability> {
    try {
      const result = await this.run(['version', '--json']);
      if (result.code !== 0) return { available: false, reason: `${this.command} version failed: ${result.tail.at(-1) ?? `exit code ${result.code}`}` };
      const version = /"version":\s*"([^"]+)"/.exec(result.stdout)?.[1] ?? 'unknown version';
      return { available: true, reason: `buildah ${version} is installed` };
    } catch (error) {
      return unavailableBecause(error, this.command);
    }
  }

  async build(request: BuildRequest): Promise<BuiltImage> {
    if (request.cache?.storage) this.baseStores.set(request.cache, await this.baseStore());
    try {
      return await this.buildWithStorage(request);
    } finally {
      // A build's own storage goes with it: its cache lives on in the layout it was saved to.
      if (request.cache?.storage && !request.cache.keep) await this.dropStorage(request);
    }
  }

  private async buildWithStorage(request: BuildRequest): Promise<BuiltImage> {
    const { files, outputDir, ref } = await prepareBuild(request);
    const multi = request.platforms.length > 1;
    // buildah 1.28 matches a step by its history alone: another platform's step would be taken (see `layers`).
    const cache = request.cache?.storage && !multi ? request.cache : undefined;
    const notes: string[] =
      request.cache && multi ? ["several platforms are built without the step cache (buildah takes one platform's steps for another)"] : [];
    if (cache?.keep) await this.checkKeptStorage(request, notes);
    const imported = cache?.dir ? await this.importCache(cache.dir, request, notes) : new Map<string, string>();
    const lines: string[] = [];
    const logged = { ...request, log: (line: string) => (lines.push(line), request.log(line)) };

    // A failed step's container would stay behind, mounted, in a kept storage: --force-rm removes it as well.
    const bud = ['bud', '--file', files.dockerfile, '--force-rm'];
    if (this.options.isolation) bud.push('--isolation', this.options.isolation);
    bud.push(`--layers=${cache ? true : (this.options.layers ?? false)}`);
    for (const secret of request.secrets ?? []) bud.push('--secret', secretFlag(secret));
    for (const arg of request.buildArgs) bud.push('--build-arg', `${arg.name}=${arg.value}`);
    if (request.target !== undefined) bud.push('--target', request.target);
    if (request.platforms.length > 0) bud.push('--platform', request.platforms.join(','));
    if (multi) {
      // A manifest list of the same name from an earlier build would gain these images instead of being replaced.
      await this.run(['manifest', 'rm', request.tag], request).catch(() => undefined);
      bud.push('--manifest', request.tag);
    } else {
      bud.push('--tag', request.tag);
    }
    bud.push(files.context);

    const built = await this.step(bud, 'bud', logged, files.context);
    if (built.code !== 0) throw buildFailed('buildah', 'bud', built);

    // Layers the caller recompresses anyway (eStargz) leave buildah uncompressed: those of the last build from the
    // step cache's store (buildah-layer-store.ts), else all through a `dir:` directory (buildah-dir.ts). A manifest
    // list is pushed as buildah pushes it.
    const store = cache?.keep && cache.storage && request.uncompressed && !multi ? new LayerStore(join(cache.storage, '..', 'layers')) : undefined;
    const linked = store ? await store.linkInto(outputDir) : [];
    const plain = request.uncompressed && !multi && linked.length === 0 ? `${outputDir}.dir` : undefined;
    const destination = plain ? `dir:${plain}` : `oci:${outputDir}:${ref}`;
    const push = multi
      ? ['manifest', 'push', '--all', request.tag, destination]
      : ['push', ...(plain ? ['--disable-compression'] : []), request.tag, destination];
    const pushed = await this.step(push, multi ? 'manifest push' : 'push', request);
    if (pushed.code !== 0) throw buildFailed('buildah', multi ? 'manifest push' : 'push', pushed);

    const layout = plain ? await layoutFromDir(plain, outputDir, ref) : await OciLayout.open(outputDir);
    if (linked.length > 0) await mediaTypesAsWritten(layout, ref);
    const top = await layout.resolve(ref);
    if (store) notes.push(...(await store.keep(layout, top, linked)));
    const use = cache
      ? await this.saveCache(cache, lines, imported, request, notes)
      : request.cache
        ? { steps: 0, hits: 0, imported: 0, saved: 0, key: undefined, unchanged: true, notes }
        : undefined;
    return { builder: 'buildah', layout, ref, dockerfile: files.dockerfile, ...(use ? { cache: use } : {}) };
  }

  private async importCache(dir: string, request: BuildRequest, notes: string[]): Promise<ReadonlyMap<string, string>> {
    try {
      const imported = await importStepImages((args, cwd) => this.run(args, request, cwd), dir, join(request.cache?.storage ?? dir, 'import'));
      notes.push(...imported.notes);
      return imported.ids;
    } catch (error) {
      if (!(error instanceof StepCacheUnreadable)) throw error;
      notes.push(error.message);
      return new Map();
    }
  }

  /** Writes the step images this build ran or hit to the cache's save directory; a failure is a note. */
  private async saveCache(
    cache: StepCache,
    lines: readonly string[],
    imported: ReadonlyMap<string, string>,
    request: BuildRequest,
    notes: string[],
  ): Promise<StepCacheUse> {
    const listed = await this.run(['images', '-a', '-q', '--no-trunc'], request);
    const all = listed.stdout
      .split('\n')
      .map((line) => line.trim().replace(/^sha256:/, ''))
      .filter(Boolean);
    const { ids, hits, steps } = stepImagesOfLog(lines, all);
    if (cache.keep) return { steps, hits, imported: 0, saved: await this.prune(request, ids), key: stepSetKey(ids), unchanged: hits === steps, notes };
    let saved = 0;
    let key: string | undefined;
    let unchanged = false;
    if (cache.saveDir) {
      try {
        const exported = await exportStepImages((args) => this.run(args, request), ids, imported, cache.dir, cache.saveDir);
        notes.push(...exported.notes);
        ({ saved, key } = exported);
        unchanged = exported.notes.length === 0 && key === stepSetKey(imported.keys());
      } catch (error) {
        notes.push(`the step cache could not be saved: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { steps, hits, imported: imported.size, saved, key, unchanged, notes };
  }

  /**
   * buildah's usual storage, read-only beside a build's own: a base image built or pulled there before (FROM a
   * local image) is found without a pull. Only stores of the overlay and vfs drivers can be added so.
   */
  private async baseStore(): Promise<readonly string[]> {
    const info = await this.run(['info', '--format', '{{.store.GraphRoot}}\t{{.store.GraphDriverName}}']).catch(() => undefined);
    const [root = '', driver = ''] = info?.code === 0 ? info.stdout.trim().split('\t') : [];
    if (root === '' || (driver !== 'overlay' && driver !== 'vfs')) return [];
    return ['--storage-driver', driver, '--storage-opt', `${driver}.imagestore=${root}`];
  }

  /**
   * A kept storage that buildah cannot read (a half-written file after a crash) is started again: the build
   * then runs every step, and never fails for the cache.
   */
  private async checkKeptStorage(request: BuildRequest, notes: string[]): Promise<void> {
    const listed = await this.run(['images', '-a', '-q'], request).catch(() => undefined);
    if (listed?.code === 0) return;
    const why = listed ? (listed.tail.filter((l) => l.trim() !== '').at(-1) ?? `exit code ${listed.code}`) : 'buildah could not run';
    notes.push(`the cache's storage is unreadable (${why}); building without it`);
    if (request.cache?.storage) await rm(request.cache.storage, { recursive: true, force: true });
  }

  /**
   * Keeps in a kept storage only the step images of this build and the named images that are not ours (base
   * images); returns how many step images were kept.
   */
  private async prune(request: BuildRequest, used: readonly string[]): Promise<number> {
    const keep = new Set(used);
    const storage = request.cache?.storage;
    if (!storage) return keep.size;
    // The kept storage's own images (not those of the read-only base store), as containers/storage records them.
    const ours = request.tag.slice(0, request.tag.lastIndexOf(':') > request.tag.lastIndexOf('/') ? request.tag.lastIndexOf(':') : undefined);
    const drop: string[] = [];
    for (const driver of ['overlay', 'vfs']) {
      const text = await readFile(join(storage, 'root', `${driver}-images`, 'images.json'), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      let images: { id?: string; names?: string[] }[] = [];
      try {
        images = JSON.parse(text) as typeof images;
      } catch {
        return keep.size;
      }
      for (const image of images) {
        const id = image.id ?? '';
        const names = image.names ?? [];
        // Step images have no name; an earlier build's image of this repository has ours. Base images are kept.
        if (id !== '' && !keep.has(id) && names.every((name) => name.startsWith(`${ours}:`))) drop.push(id);
      }
    }
    if (drop.length > 0) await this.run(['rmi', '--force', ...drop], request).catch(() => undefined);
    return keep.size;
  }

  /** Removes the build's own storage (images first: a rootless build's files may not be removable otherwise). */
  private async dropStorage(request: BuildRequest): Promise<void> {
    const storage = request.cache?.storage;
    if (!storage) return;
    // Without the read-only store: nothing of it is to be removed.
    if (request.cache) this.baseStores.delete(request.cache);
    await this.run(['rm', '--all'], request).catch(() => undefined);
    await this.run(['rmi', '--all', '--force'], request).catch(() => undefined);
    await rm(storage, { recursive: true, force: true }).catch(() => undefined);
  }

  private async step(args: readonly string[], step: string, request: BuildRequest, cwd?: string): Promise<CommandResult> {
    try {
      return await this.run(args, request, cwd);
    } catch (error) {
      if (error instanceof CommandMissing) throw builderMissing('buildah', `${this.command} is not installed (not on PATH)`);
      throw new ShipError(`buildah ${step} could not run: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}
