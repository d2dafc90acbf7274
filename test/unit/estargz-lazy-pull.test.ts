// What a lazy pull fetches of a layer before start, as the stargz snapshotter fetches it: the footer, the TOC and
// the prefetched part, each read rounded out to its 50,000-byte blocks, a block fetched once, and a 2-byte probe.
import { describe, expect, it } from 'vitest';
import { lazyPullOf } from '../../src/estargz/lazy-pull.js';

describe('the bytes a lazy pull fetches before start', () => {
  it('rounds the prefetched part and the TOC out to whole blocks, the last one short', () => {
    // Prefetch [0, 120000) takes blocks 0-2; the TOC at 990000 and the footer take block 19, the last.
    expect(lazyPullOf(1_000_000, 990_000, 120_000)).toEqual({ bytes: 130_000, fetched: 200_002 });
    expect(lazyPullOf(1_000_001, 990_000, 120_000)).toEqual({ bytes: 130_001, fetched: 200_003 });
  });

  it('fetches a block the prefetch and the TOC share once', () => {
    expect(lazyPullOf(1_000_000, 990_000, 980_000)).toEqual({ bytes: 990_000, fetched: 1_000_002 });
    expect(lazyPullOf(30_000, 25_000, 10_000)).toEqual({ bytes: 15_000, fetched: 30_002 });
  });

  it('fetches only the TOC and footer of a layer without a prefetch landmark', () => {
    expect(lazyPullOf(1_000_000, 990_000, undefined)).toEqual({ bytes: 10_000, fetched: 50_002 });
    expect(lazyPullOf(1_000_000, 940_000, undefined)).toEqual({ bytes: 60_000, fetched: 100_002 });
  });
});
