export const id = 399;
export const ids = [399];
export const modules = {

/***/ 61699:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ apiScope),
/* harmony export */   O: () => (/* binding */ tokenScope)
/* harmony export */ });
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(38816);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/**
 * The ApiScope of a participant token, as the MeshAgent CLI sends it for `meshagent-token`: a named preset, or an
 * ApiScope object read as the CLI's pydantic model reads it (defaults filled, unknown fields dropped).
 */


/**
 * The ApiScope the CLI sends for each `meshagent-token` preset: `ApiScope.agent_default()`, `user_default()` and
 * `full()` (meshagent-api participant_token.py:733-809) serialised as pydantic dumps them, every field present and
 * unset ones null (the create body then drops the nulls, as `exclude_none` does). Note: `user_default` has no `llm`
 * grant, and no preset grants `secrets`.
 */
const GRANT_DEFAULTS = {
    livekit: { breakout_rooms: null },
    queues: { send: null, receive: null, list: true },
    messaging: { broadcast: true, list: true, send: true },
    dataset: { tables: null, list_tables: true },
    sqlite: { databases: null, create_database: true, list_databases: true },
    memory: { list: true, memories: null },
    sync: { paths: null },
    storage: { paths: null },
    containers: { logs: true, pull: null, run: null, registry: null, use_containers: true },
    developer: { logs: true },
    agents: {
        register_agent: true,
        register_public_toolkit: true,
        register_private_toolkit: true,
        call: true,
        use_agents: true,
        use_tools: true,
        allowed_toolkits: null,
    },
    llm: { models: null },
    admin: { config: true },
    secrets: {},
    tunnels: { ports: null },
    services: { list: true },
};
/** ApiScope's fields in declaration order. */
const SCOPE_FIELDS = Object.keys(GRANT_DEFAULTS);
const BASE_GRANTS = ['livekit', 'queues', 'messaging', 'dataset', 'sqlite', 'memory', 'sync', 'storage', 'containers', 'developer', 'agents'];
const SCOPE_PRESETS = {
    agentDefault: [...BASE_GRANTS, 'llm', 'services'],
    userDefault: [...BASE_GRANTS, 'services'],
    full: [...BASE_GRANTS, 'llm', 'admin', 'tunnels', 'services'],
};
/** A required field of a grant entry (no default). */
const REQUIRED = Symbol('required');
const PATH_GRANT = { path: REQUIRED, read_only: false };
const TABLE_GRANT = { name: REQUIRED, namespace: null, write: false, read: true, alter: false };
const SQLITE_TABLE_GRANT = { database: REQUIRED, table: REQUIRED, namespace: null, write: false, read: true, alter: false };
const MEMORY_PERMISSIONS = { create: true, drop: true, inspect: true, query: true, upsert: true, ingest: true, recall: true, optimize: true };
/** Nested entries of the grants, with their defaults (participant_token.py). */
const GRANT_NESTED = {
    dataset: { tables: { listOf: TABLE_GRANT } },
    sqlite: {
        databases: {
            listOf: {
                name: REQUIRED,
                namespace: null,
                create_table: true,
                drop: false,
                inspect: true,
                list_tables: true,
                execute: true,
                tables: { listOf: SQLITE_TABLE_GRANT },
            },
        },
    },
    memory: { memories: { listOf: { name: REQUIRED, namespace: null, permissions: { objectOf: MEMORY_PERMISSIONS, fill: true } } } },
    sync: { paths: { listOf: PATH_GRANT } },
    storage: { paths: { listOf: PATH_GRANT } },
    containers: { registry: { objectOf: { list: null, pull: null, run: null, write: null } } },
};
const isRecord = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isListOf = (value) => isRecord(value) && 'listOf' in value;
const isObjectOf = (value) => isRecord(value) && 'objectOf' in value;
/**
 * One object read as pydantic reads it into a model with these fields: defaults filled, unknown fields dropped (or
 * refused when `forbid`), a missing required field refused. Returns undefined when it does not validate.
 */
function fillShape(shape, value, forbid = false) {
    if (!isRecord(value))
        return undefined;
    if (forbid && Object.keys(value).some((key) => !(key in shape)))
        return undefined;
    const result = {};
    for (const [field, spec] of Object.entries(shape)) {
        const given = value[field];
        if (spec === REQUIRED) {
            if (given === undefined)
                return undefined;
            result[field] = given;
        }
        else if (isListOf(spec)) {
            if (given === undefined || given === null)
                result[field] = null;
            else if (!Array.isArray(given))
                return undefined;
            else {
                const items = given.map((item) => fillShape(spec.listOf, item));
                if (items.some((item) => item === undefined))
                    return undefined;
                result[field] = items;
            }
        }
        else if (isObjectOf(spec)) {
            const filled = given === undefined ? (spec.fill ? fillShape(spec.objectOf, {}) : null) : given === null ? null : fillShape(spec.objectOf, given);
            if (filled === undefined)
                return undefined;
            result[field] = filled;
        }
        else {
            result[field] = given === undefined ? spec : given;
        }
    }
    return result;
}
/**
 * A JSON ApiScope as the CLI's `ApiScope.model_validate_json` reads it and sends it back: every field present
 * (unset ones null), each grant with its defaults filled, `database`/`datasets` read as `dataset`, unknown fields
 * dropped (`secrets` forbids them). Undefined when the CLI would refuse it.
 */
function normalizeApiScope(value) {
    const given = { ...value };
    // AliasChoices("dataset", "database", "datasets"): the first of these present is the one read.
    given.dataset = ['dataset', 'database', 'datasets'].map((key) => value[key]).find((v) => v !== undefined);
    const scope = {};
    for (const field of SCOPE_FIELDS) {
        const grant = given[field];
        if (grant === undefined || grant === null) {
            scope[field] = null;
            continue;
        }
        const filled = fillShape({ ...GRANT_DEFAULTS[field], ...GRANT_NESTED[field] }, grant, field === 'secrets');
        if (filled === undefined)
            return undefined;
        scope[field] = filled;
    }
    return scope;
}
/**
 * An ApiScope inside a service spec (a token env var's, an endpoint's), read as its model reads it and written back
 * whole, as the SDK dumps it; refused where the model refuses it.
 */
const apiScope = zod__WEBPACK_IMPORTED_MODULE_1__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_1__/* .unknown */ .L5J()).transform((value, ctx) => {
    const scope = normalizeApiScope(value);
    if (scope === undefined)
        ctx.addIssue({ code: 'custom', message: 'not a valid ApiScope' });
    return scope ?? value;
});
/** An ApiScope object for `meshagent-token`, exactly as the CLI sends it. */
function tokenScope(input) {
    if ('scope' in input) {
        const scope = normalizeApiScope(input.scope);
        if (scope === undefined) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('meshagent-token must be one of userDefault, agentDefault, full, or a JSON ApiScope object', {
                input: 'meshagent-token',
                hint: 'the JSON must be an ApiScope: grant names such as "storage" or "queues" mapping to objects',
            });
        }
        return scope;
    }
    const grants = SCOPE_PRESETS[input.preset];
    return Object.fromEntries(SCOPE_FIELDS.map((field) => [field, grants.includes(field) ? structuredClone(GRANT_DEFAULTS[field]) : null]));
}


/***/ }),

/***/ 96399:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  il: () => (/* binding */ MeshagentClient),
  zM: () => (/* binding */ isStatus)
});

