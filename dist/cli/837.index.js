export const id = 837;
export const ids = [837];
export const modules = {

/***/ 30837:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  keepUndeployed: () => (/* binding */ keepUndeployed),
  runServices: () => (/* binding */ runServices),
  servicesMatrix: () => (/* binding */ servicesMatrix)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./src/errors.ts
var src_errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/list-text.ts
var list_text = __webpack_require__(97347);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/services/repo-paths.ts
var repo_paths = __webpack_require__(4239);
;// CONCATENATED MODULE: ./src/services/changed.ts
/**
 * Which services a range of commits touched: `git diff --name-only BASE HEAD`, run without a shell, matched
 * against each service's context directory, its Dockerfile, its `paths` globs and the manifest itself.
 */




/** A revision as the range may name it; refuses anything git could read as an option. */
const REVISION = /^[A-Za-z0-9_][A-Za-z0-9_./~^@{}-]*$/;
/** `github.event.before` on a branch's first push: there is nothing to compare with. */
const NULL_SHA = /^0+$/;
/** Parses `BASE..HEAD` or `BASE...HEAD`; undefined when BASE is empty or all zeros (every service counts as changed). */
function parseRange(text) {
    const match = /^(.*?)(\.\.\.?)(.*)$/.exec(text.trim());
    if (!match)
        throw new src_errors/* ShipError */.fS(`--changed ${(0,src_errors/* quoted */.TL)(text)} is not a range`, { hint: 'use --changed BASE..HEAD, e.g. --changed origin/main..HEAD' });
    const [, base = '', dots = '..', head = ''] = match;
    if (base === '' || NULL_SHA.test(base))
        return undefined;
    const resolvedHead = head === '' ? 'HEAD' : head;
    for (const revision of [base, resolvedHead]) {
        if (!REVISION.test(revision))
            throw new src_errors/* ShipError */.fS(`--changed: ${(0,src_errors/* quoted */.TL)(revision)} is not a git revision`, {
                hint: 'use commit SHAs or branch names, e.g. --changed origin/main..HEAD',
            });
    }
    return { base, head: resolvedHead, mergeBase: dots === '...' };
}
/** The files changed in the range, relative to the repository root. */
function changedFiles(root, range) {
    const spec = range.mergeBase ? [`${range.base}...${range.head}`] : [range.base, range.head];
    try {
        const out = (0,external_node_child_process_.execFileSync)('git', ['diff', '--name-only', '-z', '--no-renames', ...spec, '--'], {
            cwd: root,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        return out.split('\0').filter((line) => line !== '');
    }
    catch (error) {
        const stderr = error.stderr?.trim().split('\n')[0] ?? String(error);
        throw new src_errors/* ShipError */.fS(`git could not compare ${range.base} with ${range.head}: ${stderr}`, {
            hint: 'both commits must be in the clone: check out with fetch-depth: 0 (actions/checkout), or pass a range it holds',
        });
    }
}
/** True when one of the files belongs to the service, or is the manifest every service is described in. */
function touches(service, files, manifest) {
    const context = (0,repo_paths/* normalizePath */.Fd)(service.inputs.context ?? '.');
    const buildFile = service.inputs.file ? (0,repo_paths/* normalizePath */.Fd)(external_node_path_.posix.normalize(`${context}/${service.inputs.file}`)) : undefined;
    return files.some((file) => (0,repo_paths/* isInside */.FK)(file, context) ||
        (buildFile !== undefined && (0,repo_paths/* normalizePath */.Fd)(file) === buildFile) ||
        (manifest !== undefined && (0,repo_paths/* normalizePath */.Fd)(file) === (0,repo_paths/* normalizePath */.Fd)(manifest)) ||
        service.paths.some((glob) => (0,repo_paths/* matchesRepoGlob */.CU)(file, glob)));
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(38816);
// EXTERNAL MODULE: ./src/inputs/spec.ts
var spec = __webpack_require__(27026);
;// CONCATENATED MODULE: ./src/services/fields.ts
/**
 * Which action inputs a service may set in the manifest, and how a manifest value becomes the input's text.
 * The kit passes these as the action's `with:` inputs in each matrix leg, so the names are the action's own.
 */

/** Inputs the kit sets itself (or that must never sit in a file in the repository), with the reason. */
const KIT_INPUTS = {
    'api-key': 'pass the API key as the MESHAGENT_API_KEY secret, never in a file in the repository',
    'api-url': 'set api-url on the workflow (input api-url) or in MESHAGENT_API_URL',
    'project-id': 'set project-id on the workflow (input project-id) or in MESHAGENT_PROJECT_ID',
    'dry-run': 'set dry-run on the workflow that ships the services (input dry-run)',
    teardown: "the preview workflow tears a pull request's room down when it closes; a manifest does not",
    'teardown-tags': "the preview workflow removes the preview's tags when it tears the room down",
    'inputs-digest': "the kit computes each service's inputs digest itself (meshagent-ship services --inputs-digest)",
};
/** The per-service inputs, in action.yml order. */
const SERVICE_INPUTS = spec/* INPUTS */.mc.filter((spec) => !(spec.name in KIT_INPUTS)).map((spec) => ({ name: spec.name, kind: spec.kind }));
/** Lists whose lines are KEY=VALUE may also be written as a YAML mapping. */
const KEY_VALUE_LISTS = new Set(['env', 'build-args', 'env-secrets', 'labels']);
/** A validated manifest value as the action reads it: lists one item a line, booleans true/false. */
function inputText(name, value) {
    if (Array.isArray(value))
        return value.map(String).join('\n');
    if (typeof value === 'object') {
        return Object.entries(value)
            .map(([key, item]) => `${key}=${String(item)}`)
            .join('\n');
    }
    return String(value);
}

;// CONCATENATED MODULE: ./src/services/manifest.ts
/**
 * The service manifest, `meshagent-ship.yml` at the repository root:
 *
 *   defaults:            # optional: inputs every service gets unless it sets them itself
 *     room: staging
 *   services:
 *     - name: hello      # required: the matrix leg's name, also the concurrency and artifact key
 *       context: examples/hello
 *       tag: hello       # <repository> or <repository>:<tag>; without a tag the workflow's tag is added
 *       domain: hello.example.com
 *       ports: [8080]
 *       env: { LOG_LEVEL: info }
 *       paths: [shared/**]   # more files whose change ships this service (besides its context)
 *
 * Any action input except api-key, api-url, project-id and dry-run may be set per service, under its action name.
 * A manifest may instead hold only `discover: [globs]`, the directories to search for a Dockerfile.
 * Errors name the manifest line and the field, e.g. `meshagent-ship.yml:7: services[1].ports: ...`.
 */




const MANIFEST_FILE = 'meshagent-ship.yml';
/** Every problem of a manifest at once, each with its line and field. */
class ManifestError extends src_errors/* ShipError */.fS {
    file;
    issues;
    constructor(file, issues) {
        const lines = issues.map((i) => `${file}:${i.line}: ${i.field ? `${i.field}: ` : ''}${i.message}`);
        const hints = [...new Set(issues.map((i) => i.hint).filter((h) => h !== undefined))];
        super(lines.length === 1 ? (lines[0] ?? '') : `${file} has ${lines.length} errors:\n${lines.map((l) => `  ${l}`).join('\n')}`, {
            ...(hints.length > 0 ? { hint: hints.join('; ') } : {}),
            input: 'manifest',
        });
        this.file = file;
        this.issues = issues;
    }
}
// ---------------------------------------------------------------------------------------------------------------
// Schema
const scalar = schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig(), schemas/* boolean */.zMY()]);
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NAME_HINT = 'use lowercase letters, digits and -, at most 63 characters, e.g. name: hello-api';
function inputField(name, kind) {
    if (kind === 'boolean')
        return schemas/* union */.KCZ([schemas/* boolean */.zMY(), schemas/* enum */.k5n(['true', 'false'])], { error: 'must be true or false' });
    if (kind === 'list') {
        const forms = [schemas/* string */.YjP(), schemas/* array */.YOg(scalar)];
        return KEY_VALUE_LISTS.has(name)
            ? schemas/* union */.KCZ([...forms, schemas/* record */.g1P(schemas/* string */.YjP(), scalar)], { error: 'must be a list, a KEY: value mapping, or a string with one item a line' })
            : schemas/* union */.KCZ(forms, { error: 'must be a list, or a string with one item a line' });
    }
    return schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig()], { error: 'must be a string' });
}
const inputShape = Object.fromEntries(SERVICE_INPUTS.map(({ name, kind }) => [name, inputField(name, kind).optional()]));
const globs = schemas/* array */.YOg(schemas/* string */.YjP().min(1, { error: 'must not be empty' }), { error: 'must be a list of globs' });
const serviceSchema = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP({ error: 'is required: every service needs a name' }).regex(NAME, { error: 'must be lowercase letters, digits and -' }),
    paths: globs.optional(),
    ...inputShape,
});
const manifestSchema = schemas/* strictObject */.rej({
    version: schemas/* literal */.euz(1, { error: 'must be 1' }).optional(),
    defaults: schemas/* strictObject */.rej(inputShape).optional(),
    services: schemas/* array */.YOg(serviceSchema, { error: 'must be a list of services' }).optional(),
    discover: globs.optional(),
})
    .refine((m) => m.services !== undefined || m.discover !== undefined, {
    error: 'the manifest needs services (a list), or discover (globs of directories with a Dockerfile)',
});
/** `services[1].ports` for ['services', 1, 'ports']. */
function fieldName(path) {
    return path.reduce((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}
/** The line of the node at `path` (of its key, for a mapping's field); the nearest existing parent's otherwise. */
function lineOf(doc, counter, path, key = true) {
    let node = doc.contents;
    let offset = doc.contents?.range?.[0] ?? 0;
    for (const [index, part] of path.entries()) {
        if ((0,dist/* isMap */.jh)(node)) {
            const pair = node.items.find((item) => (0,dist/* isPair */.tO)(item) && (0,dist/* isScalar */.jn)(item.key) && item.key.value === part);
            if (!pair)
                break;
            const keyNode = pair.key;
            const last = index === path.length - 1;
            offset = (last && key ? keyNode.range?.[0] : (pair.value?.range?.[0] ?? keyNode.range?.[0])) ?? offset;
            node = pair.value;
        }
        else if ((0,dist/* isSeq */.oP)(node) && typeof part === 'number') {
            const item = node.items[part];
            if (!item)
                break;
            offset = item.range?.[0] ?? offset;
            node = item;
        }
        else
            break;
    }
    return counter.linePos(offset).line;
}
// ---------------------------------------------------------------------------------------------------------------
// Parsing
/** Parses and checks a manifest's text; throws ManifestError naming every bad line and field. */
function parseManifest(text, file = MANIFEST_FILE) {
    const counter = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
        throw new ManifestError(file, doc.errors.map((e) => ({
            line: e.linePos?.[0].line ?? 1,
            field: '',
            message: `not valid YAML: ${e.message.split('\n')[0] ?? e.code}`,
            hint: 'check the indentation and quoting on that line',
        })));
    }
    const data = doc.toJS() ?? {};
    const parsed = manifestSchema.safeParse(data);
    if (!parsed.success) {
        const issues = [];
        for (const issue of parsed.error.issues) {
            const path = issue.path.filter((p) => typeof p !== 'symbol');
            if (issue.code === 'unrecognized_keys') {
                for (const key of issue.keys)
                    issues.push({ line: lineOf(doc, counter, [...path, key], true), field: fieldName([...path, key]), ...unknownField(key) });
            }
            else {
                issues.push({ line: lineOf(doc, counter, path), field: fieldName(path), message: issue.message, hint: hintFor(path) });
            }
        }
        throw new ManifestError(file, sortIssues(issues));
    }
    const manifest = parsed.data;
    const issues = [];
    const seen = new Map();
    const services = manifest.services?.map((entry, index) => {
        const line = lineOf(doc, counter, ['services', index, 'name']);
        const first = seen.get(entry.name);
        if (first !== undefined) {
            issues.push({
                line,
                field: `services[${index}].name`,
                message: `${entry.name} is already the name of services[${first}]`,
                hint: 'give every service its own name',
            });
        }
        else
            seen.set(entry.name, index);
        return { name: entry.name, inputs: serviceInputs(manifest.defaults ?? {}, entry), paths: entry.paths ?? [], origin: { file, line } };
    });
    if (services?.length === 0) {
        issues.push({
            line: lineOf(doc, counter, ['services']),
            field: 'services',
            message: 'lists no service',
            hint: 'add a service, or remove services to discover them by Dockerfile',
        });
    }
    if (issues.length > 0)
        throw new ManifestError(file, issues);
    return { file, services, discover: manifest.discover };
}
/** The service's inputs over the defaults, as the action's text. */
function serviceInputs(defaults, entry) {
    const inputs = {};
    for (const { name } of SERVICE_INPUTS) {
        const value = entry[name] ?? defaults[name];
        if (value !== undefined)
            inputs[name] = inputText(name, value);
    }
    return inputs;
}
function unknownField(key) {
    const reason = KIT_INPUTS[key];
    if (reason)
        return { message: `${key} cannot be set per service`, hint: reason };
    const close = [...SERVICE_INPUTS.map((i) => i.name), 'name', 'paths', 'defaults', 'services', 'discover'].find((name) => near(name, key));
    return {
        message: `unknown field ${key}`,
        hint: close ? `did you mean ${close}?` : 'a service takes name, paths, and the action inputs by their action.yml names (context, file, tag, room, ...)',
    };
}
function hintFor(path) {
    const last = path.at(-1);
    if (last === 'name')
        return NAME_HINT;
    if (last === 'paths' || last === 'discover' || (typeof last === 'number' && path.at(-2) === 'paths'))
        return 'e.g. paths: ["shared/**", "package-lock.json"]';
    if (typeof last === 'string' && KEY_VALUE_LISTS.has(last))
        return `e.g. ${last}: { KEY: value } or ${last}: ["KEY=value"]`;
    return undefined;
}
/** Edit distance at most 2 (typos such as contxt, dockerfile-less spellings). */
function near(a, b) {
    if (Math.abs(a.length - b.length) > 2)
        return false;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i += 1) {
        const current = [i];
        for (let j = 1; j <= b.length; j += 1) {
            current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return (previous[b.length] ?? 99) <= 2;
}
function sortIssues(issues) {
    return [...issues].sort((a, b) => a.line - b.line || a.field.localeCompare(b.field));
}
/**
 * Line of a service's field (or of the defaults' field it inherits, or of the service) for later checks; with
 * `item`, the 0-based item of a field written as a YAML list.
 */
function fieldLine(text, serviceIndex, field, item) {
    const counter = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter: counter });
    for (const base of [
        ['services', serviceIndex, field],
        ['defaults', field],
    ]) {
        const node = doc.getIn(base, true);
        if (node === undefined)
            continue;
        const name = fieldName(base);
        if (item !== undefined && (0,dist/* isSeq */.oP)(node) && node.items[item] !== undefined)
            return { line: lineOf(doc, counter, [...base, item]), field: `${name}[${item}]` };
        return { line: lineOf(doc, counter, base), field: name };
    }
    return { line: lineOf(doc, counter, ['services', serviceIndex, 'name']), field: `services[${serviceIndex}]` };
}

