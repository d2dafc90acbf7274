export const id = 672;
export const ids = [672];
export const modules = {

/***/ 13672:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  previewComment: () => (/* binding */ previewComment)
});

// UNUSED EXPORTS: previewRow

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/list-text.ts
var list_text = __webpack_require__(97347);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(38816);
// EXTERNAL MODULE: ./src/http.ts + 11 modules
var http = __webpack_require__(19990);
;// CONCATENATED MODULE: ./src/commands/github-comments.ts
/**
 * The three calls of GitHub's REST API the preview comment needs (list an issue's comments page by page, create one,
 * update one), over the project's own HTTP client: the proxy, retries and token masking of every other call, and
 * no SDK in the bundle for three requests.
 */


const IssueComment = schemas/* object */.Ikc({
    id: schemas/* number */.aig(),
    body: schemas/* string */.YjP().nullish(),
    user: schemas/* object */.Ikc({ type: schemas/* string */.YjP().optional() }).nullish(),
});
class GitHubComments {
    http;
    headers;
    constructor(token, apiUrl, env) {
        this.http = new http/* HttpClient */.Qq({ baseUrl: apiUrl.replace(/\/+$/, ''), secrets: () => [token], env });
        this.headers = { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    }
    /** Every comment of the issue (or pull request), following the pages GitHub's Link header names. */
    async list(issue) {
        const all = [];
        let url = `/repos/${enc(issue.owner)}/${enc(issue.repo)}/issues/${issue.number}/comments?per_page=100`;
        // Bounded like the registry's tag list: a Link header that never ends cannot hold the command forever.
        for (let page = 0; url && page < MAX_PAGES; page += 1) {
            const answer = await this.http.request({ method: 'GET', url, headers: this.headers, what: `list the comments of #${issue.number}` });
            all.push(...answer.json(schemas/* array */.YOg(IssueComment)));
            url = (0,http/* nextPage */.Zj)(answer.headers['link']);
        }
        return all;
    }
    async create(issue, body) {
        const url = `/repos/${enc(issue.owner)}/${enc(issue.repo)}/issues/${issue.number}/comments`;
        const answer = await this.http.request({ method: 'POST', url, json: { body }, headers: this.headers, what: `comment on #${issue.number}` });
        return answer.json(IssueComment).id;
    }
    async update(issue, id, body) {
        const url = `/repos/${enc(issue.owner)}/${enc(issue.repo)}/issues/comments/${id}`;
        await this.http.request({ method: 'PATCH', url, json: { body }, headers: this.headers, what: `update comment ${id}` });
    }
    close() {
        return this.http.close();
    }
}
const enc = encodeURIComponent;
/** 100,000 comments at 100 a page. */
const MAX_PAGES = 1000;

// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(54285);
;// CONCATENATED MODULE: ./src/report/preview-comment.ts
/**
 * The pull request's one preview comment: a row per service (URL, image digest, ready time, lazy-pull bytes,
 * status). It is found again by a hidden marker and updated in place; the rows it showed are kept in a second hidden
 * line (base64 JSON, so nothing in it can close the HTML comment), so a push that ships one service keeps the rows
 * of the others. Every value from outside is escaped for a table cell.
 */

const PREVIEW_MARKER = '<!-- meshagent-ship:preview -->';
const STATE_PREFIX = '<!-- meshagent-ship:preview-state ';
/** The rows a previous comment recorded; none when it has no readable record. */
function previousRows(body) {
    const line = body?.split('\n').find((l) => l.startsWith(STATE_PREFIX) && l.endsWith(' -->'));
    if (!line)
        return [];
    try {
        const parsed = JSON.parse(Buffer.from(line.slice(STATE_PREFIX.length, -4), 'base64').toString('utf8'));
        return Array.isArray(parsed) ? parsed.filter(isRow) : [];
    }
    catch {
        return [];
    }
}
const STATUSES = ['ready', 'deployed', 'failed', 'rolled back', 'removed', 'planned'];
const nullable = (v, type) => v === null || typeof v === type;
function isRow(value) {
    const row = value;
    return (row !== null &&
        typeof row === 'object' &&
        typeof row.service === 'string' &&
        STATUSES.includes(row.status) &&
        nullable(row.url, 'string') &&
        nullable(row.digest, 'string') &&
        nullable(row.readyMs, 'number') &&
        nullable(row.lazyPullBytes, 'number'));
}
/** The previous rows with this run's rows put in, by service name, in name order. */
function mergeRows(previous, current) {
    const byService = new Map(previous.map((row) => [row.service, row]));
    for (const row of current)
        byService.set(row.service, row);
    return [...byService.values()].sort((a, b) => a.service.localeCompare(b.service));
}
function bytes(n) {
    if (n < 1024)
        return `${n} B`;
    if (n < 1024 * 1024)
        return `${(n / 1024).toFixed(1)} KiB`;
    return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
/** A URL as a link when it is plain https, else as code: a value from outside never becomes other markup. */
function urlCell(url) {
    if (url === null)
        return '–';
    return /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~/-]*)?$/.test(url) ? `<${url}>` : (0,markdown/* code */.aY)(url, true);
}
function rowLine(row) {
    const digest = row.digest ? (0,markdown/* code */.aY)(row.digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1'), true) : '–';
    const ready = row.readyMs === null ? '–' : `${(row.readyMs / 1000).toFixed(1)} s`;
    const lazy = row.lazyPullBytes === null ? '–' : bytes(row.lazyPullBytes);
    return `| ${(0,markdown/* cell */.Hn)(row.service)} | ${row.status === 'removed' ? '–' : urlCell(row.url)} | ${digest} | ${ready} | ${lazy} | ${row.status} |`;
}
function renderPreviewComment(comment) {
    const rows = mergeRows(previousRows(comment.previous), comment.rows);
    const lines = [PREVIEW_MARKER, `### Preview in room ${(0,markdown/* code */.aY)(comment.room)}`, ''];
    if (comment.fork) {
        lines.push('This pull request comes from a fork, and a fork gets no secrets: the services were planned offline (checked, not built or deployed), and no preview runs.', '');
    }
    if (rows.length === 0)
        lines.push('No service changed: nothing was shipped.');
    else {
        lines.push('| service | URL | digest | ready in | lazy-pull bytes | status |', '| --- | --- | --- | --- | --- | --- |', ...rows.map(rowLine));
    }
    if (comment.runUrl && /^https:\/\/\S+$/.test(comment.runUrl))
        lines.push('', `[The run](${comment.runUrl.replace(/[()\s]/g, encodeURIComponent)})`);
    lines.push(`${STATE_PREFIX}${Buffer.from(JSON.stringify(rows)).toString('base64')} -->`);
    return lines.join('\n');
}

// EXTERNAL MODULE: ./src/services/report.ts
var report = __webpack_require__(97364);
;// CONCATENATED MODULE: ./src/commands/preview-comment.ts
/**
 * `meshagent-ship preview-comment --room R --pr N [--results DIR|FILE] [--removed a,b] [--fork] [--run-url URL]`:
 * posts the pull request's preview comment, or updates the one it posted before (found by its hidden marker, among
 * the comments of a bot), with the legs' results (DIR as report-matrix reads it, or FILE holding report-matrix's
 * JSON) or the services a teardown removed.
 * The token comes from GITHUB_TOKEN or GH_TOKEN, the repository from GITHUB_REPOSITORY.
 */






/** A leg's row as the comment shows it. */
function previewRow(row) {
    let status;
    if (row.status === 'planned')
        status = 'planned';
    else if (row.rollout === 'rolled-back')
        status = 'rolled back';
    else if (row.status !== 'shipped' || row.rollout === 'failed')
        status = 'failed';
    else
        status = row.rollout === 'ready' ? 'ready' : 'deployed';
    return { service: row.service, url: row.url, digest: row.digest, readyMs: row.readyMs, lazyPullBytes: row.lazyPullBytes, status };
}
/** The comment this tool posted before: a bot's comment with the marker (anyone else's copy is not ours). */
function ours(comments) {
    return comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(PREVIEW_MARKER));
}
/**
 * Posts or updates the preview comment; returns what it did and the comment's id. `render` gives undefined when
 * there is nothing to say, and then no comment is posted (one that exists is left as it is).
 */
