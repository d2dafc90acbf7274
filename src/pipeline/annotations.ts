/**
 * The annotations this tool writes on every layer it converts, under its own name: with them, a later ship of an
 * image holding the same source layer reuses the converted blob instead of converting it again (reuse.ts). The
 * converter (estargz/) writes them under whatever keys it is given; these are the keys.
 */
export const ShipAnnotation = {
  /** The digest of the source layer the layer was converted from. */
  sourceDigest: 'com.meshagent.ship.source-digest',
  /** The source layer's diff_id (the digest of its uncompressed tar), measured as it was converted. */
  sourceDiffId: 'com.meshagent.ship.source-diff-id',
  /** The conversion's settings (converter version, level, chunk size, prefetched paths). */
  conversion: 'com.meshagent.ship.conversion',
  /** The layer's diff_id (the digest of the uncompressed blob), for the config of a later ship. */
  diffId: 'com.meshagent.ship.diff-id',
} as const;
