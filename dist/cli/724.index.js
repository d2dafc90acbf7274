export const id = 724;
export const ids = [724];
export const modules = {

/***/ 23708:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   i: () => (/* binding */ ShipAnnotation)
/* harmony export */ });
/**
 * The annotations this tool writes on every layer it converts, under its own name: with them, a later ship of an
 * image holding the same source layer reuses the converted blob instead of converting it again (reuse.ts). The
 * converter (estargz/) writes them under whatever keys it is given; these are the keys.
 */
const ShipAnnotation = {
    /** The digest of the source layer the layer was converted from. */
    sourceDigest: 'com.meshagent.ship.source-digest',
    /** The source layer's diff_id (the digest of its uncompressed tar), measured as it was converted. */
    sourceDiffId: 'com.meshagent.ship.source-diff-id',
    /** The conversion's settings (converter version, level, chunk size, prefetched paths). */
    conversion: 'com.meshagent.ship.conversion',
    /** The layer's diff_id (the digest of the uncompressed blob), for the config of a later ship. */
    diffId: 'com.meshagent.ship.diff-id',
    /** On a converted manifest, with `prefetch: auto`: what was recorded (JSON: outcome, paths) and how it ended. */
    prefetchAuto: 'com.meshagent.ship.prefetch-auto',
};


/***/ }),

/***/ 24973:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   s: () => (/* binding */ convertImageForShip)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _estargz_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(46175);
/* harmony import */ var _annotations_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(23708);
/**
 * The converter as this application runs it, from the convert stage and the convert command alike: every converted
 * layer records where it came from under this tool's annotations (so a later ship can reuse it), and a setting out
 * of range is named by its input, which the action and the command line spell the same.
 */



const INPUT_OF = { level: 'compression-level', chunkSize: 'chunk-size' };
async function convertImageForShip(source, top, out, options = {}) {
    try {
        return await (0,_estargz_index_js__WEBPACK_IMPORTED_MODULE_1__/* .convertImage */ .hC)(source, top, out, { ...options, provenance: _annotations_js__WEBPACK_IMPORTED_MODULE_2__/* .ShipAnnotation */ .i });
    }
    catch (error) {
        if (error instanceof _estargz_index_js__WEBPACK_IMPORTED_MODULE_1__/* .ConversionSettingError */ .vM)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ShipError */ .fS(error.message, { input: INPUT_OF[error.setting], ...(error.hint ? { hint: error.hint } : {}), cause: error });
        throw error;
    }
}


/***/ }),

/***/ 83565:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c: () => (/* binding */ readRunnableConfig)
/* harmony export */ });
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(93078);
/** The image of an index that a service runs: MeshAgent runs linux/amd64, so that one, else the first listed. */

/** The platform MeshAgent runs images on. */
const RUNTIME_PLATFORM = { os: 'linux', architecture: 'amd64' };
/** The manifest of the image a service runs (and its descriptor), and its config. */
function readRunnableConfig(layout, top) {
    return (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_0__/* .readImageConfig */ .MP)(layout, top, RUNTIME_PLATFORM);
}


/***/ }),

/***/ 86004:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  wK: () => (/* reexport */ DEFAULT_AUTO_TIMEOUT_SECONDS),
  SS: () => (/* reexport */ describeOutcome),
  Hz: () => (/* reexport */ recordStartup),
  pk: () => (/* reexport */ reusableRecord),
  Vg: () => (/* reexport */ savedRecord)
});

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/oci/index.ts + 20 modules
var oci = __webpack_require__(93078);
;// CONCATENATED MODULE: ./src/prefetch-auto/privileged.ts
/**
 * Commands that need root (chroot, namespaces, mounts): as they are when this process is root, else under
 * `sudo -n` (GitHub's ubuntu runners allow it without a password; elsewhere it fails at once instead of asking).
 */

function runningAs() {
    return { uid: process.getuid?.(), name: process.env.USER ?? process.env.LOGNAME };
}
/** `argv` as this process can run it as root. */
function privileged(argv, as = runningAs()) {
    return as.uid === 0 ? [...argv] : ['sudo', '-n', ...argv];
}
/**
 * Why commands cannot run as root here (undefined when they can): root needs nothing; anyone else needs sudo that
 * asks no password. `trySudo` is asked only when not root.
 */
