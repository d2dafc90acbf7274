export const id = 669;
export const ids = [669,460];
export const modules = {

/***/ 44460:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   apiClient: () => (/* binding */ apiClient),
/* harmony export */   apiUrlOf: () => (/* binding */ apiUrlOf),
/* harmony export */   hasApiKey: () => (/* binding */ hasApiKey)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _meshagent_client_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(96399);
/* harmony import */ var _inputs_value_parsers_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(71905);
/**
 * The MeshAgent client of a command that reads or changes a project outside a ship (teardown, the services
 * command's comparison with what is deployed): the key from MESHAGENT_API_KEY only, never from argv.
 */



/** The API URL in use: the option, else MESHAGENT_API_URL, else the default; checked as the action's input is. */
function apiUrlOf(options, env) {
    const { value: apiUrl, problem } = (0,_inputs_value_parsers_js__WEBPACK_IMPORTED_MODULE_2__/* .checkApiUrl */ .Sz)(options.apiUrl ?? env.MESHAGENT_API_URL ?? '');
    if (problem)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(problem.message, { input: 'api-url', hint: problem.hint });
    if ((0,_inputs_value_parsers_js__WEBPACK_IMPORTED_MODULE_2__/* .sendsInClear */ .IV)(apiUrl))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(`api-url ${apiUrl} is plain http to a host that is not loopback`, { input: 'api-url', hint: 'use https' });
    return apiUrl;
}
/** True when MESHAGENT_API_KEY holds a key. */
function hasApiKey(env) {
    return (env.MESHAGENT_API_KEY ?? '').trim() !== '';
}
function apiClient(options, env) {
    const apiKey = (env.MESHAGENT_API_KEY ?? '').trim();
    if (apiKey === '')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(`${options.command} needs the MeshAgent API key`, { input: 'api-key', hint: 'set MESHAGENT_API_KEY' });
    const unusable = (0,_inputs_value_parsers_js__WEBPACK_IMPORTED_MODULE_2__/* .unusableApiKey */ .XJ)(apiKey);
    if (unusable)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(unusable.message, { input: 'api-key', hint: unusable.hint });
    options.mask(apiKey);
    const apiUrl = apiUrlOf(options, env);
    // An empty variable (a workflow input left empty) is no project id: the key's own is used.
    const projectId = options.projectId || env.MESHAGENT_PROJECT_ID?.trim() || (0,_inputs_value_parsers_js__WEBPACK_IMPORTED_MODULE_2__/* .projectIdFromApiKey */ .w1)(apiKey);
    if (!projectId)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('the project id is unknown', { input: 'project-id', hint: 'set MESHAGENT_PROJECT_ID or --project-id' });
    const log = options.log;
    return new _meshagent_client_js__WEBPACK_IMPORTED_MODULE_1__/* .MeshagentClient */ .il({ apiUrl, apiKey, projectId, mask: options.mask, ...(log ? { http: { log } } : {}) });
}


/***/ }),

/***/ 78669:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runTeardownCommand: () => (/* binding */ runTeardownCommand)
});

// UNUSED EXPORTS: renderTeardown, teardown, teardownOptions

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/list-text.ts
var list_text = __webpack_require__(97347);
// EXTERNAL MODULE: ./src/meshagent/service-annotations.ts
var service_annotations = __webpack_require__(97730);
;// CONCATENATED MODULE: ./src/meshagent/teardown.ts
/**
 * Teardown of what this tool put into a room: its services (marked with the deployed-by annotation) and the routes
 * that carry their service id, then the room itself when this tool created it (the same marker on the room) and
 * nothing else is left in it. Services and rooms without the marker are never touched, only named. Every step
 * looks first, so a second teardown finds nothing and says so.
 */


