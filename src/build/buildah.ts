/**
 * The buildah builder: `buildah bud` into buildah's own storage, then `buildah push` to an `oci:` layout. No
 * daemon; `.dockerignore` (and `.containerignore`) are honoured by buildah itself. Several platforms build a
 * manifest list, pushed whole.
 */
import { ShipError } from '../errors.js';
import { OciLayout } from '../oci/index.js';
import { prepareBuild, unavailableBecause } from './workspace.js';
import { buildFailed, builderMissing } from './errors.js';
import { builderEnv, CommandMissing, runCommand, type CommandResult } from './process.js';
import type { Availability, Builder, BuildRequest, BuiltImage } from './types.js';

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
   * image. Without it each build adds one layer on top of its base.
   */
  readonly layers?: boolean;
}

export class BuildahBuilder implements Builder {
  readonly name = 'buildah' as const;
  private readonly command: string;

  constructor(private readonly options: BuildahOptions = {}) {
    this.command = options.command ?? 'buildah';
  }

  private run(args: readonly string[], request?: Pick<BuildRequest, 'log' | 'signal'>, cwd?: string): Promise<CommandResult> {
    return runCommand(this.command, [...(this.options.globalArgs ?? []), ...args], {
      env: builderEnv(this.options.env),
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
    const { files, outputDir, ref } = await prepareBuild(request);
    const multi = request.platforms.length > 1;

    const bud = ['bud', '--file', files.dockerfile];
    if (this.options.isolation) bud.push('--isolation', this.options.isolation);
    bud.push(`--layers=${this.options.layers ?? false}`);
    for (const arg of request.buildArgs) bud.push('--build-arg', `${arg.name}=${arg.value}`);
    if (request.target !== undefined) bud.push('--target', request.target);
    if (request.platforms.length > 0) bud.push('--platform', request.platforms.join(','));
    if (multi) {
      // A manifest list of the same name from an earlier build would gain these images instead of being replaced.
      await this.run(['manifest', 'rm', request.tag]).catch(() => undefined);
      bud.push('--manifest', request.tag);
    } else {
      bud.push('--tag', request.tag);
    }
    bud.push(files.context);

    const built = await this.step(bud, 'bud', request, files.context);
    if (built.code !== 0) throw buildFailed('buildah', 'bud', built);

    const destination = `oci:${outputDir}:${ref}`;
    const push = multi ? ['manifest', 'push', '--all', request.tag, destination] : ['push', request.tag, destination];
    const pushed = await this.step(push, multi ? 'manifest push' : 'push', request);
    if (pushed.code !== 0) throw buildFailed('buildah', multi ? 'manifest push' : 'push', pushed);

    const layout = await OciLayout.open(outputDir);
    await layout.resolve(ref);
    return { builder: 'buildah', layout, ref, dockerfile: files.dockerfile };
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
