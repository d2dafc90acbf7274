export const id = 93;
export const ids = [93];
export const modules = {

/***/ 27093:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  startSandbox: () => (/* binding */ startSandbox)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(38816);
;// CONCATENATED MODULE: ./sandbox/addresses.ts
/**
 * The sandbox's ports, kept in DIR/addresses.json so a restart on the same directory serves at the same addresses:
 * the services recorded in DIR name images at `127.0.0.1:<registry port>`, and a user's exported environment names
 * the API and the router. A recorded port is tried first; when something else holds it, another is picked and the
 * sandbox says what that breaks, rather than moving silently.
 */




const Recorded = schemas/* object */.Ikc({
    api: schemas/* number */.aig().int().positive().optional(),
    registry: schemas/* number */.aig().int().positive().optional(),
    router: schemas/* number */.aig().int().positive().optional(),
});
const FILE = 'addresses.json';
/**
 * The ports an earlier run on `dir` served at; none when the file is not the sandbox's. A directory an older
 * sandbox ran on has no file: its registry's port is read from the images its recorded services name, the one
 * address that matters to them (the rest were only ever in an exported environment).
 */
function readRecordedPorts(dir, state) {
    const file = (0,external_node_path_.join)(dir, FILE);
    if (!(0,external_node_fs_.existsSync)(file)) {
        const registry = registryPortOfImages(state);
        return registry === undefined ? {} : { registry };
    }
    try {
        const parsed = Recorded.safeParse(JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8')));
        return parsed.success ? parsed.data : {};
    }
    catch {
        return {};
    }
}
/** The registry port most of the recorded services' images name, at the sandbox's own `127.0.0.1:<port>/<project key>/`. */
function registryPortOfImages(state) {
    const own = new RegExp(`^127\\.0\\.0\\.1:(\\d+)/${state.data.project.project_key}/`);
    const counts = new Map();
    for (const service of [...Object.values(state.data.services).flat(), ...(state.data.projectServices ?? [])]) {
        const port = Number(own.exec(service.container?.image ?? '')?.[1] ?? 0);
        if (port > 0)
            counts.set(port, (counts.get(port) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
/** Records the ports this run serves at, keeping those of listeners it does not run (a run without its registry). */
function recordPorts(dir, ports, before) {
    const file = (0,external_node_path_.join)(dir, FILE);
    const temp = `${file}.${process.pid}.tmp`;
    (0,external_node_fs_.writeFileSync)(temp, `${JSON.stringify({ ...before, ...ports }, null, 2)}\n`);
    (0,external_node_fs_.renameSync)(temp, file);
}
/** Listens on `port` (0: any) of 127.0.0.1 and lets go; the port it got, or undefined when it is taken. */
async function tryPort(port) {
    const server = (0,external_node_net_.createServer)();
    return new Promise((resolve) => {
        server.once('error', () => resolve(undefined));
        server.listen(port, '127.0.0.1', () => {
            const got = server.address().port;
            server.close(() => resolve(got));
        });
    });
}
async function anyFreePort() {
    const port = await tryPort(0);
    if (port === undefined)
        throw new Error('cannot listen on 127.0.0.1: no free port');
    return port;
}
/**
 * A listener's port: the one asked for (a flag or option), else the recorded one when it is free, else one the
 * OS picks (the first start, or the recorded one is taken).
 */
async function choosePort(asked, recorded) {
    if (asked)
        return { port: asked };
    if (recorded === undefined)
        return { port: await anyFreePort() };
    // A port just let go (the registry an earlier run left, stopped a moment ago) can take a moment to come free.
    for (let tries = 0; tries < 10; tries += 1) {
        if ((await tryPort(recorded)) === recorded)
            return { port: recorded };
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { port: await anyFreePort(), taken: recorded };
}
/** `room/service` of each recorded service whose image is at `host`, the address the registry served at before. */
function servicesNamingHost(state, host) {
    const named = [];
    const at = (image) => image?.startsWith(`${host}/`) ?? false;
    for (const [room, services] of Object.entries(state.data.services))
        for (const service of services)
            if (at(service.container?.image))
                named.push(`${room}/${service.metadata.name}`);
    for (const service of state.data.projectServices ?? [])
        if (at(service.container?.image))
            named.push(`(project)/${service.metadata.name}`);
    return named;
}
/** What moving a listener off its recorded port breaks, in a line the sandbox prints at its start. */
function movedNotice(listener, moved, state) {
    const why = moved.taken ? `port ${moved.from} is taken` : `port ${moved.to} was given`;
    const head = `the ${listener === 'api' ? 'API' : listener} serves at 127.0.0.1:${moved.to}, not at 127.0.0.1:${moved.from} as the last run on this directory (${why})`;
    if (listener === 'api')
        return `${head}: an environment exported from that run names the old MESHAGENT_API_URL; export the variables printed now`;
    if (listener === 'router')
        return `${head}: an environment exported from that run names the old MESHAGENT_SANDBOX_ROUTER and MESHAGENT_SHIP_PROBE_ORIGIN; export the variables printed now`;
    const named = servicesNamingHost(state, `127.0.0.1:${moved.from}`);
    const change = `${head}, so the project registry and MESHAGENT_SANDBOX_REGISTRY change`;
    if (named.length === 0)
        return `${change}; no recorded service names an image at the old address`;
    return (`${change}: ${named.length} recorded service(s) name images at the old address (${named.join(', ')}), which the room runtime cannot ` +
        `pull; ship them again, or free port ${moved.from} and restart the sandbox`);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./sandbox/api-common.ts
/** An answer other than success: its status and message. */
class ApiError extends Error {
    status;
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}
/** A body read with one of the sandbox's schemas; a refusal names every problem. */
function parse(schema, body) {
    const parsed = schema.safeParse(body ?? {});
    if (parsed.success)
        return parsed.data;
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
    throw new ApiError(400, `invalid request: ${details}`);
}
function requirePermission(key, permission) {
    if (!key.permissions.includes(permission))
        throw new ApiError(403, `permission denied: the API key lacks ${permission}`);
}
/**
 * One page of a list paged as upstream pages it (`page_size`, default 100, and an opaque `continuation_token`),
 * answered as `{<name>: [...], total, continuation_token}`. `filter`, where the list takes one, keeps the items
 * whose text contains it, without case: what upstream matches it against is not documented, so the sandbox takes
 * the field a user sees (a name, a domain).
 */
function page(name, items, query, text) {
    const filter = query.get('filter')?.trim().toLowerCase();
    const kept = filter && text ? items.filter((item) => text(item).toLowerCase().includes(filter)) : items;
    const pageSize = Math.min(Math.max(Number(query.get('page_size') ?? 100) || 100, 1), 1000);
    const token = query.get('continuation_token');
    const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0)
        throw new ApiError(400, 'invalid continuation_token');
    const next = start + pageSize < kept.length ? Buffer.from(String(start + pageSize)).toString('base64url') : null;
    return { status: 200, json: { [name]: kept.slice(start, start + pageSize), total: kept.length, continuation_token: next } };
}

;// CONCATENATED MODULE: ./sandbox/wire/common.ts
/**
 * Building blocks shared by the sandbox's request schemas. They follow pydantic's types in the upstream models, with
 * one deliberate difference: pydantic's lax mode would turn `"8080"` into 8080 or `"true"` into true, and the
 * sandbox refuses such values instead, so a client that leans on that coercion is caught here.
 */

/** `dict[str, str]`. */
const stringMap = schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP());
/** `dict[str, Any]` / `dict[str, JsonValue]`: any JSON object. */
const jsonObject = schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J());
/** pydantic's `PositiveInt`. */
const positiveInt = schemas/* number */.aig().int().positive();
/** An optional string field (`Optional[str] = None`): absent, null or a string. */
const optionalString = schemas/* string */.YjP().nullish();

;// CONCATENATED MODULE: ./sandbox/wire/route.ts
/**
 * Routes (`RouteSpec`, meshagent-api specs/service.py:499-708; reference §2.8): a domain sent to a room's port or
 * to an agent, or served from room storage. Every model forbids unknown fields; a path is stored as the model
 * writes it, without `stripPrefix` when false and without the target it does not use.
 */


/** A list of strings trimmed (and upper-cased), refused when empty or holding a blank, as the CORS validators do. */
function trimmedList(options) {
    return schemas/* array */.YOg(schemas/* string */.YjP()).transform((items, ctx) => {
        const fail = (message) => ctx.addIssue({ code: 'custom', message });
        if (options.emptyList !== undefined && items.length === 0)
            fail(options.emptyList);
        const trimmed = items.map((item) => (options.upper ? item.trim().toUpperCase() : item.trim()));
        if (trimmed.some((item) => item === ''))
            fail(options.blankItem);
        return trimmed;
    });
}
/** `RouteCorsRule` (service.py:532-578). */
const RouteCorsRule = schemas/* strictObject */.rej({
    allowedOrigins: trimmedList({ emptyList: 'RouteSpec CORS allowedOrigins must not be empty', blankItem: 'RouteSpec CORS origins must not be empty' }),
    allowedMethods: trimmedList({
        emptyList: 'RouteSpec CORS allowedMethods must not be empty',
        blankItem: 'RouteSpec CORS methods must not be empty',
        upper: true,
    }).default(['GET', 'HEAD']),
    allowedHeaders: trimmedList({ blankItem: 'RouteSpec CORS headers must not be empty' }).default([]),
    exposeHeaders: trimmedList({ blankItem: 'RouteSpec CORS headers must not be empty' }).default([]),
    maxAgeSeconds: schemas/* number */.aig().int().nonnegative().default(3600),
    allowCredentials: schemas/* boolean */.zMY().default(false),
})
    .refine((rule) => !(rule.allowCredentials && rule.allowedOrigins.includes('*')), {
    message: 'RouteSpec CORS allowCredentials cannot be used with wildcard origins',
});
/** `RouteContentSpec` (service.py:581-598): a subpath of room storage, trimmed of spaces and slashes. */
const RouteContentSpec = schemas/* strictObject */.rej({
    subpath: schemas/* string */.YjP()
        .default('')
        .transform((subpath) => subpath.trim().replace(/^\/+|\/+$/g, ''))
        .refine((subpath) => !subpath.split('/').some((part) => part === '.' || part === '..'), {
        message: 'RouteSpec content subpath cannot contain dot segments',
    }),
    cors: schemas/* array */.YOg(RouteCorsRule).default([]),
    index: schemas/* boolean */.zMY().default(false),
    iap: schemas/* boolean */.zMY().default(false),
    compression: schemas/* enum */.k5n(['brotli', 'gzip', 'none']).default('brotli'),
});
/** `RoutePathSpec` (service.py:601-646), written back as its serializer writes it. */
const RoutePathSpec = schemas/* strictObject */.rej({
    path: schemas/* string */.YjP()
        .default('/')
        .refine((path) => path.startsWith('/'), { message: 'RouteSpec paths must start with /' }),
    pathType: schemas/* enum */.k5n(['prefix', 'exact']).default('prefix'),
    stripPrefix: schemas/* boolean */.zMY().default(false),
    targetPort: schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig().int()])
        .refine((port) => typeof port !== 'string' || port.trim() !== '', { message: 'RouteSpec targetPort must not be empty' })
        .nullish(),
    targetContent: RouteContentSpec.nullish(),
})
    .superRefine((path, ctx) => {
    const hasPort = path.targetPort !== undefined && path.targetPort !== null;
    const hasContent = path.targetContent !== undefined && path.targetContent !== null;
    if (hasPort === hasContent)
        ctx.addIssue({ code: 'custom', message: 'RouteSpec paths require exactly one of targetPort or targetContent' });
    else if (hasContent && path.stripPrefix) {
        ctx.addIssue({ code: 'custom', message: 'RouteSpec content paths do not support stripPrefix; the route path is always removed' });
    }
})
    .transform(({ stripPrefix, targetPort, targetContent, ...rest }) => ({
    ...rest,
    ...(stripPrefix ? { stripPrefix } : {}),
    ...(targetPort !== undefined && targetPort !== null ? { targetPort } : {}),
    ...(targetContent !== undefined && targetContent !== null ? { targetContent } : {}),
}));
const BackendName = schemas/* strictObject */.rej({ name: schemas/* string */.YjP() });
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
/**
 * `RouteSpec.migrate_legacy_route` (service.py:659-679): a route written before RouteSpec, `{domain, room_name,
 * port, annotations}` (no `backend`, a `room_name`), is read as the spec it stands for: one `/` prefix path to its
 * port. Anything else is left for the model to judge.
 */
function migrateLegacyRoute(value) {
    if (!isObject(value) || 'backend' in value || !('room_name' in value))
        return value;
    const domain = value.domain;
    return {
        version: 'v1',
        kind: 'Route',
        metadata: { name: typeof domain === 'string' ? domain : '', annotations: value.annotations || {} },
        domain,
        backend: { room: { name: value.room_name } },
        paths: [{ path: '/', pathType: 'prefix', targetPort: value.port }],
    };
}
const RouteSpec = schemas/* preprocess */.vkY(migrateLegacyRoute, schemas/* strictObject */.rej({
    version: schemas/* literal */.euz('v1').default('v1'),
    kind: schemas/* literal */.euz('Route').default('Route'),
    metadata: schemas/* strictObject */.rej({ name: schemas/* string */.YjP(), annotations: stringMap.default({}) }),
    domain: schemas/* string */.YjP(),
    backend: schemas/* strictObject */.rej({ room: BackendName.nullish(), agent: BackendName.nullish() })
        .refine((backend) => Boolean(backend.room) !== Boolean(backend.agent), { message: 'RouteSpec backend requires exactly one of room or agent' }),
    paths: schemas/* array */.YOg(RoutePathSpec).default([]),
})
    .superRefine((route, ctx) => {
    if (route.backend.room && route.paths.length === 0)
        ctx.addIssue({ code: 'custom', message: 'RouteSpec room backend requires at least one path', path: ['paths'] });
    if (route.backend.agent && route.paths.length > 0)
        ctx.addIssue({ code: 'custom', message: 'RouteSpec agent backend does not support paths', path: ['paths'] });
}));
/**
 * The body of POST …/routes and PUT …/routes/{domain} (`_CreateRouteRequest`, `_UpdateRouteRequest`, client.py:
 * 672-691): `{spec}`, other fields dropped. A body without `spec` is the older request form, the spec itself (flat
 * legacy or not), which those models still take (`migrate_legacy_request`).
 */
const RouteBody = schemas/* preprocess */.vkY((body) => (isObject(body) && !('spec' in body) ? { spec: body } : body), schemas/* object */.Ikc({ spec: RouteSpec }));

;// CONCATENATED MODULE: ./sandbox/api-routes.ts
/**
 * The sandbox's routes API (reference §2.8): create, read, update and delete a route by its domain, the project's
 * routes (paged by continuation token) and a room's (paged by count and offset). A domain is a host name, so it is
 * found without case. A route may point at a room that does not exist (yet): the API's model does not tie them.
 *
 * Routes stored before RouteSpec existed are answered in their flat form, `{domain, room_name, port, annotations}`,
 * as an older MeshAgent server answers them; `storeLegacy` puts one there, as such a server would have written it.
 * The first write of the route through the API stores it as a spec.
 */




/** A flat legacy route, as an older server stored it. */
const LegacyRoute = schemas/* strictObject */.rej({
    domain: schemas/* string */.YjP().min(1),
    room_name: schemas/* string */.YjP().min(1),
    port: schemas/* union */.KCZ([schemas/* string */.YjP().min(1), schemas/* number */.aig().int().positive()]),
    annotations: stringMap.nullish(),
});
const sameDomain = (a, b) => a.toLowerCase() === b.toLowerCase();
class RouteApi {
    state;
    changed;
    constructor(state, 
    /** Told after a write, so the state is saved. */
    changed) {
        this.state = state;
        this.changed = changed;
    }
    get routes() {
        return this.state.data.routes;
    }
    indexOf(domain) {
        return this.routes.findIndex((r) => sameDomain(r.domain, domain));
    }
    find(domain) {
        const found = this.routes[this.indexOf(domain)];
        if (!found)
            throw new ApiError(404, `route not found: ${domain}`);
        return found;
    }
    isLegacy(domain) {
        return (this.state.data.legacyRoutes ?? []).includes(domain.toLowerCase());
    }
    forgetLegacy(domain) {
        this.state.data.legacyRoutes = (this.state.data.legacyRoutes ?? []).filter((d) => d !== domain.toLowerCase());
    }
    /** A route as answered: `{domain, spec}`, or the flat form of a route stored before RouteSpec. */
    answer(spec) {
        if (!this.isLegacy(spec.domain))
            return { domain: spec.domain, spec };
        const path = spec.paths[0];
        return { domain: spec.domain, room_name: spec.backend.room?.name, port: path?.targetPort, annotations: spec.metadata.annotations };
    }
    get(domain) {
        return { status: 200, json: { route: this.answer(this.find(domain)) } };
    }
    create(body, key) {
        const { spec } = parse(RouteBody, body);
        requirePermission(key, 'routes:write');
        if (this.indexOf(spec.domain) !== -1)
            throw new ApiError(409, `route domain already in use: ${spec.domain}`);
        this.routes.push(spec);
        return this.changed({});
    }
    update(domain, body, key) {
        const index = this.indexOf(domain);
        if (index === -1)
            throw new ApiError(404, `route not found: ${domain}`);
        const { spec } = parse(RouteBody, body);
        requirePermission(key, 'routes:write');
        if (!sameDomain(spec.domain, domain))
            throw new ApiError(400, 'invalid request: spec.domain: must equal the domain in the path');
        this.routes[index] = spec;
        this.forgetLegacy(domain);
        return this.changed({});
    }
    delete(domain, key) {
        const index = this.indexOf(domain);
        if (index === -1)
            throw new ApiError(404, `route not found: ${domain}`);
        requirePermission(key, 'routes:write');
        this.routes.splice(index, 1);
        this.forgetLegacy(domain);
        return this.changed({});
    }
    /** `GET …/routes?page_size=&continuation_token=&filter=`: `{routes, total, continuation_token}`. */
    list(query) {
        const answer = page('routes', this.routes, query, (route) => route.domain);
        const json = answer.json;
        return { ...answer, json: { ...json, routes: json.routes.map((route) => this.answer(route)) } };
    }
    /** `GET …/rooms/{room}/routes?count=&offset=&filter=`: `{routes, total}`, paged by offset. */
    listRoom(room, query) {
        const filter = query.get('filter')?.trim().toLowerCase();
        const all = this.routes.filter((r) => r.backend.room?.name === room && (!filter || r.domain.toLowerCase().includes(filter)));
        const offset = Math.max(Number(query.get('offset') ?? 0) || 0, 0);
        const count = Math.min(Math.max(Number(query.get('count') ?? 100) || 100, 1), 1000);
        return { status: 200, json: { routes: all.slice(offset, offset + count).map((route) => this.answer(route)), total: all.length } };
    }
    /** Stores a route as an older server stored it, answered flat from then on (a sandbox control, not the API). */
    storeLegacy(body) {
        const legacy = parse(LegacyRoute, body);
        const spec = parse(RouteSpec, legacy);
        if (this.indexOf(spec.domain) !== -1)
            throw new ApiError(409, `route domain already in use: ${spec.domain}`);
        this.routes.push(spec);
        this.state.data.legacyRoutes = [...(this.state.data.legacyRoutes ?? []), spec.domain.toLowerCase()];
        return this.changed({});
    }
}

// EXTERNAL MODULE: ./node_modules/nunjucks/index.js
var nunjucks = __webpack_require__(18115);
var nunjucks_default = /*#__PURE__*/__webpack_require__.n(nunjucks);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./sandbox/wire/agent.ts
/**
 * The agents a service exposes (`AgentSpec` and its channels, meshagent-api specs/service.py:303-388). Every model
 * forbids unknown fields except the heartbeat's prompt contents (agent_content.py), which ignore them.
 */


const annotations = stringMap.nullish();
const PromptTemplate = schemas/* strictObject */.rej({ name: schemas/* string */.YjP(), description: optionalString, prompt: schemas/* string */.YjP(), annotations });
const EmailChannel = schemas/* strictObject */.rej({ annotations, address: schemas/* string */.YjP(), private: schemas/* boolean */.zMY().default(true) });
const MessagingChannel = schemas/* strictObject */.rej({
    annotations,
    protocol: schemas/* string */.YjP().default('meshagent.agent-message.v1'),
    prompts: schemas/* array */.YOg(PromptTemplate).nullish(),
});
const QueueChannel = schemas/* strictObject */.rej({
    annotations,
    queue: schemas/* string */.YjP(),
    threading_mode: schemas/* literal */.euz('default-new').nullish(),
    message_schema: jsonObject.nullish(),
});
const ToolkitChannel = schemas/* strictObject */.rej({ annotations, name: schemas/* string */.YjP() });
const ChannelsSpec = schemas/* strictObject */.rej({
    email: schemas/* array */.YOg(EmailChannel).nullish(),
    messaging: schemas/* array */.YOg(MessagingChannel).nullish(),
    queue: schemas/* array */.YOg(QueueChannel).nullish(),
    toolkit: schemas/* array */.YOg(ToolkitChannel).nullish(),
});
const EmailSpec = schemas/* strictObject */.rej({ address: schemas/* string */.YjP(), public: schemas/* boolean */.zMY().default(false) })
    .refine((email) => email.address.trim() !== '', { message: 'email.address must not be empty', path: ['address'] });
/** `AgentInputContent`: text, file or audio, told apart by `type`. */
const AgentInputContent = schemas/* discriminatedUnion */.gMt('type', [
    schemas/* object */.Ikc({ type: schemas/* literal */.euz('text'), text: schemas/* string */.YjP() }),
    schemas/* object */.Ikc({ type: schemas/* literal */.euz('file'), url: schemas/* string */.YjP(), name: optionalString }),
    schemas/* object */.Ikc({ type: schemas/* literal */.euz('audio'), url: schemas/* string */.YjP() }),
]);
const HeartbeatSpec = schemas/* strictObject */.rej({ queue: schemas/* string */.YjP(), thread_id: optionalString, prompt: schemas/* array */.YOg(AgentInputContent).nullish(), minutes: positiveInt })
    .superRefine((heartbeat, ctx) => {
    if (heartbeat.queue.trim() === '')
        ctx.addIssue({ code: 'custom', message: 'heartbeat.queue must not be empty', path: ['queue'] });
    else if (!heartbeat.prompt?.length)
        ctx.addIssue({ code: 'custom', message: 'heartbeat requires prompt', path: ['prompt'] });
});
const AgentSpec = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    description: optionalString,
    annotations,
    channels: ChannelsSpec.nullish(),
    email: EmailSpec.nullish(),
    heartbeat: HeartbeatSpec.nullish(),
});

;// CONCATENATED MODULE: ./sandbox/wire/api-scope.ts
/**
 * ApiScope, the participant token permissions a service's token env vars and endpoints carry (meshagent-api
 * participant_token.py:733-752). The model ignores unknown fields, so they are dropped, not refused; `dataset` may
 * also arrive as `database` or `datasets`. Each grant is an object or null; what is inside a grant is kept as sent
 * and not checked, except `secrets`, whose model has no fields and forbids extras, so it can only be `{}`.
 */

/** A grant's content is kept as it came. */
const grant = schemas/* looseObject */._H3({}).nullish();
const DATASET_ALIASES = ['dataset', 'database', 'datasets'];
/** `AliasChoices("dataset", "database", "datasets")`: the first of these present is the one read. */
function readDatasetAlias(value) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
        return value;
    const given = value;
    const alias = DATASET_ALIASES.find((key) => given[key] !== undefined);
    if (alias === undefined || alias === 'dataset')
        return value;
    const { [alias]: dataset, ...rest } = given;
    return { ...rest, dataset };
}
const ApiScope = schemas/* preprocess */.vkY(readDatasetAlias, schemas/* object */.Ikc({
    livekit: grant,
    queues: grant,
    messaging: grant,
    dataset: grant,
    sqlite: grant,
    memory: grant,
    sync: grant,
    storage: grant,
    containers: grant,
    developer: grant,
    agents: grant,
    llm: grant,
    admin: grant,
    secrets: schemas/* strictObject */.rej({}).nullish(),
    tunnels: grant,
    services: grant,
}));