async function cannotRunPrivileged(trySudo = trySudoTrue, as = runningAs()) {
    if (as.uid === 0)
        return undefined;
    const who = `this runs as ${as.name ? `${as.name} (uid ${as.uid})` : `uid ${as.uid ?? 'unknown'}`}, not root`;
    const tried = await trySudo();
    if (tried.kind === 'missing')
        return `it needs root: ${who}, and sudo is not installed (run as root, or install sudo and allow this user to use it without a password)`;
    if (tried.code === 0)
        return undefined;
    const said = tried.stderr.trim().split('\n').pop()?.trim();
    return `it needs root: ${who}, and \`sudo -n true\` failed${said ? ` (${said})` : ` with code ${tried.code}`} (run as root, or allow this user sudo without a password, as GitHub's ubuntu runners do)`;
}
function trySudoTrue() {
    return new Promise((resolve) => {
        const child = (0,external_node_child_process_.spawn)('sudo', ['-n', 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-1000)));
        child.on('error', (error) => resolve(error.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'ran', code: 1, stderr: error.message }));
        child.on('close', (code) => resolve({ kind: 'ran', code: code ?? 1, stderr }));
    });
}

;// CONCATENATED MODULE: ./src/prefetch-auto/interpreters.ts
/**
 * Files the kernel reads itself when a program is executed, which no traced call shows: the ELF interpreter
 * (PT_INTERP, the dynamic loader, e.g. /lib64/ld-linux-x86-64.so.2) and a script's `#!` interpreter. They are read
 * from the unpacked root, each path resolved inside it (absolute links lead back into the root, never into this
 * machine), and put right after the file that named them.
 */


/** Links followed while resolving one path, as the kernel's bound. */
const MAX_LINKS = 40;
/** A script interpreter may itself be a script: this many levels, as binfmt_script allows. */
const MAX_DEPTH = 4;
const PT_INTERP = 3;
/** `opened` in order, each executed file followed by the interpreters the kernel loaded for it; each path once. */
async function withInterpreters(opened, executed, root) {
    const out = [];
    for (const path of opened) {
        out.push(path);
        if (executed.has(path))
            out.push(...(await interpretersOf(root, path, 0)));
    }
    return [...new Set(out)];
}
async function interpretersOf(root, path, depth) {
    if (depth >= MAX_DEPTH)
        return [];
    const interpreter = await interpreterOf(root, path).catch(() => undefined);
    if (!interpreter)
        return [];
    return [interpreter, ...(await interpretersOf(root, interpreter, depth + 1))];
}
/** The interpreter a file names (ELF PT_INTERP or `#!`), absolute; undefined for none. */
async function interpreterOf(root, path) {
    const host = await resolveInRoot(root, path);
    if (!host)
        return undefined;
    const file = await (0,promises_.open)(host, 'r');
    try {
        const head = Buffer.alloc(256);
        const { bytesRead } = await file.read(head, 0, head.length, 0);
        if (head.subarray(0, 2).toString('latin1') === '#!') {
            const line = head.subarray(2, bytesRead).toString('utf8').split('\n')[0] ?? '';
            const name = line.trim().split(/[ \t]+/)[0] ?? '';
            return name.startsWith('/') ? name : undefined;
        }
        if (bytesRead < 64 || head.readUInt32BE(0) !== 0x7f454c46)
            return undefined;
        const wide = head[4] === 2;
        const little = head[5] === 1;
        const u16 = (at) => (little ? head.readUInt16LE(at) : head.readUInt16BE(at));
        const u32 = (buf, at) => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
        const u64 = (buf, at) => Number(little ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at));
        const phoff = wide ? u64(head, 0x20) : u32(head, 0x1c);
        const phentsize = u16(wide ? 0x36 : 0x2a);
        const phnum = u16(wide ? 0x38 : 0x2c);
        const table = Buffer.alloc(phentsize * phnum);
        await file.read(table, 0, table.length, phoff);
        for (let i = 0; i < phnum; i += 1) {
            const at = i * phentsize;
            if (u32(table, at) !== PT_INTERP)
                continue;
            const offset = wide ? u64(table, at + 0x08) : u32(table, at + 0x04);
            const size = Math.min(wide ? u64(table, at + 0x20) : u32(table, at + 0x10), 4096);
            const name = Buffer.alloc(size);
            await file.read(name, 0, size, offset);
            const text = name.toString('utf8').replace(/\0.*$/s, '');
            return text.startsWith('/') ? text : undefined;
        }
        return undefined;
    }
    finally {
        await file.close();
    }
}
/** Where `path` (absolute, as the process saw it) is under `root`, links followed inside the root; undefined if it is not there. */
async function resolveInRoot(root, path) {
    let pending = path.split('/').filter((c) => c !== '' && c !== '.');
    const done = [];
    let links = 0;
    while (pending.length > 0) {
        const [name, ...rest] = pending;
        pending = rest;
        if (name === '..') {
            done.pop();
            continue;
        }
        const host = (0,external_node_path_.join)(root, ...done, name);
        const info = await (0,promises_.lstat)(host).catch(() => undefined);
        if (!info)
            return undefined;
        if (!info.isSymbolicLink()) {
            done.push(name);
            continue;
        }
        links += 1;
        if (links > MAX_LINKS)
            return undefined;
        const target = await (0,promises_.readlink)(host);
        if (target.startsWith('/'))
            done.length = 0;
        pending = [
            ...external_node_path_.posix
                .normalize(target)
                .split('/')
                .filter((c) => c !== '' && c !== '.'),
            ...pending,
        ];
    }
    return (0,external_node_path_.join)(root, ...done);
}

