// The verifier's positive and negative cases (reference estargz.md §9 items 1, 3 and 4): footer round trip, and a
// defect, naming the entry, for each way a blob or its TOC can be wrong.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOOTER_SIZE, LEGACY_FOOTER_SIZE, makeFooter, parseFooter } from '../../src/estargz/footer.js';
import { bareFileHeader } from '../../src/tar/header.js';
import type { ParsedToc } from '../../src/estargz/toc.js';
import { verifyLayerBlob } from '../../src/estargz/verify.js';
import { Annotation } from '../../src/oci/media-types.js';
import { closePool, convertBuffer, memberOffsets, type Converted } from '../helpers/estargz.js';
import { awkwardEntries, buildTar } from '../helpers/tar-builder.js';

const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('footer', () => {
  it('round-trips every offset and is 51 bytes', () => {
    for (let offset = 0; offset <= 200_000; offset += 1023) {
      const footer = makeFooter(offset);
      expect(footer.length).toBe(FOOTER_SIZE);
      expect(parseFooter(footer)).toEqual({ tocOffset: offset, size: FOOTER_SIZE, legacy: false });
    }
  });

  it('matches the bytes the Go writer produces', () => {
    expect(makeFooter(0x381d).toString('hex')).toBe('1f8b08040000000000ff1a00534716003030303030303030303030303338316453544152475a010000ffff0000000000000000');
  });

  it('reads the legacy 47-byte stargz footer', () => {
    const legacy = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 22, 0]),
      Buffer.from(`${(12345).toString(16).padStart(16, '0')}STARGZ`),
      Buffer.from([1, 0, 0, 0xff, 0xff]),
      Buffer.alloc(8),
    ]);
    expect(legacy.length).toBe(LEGACY_FOOTER_SIZE);
    expect(parseFooter(legacy)).toEqual({ tocOffset: 12345, size: LEGACY_FOOTER_SIZE, legacy: true });
  });

  it('refuses malformed footers without crashing', () => {
    const good = makeFooter(99);
    for (let i = 0; i < good.length; i += 1) {
      const bad = Buffer.from(good);
      bad[i] = (bad[i] as number) ^ 0x40;
      const parsed = parseFooter(bad);
      if (parsed) expect(parsed.tocOffset).not.toBe(Number.NaN);
    }
    expect(parseFooter(Buffer.alloc(0))).toBeUndefined();
    expect(parseFooter(Buffer.alloc(51))).toBeUndefined();
    expect(parseFooter(good.subarray(0, 50))).toBeUndefined();
    const notHex = Buffer.from(good);
    notHex.write('zz', 16, 'latin1');
    expect(parseFooter(notHex)).toBeUndefined();
  });
});

