export const id = 529;
export const ids = [529];
export const modules = {

/***/ 50089:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ZJ: () => (/* binding */ addIssue),
/* harmony export */   hD: () => (/* binding */ quote),
/* harmony export */   lq: () => (/* binding */ optional),
/* harmony export */   rQ: () => (/* binding */ nonAsciiNote)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);

/** Records a problem with `input`: what is wrong, and the hint saying how to fix it. */
function addIssue(ctx, input, message, hint) {
    ctx.addIssue({ code: 'custom', message, path: [input], params: { hint } });
}
/** Quote a user's value in an error, cut short so a pasted secret never shows whole. */
function quote(text) {
    return (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(text, 40);
}
/**
 * For a name that must be ASCII: the characters that are not, by code point (` (it holds U+0430, not ASCII)`), so a
 * lookalike letter, which the quoted value shows as the letter it mimics, is seen; empty when all are ASCII.
 */
function nonAsciiNote(text) {
    const found = [...new Set([...text].filter((char) => char.codePointAt(0) > 0x7e))];
    if (found.length === 0)
        return '';
    const shown = found.slice(0, 3).map((char) => `U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
    return ` (it holds ${shown.join(', ')}${found.length > 3 ? ' and more' : ''}, not ASCII)`;
}
/** The trimmed value, or undefined when the input is empty. */
function optional(raw) {
    const trimmed = raw.trim();
    return trimmed === '' ? undefined : trimmed;
}


/***/ }),

/***/ 71905:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AB: () => (/* binding */ parseImageSource),
/* harmony export */   Ah: () => (/* binding */ parseRooms),
/* harmony export */   BJ: () => (/* binding */ parseMeshagentToken),
/* harmony export */   CJ: () => (/* binding */ parseFile),
/* harmony export */   DF: () => (/* binding */ parseWait),
/* harmony export */   HU: () => (/* binding */ parseChoice),
/* harmony export */   IV: () => (/* binding */ sendsInClear),
/* harmony export */   Sz: () => (/* binding */ checkApiUrl),
/* harmony export */   XJ: () => (/* binding */ unusableApiKey),
/* harmony export */   aZ: () => (/* binding */ parseAutoTimeout),
/* harmony export */   gR: () => (/* binding */ parseDomain),
/* harmony export */   nV: () => (/* binding */ parseApiUrl),
/* harmony export */   w1: () => (/* binding */ projectIdFromApiKey),
/* harmony export */   yG: () => (/* binding */ parseBoolean)
/* harmony export */ });
/* unused harmony export DEFAULT_API_URL */
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(93078);
/* harmony import */ var _loopback_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(72082);
/* harmony import */ var _list_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(97347);
/* harmony import */ var _python_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4461);
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(98286);
/* harmony import */ var _issues_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(50089);
/**
 * The parsers of single-value inputs: booleans, a choice among names, the API URL and key, the participant token's
 * scope, the domain, the wait, the image to ship and the Dockerfile path.
 */






/** MeshAgent's API, when api-url is not given. */
const DEFAULT_API_URL = 'https://api.meshagent.com';
/** How long `wait: true` probes the service URL: the CLI's live-wait default. */
const DEFAULT_WAIT_SECONDS = 300;
const BOOLEAN_TRUE = ['true', 'True', 'TRUE'];
const BOOLEAN_FALSE = ['false', 'False', 'FALSE'];
/** true or false; undefined (reported) for anything else, so no later check builds on a wrong guess. */
function parseBoolean(input, raw, ctx) {
    const value = raw.trim();
    if (BOOLEAN_TRUE.includes(value))
        return true;
    if (BOOLEAN_FALSE.includes(value))
        return false;
    (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, input, `${input}: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(value)} is not a boolean`, `use true or false`);
    return undefined;
}
const TOKEN_PRESETS = ['userDefault', 'agentDefault', 'full'];
function parseMeshagentToken(raw, ctx) {
    const value = (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .optional */ .lq)(raw);
    if (value === undefined)
        return undefined;
    const preset = TOKEN_PRESETS.find((name) => name === value);
    if (preset)
        return { preset };
    const message = 'meshagent-token must be one of userDefault, agentDefault, full, or a JSON ApiScope object';
    try {
        const scope = JSON.parse(value);
        if (scope !== null && typeof scope === 'object' && !Array.isArray(scope)) {
            return { scope: scope };
        }
    }
    catch {
        // reported below
    }
    (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'meshagent-token', message, 'e.g. meshagent-token: agentDefault');
    return undefined;
}
const ROOM_RE = /^(?=.{1,63}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
/**
 * The rooms to deploy to: one name, or several on lines or separated by commas, each checked with the CLI's rule
 * for a room name. A name listed twice is refused: each room gets the service once.
 */
function parseRooms(raw, ctx) {
    const names = (0,_list_text_js__WEBPACK_IMPORTED_MODULE_4__/* .listItems */ .D)(raw);
    const several = names.length > 1;
    for (const [index, room] of names.entries()) {
        if (!ROOM_RE.test(room)) {
            (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'room', `room: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(room)}${several ? ` (room ${index + 1} of ${names.length})` : ''} is not a valid room name${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .nonAsciiNote */ .rQ)(room)}`, 'room names are 1-63 lowercase letters, digits and -, starting and ending with a letter or digit');
        }
        else if (names.indexOf(room) !== index) {
            (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'room', `room: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(room)} is listed twice`, 'list each room once');
        }
    }
    return names;
}
const DOMAIN_LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/**
 * The domain, kept as given once stripped of whitespace, as the CLI keeps it (case and a trailing dot included);
 * domains are compared without case wherever they are compared. It must be a host name of two labels or more.
 */
function parseDomain(raw, ctx) {
    const stripped = (0,_python_text_js__WEBPACK_IMPORTED_MODULE_1__/* .pyStrip */ .m0)(raw);
    const value = stripped === '' ? undefined : stripped;
    if (value === undefined)
        return undefined;
    if (/^[a-z]+:\/\//i.test(value) || value.includes('/')) {
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'domain', `domain: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(value)} must be a host name`, 'write the host name only, e.g. app.example.com, without https:// or a path');
        return undefined;
    }
    const labels = value.replace(/\.$/, '').split('.');
    if (value.length > 254 || labels.length < 2 || !labels.every((label) => DOMAIN_LABEL_RE.test(label))) {
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'domain', `domain: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(value)} is not a valid domain name${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .nonAsciiNote */ .rQ)(value)}`, 'use a host name such as my-app.example.com');
        return undefined;
    }
    return value;
}
function parseWait(raw, ctx) {
    const value = raw.trim();
    if (BOOLEAN_FALSE.includes(value) || value === '0')
        return 0;
    if (BOOLEAN_TRUE.includes(value))
        return DEFAULT_WAIT_SECONDS;
    const match = /^([0-9]+)\s*(s|m)?$/.exec(value);
    const seconds = match ? Number(match[1]) * (match[2] === 'm' ? 60 : 1) : NaN;
    if (!Number.isSafeInteger(seconds) || seconds > 3600) {
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'wait', `wait: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(value)} must be true, false, or a timeout up to 60m`, 'e.g. wait: true, wait: 90s or wait: 5m');
        return 0;
    }
    return seconds;
}
/** `prefetch-auto-timeout`: whole seconds, 1 to 300 (a `s` after the number is allowed). */
function parseAutoTimeout(raw, ctx) {
    const value = raw.trim();
    const match = /^([0-9]+)\s*s?$/.exec(value);
    const seconds = match ? Number(match[1]) : NaN;
    if (!(seconds >= 1 && seconds <= 300)) {
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'prefetch-auto-timeout', `prefetch-auto-timeout: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(value)} must be whole seconds from 1 to 300`, 'the default is 10');
        return 10;
    }
    return seconds;
}
/**
 * Why an API key cannot be used, if it cannot: it goes into the Authorization header, which carries printable ASCII
 * only (a line break pasted with the key failed every request with 'Invalid character in header content'). The
 * message never shows the key.
 */
function unusableApiKey(apiKey) {
    if (apiKey === '' || /^[\x21-\x7e]+$/.test(apiKey))
        return undefined;
    return {
        message: 'api-key holds a line break, a space or a character that is not printable ASCII, which no API key has',
        hint: 'copy the key again as one line, e.g. from MeshAgent Studio, and store it as the secret unchanged',
    };
}
/**
 * The API URL as written (trailing slashes dropped, the default when empty), and what is wrong with it, if anything:
 * not http(s), a user name or password (then `value` is the URL without them, so no later message shows them), a
 * query or fragment. One check for the ship's input and for the commands that read MESHAGENT_API_URL.
 */
function checkApiUrl(raw) {
    const value = ((0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .optional */ .lq)(raw) ?? DEFAULT_API_URL).replace(/\/+$/, '');
    let url;
    try {
        url = new URL(value);
    }
    catch {
        url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
        return { value, problem: { message: `api-url: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(value)} is not an http(s) URL`, hint: `e.g. ${DEFAULT_API_URL}` } };
    if (url.username || url.password) {
        // The credentials are not repeated in the message, nor in the value later checks quote.
        const shown = `${url.protocol}//***@${url.host}${url.pathname === '/' ? '' : url.pathname}`;
        return {
            value: shown,
            problem: {
                message: `api-url: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(shown)} holds a user name or password: the API takes the api-key only`,
                hint: `remove user:password@, e.g. ${DEFAULT_API_URL}`,
            },
        };
    }
    if (url.search || url.hash)
        return {
            value,
            problem: {
                message: `api-url: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(value)} has a query or fragment: it must be the base URL the API paths are added to`,
                hint: `remove what follows ? or #, e.g. ${DEFAULT_API_URL}`,
            },
        };
    return { value };
}
function parseApiUrl(raw, ctx) {
    const { value, problem } = checkApiUrl(raw);
    if (problem)
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'api-url', problem.message, problem.hint);
    return value;
}
/** Whether requests to this URL travel unencrypted beyond the machine: plain http to a host that is not loopback. */
function sendsInClear(apiUrl) {
    let url;
    try {
        url = new URL(apiUrl);
    }
    catch {
        return false;
    }
    if (url.protocol !== 'http:')
        return false;
    // Names under .localhost resolve to loopback too (RFC 6761), as the sandbox's do.
    return !(0,_loopback_js__WEBPACK_IMPORTED_MODULE_5__/* .isLoopbackHost */ .c)(url.hostname) && !url.hostname.endsWith('.localhost');
}
/** Decodes the project id an `ma-<keyid>-<projectid>-<secret>` API key carries; undefined for other tokens. */
function projectIdFromApiKey(apiKey) {
    if (!apiKey.startsWith('ma-'))
        return undefined;
    const parts = apiKey.slice(3).split('-');
    if (parts.length < 3 || parts.slice(2).join('-') === '')
        return undefined;
    const bytes = Buffer.from((parts[1] ?? '').replaceAll('.', '-'), 'base64url');
    if (bytes.length !== 16 || bytes.toString('base64url').replaceAll('-', '.') !== parts[1])
        return undefined;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
function parseImageSource(raw, ctx) {
    const value = (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .optional */ .lq)(raw);
    if (value === undefined)
        return undefined;
    const hint = 'use oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE, or a registry reference such as docker://host/repo:tag';
    if (/^(oci|oci-archive|docker-archive):/.test(value)) {
        // The same parser as the convert, push and pull commands, so a path means the same thing everywhere.
        try {
            const ref = (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_0__/* .parseImageRef */ .Q)(value);
            return ref.transport === 'docker-archive' ? { kind: 'docker-archive', path: ref.path } : { kind: ref.transport, path: ref.path, ref: ref.ref };
        }
        catch (error) {
            (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'image', `image: ${error instanceof Error ? error.message : String(error)}`, hint);
            return undefined;
        }
    }
    try {
        return { kind: 'registry', reference: (0,_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .parseImageReference */ .o_)(value.replace(/^docker:\/\//, ''), 'image') };
    }
    catch (error) {
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'image', `image: ${error instanceof Error ? error.message : String(error)}`, hint);
        return undefined;
    }
}
function parseFile(raw, ctx) {
    const value = (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .optional */ .lq)(raw);
    if (value === undefined)
        return undefined;
    const hint = 'give the Dockerfile path relative to the context directory, e.g. docker/Dockerfile';
    const parts = value.split('/').filter((part) => part !== '' && part !== '.');
    if (value.startsWith('/'))
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'file', 'file must be relative to the context', hint);
    else if (parts.length === 0)
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'file', 'file cannot be empty', hint);
    else if (parts.includes('..'))
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'file', 'file must stay inside the context', hint);
    else
        return parts.join('/');
    return undefined;
}
function parseChoice(input, raw, choices, ctx, message, normalize = (s) => s) {
    const value = normalize(raw.trim());
    const choice = choices.find((c) => c === value);
    if (choice)
        return choice;
    (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, input, message, `got ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(raw.trim())}`);
    return choices[0];
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

/***/ 55881:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   q: () => (/* binding */ RESERVED_ROOM_SERVICE_PORTS)
/* harmony export */ });
/**
 * The ports MeshAgent keeps for room infrastructure, which no room service may use: the room's internal API port
 * (meshagent-api room_ports.py, RESERVED_ROOM_SERVICE_PORTS). The inputs, the spec builder and the wire schema all
 * check against this one list.
 */
