export const id = 703;
export const ids = [703];
export const modules = {

/***/ 8703:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   pullCommand: () => (/* binding */ pullCommand)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(93078);
/* harmony import */ var _registry_env_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(41074);
/* harmony import */ var _image_location_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(45964);




const usage = 'meshagent-ship pull docker://HOST[:PORT]/REPOSITORY[:TAG|@DIGEST] oci:DIR[:REF] [--platform OS/ARCH]';
/** Progress goes to the runner (stderr on the console); the result to `out` (stdout), so scripts can read it. */
async function pullCommand(args, runner, out) {
    const [from, to, ...extra] = args.positionals;
    if (from === undefined || to === undefined || extra.length > 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('pull takes a source and a destination', { hint: usage });
    const source = (0,_image_location_js__WEBPACK_IMPORTED_MODULE_3__/* .parseLocation */ .z)(from, 'pull source');
    const target = (0,_image_location_js__WEBPACK_IMPORTED_MODULE_3__/* .parseLocation */ .z)(to, 'pull destination');
    if (source.kind !== 'docker' || target.kind !== 'oci')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('pull copies from a registry to an OCI layout', { hint: usage });
    const platform = args.options.platform?.split('/');
    if (platform && (platform.length < 2 || platform.some((p) => p === '')))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(`--platform ${args.options.platform}: write OS/ARCH[/VARIANT]`, { hint: usage });
    const credentials = (0,_registry_env_js__WEBPACK_IMPORTED_MODULE_2__/* .findCredentials */ .gD)(source.registry, runner.env);
    const registry = {
        registry: source.registry,
        repository: source.repository,
        ...(credentials ? { credentials } : {}),
        insecureRegistries: (0,_registry_env_js__WEBPACK_IMPORTED_MODULE_2__/* .insecureRegistries */ .GW)(runner.env),
        ...(0,_registry_env_js__WEBPACK_IMPORTED_MODULE_2__/* .registryClientIdentity */ .jW)(source.registry),
        mask: (secret) => runner.setSecret(secret),
        log: (line) => runner.info(line),
    };
    const result = await (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_1__/* .pullIntoLayout */ .Wl)(registry, source.digest ?? source.tag ?? 'latest', target.dir, {
        layoutRef: target.ref ?? source.tag ?? 'latest',
        ...(platform ? { platform: { os: platform[0] ?? '', architecture: platform[1] ?? '', ...(platform[2] ? { variant: platform[2] } : {}) } } : {}),
    });
    out(`${args.json ? JSON.stringify(result, null, 2) : result.descriptor.digest}\n`);
}


/***/ })

};
