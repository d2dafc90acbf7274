// Twenty ships of one new repository at once, against the sandbox and its real registry (CNCF distribution). The
// registry races on a new repository's first blobs and manifests (it answers 500 "invalid checksum digest format"
// or DIGEST_INVALID now and then); every ship must still succeed, its retries counted once in its result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';

const SHIPS = 20;
let sandbox: Sandbox;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'concurrent-ship-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Shipped {
  readonly result: ShipResult;
  readonly lines: readonly string[];
  readonly summary: string;
}

async function ship(layout: string, index: number): Promise<Shipped> {
  const runner = new ConsoleRunner({
    inputs: {
      tag: `race:${index}`,
      image: `oci:${layout}:latest`,
      builder: 'none',
      room: 'race',
      'create-room': 'true',
      'service-name': `race-${index}`,
      wait: 'false',
    },
    env: sandbox.env(),
    stdout: () => {},
    stderr: () => {},
  });
  const result = await shipFromInputs(runner);
  await reportResult(result, runner);
  return { result, lines: runner.lines, summary: runner.summary };
}

describe('concurrent ships of one new repository', () => {
  it(`all ${SHIPS} succeed, each retry counted once in the log, the result and the summary`, async () => {
    const image = writeTinyOciLayout(join(work, 'image'), 'raced content');
    const shipped = await Promise.all(Array.from({ length: SHIPS }, (_, i) => ship(image.dir, i)));

    const failures = shipped.filter((s) => s.result.status !== 'shipped').map((s) => `${s.result.error?.stage}: ${s.result.error?.message}`);
    expect(failures).toEqual([]);
    const digests = new Set(shipped.map((s) => s.result.image?.digest));
    expect(digests.size).toBe(1);
    for (const { result, lines, summary } of shipped) {
      // Every retry line printed (by any client, or by an upload starting again) is one entry of the result.
      const retryLines = lines.filter((line) => /; retry \d+ of \d+ in /.test(line));
      expect(retryLines).toHaveLength(result.retries.length);
      if (result.retries.length > 0) expect(summary).toContain(`#### Retries: ${result.retries.length}`);
      else expect(summary).not.toContain('#### Retries');
    }
    const reasons = new Map<string, number>();
    for (const r of shipped.flatMap((s) => s.result.retries)) {
      const key = `${r.method} ${r.url.replace(/^.*\/v2\/[^]*?\/(blobs|manifests)\/.*$/, '$1')} ${r.reason}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    console.log(`${SHIPS} concurrent ships, retries: ${JSON.stringify(Object.fromEntries(reasons))}`);
  }, 300_000);
});