;// CONCATENATED MODULE: ./sandbox/wire/container.ts
/**
 * A service's container (`ContainerSpec`, meshagent-api specs/service.py:73-221 and 399-444; reference §4): image,
 * run-as account, env, mounts and flags. Every model forbids unknown fields except `TokenValue`, which ignores them.
 */



const SecretValue = schemas/* strictObject */.rej({ id: schemas/* string */.YjP() });
/** `TokenValue` (service.py:78): the one model here without `extra="forbid"`, so unknown fields are dropped. */
const TokenValue = schemas/* object */.Ikc({
    identity: schemas/* string */.YjP(),
    api: ApiScope.nullish(),
    role: schemas/* enum */.k5n(['user', 'agent', 'tool']).nullish(),
});
const EnvironmentVariable = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    value: optionalString,
    token: TokenValue.nullish(),
    secret: SecretValue.nullish(),
});
/** `ServiceRunAs` (service.py:100-134): the email trimmed and lowercased, not empty; scopes trimmed, blanks dropped, each once. */
const ServiceRunAs = schemas/* strictObject */.rej({
    email: schemas/* string */.YjP()
        .transform((email) => email.trim().toLowerCase())
        .refine((email) => email !== '', { message: 'run_as.email must not be empty' }),
    scopes: schemas/* array */.YOg(schemas/* string */.YjP())
        .default(['secrets:proxy'])
        .transform((scopes) => [...new Set(scopes.map((scope) => scope.trim()).filter((scope) => scope !== ''))]),
});
/** The mounts (`ContainerMountSpec`): each kind a list, with its own `read_only` default. */
const ContainerMountSpec = schemas/* strictObject */.rej({
    room: schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP(), subpath: optionalString, read_only: schemas/* boolean */.zMY().default(false) })).nullish(),
    volumes: schemas/* array */.YOg(schemas/* strictObject */.rej({ name: schemas/* string */.YjP(), path: schemas/* string */.YjP(), subpath: optionalString, read_only: schemas/* boolean */.zMY().default(false) })).nullish(),
    images: schemas/* array */.YOg(schemas/* strictObject */.rej({ image: schemas/* string */.YjP(), path: schemas/* string */.YjP(), subpath: optionalString, read_only: schemas/* boolean */.zMY().default(true) })).nullish(),
    files: schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP(), text: schemas/* string */.YjP(), read_only: schemas/* boolean */.zMY().default(true) })).nullish(),
    empty_dirs: schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP(), read_only: schemas/* boolean */.zMY().default(false) })).nullish(),
    configs: schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP().default('/var/run/meshagent') })).nullish(),
});
const ContainerSpec = schemas/* strictObject */.rej({
    image: schemas/* string */.YjP(),
    run_as: ServiceRunAs.nullish(),
    // `Optional[ContainerTemplate] = "agent"`: left out it is `agent`; null stays null.
    template: schemas/* enum */.k5n(['agent', 'none']).nullable().default('agent'),
    command: optionalString,
    working_dir: optionalString,
    pull_secret: SecretValue.nullish(),
    environment: schemas/* array */.YOg(EnvironmentVariable).nullish(),
    storage: ContainerMountSpec.nullish(),
    on_demand: schemas/* boolean */.zMY().nullish(),
    writable_root_fs: schemas/* boolean */.zMY().nullish(),
    private: schemas/* boolean */.zMY().default(true),
})
    .superRefine((container, ctx) => {
    // The model's own validator and text (service.py:436-444).
    if (!container.run_as && container.environment?.some((entry) => entry.secret)) {
        ctx.addIssue({ code: 'custom', message: 'container.run_as is required when using SecretValue', path: ['run_as'] });
    }
});

;// CONCATENATED MODULE: ./sandbox/wire/service.ts
/**
 * The room service spec (`ServiceSpec`, meshagent-api specs/service.py:716-853; reference §4): metadata, agents,
 * ports with their endpoints, seed files, the container or an external URL. Every model forbids unknown fields.
 */





/** Ports the room's own infrastructure listens on (api room_ports.py:5-6). */
const RESERVED_PORTS = [8078];
const MeshagentEndpointSpec = schemas/* strictObject */.rej({ identity: schemas/* string */.YjP(), api: ApiScope.nullish() });
const OAuthClientConfig = schemas/* strictObject */.rej({
    client_id: optionalString,
    client_secret: optionalString,
    authorization_endpoint: optionalString,
    token_endpoint: optionalString,
    no_pkce: schemas/* boolean */.zMY().nullish(),
    scopes: schemas/* array */.YOg(schemas/* string */.YjP()).nullish(),
});
const McpEndpointSpec = schemas/* strictObject */.rej({
    label: schemas/* string */.YjP(),
    description: optionalString,
    // `tool_names: list[str] = None`: may be left out, but an explicit null is not a list.
    allowed_tools: schemas/* array */.YOg(schemas/* strictObject */.rej({ tool_names: schemas/* array */.YOg(schemas/* string */.YjP()).optional(), read_only: schemas/* boolean */.zMY().nullish() })).nullish(),
    headers: stringMap.nullish(),
    require_approval: schemas/* enum */.k5n(['always', 'never']).nullish(),
    oauth: OAuthClientConfig.nullish(),
    openai_connector_id: optionalString,
    use_proxy_secret: optionalString,
});
const EndpointSpec = schemas/* strictObject */.rej({
    path: schemas/* string */.YjP(),
    meshagent: MeshagentEndpointSpec.nullish(),
    mcp: McpEndpointSpec.nullish(),
    annotations: stringMap.nullish(),
});
const PortSpec = schemas/* strictObject */.rej({
    num: schemas/* union */.KCZ([schemas/* literal */.euz('*'), positiveInt])
        .default('*')
        .superRefine((num, ctx) => {
        // The model's own text (PortSpec._validate_reserved_service_port).
        if (num !== '*' && RESERVED_PORTS.includes(num)) {
            ctx.addIssue({
                code: 'custom',
                message: `service port ${num} is reserved for MeshAgent room infrastructure; reserved ports: ${[...RESERVED_PORTS].sort((a, b) => a - b).join(', ')}`,
            });
        }
    }),
    host_port: positiveInt.nullish(),
    // `Optional[Literal["http", "tcp"]] = "http"`: left out it is `http`; null stays null.
    type: schemas/* enum */.k5n(['http', 'tcp']).nullable().default('http'),
    // A list, not Optional: null is refused.
    endpoints: schemas/* array */.YOg(EndpointSpec).default([]),
    liveness: optionalString,
    published: schemas/* boolean */.zMY().nullish(),
    public: schemas/* boolean */.zMY().nullish(),
    annotations: stringMap.nullish(),
});
const ServiceSpec = schemas/* strictObject */.rej({
    version: schemas/* literal */.euz('v1'),
    kind: schemas/* literal */.euz('Service'),
    id: optionalString,
    enabled: schemas/* boolean */.zMY().default(true),
    metadata: schemas/* strictObject */.rej({
        name: schemas/* string */.YjP(),
        description: optionalString,
        repo: optionalString,
        icon: optionalString,
        annotations: stringMap.nullish(),
    }),
    agents: schemas/* array */.YOg(AgentSpec).nullish(),
    // `Optional[list[PortSpec]] = []`: left out it is empty; null stays null.
    ports: schemas/* array */.YOg(PortSpec).nullable().default([]),
    files: schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP(), text: schemas/* string */.YjP() })).nullish(),
    container: ContainerSpec.nullish(),
    external: schemas/* strictObject */.rej({ url: optionalString }).nullish(),
});

;// CONCATENATED MODULE: ./sandbox/wire/template.ts
/**
 * The service template (`ServiceTemplateSpec` and its parts, meshagent-api specs/service.py:856-1080): a service
 * spec with variables and an optional container image. Every model forbids
 * unknown fields.
 */





const ServiceTemplateVariable = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    title: optionalString,
    description: optionalString,
    obscure: schemas/* boolean */.zMY().default(false),
    enum: schemas/* array */.YOg(schemas/* string */.YjP()).nullish(),
    optional: schemas/* boolean */.zMY().default(false),
    type: schemas/* enum */.k5n(['email', 'route']).nullish(),
    annotations: stringMap.nullish(),
});
const ContainerTemplateSpec = schemas/* strictObject */.rej({
    environment: schemas/* array */.YOg(schemas/* strictObject */.rej({ name: schemas/* string */.YjP(), value: optionalString, token: TokenValue.nullish(), secret: SecretValue.nullish() })).nullish(),
    image: optionalString,
    run_as: ServiceRunAs.nullish(),
    template: schemas/* enum */.k5n(['agent', 'none']).nullable().default('agent'),
    command: optionalString,
    working_dir: optionalString,
    storage: ContainerMountSpec.nullish(),
    on_demand: schemas/* boolean */.zMY().nullish(),
    writable_root_fs: schemas/* boolean */.zMY().nullish(),
    private: schemas/* boolean */.zMY().default(true),
});
const ServiceTemplateSpec = schemas/* strictObject */.rej({
    version: schemas/* literal */.euz('v1'),
    kind: schemas/* literal */.euz('ServiceTemplate'),
    metadata: schemas/* strictObject */.rej({ name: schemas/* string */.YjP(), description: optionalString, repo: optionalString, icon: optionalString, annotations: stringMap.nullish() }),
    agents: schemas/* array */.YOg(schemas/* strictObject */.rej({
        name: schemas/* string */.YjP(),
        description: optionalString,
        annotations: stringMap.nullish(),
        channels: ChannelsSpec.nullish(),
        email: EmailSpec.nullish(),
        heartbeat: HeartbeatSpec.nullish(),
    }))
        .nullish(),
    variables: schemas/* array */.YOg(ServiceTemplateVariable).nullish(),
    ports: schemas/* array */.YOg(PortSpec).nullish(),
    files: schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP(), text: schemas/* string */.YjP() })).nullish(),
    container: ContainerTemplateSpec.nullish(),
    external: schemas/* strictObject */.rej({ url: schemas/* string */.YjP() }).nullish(),
});
/** `POST /templates/render` and the template form of a service write: the template's text and its values. */
const TemplateBody = schemas/* strictObject */.rej({ template: schemas/* string */.YjP(), values: stringMap.default({}) });

;// CONCATENATED MODULE: ./sandbox/template-render.ts
/**
 * Rendering a service template as upstream renders it (`ServiceTemplateSpec.from_yaml` and `to_service_spec`,
 * meshagent-api specs/service.py:967-1080): the whole text rendered as a Jinja template with the values, read as
 * YAML 1.1 (PyYAML's SafeLoader) where a `!template` scalar is rendered once more, checked with the model, and
 * annotated with the template's text and its values. Nunjucks stands in for Jinja: variables, filters, `if` and
 * `for` as Jinja has them; an unknown variable renders empty, as Jinja's default Undefined does.
 */




const jinja = new (nunjucks_default()).Environment(null, { autoescape: false });
// Nunjucks is not sandboxed: `range.constructor("...")()` reaches Function and runs code with the server's
// process (its files, its environment). Templates and their values come from the caller, so a lookup of a name
// that leads to constructors or prototypes finds nothing (the call of it is then an error). Nunjucks' compiled
// templates call this one function for every `a.b` and `a["b"]`.
const UNSAFE_MEMBERS = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
// The typings leave memberLookup out of `runtime`; it is there, and compiled templates call it.
const runtime = (nunjucks_default()).runtime;
const memberLookup = runtime.memberLookup;
runtime.memberLookup = (obj, name) => (UNSAFE_MEMBERS.has(String(name)) ? undefined : memberLookup(obj, name));
const TEMPLATE_YAML_ANNOTATION = 'meshagent.service.template.yaml';
const TEMPLATE_VALUES_ANNOTATION = 'meshagent.service.template.values';
function render(text, values) {
    try {
        return jinja.renderString(text, { ...values });
    }
    catch (error) {
        throw new ApiError(400, `invalid service template: ${error instanceof Error ? error.message : String(error)}`);
    }
}
/** The template rendered with its values and checked with the model, or a 400 naming what is wrong. */
function renderServiceTemplate(text, values) {
    // `add_multi_constructor("!template", ...)`: a scalar tagged !template (or !template:...) is rendered once more.
    const templateTag = { tag: '!template', resolve: (value) => render(value, values) };
    let loaded;
    try {
        loaded = (0,dist.parse)(render(text, values), { version: '1.1', customTags: [templateTag] });
    }
    catch (error) {
        if (error instanceof ApiError)
            throw error;
        throw new ApiError(400, `invalid service template: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = ServiceTemplateSpec.safeParse(loaded);
    if (!parsed.success) {
        const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'template'}: ${issue.message}`).join('; ');
        throw new ApiError(400, `invalid service template: ${details}`);
    }
    const spec = parsed.data;
    spec.metadata.annotations = {
        ...(spec.metadata.annotations ?? {}),
        [TEMPLATE_YAML_ANNOTATION]: text,
        [TEMPLATE_VALUES_ANNOTATION]: pythonJsonDumps(values),
    };
    return spec;
}
/**
 * `json.dumps` of a string map as Python writes it: `", "` and `": "` between items, every character past ASCII
 * escaped as `\uXXXX` (surrogate pairs for the astral planes).
 */
function pythonJsonDumps(values) {
    const text = (s) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return `{${Object.entries(values)
        .map(([key, value]) => `${text(key)}: ${text(value)}`)
        .join(', ')}}`;
}
/**
 * `ServiceTemplateSpec.to_service_spec`, field for field: the environment always a list when there is a container,
 * annotations always a map, the storage without its volumes (upstream leaves them out).
 */
function templateToServiceSpec(template) {
    const container = template.container;
    return {
        version: template.version,
        kind: 'Service',
        agents: template.agents ?? null,
        metadata: { ...template.metadata, annotations: { ...(template.metadata.annotations ?? {}) } },
        files: template.files ?? null,
        container: container
            ? {
                command: container.command ?? null,
                working_dir: container.working_dir ?? null,
                image: container.image,
                run_as: container.run_as ?? null,
                template: container.template,
                environment: container.environment ?? [],
                storage: container.storage
                    ? {
                        room: container.storage.room ?? null,
                        images: container.storage.images ?? null,
                        files: container.storage.files ?? null,
                        empty_dirs: container.storage.empty_dirs ?? null,
                        configs: container.storage.configs ?? null,
                    }
                    : null,
                writable_root_fs: container.writable_root_fs ?? null,
                on_demand: container.on_demand ?? null,
                private: container.private,
            }
            : null,
        external: template.external ? { url: template.external.url } : null,
        ports: template.ports ?? null,
    };
}

;// CONCATENATED MODULE: ./sandbox/api-services.ts
/**
 * Services of a room or of the project (reference §2.6 and §2.7): listed, read by id or by name, created, updated
 * with the whole spec (its id in the body or not: the path names it) and deleted, each name once in its list.
 * Project services reach the rooms of the project at their next session upstream; the sandbox records them only.
 * A write may send a service template and its values instead of a spec, rendered as upstream renders it.
 */





/**
 * A service write's body as a spec: a ServiceSpec, or the template form (`{template, values}`, client.py
 * create_room_service_from_template), rendered as `/templates/render` renders it and turned into a spec.
 */
function specOf(body) {
    if (body !== null && typeof body === 'object' && 'template' in body && !('version' in body)) {
        const { template, values } = parse(TemplateBody, body);
        return { spec: parse(ServiceSpec, templateToServiceSpec(renderServiceTemplate(template, values))), fromTemplate: true };
    }
    return { spec: parse(ServiceSpec, body), fromTemplate: false };
}
class ServiceStore {
    list;
    changed;
    createdAnswer;
    constructor(
    /** The list written to (created when missing); throws the 404 of a missing room. */
    list, 
    /** Saves the state after a write and answers `json`. */
    changed, 
    /**
     * What a create answers: `{id}` for a room service (client.py create_room_service); the created spec for a
     * project service, which the Python SDK reads as a ServiceSpec and the TypeScript one reads `id` of.
     */
    createdAnswer) {
        this.list = list;
        this.changed = changed;
        this.createdAnswer = createdAnswer;
    }
    all() {
        return this.list();
    }
    find(test) {
        const found = this.list().find(test);
        if (!found)
            throw new ApiError(404, 'service not found');
        return found;
    }
    create(body, key) {
        const services = this.list();
        const { spec, fromTemplate } = specOf(body);
        requirePermission(key, 'services:write');
        if (spec.id)
            throw new ApiError(400, 'invalid request: id: a new service has no id');
        if (services.some((s) => s.metadata.name === spec.metadata.name))
            throw new ApiError(409, `service name already in use: ${spec.metadata.name}`);
        const created = { ...spec, id: (0,external_node_crypto_.randomUUID)() };
        services.push(created);
        // The template form answers the created spec (both SDKs read it as a ServiceSpec).
        return this.changed(this.createdAnswer === 'id' && !fromTemplate ? { id: created.id } : created);
    }
    update(id, body, key) {
        const services = this.list();
        const index = services.findIndex((s) => s.id === id);
        if (index === -1)
            throw new ApiError(404, 'service not found');
        const { spec, fromTemplate } = specOf(body);
        requirePermission(key, 'services:write');
        // The Python SDK sends the id in the body, the TypeScript SDK's updateRoomService may leave it out.
        if (spec.id != null && spec.id !== id)
            throw new ApiError(400, 'invalid request: id: must equal the service id in the path');
        if (services.some((s) => s.id !== id && s.metadata.name === spec.metadata.name))
            throw new ApiError(409, `service name already in use: ${spec.metadata.name}`);
        services[index] = { ...spec, id };
        return this.changed(this.createdAnswer === 'id' && !fromTemplate ? {} : services[index]);
    }
    delete(id, key) {
        const services = this.list();
        const index = services.findIndex((s) => s.id === id);
        if (index === -1)
            throw new ApiError(404, 'service not found');
        requirePermission(key, 'services:write');
        services.splice(index, 1);
        return this.changed({});
    }
}

;// CONCATENATED MODULE: ./sandbox/participant-token.ts
/**
 * Participant tokens, as MeshAgent makes them (meshagent-api participant_token.py `ParticipantToken.to_jwt`): an
 * HS256 JWT signed with the secret of a project API key, whose claims are the participant `name`, its `grants`
 * (`room`, `role`, `api` with an ApiScope), `sub` the project id, `kid` the API key's id, the SDK `version` and
 * `exp`. Signing with the API key's secret, as the platform does, means a token an SDK mints from the sandbox's API
 * key is accepted here too, and a token the sandbox issues passes the SDKs' own verification.
 */



/** The upstream API version whose token shape the sandbox follows (reference §0). */
const TOKEN_VERSION = '0.50.1';
/** A UUID from its API-key form: URL-safe base64 of its 16 bytes, unpadded, `-` written as `.`. */
function decodeKeyUuid(part) {
    const bytes = Buffer.from(part.replaceAll('.', '-'), 'base64url');
    if (bytes.length !== 16)
        return undefined;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
/** `ma-<key id>-<project id>-<secret>` (meshagent-api keys.py); the secret may itself hold `-`. */
function parseApiKey(key) {
    if (!key.startsWith('ma-'))
        return undefined;
    const [idPart, projectPart, ...secretParts] = key.slice(3).split('-');
    const id = decodeKeyUuid(idPart ?? '');
    const projectId = decodeKeyUuid(projectPart ?? '');
    const secret = secretParts.join('-');
    if (!id || !projectId || secret === '')
        return undefined;
    return { id, projectId, secret };
}
const Grant = schemas/* object */.Ikc({ name: schemas/* string */.YjP(), scope: schemas/* unknown */.L5J() });
/** The claims the room reads; others (an SDK's extra payload) are kept but not used. */
const Claims = schemas/* looseObject */._H3({
    name: schemas/* string */.YjP().trim().min(1),
    grants: schemas/* array */.YOg(Grant),
    sub: schemas/* string */.YjP(),
    kid: schemas/* string */.YjP(),
    version: schemas/* string */.YjP().optional(),
    exp: schemas/* number */.aig().optional(),
});
/** A token that does not admit: why, in words that quote nothing from the token. */
class TokenError extends Error {
}
const b64url = (data) => Buffer.from(data).toString('base64url');
function hmac(input, secret) {
    return (0,external_node_crypto_.createHmac)('sha256', Buffer.from(secret, 'utf8')).update(input).digest();
}
/** A participant token signed with `apiKey`'s secret. */
function issueParticipantToken(apiKey, options) {
    const key = parseApiKey(apiKey);
    if (!key)
        throw new Error('the sandbox API key is not in the ma-<id>-<project>-<secret> form');
    const claims = {
        name: options.name,
        grants: [
            { name: 'room', scope: options.room },
            { name: 'role', scope: options.role },
            { name: 'api', scope: options.api },
        ],
        sub: key.projectId,
        kid: key.id,
        version: TOKEN_VERSION,
        exp: Math.floor(Date.now() / 1000) + options.seconds,
    };
    const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(hmac(input, key.secret))}`;
}
function decodePart(part, what) {
    try {
        const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
        if (value !== null && typeof value === 'object' && !Array.isArray(value))
            return value;
    }
    catch {
        // reported below
    }
    throw new TokenError(`the token's ${what} is not a JSON object`);
}
/**
 * Checks a token against the project's API keys: an HS256 signature by the key its `kid` names, that key's
 * project as `sub`, and an `exp` still ahead (no leeway, as PyJWT decodes by default).
 */
function verifyParticipantToken(token, apiKeys, projectId, nowSeconds = Date.now() / 1000) {
    const parts = token.split('.');
    if (parts.length !== 3)
        throw new TokenError('the token is not a JWT');
    const [headerPart = '', claimsPart = '', signature = ''] = parts;
    const header = decodePart(headerPart, 'header');
    // Only HS256, as the platform signs: "none" or a public-key algorithm would let anyone pick the check.
    if (header.alg !== 'HS256')
        throw new TokenError('the token is not signed with HS256');
    const parsed = Claims.safeParse(decodePart(claimsPart, 'claims'));
    if (!parsed.success)
        throw new TokenError('the token is not a participant token (name, grants, sub and kid are required)');
    const claims = parsed.data;
    const key = apiKeys.map(parseApiKey).find((k) => k?.id === claims.kid);
    if (!key)
        throw new TokenError("the token's kid names no API key of this project");
    const expected = hmac(`${headerPart}.${claimsPart}`, key.secret);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !(0,external_node_crypto_.timingSafeEqual)(given, expected))
        throw new TokenError('the token signature does not match its API key');
    if (claims.sub !== projectId || key.projectId !== projectId)
        throw new TokenError('the token is for another project');
    if (claims.exp !== undefined && claims.exp <= nowSeconds)
        throw new TokenError('the token has expired');
    const scope = (name) => claims.grants.find((g) => g.name === name)?.scope;
    const room = scope('room');
    const role = scope('role');
    const api = scope('api');
    const apiScope = api === undefined ? undefined : ApiScope.safeParse(api);
    if (apiScope && !apiScope.success)
        throw new TokenError("the token's api grant is not an ApiScope");
    return {
        name: claims.name,
        projectId,
        room: typeof room === 'string' ? room : undefined,
        role: typeof role === 'string' ? role : 'user',
        api: apiScope?.data,
    };
}

