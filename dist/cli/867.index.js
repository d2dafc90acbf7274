export const id = 867;
export const ids = [867];
export const modules = {

/***/ 50089:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ZJ: () => (/* binding */ addIssue),
/* harmony export */   hD: () => (/* binding */ quote),
/* harmony export */   lq: () => (/* binding */ optional)
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
/** The trimmed value, or undefined when the input is empty. */
function optional(raw) {
    const trimmed = raw.trim();
    return trimmed === '' ? undefined : trimmed;
}


/***/ }),

/***/ 68867:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  parseConfig: () => (/* binding */ parseConfig),
  readConfig: () => (/* binding */ readConfig)
});

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(38816);
// EXTERNAL MODULE: ./src/errors.ts
var src_errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/reference.ts
var reference = __webpack_require__(98286);
// EXTERNAL MODULE: ./src/inputs/issues.ts
var issues = __webpack_require__(50089);
// EXTERNAL MODULE: ./src/meshagent/reserved-ports.ts
var reserved_ports = __webpack_require__(55881);
;// CONCATENATED MODULE: ./src/inputs/list-parsers.ts


/** Lines of a list input with their 1-based line numbers; blank lines and `#` comments skipped. */
function listLines(raw) {
    return raw
        .split(/\r?\n/)
        .map((text, index) => ({ line: index + 1, text: text.trim() }))
        .filter(({ text }) => text !== '' && !text.startsWith('#'));
}
function parseKeyValues(input, raw, ctx, form = 'KEY=VALUE') {
    const result = [];
    for (const { line, text } of listLines(raw)) {
        const eq = text.indexOf('=');
        if (eq === -1) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must be in the form '${form}'`, `write one ${form} per line`);
            continue;
        }
        const name = text.slice(0, eq).trim();
        if (name === '') {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} must include a non-empty variable name`, `write one ${form} per line`);
            continue;
        }
        result.push({ name, value: text.slice(eq + 1) });
    }
    return result;
}
function parseEnvSecrets(raw, ctx) {
    const input = 'env-secrets';
    const hint = 'write one NAME=SECRET_ID per line, where SECRET_ID is a secret of the run-as service account';
    const result = [];
    for (const { line, text } of listLines(raw)) {
        const eq = text.indexOf('=');
        if (eq === -1) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must be in the form 'NAME=SECRET_ID'`, hint);
            continue;
        }
        const name = text.slice(0, eq).trim();
        const secretId = text.slice(eq + 1).trim();
        if (name === '')
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} must include a non-empty variable name`, hint);
        else if (secretId === '')
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} must include a non-empty secret source`, hint);
        else
            result.push({ name, secretId });
    }
    return result;
}
const READ_MODES = new Set(['ro', 'rw']);
/** `<source>:<mount>[:ro|rw]`, split from the right as the CLI does (a source may hold colons). */
function parseRoomMounts(raw, ctx) {
    const input = 'room-mounts';
    const form = `'<source>:<mount>[:ro|rw]'`;
    const hint = 'e.g. "data:/data" mounts the room folder data at /data; ".:/data:ro" mounts the whole room read-only';
    const result = [];
    for (const { line, text } of listLines(raw)) {
        let readOnly = false;
        let rest = text;
        const parts = rest.split(':');
        const mode = parts.at(-1)?.toLowerCase() ?? '';
        if (parts.length >= 3 && READ_MODES.has(mode)) {
            rest = parts.slice(0, -1).join(':');
            readOnly = mode === 'ro';
        }
        const colon = rest.lastIndexOf(':');
        if (colon === -1) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must be in the form ${form}`, hint);
            continue;
        }
        const source = rest.slice(0, colon).trim();
        const path = rest.slice(colon + 1).trim();
        if (source === '' || path === '') {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must include both source and mount paths`, hint);
            continue;
        }
        result.push({ path, subpath: source === '.' || source === '/' ? undefined : source, readOnly });
    }
    return result;
}
/** `<image>=<mount>[:ro|rw]`, read-only unless `:rw`. */
function parseImageMounts(raw, ctx) {
    const input = 'image-mounts';
    const form = `'<image>=<mount>[:ro|rw]'`;
    const hint = 'e.g. "my/models:1=/models" mounts the image my/models:1 read-only at /models';
    const result = [];
    for (const { line, text } of listLines(raw)) {
        const eq = text.indexOf('=');
        if (eq === -1) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must be in the form ${form}`, hint);
            continue;
        }
        const image = text.slice(0, eq).trim();
        const remainder = text.slice(eq + 1).trim();
        if (image === '' || remainder === '') {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must include both image and mount paths`, hint);
            continue;
        }
        const parts = remainder.split(':').map((part) => part.trim());
        let readOnly = true;
        const mode = parts[1]?.toLowerCase();
        if (parts.length > 2 || (mode !== undefined && !READ_MODES.has(mode))) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must be in the form ${form}`, hint);
            continue;
        }
        if (mode !== undefined)
            readOnly = mode === 'ro';
        const path = parts[0] ?? '';
        if (path === '') {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must include both image and mount paths`, hint);
            continue;
        }
        result.push({ image, path, readOnly });
    }
    return result;
}
/** `<mount>[:ro|rw]`, read-write unless `:ro`. */
function parseEmptyDirMounts(raw, ctx) {
    const input = 'empty-dir-mounts';
    const form = `'<mount>[:ro|rw]'`;
    const hint = 'e.g. "/tmp/cache" mounts an empty writable directory at /tmp/cache';
    const result = [];
    for (const { line, text } of listLines(raw)) {
        let path = text;
        let readOnly = false;
        const colon = text.lastIndexOf(':');
        if (colon !== -1) {
            const mode = text.slice(colon + 1).toLowerCase();
            if (!READ_MODES.has(mode)) {
                (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must be in the form ${form}`, hint);
                continue;
            }
            path = text.slice(0, colon).trim();
            readOnly = mode === 'ro';
        }
        if (path === '') {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} must include a mount path`, hint);
            continue;
        }
        if (path.includes(':')) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must be in the form ${form}`, hint);
            continue;
        }
        result.push({ path, readOnly });
    }
    return result;
}
function parsePorts(raw, ctx) {
    const input = 'ports';
    const hint = 'write one PORT or PORT/http or PORT/tcp per line, with PORT from 1 to 65535';
    const result = [];
    for (const { line, text } of listLines(raw)) {
        const match = /^([0-9]+)(?:\/(http|tcp))?$/i.exec(text);
        const num = match ? Number(match[1]) : NaN;
        if (!match || !Number.isInteger(num) || num < 1 || num > 65535) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} is not a port`, hint);
            continue;
        }
        if (reserved_ports/* RESERVED_ROOM_SERVICE_PORTS */.q.includes(num)) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} uses reserved MeshAgent room infrastructure port ${num}; reserved ports: ${reserved_ports/* RESERVED_ROOM_SERVICE_PORTS */.q.join(', ')}`, 'let the service listen on another port');
            continue;
        }
        if (result.some((port) => port.num === num)) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} repeats port ${num}`, 'list each port once');
            continue;
        }
        result.push({ num, type: match[2]?.toLowerCase() ?? 'http' });
    }
    return result;
}
const PLATFORM_RE = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
function parsePlatforms(raw, ctx) {
    const result = [];
    for (const { line, text } of listLines(raw)) {
        for (const item of text
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)) {
            if (!PLATFORM_RE.test(item)) {
                (0,issues/* addIssue */.ZJ)(ctx, 'platforms', `platforms: line ${line} ${(0,issues/* quote */.hD)(item)} is not a platform`, 'use os/arch[/variant], e.g. linux/amd64');
            }
            else if (!result.includes(item)) {
                result.push(item);
            }
        }
    }
    return result;
}
const SECRET_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `id=env:NAME` or `id=file:PATH`: where each build secret is read from (never the value itself). */
function parseBuildSecrets(raw, ctx) {
    const input = 'build-secrets';
    const hint = 'write one id=env:NAME or id=file:PATH per line, e.g. npm_token=env:NPM_TOKEN; the Dockerfile reads it with RUN --mount=type=secret,id=npm_token';
    const result = [];
    for (const { line, text } of listLines(raw)) {
        const match = /^([^=]*)=(env|file):(.*)$/.exec(text);
        const id = match?.[1]?.trim() ?? '';
        const name = match?.[3]?.trim() ?? '';
        if (!match) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} ${(0,issues/* quote */.hD)(text)} must be in the form 'id=env:NAME' or 'id=file:PATH'`, hint);
        }
        else if (!SECRET_ID_RE.test(id)) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line}: ${(0,issues/* quote */.hD)(id)} is not a secret id (letters, digits, ., _ and -)`, hint);
        }
        else if (match[2] === 'env' && !ENV_NAME_RE.test(name)) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line}: ${(0,issues/* quote */.hD)(name)} is not an environment variable name`, hint);
        }
        else if (name === '') {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line}: the file path is empty`, hint);
        }
        else if (result.some((secret) => secret.id === id)) {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line} repeats the id ${id}`, 'give each secret its own id');
        }
        else {
            result.push({ id, from: match[2], name });
        }
    }
    return result;
}

