/**
 * The eStargz conformance table, in the spirit of stargz-snapshotter's `estargz/testutil.go`: tar fixtures, and the
 * facts any converter's output must show for each, checked by reading the produced blob with estargz-raw.ts (which
 * shares no code with src/). The table is parameterised by converter: the unit project runs it against ours, the
 * infra project against ctr-remote (the Go reference). Where the reference legitimately does something else, the
 * case says what and why (`differs`), so the check stays as strict for both.
 *
 * Facts checked for every case (conformanceDefects):
 *  - the footer is the exact 51-byte eStargz footer, and the blob is a sequence of valid gzip members (CRC32, ISIZE)
 *    ending in it, the TOC member being the one before it;
 *  - the TOC member is a stargz.index.json header, the JSON, padding and the end-of-archive blocks; the JSON (version
 *    1, nothing after its last brace) hashes to the toc.digest annotation;
 *  - the config's diff_id and the uncompressed-size annotation describe the whole decompressed blob;
 *  - the decompressed blob is a tar whose entries are the TOC's, in the same order, ending with the TOC entry;
 *  - the TOC lists the entries this case expects, in the expected order, each with the type, size, link, mode,
 *    owner, device numbers, xattrs and modtime of its fixture entry, and the payload is the fixture's, byte for byte;
 *  - every non-empty regular file is cut into chunks of the chunk size, whose `chunkDigest`s are the digests of the
 *    fixture's bytes, whose `digest` is the file's, and whose `offset` is the start of a gzip member that begins
 *    exactly at that chunk's first payload byte;
 *  - exactly one landmark, at the root, one byte 0x0f: `.no.prefetch.landmark` first without prioritized files,
 *    `.prefetch.landmark` right after them otherwise;
 *  - members start only where the TOC points or at a tar header (and, for converters that say so, only where the
 *    TOC points);
 *  - a lazy reader that indexes the TOC as the reference's (estargz.Reader: entries by name, chunk lists by name)
 *    finds for every file the chunks of the entry an unpacker would keep, the last one of its path.
 * A converter that fails a fact the table knows about says so in `knownDefect`, so the suite records the defect
 * exactly (and notices when it is fixed) instead of hiding it.
 */
import { type Entry, type Format, buildTar, payload } from './tar-builder.js';
import { FOOTER_BYTES, footerOffset, gzipMembers, readTocMember, sha256, walkTar, type Member, type TarRecord, type TocEntry } from './estargz-raw.js';

export type ConverterName = 'ours' | 'ctr-remote';

export interface ConvertOptions {
  readonly chunkSize: number;
  readonly level: number;
  /** Paths to prioritize (prefetch), in order; never globs, which only ours knows. */
  readonly prefetch: readonly string[];
}

/** What a converter produced for a one-layer image: the layer blob and what the image says about it. */
export interface ConvertedLayer {
  readonly blob: Buffer;
  readonly mediaType: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** The converted config's rootfs.diff_ids[0]. */
  readonly diffId: string;
}

export interface Converter {
  readonly name: ConverterName;
  /**
   * True when every gzip member starts where the TOC points (plus byte 0 and the TOC). The reference's Build
   * compresses GOMAXPROCS slices of the tar in parallel and concatenates them, so its members also start at the
   * first tar header of each slice; those starts are legal (readers only use the TOC's offsets) and are checked to
   * be tar headers instead.
   */
  readonly membersOnlyAtTocOffsets: boolean;
  convert(tar: Buffer, options: ConvertOptions, label: string): Promise<ConvertedLayer>;
}

export const TOC_DIGEST = 'containerd.io/snapshot/stargz/toc.digest';
const UNCOMPRESSED_SIZE = 'io.containers.estargz.uncompressed-size';
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';
const PREFETCH = '.prefetch.landmark';
const NO_PREFETCH = '.no.prefetch.landmark';
const LANDMARK_CONTENT = Buffer.from([0x0f]);

