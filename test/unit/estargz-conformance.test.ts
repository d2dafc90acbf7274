// The eStargz conformance table (test/helpers/estargz-conformance.ts) against our converter, through the whole-image
// conversion the pipeline uses; the infra project runs the same table against ctr-remote. Then the checker itself
// is shown to catch what a broken converter would get wrong, on tampered copies of a good blob.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { convertImage } from '../../src/estargz/image.js';
import type { Digest } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout.js';
import {
  CASES,
  conformanceDefects,
  expectedDefects,
  optionsOf,
  tarOf,
  TOC_DIGEST,
  type ConvertedLayer,
  type Converter,
} from '../helpers/estargz-conformance.js';
import { footerOffset, gzipMembers, readTocMember, sha256 } from '../helpers/estargz-raw.js';
import { convertedLayerOf, writeOneLayerImage } from '../helpers/one-layer-image.js';
import { buildTar, payload } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'estargz-conformance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
const ours: Converter = {
  name: 'ours',
  membersOnlyAtTocOffsets: true,
  async convert(tar, options) {
    counter += 1;
    const dir = join(work, String(counter));
    writeOneLayerImage(join(dir, 'in'), tar);
    const source = await OciLayout.open(join(dir, 'in'));
    const out = await OciLayout.create(join(dir, 'out'));
    const conversion = await convertImage(source, await source.resolve('latest'), out, {
      chunkSize: options.chunkSize,
      level: options.level,
      prefetch: options.prefetch,
    });
    return convertedLayerOf((digest) => readFileSync(out.blobPath(digest as Digest)), conversion.descriptor);
  },
};

describe('eStargz conformance: ours', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const refused = c.refusedBy?.ours;
    if (refused) {
      await expect(ours.convert(tarOf(c), optionsOf(c), c.name)).rejects.toThrow(refused.error);
      return;
    }
    const out = await ours.convert(tarOf(c), optionsOf(c), c.name);
    expect(conformanceDefects(c, out, ours)).toEqual(expectedDefects(c, ours.name).map((d) => expect.stringMatching(d)));
  });
});

