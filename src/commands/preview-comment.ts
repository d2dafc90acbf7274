/**
 * `meshagent-ship preview-comment --room R --pr N [--results DIR|FILE] [--removed a,b] [--fork] [--run-url URL]`:
 * posts the pull request's preview comment, or updates the one it posted before (found by its hidden marker, among
 * the comments of a bot), with the legs' results (DIR as report-matrix reads it, or FILE holding report-matrix's
 * JSON) or the services a teardown removed.
 * The token comes from GITHUB_TOKEN or GH_TOKEN, the repository from GITHUB_REPOSITORY.
 */
import { readFileSync, statSync } from 'node:fs';
import { ShipError } from '../errors.js';
import { listItems } from '../list-text.js';
import { GitHubComments, type IssueComment } from './github-comments.js';
import { PREVIEW_MARKER, previousRows, renderPreviewComment, type PreviewRow, type PreviewStatus } from '../report/preview-comment.js';
import { aggregate, rowsFromReport, type ReportRow } from '../services/report.js';

type Env = Readonly<Record<string, string | undefined>>;

/** A leg's row as the comment shows it. */
export function previewRow(row: ReportRow): PreviewRow {
  let status: PreviewStatus;
  if (row.status === 'planned') status = 'planned';
  else if (row.rollout === 'rolled-back') status = 'rolled back';
  else if (row.status !== 'shipped' || row.rollout === 'failed') status = 'failed';
  else status = row.rollout === 'ready' ? 'ready' : 'deployed';
  return { service: row.service, url: row.url, digest: row.digest, readyMs: row.readyMs, lazyPullBytes: row.lazyPullBytes, status };
}

interface CommentTarget {
  readonly env: Env;
  readonly number: number;
}

/** The comment this tool posted before: a bot's comment with the marker (anyone else's copy is not ours). */
function ours(comments: readonly IssueComment[]): IssueComment | undefined {
  return comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(PREVIEW_MARKER));
}

/**
 * Posts or updates the preview comment; returns what it did and the comment's id. `render` gives undefined when
 * there is nothing to say, and then no comment is posted (one that exists is left as it is).
 */
async function upsertPreviewComment(
  target: CommentTarget,
  render: (previous: string | undefined) => string | undefined,
): Promise<{ action: 'created' | 'updated'; id: number } | undefined> {
  const token = target.env.GITHUB_TOKEN ?? target.env.GH_TOKEN;
  const [owner, repo] = (target.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token) throw new ShipError('preview-comment needs a GitHub token', { hint: 'set GITHUB_TOKEN (the job needs pull-requests: write)' });
  if (!owner || !repo) throw new ShipError('preview-comment needs GITHUB_REPOSITORY (owner/name)', { hint: 'run it in a GitHub Actions job' });
  const github = new GitHubComments(token, target.env.GITHUB_API_URL ?? 'https://api.github.com', target.env);
  const issue = { owner, repo, number: target.number };
  try {
    const existing = ours(await github.list(issue));
    const body = render(existing?.body ?? undefined);
    if (body === undefined) return undefined;
    if (existing) {
      await github.update(issue, existing.id, body);
      return { action: 'updated', id: existing.id };
    }
    return { action: 'created', id: await github.create(issue, body) };
  } finally {
    await github.close();
  }
}

/** A directory of leg results (as report-matrix reads it), or a file holding a report's JSON (ship.yml's results). */
function resultRows(path: string): ReportRow[] {
  return statSync(path).isDirectory() ? [...aggregate(path).services] : rowsFromReport(readFileSync(path, 'utf8'));
}

/** The command's work: the rows from the results or the removed services, then the upsert. */
export async function previewComment(options: Readonly<Record<string, string>>, env: Env): Promise<string> {
  const room = options.room?.trim() ?? '';
  const number = Number(options.pr);
  if (room === '') throw new ShipError('preview-comment needs --room', { hint: 'e.g. --room pr-12' });
  if (!Number.isInteger(number) || number < 1) throw new ShipError('preview-comment needs --pr, the pull request number', { hint: 'e.g. --pr 12' });
  const removed = listItems(options.removed);
  const rows: PreviewRow[] = options.results ? resultRows(options.results).map(previewRow) : [];
  const runUrl = options['run-url']?.trim();
  const done = await upsertPreviewComment({ env, number }, (previous) => {
    // A teardown marks every row it had, and the services it names, removed.
    const gone = options.removed !== undefined ? [...new Set([...previousRows(previous).map((r) => r.service), ...removed])] : [];
    const removedRows = gone.map((service): PreviewRow => ({ service, url: null, digest: null, readyMs: null, lazyPullBytes: null, status: 'removed' }));
    // A pull request closed with no preview (nothing shipped, nothing removed) gets no comment.
    if (options.removed !== undefined && previous === undefined && rows.length === 0 && removedRows.length === 0) return undefined;
    return renderPreviewComment({
      room,
      rows: [...rows, ...removedRows],
      previous,
      fork: options.fork === 'true',
      ...(runUrl ? { runUrl } : {}),
    });
  });
  if (!done) return `no preview comment on pull request #${number}: it had no preview, and nothing was removed`;
  return `preview comment ${done.action} (${done.id}) on pull request #${number}`;
}
