/** `meshagent-ship convert SRC DST`: converts every layer of an image to eStargz and writes the image to DST. */
import { rm } from 'node:fs/promises';
import type { CliArgs } from '../cli-args.js';
import { ShipError } from '../errors.js';
import { DEFAULT_ESTARGZ_CHUNK_SIZE, describeMiss, type ImageConversion, type LayerEvent } from '../estargz/index.js';
import { makeTempDir } from '../file-errors.js';
import { checkArchiveTarget, type Digest, formatImageRef, type ImageRef, OciLayout, openImage, packOciArchive, parseImageRef } from '../oci/index.js';
import { convertImageForShip } from '../pipeline/estargz-conversion.js';
import { RunStop } from '../stop.js';
import { processIo, type CommandIo } from './io.js';

/** Progress lines are printed for a layer only after it has run this long, then at this interval. */
const PROGRESS_EVERY_MS = 2000;

export async function runConvert(args: CliArgs, io: CommandIo = processIo): Promise<number> {
  const [srcText, dstText, ...extra] = args.positionals;
  if (srcText === undefined || dstText === undefined || extra.length > 0) {
    throw new ShipError('convert takes two arguments, SRC and DST', { hint: 'meshagent-ship convert oci:./image oci:./image-esgz' });
  }
  const src = parseImageRef(srcText);
  const dst = parseImageRef(dstText);
  if (dst.transport === 'docker-archive')
    throw new ShipError('convert writes oci:DIR[:REF] or oci-archive:FILE[:REF], not docker-archive', {
      hint: 'Docker archives cannot carry the eStargz annotations; write an OCI image',
    });
  const level = integerOption(args.options['compression-level'], 'compression-level', 6);
  const chunkSize = integerOption(args.options['chunk-size'], 'chunk-size', DEFAULT_ESTARGZ_CHUNK_SIZE);
  const prefetch = (args.options.prefetch ?? '')
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p !== '');

  // Ctrl-C or SIGTERM ends the conversion at its next chunk; the temporary files go as on any failure.
  const stop = new RunStop({ log: (line) => io.stderr(`meshagent-ship: ${line}\n`) });
  const stopListening = stop.listen();
  try {
    return await convertTo(src, dst, { level, chunkSize, prefetch }, args.json, io, stop.signal);
  } catch (error) {
    const stopped = stop.stopped;
    if (!stopped) throw error;
    io.stderr(`meshagent-ship: ${stopped.message}\n`);
    return stopped.exitCode;
  } finally {
    stopListening();
    stop.finish();
  }
}

async function convertTo(
  src: ImageRef,
  dst: ImageRef,
  settings: { level: number; chunkSize: number; prefetch: string[] },
  json: boolean,
  io: CommandIo,
  signal: AbortSignal,
): Promise<number> {
  // An archive output is checked before the work, not found wrong after it.
  if (dst.transport === 'oci-archive') await checkArchiveTarget(dst.path);
  const image = await openImage(src);
  let staging: string | undefined;
  try {
    if (dst.transport === 'oci-archive') staging = await makeTempDir(undefined, 'meshagent-ship-out-');
    const out = await OciLayout.create(staging ?? dst.path);
    const printProgress = progressPrinter(io);
    const onLayer = (event: LayerEvent): void => {
      signal.throwIfAborted();
      printProgress(event);
    };
    const result = await convertImageForShip(image.layout, image.descriptor, out, { ...settings, onLayer });
    const name = dst.ref ?? image.name;
    await out.setRef(result.descriptor, name);
    if (staging !== undefined) await packOciArchive(staging, dst.path);
    for (const miss of result.missingPrefetch) io.stderr(`warning: ${describeMiss(miss)}\n`);
    io.stdout(json ? `${JSON.stringify(describe(result, formatImageRef(dst), name), null, 2)}\n` : render(result, formatImageRef(dst)));
    return 0;
  } finally {
    await image.close();
    if (staging !== undefined) await rm(staging, { recursive: true, force: true });
  }
}

function integerOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new ShipError(`--${name} takes a whole number, not ${JSON.stringify(value)}`, { hint: `the default is ${fallback}` });
  return Number(value.trim());
}

/** Prints how far a long-running layer has got, at most every two seconds, on stderr. */
function progressPrinter(io: CommandIo): (event: LayerEvent) => void {
  const started = new Map<Digest, { at: number; last: number }>();
  return (event) => {
    const now = Date.now();
    if (event.kind === 'start') started.set(event.digest, { at: now, last: now });
    const state = started.get(event.digest);
    if (!state) return;
    if (event.kind === 'progress' && now - state.last >= PROGRESS_EVERY_MS) {
      state.last = now;
      const seconds = (now - state.at) / 1000;
      io.stderr(`  ${short(event.digest)}: ${mb(event.payloadBytes)} MB of file data converted (${(event.payloadBytes / 1e6 / seconds).toFixed(1)} MB/s)\n`);
    }
    if (event.kind === 'done' && now - state.at >= PROGRESS_EVERY_MS)
      io.stderr(`  ${short(event.digest)}: done in ${((now - state.at) / 1000).toFixed(1)} s\n`);
  };
}

function short(digest: string): string {
  return `layer ${digest.slice(7, 19)}`;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}

function describe(result: ImageConversion, image: string, name: string | undefined) {
  return {
    image,
    name: name ?? null,
    digest: result.descriptor.digest,
    mediaType: result.descriptor.mediaType,
    manifests: result.manifests.map((m) => ({
      digest: m.digest,
      source: m.source,
      platform: m.platform ?? null,
      layers: m.layers.map(({ source, result: r, prioritized, prefetchFiles }) => ({
        source,
        digest: r.digest,
        size: r.size,
        tocDigest: r.tocDigest,
        diffId: r.diffId,
        uncompressedSize: r.uncompressedSize,
        entries: r.entries,
        passedThrough: r.passedThrough,
        prioritized,
        prefetchFiles,
      })),
    })),
    missingPrefetch: result.missingPrefetch.map((miss) => ({ pattern: miss.pattern, reason: miss.reason, resolvedTo: `/${miss.path}` })),
  };
}

function render(result: ImageConversion, image: string): string {
  const lines = [`Converted to eStargz: ${image} (${result.descriptor.digest})`];
  for (const m of result.manifests) {
    const platform = m.platform ? ` ${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}` : '';
    lines.push(`  manifest ${m.digest}${platform}`);
    for (const { source, result: r, prioritized, prefetchFiles } of m.layers) {
      const note = r.passedThrough
        ? ' (already eStargz, kept)'
        : prioritized.length > 0
          ? ` (${prioritized.length} entries prefetched, ${prefetchFiles} of them files)`
          : '';
      lines.push(`    ${source.slice(0, 19)} -> ${r.digest.slice(0, 19)}  ${(r.size / 1e6).toFixed(1)} MB, TOC ${r.tocDigest.slice(0, 19)}${note}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