;// CONCATENATED MODULE: ./src/prefetch-auto/trace.ts
/**
 * Reads the file accesses strace recorded (`strace -f -ff -ttt -e trace=%file,%process -o DIR/trace`: one file per
 * process, each line stamped) into the files the service read, in the order it first opened them. Only what a
 * process did inside the image's root counts: in the process that entered it, the lines before its `chroot` are the
 * launcher's own. Failed calls, directories, files opened only to write, and /proc, /dev and /sys are left out.
 */


/** The calls that read a file's content (a stat needs only the TOC's metadata, which a lazy pull has anyway). */
const OPENING = new Set(['open', 'openat', 'openat2', 'execve', 'execveat', 'uselib']);
/** Calls whose first string is relative to a directory descriptor given before it. */
const AT_CALLS = new Set(['openat', 'openat2', 'execveat']);
const KERNEL_TREES = ['proc', 'dev', 'sys'];
/** `1700000000.123456 openat(AT_FDCWD, "/etc/x", O_RDONLY) = 3` (the result may be `-1 ENOENT (...)`). */
const LINE = /^(\d+\.\d+) (\w+)\((.*)\) += (-?\d+)/;
/** A C string as strace prints it (escapes kept). */
const STRING = /"((?:[^"\\]|\\.)*)"/;
const EXECUTING = new Set(['execve', 'execveat']);
/** The files opened by the traced processes. `workDir`: where processes start. */
async function readTrace(dir, workDir) {
    const accesses = [];
    for (const name of (await (0,promises_.readdir)(dir)).filter((n) => n.startsWith('trace.'))) {
        accesses.push(...parseProcessTrace(await (0,promises_.readFile)((0,external_node_path_.join)(dir, name), 'utf8'), workDir));
    }
    accesses.sort((a, b) => a.at - b.at);
    return { paths: [...new Set(accesses.map((a) => a.path))], executed: new Set(accesses.filter((a) => a.executed).map((a) => a.path)) };
}
/** One process's lines into its openings. */
function parseProcessTrace(text, workDir) {
    const lines = text.split('\n');
    // The launcher enters the root with chroot; a process that never did was started inside it.
    const entered = lines.findIndex((line) => / chroot\(/.test(line) && / = 0$/.test(line));
    let cwd = external_node_path_.posix.resolve('/', workDir);
    const out = [];
    for (const line of lines.slice(entered + 1)) {
        const match = LINE.exec(line);
        if (!match)
            continue;
        const [, at, call, args, result] = match;
        if (Number(result) < 0)
            continue;
        const quoted = STRING.exec(args);
        if (!quoted)
            continue;
        const path = trace_unescape(quoted[1]);
        if (call === 'chdir') {
            cwd = external_node_path_.posix.resolve(cwd, path);
            continue;
        }
        if (!OPENING.has(call))
            continue;
        if (/O_DIRECTORY|O_WRONLY|O_CREAT|O_PATH/.test(args))
            continue;
        // Relative to a directory other than the working one: which one is not in the trace.
        if (!path.startsWith('/') && AT_CALLS.has(call) && !args.startsWith('AT_FDCWD'))
            continue;
        const absolute = external_node_path_.posix.resolve(cwd, path);
        if (KERNEL_TREES.some((tree) => absolute === `/${tree}` || absolute.startsWith(`/${tree}/`)))
            continue;
        out.push({ at: Number(at), path: absolute, executed: EXECUTING.has(call) });
    }
    return out;
}
/** strace's C escapes (\n, \t, \", \\, \ooo octal, \xHH) back to the bytes they stand for, as UTF-8. */
function trace_unescape(text) {
    const bytes = [];
    const named = { n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92 };
    for (let i = 0; i < text.length; i += 1) {
        const char = text[i];
        if (char !== '\\') {
            bytes.push(...Buffer.from(char, 'utf8'));
            continue;
        }
        const next = text[i + 1] ?? '';
        const hex = /^x([0-9a-fA-F]{2})/.exec(text.slice(i + 1));
        const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1));
        if (hex) {
            bytes.push(parseInt(hex[1], 16));
            i += 3;
        }
        else if (octal) {
            bytes.push(parseInt(octal[0], 8));
            i += octal[0].length;
        }
        else {
            bytes.push(named[next] ?? next.charCodeAt(0));
            i += 1;
        }
    }
    return Buffer.from(bytes).toString('utf8');
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./src/tar/index.ts + 5 modules
var tar = __webpack_require__(56516);
;// CONCATENATED MODULE: ./src/prefetch-auto/unpack.ts
/**
 * Unpacks an image's layers into a scratch directory as its container would see them: bottom layer first, each
 * layer's whiteouts (`.wh.NAME` removes NAME, `.wh..wh..opq` empties its directory) applied to the layers below
 * before its own entries land. Extraction and removal run chrooted into the directory (a static busybox copied in
 * for the time), so an absolute symlink in the image (`/usr/lib -> /opt/lib`) points into the image, never into
 * this machine's files.
 */