export interface ConformanceCase {
  readonly name: string;
  readonly format?: Format;
  readonly entries: readonly Entry[];
  /** Defaults: 4096-byte chunks, level 6, no prefetch. */
  readonly options?: Partial<ConvertOptions>;
  /**
   * The TOC's entries in order, chunk entries left out: a fixture entry's name (`name#2` for the second entry of that
   * name), or a landmark.
   */
  readonly order: readonly string[];
  /** Where a converter legitimately gives another order: that order, and why. */
  readonly differs?: Partial<Record<ConverterName, { readonly order: readonly string[]; readonly why: string }>>;
  /** A defect a converter is known to have on this case: the defects it must show (matched), and what is wrong. */
  readonly knownDefect?: Partial<Record<ConverterName, { readonly defects: readonly RegExp[]; readonly why: string }>>;
  /** A converter that refuses the fixture on purpose: the error it must give, and why it refuses. */
  readonly refusedBy?: Partial<Record<ConverterName, { readonly error: RegExp; readonly why: string }>>;
}

const CHUNK = 4096;
const DEFAULTS: ConvertOptions = { chunkSize: CHUNK, level: 6, prefetch: [] };

export function optionsOf(c: ConformanceCase): ConvertOptions {
  return { ...DEFAULTS, ...c.options };
}

export function tarOf(c: ConformanceCase): Buffer {
  return buildTar(c.entries, c.format ?? 'pax');
}

const dir = (name: string, over: Partial<Entry> = {}): Entry => ({ name, type: '5', ...over });
const file = (name: string, data: Buffer | string, over: Partial<Entry> = {}): Entry => ({ name, data, ...over });
const names = (entries: readonly Entry[]) => entries.map((e) => e.name);
const long = (n: number, tag: string) => `${'l'.repeat(n - tag.length)}${tag}`;

