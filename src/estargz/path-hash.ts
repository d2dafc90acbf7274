/**
 * A 53-bit hash of a path, for telling paths apart without keeping them: a layer of a million distinct paths very
 * rarely has two with the same hash. Two FNV-1a-style hashes over the path's UTF-16 code units, with different
 * bases and primes, give the high 32 and the low 21 bits.
 */
export function pathHash(path: string): number {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let i = 0; i < path.length; i += 1) {
    const unit = path.charCodeAt(i);
    high = Math.imul(high ^ unit, 0x01000193);
    low = Math.imul(low ^ unit, 0x5bd1e995);
  }
  return (high >>> 0) * 2 ** 21 + (low >>> 11);
}