;// CONCATENATED MODULE: ./src/services/discover.ts
/**
 * Where services come from: the manifest when the repository has one, else every directory under the given globs
 * that holds a Containerfile or Dockerfile (the files the action itself looks for, in that order).
 */





/** Directories every search skips: VCS metadata, dependencies, and hidden directories. */
const SKIPPED = new Set(['node_modules', 'vendor', 'dist']);
const DEFAULT_GLOBS = ['**'];
const BUILD_FILES = ['Containerfile', 'Dockerfile'];
function discoverServices(options) {
    const file = options.manifest ?? MANIFEST_FILE;
    const path = (0,external_node_path_.resolve)(options.root, file);
    if (!(0,external_node_fs_.existsSync)(path)) {
        if (options.manifest !== undefined) {
            throw new src_errors/* ShipError */.fS(`the manifest ${file} does not exist`, { hint: `create ${file}, or leave --manifest out to discover services by Dockerfile` });
        }
        return { services: findDockerfiles(options.root, options.globs ?? DEFAULT_GLOBS), manifest: undefined };
    }
    const text = (0,external_node_fs_.readFileSync)(path, 'utf8');
    const manifest = parseManifest(text, file);
    const services = manifest.services ?? findDockerfiles(options.root, options.globs ?? manifest.discover ?? DEFAULT_GLOBS);
    return { services, manifest: { file, text } };
}
/** Each directory matching a glob that holds a Containerfile or Dockerfile becomes a service named after it. */
function findDockerfiles(root, globs) {
    const patterns = globs.map(repo_paths/* repoGlob */.Dw);
    const services = [];
    const names = new Map();
    const visit = (dir) => {
        if (patterns.some((p) => p.test(dir))) {
            const buildFile = BUILD_FILES.find((name) => isFile((0,external_node_path_.join)(root, dir, name)));
            if (buildFile) {
                const name = serviceName(dir === '.' ? (0,external_node_path_.basename)((0,external_node_path_.resolve)(root)) : (0,external_node_path_.basename)(dir));
                const other = names.get(name);
                if (other !== undefined) {
                    throw new src_errors/* ShipError */.fS(`two directories would both be the service ${name}: ${other} and ${dir}`, {
                        hint: `list the services with their own names in ${MANIFEST_FILE}, or narrow the globs`,
                    });
                }
                names.set(name, dir);
                services.push({ name, inputs: { context: dir, file: buildFile, tag: name }, paths: [], origin: { discovered: dir } });
            }
        }
        for (const entry of (0,external_node_fs_.readdirSync)((0,external_node_path_.join)(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            if (!entry.isDirectory() || entry.name.startsWith('.') || SKIPPED.has(entry.name))
                continue;
            visit(dir === '.' ? entry.name : `${dir}/${entry.name}`);
        }
    };
    visit('.');
    return services;
}
/** A directory name as a service name and image repository: lowercase letters, digits and -. */
function serviceName(dir) {
    const name = dir
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63)
        .replace(/-+$/, '');
    return name === '' ? 'service' : name;
}
function isFile(path) {
    try {
        return (0,external_node_fs_.statSync)(path).isFile();
    }
    catch {
        return false;
    }
}

// EXTERNAL MODULE: ./src/services/inputs-digest.ts
var inputs_digest = __webpack_require__(68720);
// EXTERNAL MODULE: ./src/inputs/parse-config.ts + 3 modules
var parse_config = __webpack_require__(68867);
// EXTERNAL MODULE: ./src/inputs/raw-inputs.ts
var raw_inputs = __webpack_require__(96685);
;// CONCATENATED MODULE: ./src/services/matrix.ts
/**
 * Services -> the matrix legs of ship.yml and deploy.yml: `{"include":[{"service": ..., <input>: <text>, ...}]}`.
 * Every leg is checked with the action's own input parser, so a bad port or domain fails discovery, at the
 * manifest line that set it, instead of failing one leg later.
 */






const DEFAULT_TAG = 'latest';
/** GitHub runs at most 256 jobs per matrix. */
const MAX_LEGS = 256;
/** Inputs that only shape a build; a deploy of an existing image drops them. */
const BUILD_ONLY = ['context', 'file', 'build-args', 'target'];
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** Picks the services asked for; a name that is not a service is an error listing the ones there are. */
function selectServices(services, only) {
    if (only === undefined)
        return [...services];
    const known = new Set(services.map((s) => s.name));
    const unknown = only.filter((name) => !known.has(name));
    if (unknown.length > 0) {
        throw new src_errors/* ShipError */.fS(`no service named ${unknown.join(', ')}`, {
            input: 'services',
            hint: services.length > 0 ? `the services are: ${services.map((s) => s.name).join(', ')}` : 'no service was found: add meshagent-ship.yml or a Dockerfile',
        });
    }
    const wanted = new Set(only);
    return services.filter((s) => wanted.has(s.name));
}
/** `a, b` or one name a line; `auto`, `all` or empty means every service. */
function parseServiceList(text) {
    const names = (text ?? '').split(/[\s,]+/).filter((n) => n !== '');
    if (names.length === 0 || (names.length === 1 && (names[0] === 'auto' || names[0] === 'all')))
        return undefined;
    return names;
}
/** The repository and tag parts of `[registry/]repository[:tag]`. */
function splitTag(text) {
    const slash = text.lastIndexOf('/');
    const colon = text.lastIndexOf(':');
    return colon > slash ? { repository: text.slice(0, colon), tag: text.slice(colon + 1) } : { repository: text, tag: undefined };
}
function buildLeg(service, options) {
    const inputs = { ...service.inputs };
    const { repository, tag } = splitTag(inputs.tag ?? service.name);
    if (options.image !== undefined) {
        const image = options.image.trim();
        if (DIGEST.test(image)) {
            inputs.image = `${repository}@${image}`;
            // The action pushes under a tag; name it after the digest so the registry shows what was deployed.
            inputs.tag = `${repository}:${image.replace(':', '-').slice(0, 19)}`;
        }
        else if (TAG.test(image)) {
            inputs.image = `${repository}:${image}`;
            inputs.tag = `${repository}:${image}`;
        }
        else {
            inputs.image = image;
            inputs.tag = `${repository}:${tag ?? options.tag ?? DEFAULT_TAG}`;
        }
        inputs.builder = 'none';
        // Nothing is built, so the build's own inputs would only mislead the plan.
        for (const name of BUILD_ONLY)
            delete inputs[name];
    }
    else {
        inputs.tag = `${repository}:${tag ?? options.tag ?? DEFAULT_TAG}`;
    }
    if (inputs.room === undefined && options.room)
        inputs.room = options.room;
    if (options.previewRoom !== undefined) {
        inputs.room = options.previewRoom;
        inputs['create-room'] = 'ephemeral';
        inputs.tag = `${splitTag(inputs.tag).repository}:${options.previewRoom}`;
    }
    if (options.domainTemplate !== undefined)
        inputs.domain = renderDomain(options.domainTemplate, service.name, inputs.room);
    inputs.context ??= '.';
    return { service: service.name, ...inputs };
}
/** A domain template with `{service}` and `{room}` filled in; any other placeholder is an error naming it. */
function renderDomain(template, service, room) {
    const domain = template.replace(/\{(\w+)\}/g, (whole, name) => {
        if (name === 'service')
            return service;
        if (name === 'room' && room !== undefined)
            return room;
        throw new src_errors/* ShipError */.fS(`domain-template ${JSON.stringify(template)}: ${whole} is not a placeholder here`, {
            input: 'domain-template',
            hint: 'use {service} and {room} (the preview workflow fills {number} in before)',
        });
    });
    return domain.toLowerCase();
}
/** Legs for the services asked for, each checked with the action's parser; throws listing every problem. */
function buildMatrix(services, options, manifestText) {
    const selected = selectServices(services, options.only);
    if (selected.length > MAX_LEGS) {
        throw new src_errors/* ShipError */.fS(`${selected.length} services are more than the ${MAX_LEGS} legs a GitHub matrix can run`, {
            input: 'services',
            hint: 'ship them in several calls, each with its own services list (or changed-only: true)',
        });
    }
    const legs = selected.map((service) => buildLeg(service, options));
    const issues = [];
    const plain = [];
    legs.forEach((leg, i) => {
        const service = selected[i];
        if (!service)
            return;
        for (const error of [...checkLeg(leg), ...outsideRepository(leg)]) {
            const input = error.input ?? '';
            if ('file' in service.origin && manifestText !== undefined) {
                const index = services.indexOf(service);
                // List errors say `line N` of the input's text; a YAML list has one item a line, so that is item N-1.
                const listLine = /: line (\d+) /.exec(error.message)?.[1];
                const at = fieldLine(manifestText, index, input, listLine === undefined ? undefined : Number(listLine) - 1);
                issues.push({ line: at.line, field: at.field, message: error.message, hint: error.hint });
            }
            else {
                const where = 'discovered' in service.origin ? ` (found in ${service.origin.discovered})` : '';
                plain.push(new src_errors/* ShipError */.fS(`service ${service.name}${where}: ${error.message}`, { ...(error.hint ? { hint: error.hint } : {}), input }));
            }
        }
    });
    const manifestFile = selected.map((s) => s.origin).find((o) => 'file' in o)?.file;
    if (issues.length > 0 && manifestFile)
        throw new ManifestError(manifestFile, sortIssues(issues));
    if (plain.length > 0)
        throw plain.length === 1 && plain[0] ? plain[0] : new src_errors/* InputErrors */.G(plain);
    return { include: legs };
}
/**
 * A context outside the repository, which the kit's checkout does not hold and whose changes change detection and
 * the inputs digest cannot see (they read the repository's files through git). The Dockerfile stays inside the
 * context (the build refuses one outside), so it is inside too.
 */
function outsideRepository(leg) {
    const context = leg.context ?? '.';
    if (!(0,external_node_path_.isAbsolute)(context) && (0,repo_paths/* normalizePath */.Fd)(context).split('/')[0] !== '..')
        return [];
    return [
        new src_errors/* ShipError */.fS(`context: ${JSON.stringify(context)} is outside the repository: its files are not checked out, and no change to them is seen`, {
            input: 'context',
            hint: 'give a directory of the repository, relative to its root',
        }),
    ];
}
/** Inputs the leg cannot set, so their errors are not the manifest's: the kit fills them at run time. */
const FILLED_BY_KIT = new Set(['api-key', 'api-url', 'project-id', 'dry-run']);
/** A syntactically valid key: only its shape matters here, the plan makes no call with it. */
const PLACEHOLDER_KEY = 'ma-AAAAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAAA-not-a-real-key';
/** The action's own input errors for a leg, without those about what the workflow supplies. */
function checkLeg(leg) {
    const { service: _service, ...inputs } = leg;
    const hasRoom = inputs.room !== undefined && inputs.room !== '';
    const raw = (0,raw_inputs/* readRawInputs */.y)({
        getInput: (name) => (name === 'api-key' ? PLACEHOLDER_KEY : name === 'room' && !hasRoom ? 'room' : (inputs[name] ?? '')),
        env: {},
        setSecret: () => undefined,
    });
    try {
        (0,parse_config.parseConfig)(raw);
        return [];
    }
    catch (error) {
        const errors = error instanceof src_errors/* InputErrors */.G ? error.errors : error instanceof src_errors/* ShipError */.fS ? [error] : [];
        if (errors.length === 0)
            throw error;
        return errors.filter((e) => !FILLED_BY_KIT.has(e.input ?? ''));
    }
}

// EXTERNAL MODULE: ./src/commands/io.ts
var io = __webpack_require__(73776);
;// CONCATENATED MODULE: ./src/commands/services.ts
/**
 * `meshagent-ship services`: the matrix of services to ship, as JSON (`{"include":[...]}`), from the manifest or by
 * Dockerfile discovery; with --changed, only the services the commits touched; with --inputs-digest, each leg
 * carries the digest of its inputs (written into the deployed service's annotations); with --deployed, only the
 * services whose digest differs from the one on the service their room runs now. With both --changed and --deployed,
 * a service the commits did not touch is listed too when its room runs other inputs that a ship recorded: a pull
 * request that reverted a service's files, or an earlier ship of it that was rolled back, would else leave the room
 * on code the branch no longer has.
 */








/** The command's work, without printing and without the API: also what the tests call. */
function servicesMatrix(root, options) {
    const globs = (0,list_text/* listItems */.D)(options.glob);
    const found = discoverServices({ root, manifest: options.manifest, globs: globs.length > 0 ? globs : undefined });
    // Every selected service is checked, changed or not: a broken manifest fails on every push, not only on the
    // push that touches the broken service.
    const built = buildMatrix(found.services, { ...legOptions(options), only: parseServiceList(options.only) }, found.manifest?.text);
    const all = digestsWanted(options) ? withDigests(root, found.services, built) : built;
    if (options.changed === undefined || options.changed.trim() === '')
        return { matrix: all, changed: undefined, untouched: [] };
    const range = parseRange(options.changed);
    if (range === undefined)
        return { matrix: all, changed: { range: options.changed, all: true, of: all.include.length }, untouched: [] };
    const files = changedFiles(root, range);
    const touched = new Set(found.services.filter((service) => touches(service, files, found.manifest?.file)).map((s) => s.name));
    return {
        matrix: { include: all.include.filter((leg) => touched.has(leg.service)) },
        changed: { range: options.changed, all: false, of: all.include.length },
        untouched: all.include.filter((leg) => !touched.has(leg.service)),
    };
}
function digestsWanted(options) {
    return options['inputs-digest'] === 'true' || options.deployed === 'true';
}
/** Each leg with its inputs digest; the repository's files are listed once for all of them. */
function withDigests(root, services, matrix) {
    const files = (0,inputs_digest/* repositoryFiles */.gF)(root);
    const byName = new Map(services.map((s) => [s.name, s]));
    const include = matrix.include.map((leg) => {
        const service = byName.get(leg.service);
        return service ? { ...leg, [inputs_digest/* INPUTS_DIGEST_INPUT */.EW]: (0,inputs_digest/* inputsDigest */.KA)(root, service, leg, files) } : leg;
    });
    return { include };
}
function legOptions(options) {
    const value = (name) => (options[name] !== undefined && options[name].trim() !== '' ? options[name].trim() : undefined);
    return { tag: value('tag'), room: value('room'), image: value('image'), previewRoom: value('preview-room'), domainTemplate: value('domain-template') };
}
/**
 * With --deployed, the legs whose inputs differ from what their room runs, and a line per leg saying why. Without
 * an API key nothing can be compared: every leg stays, and the note says so. Of the `untouched` legs (left out by
 * --changed), those whose room runs other inputs a ship recorded are added, each with its line; the others stay out
 * without one.
 */
async function keepUndeployed(matrix, options, env, log, untouched = []) {
    const { apiClient, apiUrlOf, hasApiKey } = await Promise.all(/* import() */[__webpack_require__.e(399), __webpack_require__.e(460)]).then(__webpack_require__.bind(__webpack_require__, 44460));
    if (!hasApiKey(env)) {
        log('--deployed: no MESHAGENT_API_KEY, so nothing deployed can be compared with: every service counts as changed');
        return matrix;
    }
    const value = (name) => (options[name]?.trim() ? options[name].trim() : undefined);
    const masked = [];
    const client = apiClient({ command: 'services --deployed', apiUrl: value('api-url'), projectId: value('project-id'), mask: (s) => masked.push(s) }, env);
    try {
        const { compareWithDeployed } = await __webpack_require__.e(/* import() */ 858).then(__webpack_require__.bind(__webpack_require__, 858));
        // One comparison for both, so each room is read once; its results come in the order of the legs given.
        const legs = [...matrix.include.map((leg) => ({ leg, touched: true })), ...untouched.map((leg) => ({ leg, touched: false }))];
        const compared = await compareWithDeployed(client, legs.map((l) => l.leg), apiUrlOf({ apiUrl: value('api-url') }, env));
        const include = [];
        for (const [i, { leg, touched }] of legs.entries()) {
            const c = compared[i];
            if (touched)
                log(`${c.service}: ${c.changed ? 'changed' : 'skipped'}, ${c.because}`);
            else if (c.recorded)
                log(`${c.service}: changed, not touched by the commits, but ${c.because} (a revert, or an earlier ship that was rolled back)`);
            if (touched ? c.changed : c.recorded)
                include.push(leg);
        }
        return { include };
    }
    finally {
        await client.close();
    }
}
async function runServices(args, root = process.cwd(), env = process.env) {
    let run;
    let matrix;
    try {
        run = servicesMatrix(root, args.options);
        matrix =
            args.options.deployed === 'true'
                ? await keepUndeployed(run.matrix, args.options, env, (line) => io/* processIo */.W.stderr(`${line}\n`), run.untouched)
                : run.matrix;
    }
    catch (error) {
        io/* processIo */.W.stderr(`meshagent-ship: ${(0,src_errors/* formatError */.Wk)(error)}\n`);
        return 1;
    }
    const { changed } = run;
    const names = matrix.include.map((leg) => leg.service);
    if (changed) {
        const listed = run.matrix.include.map((leg) => leg.service);
        io/* processIo */.W.stderr(changed.all
            ? `${changed.range}: nothing to compare with (first push), so every service ships: ${listed.join(', ') || 'none'}\n`
            : `${listed.length} of ${changed.of} services changed in ${changed.range}${listed.length > 0 ? `: ${listed.join(', ')}` : ''}\n`);
    }
    if (args.options.deployed === 'true')
        io/* processIo */.W.stderr(`${names.length} to ship after comparing with what is deployed${names.length > 0 ? `: ${names.join(', ')}` : ''}\n`);
    const json = JSON.stringify(matrix);
    io/* processIo */.W.stdout(`${args.json ? json : JSON.stringify(matrix, null, 2)}\n`);
    if (args.options['github-output']) {
        (0,external_node_fs_.appendFileSync)(args.options['github-output'], `matrix=${json}\ncount=${names.length}\nservices=${JSON.stringify(names)}\n`);
    }
    return 0;
}


/***/ }),