/** Where the busybox sits inside the root while the layers are unpacked (named busybox: it picks its applet by name). */
const UNPACK_DIR = '/.meshagent-ship-unpack';
const UNPACK_TOOL = `${UNPACK_DIR}/busybox`;
const OPAQUE = '.wh..wh..opq';
/** Unpacks `layers` (bottom first) into `root`, which holds only the busybox in UNPACK_DIR. */
async function unpackLayers(layout, layers, root) {
    for (const layer of layers) {
        const whiteouts = await whiteoutsOf(layout, layer);
        const removals = whiteouts.map((path) => {
            const dir = external_node_path_.posix.dirname(`/${path}`);
            const name = external_node_path_.posix.basename(path);
            return name === OPAQUE
                ? `${UNPACK_TOOL} find ${quote(dir)} -mindepth 1 -maxdepth 1 -exec ${UNPACK_TOOL} rm -rf {} +`
                : `${UNPACK_TOOL} rm -rf ${quote(external_node_path_.posix.join(dir, name.slice('.wh.'.length)))}`;
        });
        const script = ['set -e', ...removals, `${UNPACK_TOOL} tar -x -f -`, ...whiteouts.map((path) => `${UNPACK_TOOL} rm -f ${quote(`/${path}`)}`)].join('\n');
        await runWithInput(privileged(['unshare', `--root=${root}`, '--', UNPACK_TOOL, 'sh', '-c', script]), await layerTar(layout, layer), `layer ${layer.digest}`);
    }
}
async function layerTar(layout, layer) {
    const path = layout.blobPath(layer.digest);
    return (0,tar/* decompress */.mF)((0,external_node_fs_.createReadStream)(path), await (0,tar/* sniffCompression */.Hs)(path), `layer ${layer.digest}`);
}
/** The whiteout entries of a layer (cleaned paths), in archive order. */
async function whiteoutsOf(layout, layer) {
    const found = [];
    for await (const { header } of (0,tar/* readTar */.sB)(await layerTar(layout, layer))) {
        const path = external_node_path_.posix
            .normalize(header.name)
            .replace(/^(\.\/|\/)+/, '')
            .replace(/\/$/, '');
        if (external_node_path_.posix.basename(path).startsWith('.wh.'))
            found.push(path);
    }
    return found;
}
function quote(text) {
    return `'${text.replaceAll("'", "'\\''")}'`;
}
function runWithInput(argv, input, what) {
    return new Promise((resolve, reject) => {
        const [command, ...args] = argv;
        const child = (0,external_node_child_process_.spawn)(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-2000)));
        child.on('error', reject);
        child.stdin.on('error', () => { }); // a tar that stops early closes its input; its exit code says why
        input.on('error', (error) => child.kill() && reject(error));
        input.pipe(child.stdin);
        child.on('close', (code) => code === 0 ? resolve() : reject(new Error(`unpacking ${what} failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`)));
    });
}

