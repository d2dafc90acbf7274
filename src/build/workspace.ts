/**
 * What every builder does before it builds: find the Dockerfile, make sure the output directory is new or empty, and
 * name the image in the layout; and how a builder that cannot even be asked its version reports itself unavailable.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ShipError } from '../errors.js';
import { resolveBuildFiles, type BuildFiles } from './dockerfile.js';
import { CommandMissing } from './process.js';
import { layoutRefFor, type Availability, type BuildRequest } from './types.js';

export interface BuildWorkspace {
  readonly files: BuildFiles;
  /** The absolute output directory, new or empty. */
  readonly outputDir: string;
  /** The image's name in the output layout. */
  readonly ref: string;
}

export async function prepareBuild(request: BuildRequest): Promise<BuildWorkspace> {
  const files = await resolveBuildFiles(request.context, request.file);
  const outputDir = resolve(request.outputDir);
  await prepareOutput(outputDir);
  return { files, outputDir, ref: layoutRefFor(request.tag) };
}

/** The layout directory must be new or empty: blobs of another image would otherwise mix into it. */
async function prepareOutput(dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const entries = await readdir(dir).catch(() => undefined);
  if (entries !== undefined && entries.length > 0) {
    throw new ShipError(`the build output directory ${dir} is not empty`, { hint: 'give the build a new or empty directory' });
  }
}

/** A builder command that could not be run at all: missing from PATH, or failing to start. */
export function unavailableBecause(error: unknown, command: string): Availability {
  if (error instanceof CommandMissing) return { available: false, reason: `${command} is not installed (not on PATH)` };
  return { available: false, reason: error instanceof Error ? error.message : String(error) };
}
