// scripts/build-snapshotter.sh rebuilds the stargz snapshotter daemon when what it is made of changes (the
// program's source, the script, the Go toolchain, the Debian Go packages: recorded beside the binary), and only
// then: a binary older than its source by mtime alone is kept, a changed record of its inputs is rebuilt.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/build-snapshotter.sh', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'snapshotter-build-'));
const out = join(work, 'daemon');

afterAll(() => rmSync(work, { recursive: true, force: true }));

function build(): { stdout: string; stderr: string } {
  const run = spawnSync('bash', [script, out], { encoding: 'utf8', timeout: 600_000 });
  expect(run.status, run.stderr).toBe(0);
  return { stdout: run.stdout, stderr: run.stderr };
}

describe('build-snapshotter.sh', () => {
  it('records its inputs, keeps a binary whose inputs are the same, and rebuilds when they change', { timeout: 900_000 }, () => {
    const first = build();
    expect(first.stdout.trim()).toBe(out);
    expect(first.stderr).toContain(`build-snapshotter: built ${out}`);
    const inputs = readFileSync(`${out}.inputs`, 'utf8');
    expect(inputs).toMatch(/^go: go version go1\.\d+/m);
    expect(inputs).toMatch(/^[0-9a-f]{64} {2}\.\/main\.go$/m);
    expect(inputs).toMatch(/^golang-github-containerd-stargz-snapshotter-dev \S+$/m);

    // Older than its source by mtime, same inputs: kept as it is.
    utimesSync(out, new Date(0), new Date(0));
    const kept = build();
    expect(kept.stderr).not.toContain('built');
    expect(statSync(out).mtimeMs).toBe(0);

    // Another toolchain (as after an upgrade): rebuilt, whatever the mtimes say.
    writeFileSync(`${out}.inputs`, inputs.replace(/^go: .*$/m, 'go: go version go1.0 linux/amd64'));
    const rebuilt = build();
    expect(rebuilt.stderr).toContain('built');
    expect(statSync(out).mtimeMs).toBeGreaterThan(0);
    expect(readFileSync(`${out}.inputs`, 'utf8')).toBe(inputs);
    expect(existsSync(`${out}.${process.pid}.tmp`)).toBe(false);
  });
});