// EXTERNAL MODULE: ./node_modules/ws/wrapper.mjs
var wrapper = __webpack_require__(52977);
;// CONCATENATED MODULE: ./sandbox/room/content.ts
/**
 * What a room protocol message carries: an 8-byte big-endian length, that many bytes of a JSON header, then binary
 * payload (meshagent-api/meshagent-ts `pack_message`). Tool arguments, answers and stream chunks are "content": a
 * header with a `type` (json, empty, error, control, binary, ...) and, for binary, the payload.
 */
/** A message body that cannot be read: answered as an invalid request. */
class ContentError extends Error {
}
function packMessage(header, payload) {
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(8);
    length.writeUInt32BE(Math.floor(json.length / 2 ** 32), 0);
    length.writeUInt32BE(json.length % 2 ** 32, 4);
    return Buffer.concat([length, json, payload ?? Buffer.alloc(0)]);
}
function unpackMessage(data) {
    if (data.length < 8)
        throw new ContentError('the message is shorter than its header length');
    const length = data.readUInt32BE(0) * 2 ** 32 + data.readUInt32BE(4);
    if (length > data.length - 8)
        throw new ContentError('the message header runs past the end of the message');
    let header;
    try {
        header = JSON.parse(data.subarray(8, 8 + length).toString('utf8'));
    }
    catch {
        throw new ContentError('the message header is not JSON');
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header))
        throw new ContentError('the message header is not a JSON object');
    return { header: header, payload: data.subarray(8 + length) };
}
/** The error codes the room answers with (meshagent-api error_codes.py). */
const ErrorCode = {
    PERMISSION_DENIED: 1001,
    INVALID_REQUEST: 1002,
    NOT_FOUND: 1003,
    OPERATION_FAILED: 1008,
    CONTAINER_NOT_FOUND: 6001,
    SERVICE_NOT_FOUND: 7001,
};
const none = Buffer.alloc(0);
const content = {
    json: (json) => ({ header: { type: 'json', json }, payload: none }),
    empty: () => ({ header: { type: 'empty' }, payload: none }),
    error: (text, code) => ({ header: { type: 'error', text, code }, payload: none }),
    /** A stream's open, or its close with a websocket-style status (1000 normal). */
    open: () => ({ header: { type: 'control', method: 'open' }, payload: none }),
    close: () => ({ header: { type: 'control', method: 'close', status_code: 1000 }, payload: none }),
    binary: (headers, data) => ({ header: { type: 'binary', headers }, payload: Buffer.from(data) }),
};
function packContent(value) {
    return packMessage(value.header, value.payload);
}
/** Whether a content header is a control `close`. */
function isClose(header) {
    return header.type === 'control' && header.method === 'close';
}

;// CONCATENATED MODULE: ./sandbox/runtime/types.ts
/**
 * What the sandbox's room runtime tells the rest of the sandbox (the room protocol, the router, the runtime report)
 * about the services it runs. Field names and values are those of the room protocol's `services.list`
 * `service_states` entries (meshagent-api room_server_client.py:3240-3331; reference §7), so a state can be sent
 * as it is.
 */
/** A room or service the runtime does not know; the room protocol answers it as an error. */
class RoomRuntimeError extends Error {
}

;// CONCATENATED MODULE: ./sandbox/room/toolkit.ts

/** A refusal a tool answers with: an error content with this code and message. */
class ToolError extends Error {
    code;
    constructor(code, message) {
        super(message);
        this.code = code;
    }
}
/** Tool arguments checked against the tool's schema: unknown fields are refused, as a strict tool schema does. */
function parseArguments(schema, args, tool) {
    const parsed = schema.safeParse(args);
    if (parsed.success)
        return parsed.data;
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; ');
    throw new ToolError(ErrorCode.INVALID_REQUEST, `invalid arguments for ${tool}: ${details}`);
}
/** A grant of the caller's ApiScope, or a refusal when the token lacks it. */
function requireGrant(context, grant, tool) {
    const value = context.participant.api?.[grant];
    if (value === undefined || value === null)
        throw new ToolError(ErrorCode.PERMISSION_DENIED, `permission denied: ${tool} needs the ${String(grant)} grant in the token's api scope`);
    return value;
}
/** The request chunks of one streamed tool call, in order, ending when the caller sends its `close`. */
class ChunkQueue {
    items = [];
    waiting;
    done = false;
    resolveEnded;
    /** Resolves once the caller's input is closed (or the connection went). */
    ended = new Promise((resolve) => (this.resolveEnded = resolve));
    push(chunk) {
        if (this.done)
            return;
        this.items.push(chunk);
        this.wake();
    }
    end() {
        this.done = true;
        this.resolveEnded();
        this.wake();
    }
    /** The next chunk, or undefined once the input is closed. */
    async next() {
        for (;;) {
            const item = this.items.shift();
            if (item)
                return item;
            if (this.done)
                return undefined;
            await new Promise((resolve) => (this.waiting = resolve));
        }
    }
    async *[Symbol.asyncIterator]() {
        for (let item = await this.next(); item; item = await this.next())
            yield item;
    }
    wake() {
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting?.();
    }
}

;// CONCATENATED MODULE: ./sandbox/room/container-tools.ts
/**
 * The room's `containers.logs` tool (meshagent-api room_server_client.py:11071-11135, meshagent-ts
 * containers-client.ts `logs`): the caller opens a stream and sends one binary chunk with the headers
 * `{kind: "start", request_id, container_id, follow}`; the room answers each log line as a binary chunk on channel
 * 1 (stdout; clients skip other channels) and closes the stream when the logs end. With `follow` they end when the
 * container exits; the caller ends them earlier by closing its input.
 */




const STDOUT = 1;
const StartHeaders = schemas/* strictObject */.rej({
    kind: schemas/* literal */.euz('start'),
    request_id: schemas/* string */.YjP(),
    container_id: schemas/* string */.YjP().min(1),
    follow: schemas/* boolean */.zMY(),
});
const logs = {
    kind: 'stream',
    run: async (context, input, send, signal) => {
        // ContainersGrant.logs (default true) is the switch for reading logs.
        if (requireGrant(context, 'containers', 'containers.logs').logs === false) {
            throw new ToolError(ErrorCode.PERMISSION_DENIED, 'permission denied: the containers grant does not allow logs');
        }
        const first = await input.next();
        if (!first)
            return;
        if (first.header.type !== 'binary')
            throw new ToolError(ErrorCode.INVALID_REQUEST, 'containers.logs: the first chunk must be binary with start headers');
        const start = parseArguments(StartHeaders, first.header.headers, 'containers.logs');
        // The caller closing its input ends a followed stream; so does the connection going.
        const stop = new AbortController();
        const abort = () => stop.abort();
        signal.addEventListener('abort', abort, { once: true });
        void input.ended.then(abort);
        try {
            for await (const line of context.runtime.logs(context.room, { containerId: start.container_id }, { follow: start.follow, signal: stop.signal })) {
                if (stop.signal.aborted)
                    break;
                await send(content.binary({ channel: STDOUT }, typeof line === 'string' ? Buffer.from(line, 'utf8') : Buffer.from(line)));
            }
        }
        catch (error) {
            if (stop.signal.aborted)
                return;
            if (error instanceof RoomRuntimeError)
                throw new ToolError(ErrorCode.CONTAINER_NOT_FOUND, error.message);
            throw new ToolError(ErrorCode.OPERATION_FAILED, `logs failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        finally {
            signal.removeEventListener('abort', abort);
        }
    },
};
const containersToolkit = { logs };

;// CONCATENATED MODULE: ./sandbox/room/services-tools.ts
/**
 * The room's `services` toolkit (meshagent-api room_server_client.py:3240-3341): `list` answers the room's service
 * specs (each as a JSON string) with the runtime's states, `restart` replaces a service's container.
 */




/** A state with only the fields of the upstream model, so nothing the runtime keeps for itself goes out. */
function wireState(state) {
    return {
        service_id: state.service_id,
        state: state.state,
        container_id: state.container_id ?? null,
        restart_scheduled_at: state.restart_scheduled_at ?? null,
        started_at: state.started_at ?? null,
        restart_count: state.restart_count,
        last_exit_code: state.last_exit_code ?? null,
        last_exit_at: state.last_exit_at ?? null,
        status: {
            ports: state.status.ports.map((port) => ({
                num: port.num,
                liveness: port.liveness ?? null,
                liveness_status: port.liveness_status,
                last_error: port.last_error ?? null,
            })),
        },
        events: [],
    };
}
function roomServices(context) {
    return context.state.data.services[context.room] ?? [];
}
const list = {
    kind: 'call',
    run: async (context, args) => {
        parseArguments(schemas/* strictObject */.rej({}), args, 'services.list');
        // ServicesGrant has one switch, `list` (default true).
        if (requireGrant(context, 'services', 'services.list').list === false) {
            throw new ToolError(ErrorCode.PERMISSION_DENIED, 'permission denied: the services grant does not allow list');
        }
        return content.json({
            services_json: roomServices(context).map((spec) => JSON.stringify(spec)),
            service_states: context.runtime.list(context.room).map(wireState),
        });
    },
};
const restart = {
    kind: 'call',
    run: async (context, args) => {
        const { service_id } = parseArguments(schemas/* strictObject */.rej({ service_id: schemas/* string */.YjP() }), args, 'services.restart');
        // The grant that names services is the one asked for; upstream's check is not public (inference).
        requireGrant(context, 'services', 'services.restart');
        if (!roomServices(context).some((spec) => spec.id === service_id)) {
            throw new ToolError(ErrorCode.SERVICE_NOT_FOUND, `service not found in room ${context.room}: ${service_id}`);
        }
        try {
            await context.runtime.restart(context.room, service_id);
        }
        catch (error) {
            if (error instanceof RoomRuntimeError)
                throw new ToolError(ErrorCode.SERVICE_NOT_FOUND, error.message);
            throw new ToolError(ErrorCode.OPERATION_FAILED, `restart failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        return content.empty();
    },
};
const servicesToolkit = { list, restart };

;// CONCATENATED MODULE: ./sandbox/room/framing.ts
/**
 * The room protocol's framing over a websocket, as MeshAgent's clients speak it (meshagent-api protocol.py,
 * meshagent-ts protocol.ts). Each websocket message is one binary packet. A protocol message is a header packet
 * (8-byte message id, 4-byte packet number 0, 4-byte packet count, then the message type in UTF-8) followed by that
 * many data packets (8-byte message id, 4-byte packet number counting from 1, then at most 1024 bytes of data).
 * All numbers are big-endian. A message's packets are never interleaved with another message's.
 */
/** Data bytes per packet: what both upstream clients send; a receiver joins whatever sizes arrive. */
const PACKET_DATA_SIZE = 1024;
const ID_BYTES = 8;
const DATA_PACKET_HEADER = ID_BYTES + 4;
const HEADER_PACKET_HEADER = ID_BYTES + 8;
/** Packets that break the framing: the connection cannot go on. */
class FramingError extends Error {
}
function writeId(packet, id) {
    packet.writeUInt32BE(Math.floor(id / 2 ** 32), 0);
    packet.writeUInt32BE(id % 2 ** 32, 4);
}
function readId(packet) {
    return packet.readUInt32BE(0) * 2 ** 32 + packet.readUInt32BE(4);
}
/** The packets of one message, in the order they must be sent. */
function encodeMessage(message) {
    const count = Math.ceil(message.data.length / PACKET_DATA_SIZE);
    const type = Buffer.from(message.type, 'utf8');
    const header = Buffer.alloc(HEADER_PACKET_HEADER + type.length);
    writeId(header, message.id);
    header.writeUInt32BE(0, 8);
    header.writeUInt32BE(count, 12);
    type.copy(header, HEADER_PACKET_HEADER);
    const packets = [header];
    for (let index = 0; index < count; index++) {
        const part = message.data.subarray(index * PACKET_DATA_SIZE, (index + 1) * PACKET_DATA_SIZE);
        const packet = Buffer.alloc(DATA_PACKET_HEADER + part.length);
        writeId(packet, message.id);
        packet.writeUInt32BE(index + 1, 8);
        part.copy(packet, DATA_PACKET_HEADER);
        packets.push(packet);
    }
    return packets;
}
/**
 * Joins incoming packets into messages. Stricter than the clients, which log a broken sequence and wait for the
 * next header packet: the sandbox refuses it, so a client that frames wrongly is caught rather than half-served.
 */
class MessageAssembler {
    maxMessageBytes;
    current;
    size = 0;
    /** @param maxMessageBytes the largest message accepted; beyond it the connection is refused. */
    constructor(maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }
    /** Takes one packet; returns the message it completes, if any. */
    push(packet) {
        if (packet.length < DATA_PACKET_HEADER)
            throw new FramingError(`a packet of ${packet.length} bytes is shorter than its header`);
        const id = readId(packet);
        const number = packet.readUInt32BE(8);
        if (number === 0)
            return this.start(id, packet);
        const current = this.current;
        if (!current)
            throw new FramingError(`data packet ${number} of message ${id} came without its header packet`);
        if (id !== current.id)
            throw new FramingError(`data packet of message ${id} came inside message ${current.id}`);
        if (number !== current.parts.length + 1)
            throw new FramingError(`packet ${number} of message ${id} came out of order`);
        this.size += packet.length - DATA_PACKET_HEADER;
        if (this.size > this.maxMessageBytes)
            throw new FramingError(`message ${id} is larger than ${this.maxMessageBytes} bytes`);
        current.parts.push(packet.subarray(DATA_PACKET_HEADER));
        if (current.parts.length < current.total)
            return undefined;
        this.current = undefined;
        return { id, type: current.type, data: Buffer.concat(current.parts) };
    }
    start(id, packet) {
        if (this.current)
            throw new FramingError(`message ${id} began before message ${this.current.id} was complete`);
        if (packet.length < HEADER_PACKET_HEADER)
            throw new FramingError(`the header packet of message ${id} is too short`);
        const total = packet.readUInt32BE(12);
        const type = packet.subarray(HEADER_PACKET_HEADER).toString('utf8');
        if (total === 0)
            return { id, type, data: Buffer.alloc(0) };
        this.current = { id, type, total, parts: [] };
        this.size = 0;
        return undefined;
    }
}

;// CONCATENATED MODULE: ./sandbox/room/session.ts
/**
 * One participant's connection to a room. On open the room sends `room_ready` ({room_name, room_url, session_id})
 * and `connected` ({type: "init", participantId, attributes}), which the clients wait for. Then each request
 * message is answered by a `__response__` message with the request's id: `room.invoke_tool` with the tool's answer
 * (or an error), and `room.tool_call_request_chunk` with empty content. A streamed call's answer is a control
 * `open`; its output goes out as `room.tool_call_response_chunk` messages ({tool_call_id, toolkit, tool, chunk})
 * ending with a control `close`.
 */




/** The largest request the room takes: far above any tool argument it serves. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Websocket close codes: normal, and a protocol error (RFC 6455). */
const CLOSE_PROTOCOL_ERROR = 1002;
function asRecord(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
class RoomSession {
    options;
    nextId = 0;
    assembler = new MessageAssembler(MAX_MESSAGE_BYTES);
    calls = new Map();
    gone = new AbortController();
    constructor(options) {
        this.options = options;
        const { socket } = options;
        socket.on('message', (data, isBinary) => this.receive(data, isBinary));
        socket.on('close', () => this.end());
        socket.on('error', () => this.end());
    }
    /** Tells the client the room is ready and who it is in it. */
    async start() {
        const { context, roomUrl } = this.options;
        await this.send('room_ready', packMessage({ room_name: context.room, room_url: roomUrl, session_id: (0,external_node_crypto_.randomUUID)() }));
        await this.send('connected', packMessage({ type: 'init', participantId: (0,external_node_crypto_.randomUUID)(), attributes: { name: context.participant.name } }));
    }
    end() {
        if (this.gone.signal.aborted)
            return;
        this.gone.abort();
        for (const call of this.calls.values())
            call.input.end();
        this.calls.clear();
    }
    receive(data, isBinary) {
        let message;
        try {
            if (!isBinary)
                throw new FramingError('the room protocol sends binary packets, not text');
            message = this.assembler.push(data);
        }
        catch (error) {
            const reason = error instanceof FramingError ? error.message : 'unreadable packet';
            this.options.socket.close(CLOSE_PROTOCOL_ERROR, reason.slice(0, 120));
            this.end();
            return;
        }
        if (message)
            void this.dispatch(message);
    }
    /** Sends one message, its packets back to back; resolves once the socket has taken the last one. */
    send(type, data, id = this.nextId++) {
        const { socket } = this.options;
        if (this.gone.signal.aborted || socket.readyState !== socket.OPEN)
            return Promise.resolve();
        const packets = encodeMessage({ id, type, data });
        return new Promise((resolve) => {
            // A socket that goes mid-send may never call back: its end settles the wait too.
            const done = () => {
                this.gone.signal.removeEventListener('abort', done);
                resolve();
            };
            this.gone.signal.addEventListener('abort', done, { once: true });
            packets.forEach((packet, index) => socket.send(packet, { binary: true }, index === packets.length - 1 ? done : undefined));
        });
    }
    respond(requestId, answer) {
        return this.send('__response__', packContent(answer), requestId);
    }
    async dispatch(message) {
        try {
            switch (message.type) {
                case 'room.invoke_tool':
                    return await this.invokeTool(message);
                case 'room.tool_call_request_chunk':
                    return await this.requestChunk(message);
                case '__response__':
                    return; // the room sends no requests, so there is nothing to match
                default:
                    throw new ToolError(ErrorCode.INVALID_REQUEST, `the sandbox room does not serve ${message.type.slice(0, 80)} messages`);
            }
        }
        catch (error) {
            const answer = error instanceof ToolError
                ? content.error(error.message, error.code)
                : error instanceof ContentError
                    ? content.error(`invalid request: ${error.message}`, ErrorCode.INVALID_REQUEST)
                    : content.error(`the sandbox room failed: ${error instanceof Error ? error.message : String(error)}`, ErrorCode.OPERATION_FAILED);
            await this.respond(message.id, answer);
        }
    }
    async invokeTool(message) {
        const { header, payload } = unpackMessage(message.data);
        const toolkit = typeof header.toolkit === 'string' ? header.toolkit : '';
        const toolName = typeof header.tool === 'string' ? header.tool : '';
        const name = `${toolkit}.${toolName}`.slice(0, 120);
        const tool = Object.hasOwn(this.options.toolkits, toolkit) && Object.hasOwn(this.options.toolkits[toolkit] ?? {}, toolName)
            ? this.options.toolkits[toolkit]?.[toolName]
            : undefined;
        if (!tool)
            throw new ToolError(ErrorCode.NOT_FOUND, `the room has no tool ${name}`);
        const args = asRecord(header.arguments);
        if (!args)
            throw new ToolError(ErrorCode.INVALID_REQUEST, `invalid request: ${name} was called without arguments content`);
        const streamed = args.type === 'control' && args.method === 'open';
        if (tool.kind === 'stream') {
            if (!streamed)
                throw new ToolError(ErrorCode.INVALID_REQUEST, `${name} requires streamed input`);
            return this.openStream(message.id, header, toolkit, toolName, tool);
        }
        if (streamed)
            throw new ToolError(ErrorCode.INVALID_REQUEST, `${name} does not take streamed input`);
        if (payload.length > 0)
            throw new ToolError(ErrorCode.INVALID_REQUEST, `${name} takes JSON arguments, not binary data`);
        // A call without input is sent as empty content: no arguments.
        const input = args.type === 'json' ? args.json : args.type === 'empty' ? {} : undefined;
        if (input === undefined)
            throw new ToolError(ErrorCode.INVALID_REQUEST, `${name} takes JSON arguments`);
        await this.respond(message.id, await tool.run(this.options.context, input));
    }
    async openStream(requestId, header, toolkit, toolName, tool) {
        const toolCallId = header.tool_call_id;
        if (typeof toolCallId !== 'string' || toolCallId === '')
            throw new ToolError(ErrorCode.INVALID_REQUEST, 'invalid request: a streamed call needs a tool_call_id');
        if (this.calls.has(toolCallId))
            throw new ToolError(ErrorCode.INVALID_REQUEST, 'invalid request: the tool_call_id is already in use');
        const call = { input: new ChunkQueue(), finished: false };
        this.calls.set(toolCallId, call);
        await this.respond(requestId, content.open());
        const sendChunk = (chunk) => this.send('room.tool_call_response_chunk', packMessage({ tool_call_id: toolCallId, toolkit, tool: toolName, chunk: chunk.header }, chunk.payload));
        try {
            await tool.run(this.options.context, call.input, sendChunk, this.gone.signal);
        }
        catch (error) {
            const failure = error instanceof ToolError ? error : new ToolError(ErrorCode.OPERATION_FAILED, `${toolkit}.${toolName} failed: ${String(error)}`);
            await sendChunk(content.error(failure.message, failure.code));
        }
        call.finished = true;
        await sendChunk(content.close());
    }
    async requestChunk(message) {
        const { header, payload } = unpackMessage(message.data);
        const chunk = asRecord(header.chunk);
        const toolCallId = header.tool_call_id;
        if (typeof toolCallId !== 'string' || !chunk || typeof chunk.type !== 'string') {
            throw new ToolError(ErrorCode.INVALID_REQUEST, 'invalid request: a request chunk needs a tool_call_id and a content chunk');
        }
        const call = this.calls.get(toolCallId);
        if (!call)
            throw new ToolError(ErrorCode.NOT_FOUND, 'no open tool call has this tool_call_id');
        if (isClose(chunk)) {
            call.input.end();
            this.calls.delete(toolCallId);
        }
        else if (!call.finished) {
            call.input.push({ header: chunk, payload });
        }
        await this.respond(message.id, content.empty());
    }
}

;// CONCATENATED MODULE: ./sandbox/room/room-server.ts





const TOOLKITS = { services: servicesToolkit, containers: containersToolkit };
const SUBPROTOCOL_PREFIX = 'meshagent-room.';
/** The largest websocket message taken: a packet is 1 KiB of data plus its header, so this is ample. */
const MAX_PACKET_BYTES = 1024 * 1024;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_GRACE_MS = 1000;
/** The room websocket URL for a room, on the API's host. */
function roomUrl(apiUrl, room) {
    const url = new URL(apiUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = `/rooms/${encodeURIComponent(room)}`;
    return url.toString();
}
/** The room a request path names, or undefined when it is not `/rooms/<room>`. */
function roomOfPath(path) {
    const segments = path.split('/').filter(Boolean);
    if (segments.length !== 2 || segments[0] !== 'rooms')
        return undefined;
    try {
        return decodeURIComponent(segments[1] ?? '');
    }
    catch {
        return undefined;
    }
}
function tokenOf(request, url) {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer '))
        return authorization.slice(7).trim();
    const query = url.searchParams.get('token');
    if (query)
        return query;
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    return offered.find((p) => p.startsWith(SUBPROTOCOL_PREFIX))?.slice(SUBPROTOCOL_PREFIX.length) || undefined;
}
const REASONS = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };
function refuse(socket, status, message) {
    const body = JSON.stringify({ error: { message } });
    socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
class RoomServer {
    options;
    sockets = new wrapper/* WebSocketServer */.zu({
        noServer: true,
        maxPayload: MAX_PACKET_BYTES,
        // Both SDKs offer permessage-deflate (aiohttp compress=15, ws perMessageDeflate).
        perMessageDeflate: true,
        // A browser offers its token as a subprotocol and fails the connection unless the server picks one.
        handleProtocols: (offered) => [...offered].find((p) => p.startsWith(SUBPROTOCOL_PREFIX)) ?? false,
    });
    constructor(options) {
        this.options = options;
    }
    /** Takes an HTTP upgrade for `/rooms/<room>`; returns false for any other path, which is not the room's. */
    handleUpgrade(request, socket, head) {
        const url = new URL(request.url ?? '/', this.options.apiUrl);
        const room = roomOfPath(url.pathname);
        if (room === undefined)
            return false;
        const participant = this.admit(request, url, room, socket);
        if (!participant)
            return true;
        this.sockets.handleUpgrade(request, socket, head, (ws) => {
            const session = new RoomSession({
                socket: ws,
                roomUrl: roomUrl(this.options.apiUrl, room),
                context: { room, participant, state: this.options.state, runtime: this.options.runtime },
                toolkits: TOOLKITS,
            });
            void session.start();
        });
        return true;
    }
    admit(request, url, room, socket) {
        const token = tokenOf(request, url);
        if (!token) {
            refuse(socket, 401, 'a participant token is required: Authorization: Bearer <jwt> (from POST .../rooms/<room>/connect)');
            return undefined;
        }
        const { state } = this.options;
        let participant;
        try {
            participant = verifyParticipantToken(token, state.data.apiKeys.map((k) => k.key), state.data.project.id);
        }
        catch (error) {
            refuse(socket, 403, error instanceof TokenError ? error.message : 'the participant token could not be read');
            return undefined;
        }
        if (!state.data.rooms.some((r) => r.name === room)) {
            refuse(socket, 404, 'room not found');
            return undefined;
        }
        if (participant.room !== room) {
            refuse(socket, 403, 'the participant token does not admit to this room');
            return undefined;
        }
        return participant;
    }
    /** Drops every room connection without a close handshake, as a network failure would (a test's fault). */
    drop() {
        const clients = [...this.sockets.clients];
        for (const client of clients)
            client.terminate();
        return clients.length;
    }
    /**
     * Ends every room connection (the sandbox is stopping): a close with 1001 "going away", as RFC 6455 names a server
     * that goes down, and the socket is dropped if the client does not answer within a second.
     */
    async close() {
        await Promise.all([...this.sockets.clients].map((client) => new Promise((resolve) => {
            if (client.readyState === client.CLOSED)
                return resolve();
            const drop = setTimeout(() => client.terminate(), CLOSE_GRACE_MS);
            client.once('close', () => {
                clearTimeout(drop);
                resolve();
            });
            client.close(CLOSE_GOING_AWAY, 'the sandbox is stopping');
        })));
        await new Promise((resolve) => this.sockets.close(() => resolve()));
    }
}

;// CONCATENATED MODULE: ./sandbox/room/connect.ts
/**
 * `POST /accounts/projects/{project_id}/rooms/{room}/connect` (meshagent-api client.py:4588-4598): a participant
 * token for the room and the room's websocket URL, `{jwt, room_name, project_id, room_url}`.
 */



/** The SDKs send `{}`. */
const ConnectBody = schemas/* strictObject */.rej({});
/** How long a connect token lives; upstream's is not documented (inference): long enough for a deploy's wait. */
const CONNECT_TOKEN_SECONDS = 3600;
/** `ApiScope.full()` as the SDK serialises it: every grant present, each with its defaults (so `{}`). */
const FULL_API_SCOPE = Object.fromEntries([
    'livekit',
    'queues',
    'messaging',
    'dataset',
    'sqlite',
    'memory',
    'sync',
    'storage',
    'containers',
    'developer',
    'agents',
    'llm',
    'admin',
    'tunnels',
    'services',
].map((grant) => [grant, {}]));
/** The connection for the holder of `apiKey`: a user participant named after the key, with every grant. */
function connectRoom(apiKey, projectId, apiUrl, room) {
    const name = `api-key:${parseApiKey(apiKey)?.id ?? 'unknown'}`;
    const jwt = issueParticipantToken(apiKey, { name, room, role: 'user', api: FULL_API_SCOPE, seconds: CONNECT_TOKEN_SECONDS });
    return { jwt, room_name: room, project_id: projectId, room_url: roomUrl(apiUrl, room) };
}

;// CONCATENATED MODULE: ./sandbox/wire/accounts.ts
/**
 * Request bodies of the project-level calls (registry repositories, repository tokens, rooms) and the records the
 * sandbox keeps and answers, from meshagent-api client.py (reference §2.3 to §2.5).
 */



/**
 * POST …/repositories (`CreateProjectRepositoryRequest`, client.py:931-945): unknown fields forbidden. The name
 * rule (names.ts) is applied by the handler, so its message is the API's own.
 */
const CreateRepositoryBody = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    description: schemas/* string */.YjP().default(''),
    annotations: stringMap.default({}),
});
/** PUT …/repositories/{id} (`UpdateProjectRepositoryRequest`, client.py:947-948): the create request's fields. */
const UpdateRepositoryBody = CreateRepositoryBody.extend({});
/**
 * POST …/repositories/{id}/token (`CreateRepositoryTokenRequest`, client.py:1004-1031): `actions` defaults to
 * `["pull"]`, each `pull` or `push`, each once, never none; `expires_in_seconds` may be left out (the server's
 * default applies) and is otherwise above zero.
 */
const RepositoryTokenBody = schemas/* strictObject */.rej({
    actions: schemas/* array */.YOg(schemas/* enum */.k5n(['pull', 'push']))
        .default(['pull'])
        .transform((actions) => [...new Set(actions)])
        .refine((actions) => actions.length > 0, { message: 'repository token actions must not be empty' }),
    expires_in_seconds: schemas/* number */.aig().int().positive({ message: 'expires_in_seconds must be greater than zero' }).nullish(),
});
/**
 * POST …/rooms: the five fields the SDK sends (client.py:4143-4181, reference §2.5). The SDK builds this body as a
 * plain dict, so upstream shows no model of it; the sandbox refuses other fields, as every model here does.
 */
const CreateRoomBody = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    if_not_exists: schemas/* boolean */.zMY().default(false),
    metadata: jsonObject.nullish(),
    annotations: stringMap.nullish(),
    permissions: schemas/* record */.g1P(schemas/* string */.YjP(), ApiScope).nullish(),
});
/**
 * PUT …/rooms/{id}: `{name}`, plus `metadata`, `annotations` and `enabled` when the caller sets them (client.py
 * update_room builds this body as a dict; the sandbox refuses other fields, as for the create).
 */
