export const id = 867;
export const ids = [867];
export const modules = {

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
    else if (meshagent.rooms.length > 1 && raw.domain.trim() !== '') {
        (0,issues/* addIssue */.ZJ)(ctx, 'domain', `domain: one route cannot point at several rooms, and room lists ${meshagent.rooms.length} (${meshagent.rooms.join(', ')})`, 'leave domain empty to deploy to several rooms, or ship the room that serves the domain in a step of its own');
    }
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
    const unusable = (0,value_parsers/* unusableApiKey */.XJ)(apiKey);
    if (unusable)
        (0,issues/* addIssue */.ZJ)(ctx, 'api-key', unusable.message, unusable.hint);
    const apiUrl = (0,value_parsers/* parseApiUrl */.nV)(raw['api-url'], ctx);
    if (apiKey !== '' && !allowInsecureApi && (0,value_parsers/* sendsInClear */.IV)(apiUrl)) {
        (0,issues/* addIssue */.ZJ)(ctx, 'api-url', `api-url: ${(0,issues/* quote */.hD)(apiUrl)} is plain http to a host that is not loopback: the API key would cross the network unencrypted`, 'use https://, or set MESHAGENT_SHIP_INSECURE_API=1 where the network is trusted');
    }
    const rooms = (0,value_parsers/* parseRooms */.Ah)(raw.room, ctx);
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
        room: rooms[0],
        rooms,
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
    // An image given but invalid has its own error already.
    if (!source && builder === 'none' && raw.image.trim() === '') {
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
        (0,issues/* addIssue */.ZJ)(ctx, 'service-name', `service-name: ${(0,issues/* quote */.hD)(serviceName)} is not a valid service name${(0,issues/* nonAsciiNote */.rQ)(serviceName)}`, 'use letters, digits, ".", "_" and "-"');
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
    const inputsDigest = (0,issues/* optional */.lq)(raw['inputs-digest']);
    if (inputsDigest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(inputsDigest)) {
        (0,issues/* addIssue */.ZJ)(ctx, 'inputs-digest', `inputs-digest: ${(0,issues/* quote */.hD)(inputsDigest)} is not a sha256 digest`, 'leave it to the kit, or pass sha256:<64 hex digits>');
    }
    const liveness = (0,issues/* optional */.lq)(raw.liveness);
    if (liveness !== undefined && !liveness.startsWith('/')) {
        (0,issues/* addIssue */.ZJ)(ctx, 'liveness', "liveness must start with '/'", 'e.g. liveness: /healthz');
    }
    return {
        deploy,
        name: serviceName,
        createRoom: raw['create-room'].trim().toLowerCase() === 'ephemeral' ? 'ephemeral' : ((0,value_parsers/* parseBoolean */.yG)('create-room', raw['create-room'], ctx) ?? false),
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
        inputsDigest,
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


/***/ })

};