;// CONCATENATED MODULE: ./src/prefetch-auto/record.ts
/**
 * `prefetch: auto`: runs the image's entrypoint over its unpacked layers, with no container runtime, and records
 * the files it opens until it is ready. It runs chrooted in a scratch copy of the image, as root (under `sudo -n`
 * when not root), in its own mount, PID and network namespaces (the network holds only loopback), with the image's
 * env and working dir, under `strace -f`. It is ready when one of its ports answers on loopback (probed from inside
 * its namespace), or at the time bound. Whatever goes wrong, it never throws: the outcome says why nothing was
 * recorded, and the caller goes on with its explicit list.
 */








/** The static busybox (Debian's busybox-static) copied into the scratch root to unpack the layers there. */
const BUSYBOX = '/bin/busybox';
const DEFAULT_AUTO_TIMEOUT_SECONDS = 10;
/** After the time bound, how long the launcher gets to stop the tracer and say so before it is killed. */
const GRACE_MS = 10_000;
/** How the recording ended, in words for the log and the summary. */
function describeOutcome(recording) {
    const { outcome } = recording;
    const by = recording.reusedFor ? ` by an earlier ship of the same source config (${recording.reusedFor.slice(0, 19)}), not run again` : '';
    const files = `${recording.paths.length} file${recording.paths.length === 1 ? '' : 's'} recorded${by}`;
    if (outcome.kind === 'port')
        return `${files}; port ${outcome.port} answered at ${outcome.seconds.toFixed(1)} s`;
    if (outcome.kind === 'time-bound')
        return `${files}; stopped at the time bound (${outcome.seconds} s)`;
    if (outcome.kind === 'exited')
        return `${files}; the entrypoint exited (code ${outcome.code}) at ${outcome.seconds.toFixed(1)} s`;
    return `nothing recorded, fell back to the explicit list: ${outcome.reason}`;
}
/** Runs the linux/amd64 image of `top` (else the first) and records what it opens at start. Never throws. */
async function recordStartup(layout, top, options) {
    const scratch = await (0,promises_.mkdtemp)((0,external_node_path_.join)(options.workDir, 'prefetch-auto-')).catch(() => undefined);
    try {
        if (!scratch)
            return fellBack(`cannot create a scratch directory under ${options.workDir}`);
        return await record(layout, top, options, scratch);
    }
    catch (error) {
        return fellBack(error instanceof Error ? error.message : String(error));
    }
    finally {
        // The root is root's; the trace is read by now.
        if (scratch)
            await run(privileged(['rm', '-rf', '--one-file-system', scratch])).catch(() => { });
    }
}
function fellBack(reason) {
    return { paths: [], outcome: { kind: 'fell-back', reason } };
}
async function record(layout, top, options, scratch) {
    if (process.platform !== 'linux')
        return fellBack(`it needs Linux namespaces, and this is ${process.platform}`);
    for (const tool of ['unshare', 'strace', 'bash', 'mount'])
        if ((await run(['sh', '-c', `command -v ${tool}`]).catch(() => 1)) !== 0)
            return fellBack(`${tool} is not installed (apt-get install util-linux strace)`);
    const noRoot = await cannotRunPrivileged();
    if (noRoot)
        return fellBack(noRoot);
    const { manifest, config } = await (0,oci/* readImageConfig */.MP)(layout, top, { os: 'linux', architecture: 'amd64' });
    const section = config.config ?? {};
    const argv = [...(section.Entrypoint ?? []), ...(section.Cmd ?? [])];
    if (argv.length === 0)
        return fellBack('the image has no entrypoint or command');
    const ports = options.ports ?? Object.keys(section.ExposedPorts ?? {}).flatMap((p) => (/^\d+(\/tcp)?$/.test(p) ? [Number.parseInt(p, 10)] : []));
    const timeout = options.timeoutSeconds ?? DEFAULT_AUTO_TIMEOUT_SECONDS;
    const root = (0,external_node_path_.join)(scratch, 'root');
    const traceDir = (0,external_node_path_.join)(scratch, 'trace');
    await (0,promises_.mkdir)(root);
    await (0,promises_.mkdir)(traceDir);
    await (0,promises_.mkdir)((0,external_node_path_.join)(root, UNPACK_DIR));
    await (0,promises_.copyFile)(BUSYBOX, (0,external_node_path_.join)(root, UNPACK_DIR, 'busybox')).catch(() => {
        throw new Error(`${BUSYBOX} (Debian's busybox-static) is needed to unpack the layers`);
    });
    await unpackLayers(layout, manifest.layers, root);
    await run(privileged(['rm', '-rf', (0,external_node_path_.join)(root, UNPACK_DIR)]));
    const workDir = section.WorkingDir || '/';
    const env = section.Env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
    options.log?.(`prefetch auto: running ${JSON.stringify(argv)} in ${workDir}${ports.length ? `, until port ${ports.join(' or ')} answers` : ''} (at most ${timeout} s)`);
    const launch = privileged([
        'unshare',
        '--mount',
        '--net',
        '--pid',
        '--ipc',
        '--uts',
        '--fork',
        '--kill-child',
        '--',
        'bash',
        '-c',
        LAUNCHER,
        'launcher',
        root,
        traceDir,
        workDir,
        String(timeout),
        ports.join(' '),
        ...env.flatMap((e) => ['-e', e]),
        '--',
        ...argv,
    ]);
    const said = await runLauncher(launch, timeout);
    const output = lastLine(said);
    const outputs = output ? { output } : {};
    const opened = await readTrace(traceDir, workDir).catch(() => ({ paths: [], executed: new Set() }));
    // The kernel loads a program's interpreter (the dynamic loader, a script's #!) with no call strace shows.
    const paths = await withInterpreters(opened.paths, opened.executed, root);
    const ready = /^ready (\d+) (\d+)$/m.exec(said);
    const exited = /^exited (\d+) (\d+)$/m.exec(said);
    const seconds = (centis) => Number(centis) / 100;
    if (ready)
        return { paths, outcome: { kind: 'port', port: Number(ready[1]), seconds: seconds(ready[2]) }, ...outputs };
    if (exited) {
        const code = Number(exited[1]);
        if (code !== 0)
            return { ...fellBack(`the entrypoint ${JSON.stringify(argv[0])} exited with code ${code} at ${seconds(exited[2]).toFixed(1)} s`), ...outputs };
        return { paths, outcome: { kind: 'exited', code, seconds: seconds(exited[2]) }, ...outputs };
    }
    if (/^time-bound$/m.test(said))
        return { paths, outcome: { kind: 'time-bound', seconds: timeout }, ...outputs };
    return { ...fellBack('the launcher stopped before the service ran (namespaces, mounts or loopback could not be set up)'), ...outputs };
}
/** The service's (or the launcher's) last line of output, as the launcher passed it on. */
function lastLine(said) {
    const line = said
        .split('\n')
        .filter((l) => l.startsWith('output: ') && l.length > 'output: '.length)
        .pop();
    return line?.slice('output: '.length);
}
/**
 * The launcher, in the new namespaces as their PID 1: loopback up, /proc and a minimal /dev in the root, then the
 * entrypoint under strace (chrooted by `unshare --root`, with only the image's env), and a probe of its ports.
 * It prints `ready PORT CENTISECONDS`, `exited CODE CENTISECONDS` or `time-bound`, and the service's last output line.
 */
