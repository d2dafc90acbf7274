/**
 * Tar archives, the primitive that estargz/ and oci/ both stand on: a streaming reader, the header encoder, the
 * check that keeps entry names inside the root they are unpacked into, and the compressions a tar comes in.
 */
export { decompress, isCorruptCompression, sniffCompression, type Compression } from './compression.js';
export { checkEntryPath } from './entry-path.js';
export { bareFileHeader, BLOCK, encodeHeader, padding, plainHeader, type EntryType, type TarHeader } from './header.js';
export { readTar, TarFormatError, type TarEntry } from './reader.js';
