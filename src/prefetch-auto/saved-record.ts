/**
 * The record of `prefetch: auto` as it travels with the converted image (a manifest annotation): what was recorded,
 * how it ended, and the digest of the source image's config it was recorded from. That config names the layers
 * (their diff_ids), the entrypoint, the command, the env and the working dir: a later ship of an image with the same
 * config would run the same thing, so it takes the record instead of running the image again.
 */
import type { StartupRecording } from './record.js';

/** The annotation's value for a recording made from the image whose config has digest `sourceConfig`. */
export function savedRecord(recording: StartupRecording, sourceConfig: string): string {
  return JSON.stringify({ sourceConfig, outcome: recording.outcome, paths: recording.paths });
}

/** The first of the saved records made from `sourceConfig` that ran (not one that fell back); undefined otherwise. */
export function reusableRecord(saved: readonly string[], sourceConfig: string): StartupRecording | undefined {
  for (const text of saved) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const { sourceConfig: from, outcome, paths } = value as Record<string, unknown>;
    const kind = (outcome as { kind?: unknown } | null)?.kind;
    if (from !== sourceConfig || !Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) continue;
    if (kind !== 'port' && kind !== 'time-bound' && kind !== 'exited') continue;
    return { paths: paths as string[], outcome: outcome as StartupRecording['outcome'] };
  }
  return undefined;
}