// UNUSED EXPORTS: withoutNulls

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/http.ts + 11 modules
var http = __webpack_require__(19990);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(38816);
// EXTERNAL MODULE: ./src/meshagent/wire-model.ts
var wire_model = __webpack_require__(61293);
;// CONCATENATED MODULE: ./src/meshagent/wire.ts
/**
 * MeshAgent's REST wire types as zod schemas (meshagent-api: client.py and specs/service.py).
 *
 * Request bodies are strict, as the API's own models forbid unknown fields: the client sends nothing else and the
 * sandbox rejects anything else. Responses are read leniently (unknown fields ignored), so a newer server does not
 * break an older action.
 */


// ---------------------------------------------------------------------------------------------------------------
// Deployment config and projects
const DeploymentConfig = schemas/* object */.Ikc({
    domains: schemas/* object */.Ikc({
        studio: schemas/* string */.YjP().nullish(),
        accounts: schemas/* string */.YjP().nullish(),
        powerboards: schemas/* string */.YjP().nullish(),
        api: schemas/* string */.YjP().nullish(),
        mail: schemas/* string */.YjP().nullish(),
        pages: schemas/* string */.YjP().nullish(),
        registry: schemas/* string */.YjP().nullish(),
    })
        .default({}),
    version: schemas/* string */.YjP().nullish(),
});
const ProjectInfo = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    owner_user_id: schemas/* string */.YjP().nullish(),
    name: schemas/* string */.YjP(),
    project_key: schemas/* string */.YjP().nullish(),
    created_at: schemas/* string */.YjP().nullish(),
});
// ---------------------------------------------------------------------------------------------------------------
// Registry repositories and tokens
const CreateRepositoryRequest = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    description: schemas/* string */.YjP().default(''),
    annotations: wire_model/* stringMap */.Qi.default({}),
});
const ProjectRepository = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    project_id: schemas/* string */.YjP(),
    name: schemas/* string */.YjP(),
    description: schemas/* string */.YjP().nullish(),
    annotations: wire_model/* stringMap */.Qi.nullish(),
    created_at: schemas/* string */.YjP().nullish(),
});
const RepositoryList = schemas/* object */.Ikc({
    repositories: schemas/* array */.YOg(ProjectRepository),
    total: schemas/* number */.aig().nullish(),
    continuation_token: schemas/* string */.YjP().nullish(),
});
const RepositoryTokenRequest = schemas/* strictObject */.rej({
    actions: schemas/* array */.YOg(schemas/* enum */.k5n(['pull', 'push'])).min(1),
    expires_in_seconds: schemas/* number */.aig().int().positive(),
});
const RepositoryToken = schemas/* object */.Ikc({ token: schemas/* string */.YjP(), expires_at: schemas/* string */.YjP() });
// ---------------------------------------------------------------------------------------------------------------
// Rooms
const CreateRoomRequest = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    if_not_exists: schemas/* boolean */.zMY().default(false),
    metadata: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J()).nullish(),
    annotations: wire_model/* stringMap */.Qi.nullish(),
    permissions: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J()).nullish(),
});
const Room = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    name: schemas/* string */.YjP(),
    metadata: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J()).nullish(),
    annotations: wire_model/* stringMap */.Qi.nullish(),
    enabled: schemas/* boolean */.zMY().nullish(),
});
/** POST .../rooms/{room}/connect (client.py 4588-4598): a participant token and the room's websocket URL. */
const RoomConnectAnswer = schemas/* object */.Ikc({ jwt: schemas/* string */.YjP(), room_url: schemas/* string */.YjP() });

// EXTERNAL MODULE: ./src/meshagent/image-runtime.ts
var image_runtime = __webpack_require__(95010);
// EXTERNAL MODULE: ./src/meshagent/service-template.ts
var service_template = __webpack_require__(57184);
;// CONCATENATED MODULE: ./src/meshagent/wire-route.ts
/**
 * Routes (meshagent-api specs/service.py RouteSpec, 499-708; client.py Route, 694-720): a domain sent to a room's
 * port or to an agent, or served from room storage. Every model forbids unknown fields. Parsing gives the route as
 * the SDK serialises it: defaults filled, and each path without `stripPrefix` when false and without the target it
 * does not use (RoutePathSpec's serializer).
 *
 * Routes stored before RouteSpec existed are answered in their flat form, `{domain, room_name, port, annotations}`;
 * both SDKs still read it (`migrate_legacy_route`), and so does this client.
 */