const RESERVED_ROOM_SERVICE_PORTS = [8078];


/***/ }),

/***/ 4461:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $V: () => (/* binding */ pyIsDecimal),
/* harmony export */   Au: () => (/* binding */ pyShlexQuote),
/* harmony export */   DY: () => (/* binding */ pyIsDigit),
/* harmony export */   Ey: () => (/* binding */ pyShlexSplit),
/* harmony export */   GZ: () => (/* binding */ pyDecimalValue),
/* harmony export */   m0: () => (/* binding */ pyStrip)
/* harmony export */ });
/**
 * Python's notions of whitespace and digits, as the MeshAgent CLI applies them (`str.strip()`, `str.isdigit()`,
 * `str.isdecimal()`, `int()`), so a value the CLI accepts is accepted here and one it refuses is refused. JavaScript's
 * `trim()` and `[0-9]` differ: `trim()` also removes U+FEFF and keeps U+001C-U+001F and U+0085; `isdecimal()` is
 * true for the decimal digits of every script, and `isdigit()` also for digits such as superscripts and circled ones.
 */
/** The characters `str.isspace()` is true for (the same in every Python 3 since Unicode 6.3). */
const PYTHON_WHITESPACE = new Set([
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
    0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);
/** Hexadecimal code point ranges, `first-last` or one code point, separated by spaces. */
function ranges(text) {
    return text
        .split(' ')
        .map((range) => range.split('-').map((hex) => Number.parseInt(hex, 16)))
        .map(([first = 0, last = first]) => [first, last]);
}
/*
 * Fixed tables from Python 3.13 (Unicode 15.1), the oldest Python the CLI runs on, so the answers do not change with
 * the Unicode version of the Node.js that runs this. Each decimal range is whole runs of 0 to 9, so a digit's value
 * is its distance from the range's start, modulo 10.
 */
/** `str.isdecimal()`: Numeric_Type Decimal. */
const DECIMAL_RANGES = ranges('30-39 660-669 6f0-6f9 7c0-7c9 966-96f 9e6-9ef a66-a6f ae6-aef b66-b6f be6-bef c66-c6f ce6-cef d66-d6f de6-def e50-e59 ed0-ed9 f20-f29 1040-1049 1090-1099 17e0-17e9 1810-1819 1946-194f 19d0-19d9 1a80-1a89 1a90-1a99 1b50-1b59 1bb0-1bb9 1c40-1c49 1c50-1c59 a620-a629 a8d0-a8d9 a900-a909 a9d0-a9d9 a9f0-a9f9 aa50-aa59 abf0-abf9 ff10-ff19 104a0-104a9 10d30-10d39 11066-1106f 110f0-110f9 11136-1113f 111d0-111d9 112f0-112f9 11450-11459 114d0-114d9 11650-11659 116c0-116c9 11730-11739 118e0-118e9 11950-11959 11c50-11c59 11d50-11d59 11da0-11da9 11f50-11f59 16a60-16a69 16ac0-16ac9 16b50-16b59 1d7ce-1d7ff 1e140-1e149 1e2f0-1e2f9 1e4f0-1e4f9 1e950-1e959 1fbf0-1fbf9');
/** `str.isdigit()` but not `isdecimal()`: Numeric_Type Digit. */
const OTHER_DIGIT_RANGES = ranges('b2-b3 b9 1369-1371 19da 2070 2074-2079 2080-2089 2460-2468 2474-247c 2488-2490 24ea 24f5-24fd 24ff 2776-277e 2780-2788 278a-2792 10a40-10a43 10e60-10e68 11052-1105a 1f100-1f10a');
function inRanges(table, char) {
    const code = char.codePointAt(0) ?? -1;
    return table.find(([first, last]) => code >= first && code <= last);
}
function isPythonSpace(char) {
    return PYTHON_WHITESPACE.has(char.codePointAt(0) ?? -1);
}
/** `str.strip()` with no argument: Python's whitespace removed from both ends. */
function pyStrip(value) {
    const chars = [...value];
    let start = 0;
    let end = chars.length;
    while (start < end && isPythonSpace(chars[start] ?? ''))
        start++;
    while (end > start && isPythonSpace(chars[end - 1] ?? ''))
        end--;
    return chars.slice(start, end).join('');
}
/** `str.isdecimal()`: at least one character, and every character a decimal digit of some script. */
function pyIsDecimal(value) {
    return value !== '' && [...value].every((char) => inRanges(DECIMAL_RANGES, char) !== undefined);
}
/** `str.isdigit()`: at least one character, and every character a digit (decimal, or such as ² or ①). */
function pyIsDigit(value) {
    return value !== '' && [...value].every((char) => inRanges(DECIMAL_RANGES, char) ?? inRanges(OTHER_DIGIT_RANGES, char));
}
/** `int(value)` of a string `pyIsDecimal` accepts: the digits of any script, read in base 10. */
function pyDecimalValue(value) {
    return [...value].reduce((total, char) => {
        const range = inRanges(DECIMAL_RANGES, char);
        if (range === undefined)
            throw new Error(`not a decimal digit: ${char}`);
        return total * 10 + (((char.codePointAt(0) ?? 0) - range[0]) % 10);
    }, 0);
}
/** `shlex.quote`: a word as a POSIX shell reads it back, quoted only when it holds more than `\w@%+=:,./-` (ASCII). */
function pyShlexQuote(word) {
    if (word === '')
        return "''";
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}
/**
 * `shlex.split(text, comments=False, posix=True)`: words split at spaces, tabs and line ends; `'...'` literal, `"..."` with `\`
 * escaping only `"` and `\`, `\` outside quotes escaping any character. Throws on an unclosed quote or a trailing
 * `\`, as shlex does ("No closing quotation", "No escaped character").
 */
function pyShlexSplit(text) {
    const words = [];
    let word;
    let quote;
    const chars = [...text];
    for (let i = 0; i < chars.length; i++) {
        const char = chars[i] ?? '';
        if (quote === "'") {
            if (char === "'")
                quote = undefined;
            else
                word += char;
        }
        else if (quote === '"') {
            if (char === '"')
                quote = undefined;
            else if (char === '\\' && (chars[i + 1] === '"' || chars[i + 1] === '\\'))
                word += chars[++i] ?? '';
            else
                word += char;
        }
        else if (char === "'" || char === '"') {
            quote = char;
            word ??= '';
        }
        else if (char === '\\') {
            if (i + 1 >= chars.length)
                throw new Error('No escaped character');
            word = (word ?? '') + (chars[++i] ?? '');
        }
        else if (' \t\r\n'.includes(char)) {
            if (word !== undefined)
                words.push(word);
            word = undefined;
        }
        else {
            word = (word ?? '') + char;
        }
    }
    if (quote !== undefined)
        throw new Error('No closing quotation');
    if (word !== undefined)
        words.push(word);
    return words;
}


/***/ }),

