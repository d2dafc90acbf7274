export const id = 858;
export const ids = [858];
export const modules = {

/***/ 858:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   compareWithDeployed: () => (/* binding */ compareWithDeployed)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _list_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(97347);
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(98286);
/* harmony import */ var _meshagent_service_annotations_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(97730);
/* harmony import */ var _services_inputs_digest_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(68720);
/**
 * Which legs differ from what their room runs: a leg is unchanged only when its room has a service of the leg's
 * name whose inputs-digest annotation equals the leg's digest. A missing room, a missing service, a service
 * without the annotation (shipped by hand, by a template, or before digests), and one a rollback stopped all count
 * as changed. An API that cannot be read is an error: "everything unchanged" would ship nothing.
 */





/** The room service a leg ships to, named as the ship names it: service-name, else the tag's repository path. */
function serviceNameOf(leg, registry, projectKey) {
    const given = leg['service-name']?.trim();
    if (given)
        return given;
    return (0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .deriveServiceName */ ._5)((0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .normalizeProjectTag */ .Lq)((0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .parseImageTag */ .DO)(leg.tag ?? leg.service, 'tag'), registry, projectKey));
}
/** Why the room's service of this name does not run the digest; undefined when it does. */
function whyChanged(services, room, name, digest) {
    if (services === undefined)
        return { because: `room ${room} does not exist`, recorded: false };
    const annotations = services.get(name);
    if (annotations === undefined)
        return { because: `no service ${name} in room ${room}`, recorded: false };
    const deployed = annotations[_meshagent_service_annotations_js__WEBPACK_IMPORTED_MODULE_3__/* .INPUTS_DIGEST_ANNOTATION */ .DK];
    if (deployed === undefined)
        return { because: `service ${name} in room ${room} has no inputs digest`, recorded: false };
    if (deployed !== digest)
        return { because: `service ${name} in room ${room} runs other inputs`, recorded: true };
    // A new service whose rollout failed is stopped with the digest it was shipped with: the next ship starts it again.
    if (annotations[_meshagent_service_annotations_js__WEBPACK_IMPORTED_MODULE_3__/* .STOPPED_BY_ROLLBACK_ANNOTATION */ .rP] !== undefined)
        return { because: `service ${name} in room ${room} was stopped by a rollback`, recorded: true };
    return undefined;
}
async function compareWithDeployed(client, legs, apiUrl) {
    const [config, project] = await Promise.all([client.getConfig(), client.getProject()]);
    const registry = (0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .projectRegistryFromConfig */ .fe)(config.domains ?? {}, apiUrl);
    const projectKey = project.project_key ?? 'None';
    // Each room is read once, however many legs go there.
    const rooms = new Map();
    const servicesOf = (room) => {
        let found = rooms.get(room);
        if (!found) {
            found = (async () => {
                if (!(await client.getRoom(room)))
                    return undefined;
                const services = await client.listServices(room, 'high');
                return new Map(services.map((s) => [s.metadata.name, s.metadata.annotations ?? {}]));
            })();
            rooms.set(room, found);
        }
        return found;
    };
    const results = [];
    for (const leg of legs) {
        const digest = leg[_services_inputs_digest_js__WEBPACK_IMPORTED_MODULE_2__/* .INPUTS_DIGEST_INPUT */ .EW];
        if (!digest)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(`service ${leg.service} has no inputs digest to compare`, { hint: 'list the services with --inputs-digest' });
        // A leg may name several rooms (`room: north, south`), as the action takes them: each must run the digest.
        const legRooms = (0,_list_text_js__WEBPACK_IMPORTED_MODULE_4__/* .listItems */ .D)(leg.room);
        if (legRooms.length === 0 || leg.scope === 'project') {
            results.push({
                service: leg.service,
                changed: true,
                because: legRooms.length > 0 ? 'a project service is not compared' : 'it names no room',
                recorded: false,
            });
            continue;
        }
        const name = serviceNameOf(leg, registry, projectKey);
        const differences = [];
        for (const room of legRooms) {
            const difference = whyChanged(await servicesOf(room), room, name, digest);
            if (difference)
                differences.push(difference);
        }
        // The difference a ship recorded is the one named, when a room has one: it is what brings an untouched leg back.
        const named = differences.find((d) => d.recorded) ?? differences[0];
        results.push(named !== undefined
            ? { service: leg.service, changed: true, because: named.because, recorded: named.recorded }
            : { service: leg.service, changed: false, because: `unchanged in room${legRooms.length > 1 ? 's' : ''} ${legRooms.join(', ')}`, recorded: false });
    }
    return results;
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


/***/ })

};