/** A list of strings trimmed (and upper-cased), refused when empty or holding a blank, as the CORS validators do. */
function trimmedList(options) {
    return schemas/* array */.YOg(schemas/* string */.YjP()).transform((items, ctx) => {
        if (options.emptyList !== undefined && items.length === 0)
            ctx.addIssue({ code: 'custom', message: options.emptyList });
        const trimmed = items.map((item) => (options.upper ? item.trim().toUpperCase() : item.trim()));
        if (trimmed.some((item) => item === ''))
            ctx.addIssue({ code: 'custom', message: options.blankItem });
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
/** `RouteContentSpec` (service.py:581-598): a subpath of room storage, stripped of spaces and slashes. */
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
const RoutePath = schemas/* strictObject */.rej({
    path: schemas/* string */.YjP()
        .default('/')
        .refine((p) => p.startsWith('/'), { message: 'RouteSpec paths must start with /' }),
    pathType: schemas/* enum */.k5n(['prefix', 'exact']).default('prefix'),
    stripPrefix: schemas/* boolean */.zMY().default(false),
    targetPort: (0,wire_model/* optional */.lq)(schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig().int()]).refine((p) => typeof p !== 'string' || p.trim() !== '', { message: 'RouteSpec targetPort must not be empty' })),
    targetContent: (0,wire_model/* optional */.lq)(RouteContentSpec),
})
    .superRefine((p, ctx) => {
    if ((p.targetPort === null) === (p.targetContent === null)) {
        ctx.addIssue({ code: 'custom', message: 'RouteSpec paths require exactly one of targetPort or targetContent' });
    }
    else if (p.targetContent !== null && p.stripPrefix) {
        ctx.addIssue({ code: 'custom', message: 'RouteSpec content paths do not support stripPrefix; the route path is always removed' });
    }
})
    .transform(({ stripPrefix, targetPort, targetContent, ...rest }) => ({
    ...rest,
    ...(stripPrefix ? { stripPrefix } : {}),
    ...(targetPort !== null ? { targetPort } : {}),
    ...(targetContent !== null ? { targetContent } : {}),
}));
const isRecord = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
/** A flat legacy route as RouteSpec (`migrate_legacy_route`): one `/` path to its port; anything else as it is. */
function migrateLegacyRoute(value) {
    if (!isRecord(value) || 'backend' in value || !('room_name' in value))
        return value;
    const { domain, room_name: roomName, port } = value;
    const annotations = isRecord(value.annotations) ? value.annotations : {};
    return {
        version: 'v1',
        kind: 'Route',
        // Python's str(domain or "").
        metadata: { name: typeof domain === 'string' ? domain : '', annotations },
        domain,
        backend: { room: { name: roomName } },
        paths: [{ path: '/', pathType: 'prefix', targetPort: port }],
    };
}
const BackendName = schemas/* strictObject */.rej({ name: schemas/* string */.YjP() });
const RouteSpecModel = schemas/* strictObject */.rej({
    version: schemas/* literal */.euz('v1').default('v1'),
    kind: schemas/* literal */.euz('Route').default('Route'),
    metadata: schemas/* strictObject */.rej({ name: schemas/* string */.YjP(), annotations: wire_model/* stringMap */.Qi.default({}) }),
    domain: schemas/* string */.YjP(),
    backend: schemas/* strictObject */.rej({ room: (0,wire_model/* optional */.lq)(BackendName), agent: (0,wire_model/* optional */.lq)(BackendName) })
        .refine((b) => (b.room === null) !== (b.agent === null), { message: 'RouteSpec backend requires exactly one of room or agent' }),
    paths: schemas/* array */.YOg(RoutePath).default([]),
})
    .refine((r) => r.backend.room === null || r.paths.length > 0, { message: 'RouteSpec room backend requires at least one path' })
    .refine((r) => r.backend.agent === null || r.paths.length === 0, { message: 'RouteSpec agent backend does not support paths' });
/** A route spec; a flat legacy route is read as the spec it stands for. */
const RouteSpec = schemas/* preprocess */.vkY(migrateLegacyRoute, RouteSpecModel);
/** A route (`Route`): `{domain, spec}`, or a bare spec (flat legacy or not), read as `{domain: spec.domain, spec}`. */
const bareSpecAsRoute = (value) => (isRecord(value) && !('spec' in value) ? { domain: value.domain, spec: value } : value);
const RouteRecord = schemas/* preprocess */.vkY(bareSpecAsRoute, schemas/* object */.Ikc({ domain: schemas/* string */.YjP(), spec: RouteSpec }));
/** `GET …/routes/{domain}`: `{route}`. */
const RouteAnswer = schemas/* object */.Ikc({ route: RouteRecord });
/**
 * A room's routes (`GET …/rooms/{room}/routes`), read leniently: only what finds a service's domain, the domain and
 * the annotations of the route's metadata (where a legacy route's own annotations go).
 */
const RoomRouteList = schemas/* object */.Ikc({
    routes: schemas/* array */.YOg(schemas/* preprocess */.vkY((value) => {
        const route = bareSpecAsRoute(value);
        return isRecord(route) ? { ...route, spec: migrateLegacyRoute(route.spec) } : route;
    }, schemas/* looseObject */._H3({
        domain: schemas/* string */.YjP(),
        spec: schemas/* looseObject */._H3({ metadata: schemas/* looseObject */._H3({ annotations: wire_model/* stringMap */.Qi.nullish() }).nullish() }).nullish(),
    }))),
    total: schemas/* number */.aig().nullish(),
});

// EXTERNAL MODULE: ./src/meshagent/wire-service.ts + 1 modules
var wire_service = __webpack_require__(69304);
;// CONCATENATED MODULE: ./src/meshagent/client.ts
/**
 * A typed client of MeshAgent's accounts REST API: the calls meshagent-ship needs, with the headers the SDK sends
 * (Authorization: Bearer <key>, Consistency) and zod-checked answers. The API key and every token it receives are
 * handed to `mask` the moment they are known.
 */







const enc = encodeURIComponent;
class MeshagentClient {
    options;
    http;
    secrets;
    project;
    constructor(options) {
        this.options = options;
        // An offline dry run has no key: there is nothing to mask or to scrub.
        if (options.apiKey !== '')
            options.mask(options.apiKey);
        this.secrets = options.apiKey === '' ? [] : [options.apiKey];
        this.project = `/accounts/projects/${enc(options.projectId)}`;
        this.http = new http/* HttpClient */.Qq({ ...options.http, baseUrl: options.apiUrl, secrets: () => this.secrets });
    }
    get projectId() {
        return this.options.projectId;
    }
    close() {
        return this.http.close();
    }
    call(request) {
        const { consistency, ...rest } = request;
        return this.http.request({
            ...rest,
            headers: { authorization: `Bearer ${this.options.apiKey}`, consistency: consistency ?? 'fast', ...rest.headers },
        });
    }
    /** A token from the API: masked before anything else can see it. */
    remember(secret) {
        this.options.mask(secret);
        this.secrets.push(secret);
    }
    // --- config and project ------------------------------------------------------------------------------------------
    async getConfig(options = {}) {
        return (await this.call({ method: 'GET', url: '/config', what: 'read the MeshAgent deployment config', ...options })).json(DeploymentConfig);
    }
    async getProject(options = {}) {
        return (await this.call({ method: 'GET', url: this.project, what: 'read the project', ...options })).json(ProjectInfo);
    }
    /**
     * A service template rendered with its values and checked by the API (`POST /templates/render`, as the CLI's
     * render-template and validate-template ask). A template it refuses is the CLI's error, with the API's details.
     */
    async renderTemplate(template, values) {
        const response = await this.call({
            method: 'POST',
            url: '/templates/render',
            json: { template, values },
            accept: [200, 400, 422],
            what: 'render the service template',
            // Rendering writes nothing: asking twice is safe.
            idempotent: true,
        });
        if (response.status !== 200) {
            const body = response.json();
            const details = body.error?.message ?? body.detail ?? response.text();
            throw new errors/* ShipError */.fS(`Invalid service template. The input is not in the correct service template format. Validation details: ${typeof details === 'string' ? details : JSON.stringify(details)}`, { input: 'service-template', hint: 'fix the template or its values (values, set); the details name the field' });
        }
        return response.json(service_template/* RenderedTemplate */.Ai);
    }
    // --- registry repositories -----------------------------------------------------------------------------------
    /** The repository named `name` (the part after the project key), or undefined. */
    async findRepository(name, consistency) {
        const response = await this.call({
            method: 'GET',
            url: `${this.project}/repositories/by-name/${enc(name)}`,
            accept: [200, 404],
            consistency,
            what: `look up registry repository ${name}`,
        });
        return response.status === 404 ? undefined : response.json(ProjectRepository);
    }
    /** Every repository, following continuation tokens (the CLI reads only the first page). */
    async listRepositories() {
        const all = [];
        let token;
        do {
            const page = (await this.call({
                method: 'GET',
                url: `${this.project}/repositories`,
                query: { page_size: 100, continuation_token: token },
                what: 'list registry repositories',
            })).json(RepositoryList);
            all.push(...page.repositories);
            token = page.continuation_token ?? undefined;
        } while (token);
        return all;
    }
    async createRepository(request) {
        const json = { name: request.name, description: request.description ?? '', annotations: request.annotations ?? {} };
        return (await this.call({ method: 'POST', url: `${this.project}/repositories`, json, what: `create registry repository ${request.name}` })).json(ProjectRepository);
    }
    /** A short-lived registry credential for one repository (user `meshagent`, this token as password). */
    async createRepositoryToken(repositoryId, request) {
        const response = await this.call({
            method: 'POST',
            url: `${this.project}/repositories/${enc(repositoryId)}/token`,
            json: { actions: [...new Set(request.actions)], expires_in_seconds: request.expires_in_seconds },
            what: 'mint a registry repository token',
            // Another short-lived token: asking twice is harmless.
            idempotent: true,
        });
        // Masked before parsing, so even a schema error cannot print it.
        const raw = response.json();
        if (typeof raw.token === 'string')
            this.remember(raw.token);
        return response.json(RepositoryToken);
    }
    // --- rooms ---------------------------------------------------------------------------------------------------------
    async getRoom(name) {
        const response = await this.call({ method: 'GET', url: `${this.project}/rooms/${enc(name)}`, accept: [200, 404], what: `look up room ${name}` });
        return response.status === 404 ? undefined : response.json(Room);
    }
    async createRoom(request) {
        const json = {
            name: request.name,
            if_not_exists: request.if_not_exists ?? false,
            metadata: request.metadata ?? null,
            annotations: request.annotations ?? null,
            permissions: request.permissions ?? null,
        };
        return (await this.call({ method: 'POST', url: `${this.project}/rooms`, json, what: `create room ${request.name}` })).json(Room);
    }
    /** Deletes a room by its id (client.py `delete_room`); one already gone (404) counts as deleted. */
    async deleteRoom(room) {
        await this.call({ method: 'DELETE', url: `${this.project}/rooms/${enc(room.id)}`, accept: [200, 204, 404], what: `delete room ${room.name}` });
    }
    /**
     * A participant token for the room and its websocket URL, as the SDKs join a room. The token is masked before
     * anything else sees it. A room that does not exist is the CLI's error.
     */
    async connectRoom(room) {
        const response = await this.call({
            method: 'POST',
            url: `${this.project}/rooms/${enc(room)}/connect`,
            json: {},
            accept: [200, 404],
            what: `connect to room ${room}`,
            // A participant token more is harmless: asking twice is safe.
            idempotent: true,
        });
        if (response.status === 404) {
            throw new errors/* ShipError */.fS(`Room does not exist: ${room}`, {
                input: 'room',
                hint: `Create it first with 'meshagent rooms create ${room} --if-not-exists', or set create-room: true, then retry deploy.`,
            });
        }
        const raw = response.json();
        if (typeof raw.jwt === 'string')
            this.remember(raw.jwt);
        const answer = response.json(RoomConnectAnswer);
        return { url: answer.room_url, jwt: answer.jwt };
    }
    /** Every credential this client knows (the API key, the tokens it was given), to hide in text from elsewhere. */
    knownSecrets() {
        return this.secrets;
    }
    // --- room services -------------------------------------------------------------------------------------------------
    services(room) {
        return `${this.project}/rooms/${enc(room)}/services`;
    }
    async listServices(room, consistency) {
        return (await this.call({ method: 'GET', url: this.services(room), consistency, what: `list the services of room ${room}` })).json(wire_service/* ServiceList */.IR).services;
    }
    async findService(room, name, consistency) {
        const response = await this.call({
            method: 'GET',
            url: `${this.services(room)}/by-name/${enc(name)}`,
            accept: [200, 404],
            consistency,
            what: `look up service ${name}`,
        });
        return response.status === 404 ? undefined : response.json(wire_service/* ServiceRecord */.$T);
    }
    /**
     * The image the room's service of this name runs now, as shipped (for a runtime-label image, the one mounted for
     * its runtime); undefined when there is no such service.
     */
    async serviceImage(room, name) {
        const service = await this.findService(room, name);
        // Records are read leniently (ServiceRecord types only id and metadata), so the container is looked at here.
        return service === undefined ? undefined : (0,image_runtime/* shippedImage */.Xt)(service);
    }
    async getService(room, id) {
        return (await this.call({ method: 'GET', url: `${this.services(room)}/${enc(id)}`, what: `read service ${id}` })).json(wire_service/* ServiceRecord */.$T);
    }
    /**
     * Creates a service. The body is the spec as the SDK sends it (`model_dump(exclude_none=True, exclude={"id"})`):
     * defaults filled, no `id`, no null. Returns the new id.
     */
    async createService(room, spec) {
        const { id: _id, ...rest } = (0,wire_service/* dumpServiceSpec */.bz)(spec);
        const json = withoutNulls(rest);
        return (await this.call({ method: 'POST', url: this.services(room), json, what: `create service ${spec.metadata.name}`, secrets: environmentValues(spec) })).json(wire_service/* CreatedService */.Yu).id;
    }
    /** Replaces a service. The body is the spec as the SDK sends it (`model_dump()`): every field, nulls included, and the id. */
    async updateService(room, id, spec) {
        const json = (0,wire_service/* dumpServiceSpec */.bz)({ ...spec, id });
        await this.call({
            method: 'PUT',
            url: `${this.services(room)}/${enc(id)}`,
            json,
            what: `update service ${spec.metadata.name}`,
            secrets: environmentValues(spec),
        });
    }
    /** Deletes a service; one that is already gone (404) counts as deleted. */
    async deleteService(room, id, name) {
        await this.call({ method: 'DELETE', url: `${this.services(room)}/${enc(id)}`, accept: [200, 204, 404], what: `delete service ${name}` });
    }
    // --- project services: in every room of the project, from the room's next session on ------------------------------
    /** The project's service of this name (the list, exact `metadata.name`, as the CLI finds one). */
    async findProjectService(name) {
        const list = (await this.call({ method: 'GET', url: `${this.project}/services`, consistency: 'high', what: 'list the project services' })).json(wire_service/* ServiceList */.IR);
        return list.services.find((service) => service.metadata.name === name);
    }
    /** Creates a project service (`create_service`: the spec without id or nulls); the answer is the spec with its id. */
    async createProjectService(spec) {
        const { id: _id, ...rest } = (0,wire_service/* dumpServiceSpec */.bz)(spec);
        const json = withoutNulls(rest);
        return (await this.call({ method: 'POST', url: `${this.project}/services`, json, what: `create project service ${spec.metadata.name}` })).json(wire_service/* CreatedService */.Yu).id;
    }
    /** Replaces a project service (`update_service`: every field, nulls included, and the id). */
    async updateProjectService(id, spec) {
        const json = (0,wire_service/* dumpServiceSpec */.bz)({ ...spec, id });
        await this.call({ method: 'PUT', url: `${this.project}/services/${enc(id)}`, json, what: `update project service ${spec.metadata.name}` });
    }
    // --- routes --------------------------------------------------------------------------------------------------------
    /** Creates a route; the body is `{spec}`, the spec as the SDK writes it (defaults filled). */
    async createRoute(spec) {
        await this.call({ method: 'POST', url: `${this.project}/routes`, json: { spec: RouteSpec.parse(spec) }, what: `route ${spec.domain}` });
    }
    async getRoute(domain) {
        const response = await this.call({ method: 'GET', url: `${this.project}/routes/${enc(domain)}`, accept: [200, 404], what: `look up route ${domain}` });
        return response.status === 404 ? undefined : response.json(RouteAnswer).route;
    }
    /** Every route of a room, paged by offset as the API pages this list. */
    async listRoomRoutes(room) {
        const all = [];
        for (;;) {
            const page = (await this.call({
                method: 'GET',
                url: `${this.project}/rooms/${enc(room)}/routes`,
                query: { count: 100, offset: all.length },
                what: `list the routes of room ${room}`,
            })).json(RoomRouteList);
            all.push(...page.routes);
            if (page.routes.length === 0 || all.length >= (page.total ?? all.length))
                return all;
        }
    }
    async updateRoute(spec) {
        await this.call({
            method: 'PUT',
            url: `${this.project}/routes/${enc(spec.domain)}`,
            json: { spec: RouteSpec.parse(spec) },
            what: `update route ${spec.domain}`,
        });
    }
    /** Deletes a route; one that is already gone (404) counts as deleted. */
    async deleteRoute(domain) {
        await this.call({ method: 'DELETE', url: `${this.project}/routes/${enc(domain)}`, accept: [200, 204, 404], what: `delete route ${domain}` });
    }
}
/** Drops null and undefined values, recursively: the SDK's `exclude_none` for create bodies. */
function withoutNulls(value) {
    if (Array.isArray(value))
        return value.map((item) => withoutNulls(item));
    if (value !== null && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value)
            .filter(([, v]) => v !== null && v !== undefined)
            .map(([k, v]) => [k, withoutNulls(v)]));
    }
    return value;
}
/** Whether an error is the API's answer with this status. */
function isStatus(error, status) {
    return error instanceof http/* HttpError */.j$ && error.status === status;
}
/**
 * The environment values a spec carries (a service's previous spec may hold credentials set by other means): an
 * error answer that quotes the spec back must not show them. Values shorter than 8 characters (a port, `true`, a
 * name) are no credentials, and hiding them would hide those words wherever the message says them.
 */
