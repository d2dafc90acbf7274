// The gzip workers start with the first job: a conversion whose layers are all reused (a no-op re-ship) makes a pool
// and never compresses, and starting threads it does not use cost it time.
import { readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressPool } from '../../src/estargz/compress-pool.js';

/** The OS threads of this process (Linux). */
const threads = (): number => readdirSync('/proc/self/task').length;

describe('the gzip worker pool', () => {
  it('starts no thread until it is given a job, then compresses', async () => {
    const before = threads();
    const pool = new CompressPool(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(threads()).toBe(before);
    const member = Buffer.from('hello, pool');
    const input = new ArrayBuffer(member.length);
    new Uint8Array(input).set(member);
    const { output, sizes } = await pool.compress(input, [member.length], 6);
    expect(threads()).toBeGreaterThan(before);
    expect(sizes).toHaveLength(1);
    expect(gunzipSync(Buffer.from(output)).toString()).toBe('hello, pool');
    await pool.close();
  });
});