/***/ 98286:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DO: () => (/* binding */ parseImageTag),
/* harmony export */   FV: () => (/* binding */ REGISTRY_USERNAME),
/* harmony export */   Lq: () => (/* binding */ normalizeProjectTag),
/* harmony export */   NW: () => (/* binding */ pagesDomainFromConfig),
/* harmony export */   _5: () => (/* binding */ deriveServiceName),
/* harmony export */   fe: () => (/* binding */ projectRegistryFromConfig),
/* harmony export */   jv: () => (/* binding */ formatImageTag),
/* harmony export */   mY: () => (/* binding */ tagNeedsProjectKey),
/* harmony export */   o_: () => (/* binding */ parseImageReference),
/* harmony export */   tj: () => (/* binding */ checkProjectKey)
/* harmony export */ });
/* unused harmony exports DEFAULT_REGISTRY_HOST, tagNeedsNormalization, splitProjectRepository */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _python_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4461);
/**
 * Image references and the MeshAgent tag rules.
 *
 * The parsing, normalization and project-registry checks follow the MeshAgent CLI exactly (its regexes, its order
 * of checks and its error texts), so a tag the CLI accepts is accepted here and a tag it rejects is rejected with
 * the same words. Everything here is pure: no network, no I/O.
 */


/** Where MeshAgent's registry lives when the deployment config names none. */
const DEFAULT_REGISTRY_HOST = 'registry.meshagent.com';
/** The user name the project registry expects with a repository token as password. */
const REGISTRY_USERNAME = 'meshagent';
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const REGISTRY_COMPONENT_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const PROJECT_KEY_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const tagHint = 'use <registry>/<project-key>/<repository>:<tag>, or the shorthand <repository>:<tag>; repository components are ' +
    'lowercase letters and digits joined by ".", "_", "__" or "-"';