const LAUNCHER = `
set -u
root=$1 trace=$2 wd=$3 timeout=$4 ports=$5; shift 5
env=(); while [ "$1" != -- ]; do env+=("$2"); shift 2; done; shift
ip link set lo up 2>/dev/null || /bin/busybox ip link set lo up || exit 3
mkdir -p "$root/proc" "$root/dev" "$root/tmp" && mount -t proc proc "$root/proc" && mount -t tmpfs -o mode=755 tmpfs "$root/dev" || exit 3
mknod -m 666 "$root/dev/null" c 1 3; mknod -m 666 "$root/dev/zero" c 1 5; mknod -m 666 "$root/dev/random" c 1 8; mknod -m 666 "$root/dev/urandom" c 1 9
start=$(date +%s%N)
env -i "\${env[@]}" "$(command -v strace)" -f -ff -ttt -qq -e trace=%file,%process -o "$trace/trace" unshare --root="$root" --wd="$wd" -- "$@" </dev/null >"$trace/output" 2>&1 &
pid=$!
# The service's processes are killed (strace, asked to stop, can wait long on a sleeping tracee); strace then ends
# on its own with its output written.
stop() { for p in "$root"/proc/[0-9]*; do p=\${p##*/}; [ "$p" = 1 ] || [ "$p" = "$pid" ] || [ "$p" = "$BASHPID" ] || kill -KILL "$p" 2>/dev/null; done; wait $pid 2>/dev/null; }
centis() { echo $(( ($(date +%s%N) - start) / 10000000 )); }
end=$(( start + timeout * 1000000000 ))
say() { echo "$1"; echo "output: $(tail -c 300 "$trace/output" | tr -d '\\r' | grep -v '^$' | tail -n 1)"; }
while [ "$(date +%s%N)" -lt "$end" ]; do
  for port in $ports; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then t=$(centis); stop; say "ready $port $t"; exit 0; fi
  done
  if ! kill -0 $pid 2>/dev/null; then wait $pid 2>/dev/null; code=$?; say "exited $code $(centis)"; exit 0; fi
  sleep 0.05
done
stop; say time-bound
`;
/** Runs the launcher, killed if it outlives the time bound by the grace; what it printed. */
function runLauncher(argv, timeoutSeconds) {
    return new Promise((resolve) => {
        const [command, ...args] = argv;
        const child = (0,external_node_child_process_.spawn)(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk.toString()));
        child.stderr.on('data', (chunk) => (out += `output: ${chunk.toString().trim().split('\n').pop() ?? ''}\n`));
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000 + GRACE_MS);
        child.on('error', (error) => {
            clearTimeout(timer);
            resolve(`output: ${error.message}`);
        });
        child.on('close', () => {
            clearTimeout(timer);
            resolve(out);
        });
    });
}
function run(argv) {
    return new Promise((resolve, reject) => {
        const [command, ...args] = argv;
        const child = (0,external_node_child_process_.spawn)(command, args, { stdio: 'ignore' });
        child.on('error', reject);
        child.on('close', (code) => resolve(code ?? 1));
    });
}