const sizes = [
  file('s/one', 'x'),
  file('s/below', payload(CHUNK - 1, 1)),
  file('s/exact', payload(CHUNK, 2)),
  file('s/above', payload(CHUNK + 1, 3)),
  file('s/two', payload(2 * CHUNK, 4)),
  file('s/many', payload(3 * CHUNK + 100, 5)),
];
const links = [
  dir('d/'),
  file('d/target', payload(5000, 6)),
  file('d/empty', ''),
  { name: 'd/sym', type: '2', linkName: 'target' },
  { name: 'd/dirlink', type: '2', linkName: '../d' },
  { name: 'd/abs', type: '2', linkName: '/d/target' },
  { name: 'd/hard', type: '1', linkName: 'd/target' },
  { name: 'd/hard-empty', type: '1', linkName: 'd/empty' },
  { name: 'd/dangling', type: '2', linkName: 'nowhere' },
];
const whiteouts = [dir('etc/'), file('etc/.wh.passwd', ''), dir('opt/'), file('opt/.wh..wh..opq', ''), file('opt/new', 'new'), file('.wh.gone', '')];
const longNames = [
  dir(`${long(120, 'dir')}/`),
  file(`${long(120, 'dir')}/${long(150, 'file')}`, payload(6000, 7)),
  { name: 'to-long', type: '2', linkName: `${long(120, 'dir')}/${long(150, 'file')}` },
  { name: 'hard-to-long', type: '1', linkName: `${long(120, 'dir')}/${long(150, 'file')}` },
];
const xattrs = [
  dir('x/', { pax: { 'SCHILY.xattr.user.dir': 'on a directory' } }),
  file('x/text', 'text', { pax: { 'SCHILY.xattr.user.foo': 'bar', 'SCHILY.xattr.security.capability': Buffer.from([1, 0, 0, 2, 0x20, 0, 0, 0]) } }),
  file('x/binary', payload(5000, 8), { pax: { 'SCHILY.xattr.user.bin': Buffer.from([0xff, 0x00, 0x01]) } }),
  file('x/empty', '', { pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y' } }),
];
const special = [
  dir('dev/'),
  { name: 'dev/null', type: '3', devMajor: 1, devMinor: 3, mode: 0o666 },
  { name: 'dev/loop0', type: '4', devMajor: 7, devMinor: 0, mode: 0o660 },
  { name: 'dev/fifo', type: '6', mode: 0o600 },
  { name: 'dev/zero-dev', type: '3', devMajor: 0, devMinor: 0 },
];
const modes = [
  dir('m/', { mode: 0o1777 }),
  file('m/setuid', 'su', { mode: 0o4755, uid: 1000, gid: 1000, uname: 'user', gname: 'users' }),
  file('m/setgid', 'sg', { mode: 0o2755, uid: 1000, gid: 50, uname: 'user', gname: 'staff' }),
  file('m/none', 'none', { mode: 0 }),
  file('m/epoch', 'epoch', { mtime: 0 }),
  file('m/fraction', 'fraction', { pax: { mtime: '1600000000.75' } }),
  file('m/future', 'future', { mtime: 4_102_444_800 }),
  file('m/root-named', 'root', { uname: 'root', gname: 'root' }),
];
const many = Array.from({ length: 48 }, (_, i) =>
  i % 6 === 0 ? dir(`many/${i}/`) : file(`many/${i - (i % 6)}/f${i}`, payload([0, 10, 700, 4096, 9000, 1][i % 6] as number, 100 + i)),
);
const dotted = [
  dir('./'),
  dir('./etc/'),
  file('./etc/a', payload(5000, 9)),
  dir('./usr/'),
  dir('./usr/bin/'),
  file('./usr/bin/tool', 'tool'),
  { name: './usr/bin/alias', type: '1', linkName: './usr/bin/tool' },
];
const slashed = [dir('/etc/'), file('/etc/hosts', 'hosts'), { name: '/etc/link', type: '2', linkName: '/etc/hosts' }];
const unicode = [dir('ünï/'), file('ünï/日本語.txt', 'nihongo'), file('ünï/emoji-🙂', payload(5000, 10)), { name: 'ünï/→', type: '2', linkName: '日本語.txt' }];
const replaced = [file('a', payload(10_000, 18)), file('b', 'b'), file('a', 'now small')];
const duplicated = [file('a', 'first a'), dir('d/'), file('b', payload(5000, 11)), file('a', payload(6000, 12)), dir('d/', { mode: 0o700 })];
const previous = [
  file('.no.prefetch.landmark', Buffer.from([0x0f]), { mode: 0 }),
  file('kept', payload(5000, 13)),
  file('stargz.index.json', '{"version":1,"entries":[]}'),
  file('.prefetch.landmark', Buffer.from([0x0f])),
];
const prefetchTree = [
  dir('etc/'),
  file('etc/conf', 'conf'),
  dir('usr/'),
  dir('usr/lib/'),
  file('usr/lib/big.so', payload(3 * CHUNK, 14)),
  dir('usr/bin/'),
  file('usr/bin/app', payload(5000, 15)),
  { name: 'usr/bin/app-link', type: '1', linkName: 'usr/lib/big.so' },
  file('usr/bin/other', 'other'),
];

/** The table. */
export const CASES: readonly ConformanceCase[] = [
  { name: 'an empty layer', entries: [], order: [NO_PREFETCH] },
  { name: 'directories only', entries: [dir('a/'), dir('a/b/'), dir('c/', { mode: 0o700 })], order: [NO_PREFETCH, 'a/', 'a/b/', 'c/'] },
  { name: 'one small file', entries: [file('hello.txt', 'hello')], order: [NO_PREFETCH, 'hello.txt'] },
  { name: 'files around the chunk size', entries: sizes, order: [NO_PREFETCH, ...names(sizes)] },
  {
    name: 'empty files before, between and after payloads',
    entries: [file('e0', ''), file('p1', 'one'), file('e1', ''), file('e2', ''), file('p2', payload(5000, 16)), file('e3', '')],
    order: [NO_PREFETCH, 'e0', 'p1', 'e1', 'e2', 'p2', 'e3'],
  },
  { name: 'symlinks and hardlinks', entries: links, order: [NO_PREFETCH, ...names(links)] },
  { name: 'whiteouts and opaque directories', entries: whiteouts, order: [NO_PREFETCH, ...names(whiteouts)] },
  { name: 'long names and link targets (PAX)', format: 'pax', entries: longNames, order: [NO_PREFETCH, ...names(longNames)] },
  { name: 'long names and link targets (GNU)', format: 'gnu', entries: longNames, order: [NO_PREFETCH, ...names(longNames)] },
  { name: 'ustar with every short-named entry', format: 'ustar', entries: [...links, ...special], order: [NO_PREFETCH, ...names(links), ...names(special)] },
  { name: 'xattrs, text and binary', entries: xattrs, order: [NO_PREFETCH, ...names(xattrs)] },
  { name: 'devices and fifos', entries: special, order: [NO_PREFETCH, ...names(special)] },
  { name: 'modes, owners and times', entries: modes, order: [NO_PREFETCH, ...names(modes)] },
  { name: 'names prefixed ./ with a root entry', entries: dotted, order: [NO_PREFETCH, ...names(dotted)] },
  {
    name: 'names prefixed /',
    entries: slashed,
    order: [NO_PREFETCH, ...names(slashed)],
    refusedBy: {
      ours: {
        error: /tar entry "\/[^"]*" \(at byte \d+ of the tar stream\) is refused: its name is absolute/,
        why: 'an absolute name is refused rather than clamped to the root as containerd and ctr-remote do: no builder writes one, so it marks a hand-made or hostile layer',
      },
    },
  },
  { name: 'unicode names', entries: unicode, order: [NO_PREFETCH, ...names(unicode)] },
  { name: 'many files of mixed sizes', entries: many, order: [NO_PREFETCH, ...names(many)] },
  {
    name: 'duplicated entries',
    entries: duplicated,
    order: [NO_PREFETCH, 'a', 'd/', 'b', 'a#2', 'd/#2'],
    differs: {
      'ctr-remote': {
        order: [NO_PREFETCH, 'b', 'a#2', 'd/#2'],
        why:
          'Build keeps only the last entry of a path, at its own place; ours streams a layer without a prefetch ' +
          'list as it is, so both entries stay and the later one wins on unpacking and in a lazy mount (readers ' +
          'index entries by name, the last one replacing the first; but see the next case)',
      },
    },
  },
  {
    name: 'a chunked file replaced by a smaller one at the same path',
    entries: replaced,
    order: [NO_PREFETCH, 'a', 'b', 'a#2'],
    differs: { 'ctr-remote': { order: [NO_PREFETCH, 'b', 'a#2'], why: 'Build keeps only the last entry of a path (see "duplicated entries")' } },
    knownDefect: {
      ours: {
        defects: [/^a: a lazy reader indexing the TOC as estargz\.Reader does finds the chunks at offsets \[\d+,\d+,\d+\], not the last entry's \[\d+\]$/],
        why:
          'ours keeps both entries of `a`. estargz.Reader (and so a lazy mount) takes the last entry of a name, ' +
          "but its chunk list by name is the first file's, as the later entry has no chunk list of its own: a " +
          "lazy mount serves the first file's bytes where unpacking gives the second's. Fix: drop the earlier " +
          'entries of a path (Build does), which needs the layer spooled or read twice',
      },
    },
  },
  { name: "a previous conversion's landmarks and TOC in the input", entries: previous, order: [NO_PREFETCH, 'kept'] },
  { name: 'stored blocks (level 0)', entries: sizes, options: { level: 0 }, order: [NO_PREFETCH, ...names(sizes)] },
  {
    name: 'level 9 and 64 KiB chunks',
    entries: [file('big', payload(200_000, 17)), file('small', 'small')],
    options: { level: 9, chunkSize: 65536 },
    order: [NO_PREFETCH, 'big', 'small'],
  },
  {
    name: 'prefetch: a nested file and a hardlink, after their parents and the link target',
    entries: prefetchTree,
    options: { prefetch: ['/usr/bin/app', 'usr/bin/app-link'] },
    order: ['usr/', 'usr/bin/', 'usr/bin/app', 'usr/lib/', 'usr/lib/big.so', 'usr/bin/app-link', PREFETCH, 'etc/', 'etc/conf', 'usr/bin/other'],
  },
  {
    name: 'prefetch: the order given, not the archive order',
    entries: prefetchTree,
    options: { prefetch: ['etc/conf', 'usr/bin/other', 'usr/lib/big.so'] },
    order: ['etc/', 'etc/conf', 'usr/', 'usr/bin/', 'usr/bin/other', 'usr/lib/', 'usr/lib/big.so', PREFETCH, 'usr/bin/app', 'usr/bin/app-link'],
  },
  {
    name: 'prefetch: a directory and a path the layer lacks',
    entries: prefetchTree,
    options: { prefetch: ['/no/such/file', 'usr/lib/'] },
    order: ['usr/', 'usr/lib/', PREFETCH, 'etc/', 'etc/conf', 'usr/lib/big.so', 'usr/bin/', 'usr/bin/app', 'usr/bin/app-link', 'usr/bin/other'],
  },
  {
    name: 'prefetch: only paths the layer lacks',
    entries: prefetchTree,
    options: { prefetch: ['/no/such/file'] },
    order: [NO_PREFETCH, ...names(prefetchTree)],
    differs: {
      'ctr-remote': {
        order: [PREFETCH, ...names(prefetchTree)],
        why:
          'Build picks the landmark by whether a list was given (len(prioritized) > 0), not by whether any path ' +
          'was found, so a layer holding none of the paths starts with .prefetch.landmark and nothing before ' +
          'it; ours writes .no.prefetch.landmark, as for no list (the snapshotter then prefetches nothing ' +
          'either way)',
      },
    },
  },
  {
    name: 'prefetch: a duplicated path takes its last entry, and so does every other path',
    entries: duplicated,
    options: { prefetch: ['a'] },
    order: ['a#2', PREFETCH, 'b', 'd/#2'],
  },
  {
    name: 'prefetch in a layer whose names start with ./',
    entries: dotted,
    options: { prefetch: ['/usr/bin/alias'] },
    order: ['./usr/', './usr/bin/', './usr/bin/tool', './usr/bin/alias', PREFETCH, './', './etc/', './etc/a'],
    differs: {
      'ctr-remote': {
        order: ['./', './usr/', './usr/bin/', './usr/bin/tool', './usr/bin/alias', PREFETCH, './etc/', './etc/a'],
        why:
          "Build moves the layer's root entry (./) ahead of the prioritized files as the parent of everything; " +
          "ours moves only named parents. The root directory's metadata is the same wherever it is listed",
      },
    },
  },
];

/** The defects a converter's output must show on a case: none, or exactly the known ones. */
export function expectedDefects(c: ConformanceCase, converter: ConverterName): readonly RegExp[] {
  return c.knownDefect?.[converter]?.defects ?? [];
}

/** The order a converter must give for a case. */
function expectedOrder(c: ConformanceCase, converter: ConverterName): readonly string[] {
  return c.differs?.[converter]?.order ?? c.order;
}

// --- the checks ------------------------------------------------------------------------------------------------------

const TOC_TYPES: Record<string, string> = { '0': 'reg', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo' };

/** Every way `out` fails the case's facts; empty when it conforms. */
export function conformanceDefects(c: ConformanceCase, out: ConvertedLayer, converter: Pick<Converter, 'name' | 'membersOnlyAtTocOffsets'>): string[] {
  const defects: string[] = [];
  const defect = (text: string) => defects.push(text);
  const { blob } = out;
  const options = optionsOf(c);

  let tocOffset: number;
  let members: Member[];
  try {
    tocOffset = footerOffset(blob);
    members = gzipMembers(blob);
  } catch (error) {
    return [`blob: ${(error as Error).message}`];
  }
  const footer = members.at(-1);
  if (footer?.offset !== blob.length - FOOTER_BYTES || footer.data.length !== 0) defect('the footer is not a member of its own at the end of the blob');
  const tocMember = members.at(-2);
  if (tocMember?.offset !== tocOffset)
    return [...defects, `the footer points at ${tocOffset}, but the member before the footer starts at ${tocMember?.offset}`];

  let json: Buffer;
  let toc: { version: number; entries: TocEntry[] };
  try {
    ({ json, toc } = readTocMember(tocMember.data));
  } catch (error) {
    return [...defects, `TOC member: ${(error as Error).message}`];
  }
  if (out.mediaType !== LAYER_TYPE) defect(`the layer's media type is ${out.mediaType}`);
  if (out.annotations[TOC_DIGEST] !== sha256(json)) defect(`toc.digest annotation ${out.annotations[TOC_DIGEST]} is not the TOC JSON's digest ${sha256(json)}`);
  if (json.at(-1) !== 0x7d) defect('the TOC JSON does not end with its closing brace');
  if (toc.version !== 1) defect(`TOC version ${toc.version}`);

  const stream = Buffer.concat(members.map((m) => m.data));
  if (out.diffId !== sha256(stream)) defect(`diff_id ${out.diffId} is not the digest of the decompressed blob ${sha256(stream)}`);
  if (out.annotations[UNCOMPRESSED_SIZE] !== String(stream.length))
    defect(`uncompressed-size annotation ${out.annotations[UNCOMPRESSED_SIZE]} is not ${stream.length}`);

  let tar: { entries: TarRecord[]; end: number };
  try {
    tar = walkTar(stream);
  } catch (error) {
    return [...defects, `decompressed blob: ${(error as Error).message}`];
  }
  const tocRecord = tar.entries.at(-1);
  if (tocRecord?.name !== 'stargz.index.json' || tocRecord.firstBlock !== tocMember.start || !tocRecord.data.equals(json))
    defect('the last tar entry is not the TOC, starting its own member');
  if (tar.end + 1024 !== stream.length) defect(`the decompressed blob goes on ${stream.length - tar.end - 1024} bytes after the TOC's end of archive`);
  const records = tar.entries.slice(0, -1);

  // The TOC lists the tar's entries, in order.
  const main = toc.entries.filter((e) => e.type !== 'chunk');
  const listed = (list: Array<{ name: string; type: string }>) => list.map((e) => `${e.name} (${e.type})`);
  const fromTar = records.map((r) => ({ name: r.name, type: TOC_TYPES[r.type] ?? r.type }));
  if (JSON.stringify(listed(main)) !== JSON.stringify(listed(fromTar)))
    defect(`TOC entries ${JSON.stringify(listed(main))} are not the tar's ${JSON.stringify(listed(fromTar))}`);

  // ... which are the case's, in the expected order.
  const order = expectedOrder(c, converter.name);
  if (JSON.stringify(main.map((e) => e.name)) !== JSON.stringify(order.map((o) => o.replace(/#\d+$/, ''))))
    defect(`TOC order ${JSON.stringify(main.map((e) => e.name))}, expected ${JSON.stringify(order)}`);
  const landmarks = toc.entries.filter(
    (e) => e.name === PREFETCH || e.name === NO_PREFETCH || e.name.endsWith(`/${PREFETCH}`) || e.name.endsWith(`/${NO_PREFETCH}`),
  );
  if (landmarks.length !== 1) defect(`${landmarks.length} landmarks in the TOC, not one`);
  if (toc.entries.some((e) => e.name.replace(/^\.?\//, '') === 'stargz.index.json')) defect('the TOC lists stargz.index.json');

  // Every entry's facts, from its fixture entry; every chunk from the fixture's bytes.
  const chunkStarts = new Set<number>();
  const memberAt = new Map(members.map((m) => [m.offset, m]));
  let i = 0;
  for (const [index, expected] of order.entries()) {
    const entry = toc.entries[i];
    const record = records[index];
    if (!entry || !record) break;
    const chunks = [entry];
    for (i += 1; toc.entries[i]?.type === 'chunk'; i += 1) chunks.push(toc.entries[i] as TocEntry);
    const fixture = expected === PREFETCH || expected === NO_PREFETCH ? landmark(expected) : fixtureEntry(c, expected);
    if (!fixture) {
      defect(`${expected}: not in the fixture`);
      continue;
    }
    for (const problem of entryDefects(entry, fixture, expected === PREFETCH || expected === NO_PREFETCH)) defect(`${expected}: ${problem}`);
    const data = fixtureData(fixture);
    if (!record.data.equals(data)) defect(`${expected}: the payload in the blob is not the fixture's`);
    if (entry.type !== 'reg' || data.length === 0) {
      if (chunks.length > 1) defect(`${expected}: ${chunks.length - 1} chunk entries for an entry without payload`);
      continue;
    }
    const count = Math.ceil(data.length / options.chunkSize);
    if (chunks.length !== count) defect(`${expected}: ${chunks.length} chunks, not ${count}`);
    for (const [k, chunk] of chunks.entries()) {
      const from = k * options.chunkSize;
      const length = Math.min(options.chunkSize, data.length - from);
      const where = `${expected} chunk ${k}`;
      if (chunk.name !== entry.name) defect(`${where}: named ${chunk.name}`);
      if ((chunk.chunkOffset ?? 0) !== from) defect(`${where}: chunkOffset ${chunk.chunkOffset}, not ${from}`);
      if (chunk.chunkSize !== (length === options.chunkSize ? length : undefined))
        defect(`${where}: chunkSize ${chunk.chunkSize} for a chunk of ${length} bytes`);
      if (chunk.chunkDigest !== sha256(data.subarray(from, from + length))) defect(`${where}: chunkDigest is not the digest of the fixture's bytes`);
      if (chunk.innerOffset) defect(`${where}: innerOffset ${chunk.innerOffset}`);
      const member = chunk.offset === undefined ? undefined : memberAt.get(chunk.offset);
      if (!member) defect(`${where}: offset ${chunk.offset} is not the start of a gzip member`);
      else if (member.start !== record.dataOffset + from)
        defect(`${where}: the member at ${chunk.offset} starts at byte ${member.start} of the tar, not at the chunk (${record.dataOffset + from})`);
      if (chunk.offset !== undefined) {
        if (chunkStarts.has(chunk.offset)) defect(`${where}: offset ${chunk.offset} is used twice`);
        chunkStarts.add(chunk.offset);
      }
    }
  }

  for (const problem of lazyReaderDefects(toc.entries)) defect(problem);

  // Members start at a chunk, a tar header, the TOC or the footer; some converters only where the TOC points.
  const headers = new Set(records.map((r) => r.firstBlock));
  for (const member of members.slice(0, -2)) {
    if (chunkStarts.has(member.offset) || member.offset === 0) continue;
    if (converter.membersOnlyAtTocOffsets) defect(`a gzip member starts at ${member.offset}, where the TOC points at no chunk`);
    else if (!headers.has(member.start)) defect(`the gzip member at ${member.offset} starts inside a tar entry (byte ${member.start})`);
  }
  return defects;
}

/**
 * What a lazy mount reads for each file, modelled on estargz.Reader (initFields, ChunkEntryForOffset): entries by
 * cleaned name, the last one winning; a chunk list by name, started by a `reg` entry whose chunkSize is below its
 * size and extended by the `chunk` entries after it; a file without a list of at least two is its entry alone.
 * The chunks found must be those of the last entry of the path, the one an unpacker keeps.
 */
function lazyReaderDefects(entries: readonly TocEntry[]): string[] {
  const clean = (name: string) =>
    name
      .split('/')
      .filter((p) => p !== '' && p !== '.')
      .join('/');
  const byName = new Map<string, TocEntry>();
  const chunkLists = new Map<string, TocEntry[]>();
  const own = new Map<TocEntry, TocEntry[]>();
  let lastPath = '';
  let lastFile: TocEntry | undefined;
  for (const entry of entries) {
    if (entry.type === 'chunk') {
      chunkLists.set(lastPath, [...(chunkLists.get(lastPath) ?? []), entry]);
      if (lastFile) own.get(lastFile)?.push(entry);
      continue;
    }
    lastPath = clean(entry.name);
    byName.set(lastPath, entry);
    lastFile = entry.type === 'reg' ? entry : undefined;
    if (lastFile) own.set(entry, [entry]);
    if (entry.type === 'reg' && (entry.chunkSize ?? 0) > 0 && (entry.chunkSize ?? 0) < (entry.size ?? 0)) chunkLists.set(lastPath, [entry]);
  }
  const out: string[] = [];
  for (const [name, entry] of byName) {
    if (entry.type !== 'reg' || !entry.size) continue;
    const list = chunkLists.get(name) ?? [];
    const found = (list.length < 2 ? [entry] : list).map((e) => e.offset);
    const expected = (own.get(entry) ?? []).map((e) => e.offset);
    if (JSON.stringify(found) !== JSON.stringify(expected))
      out.push(
        `${name}: a lazy reader indexing the TOC as estargz.Reader does finds the chunks at offsets ${JSON.stringify(found)}, not the last entry's ${JSON.stringify(expected)}`,
      );
  }
  return out;
}

function landmark(name: string): Entry {
  return { name, data: LANDMARK_CONTENT, mode: 0, mtime: 0 };
}

/** `name` or `name#n`: the n-th fixture entry of that name. */
function fixtureEntry(c: ConformanceCase, label: string): Entry | undefined {
  const match = /^(.*)#(\d+)$/s.exec(label);
  const name = match ? (match[1] as string) : label;
  const nth = match ? Number(match[2]) : 1;
  return c.entries.filter((e) => e.name === name)[nth - 1];
}

function fixtureData(e: Entry): Buffer {
  if ((e.type ?? '0') !== '0' || e.data === undefined) return Buffer.alloc(0);
  return typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
}

/** The TOC fields a fixture entry determines, with the reference's omit-if-zero rules. */
function entryDefects(entry: TocEntry, e: Entry, isLandmark: boolean): string[] {
  const out: string[] = [];
  const type = e.type ?? '0';
  const data = fixtureData(e);
  const mtime = e.pax?.mtime !== undefined ? Number(e.pax.mtime) : (e.mtime ?? 1_600_000_000);
  const xattrs = Object.entries(e.pax ?? {}).filter(([key]) => key.startsWith('SCHILY.xattr.'));
  const expected: Partial<TocEntry> = {
    type: TOC_TYPES[type] ?? type,
    size: data.length || undefined,
    linkName: type === '1' || type === '2' ? e.linkName : undefined,
    mode: (e.mode ?? (type === '5' ? 0o755 : 0o644)) || undefined,
    uid: e.uid || undefined,
    gid: e.gid || undefined,
    devMajor: type === '3' || type === '4' ? e.devMajor || undefined : undefined,
    devMinor: type === '3' || type === '4' ? e.devMinor || undefined : undefined,
    modtime: Math.floor(mtime) === 0 ? undefined : new Date(Math.round(mtime) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    xattrs:
      xattrs.length === 0
        ? undefined
        : Object.fromEntries(xattrs.map(([key, value]) => [key.slice('SCHILY.xattr.'.length), Buffer.from(value).toString('base64')])),
    digest: type === '0' ? sha256(data) : undefined,
  };
  for (const [key, value] of Object.entries(expected)) {
    const got = entry[key as keyof TocEntry];
    if (canonical(got) !== canonical(value)) out.push(`${key} is ${canonical(got)}, expected ${canonical(value)}`);
  }
  if (entry.name !== e.name) out.push(`named ${JSON.stringify(entry.name)}`);
  // Names are optional (the reference repeats them at each parallel slice); when given they must be the fixture's.
  if (entry.userName !== undefined && entry.userName !== e.uname) out.push(`userName ${entry.userName}`);
  if (entry.groupName !== undefined && entry.groupName !== e.gname) out.push(`groupName ${entry.groupName}`);
  if (type !== '0' || data.length === 0) {
    if (entry.offset !== undefined) out.push(`has an offset (${entry.offset}) but no payload`);
    if (entry.chunkDigest !== undefined) out.push('has a chunkDigest but no payload');
  }
  if (isLandmark && entry.name.includes('/')) out.push('the landmark is not at the root');
  return out;
}

/** JSON with object keys sorted: the order of xattrs keys is free (Go writes a map, sorted; ours keeps the tar's). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
