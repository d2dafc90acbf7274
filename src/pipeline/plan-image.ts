/**
 * The image facts a dry run plans with, before anything is built: from the Dockerfile's final stage, read as the
 * MeshAgent CLI reads it (its EXPOSE ports, VOLUMEs and a runtime label with its command, folder and ENV); for an
 * `oci:` layout given by the image input, from its config, read as the deploy reads it; for an archive or a registry
 * image, none (its config is read at deploy), but an archive that is not there fails the plan as it would fail the
 * run. The service runs what the build pushes, so its reference is a placeholder.
 */
import { readFile } from 'node:fs/promises';
import { resolveBuildFiles } from '../build/dockerfile.js';
import { ShipError } from '../errors.js';
import type { ShipConfig } from '../inputs/ship-config.js';
import { finalStage } from '../meshagent/dockerfile-stage.js';
import { imageFacts, type ImageFacts } from '../meshagent/image-facts.js';
import { imageRuntime } from '../meshagent/image-runtime.js';
import { assertArchiveFile, OciLayout } from '../oci/index.js';
import { readRunnableConfig } from './runnable-image.js';

export interface PlannedImage {
  readonly facts: ImageFacts;
  /** Whether the facts were read (from the Dockerfile); else `source` says why not. */
  readonly known: boolean;
  /** Where the facts come from, for the plan's line; or why there are none. */
  readonly source: string;
}

export async function plannedImage(config: ShipConfig, ref: string, tag: string): Promise<PlannedImage> {
  const none: ImageFacts = { ref, tag, exposedPorts: [], volumes: [], built: config.image.source === undefined };
  const source = config.image.source;
  if (source?.kind === 'oci') {
    const image = await inputError(async () => {
      const layout = await OciLayout.open(source.path);
      return readRunnableConfig(layout, await layout.resolve(source.ref));
    });
    return { facts: imageFacts(ref, tag, image.config, false), known: true, source: `the image config in oci:${source.path}` };
  }
  // An archive is unpacked at the build stage, not here; that it is there is checked as that stage checks it.
  if (source?.kind === 'oci-archive' || source?.kind === 'docker-archive') await inputError(() => assertArchiveFile(source.path));
  if (source) return { facts: none, known: false, source: 'the image config is read at deploy (ports, volumes, runtime label)' };
  let text: string;
  try {
    const files = await resolveBuildFiles(config.image.context, config.image.file);
    text = await readFile(files.dockerfile, 'utf8');
  } catch (error) {
    if (!(error instanceof ShipError)) throw error;
    return { facts: none, known: false, source: `the Dockerfile could not be read: ${error.message}` };
  }
  let stage: ReturnType<typeof finalStage>;
  try {
    stage = finalStage(text, config.image.target);
  } catch (error) {
    return { facts: none, known: false, source: `the Dockerfile could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  // A runtime label without CMD or ENTRYPOINT fails here with the CLI's words, as a real run fails at deploy.
  const runtime = imageRuntime(stage, 'packed Dockerfile final stage');
  return { facts: { ...none, exposedPorts: stage.exposedPorts, volumes: stage.volumes, runtime }, known: true, source: "the Dockerfile's final stage" };
}

/** Runs `open`, naming the image input in a ShipError that names none, as the run's own failure would. */
async function inputError<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (error instanceof ShipError && error.input === undefined)
      throw new ShipError(`image: ${error.message}`, { input: 'image', hint: error.hint, cause: error });
    throw error;
  }
}
