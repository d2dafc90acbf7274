// The record of prefetch: auto travels on the converted manifest; a later ship takes it only for the same source config.
import { describe, expect, it } from 'vitest';
import { reusableRecord, savedRecord } from '../../src/prefetch-auto/index.js';

const config = `sha256:${'a'.repeat(64)}`;
const other = `sha256:${'b'.repeat(64)}`;
const ran = { paths: ['/usr/bin/python3.11', '/app/main.py'], outcome: { kind: 'port', port: 8080, seconds: 1.4 } } as const;

describe('the saved prefetch auto record', () => {
  it('is reused for the same source config, in the order recorded', () => {
    expect(reusableRecord([savedRecord(ran, config)], config)).toEqual(ran);
  });

  it('is not reused for another config, after a fall-back, or when it is garbled', () => {
    expect(reusableRecord([savedRecord(ran, config)], other)).toBeUndefined();
    const fellBack = { paths: [], outcome: { kind: 'fell-back', reason: 'strace is not installed' } } as const;
    expect(reusableRecord([savedRecord(fellBack, config)], config)).toBeUndefined();
    expect(reusableRecord(['{', JSON.stringify({ sourceConfig: config, outcome: { kind: 'port' }, paths: [1] })], config)).toBeUndefined();
    expect(reusableRecord(['{', savedRecord(ran, other), savedRecord(ran, config)], config)).toEqual(ran);
  });
});
