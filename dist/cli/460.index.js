export const id = 460;
export const ids = [460];
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


/***/ })

};