;// CONCATENATED MODULE: ./src/prefetch-auto/saved-record.ts
/** The annotation's value for a recording made from the image whose config has digest `sourceConfig`. */
function savedRecord(recording, sourceConfig) {
    return JSON.stringify({ sourceConfig, outcome: recording.outcome, paths: recording.paths });
}
/** The first of the saved records made from `sourceConfig` that ran (not one that fell back); undefined otherwise. */
function reusableRecord(saved, sourceConfig) {
    for (const text of saved) {
        let value;
        try {
            value = JSON.parse(text);
        }
        catch {
            continue;
        }
        if (typeof value !== 'object' || value === null)
            continue;
        const { sourceConfig: from, outcome, paths } = value;
        const kind = outcome?.kind;
        if (from !== sourceConfig || !Array.isArray(paths) || !paths.every((p) => typeof p === 'string'))
            continue;
        if (kind !== 'port' && kind !== 'time-bound' && kind !== 'exited')
            continue;
        return { paths: paths, outcome: outcome };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/prefetch-auto/index.ts
/** `prefetch: auto`: records the files an image's entrypoint opens at start, by running it traced, with no container runtime. */




/***/ }),

/***/ 51123:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $J: () => (/* binding */ throwIfStopped),
/* harmony export */   C9: () => (/* binding */ Stopped),
/* harmony export */   cw: () => (/* binding */ RunStop)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(83916);
/**
 * Stopping a run on SIGINT or SIGTERM: Ctrl-C, or a cancelled GitHub job (the runner sends SIGINT, SIGTERM 7.5 s
 * later, then kills the process).
 *
 * The first signal aborts `signal`: the stage in progress stops (a builder's process is killed, uploads are cut, a
 * conversion ends at its next chunk), no later stage starts, and the pipeline unwinds through its own cleanup. A
 * deploy completes the write in flight and takes back what it wrote; it runs inside `uninterrupted`, so the process
 * does not exit before that is done. If the run has not ended `graceMs` later, or a second signal comes, the
 * directories given to `removeOnExit` are removed here and the process exits, unless a deploy is still in flight.
 * The exit code is the shell's for the signal: 128 + its number (130, 143).
 */



