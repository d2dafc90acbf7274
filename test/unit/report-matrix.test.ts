import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectedServices } from '../../src/commands/report-matrix.js';
import { aggregate, formatDuration, renderMarkdown, rowFromLeg } from '../../src/services/report.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A downloaded-artifacts directory: one sub-directory per leg artifact, as download-artifact lays them out. */
function resultsDir(files: Record<string, string | object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ship-report-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const DIGEST = `sha256:${'c0'.repeat(32)}`;

/** What a leg of ship.yml writes: the action's result output is a JSON string. */
const shipped = {
  service: 'api',
  tag: 'api:abc',
  outcome: 'success',
  result: JSON.stringify({
    status: 'shipped',
    dryRun: false,
    image: 'registry.example.com/key/api:abc',
    digest: DIGEST,
    imageRef: `registry.example.com/key/api@${DIGEST}`,
    serviceUrl: 'https://api.example.com',
    durationMs: 83_500,
    stages: [{ name: 'resolve', status: 'done', durationMs: 5 }],
    error: null,
  }),
  outputs: { digest: DIGEST, 'image-ref': '', 'service-url': 'https://api.example.com' },
  startedAt: 1_000,
  finishedAt: 90_000,
};

/** Today's result shape (no digest, URL or durationMs yet): the fields come from the step outputs and stages. */
const planned = {
  service: 'web',
  tag: 'web:abc',
  outcome: 'success',
  result: {
    status: 'planned',
    dryRun: true,
    image: 'web:abc',
    stages: [
      { name: 'resolve', status: 'done', durationMs: 12 },
      { name: 'build', status: 'skipped', durationMs: 30 },
    ],
    plan: {},
    error: null,
  },
  outputs: { digest: '', 'image-ref': '', 'service-url': '' },
};

const failed = {
  service: 'worker',
  tag: 'worker:abc',
  outcome: 'failure',
  result: JSON.stringify({
    status: 'failed',
    dryRun: false,
    image: null,
    stages: [],
    error: { message: 'tag: invalid OCI image repository: Worker | x', hint: 'use lowercase' },
  }),
  startedAt: 5_000,
  finishedAt: 7_500,
};

describe('report aggregation', () => {
  it('makes one row per leg from the leg files, tolerant of the fields a result lacks', () => {
    const dir = resultsDir({
      'meshagent-ship-result-api/leg.json': shipped,
      'meshagent-ship-result-web/leg.json': planned,
      'meshagent-ship-result-worker/leg.json': failed,
    });
    const report = aggregate(dir, ['api', 'web', 'worker']);
    expect(report.services).toEqual([
      {
        service: 'api',
        status: 'shipped',
        tag: 'registry.example.com/key/api:abc',
        digest: DIGEST,
        imageRef: `registry.example.com/key/api@${DIGEST}`,
        url: 'https://api.example.com',
        durationMs: 83_500,
        dryRun: false,
        error: null,
        rollout: null,
        readyMs: null,
        rolledBackTo: null,
        rolledBackLive: null,
        lazyPullBytes: null,
      },
      {
        service: 'web',
        status: 'planned',
        tag: 'web:abc',
        digest: null,
        imageRef: null,
        url: null,
        durationMs: 42,
        dryRun: true,
        error: null,
        rollout: null,
        readyMs: null,
        rolledBackTo: null,
        rolledBackLive: null,
        lazyPullBytes: null,
      },
      {
        service: 'worker',
        status: 'failed',
        tag: 'worker:abc',
        digest: null,
        imageRef: null,
        url: null,
        durationMs: 2_500,
        dryRun: false,
        error: 'tag: invalid OCI image repository: Worker | x',
        rollout: null,
        readyMs: null,
        rolledBackTo: null,
        rolledBackLive: null,
        lazyPullBytes: null,
      },
    ]);
    expect(report.counts).toMatchObject({ shipped: 1, planned: 1, failed: 1, missing: 0 });
    expect(report.ok).toBe(false);
  });

  it('marks legs that uploaded nothing as missing, and unreadable files as such', () => {
    const dir = resultsDir({ 'meshagent-ship-result-api/leg.json': shipped, 'meshagent-ship-result-bad/leg.json': '{not json' });
    const report = aggregate(dir, ['api', 'gone']);
    expect(report.services.map((r) => [r.service, r.status])).toEqual([
      ['api', 'shipped'],
      ['gone', 'missing'],
      ['meshagent-ship-result-bad', 'unreadable'],
    ]);
    // An unreadable file in a directory named after an expected service belongs to that service.
    const named = aggregate(
      resultsDir({
        'meshagent-ship-default-1a2b-api/leg.json': '{not json',
        'meshagent-ship-default-1a2b-web-api/leg.json': { ...shipped, service: 'web-api' },
      }),
      ['api', 'web-api'],
    );
    expect(named.services.map((r) => [r.service, r.status])).toEqual([
      ['api', 'unreadable'],
      ['web-api', 'shipped'],
    ]);
    expect(report.ok).toBe(false);
    expect(aggregate(resultsDir({ 'x/leg.json': shipped }), ['api']).ok).toBe(true);
  });

  it('reads the flat layout download-artifact makes for a single artifact, naming an unreadable leg after its service', () => {
    expect(aggregate(resultsDir({ 'leg.json': shipped }), ['api']).services.map((r) => [r.service, r.status])).toEqual([['api', 'shipped']]);
    const unreadable = aggregate(resultsDir({ 'leg.json': '{not json' }), ['api']);
    expect(unreadable.services.map((r) => [r.service, r.status])).toEqual([['api', 'unreadable']]);
    expect(unreadable.counts.missing).toBe(0);
    // The directory as a user types it, with a trailing slash.
    expect(aggregate(`${resultsDir({ 'leg.json': '{not json' })}/`, ['api']).services.map((r) => r.service)).toEqual(['api']);
    // A stray file at the top is not taken for a leg.
    const stray = aggregate(resultsDir({ 'notes.json': '{bad', 'meshagent-ship-default-1a2b-web/leg.json': '{not json' }), ['api', 'web']);
    expect(stray.services.map((r) => [r.service, r.status])).toEqual([
      ['api', 'missing'],
      ['notes', 'unreadable'],
      ['web', 'unreadable'],
    ]);
  });

  it('reads a bare action result, named after its directory, and a leg whose action crashed', () => {
    expect(rowFromLeg({ status: 'shipped', stages: [], digest: DIGEST, service: undefined }, 'svc')).toMatchObject({
      service: 'svc',
      status: 'shipped',
      digest: DIGEST,
    });
    expect(rowFromLeg({ service: 'x', outcome: 'failure', result: '' }, 'd')).toMatchObject({
      status: 'failed',
      error: 'the action wrote no result; see the leg log',
    });
    expect(rowFromLeg({ service: 'x', outcome: 'cancelled' }, 'd').status).toBe('cancelled');
    // A leg that recorded no start has no duration, rather than one counted from 1970.
    expect(rowFromLeg({ service: 'x', outcome: 'failure', startedAt: 0, finishedAt: 1_795_000_000_000 }, 'd').durationMs).toBeNull();
    expect(rowFromLeg([1, 2], 'd').status).toBe('unreadable');
    expect(rowFromLeg({ service: 'x', result: { status: 'shipped', service: { url: 'https://x.example.com' } } }, 'd').url).toBe('https://x.example.com');
  });

  it('is empty, and ok, when there was nothing to ship (no directory at all)', () => {
    const report = aggregate(join(tmpdir(), 'no-such-results-dir'), []);
    expect(report).toMatchObject({ services: [], ok: true });
    expect(renderMarkdown(report)).toContain('No service to ship');
  });

  it('renders one table (service, tag, digest, URL, status, duration) and the errors, escaping pipes', () => {
    const dir = resultsDir({ 'a/leg.json': shipped, 'b/leg.json': planned, 'c/leg.json': failed });
    const markdown = renderMarkdown(aggregate(dir));
    const lines = markdown.split('\n');
    expect(lines).toContain('| service | tag | digest | URL | status | duration |');
    expect(lines).toContain(
      `| api | \`registry.example.com/key/api:abc\` | \`${DIGEST.slice(0, 19)}\` | [https://api.example.com](https://api.example.com) | ✅ shipped | 1 min 24 s |`,
    );
    expect(lines).toContain('| web | `web:abc` |  |  | 📝 planned (dry run) | 42 ms |');
    expect(lines).toContain('- **worker**: tag: invalid OCI image repository: Worker \\| x');
    expect(formatDuration(2_500)).toBe('2.5 s');
  });

  it("says how each leg's rollout ended: ready in N s, rolled back to a digest or stopped, not rolled back, not waited", () => {
    const leg = (service: string, status: string, rollout: object) => ({
      service,
      outcome: status === 'failed' ? 'failure' : 'success',
      result: JSON.stringify({ status, stages: [], rollout }),
    });
    const dir = resultsDir({
      'a/leg.json': leg('ready', 'shipped', { outcome: 'ready', readyMs: 12_300, rolledBack: null }),
      'b/leg.json': leg('back', 'failed', { outcome: 'rolled-back', readyMs: null, rolledBack: { service: 'restored', digest: DIGEST } }),
      'c/leg.json': leg('stopped', 'failed', { outcome: 'rolled-back', readyMs: null, rolledBack: { service: 'stopped', digest: null } }),
      'd/leg.json': leg('left', 'failed', { outcome: 'failed', readyMs: null, rolledBack: null }),
      'e/leg.json': leg('quick', 'shipped', { outcome: 'not-waited', readyMs: null, rolledBack: null }),
      'f/leg.json': leg('down', 'failed', { outcome: 'rolled-back', readyMs: null, rolledBack: { service: 'restored', digest: DIGEST, live: false } }),
    });
    const report = aggregate(dir);
    expect(report.services.map((r) => [r.service, r.rollout, r.readyMs, r.rolledBackTo, r.rolledBackLive])).toEqual([
      ['back', 'rolled-back', null, DIGEST, null],
      ['down', 'rolled-back', null, DIGEST, false],
      ['left', 'failed', null, null, null],
      ['quick', 'not-waited', null, null, null],
      ['ready', 'ready', 12_300, null, null],
      ['stopped', 'rolled-back', null, 'stopped', null],
    ]);
    const statuses = renderMarkdown(report)
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| service') && !line.startsWith('| ---'))
      .map((line) => line.split(' | ')[4]);
    expect(statuses).toEqual([
      `❌ failed, rolled back to \`${DIGEST.slice(0, 19)}\``,
      `❌ failed, rolled back to \`${DIGEST.slice(0, 19)}\`, not live again`,
      '❌ failed, not rolled back',
      '✅ shipped, deployed (not waited)',
      '✅ shipped, ready in 12.3 s',
      '❌ failed, rolled back (the new service was stopped)',
    ]);
  });

  it('reads the expected services from the matrix JSON or a file', () => {
    expect(expectedServices('{"include":[{"service":"a"},{"service":"b"}]}')).toEqual(['a', 'b']);
    const dir = resultsDir({ 'm.json': { include: [{ service: 'c' }] } });
    expect(expectedServices(join(dir, 'm.json'))).toEqual(['c']);
    expect(expectedServices(undefined)).toEqual([]);
    expect(() => expectedServices('{"x":1}')).toThrow('--matrix has no include list');
    expect(() => expectedServices('{oops')).toThrow(/neither matrix JSON/);
    expect(readFileSync(join(dir, 'm.json'), 'utf8')).toContain('"c"');
  });
});
