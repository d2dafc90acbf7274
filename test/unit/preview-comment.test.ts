// The pull request's preview comment: its table (escaped), the rows it keeps across pushes, the fork's note, the
// teardown's removed rows, and the upsert through GitHub's REST API against a local server that answers as GitHub's
// issue-comment API does: created once, then found by its marker and updated in place.
import { nextPage } from '../../src/http.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { aggregate } from '../../src/services/report.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewComment, previewRow } from '../../src/commands/preview-comment.js';
import { PREVIEW_MARKER, previousRows, renderPreviewComment, type PreviewRow } from '../../src/report/preview-comment.js';
import type { ReportRow } from '../../src/services/report.js';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const digest = `sha256:${'ab'.repeat(32)}`;
const row = (over: Partial<PreviewRow> = {}): PreviewRow => ({
  service: 'web',
  url: 'https://web-pr-3.example.com',
  digest,
  readyMs: 2300,
  lazyPullBytes: 3 * 1024 * 1024,
  status: 'ready',
  ...over,
});

describe('the preview comment', () => {
  it('starts with the marker and has a row per service', () => {
    const body = renderPreviewComment({ room: 'pr-3', rows: [row(), row({ service: 'api', status: 'rolled back', readyMs: null, lazyPullBytes: 900 })] });
    expect(body.startsWith(`${PREVIEW_MARKER}\n### Preview in room \`pr-3\``)).toBe(true);
    expect(body).toContain('| api | <https://web-pr-3.example.com> | `sha256:abababababab` | – | 900 B | rolled back |');
    expect(body).toContain('| web | <https://web-pr-3.example.com> | `sha256:abababababab` | 2.3 s | 3.0 MiB | ready |');
  });

  it('escapes what comes from outside: a name cannot break the table, a URL cannot become a link elsewhere', () => {
    const body = renderPreviewComment({
      room: 'pr-3',
      rows: [row({ service: 'a|b <img src=x> [x](y) -->', url: 'javascript:alert(1)' }), row({ service: 'c', url: 'https://evil.example.com/a b' })],
    });
    const lines = body.split('\n').filter((l) => l.startsWith('| a') || l.startsWith('| c'));
    expect(lines).toHaveLength(2);
    // Each row keeps its six cells: every | inside a value is escaped.
    for (const line of lines) expect(line.split(/(?<!\\)\|/).length).toBe(8);
    expect(body).not.toContain('<img');
    expect(body).toContain('\\[x\\](y)');
    expect(body).toContain('`javascript:alert(1)`');
    expect(body).not.toContain('<https://evil.example.com/a b>');
    // The state line holds base64 only: a value cannot end the hidden comment early.
    expect(body.split('\n').at(-1)).toMatch(/^<!-- meshagent-ship:preview-state [A-Za-z0-9+/=]+ -->$/);
    expect(previousRows(body).map((r) => r.service)).toEqual(['a|b <img src=x> [x](y) -->', 'c']);
  });

  it('keeps the rows of services a later push did not ship, and replaces the ones it did', () => {
    const first = renderPreviewComment({ room: 'pr-3', rows: [row({ service: 'api' }), row({ service: 'web' })] });
    const second = renderPreviewComment({ room: 'pr-3', rows: [row({ service: 'web', status: 'failed', digest: null, readyMs: null })], previous: first });
    expect(previousRows(second).map((r) => `${r.service}:${r.status}`)).toEqual(['api:ready', 'web:failed']);
    expect(previousRows('no state here')).toEqual([]);
    expect(previousRows(`<!-- meshagent-ship:preview-state ${Buffer.from('[{"service":1}]').toString('base64')} -->`)).toEqual([]);
  });

  it('says when a fork was only planned, and when nothing changed', () => {
    const fork = renderPreviewComment({
      room: 'pr-9',
      rows: [row({ status: 'planned', url: null, digest: null, readyMs: null, lazyPullBytes: null })],
      fork: true,
    });
    expect(fork).toContain('comes from a fork');
    expect(fork).toContain('| web | – | – | – | – | planned |');
    expect(renderPreviewComment({ room: 'pr-9', rows: [] })).toContain('No service changed: nothing was shipped.');
  });

  it('maps a leg to its status', () => {
    const leg = (over: Partial<ReportRow>): ReportRow => ({
      service: 'web',
      status: 'shipped',
      tag: null,
      digest,
      imageRef: null,
      url: null,
      durationMs: null,
      dryRun: false,
      error: null,
      rollout: 'ready',
      readyMs: 10,
      rolledBackTo: null,
      rolledBackLive: null,
      lazyPullBytes: 5,
      ...over,
    });
    expect(previewRow(leg({})).status).toBe('ready');
    expect(previewRow(leg({ rollout: 'not-waited' })).status).toBe('deployed');
    expect(previewRow(leg({ rollout: 'rolled-back' })).status).toBe('rolled back');
    expect(previewRow(leg({ status: 'failed', rollout: null })).status).toBe('failed');
    expect(previewRow(leg({ status: 'planned', rollout: null })).status).toBe('planned');
    expect(previewRow(leg({})).lazyPullBytes).toBe(5);
  });
});