/** The longest image name (registry and repository, without the tag) a registry takes. */
const NAME_MAX_LENGTH = 255;
function newTagError(message, input) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(message, { hint: tagHint, input });
}
/**
 * Parses an image tag the way the MeshAgent CLI does. `optionName` is how the tag is named in the two messages
 * that name it (`--tag` in the CLI, `tag` for this action's input).
 */
function parseImageTag(input, optionName = '--tag') {
    const tagError = (message) => newTagError(message, optionName.replace(/^--/, ''));
    let cleaned = (0,_python_text_js__WEBPACK_IMPORTED_MODULE_1__/* .pyStrip */ .m0)(input);
    if (cleaned === '')
        throw tagError(`${optionName} cannot be empty`);
    if (cleaned.includes('@'))
        throw tagError(`${optionName} must be an OCI image reference without a digest`);
    let tag;
    const lastColon = cleaned.lastIndexOf(':');
    const lastSlash = cleaned.lastIndexOf('/');
    if (lastColon > lastSlash) {
        tag = cleaned.slice(lastColon + 1);
        cleaned = cleaned.slice(0, lastColon);
        if (tag === '' || !TAG_RE.test(tag))
            throw tagError(`invalid OCI image tag: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .shown */ .SP)(input)}`);
    }
    if (cleaned === '')
        throw tagError(`invalid OCI image reference: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .shown */ .SP)(input)}`);
    const parts = cleaned.split('/');
    if (parts.some((part) => part === ''))
        throw tagError(`invalid OCI image reference: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .shown */ .SP)(input)}`);
    let registry;
    let repositoryParts = parts;
    const first = parts[0] ?? '';
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
        registry = first;
        repositoryParts = parts.slice(1);
        if (repositoryParts.length === 0)
            throw tagError(`missing repository name in OCI image reference: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .shown */ .SP)(input)}`);
        const colon = registry.indexOf(':');
        const host = colon === -1 ? registry : registry.slice(0, colon);
        const port = colon === -1 ? undefined : registry.slice(colon + 1);
        if (host.split('.').some((label) => label === '' || !REGISTRY_COMPONENT_RE.test(label))) {
            throw tagError(`invalid OCI image registry: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .shown */ .SP)(input)}`);
        }
        if (port !== undefined && !(0,_python_text_js__WEBPACK_IMPORTED_MODULE_1__/* .pyIsDigit */ .DY)(port))
            throw tagError(`invalid OCI image registry port: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .shown */ .SP)(input)}`);
    }
    if (repositoryParts.some((component) => !REPOSITORY_COMPONENT_RE.test(component))) {
        throw tagError(`invalid OCI image repository: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .shown */ .SP)(input)}`);
    }
    // distribution's reference grammar caps the whole name, registry included, at 255 characters; a longer one
    // passes every other rule and fails only at the registry. A shorthand tag is checked again once normalized.
    const name = cleaned;
    if (name.length > NAME_MAX_LENGTH) {
        throw tagError(`repository name must not be more than ${NAME_MAX_LENGTH} characters (it has ${name.length}): ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .shown */ .SP)(input, 80)}`);
    }
    return { value: (0,_python_text_js__WEBPACK_IMPORTED_MODULE_1__/* .pyStrip */ .m0)(input), registry, repository: repositoryParts.join('/'), tag };
}
const DIGEST_RE = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
/** Parses a reference that may carry a digest; the part before `@` follows the same rules as a tag. */
function parseImageReference(input, optionName) {
    const trimmed = (0,_python_text_js__WEBPACK_IMPORTED_MODULE_1__/* .pyStrip */ .m0)(input);
    const at = trimmed.indexOf('@');
    if (at === -1)
        return { ...parseImageTag(trimmed, optionName), digest: undefined };
    const digest = trimmed.slice(at + 1);
    // `user:password@host/...`: credentials where a digest would be. Named as such, and not repeated.
    if (!trimmed.slice(0, at).includes('/') && digest.includes('/')) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('a registry reference holds no user name or password (user@ before the host)', {
            input: optionName.replace(/^--/, ''),
            hint: 'remove user:password@; registry credentials come from the Docker config (docker login) or MESHAGENT_SHIP_REGISTRY_USER and MESHAGENT_SHIP_REGISTRY_PASSWORD',
        });
    }
    if (!DIGEST_RE.test(digest)) {
        throw newTagError(`invalid OCI image digest: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .shown */ .SP)(input)}`, optionName.replace(/^--/, ''));
    }
    const name = parseImageTag(trimmed.slice(0, at), optionName);
    return { ...name, value: trimmed, digest };
}
/** `registry/repository[:tag]`, the inverse of parseImageTag. */
function formatImageTag(tag) {
    const repository = tag.registry === undefined ? tag.repository : `${tag.registry}/${tag.repository}`;
    return tag.tag === undefined ? repository : `${repository}:${tag.tag}`;
}
/** A single-component repository (`app:1`) gets the project key inserted. */
function tagNeedsProjectKey(tag) {
    return tag.repository.split('/').length === 1;
}
/** True when normalization could change the tag: no registry, or the project registry with no key. */
function tagNeedsNormalization(tag, projectRegistry) {
    if (tag.registry === undefined)
        return true;
    if (tag.registry !== projectRegistry)
        return false;
    return tagNeedsProjectKey(tag);
}
/**
 * The CLI's shorthand normalization: no registry means the project registry, and a single repository component
 * gets the project key in front (`app:1` -> `<registry>/<key>/app:1`). A foreign registry is left alone.
 */