// EXTERNAL MODULE: ./src/python-text.ts
var python_text = __webpack_require__(4461);
;// CONCATENATED MODULE: ./src/inputs/route-parsers.ts



const input = 'extra-ports';
const hint = 'write one TARGET:/path per line, TARGET a port, a service, or SERVICE:PORT, e.g. 3001:/messages or assistant:/messages';
/** The target of one line, or the CLI's words for why it is refused. */
function parseTarget(raw) {
    const target = (0,python_text/* pyStrip */.m0)(raw);
    if (target === '')
        return { problem: `${input} target must not be empty` };
    if (target.includes('/'))
        return { problem: `${input} target must not contain /` };
    if ((0,python_text/* pyIsDecimal */.$V)(target)) {
        const port = (0,python_text/* pyDecimalValue */.GZ)(target);
        return port <= 0 ? { problem: `${input} PORT must be positive` } : port;
    }
    const parts = target.split(':');
    if (parts.length > 2)
        return { problem: `${input} target must be PORT, SERVICE, or SERVICE:PORT` };
    const service = (0,python_text/* pyStrip */.m0)(parts[0] ?? '');
    if (service === '')
        return { problem: `${input} service name must not be empty` };
    if (parts.length === 1)
        return service;
    const port = (0,python_text/* pyStrip */.m0)(parts[1] ?? '');
    if (port === '')
        return { problem: `${input} service port must not be empty` };
    if (!(0,python_text/* pyIsDecimal */.$V)(port))
        return { problem: `${input} service port must be an integer` };
    if ((0,python_text/* pyDecimalValue */.GZ)(port) <= 0)
        return { problem: `${input} service port must be positive` };
    return `${service}:${port}`;
}
function parseExtraPorts(raw, ctx) {
    const result = [];
    for (const { line, text } of listLines(raw)) {
        const parsed = parseLine((0,python_text/* pyStrip */.m0)(text), result);
        if ('problem' in parsed)
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input}: line ${line}: ${parsed.problem}`, hint);
        else
            result.push(parsed);
    }
    return result;
}
/** One line, given the lines before it (a path may be routed once). */
function parseLine(value, before) {
    const split = value.indexOf(':/');
    if (split === -1)
        return { problem: `${input} must use TARGET:/path, for example 3001:/messages or assistant:/messages (got ${(0,issues/* quote */.hD)(value)})` };
    const target = parseTarget(value.slice(0, split));
    if (typeof target === 'object')
        return target;
    const path = `/${(0,python_text/* pyStrip */.m0)(value.slice(split + 2))}`;
    if (path === '/')
        return { problem: `${input} path must not be /` };
    if (path.includes('//'))
        return { problem: `${input} path must not contain //` };
    if (before.some((extra) => extra.path === path))
        return { problem: `${input} path is duplicated: ${path}` };
    return { target, path };
}