describe('the upsert through the GitHub API', () => {
  let server: Server;
  let api: string;
  const comments: { id: number; body: string; user: { login: string; type: string } }[] = [];
  const requests: string[] = [];

  const readBody = async (request: IncomingMessage) => {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return text === '' ? {} : (JSON.parse(text) as { body?: string });
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      void (async () => {
        requests.push(`${request.method} ${request.url} ${request.headers.authorization}`);
        const body = await readBody(request);
        const send = (status: number, json: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(json));
        };
        const url = new URL(request.url ?? '', 'http://x');
        if (request.method === 'GET' && url.pathname === '/repos/acme/app/issues/3/comments') return send(200, comments);
        if (request.method === 'POST' && url.pathname === '/repos/acme/app/issues/3/comments') {
          const made = { id: 100 + comments.length, body: body.body ?? '', user: { login: 'github-actions[bot]', type: 'Bot' } };
          comments.push(made);
          return send(201, made);
        }
        const match = /^\/repos\/acme\/app\/issues\/comments\/(\d+)$/.exec(url.pathname);
        const found = comments.find((c) => c.id === Number(match?.[1]));
        if (request.method === 'PATCH' && found) {
          found.body = body.body ?? '';
          return send(200, found);
        }
        send(404, { message: 'Not Found' });
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts nothing when a pull request with no preview closes', async () => {
    const env = { GITHUB_TOKEN: 'gh-token', GITHUB_REPOSITORY: 'acme/app', GITHUB_API_URL: api };
    expect(await previewComment({ room: 'pr-3', pr: '3', removed: '' }, env)).toBe(
      'no preview comment on pull request #3: it had no preview, and nothing was removed',
    );
    expect(comments).toHaveLength(0);
  });

  it('posts once, then updates the same comment, never a copy someone else posted with the marker', async () => {
    // A user's comment that quotes the marker is not ours.
    comments.push({ id: 1, body: `${PREVIEW_MARKER}\nfake`, user: { login: 'someone', type: 'User' } });
    const env = { GITHUB_TOKEN: 'gh-token', GITHUB_REPOSITORY: 'acme/app', GITHUB_API_URL: api };
    const results = mkdtempSync(join(tmpdir(), 'preview-comment-'));
    const legDir = join(results, 'leg-web');
    mkdirSync(legDir);
    const result = {
      status: 'shipped',
      image: { digest, startup: { bytesBeforeStart: 2048 } },
      service: { url: 'https://web-pr-3.example.com' },
      rollout: { outcome: 'ready', readyMs: 1500 },
    };
    writeFileSync(join(legDir, 'leg.json'), JSON.stringify({ service: 'web', outcome: 'success', result: JSON.stringify(result), outputs: { digest } }));

    expect(await previewComment({ room: 'pr-3', pr: '3', results }, env)).toBe('preview comment created (101) on pull request #3');
    expect(comments).toHaveLength(2);
    expect(comments[1]?.body).toContain('| web | <https://web-pr-3.example.com> | `sha256:abababababab` | 1.5 s | 2.0 KiB | ready |');

    expect(await previewComment({ room: 'pr-3', pr: '3', removed: '' }, env)).toBe('preview comment updated (101) on pull request #3');
    expect(comments).toHaveLength(2);
    expect(comments[1]?.body).toContain('| web | – | – | – | – | removed |');
    expect(comments[0]?.body).toBe(`${PREVIEW_MARKER}\nfake`);
    expect(requests.every((r) => r.endsWith('Bearer gh-token'))).toBe(true);
  });

  it("reads ship.yml's results output (report-matrix's JSON) as well as a directory of legs", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preview-report-'));
    mkdirSync(join(dir, 'leg-api'));
    const result = { status: 'shipped', digest, serviceUrl: 'https://api-pr-3.example.com', rollout: { outcome: 'rolled-back', rolledBack: { digest } } };
    writeFileSync(join(dir, 'leg-api', 'leg.json'), JSON.stringify({ service: 'api', outcome: 'failure', result: JSON.stringify(result) }));
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify(aggregate(dir)));
    const env = { GITHUB_TOKEN: 'gh-token', GITHUB_REPOSITORY: 'acme/app', GITHUB_API_URL: api };
    await previewComment({ room: 'pr-3', pr: '3', results: file }, env);
    expect(comments.at(-1)?.body).toContain('| api | <https://api-pr-3.example.com> | `sha256:abababababab` | – | – | rolled back |');
    writeFileSync(file, '{"include":[]}');
    await expect(previewComment({ room: 'pr-3', pr: '3', results: file }, env)).rejects.toThrow('the results file is not a report');
  });

  it('says what is missing without a token or a pull request number', async () => {
    await expect(previewComment({ room: 'pr-3', pr: '3' }, { GITHUB_REPOSITORY: 'acme/app' })).rejects.toThrow('preview-comment needs a GitHub token');
    await expect(previewComment({ room: 'pr-3', pr: 'x' }, {})).rejects.toThrow('needs --pr');
  });
});

describe("GitHub's Link header", () => {
  it('names the next page, and none on the last', () => {
    const link =
      '<https://api.example.test/repos/o/r/issues/1/comments?page=2>; rel="next", <https://api.example.test/repos/o/r/issues/1/comments?page=5>; rel="last"';
    expect(nextPage(link)).toBe('https://api.example.test/repos/o/r/issues/1/comments?page=2');
    expect(nextPage('<https://api.example.test/x?page=1>; rel="prev", <https://api.example.test/x?page=1>; rel="first"')).toBeUndefined();
    expect(nextPage(undefined)).toBeUndefined();
  });
});
