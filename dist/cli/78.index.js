export const id = 78;
export const ids = [78];
export const modules = {

/***/ 70145:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ makeTempDir),
/* harmony export */   z: () => (/* binding */ fileError)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(83916);
/**
 * File-system surprises in an image on disk (a blob that is a directory, a file where a directory should be, a
 * file that cannot be read) and in the places files are written (a temporary directory that cannot be made) as a
 * ShipError naming the path, instead of a bare errno error with a stack.
 */




const PROBLEMS = {
    EISDIR: 'is a directory, where a file was expected',
    ENOTDIR: 'is not a directory, or a part of its path is a file where a directory was expected',
    EEXIST: 'already exists as something other than what was expected',
    ENOENT: 'does not exist',
    EACCES: 'cannot be read or written: permission denied',
    EPERM: 'cannot be read or written: operation not permitted',
    ELOOP: 'is a symbolic link loop',
    ENAMETOOLONG: 'is a name too long for the file system',
    EROFS: 'is on a read-only file system',
    ENOSPC: 'is on a file system with no space left',
    EDQUOT: 'is on a file system whose quota is used up',
};
function problemOf(error) {
    const code = error?.code;
    return (code && PROBLEMS[code]) ?? `cannot be used (${code ?? (error instanceof Error ? error.message : String(error))})`;
}
/** The ShipError for a file-system error met at `path`; `context` (what was being read or written) leads the message. */
function fileError(error, path, context, hint) {
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ShipError */ .fS)
        return error;
    const problem = problemOf(error);
    // The errno error's own path may be deeper than `path` (a file under it); it names the culprit best.
    const culprit = error?.path ?? path;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ShipError */ .fS(`${context}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .shown */ .SP)(culprit)} ${problem}`, { ...(hint ? { hint } : {}), cause: error });
}
/**
 * A new directory `prefix` + random characters under `parent` (default the system's temporary directory, which
 * follows TMPDIR). A parent that is missing, not a directory or not writable is a ShipError naming it and the fix.
 */
async function makeTempDir(parent, prefix) {
    const under = parent ?? (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)();
    try {
        return await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(under, prefix));
    }
    catch (error) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ShipError */ .fS(`cannot create a temporary directory: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .shown */ .SP)(under)} ${problemOf(error)}`, {
            hint: parent === undefined ? 'point TMPDIR at a writable directory, or unset it' : `make ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .shown */ .SP)(under)} a writable directory`,
            cause: error,
        });
    }
}


/***/ }),

/***/ 72082:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c: () => (/* binding */ isLoopbackHost)
/* harmony export */ });
/** Whether a host name (as URL.hostname gives it, IPv6 in brackets) is this machine: plain HTTP never leaves it. */
function isLoopbackHost(host) {
    return host === 'localhost' || /^127(?:\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}


/***/ }),

/***/ 93078:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  YH: () => (/* reexport */ Annotation),
  VR: () => (/* reexport */ DigestCounter),
  K8: () => (/* reexport */ ImageConfig),
  yd: () => (/* reexport */ ImageIndex),
  nU: () => (/* reexport */ ImageManifest),
  zu: () => (/* reexport */ MediaType),
  Q8: () => (/* reexport */ MissingBlobError),
  Al: () => (/* reexport */ OciLayout),
  bP: () => (/* reexport */ RegistryClient),
  Tp: () => (/* reexport */ assertArchiveFile),
  CB: () => (/* reexport */ checkArchiveTarget),
  N3: () => (/* reexport */ credentialsFromDockerConfig),
  Q1: () => (/* reexport */ dockerConfigPath),
  vP: () => (/* reexport */ forEachLimited),
  kL: () => (/* reexport */ formatImageRef),
  lJ: () => (/* reexport */ isConfigType),
  Bc: () => (/* reexport */ isDigest),
  sJ: () => (/* reexport */ isForeignLayer),
  tr: () => (/* reexport */ isImageManifestType),
  $U: () => (/* reexport */ isIndexType),
  AH: () => (/* reexport */ layerCompression),
  VJ: () => (/* reexport */ layoutFromDockerArchive),
  UY: () => (/* reexport */ openImage),
  h6: () => (/* reexport */ packOciArchive),
  Q: () => (/* reexport */ parseImageRef),
  ZP: () => (/* reexport */ pullImage),
  Wl: () => (/* reexport */ pullIntoLayout),
  v4: () => (/* reexport */ pushFromLayout),
  GH: () => (/* reexport */ pushImage),
  MP: () => (/* reexport */ readImageConfig),
  IY: () => (/* reexport */ remoteImageManifests),
  hk: () => (/* reexport */ removeWhenClosed),
  sc: () => (/* reexport */ sha256),
  h0: () => (/* reexport */ push_short)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(46466);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/file-errors.ts
var file_errors = __webpack_require__(70145);
// EXTERNAL MODULE: ./src/tar/index.ts + 5 modules
var tar = __webpack_require__(56516);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/oci/digest.ts
/** Content digests: `sha256:<64 hex>`, the only algorithm registries are required to accept. */

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
function isDigest(value) {
    return DIGEST_RE.test(value);
}
function sha256(data) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(data).digest('hex')}`;
}
/** The 64 hex characters of a digest (the file name of its blob in an OCI layout). */
function digestHex(digest) {
    return digest.slice('sha256:'.length);
}
/** An incremental sha256 that also counts bytes, for data that streams through. */
class DigestCounter {
    hash = (0,external_node_crypto_.createHash)('sha256');
    size = 0;
    update(chunk) {
        this.hash.update(chunk);
        this.size += chunk.length;
    }
    digest() {
        return `sha256:${this.hash.digest('hex')}`;
    }
}

;// CONCATENATED MODULE: ./src/oci/media-types.ts
const OCI_LAYOUT_VERSION = '1.0.0';
const MediaType = {
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    ociConfig: 'application/vnd.oci.image.config.v1+json',
    ociLayer: 'application/vnd.oci.image.layer.v1.tar',
    ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
    ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
    ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
    ociLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
    ociEmpty: 'application/vnd.oci.empty.v1+json',
    dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    dockerConfig: 'application/vnd.docker.container.image.v1+json',
    dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
    dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
    dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar',
    dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
};
/**
 * The layer media types a container runtime unpacks (containerd's images.DiffCompression knows the same ones), with
 * the compression each declares. Anything else (an encrypted layer, an in-toto statement, a Helm chart) is not a
 * file-system layer this tool can convert or vouch for.
 */
const LAYER_COMPRESSION = {
    [MediaType.ociLayer]: 'none',
    [MediaType.ociLayerGzip]: 'gzip',
    [MediaType.ociLayerZstd]: 'zstd',
    [MediaType.ociLayerNondistributable]: 'none',
    [MediaType.ociLayerNondistributableGzip]: 'gzip',
    [MediaType.ociLayerNondistributableZstd]: 'zstd',
    [MediaType.dockerLayer]: 'none',
    [MediaType.dockerLayerGzip]: 'gzip',
    [MediaType.dockerLayerZstd]: 'zstd',
    [MediaType.dockerForeignLayer]: 'none',
    [MediaType.dockerForeignLayerGzip]: 'gzip',
};
/** The compression a layer media type declares; undefined when it is not a layer type this tool knows. */
function layerCompression(mediaType) {
    return Object.hasOwn(LAYER_COMPRESSION, mediaType) ? LAYER_COMPRESSION[mediaType] : undefined;
}
/** Image config media types: OCI's, and Docker schema 2's (the same document). */
function isConfigType(mediaType) {
    return mediaType === MediaType.ociConfig || mediaType === MediaType.dockerConfig;
}
/** Layers pulled from their own URLs rather than the registry (never pushed, so never in a layout). */
function isForeignLayer(layer) {
    return layer.mediaType === MediaType.dockerForeignLayer || layer.mediaType === MediaType.dockerForeignLayerGzip || (layer.urls?.length ?? 0) > 0;
}
/** Manifest types that list other manifests (one per platform). */
function isIndexType(mediaType) {
    return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}
/** Manifest types that describe one image (config + layers). */
function isImageManifestType(mediaType) {
    return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}
/** What every manifest GET/HEAD should accept, newest first. */
const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest];
/** Annotations of the OCI image spec and of eStargz, written or read here. */
const Annotation = {
    /** On an index entry: the tag it is known by in an OCI layout. */
    refName: 'org.opencontainers.image.ref.name',
    /** On an eStargz layer: the digest of its TOC JSON (read by the stargz snapshotter). */
    stargzTocDigest: 'containerd.io/snapshot/stargz/toc.digest',
    /** On an eStargz layer: the size of the uncompressed tar. */
    estargzUncompressedSize: 'io.containers.estargz.uncompressed-size',
};

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./src/oci/blob-check.ts
/**
 * Blobs checked against their descriptors while they stream, the way containerd's content store checks what it
 * ingests and go-containerregistry's verify.ReadCloser checks what it reads: the byte count may never pass the
 * descriptor's size (a blob that is too long is stopped there, not read to its end), and at the end both the size
 * and the sha256 must be the descriptor's. Nothing is held but the running hash.
 */



const HINT = 'the image is corrupt, was cut short, or its bytes were swapped for others: build, export or pull it again';
/** The running check of one blob; `where` (a directory, an archive, a registry repository) prefixes its errors. */
class BlobCheck {
    expected;
    where;
    counter = new DigestCounter();
    constructor(expected, where) {
        this.expected = expected;
        this.where = where;
    }
    /** Counts and hashes a piece; throws as soon as the blob is longer than its descriptor says. */
    update(chunk) {
        this.counter.update(chunk);
        const { size } = this.expected;
        if (size !== undefined && this.counter.size > size)
            throw this.error(`is longer than the ${size} bytes its descriptor gives`);
    }
    /** The blob's digest and size, once it has ended; throws when either is not the expected one. */
    finish() {
        const actual = { digest: this.counter.digest(), size: this.counter.size };
        const mismatch = blobMismatch(this.expected, actual, this.where);
        if (mismatch)
            throw mismatch;
        return actual;
    }
    error(problem) {
        return blobError(this.expected, problem, this.where);
    }
}
/** The error for a whole blob whose digest or size (`actual`) is not the expected one; undefined when they match. */
function blobMismatch(expected, actual, where) {
    if (expected.size !== undefined && actual.size !== expected.size)
        return blobError(expected, `is ${actual.size} bytes, but its descriptor gives ${expected.size}`, where);
    if (expected.digest !== undefined && actual.digest !== expected.digest)
        return blobError(expected, `does not match its digest: its content is ${actual.digest}`, where);
    return undefined;
}
function blobError(expected, problem, where) {
    const blob = expected.digest ? `blob ${expected.digest}` : 'a blob';
    return new errors/* ShipError */.fS(`${where ? `${where}: ` : ''}${blob} ${problem}`, { hint: HINT });
}
/**
 * A pass-through stream that checks what flows through it: it fails as soon as the blob is too long, and at the end
 * fails instead of ending when the size or digest is wrong, so a reader never sees a clean end of a bad blob.
 */
function checkingStream(expected, where) {
    const check = new BlobCheck(expected, where);
    return new external_node_stream_.Transform({
        transform(chunk, _encoding, callback) {
            try {
                check.update(chunk);
                callback(null, chunk);
            }
            catch (error) {
                callback(error);
            }
        },
        flush(callback) {
            try {
                check.finish();
                callback();
            }
            catch (error) {
                callback(error);
            }
        },
    });
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __webpack_require__(75919);
;// CONCATENATED MODULE: ./src/oci/hash-files.ts
/**
 * The sha256 and size of whole files, computed in worker threads: one per core, each hashing one file at a time.
 * Checking the blobs of an image's layers without reading them otherwise (layers reused rather than converted) can
 * mean hundreds of megabytes; on the main thread that would be slow, spread over the cores it is not. A few files
 * of less than WORKER_BYTES in all are hashed on the calling thread: starting a worker takes about as long as
 * hashing 50 MB (sha256 runs at well over 1 GB/s), and a re-ship of a small image would spend most of its time so.
 */





/** Files of less than this in all are hashed on the calling thread. */
const WORKER_BYTES = 128 * 1024 * 1024;
/** The worker, as source text, so a bundled program needs no separate file. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createReadStream } = require('node:fs');
const { createHash } = require('node:crypto');
parentPort.on('message', (path) => {
  const hash = createHash('sha256');
  let size = 0;
  createReadStream(path, { highWaterMark: 1 << 20 })
    .on('data', (chunk) => { hash.update(chunk); size += chunk.length; })
    .on('error', (error) => parentPort.postMessage({ error: { code: error.code, message: error.message, path } }))
    .on('end', () => parentPort.postMessage({ digest: 'sha256:' + hash.digest('hex'), size }));
});
`;
/**
 * Hashes every file of `paths` (in order of the answer), at most `threads` at a time; the workers end with the call.
 * A file that cannot be read rejects with an errno-like error carrying its code and path.
 */
async function hashFiles(paths, threads = (0,external_node_os_.availableParallelism)(), workerBytes = WORKER_BYTES) {
    if ((await totalSize(paths)) < workerBytes) {
        const hashes = [];
        for (const path of paths)
            hashes.push(await hashHere(path));
        return hashes;
    }
    const results = new Array(paths.length);
    let next = 0;
    const run = async () => {
        const worker = new external_node_worker_threads_.Worker(WORKER_SOURCE, { eval: true });
        try {
            while (next < paths.length) {
                const index = next;
                next += 1;
                const answer = await new Promise((resolve, reject) => {
                    worker.once('message', resolve);
                    worker.once('error', reject);
                    worker.postMessage(paths[index]);
                });
                worker.removeAllListeners('error');
                if ('error' in answer)
                    throw Object.assign(new Error(answer.error.message), { code: answer.error.code, path: answer.error.path, syscall: 'read' });
                results[index] = answer;
            }
        }
        finally {
            await worker.terminate();
        }
    };
    const workers = Math.max(1, Math.min(threads, paths.length));
    const settled = await Promise.allSettled(Array.from({ length: paths.length === 0 ? 0 : workers }, run));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed)
        throw failed.reason;
    return results;
}
/** The files' sizes added up; a file that cannot be read counts as large, so the workers report it as ever. */
async function totalSize(paths) {
    let total = 0;
    for (const path of paths)
        total += (await (0,promises_.stat)(path).catch(() => undefined))?.size ?? Infinity;
    return total;
}
/** The worker's hash, on this thread; errors carry the path, as the worker's do. */
async function hashHere(path) {
    const counter = new DigestCounter();
    try {
        for await (const chunk of (0,external_node_fs_.createReadStream)(path, { highWaterMark: 1 << 20 }))
            counter.update(chunk);
    }
    catch (error) {
        const { code, message } = error;
        throw Object.assign(new Error(message), { code, path, syscall: 'read' });
    }
    return { digest: counter.digest(), size: counter.size };
}

;// CONCATENATED MODULE: ./src/oci/json-shape.ts
/**
 * Checks of the shape of a parsed JSON document, with the surface of a zod schema that this package's callers use
 * (`safeParse`, `parse`, the first issue's path and message). The OCI documents are checked with these rather than
 * with zod: a push reads nothing else, and zod is most of the code a push would otherwise load at every start.
 * Objects are loose: fields not named are kept, and the document is returned as it was given.
 */