describe('the conformance checker', () => {
  const c = CASES.find((x) => x.name === 'files around the chunk size');
  let good: ConvertedLayer;
  const defects = (out: ConvertedLayer) => conformanceDefects(c!, out, ours);

  /** A copy of `good` whose TOC JSON is `edit`ed, with a TOC member, footer and annotation that match it. */
  const withToc = (edit: (toc: { entries: Array<Record<string, unknown>> }) => void): ConvertedLayer => {
    const tocOffset = footerOffset(good.blob);
    const { toc } = readTocMember(gzipMembers(good.blob).at(-2)!.data);
    edit(toc as unknown as { entries: Array<Record<string, unknown>> });
    const json = Buffer.from(JSON.stringify(toc, null, '\t'));
    const member = gzipSync(buildTar([{ name: 'stargz.index.json', data: json, mode: 0, mtime: 0 }], 'ustar'));
    const blob = Buffer.concat([good.blob.subarray(0, tocOffset), member, good.blob.subarray(-51)]);
    const stream = Buffer.concat(gzipMembers(blob).map((m) => m.data));
    return {
      ...good,
      blob,
      diffId: sha256(stream),
      annotations: { ...good.annotations, [TOC_DIGEST]: sha256(json), 'io.containers.estargz.uncompressed-size': String(stream.length) },
    };
  };

  it('passes the good blob, and a TOC rewritten without changes (the tampering itself is sound)', async () => {
    good = await ours.convert(tarOf(c!), optionsOf(c!), c!.name);
    expect(defects(good)).toEqual([]);
    expect(defects(withToc(() => {}))).toEqual([]);
  });

  it('catches a wrong footer, a cut blob and a corrupt member', () => {
    const footer = Buffer.from(good.blob);
    footer.write('G', footer.length - 51 + 16, 'latin1');
    expect(defects({ ...good, blob: footer })).toEqual([expect.stringMatching(/^blob: footer offset "G[0-9a-f]{15}" is not 16 lowercase hex digits$/)]);
    const legacy = Buffer.from(good.blob);
    legacy[legacy.length - 51 + 12] = 0x41; // SI1 'A' instead of 'S'
    expect(defects({ ...good, blob: legacy })).toEqual(['blob: footer byte 12 is 0x41, not 0x53']);
    expect(defects({ ...good, blob: good.blob.subarray(0, -1) })[0]).toMatch(/^blob: footer byte/);
    const flipped = Buffer.from(good.blob);
    flipped.writeUInt8((flipped.at(-60) ?? 0) ^ 0xff, flipped.length - 60); // inside the TOC member's deflate data
    expect(defects({ ...good, blob: flipped })[0]).toMatch(/^blob: member at \d+: /);
  });

  it('catches annotations and a diff_id that do not describe the blob', () => {
    expect(defects({ ...good, diffId: sha256('other') })).toEqual([expect.stringMatching(/^diff_id sha256:\w+ is not the digest of the decompressed blob/)]);
    expect(defects({ ...good, annotations: { ...good.annotations, [TOC_DIGEST]: sha256('other') } })).toEqual([
      expect.stringMatching(/^toc.digest annotation/),
    ]);
    expect(defects({ ...good, mediaType: 'application/vnd.oci.image.layer.v1.tar' })).toEqual([
      "the layer's media type is application/vnd.oci.image.layer.v1.tar",
    ]);
  });

  /** The `k`-th TOC entry (chunks included) named `name`. */
  const named = (toc: { entries: Array<Record<string, unknown>> }, name: string, k = 0) => toc.entries.filter((e) => e.name === name)[k]!;

  it('catches wrong chunk digests, chunk sizes, offsets and fields', () => {
    expect(defects(withToc((toc) => void (named(toc, 's/two', 1).chunkDigest = sha256('x'))))).toEqual([
      "s/two chunk 1: chunkDigest is not the digest of the fixture's bytes",
    ]);
    expect(defects(withToc((toc) => void delete named(toc, 's/below').chunkDigest))).toEqual([
      "s/below chunk 0: chunkDigest is not the digest of the fixture's bytes",
    ]);
    expect(defects(withToc((toc) => void delete named(toc, 's/below').digest))).toEqual([
      's/below: digest is undefined, expected "sha256:' + sha256(payload(4095, 1)).slice(7) + '"',
    ]);
    expect(defects(withToc((toc) => void (named(toc, 's/exact').chunkSize = 100)))).toEqual(['s/exact chunk 0: chunkSize 100 for a chunk of 4096 bytes']);
    expect(defects(withToc((toc) => void (named(toc, 's/above', 1).chunkSize = 1)))).toEqual(['s/above chunk 1: chunkSize 1 for a chunk of 1 bytes']);
    expect(defects(withToc((toc) => void (named(toc, 's/many', 2).chunkOffset = 8000)))).toEqual(['s/many chunk 2: chunkOffset 8000, not 8192']);
    const shared = defects(withToc((toc) => void (named(toc, 's/exact').offset = named(toc, 's/below').offset)));
    expect(shared).toEqual([
      expect.stringMatching(/^s\/exact chunk 0: the member at \d+ starts at byte \d+ of the tar, not at the chunk \(\d+\)$/),
      expect.stringMatching(/^s\/exact chunk 0: offset \d+ is used twice$/),
      expect.stringMatching(/^a gzip member starts at \d+, where the TOC points at no chunk$/),
    ]);
    expect(defects(withToc((toc) => void (named(toc, 's/one').mode = 0o600)))).toEqual(['s/one: mode is 384, expected 420']);
    expect(defects(withToc((toc) => void (named(toc, 's/one').modtime = '2020-09-13T12:26:41Z')))).toEqual([
      's/one: modtime is "2020-09-13T12:26:41Z", expected "2020-09-13T12:26:40Z"',
    ]);
    expect(defects(withToc((toc) => void (named(toc, 's/one').type = 'symlink')))[0]).toMatch(/^TOC entries .* are not the tar's/);
  });

  it('catches a TOC that misses or reorders entries, or has a second landmark', () => {
    expect(defects(withToc((toc) => void toc.entries.splice(1, 1)))[0]).toMatch(/^TOC entries .* are not the tar's/);
    expect(defects(withToc((toc) => toc.entries.push({ name: '.prefetch.landmark', type: 'reg' })))).toContain('2 landmarks in the TOC, not one');
    const other = { ...c!, order: [...c!.order].reverse() };
    expect(conformanceDefects(other, good, ours)[0]).toMatch(/^TOC order .* expected/);
  });

  it('catches a member boundary where the TOC points at nothing, and a TOC offset inside a member', () => {
    const members = gzipMembers(good.blob);
    const last = members.at(-3)!; // the last chunk of s/many, before the TOC member
    const split = Buffer.concat([gzipSync(last.data.subarray(0, 10)), gzipSync(last.data.subarray(10))]);
    const footer = Buffer.from(good.blob.subarray(-51));
    footer.write((last.offset + split.length).toString(16).padStart(16, '0'), 16, 'latin1');
    const blob = Buffer.concat([good.blob.subarray(0, last.offset), split, good.blob.subarray(last.offset + last.length, -51), footer]);
    const inside = gzipSync(last.data.subarray(0, 10)).length + last.offset;
    expect(defects({ ...good, blob })).toEqual([`a gzip member starts at ${inside}, where the TOC points at no chunk`]);
    expect(conformanceDefects(c!, { ...good, blob }, { ...ours, membersOnlyAtTocOffsets: false })).toEqual([
      `the gzip member at ${inside} starts inside a tar entry (byte ${last.start + 10})`,
    ]);

    // Everything before the TOC in one member: every offset the TOC gives points inside it.
    const merged = gzipSync(Buffer.concat(members.slice(0, -2).map((m) => m.data)));
    const footer2 = Buffer.from(footer);
    footer2.write(merged.length.toString(16).padStart(16, '0'), 16, 'latin1');
    const one = defects({ ...good, blob: Buffer.concat([merged, good.blob.subarray(footerOffset(good.blob), -51), footer2]) });
    const pointed = readTocMember(members.at(-2)!.data).toc.entries.filter((e) => e.offset !== undefined);
    expect(pointed).toHaveLength(12);
    expect(one.filter((d) => / is not the start of a gzip member$/.test(d))).toHaveLength(pointed.length);
  });
});
