export const id = 294;
export const ids = [294];
export const modules = {

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


/***/ }),

/***/ 34294:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   describeConfig: () => (/* binding */ describeConfig),
/* harmony export */   renderConfig: () => (/* binding */ renderConfig)
/* harmony export */ });
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(98286);

const REDACTED = '***';
/** The config as plain data with secrets redacted: what `plan --json` prints and the result records. */
function describeConfig(config) {
    const { meshagent, image, service } = config;
    return {
        meshagent: {
            apiKey: meshagent.apiKey === '' ? '' : REDACTED,
            apiUrl: meshagent.apiUrl,
            projectId: meshagent.projectId,
            projectIdSource: meshagent.projectIdSource,
            room: meshagent.room ?? null,
        },
        image: {
            tag: (0,_reference_js__WEBPACK_IMPORTED_MODULE_0__/* .formatImageTag */ .jv)(image.tag),
            registry: image.tag.registry ?? null,
            repository: image.tag.repository,
            builder: image.builder,
            source: image.source ?? null,
            context: image.context,
            file: image.file ?? null,
            buildArgs: image.buildArgs.map(({ name }) => name),
            target: image.target ?? null,
            platforms: image.platforms,
            estargz: image.estargz,
            prefetch: image.prefetch,
            compressionLevel: image.compressionLevel,
            push: image.push,
        },
        service: {
            deploy: service.deploy,
            name: service.name ?? null,
            createRoom: service.createRoom,
            env: service.env?.map(({ name }) => name) ?? null,
            envSecrets: service.envSecrets ?? null,
            runAs: service.runAs ?? null,
            meshagentToken: service.meshagentToken ?? null,
            identity: service.identity ?? null,
            roomMounts: service.roomMounts ?? null,
            imageMounts: service.imageMounts ?? null,
            emptyDirMounts: service.emptyDirMounts ?? null,
            ports: service.ports ?? null,
            liveness: service.liveness ?? null,
            public: service.public,
            domain: service.domain ?? null,
            validationMode: service.validationMode,
            template: service.template,
            waitSeconds: service.waitSeconds,
        },
        dryRun: config.dryRun,
    };
}
function list(values, none) {
    return values && values.length > 0 ? values.join(', ') : none;
}
/** The config as log lines. Environment values are not printed: only their names. */
function renderConfig(config) {
    const { meshagent, image, service } = config;
    const source = image.source
        ? `ship ${image.source.kind === 'registry' ? image.source.reference.value : `${image.source.kind}:${image.source.path}`}`
        : `build ${image.context}${image.file ? ` (${image.file})` : ''} with ${image.builder}`;
    const lines = [
        `project   ${meshagent.projectId} (from ${meshagent.projectIdSource}) at ${meshagent.apiUrl}`,
        `tag       ${(0,_reference_js__WEBPACK_IMPORTED_MODULE_0__/* .formatImageTag */ .jv)(image.tag)}`,
        `image     ${source}${image.platforms.length ? ` for ${image.platforms.join(', ')}` : ''}`,
        `estargz   ${image.estargz ? `yes, level ${image.compressionLevel}, prefetch ${list(image.prefetch, 'none')}` : 'no'}`,
        `push      ${image.push ? 'yes' : 'no'}`,
    ];
    if (service.deploy) {
        lines.push(`deploy    ${service.name ?? '(name from the tag)'} to room ${meshagent.room ?? '?'}${service.createRoom === 'ephemeral' ? ' (created ephemeral if missing)' : service.createRoom ? ' (created if missing)' : ''}`, `env       ${service.env === undefined
            ? 'kept'
            : list(service.env.map((e) => e.name), 'none')}` +
            (service.envSecrets
                ? `; secrets ${list(service.envSecrets.map((e) => e.name), 'none')} as ${service.runAs}`
                : ''), `ports     ${service.ports === undefined
            ? 'from the image'
            : list(service.ports.map((p) => `${p.num}/${p.type}`), 'none')}`, `domain    ${service.domain ? `https://${service.domain}` : 'none'}`);
    }
    else {
        lines.push('deploy    no');
    }
    if (config.dryRun)
        lines.push('dry run   nothing will be changed');
    return lines.join('\n');
}


/***/ })

};
