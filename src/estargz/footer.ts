/**
 * The eStargz footer: an empty gzip member whose RFC 1952 Extra field says where the TOC member starts. It is the
 * last 51 bytes of a blob; the legacy stargz footer (47 bytes, without the `SG` subfield header) is read too.
 */
export const FOOTER_SIZE = 51;
export const LEGACY_FOOTER_SIZE = 47;

const MAGIC = 'STARGZ';

/** The 51-byte footer pointing at `tocOffset`. */
export function makeFooter(tocOffset: number): Buffer {
  const b = Buffer.alloc(FOOTER_SIZE);
  b.set([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 26, 0, 0x53, 0x47, 22, 0], 0);
  b.write(tocOffset.toString(16).padStart(16, '0'), 16, 'latin1');
  b.write(MAGIC, 32, 'latin1');
  b.set([0x01, 0x00, 0x00, 0xff, 0xff], 38); // an empty, final, stored deflate block; CRC32 and ISIZE stay 0
  return b;
}

export interface Footer {
  tocOffset: number;
  size: typeof FOOTER_SIZE | typeof LEGACY_FOOTER_SIZE;
  legacy: boolean;
}

/** Parses the tail of a blob (at least its last 51 bytes); undefined when it is not an (e)stargz footer. */
export function parseFooter(tail: Buffer): Footer | undefined {
  if (tail.length >= FOOTER_SIZE) {
    const f = tail.subarray(tail.length - FOOTER_SIZE);
    if (isEmptyGzipWithExtra(f, 26) && f[12] === 0x53 && f[13] === 0x47 && f.readUInt16LE(14) === 22 && f.toString('latin1', 32, 38) === MAGIC) {
      const offset = parseHexOffset(f.toString('latin1', 16, 32));
      if (offset !== undefined) return { tocOffset: offset, size: FOOTER_SIZE, legacy: false };
    }
  }
  if (tail.length >= LEGACY_FOOTER_SIZE) {
    const f = tail.subarray(tail.length - LEGACY_FOOTER_SIZE);
    if (isEmptyGzipWithExtra(f, 22) && f.toString('latin1', 28, 34) === MAGIC) {
      const offset = parseHexOffset(f.toString('latin1', 12, 28));
      if (offset !== undefined) return { tocOffset: offset, size: LEGACY_FOOTER_SIZE, legacy: true };
    }
  }
  return undefined;
}

/** gzip magic, deflate, FEXTRA only, the given XLEN, then an empty stored block and a zero trailer. */
function isEmptyGzipWithExtra(f: Buffer, xlen: number): boolean {
  if (f[0] !== 0x1f || f[1] !== 0x8b || f[2] !== 0x08 || f[3] !== 0x04 || f.readUInt16LE(10) !== xlen) return false;
  const rest = 12 + xlen;
  return (
    f.length - rest === 13 &&
    f[rest] === 0x01 &&
    f.readUInt16LE(rest + 1) === 0 &&
    f.readUInt16LE(rest + 3) === 0xffff &&
    f.readUInt32LE(rest + 5) === 0 &&
    f.readUInt32LE(rest + 9) === 0
  );
}

function parseHexOffset(text: string): number | undefined {
  if (!/^[0-9a-fA-F]{16}$/.test(text)) return undefined;
  const value = Number.parseInt(text, 16);
  return Number.isSafeInteger(value) ? value : undefined;
}
