/**
 * The convert stage: every layer of the image becomes eStargz (with the prefetch list written first), the result
 * is checked by the verifier before anything is pushed, and each layer is described for the report — including
 * how many bytes a lazy pull reads before the service starts. With `estargz: false` the image ships as it is.
 * Layers the previous ship converted with the same settings are reused rather than converted (reuse.ts): their
 * blobs stay in the registry, so they are checked there, not read here.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ShipError } from '../errors.js';
import { bytes, count } from '../format.js';
import { type CheckedElsewhere, checkImageParts, describeMiss, type LayerReuse, verifyImage } from '../estargz/index.js';
import type { ShipConfig } from '../inputs/ship-config.js';
import { type Descriptor, type Digest, type ImageManifest, OciLayout } from '../oci/index.js';
import type { LayerReport, StartupReport } from '../report/result.js';
import { convertImageForShip } from './estargz-conversion.js';
import { lookUpPrevious, type PreviousLookup } from './previous-lookup.js';
import type { ShipRun } from './run.js';
import { describeOutcome, recordStartup, reusableRecord, savedRecord, type StartupRecording } from '../prefetch-auto/index.js';
import { ShipAnnotation } from './annotations.js';
import { readRunnableConfig } from './runnable-image.js';
import type { Built, SourceImage } from './source-image.js';

interface ShippableImage {
  /**
   * Manifests, configs and the blobs of the layers converted here. The blobs of layers reused from the previous
   * ship are not in it: they are in the target repository, so the push skips them and nothing else reads them.
   */
  readonly layout: OciLayout;
  /** The manifest or index to push. */
  readonly descriptor: Descriptor;
  /** The layers of the image the service runs (linux/amd64, else the first), as the report shows them. */
  readonly layers: readonly LayerReport[];
  /** What a lazy pull of that image fetches before the service starts. */
  readonly startup: StartupReport;
  readonly converted: boolean;
}

/** The convert stage's value: the image as it will be pushed (eStargz, unless `estargz: false`). */
export interface Converted extends Built {
  readonly image: ShippableImage;
}

export async function convertStage(run: ShipRun, built: Built, previous: PreviousLookup | undefined = lookUpPrevious(run, built)): Promise<Converted> {
  const { config, log } = run;
  // The previous image of the tag (else the one the service runs) lends the layers it converted with the same
  // settings; the lookup was started before the build (ship.ts), so it is mostly done by now.
  const image = await run.stages.run(
    'convert',
    config.image.estargz ? 'Convert every layer to eStargz' : 'Keep the layers as they are',
    () => shippableImage(built.source, config, built.workDir, log, { ...(previous ? { previous: () => previous(log) } : {}), signal: run.signal }),
    describeConversion,
  );
  return { ...built, image };
}

interface ShippableOptions {
  /** Looks up the previous ship's conversions (never throws; undefined when there are none). */
  readonly previous?: () => Promise<(LayerReuse & { readonly startups?: readonly string[] }) | undefined>;
  /** Stops the conversion at its next chunk when aborted (the converter cleans up as on any error). */
  readonly signal?: AbortSignal | undefined;
}

/** Layers larger than this get a progress line as they convert. */
const PROGRESS_BYTES = 64 * 1024 * 1024;