async function upsertPreviewComment(target, render) {
    const token = target.env.GITHUB_TOKEN ?? target.env.GH_TOKEN;
    const [owner, repo] = (target.env.GITHUB_REPOSITORY ?? '').split('/');
    if (!token)
        throw new errors/* ShipError */.fS('preview-comment needs a GitHub token', { hint: 'set GITHUB_TOKEN (the job needs pull-requests: write)' });
    if (!owner || !repo)
        throw new errors/* ShipError */.fS('preview-comment needs GITHUB_REPOSITORY (owner/name)', { hint: 'run it in a GitHub Actions job' });
    const github = new GitHubComments(token, target.env.GITHUB_API_URL ?? 'https://api.github.com', target.env);
    const issue = { owner, repo, number: target.number };
    try {
        const existing = ours(await github.list(issue));
        const body = render(existing?.body ?? undefined);
        if (body === undefined)
            return undefined;
        if (existing) {
            await github.update(issue, existing.id, body);
            return { action: 'updated', id: existing.id };
        }
        return { action: 'created', id: await github.create(issue, body) };
    }
    finally {
        await github.close();
    }
}
/** A directory of leg results (as report-matrix reads it), or a file holding a report's JSON (ship.yml's results). */
function resultRows(path) {
    return (0,external_node_fs_.statSync)(path).isDirectory() ? [...(0,report/* aggregate */.QD)(path).services] : (0,report/* rowsFromReport */.gW)((0,external_node_fs_.readFileSync)(path, 'utf8'));
}
/** The command's work: the rows from the results or the removed services, then the upsert. */
async function previewComment(options, env) {
    const room = options.room?.trim() ?? '';
    const number = Number(options.pr);
    if (room === '')
        throw new errors/* ShipError */.fS('preview-comment needs --room', { hint: 'e.g. --room pr-12' });
    if (!Number.isInteger(number) || number < 1)
        throw new errors/* ShipError */.fS('preview-comment needs --pr, the pull request number', { hint: 'e.g. --pr 12' });
    const removed = (0,list_text/* listItems */.D)(options.removed);
    const rows = options.results ? resultRows(options.results).map(previewRow) : [];
    const runUrl = options['run-url']?.trim();
    const done = await upsertPreviewComment({ env, number }, (previous) => {
        // A teardown marks every row it had, and the services it names, removed.
        const gone = options.removed !== undefined ? [...new Set([...previousRows(previous).map((r) => r.service), ...removed])] : [];
        const removedRows = gone.map((service) => ({ service, url: null, digest: null, readyMs: null, lazyPullBytes: null, status: 'removed' }));
        // A pull request closed with no preview (nothing shipped, nothing removed) gets no comment.
        if (options.removed !== undefined && previous === undefined && rows.length === 0 && removedRows.length === 0)
            return undefined;
        return renderPreviewComment({
            room,
            rows: [...rows, ...removedRows],
            previous,
            fork: options.fork === 'true',
            ...(runUrl ? { runUrl } : {}),
        });
    });
    if (!done)
        return `no preview comment on pull request #${number}: it had no preview, and nothing was removed`;
    return `preview comment ${done.action} (${done.id}) on pull request #${number}`;
}