/***/ 75601:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ isGlob),
/* harmony export */   t: () => (/* binding */ globToRegExp)
/* harmony export */ });
/**
 * Path globs, one meaning wherever a glob is read (prefetch lists, service discovery, change detection): `*` and `?`
 * stay inside one path segment, `**` spans any number of segments (also none, so `a/**\/b` matches `a/b`, and a
 * trailing `**` matches the rest of the path), and `[...]` is a character class, negated by a leading `!` (or `^`),
 * with a `]` right after the opening bracket taken as a member (as POSIX fnmatch and Go's path.Match read it). An
 * unclosed `[` is a plain character. Paths use `/`; callers clean paths and patterns the same way before matching.
 */
const cache = new Map();
/** Patterns come from a user's list: the cache stays small, but is bounded all the same. */
const MAX_CACHED = 1000;
/** Whether `pattern` holds a wildcard (and so is not a plain path). */
function isGlob(pattern) {
    return /[*?[]/.test(pattern);
}
/** The regular expression `pattern` stands for, anchored at both ends. */
function globToRegExp(pattern) {
    const cached = cache.get(pattern);
    if (cached)
        return cached;
    let source = '';
    for (let i = 0; i < pattern.length; i += 1) {
        const c = pattern[i];
        if (c === '*' && pattern[i + 1] === '*') {
            const slash = pattern[i + 2] === '/';
            source += slash ? '(?:.*/)?' : '.*';
            i += slash ? 2 : 1;
        }
        else if (c === '*')
            source += '[^/]*';
        else if (c === '?')
            source += '[^/]';
        else if (c === '[') {
            let first = i + 1;
            const negated = pattern[first] === '!' || pattern[first] === '^';
            if (negated)
                first += 1;
            const close = pattern.indexOf(']', pattern[first] === ']' ? first + 1 : first);
            if (close === -1)
                source += '\\[';
            else {
                // Ranges (`a-z`) are kept; what a regular expression would read otherwise inside a class is escaped.
                const members = pattern.slice(first, close).replace(/[\\\]^[]/g, '\\$&');
                source += `[${negated ? '^' : ''}${members}]`;
                i = close;
            }
        }
        else
            source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
    const regexp = new RegExp(`^${source}$`);
    if (cache.size >= MAX_CACHED)
        cache.clear();
    cache.set(pattern, regexp);
    return regexp;
}


/***/ }),