class Shape {
    check;
    constructor(check) {
        this.check = check;
    }
    safeParse(value) {
        const issue = this.check(value, []);
        return issue ? { success: false, error: { issues: [issue] } } : { success: true, data: value };
    }
    parse(value) {
        const issue = this.check(value, []);
        if (issue)
            throw new Error(`${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
        return value;
    }
}
const issue = (path, message) => ({ path, message });
const isString = (value, path) => (typeof value === 'string' ? undefined : issue(path, `expected a string, got ${kind(value)}`));
const isNonNegativeInteger = (value, path) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? undefined : issue(path, `expected a whole number of at least 0, got ${kind(value)}`);
function isLiteral(expected) {
    return (value, path) => (value === expected ? undefined : issue(path, `expected ${JSON.stringify(expected)}, got ${kind(value)}`));
}
/** A value that passes `test`, else `message`. */
function satisfies(test, message) {
    return (value, path) => (test(value) ? undefined : issue(path, message));
}
function arrayOf(item) {
    return (value, path) => {
        if (!Array.isArray(value))
            return issue(path, `expected an array, got ${kind(value)}`);
        for (const [i, element] of value.entries()) {
            const found = item(element, [...path, i]);
            if (found)
                return found;
        }
        return undefined;
    };
}
/** An object whose every value passes `item` (e.g. annotations: strings). */
function recordOf(item) {
    return (value, path) => {
        if (!isPlainObject(value))
            return issue(path, `expected an object, got ${kind(value)}`);
        for (const [key, element] of Object.entries(value)) {
            const found = item(element, [...path, key]);
            if (found)
                return found;
        }
        return undefined;
    };
}
/** A field that may be missing (or undefined). */
function optional(check) {
    return (value, path) => (value === undefined ? undefined : check(value, path));
}
/** A field that may be missing, undefined or null. */
function nullish(check) {
    return (value, path) => (value === undefined || value === null ? undefined : check(value, path));
}
/** An object with these fields (wrap a field in `optional` when it may be missing); other fields are kept. */
function looseObject(fields) {
    return (value, path) => {
        if (!isPlainObject(value))
            return issue(path, `expected an object, got ${kind(value)}`);
        for (const [name, check] of Object.entries(fields)) {
            const found = check(value[name], [...path, name]);
            if (found)
                return found;
        }
        return undefined;
    };
}
function isPlainObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function kind(value) {
    if (value === undefined)
        return 'nothing';
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'an array';
    // The type alone: a document's values (annotations, labels) are not quoted into messages.
    return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

;// CONCATENATED MODULE: ./src/oci/types.ts
/**
 * OCI (and Docker schema 2) JSON documents: their types, and checks of their shape (json-shape.ts) with the surface
 * of zod schemas (`safeParse`, `parse`). Objects are loose: fields we do not know are kept, so a document read,
 * changed and written again loses nothing (e.g. `artifactType`, `subject`, config history).
 */


/** Typed as Digest, so a parsed descriptor's digest goes straight to the layout and registry functions. */
const digest = satisfies((value) => typeof value === 'string' && isDigest(value), 'must be a sha256 digest');
const annotations = recordOf(isString);
const strings = arrayOf(isString);
const platform = looseObject({
    architecture: isString,
    os: isString,
    'os.version': optional(isString),
    'os.features': optional(strings),
    variant: optional(isString),
});
const Platform = new Shape(platform);
const descriptor = looseObject({
    mediaType: isString,
    digest,
    size: isNonNegativeInteger,
    urls: optional(strings),
    annotations: optional(annotations),
    platform: optional(platform),
    artifactType: optional(isString),
});
const Descriptor = new Shape(descriptor);
const ImageManifest = new Shape(looseObject({
    schemaVersion: isLiteral(2),
    mediaType: optional(isString),
    artifactType: optional(isString),
    config: descriptor,
    layers: arrayOf(descriptor),
    subject: optional(descriptor),
    annotations: optional(annotations),
}));
const ImageIndex = new Shape(looseObject({
    schemaVersion: isLiteral(2),
    mediaType: optional(isString),
    artifactType: optional(isString),
    manifests: arrayOf(descriptor),
    subject: optional(descriptor),
    annotations: optional(annotations),
}));
/** Any value: only the object around it is checked. */
const anything = () => undefined;
const ImageConfig = new Shape(looseObject({
    architecture: optional(isString),
    os: optional(isString),
    variant: optional(isString),
    config: nullish(looseObject({
        ExposedPorts: nullish(recordOf(anything)),
        Volumes: nullish(recordOf(anything)),
        Labels: nullish(recordOf(isString)),
        Env: nullish(strings),
        Entrypoint: nullish(strings),
        Cmd: nullish(strings),
        WorkingDir: nullish(isString),
        User: nullish(isString),
    })),
    rootfs: looseObject({ type: isLiteral('layers'), diff_ids: arrayOf(digest) }),
    history: optional(arrayOf(looseObject({ empty_layer: optional(satisfies((value) => typeof value === 'boolean', 'expected true or false')) }))),
}));

;// CONCATENATED MODULE: ./src/oci/write-stream.ts

/** Resolves once `stream` has closed (a failed pipeline destroys its streams; a finished file stream closes itself). */
async function streamClosed(stream) {
    if (stream.closed)
        return;
    if (!stream.destroyed && !stream.writableFinished)
        stream.destroy();
    await new Promise((resolve) => stream.once('close', () => resolve()));
}
/** Removes `path`, the file `stream` writes, once the stream has closed; never fails (the caller has its error). */
async function removeWhenClosed(stream, path) {
    await streamClosed(stream);
    await (0,promises_.rm)(path, { force: true }).catch(() => { });
}

;// CONCATENATED MODULE: ./src/oci/layout.ts
/**
 * An OCI image layout on disk (image-spec `image-layout.md`): `oci-layout`, `index.json` and `blobs/sha256/<hex>`.
 * The converter writes its output here and the registry client pushes from and pulls into it. Blobs are written
 * to a temporary file and renamed into place once their digest is checked, so a crash or a failed download never
 * leaves a blob whose name lies about its content. Blobs read are checked against their descriptors (size and
 * digest) as they stream; a layout remembers the blobs it wrote or checked, so they are not hashed twice.
 */













/** JSON documents (manifests, configs, indexes) larger than this are refused rather than read into memory. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;
let temporaryCounter = 0;
class OciLayout {
    dir;
    /** Blobs written or read whole and checked by this process: digest -> size. */
    checked = new Map();
    /** The layout as messages name it (its directory, or the archive it came from). */
    where;
    constructor(dir, options) {
        this.dir = dir;
        this.where = options.where ?? dir;
    }
    /** Opens an existing layout; fails with a hint when DIR is not one. */
    static async open(dir, options = {}) {
        const where = options.where ?? dir;
        const markerPath = (0,external_node_path_.join)(dir, 'oci-layout');
        let marker;
        try {
            marker = await (0,promises_.readFile)(markerPath, 'utf8');
        }
        catch (error) {
            const code = error.code;
            if (code !== 'ENOENT' && code !== 'ENOTDIR')
                throw (0,file_errors/* fileError */.z)(error, markerPath, 'the layout marker', 'the layout is damaged: write it again');
            throw new errors/* ShipError */.fS(`${where} is not an OCI image layout: it has no oci-layout file`, {
                hint: 'give a directory written by `buildah push IMAGE oci:DIR` or `skopeo copy ... oci:DIR`',
            });
        }
        let version;
        try {
            version = JSON.parse(marker).imageLayoutVersion;
        }
        catch {
            version = undefined;
        }
        if (version !== OCI_LAYOUT_VERSION) {
            // The value is shown only when it looks like a version: the file may be anything, and its content stays out of messages.
            const shownVersion = typeof version === 'string' && /^[\w.+-]{1,20}$/.test(version) ? ` "${version}"` : '';
            throw new errors/* ShipError */.fS(`${where}: oci-layout has an unsupported imageLayoutVersion${shownVersion}`, { hint: `only ${OCI_LAYOUT_VERSION} is known` });
        }
        return new OciLayout(dir, options);
    }
    /** Opens DIR as a layout, creating it (empty) when it does not exist yet. */
    static async create(dir, options = {}) {
        const hint = 'name a directory that is, or can become, an OCI image layout';
        await (0,promises_.mkdir)((0,external_node_path_.join)(dir, 'blobs', 'sha256'), { recursive: true }).catch((error) => {
            throw (0,file_errors/* fileError */.z)(error, dir, 'the layout', hint);
        });
        try {
            const marker = (0,external_node_path_.join)(dir, 'oci-layout');
            if (!(await exists(marker)))
                await writeAtomically(marker, JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }));
            if (!(await exists((0,external_node_path_.join)(dir, 'index.json'))))
                await writeAtomically((0,external_node_path_.join)(dir, 'index.json'), JSON.stringify(emptyIndex()));
        }
        catch (error) {
            throw (0,file_errors/* fileError */.z)(error, dir, 'the layout', hint);
        }
        return OciLayout.open(dir, options);
    }
    // --- blobs ---------------------------------------------------------------------------------------------------------
    blobPath(digest) {
        return (0,external_node_path_.join)(this.dir, 'blobs', 'sha256', digestHex(digest));
    }
    /** Whether the blob is present (and, when `size` is given, has that size). */
    async hasBlob(digest, size) {
        const info = await (0,promises_.stat)(this.blobPath(digest)).catch(() => undefined);
        return info !== undefined && info.isFile() && (size === undefined || info.size === size);
    }
    /**
     * Checks what can be checked without reading a blob: it is there, it is a file, and it has the descriptor's size.
     * Returns its path.
     */
    async statBlob(blob) {
        const { path, size } = await this.blobFile(blob.digest);
        if (size !== blob.size)
            throw new errors/* ShipError */.fS(`${this.where}: blob ${blob.digest} is ${size} bytes, but its descriptor gives ${blob.size}`, {
                hint: 'the image is corrupt or cut short: build, export or pull it again',
            });
        return path;
    }
    /** The blob's path and size; a ShipError naming it when it is missing or not a file. */
    async blobFile(digest) {
        const path = this.blobPath(digest);
        const info = await (0,promises_.stat)(path).catch((error) => {
            if (error.code === 'ENOENT')
                return undefined;
            throw (0,file_errors/* fileError */.z)(error, path, `${this.where}: blob ${digest}`, 'the layout is damaged: write it again');
        });
        if (!info)
            throw new errors/* ShipError */.fS(`${this.where}: blob ${digest} is missing`, { hint: 'the image is incomplete: build, export or pull it again' });
        if (!info.isFile())
            throw new errors/* ShipError */.fS(`${this.where}: the blob path ${path} of ${digest} is not a file`, { hint: 'the layout is damaged: write it again' });
        return { path, size: info.size };
    }
    /**
     * The blob's bytes as a stream, checked against the descriptor as they flow: the stream fails (instead of ending)
     * when the size or digest is wrong, so whatever reads it to the end has read the descriptor's bytes. A blob this
     * layout wrote or checked whole before is not hashed again (as containerd trusts its content store once a blob is
     * in it): a layer read for its paths and then converted is hashed once.
     */
    async openBlob(blob) {
        const path = await this.statBlob(blob);
        if (this.checked.get(blob.digest) === blob.size)
            return (0,external_node_fs_.createReadStream)(path, { highWaterMark: 1 << 20 });
        const checked = checkingStream(blob, this.where);
        checked.on('end', () => this.checked.set(blob.digest, blob.size));
        // pipeline, not pipe: a reader that stops early closes the file too.
        return (0,external_node_stream_.pipeline)((0,external_node_fs_.createReadStream)(path, { highWaterMark: 1 << 20 }), checked, () => { });
    }
    /** Reads the blob to its end, checking it (once per process: a blob this layout wrote or checked is not read again). */
    async verifyBlob(blob) {
        if (this.checked.get(blob.digest) === blob.size && (await this.hasBlob(blob.digest, blob.size)))
            return;
        for await (const _chunk of await this.openBlob(blob))
            ;
    }
    /**
     * verifyBlob for several blobs, hashed in worker threads on every core (hashFiles), for blobs that are checked
     * without being used otherwise: a reused layer's source, a blob about to be uploaded. The first blob that does
     * not match is the error.
     */
    async verifyBlobs(blobs) {
        const unchecked = [...new Map(blobs.map((b) => [b.digest, b])).values()].filter((b) => this.checked.get(b.digest) !== b.size);
        const paths = [];
        for (const blob of unchecked)
            paths.push(await this.statBlob(blob));
        const mismatch = (await this.hashAndRemember(unchecked, paths))[0];
        if (mismatch)
            throw mismatch;
    }
    /**
     * Which of `blobs` the layout holds with their descriptor's content: present, of the right size, and hashing to
     * the digest (hashed once per process, in worker threads, as verifyBlobs). A file at a blob's path that does not
     * is not the blob: it is left out of `held` and listed in `wrong`, for the caller to fetch the blob again (which
     * replaces the file).
     */
    async blobsHeld(blobs) {
        const present = [];
        const wrong = [];
        for (const blob of new Map(blobs.map((b) => [b.digest, b])).values()) {
            if (await this.hasBlob(blob.digest, blob.size))
                present.push(blob);
            else if (await this.hasBlob(blob.digest))
                wrong.push(blob.digest);
        }
        const unchecked = present.filter((b) => this.checked.get(b.digest) !== b.size);
        await this.hashAndRemember(unchecked, unchecked.map((b) => this.blobPath(b.digest)));
        const held = new Set();
        for (const blob of present) {
            if (this.checked.get(blob.digest) === blob.size)
                held.add(blob.digest);
            else
                wrong.push(blob.digest);
        }
        return { held, wrong };
    }
    /** Hashes the files of `blobs` (at `paths`); those that match are remembered as checked, the others returned. */
    async hashAndRemember(blobs, paths) {
        const hashes = await hashFiles(paths).catch((error) => {
            throw (0,file_errors/* fileError */.z)(error, error.path ?? this.dir, `${this.where}: a blob`);
        });
        const mismatches = [];
        for (const [i, blob] of blobs.entries()) {
            const mismatch = blobMismatch(blob, hashes[i], this.where);
            if (mismatch)
                mismatches.push(mismatch);
            else
                this.checked.set(blob.digest, blob.size);
        }
        return mismatches;
    }
    /** A small blob (a JSON document), read whole and checked against its digest (and its size, when known). */
    async readBlob(digest, size, maxBytes = MAX_JSON_BYTES) {
        const { path, size: stored } = await this.blobFile(digest);
        if (stored > maxBytes)
            throw new errors/* ShipError */.fS(`${this.where}: blob ${digest} is ${stored} bytes, more than the ${maxBytes} allowed for a JSON document`);
        const data = await (0,promises_.readFile)(path).catch((error) => {
            throw (0,file_errors/* fileError */.z)(error, path, `${this.where}: blob ${digest}`);
        });
        const check = new BlobCheck({ digest, size }, this.where);
        check.update(data);
        check.finish();
        return data;
    }
    /**
     * A JSON blob parsed and checked with `schema`; `what` names it in errors (e.g. "manifest"). Given a descriptor,
     * its size is checked too.
     */
    async readJson(blob, schema, what) {
        const digest = typeof blob === 'string' ? blob : blob.digest;
        const text = (await this.readBlob(digest, typeof blob === 'string' ? undefined : blob.size)).toString('utf8');
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch {
            throw new errors/* ShipError */.fS(`${this.where}: the ${what} ${digest} is not JSON`, { hint: 'the layout is corrupt: write it again' });
        }
        const result = schema.safeParse(parsed);
        if (!result.success) {
            const issue = result.error.issues[0];
            const where = issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'invalid';
            throw new errors/* ShipError */.fS(`${this.where}: the ${what} ${digest} is not valid (${where})`, { hint: 'the image is corrupt or not an OCI image' });
        }
        return result.data;
    }
    /**
     * Stores bytes as a blob. A file already at its path is replaced unless this layout wrote or checked it: a file of
     * the right name and size may still hold other bytes (a writer that crashed, a disk fault, tampering), and the
     * bytes are at hand, so writing them again is cheaper than reading the file to check it.
     */
    async writeBlob(data) {
        const bytes = typeof data === 'string' ? Buffer.from(data) : data;
        const digest = sha256(bytes);
        if (!(this.checked.get(digest) === bytes.length && (await this.hasBlob(digest, bytes.length))))
            await writeAtomically(this.blobPath(digest), bytes);
        this.checked.set(digest, bytes.length);
        return { digest, size: bytes.length };
    }
    /** Serialises a JSON document (compactly, in the object's key order) as a blob and returns its descriptor. */
    async writeJson(mediaType, value) {
        const { digest, size } = await this.writeBlob(JSON.stringify(value));
        return { mediaType, digest, size };
    }
    /**
     * Streams data into a blob, hashing it on the way; with `expected`, a digest or size that does not match is an
     * error (a blob longer than `expected.size` is stopped there) and nothing is kept; `where` (the source) prefixes
     * the error. Returns the digest and size of what was written.
     */
    async writeBlobFrom(source, expected = {}, where) {
        const temporary = (0,external_node_path_.join)(this.dir, 'blobs', 'sha256', `.tmp-${process.pid}-${(temporaryCounter += 1)}`);
        const check = new BlobCheck(expected, where);
        const file = (0,external_node_fs_.createWriteStream)(temporary);
        try {
            // A pipeline, so that a stop half way (a blob longer than expected, a source that fails) destroys the file
            // stream with its writes settled: nothing is written to it after, and no error of it goes unhandled.
            await (0,external_node_stream_promises_.pipeline)(source, async function* (chunks) {
                for await (const chunk of chunks) {
                    check.update(chunk);
                    yield chunk;
                }
            }, file);
            const blob = check.finish();
            await (0,promises_.rename)(temporary, this.blobPath(blob.digest));
            this.checked.set(blob.digest, blob.size);
            return blob;
        }
        catch (error) {
            await removeWhenClosed(file, temporary);
            throw error;
        }
    }
    /**
     * Moves a file into the layout as a blob, hashing it on the way, so a large layer is not copied; a file on another
     * file system is copied instead. With `expected`, content that does not match is an error (`where` prefixes it)
     * and nothing is moved. Returns the digest and size.
     */
    async moveBlobFrom(path, expected = {}, where) {
        const check = new BlobCheck(expected, where);
        try {
            for await (const chunk of (0,external_node_fs_.createReadStream)(path, { highWaterMark: 1 << 20 }))
                check.update(chunk);
        }
        catch (error) {
            throw (0,file_errors/* fileError */.z)(error, path, 'a blob to store');
        }
        const blob = check.finish();
        try {
            await (0,promises_.rename)(path, this.blobPath(blob.digest));
        }
        catch (error) {
            if (error.code !== 'EXDEV')
                throw (0,file_errors/* fileError */.z)(error, path, 'a blob to store');
            await this.writeBlobFrom((0,external_node_fs_.createReadStream)(path, { highWaterMark: 1 << 20 }), blob);
        }
        this.checked.set(blob.digest, blob.size);
        return blob;
    }
    // --- the index -----------------------------------------------------------------------------------------------------
    async readIndex() {
        const path = (0,external_node_path_.join)(this.dir, 'index.json');
        const text = await (0,promises_.readFile)(path, 'utf8').catch((error) => {
            throw (0,file_errors/* fileError */.z)(error, path, `${this.where}: the index`, 'the layout is incomplete or corrupt');
        });
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch {
            // Not the parser's message: it quotes the text, and the file may be anything.
            throw new errors/* ShipError */.fS(`${this.where}: index.json is not JSON`, { hint: 'the layout is corrupt' });
        }
        const result = ImageIndex.safeParse(parsed);
        if (!result.success)
            throw new errors/* ShipError */.fS(`${this.where}: index.json is not a valid OCI index: ${result.error.issues[0]?.message ?? 'invalid'}`, {
                hint: 'the layout is corrupt',
            });
        return result.data;
    }
    async writeIndex(index) {
        await writeAtomically((0,external_node_path_.join)(this.dir, 'index.json'), JSON.stringify(index, null, 2));
    }
    /**
     * The manifest (or index) named `ref` in index.json; without `ref`, the only entry there is. Errors list what is
     * there, so a user can pick.
     */
    async resolve(ref) {
        const { manifests } = await this.readIndex();
        const named = (d) => d.annotations?.[Annotation.refName];
        if (ref !== undefined) {
            const found = manifests.find((d) => named(d) === ref);
            if (found)
                return found;
            const known = manifests.map(named).filter((n) => n !== undefined);
            throw new errors/* ShipError */.fS(`${this.where} has no image named ${ref}`, { hint: known.length > 0 ? `it has: ${known.join(', ')}` : 'it holds no named image' });
        }
        const [only, ...others] = manifests;
        if (only && others.length === 0)
            return only;
        if (!only)
            throw new errors/* ShipError */.fS(`${this.where} holds no image`, { hint: 'its index.json lists no manifest' });
        const known = manifests.map((d) => named(d) ?? d.digest);
        throw new errors/* ShipError */.fS(`${this.where} holds ${manifests.length} images; say which`, { hint: `add :REF to the path, one of: ${known.join(', ')}` });
    }
    /** Lists `descriptor` in index.json under `ref`, replacing what had that name (or the same digest, unnamed). */
    async setRef(descriptor, ref) {
        const index = await this.readIndex();
        const entry = ref === undefined ? descriptor : { ...descriptor, annotations: { ...descriptor.annotations, [Annotation.refName]: ref } };
        const kept = index.manifests.filter((d) => {
            const name = d.annotations?.[Annotation.refName];
            return ref === undefined ? !(name === undefined && d.digest === descriptor.digest) : name !== ref;
        });
        await this.writeIndex({ ...index, manifests: [...kept, entry] });
    }
}
function emptyIndex() {
    return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
}
async function exists(path) {
    return (await (0,promises_.stat)(path).catch(() => undefined)) !== undefined;
}
/** Writes a file whole or not at all: a temporary file renamed over the target. */
async function writeAtomically(path, data) {
    const temporary = `${path}.tmp-${process.pid}-${(temporaryCounter += 1)}`;
    try {
        await (0,promises_.writeFile)(temporary, data);
        await (0,promises_.rename)(temporary, path);
    }
    catch (error) {
        await (0,promises_.rm)(temporary, { force: true });
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/oci/archive.ts
/**
 * Images on disk, as image-ref.ts names them: `oci:DIR[:REF]`, `oci-archive:FILE[:REF]` (a tar of an OCI layout) and
 * `docker-archive:FILE` (what `docker save` writes). Archives are unpacked into a temporary OCI layout, so the rest
 * of the code only ever sees an OciLayout; an `oci-archive:` output is written as a layout and packed at the end.
 */












/** Opens an image for reading; archives are unpacked to a temporary directory that `close()` removes. */
async function openImage(ref, options = {}) {
    if (ref.transport === 'oci') {
        const layout = await OciLayout.open(ref.path);
        const descriptor = await layout.resolve(ref.ref);
        return { layout, descriptor, name: descriptor.annotations?.[Annotation.refName], close: async () => { } };
    }
    await assertArchiveFile(ref.path);
    const temp = await (0,file_errors/* makeTempDir */.m)(options.tempDir, 'oci-image-');
    try {
        await unpackTar(ref.path, (0,external_node_path_.join)(temp, 'unpacked'));
        if (ref.transport === 'oci-archive') {
            // Named after the archive in messages: the temporary directory means nothing to a user.
            const layout = await OciLayout.open((0,external_node_path_.join)(temp, 'unpacked'), { where: ref.path });
            const descriptor = await layout.resolve(ref.ref);
            return { layout, descriptor, name: descriptor.annotations?.[Annotation.refName], close: () => (0,promises_.rm)(temp, { recursive: true, force: true }) };
        }
        const { layout, descriptor, name } = await dockerArchiveToLayout(ref.path, (0,external_node_path_.join)(temp, 'unpacked'), (0,external_node_path_.join)(temp, 'oci'));
        await (0,promises_.rm)((0,external_node_path_.join)(temp, 'unpacked'), { recursive: true, force: true });
        return { layout, descriptor, name, close: () => (0,promises_.rm)(temp, { recursive: true, force: true }) };
    }
    catch (error) {
        await (0,promises_.rm)(temp, { recursive: true, force: true });
        throw error;
    }
}
/**
 * Writes the one image of a `docker save` archive as an OCI layout in `dir` (new or empty). The archive is unpacked
 * beside `dir` meanwhile, on the same file system, so its layers are moved into the layout rather than copied.
 */
async function layoutFromDockerArchive(file, dir) {
    await assertArchiveFile(file);
    const unpacked = await (0,file_errors/* makeTempDir */.m)((0,external_node_path_.dirname)((0,external_node_path_.resolve)(dir)), '.docker-archive-');
    try {
        await unpackTar(file, unpacked);
        return await dockerArchiveToLayout(file, unpacked, dir);
    }
    finally {
        await (0,promises_.rm)(unpacked, { recursive: true, force: true });
    }
}
/** Fails unless `path` is a file: an image archive that is missing, or a directory, is said to be so. */
async function assertArchiveFile(path) {
    const info = await (0,promises_.stat)(path).catch(() => undefined);
    if (!info?.isFile())
        throw new errors/* ShipError */.fS(`${path} ${info ? 'is not a file' : 'does not exist'}`, {
            hint: 'give the path of an image archive, as `docker save` or `skopeo copy` write them',
        });
}
const NOT_AN_IMAGE_ARCHIVE = 'the file is not an image archive as `docker save` or `skopeo copy` write them (a docker-archive, or an OCI layout in a tar)';
/**
 * Unpacks regular files and directories of a tar. Names and link targets that leave the root are refused, by the
 * same rules as layers (tar/entry-path.ts); a name that collides with what an earlier entry made (a file where
 * a directory is needed, or the reverse) is an error naming the entry.
 */
async function unpackTar(file, dir) {
    await (0,promises_.mkdir)(dir, { recursive: true });
    const root = (0,external_node_path_.resolve)(dir);
    try {
        for await (const entry of (0,tar/* readTar */.sB)((0,external_node_fs_.createReadStream)(file, { highWaterMark: 1 << 20 }))) {
            const { name, type } = entry.header;
            (0,tar/* checkEntryPath */.iX)(entry.header, file, entry.headerOffset);
            const target = (0,external_node_path_.resolve)(root, name);
            // Cannot happen after checkEntryPath; kept as the last word on where a file may be written.
            if (target !== root && !target.startsWith(root + external_node_path_.sep))
                throw new errors/* ShipError */.fS(`${file}: entry ${(0,errors/* quoted */.TL)(name)} points outside the archive`, { hint: NOT_AN_IMAGE_ARCHIVE });
            try {
                if (type === '5')
                    await (0,promises_.mkdir)(target, { recursive: true });
                else if (type === '0') {
                    await (0,promises_.mkdir)((0,external_node_path_.dirname)(target), { recursive: true });
                    const file = (0,external_node_fs_.createWriteStream)(target);
                    // The whole directory goes on failure; its files must be closed (made, if they were being opened) first.
                    await (0,external_node_stream_promises_.pipeline)(entry.body(), file).catch(async (error) => {
                        await streamClosed(file);
                        throw error;
                    });
                }
            }
            catch (error) {
                throw new errors/* ShipError */.fS(`${file}: entry ${(0,errors/* quoted */.TL)(name)} (at byte ${entry.headerOffset}) cannot be unpacked: ${collision(error)}`, {
                    hint: NOT_AN_IMAGE_ARCHIVE,
                    cause: error,
                });
            }
            // Links, devices and fifos have no place in an image archive; they are skipped.
        }
    }
    catch (error) {
        // The tar reader's own hint speaks of layers; this is the image archive.
        if (error instanceof tar/* TarFormatError */.ZV)
            throw new errors/* ShipError */.fS(`${file}: ${error.message}`, { hint: NOT_AN_IMAGE_ARCHIVE, cause: error });
        if (error instanceof errors/* ShipError */.fS && !error.message.startsWith(file))
            throw new errors/* ShipError */.fS(`${file}: ${error.message}`, { hint: error.hint, cause: error });
        throw error;
    }
}
/** What went wrong writing an entry, in words (the errno error quotes temporary paths that mean nothing to a user). */
function collision(error) {
    const code = error.code;
    if (code === 'EISDIR')
        return 'an earlier entry made a directory of that name';
    if (code === 'ENOTDIR' || code === 'EEXIST')
        return 'an earlier entry made a file where its directory should be';
    return (0,file_errors/* fileError */.z)(error, error.path ?? '', 'writing').message;
}
const DockerArchiveManifest = new Shape((value, path) => {
    if (Array.isArray(value) && value.length === 0)
        return { path, message: 'expected at least one image' };
    return arrayOf(looseObject({ Config: isString, RepoTags: nullish(arrayOf(isString)), Layers: arrayOf(isString) }))(value, path);
});
/** Builds an OCI layout from an unpacked `docker save` archive (legacy `<id>/layer.tar` or the newer blobs/ form). */
async function dockerArchiveToLayout(file, unpacked, out) {
    const text = await (0,promises_.readFile)((0,external_node_path_.join)(unpacked, 'manifest.json'), 'utf8').catch(() => undefined);
    if (text === undefined)
        throw new errors/* ShipError */.fS(`${file} has no manifest.json`, { hint: 'give an archive written by `docker save IMAGE -o FILE`' });
    let parsed;
    try {
        parsed = DockerArchiveManifest.parse(JSON.parse(text));
    }
    catch {
        throw new errors/* ShipError */.fS(`${file}: manifest.json is not a docker-archive manifest`, { hint: 'give an archive written by `docker save IMAGE -o FILE`' });
    }
    if (parsed.length > 1)
        throw new errors/* ShipError */.fS(`${file} holds ${parsed.length} images; one is needed`, { hint: 'save one image per archive: docker save IMAGE -o FILE' });
    const image = parsed[0];
    const layout = await OciLayout.create(out, { where: file });
    const inside = (name) => {
        const path = (0,external_node_path_.resolve)(unpacked, name);
        if (!path.startsWith((0,external_node_path_.resolve)(unpacked) + external_node_path_.sep))
            throw new errors/* ShipError */.fS(`${file}: manifest.json names ${(0,errors/* quoted */.TL)(name)}, outside the archive`);
        return path;
    };
    /** A file named in manifest.json: it must be there and be a file. */
    const member = async (name, what) => {
        const path = inside(name);
        const info = await (0,promises_.stat)(path).catch(() => undefined);
        if (!info)
            throw new errors/* ShipError */.fS(`${file}: the ${what} ${(0,errors/* quoted */.TL)(name)} named in manifest.json is missing`, { hint: NOT_AN_IMAGE_ARCHIVE });
        if (!info.isFile())
            throw new errors/* ShipError */.fS(`${file}: the ${what} ${(0,errors/* quoted */.TL)(name)} named in manifest.json is not a file`, { hint: NOT_AN_IMAGE_ARCHIVE });
        return path;
    };
    const configPath = await member(image.Config, 'config');
    const configBytes = await (0,promises_.readFile)(configPath).catch((error) => {
        throw (0,file_errors/* fileError */.z)(error, configPath, `${file}: the config`);
    });
    const configDigest = claimedDigest(image.Config, true);
    const config = { ...(await layout.writeBlob(configBytes)), mediaType: MediaType.ociConfig };
    if (configDigest !== undefined && config.digest !== configDigest) {
        throw new errors/* ShipError */.fS(`${file}: the config ${(0,errors/* quoted */.TL)(image.Config)} does not match its digest: its content is ${config.digest}`, {
            hint: 'the archive is corrupt or was tampered with: save the image again',
        });
    }
    // Layers are moved out of the unpacked archive, not copied (an image can be large); one named twice is moved once.
    const moved = new Map();
    const layers = [];
    for (const name of image.Layers) {
        const path = await member(name, 'layer');
        let layer = moved.get(path);
        if (!layer) {
            const compression = await (0,tar/* sniffCompression */.Hs)(path, `${file}: layer ${(0,errors/* quoted */.TL)(name)}`);
            const mediaType = compression === 'gzip' ? MediaType.ociLayerGzip : compression === 'zstd' ? MediaType.ociLayerZstd : MediaType.ociLayer;
            // A layer stored under its digest (blobs/sha256/<hex>, as Docker 25 and later save) must have that digest;
            // the older `<id>/layer.tar` names claim none, and the layer's digest is what its bytes hash to.
            const digest = claimedDigest(name, false);
            layer = { mediaType, ...(await layout.moveBlobFrom(path, { digest }, `${file}: layer ${(0,errors/* quoted */.TL)(name)}`)) };
            moved.set(path, layer);
        }
        layers.push(layer);
    }
    const descriptor = await layout.writeJson(MediaType.ociManifest, { schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers });
    return { layout, descriptor, name: image.RepoTags?.[0] ?? undefined };
}
/**
 * The digest a docker-archive member's name claims: `blobs/sha256/<hex>` (Docker 25 and later), or for a config,
 * the legacy `<hex>.json` (the image id, which is the config's digest).
 */
function claimedDigest(name, isConfig) {
    const stored = /^(?:\.\/)?blobs\/sha256\/([a-f0-9]{64})$/.exec(name)?.[1] ?? (isConfig ? /^(?:\.\/)?([a-f0-9]{64})\.json$/.exec(name)?.[1] : undefined);
    const digest = stored === undefined ? undefined : `sha256:${stored}`;
    return digest !== undefined && isDigest(digest) ? digest : undefined;
}
/**
 * Packs an OCI layout directory into an oci-archive file (sorted, zero times and owners: the same bytes each time).
 * The archive is written beside `file` and renamed onto it at the end, so `file` is never half an archive.
 */
async function packOciArchive(dir, file) {
    const temporary = `${file}.tmp-${process.pid}`;
    const out = (0,external_node_fs_.createWriteStream)(temporary);
    let packing = true;
    try {
        await (0,external_node_stream_promises_.pipeline)(layoutTar(dir), out);
        packing = false;
        await (0,promises_.rename)(temporary, file);
    }
    catch (error) {
        await removeWhenClosed(out, temporary);
        const path = error.path;
        // Reading the layout is not the output's fault; anything else is about where the archive goes.
        if (packing && path !== undefined && path !== temporary)
            throw (0,file_errors/* fileError */.z)(error, path, `packing ${dir} into ${file}`);
        await checkArchiveTarget(file);
        throw (0,file_errors/* fileError */.z)(error, (0,external_node_path_.dirname)((0,external_node_path_.resolve)(file)), `cannot write the oci-archive ${file}`, `make ${(0,external_node_path_.dirname)((0,external_node_path_.resolve)(file))} a writable directory`);
    }
}
/**
 * Where an oci-archive is to be written must be a file in a directory that exists: a ShipError naming the path and
 * the fix otherwise, early, before anything is converted (and again if the final rename fails).
 */
async function checkArchiveTarget(file) {
    const parent = (0,external_node_path_.dirname)((0,external_node_path_.resolve)(file));
    const info = await (0,promises_.stat)(file).catch(() => undefined);
    if (info?.isDirectory())
        throw new errors/* ShipError */.fS(`the oci-archive output ${file} is a directory`, {
            hint: `give the path of the archive file to write (such as ${(0,external_node_path_.join)(file, 'image.tar')}), or write a layout there with oci:${file}`,
        });
    const parentInfo = await (0,promises_.stat)(parent).catch((error) => error.code);
    const why = parentInfo === 'ENOENT'
        ? 'does not exist'
        : parentInfo === 'ENOTDIR'
            ? 'is not a directory: a part of its path is a file'
            : typeof parentInfo === 'object' && !parentInfo.isDirectory()
                ? 'is not a directory'
                : undefined;
    if (why !== undefined)
        throw new errors/* ShipError */.fS(`the oci-archive output ${file} cannot be written: its directory ${parent} ${why}`, {
            hint: `create the directory ${parent} first, or give another path`,
        });
}
async function* layoutTar(dir) {
    const header = (name, type, size) => (0,tar/* plainHeader */.iR)(name, type, type === '5' ? 0o755 : 0o644, size);
    yield (0,tar/* encodeHeader */.YS)(header('blobs/', '5', 0));
    for (const algorithm of (await (0,promises_.readdir)((0,external_node_path_.join)(dir, 'blobs'))).sort()) {
        yield (0,tar/* encodeHeader */.YS)(header(`blobs/${algorithm}/`, '5', 0));
        for (const name of (await (0,promises_.readdir)((0,external_node_path_.join)(dir, 'blobs', algorithm))).sort()) {
            if (name.startsWith('.'))
                continue;
            yield* fileEntry(`blobs/${algorithm}/${name}`, (0,external_node_path_.join)(dir, 'blobs', algorithm, name));
        }
    }
    yield* fileEntry('index.json', (0,external_node_path_.join)(dir, 'index.json'));
    yield* fileEntry('oci-layout', (0,external_node_path_.join)(dir, 'oci-layout'));
    yield Buffer.alloc(1024);
    async function* fileEntry(name, path) {
        const { size } = await (0,promises_.stat)(path);
        yield (0,tar/* encodeHeader */.YS)(header(name, '0', size));
        for await (const chunk of (0,external_node_fs_.createReadStream)(path, { highWaterMark: 1 << 20 }))
            yield chunk;
        yield Buffer.alloc((0,tar/* padding */.Ms)(size));
    }
}

;// CONCATENATED MODULE: ./src/oci/image-config.ts
/**
 * The manifest and config of one image: for an index, the image for the platform asked for, else the first image
 * listed; for a manifest, its own.
 */



async function readImageConfig(layout, top, platform) {
    let descriptor = top;
    if (isIndexType(descriptor.mediaType)) {
        const index = await layout.readJson(descriptor, ImageIndex, 'index');
        const images = index.manifests.filter((d) => isImageManifestType(d.mediaType));
        const chosen = images.find((d) => d.platform?.os === platform.os && d.platform.architecture === platform.architecture) ?? images[0];
        if (!chosen)
            throw new errors/* ShipError */.fS(`the image index ${descriptor.digest} lists no image`, { hint: 'build or name an image with at least one platform' });
        descriptor = chosen;
    }
    if (!isImageManifestType(descriptor.mediaType)) {
        throw new errors/* ShipError */.fS(`${descriptor.digest} is a ${descriptor.mediaType}, not an image`, {
            hint: 'name a container image (an OCI or Docker image manifest or index)',
        });
    }
    const manifest = await layout.readJson(descriptor, ImageManifest, 'manifest');
    const config = await layout.readJson(manifest.config, ImageConfig, 'image config');
    return { manifest, config, descriptor };
}

;// CONCATENATED MODULE: ./src/oci/image-ref.ts
/**
 * References to images on disk, as skopeo and containers/image spell them: `oci:DIR[:REF]` (an OCI layout, and the
 * image named REF in it), `oci-archive:FILE[:REF]` (a tar of an OCI layout) and `docker-archive:FILE` (what
 * `docker save` writes). The one parser of these, wherever a command, an input or a flag takes one.
 */

const TRANSPORTS = ['oci', 'oci-archive', 'docker-archive'];
/** Parses `TRANSPORT:PATH[:REF]`; a REF has no slash, so `oci:/a:b/c` is a path. */
function parseImageRef(text) {
    const colon = text.indexOf(':');
    const transport = colon === -1 ? '' : text.slice(0, colon);
    if (!TRANSPORTS.includes(transport)) {
        throw new errors/* ShipError */.fS(`${(0,errors/* quoted */.TL)(text, 200)} is not a reference to an image on disk`, {
            hint: 'use oci:DIR[:REF], oci-archive:FILE[:REF] or docker-archive:FILE',
        });
    }
    const rest = text.slice(colon + 1);
    if (rest === '')
        throw new errors/* ShipError */.fS(`${(0,errors/* quoted */.TL)(text, 200)} names no path`, { hint: `use ${transport}:PATH` });
    if (transport === 'docker-archive')
        return { transport, path: rest, ref: undefined };
    const last = rest.lastIndexOf(':');
    const ref = last > 0 && !rest.slice(last + 1).includes('/') ? rest.slice(last + 1) : undefined;
    const path = ref === undefined ? rest : rest.slice(0, last);
    if (ref === '')
        throw new errors/* ShipError */.fS(`${(0,errors/* quoted */.TL)(text, 200)} has an empty reference after the last colon`);
    return { transport: transport, path, ref };
}
function formatImageRef(ref) {
    return `${ref.transport}:${ref.path}${ref.ref === undefined ? '' : `:${ref.ref}`}`;
}

// EXTERNAL MODULE: ./src/http.ts + 11 modules
var src_http = __webpack_require__(19990);
;// CONCATENATED MODULE: ./src/oci/registry-auth.ts
/**
 * Registry authentication (distribution token auth): the `WWW-Authenticate` challenge, Basic credentials, and
 * Bearer tokens fetched from the challenge's realm for a set of scopes. Tokens are cached per scope set until shortly
 * before they expire. Every credential and token is registered as a secret the moment it is known.
 */


/** Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`; undefined for anything else. */
function parseChallenge(header) {
    const match = /^\s*(\w+)\s*(.*)$/s.exec(header ?? '');
    if (!match)
        return undefined;
    const scheme = (match[1] ?? '').toLowerCase();
    const params = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
        params[(pair[1] ?? '').toLowerCase()] = (pair[2] ?? pair[3] ?? '').replace(/\\(.)/g, '$1');
    }
    if (scheme === 'basic')
        return { scheme, ...(params.realm ? { realm: params.realm } : {}) };
    if (scheme === 'bearer' && params.realm) {
        return { scheme, realm: params.realm, ...(params.service ? { service: params.service } : {}), ...(params.scope ? { scope: params.scope } : {}) };
    }
    return undefined;
}
/** `repository:<name>:<actions>` as the token server expects it. */
function repositoryScope(repository, actions) {
    return `repository:${repository}:${actions.join(',')}`;
}
/** Tokens are renewed this long before they expire, so one never runs out during a request. */
const EXPIRY_MARGIN_MS = 10_000;
/** The OAuth2 client id when the caller names none (docker sends `docker`, go-containerregistry its own name). */
const DEFAULT_CLIENT_ID = 'oci-registry-client';
/** The distribution spec's default when the token server gives no expires_in. */
const DEFAULT_TOKEN_SECONDS = 60;
/** The Authorization header for requests to one registry, per scope set. */
class RegistryAuth {
    options;
    challenge;
    tokens = new Map();
    pending = new Map();
    now;
    /** Tokens fetched so far (a test checks that a second push reuses them). */
    tokenFetches = 0;
    constructor(options) {
        this.options = options;
        this.now = options.now ?? Date.now;
        if (options.credentials?.password)
            options.mask(options.credentials.password);
        if (options.credentials?.identityToken)
            options.mask(options.credentials.identityToken);
    }
    /** Records the registry's challenge (from the ping or a 401). */
    setChallenge(challenge) {
        this.challenge = challenge;
    }
    get scheme() {
        return this.challenge?.scheme;
    }
    /** The header value for a request needing `scopes`, or undefined when the registry asked for nothing. */
    async header(scopes) {
        const challenge = this.challenge;
        if (!challenge)
            return undefined;
        if (challenge.scheme === 'basic') {
            const { credentials } = this.options;
            if (!credentials)
                throw this.credentialsNeeded();
            return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
        }
        const key = scopeKey(scopes);
        const cached = this.tokens.get(key);
        if (cached && cached.expiresAt > this.now())
            return `Bearer ${cached.token}`;
        let fetching = this.pending.get(key);
        if (!fetching) {
            // Parallel blob uploads share one token request.
            fetching = this.fetchToken(challenge, scopes).finally(() => this.pending.delete(key));
            this.pending.set(key, fetching);
        }
        const token = await fetching;
        this.tokens.set(key, token);
        return `Bearer ${token.token}`;
    }
    /** Forgets the token for `scopes` (after a 401), so the next `header` fetches a new one. */
    invalidate(scopes) {
        this.tokens.delete(scopeKey(scopes));
    }
    async fetchToken(challenge, scopes) {
        const { http, credentials, registry } = this.options;
        this.tokenFetches += 1;
        const query = new URLSearchParams();
        if (challenge.service)
            query.set('service', challenge.service);
        for (const scope of scopes)
            query.append('scope', scope);
        const url = `${challenge.realm}${challenge.realm.includes('?') ? '&' : '?'}${query.toString()}`;
        const what = `get a token for ${registry} from ${new URL(challenge.realm).origin}`;
        try {
            // An identity token is traded with a refresh_token grant (Docker's way), never sent as a password.
            if (credentials?.identityToken)
                return await this.oauthGrant(challenge, scopes, { grant_type: 'refresh_token', refresh_token: credentials.identityToken }, what);
            const headers = credentials
                ? { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` }
                : {};
            // Docker's way: GET with Basic credentials. A server that only speaks OAuth2 answers 404/405, then we POST.
            const answer = await http.request({ method: 'GET', url, headers, accept: [200, 404, 405], what });
            if (answer.status === 200)
                return this.readToken(answer.json(), what);
            if (!credentials)
                throw new errors/* ShipError */.fS(`${what}: the token server wants an OAuth2 password grant, and no credentials were given`, { hint: this.credentialsHint() });
            return await this.oauthGrant(challenge, scopes, { grant_type: 'password', username: credentials.username, password: credentials.password }, what);
        }
        catch (error) {
            if (error instanceof src_http/* HttpError */.j$ && (error.status === 401 || error.status === 403)) {
                const who = credentials ? `user ${credentials.username}` : 'anonymous access';
                throw new errors/* ShipError */.fS(`${registry} refused ${who}: the token server answered ${error.status}`, { hint: this.credentialsHint(), cause: error });
            }
            throw error;
        }
    }
    /** An OAuth2 grant (password or refresh_token) POSTed as a form to the token server, with the service and scopes. */
    async oauthGrant(challenge, scopes, grant, what) {
        const form = new URLSearchParams({ ...grant, client_id: this.options.clientId ?? DEFAULT_CLIENT_ID });
        if (challenge.service)
            form.set('service', challenge.service);
        if (scopes.length > 0)
            form.set('scope', scopes.join(' '));
        const posted = await this.options.http.request({
            method: 'POST',
            url: challenge.realm,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: form.toString(),
            what,
            // Another token: asking twice is harmless.
            idempotent: true,
        });
        return this.readToken(posted.json(), what);
    }
    readToken(body, what) {
        const answer = body;
        const token = typeof answer.token === 'string' && answer.token ? answer.token : typeof answer.access_token === 'string' ? answer.access_token : '';
        if (!token)
            throw new errors/* ShipError */.fS(`${what}: the answer holds no token`, { hint: 'the token server answered something unexpected: check the registry' });
        this.options.mask(token);
        const seconds = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : DEFAULT_TOKEN_SECONDS;
        const issued = typeof answer.issued_at === 'string' ? Date.parse(answer.issued_at) : Number.NaN;
        // Our clock, not the server's, unless the server's issue time is earlier (clock skew must not extend a token).
        const start = Number.isNaN(issued) ? this.now() : Math.min(issued, this.now());
        return { token, expiresAt: start + seconds * 1000 - EXPIRY_MARGIN_MS };
    }
    credentialsHint() {
        return this.options.credentialsHint ?? `check the credentials for ${this.options.registry}`;
    }
    credentialsNeeded() {
        return new errors/* ShipError */.fS(`${this.options.registry} asks for a user name and password, and none were given`, { hint: this.credentialsHint() });
    }
}
function scopeKey(scopes) {
    return [...scopes].sort().join(' ');
}

;// CONCATENATED MODULE: ./src/oci/registry-retry.ts
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
function isRetryableRegistryAnswer(answer) {
    return RETRYABLE_STATUSES.has(answer.status) || isManifestLinkRace(answer);
}
/**
 * CNCF distribution before 3.1 (Debian ships 2.8) writes a repository's blob link files in place, so a request that
 * reads a link while a concurrent push of the same blob rewrites it reads an empty file: "invalid checksum digest
 * format" (distribution issue 4478, fixed in 3.1 by writing a temporary file and renaming it). Reads answer 500
 * then (retried above), and a manifest PUT answers 400 DIGEST_INVALID, with MANIFEST_BLOB_UNKNOWN for the blob whose
 * link it read. A manifest PUT is idempotent and we send it only once its blobs are there, so this answer is retried.
 * MANIFEST_BLOB_UNKNOWN alone (a blob really missing) is not: that cannot get better by asking again.
 */
function isManifestLinkRace({ method, url, status, body }) {
    if (method !== 'PUT' || status !== 400 || !/\/v2\/.+\/manifests\/[^/]+$/.test(url))
        return false;
    const codes = errorCodes(body);
    return codes.includes('DIGEST_INVALID') && codes.every((code) => code === 'DIGEST_INVALID' || code === 'MANIFEST_BLOB_UNKNOWN');
}
/** The `code`s of a distribution error body (`{"errors": [{"code": ...}]}`); none when it is not one. */
function errorCodes(body) {
    try {
        const errors = JSON.parse(body.toString()).errors;
        if (!Array.isArray(errors))
            return [];
        return errors.map((e) => e?.code).filter((code) => typeof code === 'string');
    }
    catch {
        return [];
    }
}

// EXTERNAL MODULE: ./src/loopback.ts
var loopback = __webpack_require__(72082);
;// CONCATENATED MODULE: ./src/oci/registry.ts







/** http for loopback and listed hosts, https for everything else. */
function registryBaseUrl(registry, insecureRegistries = []) {
    const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
    return `${(0,loopback/* isLoopbackHost */.c)(host) || insecureRegistries.includes(registry) || insecureRegistries.includes(host) ? 'http' : 'https'}://${registry}`;
}
/** One registry host: the HTTP client, the challenge, the tokens. */
class RegistryClient {
    options;
    http;
    auth;
    baseUrl;
    secrets = [];
    pinged;
    constructor(options) {
        this.options = options;
        const remember = (secret) => {
            this.secrets.push(secret);
            options.mask?.(secret);
        };
        this.baseUrl = registryBaseUrl(options.registry, options.insecureRegistries);
        this.http = new src_http/* HttpClient */.Qq({
            retryStatus: isRetryableRegistryAnswer,
            ...options.http,
            baseUrl: this.baseUrl,
            secrets: () => this.secrets,
            ...(options.log ? { log: options.log } : {}),
        });
        this.auth = new RegistryAuth({
            http: this.http,
            registry: options.registry,
            mask: remember,
            ...(options.credentials ? { credentials: options.credentials } : {}),
            ...(options.now ? { now: options.now } : {}),
            ...(options.clientId ? { clientId: options.clientId } : {}),
            ...(options.credentialsHint ? { credentialsHint: options.credentialsHint } : {}),
        });
    }
    get registry() {
        return this.options.registry;
    }
    /** Retries made by every request so far. */
    get retries() {
        return this.http.retries.length;
    }
    close() {
        return this.http.close();
    }
    /** `GET /v2/`: checks the registry speaks the distribution API, and learns how it wants to be authenticated. */
    ping() {
        this.pinged ??= (async () => {
            const answer = await this.http.request({ method: 'GET', url: '/v2/', accept: [200, 401], what: `reach the registry ${this.registry}` });
            if (answer.status === 401) {
                const challenge = parseChallenge(answer.headers['www-authenticate']);
                if (!challenge)
                    throw new errors/* ShipError */.fS(`${this.registry} answered 401 without a challenge this client understands`, {
                        hint: 'the registry must offer Basic or Bearer token authentication',
                    });
                this.auth.setChallenge(challenge);
            }
        })().catch((error) => {
            this.pinged = undefined;
            throw error;
        });
        return this.pinged;
    }
    /** The calls for one repository; `actions` decides the token scope every call of it uses. */
    repository(name, actions = ['pull']) {
        return new RepositoryClient(this, name, actions);
    }
}
/** A manifest PUT refused because the repository lacks a blob (or, for an index, a manifest) it references. */
class ManifestBlobUnknown extends errors/* ShipError */.fS {
}
/** Calls against one repository of a registry. */
class RepositoryClient {
    client;
    name;
    actions;
    scopes;
    /** Repositories a mount from was refused for: not tried again. */
    unreadable = new Set();
    constructor(client, name, actions) {
        this.client = client;
        this.name = name;
        this.actions = actions;
        this.scopes = [repositoryScope(name, actions)];
    }
    /** `registry/repository`, for messages. */
    get where() {
        return `${this.client.registry}/${this.name}`;
    }
    async send(request, options = {}) {
        await this.client.ping();
        const scopes = options.scopes ?? this.scopes;
        const { auth } = this.client;
        for (let round = 1;; round += 1) {
            const authorization = await auth.header(scopes);
            const sent = { ...request, headers: { ...request.headers, ...(authorization ? { authorization } : {}) }, accept: [...request.accept, 401] };
            const answer = options.stream ? await this.client.http.stream(sent) : await this.client.http.request(sent);
            if (answer.status !== 401)
                return answer;
            const body = 'text' in answer ? answer.text() : await drain(answer.body);
            const challenge = parseChallenge(answer.headers['www-authenticate']);
            if (round === 1 && challenge?.scheme === 'bearer') {
                auth.setChallenge(challenge);
                auth.invalidate(scopes);
                continue;
            }
            throw this.unauthorized(request, body);
        }
    }
    unauthorized(request, body) {
        // Named by what the caller set out to do (a push starts with pull-scoped HEADs, but it is still a push).
        const action = this.actions.includes('push') ? 'push to' : 'pull from';
        const detail = registryErrorText(body);
        return new src_http/* HttpError */.j$(`${this.where}: not authorized to ${action} this repository (${request.what ?? request.method}): 401 Unauthorized${detail ? `: ${detail}` : ''}`, {
            method: request.method,
            // Without the query: an upload URL carries the registry's session state.
            url: request.url.split('?')[0] ?? request.url,
            status: 401,
            bodySnippet: detail,
            hint: this.client.auth.credentialsHint(),
        });
    }
    path(kind, rest) {
        return `/v2/${this.name}/${kind}/${rest}`;
    }
    // --- blobs ---------------------------------------------------------------------------------------------------------
    /** The blob's size when the repository has it, undefined when not. */
    async blobSize(digest) {
        const answer = await this.send({ method: 'HEAD', url: this.path('blobs', digest), accept: [200, 404], what: `check blob ${digest} in ${this.where}` });
        if (answer.status === 404)
            return undefined;
        const length = Number(answer.headers['content-length']);
        return Number.isFinite(length) ? length : 0;
    }
    /**
     * Cross-repository mount: true when the registry linked the blob from `from`; false when it opened an upload
     * instead, or when the credentials may not read `from` (a token scoped to one repository), so
     * the caller uploads the blob.
     */
    async mountBlob(digest, from) {
        if (this.unreadable.has(from))
            return false;
        let answer;
        try {
            answer = await this.send({
                method: 'POST',
                url: this.path('blobs', 'uploads/'),
                query: { mount: digest, from },
                accept: [201, 202],
                what: `mount blob ${digest} from ${from} into ${this.where}`,
                idempotent: true,
            }, { scopes: [...this.scopes, repositoryScope(from, ['pull'])] });
        }
        catch (error) {
            if (error instanceof src_http/* HttpError */.j$ && (error.status === 401 || error.status === 403)) {
                // Asking again for the next blob would cost two more refusals and a token each time.
                this.unreadable.add(from);
                return false;
            }
            throw error;
        }
        if (answer.status === 202)
            await this.cancelUpload(answer.headers.location);
        return answer.status === 201;
    }
    /**
     * Abandons an upload session, as a courtesy: distribution purges stale sessions itself (its upload purger), so
     * nothing is lost when it is not done. A DELETE needs the `delete` action (distribution's appendAccessRecords asks
     * for it whatever the route), which the pull,push token of a push never carries: under token auth the DELETE is
     * not sent at all, since it could only earn a 401, a new token and a second 401. Under Basic auth or none it is
     * sent once, and a 401 or 403 is a registry that does not allow it: expected, not answered with new credentials,
     * not an error.
     */
    async cancelUpload(location) {
        if (!location || this.client.auth.scheme === 'bearer')
            return;
        await this.send({
            method: 'DELETE',
            url: this.resolve(location),
            accept: [200, 202, 204, 403, 404],
            maxAttempts: 1,
            what: `cancel an upload to ${this.where}`,
        }).catch(() => undefined);
    }
    /** An absolute URL for a Location header (relative ones resolve against the registry). */
    resolve(location) {
        return new URL(location, this.client.baseUrl).toString();
    }
    /** The blob's bytes as a stream, following the redirect a registry may answer with (to storage, without our token). */
    async openBlob(digest) {
        const what = `download blob ${digest} from ${this.where}`;
        const answer = await this.send({ method: 'GET', url: this.path('blobs', digest), accept: [200, 301, 302, 303, 307, 308], what, timeoutMs: 60_000 }, { stream: true });
        if (answer.status === 200)
            return answer.body;
        await drain(answer.body);
        const location = answer.headers.location;
        if (!location)
            throw new errors/* ShipError */.fS(`${what}: redirect without a Location`, { hint: 'the registry answered something unexpected' });
        const moved = await this.client.http.stream({ method: 'GET', url: this.resolve(location), accept: [200], what, timeoutMs: 60_000 });
        return moved.body;
    }
    /**
     * `length` bytes of a blob from `start`, by Range request (following a redirect, as openBlob does). A registry
     * that ignores Range (answers 200 with the whole blob) is an error: the answer is dropped, not read.
     */
    async readBlobRange(digest, start, length) {
        const what = `read bytes ${start}-${start + length - 1} of blob ${digest} from ${this.where}`;
        if (length <= 0)
            return Buffer.alloc(0);
        const range = { range: `bytes=${start}-${start + length - 1}` };
        let answer = await this.send({ method: 'GET', url: this.path('blobs', digest), headers: range, accept: [200, 206, 301, 302, 303, 307, 308], what, timeoutMs: 60_000 }, { stream: true });
        if (answer.status !== 200 && answer.status !== 206) {
            await drain(answer.body);
            const location = answer.headers.location;
            if (!location)
                throw new errors/* ShipError */.fS(`${what}: redirect without a Location`, { hint: 'the registry answered something unexpected' });
            answer = await this.client.http.stream({ method: 'GET', url: this.resolve(location), headers: range, accept: [200, 206], what, timeoutMs: 60_000 });
        }
        if (answer.status !== 206) {
            answer.body.destroy();
            throw new errors/* ShipError */.fS(`${what}: the registry answered ${answer.status} to a Range request`, {
                hint: 'the registry does not serve parts of blobs, which lazy pulling needs too',
            });
        }
        const chunks = [];
        let received = 0;
        for await (const chunk of answer.body) {
            const buffer = Buffer.from(chunk);
            received += buffer.length;
            if (received > length) {
                answer.body.destroy();
                throw new errors/* ShipError */.fS(`${what}: the registry sent more than the ${length} bytes asked for`, { hint: 'the registry answered something unexpected' });
            }
            chunks.push(buffer);
        }
        if (received !== length)
            throw new errors/* ShipError */.fS(`${what}: the registry sent ${received} bytes`, { hint: 'the blob is shorter than its descriptor says' });
        return Buffer.concat(chunks);
    }
    // --- manifests -----------------------------------------------------------------------------------------------------
    /**
     * Stores a manifest (or index) under `reference` (a tag or its digest), with its media type as Content-Type; the
     * digest the registry computed must be ours.
     */
    async putManifest(reference, bytes, mediaType) {
        const digest = sha256(bytes);
        const what = `push manifest ${digest} to ${this.where}${isDigest(reference) ? '' : `:${reference}`}`;
        let answer;
        try {
            answer = await this.send({
                method: 'PUT',
                url: this.path('manifests', reference),
                headers: { 'content-type': mediaType },
                body: bytes,
                accept: [201],
                what,
            });
        }
        catch (error) {
            if (error instanceof src_http/* HttpError */.j$ && error.status === 400 && /BLOB_UNKNOWN/.test(error.bodySnippet)) {
                throw new ManifestBlobUnknown(`${what}: the registry does not have a blob the manifest references (${registryErrorText(error.bodySnippet)})`, {
                    hint: 'push every blob (config and layers) before the manifest; if the image came from an OCI layout, check the layout is complete',
                    cause: error,
                });
            }
            throw error;
        }
        const theirs = answer.headers['docker-content-digest'];
        if (theirs && theirs !== digest) {
            throw new errors/* ShipError */.fS(`${what}: the registry stored it as ${theirs}`, {
                hint: 'the registry changed the manifest; it cannot be pinned by digest. Report this registry',
            });
        }
        return digest;
    }
    /** A manifest or index by tag or digest, verified against the digest when the reference is one. */
    async getManifest(reference) {
        const what = `get manifest ${reference} from ${this.where}`;
        const answer = await this.send({
            method: 'GET',
            url: this.path('manifests', reference),
            headers: { accept: MANIFEST_ACCEPT.join(', ') },
            accept: [200],
            what,
        });
        const digest = sha256(answer.body);
        if (isDigest(reference) && digest !== reference)
            throw new errors/* ShipError */.fS(`${what}: the content's digest is ${digest}`, { hint: 'the registry served corrupt content' });
        const declared = (() => {
            try {
                return JSON.parse(answer.text()).mediaType;
            }
            catch {
                throw new errors/* ShipError */.fS(`${what}: the manifest is not JSON`, { hint: 'the registry served something that is not an image manifest' });
            }
        })();
        const mediaType = typeof declared === 'string' ? declared : ((answer.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '');
        return { bytes: answer.body, mediaType, digest };
    }
    /** The digest, media type and size of a manifest, or undefined when there is none by that reference. */
    async headManifest(reference) {
        const answer = await this.send({
            method: 'HEAD',
            url: this.path('manifests', reference),
            headers: { accept: MANIFEST_ACCEPT.join(', ') },
            accept: [200, 404],
            what: `check manifest ${reference} in ${this.where}`,
        });
        if (answer.status === 404)
            return undefined;
        const digest = answer.headers['docker-content-digest'] ?? '';
        if (!isDigest(digest))
            throw new errors/* ShipError */.fS(`check manifest ${reference} in ${this.where}: no Docker-Content-Digest in the answer`, {
                hint: 'use a registry that reports manifest digests',
            });
        return { digest, mediaType: (answer.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '', size: Number(answer.headers['content-length'] ?? 0) };
    }
    /**
     * Deletes a manifest by digest, and with it every tag that points at it (the registry API has no tag delete). A
     * manifest already gone counts as deleted: false then, true when this call deleted it.
     */
    async deleteManifest(digest) {
        const answer = await this.send({
            method: 'DELETE',
            url: this.path('manifests', digest),
            accept: [202, 404],
            what: `delete manifest ${digest} from ${this.where}`,
        });
        return answer.status === 202;
    }
    /** Every tag, following `Link: <...>; rel="next"` pages. */
    async listTags() {
        const tags = [];
        let url = this.path('tags', 'list');
        for (let page = 0; url && page < 1000; page += 1) {
            const answer = await this.send({ method: 'GET', url, accept: [200], what: `list the tags of ${this.where}` });
            // distribution answers `"tags": null` for a repository whose tags were all deleted.
            tags.push(...(answer.json().tags ?? []));
            const next = (0,src_http/* nextPage */.Zj)(answer.headers.link);
            url = next ? this.resolve(next) : undefined;
        }
        return tags;
    }
}
/** Reads a small error body to the end (a streamed answer must be consumed or destroyed). */
async function drain(body) {
    let text = '';
    for await (const chunk of body)
        if (text.length < 4096)
            text += Buffer.from(chunk).toString('utf8');
    return text;
}
/** "CODE: message" of a distribution error body, or the text cut short. */
function registryErrorText(body) {
    try {
        const errors = JSON.parse(body).errors ?? [];
        if (errors.length > 0)
            return errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
    }
    catch {
        // not JSON: fall through
    }
    return body.replace(/\s+/g, ' ').trim().slice(0, 300);
}

;// CONCATENATED MODULE: ./src/oci/registry-upload.ts
/**
 * Blob uploads: POST to open a session, then either one PUT with the whole blob or, for large blobs, PATCH chunks
 * and a closing PUT. Each request goes out once (the HTTP client does not replay it: the session's state moves
 * with every byte the registry receives). When one fails in a way worth retrying, the upload asks the registry how
 * much it holds (GET on the session, `Range: 0-N`) and goes on from there; a registry that dropped the session (CNCF
 * distribution 2.x does when a chunk arrived in part) gets a new session from byte 0. The registry checks the digest
 * on the final PUT, and we check the digest it reports. Each resume or restart is a retry of the registry's HTTP
 * client: it waits as the client would (Retry-After, else jittered backoff) and is counted with the client's own.
 */



/**
 * Blobs up to this size go in one PUT; larger ones in chunks of `chunkSize`. Chunks cost time (on loopback a 200 MB
 * blob took about 20% longer in 64 MB chunks than in one PUT), so only blobs where a resume saves real work get them.
 */
const DEFAULT_CHUNK_THRESHOLD = 256 * 1024 * 1024;
/** The size of one PATCH of a chunked upload (nothing to do with the chunks of an eStargz layer). */
const DEFAULT_UPLOAD_CHUNK_SIZE = 64 * 1024 * 1024;
/** Failures (each followed by a resume or restart) one blob may have before the upload gives up. */
const MAX_FAILURES = 5;
/** Uploads `size` bytes from `source` as blob `digest`. */
async function uploadBlob(repo, digest, size, source, options = {}) {
    const upload = new Upload(repo, digest, size, source, options);
    return upload.run();
}
class Upload {
    repo;
    digest;
    size;
    source;
    options;
    location = '';
    offset = 0;
    bytesSent = 0;
    resumes = 0;
    restarts = 0;
    /** Whether the upload began again after the registry computed another digest (done once at most). */
    restartedForDigest = false;
    what;
    chunked;
    chunkSize;
    constructor(repo, digest, size, source, options) {
        this.repo = repo;
        this.digest = digest;
        this.size = size;
        this.source = source;
        this.options = options;
        this.what = `upload blob ${digest} to ${repo.where}`;
        this.chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_UPLOAD_CHUNK_SIZE);
        this.chunked = size > (options.chunkThreshold ?? DEFAULT_CHUNK_THRESHOLD);
    }
    async run() {
        await this.open();
        for (let failures = 0;;) {
            try {
                if (this.chunked) {
                    while (this.offset < this.size)
                        await this.patch(Math.min(this.size, this.offset + this.chunkSize));
                    await this.finish(false);
                }
                else {
                    await this.finish(true);
                }
                return { bytesSent: this.bytesSent, resumes: this.resumes, restarts: this.restarts };
            }
            catch (error) {
                failures += 1;
                const digestRejected = isDigestInvalid(error);
                // distribution cancels the session when the closing PUT fails the digest check, so the upload starts again,
                // reading the bytes from disk again, once: a second refusal means the blob on disk does not match its name.
                // (go-containerregistry never retries it: DIGEST_INVALID is not among its temporary error codes.)
                const again = error instanceof src_http/* HttpError */.j$ && (digestRejected ? !this.restartedForDigest : error.retryable);
                if (!again || failures >= MAX_FAILURES)
                    throw this.failed(error, failures);
                await this.repo.client.http.retryAfter(error, failures, MAX_FAILURES - 1, { label: this.what });
                if (digestRejected)
                    this.restartedForDigest = true;
                await this.recover(error, failures, digestRejected);
            }
        }
    }
    /** A new session: POST, keep its Location, start at byte 0. */
    async open() {
        // A new upload session: asking twice only leaves an unused session behind, which the registry purges.
        const answer = await this.repo.send({ method: 'POST', url: `/v2/${this.repo.name}/blobs/uploads/`, accept: [202], what: this.what, idempotent: true });
        this.location = this.locationOf(answer);
        this.offset = 0;
    }
    /** After a failure: go on from what the registry holds, or open a new session when it holds none (or must not be used). */
    async recover(error, failures, restart) {
        const reason = error.message;
        const status = this.chunked && !restart ? await this.status() : undefined;
        if (status) {
            this.location = status.location;
            this.offset = status.offset;
            this.resumes += 1;
            this.log(`${this.what}: ${reason}; resuming at byte ${status.offset} of ${this.size} (failure ${failures})`);
            return;
        }
        this.restarts += 1;
        this.log(`${this.what}: ${reason}; the registry kept nothing of it, starting again (failure ${failures})`);
        await this.repo.cancelUpload(this.location);
        await this.open();
    }
    /** The session's state (GET on its URL): the next offset and the URL to go on with; undefined when it is gone. */
    async status() {
        let answer;
        try {
            answer = await this.repo.send({ method: 'GET', url: this.location, accept: [204, 400, 404], what: `check an upload to ${this.repo.where}` });
        }
        catch {
            return undefined;
        }
        if (answer.status !== 204)
            return undefined;
        // `Range: 0-N` means bytes 0..N are held; a fresh session reports 0-0 (or nothing) with no byte yet.
        const range = /^(?:bytes=)?0-(\d+)$/.exec(answer.headers.range?.trim() ?? '');
        const last = range ? Number(range[1]) : -1;
        const offset = last <= 0 && this.offset === 0 ? 0 : last + 1;
        if (offset > this.size)
            return undefined;
        return { offset, location: answer.headers.location ? this.repo.resolve(answer.headers.location) : this.location };
    }
    /** Sends bytes [offset, end) as one chunk. */
    async patch(end) {
        const start = this.offset;
        const answer = await this.repo.send({
            method: 'PATCH',
            url: this.location,
            headers: { 'content-type': 'application/octet-stream', 'content-range': `${start}-${end - 1}`, 'content-length': String(end - start) },
            body: () => this.counted(this.source(start, end)),
            accept: [202],
            maxAttempts: 1,
            // Not sent again as it is: after a failure the upload asks the registry how far it got and resumes from there.
            idempotent: true,
            timeoutMs: uploadTimeoutMs(end - start),
            what: `${this.what} (bytes ${start}-${end - 1})`,
        });
        this.location = this.locationOf(answer);
        this.offset = end;
        this.options.onBytes?.(end - start);
    }
    /** The closing PUT, with the whole blob (monolithic) or with no body (after chunks); checks the digest reported. */
    async finish(withBody) {
        const url = new URL(this.location);
        url.searchParams.set('digest', this.digest);
        const answer = await this.repo.send({
            method: 'PUT',
            url: url.toString(),
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(withBody ? this.size : 0) },
            ...(withBody ? { body: () => this.counted(this.source(0, this.size)) } : {}),
            accept: [201],
            maxAttempts: 1,
            timeoutMs: uploadTimeoutMs(withBody ? this.size : 0),
            what: this.what,
        });
        if (withBody)
            this.options.onBytes?.(this.size);
        const theirs = answer.headers['docker-content-digest'];
        if (theirs && theirs !== this.digest)
            throw new errors/* ShipError */.fS(`${this.what}: the registry stored it as ${theirs}`, { hint: 'the registry altered the blob: report this registry' });
    }
    /**
     * Counts bytes as the HTTP client reads them, so a report shows what was sent again after a failure. (A 'data'
     * listener would switch the stream to flowing mode and lose what it emits before the client starts reading.)
     */
    counted(stream) {
        const count = (bytes) => {
            this.bytesSent += bytes;
        };
        return external_node_stream_.Readable.from((async function* () {
            try {
                for await (const chunk of stream) {
                    count(chunk.length);
                    yield chunk;
                }
            }
            finally {
                stream.destroy();
            }
        })(), { objectMode: false });
    }
    locationOf(answer) {
        const location = answer.headers.location;
        if (!location)
            throw new errors/* ShipError */.fS(`${this.what}: the registry answered ${answer.status} without a Location`, {
                hint: 'the registry does not follow the distribution API',
            });
        return this.repo.resolve(location);
    }
    failed(error, failures) {
        if (isDigestInvalid(error)) {
            return new errors/* ShipError */.fS(`${this.what}: the registry computed another digest for the bytes sent`, {
                hint: 'the local blob does not match its name: the image on disk is corrupt; write it again',
                cause: error,
            });
        }
        if (failures > 1 && error instanceof Error)
            error.message += ` (after ${failures - 1} resumed or restarted attempts)`;
        return error;
    }
    log(line) {
        this.options.log?.(line);
    }
}
/** Generous: a minute, plus a second per MB (a slow link still finishes; a dead one is noticed by the idle timeout). */
function uploadTimeoutMs(bytes) {
    return 60_000 + Math.ceil(bytes / 1000);
}
/** The closing PUT's "the bytes have another digest" (distribution answers 400 DIGEST_INVALID). */
function isDigestInvalid(error) {
    // The snippet may be cut short, so the code is looked for rather than the JSON parsed.
    return error instanceof src_http/* HttpError */.j$ && error.status === 400 && /\bDIGEST_INVALID\b/.test(error.bodySnippet);
}

;// CONCATENATED MODULE: ./src/oci/push.ts
/**
 * Pushes an image from an OCI layout to a registry repository: blobs first (in parallel, bounded; each skipped when
 * the repository has it, mounted when a sibling repository has it, uploaded otherwise), then image manifests, then
 * the index, so the registry never sees a manifest before what it references. The result is pinned by digest.
 */







/** A blob the image names that neither the layout nor the repository has: nothing can be pushed from nowhere. */
class MissingBlobError extends errors/* ShipError */.fS {
    blob;
    constructor(layout, blob, where) {
        super(`${layout.where}: blob ${blob.digest} (${blob.size} bytes) is missing or has another size, and ${where} does not have it`, {
            hint: 'the layout is incomplete: write it again (or pull the image into it first)',
        });
        this.blob = blob;
    }
}
async function pushImage(layout, repo, options = {}) {
    const log = options.log ?? (() => { });
    const started = Date.now();
    const retriesBefore = repo.client.retries;
    const root = options.root ?? (await layout.resolve(options.layoutRef));
    const plan = await planImage(layout, root);
    const top = plan.manifests[plan.manifests.length - 1];
    if (!top)
        throw new errors/* ShipError */.fS(`${layout.where}: nothing to push`, { hint: 'the layout holds no manifest' });
    const stats = {
        blobs: plan.blobs.size,
        skipped: 0,
        mounted: 0,
        uploaded: 0,
        bytesUploaded: 0,
        bytesSent: 0,
        retries: 0,
        resumes: 0,
        restarts: 0,
        manifests: plan.manifests.length,
        upToDate: false,
        outcomes: new Map(),
    };
    const pinned = `${repo.client.registry}/${repo.name}@${root.digest}`;
    // A blob found in the registry can be gone by the time a manifest naming it is PUT (deleted, or collected as
    // garbage meanwhile), and the registry refuses the manifest with MANIFEST_BLOB_UNKNOWN. Then the blobs are checked
    // again, those missing pushed, and the manifests PUT once more: once, so a registry that keeps refusing fails.
    let pushedAgain = false;
    // The registry only stores a manifest whose blobs it has, so when it has ours, every blob should be there.
    const existing = await repo.headManifest(root.digest);
    if (existing?.digest === root.digest) {
        try {
            if (options.tag)
                await repo.putManifest(options.tag, top.bytes, top.descriptor.mediaType);
            stats.upToDate = true;
            stats.skipped = plan.blobs.size;
            for (const digest of plan.blobs.keys())
                stats.outcomes.set(digest, 'skipped');
            log(`${repo.where}: already has ${root.digest}${options.tag ? `; tagged ${options.tag}` : ''} (${seconds(Date.now() - started)} s)`);
            return { digest: root.digest, mediaType: root.mediaType, size: root.size, pinned, stats: { ...stats, retries: repo.client.retries - retriesBefore } };
        }
        catch (error) {
            if (!(error instanceof ManifestBlobUnknown))
                throw error;
            log(`${repo.where}: has ${root.digest} but has lost a blob it references; pushing the image again`);
            pushedAgain = true;
        }
    }
    // Largest first: the biggest blob is the critical path, so it must not wait for a free slot.
    const blobs = [...plan.blobs.values()].sort((a, b) => b.size - a.size);
    const total = blobs.reduce((sum, blob) => sum + blob.size, 0);
    log(`${repo.where}: pushing ${root.digest}: ${blobs.length} blobs (${mb(total)}), ${plan.manifests.length} manifest${plan.manifests.length === 1 ? '' : 's'}`);
    // Every blob the layout holds is checked against its descriptor before anything is sent: the registry checks each
    // upload's digest too, but only as it arrives, after other blobs of a bad image have gone. Blobs the layout wrote
    // itself (a conversion's output) were checked as they were written and are not read again.
    const local = [];
    for (const blob of blobs)
        if (await layout.hasBlob(blob.digest))
            local.push(blob);
    await layout.verifyBlobs(local);
    await forEachLimited(blobs, options.concurrency ?? 4, (blob) => pushBlob(layout, repo, blob, stats, options, log));
    const putManifests = async () => {
        for (const [i, manifest] of plan.manifests.entries()) {
            const isTop = i === plan.manifests.length - 1;
            const reference = isTop && options.tag ? options.tag : manifest.descriptor.digest;
            const digest = await repo.putManifest(reference, manifest.bytes, manifest.descriptor.mediaType);
            if (digest !== manifest.descriptor.digest)
                throw new errors/* ShipError */.fS(`${layout.where}: manifest ${manifest.descriptor.digest} does not match its content (${digest})`, {
                    hint: 'the layout is corrupt: write it again',
                });
        }
    };
    try {
        await putManifests();
    }
    catch (error) {
        if (!(error instanceof ManifestBlobUnknown) || pushedAgain)
            throw error;
        log(`${repo.where}: a blob found there earlier is gone (${error.message}); checking the blobs again`);
        await forEachLimited(blobs, options.concurrency ?? 4, (blob) => pushBlob(layout, repo, blob, stats, options, log, { again: true }));
        await putManifests();
    }
    stats.retries = repo.client.retries - retriesBefore;
    log(`${repo.where}: pushed ${root.digest}${options.tag ? ` as ${options.tag}` : ''} in ${seconds(Date.now() - started)} s: ` +
        `${stats.blobs} blobs (${stats.uploaded} uploaded, ${mb(stats.bytesUploaded)}; ${stats.skipped} skipped; ${stats.mounted} mounted), ` +
        `${stats.manifests} manifest${stats.manifests === 1 ? '' : 's'}, ${stats.retries} retries`);
    return { digest: root.digest, mediaType: root.mediaType, size: root.size, pinned, stats };
}
/**
 * Skip, mount or upload one blob. `again`: the blob was dealt with before, and is checked again because a manifest
 * PUT said the registry lacks one: kept as it was counted when the registry has it, counted anew when not.
 */
async function pushBlob(layout, repo, blob, stats, options, log, { again = false } = {}) {
    const size = await repo.blobSize(blob.digest);
    if (size !== undefined && again)
        return;
    if (again) {
        forget(stats, blob);
        log(`${repo.where}: ${push_short(blob.digest)} is gone from the registry; pushing it again`);
    }
    if (size !== undefined) {
        stats.skipped += 1;
        stats.outcomes.set(blob.digest, 'skipped');
        return;
    }
    for (const from of options.mountFrom ?? []) {
        if (from === repo.name)
            continue;
        if (await repo.mountBlob(blob.digest, from)) {
            stats.mounted += 1;
            stats.outcomes.set(blob.digest, 'mounted');
            log(`${repo.where}: mounted ${push_short(blob.digest)} (${mb(blob.size)}) from ${from}`);
            return;
        }
    }
    if (!(await layout.hasBlob(blob.digest, blob.size)))
        throw new MissingBlobError(layout, blob, repo.where);
    const path = layout.blobPath(blob.digest);
    // createReadStream cannot express an empty range (its `end` is inclusive).
    const source = (start, end) => end > start ? (0,external_node_fs_.createReadStream)(path, { start, end: end - 1, highWaterMark: 1024 * 1024 }) : external_node_stream_.Readable.from([]);
    const result = await uploadBlob(repo, blob.digest, blob.size, source, {
        ...options.upload,
        log,
    });
    stats.uploaded += 1;
    stats.outcomes.set(blob.digest, 'uploaded');
    stats.bytesUploaded += blob.size;
    stats.bytesSent += result.bytesSent;
    stats.resumes += result.resumes;
    stats.restarts += result.restarts;
    log(`${repo.where}: uploaded ${push_short(blob.digest)} (${mb(blob.size)})${result.resumes + result.restarts > 0 ? `, after ${result.resumes} resumes and ${result.restarts} restarts` : ''}`);
}
/** Takes back what was counted for a blob that is pushed again. */
function forget(stats, blob) {
    const outcome = stats.outcomes.get(blob.digest);
    if (outcome === 'skipped')
        stats.skipped -= 1;
    else if (outcome === 'mounted')
        stats.mounted -= 1;
    else if (outcome === 'uploaded') {
        stats.uploaded -= 1;
        stats.bytesUploaded -= blob.size;
    }
    stats.outcomes.delete(blob.digest);
}
/** Reads the manifests under `root` from the layout: the blobs they reference, and the manifests in push order. */
async function planImage(layout, root) {
    const plan = { blobs: new Map(), manifests: [] };
    const visit = async (descriptor, depth) => {
        if (depth > 4)
            throw new errors/* ShipError */.fS(`${layout.where}: indexes nested too deep`, { hint: 'the image is corrupt' });
        if (!isIndexType(descriptor.mediaType) && !isImageManifestType(descriptor.mediaType)) {
            throw new errors/* ShipError */.fS(`${layout.where}: ${descriptor.digest} has media type ${(0,errors/* quoted */.TL)(descriptor.mediaType)}, which is neither a manifest nor an index`, {
                hint: 'the image is corrupt or not an image',
            });
        }
        const bytes = await layout.readBlob(descriptor.digest, descriptor.size);
        const checkType = (declared) => {
            // As containerd's images.validateMediaType: a document is what its descriptor says it is.
            if (declared !== undefined && declared !== descriptor.mediaType) {
                throw new errors/* ShipError */.fS(`${layout.where}: ${descriptor.digest} says it is a ${(0,errors/* quoted */.TL)(declared)}, but its descriptor says ${descriptor.mediaType}`, {
                    hint: 'the image is corrupt',
                });
            }
        };
        if (isIndexType(descriptor.mediaType)) {
            const index = parseJson(bytes, ImageIndex, layout.where, descriptor.digest);
            checkType(index.mediaType);
            for (const child of index.manifests)
                await visit(child, depth + 1);
        }
        else {
            const manifest = parseJson(bytes, ImageManifest, layout.where, descriptor.digest);
            checkType(manifest.mediaType);
            for (const blob of [manifest.config, ...manifest.layers]) {
                // Foreign (non-distributable) layers are fetched from their URLs, never pushed.
                if (isForeignLayer(blob))
                    continue;
                plan.blobs.set(blob.digest, blob);
            }
        }
        if (!plan.manifests.some((m) => m.descriptor.digest === descriptor.digest))
            plan.manifests.push({ descriptor, bytes });
    };
    await visit(root, 0);
    return plan;
}
function parseJson(bytes, schema, dir, digest) {
    let value;
    try {
        value = JSON.parse(bytes.toString('utf8'));
    }
    catch {
        throw new errors/* ShipError */.fS(`${dir}: ${digest} is not JSON`, { hint: 'the layout is corrupt: write it again' });
    }
    const result = schema.safeParse(value);
    if (!result.success)
        throw new errors/* ShipError */.fS(`${dir}: ${digest} is not a valid manifest (${result.error.issues[0]?.message ?? 'invalid'})`, { hint: 'the image is corrupt' });
    return result.data;
}
/** Runs `work` on every item, at most `limit` at a time; the first failure stops new work and is thrown. */
async function forEachLimited(items, limit, work) {
    let next = 0;
    let failed = false;
    const worker = async () => {
        while (!failed && next < items.length) {
            const item = items[next];
            next += 1;
            try {
                await work(item);
            }
            catch (error) {
                failed = true;
                throw error;
            }
        }
    };
    const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    const rejected = results.find((r) => r.status === 'rejected');
    if (rejected)
        throw rejected.reason;
}
function push_short(digest) {
    return digest.slice(0, 19);
}
function mb(bytes) {
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
function seconds(ms) {
    return (ms / 1000).toFixed(2);
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
;// CONCATENATED MODULE: ./src/oci/registry-credentials.ts
/**
 * A registry's credentials from the Docker config (`$DOCKER_CONFIG/config.json`, default `~/.docker/config.json`),
 * read as the Docker CLI reads it: a credential helper named for the registry in `credHelpers`, else the
 * `credsStore` helper, else the `auths` entry (`auth` or `username`/`password`, or an `identitytoken`). A helper
 * is run as `docker-credential-<name> get`, the server on its standard input. Docker Hub's entries are under
 * `https://index.docker.io/v1/`, whichever of its host names the image names. Other sources (the environment)
 * are the caller's.
 */





/** The key Docker keeps Docker Hub's credentials under. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
/** A helper's user name that says its secret is an identity token (an OAuth2 refresh token), not a password. */
const TOKEN_USER = '<token>';
/** The Docker config file this environment points at. */
function dockerConfigPath(env = process.env) {
    return (0,external_node_path_.join)(env.DOCKER_CONFIG || (0,external_node_path_.join)((0,external_node_os_.homedir)(), '.docker'), 'config.json');
}
/** Credentials for `registry` from the Docker config; undefined when it has none (or no file). */
function credentialsFromDockerConfig(registry, path = dockerConfigPath(), helper = runCredentialHelper) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(path, 'utf8');
    }
    catch {
        return undefined;
    }
    let config;
    try {
        config = JSON.parse(text);
    }
    catch {
        throw new errors/* ShipError */.fS(`${path} is not valid JSON`, { hint: 'fix the file, or run `docker login` again' });
    }
    const hub = DOCKER_HUB_HOSTS.has(registry);
    const server = hub ? DOCKER_HUB_KEY : registry;
    const named = Object.entries(config.credHelpers ?? {}).find(([key]) => hostOf(key) === registry || (hub && (key === DOCKER_HUB_KEY || DOCKER_HUB_HOSTS.has(hostOf(key)))))?.[1];
    // A registry with a helper of its own is asked only there, as Docker does.
    if (named)
        return fromHelper(helper(named, server));
    if (config.credsStore) {
        const stored = fromHelper(helper(config.credsStore, server));
        if (stored)
            return stored;
    }
    for (const [key, entry] of Object.entries(config.auths ?? {})) {
        if (hostOf(key) !== registry && !(hub && (key === DOCKER_HUB_KEY || DOCKER_HUB_HOSTS.has(hostOf(key)))))
            continue;
        let username = entry.username ?? '';
        let password = entry.password ?? '';
        if (entry.auth) {
            const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            if (colon > 0)
                [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
        }
        if (entry.identitytoken)
            return { username: username || TOKEN_USER, password, identityToken: entry.identitytoken };
        if (username && password)
            return { username, password };
    }
    return undefined;
}
/** Keys may be a bare host or a URL (https://host/v1/). */
function hostOf(key) {
    return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
}
function fromHelper(answer) {
    if (!answer || answer.secret === '')
        return undefined;
    if (answer.username === TOKEN_USER)
        return { username: TOKEN_USER, password: '', identityToken: answer.secret };
    return { username: answer.username, password: answer.secret };
}
/** Runs `docker-credential-<helper> get`; undefined when it has nothing stored for the server. */
function runCredentialHelper(helper, server) {
    const command = `docker-credential-${helper}`;
    const result = (0,external_node_child_process_.spawnSync)(command, ['get'], { input: server, encoding: 'utf8', timeout: 60_000, stdio: ['pipe', 'pipe', 'pipe'] });
    if (result.error) {
        const missing = result.error.code === 'ENOENT';
        throw new errors/* ShipError */.fS(`the Docker config names the credential helper ${helper}, but ${command} ${missing ? 'is not on PATH' : `failed: ${result.error.message}`}`, {
            hint: `install ${command}, or remove "${helper}" from credsStore/credHelpers in the Docker config`,
        });
    }
    const output = `${result.stdout}\n${result.stderr}`;
    // The helpers' own words for "nothing stored" (docker-credential-helpers' ErrCredentialsNotFound).
    if (result.status !== 0 && /credentials not found|not found in native keychain/i.test(output))
        return undefined;
    if (result.status !== 0) {
        throw new errors/* ShipError */.fS(`${command} get failed for ${server} (exit code ${result.status ?? 'none'})`, {
            hint: `run \`echo ${server} | ${command} get\` to see why, or log in again (docker login ${server})`,
        });
    }
    let answer;
    try {
        answer = JSON.parse(result.stdout);
    }
    catch {
        // Never quote the output: it may hold the secret.
        throw new errors/* ShipError */.fS(`${command} get answered something that is not JSON for ${server}`, { hint: `check ${command}` });
    }
    return { username: typeof answer.Username === 'string' ? answer.Username : '', secret: typeof answer.Secret === 'string' ? answer.Secret : '' };
}

;// CONCATENATED MODULE: ./src/oci/remote-manifests.ts
/**
 * The image manifests under a manifest or index in a registry repository, as a puller would walk them: nested
 * indexes are followed (to a bounded depth), entries that are neither images nor indexes (attestations, other
 * artifacts) are left out, and anything that does not parse is a ShipError naming it.
 */



/** As deep as the converter nests indexes. */
const MAX_DEPTH = 4;
/** Walks from `top` (already fetched as `reference`); every child is fetched by digest, so its bytes are checked. */
async function remoteImageManifests(repo, reference, top) {
    const found = [];
    const visit = async (answer, name, depth) => {
        if (isIndexType(answer.mediaType)) {
            if (depth > MAX_DEPTH)
                throw new errors/* ShipError */.fS(`${repo.where}@${answer.digest}: indexes nest more than ${MAX_DEPTH} deep`);
            const index = parse(ImageIndex, answer, name);
            for (const child of index.manifests) {
                if (!isImageManifestType(child.mediaType) && !isIndexType(child.mediaType))
                    continue;
                await visit(await repo.getManifest(child.digest), `${repo.where}@${child.digest}`, depth + 1);
            }
        }
        else if (isImageManifestType(answer.mediaType)) {
            found.push({ digest: answer.digest, manifest: parse(ImageManifest, answer, name) });
        }
        else {
            throw new errors/* ShipError */.fS(`${name} is a ${answer.mediaType || 'manifest without a media type'}, not an image`);
        }
    };
    await visit(top, `${repo.where}:${reference}`, 0);
    return found;
}
function parse(schema, answer, name) {
    try {
        return schema.parse(JSON.parse(answer.bytes.toString('utf8')));
    }
    catch {
        throw new errors/* ShipError */.fS(`${name} is not a well-formed ${isIndexType(answer.mediaType) ? 'index' : 'image manifest'}`, {
            hint: 'the registry holds something this tool did not write: push the image again',
        });
    }
}

;// CONCATENATED MODULE: ./src/oci/pull.ts
/**
 * Pulls an image from a registry into an OCI layout: the manifest (or index and its manifests, each fetched by
 * digest and checked against it and its descriptor's size), then every blob, streamed to disk and checked against
 * its digest and size as it arrives (OciLayout.writeBlobFrom), never held whole in memory.
 * Docker schema 2 images are stored as they are (same bytes, same digests); the converter turns them into OCI.
 */




async function pullImage(repo, reference, layout, options = {}) {
    const log = options.log ?? (() => { });
    const started = Date.now();
    const blobs = new Map();
    /** Fetches a manifest by reference (a child by its descriptor), stores it, and collects its blobs (or its children's). */
    const fetchManifest = async (ref, depth, expectedSize) => {
        // getManifest checks the content against a digest reference; the size is the descriptor's to check.
        const answer = await repo.getManifest(ref);
        if (expectedSize !== undefined && answer.bytes.length !== expectedSize) {
            throw new errors/* ShipError */.fS(`${repo.where}: manifest ${ref} is ${answer.bytes.length} bytes, but its descriptor gives ${expectedSize}`, {
                hint: 'the registry holds a corrupt image: push it again',
            });
        }
        const mediaType = answer.mediaType;
        if (mediaType === 'application/vnd.docker.distribution.manifest.v1+json' || mediaType === 'application/vnd.docker.distribution.manifest.v1+prettyjws') {
            throw new errors/* ShipError */.fS(`${repo.where}:${reference} is a Docker schema 1 image, which is not supported`, {
                hint: 'push it again with a current Docker or buildah, which write schema 2 or OCI',
            });
        }
        const descriptor = { mediaType, digest: answer.digest, size: answer.bytes.length };
        let json;
        try {
            json = JSON.parse(answer.bytes.toString('utf8'));
        }
        catch {
            // Not the parser's message: it quotes the content.
            throw new errors/* ShipError */.fS(`${repo.where}: manifest ${answer.digest} (${ref}) is not JSON`, { hint: 'the registry holds a corrupt or unsupported image' });
        }
        /** A shape check whose failure names the manifest. */
        const parse = (schema) => {
            const result = schema.safeParse(json);
            if (result.success)
                return result.data;
            const issue = result.error.issues[0];
            throw new errors/* ShipError */.fS(`${repo.where}: manifest ${answer.digest} (${ref}) is not valid: ${issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'invalid'}`, {
                hint: 'the registry holds a corrupt or unsupported image',
            });
        };
        if (isIndexType(mediaType)) {
            if (depth > 2)
                throw new errors/* ShipError */.fS(`${repo.where}:${reference}: indexes nested too deep`, { hint: 'the image is corrupt' });
            const index = parse(ImageIndex);
            const wanted = options.platform ? index.manifests.filter((m) => matches(m.platform, options.platform)) : index.manifests;
            if (options.platform) {
                const [chosen] = wanted;
                if (!chosen) {
                    const known = index.manifests.map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : m.digest)).join(', ');
                    throw new errors/* ShipError */.fS(`${repo.where}:${reference} has no image for ${options.platform.os}/${options.platform.architecture}`, {
                        hint: `it has: ${known}`,
                    });
                }
                return fetchManifest(chosen.digest, depth + 1, chosen.size);
            }
            for (const child of wanted)
                await fetchManifest(child.digest, depth + 1, child.size);
        }
        else if (isImageManifestType(mediaType) || mediaType === '') {
            const manifest = parse(ImageManifest);
            for (const blob of [manifest.config, ...manifest.layers]) {
                if (isForeignLayer(blob))
                    continue;
                blobs.set(blob.digest, blob);
            }
            if (!descriptor.mediaType)
                descriptor.mediaType = manifest.mediaType ?? MediaType.ociManifest;
        }
        else {
            throw new errors/* ShipError */.fS(`${repo.where}:${reference} has media type ${(0,errors/* quoted */.TL)(mediaType)}, which is not an image`, { hint: 'pull an image manifest or index' });
        }
        const stored = await layout.writeBlob(answer.bytes);
        if (stored.digest !== answer.digest)
            throw new Error('unreachable: a stored manifest changed digest');
        return descriptor;
    };
    const root = await fetchManifest(reference, 0);
    // A blob already in the layout is kept only if its bytes hash to its digest; a file that does not is downloaded
    // again, over it (as containerd's content store does not keep an ingest that fails its digest).
    const { held, wrong } = await layout.blobsHeld([...blobs.values()]);
    if (wrong.length > 0)
        log(`${layout.where}: ${wrong.length} blob file(s) there do not hold what their digest says and are downloaded again: ${wrong.map(push_short).join(', ')}`);
    let present = 0;
    let bytesDownloaded = 0;
    await forEachLimited([...blobs.values()], options.concurrency ?? 4, async (blob) => {
        if (held.has(blob.digest)) {
            present += 1;
            return;
        }
        const body = await repo.openBlob(blob.digest);
        try {
            await layout.writeBlobFrom(body, { digest: blob.digest, size: blob.size }, repo.where);
        }
        catch (error) {
            body.destroy();
            if (error instanceof errors/* ShipError */.fS && !error.message.startsWith(repo.where))
                throw new errors/* ShipError */.fS(`pull ${push_short(blob.digest)} from ${repo.where}: ${error.message}`, {
                    hint: error.hint ?? 'run again; if it persists the registry serves corrupt data',
                    cause: error,
                });
            throw error;
        }
        bytesDownloaded += blob.size;
    });
    await layout.setRef(root, options.layoutRef);
    log(`${repo.where}: pulled ${reference} (${root.digest}) in ${((Date.now() - started) / 1000).toFixed(2)} s: ${blobs.size} blobs, ${present} already present, ${mb(bytesDownloaded)} downloaded`);
    return { descriptor: root, blobs: blobs.size, present, bytesDownloaded };
}
function matches(platform, wanted) {
    if (!platform || !wanted)
        return false;
    return platform.os === wanted.os && platform.architecture === wanted.architecture && (wanted.variant === undefined || platform.variant === wanted.variant);
}

;// CONCATENATED MODULE: ./src/oci/transfer.ts




/** Pushes the image `options.layoutRef` (default: the only one) of the layout in `dir` to `target`. */
async function pushFromLayout(dir, target, options = {}) {
    const layout = await OciLayout.open(dir);
    const client = clientFor(target);
    try {
        return await pushImage(layout, client.repository(target.repository, ['pull', 'push']), { ...options, log: target.log });
    }
    finally {
        await client.close();
    }
}
/** Pulls `reference` (a tag or a digest) from `target` into the layout in `dir`, created when missing. */
async function pullIntoLayout(target, reference, dir, options = {}) {
    const layout = await OciLayout.create(dir);
    const client = clientFor(target);
    try {
        return await pullImage(client.repository(target.repository), reference, layout, { ...options, log: target.log });
    }
    finally {
        await client.close();
    }
}
function clientFor(target) {
    return new RegistryClient({
        registry: target.registry,
        ...(target.credentials ? { credentials: target.credentials } : {}),
        ...(target.insecureRegistries ? { insecureRegistries: target.insecureRegistries } : {}),
        mask: target.mask,
        log: target.log,
        ...(target.retryLog ? { http: { retryLog: target.retryLog } } : {}),
        ...(target.clientId ? { clientId: target.clientId } : {}),
        ...(target.credentialsHint ? { credentialsHint: target.credentialsHint } : {}),
    });
}

;// CONCATENATED MODULE: ./src/oci/index.ts
/**
 * OCI images: media types and documents, image layouts on disk and the archives that carry them, and the
 * distribution API client that pushes and pulls them. What the rest of src/ uses of oci/, and only that.
 */
















/***/ }),

/***/ 56516:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  IE: () => (/* reexport */ BLOCK),
  ZV: () => (/* reexport */ TarFormatError),
  cs: () => (/* reexport */ bareFileHeader),
  iX: () => (/* reexport */ checkEntryPath),
  mF: () => (/* reexport */ decompress),
  YS: () => (/* reexport */ encodeHeader),
  ob: () => (/* reexport */ isCorruptCompression),
  Ms: () => (/* reexport */ padding),
  iR: () => (/* reexport */ plainHeader),
  sB: () => (/* reexport */ readTar),
  Hs: () => (/* reexport */ sniffCompression)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/file-errors.ts
var file_errors = __webpack_require__(70145);
;// CONCATENATED MODULE: ./src/tar/compression.ts
/**
 * Compressed tar streams: the compression is recognised by its magic bytes, and gzip (including multi-member gzip)
 * or zstd is undone while streaming. zstd needs a Node with zstd in zlib (22.15 and later); on older Node it is
 * refused with a hint. What a compression was declared to be (a media type) is the caller's to hold it to.
 */





/** The compression the first bytes of the file at `path` show; `what` names the file in errors. */
async function sniffCompression(path, what = 'a compressed file') {
    const handle = await (0,promises_.open)(path, 'r').catch((error) => {
        throw (0,file_errors/* fileError */.z)(error, path, what);
    });
    try {
        const head = Buffer.alloc(4);
        const { bytesRead } = await handle.read(head, 0, 4, 0);
        if (bytesRead >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08)
            return 'gzip';
        if (bytesRead >= 4 && head.readUInt32LE(0) === 0xfd2fb528)
            return 'zstd';
        return 'none';
    }
    catch (error) {
        throw (0,file_errors/* fileError */.z)(error, path, what);
    }
    finally {
        await handle.close();
    }
}
/**
 * `compressed` (which holds `compression`) uncompressed as it streams. An error of either stream reaches the
 * reader, and a reader that stops early closes both. `what` names the stream in errors.
 */
function decompress(compressed, compression, what) {
    if (compression === 'none')
        return compressed;
    let decoder;
    if (compression === 'gzip')
        decoder = external_node_zlib_.createGunzip({ chunkSize: 1 << 20 });
    else {
        const factory = external_node_zlib_.createZstdDecompress;
        if (!factory) {
            compressed.destroy();
            throw new errors/* ShipError */.fS(`${what} is zstd-compressed, which this Node.js (${process.version}) cannot decompress`, {
                hint: 'run with Node.js 22.15 or later, or compress with gzip instead',
            });
        }
        decoder = factory({ chunkSize: 1 << 20 });
    }
    return (0,external_node_stream_.pipeline)(compressed, decoder, () => { });
}
/** Whether an error met while reading a decompressed stream says the compressed bytes are corrupt (zlib's codes). */
function isCorruptCompression(error) {
    const code = error?.code;
    const message = error instanceof Error ? error.message : String(error);
    return code?.startsWith('Z_') === true || /incorrect header|invalid|unexpected end|zstd/i.test(message);
}

;// CONCATENATED MODULE: ./src/tar/entry-path.ts
/**
 * Tar entry names and link targets that would reach outside the root a layer is unpacked into are refused, naming
 * the entry. The rules, and where they come from:
 *
 *  - A name must be relative and free of `..` components (`../etc/passwd`, `a/../../b`, `/etc/passwd` are refused).
 *    containerd's archive.Apply and the stargz snapshotter clean such names and clamp them to the root, so they
 *    would not escape there; but a layer is also unpacked by tools that do not clamp, and no image builder writes
 *    such names, so they are refused rather than rewritten. `./`-prefixed names are fine.
 *  - A hardlink target names another entry of the image, so it follows the same rule (containerd bounds it to the
 *    root the same way: hardlinkRootPath).
 *  - A symlink target is not resolved when the layer is unpacked but when the container follows it, inside the
 *    container's root: an absolute target (`usr/lib/x -> /lib/x`) resolves in the image, is normal in images, and
 *    stays allowed, as containerd and the stargz snapshotter keep it. A relative target is resolved from the link's
 *    directory, lexically, and is refused when it climbs above the root (`etc/x -> ../../y`). Symlinks met on the
 *    way cannot be judged from one layer; the runtime confines those.
 */

const HINT = 'the layer holds a path that leaves the image root, which no image builder writes: rebuild the image from trusted sources';
/** Why `header`'s name or link target leaves the root, or undefined when it does not. */
function unsafePath(header) {
    const name = nameProblem(header.name);
    if (name)
        return `its name ${name}`;
    if (header.type === '1') {
        const target = nameProblem(header.linkName);
        if (target)
            return `its hardlink target ${(0,errors/* quoted */.TL)(header.linkName)} ${target}`;
    }
    if (header.type === '2' && !header.linkName.startsWith('/') && climbs(parentParts(header.name), header.linkName)) {
        return `its symlink target ${(0,errors/* quoted */.TL)(header.linkName)} climbs above the image root`;
    }
    return undefined;
}
/**
 * Throws a ShipError naming the entry when its name or link target leaves the root; `where` names the layer or
 * archive and `offset` the entry's first header byte in the tar stream.
 */
function checkEntryPath(header, where, offset) {
    const problem = unsafePath(header);
    if (problem)
        throw new errors/* ShipError */.fS(`${where}: tar entry ${(0,errors/* quoted */.TL)(header.name)} (at byte ${offset} of the tar stream) is refused: ${problem}`, { hint: HINT });
}
function nameProblem(name) {
    if (name.startsWith('/'))
        return 'is absolute';
    if (name.split('/').includes('..'))
        return 'has a ".." component';
    return undefined;
}
/** The directories above an entry, e.g. ["usr", "lib"] for "./usr/lib/x". */
function parentParts(name) {
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    parts.pop();
    return parts;
}
/** Whether a relative target, followed from `dir`, goes above the root at any step. */
function climbs(dir, target) {
    let depth = dir.length;
    for (const part of target.split('/')) {
        if (part === '' || part === '.')
            continue;
        depth += part === '..' ? -1 : 1;
        if (depth < 0)
            return true;
    }
    return false;
}

;// CONCATENATED MODULE: ./src/tar/header.ts
/**
 * Tar headers: the decoded form the converter works with, and the encoder that writes them back as USTAR blocks,
 * preceded by a PAX extended header when a field does not fit (long names, big sizes) or the input carried PAX
 * records (xattrs, sub-second times) that must survive. The decoder lives in reader.ts.
 */
const BLOCK = 512;
function padding(size) {
    return (BLOCK - (size % BLOCK)) % BLOCK;
}
const MAX_OCTAL_11 = 0o77777777777;
const MAX_OCTAL_7 = 0o7777777;
/** The blocks that precede an entry's payload: an optional PAX header (+ its data) and the USTAR header. */
function encodeHeader(h) {
    const records = [];
    const nameBytes = Buffer.from(h.name, 'utf8');
    const split = splitUstarName(nameBytes);
    if (!split)
        records.push(['path', nameBytes]);
    const linkBytes = Buffer.from(h.linkName, 'utf8');
    if (linkBytes.length > 100)
        records.push(['linkpath', linkBytes]);
    if (h.size > MAX_OCTAL_11)
        records.push(['size', Buffer.from(String(h.size))]);
    const carried = h.pax.filter(([key]) => key !== 'path' && key !== 'linkpath' && key !== 'size');
    const needsId = (value, key) => value > MAX_OCTAL_7 && !carried.some(([k]) => k === key);
    if (needsId(h.uid, 'uid'))
        records.push(['uid', Buffer.from(String(h.uid))]);
    if (needsId(h.gid, 'gid'))
        records.push(['gid', Buffer.from(String(h.gid))]);
    if (Buffer.byteLength(h.uname) > 32 && !carried.some(([k]) => k === 'uname'))
        records.push(['uname', Buffer.from(h.uname)]);
    if (Buffer.byteLength(h.gname) > 32 && !carried.some(([k]) => k === 'gname'))
        records.push(['gname', Buffer.from(h.gname)]);
    records.push(...carried);
    const ustar = ustarBlock({
        name: split ? split.name : truncateBytes(nameBytes, 100),
        prefix: split ? split.prefix : Buffer.alloc(0),
        mode: h.mode,
        uid: Math.min(h.uid, MAX_OCTAL_7),
        gid: Math.min(h.gid, MAX_OCTAL_7),
        size: Math.min(h.size, MAX_OCTAL_11),
        mtime: Math.min(Math.max(Math.floor(h.mtime), 0), MAX_OCTAL_11),
        typeflag: h.type,
        linkName: truncateBytes(linkBytes, 100),
        uname: truncateBytes(Buffer.from(h.uname), 32),
        gname: truncateBytes(Buffer.from(h.gname), 32),
        devMajor: Math.min(h.devMajor, MAX_OCTAL_7),
        devMinor: Math.min(h.devMinor, MAX_OCTAL_7),
    });
    if (records.length === 0)
        return ustar;
    const data = encodePaxRecords(records);
    const paxHeader = ustarBlock({
        name: truncateBytes(Buffer.from(`PaxHeaders/${h.name}`), 100),
        prefix: Buffer.alloc(0),
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: data.length,
        mtime: 0,
        typeflag: 'x',
        linkName: Buffer.alloc(0),
        uname: Buffer.alloc(0),
        gname: Buffer.alloc(0),
        devMajor: 0,
        devMinor: 0,
    });
    return Buffer.concat([paxHeader, data, Buffer.alloc(padding(data.length)), ustar]);
}
/** A header with no owner, time, link, device or extended attributes: what the writers here add of their own. */
function plainHeader(name, type, mode, size) {
    return { name, linkName: '', type, mode, uid: 0, gid: 0, size, mtime: 0, uname: '', gname: '', devMajor: 0, devMinor: 0, xattrs: new Map(), pax: [] };
}
/** A plain regular-file header with zero mode, owner and time, as the reference tools write landmarks and the TOC. */
function bareFileHeader(name, size) {
    return encodeHeader(plainHeader(name, '0', 0, size));
}
/** `len key=value\n` records; the length counts its own digits, hence the small fixed-point loop. */
function encodePaxRecords(records) {
    const parts = [];
    for (const [key, value] of records) {
        const body = Buffer.byteLength(key) + value.length + 3; // ' ' '=' '\n'
        let length = body + String(body).length;
        if (String(length).length !== String(body).length)
            length = body + String(length).length;
        parts.push(Buffer.from(`${length} ${key}=`), value, Buffer.from('\n'));
    }
    return Buffer.concat(parts);
}
function ustarBlock(f) {
    const b = Buffer.alloc(BLOCK);
    f.name.copy(b, 0);
    octal(b, 100, 8, f.mode);
    octal(b, 108, 8, f.uid);
    octal(b, 116, 8, f.gid);
    octal(b, 124, 12, f.size);
    octal(b, 136, 12, f.mtime);
    b.write(f.typeflag, 156, 'latin1');
    f.linkName.copy(b, 157);
    b.write('ustar\x0000', 257, 'latin1');
    f.uname.copy(b, 265);
    f.gname.copy(b, 297);
    octal(b, 329, 8, f.devMajor);
    octal(b, 337, 8, f.devMinor);
    f.prefix.copy(b, 345);
    b.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < BLOCK; i += 1)
        sum += b[i];
    b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    return b;
}
function octal(b, at, width, value) {
    b.write(`${Math.trunc(value)
        .toString(8)
        .padStart(width - 1, '0')}\0`, at, 'latin1');
}
/** USTAR's name+prefix split (prefix up to 155 bytes, name up to 100, cut at a slash), or undefined if impossible. */
function splitUstarName(name) {
    if (name.length <= 100)
        return { name, prefix: Buffer.alloc(0) };
    if (name.length > 256)
        return undefined;
    for (let i = Math.min(name.length - 1, 155); i > 0; i -= 1) {
        if (name[i] === 0x2f && name.length - i - 1 <= 100 && name.length - i - 1 > 0)
            return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
    }
    return undefined;
}
function truncateBytes(value, max) {
    return value.length <= max ? value : value.subarray(0, max);
}

;// CONCATENATED MODULE: ./src/tar/byte-reader.ts
/**
 * Pulls exact byte counts out of a stream of buffers without holding more than the caller asks for: the tar reader
 * reads 512-byte headers and payload pieces through it, and it counts the position so errors can say where.
 */
class ByteReader {
    source;
    queue = [];
    queued = 0;
    ended = false;
    /** Bytes handed out (or skipped) so far. */
    position = 0;
    constructor(source) {
        this.source = source;
    }
    static from(source) {
        return new ByteReader(source[Symbol.asyncIterator]());
    }
    /** Waits until at least `n` bytes are queued or the source ends; says whether they are there. */
    async fill(n) {
        while (this.queued < n && !this.ended) {
            const next = await this.source.next();
            if (next.done)
                this.ended = true;
            else if (next.value.length > 0) {
                const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
                this.queue.push(chunk);
                this.queued += chunk.length;
            }
        }
        return this.queued >= n;
    }
    /** Exactly `n` bytes, or fewer only when the stream ended first (the caller decides whether that is an error). */
    async read(n) {
        await this.fill(n);
        const take = Math.min(n, this.queued);
        const first = this.queue[0];
        let out;
        if (first && first.length >= take) {
            out = first.subarray(0, take);
            this.consumeFront(take);
        }
        else {
            out = Buffer.allocUnsafe(take);
            let at = 0;
            while (at < take) {
                const head = this.queue[0];
                const piece = Math.min(head.length, take - at);
                head.copy(out, at, 0, piece);
                at += piece;
                this.consumeFront(piece);
            }
        }
        return out;
    }
    /** Up to `max` bytes (at least one unless the stream ended), without copying when possible. */
    async readSome(max) {
        if (max <= 0)
            return Buffer.alloc(0);
        await this.fill(1);
        const head = this.queue[0];
        if (!head)
            return Buffer.alloc(0);
        const take = Math.min(max, head.length);
        const out = head.subarray(0, take);
        this.consumeFront(take);
        return out;
    }
    /** Drops `n` bytes; returns how many were really there. */
    async skip(n) {
        let left = n;
        while (left > 0) {
            const piece = await this.readSome(Math.min(left, 1 << 20));
            if (piece.length === 0)
                break;
            left -= piece.length;
        }
        return n - left;
    }
    /** Stops reading: closes the source (a file stream is destroyed, a generator runs its finally blocks). */
    async close() {
        this.ended = true;
        this.queue.length = 0;
        this.queued = 0;
        await this.source.return?.();
    }
    consumeFront(n) {
        const head = this.queue[0];
        if (n === head.length)
            this.queue.shift();
        else
            this.queue[0] = head.subarray(n);
        this.queued -= n;
        this.position += n;
    }
}

;// CONCATENATED MODULE: ./src/tar/reader.ts
/**
 * A streaming tar reader: USTAR, PAX (local and global extended headers, `SCHILY.xattr.*`) and GNU (long names and
 * link names, base-256 numbers). It yields one entry at a time; the caller reads the entry's payload through
 * `body()` or leaves it, and it is skipped. Nothing but the current header and small extension records is held, and
 * every field is checked, so a broken archive ends in a ShipError that names the entry and the byte offset.
 * Errors never quote the bytes they found wrong: the input may be any file (a secret given where an archive was
 * expected), so they say which field and where. An entry is named only once its header's checksum holds.
 */



/** PAX and GNU long-name records larger than this are refused (Go's archive/tar uses the same bound). */
const MAX_EXTENSION_BYTES = 1 << 20;
/** Said of the archive, whatever it is: a reader that knows what the tar was (a layer, an image archive) says more. */
const reader_HINT = 'the file is not a valid tar archive, or was cut short';
class TarFormatError extends errors/* ShipError */.fS {
    entry;
    offset;
    constructor(message, entry, offset) {
        super(`${entry === undefined ? '' : `tar entry ${(0,errors/* quoted */.TL)(entry)}: `}${message} (at byte ${offset} of the tar stream)`, { hint: reader_HINT });
        this.entry = entry;
        this.offset = offset;
    }
}
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** The records of a header without PAX records (most of them): never written to. */
const NO_RECORDS = new Map();
/**
 * Reads tar entries from uncompressed bytes. The source is closed when the archive ends (or the caller stops early),
 * so whatever follows the end-of-archive marker is not read.
 */
async function* readTar(source) {
    const reader = ByteReader.from(source);
    try {
        yield* readEntries(reader);
    }
    finally {
        await reader.close();
    }
}
async function* readEntries(reader) {
    const globalPax = new Map();
    for (;;) {
        const headerOffset = reader.position;
        const parsed = await readOneHeader(reader, globalPax);
        if (parsed === undefined)
            return;
        const { header } = parsed;
        const payloadOffset = reader.position;
        let consumed = false;
        let bodyRead = 0;
        const entry = {
            header,
            headerOffset,
            payloadOffset,
            body: () => {
                if (consumed)
                    throw new Error('tar entry body read twice');
                consumed = true;
                return (async function* () {
                    while (bodyRead < header.size) {
                        const piece = await reader.readSome(Math.min(header.size - bodyRead, 1 << 20));
                        if (piece.length === 0)
                            throw new TarFormatError(`the payload is cut short: ${bodyRead} of ${header.size} bytes`, header.name, reader.position);
                        bodyRead += piece.length;
                        yield piece;
                    }
                })();
            },
        };
        yield entry;
        const rest = header.size - bodyRead + padding(header.size);
        const skipped = await reader.skip(rest);
        if (skipped < header.size - bodyRead)
            throw new TarFormatError(`the payload is cut short: ${bodyRead + skipped} of ${header.size} bytes`, header.name, reader.position);
        // A missing final padding after the last payload is tolerated only at the very end (some writers omit it).
    }
}
/** Reads extension headers and the entry header they apply to; undefined at the end of the archive. */
async function readOneHeader(reader, globalPax) {
    let localPax;
    let gnuLongName;
    let gnuLongLink;
    for (;;) {
        const at = reader.position;
        const block = await reader.read(BLOCK);
        if (block.length === 0) {
            if (localPax || gnuLongName !== undefined || gnuLongLink !== undefined)
                throw new TarFormatError('the archive ends after an extension header, without its entry', undefined, at);
            return undefined; // no end-of-archive marker: accepted, as GNU tar does
        }
        if (block.length < BLOCK)
            throw new TarFormatError(`the archive ends inside a header (${block.length} of 512 bytes)`, undefined, at);
        if (isZeroBlock(block)) {
            // End of archive: the second zero block is optional in practice; whatever follows is ignored.
            if (localPax || gnuLongName !== undefined || gnuLongLink !== undefined)
                throw new TarFormatError('an extension header is followed by the end of the archive', undefined, at);
            return undefined;
        }
        checkChecksum(block, at);
        const rawName = cString(block, 0, 100);
        const typeflag = String.fromCharCode(block[156]);
        const size = number(block, 124, 12, 'size', rawName.toString('utf8'), at);
        const magic = block.toString('latin1', 257, 263);
        const isGnu = magic === 'ustar ';
        if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
            if (size > MAX_EXTENSION_BYTES)
                throw new TarFormatError(`its ${typeflag} extension header is ${size} bytes, more than the ${MAX_EXTENSION_BYTES} allowed`, decode(rawName, at), at);
            const data = await reader.read(size);
            if (data.length < size)
                throw new TarFormatError(`the archive ends inside a ${typeflag} extension header`, decode(rawName, at), at);
            await reader.skip(padding(size));
            if (typeflag === 'x')
                localPax = [...(localPax ?? []), ...parsePax(data, at)];
            else if (typeflag === 'g')
                for (const [key, value] of parsePax(data, at))
                    globalPax.set(key, value);
            else {
                const text = decode(trimNul(data), at);
                if (typeflag === 'L')
                    gnuLongName = text;
                else
                    gnuLongLink = text;
            }
            continue;
        }
        const prefix = !isGnu && magic.startsWith('ustar') ? cString(block, 345, 155) : Buffer.alloc(0);
        let records = NO_RECORDS;
        if (globalPax.size > 0 || localPax) {
            const merged = new Map(globalPax);
            for (const [key, value] of localPax ?? [])
                merged.set(key, value);
            records = merged;
        }
        const paxText = (key) => {
            const v = records.get(key);
            return v === undefined ? undefined : decode(v, at);
        };
        const name = paxText('path') ?? gnuLongName ?? decode(prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), rawName]) : rawName, at);
        const linkName = paxText('linkpath') ?? gnuLongLink ?? decode(cString(block, 157, 100), at);
        if (name === '')
            throw new TarFormatError('an entry has an empty name', undefined, at);
        if (name.includes('\0'))
            throw new TarFormatError('the name holds a NUL byte', name, at);
        const paxNumber = (key, fallback, fractional = false) => {
            const text = paxText(key);
            if (text === undefined)
                return fallback;
            const value = fractional ? Number(text) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
            if (!Number.isFinite(value) || (!fractional && (value < 0 || !Number.isSafeInteger(value))))
                throw new TarFormatError(`PAX record ${key} is not a valid number`, name, at);
            return value;
        };
        let type;
        switch (typeflag) {
            case '0':
            case '7':
                type = '0';
                break;
            case '\0':
                type = name.endsWith('/') ? '5' : '0';
                break;
            case '1':
            case '2':
            case '3':
            case '4':
            case '5':
            case '6':
                type = typeflag;
                break;
            default:
                throw new TarFormatError(`unsupported entry type ${/^[\x21-\x7e]$/.test(typeflag) ? `"${typeflag}"` : `byte ${typeflag.charCodeAt(0)}`}${typeflag === 'S' ? ' (GNU sparse file)' : ''}`, name, at);
        }
        if (records.size > 0 && [...records.keys()].some((k) => k.startsWith('GNU.sparse.')))
            throw new TarFormatError('PAX sparse files are not supported', name, at);
        const realSize = paxNumber('size', size);
        const header = {
            name,
            linkName,
            type,
            mode: number(block, 100, 8, 'mode', name, at),
            uid: paxNumber('uid', number(block, 108, 8, 'uid', name, at)),
            gid: paxNumber('gid', number(block, 116, 8, 'gid', name, at)),
            // Header-only types carry no payload whatever their size field says (as Go's archive/tar reads them).
            size: type === '0' ? realSize : 0,
            mtime: paxNumber('mtime', number(block, 136, 12, 'mtime', name, at), true),
            uname: paxText('uname') ?? decode(cString(block, 265, 32), at),
            gname: paxText('gname') ?? decode(cString(block, 297, 32), at),
            devMajor: type === '3' || type === '4' ? number(block, 329, 8, 'devmajor', name, at) : 0,
            devMinor: type === '3' || type === '4' ? number(block, 337, 8, 'devminor', name, at) : 0,
            xattrs: new Map(),
            pax: [],
        };
        for (const [key, value] of records) {
            if (key.startsWith('SCHILY.xattr.'))
                header.xattrs.set(key.slice('SCHILY.xattr.'.length), value);
            if (key !== 'path' && key !== 'linkpath' && key !== 'size')
                header.pax.push([key, value]);
        }
        if (type !== '0' && realSize > 0) {
            // The payload of a header-only type is still in the stream; skip it so the next header is found.
            const skipped = await reader.skip(realSize + padding(realSize));
            if (skipped < realSize)
                throw new TarFormatError(`the archive ends inside the entry's data`, name, at);
        }
        return { header };
    }
}
function isZeroBlock(block) {
    for (let i = 0; i < block.length; i += 1)
        if (block[i] !== 0)
            return false;
    return true;
}
/** Until the checksum holds, the block may be anything (not a tar at all): nothing of it goes into the message. */
function checkChecksum(block, at) {
    const field = cString(block, 148, 8).toString('latin1').trim();
    if (!/^[0-7]+$/.test(field))
        throw new TarFormatError('not a tar header: its checksum field is not an octal number', undefined, at);
    const stored = parseInt(field, 8);
    // The sum with the checksum field counted as spaces; the signed sum (of old writers) only when that one fails.
    let unsigned = 8 * 0x20;
    for (let i = 0; i < 148; i += 1)
        unsigned += block[i];
    for (let i = 156; i < BLOCK; i += 1)
        unsigned += block[i];
    if (stored === unsigned)
        return;
    let signed = 8 * 0x20;
    for (let i = 0; i < BLOCK; i += 1) {
        if (i >= 148 && i < 156)
            continue;
        const byte = block[i];
        signed += byte > 127 ? byte - 256 : byte;
    }
    if (stored !== signed)
        throw new TarFormatError('bad header checksum: a damaged tar header, or not a tar at all', undefined, at);
}
/** A numeric field: octal text (NUL/space padded) or GNU base-256 when the top bit of the first byte is set. */
function number(block, at, width, what, entry, offset) {
    const first = block[at];
    if (first & 0x80) {
        if (first === 0xff)
            throw new TarFormatError(`the ${what} field is negative`, entry, offset);
        let value = first & 0x7f;
        for (let i = 1; i < width; i += 1) {
            value = value * 256 + block[at + i];
            if (!Number.isSafeInteger(value))
                throw new TarFormatError(`the ${what} field is too large`, entry, offset);
        }
        return value;
    }
    // Octal digits, up to the first NUL, with spaces around them (parsed by hand: this runs for every field of every header).
    let end = at;
    while (end < at + width && block[end] !== 0)
        end += 1;
    let start = at;
    while (start < end && isBlank(block[start]))
        start += 1;
    while (end > start && isBlank(block[end - 1]))
        end -= 1;
    let value = 0;
    for (let i = start; i < end; i += 1) {
        const digit = block[i] - 0x30;
        // The field is not quoted: it is content read from a file.
        if (digit < 0 || digit > 7)
            throw new TarFormatError(`the ${what} field is not an octal number`, entry, offset);
        value = value * 8 + digit;
    }
    return value;
}
/** The characters String.prototype.trim removes, among Latin-1 bytes. */
function isBlank(byte) {
    return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d) || byte === 0xa0;
}
function cString(block, at, width) {
    const field = block.subarray(at, at + width);
    const nul = field.indexOf(0);
    return nul === -1 ? field : field.subarray(0, nul);
}
function trimNul(data) {
    const nul = data.indexOf(0);
    return nul === -1 ? data : data.subarray(0, nul);
}
/**
 * Names must be UTF-8: a name read any other way would be written back (into an eStargz TOC, which is JSON, or onto
 * a file system) under a different name than the archive gave it.
 */
