/**
 * One report for a matrix of ship legs. Each leg of ship.yml uploads a small JSON file (see `LegRecord`); the
 * report job downloads them all into one directory and renders a single table plus a combined JSON.
 *
 * What is read, all optional, so that older and newer action results both render:
 *   leg file:   service, tag, outcome (the ship step's outcome), result (the action's result output, a JSON string
 *               or object), outputs.{digest, image-ref, service-url}, startedAt/finishedAt (epoch ms)
 *   result:     status, image, digest, imageRef, serviceUrl (or service.url), durationMs (else the sum of
 *               stages[].durationMs), dryRun, error.message, rollout.{outcome, readyMs, rolledBack.{service,
 *               digest, live}}
 * A file that holds only an action result (no `service`) is named after the service its directory names.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ShipError } from '../errors.js';
import { cell as markdownCell, code, link } from '../report/markdown.js';

const LEG_STATUSES = ['shipped', 'planned', 'failed', 'cancelled', 'skipped', 'missing', 'unreadable', 'unknown'] as const;
type LegStatus = (typeof LEG_STATUSES)[number];

export interface ReportRow {
  readonly service: string;
  readonly status: LegStatus;
  readonly tag: string | null;
  readonly digest: string | null;
  readonly imageRef: string | null;
  readonly url: string | null;
  readonly durationMs: number | null;
  readonly dryRun: boolean;
  readonly error: string | null;
  /** How the leg's rollout ended: ready, rolled-back, failed (not rolled back) or not-waited; null when unknown. */
  readonly rollout: Rollout | null;
  /** For a ready rollout, how long the room took to say the new container is live. */
  readonly readyMs: number | null;
  /** For a rolled-back rollout, where the service went: the digest, or `stopped` / `removed` for a new service. */
  readonly rolledBackTo: string | null;
  /** For a restored spec, whether its container became live again; null when unknown or nothing was waited for. */
  readonly rolledBackLive: boolean | null;
  /** What a lazy pull fetches of the image before the service starts (the result's image.startup). */
  readonly lazyPullBytes: number | null;
}

type Rollout = 'ready' | 'rolled-back' | 'failed' | 'not-waited';
const ROLLOUTS: readonly Rollout[] = ['ready', 'rolled-back', 'failed', 'not-waited'];

export interface Report {
  readonly services: readonly ReportRow[];
  readonly counts: Readonly<Record<LegStatus, number>>;
  /** True when no leg failed, went missing or could not be read. */
  readonly ok: boolean;
}

type Json = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null);
const obj = (value: unknown): Json | null => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Every .json file under dir, in a stable order. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(path);
  }
  return out;
}

function statusOf(result: Json | null, outcome: string | null): LegStatus {
  const status = str(result?.status);
  if (status === 'shipped' || status === 'planned' || status === 'failed') return status;
  if (outcome === 'failure') return 'failed';
  if (outcome === 'cancelled' || outcome === 'skipped') return outcome;
  if (status !== null) return 'unknown';
  return outcome === 'success' ? 'unknown' : 'missing';
}