/***/ 68720:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EW: () => (/* binding */ INPUTS_DIGEST_INPUT),
/* harmony export */   KA: () => (/* binding */ inputsDigest),
/* harmony export */   gF: () => (/* binding */ repositoryFiles)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(83916);
/* harmony import */ var _repo_paths_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4239);
/**
 * A service's inputs digest: one sha256 over what decides the image and the service a leg ships, so a later run can
 * tell whether the service deployed in a room was shipped from the same inputs. It covers:
 *
 * - the leg's inputs (the manifest entry with its defaults: Dockerfile name, build args, target, ports, env...), but
 *   not `tag` and `room`, which name where it goes (the kit's default tag is the commit SHA, new on every push);
 * - every file git sees in the service's context (tracked, and untracked unless ignored), the Dockerfile when it
 *   lies outside the context, and the files matching the service's `paths` globs: each by path, kind and content
 *   as it is on disk.
 *
 * A leg that deploys an existing image (`image`) has no files: its reference is the input, and a tag that moves
 * to another image is not seen. Not covered: files a `prepare` command makes at ship time, the base images a Dockerfile pulls, and the version of
 * this tool. The digest is `sha256:<hex>` and is written into the deployed service's annotations.
 */






/** The leg field (and action input) that carries the digest to the ship step. */
const INPUTS_DIGEST_INPUT = 'inputs-digest';
/** Bumped when what the digest covers changes, so an old annotation never matches a new digest by accident. */
const FORMAT = 'meshagent-ship inputs v2';
/** Leg inputs that say where the image goes, not what it is. */
const NOT_INPUTS = new Set(['tag', 'room', INPUTS_DIGEST_INPUT]);
/** The files git sees under root: tracked ones and untracked ones that no .gitignore excludes. */
function repositoryFiles(root) {
    try {
        const out = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFileSync)('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
            cwd: root,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
            maxBuffer: 256 * 1024 * 1024,
        });
        return [...new Set(out.split('\0').filter((line) => line !== ''))].sort();
    }
    catch (error) {
        const stderr = error.stderr?.trim().split('\n')[0] ?? String(error);
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ShipError */ .fS(`git could not list the files of ${root}: ${stderr}`, {
            hint: 'the inputs digest needs the services in a git checkout (actions/checkout, or git init)',
        });
    }
}
/** The files of the repository that belong to a service's image. */
function serviceFiles(service, files) {
    const context = (0,_repo_paths_js__WEBPACK_IMPORTED_MODULE_5__/* .normalizePath */ .Fd)(service.inputs.context ?? '.');
    const buildFile = service.inputs.file ? (0,_repo_paths_js__WEBPACK_IMPORTED_MODULE_5__/* .normalizePath */ .Fd)(node_path__WEBPACK_IMPORTED_MODULE_3__.posix.normalize(`${context}/${service.inputs.file}`)) : undefined;
    return files.filter((file) => (0,_repo_paths_js__WEBPACK_IMPORTED_MODULE_5__/* .isInside */ .FK)(file, context) || (buildFile !== undefined && (0,_repo_paths_js__WEBPACK_IMPORTED_MODULE_5__/* .normalizePath */ .Fd)(file) === buildFile) || service.paths.some((glob) => (0,_repo_paths_js__WEBPACK_IMPORTED_MODULE_5__/* .matchesRepoGlob */ .CU)(file, glob)));
}
/**
 * One line per file: its kind, the sha256 of its content (a symlink's target) and its path as JSON, so a path with
 * a line break in it cannot pass for the lines of other files.
 */