function normalizeProjectTag(tag, projectRegistry, projectKey) {
    if (tag.registry !== undefined && tag.registry !== projectRegistry)
        return tag;
    const registry = tag.registry ?? projectRegistry;
    const repository = tagNeedsProjectKey(tag) ? `${projectKey}/${tag.repository}` : tag.repository;
    if (registry === tag.registry && repository === tag.repository)
        return tag;
    return parseImageTag(formatImageTag({ registry, repository, tag: tag.tag }));
}
/** How the CLI prints the expected tag shape for a registry. */
function projectTagFormat(projectRegistry) {
    return `${projectRegistry}/<project-key>/<repository>:<tag>`;
}
/**
 * Checks a (normalized) tag names the project registry, has at least `<project-key>/<repository>` and a valid
 * key, and splits it. The repository name sent to the MeshAgent API is the part after the key.
 */
function splitProjectRepository(tag, projectRegistry) {
    const format = projectTagFormat(projectRegistry);
    if (tag.registry !== projectRegistry) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(`PATH requires --tag to use ${format}`, {
            input: 'tag',
            hint: `meshagent-ship pushes to the project registry ${projectRegistry}; use a tag of the form ${format}, or the shorthand <repository>:<tag>`,
        });
    }
    const parts = tag.repository.split('/');
    if (parts.length < 2) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(`room image tags must be in the form ${format}`, { input: 'tag', hint: `e.g. ${projectRegistry}/<project-key>/my-service:1` });
    }
    const projectKey = parts[0] ?? '';
    if (!PROJECT_KEY_RE.test(projectKey)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(`room image tags must use a valid project key after ${projectRegistry}/`, {
            input: 'tag',
            hint: 'a project key is lowercase letters and digits, words joined by single "-"',
        });
    }
    return { projectKey, repositoryName: parts.slice(1).join('/') };
}
/** The tag's project key must be the selected project's key. */
function checkProjectKey(tag, projectRegistry, expectedKey) {
    const split = splitProjectRepository(tag, projectRegistry);
    if (split.projectKey !== expectedKey) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('the image tag project key does not match the selected project: ' +
            `expected ${projectRegistry}/${expectedKey ?? 'None'}/..., got ${projectRegistry}/${split.projectKey}/...`, { input: 'tag', hint: 'use the project key of the project your API key belongs to, or the shorthand <repository>:<tag>' });
    }
    return split;
}
/** The CLI's service name: the repository path with `/` turned into `-`, project key included. */
function deriveServiceName(tag) {
    return tag.repository.replaceAll('/', '-');
}
function registryFromApiBase(apiBase) {
    const trimmed = (0,_python_text_js__WEBPACK_IMPORTED_MODULE_1__/* .pyStrip */ .m0)(apiBase ?? '');
    if (!trimmed)
        return undefined;
    const text = trimmed.includes('://') ? trimmed : `https://${trimmed}`;
    let url;
    try {
        url = new URL(text);
    }
    catch {
        return undefined;
    }
    const host = url.hostname;
    if (!host.startsWith('api.'))
        return undefined;
    const registry = `registry.${host.slice('api.'.length)}`;
    const port = explicitPort(text) ?? url.port;
    return port === '' ? registry : `${registry}:${port}`;
}
/**
 * The port written in a URL, as Python's `urlparse(...).port` reads it: also the scheme's default port, which
 * WHATWG URL parsing drops (`https://api.example.com:443` keeps `:443` in the CLI's registry).
 */
function explicitPort(url) {
    const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
    const digits = /:([0-9]+)$/.exec(authority.slice(authority.lastIndexOf('@') + 1))?.[1];
    return digits === undefined ? undefined : String(Number(digits));
}
/**
 * The project registry host, as the CLI derives it: `domains.registry`; else `registry.` + the API domain minus
 * `api.`; else the same from the API URL; else the default host.
 */
function projectRegistryFromConfig(domains, apiUrl) {
    const configured = (0,_python_text_js__WEBPACK_IMPORTED_MODULE_1__/* .pyStrip */ .m0)(domains.registry ?? '');
    if (configured)
        return configured;
    return registryFromApiBase(domains.api) ?? registryFromApiBase(apiUrl) ?? DEFAULT_REGISTRY_HOST;
}
/** The pages domain used for default service URLs: `domains.pages`, lowercased, one leading dot dropped, else `meshagent.app`. */
function pagesDomainFromConfig(domains) {
    const pages = (0,_python_text_js__WEBPACK_IMPORTED_MODULE_1__/* .pyStrip */ .m0)(domains.pages ?? '')
        .toLowerCase()
        .replace(/^\./, '');
    return pages ? pages : 'meshagent.app';
}


/***/ })

};
