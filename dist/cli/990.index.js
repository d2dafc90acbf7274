export const id = 990;
export const ids = [990];
export const modules = {

/***/ 19990:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Qq: () => (/* reexport */ HttpClient),
  j$: () => (/* reexport */ HttpError),
  pW: () => (/* reexport */ RetryLog),
  QU: () => (/* reexport */ maskSecrets),
  Zj: () => (/* reexport */ nextPage)
});

// UNUSED EXPORTS: DEFAULT_RETRY, isRetryableStatus

// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
;// CONCATENATED MODULE: ./src/http/http-error.ts
/**
 * The one error a request ends in: what was asked, what came back (status, the start of the body with secrets
 * masked), how many retries were made, and a hint chosen by the status.
 */


const CONNECTION_HINT = 'check the URL and that the server is reachable (proxy: HTTPS_PROXY/NO_PROXY)';
/** The hint for a connection refused over the server's certificate: what to change, by what is wrong with it. */
const CERTIFICATE_HINTS = {
    untrusted: "the server's certificate is not signed by a CA this machine trusts: for a private CA, set NODE_EXTRA_CA_CERTS to its certificate file (PEM)",
    'other-name': "the server's certificate is for another name: use a URL with a host name the certificate names",
    expired: "the server's certificate has expired or is not valid yet: renew it, or check this machine's clock",
};
/** A request that failed: a status that was not accepted, a broken connection or a timeout. */
class HttpError extends errors/* ShipError */.fS {
    /** Undefined for connection errors and timeouts. */
    status;
    method;
    /** Without the query string. */
    url;
    /** The start of the answer's body (at most 500 characters), secrets replaced by ***. */
    bodySnippet;
    /** Retries made before giving up. */
    retries;
    /** Whether the failure was of a kind worth retrying (429/5xx/broken connection/timeout), had attempts remained. */
    retryable;
    /** Why the last attempt failed, e.g. "503 Service Unavailable" or "timed out after 30 s" (for retry records). */
    reason;
    /** The wait the server asked for with Retry-After, when it did. */
    retryAfterMs;
    constructor(message, details) {
        super(message, { ...(details.hint ? { hint: details.hint } : {}), cause: details.cause });
        this.status = details.status;
        this.method = details.method;
        this.url = details.url;
        this.bodySnippet = details.bodySnippet ?? '';
        this.retries = details.retries ?? 0;
        this.retryable = details.retryable ?? false;
        this.reason = details.reason ?? (details.status === undefined ? message : statusLine(details.status, ''));
        this.retryAfterMs = details.retryAfterMs;
    }
}
/** The hint for a status we give up on. */
function hintFor(status) {
    const hints = {
        400: 'the server rejected the request as invalid: the message says why',
        401: 'check the credentials (API key or token)',
        403: 'the credentials lack permission for this',
        404: 'it does not exist',
        409: 'it conflicts with the current state',
        422: 'the server rejected the request as invalid: the message says why',
        429: 'rate limited: wait and run again',
    };
    const hint = hints[status] ?? (status >= 500 ? 'the server had trouble: run again later' : undefined);
    return hint ? { hint } : {};
}
/** "404 Not Found": the server's reason phrase, else Node's table, else the bare number. */
function statusLine(status, serverText) {
    const text = serverText || external_node_http_.STATUS_CODES[status] || '';
    return text ? `${status} ${text}` : String(status);
}

;// CONCATENATED MODULE: ./src/http/masking.ts
/**
 * No credential in a message: the caller's secrets, the request's own credentials (Authorization, proxy and API-key
 * headers, a Basic password) and token fields of a JSON answer are replaced by *** before any text leaves the client.
 */