/** One leg file (or bare result) -> a row. */
export function rowFromLeg(data: unknown, fallbackName: string): ReportRow {
  const leg = obj(data);
  if (!leg) return emptyRow(fallbackName, 'unreadable', 'the leg file is not a JSON object');
  const isBareResult = leg.service === undefined && (leg.stages !== undefined || leg.status !== undefined);
  const result = isBareResult ? leg : (obj(leg.result) ?? obj(typeof leg.result === 'string' ? parseJson(leg.result) : null));
  const outputs = obj(leg.outputs) ?? {};
  const outcome = str(leg.outcome);
  const stages = Array.isArray(result?.stages) ? (result.stages as unknown[]) : [];
  const stageSum = stages.reduce<number | null>((sum, stage) => {
    const ms = num(obj(stage)?.durationMs);
    return ms === null ? sum : (sum ?? 0) + ms;
  }, null);
  // Epoch milliseconds; 0 or absent means the leg never recorded its start.
  const started = num(leg.startedAt) || null;
  const finished = num(leg.finishedAt) || null;
  const legMs = started !== null && finished !== null && finished >= started ? finished - started : null;
  const status = statusOf(result, outcome);
  const service = obj(result?.service);
  const rollout = obj(result?.rollout);
  const rolledBack = obj(rollout?.rolledBack);
  const rolloutOutcome = ROLLOUTS.find((r) => r === rollout?.outcome) ?? null;
  return {
    service: str(leg.service) ?? fallbackName,
    status,
    tag: str(result?.image) ?? str(leg.tag),
    digest: str(result?.digest) ?? str(outputs.digest),
    imageRef: str(result?.imageRef) ?? str(outputs['image-ref']),
    url: str(result?.serviceUrl) ?? str(service?.url) ?? str(outputs['service-url']),
    durationMs: num(result?.durationMs) ?? stageSum ?? legMs,
    dryRun: result?.dryRun === true,
    error: str(obj(result?.error)?.message) ?? (status === 'failed' && result === null ? 'the action wrote no result; see the leg log' : null),
    rollout: rolloutOutcome,
    readyMs: rolloutOutcome === 'ready' ? num(rollout?.readyMs) : null,
    rolledBackTo: rolloutOutcome === 'rolled-back' ? (str(rolledBack?.digest) ?? str(rolledBack?.service)) : null,
    rolledBackLive: rolloutOutcome === 'rolled-back' && typeof rolledBack?.live === 'boolean' ? rolledBack.live : null,
    lazyPullBytes: num(obj(obj(result?.image)?.startup)?.bytesBeforeStart),
  };
}

function emptyRow(service: string, status: LegStatus, error: string | null): ReportRow {
  return {
    service,
    status,
    tag: null,
    digest: null,
    imageRef: null,
    url: null,
    durationMs: null,
    dryRun: false,
    error,
    rollout: null,
    readyMs: null,
    rolledBackTo: null,
    rolledBackLive: null,
    lazyPullBytes: null,
  };
}

/**
 * The rows of a report this module wrote before (report-matrix's JSON, ship.yml's `results` output), read back:
 * each field of the wrong type is null, a row without a service name is dropped.
 */
export function rowsFromReport(text: string): ReportRow[] {
  const report = obj(parseJson(text));
  if (!report || !Array.isArray(report.services)) {
    throw new ShipError('the results file is not a report (a JSON object with a services list)', {
      hint: "pass ship.yml's results output, or a directory of leg results",
    });
  }
  return report.services.flatMap((item): ReportRow[] => {
    const row = obj(item);
    const service = str(row?.service);
    if (!row || service === null) return [];
    const status = LEG_STATUSES.find((s) => s === row.status) ?? 'unknown';
    const rollout = ROLLOUTS.find((r) => r === row.rollout) ?? null;
    return [
      {
        ...emptyRow(service, status, str(row.error)),
        tag: str(row.tag),
        digest: str(row.digest),
        imageRef: str(row.imageRef),
        url: str(row.url),
        durationMs: num(row.durationMs),
        dryRun: row.dryRun === true,
        rollout,
        readyMs: num(row.readyMs),
        rolledBackTo: str(row.rolledBackTo),
        rolledBackLive: typeof row.rolledBackLive === 'boolean' ? row.rolledBackLive : null,
        lazyPullBytes: num(row.lazyPullBytes),
      },
    ];
  });
}

/**
 * Reads every leg file under dir. `expected` (the matrix's service names) adds a `missing` row for each leg that
 * left no file, e.g. one cancelled before its upload step.
 */