function environmentValues(spec) {
    return (spec.container?.environment ?? []).flatMap((entry) => (entry.value && entry.value.length >= 8 ? [entry.value] : []));
}


/***/ }),

/***/ 95010:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GP: () => (/* binding */ imageRuntime),
/* harmony export */   Oe: () => (/* binding */ IMAGE_RUNTIME_LABEL),
/* harmony export */   Xt: () => (/* binding */ shippedImage),
/* harmony export */   fR: () => (/* binding */ runtimeSourceOfConfig),
/* harmony export */   m2: () => (/* binding */ runsImage),
/* harmony export */   qA: () => (/* binding */ imageMountRef)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _python_text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4461);
/**
 * Runtime-label images, as the MeshAgent CLI deploys them (cli image.py:1398-1474, 1929-1970; api
 * image_runtime.py): an image labelled `meshagent.runtime=python` or `=node` is not run itself. The service runs the
 * runtime image rooms keep cached (`meshagent/python:default`, `meshagent/node:default`) with the shipped image
 * mounted read-only at /app (its `app` folder), started as the launcher (`python`, `node`) followed by ENTRYPOINT and
 * CMD (no second launcher when the command already starts with it), in the image's WORKDIR (default /app), with the
 * image's ENV as the environment's defaults. The CLI's own project templates are such images, `FROM scratch`.
 */



