/**
 * Finding and reading the TOC of an eStargz blob the way lazy-pulling readers do: the footer (last 51 bytes, or 47
 * for legacy stargz) gives the TOC member's offset; that member alone must hold a tar entry `stargz.index.json`
 * whose content is the TOC JSON. Used by the verifier, by the converter to pass eStargz layers through, and (through
 * Range requests) to check a layer a previous ship pushed before it is reused.
 */
import { open } from 'node:fs/promises';
import { sha256, type Digest } from '../oci/digest.js';
import { FOOTER_SIZE, parseFooter, type Footer } from './footer.js';
import { GzipMemberError, inflateMemberAt } from './gzip-member.js';
import { cleanPath, NO_PREFETCH_LANDMARK, PREFETCH_LANDMARK, TOC_NAME, TocSchema, type ParsedToc } from './toc.js';
import { BLOCK } from './tar-header.js';

/** The TOC is refused beyond this size (compressed), rather than read into memory. */
const MAX_TOC_BYTES = 256 << 20;

export interface BlobToc {
  footer: Footer;
  /** The TOC JSON exactly as stored (its sha256 is the TOC digest). */
  json: Buffer;
  toc: ParsedToc;
  tocDigest: Digest;
  blobSize: number;
}

/** Random access to a blob: its size, and `length` bytes from `start` (a file, or a registry by Range request). */
export interface BlobReader {
  readonly size: number;
  read(start: number, length: number): Promise<Buffer>;
}

/** Reads footer and TOC; throws a TocError saying what is wrong (not eStargz at all, or a damaged TOC). */
export async function readBlobToc(path: string): Promise<BlobToc> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await readToc({
      size,
      read: async (start, length) => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, start);
        return buffer.subarray(0, bytesRead);
      },
    });
  } finally {
    await handle.close();
  }
}

/** The same as readBlobToc, from any reader: two reads, the footer and then the TOC member. */
export async function readToc(reader: BlobReader): Promise<BlobToc> {
  const { size } = reader;
  const tailLength = Math.min(size, FOOTER_SIZE);
  const tail = await reader.read(size - tailLength, tailLength);
  if (tail.length !== tailLength) throw new TocError(`the blob's last ${tailLength} bytes could not be read`);
  const footer = parseFooter(tail);
  if (!footer) throw new TocError('no eStargz footer at the end of the blob', true);
  const tocEnd = size - footer.size;
  if (footer.tocOffset >= tocEnd) throw new TocError(`the footer's TOC offset ${footer.tocOffset} is past the end of the data (${tocEnd})`);
  if (tocEnd - footer.tocOffset > MAX_TOC_BYTES) throw new TocError(`the TOC member is ${tocEnd - footer.tocOffset} bytes, more than the ${MAX_TOC_BYTES} allowed`);
  const member = await reader.read(footer.tocOffset, tocEnd - footer.tocOffset);
  if (member.length !== tocEnd - footer.tocOffset) throw new TocError(`the TOC member at ${footer.tocOffset} could not be read whole`);
  let inflated: { data: Buffer; length: number } | undefined;
  try {
    inflated = inflateMemberAt(member, 0, footer.tocOffset);
  } catch (error) {
    throw new TocError(`the TOC member at ${footer.tocOffset} is not valid gzip: ${(error as GzipMemberError).message}`);
  }
  if (!inflated) throw new TocError(`the TOC member at ${footer.tocOffset} is cut short`);
  if (inflated.length !== member.length) throw new TocError(`the TOC at ${footer.tocOffset} is not a single gzip member ending at the footer (${member.length - inflated.length} bytes follow it)`);
  const data = inflated.data;
  if (data.length < BLOCK) throw new TocError('the TOC member holds no tar header');
  const nameField = data.subarray(0, 100);
  const nul = nameField.indexOf(0);
  const name = nameField.toString('utf8', 0, nul === -1 ? 100 : nul);
  if (name !== TOC_NAME) throw new TocError(`the TOC member does not start with the tar entry ${TOC_NAME}`);
  const sizeText = data.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim();
  const jsonLength = /^[0-7]+$/.test(sizeText) ? parseInt(sizeText, 8) : Number.NaN;
  if (!Number.isSafeInteger(jsonLength) || BLOCK + jsonLength > data.length) throw new TocError(`the ${TOC_NAME} header's size does not fit the TOC member`);
  const json = data.subarray(BLOCK, BLOCK + jsonLength);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    // Not the parser's message: it quotes the text.
    throw new TocError('the TOC is not JSON');
  }
  const checked = TocSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new TocError(`the TOC does not have the eStargz schema (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`);
  }
  return { footer, json, toc: checked.data, tocDigest: sha256(json), blobSize: size };
}

/**
 * What a lazy pull reads before the container starts: the footer and TOC, and everything before the prefetch
 * landmark (the prioritized files). Without a landmark only the footer and TOC.
 */
export function lazyPullBytes(blob: BlobToc): number {
  const landmark = blob.toc.entries.find((e) => e.name === PREFETCH_LANDMARK);
  return (landmark?.offset ?? 0) + (blob.blobSize - blob.footer.tocOffset);
}

/** The cleaned paths of the files a TOC lists (the converter's own entries left out), as layerPaths gives them. */
export function tocPaths(toc: ParsedToc): Set<string> {
  const paths = new Set<string>();
  for (const entry of toc.entries) {
    const path = cleanPath(entry.name);
    if (path !== '' && path !== TOC_NAME && path !== PREFETCH_LANDMARK && path !== NO_PREFETCH_LANDMARK) paths.add(path);
  }
  return paths;
}

export class TocError extends Error {
  constructor(
    message: string,
    /** True when the blob simply is not eStargz (no footer), rather than a damaged one. */
    readonly notEstargz = false,
  ) {
    super(message);
  }
}