async function shippableImage(
  source: SourceImage,
  config: ShipConfig,
  workDir: string,
  log: (line: string) => void,
  options: ShippableOptions = {},
): Promise<ShippableImage> {
  if (!config.image.estargz) {
    // Shipped as it is: the media types and compressions are checked here, the blobs' digests as the push reads them.
    await checkImageParts(source.layout, source.descriptor);
    const runnable = await readRunnableConfig(source.layout, source.descriptor);
    const layers = runnable.manifest.layers.map((l) => plainLayer(l.digest, l.size));
    return { layout: source.layout, descriptor: source.descriptor, layers, startup: startupOf(source.descriptor, runnable, layers), converted: false };
  }
  const reuse = await options.previous?.();
  const sourceManifest = (await readRunnableConfig(source.layout, source.descriptor)).manifest;
  const sourceConfig = sourceManifest.config.digest;
  const auto = config.image.prefetchAuto;
  const recording = auto
    ? await recordForShip(source, config, { workDir, timeoutSeconds: auto.timeoutSeconds, log, sourceConfig, saved: reuse?.startups ?? [] })
    : undefined;
  const out = await OciLayout.create(join(workDir, 'estargz'));
  const sourceSizes = new Map(sourceManifest.layers.map((l) => [l.digest as string, l.size]));
  let reported = 0; // progress lines so far for the layer converting now
  const conversion = await convertImageForShip(source.layout, source.descriptor, out, {
    level: config.image.compressionLevel,
    // Temporary files go under the run's work dir, which a forced exit removes with everything in it.
    tempDir: workDir,
    // Explicit paths first, then what the service opened at start.
    prefetch: [...config.image.prefetch, ...(recording?.paths ?? []).map((opened) => ({ opened }))],
    ...(recording ? { manifestAnnotations: { [ShipAnnotation.prefetchAuto]: savedRecord(recording, sourceConfig) } } : {}),
    ...(reuse ? { reuse } : {}),
    onLayer: (event) => {
      options.signal?.throwIfAborted();
      if (event.kind === 'start') {
        reported = 0;
        log(`converting ${event.digest.slice(0, 19)} (${bytes(event.size)})`);
      } else if (event.kind === 'reused')
        log(`reused ${event.digest.slice(0, 19)} -> ${event.result.digest.slice(0, 19)} (${bytes(event.result.size)}, converted by the previous ship)`);
      else if (event.kind === 'done')
        log(
          `  -> ${event.result.digest.slice(0, 19)} (${bytes(event.result.size)}, ${event.result.entries} entries${event.result.passedThrough ? ', already eStargz: kept' : ''})`,
        );
      else if (Math.floor(event.payloadBytes / PROGRESS_BYTES) > reported) {
        reported = Math.floor(event.payloadBytes / PROGRESS_BYTES);
        log(`  ${bytes(event.payloadBytes)} written`);
      }
    },
  });
  for (const miss of conversion.missingPrefetch) log(`warning: ${describeMiss(miss)}`);
  await out.setRef(conversion.descriptor, 'ship');

  // Reused layers are not in the output layout. Their blobs were checked in the registry (size, TOC digest, and the
  // diff_id against the previous config: see reuse.ts); the verifier checks the new descriptors and config agree.
  const elsewhere = new Map<Digest, CheckedElsewhere>();
  for (const layer of conversion.manifests.flatMap((m) => m.layers)) if (layer.reused) elsewhere.set(layer.reused.digest, layer.reused);
  if (reuse) {
    const all = new Set(conversion.manifests.flatMap((m) => m.layers.map((l) => `${l.source}\0${l.result.digest}`))).size;
    log(`reused ${elsewhere.size} of ${count(all, 'layer')} (converted by the previous ship)`);
  }
  options.signal?.throwIfAborted();
  const verdict = await verifyImage(out, conversion.descriptor, { elsewhere, tempDir: workDir });
  if (!verdict.ok) {
    const defects = [...verdict.defects, ...verdict.layers.flatMap((l) => l.defects.map((d) => `layer ${l.digest}: ${d}`))];
    throw new ShipError(`the converted image failed verification: ${defects.slice(0, 5).join('; ')}`, {
      hint: 'this is a bug in the converter: report it, and set estargz: false to ship meanwhile',
    });
  }

  // The verifier read every TOC: what a lazy pull reads before start comes from there, not from another reading.
  const lazyPulls = new Map(verdict.layers.map((l) => [l.digest as string, l.lazyPull]));
  const runnable = await readRunnableConfig(out, conversion.descriptor);
  const { manifest } = runnable;
  // The converted manifest the runnable image came from: the one with the same layers.
  const converted = conversion.manifests.find(
    (m) => m.layers.length === manifest.layers.length && m.layers.every((l, i) => l.result.digest === manifest.layers[i]?.digest),
  );
  const layers: LayerReport[] = [];
  for (const [index, descriptor] of manifest.layers.entries()) {
    const origin = converted?.layers[index];
    const lazy = origin?.reused ? origin.reused.lazyPull : lazyPulls.get(descriptor.digest);
    if (lazy === undefined)
      throw new ShipError(`layer ${descriptor.digest} was not verified`, {
        hint: 'this is a bug in the converter: report it, and set estargz: false to ship meanwhile',
      });
    layers.push({
      sourceDigest: origin?.source ?? descriptor.digest,
      sourceSize: (origin && sourceSizes.get(origin.source)) ?? (await sizeOf(source.layout, origin?.source)) ?? descriptor.size,
      digest: descriptor.digest,
      size: descriptor.size,
      tocDigest: origin?.result.tocDigest ?? null,
      prefetchFiles: origin?.prefetchFiles ?? 0,
      prefetchBytes: lazy.bytes,
      fetchedBeforeStart: lazy.fetched,
      reused: (origin?.reused !== undefined || origin?.result.passedThrough) ?? false,
      conversion: origin?.reused ? 'reused' : origin?.result.passedThrough ? 'kept' : 'converted',
      push: null,
    });
  }
  const startup = { ...startupOf(conversion.descriptor, runnable, layers), auto: recording ? describeOutcome(recording) : null };
  return { layout: out, descriptor: conversion.descriptor, layers, startup, converted: true };
}

