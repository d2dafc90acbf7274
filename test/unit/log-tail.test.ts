// The container log as the rollout keeps it for the report: the last 50 lines within 8 KiB, long lines cut, colour
// codes and control characters gone, and secrets hidden: the run's own by name, tokens a service prints by shape.
import { describe, expect, it } from 'vitest';
import { LogTail } from '../../src/pipeline/log-tail.js';
import { scrubTokens } from '../../src/pipeline/scrub.js';

describe('the log tail', () => {
  it('says every line with its container, and keeps the last 50', () => {
    const said: string[] = [];
    const tail = new LogTail(
      (line) => said.push(line),
      (text) => text,
    );
    for (let i = 1; i <= 80; i++) tail.add('web-1', `line ${i}`);
    expect(said).toHaveLength(80);
    expect(said[0]).toBe('web-1 | line 1');
    expect(tail.lines()).toHaveLength(50);
    expect(tail.lines()[0]).toBe('line 31');
    expect(tail.lines().at(-1)).toBe('line 80');
    expect(tail.total).toBe(80);
  });

  it('keeps at most 8 KiB, cutting lines at 500 characters', () => {
    const tail = new LogTail(
      () => {},
      (text) => text,
    );
    for (let i = 0; i < 30; i++) tail.add('c', `${i} ${'x'.repeat(2000)}`);
    const kept = tail.lines();
    expect(kept.every((line) => line.length === 500 && line.endsWith('…'))).toBe(true);
    expect(Buffer.byteLength(kept.join('\n'))).toBeLessThanOrEqual(8 * 1024);
    expect(kept.at(-1)?.startsWith('29 ')).toBe(true);
  });

  it('takes out colour codes and control characters, and hides secrets before saying anything', () => {
    const said: string[] = [];
    const tail = new LogTail(
      (line) => said.push(line),
      (text) => scrubTokens(text.replaceAll('hunter2', '***')),
    );
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3ZWIiLCJyb29tIjoiZGV2In0.c2lnbmF0dXJl';
    tail.add('c', `\x1b[32mOK\x1b[0m password=hunter2 token=${jwt} key=ma-abcd1234-0f3c9a5e-7d21-4c1b-9e0a-secret\x07`);
    expect(said).toEqual(['c | OK password=*** token=*** key=***']);
    expect(tail.lines()).toEqual(['OK password=*** token=*** key=***']);
  });
});