;// CONCATENATED MODULE: ./src/inputs/template-parsers.ts


const template_parsers_hint = 'write one KEY=VALUE per line, e.g. domain=web.example.com';
/** `set` lines as a map, later lines winning; the key trimmed, the value kept as written after the first `=`. */
function parseTemplateInputs(raw, ctx) {
    const set = {};
    for (const { line, text } of listLines(raw.set)) {
        const eq = text.indexOf('=');
        if (eq === -1) {
            (0,issues/* addIssue */.ZJ)(ctx, 'set', `set: line ${line}: --set must be in the form KEY=VALUE`, template_parsers_hint);
            continue;
        }
        const key = text.slice(0, eq).trim();
        if (key === '') {
            (0,issues/* addIssue */.ZJ)(ctx, 'set', `set: line ${line}: --set must include a non-empty key`, template_parsers_hint);
            continue;
        }
        set[key] = text.slice(eq + 1);
    }
    const path = raw.path.trim();
    const values = raw.values.trim();
    return { path: path === '' ? undefined : path, valuesFile: values === '' ? undefined : values, set };
}

// EXTERNAL MODULE: ./src/inputs/raw-inputs.ts
var raw_inputs = __webpack_require__(96685);
// EXTERNAL MODULE: ./src/inputs/spec.ts
var spec = __webpack_require__(27026);
// EXTERNAL MODULE: ./src/inputs/value-parsers.ts
var value_parsers = __webpack_require__(71905);
;// CONCATENATED MODULE: ./src/inputs/parse-config.ts
/**
 * Raw inputs -> ShipConfig: the one place that turns the action's inputs (or the CLI's flags) into the config the
 * pipeline runs on. Every input is parsed and checked; every error names the input (and the line, for lists), says
 * what is wrong and how to fix it, in the MeshAgent CLI's words where its users already know them. All errors are
 * collected and reported together, in input order, before anything touches the network.
 */