function isOurs(annotations) {
    return annotations?.[service_annotations/* DEPLOYED_BY_ANNOTATION */.ne] === service_annotations/* DEPLOYED_BY */.xO;
}
function imageOf(service) {
    const image = service.container?.image;
    return typeof image === 'string' ? image : undefined;
}
async function teardownRoom(request) {
    const { client, room: name, log } = request;
    const room = await client.getRoom(name);
    if (!room) {
        log(`room ${name} does not exist: nothing to remove there`);
        return { room: name, roomState: 'absent', roomKeptBecause: undefined, servicesRemoved: [], routesRemoved: [], servicesNotOurs: [], servicesMissing: [] };
    }
    const all = await client.listServices(name, 'high');
    const wanted = request.services ? new Set(request.services) : undefined;
    const chosen = all.filter((s) => (wanted ? wanted.has(s.metadata.name) : true));
    const ours = chosen.filter((s) => isOurs(s.metadata.annotations));
    const notOurs = chosen.filter((s) => !isOurs(s.metadata.annotations)).map((s) => s.metadata.name);
    const missing = request.services?.filter((n) => !all.some((s) => s.metadata.name === n)) ?? [];
    for (const other of notOurs)
        log(`service ${other} was not deployed by meshagent-ship: left alone`);
    for (const absent of missing)
        log(`service ${absent} is not in room ${name}: nothing to remove`);
    const removing = ours.map((s) => ({ name: s.metadata.name, image: imageOf(s), id: s.id }));
    await request.beforeDelete?.(removing.map(({ name: n, image }) => ({ name: n, image })));
    const routesRemoved = await removeRoutes(client, name, new Set(removing.map((s) => s.name)), log);
    for (const service of removing) {
        if (!service.id)
            throw new errors/* ShipError */.fS(`service ${service.name} has no id: it cannot be deleted`, { hint: 'retry the teardown' });
        await client.deleteService(name, service.id, service.name);
        log(`removed service ${service.name} from room ${name}`);
    }
    // Asked for some services only, the room is not part of the request: it stays even when they were its last.
    const { state, because } = request.services
        ? keepRoom(room.name, 'only the services named were asked for (services)', log)
        : await removeRoomIfOurs(client, room, log);
    return {
        room: name,
        roomState: state,
        roomKeptBecause: because,
        servicesRemoved: removing.map(({ name: n, image }) => ({ name: n, image })),
        routesRemoved,
        servicesNotOurs: notOurs,
        servicesMissing: missing,
    };
}
/** The room's routes whose service-id annotation names one of `services`; each deleted. */
async function removeRoutes(client, room, services, log) {
    if (services.size === 0)
        return [];
    const removed = [];
    for (const route of await client.listRoomRoutes(room)) {
        const owner = route.spec?.metadata?.annotations?.[service_annotations/* SERVICE_ID_ANNOTATION */.iY];
        if (owner === undefined || !services.has(owner))
            continue;
        await client.deleteRoute(route.domain);
        log(`removed route ${route.domain} (service ${owner})`);
        removed.push(route.domain);
    }
    return removed;
}
function keepRoom(name, because, log) {
    log(`room ${name} kept: ${because}`);
    return { state: 'kept', because };
}
/** Deletes the room when this tool created it and no service is left in it; else says why it stays. */
async function removeRoomIfOurs(client, room, log) {
    if (!isOurs(room.annotations)) {
        const because = 'meshagent-ship did not create it';
        log(`room ${room.name} kept: ${because}`);
        return { state: 'kept', because };
    }
    const left = (await client.listServices(room.name, 'high')).map((s) => s.metadata.name);
    if (left.length > 0) {
        const because = `services are left in it: ${left.join(', ')}`;
        log(`room ${room.name} kept: ${because}`);
        return { state: 'kept', because };
    }
    // Said before the delete: a room create-room: true made (a production room, say) has storage that goes with it.
    const storage = room.annotations?.[service_annotations/* EPHEMERAL_STORAGE_ANNOTATION */.Y0] === 'ephemeral' ? 'ephemeral' : 'persistent';
    log(`deleting room ${room.name} with its ${storage} storage: meshagent-ship created it (create-room) and no service is left in it`);
    await client.deleteRoom(room);
    log(`removed room ${room.name}`);
    return { state: 'deleted', because: undefined };
}

