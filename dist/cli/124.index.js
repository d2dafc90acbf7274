export const id = 124;
export const ids = [124];
export const modules = {

/***/ 42124:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   pushCommand: () => (/* binding */ pushCommand)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(93078);
/* harmony import */ var _registry_env_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(41074);
/* harmony import */ var _image_location_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(45964);




const usage = 'meshagent-ship push oci:DIR[:REF] docker://HOST[:PORT]/REPOSITORY[:TAG] [--mount-from REPO,...] [--concurrency N]';
/** Progress goes to the runner (stderr on the console); the result to `out` (stdout), so scripts can read it. */
async function pushCommand(args, runner, out) {
    const [from, to, ...extra] = args.positionals;
    if (from === undefined || to === undefined || extra.length > 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('push takes a source and a destination', { hint: usage });
    const source = (0,_image_location_js__WEBPACK_IMPORTED_MODULE_3__/* .parseLocation */ .z)(from, 'push source');
    const target = (0,_image_location_js__WEBPACK_IMPORTED_MODULE_3__/* .parseLocation */ .z)(to, 'push destination');
    if (source.kind !== 'oci' || target.kind !== 'docker')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('push copies from an OCI layout to a registry', { hint: usage });
    if (target.digest !== undefined)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('push destination: name a tag, not a digest', { hint: usage });
    const concurrency = Number(args.options.concurrency ?? 4);
    if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('--concurrency takes a whole number of at least 1', { hint: usage });
    const credentials = (0,_registry_env_js__WEBPACK_IMPORTED_MODULE_2__/* .findCredentials */ .gD)(target.registry, runner.env);
    const result = await (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_1__/* .pushFromLayout */ .v4)(source.dir, {
        registry: target.registry,
        repository: target.repository,
        ...(credentials ? { credentials } : {}),
        insecureRegistries: (0,_registry_env_js__WEBPACK_IMPORTED_MODULE_2__/* .insecureRegistries */ .GW)(runner.env),
        ...(0,_registry_env_js__WEBPACK_IMPORTED_MODULE_2__/* .registryClientIdentity */ .jW)(target.registry),
        mask: (secret) => runner.setSecret(secret),
        log: (line) => runner.info(line),
    }, {
        ...(source.ref ? { layoutRef: source.ref } : {}),
        ...(target.tag ? { tag: target.tag } : {}),
        mountFrom: (args.options['mount-from'] ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        concurrency,
    });
    runner.setOutput('digest', result.digest);
    runner.setOutput('image-ref', result.pinned);
    out(`${args.json ? JSON.stringify(result, null, 2) : result.pinned}\n`);
}


/***/ })

};
