export const id = 613;
export const ids = [613];
export const modules = {

/***/ 63613:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runVerify: () => (/* binding */ runVerify)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _estargz_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(46175);
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(93078);
/* harmony import */ var _io_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(73776);




async function runVerify(args, io = _io_js__WEBPACK_IMPORTED_MODULE_3__/* .processIo */ .W) {
    const [imageText, ...extra] = args.positionals;
    if (imageText === undefined || extra.length > 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS('verify takes one argument, the image', { hint: 'meshagent-ship verify oci:./image-esgz' });
    const ref = (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_2__/* .parseImageRef */ .Q)(imageText);
    const image = await (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_2__/* .openImage */ .UY)(ref);
    try {
        const verdict = await (0,_estargz_index_js__WEBPACK_IMPORTED_MODULE_1__/* .verifyImage */ .ZG)(image.layout, image.descriptor);
        io.stdout(args.json ? `${JSON.stringify({ image: (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_2__/* .formatImageRef */ .kL)(ref), ...verdict }, null, 2)}\n` : render(verdict, (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_2__/* .formatImageRef */ .kL)(ref)));
        return verdict.ok ? 0 : 1;
    }
    finally {
        await image.close();
    }
}
function render(verdict, image) {
    const lines = [verdict.ok ? `${image}: every layer is valid eStargz` : `${image}: NOT valid eStargz`];
    for (const defect of verdict.defects)
        lines.push(`  ${defect}`);
    for (const layer of verdict.layers) {
        const where = `${layer.platform ? `${layer.platform} ` : ''}layer ${layer.index} ${layer.digest}`;
        if (layer.defects.length === 0)
            lines.push(`  ok   ${where} (${layer.entries ?? 0} TOC entries)`);
        else {
            lines.push(`  FAIL ${where}`);
            for (const defect of layer.defects)
                lines.push(`         ${defect}`);
        }
    }
    return `${lines.join('\n')}\n`;
}


/***/ })

};