const IMAGE_RUNTIME_LABEL = 'meshagent.runtime';
const MOUNT_PATH = '/app';
const MOUNT_SUBPATH = 'app';
const RUNTIMES = {
    python: { baseImage: 'meshagent/python:default', launcher: ['python'] },
    node: { baseImage: 'meshagent/node:default', launcher: ['node'] },
};
/**
 * The runtime an image asks for, or undefined: no label, or a value that names no runtime (the CLI then deploys the
 * image as it is). `what` names the image in errors: "packed Dockerfile final stage" or "image <ref>".
 */
function imageRuntime(source, what) {
    const label = source.labels[IMAGE_RUNTIME_LABEL];
    if (label === undefined)
        return undefined;
    const name = (0,_python_text_js__WEBPACK_IMPORTED_MODULE_2__/* .pyStrip */ .m0)(label).toLowerCase();
    if (name !== 'python' && name !== 'node')
        return undefined;
    const runtime = RUNTIMES[name];
    const entrypoint = words(source.entrypoint);
    const cmd = words(source.cmd);
    const startup = entrypoint ?? cmd;
    const args = entrypoint !== undefined ? (cmd ?? []) : [];
    if (startup === undefined) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ShipError */ .fS(`${what} uses ${IMAGE_RUNTIME_LABEL}=${name} but does not define CMD or ENTRYPOINT`, {
            hint: `add the command that starts the app, e.g. CMD ["main.py"]: the service runs ${runtime.launcher.join(' ')} followed by it`,
        });
    }
    const tokens = startsWithLauncher(startup, runtime.launcher) ? [...startup, ...args] : [...runtime.launcher, ...startup, ...args];
    const env = new Map(source.env);
    return {
        name,
        baseImage: runtime.baseImage,
        command: tokens.map(_python_text_js__WEBPACK_IMPORTED_MODULE_2__/* .pyShlexQuote */ .Au).join(' '),
        workingDir: source.workingDir || MOUNT_PATH,
        env: [...env].map(([envName, value]) => ({ name: envName, value })),
        mountPath: MOUNT_PATH,
        mountSubpath: MOUNT_SUBPATH,
    };
}
/** A command list, or undefined for none (an empty list is none, as an empty CMD line is to the CLI). */
function words(list) {
    return list === undefined || list.length === 0 ? undefined : list;
}
/** The command already starts with the launcher: its first word's file name is the launcher's (`/usr/bin/python`). */
function startsWithLauncher(tokens, launcher) {
    if (tokens.length < launcher.length)
        return false;
    if (node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(tokens[0] ?? '') !== node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(launcher[0] ?? ''))
        return false;
    return launcher.slice(1).every((word, index) => tokens[index + 1] === word);
}
/** The PATH builders put into every image config, FROM scratch too (BuildKit, buildah): no author's ENV. */
const BUILDER_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/**
 * The runtime source of an image config: its Labels, Entrypoint, Cmd and WorkingDir, and as ENV either `env` (the
 * ENV lines of the Dockerfile it was built from, all the CLI reads) or the config's Env without the PATH builders
 * add (the config cannot tell an author's ENV from its base image's).
 */
function runtimeSourceOfConfig(config, env) {
    const configEnv = (config.Env ?? []).flatMap((entry) => {
        const eq = entry.indexOf('=');
        return eq <= 0 ? [] : [[entry.slice(0, eq), entry.slice(eq + 1)]];
    });
    return {
        labels: config.Labels ?? {},
        entrypoint: config.Entrypoint ?? undefined,
        cmd: config.Cmd ?? undefined,
        workingDir: config.WorkingDir ?? undefined,
        env: env ?? configEnv.filter(([name, value]) => !(name === 'PATH' && value === BUILDER_DEFAULT_PATH)),
    };
}
/**
 * The image a service runs, as shipped: for a runtime-label deploy the image mounted at /app (the container runs the
 * runtime image), else the container's image. How a ship recognizes its own service, and the image it runs now.
 */
function shippedImage(spec) {
    const image = spec.container?.image;
    if (typeof image !== 'string')
        return undefined;
    if (!Object.values(RUNTIMES).some((runtime) => runtime.baseImage === image))
        return image;
    const mounted = spec.container?.storage?.images?.find((mount) => mount.path === MOUNT_PATH && mount.subpath === MOUNT_SUBPATH);
    return mounted?.image ?? image;
}
/** Whether a service runs this image (itself, or mounted for its runtime), pinned the same: how a deploy knows its own write. */
function runsImage(spec, ref) {
    const image = shippedImage(spec);
    return image !== undefined && imageMountRef(image) === imageMountRef(ref);
}
/** `name:tag@digest` → `name@digest`, as the CLI writes a pinned image mount (`_canonical_image_mount_ref`, cli image.py:2463-2482). */
function imageMountRef(ref) {
    const trimmed = ref.trim();
    const at = trimmed.lastIndexOf('@');
    if (at === -1 || !trimmed.slice(at + 1).includes(':'))
        return trimmed;
    const name = trimmed.slice(0, at);
    const colon = name.lastIndexOf(':');
    const untagged = colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
    return `${untagged}@${trimmed.slice(at + 1)}`;
}


/***/ }),

/***/ 97730:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DK: () => (/* binding */ INPUTS_DIGEST_ANNOTATION),
/* harmony export */   TB: () => (/* binding */ withValidationMode),
/* harmony export */   Y0: () => (/* binding */ EPHEMERAL_STORAGE_ANNOTATION),
/* harmony export */   iY: () => (/* binding */ SERVICE_ID_ANNOTATION),
/* harmony export */   ne: () => (/* binding */ DEPLOYED_BY_ANNOTATION),
/* harmony export */   rP: () => (/* binding */ STOPPED_BY_ROLLBACK_ANNOTATION),
/* harmony export */   xO: () => (/* binding */ DEPLOYED_BY)
/* harmony export */ });
const SERVICE_ID_ANNOTATION = 'meshagent.service.id';
const VALIDATION_METHOD_ANNOTATION = 'meshagent.request.validation.method';
/**
 * Set on a service this tool created and then stopped (`enabled: false`) because its first rollout failed: the next
 * deploy enables it again. A service disabled by anyone else stays disabled, as the CLI leaves it.
 */
const STOPPED_BY_ROLLBACK_ANNOTATION = 'com.meshagent.ship.stopped-by-rollback';
/**
 * Set on every service this tool writes, and on every room it creates (create-room): teardown removes only what carries
 * it, so a service or room made by hand or by another tool in the same room is never touched.
 */