function decode(bytes, at) {
    try {
        return utf8.decode(bytes);
    }
    catch {
        throw new TarFormatError('a name is not valid UTF-8', undefined, at);
    }
}
/** `len key=value\n` records, each checked against its declared length. */
function parsePax(data, at) {
    const records = [];
    let pos = 0;
    while (pos < data.length) {
        if (data[pos] === 0)
            break; // NUL padding after the last record
        const space = data.indexOf(0x20, pos);
        if (space === -1 || space - pos > 20)
            throw new TarFormatError('a PAX record has no length', undefined, at);
        const lengthText = data.toString('latin1', pos, space);
        if (!/^[1-9]\d*$/.test(lengthText))
            throw new TarFormatError('a PAX record length is not a number', undefined, at);
        const length = Number(lengthText);
        const end = pos + length;
        if (end > data.length || length < lengthText.length + 4)
            throw new TarFormatError('a PAX record length runs past the header', undefined, at);
        if (data[end - 1] !== 0x0a)
            throw new TarFormatError('a PAX record does not end with a newline', undefined, at);
        const eq = data.indexOf(0x3d, space + 1);
        if (eq === -1 || eq >= end - 1 || eq === space + 1)
            throw new TarFormatError('a PAX record has no key=value', undefined, at);
        records.push([data.toString('utf8', space + 1, eq), Buffer.from(data.subarray(eq + 1, end - 1))]);
        pos = end;
    }
    return records;
}

;// CONCATENATED MODULE: ./src/tar/index.ts
/**
 * Tar archives, the primitive that estargz/ and oci/ both stand on: a streaming reader, the header encoder, the
 * check that keeps entry names inside the root they are unpacked into, and the compressions a tar comes in.
 */






/***/ })

};
