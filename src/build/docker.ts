/**
 * The docker builder. With buildx and a driver that can export OCI (docker-container, kubernetes, remote):
 * `docker buildx build --output type=oci,dest=DIR,tar=false`. Otherwise (no buildx, or buildx on the plain
 * `docker` driver, which cannot export OCI): `docker build` into the daemon, `docker save` to a docker-archive,
 * read into an OCI layout (src/oci/archive.ts). `.dockerignore` is honoured by Docker itself either way.
 */
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ShipError } from '../errors.js';
import { makeTempDir } from '../file-errors.js';
import { layoutFromDockerArchive, OciLayout } from '../oci/index.js';
import { prepareBuild, unavailableBecause } from './workspace.js';
import type { BuildFiles } from './dockerfile.js';
import { buildFailed, builderMissing } from './errors.js';
import { builderEnv, CommandMissing, runCommand, type CommandResult } from './process.js';
import { buildxSecretFlag, secretEnv } from './secrets.js';
import type { Availability, Builder, BuildRequest, BuiltImage } from './types.js';

export interface DockerOptions {
  /** The docker CLI (default `docker` on PATH). */
  readonly command?: string;
  /** Extra environment, e.g. DOCKER_HOST. */
  readonly env?: NodeJS.ProcessEnv;
  /** Extra `build` flags, e.g. `--network none` on a daemon without a bridge network. */
  readonly buildFlags?: readonly string[];
}

/** How this machine's Docker builds: buildx exporting OCI, or build + save. */
export type DockerMode = { readonly kind: 'buildx-oci'; readonly driver: string } | { readonly kind: 'build-save'; readonly why: string };

/** buildx drivers whose builds can be exported as an OCI layout (the plain `docker` driver cannot). */
const OCI_DRIVERS = new Set(['docker-container', 'kubernetes', 'remote']);

/** The driver of the current builder, from `docker buildx inspect` output. */
export function parseBuildxDriver(inspect: string): string | undefined {
  return /^Driver:\s*(\S+)/m.exec(inspect)?.[1];
}

/** The flags both paths share: Dockerfile, tag, build args, target, platforms, extras, then the context. */
function commonArgs(request: BuildRequest, files: BuildFiles, extra: readonly string[]): string[] {
  const args = ['--file', files.dockerfile, '--tag', request.tag];
  for (const arg of request.buildArgs) args.push('--build-arg', `${arg.name}=${arg.value}`);
  if (request.target !== undefined) args.push('--target', request.target);
  if (request.platforms.length > 0) args.push('--platform', request.platforms.join(','));
  return [...args, ...extra];
}

export function buildxArgs(request: BuildRequest, files: BuildFiles, outputDir: string, extra: readonly string[] = []): string[] {
  const args = ['buildx', 'build', '--progress', 'plain', ...commonArgs(request, files, extra)];
  for (const secret of request.secrets ?? []) args.push('--secret', buildxSecretFlag(secret));
  if (request.cache?.from) args.push('--cache-from', request.cache.from);
  if (request.cache?.to) args.push('--cache-to', request.cache.to);
  return [...args, '--output', `type=oci,dest=${outputDir},tar=false,name=${request.tag}`, files.context];
}

/** BuildKit's plain progress: steps are `#N [stage k/n] ...`, and a step taken from the cache says `#N CACHED`. */
export function buildxCacheUse(lines: readonly string[]): { steps: number; hits: number } {
  const steps = new Set<string>();
  const cached = new Set<string>();
  for (const line of lines) {
    const step = /^#(\d+) \[[^\]]*\b\d+\/\d+\]/.exec(line);
    if (step?.[1]) steps.add(step[1]);
    const hit = /^#(\d+) CACHED\s*$/.exec(line);
    if (hit?.[1]) cached.add(hit[1]);
  }
  return { steps: steps.size, hits: [...cached].filter((n) => steps.has(n)).length };
}

export function dockerBuildArgs(request: BuildRequest, files: BuildFiles, extra: readonly string[] = []): string[] {
  return ['build', ...commonArgs(request, files, extra), files.context];
}

export class DockerBuilder implements Builder {
  readonly name = 'docker' as const;
  private readonly command: string;

  constructor(private readonly options: DockerOptions = {}) {
    this.command = options.command ?? 'docker';
  }

  private run(args: readonly string[], log?: (line: string) => void, signal?: AbortSignal, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    return runCommand(this.command, args, { env: builderEnv({ ...this.options.env, ...env }), ...(log ? { log } : {}), ...(signal ? { signal } : {}) });
  }