const SIGNALS = ['SIGINT', 'SIGTERM'];
/** How long a forced run has to report once a deploy it waited for has settled. */
const REPORT_MS = 1_000;
/** The reason of an aborted run: which signal stopped it. */
class Stopped extends _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ShipError */ .fS {
    signalName;
    constructor(signalName) {
        super(`stopped by ${signalName}`, { hint: 'the run was cancelled: nothing after this stage ran, and its temporary files were removed; run again to ship' });
        this.signalName = signalName;
    }
    /** 128 + the signal's number, as a shell reports a process a signal ended. */
    get exitCode() {
        return 128 + node_os__WEBPACK_IMPORTED_MODULE_1__.constants.signals[this.signalName];
    }
}
/** Throws the stop when the run has been asked to stop (the deploy checks before each write). */
function throwIfStopped(signal) {
    if (signal?.aborted)
        throw signal.reason instanceof Stopped ? signal.reason : new Stopped('SIGINT');
}
class RunStop {
    options;
    controller = new AbortController();
    scratch = new Set();
    inFlight = 0;
    forcing = false;
    timer;
    constructor(options = {}) {
        this.options = options;
    }
    /** Aborted at the first stop signal, with a `Stopped` as its reason. */
    get signal() {
        return this.controller.signal;
    }
    /** Why the run stopped, once a signal came. */
    get stopped() {
        return this.signal.aborted ? this.signal.reason : undefined;
    }
    /** Listens for SIGINT and SIGTERM until the returned function is called. */
    listen() {
        const onSignal = (name) => this.receive(name);
        for (const name of SIGNALS)
            process.on(name, onSignal);
        return () => {
            for (const name of SIGNALS)
                process.off(name, onSignal);
            clearTimeout(this.timer);
        };
    }
    /** What a signal does; `listen` calls it, tests may too. */
    receive(name) {
        if (this.signal.aborted) {
            this.force();
            return;
        }
        this.options.log?.(`${name}: stopping the run${this.inFlight > 0 ? ' once the deploy in flight has completed' : ''}`);
        this.controller.abort(new Stopped(name));
        this.timer = setTimeout(() => this.force(), this.options.graceMs ?? 5_000);
        this.timer.unref();
    }
    /** Runs `work` to its end even when a stop comes meanwhile: the process does not exit before it settles. */
    async uninterrupted(work) {
        this.inFlight += 1;
        try {
            return await work();
        }
        finally {
            this.inFlight -= 1;
            // Forced meanwhile: the run still gets a moment to report what the deploy did (it is the last word on the
            // service), then the process exits.
            if (this.forcing && this.inFlight === 0) {
                this.timer = setTimeout(() => this.exitNow(), REPORT_MS);
                this.timer.unref();
            }
        }
    }
    /**
     * Called once the run has reported: when a stop ended it, the process exits with the signal's code as soon as
     * stdout and stderr have taken what was written, so that nothing a stopped stage left behind keeps it alive.
     */
    finish() {
        const code = this.stopped?.exitCode;
        if (code === undefined)
            return;
        let pending = 2;
        const flushed = () => {
            pending -= 1;
            if (pending === 0)
                (this.options.exit ?? process.exit)(code);
        };
        process.stdout.write('', flushed);
        process.stderr.write('', flushed);
    }
    /** A directory the run made: removed here if the process has to exit before the run removes it. */
    removeOnExit(dir) {
        this.scratch.add(dir);
        return () => this.scratch.delete(dir);
    }
    force() {
        this.forcing = true;
        if (this.inFlight > 0) {
            this.options.log?.('waiting for the deploy in flight to complete before exiting');
            return;
        }
        this.exitNow();
    }
    exitNow() {
        for (const dir of this.scratch)
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(dir, { recursive: true, force: true });
        this.scratch.clear();
        (this.options.exit ?? process.exit)(this.stopped?.exitCode ?? 1);
    }
}


/***/ })

};
