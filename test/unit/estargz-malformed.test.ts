// Malformed layers: each must end in a ShipError that names the layer and, where there is one, the tar entry, with
// a hint — never a crash, a hang or unbounded memory. The last tests fuzz the converter and the verifier with
// random damage to valid inputs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { verifyLayerBlob } from '../../src/estargz/verify.js';
import { closePool, convertBuffer } from '../helpers/estargz.js';
import { awkwardEntries, buildTar, entryBlocks, payload } from '../helpers/tar-builder.js';

afterAll(closePool);

async function failure(input: Buffer): Promise<ShipError> {
  try {
    await convertBuffer(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ShipError);
    const shipError = error as ShipError;
    expect(shipError.message).toMatch(/^\S+: layer sha256:[0-9a-f]{64}: /);
    expect(shipError.hint).toBeTruthy();
    return shipError;
  }
  throw new Error('the conversion succeeded');
}

/** Rewrites a header field and fixes the checksum, so only the field is wrong. */
function setField(tar: Buffer, headerAt: number, at: number, text: string): Buffer {
  const out = Buffer.from(tar);
  out.write(text, headerAt + at, 'latin1');
  out.fill(0x20, headerAt + 148, headerAt + 156);
  let sum = 0;
  for (let i = headerAt; i < headerAt + 512; i += 1) sum += out[i] as number;
  out.write(`${sum.toString(8).padStart(6, '0')}\0 `, headerAt + 148, 'latin1');
  return out;
}

describe('malformed layers', () => {
  const tar = buildTar(
    [
      { name: 'first.txt', data: 'hello' },
      { name: 'big.bin', data: payload(10_000) },
      { name: 'last.txt', data: 'bye' },
    ],
    'ustar',
  );
  const second = 1024; // first.txt: header + one data block

  it('a tar cut inside a payload names the entry', async () => {
    const error = await failure(tar.subarray(0, second + 512 + 3000));
    expect(error.message).toMatch(/"big\.bin".*(cut short|ends after 3000 of 10000)/);
  });

  it('a tar cut inside a header says so', async () => {
    expect((await failure(tar.subarray(0, second + 100))).message).toContain('the archive ends inside a header (100 of 512 bytes)');
  });

  it('a bad header checksum names the offset, never the damaged bytes (they may not be a tar header at all)', async () => {
    const bad = Buffer.from(tar);
    bad[second + 1] = 0x41;
    const { message } = await failure(bad);
    expect(message).toMatch(/bad header checksum: a damaged tar header, or not a tar at all \(at byte 1024/);
    expect(message).not.toContain('bAg');
  });

  it('a size field larger than the stream is a truncated payload, not a long wait', async () => {
    const huge = setField(tar, second, 124, '77777777777\0');
    expect((await failure(huge)).message).toMatch(/"big\.bin".*(cut short|ends after)/);
  });

  it('a non-octal number field names the field', async () => {
    const { message } = await failure(setField(tar, second, 100, '0x12345\0'));
    expect(message).toContain('tar entry "big.bin": the mode field is not an octal number');
    expect(message).not.toContain('0x12345');
  });

  it('absurd PAX records are refused', async () => {
    const pax = (data: string, size = Buffer.byteLength(data)) => {
      const header = entryBlocks({ name: 'PaxHeader/x', type: 'x', data }, 'ustar');
      const withSize = setField(header, 0, 124, `${size.toString(8).padStart(11, '0')}\0`);
      return Buffer.concat([
        withSize.subarray(0, size === Buffer.byteLength(data) ? withSize.length : 512 + Math.ceil(Buffer.byteLength(data) / 512) * 512),
        tar,
      ]);
    };
    expect((await failure(pax('99999999999 path=x\n'))).message).toContain('PAX record length runs past the header');
    expect((await failure(pax('12 pathx\n   '))).message).toMatch(/PAX record (has no key=value|does not end with a newline)/);
    expect((await failure(pax('11 size=ab\n'))).message).toContain('PAX record size is not a valid number');
    expect((await failure(pax('10 path=x\n', 64 << 20))).message).toContain('extension header is 67108864 bytes, more than the 1048576 allowed');
  });

  it('a name that is not UTF-8 is refused (the TOC could not spell it)', async () => {
    const bad = Buffer.from(tar);
    const withName = setField(bad, 0, 0, 'bad-\xff-name\0');
    expect((await failure(withName)).message).toContain('is not valid UTF-8');
  });

  it('sparse files and unknown entry types are refused, naming the entry', async () => {
    expect((await failure(setField(tar, second, 156, 'S'))).message).toContain('tar entry "big.bin": unsupported entry type "S" (GNU sparse file)');
    expect((await failure(setField(tar, second, 156, 'V'))).message).toContain('unsupported entry type "V"');
  });

  it('corrupt or truncated gzip says the compressed stream is corrupt', async () => {
    const gz = gzipSync(tar);
    const flipped = Buffer.from(gz);
    for (let i = 20; i < 40; i += 1) flipped[i] = (flipped[i] as number) ^ 0x55;
    expect((await failure(flipped)).message).toMatch(/compressed stream is corrupt|cut short|bad header checksum|not an octal/);
    expect((await failure(gz.subarray(0, gz.length - 30))).message).toMatch(/compressed stream is corrupt \(unexpected end of file\)|cut short/);
  });
});

describe('fuzzing', () => {
  const valid = buildTar(awkwardEntries('./', 'pax'), 'pax');
  const damage = fc.record({
    cut: fc.option(fc.integer({ min: 0, max: valid.length }), { nil: undefined }),
    flips: fc.array(fc.record({ at: fc.integer({ min: 0, max: valid.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
    gzip: fc.boolean(),
  });
  const dir = mkdtempSync(join(tmpdir(), 'estargz-fuzz-'));

  it('the converter either converts damaged tars into valid eStargz or fails with a ShipError', async () => {
    await fc.assert(
      fc.asyncProperty(damage, async ({ cut, flips, gzip }) => {
        const input = Buffer.from(valid.subarray(0, cut ?? valid.length));
        for (const { at, value } of flips) if (at < input.length) input[at] = value;
        let converted;
        try {
          converted = await convertBuffer(gzip ? gzipSync(input) : input);
        } catch (error) {
          if (!(error instanceof ShipError)) throw error;
          expect(error.message).toMatch(/^\S+: layer sha256:/);
          return;
        }
        const report = await verifyLayerBlob(converted.path, { annotations: converted.annotations, diffId: converted.diffId });
        expect(report.defects).toEqual([]);
      }),
      { numRuns: 150, seed: 42 },
    );
  }, 60_000);

  it('the verifier reports damaged eStargz blobs without throwing', async () => {
    const good = await convertBuffer(valid);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (flips, cut) => {
          const blob = Buffer.from(good.blob.subarray(0, cut === undefined ? good.blob.length : cut % good.blob.length));
          let changed = cut !== undefined;
          for (const { at, value } of flips) {
            const i = at % blob.length;
            changed ||= blob[i] !== value;
            blob[i] = value;
          }
          const path = join(dir, `fuzz-${(n += 1)}`);
          writeFileSync(path, blob);
          const report = await verifyLayerBlob(path, { annotations: good.annotations, diffId: good.diffId });
          if (!changed) expect(report.defects).toEqual([]);
          // Whatever it accepts decompresses to exactly the original layer (a flip in a gzip header's MTIME is harmless).
          if (report.defects.length === 0) expect(gunzipSync(blob).equals(gunzipSync(good.blob))).toBe(true);
          else expect(report.defects.every((d) => typeof d === 'string' && d.length > 0)).toBe(true);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  }, 60_000);
});
