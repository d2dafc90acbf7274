/**
 * Builds tar archives for tests, written independently of the converter's own encoder: USTAR, PAX (with any
 * records, e.g. xattrs) or GNU (long names as 'L'/'K' records), with every entry type, so the reader and converter
 * are tested against archives shaped like the ones real tools write.
 */
export type Format = 'ustar' | 'pax' | 'gnu';

export interface Entry {
  name: string;
  /** '0' file (default), '1' hardlink, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo, or any raw flag. */
  type?: string;
  data?: Buffer | string;
  linkName?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  mtime?: number;
  devMajor?: number;
  devMinor?: number;
  /** Extra PAX records (pax format only), e.g. { 'SCHILY.xattr.user.foo': 'bar' }. */
  pax?: Record<string, string | Buffer>;
}

const enc = (s: string) => Buffer.from(s, 'utf8');

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: Buffer, type: string, size: number, e: Partial<Entry>, format: Format, linkName: Buffer): Buffer {
  const b = Buffer.alloc(512);
  name.copy(b, 0, 0, Math.min(100, name.length));
  b.write(octal(e.mode ?? (type === '5' ? 0o755 : 0o644), 8), 100, 'latin1');
  b.write(octal(e.uid ?? 0, 8), 108, 'latin1');
  b.write(octal(e.gid ?? 0, 8), 116, 'latin1');
  b.write(octal(size, 12), 124, 'latin1');
  b.write(octal(e.mtime ?? 1_600_000_000, 12), 136, 'latin1');
  b.write(type, 156, 'latin1');
  linkName.copy(b, 157, 0, Math.min(100, linkName.length));
  if (format === 'gnu') b.write('ustar  \0', 257, 'latin1');
  else b.write('ustar\x0000', 257, 'latin1');
  b.write(e.uname ?? '', 265, 'utf8');
  b.write(e.gname ?? '', 297, 'utf8');
  b.write(octal(e.devMajor ?? 0, 8), 329, 'latin1');
  b.write(octal(e.devMinor ?? 0, 8), 337, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

function pad(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

function paxData(records: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, raw] of Object.entries(records)) {
    const value = typeof raw === 'string' ? enc(raw) : raw;
    const body = Buffer.byteLength(key) + value.length + 3;
    let length = body + String(body).length;
    if (String(length).length !== String(body).length) length = body + String(length).length;
    parts.push(enc(`${length} ${key}=`), value, enc('\n'));
  }
  return Buffer.concat(parts);
}

/** One entry's blocks (extension headers, header, payload, padding). */
export function entryBlocks(e: Entry, format: Format): Buffer {
  const type = e.type ?? '0';
  const data = e.data === undefined ? Buffer.alloc(0) : typeof e.data === 'string' ? enc(e.data) : e.data;
  const name = enc(e.name);
  const link = enc(e.linkName ?? '');
  const out: Buffer[] = [];
  if (format === 'gnu') {
    if (name.length > 100)
      out.push(header(enc('././@LongLink'), 'L', name.length + 1, {}, format, Buffer.alloc(0)), Buffer.concat([name, Buffer.from([0])]), pad(name.length + 1));
    if (link.length > 100)
      out.push(header(enc('././@LongLink'), 'K', link.length + 1, {}, format, Buffer.alloc(0)), Buffer.concat([link, Buffer.from([0])]), pad(link.length + 1));
  }
  if (format === 'pax') {
    const records: Record<string, string | Buffer> = { ...e.pax };
    if (name.length > 100) records.path = e.name;
    if (link.length > 100) records.linkpath = e.linkName ?? '';
    if (Object.keys(records).length > 0) {
      const data = paxData(records);
      out.push(header(enc(`PaxHeader/${e.name}`.slice(0, 99)), 'x', data.length, {}, format, Buffer.alloc(0)), data, pad(data.length));
    }
  } else if (format === 'ustar' && (name.length > 100 || link.length > 100)) {
    throw new Error(`ustar cannot hold ${e.name}`);
  }
  out.push(header(name, type, data.length, e, format, link), data, pad(data.length));
  return Buffer.concat(out);
}

export function buildTar(entries: readonly Entry[], format: Format = 'pax'): Buffer {
  return Buffer.concat([...entries.map((e) => entryBlocks(e, format)), Buffer.alloc(1024)]);
}

/** A deterministic pseudo-random payload (compresses a little, like real files). */
export function payload(size: number, seed = 1): Buffer {
  const b = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = (x >>> 24) % 64 === 0 ? 0x0a : 0x20 + ((x >>> 16) % 40);
  }
  return b;
}

/** The awkward-but-valid entries the conformance tests use (names get `prefix`, e.g. "", "./" or "/"). */
export function awkwardEntries(prefix: string, format: Format): Entry[] {
  const long = `${'d'.repeat(60)}/${'n'.repeat(90)}-long-name.txt`;
  const entries: Entry[] = [
    { name: `${prefix}bin/`, type: '5' },
    { name: `${prefix}bin/hello`, data: payload(3000, 1), mode: 0o755, uname: 'root', gname: 'root' },
    { name: `${prefix}etc/`, type: '5' },
    { name: `${prefix}etc/big.bin`, data: payload(10_000, 2) },
    { name: `${prefix}etc/exact.bin`, data: payload(8192, 3) },
    { name: `${prefix}etc/empty`, data: '' },
    { name: `${prefix}etc/link`, type: '2', linkName: '../bin/hello' },
    { name: `${prefix}etc/hard`, type: '1', linkName: `${prefix}bin/hello` },
    { name: `${prefix}etc/.wh.removed`, data: '' },
    { name: `${prefix}opt/`, type: '5', mode: 0o1777 },
    { name: `${prefix}opt/.wh..wh..opq`, data: '' },
    { name: `${prefix}opt/setuid`, data: 'x', mode: 0o4755, uid: 1000, gid: 1000, uname: 'user', gname: 'users' },
    { name: `${prefix}opt/unicode-ünï-日本.txt`, data: 'unicode' },
    { name: `${prefix}opt/${long}`, data: 'long name' },
    { name: `${prefix}opt/longlink`, type: '2', linkName: `${prefix}opt/${long}` },
    { name: `${prefix}dev/`, type: '5' },
    { name: `${prefix}dev/null2`, type: '3', devMajor: 1, devMinor: 3, mode: 0o666 },
    { name: `${prefix}dev/loop9`, type: '4', devMajor: 7, devMinor: 9, mode: 0o660 },
    { name: `${prefix}fifo`, type: '6' },
    { name: `${prefix}epoch`, data: 'old', mtime: 0 },
  ];
  if (format === 'pax') {
    entries.push({
      name: `${prefix}opt/xattr.txt`,
      data: 'xattr',
      pax: { 'SCHILY.xattr.user.foo': 'bar', 'SCHILY.xattr.user.bin': Buffer.from([0xff, 0x00, 0x01]) },
    });
    entries.push({ name: `${prefix}opt/frac`, data: 'frac', pax: { mtime: '1600000000.75' } });
  }
  if (format === 'ustar') return entries.filter((e) => Buffer.byteLength(e.name) <= 100 && Buffer.byteLength(e.linkName ?? '') <= 100);
  return entries;
}