const rawShape = Object.fromEntries(spec/* INPUTS */.mc.map((spec) => [spec.name, schemas/* string */.YjP()]));
const schemaFor = (options) => schemas/* object */.Ikc(rawShape).transform((raw, ctx) => {
    // The three that steer the run: what it does is checked against them below.
    const dryRun = (0,value_parsers/* parseBoolean */.yG)('dry-run', raw['dry-run'], ctx) ?? false;
    const push = (0,value_parsers/* parseBoolean */.yG)('push', raw.push, ctx);
    const deploy = (0,value_parsers/* parseBoolean */.yG)('deploy', raw.deploy, ctx);
    const meshagent = meshagentSettings(raw, ctx, dryRun, options);
    const scope = (0,value_parsers/* parseChoice */.HU)('scope', raw.scope, ['room', 'project'], ctx, 'scope must be room or project', (s) => s.toLowerCase());
    if (deploy === true && scope === 'room' && meshagent.room === undefined) {
        (0,issues/* addIssue */.ZJ)(ctx, 'room', 'room is required unless MESHAGENT_ROOM is set', 'set the room input, or deploy: false to only build and push');
    }
    if (scope === 'project')
        checkProjectScope(raw, ctx, meshagent.room);
    if (deploy === true && push === false) {
        (0,issues/* addIssue */.ZJ)(ctx, 'push', 'push: false cannot deploy: a service runs only an image its registry has', 'set push: true, or deploy: false');
    }
    return {
        meshagent,
        image: imageSettings(raw, ctx, push ?? false),
        service: { ...serviceSettings(raw, ctx, deploy ?? false), scope: scope ?? 'room' },
        dryRun,
    };
});
/**
 * A project service is in every room and routed in none: no room (the CLI's words for `--room` with `--global`), no
 * domain, extra paths or room to create.
 */