// EXTERNAL MODULE: ./src/commands/api-client.ts
var api_client = __webpack_require__(44460);
;// CONCATENATED MODULE: ./src/commands/github-deployments.ts
async function markDeploymentsInactive(env, environments, hooks) {
    const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
    const repository = env.GITHUB_REPOSITORY;
    if (env.GITHUB_ACTIONS !== 'true' || !token || !repository) {
        const skipped = 'not on GitHub Actions with GITHUB_TOKEN and GITHUB_REPOSITORY: no GitHub deployments were marked inactive';
        hooks.log(skipped);
        return { inactive: undefined, skipped };
    }
    hooks.mask(token);
    const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
    const headers = { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    const inactive = {};
    for (const environment of environments) {
        const list = await fetch(`${api}/repos/${repository}/deployments?environment=${encodeURIComponent(environment)}&per_page=100`, { headers });
        if (!list.ok)
            throw new Error(`list the GitHub deployments of ${environment}: HTTP ${list.status} (the job needs deployments: write)`);
        const deployments = (await list.json());
        for (const deployment of deployments) {
            const answer = await fetch(`${api}/repos/${repository}/deployments/${deployment.id}/statuses`, {
                method: 'POST',
                headers: { ...headers, 'content-type': 'application/json' },
                body: JSON.stringify({ state: 'inactive', description: 'removed by meshagent-ship teardown' }),
            });
            if (!answer.ok)
                throw new Error(`mark GitHub deployment ${deployment.id} inactive: HTTP ${answer.status} (the job needs deployments: write)`);
        }
        inactive[environment] = deployments.length;
        hooks.log(`GitHub deployments of ${environment}: ${deployments.length} marked inactive`);
    }
    return { inactive, skipped: undefined };
}

// EXTERNAL MODULE: ./src/oci/index.ts + 20 modules
var oci = __webpack_require__(93078);
// EXTERNAL MODULE: ./src/reference.ts
var reference = __webpack_require__(98286);
// EXTERNAL MODULE: ./src/registry-env.ts
var registry_env = __webpack_require__(41074);
;// CONCATENATED MODULE: ./src/commands/teardown-tags.ts



/** The repository name (after the project key) of an image in the project registry, else undefined. */
function projectRepositoryOf(image, registry, projectKey) {
    const name = image.replace(/@sha256:[0-9a-f]{64}$/, '').replace(/:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, '');
    const prefix = `${registry}/${projectKey}/`;
    return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : undefined;
}
async function removePreviewTags(request) {
    const named = request.images.map((image) => (image === undefined ? undefined : projectRepositoryOf(image, request.registry, request.projectKey)));
    const repositories = [...new Set(named.filter((name) => name !== undefined))];
    const results = [];
    for (const repository of repositories)
        results.push(await removeTag(request, repository));
    return results;
}
async function removeTag(request, repository) {
    const { client, tag, log } = request;
    const where = `${request.projectKey}/${repository}:${tag}`;
    const record = await client.findRepository(repository);
    if (!record) {
        log(`tag ${where}: the repository does not exist`);
        return { repository, tag, state: 'absent' };
    }
    // The client masks the token as it arrives; push lets the registry delete too.
    const token = await client.createRepositoryToken(record.id, { actions: ['pull', 'push'], expires_in_seconds: 600 });
    const registry = new oci/* RegistryClient */.bP({
        registry: request.registry,
        credentials: { username: reference/* REGISTRY_USERNAME */.FV, password: token.token },
        mask: request.mask,
        log,
        ...(0,registry_env/* registryClientIdentity */.jW)(request.registry),
    });
    try {
        const repo = registry.repository(`${request.projectKey}/${repository}`, ['pull', 'push', 'delete']);
        const head = await repo.headManifest(tag);
        if (!head) {
            log(`tag ${where}: already gone`);
            return { repository, tag, state: 'absent' };
        }
        for (const other of await repo.listTags()) {
            if (other === tag)
                continue;
            if ((await repo.headManifest(other))?.digest === head.digest) {
                const because = `tag ${other} names the same image (${head.digest}); the registry cannot delete one tag of a manifest alone`;
                log(`tag ${where} kept: ${because}`);
                return { repository, tag, state: 'kept', because };
            }
        }
        await repo.deleteManifest(head.digest);
        log(`removed tag ${where} (${head.digest})`);
        return { repository, tag, state: 'deleted' };
    }
    finally {
        await registry.close();
    }
}

;// CONCATENATED MODULE: ./src/commands/teardown.ts
/**
 * `meshagent-ship teardown --room R [--services a,b] [--tags [--tag T]]`, and the action with `teardown: true`:
 * removes what this tool deployed in a room (services, their routes, the room when this tool created it), with
 * `--tags` the preview's tag from the project registry, and on GitHub Actions marks the services' deployments
 * inactive. A second run finds nothing and says so. The API key comes from MESHAGENT_API_KEY only.
 */






const ROOM_RE = /^(?=.{1,63}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
/** The options of the command line; a wrong one is an error naming it. */
function teardownOptions(options) {
    const room = (options.room ?? '').trim();
    if (room === '')
        throw new errors/* ShipError */.fS('teardown needs --room', { input: 'room', hint: 'e.g. meshagent-ship teardown --room pr-12' });
    const services = (0,list_text/* listItems */.D)(options.services);
    const value = (name) => (options[name]?.trim() ? options[name].trim() : undefined);
    const tag = value('tag');
    return {
        room,
        ...(services.length > 0 ? { services } : {}),
        tags: options.tags === 'true',
        ...(tag ? { tag } : {}),
        ...(value('environment') ? { environment: value('environment') } : {}),
        ...(value('api-url') ? { apiUrl: value('api-url') } : {}),
        ...(value('project-id') ? { projectId: value('project-id') } : {}),
    };
}
/** The teardown; `env` holds MESHAGENT_* and GITHUB_* (the runner's environment unless given). */
async function teardown(runner, options, env = runner.env) {
    if (!ROOM_RE.test(options.room))
        throw new errors/* ShipError */.fS(`room ${JSON.stringify(options.room)} is not a MeshAgent room name`, {
            input: 'room',
            hint: 'lowercase letters, digits and -, at most 63',
        });
    const client = (0,api_client.apiClient)({ command: 'teardown', apiUrl: options.apiUrl, projectId: options.projectId, mask: (secret) => runner.setSecret(secret), log: (line) => runner.info(line) }, env);
    const log = (line) => runner.info(line);
    let tags = [];
    try {
        const report = await teardownRoom({
            client,
            room: options.room,
            ...(options.services ? { services: options.services } : {}),
            log,
            beforeDelete: async (services) => {
                if (!options.tags || services.length === 0)
                    return;
                const [config, project] = await Promise.all([client.getConfig(), client.getProject()]);
                const registry = config.domains?.registry;
                if (!registry || !project.project_key) {
                    throw new errors/* ShipError */.fS('the project has no registry (or no project key): its tags cannot be removed', { input: 'tags', hint: 'run without --tags' });
                }
                const tag = options.tag ?? options.room;
                tags = await removePreviewTags({
                    client,
                    registry,
                    projectKey: project.project_key,
                    tag,
                    images: services.map((s) => s.image),
                    mask: (s) => runner.setSecret(s),
                    log,
                });
            },
        });
        const prefix = options.environment ?? options.room;
        const deployments = await markDeploymentsInactive(env, report.servicesRemoved.map((s) => `${prefix}/${s.name}`), { log, mask: (s) => runner.setSecret(s) });
        const nothingLeft = report.roomState !== 'deleted' && report.servicesRemoved.length === 0 && report.routesRemoved.length === 0 && !tags.some((t) => t.state === 'deleted');
        return { report, tags, deployments, nothingLeft };
    }
    finally {
        await client.close();
    }
}
/** The summary: what was removed, what was kept and why. */
function renderTeardown(result) {
    const { report } = result;
    if (result.nothingLeft && report.servicesNotOurs.length === 0) {
        return `Teardown of room ${report.room}: nothing is left to remove${report.roomState === 'absent' ? ' (the room does not exist)' : ''}.`;
    }
    const lines = [`Teardown of room ${report.room}:`];
    lines.push(`- services removed: ${report.servicesRemoved.map((s) => s.name).join(', ') || 'none'}`);
    lines.push(`- routes removed: ${report.routesRemoved.join(', ') || 'none'}`);
    if (report.servicesNotOurs.length > 0)
        lines.push(`- services left alone (not deployed by meshagent-ship): ${report.servicesNotOurs.join(', ')}`);
    if (report.servicesMissing.length > 0)
        lines.push(`- services not in the room: ${report.servicesMissing.join(', ')}`);
    for (const tag of result.tags)
        lines.push(`- tag ${tag.repository}:${tag.tag}: ${tag.state}${tag.because ? ` (${tag.because})` : ''}`);
    lines.push(`- room: ${report.roomState === 'deleted' ? 'removed' : report.roomState === 'absent' ? 'did not exist' : `kept, ${report.roomKeptBecause ?? ''}`}`);
    if (result.deployments.skipped)
        lines.push(`- GitHub deployments: skipped (${result.deployments.skipped})`);
    return lines.join('\n');
}
/** The command: progress on stderr, the summary (or --json) on stdout; 1 when it failed. */
async function runTeardownCommand(runner, options, json, out) {
    try {
        const result = await teardown(runner, teardownOptions(options));
        out(`${json ? JSON.stringify(result, null, 2) : renderTeardown(result)}\n`);
        return 0;
    }
    catch (error) {
        runner.fail(`teardown failed: ${(0,errors/* formatError */.Wk)(error)}`);
        return error instanceof errors/* ShipError */.fS ? 1 : 70;
    }
}


/***/ }),

