export const id = 249;
export const ids = [249];
export const modules = {

/***/ 87249:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runConvert: () => (/* binding */ runConvert)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _estargz_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(46175);
/* harmony import */ var _file_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(70145);
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(93078);
/* harmony import */ var _pipeline_annotations_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(23708);
/* harmony import */ var _pipeline_runnable_image_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(83565);
/* harmony import */ var _pipeline_estargz_conversion_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(24973);
/* harmony import */ var _prefetch_auto_index_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(86004);
/* harmony import */ var _stop_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(51123);
/* harmony import */ var _io_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(73776);
/** `meshagent-ship convert SRC DST`: converts every layer of an image to eStargz and writes the image to DST. */











/** Progress lines are printed for a layer only after it has run this long, then at this interval. */
const PROGRESS_EVERY_MS = 2000;
async function runConvert(args, io = _io_js__WEBPACK_IMPORTED_MODULE_10__/* .processIo */ .W) {
    const [srcText, dstText, ...extra] = args.positionals;
    if (srcText === undefined || dstText === undefined || extra.length > 0) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ShipError */ .fS('convert takes two arguments, SRC and DST', { hint: 'meshagent-ship convert oci:./image oci:./image-esgz' });
    }
    const src = (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_4__/* .parseImageRef */ .Q)(srcText);
    const dst = (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_4__/* .parseImageRef */ .Q)(dstText);
    if (dst.transport === 'docker-archive')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ShipError */ .fS('convert writes oci:DIR[:REF] or oci-archive:FILE[:REF], not docker-archive', {
            hint: 'Docker archives cannot carry the eStargz annotations; write an OCI image',
        });
    const level = integerOption(args.options['compression-level'], 'compression-level', 6);
    const chunkSize = integerOption(args.options['chunk-size'], 'chunk-size', _estargz_index_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULT_ESTARGZ_CHUNK_SIZE */ .$C);
    const lines = (args.options.prefetch ?? '')
        .split('\n')
        .map((p) => p.trim())
        .filter((p) => p !== '');
    const prefetch = lines.filter((p) => p !== 'auto');
    const auto = lines.includes('auto')
        ? { timeoutSeconds: integerOption(args.options['prefetch-auto-timeout'], 'prefetch-auto-timeout', _prefetch_auto_index_js__WEBPACK_IMPORTED_MODULE_8__/* .DEFAULT_AUTO_TIMEOUT_SECONDS */ .wK) }
        : undefined;
    // Ctrl-C or SIGTERM ends the conversion at its next chunk; the temporary files go as on any failure.
    const stop = new _stop_js__WEBPACK_IMPORTED_MODULE_9__/* .RunStop */ .cw({ log: (line) => io.stderr(`meshagent-ship: ${line}\n`) });
    const stopListening = stop.listen();
    try {
        return await convertTo(src, dst, { level, chunkSize, prefetch, auto }, args.json, io, stop.signal);
    }
    catch (error) {
        const stopped = stop.stopped;
        if (!stopped)
            throw error;
        io.stderr(`meshagent-ship: ${stopped.message}\n`);
        return stopped.exitCode;
    }
    finally {
        stopListening();
        stop.finish();
    }
}
async function convertTo(src, dst, settings, json, io, signal) {
    // An archive output is checked before the work, not found wrong after it.
    if (dst.transport === 'oci-archive')
        await (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_4__/* .checkArchiveTarget */ .CB)(dst.path);
    const image = await (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_4__/* .openImage */ .UY)(src);
    let staging;
    try {
        if (dst.transport === 'oci-archive')
            staging = await (0,_file_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .makeTempDir */ .m)(undefined, 'meshagent-ship-out-');
        const out = await _oci_index_js__WEBPACK_IMPORTED_MODULE_4__/* .OciLayout */ .Al.create(staging ?? dst.path);
        const printProgress = progressPrinter(io);
        const onLayer = (event) => {
            signal.throwIfAborted();
            printProgress(event);
        };
        const { auto, prefetch, ...rest } = settings;
        const recording = auto ? await recordAuto(image.layout, image.descriptor, auto.timeoutSeconds, io) : undefined;
        const result = await (0,_pipeline_estargz_conversion_js__WEBPACK_IMPORTED_MODULE_7__/* .convertImageForShip */ .s)(image.layout, image.descriptor, out, {
            ...rest,
            // Explicit paths first, then what the image opened at start.
            prefetch: [...prefetch, ...(recording?.paths ?? []).map((opened) => ({ opened }))],
            ...(recording
                ? {
                    manifestAnnotations: {
                        [_pipeline_annotations_js__WEBPACK_IMPORTED_MODULE_5__/* .ShipAnnotation */ .i.prefetchAuto]: (0,_prefetch_auto_index_js__WEBPACK_IMPORTED_MODULE_8__/* .savedRecord */ .Vg)(recording, (await (0,_pipeline_runnable_image_js__WEBPACK_IMPORTED_MODULE_6__/* .readRunnableConfig */ .c)(image.layout, image.descriptor)).manifest.config.digest),
                    },
                }
                : {}),
            onLayer,
        });
        const name = dst.ref ?? image.name;
        await out.setRef(result.descriptor, name);
        if (staging !== undefined)
            await (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_4__/* .packOciArchive */ .h6)(staging, dst.path);
        for (const miss of result.missingPrefetch)
            io.stderr(`warning: ${(0,_estargz_index_js__WEBPACK_IMPORTED_MODULE_2__/* .describeMiss */ .gx)(miss)}\n`);
        const recorded = recording ? { outcome: recording.outcome, describe: (0,_prefetch_auto_index_js__WEBPACK_IMPORTED_MODULE_8__/* .describeOutcome */ .SS)(recording), paths: recording.paths } : null;
        io.stdout(json ? `${JSON.stringify({ ...describe(result, (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_4__/* .formatImageRef */ .kL)(dst), name), prefetchAuto: recorded }, null, 2)}\n` : render(result, (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_4__/* .formatImageRef */ .kL)(dst)));
        return 0;
    }
    finally {
        await image.close();
        if (staging !== undefined)
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(staging, { recursive: true, force: true });
    }
}
/** `--prefetch auto`: runs the image to record what it opens at start; says how that went on stderr. */
async function recordAuto(layout, top, timeoutSeconds, io) {
    const workDir = await (0,_file_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .makeTempDir */ .m)(undefined, 'meshagent-ship-auto-');
    try {
        const recording = await (0,_prefetch_auto_index_js__WEBPACK_IMPORTED_MODULE_8__/* .recordStartup */ .Hz)(layout, top, { workDir, timeoutSeconds, log: (line) => io.stderr(`${line}\n`) });
        io.stderr(`prefetch auto: ${(0,_prefetch_auto_index_js__WEBPACK_IMPORTED_MODULE_8__/* .describeOutcome */ .SS)(recording)}\n`);
        if (recording.output)
            io.stderr(`prefetch auto: the service's last output line: ${recording.output}\n`);
        return recording;
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(workDir, { recursive: true, force: true });
    }
}
function integerOption(value, name, fallback) {
    if (value === undefined)
        return fallback;
    if (!/^\d+$/.test(value.trim()))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ShipError */ .fS(`--${name} takes a whole number, not ${JSON.stringify(value)}`, { hint: `the default is ${fallback}` });
    return Number(value.trim());
}
/** Prints how far a long-running layer has got, at most every two seconds, on stderr. */
function progressPrinter(io) {
    const started = new Map();
    return (event) => {
        const now = Date.now();
        if (event.kind === 'start')
            started.set(event.digest, { at: now, last: now });
        const state = started.get(event.digest);
        if (!state)
            return;
        if (event.kind === 'progress' && now - state.last >= PROGRESS_EVERY_MS) {
            state.last = now;
            const seconds = (now - state.at) / 1000;
            io.stderr(`  ${short(event.digest)}: ${mb(event.payloadBytes)} MB of file data converted (${(event.payloadBytes / 1e6 / seconds).toFixed(1)} MB/s)\n`);
        }
        if (event.kind === 'done' && now - state.at >= PROGRESS_EVERY_MS)
            io.stderr(`  ${short(event.digest)}: done in ${((now - state.at) / 1000).toFixed(1)} s\n`);
    };
}
function short(digest) {
    return `layer ${digest.slice(7, 19)}`;
}
function mb(bytes) {
    return (bytes / 1e6).toFixed(0);
}
function describe(result, image, name) {
    return {
        image,
        name: name ?? null,
        digest: result.descriptor.digest,
        mediaType: result.descriptor.mediaType,
        manifests: result.manifests.map((m) => ({
            digest: m.digest,
            source: m.source,
            platform: m.platform ?? null,
            layers: m.layers.map(({ source, result: r, prioritized, prefetchFiles }) => ({
                source,
                digest: r.digest,
                size: r.size,
                tocDigest: r.tocDigest,
                diffId: r.diffId,
                uncompressedSize: r.uncompressedSize,
                entries: r.entries,
                passedThrough: r.passedThrough,
                prioritized,
                prefetchFiles,
            })),
        })),
        missingPrefetch: result.missingPrefetch.map((miss) => ({ pattern: miss.pattern, reason: miss.reason, resolvedTo: `/${miss.path}` })),
    };
}
function render(result, image) {
    const lines = [`Converted to eStargz: ${image} (${result.descriptor.digest})`];
    for (const m of result.manifests) {
        const platform = m.platform ? ` ${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}` : '';
        lines.push(`  manifest ${m.digest}${platform}`);
        for (const { source, result: r, prioritized, prefetchFiles } of m.layers) {
            const note = r.passedThrough
                ? ' (already eStargz, kept)'
                : prioritized.length > 0
                    ? ` (${prioritized.length} entries prefetched, ${prefetchFiles} of them files)`
                    : '';
            lines.push(`    ${source.slice(0, 19)} -> ${r.digest.slice(0, 19)}  ${(r.size / 1e6).toFixed(1)} MB, TOC ${r.tocDigest.slice(0, 19)}${note}`);
        }
    }
    return `${lines.join('\n')}\n`;
}


/***/ })

};