/**
 * `prefetch: auto`: the files the image opens at start, from the previous image's record when that was made from the
 * same source config (same layers, entrypoint, env), else by running the image. Never fails: the log says why
 * nothing was recorded.
 */
async function recordForShip(
  source: SourceImage,
  config: ShipConfig,
  how: { workDir: string; timeoutSeconds: number; log: (line: string) => void; sourceConfig: string; saved: readonly string[] },
): Promise<StartupRecording> {
  const { log } = how;
  const saved = reusableRecord(how.saved, how.sourceConfig);
  if (saved) {
    const previous = { ...saved, reusedFor: how.sourceConfig };
    log(`prefetch auto: the previous image's record is reused: ${describeOutcome(previous)}`);
    return previous;
  }
  const ports = config.service.ports?.map((p) => p.num);
  const recording = await recordStartup(source.layout, source.descriptor, {
    workDir: how.workDir,
    timeoutSeconds: how.timeoutSeconds,
    log,
    ...(ports ? { ports } : {}),
  });
  log(`prefetch auto: ${describeOutcome(recording)}`);
  if (recording.output) log(`prefetch auto: the service's last output line: ${recording.output}`);
  return recording;
}

/**
 * The start-up cost of the image a service runs: its documents (the index, when there is one, the manifest and the
 * config) are fetched whole, and of each layer what the report says a lazy pull fetches before start.
 */
function startupOf(
  top: Descriptor,
  runnable: { readonly descriptor: Descriptor; readonly manifest: ImageManifest },
  layers: readonly LayerReport[],
): StartupReport {
  const documents = top.size + (runnable.descriptor.digest === top.digest ? 0 : runnable.descriptor.size) + runnable.manifest.config.size;
  return {
    bytesBeforeStart: documents + layers.reduce((sum, l) => sum + l.fetchedBeforeStart, 0),
    imageBytes: documents + layers.reduce((sum, l) => sum + l.size, 0),
    prefetchedFiles: layers.reduce((sum, l) => sum + l.prefetchFiles, 0),
    auto: null,
  };
}

function describeConversion(image: ShippableImage): string {
  if (!image.converted) return `${count(image.layers.length, 'layer')} kept as they are (estargz: false)`;
  const { bytesBeforeStart, imageBytes } = image.startup;
  const kept = image.layers.filter((l) => l.conversion === 'kept').length;
  const reused = image.layers.filter((l) => l.conversion === 'reused').length;
  const notes = [...(reused ? [`${reused} reused from the previous ship`] : []), ...(kept ? [`${kept} already eStargz`] : [])];
  return `${count(image.layers.length, 'layer')} as eStargz (${bytes(imageBytes)}; a lazy pull fetches ${bytes(bytesBeforeStart)} before start)${notes.map((n) => `, ${n}`).join('')}; verified`;
}

function plainLayer(digest: Digest, size: number): LayerReport {
  return {
    sourceDigest: digest,
    sourceSize: size,
    digest,
    size,
    tocDigest: null,
    prefetchFiles: 0,
    prefetchBytes: size,
    fetchedBeforeStart: size,
    reused: true,
    conversion: 'as-is',
    push: null,
  };
}

async function sizeOf(layout: OciLayout, digest: Digest | undefined): Promise<number | undefined> {
  if (!digest) return undefined;
  return (await stat(layout.blobPath(digest)).catch(() => undefined))?.size;
}