function checkProjectScope(raw, ctx, room) {
    if (room !== undefined) {
        (0,issues/* addIssue */.ZJ)(ctx, 'scope', 'Pass either --room or --global, not both.', 'scope: project deploys to every room: leave room (and MESHAGENT_ROOM) empty');
    }
    for (const input of ['domain', 'extra-ports', 'create-room']) {
        const value = raw[input].trim();
        if (value !== '' && value !== 'false') {
            (0,issues/* addIssue */.ZJ)(ctx, input, `${input} is for a room service; scope: project deploys a project service`, `leave ${input} empty, or set scope: room`);
        }
    }
}
/** The API, the key, the project and the room. */
function meshagentSettings(raw, ctx, dryRun, { allowInsecureApi = false }) {
    const apiKey = raw['api-key'].trim();
    // A dry run without a key plans offline (the README lists what it cannot read); everything else needs the key.
    if (apiKey === '' && !dryRun) {
        (0,issues/* addIssue */.ZJ)(ctx, 'api-key', 'api-key is required', 'pass the MeshAgent API key, e.g. api-key: ${{ secrets.MESHAGENT_API_KEY }}, or set MESHAGENT_API_KEY; a dry run plans offline without one');
    }
    const apiUrl = (0,value_parsers/* parseApiUrl */.nV)(raw['api-url'], ctx);
    if (apiKey !== '' && !allowInsecureApi && (0,value_parsers/* sendsInClear */.IV)(apiUrl)) {
        (0,issues/* addIssue */.ZJ)(ctx, 'api-url', `api-url: ${(0,issues/* quote */.hD)(apiUrl)} is plain http to a host that is not loopback: the API key would cross the network unencrypted`, 'use https://, or set MESHAGENT_SHIP_INSECURE_API=1 where the network is trusted');
    }
    const keyProject = (0,value_parsers/* projectIdFromApiKey */.w1)(apiKey);
    const givenProject = (0,issues/* optional */.lq)(raw['project-id']);
    if (givenProject !== undefined && !/^[A-Za-z0-9._~-]+$/.test(givenProject)) {
        (0,issues/* addIssue */.ZJ)(ctx, 'project-id', `project-id: ${(0,issues/* quote */.hD)(givenProject)} is not a project id`, 'copy the project id (a UUID) from MeshAgent Studio');
    }
    else if (givenProject !== undefined && keyProject !== undefined && givenProject !== keyProject) {
        (0,issues/* addIssue */.ZJ)(ctx, 'project-id', `project-id ${givenProject} does not match the project of the api-key (${keyProject})`, 'an API key works only in its own project; use that project id or a key of this project');
    }
    else if (givenProject === undefined && keyProject === undefined && apiKey !== '') {
        (0,issues/* addIssue */.ZJ)(ctx, 'project-id', 'Project ID not specified, and the api-key does not carry one', 'set the project-id input or MESHAGENT_PROJECT_ID');
    }
    return {
        apiKey,
        apiUrl,
        projectId: givenProject ?? keyProject ?? '',
        projectIdSource: givenProject !== undefined ? 'input' : 'api-key',
        room: (0,value_parsers/* parseRoom */.xf)(raw.room, ctx),
    };
}
/** The tag, and how the image is made or found, converted and pushed. */
function imageSettings(raw, ctx, push) {
    let tag = { value: '', registry: undefined, repository: '', tag: undefined };
    try {
        tag = (0,reference/* parseImageTag */.DO)(raw.tag, 'tag');
    }
    catch (error) {
        if (!(error instanceof src_errors/* ShipError */.fS))
            throw error;
        const message = error.message.startsWith('tag ') ? error.message : `tag: ${error.message}`;
        (0,issues/* addIssue */.ZJ)(ctx, 'tag', message, error.hint);
    }
    const builder = (0,value_parsers/* parseChoice */.HU)('builder', raw.builder, ['auto', 'docker', 'buildah', 'none'], ctx, 'builder must be one of: auto, docker, buildah, none');
    const source = (0,value_parsers/* parseImageSource */.AB)(raw.image, ctx);
    if (source && (builder === 'docker' || builder === 'buildah')) {
        (0,issues/* addIssue */.ZJ)(ctx, 'builder', `builder: ${builder} builds an image, but the image input names one to ship`, 'remove builder (or set builder: none) to ship the image input, or remove image to build');
    }
    if (!source && builder === 'none') {
        (0,issues/* addIssue */.ZJ)(ctx, 'image', 'image is required with builder: none', 'name the image to ship, e.g. image: oci-archive:app.tar, or choose a builder');
    }
    const sbom = (0,value_parsers/* parseBoolean */.yG)('sbom', raw.sbom, ctx) ?? false;
    if (sbom && raw.estargz.trim().toLowerCase() === 'false') {
        (0,issues/* addIssue */.ZJ)(ctx, 'sbom', 'sbom: true lists the files from the eStargz TOCs, and estargz is false', 'set estargz: true, or sbom: false');
    }
    const level = raw['compression-level'].trim();
    if (!/^[0-9]$/.test(level)) {
        (0,issues/* addIssue */.ZJ)(ctx, 'compression-level', `compression-level: ${(0,issues/* quote */.hD)(level)} must be a whole number from 0 to 9`, '6 balances speed and size; 9 is smallest');
    }
    const prefetchLines = listLines(raw.prefetch).map(({ text }) => text);
    return {
        tag,
        context: (0,issues/* optional */.lq)(raw.context) ?? '.',
        file: (0,value_parsers/* parseFile */.CJ)(raw.file, ctx),
        buildArgs: parseKeyValues('build-args', raw['build-args'], ctx),
        target: (0,issues/* optional */.lq)(raw.target),
        platforms: parsePlatforms(raw.platforms, ctx),
        builder: source && builder === 'auto' ? 'none' : builder,
        source,
        estargz: (0,value_parsers/* parseBoolean */.yG)('estargz', raw.estargz, ctx) ?? false,
        prefetch: prefetchLines.filter((text) => text !== 'auto'),
        prefetchAuto: prefetchLines.includes('auto') ? { timeoutSeconds: (0,value_parsers/* parseAutoTimeout */.aZ)(raw['prefetch-auto-timeout'], ctx) } : undefined,
        compressionLevel: Number(level),
        push,
        cache: {
            enabled: (0,value_parsers/* parseBoolean */.yG)('cache', raw.cache, ctx) ?? false,
            to: (0,value_parsers/* parseChoice */.HU)('cache-to', raw['cache-to'], ['auto', 'local', 'gha', 'registry'], ctx, 'cache-to must be one of: auto, local, gha, registry'),
            dir: (0,issues/* optional */.lq)(raw['cache-dir']),
        },
        buildSecrets: parseBuildSecrets(raw['build-secrets'], ctx),
        labels: parseLabels(raw.labels, ctx),
        sbom,
    };
}
/** KEY=VALUE lines; a label name has no spaces (it is a key of the image config's Labels). */
function parseLabels(raw, ctx) {
    const labels = parseKeyValues('labels', raw, ctx);
    for (const { name } of labels)
        if (/\s/.test(name))
            (0,issues/* addIssue */.ZJ)(ctx, 'labels', `labels: ${(0,issues/* quote */.hD)(name)} is not a label name (no spaces)`, 'e.g. org.example.team=payments');
    return labels;
}
/** The room service: its name, environment, account, mounts, ports, access, domain, the rollout wait and rollback. */
function serviceSettings(raw, ctx, deploy) {
    const serviceName = (0,issues/* optional */.lq)(raw['service-name']);
    if (serviceName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(serviceName)) {
        (0,issues/* addIssue */.ZJ)(ctx, 'service-name', `service-name: ${(0,issues/* quote */.hD)(serviceName)} is not a valid service name`, 'use letters, digits, ".", "_" and "-"');
    }
    const env = raw.env.trim() !== '' ? parseKeyValues('env', raw.env, ctx) : undefined;
    const envSecrets = raw['env-secrets'].trim() !== '' ? parseEnvSecrets(raw['env-secrets'], ctx) : undefined;
    const runAs = (0,issues/* optional */.lq)(raw['run-as'])?.toLowerCase();
    if (runAs !== undefined && !runAs.includes('@')) {
        (0,issues/* addIssue */.ZJ)(ctx, 'run-as', 'run-as must be a service account email', 'e.g. run-as: deployer@my-project.meshagent.app');
    }
    if (envSecrets && envSecrets.length > 0 && runAs === undefined) {
        (0,issues/* addIssue */.ZJ)(ctx, 'run-as', 'run-as is required when using SecretValue environment variables (env-secrets)', 'set run-as to the service account that owns the secrets');
    }
    const meshagentToken = (0,value_parsers/* parseMeshagentToken */.BJ)(raw['meshagent-token'], ctx);
    const identity = (0,issues/* optional */.lq)(raw.identity);
    if (identity !== undefined && identity.includes('@') && meshagentToken) {
        (0,issues/* addIssue */.ZJ)(ctx, 'identity', `environment variable 'MESHAGENT_TOKEN' uses token identity '${identity}', but service environment tokens must use an agent identity`, 'use an agent name without @ as identity');
    }
    const liveness = (0,issues/* optional */.lq)(raw.liveness);
    if (liveness !== undefined && !liveness.startsWith('/')) {
        (0,issues/* addIssue */.ZJ)(ctx, 'liveness', "liveness must start with '/'", 'e.g. liveness: /healthz');
    }
    return {
        deploy,
        name: serviceName,
        createRoom: (0,value_parsers/* parseBoolean */.yG)('create-room', raw['create-room'], ctx) ?? false,
        env,
        envSecrets,
        runAs,
        meshagentToken,
        identity,
        roomMounts: raw['room-mounts'].trim() !== '' ? parseRoomMounts(raw['room-mounts'], ctx) : undefined,
        imageMounts: raw['image-mounts'].trim() !== '' ? parseImageMounts(raw['image-mounts'], ctx) : undefined,
        emptyDirMounts: raw['empty-dir-mounts'].trim() !== '' ? parseEmptyDirMounts(raw['empty-dir-mounts'], ctx) : undefined,
        ports: raw.ports.trim() !== '' ? parsePorts(raw.ports, ctx) : undefined,
        liveness,
        public: (0,value_parsers/* parseBoolean */.yG)('public', raw.public, ctx) ?? false,
        domain: (0,value_parsers/* parseDomain */.gR)(raw.domain, ctx),
        extraPorts: parseExtraPorts(raw['extra-ports'], ctx),
        serviceTemplate: parseTemplateInputs({ path: raw['service-template'], values: raw.values, set: raw.set }, ctx),
        validationMode: (0,value_parsers/* parseChoice */.HU)('validation-mode', raw['validation-mode'], ['default', 'cookie', 'none'], ctx, 'validation-mode must be one of: default, cookie, none', (s) => s.toLowerCase()),
        template: (0,value_parsers/* parseChoice */.HU)('template', raw.template, ['agent', 'none'], ctx, 'template must be agent or none'),
        waitSeconds: (0,value_parsers/* parseWait */.DF)(raw.wait, ctx),
        rollback: (0,value_parsers/* parseBoolean */.yG)('rollback', raw.rollback, ctx) ?? true,
        rollbackNewService: (0,value_parsers/* parseChoice */.HU)('rollback-new-service', raw['rollback-new-service'], ['stop', 'delete'], ctx, 'rollback-new-service must be stop or delete'),
    };
}
/** Parses raw inputs into the config, or throws InputErrors listing every problem in input order. */
function parseConfig(raw, options = {}) {
    const parsed = schemaFor(options).safeParse(raw);
    if (parsed.success)
        return parsed.data;
    const order = spec/* INPUTS */.mc.map((spec) => spec.name);
    const errors = parsed.error.issues.map((issue) => {
        const input = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
        const params = 'params' in issue ? issue.params : undefined;
        return new src_errors/* ShipError */.fS(issue.message, { ...(input ? { input } : {}), ...(params?.hint ? { hint: params.hint } : {}) });
    });
    errors.sort((a, b) => order.indexOf(a.input ?? '') - order.indexOf(b.input ?? ''));
    throw new src_errors/* InputErrors */.G(errors);
}
/** Reads, masks and parses every input. */
function readConfig(source) {
    return parseConfig((0,raw_inputs/* readRawInputs */.y)(source), { allowInsecureApi: source.env.MESHAGENT_SHIP_INSECURE_API === '1' });
}


