/**
 * The pull request's one preview comment: a row per service (URL, image digest, ready time, lazy-pull bytes,
 * status). It is found again by a hidden marker and updated in place; the rows it showed are kept in a second hidden
 * line (base64 JSON, so nothing in it can close the HTML comment), so a push that ships one service keeps the rows
 * of the others. Every value from outside is escaped for a table cell.
 */
import { cell, code } from './markdown.js';

export const PREVIEW_MARKER = '<!-- meshagent-ship:preview -->';
const STATE_PREFIX = '<!-- meshagent-ship:preview-state ';

export type PreviewStatus = 'ready' | 'deployed' | 'failed' | 'rolled back' | 'removed' | 'planned';

export interface PreviewRow {
  readonly service: string;
  readonly url: string | null;
  readonly digest: string | null;
  readonly readyMs: number | null;
  readonly lazyPullBytes: number | null;
  readonly status: PreviewStatus;
}

export interface PreviewComment {
  readonly room: string;
  /** This run's rows; they replace the previous comment's rows of the same services. */
  readonly rows: readonly PreviewRow[];
  /** The previous comment's body, whose rows are kept for the services this run did not touch. */
  readonly previous?: string | undefined;
  /** A pull request from a fork: planned offline, without secrets. */
  readonly fork?: boolean;
  /** The run's page, linked under the table. */
  readonly runUrl?: string;
}

/** The rows a previous comment recorded; none when it has no readable record. */
export function previousRows(body: string | undefined): PreviewRow[] {
  const line = body?.split('\n').find((l) => l.startsWith(STATE_PREFIX) && l.endsWith(' -->'));
  if (!line) return [];
  try {
    const parsed = JSON.parse(Buffer.from(line.slice(STATE_PREFIX.length, -4), 'base64').toString('utf8')) as unknown;
    return Array.isArray(parsed) ? parsed.filter(isRow) : [];
  } catch {
    return [];
  }
}

const STATUSES: readonly PreviewStatus[] = ['ready', 'deployed', 'failed', 'rolled back', 'removed', 'planned'];
const nullable = (v: unknown, type: 'string' | 'number') => v === null || typeof v === type;

function isRow(value: unknown): value is PreviewRow {
  const row = value as Record<string, unknown> | null;
  return (
    row !== null &&
    typeof row === 'object' &&
    typeof row.service === 'string' &&
    STATUSES.includes(row.status as PreviewStatus) &&
    nullable(row.url, 'string') &&
    nullable(row.digest, 'string') &&
    nullable(row.readyMs, 'number') &&
    nullable(row.lazyPullBytes, 'number')
  );
}

/** The previous rows with this run's rows put in, by service name, in name order. */
function mergeRows(previous: readonly PreviewRow[], current: readonly PreviewRow[]): PreviewRow[] {
  const byService = new Map(previous.map((row) => [row.service, row]));
  for (const row of current) byService.set(row.service, row);
  return [...byService.values()].sort((a, b) => a.service.localeCompare(b.service));
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A URL as a link when it is plain https, else as code: a value from outside never becomes other markup. */
function urlCell(url: string | null): string {
  if (url === null) return '–';
  return /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~/-]*)?$/.test(url) ? `<${url}>` : code(url, true);
}

function rowLine(row: PreviewRow): string {
  const digest = row.digest ? code(row.digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1'), true) : '–';
  const ready = row.readyMs === null ? '–' : `${(row.readyMs / 1000).toFixed(1)} s`;
  const lazy = row.lazyPullBytes === null ? '–' : bytes(row.lazyPullBytes);
  return `| ${cell(row.service)} | ${row.status === 'removed' ? '–' : urlCell(row.url)} | ${digest} | ${ready} | ${lazy} | ${row.status} |`;
}

export function renderPreviewComment(comment: PreviewComment): string {
  const rows = mergeRows(previousRows(comment.previous), comment.rows);
  const lines = [PREVIEW_MARKER, `### Preview in room ${code(comment.room)}`, ''];
  if (comment.fork) {
    lines.push(
      'This pull request comes from a fork, and a fork gets no secrets: the services were planned offline (checked, not built or deployed), and no preview runs.',
      '',
    );
  }
  if (rows.length === 0) lines.push('No service changed: nothing was shipped.');
  else {
    lines.push('| service | URL | digest | ready in | lazy-pull bytes | status |', '| --- | --- | --- | --- | --- | --- |', ...rows.map(rowLine));
  }
  if (comment.runUrl && /^https:\/\/\S+$/.test(comment.runUrl)) lines.push('', `[The run](${comment.runUrl.replace(/[()\s]/g, encodeURIComponent)})`);
  lines.push(`${STATE_PREFIX}${Buffer.from(JSON.stringify(rows)).toString('base64')} -->`);
  return lines.join('\n');
}