  /** buildx with an OCI-capable driver, else build + save; never throws. */
  async mode(): Promise<DockerMode> {
    try {
      const version = await this.run(['buildx', 'version']);
      if (version.code !== 0) return { kind: 'build-save', why: 'buildx is not installed' };
      const inspect = await this.run(['buildx', 'inspect']);
      const driver = inspect.code === 0 ? parseBuildxDriver(inspect.stdout) : undefined;
      if (driver !== undefined && OCI_DRIVERS.has(driver)) return { kind: 'buildx-oci', driver };
      return { kind: 'build-save', why: `the buildx builder's driver (${driver ?? 'unknown'}) cannot export OCI` };
    } catch {
      return { kind: 'build-save', why: 'buildx could not be asked' };
    }
  }

  async available(): Promise<Availability> {
    try {
      const result = await this.run(['version', '--format', '{{.Server.Version}}']);
      if (result.code !== 0) {
        const last = result.tail.filter((line) => line.trim() !== '').at(-1) ?? `exit code ${result.code}`;
        return { available: false, reason: `the Docker daemon is not reachable: ${last}` };
      }
      const mode = await this.mode();
      const how = mode.kind === 'buildx-oci' ? `buildx (${mode.driver} driver) exports OCI` : `docker build + docker save (${mode.why})`;
      return { available: true, reason: `Docker ${result.stdout.trim()} daemon is reachable; ${how}` };
    } catch (error) {
      return unavailableBecause(error, this.command);
    }
  }

  async build(request: BuildRequest): Promise<BuiltImage> {
    const { files, outputDir, ref } = await prepareBuild(request);
    const mode = await this.mode();
    request.log(mode.kind === 'buildx-oci' ? `docker: buildx with the ${mode.driver} driver, OCI export` : `docker: docker build + docker save (${mode.why})`);

    if (mode.kind === 'buildx-oci') {
      const lines: string[] = [];
      const logged = { ...request, log: (line: string) => (lines.push(line), request.log(line)) };
      const env = { ...secretEnv(request.secrets), ...request.cache?.env };
      const built = await this.step(buildxArgs(request, files, outputDir, this.options.buildFlags), 'buildx build', logged, env);
      if (built.code !== 0) throw buildFailed('docker', 'buildx build', built);
      const layout = await OciLayout.open(outputDir);
      await nameTheImage(layout, ref);
      const cache = request.cache
        ? { ...buildxCacheUse(lines), imported: 0, saved: request.cache.to ? 1 : 0, key: undefined, unchanged: false, notes: [] }
        : undefined;
      return { builder: 'docker', layout, ref, dockerfile: files.dockerfile, ...(cache ? { cache } : {}) };
    }

    if ((request.secrets ?? []).length > 0) {
      throw new ShipError(`build-secrets need BuildKit: docker build without buildx cannot pass them (${mode.why})`, {
        input: 'build-secrets',
        hint: 'use a buildx builder with the docker-container driver (docker buildx create --use), or builder: buildah',
      });
    }

    if (request.platforms.length > 1) {
      throw new ShipError(`docker build + docker save builds one platform, not ${request.platforms.join(', ')}`, {
        input: 'platforms',
        hint: 'use a buildx builder with the docker-container driver (docker buildx create --use), or builder: buildah, or one platform',
      });
    }
    const built = await this.step(dockerBuildArgs(request, files, this.options.buildFlags), 'build', request);
    if (built.code !== 0) throw buildFailed('docker', 'build', built);

    const scratch = await makeTempDir(dirname(outputDir), '.docker-save-');
    try {
      const archive = join(scratch, 'image.tar');
      const saved = await this.step(['save', '--output', archive, request.tag], 'save', request);
      if (saved.code !== 0) throw buildFailed('docker', 'save', saved);
      const { layout, descriptor } = await layoutFromDockerArchive(archive, outputDir);
      await layout.setRef(descriptor, ref);
      const notes = request.cache ? ['docker build without buildx keeps no step cache between runs (buildx is needed for cache-from/cache-to)'] : [];
      const cache = request.cache ? { steps: 0, hits: 0, imported: 0, saved: 0, key: undefined, unchanged: true, notes } : undefined;
      return { builder: 'docker', layout, ref, dockerfile: files.dockerfile, ...(cache ? { cache } : {}) };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async step(args: readonly string[], step: string, request: BuildRequest, env?: NodeJS.ProcessEnv): Promise<CommandResult> {
    try {
      return await this.run(args, request.log, request.signal, env);
    } catch (error) {
      if (error instanceof CommandMissing) throw builderMissing('docker', `${this.command} is not installed (not on PATH)`);
      throw new ShipError(`docker ${step} could not run: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** BuildKit names the image by its tag in the layout; when it did not, the one image gets that name. */
async function nameTheImage(layout: OciLayout, ref: string): Promise<void> {
  try {
    await layout.resolve(ref);
  } catch {
    await layout.setRef(await layout.resolve(), ref);
  }
}