const SNIPPET_LENGTH = 500;
/** JSON fields whose values are credentials even when no one told us about them. */
const SECRET_FIELD = /"(?:token|access_token|refresh_token|id_token|password|client_secret)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
/** The body for a message: secrets masked first (so a cut cannot leave half a secret), whitespace collapsed, cut. */
function bodySnippet(body, mask) {
    const text = body.toString('utf8');
    const fieldSecrets = [...text.matchAll(SECRET_FIELD)].map((match) => match[1] ?? '');
    const collapsed = maskSecrets(mask(text), fieldSecrets).replace(/\s+/g, ' ').trim();
    return collapsed.length <= SNIPPET_LENGTH ? collapsed : `${cutWithoutSplittingPairs(collapsed, SNIPPET_LENGTH - 1)}…`;
}
function cutWithoutSplittingPairs(text, length) {
    const cut = text.slice(0, length);
    const last = cut.charCodeAt(cut.length - 1);
    return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
/** Replaces every secret with ***, longest first so a secret containing another is replaced whole. */
function maskSecrets(text, secrets) {
    const sorted = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
    return sorted.reduce((masked, secret) => masked.split(secret).join('***'), text);
}
/** Credentials carried by the request's headers: the whole value, the part after the scheme, a Basic password. */
function credentialsIn(headers) {
    const found = [];
    for (const name of ['authorization', 'proxy-authorization', 'x-api-key']) {
        const value = headers[name]?.trim();
        if (!value)
            continue;
        found.push(value);
        const [scheme, credential] = value.split(/\s+/, 2);
        if (!credential)
            continue;
        found.push(credential);
        if (scheme?.toLowerCase() === 'basic') {
            const decoded = Buffer.from(credential, 'base64').toString('utf8');
            const password = decoded.slice(decoded.indexOf(':') + 1);
            found.push(decoded, password);
        }
    }
    return found;
}

;// CONCATENATED MODULE: ./src/http/buffered-response.ts


class BufferedResponse {
    status;
    statusText;
    headers;
    body;
    asked;
    mask;
    constructor(status, statusText, headers, body, asked, mask) {
        this.status = status;
        this.statusText = statusText;
        this.headers = headers;
        this.body = body;
        this.asked = asked;
        this.mask = mask;
    }
    /** "404 Not Found"; undici gives the server's reason phrase, Node's table fills in when there is none. */
    get statusLine() {
        return statusLine(this.status, this.statusText);
    }
    text() {
        return this.body.toString('utf8');
    }
    json(schema) {
        let parsed;
        try {
            parsed = JSON.parse(this.text());
        }
        catch {
            throw this.unexpectedBody('not JSON');
        }
        if (!schema)
            return parsed;
        const result = schema.safeParse(parsed);
        if (!result.success)
            throw this.unexpectedBody(describeIssues(result.error.issues));
        return result.data;
    }
    unexpectedBody(problem) {
        const { method, label, shownUrl } = this.asked;
        const snippet = bodySnippet(this.body, this.mask);
        const message = `${label} answered an unexpected body (${problem}): ${snippet || '(empty)'}`;
        return new HttpError(this.mask(message), {
            method,
            url: shownUrl,
            status: this.status,
            bodySnippet: snippet,
            hint: 'the server answered something meshagent-ship does not understand: check the API URL, or update meshagent-ship',
        });
    }
}
function describeIssues(issues) {
    const shown = issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    return issues.length > 3 ? `${shown.join('; ')}; …` : shown.join('; ');
}

;// CONCATENATED MODULE: ./src/http/classify.ts
/**
 * What is worth trying again: a status (429, 502, 503, 504) or a connection that broke or never came up (reset,
 * refused, timed out). Never 400/401/403/404/409/422: asking again gets the same answer.
 */
/** Whether a status may be retried: only 429, 502, 503, 504. Never 400/401/403/404/409/422 or anything else. */
function isRetryableStatus(status) {
    return status === 429 || status === 502 || status === 503 || status === 504;
}
/** Error codes of a connection that broke or never came up, where trying again may well work. */
const RETRYABLE_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    // Node's http (node-transport.ts): the same two limits as undici's.
    'ERR_CONNECT_TIMEOUT',
    'ERR_BODY_TIMEOUT',
]);
function isRetryableConnectionError(error) {
    return errorChain(error).some((e) => RETRYABLE_CODES.has(codeOf(e) ?? '') || /socket hang up|other side closed/i.test(e instanceof Error ? e.message : ''));
}
/** A connection that never came up: the request cannot have reached the server. */
function neverConnected(error) {
    return isConnectionRefused(error) || errorChain(error).some((e) => codeOf(e) === 'UND_ERR_CONNECT_TIMEOUT' || codeOf(e) === 'ERR_CONNECT_TIMEOUT');
}
/** Refused at every address tried (Node tries each address of a host and reports them in an AggregateError). */
function isConnectionRefused(error) {
    const chain = errorChain(error);
    const everyAddress = chain.find((e) => e instanceof AggregateError);
    if (everyAddress)
        return everyAddress.errors.length > 0 && everyAddress.errors.every((e) => codeOf(e) === 'ECONNREFUSED');
    return chain.some((e) => codeOf(e) === 'ECONNREFUSED');
}
/** The error, its causes, and the errors of an AggregateError (Node's connect tries every address of a host). */
function errorChain(error) {
    const chain = [];
    const pending = [error];
    while (pending.length > 0 && chain.length < 10) {
        const next = pending.shift();
        if (next === undefined || chain.includes(next))
            continue;
        chain.push(next);
        if (next instanceof AggregateError)
            pending.push(...next.errors);
        if (next instanceof Error && next.cause !== undefined)
            pending.push(next.cause);
    }
    return chain;
}
function codeOf(error) {
    const code = error?.code;
    return typeof code === 'string' ? code : undefined;
}
/** Certificate errors by what the user can do about them (OpenSSL's verify codes, Node's name check). */
const UNTRUSTED_CERTIFICATE = new Set([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_UNTRUSTED',
]);
const EXPIRED_CERTIFICATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** What is wrong with the server's certificate, when that is why the connection failed. */
function certificateProblem(error) {
    for (const e of errorChain(error)) {
        const code = codeOf(e) ?? '';
        if (UNTRUSTED_CERTIFICATE.has(code))
            return 'untrusted';
        if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
            return 'other-name';
        if (EXPIRED_CERTIFICATE.has(code))
            return 'expired';
    }
    return undefined;
}
/** A short reason such as "connect ECONNREFUSED 127.0.0.1:1" or "other side closed (UND_ERR_SOCKET)". */
function describeConnectionError(error) {
    for (const e of errorChain(error)) {
        const message = e instanceof Error ? e.message : '';
        const code = codeOf(e);
        if (message && code)
            return message.includes(code) ? message : `${message} (${code})`;
        if (message)
            return message;
        if (code)
            return code;
    }
    return String(error);
}

// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./src/http/retry-policy.ts
/**
 * When a failed request is tried again and after how long: a bounded number of attempts, the server's Retry-After
 * when it sends one (unless it asks for longer than the policy allows), else jittered exponential backoff.
 */
const DEFAULT_RETRY = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };
/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value, now) {
    const trimmed = value?.trim();
    if (!trimmed)
        return undefined;
    if (/^\d+(\.\d+)?$/.test(trimmed))
        return Math.round(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
/** Why a Retry-After is not waited for (longer than the policy allows), or undefined when it is. */
function refusedWait(policy, askedMs) {
    if (askedMs === undefined || askedMs <= policy.maxRetryAfterMs)
        return undefined;
    return `asked to retry after ${seconds(askedMs)} s, more than the ${seconds(policy.maxRetryAfterMs)} s limit`;
}
/** baseDelayMs * 2^(attempt-1), capped, then full jitter in [delay/2, delay] so parallel clients spread out. */
function backoffMs(policy, attempt, random) {
    const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(delay / 2 + (random() * delay) / 2);
}
/** 200 → "0.2", 30000 → "30". */
function seconds(ms) {
    return String(Number((ms / 1000).toFixed(2)));
}

;// CONCATENATED MODULE: ./src/http/node-transport.ts
/**
 * Requests over Node's own http and https, with keep-alive connections per client. Used when no proxy is set: Node
 * has these modules at hand, where undici is over a megabyte of code to load and compile on every start, which a
 * short command (a repeat push: two requests) pays for more than for its requests.
 *
 * It keeps undici's limits that the client relies on: a connection that takes over 10 s to come up fails as never
 * connected, and an answer's body that sends nothing for 300 s fails. The client's own timeout covers the rest.
 * Like undici, it drops a connection left idle for 4 s, or a second before the server's Keep-Alive timeout, and
 * destroys a stream body when its request fails or is aborted.
 */




const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_BODY_TIMEOUT_MS = 300_000;
/** undici's keepAliveTimeout and keepAliveTimeoutThreshold. */
const KEEP_ALIVE_MS = 4_000;
const KEEP_ALIVE_MARGIN_MS = 1_000;
/** An error with a code the classifier knows (classify.ts). */
function codedError(message, code) {
    return Object.assign(new Error(message), { code });
}
class NodeTransport {
    idleMs;
    /** `idleMs`: how long a connection may send nothing while a request waits or its answer's body flows. */
    constructor(idleMs = IDLE_BODY_TIMEOUT_MS) {
        this.idleMs = idleMs;
    }
    httpAgent;
    httpsAgent;
    inFlight = 0;
    drained;
    request(request) {
        const { signal } = request;
        if (signal.aborted)
            return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        const url = new URL(request.origin);
        const secure = url.protocol === 'https:';
        const options = {
            agent: secure
                ? (this.httpsAgent ??= idleLimited(new external_node_https_.Agent({ keepAlive: true })))
                : (this.httpAgent ??= idleLimited(new external_node_http_.Agent({ keepAlive: true }))),
            // URL keeps an IPv6 address in brackets; the socket wants it bare.
            hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: url.port || (secure ? 443 : 80),
            path: request.path,
            method: request.method,
            headers: request.headers,
        };
        this.inFlight += 1;
        let settled = false;
        const settle = () => {
            if (settled)
                return;
            settled = true;
            signal.removeEventListener('abort', onAbort);
            this.inFlight -= 1;
            if (this.inFlight === 0)
                this.drained?.();
        };
        let outgoing;
        let incoming;
        function onAbort() {
            const reason = signal.reason instanceof Error ? signal.reason : new Error('aborted');
            outgoing?.destroy(reason);
            incoming?.destroy(reason);
        }
        signal.addEventListener('abort', onAbort, { once: true });
        return new Promise((resolve, reject) => {
            const fail = (error) => {
                reject(error);
                // Once the answer has come, its body carries the failure (the request's own errors are then only echoes).
                if (!incoming)
                    settle();
            };
            try {
                outgoing = (secure ? external_node_https_.request : external_node_http_.request)(options);
            }
            catch (error) {
                fail(error);
                return;
            }
            const sent = outgoing;
            sent.on('error', fail);
            sent.on('socket', (socket) => watchConnect(sent, socket, secure));
            sent.setTimeout(this.idleMs, () => {
                const stalled = codedError(`no data for ${seconds(this.idleMs)} s`, 'ERR_BODY_TIMEOUT');
                // The answer's reader gets this reason, not the "aborted" of a connection torn down under it.
                incoming?.destroy(stalled);
                sent.destroy(stalled);
            });
            sent.on('response', (answer) => {
                incoming = answer;
                noteServerKeepAlive(answer);
                (0,external_node_stream_.finished)(answer, () => settle());
                resolve({ statusCode: answer.statusCode ?? 0, statusText: answer.statusMessage ?? '', headers: answer.headers, body: answer });
            });
            const { body } = request;
            if (body instanceof external_node_stream_.Readable) {
                body.on('error', (error) => sent.destroy(error));
                const declared = request.headers['content-length'];
                if (declared !== undefined)
                    checkLength(body, Number(declared), sent);
                // A request that ends before its body was sent (failed, aborted, answered early) leaves no open source behind.
                sent.once('close', () => {
                    if (!body.readableEnded)
                        body.destroy();
                });
                body.pipe(sent);
            }
            else
                sent.end(body);
        });
    }
    async close() {
        if (this.inFlight > 0)
            await new Promise((resolve) => (this.drained = resolve));
        this.httpAgent?.destroy();
        this.httpsAgent?.destroy();
    }
}
/** Fails a request whose new connection does not come up in time, as one that never connected. */
function watchConnect(request, socket, secure) {
    if (!socket.connecting)
        return;
    const timer = setTimeout(() => request.destroy(codedError(`connect timed out after ${CONNECT_TIMEOUT_MS / 1000} s`, 'ERR_CONNECT_TIMEOUT')), CONNECT_TIMEOUT_MS);
    const clear = () => clearTimeout(timer);
    socket.once(secure ? 'secureConnect' : 'connect', clear);
    socket.once('close', clear);
}
/**
 * Fails the request when its stream body is longer or shorter than its Content-Length, as undici does. Node would
 * send the extra bytes as the start of another request, or leave the server waiting for the missing ones until the
 * timeout (its own strictContentLength check throws where no one can catch it). Listens before the body is piped.
 */
function checkLength(body, declared, request) {
    let sent = 0;
    const mismatch = (what) => codedError(`request body is ${what} bytes, not the ${declared} its content-length says`, 'ERR_HTTP_CONTENT_LENGTH_MISMATCH');
    body.on('data', (chunk) => {
        sent += Buffer.byteLength(chunk);
        if (sent > declared)
            request.destroy(mismatch(`over ${declared}`));
    });
    body.on('end', () => {
        if (sent < declared)
            request.destroy(mismatch(String(sent)));
    });
}
/**
 * Node's agent keeps an idle connection until the server closes it, and a request sent as the server closes it
 * fails with a reset (never retried when it is a POST). undici, which these requests used before, drops it first.
 */
function idleLimited(agent) {
    // Node returns whether the connection may be kept (its typings say void).
    const keep = agent.keepSocketAlive.bind(agent);
    agent.keepSocketAlive = (socket) => {
        if (!keep(socket))
            return false;
        const hint = serverKeepAlive.get(socket);
        const idleMs = hint === undefined ? KEEP_ALIVE_MS : Math.min(KEEP_ALIVE_MS, hint - KEEP_ALIVE_MARGIN_MS);
        if (idleMs <= 0)
            return false;
        // The agent destroys a free connection that times out.
        socket.setTimeout(idleMs);
        return true;
    };
    return agent;
}
/** The idle time a server announced ("Keep-Alive: timeout=N") with the answer last read on a connection, in ms. */
const serverKeepAlive = new WeakMap();
function noteServerKeepAlive(answer) {
    const timeout = /(?:^|,)\s*timeout=(\d+)/i.exec(String(answer.headers['keep-alive'] ?? ''))?.[1];
    if (timeout === undefined)
        serverKeepAlive.delete(answer.socket);
    else
        serverKeepAlive.set(answer.socket, Number(timeout) * 1000);
}

;// CONCATENATED MODULE: ./src/http/transport.ts
/** A caller's undici dispatcher as a transport; closing it stays the caller's business. */
function dispatcherTransport(dispatcher) {
    return {
        async request(request) {
            const answer = await untilAborted(dispatcher.request({ ...request }), request.signal);
            return { statusCode: answer.statusCode, statusText: answer.statusText ?? '', headers: answer.headers, body: answer.body };
        },
        close: () => dispatcher.close().then(() => undefined),
    };
}
/**
 * The answer, or the signal's reason as soon as it aborts: undici applies an abort only once the request has a
 * connection, and opening one through a proxy's tunnel can take long. The request then ends with the abort.
 */
function untilAborted(answer, signal) {
    let onAbort = () => { };
    const aborted = new Promise((_resolve, reject) => {
        onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        if (signal.aborted)
            onAbort();
        else
            signal.addEventListener('abort', onAbort, { once: true });
    });
    // Whichever loses the race must not be an unhandled rejection.
    answer.catch(() => { });
    aborted.catch(() => { });
    return Promise.race([answer, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

;// CONCATENATED MODULE: ./src/http/proxy.ts
/** Which proxy carries the requests: HTTPS_PROXY/HTTP_PROXY unless NO_PROXY says otherwise; none set, none. */

/** Proxies come from `env` (not process.env, which undici would read), so tests and callers decide. */
function proxiesIn(env) {
    // Lower case first, as undici and curl read them.
    const httpProxy = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
    const httpsProxy = firstSet(env, ['https_proxy', 'HTTPS_PROXY']);
    if (!httpProxy && !httpsProxy)
        return undefined;
    // '' rather than undefined: undici falls back to process.env for undefined.
    return { httpProxy: httpProxy ?? '', httpsProxy: httpsProxy ?? '', noProxy: firstSet(env, ['no_proxy', 'NO_PROXY']) ?? '' };
}
/**
 * The longest wait for a proxy's answer to the CONNECT that opens a tunnel, the limit a direct connection has to
 * come up in (node-transport.ts). undici sends the CONNECT outside the request, so neither the request's timeout
 * nor its abort reaches it: without this, a proxy that takes the CONNECT and says nothing holds the request for
 * undici's 300 s headers timeout.
 */
const TUNNEL_TIMEOUT_MS = 10_000;
/** undici's proxy agent, loaded only when a proxy is set (it is a megabyte of code; direct requests do without it). */
async function proxyTransport(proxies) {
    const { EnvHttpProxyAgent, Pool } = await __webpack_require__.e(/* import() */ 752).then(__webpack_require__.t.bind(__webpack_require__, 24371, 19));
    return dispatcherTransport(new EnvHttpProxyAgent({
        ...proxies,
        // Plain-http targets are sent in absolute form, as forward proxies expect, not tunnelled with CONNECT
        // (which proxies commonly allow only to port 443). HTTPS targets are always tunnelled.
        proxyTunnel: false,
        clientFactory: (origin, options) => new Pool(origin, { ...options, headersTimeout: TUNNEL_TIMEOUT_MS }),
    }));
}
function firstSet(env, names) {
    for (const name of names) {
        const value = env[name];
        if (value)
            return value;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/http/client.ts









class HttpClient {
    options;
    ownRetries = [];
    attemptCount = 0;
    policy;
    timeoutMs;
    userAgent;
    /** Made on the first request: a proxy's transport loads undici, which a client that sends nothing need not. */
    transport;
    /** Only a transport we made is ours to close. */
    ownsTransport;
    sleep;
    random;
    closing;
    constructor(options = {}) {
        this.options = options;
        this.policy = { ...DEFAULT_RETRY, ...options.retry };
        this.timeoutMs = options.timeoutMs ?? 30_000;
        this.userAgent = options.userAgent ?? `meshagent-ship/${version/* VERSION */.x}`;
        this.ownsTransport = options.dispatcher === undefined;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.random = options.random ?? Math.random;
    }
    /** Every retry made by this client, in order (a shared `retryLog` holds those of the other clients too). */
    get retries() {
        return this.ownRetries;
    }
    /** Requests sent, counting every attempt. */
    get attempts() {
        return this.attemptCount;
    }
    /** Closes the transport if this client made it; safe to call twice (undici rejects a second close once destroyed). */
    close() {
        const made = this.transport;
        this.closing ??= this.ownsTransport && made ? made.then((transport) => transport.close()) : Promise.resolve();
        return this.closing;
    }
    /** The caller's dispatcher, else undici's proxy agent when `env` names a proxy, else Node's http and https. */
    transportFor() {
        if (!this.transport) {
            const { dispatcher } = this.options;
            const proxies = proxiesIn(this.options.env ?? process.env);
            this.transport = dispatcher ? Promise.resolve(dispatcherTransport(dispatcher)) : proxies ? proxyTransport(proxies) : Promise.resolve(new NodeTransport());
        }
        return this.transport;
    }
    /** Sends the request (retrying as classified) and returns the accepted answer, read whole. */
    async request(request) {
        return (await this.send(request, false));
    }
    /**
     * Like `request`, but an accepted answer's body is handed over unread, for bodies too large to hold in memory.
     * The timeout covers the answer's headers; a body that stalls is ended by the transport's idle body timeout.
     */
    async stream(request) {
        return (await this.send(request, true));
    }
    async send(asked, streamed) {
        if (this.closing)
            throw new Error(`HttpClient: ${asked.method} ${asked.url} after close()`);
        const request = this.withClientSignal(asked);
        const prepared = this.prepare(request);
        const maxAttempts = request.maxAttempts ?? this.policy.maxAttempts;
        for (let attempt = 1;; attempt += 1) {
            const retriesSoFar = attempt - 1;
            // Checked before every attempt, so an abort during the wait between attempts ends the request too.
            if (request.signal?.aborted)
                throw this.failureError(prepared, { kind: 'cancelled', reason: request.signal.reason }, retriesSoFar);
            const started = Date.now();
            const outcome = await this.attempt(prepared, streamed);
            this.debugAttempt(prepared, outcome, Date.now() - started, attempt, maxAttempts);
            if (!('kind' in outcome))
                return outcome;
            const giveUp = outcome.kind === 'cancelled' || !this.isRetryable(outcome, prepared) || attempt >= maxAttempts;
            if (giveUp)
                throw this.failureError(prepared, outcome, retriesSoFar);
            const delayMs = this.delayBeforeRetry(prepared, outcome, attempt);
            this.recordRetry(prepared, outcome, attempt, delayMs, maxAttempts);
            await this.sleepUnlessCancelled(delayMs, request.signal);
        }
    }
    withClientSignal(request) {
        const own = this.options.signal;
        if (!own)
            return request;
        return { ...request, signal: request.signal ? AbortSignal.any([request.signal, own]) : own };
    }
    // --- one attempt -------------------------------------------------------------------------------------------------
    /**
     * Sends the request once; an accepted answer is returned (read whole, or with its body unread when `streamed`),
     * anything else described.
     */
    async attempt(prepared, streamed) {
        const { request, url } = prepared;
        const timeoutMs = request.timeoutMs ?? this.timeoutMs;
        // A timer we can stop: a streamed body outlives the attempt, and must not be cut when the timeout passes.
        const timeout = new AbortController();
        const timer = setTimeout(() => timeout.abort(new Error(`timed out after ${seconds(timeoutMs)} s`)), timeoutMs);
        const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
        // Outside the try: a body factory that throws is the caller's problem, not a connection failure to retry.
        const body = bodyForAttempt(request);
        this.attemptCount += 1;
        try {
            const transport = await this.transportFor();
            const answer = await transport.request({
                origin: url.origin,
                path: url.pathname + url.search,
                method: request.method,
                // A fresh copy: undici's HTTP/1 proxy wrapper adds a host header to the object it is given.
                headers: { ...prepared.headers },
                body,
                signal,
            });
            const accepted = request.accept ? request.accept.includes(answer.statusCode) : answer.statusCode >= 200 && answer.statusCode < 300;
            if (streamed && accepted) {
                clearTimeout(timer);
                return { status: answer.statusCode, headers: flattenHeaders(answer.headers), body: answer.body };
            }
            // The timeout covers the body too: the transport destroys the body stream when the signal aborts.
            const received = await readAll(answer.body);
            const asked = { method: request.method, label: prepared.label, shownUrl: prepared.shownUrl };
            const response = new BufferedResponse(answer.statusCode, answer.statusText, flattenHeaders(answer.headers), received, asked, this.maskerFor(prepared));
            return accepted ? response : { kind: 'status', response };
        }
        catch (error) {
            if (request.signal?.aborted)
                return { kind: 'cancelled', reason: request.signal.reason };
            if (timeout.signal.aborted)
                return { kind: 'connection', error, reason: `timed out after ${seconds(timeoutMs)} s`, timedOut: true };
            // A streamed body that failed mid-way (e.g. the upload source) is destroyed with the request.
            if (body !== undefined && typeof body === 'object' && 'destroy' in body)
                body.destroy();
            return { kind: 'connection', error, reason: describeConnectionError(error), timedOut: false };
        }
        finally {
            clearTimeout(timer);
        }
    }
    debugAttempt(prepared, outcome, ms, attempt, maxAttempts) {
        if (!this.options.debug)
            return;
        const result = !('kind' in outcome)
            ? String(outcome.status)
            : outcome.kind === 'status'
                ? String(outcome.response.status)
                : outcome.kind === 'connection'
                    ? outcome.reason
                    : 'cancelled';
        this.options.debug(this.maskerFor(prepared)(`${prepared.request.method} ${prepared.shownUrl} -> ${result} in ${ms} ms (attempt ${attempt} of ${maxAttempts})`));
    }
    isRetryable(failure, prepared) {
        const { request } = prepared;
        if (failure.kind === 'status') {
            const { status, body } = failure.response;
            return this.options.retryStatus ? this.options.retryStatus({ method: request.method, url: prepared.shownUrl, status, body }) : isRetryableStatus(status);
        }
        if (request.retryRefused === false && isConnectionRefused(failure.error))
            return false;
        // A create sent twice may create twice (go-containerregistry's transport retries only what is idempotent, too).
        if (!isIdempotent(request) && !neverConnected(failure.error))
            return false;
        return failure.timedOut || isRetryableConnectionError(failure.error);
    }
    // --- waiting between attempts --------------------------------------------------------------------------------------
    /** The server's Retry-After when it sends one (refusing waits beyond the cap), else jittered exponential backoff. */
    delayBeforeRetry(prepared, failure, attempt) {
        const asked = failure.kind === 'status' ? retryAfterMs(failure.response.headers['retry-after'], Date.now()) : undefined;
        const tooLong = refusedWait(this.policy, asked);
        if (tooLong)
            throw this.failureError(prepared, failure, attempt - 1, tooLong);
        return asked ?? backoffMs(this.policy, attempt, this.random);
    }
    recordRetry(prepared, failure, attempt, delayMs, maxAttempts) {
        const reason = failure.kind === 'status' ? failure.response.statusLine : failure.reason;
        const what = failure.kind === 'status' ? `answered ${failure.response.status}` : `failed: ${failure.reason}`;
        const message = `${prepared.label} ${what}; retry ${attempt} of ${maxAttempts - 1} in ${seconds(delayMs)} s`;
        this.addRetry({ method: prepared.request.method, url: prepared.shownUrl, attempt, reason, delayMs }, this.maskerFor(prepared)(message));
    }
    /** The one place a retry is counted: this client's list, the run's shared log, and one log line. */
    addRetry(record, message) {
        this.ownRetries.push(record);
        this.options.retryLog?.add(record);
        this.options.log?.(message);
    }
    /**
     * For a caller that repeats a failed request its own way (an upload goes on from what the registry holds, or
     * starts again): waits as the client would before its retry number `retry` of `maxRetries` (the server's
     * Retry-After, else jittered backoff), and records and logs that retry like the client's own. When the server
     * asks for a longer wait than the policy allows, nothing is retried: the error is thrown, saying so.
     */
    async retryAfter(error, retry, maxRetries, options = {}) {
        const tooLong = refusedWait(this.policy, error.retryAfterMs);
        if (tooLong) {
            throw new HttpError(`${error.message} (${tooLong})`, {
                method: error.method,
                url: error.url,
                ...(error.status !== undefined ? { status: error.status } : {}),
                bodySnippet: error.bodySnippet,
                retries: retry - 1,
                reason: error.reason,
                cause: error,
                ...(error.hint ? { hint: error.hint } : {}),
            });
        }
        const delayMs = error.retryAfterMs ?? backoffMs(this.policy, retry, this.random);
        const what = error.status !== undefined ? `answered ${error.status}` : `failed: ${error.reason}`;
        const message = `${options.label ?? `${error.method} ${error.url}`} ${what}; retry ${retry} of ${maxRetries} in ${seconds(delayMs)} s`;
        this.addRetry({ method: error.method, url: error.url, attempt: retry, reason: error.reason, delayMs }, maskSecrets(message, this.options.secrets?.() ?? []));
        await this.sleepUnlessCancelled(delayMs, options.signal);
    }
    /** Sleeps, but wakes up early (with an error) when the caller aborts; the abort listener never outlives the wait. */
    async sleepUnlessCancelled(ms, signal) {
        if (!signal)
            return this.sleep(ms);
        let onAbort = () => { };
        const aborted = new Promise((resolve) => {
            onAbort = () => resolve();
            signal.addEventListener('abort', onAbort, { once: true });
        });
        try {
            await Promise.race([this.sleep(ms), aborted]);
        }
        finally {
            signal.removeEventListener('abort', onAbort);
        }
    }
    // --- errors --------------------------------------------------------------------------------------------------------
    /** The error for a failure we give up on: what happened, how many retries were made, and a hint chosen by status. */
    failureError(prepared, failure, retries, extra) {
        const { request, label, shownUrl } = prepared;
        const mask = this.maskerFor(prepared);
        const gaveUp = [extra, retries > 0 ? `gave up after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : undefined].filter(Boolean).join('; ');
        const suffix = gaveUp ? ` (${gaveUp})` : '';
        const common = { method: request.method, url: shownUrl, retries, retryable: failure.kind !== 'cancelled' && this.isRetryable(failure, prepared) };
        if (failure.kind === 'cancelled') {
            // Still a ShipError, so a cancelled run reads as a message, not a stack trace.
            const why = failure.reason instanceof Error ? `: ${failure.reason.message}` : '';
            return new HttpError(mask(`${label} was cancelled${why}${suffix}`), { ...common, reason: 'cancelled', cause: failure.reason });
        }
        if (failure.kind === 'connection') {
            const message = request.what
                ? `${request.what} failed: ${prepared.url.origin}: ${failure.reason}${suffix}`
                : `${label} failed: ${failure.reason}${suffix}`;
            const certificate = certificateProblem(failure.error);
            const hint = certificate ? CERTIFICATE_HINTS[certificate] : CONNECTION_HINT;
            return new HttpError(mask(message), { ...common, reason: mask(failure.reason), hint, cause: failure.error });
        }
        const { response } = failure;
        const snippet = bodySnippet(response.body, mask);
        const answered = request.what ? `${request.what} failed: ${response.statusLine}` : `${label} answered ${response.statusLine}`;
        const message = `${answered}${suffix}${snippet ? `: ${snippet}` : ''}`;
        const asked = retryAfterMs(response.headers['retry-after'], Date.now());
        return new HttpError(mask(message), {
            ...common,
            status: response.status,
            bodySnippet: snippet,
            reason: response.statusLine,
            ...(asked !== undefined ? { retryAfterMs: asked } : {}),
            ...hintFor(response.status),
        });
    }
    // --- preparing a request -------------------------------------------------------------------------------------------
    prepare(request) {
        if (request.json !== undefined && request.body !== undefined)
            throw new Error(`${request.method} ${request.url}: give json or body, not both`);
        const url = resolveUrl(this.options.baseUrl, request.url, request.query);
        const shownUrl = url.origin + url.pathname;
        const headers = this.headersFor(request);
        return {
            request,
            url,
            shownUrl,
            label: request.what ?? `${request.method} ${shownUrl}`,
            headers,
            headerSecrets: [...credentialsIn(headers), ...(request.secrets ?? [])],
        };
    }
    /** The caller's headers with lower-case names, over our defaults. */
    headersFor(request) {
        const headers = { 'user-agent': this.userAgent, accept: 'application/json' };
        if (request.json !== undefined)
            headers['content-type'] = 'application/json';
        for (const [name, value] of Object.entries(request.headers ?? {}))
            headers[name.toLowerCase()] = value;
        return headers;
    }
    /** Masks the caller's secrets (read now, since they may have grown) and the request's credentials. */
    maskerFor(prepared) {
        return (text) => maskSecrets(text, [...(this.options.secrets?.() ?? []), ...prepared.headerSecrets]);
    }
}
/** An absolute URL as given, or a path appended to baseUrl (keeping the base's path prefix); then the query. */
function resolveUrl(baseUrl, path, query) {
    let url;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path))
        url = new URL(path);
    else if (baseUrl)
        url = new URL(baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
    else
        throw new Error(`HTTP request to ${path}: a relative path needs a baseUrl`);
    for (const [name, value] of Object.entries(query ?? {})) {
        if (value !== undefined)
            url.searchParams.append(name, String(value));
    }
    return url;
}
/** The body to send this attempt: a factory runs again, so a stream consumed by a failed attempt is made anew. */
function bodyForAttempt(request) {
    if (request.json !== undefined)
        return JSON.stringify(request.json);
    return typeof request.body === 'function' ? request.body() : request.body;
}
/** An answer's body, read whole. */
async function readAll(body) {
    const chunks = [];
    for await (const chunk of body)
        chunks.push(chunk);
    return Buffer.concat(chunks);
}
/** The transport's headers (arrays for repeated ones) as one string per lower-case name. */
function flattenHeaders(headers) {
    const flat = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined)
            flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return flat;
}
/** The request's own say, else what its method promises (RFC 9110 9.2.2). */
function isIdempotent(request) {
    return request.idempotent ?? (request.method !== 'POST' && request.method !== 'PATCH');
}

;// CONCATENATED MODULE: ./src/http/link.ts
/** The `rel="next"` address of a Link header (RFC 8288), as registries and GitHub's API page their lists; if any. */
function nextPage(link) {
    for (const part of (link ?? '').split(',')) {
        const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
        if (match)
            return match[1];
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/http/retry-log.ts
/** The record of every retry of a run, so the log, the result and the summary count each one once. */
/**
 * Every retry of a run, in order: shared by the clients of one run (the API's, the registry's, a source registry's),
 * so the log lines, the result and the summary count each retry once, whichever client or upload made it.
 */
class RetryLog {
    list = [];
    add(record) {
        this.list.push(record);
    }
    get records() {
        return this.list;
    }
}

;// CONCATENATED MODULE: ./src/http.ts
/**
 * The HTTP client's surface: what the rest of meshagent-ship imports. The client and its retry loop are in
 * http/client.ts; the request and answer types, the retry policy and log, the classification of failures, the
 * error, masking and the proxy choice each have their own module in http/.
 */









/***/ })

};