describe('verifier', () => {
  const input = buildTar(awkwardEntries('', 'pax'), 'pax');
  let good: Converted;
  let other: Converted;
  const dir = mkdtempSync(join(tmpdir(), 'estargz-verify-'));
  let n = 0;

  beforeAll(async () => {
    good = await convertBuffer(input, { chunkSize: 4096 });
    other = await convertBuffer(buildTar([{ name: 'x', data: 'y' }]));
  });
  afterAll(closePool);

  async function check(blob: Buffer, annotations = good.annotations, diffId: string | undefined = good.diffId): Promise<string[]> {
    const path = join(dir, `blob-${(n += 1)}`);
    writeFileSync(path, blob);
    return (await verifyLayerBlob(path, { annotations, diffId })).defects;
  }

  /** The same blob with its TOC replaced by `mutate(toc)`, re-serialised into a fresh TOC member and footer. */
  function withToc(mutate: (toc: ParsedToc) => void, base: Converted = good): { blob: Buffer; annotations: Record<string, string> } {
    const tocOffset = parseFooter(base.blob)?.tocOffset as number;
    const toc = structuredClone(base.toc);
    mutate(toc);
    const json = Buffer.from(JSON.stringify(toc, null, '\t'));
    const member = gzipSync(
      Buffer.concat([bareFileHeader('stargz.index.json', json.length), json, Buffer.alloc((512 - (json.length % 512)) % 512), Buffer.alloc(1024)]),
    );
    const blob = Buffer.concat([base.blob.subarray(0, tocOffset), member, makeFooter(tocOffset)]);
    return { blob, annotations: { ...base.annotations, [Annotation.stargzTocDigest]: sha(json) } };
  }
  const entry = (toc: ParsedToc, name: string, type = 'reg') => {
    const found = toc.entries.find((e) => e.name === name && e.type === type);
    if (!found) throw new Error(`no ${type} ${name}`);
    return found;
  };

  it('accepts the converter output', async () => {
    expect(await check(good.blob)).toEqual([]);
  });

  it('a TOC rewritten without changes still passes (the harness itself is sound)', async () => {
    const same = withToc(() => {});
    expect(await check(same.blob, same.annotations, undefined)).toEqual([]);
  });

  it('reports a missing chunkDigest', async () => {
    const { blob, annotations } = withToc((toc) => delete entry(toc, 'etc/big.bin', 'chunk').chunkDigest);
    expect(await check(blob, annotations, undefined)).toContainEqual(expect.stringMatching(/TOC entry "etc\/big.bin" \(chunk at 4096\) has no chunkDigest/));
  });

  it('reports a TOC digest that belongs to another layer', async () => {
    expect(await check(good.blob, other.annotations)).toContainEqual(expect.stringMatching(/^TOC digest sha256:\w+ does not match the annotation/));
  });

  it('reports a missing annotation', async () => {
    expect(await check(good.blob, {})).toContainEqual(expect.stringContaining('has no containerd.io/snapshot/stargz/toc.digest annotation'));
  });

  it('reports two entries sharing an offset, and an offset that is not a member start', async () => {
    const shared = withToc((toc) => (entry(toc, 'bin/hello').offset = entry(toc, 'etc/big.bin').offset));
    const defects = await check(shared.blob, shared.annotations, undefined);
    expect(defects).toContainEqual(expect.stringContaining('TOC entry "etc/big.bin" shares offset'));
    const shifted = withToc((toc) => (entry(toc, 'opt/setuid').offset = (entry(toc, 'opt/setuid').offset as number) + 1));
    expect(await check(shifted.blob, shifted.annotations, undefined)).toContainEqual(
      expect.stringMatching(/"opt\/setuid": TOC offset \d+ of the chunk at 0 is not the start of a gzip member/),
    );
  });

  it('reports a wrong chunk digest and a wrong file digest', async () => {
    const { blob, annotations } = withToc((toc) => {
      entry(toc, 'etc/big.bin', 'chunk').chunkDigest = sha('other');
      entry(toc, 'bin/hello').digest = sha('other');
    });
    const defects = await check(blob, annotations, undefined);
    expect(defects).toContainEqual(expect.stringMatching(/"etc\/big.bin": chunk at 4096 has digest sha256:\w+, the TOC says/));
    expect(defects).toContainEqual(expect.stringMatching(/"bin\/hello": file digest sha256:\w+ does not match/));
  });

  it('reports a flipped byte inside a chunk (with the gzip CRC made consistent)', async () => {
    const stored = await convertBuffer(input, { chunkSize: 4096, level: 0 });
    const target = stored.toc.entries.find((e) => e.name === 'etc/big.bin' && e.type === 'chunk') as { offset: number };
    const offsets = memberOffsets(stored.blob);
    const end = offsets[offsets.indexOf(target.offset) + 1] as number;
    const blob = Buffer.from(stored.blob);
    // A stored member: 10-byte header, 5-byte block header, the data, CRC32, ISIZE.
    blob[target.offset + 15 + 100] = (blob[target.offset + 15 + 100] as number) ^ 0x01;
    blob.writeUInt32LE(crc32(blob.subarray(target.offset + 15, end - 8)), end - 8);
    const defects = await check(blob, stored.annotations, stored.diffId);
    expect(defects).toContainEqual(expect.stringMatching(/"etc\/big.bin": chunk at 4096 has digest/));
    expect(defects).toContainEqual(expect.stringMatching(/"etc\/big.bin": file digest/));
    expect(defects).toContainEqual(expect.stringMatching(/^diff_id sha256:\w+ does not match the config's/));
  });

  it('reports a flipped byte in the compressed stream', async () => {
    const target = good.toc.entries.find((e) => e.name === 'etc/big.bin' && e.type === 'chunk') as { offset: number };
    const blob = Buffer.from(good.blob);
    blob[target.offset + 40] = (blob[target.offset + 40] as number) ^ 0xff;
    const defects = await check(blob);
    expect(defects.join('\n')).toMatch(/not a valid tar: .*(CRC32 mismatch|corrupt deflate data)/);
  });

  it('reports a truncated blob as not eStargz, and a TOC past the end', async () => {
    expect(await check(good.blob.subarray(0, good.blob.length - 10))).toEqual(['not eStargz: no eStargz footer at the end of the blob']);
    expect(await check(Buffer.concat([good.blob.subarray(0, 100), makeFooter(good.blob.length)]))).toContainEqual(
      expect.stringContaining('is past the end of the data'),
    );
    const middle = Buffer.concat([good.blob.subarray(0, 200), good.blob.subarray(400)]);
    expect((await check(middle)).length).toBeGreaterThan(0);
  });

  it('reports diff_id and uncompressed-size mismatches', async () => {
    const defects = await check(good.blob, { ...good.annotations, [Annotation.estargzUncompressedSize]: '12' }, sha('x'));
    expect(defects).toContainEqual(expect.stringMatching(/^diff_id .* does not match the config's sha256:/));
    expect(defects).toContainEqual(expect.stringMatching(/^uncompressed size \d+ does not match the annotation 12/));
  });

  it('reports chunk entries out of place and entries missing on either side', async () => {
    const moved = withToc((toc) => {
      const index = toc.entries.findIndex((e) => e.type === 'chunk');
      const [chunk] = toc.entries.splice(index, 1);
      toc.entries.splice(0, 0, chunk as (typeof toc.entries)[number]);
    });
    expect(await check(moved.blob, moved.annotations, undefined)).toContainEqual(
      expect.stringContaining('a chunk entry does not follow its file (it is the first entry)'),
    );
    const extra = withToc((toc) => toc.entries.push({ name: 'ghost', type: 'dir' }));
    expect(await check(extra.blob, extra.annotations, undefined)).toContainEqual('TOC entry "ghost" and 0 more are not in the tar stream');
    const missing = withToc((toc) =>
      toc.entries.splice(
        toc.entries.findIndex((e) => e.name === 'fifo'),
        1,
      ),
    );
    expect(await check(missing.blob, missing.annotations, undefined)).toContainEqual(
      expect.stringMatching(/tar entry "fifo" does not match TOC entry "epoch"/),
    );
    const wrongMode = withToc((toc) => (entry(toc, 'opt/setuid').mode = 0o755));
    expect(await check(wrongMode.blob, wrongMode.annotations, undefined)).toContainEqual(
      'tar entry "opt/setuid" does not match TOC entry "opt/setuid": mode is 2541 in the tar, 493 in the TOC',
    );
    const badLink = withToc((toc) => (entry(toc, 'etc/hard', 'hardlink').linkName = 'nowhere'));
    expect(await check(badLink.blob, badLink.annotations, undefined)).toContainEqual(
      expect.stringContaining('hardlink target "nowhere" is not earlier in the TOC'),
    );
  });

  it('reports a TOC member that does not start with stargz.index.json', async () => {
    const tocOffset = parseFooter(good.blob)?.tocOffset as number;
    const json = Buffer.from(JSON.stringify(good.toc));
    const member = gzipSync(Buffer.concat([bareFileHeader('index.json', json.length), json, Buffer.alloc(1024)]));
    const blob = Buffer.concat([good.blob.subarray(0, tocOffset), member, makeFooter(tocOffset)]);
    expect(await check(blob)).toEqual(['the TOC member does not start with the tar entry stargz.index.json']);
  });
});