export function aggregate(dir: string, expected: readonly string[] = []): Report {
  const rows = new Map<string, ReportRow>();
  const exists = (() => {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  })();
  const add = (file: string, fallback: string): void => {
    const data = parseJson(readFileSync(file, 'utf8'));
    const row = data === undefined ? emptyRow(fallback, 'unreadable', `${relative(dir, file)} is not valid JSON`) : rowFromLeg(data, fallback);
    rows.set(row.service, row);
  };
  const files = exists ? jsonFiles(dir) : [];
  const atTop = files.filter((file) => relative(dir, dirname(file)) === '');
  for (const file of files) if (!atTop.includes(file)) add(file, serviceOfDirectory(basename(dirname(file)), expected));
  // download-artifact extracts a single matched artifact straight into its path: a leg file at the top is then the
  // one expected leg that has no row yet, when exactly one has none.
  for (const file of atTop) {
    const unclaimed = expected.filter((name) => !rows.has(name));
    const isLegFile = basename(file) === 'leg.json';
    add(file, isLegFile && unclaimed.length === 1 ? unclaimed[0]! : basename(file, '.json'));
  }
  for (const name of expected) if (!rows.has(name)) rows.set(name, emptyRow(name, 'missing', 'no result was uploaded for this service'));
  const services = [...rows.values()].sort((a, b) => a.service.localeCompare(b.service));
  const counts = { shipped: 0, planned: 0, failed: 0, cancelled: 0, skipped: 0, missing: 0, unreadable: 0, unknown: 0 } satisfies Record<LegStatus, number>;
  for (const row of services) counts[row.status] += 1;
  return { services, counts, ok: counts.failed + counts.missing + counts.unreadable === 0 };
}

/**
 * The service of an artifact directory (`meshagent-ship-<environment>-<call>-<service>`): the longest expected
 * name it ends with, else the directory's own name. Used only when the leg file does not say (it is unreadable).
 */
function serviceOfDirectory(directory: string, expected: readonly string[]): string {
  const matches = expected.filter((name) => directory === name || directory.endsWith(`-${name}`));
  return matches.sort((a, b) => b.length - a.length)[0] ?? directory;
}

const ICON: Record<LegStatus, string> = {
  shipped: '✅ shipped',
  planned: '📝 planned (dry run)',
  failed: '❌ failed',
  cancelled: '⏹️ cancelled',
  skipped: '⏭️ skipped',
  missing: '❔ missing',
  unreadable: '⚠️ unreadable',
  unknown: '❔ unknown',
};

/** A cell from a leg's text, which may hold anything (a leg file is written by a job that may have failed). */
function cell(value: string | null): string {
  return value === null ? '' : markdownCell(value);
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The rollout's outcome after the status: ready in N s, rolled back to a digest, not rolled back, not waited. */
function rolloutText(row: ReportRow): string {
  switch (row.rollout) {
    case 'ready':
      return `, ready${row.readyMs !== null ? ` in ${formatDuration(row.readyMs)}` : ''}`;
    case 'rolled-back': {
      const to = row.rolledBackTo;
      if (to === 'stopped' || to === 'removed') return `, rolled back (the new service was ${to === 'stopped' ? 'stopped' : 'deleted'})`;
      // A previous spec put back whose container was not seen live again: the service may be down.
      return `, rolled back${to ? ` to ${code(to.slice(0, 19), true)}` : ''}${row.rolledBackLive === false ? ', not live again' : ''}`;
    }
    case 'failed':
      return ', not rolled back';
    case 'not-waited':
      return ', deployed (not waited)';
    default:
      return '';
  }
}

/** The job summary: one table, then each error. */
export function renderMarkdown(report: Report): string {
  if (report.services.length === 0) return '### meshagent-ship\n\nNo service to ship: nothing changed, or nothing was found.\n';
  const lines = ['### meshagent-ship', '', '| service | tag | digest | URL | status | duration |', '| --- | --- | --- | --- | --- | --- |'];
  for (const row of report.services) {
    const digest = row.digest ? code(row.digest.slice(0, 19), true) : '';
    const url = row.url ? link(row.url) : '';
    lines.push(
      `| ${cell(row.service)} | ${row.tag ? code(row.tag, true) : ''} | ${digest} | ${url} | ${ICON[row.status]}${rolloutText(row)} | ${formatDuration(row.durationMs)} |`,
    );
  }
  const errors = report.services.filter((row) => row.error !== null);
  if (errors.length > 0) {
    lines.push('', '#### Errors', '');
    for (const row of errors) lines.push(`- **${cell(row.service)}**: ${cell(row.error)}`);
  }
  return `${lines.join('\n')}\n`;
}