const UpdateRoomBody = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    metadata: jsonObject.optional(),
    annotations: stringMap.optional(),
    enabled: schemas/* boolean */.zMY().optional(),
});

;// CONCATENATED MODULE: ./sandbox/wire/names.ts
/**
 * The name rules the MeshAgent API applies, written from its own models (meshagent-api, reference §2.4 and §2.5).
 */
/** One `/` part of a repository name (api client.py:913, the same as the CLI's tag rule). */
const REPOSITORY_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A room name: 1 to 63 lowercase letters, digits and inner hyphens (api helpers.py:90-99). */
const ROOM_NAME_RE = /^(?=.{1,63}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
/** A repository name as the API stores it: trimmed and lowercased (api client.py:916-928). */
function normalizeRepositoryName(name) {
    return name.trim().toLowerCase();
}
/** Why a normalized repository name is refused, in the API's words; undefined when it is fine. */
function repositoryNameProblem(normalized) {
    if (normalized === '')
        return 'repository name must not be empty';
    if (!normalized.split('/').every((part) => REPOSITORY_COMPONENT_RE.test(part)))
        return 'repository name must be a valid OCI repository path';
    return undefined;
}

;// CONCATENATED MODULE: ./sandbox/api.ts
/**
 * The sandbox's MeshAgent REST API: the endpoints meshagent-ship uses, with the upstream rules. Request bodies are
 * checked with the sandbox's own schemas (wire/), written from the upstream models and never shared with the
 * client, so a mistake in the client's schemas is caught here rather than mirrored. Unknown request fields are
 * rejected (400), names follow the API's regexes, a duplicate is 409, a missing thing 404, a key from another
 * project or without the right 403, and no key 401.
 */









/** Longest a repository token may live, as the server clamps the requested TTL (api registry_auth.py:315-325). */
const MAX_TOKEN_SECONDS = 24 * 3600;
/** A repository token's life when the request names none: the hour the CLI always asks for. */
const DEFAULT_TOKEN_SECONDS = 3600;
/** The API's own repository-name rule: trimmed, lowercased, every `/` part a valid OCI component. */
function repositoryName(name) {
    const normalized = normalizeRepositoryName(name);
    const problem = repositoryNameProblem(normalized);
    if (problem !== undefined)
        throw new ApiError(400, problem);
    return normalized;
}
/**
 * The `Consistency` header as the SDK normalizes it (api http.py:19-26): trimmed and lowercased, `fast` or `high`.
 */
function checkConsistency(value) {
    if (value === undefined)
        return;
    const normalized = value.trim().toLowerCase();
    if (normalized !== 'fast' && normalized !== 'high')
        throw new ApiError(400, "consistency must be 'fast' or 'high'");
}
class SandboxApi {
    context;
    routes = [];
    domains;
    projectServices;
    constructor(context) {
        this.context = context;
        this.domains = new RouteApi(context.state, (json) => this.changed(json));
        this.projectServices = new ServiceStore(() => (this.data.projectServices ??= []), (json) => this.changed(json), 'spec');
        const project = '/accounts/projects/:pid';
        // A template rendered with its values and checked, as the CLI's validate-template and render-template ask.
        this.route('POST', '/templates/render', (_, request) => {
            const { template, values } = parse(TemplateBody, request.body);
            return this.ok(renderServiceTemplate(template, values));
        });
        this.route('GET', '/accounts/projects', () => this.ok({ projects: [this.context.state.data.project] }));
        this.route('GET', '/accounts/projects/by-key/:key', ({ key }) => {
            if (key !== this.data.project.project_key)
                throw new ApiError(404, 'project not found');
            return this.ok(this.data.project);
        });
        this.route('GET', project, () => this.ok(this.data.project));
        this.route('GET', `${project}/repositories`, (_, request) => this.listRepositories(request.query));
        this.route('GET', `${project}/repositories/by-name/:name`, ({ name }) => this.ok(this.repositoryByName(name ?? '')));
        this.route('GET', `${project}/repositories/:id`, ({ id }) => this.ok(this.repository(id ?? '')));
        this.route('POST', `${project}/repositories`, (_, request, key) => this.createRepository(request.body, key));
        this.route('PUT', `${project}/repositories/:id`, ({ id }, request, key) => this.updateRepository(id ?? '', request.body, key));
        this.route('DELETE', `${project}/repositories/:id`, ({ id }, _, key) => this.deleteRepository(id ?? '', key));
        this.route('POST', `${project}/repositories/:id/token`, ({ id }, request) => this.repositoryToken(id ?? '', request.body));
        this.route('GET', `${project}/rooms`, (_, request) => page('rooms', this.data.rooms, request.query, (room) => room.name));
        this.route('POST', `${project}/rooms`, (_, request, key) => this.createRoom(request.body, key));
        this.route('GET', `${project}/rooms/:room`, ({ room }) => this.ok(this.room(room ?? '')));
        // Written by the room's id, read by its name (client.py update_room, delete_room, get_room).
        this.route('PUT', `${project}/rooms/:id`, ({ id }, request, key) => this.updateRoom(id ?? '', request.body, key));
        this.route('DELETE', `${project}/rooms/:id`, ({ id }, _, key) => this.deleteRoom(id ?? '', key));
        this.route('POST', `${project}/rooms/:room/connect`, ({ room }, request, key) => {
            parse(ConnectBody, request.body);
            const name = this.room(room ?? '').name;
            return this.ok(connectRoom(key.key, this.data.project.id, this.context.apiUrl, name));
        });
        const roomServices = (room) => this.roomServices(room ?? '');
        this.route('GET', `${project}/rooms/:room/services`, ({ room }) => this.ok({ services: roomServices(room).all() }));
        this.route('GET', `${project}/rooms/:room/services/by-name/:name`, ({ room, name }) => this.ok(roomServices(room).find((s) => s.metadata.name === name)));
        this.route('GET', `${project}/rooms/:room/services/:id`, ({ room, id }) => this.ok(roomServices(room).find((s) => s.id === id)));
        this.route('POST', `${project}/rooms/:room/services`, ({ room }, request, key) => roomServices(room).create(request.body, key));
        this.route('PUT', `${project}/rooms/:room/services/:id`, ({ room, id }, request, key) => roomServices(room).update(id ?? '', request.body, key));
        this.route('DELETE', `${project}/rooms/:room/services/:id`, ({ room, id }, _, key) => roomServices(room).delete(id ?? '', key));
        // Project services: in every room of the project, from its next session on.
        this.route('GET', `${project}/services`, () => this.ok({ services: this.projectServices.all() }));
        this.route('GET', `${project}/services/by-name/:name`, ({ name }) => this.ok(this.projectServices.find((s) => s.metadata.name === name)));
        this.route('GET', `${project}/services/:id`, ({ id }) => this.ok(this.projectServices.find((s) => s.id === id)));
        this.route('POST', `${project}/services`, (_, request, key) => this.projectServices.create(request.body, key));
        this.route('PUT', `${project}/services/:id`, ({ id }, request, key) => this.projectServices.update(id ?? '', request.body, key));
        this.route('DELETE', `${project}/services/:id`, ({ id }, _, key) => this.projectServices.delete(id ?? '', key));
        this.route('GET', `${project}/rooms/:room/routes`, ({ room }, request) => this.domains.listRoom(room ?? '', request.query));
        this.route('GET', `${project}/routes`, (_, request) => this.domains.list(request.query));
        this.route('POST', `${project}/routes`, (_, request, key) => this.domains.create(request.body, key));
        this.route('GET', `${project}/routes/:domain`, ({ domain }) => this.domains.get(domain ?? ''));
        this.route('PUT', `${project}/routes/:domain`, ({ domain }, request, key) => this.domains.update(domain ?? '', request.body, key));
        this.route('DELETE', `${project}/routes/:domain`, ({ domain }, _, key) => this.domains.delete(domain ?? '', key));
    }
    /** Stores a flat legacy route, as an older server stored it (a sandbox control for tests, not the API). */
    storeLegacyRoute(body) {
        try {
            return this.domains.storeLegacy(body);
        }
        catch (error) {
            if (error instanceof ApiError)
                return { status: error.status, json: { error: { message: error.message } } };
            throw error;
        }
    }
    /** Answers one request; never throws. */
    handle(request) {
        try {
            if (request.method === 'GET' && request.segments.length === 1 && request.segments[0] === 'config')
                return this.config();
            const key = this.authenticate(request);
            checkConsistency(request.consistency);
            for (const { method, pattern, handler } of this.routes) {
                const params = this.match(pattern, request.segments);
                if (method !== request.method || !params)
                    continue;
                if (params.pid !== undefined && params.pid !== this.data.project.id) {
                    throw new ApiError(403, 'permission denied: the API key does not belong to this project');
                }
                return handler(params, request, key);
            }
            throw new ApiError(404, 'not found');
        }
        catch (error) {
            if (error instanceof ApiError)
                return { status: error.status, json: { error: { message: error.message } } };
            throw error;
        }
    }
    get data() {
        return this.context.state.data;
    }
    ok(json, status = 200) {
        return { status, json };
    }
    changed(json, status = 200) {
        this.context.state.save();
        return { status, json };
    }
    servicesChanged(room, json) {
        const answer = this.changed(json);
        this.context.onServicesChanged?.(room);
        return answer;
    }
    route(method, path, handler) {
        this.routes.push({ method, pattern: path.split('/').filter(Boolean), handler });
    }
    match(pattern, segments) {
        if (pattern.length !== segments.length)
            return undefined;
        const params = {};
        for (const [index, part] of pattern.entries()) {
            const segment = segments[index] ?? '';
            if (part.startsWith(':'))
                params[part.slice(1)] = segment;
            else if (part !== segment)
                return undefined;
        }
        return params;
    }
    authenticate(request) {
        const token = request.authorization?.startsWith('Bearer ') ? request.authorization.slice(7) : undefined;
        const key = token ? this.data.apiKeys.find((k) => k.key === token) : undefined;
        if (!key)
            throw new ApiError(401, 'authentication required: Authorization: Bearer <api key>');
        return key;
    }
    config() {
        const api = new URL(this.context.apiUrl).host;
        return this.ok({ domains: { api, registry: this.context.registryHost ?? null, pages: this.context.pagesDomain }, version: 'sandbox' });
    }
    // --- repositories ----------------------------------------------------------------------------------------------
    listRepositories(query) {
        return page('repositories', this.data.repositories, query, (repository) => repository.name);
    }
    repositoryByName(name) {
        const found = this.data.repositories.find((r) => r.name === normalizeRepositoryName(name));
        if (!found)
            throw new ApiError(404, `repository not found: ${name}`);
        return found;
    }
    repository(id) {
        const found = this.data.repositories.find((r) => r.id === id);
        if (!found)
            throw new ApiError(404, `repository not found: ${id}`);
        return found;
    }
    createRepository(body, key) {
        const request = parse(CreateRepositoryBody, body);
        // The name rule belongs to the request model, so a bad name is refused before the permission is looked at.
        const name = repositoryName(request.name);
        requirePermission(key, 'repositories:create');
        if (this.data.repositories.some((r) => r.name === name))
            throw new ApiError(409, `repository already exists: ${name}`);
        const repository = {
            id: (0,external_node_crypto_.randomUUID)(),
            project_id: this.data.project.id,
            name,
            description: request.description,
            annotations: request.annotations,
            created_at: new Date().toISOString(),
        };
        this.data.repositories.push(repository);
        return this.changed(repository);
    }
    /** PUT …/repositories/{id} (`UpdateProjectRepositoryRequest`: the create request's fields and name rule). */
    updateRepository(id, body, key) {
        const current = this.repository(id);
        const request = parse(UpdateRepositoryBody, body);
        const name = repositoryName(request.name);
        requirePermission(key, 'repositories:create');
        if (this.data.repositories.some((r) => r.id !== id && r.name === name))
            throw new ApiError(409, `repository already exists: ${name}`);
        const repository = { ...current, name, description: request.description, annotations: request.annotations };
        this.data.repositories[this.data.repositories.indexOf(current)] = repository;
        return this.changed(repository);
    }
    deleteRepository(id, key) {
        const current = this.repository(id);
        requirePermission(key, 'repositories:create');
        this.data.repositories.splice(this.data.repositories.indexOf(current), 1);
        return this.changed({});
    }
    repositoryToken(id, body) {
        const repository = this.repository(id);
        const request = parse(RepositoryTokenBody, body);
        const seconds = Math.min(request.expires_in_seconds ?? DEFAULT_TOKEN_SECONDS, MAX_TOKEN_SECONDS);
        const expiresAt = Math.floor(Date.now() / 1000) + seconds;
        const token = `sandbox-repo.${(0,external_node_crypto_.randomBytes)(32).toString('base64url')}`;
        const now = Math.floor(Date.now() / 1000);
        // Expired tokens are dropped as new ones are made, so the state does not grow without bound.
        this.data.repositoryTokens = this.data.repositoryTokens.filter((t) => t.expiresAt > now);
        this.data.repositoryTokens.push({
            token,
            repository: `${this.data.project.project_key}/${repository.name}`,
            actions: request.actions,
            expiresAt,
        });
        return this.changed({ token, expires_at: new Date(expiresAt * 1000).toISOString() });
    }
    // --- rooms -----------------------------------------------------------------------------------------------------
    room(name) {
        const found = this.data.rooms.find((r) => r.name === name);
        if (!found)
            throw new ApiError(404, 'room not found');
        return found;
    }
    createRoom(body, key) {
        const request = parse(CreateRoomBody, body);
        requirePermission(key, 'rooms:create');
        if (!ROOM_NAME_RE.test(request.name))
            throw new ApiError(400, `invalid room name: ${request.name}`);
        const existing = this.data.rooms.find((r) => r.name === request.name);
        if (existing) {
            if (request.if_not_exists)
                return this.ok(existing);
            throw new ApiError(409, `room already exists: ${request.name}`);
        }
        const room = { id: (0,external_node_crypto_.randomUUID)(), name: request.name, metadata: request.metadata ?? {}, annotations: request.annotations ?? {}, enabled: true };
        this.data.rooms.push(room);
        return this.changed(room);
    }
    roomById(id) {
        const found = this.data.rooms.find((r) => r.id === id);
        if (!found)
            throw new ApiError(404, 'room not found');
        return found;
    }
    /**
     * PUT …/rooms/{id}: `{name}`, and `metadata`, `annotations`, `enabled` when given. A new name takes the room's
     * services along; routes name their room and are left as they are.
     */
    updateRoom(id, body, key) {
        const current = this.roomById(id);
        const request = parse(UpdateRoomBody, body);
        requirePermission(key, 'rooms:create');
        if (!ROOM_NAME_RE.test(request.name))
            throw new ApiError(400, `invalid room name: ${request.name}`);
        if (this.data.rooms.some((r) => r.id !== id && r.name === request.name))
            throw new ApiError(409, `room already exists: ${request.name}`);
        const room = {
            ...current,
            name: request.name,
            metadata: request.metadata ?? current.metadata,
            annotations: request.annotations ?? current.annotations,
            enabled: request.enabled ?? current.enabled,
        };
        this.data.rooms[this.data.rooms.indexOf(current)] = room;
        if (room.name !== current.name) {
            this.data.services[room.name] = this.data.services[current.name] ?? [];
            delete this.data.services[current.name];
            this.context.onServicesChanged?.(current.name);
            return this.servicesChanged(room.name, {});
        }
        return this.changed({});
    }
    /** DELETE …/rooms/{id}: the room and its services. */
    deleteRoom(id, key) {
        const current = this.roomById(id);
        requirePermission(key, 'rooms:create');
        this.data.rooms.splice(this.data.rooms.indexOf(current), 1);
        delete this.data.services[current.name];
        return this.servicesChanged(current.name, {});
    }
    // --- services --------------------------------------------------------------------------------------------------
    /** A room's services; a missing room is 404. */
    roomServices(room) {
        return new ServiceStore(() => {
            this.room(room);
            return (this.data.services[room] ??= []);
        }, (json) => this.servicesChanged(room, json), 'id');
    }
}

;// CONCATENATED MODULE: ./sandbox/faults.ts

const RequestMatch = schemas/* strictObject */.rej({
    /** HTTP method to match; any when absent. */
    method: schemas/* string */.YjP().optional(),
    /** A regular expression matched against the request path (without query). */
    path: schemas/* string */.YjP(),
});
const FaultRule = RequestMatch.extend({
    /** How many matching requests fail. */
    count: schemas/* number */.aig().int().positive(),
    /** The status to answer; absent with `reset`. */
    status: schemas/* number */.aig().int().min(100).max(599).optional(),
    /** Seconds, sent as Retry-After. */
    retryAfter: schemas/* number */.aig().int().nonnegative().optional(),
    /** Destroy the connection instead of answering. */
    reset: schemas/* boolean */.zMY().optional(),
    /** Serve the request, then reset the connection instead of sending the answer: the write is done, its answer lost. */
    lostAnswer: schemas/* boolean */.zMY().optional(),
    /** Hold the request this long first; without `status` or `reset` it is then served as usual. */
    delayMs: schemas/* number */.aig().int().positive().max(60_000).optional(),
    /** The rule starts to apply once a request matching this has been served (by the API, not by a fault). */
    after: RequestMatch.optional(),
});
function matches(match, pattern, method, path) {
    return (!match.method || match.method.toUpperCase() === method) && pattern.test(path);
}
class Faults {
    rules = [];
    matchedCount = 0;
    /** Requests a rule has matched so far, so a test can wait until its fault is reached. */
    get matched() {
        return this.matchedCount;
    }
    add(rule) {
        const trigger = rule.after ? new RegExp(rule.after.path) : undefined;
        this.rules.push({ rule, pattern: new RegExp(rule.path), trigger, left: rule.count, armed: trigger === undefined });
    }
    clear() {
        this.rules = [];
    }
    /** Serves a fault for this request when one matches; returns whether it did (false: serve it, maybe held first). */
    async intercept(request, response, path) {
        const match = this.rules.find(({ rule, pattern, left, armed }) => armed && left > 0 && matches(rule, pattern, request.method, path));
        if (!match)
            return false;
        match.left -= 1;
        this.matchedCount += 1;
        if (match.rule.delayMs !== undefined) {
            await new Promise((resolve) => setTimeout(resolve, match.rule.delayMs));
            if (match.rule.status === undefined && !match.rule.reset && !match.rule.lostAnswer)
                return false;
        }
        if (match.rule.lostAnswer) {
            // Served by the API as usual; whatever it answers, the client only sees the connection drop.
            response.writeHead = (() => response);
            response.end = (() => {
                request.socket.destroy();
                return response;
            });
            return false;
        }
        if (match.rule.reset) {
            request.socket.destroy();
            return true;
        }
        const headers = { 'content-type': 'application/json' };
        if (match.rule.retryAfter !== undefined)
            headers['retry-after'] = String(match.rule.retryAfter);
        response.writeHead(match.rule.status ?? 503, headers);
        response.end(JSON.stringify({ error: { message: 'injected fault' } }));
        return true;
    }
    /** Arms the dormant rules waiting for this request, which the API has just served. */
    served(method, path) {
        for (const active of this.rules) {
            if (!active.armed && active.trigger && active.rule.after && matches(active.rule.after, active.trigger, method, path))
                active.armed = true;
        }
    }
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
;// CONCATENATED MODULE: ./sandbox/keys.ts
/**
 * The key and self-signed certificate the sandbox signs registry tokens with. The registry trusts the certificate
 * (its rootcertbundle) and finds it in each token's x5c header. Made once with openssl and kept in DIR/keys.
 */



function ensureSigningKey(dir) {
    const keys = (0,external_node_path_.join)(dir, 'keys');
    const keyPath = (0,external_node_path_.join)(keys, 'token-key.pem');
    const certPath = (0,external_node_path_.join)(keys, 'token-cert.pem');
    if (!(0,external_node_fs_.existsSync)(keyPath) || !(0,external_node_fs_.existsSync)(certPath)) {
        (0,external_node_fs_.mkdirSync)(keys, { recursive: true });
        const made = (0,external_node_child_process_.spawnSync)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '3650', '-subj', '/CN=meshagent-sandbox-registry-token'], { encoding: 'utf8' });
        if (made.error || made.status !== 0) {
            throw new Error(`openssl could not make the registry token key: ${made.error?.message ?? made.stderr.trim()} (install the openssl package)`);
        }
    }
    const certPem = (0,external_node_fs_.readFileSync)(certPath, 'utf8');
    return {
        keyPem: (0,external_node_fs_.readFileSync)(keyPath, 'utf8'),
        certPath,
        certDerBase64: certPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''),
    };
}

