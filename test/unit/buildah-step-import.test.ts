// Importing a cache's step images: one whose pull fails beside the others is tried once more alone (pulls of images
// that share layers can trip over each other in one storage); only one that fails again becomes a note.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importStepImages } from '../../src/build/buildah-steps.js';
import type { CommandResult } from '../../src/build/process.js';

const id = (c: string) => c.repeat(64);

function cacheLayout(refs: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'step-import-'));
  const manifests = refs.map((ref) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${ref}`,
    size: 1,
    annotations: { 'org.opencontainers.image.ref.name': ref },
  }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  return dir;
}

const answer = (code: number, stdout: string, tail: string[] = []): CommandResult => ({ code, signal: null, tail, stdout });

describe('step image import', () => {
  it('tries a failed pull once more alone, and notes only what fails twice', async () => {
    const dir = cacheLayout([id('a'), id('b'), id('c')]);
    const calls: string[] = [];
    const buildah = async (args: readonly string[]): Promise<CommandResult> => {
      const ref = (args.at(-1) ?? '').replace('oci:steps:', '');
      calls.push(ref[0] ?? '');
      const tries = calls.filter((c) => c === ref[0]).length;
      if (ref === id('b') && tries === 1) return answer(125, '', ['Error: layer is locked by another pull']);
      if (ref === id('c')) return answer(125, '', ['Error: no such blob']);
      return answer(0, `${ref}\n`);
    };
    const imported = await importStepImages(buildah, dir, join(dir, 'scratch'));
    expect([...imported.ids.keys()].sort()).toEqual([id('a'), id('b')]);
    expect(imported.notes).toEqual([`step image ${'c'.repeat(12)} of the cache could not be read: Error: no such blob`]);
    expect(calls.sort()).toEqual(['a', 'b', 'b', 'c', 'c']);
  });

  it('takes a step back only under its own id: a pull answered with another id is tried again alone, then noted', async () => {
    const dir = cacheLayout([id('a'), id('b'), id('c')]);
    const tries = new Map<string, number>();
    const buildah = async (args: readonly string[]): Promise<CommandResult> => {
      const ref = (args.at(-1) ?? '').replace('oci:steps:', '');
      tries.set(ref, (tries.get(ref) ?? 0) + 1);
      // b comes back as a's id the first time (two pulls side by side), c every time.
      if ((ref === id('b') && tries.get(ref) === 1) || ref === id('c')) return answer(0, `${id('a')}\n`);
      return answer(0, `${ref}\n`);
    };
    const imported = await importStepImages(buildah, dir, join(dir, 'scratch'));
    expect([...imported.ids.entries()].sort()).toEqual([
      [id('a'), id('a')],
      [id('b'), id('b')],
    ]);
    expect(imported.notes).toEqual([`step image ${'c'.repeat(12)} of the cache could not be read: buildah imported it as ${'a'.repeat(12)}`]);
  });
});