const DEPLOYED_BY_ANNOTATION = 'com.meshagent.ship.deployed-by';
const DEPLOYED_BY = 'meshagent-ship';
/** The digest of the inputs a service was shipped from (see src/services/inputs-digest.ts). */
const INPUTS_DIGEST_ANNOTATION = 'com.meshagent.ship.inputs-digest';
/** The room annotation that makes a room's storage ephemeral (`meshagent room create --annotations ...`). */
const EPHEMERAL_STORAGE_ANNOTATION = 'meshagent.storage.class';
/** `cookie` sets cookie validation; `none` removes any; `default` removes a cookie value (the CLI's rule). */
function withValidationMode(annotations, mode) {
    const result = { ...annotations };
    if (mode === 'cookie')
        result[VALIDATION_METHOD_ANNOTATION] = 'cookie';
    else if (mode === 'none')
        delete result[VALIDATION_METHOD_ANNOTATION];
    else if (result[VALIDATION_METHOD_ANNOTATION] === 'cookie')
        delete result[VALIDATION_METHOD_ANNOTATION];
    return result;
}


/***/ }),

/***/ 57184:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ai: () => (/* binding */ RenderedTemplate),
/* harmony export */   B6: () => (/* binding */ missingValues),
/* harmony export */   BG: () => (/* binding */ templateServiceSpec),
/* harmony export */   KN: () => (/* binding */ usesImage),
/* harmony export */   aP: () => (/* binding */ withRunAs),
/* harmony export */   xj: () => (/* binding */ templateDomain),
/* harmony export */   yB: () => (/* binding */ TEMPLATE_VALUES_ANNOTATION)
/* harmony export */ });
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(38816);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _image_runtime_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(95010);
/* harmony import */ var _service_annotations_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(97730);
/* harmony import */ var _wire_service_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(69304);
/**
 * A service template as the MeshAgent CLI's deploy uses one (cli image.py 2898-3120, api specs/service.py
 * `to_service_spec`): the API's rendering read back, turned into the service spec field for field, the built image
 * pinned where the template names the tag, the required values checked and a `route` variable's value taken as the
 * domain. Pure functions; the rendering is the API's (`POST /templates/render`).
 */





const Variable = zod__WEBPACK_IMPORTED_MODULE_3__/* .looseObject */ ._H3({ name: zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP(), optional: zod__WEBPACK_IMPORTED_MODULE_3__/* .boolean */ .zMY().nullish(), type: zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP().nullish() });
const Container = zod__WEBPACK_IMPORTED_MODULE_3__/* .looseObject */ ._H3({ image: zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP().nullish(), environment: zod__WEBPACK_IMPORTED_MODULE_3__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_3__/* .unknown */ .L5J()).nullish(), storage: zod__WEBPACK_IMPORTED_MODULE_3__/* .looseObject */ ._H3({}).nullish() });
/** A rendered template as the API answers it: read leniently, as the spec it becomes is checked in full. */
const RenderedTemplate = zod__WEBPACK_IMPORTED_MODULE_3__/* .looseObject */ ._H3({
    version: zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP(),
    metadata: zod__WEBPACK_IMPORTED_MODULE_3__/* .looseObject */ ._H3({ name: zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP(), annotations: zod__WEBPACK_IMPORTED_MODULE_3__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP()).nullish() }),
    variables: zod__WEBPACK_IMPORTED_MODULE_3__/* .array */ .YOg(Variable).nullish(),
    agents: zod__WEBPACK_IMPORTED_MODULE_3__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_3__/* .unknown */ .L5J()).nullish(),
    ports: zod__WEBPACK_IMPORTED_MODULE_3__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_3__/* .unknown */ .L5J()).nullish(),
    files: zod__WEBPACK_IMPORTED_MODULE_3__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_3__/* .unknown */ .L5J()).nullish(),
    container: Container.nullish(),
    external: zod__WEBPACK_IMPORTED_MODULE_3__/* .looseObject */ ._H3({ url: zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP() }).nullish(),
});
const SOURCE = 'the service template';
/** Where upstream's rendering keeps the values a template was rendered with (a JSON map). */
const TEMPLATE_VALUES_ANNOTATION = 'meshagent.service.template.values';
/** The values the template requires and was not given (blank counts as not given), as the CLI finds them. */
function missingValues(template, values) {
    return (template.variables ?? []).filter((v) => !v.optional && (values[v.name] ?? '').trim() === '').map((v) => v.name);
}
/** The first `route` variable's value: the domain when none is given, as the CLI's deploy takes it. */
function templateDomain(template, values) {
    const route = (template.variables ?? []).find((v) => v.type === 'route' && (values[v.name] ?? '').trim() !== '');
    return route ? (values[route.name] ?? '').trim() : undefined;
}
/**
 * `to_service_spec`, then the CLI's deploy plan: the service-id annotation (the template's own, else the name), the
 * tag pinned in the container image and in image mounts (`_deploy_plan_with_published_image`).
 */
