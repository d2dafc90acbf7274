/**
 * Picks the builder for the `builder` input: `buildah` or `docker` as asked (an error saying how to get it when
 * it cannot run), `none` (the image input ships as it is; nothing is built), or `auto`: Docker when its buildx
 * exports OCI directly, else buildah (OCI natively, no daemon), else Docker's build + save; always saying why.
 */
import { ShipError } from '../errors.js';
import { BuildahBuilder, type BuildahOptions } from './buildah.js';
import { DockerBuilder, type DockerOptions } from './docker.js';
import { builderMissing } from './errors.js';
import type { Builder, BuilderName, BuildRequest, BuiltImage } from './types.js';

/** The `builder` input: a builder by name, the first that fits (`auto`), or `none` to build nothing. */
export type BuilderChoice = 'auto' | BuilderName | 'none';

export interface SelectedBuilder {
  /** Undefined for `none`: there is nothing to build. */
  readonly builder: Builder | undefined;
  /** Which and why, for the log. */
  readonly reason: string;
}

export interface SelectOptions {
  readonly buildah?: BuildahOptions;
  readonly docker?: DockerOptions;
}

export async function selectBuilder(input: BuilderChoice, options: SelectOptions = {}): Promise<SelectedBuilder> {
  if (input === 'none') return { builder: undefined, reason: 'builder none: the image input is shipped as it is, nothing is built' };
  const buildah = new BuildahBuilder(options.buildah);
  const docker = new DockerBuilder(options.docker);
  if (input === 'buildah' || input === 'docker') {
    const builder = input === 'buildah' ? buildah : docker;
    const availability = await builder.available();
    if (!availability.available) throw builderMissing(input, availability.reason);
    return { builder, reason: `builder ${input}: ${availability.reason}` };
  }

  const [dockerState, buildahState] = await Promise.all([docker.available(), buildah.available()]);
  if (dockerState.available && (await docker.mode()).kind === 'buildx-oci') {
    return { builder: docker, reason: `auto chose docker: ${dockerState.reason}` };
  }
  if (buildahState.available) {
    return { builder: buildah, reason: `auto chose buildah: ${buildahState.reason} (docker: ${dockerState.reason})` };
  }
  if (dockerState.available) {
    return { builder: docker, reason: `auto chose docker: ${dockerState.reason} (buildah: ${buildahState.reason})` };
  }
  throw new ShipError(`no builder can run here: docker: ${dockerState.reason}; buildah: ${buildahState.reason}`, {
    input: 'builder',
    hint: 'install buildah or Docker, or set builder: none and name an already built image in the image input',
  });
}

/** Runs a build with its output in a log group named after the builder. */
/** What a build needs of its host's log: a group to stream into, and a line. */
export interface LogGroups {
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  info(line: string): void;
}

export function buildInLogGroup(runner: LogGroups, builder: Builder, request: Omit<BuildRequest, 'log'>): Promise<BuiltImage> {
  return runner.group(`Build ${request.tag} with ${builder.name}`, () => builder.build({ ...request, log: (line) => runner.info(line) }));
}