/***/ }),

/***/ 97347:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D: () => (/* binding */ listItems)
/* harmony export */ });
/** The items of a list input: one per line or separated by commas, trimmed, the empty ones dropped. */
function listItems(text) {
    return (text ?? '')
        .split(/[\n,]/)
        .map((item) => item.trim())
        .filter((item) => item !== '');
}


/***/ }),

/***/ 54285:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CS: () => (/* binding */ prose),
/* harmony export */   DV: () => (/* binding */ codeBlock),
/* harmony export */   Hn: () => (/* binding */ cell),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   nf: () => (/* binding */ link)
/* harmony export */ });
/* unused harmony export text */
/**
 * Markdown from outside text. The job summary is rendered as GitHub-flavoured markdown with HTML allowed, so a
 * tag, an error or a server message could otherwise add markup (`<img>`, links) or eat a `<placeholder>`.
 * Every piece of text goes through one of these before it lands in a summary.
 */
/**
 * Plain text: `&`, `<` and `>` as entities; `[`, `]`, `` ` ``, `\`, `*`, `_` and `~` escaped (no links, images, code
 * or emphasis); lines kept.
 * GitHub also links bare URLs (`scheme://`), `www.` names and e-mail addresses (the GFM autolink extension); an
 * escaped `:`, `.` or `@` splits the text there, so none of them is taken for a link, and it reads the same.
 */
