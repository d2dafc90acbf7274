// The eStargz conformance table (test/helpers/estargz-conformance.ts) against ctr-remote, the Go reference: each
// fixture becomes a one-layer image, imported into the test containerd, converted with `ctr-remote images convert
// --estargz --oci` (a prefetch list goes in as an `--estargz-record-in` record file) and exported; the layer is
// checked for the same facts as ours, with the differences the table documents.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CASES, conformanceDefects, expectedDefects, optionsOf, tarOf, type Converter } from '../helpers/estargz-conformance.js';
import { gzipMembers, readTocMember, walkTar } from '../helpers/estargz-raw.js';
import { archiveOf, convertedLayerOf, writeOneLayerImage } from '../helpers/one-layer-image.js';
import { ctrRemote, type RunResult } from './env.js';

const infra = inject('infra');
const work = mkdtempSync(join(tmpdir(), 'estargz-conformance-go-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function ok(r: RunResult, what: string): void {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.stderr}${r.stdout}`);
}

const ctrRemoteConverter: Converter = {
  name: 'ctr-remote',
  membersOnlyAtTocOffsets: false,
  async convert(tar, options, label) {
    const slug = label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    const dir = join(work, slug);
    writeOneLayerImage(join(dir, 'layout'), tar);
    writeFileSync(join(dir, 'in.tar'), archiveOf(join(dir, 'layout')));
    const name = `conformance/${slug}`;
    const converted = `${name}-esgz:latest`;
    ctrRemote(infra, ['images', 'rm', `${name}:latest`, converted]);
    try {
      ok(ctrRemote(infra, ['images', 'import', '--no-unpack', '--base-name', name, join(dir, 'in.tar')]), 'ctr-remote images import');
      const args = ['--estargz-chunk-size', String(options.chunkSize), '--estargz-compression-level', String(options.level)];
      if (options.prefetch.length > 0) {
        // The record file `ctr-remote images optimize --record-out` writes: one JSON object per line.
        writeFileSync(join(dir, 'record.json'), options.prefetch.map((path) => `${JSON.stringify({ path })}\n`).join(''));
        args.push('--estargz-record-in', join(dir, 'record.json'));
      }
      ok(ctrRemote(infra, ['images', 'convert', '--estargz', '--oci', ...args, `${name}:latest`, converted]), 'ctr-remote images convert');
      ok(ctrRemote(infra, ['images', 'export', join(dir, 'out.tar'), converted]), 'ctr-remote images export');
    } finally {
      ctrRemote(infra, ['images', 'rm', `${name}:latest`, converted]);
    }
    const files = new Map(walkTar(readFileSync(join(dir, 'out.tar'))).entries.map((e) => [e.name.replace(/^\.\//, ''), e.data]));
    const read = (path: string) => {
      const data = files.get(path);
      if (!data) throw new Error(`the exported archive has no ${path}`);
      return data;
    };
    const index = JSON.parse(read('index.json').toString('utf8')) as { manifests: Array<{ mediaType: string; digest: string }> };
    const top = index.manifests[0];
    if (!top) throw new Error('the exported archive lists no image');
    return convertedLayerOf((digest) => read(`blobs/${digest.replace(':', '/')}`), top);
  },
};

describe('eStargz conformance: ctr-remote (the Go reference)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const refused = c.refusedBy?.[ctrRemoteConverter.name];
    if (refused) {
      await expect(ctrRemoteConverter.convert(tarOf(c), optionsOf(c), c.name)).rejects.toThrow(refused.error);
      return;
    }
    const out = await ctrRemoteConverter.convert(tarOf(c), optionsOf(c), c.name);
    expect(conformanceDefects(c, out, ctrRemoteConverter)).toEqual(expectedDefects(c, ctrRemoteConverter.name).map((d) => expect.stringMatching(d)));
  });

  // Build cuts the tar into GOMAXPROCS slices: on one CPU there is one slice, and no member starts at a header.
  it.skipIf(availableParallelism() < 2)('starts gzip members at tar headers too (its parallel slices), which is why the table allows them for it', async () => {
    const c = CASES.find((x) => x.name === 'many files of mixed sizes')!;
    const out = await ctrRemoteConverter.convert(tarOf(c), optionsOf(c), `${c.name} slices`);
    const members = gzipMembers(out.blob);
    const pointed = new Set(readTocMember(members.at(-2)!.data).toc.entries.map((e) => e.offset));
    expect(members.slice(1, -2).filter((m) => !pointed.has(m.offset)).length).toBeGreaterThan(0);
    expect(conformanceDefects(c, out, { ...ctrRemoteConverter, membersOnlyAtTocOffsets: true }).join('\n')).toMatch(/where the TOC points at no chunk/);
  });
});