;// CONCATENATED MODULE: ./sandbox/proc.ts
/**
 * Processes found through /proc: those a sandbox started and may have to stop without holding their handles (left by
 * a sandbox killed without its stop, or a containerd's shims), known by the arguments it gave them.
 */

/** PIDs of the processes (this one excepted) whose command line, split into its arguments, `matches`. */
function processesWhere(matches) {
    if (!(0,external_node_fs_.existsSync)('/proc'))
        return [];
    const pids = [];
    for (const entry of (0,external_node_fs_.readdirSync)('/proc')) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid)
            continue;
        try {
            if (matches((0,external_node_fs_.readFileSync)(`/proc/${entry}/cmdline`, 'utf8').split('\0')))
                pids.push(Number(entry));
        }
        catch {
            // gone meanwhile
        }
    }
    return pids;
}
/**
 * True while a process runs (a zombie waiting for its parent does not). Each of its threads is looked at: the main
 * thread of an exiting Go program can be a zombie while its other threads still hold its files (a listening socket,
 * a mount), so it has not let go of them yet.
 */
function running(pid) {
    const alive = (stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    try {
        return (0,external_node_fs_.readdirSync)(`/proc/${pid}/task`).some((task) => {
            try {
                return alive((0,external_node_fs_.readFileSync)(`/proc/${pid}/task/${task}/stat`, 'utf8'));
            }
            catch {
                return false; // the thread is gone
            }
        });
    }
    catch {
        return false;
    }
}
/** Sends `signal` to each of `pids` that still runs. */
function signalAll(pids, signal) {
    for (const pid of pids.filter(running)) {
        try {
            process.kill(pid, signal);
        }
        catch {
            // gone meanwhile
        }
    }
}
/** Waits until none of `pids` runs, or `ms` have passed; `onWait` is called with the time waited, every 50 ms. */
async function waitUntilGone(pids, ms, onWait) {
    for (let waited = 0; pids.some(running) && waited < ms; waited += 50) {
        onWait?.(waited);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

;// CONCATENATED MODULE: ./sandbox/registry-token.ts
/**
 * The registry's token endpoint (Docker distribution token auth), as MeshAgent's registry answers it: user
 * `meshagent`, a repository token as password, and access only to the token's repository with the token's actions.
 * Clients ask by GET with Basic auth (docker, skopeo, buildah) or by POST with an OAuth2 password form (containerd).
 */

/** The user name the project registry accepts with a repository token (api registry_auth.py:18-19). */
const REGISTRY_USERNAME = 'meshagent';
const REGISTRY_SERVICE = 'meshagent-sandbox-registry';
const REGISTRY_ISSUER = 'meshagent-sandbox';
const TOKEN_SECONDS = 300;
function askFromRequest(request, url, body) {
    if (request.method === 'POST') {
        const form = new URLSearchParams(body);
        return { user: form.get('username') ?? undefined, password: form.get('password') ?? undefined, service: form.get('service'), scopes: form.getAll('scope') };
    }
    const auth = request.headers.authorization ?? '';
    let user;
    let password;
    if (auth.startsWith('Basic ')) {
        const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        user = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
    }
    return { user, password, service: url.searchParams.get('service'), scopes: url.searchParams.getAll('scope') };
}
/** `repository:<name>:<a,b>` entries, several per scope parameter when space-separated. */
function parseScopes(scopes) {
    return scopes
        .flatMap((scope) => scope.split(' '))
        .filter(Boolean)
        .map((scope) => {
        const parts = scope.split(':');
        const actions = (parts.pop() ?? '').split(',').filter(Boolean);
        const type = parts.shift() ?? '';
        return { type, name: parts.join(':'), actions };
    });
}
const registry_token_b64url = (data) => Buffer.from(data).toString('base64url');
function signJwt(claims, key) {
    const header = { alg: 'RS256', typ: 'JWT', x5c: [key.certDerBase64] };
    const input = `${registry_token_b64url(JSON.stringify(header))}.${registry_token_b64url(JSON.stringify(claims))}`;
    return `${input}.${registry_token_b64url((0,external_node_crypto_.sign)('RSA-SHA256', Buffer.from(input), key.keyPem))}`;
}
/** A registry bearer token granting `access`, as the token endpoint signs it (also for the room runtime's pulls). */
function issueRegistryToken(key, access, audience = REGISTRY_SERVICE) {
    const now = Math.floor(Date.now() / 1000);
    return signJwt({ iss: REGISTRY_ISSUER, sub: REGISTRY_USERNAME, aud: audience, exp: now + TOKEN_SECONDS, nbf: now - 10, iat: now, jti: (0,external_node_crypto_.randomUUID)(), access }, key);
}
function deny(response, message) {
    response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="meshagent-sandbox"' });
    response.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message }] }));
}
/**
 * Whether a repository token's actions allow a registry action. Upstream's tokens name only pull and push
 * (registry_auth.py `RegistryAction`); the sandbox lets push also delete a manifest by digest, which distribution
 * asks for as `delete`, so a token that may publish an image may take it back.
 */
function granted(actions, action) {
    return actions.includes(action) || (action === 'delete' && actions.includes('push'));
}
function serveRegistryToken(request, response, url, body, state, key) {
    const ask = askFromRequest(request, url, body);
    if (ask.user === undefined || ask.password === undefined)
        return deny(response, 'authentication required: user meshagent with a repository token');
    const now = Math.floor(Date.now() / 1000);
    const grant = state.data.repositoryTokens.find((t) => t.token === ask.password && t.expiresAt > now);
    if (ask.user !== REGISTRY_USERNAME || !grant)
        return deny(response, 'invalid username or repository token');
    const access = parseScopes(ask.scopes).map(({ type, name, actions }) => ({
        type,
        name,
        actions: type === 'repository' && name === grant.repository ? actions.filter((a) => granted(grant.actions, a)) : [],
    }));
    const token = issueRegistryToken(key, access, ask.service ?? REGISTRY_SERVICE);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ token, access_token: token, expires_in: TOKEN_SECONDS, issued_at: new Date(now * 1000).toISOString() }));
}

;// CONCATENATED MODULE: ./sandbox/registry.ts
/**
 * The sandbox's OCI registry: Debian's docker-registry (CNCF distribution) in token-auth mode, trusting the
 * sandbox's token endpoint, with its blobs under DIR/registry.
 */





async function waitForRegistry(url, child, logPath) {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null)
            throw new Error(`the registry exited with code ${child.exitCode}; see ${logPath}`);
        try {
            const response = await fetch(url);
            // 401 with a Bearer challenge: the registry is up and asks for a token, as it should.
            if (response.status === 401 || response.status === 200)
                return;
        }
        catch {
            // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`the registry did not answer ${url} within 10 s; see ${logPath}`);
}
/**
 * Stops the registry a sandbox killed without its stop left running on `dir` (known by the config its command line
 * names): it would hold the port the next sandbox on `dir` serves its registry at, and serve blobs from the directory
 * beside the new one.
 */
async function stopLeftRegistry(dir, log) {
    const configPath = (0,external_node_path_.join)(dir, 'registry.yml');
    const pids = processesWhere((args) => args[1] === 'serve' && args[2] === configPath);
    if (pids.length === 0)
        return;
    signalAll(pids, 'SIGTERM');
    await waitUntilGone(pids, 5000, (waited) => waited === 3000 && signalAll(pids, 'SIGKILL'));
    log(`stopped the registry an earlier sandbox on this directory left running (pid ${pids.join(', ')})`);
}
async function startRegistry(options) {
    const host = `127.0.0.1:${options.port}`;
    const configPath = (0,external_node_path_.join)(options.dir, 'registry.yml');
    const logPath = (0,external_node_path_.join)(options.dir, 'registry.log');
    (0,external_node_fs_.writeFileSync)(configPath, [
        'version: 0.1',
        'log: {level: error, accesslog: {disabled: true}}',
        `storage: {filesystem: {rootdirectory: ${JSON.stringify((0,external_node_path_.join)(options.dir, 'registry'))}}, delete: {enabled: true}}`,
        `http: {addr: ${JSON.stringify(host)}, secret: meshagent-sandbox}`,
        'auth:',
        '  token:',
        `    realm: ${JSON.stringify(options.tokenRealm)}`,
        `    service: ${REGISTRY_SERVICE}`,
        `    issuer: ${REGISTRY_ISSUER}`,
        `    rootcertbundle: ${JSON.stringify(options.certPath)}`,
        '',
    ].join('\n'));
    const log = (0,external_node_fs_.openSync)(logPath, 'a');
    const binary = options.binary ?? 'docker-registry';
    const child = (0,external_node_child_process_.spawn)(binary, ['serve', configPath], { stdio: ['ignore', log, log] });
    const spawned = new Promise((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (error) => reject(new Error(`cannot start ${binary}: ${error.message} (install the docker-registry package)`)));
    });
    await spawned;
    const exited = new Promise((resolve) => child.once('exit', () => resolve()));
    try {
        await waitForRegistry(`http://${host}/v2/`, child, logPath);
    }
    catch (error) {
        child.kill('SIGKILL');
        throw error;
    }
    return {
        host,
        stop: async () => {
            if (child.exitCode === null)
                child.kill('SIGTERM');
            await exited;
        },
    };
}

;// CONCATENATED MODULE: ./sandbox/room/no-runtime.ts
/** The room runtime of a sandbox that runs no containers: no states, and restarts and logs that say so. */

const NO_RUNTIME = {
    list: () => [],
    restart: () => Promise.reject(new RoomRuntimeError('this sandbox runs no containers')),
    logs: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new RoomRuntimeError('this sandbox runs no containers')) }),
    }),
};

;// CONCATENATED MODULE: ./sandbox/router.ts
/**
 * The sandbox's router: one loopback port that serves every routed domain, as MeshAgent's edge serves
 * `https://<domain>`. The Host header picks the route, the longest matching path picks the target port, and the
 * request goes to that port of the room's running container through its forwarder's unix socket (nothing on the
 * host network). Access as the platform has it (reference §2.8): a `public` port admits anyone; any other needs
 * `Authorization: Bearer <participant token>` for the route's room (cookie IAP is not emulated). An unknown
 * domain or path is 404, a port no running, live container serves is 503.
 */



function router_matches(path, pathname) {
    if (path.pathType === 'exact')
        return pathname === path.path;
    if (path.path === '/')
        return true;
    const prefix = path.path.replace(/\/+$/, '');
    return pathname === prefix || pathname.startsWith(`${prefix}/`);
}
/**
 * The port a path's target names: a port of the room (`8080`, or `"8080"`), a service of the room by name or id
 * (`"assistant"`, its first published port), or that service's port (`"assistant:8080"`), as the CLI's
 * `--extra-port` writes them. For a bare port, the access rules come from the service the traffic would reach, not
 * from whichever spec lists the port first (a disabled service may list the same port as public).
 */