/***/ 41074:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GW: () => (/* binding */ insecureRegistries),
/* harmony export */   gD: () => (/* binding */ findCredentials),
/* harmony export */   jW: () => (/* binding */ registryClientIdentity)
/* harmony export */ });
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(93078);
/**
 * What this tool reads from the environment about registries other than the MeshAgent project registry (whose
 * credentials come from MeshAgent): credentials (MESHAGENT_SHIP_REGISTRY_USER / MESHAGENT_SHIP_REGISTRY_PASSWORD,
 * else the Docker config's `auths`, as `docker login` writes them), hosts reached over plain HTTP
 * (MESHAGENT_SHIP_INSECURE_REGISTRIES), and what to tell a user whose credentials a registry refuses. The registry
 * client (oci/) takes all of these as options.
 */

/** The environment's credentials for `registry` first, then the Docker config's. */
function findCredentials(registry, env = process.env) {
    const username = env.MESHAGENT_SHIP_REGISTRY_USER;
    const password = env.MESHAGENT_SHIP_REGISTRY_PASSWORD;
    if (username && password)
        return { username, password };
    return (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_0__/* .credentialsFromDockerConfig */ .N3)(registry, (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_0__/* .dockerConfigPath */ .Q1)(env));
}
/** Hosts reached over plain HTTP although not loopback: MESHAGENT_SHIP_INSECURE_REGISTRIES, comma-separated. */
function insecureRegistries(env) {
    return (env.MESHAGENT_SHIP_INSECURE_REGISTRIES ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}
/** How this tool introduces itself to a registry, and what it tells a user whose credentials the registry refuses. */
function registryClientIdentity(registry) {
    return {
        clientId: 'meshagent-ship',
        credentialsHint: `check the credentials for ${registry}: for the MeshAgent project registry, user meshagent with a ` +
            'current repository token for this repository; for other registries, `docker login` (~/.docker/config.json or DOCKER_CONFIG) ' +
            'or MESHAGENT_SHIP_REGISTRY_USER/MESHAGENT_SHIP_REGISTRY_PASSWORD',
    };
}


/***/ })

};