function text(value) {
    return withoutMarkup(value)
        .replaceAll('@', '\\@')
        .replace(/:(?=\/\/)/g, '\\:')
        .replace(/(www)\./gi, '$1\\.');
}
/** `text` without the autolink breaks: for a link's own label, where GFM makes no link inside the link. */
function withoutMarkup(value) {
    return value
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replace(/[\\[\]`*_~]/g, (c) => `\\${c}`);
}
/**
 * Prose such as a hint: as `text`, except that `code spans` stay code (entities would show literally inside
 * them). A stray backtick is escaped by `text`, so it cannot open a span.
 */
function prose(value) {
    return value
        .split(/(`[^`\n]+`)/)
        .map((part, i) => (i % 2 === 1 ? code(part.slice(1, -1)) : text(part)))
        .join('');
}
/** Text inside a table cell: as `text`, on one line, with `|` escaped (it would end the cell). */
function cell(value) {
    return text(oneLine(value)).replaceAll('|', '\\|');
}
/**
 * An inline code span on one line. The fence is longer than any run of backticks inside, so the value cannot
 * close it; markup inside a code span is shown, not rendered. `inTable` escapes `|`, which ends a cell even there.
 */
function code(value, inTable = false) {
    const line = oneLine(value);
    const fence = '`'.repeat(longestRun(line, '`') + 1);
    const padded = line.startsWith('`') || line.endsWith('`') ? ` ${line} ` : line;
    return `${fence}${inTable ? padded.replaceAll('|', '\\|') : padded}${fence}`;
}
/** A fenced code block whose fence no line inside can close. */
function codeBlock(lines) {
    const fence = '`'.repeat(Math.max(3, ...lines.map((line) => longestRun(line, '`') + 1)));
    return [fence, ...lines, fence].join('\n');
}
/**
 * A link to an http(s) URL, labelled with the URL; anything else is shown as text, not linked. In the target,
 * the characters that could end it (parentheses, brackets, spaces, angle brackets, controls) are percent-encoded.
 */
function link(url) {
    let protocol;
    try {
        protocol = new URL(url).protocol;
    }
    catch {
        return cell(url);
    }
    if (protocol !== 'https:' && protocol !== 'http:')
        return cell(url);
    // Control characters are exactly what must not reach the link target.
    // eslint-disable-next-line no-control-regex
    const href = url.replace(/[()[\]<>|`\s\x00-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    return `[${withoutMarkup(oneLine(url)).replaceAll('|', '\\|')}](${href})`;
}
function oneLine(value) {
    return value.replace(/\s*[\r\n]+\s*/g, ' ');
}
function longestRun(value, char) {
    let longest = 0;
    let run = 0;
    for (const c of value) {
        run = c === char ? run + 1 : 0;
        longest = Math.max(longest, run);
    }
    return longest;
}


/***/ }),

/***/ 97364:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gc: () => (/* binding */ renderMarkdown),
/* harmony export */   QD: () => (/* binding */ aggregate),
/* harmony export */   gW: () => (/* binding */ rowsFromReport)
/* harmony export */ });
/* unused harmony exports rowFromLeg, formatDuration */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(83916);
/* harmony import */ var _report_markdown_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(54285);
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




const LEG_STATUSES = ['shipped', 'planned', 'failed', 'cancelled', 'skipped', 'missing', 'unreadable', 'unknown'];
const ROLLOUTS = ['ready', 'rolled-back', 'failed', 'not-waited'];
const str = (value) => (typeof value === 'string' && value !== '' ? value : null);
const num = (value) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null);
const obj = (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null);
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
/** Every .json file under dir, in a stable order. */
function jsonFiles(dir) {
    const out = [];
    for (const entry of (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const path = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, entry.name);
        if (entry.isDirectory())
            out.push(...jsonFiles(path));
        else if (entry.isFile() && entry.name.endsWith('.json'))
            out.push(path);
    }
    return out;
}
function statusOf(result, outcome) {
    const status = str(result?.status);
    if (status === 'shipped' || status === 'planned' || status === 'failed')
        return status;
    if (outcome === 'failure')
        return 'failed';
    if (outcome === 'cancelled' || outcome === 'skipped')
        return outcome;
    if (status !== null)
        return 'unknown';
    return outcome === 'success' ? 'unknown' : 'missing';
}
/** One leg file (or bare result) -> a row. */
function rowFromLeg(data, fallbackName) {
    const leg = obj(data);
    if (!leg)
        return emptyRow(fallbackName, 'unreadable', 'the leg file is not a JSON object');
    const isBareResult = leg.service === undefined && (leg.stages !== undefined || leg.status !== undefined);
    const result = isBareResult ? leg : (obj(leg.result) ?? obj(typeof leg.result === 'string' ? parseJson(leg.result) : null));
    const outputs = obj(leg.outputs) ?? {};
    const outcome = str(leg.outcome);
    const stages = Array.isArray(result?.stages) ? result.stages : [];
    const stageSum = stages.reduce((sum, stage) => {
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
function emptyRow(service, status, error) {
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
function rowsFromReport(text) {
    const report = obj(parseJson(text));
    if (!report || !Array.isArray(report.services)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ShipError */ .fS('the results file is not a report (a JSON object with a services list)', {
            hint: "pass ship.yml's results output, or a directory of leg results",
        });
    }
    return report.services.flatMap((item) => {
        const row = obj(item);
        const service = str(row?.service);
        if (!row || service === null)
            return [];
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
function aggregate(dir, expected = []) {
    const rows = new Map();
    const exists = (() => {
        try {
            return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(dir).isDirectory();
        }
        catch {
            return false;
        }
    })();
    const add = (file, fallback) => {
        const data = parseJson((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8'));
        const row = data === undefined ? emptyRow(fallback, 'unreadable', `${(0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(dir, file)} is not valid JSON`) : rowFromLeg(data, fallback);
        rows.set(row.service, row);
    };
    const files = exists ? jsonFiles(dir) : [];
    const atTop = files.filter((file) => (0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(dir, (0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(file)) === '');
    for (const file of files)
        if (!atTop.includes(file))
            add(file, serviceOfDirectory((0,node_path__WEBPACK_IMPORTED_MODULE_1__.basename)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(file)), expected));
    // download-artifact extracts a single matched artifact straight into its path: a leg file at the top is then the
    // one expected leg that has no row yet, when exactly one has none.
    for (const file of atTop) {
        const unclaimed = expected.filter((name) => !rows.has(name));
        const isLegFile = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.basename)(file) === 'leg.json';
        add(file, isLegFile && unclaimed.length === 1 ? unclaimed[0] : (0,node_path__WEBPACK_IMPORTED_MODULE_1__.basename)(file, '.json'));
    }
    for (const name of expected)
        if (!rows.has(name))
            rows.set(name, emptyRow(name, 'missing', 'no result was uploaded for this service'));
    const services = [...rows.values()].sort((a, b) => a.service.localeCompare(b.service));
    const counts = { shipped: 0, planned: 0, failed: 0, cancelled: 0, skipped: 0, missing: 0, unreadable: 0, unknown: 0 };
    for (const row of services)
        counts[row.status] += 1;
    return { services, counts, ok: counts.failed + counts.missing + counts.unreadable === 0 };
}
/**
 * The service of an artifact directory (`meshagent-ship-<environment>-<call>-<service>`): the longest expected
 * name it ends with, else the directory's own name. Used only when the leg file does not say (it is unreadable).
 */
function serviceOfDirectory(directory, expected) {
    const matches = expected.filter((name) => directory === name || directory.endsWith(`-${name}`));
    return matches.sort((a, b) => b.length - a.length)[0] ?? directory;
}
const ICON = {
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
function cell(value) {
    return value === null ? '' : (0,_report_markdown_js__WEBPACK_IMPORTED_MODULE_3__/* .cell */ .Hn)(value);
}
function formatDuration(ms) {
    if (ms === null)
        return '';
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    const s = ms / 1000;
    return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
/** The rollout's outcome after the status: ready in N s, rolled back to a digest, not rolled back, not waited. */
function rolloutText(row) {
    switch (row.rollout) {
        case 'ready':
            return `, ready${row.readyMs !== null ? ` in ${formatDuration(row.readyMs)}` : ''}`;
        case 'rolled-back': {
            const to = row.rolledBackTo;
            if (to === 'stopped' || to === 'removed')
                return `, rolled back (the new service was ${to === 'stopped' ? 'stopped' : 'deleted'})`;
            // A previous spec put back whose container was not seen live again: the service may be down.
            return `, rolled back${to ? ` to ${(0,_report_markdown_js__WEBPACK_IMPORTED_MODULE_3__/* .code */ .aY)(to.slice(0, 19), true)}` : ''}${row.rolledBackLive === false ? ', not live again' : ''}`;
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
function renderMarkdown(report) {
    if (report.services.length === 0)
        return '### meshagent-ship\n\nNo service to ship: nothing changed, or nothing was found.\n';
    const lines = ['### meshagent-ship', '', '| service | tag | digest | URL | status | duration |', '| --- | --- | --- | --- | --- | --- |'];
    for (const row of report.services) {
        const digest = row.digest ? (0,_report_markdown_js__WEBPACK_IMPORTED_MODULE_3__/* .code */ .aY)(row.digest.slice(0, 19), true) : '';
        const url = row.url ? (0,_report_markdown_js__WEBPACK_IMPORTED_MODULE_3__/* .link */ .nf)(row.url) : '';
        lines.push(`| ${cell(row.service)} | ${row.tag ? (0,_report_markdown_js__WEBPACK_IMPORTED_MODULE_3__/* .code */ .aY)(row.tag, true) : ''} | ${digest} | ${url} | ${ICON[row.status]}${rolloutText(row)} | ${formatDuration(row.durationMs)} |`);
    }
    const errors = report.services.filter((row) => row.error !== null);
    if (errors.length > 0) {
        lines.push('', '#### Errors', '');
        for (const row of errors)
            lines.push(`- **${cell(row.service)}**: ${cell(row.error)}`);
    }
    return `${lines.join('\n')}\n`;
}


/***/ })

};
