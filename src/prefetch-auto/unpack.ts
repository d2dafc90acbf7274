/**
 * Unpacks an image's layers into a scratch directory as its container would see them: bottom layer first, each
 * layer's whiteouts (`.wh.NAME` removes NAME, `.wh..wh..opq` empties its directory) applied to the layers below
 * before its own entries land. Extraction and removal run chrooted into the directory (a static busybox copied in
 * for the time), so an absolute symlink in the image (`/usr/lib -> /opt/lib`) points into the image, never into
 * this machine's files.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { Descriptor, OciLayout } from '../oci/index.js';
import { decompress, readTar, sniffCompression } from '../tar/index.js';
import { privileged } from './privileged.js';

/** Where the busybox sits inside the root while the layers are unpacked (named busybox: it picks its applet by name). */
export const UNPACK_DIR = '/.meshagent-ship-unpack';
const UNPACK_TOOL = `${UNPACK_DIR}/busybox`;
const OPAQUE = '.wh..wh..opq';

/** Unpacks `layers` (bottom first) into `root`, which holds only the busybox in UNPACK_DIR. */
export async function unpackLayers(layout: OciLayout, layers: readonly Descriptor[], root: string): Promise<void> {
  for (const layer of layers) {
    const whiteouts = await whiteoutsOf(layout, layer);
    const removals = whiteouts.map((path) => {
      const dir = posix.dirname(`/${path}`);
      const name = posix.basename(path);
      return name === OPAQUE
        ? `${UNPACK_TOOL} find ${quote(dir)} -mindepth 1 -maxdepth 1 -exec ${UNPACK_TOOL} rm -rf {} +`
        : `${UNPACK_TOOL} rm -rf ${quote(posix.join(dir, name.slice('.wh.'.length)))}`;
    });
    const script = ['set -e', ...removals, `${UNPACK_TOOL} tar -x -f -`, ...whiteouts.map((path) => `${UNPACK_TOOL} rm -f ${quote(`/${path}`)}`)].join('\n');
    await runWithInput(
      privileged(['unshare', `--root=${root}`, '--', UNPACK_TOOL, 'sh', '-c', script]),
      await layerTar(layout, layer),
      `layer ${layer.digest}`,
    );
  }
}

async function layerTar(layout: OciLayout, layer: Descriptor): Promise<Readable> {
  const path = layout.blobPath(layer.digest);
  return decompress(createReadStream(path), await sniffCompression(path), `layer ${layer.digest}`);
}

/** The whiteout entries of a layer (cleaned paths), in archive order. */
async function whiteoutsOf(layout: OciLayout, layer: Descriptor): Promise<string[]> {
  const found: string[] = [];
  for await (const { header } of readTar(await layerTar(layout, layer))) {
    const path = posix
      .normalize(header.name)
      .replace(/^(\.\/|\/)+/, '')
      .replace(/\/$/, '');
    if (posix.basename(path).startsWith('.wh.')) found.push(path);
  }
  return found;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function runWithInput(argv: readonly string[], input: Readable, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = argv as [string, ...string[]];
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('error', reject);
    child.stdin.on('error', () => {}); // a tar that stops early closes its input; its exit code says why
    input.on('error', (error) => child.kill() && reject(error));
    input.pipe(child.stdin);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`unpacking ${what} failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`)),
    );
  });
}