function resolveTarget(options, room, targetPort) {
    const services = options.state.data.services[room] ?? [];
    const text = String(targetPort ?? '').trim();
    const portOf = (service, num) => service?.ports?.find((p) => p.num === num);
    if (/^[0-9]+$/.test(text)) {
        const port = Number(text);
        const endpoint = options.runtime.endpoint(room, port);
        const owner = (endpoint ? services.find((s) => s.id === endpoint.serviceId) : undefined) ?? services.find((s) => portOf(s, port));
        const spec = portOf(owner, port);
        return spec ? { port, spec } : undefined;
    }
    const colon = text.indexOf(':');
    const name = colon === -1 ? text : text.slice(0, colon);
    const service = services.find((s) => s.metadata.name === name || s.id === name);
    if (!service)
        return undefined;
    const spec = colon === -1 ? (service.ports ?? []).find((p) => p.published) : portOf(service, Number(text.slice(colon + 1)));
    return spec && typeof spec.num === 'number' ? { port: spec.num, spec } : undefined;
}
function decide(options, request) {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const route = options.state.data.routes.find((r) => r.domain.toLowerCase() === host);
    if (!route)
        return { status: 404, message: `no route for ${host || 'this host'}` };
    const room = route.backend.room?.name;
    if (!room)
        return { status: 502, message: 'agent backends are not emulated by the sandbox' };
    const url = new URL(request.url ?? '/', 'http://router');
    const path = route.paths.filter((p) => router_matches(p, url.pathname)).sort((a, b) => b.path.length - a.path.length)[0];
    if (!path)
        return { status: 404, message: `no path of ${host} matches ${url.pathname}` };
    if (path.targetContent)
        return { status: 501, message: 'content routes (room storage) are not emulated by the sandbox' };
    const target = resolveTarget(options, room, path.targetPort);
    if (!target)
        return { status: 503, message: `no service in room ${room} serves ${String(path.targetPort)}`, headers: { 'retry-after': '1' } };
    const { port, spec } = target;
    if (!spec.published)
        return { status: 404, message: `port ${port} is not published` };
    if (!spec.public) {
        const auth = request.headers.authorization;
        const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
        if (!token)
            return { status: 401, message: 'a participant token is required: Authorization: Bearer <token>', headers: { 'www-authenticate': 'Bearer' } };
        let participant;
        try {
            participant = verifyParticipantToken(token, options.state.data.apiKeys.map((k) => k.key), options.state.data.project.id);
        }
        catch (error) {
            if (!(error instanceof TokenError))
                throw error;
            return { status: 401, message: `the participant token is not valid: ${error.message}`, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
        }
        if (participant.room !== room)
            return { status: 403, message: `the participant token is not for room ${room}` };
    }
    const endpoint = options.runtime.endpoint(room, port);
    if (!endpoint?.socket || !endpoint.ready)
        return { status: 503, message: `the service on port ${port} is not ready`, headers: { 'retry-after': '1' } };
    const stripped = path.stripPrefix && path.path !== '/' ? url.pathname.slice(path.path.replace(/\/+$/, '').length) || '/' : url.pathname;
    return { socket: endpoint.socket, path: `${stripped}${url.search}` };
}
function forwardedHeaders(request) {
    return {
        ...request.headers,
        'x-forwarded-host': request.headers.host,
        'x-forwarded-proto': 'http',
        'x-forwarded-for': request.socket.remoteAddress,
    };
}
async function startRouter(options) {
    const refuse = (response, decision) => {
        response.writeHead(decision.status, { 'content-type': 'text/plain; charset=utf-8', ...decision.headers });
        response.end(`${decision.message}\n`);
    };
    const server = (0,external_node_http_.createServer)((request, response) => {
        const decision = decide(options, request);
        if ('status' in decision)
            return refuse(response, decision);
        const upstream = (0,external_node_http_.request)({ socketPath: decision.socket, method: request.method, path: decision.path, headers: forwardedHeaders(request) }, (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
        });
        upstream.on('error', (error) => {
            if (!response.headersSent)
                refuse(response, { status: 502, message: `the service did not answer: ${error.message}` });
            else
                response.destroy();
        });
        request.pipe(upstream);
    });
    // WebSocket and other upgrades: the same checks, then the bytes both ways. Such sockets leave the server's
    // keeping, so they are kept here to be closed at stop.
    const upgraded = new Set();
    server.on('upgrade', (request, client, head) => {
        upgraded.add(client);
        client.on('close', () => upgraded.delete(client));
        const decision = decide(options, request);
        if ('status' in decision) {
            client.end(`HTTP/1.1 ${decision.status} ${decision.message.replace(/[\r\n]/g, ' ')}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
            return;
        }
        const upstream = (0,external_node_net_.connect)(decision.socket, () => {
            const headers = Object.entries(forwardedHeaders(request)).flatMap(([name, value]) => value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`));
            upstream.write(`${request.method} ${decision.path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
            upstream.write(head);
            upstream.pipe(client);
            client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = server.address();
    return {
        host: `127.0.0.1:${port}`,
        stop: async () => {
            for (const socket of upgraded)
                socket.destroy();
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        },
    };
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./sandbox/runtime/processes.ts
/**
 * The long-running processes of the room runtime (containerd, the snapshotter daemon, event readers, port
 * forwarders): each started in its own process group, known by its PID, and stopped by that PID (SIGTERM, then
 * SIGKILL after a grace period).
 */


async function startDaemon(name, command, args, options = {}) {
    const log = options.logPath ? (0,external_node_fs_.openSync)(options.logPath, 'a') : 'ignore';
    let child;
    try {
        child = (0,external_node_child_process_.spawn)(command, args, {
            stdio: ['ignore', options.pipeStdout ? 'pipe' : log, log],
            env: options.env ?? process.env,
            // Its own process group: a Ctrl-C at the sandbox's terminal reaches the sandbox, which stops it in order.
            detached: true,
        });
    }
    finally {
        if (typeof log === 'number')
            (0,external_node_fs_.closeSync)(log);
    }
    await new Promise((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`)));
    });
    const pid = child.pid;
    const exited = new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null)
            resolve();
        else
            child.once('exit', () => resolve());
    });
    const running = () => child.exitCode === null && child.signalCode === null;
    return {
        name,
        pid,
        child,
        exited,
        running,
        stop: async (graceMs = 5000) => {
            if (!running())
                return;
            // The whole group: a forwarder's children (one per connection) go with it.
            const signal = (name) => {
                try {
                    process.kill(-pid, name);
                }
                catch {
                    child.kill(name);
                }
            };
            signal('SIGTERM');
            const timer = setTimeout(() => {
                if (running())
                    signal('SIGKILL');
            }, graceMs);
            await exited;
            clearTimeout(timer);
        },
    };
}
/** Runs a command to its end without blocking the event loop (the sandbox answers requests meanwhile). */
function runCommand(command, args, options = {}) {
    return new Promise((resolve) => {
        const child = (0,external_node_child_process_.spawn)(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
        child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
        child.stdin.end(options.input);
        child.once('error', (error) => {
            clearTimeout(timer);
            resolve({ code: -1, stdout, stderr: `${stderr}${command}: ${error.message}` });
        });
        child.once('close', (code, signal) => {
            clearTimeout(timer);
            resolve({ code: code ?? -1, stdout, stderr: signal ? `${stderr}${command}: killed by ${signal}` : stderr });
        });
    });
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

;// CONCATENATED MODULE: ./sandbox/runtime/containerd.ts
/**
 * The runtime's own containerd, under the sandbox directory, with the stargz snapshotter daemon as a proxy
 * snapshotter when the machine allows it (reference test-infrastructure §9): `[proxy_plugins.stargz]`,
 * type "snapshot", at the daemon's socket. Driven with its CLI (`ctr-remote -a SOCK -n NS`), which is ctr with the
 * `rpull` that sets the labels a remote snapshotter needs.
 */



const NAMESPACE = 'meshagent-sandbox';
class Ctr {
    address;
    constructor(address) {
        this.address = address;
    }
    /** `ctr-remote -a SOCK -n NS ARGS`. */
    run(args, timeoutMs) {
        return runCommand('ctr-remote', ['-a', this.address, '-n', NAMESPACE, ...args], { timeoutMs });
    }
    /** The PID of a container's task (`ctr tasks ls`: TASK PID STATUS), or undefined when it has none. */
    async taskPid(id) {
        const listing = await this.run(['tasks', 'ls']);
        for (const line of listing.stdout.split('\n').slice(1)) {
            const [task, pid] = line.trim().split(/\s+/);
            if (task === id && pid && /^\d+$/.test(pid))
                return Number(pid);
        }
        return undefined;
    }
    async ok(args, timeoutMs) {
        const result = await this.run(args, timeoutMs);
        if (result.code !== 0)
            throw new Error(`ctr ${args.slice(0, 2).join(' ')} failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
        return result.stdout;
    }
}
/** The stargz snapshotter daemon did not start (containerd can still run without it). */
class SnapshotterFailed extends Error {
}
/** The last line a daemon wrote to its log, to say why it did not start. */
function lastLogLine(logPath) {
    try {
        const line = (0,external_node_fs_.readFileSync)(logPath, 'utf8').trim().split('\n').at(-1)?.trim();
        return line ? ` (${line.slice(0, 300)})` : '';
    }
    catch {
        return '';
    }
}
async function waitFor(what, test, daemon, logPath, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (!daemon.running())
            throw new Error(`${what} exited while starting${lastLogLine(logPath)}; see ${logPath}`);
        if (await test())
            return;
        await sleep(50);
    }
    throw new Error(`${what} did not answer within ${timeoutMs / 1000} s${lastLogLine(logPath)}; see ${logPath}`);
}
async function startContainerd(options) {
    const { dir } = options;
    const address = (0,external_node_path_.join)(dir, 'containerd.sock');
    const stargzAddress = (0,external_node_path_.join)(dir, 'stargz.sock');
    const started = [];
    const stopAll = async () => {
        // containerd first, as it may still ask the snapshotter things while it stops; then the snapshotter, which
        // unmounts its FUSE layers on SIGTERM.
        for (const daemon of [...started].reverse())
            await daemon.stop();
    };
    try {
        let snapshotter = 'overlayfs';
        if (options.stargzBinary) {
            const configPath = (0,external_node_path_.join)(dir, 'stargz.toml');
            // No background fetch: a layer is fetched only as it is read, so "bytes fetched before ready" is exact
            // (reference §9); production keeps fetching the rest in the background.
            (0,external_node_fs_.writeFileSync)(configPath, 'no_background_fetch = true\n');
            const logPath = (0,external_node_path_.join)(dir, 'stargz.log');
            try {
                const daemon = await startDaemon('stargz-snapshotter', options.stargzBinary, ['-address', stargzAddress, '-root', (0,external_node_path_.join)(dir, 'stargz'), '-config', configPath], { logPath });
                started.push(daemon);
                await waitFor('the stargz snapshotter', async () => (await runCommand('test', ['-S', stargzAddress])).code === 0, daemon, logPath);
            }
            catch (error) {
                throw new SnapshotterFailed(`the stargz snapshotter daemon (${options.stargzBinary}) did not start: ${error.message}`);
            }
            snapshotter = 'stargz';
        }
        const configPath = (0,external_node_path_.join)(dir, 'containerd.toml');
        (0,external_node_fs_.writeFileSync)(configPath, [
            'version = 2',
            `root = ${JSON.stringify((0,external_node_path_.join)(dir, 'containerd', 'root'))}`,
            `state = ${JSON.stringify((0,external_node_path_.join)(dir, 'containerd', 'state'))}`,
            'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
            '[grpc]',
            `  address = ${JSON.stringify(address)}`,
            '[ttrpc]',
            `  address = ${JSON.stringify(`${address}.ttrpc`)}`,
            '[plugins."io.containerd.internal.v1.opt"]',
            `  path = ${JSON.stringify((0,external_node_path_.join)(dir, 'containerd', 'opt'))}`,
            ...(snapshotter === 'stargz' ? ['[proxy_plugins.stargz]', '  type = "snapshot"', `  address = ${JSON.stringify(stargzAddress)}`] : []),
            '',
        ].join('\n'));
        const logPath = (0,external_node_path_.join)(dir, 'containerd.log');
        const daemon = await startDaemon('containerd', 'containerd', ['--config', configPath], { logPath });
        started.push(daemon);
        const ctr = new Ctr(address);
        await waitFor('containerd', async () => (await ctr.run(['version'], 5000)).code === 0, daemon, logPath);
        return { ctr, address, snapshotter, stop: stopAll };
    }
    catch (error) {
        await stopAll();
        throw error;
    }
}

// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(73136);
;// CONCATENATED MODULE: ./sandbox/runtime/machine.ts
/**
 * What this machine lets the room runtime do: run containers at all (root, containerd, runc, ctr-remote, nsenter,
 * socat), and pull lazily (FUSE and the stargz snapshotter daemon, built from Debian's packages by
 * scripts/build-snapshotter.sh). Each "no" comes with the reason, said once by the sandbox.
 */




const REQUIRED = ['containerd', 'runc', 'ctr-remote', 'nsenter', 'socat'];
function onPath(binary) {
    return (process.env.PATH ?? '').split(':').some((dir) => {
        try {
            (0,external_node_fs_.accessSync)((0,external_node_path_.join)(dir, binary), external_node_fs_.constants.X_OK);
            return true;
        }
        catch {
            return false;
        }
    });
}
/** Why containers cannot run here, or undefined when they can. */
function containersUnavailable() {
    if (process.platform !== 'linux')
        return 'containers need Linux';
    if (process.getuid?.() !== 0)
        return 'containers need root (containerd, runc and mounts)';
    const missing = REQUIRED.filter((binary) => !onPath(binary));
    if (missing.length > 0)
        return `${missing.join(', ')} not found (bash scripts/setup-system.sh installs them)`;
    return undefined;
}
/** Why lazy pulling cannot work here (so layers are pulled whole onto overlayfs), or undefined when it can. */
function fuseUnavailable() {
    try {
        (0,external_node_fs_.closeSync)((0,external_node_fs_.openSync)('/dev/fuse', 'r+'));
        return undefined;
    }
    catch (error) {
        return `/dev/fuse cannot be opened (${error.code ?? String(error)})`;
    }
}
/** The repository's root (where scripts/ is), looked for upwards from this module, or from dist/ once bundled. */
function repositoryRoot() {
    let dir = (0,external_node_path_.dirname)((0,external_node_url_.fileURLToPath)(import.meta.url));
    for (;;) {
        if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(dir, 'scripts', 'build-snapshotter.sh')) && (0,external_node_fs_.existsSync)((0,external_node_path_.join)(dir, 'sandbox', 'snapshotter')))
            return dir;
        const parent = (0,external_node_path_.dirname)(dir);
        if (parent === dir)
            return undefined;
        dir = parent;
    }
}
/**
 * The snapshotter daemon's binary: MESHAGENT_SANDBOX_STARGZ when set, else built (or found up to date) by
 * scripts/build-snapshotter.sh under the repository's .cache/. Throws with the reason when there is none.
 */
async function stargzBinary() {
    const given = process.env.MESHAGENT_SANDBOX_STARGZ;
    if (given)
        return given;
    const root = repositoryRoot();
    if (!root)
        throw new Error('scripts/build-snapshotter.sh is not here to build the stargz snapshotter daemon');
    const built = await runCommand('bash', [(0,external_node_path_.join)(root, 'scripts', 'build-snapshotter.sh')], { timeoutMs: 600_000 });
    if (built.code !== 0)
        throw new Error(`scripts/build-snapshotter.sh failed: ${built.stderr.trim().split('\n').slice(-2).join(' ')}`);
    const path = built.stdout.trim().split('\n').at(-1) ?? '';
    return path.startsWith('/') ? path : (0,external_node_path_.join)(root, path);
}

;// CONCATENATED MODULE: ./sandbox/runtime/orphans.ts
/**
 * What a sandbox killed without its stop (SIGKILL, a crash) leaves running on its directory: its containers (runc
 * keeps their state under its root, their bundles under the runtime's directory), containerd and its shims, the
 * snapshotter daemon, the event reader and the forwarders (each names the runtime's directory on its command
 * line). The next runtime on that directory stops them by PID before it cleans up and starts its own.
 */




/** Where containerd's runc shim keeps its containers' state for our namespace (runc's default under containerd). */
const RUNC_ROOT = `/run/containerd/runc/${NAMESPACE}`;
/**
 * PIDs of the runtime's own kinds of processes on `dir`, known by the arguments it gives them: containerd's
 * config, the sockets of containerd (the event reader, the shims) and of the snapshotter, a forwarder's socket.
 * Anything else that merely names the directory (a shell reading its logs) is left alone.
 */
function runtimeProcesses(dir) {
    const marks = new Set([`${dir}/containerd.toml`, `${dir}/containerd.sock`, `${dir}/stargz.sock`]);
    return processesWhere((args) => args.some((arg) => marks.has(arg) || arg.startsWith(`UNIX-LISTEN:${dir}/sockets/`)));
}
/** Stops what an earlier runtime on `dir` left running; says what it stopped, if anything. */
async function stopOrphans(dir, log) {
    let containers = 0;
    if ((0,external_node_fs_.existsSync)(RUNC_ROOT)) {
        const listed = await runCommand('runc', ['--root', RUNC_ROOT, 'list', '--format', 'json']);
        const states = (listed.code === 0 ? JSON.parse(listed.stdout || 'null') : null) ?? [];
        for (const state of states.filter((s) => s.bundle.startsWith(`${dir}/`))) {
            await runCommand('runc', ['--root', RUNC_ROOT, 'delete', '--force', state.id]);
            containers++;
        }
    }
    const pids = runtimeProcesses(dir);
    signalAll(pids, 'SIGKILL');
    await waitUntilGone(pids, 5000);
    if (containers > 0 || pids.length > 0)
        log(`stopped what an earlier sandbox on this directory left running: ${containers} container(s) and ${pids.length} process(es) under ${dir}`);
}

;// CONCATENATED MODULE: ./sandbox/runtime/pull-proxy.ts
/**
 * The room runtime's door to the sandbox's registry: containerd and the stargz snapshotter pull through this
 * loopback proxy, which signs in for them (a pull-only registry token per repository, as a room holds its
 * project's pull credentials, so no secret goes into a command line) and counts every byte the registry serves,
 * per digest. Those counts are what "bytes fetched before ready" reports: what was actually served, ranges and
 * all, not a sum of sizes. Only reads (GET, HEAD) pass.
 */

/** `/v2/<name>/(manifests|blobs)/<reference>`: the repository and what is asked for. */
const V2_PATH = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/;
async function startPullProxy(options) {
    const counts = new Map();
    const count = (digest, bytes) => counts.set(digest, (counts.get(digest) ?? 0) + bytes);
    function forward(incoming, response) {
        if (incoming.method !== 'GET' && incoming.method !== 'HEAD') {
            response.writeHead(405, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ errors: [{ code: 'UNSUPPORTED', message: 'the runtime pull proxy only reads' }] }));
            return;
        }
        const path = new URL(incoming.url ?? '/', 'http://proxy').pathname;
        const match = V2_PATH.exec(path);
        const headers = { ...incoming.headers, host: options.upstream };
        delete headers.authorization;
        if (match) {
            const token = options.pullToken(match[1]);
            if (token)
                headers.authorization = `Bearer ${token}`;
        }
        const outgoing = (0,external_node_http_.request)({ host: options.upstream.split(':')[0], port: Number(options.upstream.split(':')[1]), method: incoming.method, path: incoming.url, headers }, (upstream) => {
            // The proxy signs in itself, so the registry's challenge is not passed on: /v2/ answers as an open registry.
            if (path === '/v2/' || path === '/v2') {
                upstream.resume();
                response.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
                response.end('{}');
                return;
            }
            const digest = match && (match[3]?.startsWith('sha256:') ? match[3] : upstream.headers['docker-content-digest']);
            response.writeHead(upstream.statusCode ?? 502, upstream.headers);
            if (typeof digest === 'string' && (upstream.statusCode ?? 0) < 300)
                upstream.on('data', (chunk) => count(digest, chunk.length));
            upstream.pipe(response);
        });
        outgoing.on('error', (error) => {
            if (!response.headersSent)
                response.writeHead(502, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: `registry: ${error.message}` }] }));
        });
        outgoing.end();
    }
    const server = (0,external_node_http_.createServer)(forward);
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address();
    return {
        host: `127.0.0.1:${port}`,
        served: (digest) => counts.get(digest) ?? 0,
        servedAll: () => new Map(counts),
        stop: async () => {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        },
    };
}

;// CONCATENATED MODULE: ./sandbox/runtime/container-plan.ts
/**
 * What a service's container spec asks of its container, worked out without touching anything: the process (the
 * `command` string split as a POSIX shell would, replacing the image's entrypoint and cmd), working dir, env
 * (explicit values, sandbox-issued participant tokens, the agent template's variables) and mounts (room storage,
 * named room volumes, empty dirs, seed files, other images). The runtime carries the plan out.
 */

/** Splits a command line into words as a POSIX shell does (quotes and backslashes; no expansion). */
function splitCommand(command) {
    const words = [];
    let word;
    let quote;
    for (let i = 0; i < command.length; i++) {
        const char = command[i];
        if (quote === "'") {
            if (char === "'")
                quote = undefined;
            else
                word = `${word ?? ''}${char}`;
        }
        else if (quote === '"') {
            if (char === '"')
                quote = undefined;
            else if (char === '\\' && i + 1 < command.length && '"\\$`\n'.includes(command[i + 1]))
                word = `${word ?? ''}${command[++i] ?? ''}`;
            else
                word = `${word ?? ''}${char}`;
        }
        else if (char === "'" || char === '"') {
            quote = char;
            word ??= '';
        }
        else if (char === '\\' && i + 1 < command.length) {
            word = `${word ?? ''}${command[++i] ?? ''}`;
        }
        else if (/\s/.test(char)) {
            if (word !== undefined)
                words.push(word);
            word = undefined;
        }
        else
            word = `${word ?? ''}${char}`;
    }
    if (quote)
        throw new Error('the command has an unclosed quote');
    if (word !== undefined)
        words.push(word);
    return words;
}
/**
 * A subpath inside a mount source by its spelling, refused when it would leave it. Symbolic links on the way are
 * resolved (and escapes refused) when the mount is made (subpath.ts).
 */
function inside(base, subpath) {
    const clean = (subpath ?? '').replace(/^\/+|\/+$/g, '');
    if (clean.split('/').some((part) => part === '..'))
        throw new Error(`the mount subpath ${JSON.stringify(subpath)} leaves its source`);
    return { source: clean === '' ? base : (0,external_node_path_.join)(base, clean), under: { root: base, subpath: clean } };
}
/**
 * The variables the `agent` template injects (docs services/deployment/deploy_services.mdx:277-306). The LLM keys
 * carry a participant token, as the platform's LLM proxy accepts them; the *_BASE_URL, SMTP, OTEL and mail
 * variables name platform services the sandbox does not have, so they are not set.
 */
function agentTemplateEnv(spec, context) {
    const token = context.issueToken({ identity: spec.metadata.name, role: 'agent' });
    return [
        ['MESHAGENT_TOKEN', token],
        ['OPENAI_API_KEY', token],
        ['ANTHROPIC_API_KEY', token],
        ['MESHAGENT_API_URL', context.apiUrl],
        ['MESHAGENT_ROOM_URL', context.roomUrl],
        ['MESHAGENT_ROOM', context.room],
        ['MESHAGENT_PROJECT_ID', context.projectId],
        ['MESHAGENT_SESSION_ID', context.sessionId],
    ];
}
function tokenValue(ask, context) {
    return context.issueToken({ identity: ask.identity, role: ask.role ?? 'agent', ...(ask.api ? { api: ask.api } : {}) });
}
/** containerd reads the env file (ctr's --env-file) a line at a time, up to 64 KiB, dropping a line's final CR. */
const MAX_ENV_LINE = 64 * 1024 - 1;
/**
 * Refuses a variable the container could not get as written (rather than altering it): runc passes any string,
 * but the env reaches containerd through a file of NAME=VALUE lines, kept off the command line for its secrets.
 */
function envProblem(name, value) {
    if (name === '' || /[=\0\r\n]/.test(name))
        throw new Error(`the environment variable name ${JSON.stringify(name)} is not valid (empty, or has "=" or a line break)`);
    if (/[\0\r\n]/.test(value))
        throw new Error(`the environment variable ${name} has a line break or NUL in its value, which the sandbox cannot pass to the container; encode it (e.g. base64)`);
    if (Buffer.byteLength(`${name}=${value}`) > MAX_ENV_LINE)
        throw new Error(`the environment variable ${name} is longer than 64 KiB, which the sandbox cannot pass to the container`);
}
function planContainer(spec, context) {
    const container = spec.container;
    if (!container)
        throw new Error('the service has no container');
    const notes = [];
    const template = container.template ?? 'none';
    const env = new Map(template === 'agent' ? agentTemplateEnv(spec, context) : []);
    // Values set explicitly win over the template's.
    for (const entry of container.environment ?? []) {
        if (entry.token)
            env.set(entry.name, tokenValue(entry.token, context));
        else if (entry.secret)
            notes.push(`secret ${entry.secret.id} for ${entry.name} is not emulated by the sandbox; ${entry.name} is left unset`);
        else
            env.set(entry.name, entry.value ?? '');
    }
    const dirs = [];
    const files = [];
    const binds = [];
    const images = [];
    const storage = container.storage;
    for (const mount of storage?.room ?? []) {
        dirs.push(context.roomStorage);
        binds.push({ ...inside(context.roomStorage, mount.subpath), destination: mount.path, readOnly: mount.read_only });
    }
    for (const volume of storage?.volumes ?? []) {
        // A volume is a directory of its own under the room's: its name is one path part.
        if (volume.name === '' || volume.name === '.' || volume.name === '..' || /[/\0]/.test(volume.name))
            throw new Error(`the volume name ${JSON.stringify(volume.name)} is not a plain name (no "/", not "." or "..")`);
        const base = context.volumeDir(volume.name);
        dirs.push(base);
        binds.push({ ...inside(base, volume.subpath), destination: volume.path, readOnly: volume.read_only });
    }
    for (const [index, empty] of (storage?.empty_dirs ?? []).entries()) {
        const source = (0,external_node_path_.join)(context.containerDir, 'empty', String(index));
        dirs.push(source);
        binds.push({ source, destination: empty.path, readOnly: empty.read_only });
    }
    for (const [index, file] of (storage?.files ?? []).entries()) {
        const source = (0,external_node_path_.join)(context.containerDir, 'files', String(index));
        files.push({ path: source, text: file.text });
        binds.push({ source, destination: file.path, readOnly: file.read_only });
    }
    for (const image of storage?.images ?? []) {
        inside('/', image.subpath);
        images.push({ image: image.image, destination: image.path, ...(image.subpath ? { subpath: image.subpath } : {}), readOnly: image.read_only });
    }
    if ((storage?.configs ?? []).length > 0)
        notes.push('config mounts are not emulated by the sandbox');
    // The agent template mounts room storage at /data, unless the spec mounts something there itself.
    const taken = new Set([...binds.map((b) => b.destination), ...images.map((i) => i.destination)]);
    if (template === 'agent' && !taken.has('/data')) {
        dirs.push(context.roomStorage);
        binds.push({ source: context.roomStorage, destination: '/data', readOnly: false });
    }
    for (const [name, value] of env)
        envProblem(name, value);
    return {
        ...(container.command ? { args: splitCommand(container.command) } : {}),
        ...(container.working_dir ? { cwd: container.working_dir } : {}),
        env: [...env],
        dirs: [...new Set(dirs)],
        files,
        binds,
        images,
        readOnlyRoot: !container.writable_root_fs,
        notes,
    };
}

;// CONCATENATED MODULE: ./sandbox/runtime/forwarder.ts
/**
 * Reaching a container's port without touching the host network: a forwarder runs inside the container's network
 * namespace (`nsenter --net`) and passes each connection to a unix socket on this machine's file system on to
 * 127.0.0.1:PORT there. The router and the liveness probe connect to the socket; nothing listens on a host port.
 */


async function startForwarder(options) {
    const daemon = await startDaemon(`forwarder ${options.port}`, 'nsenter', [`--net=/proc/${options.pid}/ns/net`, 'socat', `UNIX-LISTEN:${options.socket},fork,unlink-early,mode=600`, `TCP:127.0.0.1:${options.port}`], { logPath: options.logPath });
    const deadline = Date.now() + 5000;
    while (!(0,external_node_fs_.existsSync)(options.socket)) {
        if (!daemon.running() || Date.now() > deadline) {
            await daemon.stop(500);
            throw new Error(`the forwarder to port ${options.port} did not start; see ${options.logPath}`);
        }
        await sleep(20);
    }
    return { socket: options.socket, stop: () => daemon.stop(1000) };
}

;// CONCATENATED MODULE: ./sandbox/runtime/image-info.ts
/**
 * What containerd holds of a pulled image, read from its own content store (so reading it fetches nothing more):
 * the digests and sizes of its manifest, config and layers, and how many of its layers the stargz snapshotter
 * mounted remotely (their snapshots carry `containerd.io/snapshot/remote`; a snapshot's key is its layer's chain
 * ID, as containerd's unpacker names them).
 */

async function image_info_content(ctr, digest) {
    const text = await ctr.ok(['content', 'get', digest]);
    return { json: JSON.parse(text), size: Buffer.byteLength(text) };
}
/** The digest containerd recorded for an image name (`ctr images ls`: REF TYPE DIGEST ...). */
async function imageDigest(ctr, ref) {
    const listing = await ctr.ok(['images', 'ls']);
    for (const line of listing.split('\n').slice(1)) {
        const [name, mediaType, digest] = line.trim().split(/\s+/);
        if (name === ref && digest)
            return { digest, mediaType: mediaType ?? '' };
    }
    throw new Error(`containerd has no image ${ref}`);
}
/** Chain IDs as the OCI image spec defines them: the first diff_id, then sha256 of "<parent> <diff_id>". */
function chainIds(diffIds) {
    const ids = [];
    for (const diffId of diffIds) {
        const parent = ids.at(-1);
        ids.push(parent === undefined ? diffId : `sha256:${(0,external_node_crypto_.createHash)('sha256').update(`${parent} ${diffId}`).digest('hex')}`);
    }
    return ids;
}
async function readImageInfo(ctr, ref, snapshotter) {
    const blobs = [];
    let { digest } = await imageDigest(ctr, ref);
    let top = await image_info_content(ctr, digest);
    blobs.push({ digest, size: top.size });
    if (Array.isArray(top.json.manifests)) {
        // An index: the linux/amd64 manifest, as containerd picks for this machine.
        const manifests = top.json.manifests;
        const chosen = manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? manifests[0];
        if (!chosen)
            throw new Error(`the image index ${ref} lists no manifest`);
        digest = chosen.digest;
        top = await image_info_content(ctr, digest);
        blobs.push({ digest, size: top.size });
    }
    const config = top.json.config;
    const layers = (top.json.layers ?? []);
    blobs.push({ digest: config.digest, size: config.size }, ...layers.map((layer) => ({ digest: layer.digest, size: layer.size })));
    let remoteLayers = 0;
    const diffIds = (await image_info_content(ctr, config.digest)).json.rootfs?.diff_ids ?? [];
    const chain = chainIds(diffIds);
    if (snapshotter === 'stargz') {
        for (const chainId of chain) {
            const info = await ctr.run(['snapshots', '--snapshotter', 'stargz', 'info', chainId]);
            if (info.code !== 0)
                continue;
            const labels = JSON.parse(info.stdout).Labels ?? {};
            if ('containerd.io/snapshot/remote' in labels)
                remoteLayers++;
        }
    }
    return { blobs, layers: layers.length, topChainId: chain.at(-1), remoteLayers };
}

;// CONCATENATED MODULE: ./sandbox/runtime/subpath.ts
/**
 * A mount's subpath on this machine's file system, resolved under its root (room storage, a room volume, another
 * image's root). The plan refuses `..` by spelling alone; this follows the symbolic links on the way as the bind
 * mount itself would, and refuses a path that leads outside its root: a container can make links in room storage,
 * and an image can ship links (`etc -> /`), and neither may reach the host's files through a mount.
 */


function isUnder(path, root) {
    return path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
}
/** The subpath's parts, without empty ones (the plan has refused `..` already; it is refused again here). */
function partsOf(subpath, what) {
    const parts = subpath.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.includes('..'))
        throw new Error(`${what}: the subpath ${JSON.stringify(subpath)} leaves its source`);
    return parts;
}
/**
 * Walks `subpath` under `root` one part at a time, each existing part by its real path, refusing a step that
 * leads outside. Returns the real path of the longest existing prefix and the parts below it that do not exist.
 */
function walk(root, subpath, what) {
    const realRoot = (0,external_node_fs_.realpathSync)(root);
    let real = realRoot;
    const parts = partsOf(subpath, what);
    for (const [index, part] of parts.entries()) {
        let next;
        try {
            next = (0,external_node_fs_.realpathSync)((0,external_node_path_.join)(real, part));
        }
        catch (error) {
            if (error.code !== 'ENOENT')
                throw error;
            if ((0,external_node_fs_.lstatSync)((0,external_node_path_.join)(real, part), { throwIfNoEntry: false })?.isSymbolicLink())
                throw new Error(`${what}: the subpath ${JSON.stringify(subpath)} goes through ${(0,external_node_path_.join)(real, part)}, a symbolic link to nothing; refused`, {
                    cause: error,
                });
            return { real, missing: parts.slice(index), realRoot };
        }
        if (!isUnder(next, realRoot))
            throw new Error(`${what}: the subpath ${JSON.stringify(subpath)} leads outside ${root} through a symbolic link (${(0,external_node_path_.join)(real, part)} -> ${next}); refused`);
        real = next;
    }
    return { real, missing: [], realRoot };
}
/** The real path of an existing `root/subpath`, refused when it leads outside `root` or is not there. */
function existingUnder(root, subpath, what) {
    const { real, missing } = walk(root, subpath, what);
    if (missing.length > 0)
        throw new Error(`${what}: the subpath ${JSON.stringify(subpath)} does not exist (no ${(0,external_node_path_.join)(real, ...missing)})`);
    return real;
}
/**
 * The real path of `root/subpath`, its missing directories made one at a time (a link that appears meanwhile
 * makes `mkdir` fail rather than be followed), refused when it leads outside `root`.
 */
function directoryUnder(root, subpath, what) {
    (0,external_node_fs_.mkdirSync)(root, { recursive: true });
    const { real, missing, realRoot } = walk(root, subpath, what);
    let made = real;
    for (const part of missing) {
        made = (0,external_node_path_.join)(made, part);
        (0,external_node_fs_.mkdirSync)(made);
    }
    // Checked once more as made: what the bind will use.
    const final = (0,external_node_fs_.realpathSync)(made);
    if (!isUnder(final, realRoot))
        throw new Error(`${what}: the subpath ${JSON.stringify(subpath)} leads outside ${root}; refused`);
    return final;
}

;// CONCATENATED MODULE: ./sandbox/runtime/image-mounts.ts
/**
 * What a container's binds need before it starts: the plan's directories and seed files, and other images'
 * root file systems for image mounts (pulled, a snapshot of their top layer made, mounted under the run's
 * directory). What is made here is noted on the run, so that removing the run undoes it.
 */





/**
 * Directories, seed files and other images' mounts the container's binds need. Returns the plan's binds with each
 * subpath of room storage or a volume resolved under its root (refused when a symbolic link leads outside).
 */
async function prepareMounts(host, run, plan) {
    for (const dir of plan.dirs)
        (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
    const binds = plan.binds.map((bind) => bind.under ? { ...bind, source: directoryUnder(bind.under.root, bind.under.subpath, `the mount at ${bind.destination}`) } : bind);
    for (const file of plan.files) {
        (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(file.path), { recursive: true });
        (0,external_node_fs_.writeFileSync)(file.path, file.text);
        (0,external_node_fs_.chmodSync)(file.path, 0o644);
    }
    for (const [index, mount] of plan.images.entries()) {
        const target = host.pullRef(mount.image);
        if ('error' in target)
            throw new Error(`image mount ${mount.destination}: ${target.error}`);
        run.imageMounts.push(await mountImage(host, run, index, target.ref, mount));
    }
    return binds;
}
/**
 * Another image's root file system for a bind: pulled, then a snapshot of its top layer made (a view when
 * read-only, as `ctr images mount` would, but without its unpack step, which needs every layer in the content
 * store and so fails after a lazy pull), mounted under the run's directory unless it is a plain bind already.
 */
async function mountImage(host, run, index, ref, mount) {
    const { readOnly, subpath, destination } = mount;
    const { ctr, snapshotter } = host;
    const name = snapshotter === 'stargz' ? 'stargz' : 'overlayfs';
    await ctr.ok(snapshotter === 'stargz' ? ['images', 'rpull', '--plain-http', ref] : ['images', 'pull', '--plain-http', ref], 600_000);
    const info = await readImageInfo(ctr, ref, snapshotter);
    if (!info.topChainId)
        throw new Error(`the image ${ref} has no layers to mount`);
    const key = `${run.id}-image-${index}`;
    const made = await ctr.ok(['snapshots', '--snapshotter', name, readOnly ? 'view' : 'prepare', '--mounts', key, info.topChainId]);
    run.snapshots.push(key);
    const mounts = JSON.parse(made);
    let root;
    const only = mounts[0];
    if (mounts.length === 1 && only?.Type === 'bind')
        root = only.Source;
    else {
        root = (0,external_node_path_.join)(run.dir, 'images', String(index));
        (0,external_node_fs_.mkdirSync)(root, { recursive: true });
        for (const m of mounts) {
            const mounted = await runCommand('mount', ['-t', m.Type, m.Source, root, ...(m.Options.length > 0 ? ['-o', m.Options.join(',')] : [])]);
            if (mounted.code !== 0)
                throw new Error(`mounting image ${ref}: ${mounted.stderr.trim()}`);
        }
        run.mountPoints.push(root);
    }
    // The image's own links must not lead out of it (an `etc -> /` would bind the host's /etc).
    return subpath ? existingUnder(root, subpath, `the image mount at ${destination} (${ref})`) : root;
}

;// CONCATENATED MODULE: ./sandbox/runtime/liveness.ts
/**
 * The liveness probe of a published http port: GET of its liveness path through the port's forwarder. As a
 * kubelet's HTTP probe does, any status from 200 to 399 counts as live; anything else, a refused connection or no
 * answer within the timeout does not.
 */

function probe(socket, path, timeoutMs = 1000) {
    return new Promise((resolve) => {
        const req = (0,external_node_http_.request)({ socketPath: socket, path, method: 'GET', headers: { host: 'localhost', 'user-agent': 'meshagent-sandbox-liveness' }, timeout: timeoutMs }, (response) => {
            response.resume();
            const status = response.statusCode ?? 0;
            resolve(status >= 200 && status < 400 ? { ok: true } : { ok: false, error: `liveness ${path} answered ${status}` });
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (error) => resolve({ ok: false, error: `liveness ${path}: ${error.message}` }));
        req.end();
    });
}

;// CONCATENATED MODULE: ./sandbox/runtime/service-runner.ts
/**
 * One room service's life in the runtime, as a room reconciles it: pull the pinned image, start a container with
 * runc (through containerd), forward and probe its ports, restart it with back-off when it exits, replace it when
 * the spec changes, and clean up everything it made (task, container, forwarders, image mounts, its directory)
 * when it is stopped.
 */









const STOP_GRACE_MS = 3000;
/** A run this long resets the crash back-off (kubelet: 10 min; shorter here, as the back-off is). */
const BACKOFF_RESET_MS = 60_000;
class ServiceRunner {
    host;
    room;
    spec;
    state = 'pending';
    run;
    restartCount = 0;
    /** Crashes in a row without a long enough run between them: the back-off's exponent. */
    crashesInARow = 0;
    lastExitCode;
    lastExitAt;
    startedAt;
    restartScheduledAt;
    ports = [];
    pulled;
    lastError;
    /** Bumped by every replace and stop: work started for an older generation gives up. */
    generation = 0;
    restartTimer;
    logs = [];
    work = Promise.resolve();
    /** Set by `stop`: nothing starts after it, whatever was asked meanwhile (a restart queued behind the stop). */
    done = false;
    constructor(host, room, spec) {
        this.host = host;
        this.room = room;
        this.spec = spec;
    }
    get serviceId() {
        return this.spec.id ?? '';
    }
    get currentSpec() {
        return this.spec;
    }
    get pullRecord() {
        return this.pulled;
    }
    get error() {
        return this.lastError;
    }
    containerLogs() {
        return this.logs;
    }
    /** The forwarder socket of a port of the running container, and whether that port is ready for traffic. */
    endpoint(port) {
        const forwarder = this.run?.forwarders.get(port);
        if (!forwarder || this.state !== 'running')
            return undefined;
        const watch = this.ports.find((p) => p.num === port);
        return { socket: forwarder.socket, ready: watch?.status !== 'not_ready' };
    }
    snapshot() {
        return {
            service_id: this.serviceId,
            state: this.state,
            ...(this.run ? { container_id: this.run.id } : {}),
            restart_count: this.restartCount,
            ...(this.lastExitCode !== undefined ? { last_exit_code: this.lastExitCode } : {}),
            ...(this.lastExitAt !== undefined ? { last_exit_at: this.lastExitAt / 1000 } : {}),
            ...(this.startedAt !== undefined ? { started_at: this.startedAt / 1000 } : {}),
            ...(this.restartScheduledAt !== undefined ? { restart_scheduled_at: this.restartScheduledAt / 1000 } : {}),
            status: {
                ports: this.ports.map((p) => ({
                    num: p.num,
                    ...(p.liveness ? { liveness: p.liveness } : {}),
                    liveness_status: p.status,
                    ...(p.lastError ? { last_error: p.lastError } : {}),
                })),
            },
        };
    }
    /** Pulls and starts; one call per runner, then `replace`, `restart` and `stop`. */
    start() {
        return this.serialise(() => this.pullAndLaunch(this.generation));
    }
    /** An updated spec: a new container replaces the old one (and the image is pulled again if it changed). */
    replace(spec) {
        this.spec = spec;
        const generation = ++this.generation;
        return this.serialise(async () => {
            await this.stopRun();
            this.restartCount = 0;
            this.crashesInARow = 0;
            await this.pullAndLaunch(generation);
        });
    }
    /**
     * `services.restart`: the current spec in a new container. The image is pulled first unless the last pull was of
     * this spec's image: a restart right after an update supersedes the update's own pull, and must not start the
     * image the service ran before.
     */
    restart() {
        const generation = ++this.generation;
        return this.serialise(async () => {
            await this.stopRun();
            this.restartCount = 0;
            this.crashesInARow = 0;
            if (!this.pulled || this.pulled.specImage !== this.spec.container?.image)
                await this.pullAndLaunch(generation);
            else
                await this.launch(generation);
        });
    }
    /** Stops the container and removes what it made; the runner is done. */
    stop() {
        ++this.generation;
        this.done = true;
        return this.serialise(async () => {
            await this.stopRun();
            this.state = 'stopped';
        });
    }
    /** An exit event of one of this runner's containers. */
    onExit(containerId, code) {
        const run = this.run;
        if (!run || run.id !== containerId)
            return;
        run.markExited(code);
        if (run.stopping)
            return;
        // A crash: count it, clean up, and start again after the back-off.
        this.lastExitCode = code;
        this.lastExitAt = Date.now();
        const generation = this.generation;
        void this.serialise(async () => {
            if (generation !== this.generation || this.run !== run)
                return;
            await this.removeRun(run);
            this.run = run; // the exited container stays the one reported until the next one starts
            this.restartCount++;
            for (const port of this.ports)
                port.status = port.liveness ? 'not_ready' : 'not_configured'; // nothing answers now
            // As kubelet does, a container that ran a good while before it crashed starts the back-off over.
            const ranMs = this.startedAt === undefined ? 0 : Date.now() - this.startedAt;
            this.crashesInARow = ranMs > BACKOFF_RESET_MS ? 1 : this.crashesInARow + 1;
            const delay = Math.min(this.host.backoff.initialMs * 2 ** (this.crashesInARow - 1), this.host.backoff.maxMs);
            this.state = 'restarting';
            this.restartScheduledAt = Date.now() + delay;
            this.restartTimer = setTimeout(() => {
                this.restartTimer = undefined;
                if (generation === this.generation)
                    void this.serialise(() => this.launch(generation));
            }, delay);
        });
    }
    // --- the steps ---------------------------------------------------------------------------------------------
    /** One step at a time, in order, whatever asked for it. */
    serialise(step) {
        const next = this.work.then(step).catch((error) => {
            this.state = 'failed';
            this.lastError = error instanceof Error ? error.message : String(error);
            this.host.log(`service ${this.spec.metadata.name} in room ${this.room}: ${this.lastError}`);
        });
        this.work = next;
        return next;
    }
    async pullAndLaunch(generation) {
        if (generation !== this.generation || this.done)
            return;
        const image = this.spec.container?.image ?? '';
        const target = this.host.pullRef(image);
        if ('error' in target)
            throw new Error(target.error);
        this.state = 'pulling';
        this.lastError = undefined;
        const startedAt = Date.now();
        // What had been served of each blob before the pull: the image's blobs are known only after it, so every
        // count is noted (a small map copy).
        const before = new Map(this.host.servedAll());
        const { ctr, snapshotter } = this.host;
        const pullArgs = snapshotter === 'stargz' ? ['images', 'rpull', '--plain-http', target.ref] : ['images', 'pull', '--plain-http', target.ref];
        const pulled = await ctr.run(pullArgs, 600_000);
        if (pulled.code !== 0)
            throw new Error(`pulling ${image} failed: ${(pulled.stderr || pulled.stdout).trim().split('\n').slice(-2).join(' ')}`);
        const info = await readImageInfo(ctr, target.ref, snapshotter);
        this.pulled = { ref: target.ref, specImage: image, startedAt, image: info, servedAtStart: before };
        await this.launch(generation);
    }
    async launch(generation) {
        if (generation !== this.generation || this.done || !this.pulled)
            return;
        this.state = 'starting';
        this.restartScheduledAt = undefined;
        this.startedAt = undefined;
        const id = `${this.spec.metadata.name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40)}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
        const dir = (0,external_node_path_.join)(this.host.dir, 'containers', id);
        const logPath = (0,external_node_path_.join)(this.host.dir, 'logs', `${id}.log`);
        (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
        (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(logPath), { recursive: true });
        let markExited = () => { };
        const exited = new Promise((resolve) => (markExited = resolve));
        let finished = false;
        const run = {
            id,
            dir,
            logPath,
            forwarders: new Map(),
            imageMounts: [],
            mountPoints: [],
            snapshots: [],
            removed: false,
            exited,
            markExited: (code) => ((finished = true), markExited(code)),
            stopping: false,
        };
        this.run = run;
        this.logs.push({ containerId: id, logPath, done: () => finished });
        this.ports = (this.spec.ports ?? []).flatMap((p) => {
            if (p.num === '*')
                return [];
            const liveness = p.type === 'http' && p.liveness ? p.liveness : undefined;
            return [{ num: p.num, ...(liveness ? { liveness } : {}), status: liveness ? 'not_ready' : 'not_configured' }];
        });
        this.host.claim(id, this);
        (0,external_node_fs_.writeFileSync)(logPath, '');
        let plan;
        let binds;
        try {
            plan = planContainer(this.spec, { ...this.host.planContext(this.room), containerDir: dir, sessionId: (0,external_node_crypto_.randomBytes)(16).toString('hex') });
            (0,external_node_fs_.appendFileSync)(logPath, plan.notes.map((note) => `sandbox: ${note}\n`).join(''));
            binds = await prepareMounts(this.host, run, plan);
        }
        catch (error) {
            // What it could not do is said in the container's log too; whatever was made for it is undone.
            (0,external_node_fs_.appendFileSync)(logPath, `sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
            await this.removeRun(run);
            this.run = undefined;
            throw error;
        }
        const envFile = (0,external_node_path_.join)(dir, 'env');
        // The env (it may hold tokens) goes through a file only root reads, never the command line; gone once started.
        // One NAME=VALUE a line: the plan has refused values a line cannot hold.
        (0,external_node_fs_.writeFileSync)(envFile, plan.env.map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 });
        const args = [
            'run',
            '-d',
            '--snapshotter',
            this.host.snapshotter === 'stargz' ? 'stargz' : 'overlayfs',
            '--env-file',
            envFile,
            '--log-uri',
            `file://${logPath}`,
            '--label',
            `meshagent.sandbox.room=${this.room}`,
            '--label',
            `meshagent.sandbox.service=${this.serviceId}`,
            ...(plan.readOnlyRoot ? ['--read-only'] : []),
            ...(plan.cwd ? ['--cwd', plan.cwd] : []),
            ...binds.flatMap((b) => ['--mount', `type=bind,src=${b.source},dst=${b.destination},options=rbind:${b.readOnly ? 'ro' : 'rw'}`]),
            ...run.imageMounts.flatMap((source, i) => {
                const mount = plan.images[i];
                return mount ? ['--mount', `type=bind,src=${source},dst=${mount.destination},options=rbind:${mount.readOnly ? 'ro' : 'rw'}`] : [];
            }),
            this.pulled.ref,
            id,
            ...(plan.args ?? []),
        ];
        const started = await this.host.ctr.run(args, 120_000);
        (0,external_node_fs_.rmSync)(envFile, { force: true });
        if (started.code !== 0) {
            await this.removeRun(run);
            this.run = undefined;
            throw new Error(`starting the container failed: ${(started.stderr || started.stdout).trim().split('\n').slice(-2).join(' ')}`);
        }
        run.pid = await this.host.ctr.taskPid(id);
        if (generation !== this.generation || finished)
            return; // replaced meanwhile, or already exited (onExit handles it)
        if (run.pid !== undefined) {
            for (const port of this.ports) {
                const socket = (0,external_node_path_.join)(this.host.dir, 'sockets', `${id.slice(-8)}-${port.num}.sock`);
                (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(socket), { recursive: true });
                try {
                    run.forwarders.set(port.num, await startForwarder({ pid: run.pid, port: port.num, socket, logPath: (0,external_node_path_.join)(this.host.dir, 'forwarders.log') }));
                }
                catch (error) {
                    this.host.log(String(error));
                }
            }
        }
        this.state = 'running';
        this.startedAt = Date.now();
        void this.watchLiveness(run, generation);
    }
    /** Probes every port with a liveness path while this run is the current one, and notes when it is first ready. */
    async watchLiveness(run, generation) {
        const current = () => generation === this.generation && this.run === run && this.state === 'running';
        for (;;) {
            if (!current())
                return;
            for (const port of this.ports) {
                if (!port.liveness)
                    continue;
                const forwarder = run.forwarders.get(port.num);
                const result = forwarder ? await probe(forwarder.socket, port.liveness) : { ok: false, error: 'no forwarder to the port' };
                if (!current())
                    return;
                port.status = result.ok ? 'ready' : 'not_ready';
                port.lastError = result.error;
            }
            this.noteReady();
            const allReady = this.ports.every((p) => p.status !== 'not_ready');
            // Quick while waiting for the first answer, so pull-to-ready is measured closely; calmer once live.
            await sleep(allReady ? this.host.probeIntervalMs : Math.min(100, this.host.probeIntervalMs));
        }
    }
    /** The first moment after a pull that the container runs and every probed port answers. */
    noteReady() {
        const pulled = this.pulled;
        if (!pulled || pulled.readyAt !== undefined || this.state !== 'running')
            return;
        if (this.ports.some((p) => p.status === 'not_ready'))
            return;
        pulled.readyAt = Date.now();
        pulled.bytesBeforeReady = pulled.image.blobs.reduce((sum, blob) => sum + Math.max(0, this.host.served(blob.digest) - (pulled.servedAtStart.get(blob.digest) ?? 0)), 0);
    }
    /** Stops the current container (SIGTERM, then SIGKILL after a grace period) and removes what it made. */
    async stopRun() {
        if (this.restartTimer)
            clearTimeout(this.restartTimer);
        this.restartTimer = undefined;
        this.restartScheduledAt = undefined;
        const run = this.run;
        if (!run)
            return;
        run.stopping = true;
        const { ctr } = this.host;
        const task = await ctr.run(['tasks', 'kill', run.id]);
        if (task.code === 0) {
            const gone = await Promise.race([run.exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
            if (!gone) {
                await ctr.run(['tasks', 'kill', '-s', 'SIGKILL', run.id]);
                await Promise.race([run.exited, sleep(STOP_GRACE_MS)]);
            }
        }
        await this.removeRun(run);
        this.run = undefined;
        for (const port of this.ports)
            port.status = port.liveness ? 'not_ready' : 'not_configured';
    }
    /** Task, container (with its snapshot), forwarders, image mounts and directory of a run that has ended. */
    async removeRun(run) {
        if (run.removed)
            return;
        run.removed = true;
        for (const forwarder of run.forwarders.values())
            await forwarder.stop();
        run.forwarders.clear();
        const { ctr } = this.host;
        await ctr.run(['tasks', 'delete', '-f', run.id]);
        await ctr.run(['containers', 'delete', run.id]);
        for (const at of run.mountPoints)
            if ((await runCommand('umount', [at])).code !== 0)
                await runCommand('umount', ['-l', at]);
        const name = this.host.snapshotter === 'stargz' ? 'stargz' : 'overlayfs';
        for (const key of run.snapshots)
            await ctr.run(['snapshots', '--snapshotter', name, 'rm', key]);
        (0,external_node_fs_.rmSync)(run.dir, { recursive: true, force: true });
        this.host.release(run.id);
        // No exit event can come for it any more: whoever still waits for its exit is let go.
        run.markExited(run.pid === undefined ? -1 : (this.lastExitCode ?? 0));
    }
}

;// CONCATENATED MODULE: ./sandbox/runtime/runtime.ts
/**
 * The sandbox's room runtime: runs the container services of every room with containerd and runc, as MeshAgent's
 * rooms reconcile their services. It follows the REST state (a create, update or delete there calls `reconcile`),
 * pulls through the stargz snapshotter when FUSE works (else overlayfs), and keeps each service's state, logs and
 * lazy-pull figures. Stopping it stops every container and daemon by PID and unmounts everything under its
 * directory.
 */





/** A service's participant tokens last a day, as the sandbox's room sessions do not end sooner. */
const runtime_TOKEN_SECONDS = 24 * 3600;







/** The runtime could not start on this machine; the sandbox runs without it. */
class RuntimeUnavailable extends Error {
}
/**
 * Kubelet's crash back-off has this shape (10 s doubling to 5 min); a local sandbox waits less so a crashing
 * service shows its restarts within seconds.
 */
const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 30_000 };
/** Mount points under `dir`, deepest first (/proc/self/mounts escapes blanks as octal). */
function mountsUnder(dir) {
    const prefix = `${dir}/`;
    return (0,external_node_fs_.readFileSync)('/proc/self/mounts', 'utf8')
        .split('\n')
        .map((line) => (line.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8))))
        .filter((point) => point.startsWith(prefix))
        .sort((a, b) => b.length - a.length);
}
async function unmountUnder(dir) {
    for (const point of mountsUnder(dir)) {
        if ((await runCommand('umount', [point])).code !== 0)
            await runCommand('umount', ['-l', point]);
    }
}
/** containerd's shims outlive it; ours name our containerd's socket on their command line. */
function shimsOf(address) {
    return processesWhere((args) => (args[0]?.includes('containerd-shim') ?? false) && args.includes(address));
}
class SandboxRuntime {
    options;
    workDir;
    containerd;
    events;
    proxy;
    lazyPullOff;
    runners = new Map();
    byContainer = new Map();
    stopping = false;
    stopped;
    /** Starts, replaces and stops reconcile set going: the runtime's own stop waits for every one. */
    pending = new Set();
    constructor(options, workDir, containerd, events, proxy, 
    /** Why pulls are not lazy, when they are not. */
    lazyPullOff) {
        this.options = options;
        this.workDir = workDir;
        this.containerd = containerd;
        this.events = events;
        this.proxy = proxy;
        this.lazyPullOff = lazyPullOff;
    }
    static async start(options) {
        const unavailable = containersUnavailable();
        if (unavailable)
            throw new RuntimeUnavailable(unavailable);
        const workDir = (0,external_node_path_.join)(options.dir, 'runtime');
        if ((0,external_node_path_.join)(workDir, 'containerd.sock.ttrpc').length > 100)
            throw new RuntimeUnavailable(`${workDir} is too long for containerd's unix sockets; use a shorter sandbox directory`);
        // Whatever an earlier run left: its processes and containers when it was killed without its stop, its files.
        if ((0,external_node_fs_.existsSync)(workDir)) {
            await stopOrphans(workDir, options.log);
            await unmountUnder(workDir);
            for (const name of ['containerd', 'stargz', 'containers', 'sockets', 'logs'])
                (0,external_node_fs_.rmSync)((0,external_node_path_.join)(workDir, name), { recursive: true, force: true });
        }
        (0,external_node_fs_.mkdirSync)(workDir, { recursive: true });
        let lazyPullOff = options.lazyPull === false ? 'lazy pulling is turned off' : fuseUnavailable();
        let binary;
        if (!lazyPullOff) {
            try {
                binary = await stargzBinary();
            }
            catch (error) {
                lazyPullOff = error.message;
            }
        }
        let containerd;
        try {
            containerd = await startContainerd({ dir: workDir, ...(binary ? { stargzBinary: binary } : {}) });
        }
        catch (error) {
            if (!binary || !(error instanceof SnapshotterFailed))
                throw new RuntimeUnavailable(`containerd did not start: ${error.message}`);
            // A snapshotter daemon that does not start costs lazy pulling, not the runtime: containerd pulls whole layers.
            lazyPullOff = error.message;
            try {
                containerd = await startContainerd({ dir: workDir });
            }
            catch (again) {
                throw new RuntimeUnavailable(`containerd did not start: ${again.message}`);
            }
        }
        if (lazyPullOff)
            options.log(`the room runtime pulls whole layers onto overlayfs, not lazily: ${lazyPullOff}`);
        let events;
        try {
            events = await startDaemon('events', 'ctr-remote', ['-a', containerd.address, 'events'], { pipeStdout: true, logPath: (0,external_node_path_.join)(workDir, 'events.log') });
            const proxy = await startPullProxy({ upstream: options.registryHost, pullToken: options.pullToken });
            const runtime = new SandboxRuntime(options, workDir, containerd, events, proxy, lazyPullOff);
            runtime.readEvents(events);
            // Without its events a crash would go unnoticed: say so if the reader ends before the runtime does.
            void events.exited.then(() => {
                if (!runtime.stopping)
                    options.log('the container event reader stopped: crashed containers are no longer restarted');
            });
            runtime.reconcileAll();
            return runtime;
        }
        catch (error) {
            await events?.stop();
            await containerd.stop();
            throw new RuntimeUnavailable(`the room runtime did not start: ${error.message}`);
        }
    }
    get snapshotter() {
        return this.containerd.snapshotter;
    }
    availability() {
        return { available: true, snapshotter: this.containerd.snapshotter, lazy_pull_off: this.lazyPullOff ?? null };
    }
    /** `/tasks/exit` events (`ctr events` prints `<time> <namespace> <topic> <json>`) go to the container's runner. */
    readEvents(events) {
        let buffered = '';
        events.child.stdout?.setEncoding('utf8').on('data', (text) => {
            buffered += text;
            const lines = buffered.split('\n');
            buffered = lines.pop() ?? '';
            for (const line of lines) {
                const at = line.indexOf(` ${NAMESPACE} /tasks/exit `);
                if (at === -1)
                    continue;
                try {
                    const event = JSON.parse(line.slice(line.indexOf('{', at)));
                    // An exec's exit names its exec id; only the task's own (id equal to the container's) ends the container.
                    if (!event.container_id || (event.id && event.id !== event.container_id))
                        continue;
                    this.byContainer.get(event.container_id)?.onExit(event.container_id, event.exit_status ?? 0);
                }
                catch {
                    // not an event line
                }
            }
        });
    }
    host() {
        const { options } = this;
        return {
            ctr: this.containerd.ctr,
            snapshotter: this.containerd.snapshotter,
            dir: this.workDir,
            pullRef: (image) => {
                const prefix = `${options.registryHost}/`;
                if (!image.startsWith(prefix))
                    return { error: `the sandbox runs images from its own registry only (${options.registryHost}), not ${image}` };
                return { ref: `${this.proxy.host}/${image.slice(prefix.length)}` };
            },
            served: (digest) => this.proxy.served(digest),
            servedAll: () => this.proxy.servedAll(),
            planContext: (room) => ({
                room,
                projectId: options.state.data.project.id,
                apiUrl: options.apiUrl,
                roomUrl: `${options.apiUrl.replace(/^http/, 'ws')}/rooms/${encodeURIComponent(room)}`,
                roomStorage: (0,external_node_path_.join)(options.dir, 'rooms', room, 'storage'),
                volumeDir: (name) => (0,external_node_path_.join)(options.dir, 'rooms', room, 'volumes', name),
                // Signed as MeshAgent signs them, with the sandbox's API key: the room, the router and the SDKs all accept them.
                issueToken: (ask) => issueParticipantToken(options.state.mainApiKey, { name: ask.identity, room, role: ask.role, api: ask.api ?? {}, seconds: runtime_TOKEN_SECONDS }),
            }),
            claim: (id, runner) => this.byContainer.set(id, runner),
            release: (id) => this.byContainer.delete(id),
            backoff: options.backoff ?? DEFAULT_BACKOFF,
            probeIntervalMs: options.probeIntervalMs ?? 1000,
            log: options.log,
        };
    }
    /** Brings the room's containers in line with its services: start the new, replace the changed, stop the gone. */
    reconcile(room) {
        if (this.stopping)
            return;
        const wanted = (this.options.state.data.services[room] ?? []).filter((s) => Boolean(s.id && s.container && s.enabled !== false));
        const wantedKeys = new Set(wanted.map((s) => `${room}/${s.id}`));
        for (const [key, runner] of this.runners) {
            if (runner.room === room && !wantedKeys.has(key)) {
                this.runners.delete(key);
                this.track(runner.stop());
            }
        }
        for (const spec of wanted) {
            const key = `${room}/${spec.id}`;
            const runner = this.runners.get(key);
            if (!runner) {
                const created = new ServiceRunner(this.host(), room, structuredClone(spec));
                this.runners.set(key, created);
                this.track(created.start());
            }
            else if (JSON.stringify(runner.currentSpec) !== JSON.stringify(spec)) {
                this.track(runner.replace(structuredClone(spec)));
            }
        }
    }
    /** Work the runtime's stop must wait for (a runner gone from the map is stopped by it alone). */
    track(work) {
        this.pending.add(work);
        void work.finally(() => this.pending.delete(work));
    }
    reconcileAll() {
        const rooms = new Set([...Object.keys(this.options.state.data.services), ...[...this.runners.values()].map((r) => r.room)]);
        for (const room of rooms)
            this.reconcile(room);
    }
    runnersOf(room) {
        const order = (this.options.state.data.services[room] ?? []).map((s) => s.id);
        return [...this.runners.values()].filter((r) => r.room === room).sort((a, b) => order.indexOf(a.serviceId) - order.indexOf(b.serviceId));
    }
    runner(room, serviceId) {
        const runner = this.runners.get(`${room}/${serviceId}`);
        if (!runner)
            throw new RoomRuntimeError(`no container service ${serviceId} in room ${room}`);
        return runner;
    }
    list(room) {
        return this.runnersOf(room).map((r) => r.snapshot());
    }
    async restart(room, serviceId) {
        if (this.stopping)
            throw new RoomRuntimeError('the room runtime is stopping');
        await this.runner(room, serviceId).restart();
    }
    /** The running container's socket for a room's port, for the router; `ready` false while its liveness fails. */
    endpoint(room, port) {
        for (const runner of this.runnersOf(room)) {
            if (!(runner.currentSpec.ports ?? []).some((p) => p.num === port))
                continue;
            const endpoint = runner.endpoint(port);
            return { serviceId: runner.serviceId, ...(endpoint ? { socket: endpoint.socket } : {}), ready: endpoint?.ready ?? false };
        }
        return undefined;
    }
    async *logs(room, target, options = {}) {
        const runners = this.runnersOf(room);
        const found = 'serviceId' in target
            ? this.runner(room, target.serviceId).containerLogs().at(-1)
            : runners.flatMap((r) => r.containerLogs()).find((log) => log.containerId === target.containerId);
        if (!found) {
            if ('containerId' in target)
                throw new RoomRuntimeError(`no container ${target.containerId} in room ${room}`);
            return;
        }
        const file = await (0,promises_.open)(found.logPath, 'r');
        try {
            let position = 0;
            let partial = '';
            const buffer = Buffer.alloc(64 * 1024);
            for (;;) {
                const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
                if (bytesRead > 0) {
                    position += bytesRead;
                    const lines = (partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
                    partial = lines.pop() ?? '';
                    for (const line of lines)
                        yield `${line}\n`;
                    continue;
                }
                // At the end of what is written: done unless following a container that still runs.
                if (!options.follow || options.signal?.aborted || found.done() || this.stopping)
                    break;
                await sleep(200);
            }
            if (partial)
                yield partial;
        }
        finally {
            await file.close();
        }
    }
    report() {
        return [...this.runners.values()].map((runner) => {
            const spec = runner.currentSpec;
            const state = runner.snapshot();
            const pulled = runner.pullRecord;
            return {
                room: runner.room,
                service_id: runner.serviceId,
                name: spec.metadata.name,
                image: spec.container?.image ?? '',
                state: state.state,
                container_id: state.container_id ?? null,
                restart_count: state.restart_count,
                last_exit_code: state.last_exit_code ?? null,
                snapshotter: this.containerd.snapshotter,
                remote_layers: pulled ? pulled.image.remoteLayers : null,
                layers: pulled ? pulled.image.layers : null,
                image_bytes: pulled ? pulled.image.blobs.reduce((sum, blob) => sum + blob.size, 0) : null,
                bytes_fetched_before_ready: pulled?.bytesBeforeReady ?? null,
                pull_to_ready_ms: pulled?.readyAt !== undefined ? pulled.readyAt - pulled.startedAt : null,
                error: runner.error ?? null,
            };
        });
    }
    /**
     * A last sweep before containerd stops: a task or container still there (its runner's stop failed) is killed
     * and removed, and said, as it means a stop went wrong.
     */
    async removeLeftovers() {
        const { ctr } = this.containerd;
        const ids = async (what) => (await ctr.run([what, 'ls', '-q'])).stdout
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean);
        for (const id of await ids('tasks')) {
            this.options.log(`container ${id} was still running when the room runtime stopped; killed`);
            await ctr.run(['tasks', 'delete', '-f', id]);
        }
        for (const id of await ids('containers'))
            await ctr.run(['containers', 'delete', id]);
    }
    /** Stops every container, the daemons and the proxy, and unmounts whatever is left under the runtime's directory. */
    stop() {
        // A second call waits for the first one's end rather than returning while containers still run.
        this.stopped ??= this.stopEverything();
        return this.stopped;
    }
    async stopEverything() {
        this.stopping = true;
        // The runners' stops queue behind their pending work; stops of runners already taken out of the map are in
        // `pending`, and containerd must outlive them all, or their containers would be left running.
        await Promise.all([...[...this.runners.values()].map((runner) => runner.stop()), ...this.pending]);
        this.runners.clear();
        await this.removeLeftovers();
        await this.events.stop();
        await this.containerd.stop();
        await this.proxy.stop();
        for (const pid of shimsOf(this.containerd.address)) {
            try {
                process.kill(pid, 'SIGKILL');
            }
            catch {
                // gone meanwhile
            }
        }
        await unmountUnder(this.workDir);
        for (const name of ['containerd', 'stargz', 'containers', 'sockets'])
            (0,external_node_fs_.rmSync)((0,external_node_path_.join)(this.workDir, name), { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./sandbox/runtime/report.ts
/** The state of a service that no runtime runs: recorded by the API, never started. */
const NOT_RUN = 'not_run';
/** Every container service of the sandbox's rooms, as recorded and not run, with the reason. */
function recordedServices(state, reason) {
    return Object.entries(state.data.services).flatMap(([room, services]) => services
        .filter((spec) => spec.id && spec.container)
        .map((spec) => ({
        room,
        service_id: spec.id ?? '',
        name: spec.metadata.name,
        image: spec.container?.image ?? '',
        state: NOT_RUN,
        container_id: null,
        restart_count: 0,
        last_exit_code: null,
        snapshotter: null,
        remote_layers: null,
        layers: null,
        image_bytes: null,
        bytes_fetched_before_ready: null,
        pull_to_ready_ms: null,
        error: `not run: the room runtime is off (${reason})`,
    })));
}

;// CONCATENATED MODULE: ./sandbox/state.ts
/**
 * The sandbox's state: one project, its API keys, repositories, repository tokens, rooms, services and routes.
 * Kept in memory and written to DIR/state.json after every change (write then rename, so a crash never leaves
 * half a file), so a restarted sandbox keeps everything.
 */



const ALL_PERMISSIONS = ['repositories:create', 'rooms:create', 'services:write', 'routes:write'];
/** A UUID as MeshAgent writes it into an API key: URL-safe base64 of its bytes, unpadded, - as '.'. */
function encodeKeyUuid(uuid) {
    return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url').replaceAll('-', '.');
}
/** A new API key of the project in the real `ma-<keyid>-<projectid>-<secret>` shape. */
function newApiKey(projectId) {
    return `ma-${encodeKeyUuid((0,external_node_crypto_.randomUUID)())}-${encodeKeyUuid(projectId)}-${(0,external_node_crypto_.randomBytes)(24).toString('base64url')}`;
}
function initialData() {
    const projectId = (0,external_node_crypto_.randomUUID)();
    return {
        version: 1,
        project: { id: projectId, name: 'Sandbox', project_key: 'sandbox', owner_user_id: (0,external_node_crypto_.randomUUID)(), created_at: new Date().toISOString() },
        apiKeys: [{ key: newApiKey(projectId), permissions: [...ALL_PERMISSIONS] }],
        repositories: [],
        repositoryTokens: [],
        rooms: [],
        services: {},
        routes: [],
    };
}
class SandboxState {
    data;
    file;
    constructor(dir) {
        this.file = (0,external_node_path_.join)(dir, 'state.json');
        this.data = (0,external_node_fs_.existsSync)(this.file) ? JSON.parse((0,external_node_fs_.readFileSync)(this.file, 'utf8')) : initialData();
        this.save();
    }
    /** The key the sandbox prints: it may do everything. */
    get mainApiKey() {
        const main = this.data.apiKeys[0];
        if (!main)
            throw new Error('sandbox state has no API key');
        return main.key;
    }
    /** Writes the state; called after every change. */
    save() {
        const temp = `${this.file}.${process.pid}.tmp`;
        (0,external_node_fs_.writeFileSync)(temp, JSON.stringify(this.data, null, 2));
        (0,external_node_fs_.renameSync)(temp, this.file);
    }
}

;// CONCATENATED MODULE: ./sandbox/server.ts
/**
 * The local MeshAgent sandbox: the REST API (api.ts), the room websocket (room/), the registry token endpoint
 * (registry-token.ts), a real registry (registry.ts), fault injection (faults.ts) and persistence (state.ts), on
 * 127.0.0.1 only; with `runtime`, also the room runtime (runtime/: containerd runs the rooms' services) and the
 * router for their domains (router.ts).
 */














const MAX_BODY = 1024 * 1024;
async function readBody(request) {
    const chunks = [];
    let size = 0;
    for await (const chunk of request) {
        size += chunk.length;
        if (size > MAX_BODY)
            throw new Error('request body too large');
        chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
}
function sendJson(response, status, json) {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(json));
}
async function startSandbox(options) {
    (0,external_node_fs_.mkdirSync)(options.dir, { recursive: true });
    const state = new SandboxState(options.dir);
    // Made on first need (openssl runs once per DIR), so a sandbox without its own registry needs no openssl.
    let signingKey;
    const key = () => (signingKey ??= ensureSigningKey(options.dir));
    const faults = new Faults();
    const log = options.log ?? ((message) => process.stderr.write(`meshagent-sandbox: ${message}\n`));
    const withRegistry = options.registry ?? true;
    if (withRegistry && options.registryHost)
        throw new Error('registryHost names a registry run elsewhere: give it with registry: false');
    const recorded = readRecordedPorts(options.dir, state);
    const chosen = {};
    chosen.api = await choosePort(options.port, recorded.api);
    const port = chosen.api.port;
    const apiUrl = `http://127.0.0.1:${port}`;
    if (withRegistry) {
        await stopLeftRegistry(options.dir, log);
        chosen.registry = await choosePort(options.registryPort, recorded.registry);
    }
    const registryPort = chosen.registry?.port;
    const registryHost = registryPort === undefined ? options.registryHost : `127.0.0.1:${registryPort}`;
    let runtime;
    /** Why the room runtime is off, when it was asked for and could not start. */
    let runtimeOff;
    const api = new SandboxApi({ state, apiUrl, registryHost, pagesDomain: 'sandbox.localhost', onServicesChanged: (room) => runtime?.reconcile(room) });
    // The room protocol asks whichever runtime runs now: the containers once they run, else none.
    const roomRuntime = options.roomRuntime ?? {
        list: (room) => (runtime ?? NO_RUNTIME).list(room),
        restart: (room, serviceId) => (runtime ?? NO_RUNTIME).restart(room, serviceId),
        logs: (room, target, logOptions) => (runtime ?? NO_RUNTIME).logs(room, target, logOptions),
    };
    const rooms = new RoomServer({ state, runtime: roomRuntime, apiUrl });
    /** The sandbox's own controls, for tests: faults, extra API keys, legacy routes. Not part of MeshAgent's API. */
    function serveControl(request, response, path, body) {
        if (path === '/_sandbox/faults' && request.method === 'POST') {
            const rule = FaultRule.safeParse(JSON.parse(body || '{}'));
            if (!rule.success)
                return sendJson(response, 400, { error: { message: rule.error.message } });
            faults.add(rule.data);
            return sendJson(response, 200, {});
        }
        if (path === '/_sandbox/faults' && request.method === 'DELETE') {
            faults.clear();
            return sendJson(response, 200, {});
        }
        if (path === '/_sandbox/runtime' && request.method === 'GET') {
            const token = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7) : undefined;
            if (!token || !state.data.apiKeys.some((k) => k.key === token))
                return sendJson(response, 401, { error: { message: 'authentication required: Authorization: Bearer <api key>' } });
            if (!runtime) {
                const reason = runtimeOff ?? 'the sandbox was started without its room runtime';
                return sendJson(response, 200, { runtime: { available: false, reason }, snapshotter: null, services: recordedServices(state, reason) });
            }
            return sendJson(response, 200, { runtime: runtime.availability(), snapshotter: runtime.snapshotter, services: runtime.report() });
        }
        if (path === '/_sandbox/legacy-routes' && request.method === 'POST') {
            const answer = api.storeLegacyRoute(JSON.parse(body || '{}'));
            return sendJson(response, answer.status, answer.json);
        }
        if (path === '/_sandbox/room-connections/drop' && request.method === 'POST') {
            return sendJson(response, 200, { dropped: rooms.drop() });
        }
        if (path === '/_sandbox/api-keys' && request.method === 'POST') {
            const asked = JSON.parse(body || '{}').permissions ?? [];
            const permissions = asked.filter((p) => ALL_PERMISSIONS.includes(p));
            const apiKey = newApiKey(state.data.project.id);
            state.data.apiKeys.push({ key: apiKey, permissions });
            state.save();
            return sendJson(response, 200, { key: apiKey, permissions });
        }
        sendJson(response, 404, { error: { message: 'not found' } });
    }
    async function serve(request, response) {
        const url = new URL(request.url ?? '/', apiUrl);
        const path = url.pathname;
        // The sandbox's own controls are never faulted, so a test can always clear what it injected.
        if (!path.startsWith('/_sandbox/') && (await faults.intercept(request, response, path)))
            return;
        let body;
        try {
            body = await readBody(request);
        }
        catch {
            return sendJson(response, 413, { error: { message: 'request body too large' } });
        }
        if (path.startsWith('/_sandbox/'))
            return serveControl(request, response, path, body);
        if (path === '/registry/token')
            return serveRegistryToken(request, response, url, body, state, key());
        let parsedBody;
        let segments;
        try {
            parsedBody = body === '' ? undefined : JSON.parse(body);
            segments = path.split('/').filter(Boolean).map(decodeURIComponent);
        }
        catch {
            return sendJson(response, 400, { error: { message: 'invalid request: the body or path is malformed' } });
        }
        const apiRequest = {
            method: request.method ?? 'GET',
            segments,
            query: url.searchParams,
            authorization: request.headers.authorization,
            consistency: typeof request.headers.consistency === 'string' ? request.headers.consistency : undefined,
            body: parsedBody,
        };
        const answer = api.handle(apiRequest);
        faults.served(request.method, path);
        sendJson(response, answer.status, answer.json);
    }
    const server = (0,external_node_http_.createServer)((request, response) => {
        serve(request, response).catch((error) => {
            if (!response.headersSent)
                sendJson(response, 500, { error: { message: `sandbox error: ${String(error)}` } });
            else
                response.destroy();
        });
    });
    server.on('upgrade', (request, socket, head) => {
        if (!rooms.handleUpgrade(request, socket, head))
            socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
    });
    let registry;
    if (registryPort !== undefined) {
        try {
            registry = await startRegistry({ dir: options.dir, port: registryPort, tokenRealm: `${apiUrl}/registry/token`, certPath: key().certPath });
        }
        catch (error) {
            await new Promise((resolve) => server.close(resolve));
            throw error;
        }
    }
    let router;
    if (options.runtime) {
        try {
            if (!registry)
                throw new RuntimeUnavailable("the runtime pulls from the sandbox's own registry, which is not running");
            const registryKey = key();
            runtime = await SandboxRuntime.start({
                ...(typeof options.runtime === 'object' ? options.runtime : {}),
                dir: options.dir,
                state,
                apiUrl,
                registryHost: registry.host,
                pullToken: (repository) => issueRegistryToken(registryKey, [{ type: 'repository', name: repository, actions: ['pull'] }]),
                log,
            });
            chosen.router = await choosePort(options.routerPort, recorded.router);
            router = await startRouter({ state, runtime, port: chosen.router.port });
        }
        catch (error) {
            await runtime?.stop();
            runtime = undefined;
            if (!(error instanceof RuntimeUnavailable)) {
                await registry?.stop();
                await new Promise((resolve) => server.close(resolve));
                throw error;
            }
            runtimeOff = error.message;
            log(`the room runtime is off, services are recorded but not run: ${error.message}`);
        }
    }
    // Said once everything listens, and recorded for the next run on this directory: the addresses served now.
    for (const listener of ['api', 'registry', 'router']) {
        const from = recorded[listener];
        const to = chosen[listener]?.port;
        if (from !== undefined && to !== undefined && to !== from)
            log(movedNotice(listener, { from, to, taken: chosen[listener]?.taken === from }, state));
    }
    recordPorts(options.dir, { api: port, ...(registry ? { registry: registryPort } : {}), ...(router ? { router: chosen.router?.port } : {}) }, recorded);
    return {
        apiUrl,
        apiKey: state.mainApiKey,
        projectId: state.data.project.id,
        projectKey: state.data.project.project_key,
        registryHost,
        state,
        faults,
        runtime,
        routerHost: router?.host,
        env: () => ({
            MESHAGENT_API_URL: apiUrl,
            MESHAGENT_API_KEY: state.mainApiKey,
            MESHAGENT_PROJECT_ID: state.data.project.id,
            ...(registryHost ? { MESHAGENT_SANDBOX_REGISTRY: registryHost } : {}),
            // The routed domains are served here over plain HTTP: meshagent-ship's URL probe asks the router for them.
            ...(router ? { MESHAGENT_SANDBOX_ROUTER: router.host, MESHAGENT_SHIP_PROBE_ORIGIN: `http://${router.host}` } : {}),
        }),
        stop: async () => {
            await router?.stop();
            await runtime?.stop();
            await registry?.stop();
            await rooms.close();
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        },
    };
}


/***/ })

};