function fileLine(root, file) {
    const path = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(root, file);
    let stat;
    try {
        stat = (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.lstatSync)(path);
    }
    catch {
        // Tracked but deleted in the work tree: not part of what a build would see.
        return undefined;
    }
    if (stat.isSymbolicLink())
        return `link ${sha256((0,node_fs__WEBPACK_IMPORTED_MODULE_2__.readlinkSync)(path))} ${JSON.stringify(file)}`;
    if (!stat.isFile())
        return undefined;
    const kind = (stat.mode & 0o111) !== 0 ? 'exec' : 'file';
    return `${kind} ${sha256((0,node_fs__WEBPACK_IMPORTED_MODULE_2__.readFileSync)(path))} ${JSON.stringify(file)}`;
}
function sha256(data) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.createHash)('sha256').update(data).digest('hex');
}
/** The leg's inputs in a stable order, without those that only name the destination. */
function legText(leg) {
    const entries = Object.entries(leg)
        .filter(([name]) => !NOT_INPUTS.has(name))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify(entries);
}
/** The digest of one service's leg and files; `files` is repositoryFiles(root), listed once for every service. */
function inputsDigest(root, service, leg, files) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.createHash)('sha256');
    hash.update(`${FORMAT}\nleg ${legText(leg)}\n`);
    // A leg that deploys an existing image builds nothing: its reference, in the leg, is all there is.
    if (leg.image !== undefined && leg.image !== '')
        return `sha256:${hash.digest('hex')}`;
    for (const file of serviceFiles(service, files)) {
        const line = fileLine(root, file);
        if (line !== undefined)
            hash.update(`${line}\n`);
    }
    return `sha256:${hash.digest('hex')}`;
}


