// The start-up benchmark's image wrapper (bench/startup/make-layout.mjs): gzip layers made elsewhere become an OCI
// layout whose manifest names each blob by its digest and size and whose config has each layer's diff_id (the
// digest of the tar inside) and the start command. Small layers here; the benchmark's are this machine's files.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTar, payload } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'bench-startup-layout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('bench/startup/make-layout.mjs', () => {
  it('wraps gzip layers as an image with their digests, diff_ids and the start command', () => {
    const layers = [
      gzipSync(
        buildTar(
          [
            { name: 'usr/', type: '5' },
            { name: 'usr/lib/libdemo.so.1', data: payload(300_000, 3), mode: 0o755 },
          ],
          'ustar',
        ),
      ),
      gzipSync(
        buildTar(
          [
            { name: 'usr/bin/', type: '5' },
            { name: 'usr/bin/python3.11', data: payload(70_000, 4), mode: 0o755 },
          ],
          'gnu',
        ),
      ),
    ];
    const files = layers.map((layer, i) => {
      const file = join(work, `layer${i}.tar.gz`);
      writeFileSync(file, layer);
      return file;
    });
    const dir = join(work, 'image');
    const made = spawnSync(process.execPath, ['bench/startup/make-layout.mjs', dir, ...files], { encoding: 'utf8' });
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);

    const blob = (digest: string) => readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)));
    const json = (digest: string) => JSON.parse(blob(digest).toString('utf8'));
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('plain');
    const manifest = json(index.manifests[0].digest);
    expect(sha256(blob(index.manifests[0].digest))).toBe(index.manifests[0].digest);

    expect(manifest.layers).toEqual(
      layers.map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length })),
    );
    for (const layer of manifest.layers) expect(blob(layer.digest).equals(layers[manifest.layers.indexOf(layer)] as Buffer)).toBe(true);
    // Moved into the blobs, not copied.
    for (const file of files) expect(existsSync(file)).toBe(false);

    const config = json(manifest.config.digest);
    expect(sha256(blob(manifest.config.digest))).toBe(manifest.config.digest);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: layers.map((layer) => sha256(gunzipSync(layer))) });
    expect(config).toMatchObject({ os: 'linux', architecture: 'amd64' });
    expect(config.config.Cmd.slice(0, 2)).toEqual(['python3.11', '-c']);
    expect(config.config.Cmd[2]).toMatch(/^import \w+; print\("ready", flush=True\)$/);
  });
});