function templateServiceSpec(template, tag, pinned) {
    const c = template.container;
    const storage = c?.storage;
    const annotations = { ...(template.metadata.annotations ?? {}) };
    annotations[_service_annotations_js__WEBPACK_IMPORTED_MODULE_4__/* .SERVICE_ID_ANNOTATION */ .iY] = (annotations[_service_annotations_js__WEBPACK_IMPORTED_MODULE_4__/* .SERVICE_ID_ANNOTATION */ .iY] ?? template.metadata.name).trim() || template.metadata.name;
    const images = storage?.images;
    const spec = {
        version: template.version,
        kind: 'Service',
        agents: template.agents ?? null,
        metadata: { ...template.metadata, annotations },
        files: template.files ?? null,
        container: c
            ? {
                command: c.command ?? null,
                working_dir: c.working_dir ?? null,
                image: c.image === tag ? pinned : c.image,
                run_as: c.run_as ?? null,
                template: c.template,
                environment: c.environment ?? [],
                // Volumes are not carried over: upstream's to_service_spec leaves them out.
                storage: storage
                    ? {
                        room: storage.room ?? null,
                        images: images ? images.map((m) => (m.image === tag ? { ...m, image: (0,_image_runtime_js__WEBPACK_IMPORTED_MODULE_1__/* .imageMountRef */ .qA)(pinned) } : m)) : null,
                        files: storage.files ?? null,
                        empty_dirs: storage.empty_dirs ?? null,
                        configs: storage.configs ?? null,
                    }
                    : null,
                writable_root_fs: c.writable_root_fs ?? null,
                on_demand: c.on_demand ?? null,
                private: c.private,
            }
            : null,
        external: template.external ? { url: template.external.url } : null,
        ports: template.ports ?? null,
    };
    const parsed = _wire_service_js__WEBPACK_IMPORTED_MODULE_2__/* .ServiceSpec */ .F5.safeParse(spec);
    if (parsed.success)
        return parsed.data;
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`).join('; ');
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(`Invalid service template. ${SOURCE} renders to a service the API refuses: ${details}`, {
        input: 'service-template',
        hint: 'a container service needs container.image (e.g. "{{ image }}" for the image this run builds)',
    });
}
/**
 * The run-as account on a template's spec, as the CLI's deploy puts it (`_deploy_plan_with_run_as`, then
 * `_deploy_plan_with_secret_environment_run_as_scopes`): the `run-as` input replaces the template's; an account whose
 * environment has secrets gets `secrets:proxy` and `secrets:read` added to its scopes.
 */
function withRunAs(spec, runAs) {
    let container = spec.container;
    if (runAs !== undefined) {
        if (!container)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('--run-as requires a container service', { input: 'run-as', hint: 'leave run-as empty for a template without a container' });
        container = { ...container, run_as: { email: runAs } };
    }
    const runAsNow = container?.run_as;
    if (!container || !runAsNow || !(container.environment ?? []).some((entry) => entry.secret))
        return container === spec.container ? spec : { ...spec, container };
    const scopes = (runAsNow.scopes ?? ['secrets:proxy']).map((scope) => scope.trim()).filter((scope) => scope !== '');
    for (const required of ['secrets:proxy', 'secrets:read'])
        if (!scopes.includes(required))
            scopes.push(required);
    return { ...spec, container: { ...container, run_as: { ...runAsNow, scopes } } };
}
/** Whether the spec runs or mounts the pinned image at all: a template may name another image only. */
function usesImage(spec, pinned) {
    const c = spec.container;
    return c?.image === pinned || (c?.storage?.images ?? []).some((m) => m.image === (0,_image_runtime_js__WEBPACK_IMPORTED_MODULE_1__/* .imageMountRef */ .qA)(pinned));
}


/***/ }),

/***/ 61293:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AM: () => (/* binding */ optionalStringMap),
/* harmony export */   NJ: () => (/* binding */ positiveInt),
/* harmony export */   Qi: () => (/* binding */ stringMap),
/* harmony export */   lq: () => (/* binding */ optional),
/* harmony export */   sx: () => (/* binding */ optionalString)
/* harmony export */ });
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38816);
/**
 * Building blocks for wire schemas that behave as pydantic models do: a field left out takes the model's default,
 * and parsing gives the model as `model_dump()` writes it, every field present, unset ones null. So parsing a
 * request body before it is sent both checks it as the API's model would and serialises it as the SDK does.
 */

/** `dict[str, str]`. */
const stringMap = zod__WEBPACK_IMPORTED_MODULE_0__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP());
/** `Optional[T] = None`: may be left out or null; parsed, it is null when it was not given. */
function optional(schema) {
    return schema.nullable().default(null);
}
/** `Optional[str] = None`. */
const optionalString = optional(zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP());
/** `Optional[dict[str, str]] = None`. */
const optionalStringMap = optional(stringMap);
/** pydantic's `PositiveInt`. */
const positiveInt = zod__WEBPACK_IMPORTED_MODULE_0__/* .number */ .aig().int().positive();


/***/ }),

/***/ 69304:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Yu: () => (/* binding */ CreatedService),
  IR: () => (/* binding */ ServiceList),
  $T: () => (/* binding */ ServiceRecord),
  F5: () => (/* binding */ ServiceSpec),
  bz: () => (/* binding */ dumpServiceSpec)
});

// UNUSED EXPORTS: ContainerSpec, ContainerStorage, EnvironmentVariable, PortSpec

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(38816);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/meshagent/api-scope.ts
var api_scope = __webpack_require__(61699);
// EXTERNAL MODULE: ./src/meshagent/reserved-ports.ts
var reserved_ports = __webpack_require__(55881);
// EXTERNAL MODULE: ./src/meshagent/wire-model.ts
var wire_model = __webpack_require__(61293);
;// CONCATENATED MODULE: ./src/meshagent/wire-agent.ts
/**
 * The agents a service exposes and the endpoints of its ports (meshagent-api specs/service.py: AgentSpec and its
 * channels, 303-388; EndpointSpec with its MeshAgent and MCP parts, 756-803; oauth.py OAuthClientConfig), checked
 * field by field and written back as the SDK dumps them. Every model forbids unknown fields except the heartbeat's
 * prompt contents (agent_content.py) and TokenValue, which drop them.
 */



const annotations = wire_model/* optionalStringMap */.AM;
const PromptTemplate = schemas/* strictObject */.rej({ name: schemas/* string */.YjP(), description: wire_model/* optionalString */.sx, prompt: schemas/* string */.YjP(), annotations });
// Channels extend ChannelSpec, so `annotations` comes first in each, as pydantic orders inherited fields.
const EmailChannel = schemas/* strictObject */.rej({ annotations, address: schemas/* string */.YjP(), private: schemas/* boolean */.zMY().default(true) });
const QueueChannel = schemas/* strictObject */.rej({
    annotations,
    queue: schemas/* string */.YjP(),
    threading_mode: (0,wire_model/* optional */.lq)(schemas/* literal */.euz('default-new')),
    message_schema: (0,wire_model/* optional */.lq)(schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J())),
});
const MessagingChannel = schemas/* strictObject */.rej({
    annotations,
    protocol: schemas/* string */.YjP().default('meshagent.agent-message.v1'),
    prompts: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(PromptTemplate)),
});
const ToolkitChannel = schemas/* strictObject */.rej({ annotations, name: schemas/* string */.YjP() });
const ChannelsSpec = schemas/* strictObject */.rej({
    email: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(EmailChannel)),
    messaging: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(MessagingChannel)),
    queue: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(QueueChannel)),
    toolkit: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(ToolkitChannel)),
});
const EmailSpec = schemas/* strictObject */.rej({ address: schemas/* string */.YjP(), public: schemas/* boolean */.zMY().default(false) })
    .refine((email) => email.address.trim() !== '', { message: 'email.address must not be empty', path: ['address'] });
/** `AgentInputContent`: text, file or audio, told apart by `type`; unknown fields dropped. */
const AgentInputContent = schemas/* discriminatedUnion */.gMt('type', [
    schemas/* object */.Ikc({ type: schemas/* literal */.euz('text'), text: schemas/* string */.YjP() }),
    schemas/* object */.Ikc({ type: schemas/* literal */.euz('file'), url: schemas/* string */.YjP(), name: wire_model/* optionalString */.sx }),
    schemas/* object */.Ikc({ type: schemas/* literal */.euz('audio'), url: schemas/* string */.YjP() }),
]);
const HeartbeatSpec = schemas/* strictObject */.rej({ queue: schemas/* string */.YjP(), thread_id: wire_model/* optionalString */.sx, prompt: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(AgentInputContent)), minutes: wire_model/* positiveInt */.NJ })
    .superRefine((heartbeat, ctx) => {
    if (heartbeat.queue.trim() === '')
        ctx.addIssue({ code: 'custom', message: 'heartbeat.queue must not be empty', path: ['queue'] });
    else if (!heartbeat.prompt?.length)
        ctx.addIssue({ code: 'custom', message: 'heartbeat requires prompt', path: ['prompt'] });
});
const AgentSpec = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    description: wire_model/* optionalString */.sx,
    annotations,
    channels: (0,wire_model/* optional */.lq)(ChannelsSpec),
    email: (0,wire_model/* optional */.lq)(EmailSpec),
    heartbeat: (0,wire_model/* optional */.lq)(HeartbeatSpec),
});
const OAuthClientConfig = schemas/* strictObject */.rej({
    client_id: wire_model/* optionalString */.sx,
    client_secret: wire_model/* optionalString */.sx,
    authorization_endpoint: wire_model/* optionalString */.sx,
    token_endpoint: wire_model/* optionalString */.sx,
    no_pkce: (0,wire_model/* optional */.lq)(schemas/* boolean */.zMY()),
    scopes: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* string */.YjP())),
});
const McpEndpointSpec = schemas/* strictObject */.rej({
    label: schemas/* string */.YjP(),
    description: wire_model/* optionalString */.sx,
    // `tool_names: list[str] = None`: left out, it is dumped as null (the API refuses an explicit null; its server says so).
    allowed_tools: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* strictObject */.rej({ tool_names: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* string */.YjP())), read_only: (0,wire_model/* optional */.lq)(schemas/* boolean */.zMY()) }))),
    headers: wire_model/* optionalStringMap */.AM,
    require_approval: (0,wire_model/* optional */.lq)(schemas/* enum */.k5n(['always', 'never'])),
    oauth: (0,wire_model/* optional */.lq)(OAuthClientConfig),
    openai_connector_id: wire_model/* optionalString */.sx,
    use_proxy_secret: wire_model/* optionalString */.sx,
});
const EndpointSpec = schemas/* strictObject */.rej({
    path: schemas/* string */.YjP(),
    meshagent: (0,wire_model/* optional */.lq)(schemas/* strictObject */.rej({ identity: schemas/* string */.YjP(), api: (0,wire_model/* optional */.lq)(api_scope/* apiScope */.N) })),
    mcp: (0,wire_model/* optional */.lq)(McpEndpointSpec),
    annotations,
});

;// CONCATENATED MODULE: ./src/meshagent/wire-service.ts
/**
 * The room service spec (meshagent-api specs/service.py: ServiceSpec and its container, ports and mounts, 73-221,
 * 390-444, 711-853), field by field in the models' order, with their defaults. Every model forbids unknown fields
 * except TokenValue, which drops them.
 *
 * Parsing gives the spec as the SDK serialises it (`model_dump()`): the update body. The create body is the same
 * without `id` and without nulls (`model_dump(exclude_none=True, exclude={"id"})`).
 */






const SecretValue = schemas/* strictObject */.rej({ id: schemas/* string */.YjP() });
const EnvironmentVariable = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP(),
    value: wire_model/* optionalString */.sx,
    // TokenValue is the one model here without extra="forbid" (service.py:78): unknown fields are dropped.
    token: (0,wire_model/* optional */.lq)(schemas/* object */.Ikc({ identity: schemas/* string */.YjP(), api: (0,wire_model/* optional */.lq)(api_scope/* apiScope */.N), role: (0,wire_model/* optional */.lq)(schemas/* enum */.k5n(['user', 'agent', 'tool'])) })),
    secret: (0,wire_model/* optional */.lq)(SecretValue),
});
const readOnly = (byDefault) => schemas/* boolean */.zMY().default(byDefault);
const ContainerStorage = schemas/* strictObject */.rej({
    room: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP(), subpath: wire_model/* optionalString */.sx, read_only: readOnly(false) }))),
    volumes: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* strictObject */.rej({ name: schemas/* string */.YjP(), path: schemas/* string */.YjP(), subpath: wire_model/* optionalString */.sx, read_only: readOnly(false) }))),
    images: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* strictObject */.rej({ image: schemas/* string */.YjP(), path: schemas/* string */.YjP(), subpath: wire_model/* optionalString */.sx, read_only: readOnly(true) }))),
    files: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP(), text: schemas/* string */.YjP(), read_only: readOnly(true) }))),
    empty_dirs: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP(), read_only: readOnly(false) }))),
    configs: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP().default('/var/run/meshagent') }))),
});
const ContainerSpec = schemas/* strictObject */.rej({
    image: schemas/* string */.YjP(),
    // ServiceRunAs validators (service.py:100-134): email trimmed and lowercased, not empty; scopes trimmed, empty
    // ones dropped, each once.
    run_as: (0,wire_model/* optional */.lq)(schemas/* strictObject */.rej({
        email: schemas/* string */.YjP()
            .transform((email) => email.trim().toLowerCase())
            .refine((email) => email !== '', { message: 'run_as.email must not be empty' }),
        scopes: schemas/* array */.YOg(schemas/* string */.YjP())
            .default(['secrets:proxy'])
            .transform((scopes) => [...new Set(scopes.map((scope) => scope.trim()).filter((scope) => scope !== ''))]),
    })),
    // `Optional[ContainerTemplate] = "agent"`: left out it is `agent`; null stays null.
    template: schemas/* enum */.k5n(['agent', 'none']).nullable().default('agent'),
    command: wire_model/* optionalString */.sx,
    working_dir: wire_model/* optionalString */.sx,
    pull_secret: (0,wire_model/* optional */.lq)(SecretValue),
    environment: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(EnvironmentVariable)),
    storage: (0,wire_model/* optional */.lq)(ContainerStorage),
    on_demand: (0,wire_model/* optional */.lq)(schemas/* boolean */.zMY()),
    writable_root_fs: (0,wire_model/* optional */.lq)(schemas/* boolean */.zMY()),
    private: schemas/* boolean */.zMY().default(true),
})
    .refine((c) => !c.environment?.some((e) => e.secret) || c.run_as, {
    message: 'container.run_as is required when using SecretValue',
});
const PortSpec = schemas/* strictObject */.rej({
    num: schemas/* union */.KCZ([schemas/* literal */.euz('*'), wire_model/* positiveInt */.NJ])
        .default('*')
        .superRefine((num, ctx) => {
        // The API's own text (PortSpec._validate_reserved_service_port).
        if (num !== '*' && reserved_ports/* RESERVED_ROOM_SERVICE_PORTS */.q.includes(num)) {
            ctx.addIssue({
                code: 'custom',
                message: `service port ${num} is reserved for MeshAgent room infrastructure; reserved ports: ${reserved_ports/* RESERVED_ROOM_SERVICE_PORTS */.q.join(', ')}`,
            });
        }
    }),
    host_port: (0,wire_model/* optional */.lq)(wire_model/* positiveInt */.NJ),
    // `Optional[Literal["http", "tcp"]] = "http"`: left out it is `http`; null stays null.
    type: schemas/* enum */.k5n(['http', 'tcp']).nullable().default('http'),
    // A list, not Optional: null is refused.
    endpoints: schemas/* array */.YOg(EndpointSpec).default([]),
    liveness: wire_model/* optionalString */.sx,
    published: (0,wire_model/* optional */.lq)(schemas/* boolean */.zMY()),
    public: (0,wire_model/* optional */.lq)(schemas/* boolean */.zMY()),
    annotations: wire_model/* optionalStringMap */.AM,
});
const ServiceSpec = schemas/* strictObject */.rej({
    version: schemas/* literal */.euz('v1'),
    kind: schemas/* literal */.euz('Service'),
    id: wire_model/* optionalString */.sx,
    enabled: schemas/* boolean */.zMY().default(true),
    metadata: schemas/* strictObject */.rej({
        name: schemas/* string */.YjP(),
        description: wire_model/* optionalString */.sx,
        repo: wire_model/* optionalString */.sx,
        icon: wire_model/* optionalString */.sx,
        annotations: wire_model/* optionalStringMap */.AM,
    }),
    agents: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(AgentSpec)),
    // `Optional[list[PortSpec]] = []`: left out it is empty; null stays null.
    ports: schemas/* array */.YOg(PortSpec)
        .nullable()
        .default(() => []),
    files: (0,wire_model/* optional */.lq)(schemas/* array */.YOg(schemas/* strictObject */.rej({ path: schemas/* string */.YjP(), text: schemas/* string */.YjP() }))),
    container: (0,wire_model/* optional */.lq)(ContainerSpec),
    external: (0,wire_model/* optional */.lq)(schemas/* strictObject */.rej({ url: wire_model/* optionalString */.sx })),
});
/** A service as the API answers it: read leniently. */
const ServiceRecord = schemas/* looseObject */._H3({
    id: schemas/* string */.YjP().nullish(),
    metadata: schemas/* looseObject */._H3({ name: schemas/* string */.YjP(), annotations: wire_model/* stringMap */.Qi.nullish() }),
});
const ServiceList = schemas/* object */.Ikc({ services: schemas/* array */.YOg(ServiceRecord) });
const CreatedService = schemas/* object */.Ikc({ id: schemas/* string */.YjP() });
/**
 * The spec as the SDK serialises it, every field present and unset ones null: the body of an update. A spec the
 * model would refuse is refused here, before anything is sent.
 */
function dumpServiceSpec(spec) {
    const parsed = ServiceSpec.safeParse(spec);
    if (parsed.success)
        return parsed.data;
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`).join('; ');
    throw new errors/* ShipError */.fS(`the service spec of ${spec.metadata.name} is not valid: ${details}`, {
        hint: 'the spec is built from the inputs and the existing service; check the inputs named above',
    });
}


/***/ })

};
