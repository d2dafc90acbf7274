// What the builder tests share: build contexts written from a file map (with the static busybox beside them), build
// requests into new output directories, and readers of the built image (manifest, config, the paths of its layers).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { BuildRequest, BuiltImage } from '../../src/build/types.js';
import { ImageConfig, ImageManifest } from '../../src/oci/types.js';
import { run } from '../infra/env.js';

export interface BuildFixtures {
  /** A context directory `name` under the work directory with `files` (path -> text), and busybox unless told not to. */
  context(name: string, files: Record<string, string>, withBusybox?: boolean): string;
  /** A request to build `contextDir` as `localhost/<repository>/<context name>:1` into a new output directory. */
  request(contextDir: string, over?: Partial<BuildRequest>): BuildRequest & { lines: string[] };
}

/** `work()` gives the test's work directory (made in beforeAll); `repository` names the built images. */
export function buildFixtures(work: () => string, busybox: string, repository: string): BuildFixtures {
  let outputs = 0;
  return {
    context(name, files, withBusybox = true) {
      const dir = join(work(), name);
      mkdirSync(dir, { recursive: true });
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      if (withBusybox) copyFileSync(busybox, join(dir, 'busybox'));
      return dir;
    },
    request(contextDir, over = {}) {
      const lines: string[] = [];
      const name = contextDir.split('/').at(-1) ?? 'x';
      return {
        context: contextDir,
        file: undefined,
        buildArgs: [],
        target: undefined,
        platforms: [],
        tag: `localhost/${repository}/${name}:1`,
        outputDir: join(work(), 'out', `${name}-${(outputs += 1)}`),
        log: (line) => lines.push(line),
        lines,
        ...over,
      };
    },
  };
}

export async function imageOf(built: BuiltImage): Promise<{ manifest: ImageManifest; config: ImageConfig }> {
  const descriptor = await built.layout.resolve(built.ref);
  const manifest = await built.layout.readJson(descriptor.digest, ImageManifest, 'manifest');
  const config = await built.layout.readJson(manifest.config.digest, ImageConfig, 'config');
  return { manifest, config };
}

/** Every path in every layer of the image (layers may be plain or gzip tars; GNU tar detects which). */
export async function layerFiles(built: BuiltImage): Promise<string[]> {
  const { manifest } = await imageOf(built);
  const files: string[] = [];
  for (const layer of manifest.layers) {
    const listed = run('tar', ['-tf', built.layout.blobPath(layer.digest)]);
    expect(listed.code).toBe(0);
    files.push(
      ...listed.stdout
        .split('\n')
        .filter(Boolean)
        .map((f) => f.replace(/^\.\//, '').replace(/\/$/, '')),
    );
  }
  return files;
}