/***/ }),

/***/ 4239:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CU: () => (/* binding */ matchesRepoGlob),
/* harmony export */   Dw: () => (/* binding */ repoGlob),
/* harmony export */   FK: () => (/* binding */ isInside),
/* harmony export */   Fd: () => (/* binding */ normalizePath)
/* harmony export */ });
/* harmony import */ var _glob_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(75601);
/**
 * Paths in a repository, as service discovery and change detection compare them: `/` as the separator, relative to
 * the repository root, without a leading `./`. Globs over them are glob.ts's, matched after both sides are cleaned.
 */

/**
 * `./a//b/` -> `a/b`; `a/../b` -> `b`, as the build resolves a context; `.` and `` stay `.` (the root). A `..` that
 * climbs above the root is kept (`../x`): no repository path is inside it.
 */
function normalizePath(path) {
    const parts = [];
    for (const part of path.replace(/\\/g, '/').split('/')) {
        if (part === '' || part === '.')
            continue;
        if (part === '..' && parts.length > 0 && parts.at(-1) !== '..')
            parts.pop();
        else
            parts.push(part);
    }
    return parts.length === 0 ? '.' : parts.join('/');
}
/** True when `path` is `dir` or inside it; every path is inside the root `.`. */
function isInside(path, dir) {
    const d = normalizePath(dir);
    const p = normalizePath(path);
    return d === '.' || p === d || p.startsWith(`${d}/`);
}
/** The regular expression of a glob over repository paths (the glob cleaned as a path is). */
function repoGlob(glob) {
    return (0,_glob_js__WEBPACK_IMPORTED_MODULE_0__/* .globToRegExp */ .t)(normalizePath(glob));
}
/** Whether a repository path matches a glob, both cleaned. */
function matchesRepoGlob(path, glob) {
    return repoGlob(glob).test(normalizePath(path));
}


/***/ })

};