/***/ }),

/***/ 96685:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   y: () => (/* binding */ readRawInputs)
/* harmony export */ });
/* harmony import */ var _spec_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(27026);
/**
 * Each input's raw text, as the runner gives it: the input, else its environment variable (MESHAGENT_*), else its
 * default. A secret input is masked the moment it is read.
 */

/** Each input's raw text: the input, else its environment fallback, else its default. */
function readRawInputs(source) {
    const raw = {};
    for (const spec of _spec_js__WEBPACK_IMPORTED_MODULE_0__/* .INPUTS */ .mc) {
        let value = source.getInput(spec.name);
        if (value.trim() === '' && 'env' in spec)
            value = source.env[spec.env] ?? '';
        if (value.trim() === '' && 'default' in spec)
            value = spec.default;
        if ('secret' in spec && value.trim() !== '')
            source.setSecret(value.trim());
        raw[spec.name] = value;
    }
    return raw;
}


/***/ }),

/***/ 71905:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AB: () => (/* binding */ parseImageSource),
/* harmony export */   BJ: () => (/* binding */ parseMeshagentToken),
/* harmony export */   CJ: () => (/* binding */ parseFile),
/* harmony export */   DF: () => (/* binding */ parseWait),
/* harmony export */   HU: () => (/* binding */ parseChoice),
/* harmony export */   IV: () => (/* binding */ sendsInClear),
/* harmony export */   aZ: () => (/* binding */ parseAutoTimeout),
/* harmony export */   gR: () => (/* binding */ parseDomain),
/* harmony export */   nV: () => (/* binding */ parseApiUrl),
/* harmony export */   w1: () => (/* binding */ projectIdFromApiKey),
/* harmony export */   xf: () => (/* binding */ parseRoom),
/* harmony export */   yG: () => (/* binding */ parseBoolean)
/* harmony export */ });
/* unused harmony export DEFAULT_API_URL */
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(27150);
/* harmony import */ var _loopback_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(72082);
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
function parseRoom(raw, ctx) {
    const room = (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .optional */ .lq)(raw);
    if (room !== undefined && !ROOM_RE.test(room)) {
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'room', `room: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(room)} is not a valid room name`, 'room names are 1-63 lowercase letters, digits and -, starting and ending with a letter or digit');
    }
    return room;
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
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'domain', `domain: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(value)} is not a valid domain name`, 'use a host name such as my-app.example.com');
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
function parseApiUrl(raw, ctx) {
    const value = ((0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .optional */ .lq)(raw) ?? DEFAULT_API_URL).replace(/\/+$/, '');
    let url;
    try {
        url = new URL(value);
    }
    catch {
        url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
        (0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .addIssue */ .ZJ)(ctx, 'api-url', `api-url: ${(0,_issues_js__WEBPACK_IMPORTED_MODULE_3__/* .quote */ .hD)(value)} is not an http(s) URL`, `e.g. ${DEFAULT_API_URL}`);
    }
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
    return !(0,_loopback_js__WEBPACK_IMPORTED_MODULE_4__/* .isLoopbackHost */ .c)(url.hostname) && !url.hostname.endsWith('.localhost');
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
