export const id = 175;
export const ids = [175];
export const modules = {

/***/ 46175:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  vM: () => (/* reexport */ ConversionSettingError),
  $C: () => (/* reexport */ DEFAULT_ESTARGZ_CHUNK_SIZE),
  s0: () => (/* reexport */ checkImageParts),
  hC: () => (/* reexport */ convertImage),
  gx: () => (/* reexport */ describeMiss),
  _A: () => (/* reexport */ lazyPull),
  PP: () => (/* reexport */ readToc),
  dN: () => (/* reexport */ readTocListing),
  ZG: () => (/* reexport */ verifyImage)
});

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/oci/index.ts + 20 modules
var oci = __webpack_require__(93078);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __webpack_require__(75919);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
;// CONCATENATED MODULE: ./src/estargz/compress-pool.ts
/**
 * Parallel gzip: members are grouped into jobs and compressed by worker threads (one per core), each member into a
 * gzip stream of its own; results come back in submission order. Small members are batched because a round trip per
 * tiny file would cost more than compressing it, and a whole 4 MiB chunk makes a job of its own.
 * Every member is an independent gzip stream, so the output is the same whatever the number of workers.
 *
 * Memory: every buffer a job touches goes back to the main thread. The input buffer returns with the result and is
 * reused for a later job, and the job's gzip output, made to its exact size, is handed over rather than copied. A
 * thread that drops large buffers keeps tens of megabytes of them until its own garbage collector runs, so this way
 * only the main thread does, and the workers allocate nothing that outlives a job but one scratch buffer each (as
 * large as the largest job's worst-case output), which they keep.
 */




/**
 * The worker, as source text: evaluated in place so a bundled program needs no separate file. It gzips each member
 * of a job and sets the header's OS byte to 255 ("unknown"), so output is identical on every platform.
 *
 * Each member is compressed by a new zlib stream (a reset one is not enough: after a large member, deflateReset
 * gives other bytes for some inputs) straight into one scratch buffer that the worker keeps, and the job's output
 * goes back as one buffer of its exact size. zlib.gzipSync would make a worst-case output buffer per member, so the
 * main thread, where the buffers end up, had two to three times the bytes to collect (a compressed chunk is a third
 * of its buffer), and ran a full garbage collection every few megabytes of input. The stream is driven through the
 * handle Node's own zlibBufferSync uses (writeSync with Z_FINISH and room for the worst case, so one call finishes
 * it); where a Node lacks that handle, zlib.gzipSync does the same work.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
let scratch = Buffer.alloc(0);
// Room for a member's output: more than zlib's deflateBound with the gzip wrapper, and the room zlib.gzipSync was
// given before (at level 0, stored blocks come out differently in another amount of room).
const bound = (length) => Math.max(4096, length + (length >> 10) + 1024);
function gzipInto(data, at, length, level, out, outAt) {
  // The smallest output chunk: the stream's own output buffer is never used.
  const stream = new zlib.Gzip({ level, chunkSize: 64 });
  const handle = stream._handle;
  if (!handle || typeof handle.writeSync !== 'function' || !stream._writeState) {
    stream.close();
    const made = zlib.gzipSync(data.subarray(at, at + length), { level });
    out.set(made, outAt);
    return made.length;
  }
  const room = bound(length);
  try {
    handle.writeSync(zlib.constants.Z_FINISH, data, at, length, out, outAt, room);
    const [outLeft, inLeft] = stream._writeState;
    if (inLeft !== 0 || outLeft === 0) throw new Error('zlib did not finish a member in one call');
    return room - outLeft;
  } finally {
    stream.close();
  }
}
parentPort.on('message', ({ id, input, lengths, level }) => {
  try {
    const data = Buffer.from(input);
    let room = 0;
    for (const length of lengths) room += bound(length);
    if (scratch.length < room) scratch = Buffer.allocUnsafeSlow(room);
    const sizes = [];
    let at = 0;
    let outAt = 0;
    for (const length of lengths) {
      const size = gzipInto(data, at, length, level, scratch, outAt);
      scratch[outAt + 9] = 0xff;
      sizes.push(size);
      at += length;
      outAt += size;
    }
    const output = new Uint8Array(outAt);
    output.set(scratch.subarray(0, outAt));
    parentPort.postMessage({ id, input, output, sizes }, [input, output.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, input, error: String(error && error.message || error) }, [input]);
  }
});
`;
/** A fixed set of gzip workers shared by every layer of a conversion; `close()` when done. */
class CompressPool {
    size;
    workers = [];
    idle = [];
    queue = [];
    pending = new Map();
    nextId = 0;
    failure;
    constructor(size = Math.max(1, (0,external_node_os_.availableParallelism)())) {
        this.size = size;
    }
    /**
     * The workers start with the first job, not with the pool: a re-ship whose layers are all reused converts
     * nothing, and starting them cost it tens of milliseconds of wall time and twice that of CPU.
     */
    start() {
        for (let i = 0; i < this.size; i += 1) {
            // A worker's heap holds little (buffers are not on it), so its young generation is kept small.
            const worker = new external_node_worker_threads_.Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
            worker.on('message', (message) => {
                const waiting = this.pending.get(message.id);
                this.pending.delete(message.id);
                this.idle.push(worker);
                this.dispatch();
                if (!waiting)
                    return;
                if (message.error !== undefined || !message.output || !message.sizes)
                    waiting.reject(new Error(`gzip worker failed: ${message.error ?? 'no output'}`));
                else
                    waiting.resolve({ input: message.input, output: message.output, sizes: message.sizes });
            });
            worker.on('error', (error) => this.fail(error));
            this.workers.push(worker);
            this.idle.push(worker);
        }
    }
    /**
     * Compresses the members laid out back to back at the start of `input`, which is handed over (not copied) and
     * comes back with the result.
     */
    compress(input, lengths, level) {
        if (this.failure)
            return Promise.reject(this.failure);
        if (this.workers.length === 0)
            this.start();
        const id = (this.nextId += 1);
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            this.queue.push({ id, input, lengths, level });
            this.dispatch();
        });
    }
    dispatch() {
        while (this.queue.length > 0 && this.idle.length > 0) {
            const job = this.queue.shift();
            const worker = this.idle.pop();
            worker.postMessage(job, [job.input]);
        }
    }
    fail(error) {
        this.failure = error;
        for (const waiting of this.pending.values())
            waiting.reject(error);
        this.pending.clear();
    }
    async close() {
        await Promise.all(this.workers.map((w) => w.terminate()));
    }
}
/** Jobs are cut at this many uncompressed bytes, so tiny members travel in batches. */
const JOB_BYTES = 1 << 20;
/** Input buffers are allocated in multiples of this. */
const SLAB_UNIT = 1 << 18;
/**
 * Turns a sequence of members into gzip output in order. `add` queues a member and returns its index; `take` hands
 * back finished output in order, along with the compressed offset of each member (known once everything before it is
 * compressed). A job is cut once it holds JOB_BYTES and sent when a worker is free; until then it is only a list of
 * the caller's buffers, so few jobs are ever copied out at once (into input buffers that are reused).
 */
class OrderedCompressor {
    pool;
    level;
    job = [];
    jobBytes = 0;
    /** Jobs cut but not sent yet. */
    ready = [];
    /** Jobs sent, oldest first, until their output is taken. */
    inFlight = [];
    /** Jobs sent and not finished. */
    running = 0;
    wake;
    /** Input buffers back from the workers, ready for reuse; all `slabBytes` long. */
    spare = [];
    /** The size input buffers are made: the largest job so far, so that any of them serves any job. */
    slabBytes = 0;
    membersAdded = 0;
    /** Compressed offset of each member, filled in as results arrive in order. */
    memberOffsets = [];
    /** Compressed bytes handed out so far. */
    compressedBytes = 0;
    constructor(pool, level) {
        this.pool = pool;
        this.level = level;
    }
    /** Queues one member (its parts in order, kept until the member is sent); returns the member's index. */
    add(parts) {
        let bytes = 0;
        for (const part of parts)
            bytes += part.length;
        // A large member (a whole chunk) travels alone, so input buffers need be no larger than the largest member.
        if (bytes >= JOB_BYTES)
            this.cutJob();
        this.job.push(parts);
        this.jobBytes += bytes;
        const index = this.membersAdded;
        this.membersAdded += 1;
        if (this.jobBytes >= JOB_BYTES)
            this.cutJob();
        return index;
    }
    /** The index the next member added will get. */
    get nextMember() {
        return this.membersAdded;
    }
    /**
     * Sends every job that is ready, waiting for a worker to be free when none is, and returns the output finished so
     * far, in order; with `flush`, the job being gathered too, and waits for all of it.
     */
    async take(flush = false) {
        if (flush)
            this.cutJob();
        const out = [];
        while (this.ready.length > 0) {
            if (this.running < this.pool.size && this.inFlight.length < 2 * this.pool.size)
                this.send(this.ready.shift());
            else if (this.running >= this.pool.size)
                await new Promise((resolve) => (this.wake = resolve));
            else
                out.push(await this.finishOldest()); // jobs finished out of order wait for the oldest: not too many
            while (this.inFlight[0]?.done)
                out.push(await this.finishOldest());
        }
        while (this.inFlight.length > 0 && (flush || this.inFlight[0]?.done))
            out.push(await this.finishOldest());
        return out;
    }
    cutJob() {
        if (this.job.length === 0)
            return;
        this.ready.push(this.job);
        this.job = [];
        this.jobBytes = 0;
    }
    send(members) {
        let bytes = 0;
        for (const parts of members)
            for (const part of parts)
                bytes += part.length;
        const slab = this.slab(bytes);
        const input = new Uint8Array(slab);
        const lengths = [];
        let at = 0;
        for (const parts of members) {
            let length = 0;
            for (const part of parts) {
                input.set(part, at);
                at += part.length;
                length += part.length;
            }
            lengths.push(length);
        }
        const entry = { promise: this.pool.compress(slab, lengths, this.level), done: false };
        this.running += 1;
        const settle = () => {
            entry.done = true;
            this.running -= 1;
            const wake = this.wake;
            this.wake = undefined;
            wake?.();
        };
        entry.promise.then(settle, settle);
        this.inFlight.push(entry);
    }
    async finishOldest() {
        const result = await this.inFlight[0].promise;
        this.inFlight.shift();
        this.recycle(result.input);
        for (const size of result.sizes) {
            this.memberOffsets.push(this.compressedBytes);
            this.compressedBytes += size;
        }
        const { output } = result;
        return Buffer.from(output.buffer, output.byteOffset, output.length);
    }
    /** A spare input buffer for a job of `bytes`, else a new one. */
    slab(bytes) {
        if (bytes > this.slabBytes) {
            this.slabBytes = Math.ceil(bytes / SLAB_UNIT) * SLAB_UNIT;
            this.spare.length = 0;
        }
        return this.spare.pop() ?? new ArrayBuffer(this.slabBytes);
    }
    /**
     * Keeps a returned input buffer for a later job. As many are kept as can be in flight at once: several jobs are
     * often sent between two results, and a new buffer each time (zeroed, and counted by V8 as external memory, which
     * starts a full garbage collection every few tens of megabytes) cost more than the copy into it. The most that
     * can exist is unchanged: in flight or spare, never more than 2 * pool.size + 1.
     */
    recycle(buffer) {
        if (buffer.byteLength === this.slabBytes && this.spare.length <= 2 * this.pool.size)
            this.spare.push(buffer);
    }
}
/**
 * One gzip member compressed as a stream on the main thread (zlib runs on libuv's thread pool), for a member too
 * large to hold whole: the TOC. The header's OS byte is set to 255 as the workers do.
 */
async function* gzipStream(parts, level) {
    const gzip = external_node_zlib_.createGzip({ level });
    const source = external_node_stream_.Readable.from(parts);
    source.on('error', (error) => gzip.destroy(error));
    source.pipe(gzip);
    let position = 0;
    for await (const chunk of gzip) {
        if (position <= 9 && position + chunk.length > 9)
            chunk[9 - position] = 0xff;
        position += chunk.length;
        yield chunk;
    }
}

;// CONCATENATED MODULE: ./src/estargz/diff-id.ts
/**
 * A source layer's diff_id, held to its image's config. The converter replaces the config's diff_ids with those of
 * the layers it writes, which takes away the check containerd makes when it unpacks a layer (the digest of the
 * uncompressed tar must be the config's diff_id at the same index, or the unpack fails with "wrong diff id
 * calculated on extraction"). So the converter makes that check itself, on the uncompressed tar as it streams by.
 */



/** The error for a source layer whose uncompressed tar is not what the config says; `where` names the image. */
function diffIdMismatch(where, layer, expected, actual) {
    return new errors/* ShipError */.fS(`${where}: layer ${layer} does not match the image's config: its uncompressed content is ${actual}, but the config gives the diff_id ${expected}`, {
        hint: "the image's config does not describe its layers (a layer was swapped, or the config edited): build, export or pull the image again",
    });
}
/**
 * Passes `tar` through, hashing it; with `expected`, the stream fails at its end instead of ending when the digest
 * is another (so a reader never sees a clean end of a layer the config does not describe).
 *
 * `checkedAs`: the digest the bytes are already held to upstream (an uncompressed blob, whose digest is its
 * diff_id, checked as it streams by OciLayout.openBlob, which fails before this stream can end). They are then
 * counted, not hashed again: the check is the same, one sha256 pass fewer over the layer.
 */
function measureTar(tar, expected) {
    const counter = new oci/* DigestCounter */.VR();
    let size = 0;
    let digest;
    const finish = () => (digest ??= expected.checkedAs ?? counter.digest());
    const measured = new external_node_stream_.Transform({
        transform(chunk, _encoding, callback) {
            if (expected.checkedAs === undefined)
                counter.update(chunk);
            size += chunk.length;
            callback(null, chunk);
        },
        flush(callback) {
            const actual = finish();
            callback(expected.diffId !== undefined && actual !== expected.diffId ? diffIdMismatch(expected.where, expected.layer, expected.diffId, actual) : null);
        },
    });
    return { tar: (0,external_node_stream_.pipeline)(tar, measured, () => { }), diffId: finish, size: () => size };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(46466);
// EXTERNAL MODULE: ./src/file-errors.ts
var file_errors = __webpack_require__(70145);
// EXTERNAL MODULE: ./src/tar/index.ts + 5 modules
var src_tar = __webpack_require__(56516);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/estargz/footer.ts
/**
 * The eStargz footer: an empty gzip member whose RFC 1952 Extra field says where the TOC member starts. It is the
 * last 51 bytes of a blob; the legacy stargz footer (47 bytes, without the `SG` subfield header) is read too.
 */
const FOOTER_SIZE = 51;
const LEGACY_FOOTER_SIZE = 47;
const MAGIC = 'STARGZ';
/** The 51-byte footer pointing at `tocOffset`. */
function makeFooter(tocOffset) {
    const b = Buffer.alloc(FOOTER_SIZE);
    b.set([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 26, 0, 0x53, 0x47, 22, 0], 0);
    b.write(tocOffset.toString(16).padStart(16, '0'), 16, 'latin1');
    b.write(MAGIC, 32, 'latin1');
    b.set([0x01, 0x00, 0x00, 0xff, 0xff], 38); // an empty, final, stored deflate block; CRC32 and ISIZE stay 0
    return b;
}
/** Parses the tail of a blob (at least its last 51 bytes); undefined when it is not an (e)stargz footer. */
function parseFooter(tail) {
    if (tail.length >= FOOTER_SIZE) {
        const f = tail.subarray(tail.length - FOOTER_SIZE);
        if (isEmptyGzipWithExtra(f, 26) && f[12] === 0x53 && f[13] === 0x47 && f.readUInt16LE(14) === 22 && f.toString('latin1', 32, 38) === MAGIC) {
            const offset = parseHexOffset(f.toString('latin1', 16, 32));
            if (offset !== undefined)
                return { tocOffset: offset, size: FOOTER_SIZE, legacy: false };
        }
    }
    if (tail.length >= LEGACY_FOOTER_SIZE) {
        const f = tail.subarray(tail.length - LEGACY_FOOTER_SIZE);
        if (isEmptyGzipWithExtra(f, 22) && f.toString('latin1', 28, 34) === MAGIC) {
            const offset = parseHexOffset(f.toString('latin1', 12, 28));
            if (offset !== undefined)
                return { tocOffset: offset, size: LEGACY_FOOTER_SIZE, legacy: true };
        }
    }
    return undefined;
}
/** gzip magic, deflate, FEXTRA only, the given XLEN, then an empty stored block and a zero trailer. */
function isEmptyGzipWithExtra(f, xlen) {
    if (f[0] !== 0x1f || f[1] !== 0x8b || f[2] !== 0x08 || f[3] !== 0x04 || f.readUInt16LE(10) !== xlen)
        return false;
    const rest = 12 + xlen;
    return (f.length - rest === 13 &&
        f[rest] === 0x01 &&
        f.readUInt16LE(rest + 1) === 0 &&
        f.readUInt16LE(rest + 3) === 0xffff &&
        f.readUInt32LE(rest + 5) === 0 &&
        f.readUInt32LE(rest + 9) === 0);
}
function parseHexOffset(text) {
    if (!/^[0-9a-fA-F]{16}$/.test(text))
        return undefined;
    const value = Number.parseInt(text, 16);
    return Number.isSafeInteger(value) ? value : undefined;
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(38816);
;// CONCATENATED MODULE: ./src/estargz/spill-store.ts
/**
 * Append-only bytes kept off the heap: one block in memory, and every full block written to a temporary file, made
 * on first need under the directory given and removed by `close()`. The TOC builder keeps its serialised entries
 * here, so a layer of many thousands of files does not keep as many objects alive for the whole conversion.
 */




const STORE_BLOCK = 1 << 20;
/** Append-only bytes: one block in memory, every full block written to a temporary file (made on first need). */
class SpillStore {
    tempDir;
    what;
    /** `tempDir`: where the file is made; default the system's temporary directory. */
    constructor(tempDir, 
    /** Names the content in errors. */
    what) {
        this.tempDir = tempDir;
        this.what = what;
    }
    block = Buffer.allocUnsafeSlow(STORE_BLOCK);
    used = 0;
    spilled = 0;
    dir;
    fd;
    write(bytes) {
        if (this.used + bytes.length > STORE_BLOCK)
            this.flush();
        if (bytes.length > STORE_BLOCK)
            this.append(bytes);
        else {
            bytes.copy(this.block, this.used);
            this.used += bytes.length;
        }
    }
    /** Everything written, in order; each piece is valid only until the next one is asked for. */
    *read() {
        if (this.fd !== undefined) {
            const buffer = Buffer.allocUnsafe(STORE_BLOCK);
            for (let at = 0; at < this.spilled;) {
                const n = (0,external_node_fs_.readSync)(this.fd, buffer, 0, Math.min(STORE_BLOCK, this.spilled - at), at);
                if (n === 0)
                    throw new Error(`the temporary file of ${this.what} is shorter than written`);
                at += n;
                yield buffer.subarray(0, n);
            }
        }
        yield this.block.subarray(0, this.used);
    }
    close() {
        if (this.fd !== undefined)
            (0,external_node_fs_.closeSync)(this.fd);
        if (this.dir !== undefined)
            (0,external_node_fs_.rmSync)(this.dir, { recursive: true, force: true });
        this.fd = undefined;
        this.dir = undefined;
    }
    flush() {
        this.append(this.block.subarray(0, this.used));
        this.used = 0;
    }
    append(bytes) {
        if (bytes.length === 0)
            return;
        if (this.fd === undefined) {
            const parent = this.tempDir ?? (0,external_node_os_.tmpdir)();
            try {
                this.dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(parent, 'estargz-spill-'));
                this.fd = (0,external_node_fs_.openSync)((0,external_node_path_.join)(this.dir, 'spill'), 'w+');
            }
            catch (error) {
                throw new errors/* ShipError */.fS(`cannot write the temporary file of ${this.what} in ${parent}: ${error instanceof Error ? error.message : String(error)}`, {
                    hint: this.tempDir === undefined ? 'set TMPDIR to a writable directory' : `make ${this.tempDir} writable`,
                });
            }
        }
        for (let at = 0; at < bytes.length;)
            at += (0,external_node_fs_.writeSync)(this.fd, bytes, at, bytes.length - at, this.spilled + at);
        this.spilled += bytes.length;
    }
}

;// CONCATENATED MODULE: ./src/estargz/toc.ts
/**
 * The TOC (`stargz.index.json`): one entry per tar entry and per extra chunk, in stream order, with the field names
 * and omit-if-zero rules of the Go reference (estargz `TOCEntry`), serialised with tab indentation and no trailing
 * newline. Its sha256 is the layer's `containerd.io/snapshot/stargz/toc.digest`.
 */


const TOC_NAME = 'stargz.index.json';
const PREFETCH_LANDMARK = '.prefetch.landmark';
const NO_PREFETCH_LANDMARK = '.no.prefetch.landmark';
/** A landmark's whole content: one byte. */
const LANDMARK_CONTENT = Buffer.from([0x0f]);
/** The size eStargz files are cut into by default (the reference converter's). */
const DEFAULT_ESTARGZ_CHUNK_SIZE = 4 << 20;
const TOC_TYPES = { '0': 'reg', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo' };
/**
 * Builds entries field by field in the Go struct's order, leaving out zero values, so the JSON has the reference
 * layout. User and group names appear only on the first entry naming a given id (as the reference writer does).
 *
 * A finished entry is serialised at once, with the number of its `offset` cut out (compressed offsets are known only
 * at the end), into a store that keeps one MiB in memory and spills the rest to a temporary file (spill-store.ts): a
 * layer of many thousands of files would otherwise keep as many objects alive for the whole conversion. `close()`
 * removes the file.
 */
class TocBuilder {
    store;
    /** Entries added but not yet sealed, with their member (-1 when they have no payload). */
    open = new Map();
    userNames = new Map();
    groupNames = new Map();
    sealed = 0;
    /** Entries added so far. */
    count = 0;
    /** `tempDir`: where the spill file goes; default the system's temporary directory. */
    constructor(options = {}) {
        this.store = new SpillStore(options.tempDir, 'the TOC');
    }
    /** The entry of a tar header; digests and chunk fields are set by the caller as the payload is written. */
    add(h) {
        const e = { name: h.name, type: TOC_TYPES[h.type] };
        if (h.size > 0)
            e.size = h.size;
        const modtime = formatModtime(h.mtime);
        if (modtime)
            e.modtime = modtime;
        if (h.linkName && (h.type === '1' || h.type === '2'))
            e.linkName = h.linkName;
        if (h.mode)
            e.mode = h.mode;
        if (h.uid)
            e.uid = h.uid;
        if (h.gid)
            e.gid = h.gid;
        const userName = nameIfChanged(this.userNames, h.uid, h.uname);
        if (userName)
            e.userName = userName;
        const groupName = nameIfChanged(this.groupNames, h.gid, h.gname);
        if (groupName)
            e.groupName = groupName;
        if (h.type === '0' && h.size > 0)
            e.offset = 0; // placeholder keeps the key's position; filled in at the end
        if (h.devMajor)
            e.devMajor = h.devMajor;
        if (h.devMinor)
            e.devMinor = h.devMinor;
        if (h.xattrs.size > 0)
            e.xattrs = Object.fromEntries([...h.xattrs].map(([k, v]) => [k, v.toString('base64')]));
        this.open.set(e, -1);
        this.count += 1;
        return e;
    }
    /** A `chunk` entry for the 2nd, 3rd, ... chunk of a file. */
    addChunk(name, chunkOffset) {
        const e = { name, type: 'chunk', offset: 0, chunkOffset };
        this.open.set(e, -1);
        this.count += 1;
        return e;
    }
    /** Says that `entry`'s payload starts gzip member `member`: its `offset` is that member's compressed offset. */
    place(entry, member) {
        if (this.open.get(entry) !== -1 || entry.offset === undefined)
            throw new Error(`TOC entry ${JSON.stringify(entry.name)} cannot be placed`);
        this.open.set(entry, member);
    }
    /**
     * Serialises the entries added so far, which must be complete but for their offsets. Each is stored as a 12-byte
     * frame (bytes before the offset, bytes after it, member or -1) and its text, indented for its place in the TOC.
     */
    seal() {
        for (const [entry, member] of this.open) {
            const text = `\t\t${JSON.stringify(entry, null, '\t').replaceAll('\n', '\n\t\t')}`;
            let before = Buffer.from(text);
            let after = EMPTY;
            if (member >= 0) {
                // "offset" is never the last key, and a JSON string holds no raw newline: the placeholder is found exactly.
                const at = text.indexOf(OFFSET_PLACEHOLDER);
                if (at < 0)
                    throw new Error(`TOC entry ${JSON.stringify(entry.name)} has no offset placeholder`);
                before = Buffer.from(text.slice(0, at + OFFSET_PLACEHOLDER.length - 1));
                after = Buffer.from(text.slice(at + OFFSET_PLACEHOLDER.length));
            }
            const frame = Buffer.alloc(12);
            frame.writeUInt32LE(before.length, 0);
            frame.writeUInt32LE(after.length, 4);
            frame.writeInt32LE(member, 8);
            this.store.write(frame);
            this.store.write(before);
            this.store.write(after);
            this.sealed += 1;
        }
        this.open.clear();
    }
    /**
     * The TOC JSON in pieces of about `pieceBytes`, byte for byte `JSON.stringify({ version: 1, entries }, null, '\t')`
     * (each entry indented two levels deeper), with every offset filled in from `memberOffset`. Seals what is open.
     */
    *serialize(memberOffset, pieceBytes = 1 << 16) {
        this.seal();
        if (this.sealed === 0) {
            yield Buffer.from('{\n\t"version": 1,\n\t"entries": []\n}');
            return;
        }
        const out = new PieceWriter(pieceBytes);
        out.write(Buffer.from('{\n\t"version": 1,\n\t"entries": [\n'));
        const bytes = new ExactReader(this.store.read());
        for (let i = 0; i < this.sealed; i += 1) {
            const frame = bytes.take(12);
            const beforeLength = frame.readUInt32LE(0);
            const afterLength = frame.readUInt32LE(4);
            const member = frame.readInt32LE(8);
            out.write(bytes.take(beforeLength));
            if (member >= 0)
                out.write(Buffer.from(String(memberOffset(member))));
            out.write(bytes.take(afterLength));
            out.write(i === this.sealed - 1 ? NEWLINE : COMMA_NEWLINE);
            if (out.full)
                yield out.piece();
        }
        out.write(Buffer.from('\t]\n}'));
        yield out.piece();
    }
    /** The byte length of the serialised TOC. */
    serializedLength(memberOffset) {
        let length = 0;
        for (const piece of this.serialize(memberOffset))
            length += piece.length;
        return length;
    }
    /** Removes the spill file, if there is one. */
    close() {
        this.store.close();
    }
}
const OFFSET_PLACEHOLDER = '\n\t\t\t"offset": 0';
const SLASH = 0x2f;
const DOT = 0x2e;
const EMPTY = Buffer.alloc(0);
const NEWLINE = Buffer.from('\n');
const COMMA_NEWLINE = Buffer.from(',\n');
/** Exact byte counts out of a sequence of pieces that may be reused; what `take` returns is valid until its next call. */
class ExactReader {
    pieces;
    piece = EMPTY;
    at = 0;
    constructor(pieces) {
        this.pieces = pieces;
    }
    take(n) {
        if (this.piece.length - this.at >= n) {
            this.at += n;
            return this.piece.subarray(this.at - n, this.at);
        }
        const out = Buffer.allocUnsafe(n);
        let filled = 0;
        for (;;) {
            const copied = this.piece.copy(out, filled, this.at, Math.min(this.piece.length, this.at + n - filled));
            filled += copied;
            this.at += copied;
            if (filled === n)
                return out;
            const next = this.pieces.next();
            if (next.done)
                throw new Error('the TOC store ends early');
            this.piece = next.value;
            this.at = 0;
        }
    }
}
/** Gathers bytes (copying them) into pieces of about `size` bytes. */
class PieceWriter {
    size;
    buffer;
    used = 0;
    constructor(size) {
        this.size = size;
        this.buffer = Buffer.allocUnsafe(size * 2);
    }
    get full() {
        return this.used >= this.size;
    }
    write(bytes) {
        if (this.used + bytes.length > this.buffer.length) {
            const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes.length));
            this.buffer.copy(larger, 0, 0, this.used);
            this.buffer = larger;
        }
        this.used += bytes.copy(this.buffer, this.used);
    }
    piece() {
        const piece = this.buffer.subarray(0, this.used);
        this.buffer = Buffer.allocUnsafe(this.size * 2);
        this.used = 0;
        return piece;
    }
}
function nameIfChanged(seen, id, name) {
    if (name === '' || seen.get(id) === name)
        return '';
    seen.set(id, name);
    return name;
}
/** UTC RFC 3339 rounded to the second; empty for the epoch (Go: `t.Unix() == 0` means unset). */
function formatModtime(seconds) {
    // Most entries of a layer share a time: the last one formatted is remembered.
    if (seconds === lastModtime.seconds)
        return lastModtime.text;
    const text = formatModtimeNow(seconds);
    lastModtime = { seconds, text };
    return text;
}
let lastModtime = { seconds: Number.NaN, text: '' };
function formatModtimeNow(seconds) {
    if (!Number.isFinite(seconds) || Math.floor(seconds) === 0)
        return '';
    const rounded = seconds < 0 ? -Math.round(-seconds) : Math.round(seconds);
    const date = new Date(rounded * 1000);
    if (Number.isNaN(date.getTime()))
        return '';
    return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
/** Whether the converter writes the entry at this cleaned path itself (the root is none of a layer's entries either). */
function isConverterEntry(path) {
    return path === '' || path === TOC_NAME || path === PREFETCH_LANDMARK || path === NO_PREFETCH_LANDMARK;
}
/** Normalizes a path the way TOC readers do: `path.Clean("/" + name)` without the leading slash. */
function cleanPath(name) {
    // Most names are clean already, or a directory's with one slash at the end: those need no splitting.
    const body = name.charCodeAt(name.length - 1) === SLASH ? name.slice(0, -1) : name;
    if (body !== '' &&
        body.charCodeAt(0) !== SLASH &&
        body.charCodeAt(0) !== DOT &&
        body.charCodeAt(body.length - 1) !== SLASH &&
        !body.includes('//') &&
        !body.includes('/.'))
        return body;
    const parts = [];
    for (const part of name.split('/')) {
        if (part === '' || part === '.')
            continue;
        if (part === '..')
            parts.pop();
        else
            parts.push(part);
    }
    return parts.join('/');
}
// --- reading a TOC back (verifier, pass-through) -------------------------------------------------------------------
const digestString = schemas/* string */.YjP().regex(/^sha256:[a-f0-9]{64}$/, 'must be a sha256 digest');
const count = schemas/* number */.aig().int().nonnegative();
const TocEntrySchema = schemas/* looseObject */._H3({
    name: schemas/* string */.YjP(),
    type: schemas/* enum */.k5n(['dir', 'reg', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'chunk']),
    size: count.optional(),
    modtime: schemas/* string */.YjP().optional(),
    linkName: schemas/* string */.YjP().optional(),
    mode: count.optional(),
    uid: count.optional(),
    gid: count.optional(),
    userName: schemas/* string */.YjP().optional(),
    groupName: schemas/* string */.YjP().optional(),
    offset: count.optional(),
    innerOffset: count.optional(),
    devMajor: count.optional(),
    devMinor: count.optional(),
    xattrs: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
    digest: digestString.optional(),
    chunkOffset: count.optional(),
    chunkSize: count.optional(),
    chunkDigest: digestString.optional(),
});
const TOC_TYPE_NAMES = new Set(['dir', 'reg', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'chunk']);
const COUNT_FIELDS = ['size', 'mode', 'uid', 'gid', 'offset', 'innerOffset', 'devMajor', 'devMinor', 'chunkOffset', 'chunkSize'];
const TEXT_FIELDS = ['modtime', 'linkName', 'userName', 'groupName'];
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/**
 * TocEntrySchema's rules written out, for speed: a TOC can hold millions of entries. Never looser than the schema;
 * an entry this refuses is checked by the schema, which says what is wrong with it.
 */
function isTocEntry(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return false;
    const e = value;
    if (typeof e.name !== 'string' || !TOC_TYPE_NAMES.has(e.type))
        return false;
    for (const key of COUNT_FIELDS) {
        const v = e[key];
        if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0))
            return false;
    }
    for (const key of TEXT_FIELDS)
        if (e[key] !== undefined && typeof e[key] !== 'string')
            return false;
    for (const key of ['digest', 'chunkDigest'])
        if (e[key] !== undefined && !(typeof e[key] === 'string' && DIGEST.test(e[key])))
            return false;
    const xattrs = e.xattrs;
    if (xattrs !== undefined) {
        if (typeof xattrs !== 'object' || xattrs === null || Array.isArray(xattrs))
            return false;
        for (const v of Object.values(xattrs))
            if (typeof v !== 'string')
                return false;
    }
    return true;
}

;// CONCATENATED MODULE: ./src/estargz/layer-writer.ts
/**
 * The heart of the converter: a sequence of tar entries in, eStargz bytes out. Gzip members start at byte 0, at the
 * first payload byte of every non-empty regular file and at every chunk boundary; headers, padding and header-only
 * entries ride in the member before. The TOC is one member starting at its own tar header, then the 51-byte footer.
 * Members are compressed in parallel (compress-pool.ts) and written in order; the TOC's offsets are filled in once
 * every member before it has its compressed size. Memory is bounded whatever the layer holds: a file goes through
 * chunk by chunk, each entry is written to the TOC store as soon as it is complete (toc.ts), and the TOC member is
 * compressed as a stream.
 */







/** Non-payload bytes gathered in one member before a boundary is forced, so memory stays bounded. */
const MAX_HEADER_RUN = 1 << 20;
const EMPTY_DIGEST = (0,oci/* sha256 */.sc)('');
const END_OF_ARCHIVE = Buffer.alloc(1024);
/** Yields the eStargz blob; `result` is filled in when the generator finishes. */
async function* writeEstargz(items, options, result) {
    const toc = new TocBuilder({ tempDir: options.tempDir });
    try {
        yield* write(items, options, result, toc);
    }
    finally {
        toc.close();
    }
}
async function* write(items, options, result, toc) {
    const diffId = new oci/* DigestCounter */.VR();
    const compressor = new OrderedCompressor(options.pool, options.level);
    let pending = [];
    let pendingBytes = 0;
    let payloadBytes = 0;
    const append = (bytes) => {
        if (bytes.length === 0)
            return;
        pending.push(bytes);
        pendingBytes += bytes.length;
        diffId.update(bytes);
    };
    /** Ends the current member; the next byte appended starts a new one. Returns the new member's index. */
    const startMember = () => {
        if (pendingBytes > 0)
            compressor.add(pending);
        pending = [];
        pendingBytes = 0;
        return compressor.nextMember;
    };
    for await (const item of items) {
        const header = item.kind === 'landmark' ? landmarkHeader(item.name) : item.header;
        append(item.kind === 'landmark' ? (0,src_tar/* bareFileHeader */.cs)(item.name, 1) : (0,src_tar/* encodeHeader */.YS)(header));
        const entry = toc.add(header);
        if (header.type === '0') {
            entry.digest = EMPTY_DIGEST; // keeps the key before the chunk fields; the real value is set below
            if (header.size > 0) {
                const body = item.kind === 'landmark' ? oneBuffer(LANDMARK_CONTENT) : item.body();
                entry.digest = yield* writePayload(header, entry, body);
                append(Buffer.alloc((0,src_tar/* padding */.Ms)(header.size)));
            }
        }
        toc.seal();
        if (pendingBytes >= MAX_HEADER_RUN)
            startMember();
        for (const out of await compressor.take())
            yield out;
    }
    /**
     * Cuts the payload into chunks, each starting a member, and hands on finished output after every chunk, so a large
     * file is held back by the compressor like any other input; returns the whole file's digest.
     */
    async function* writePayload(header, first, body) {
        const iterator = body[Symbol.asyncIterator]();
        const fileHash = header.size > options.chunkSize ? (0,external_node_crypto_.createHash)('sha256') : undefined;
        let carry;
        let chunkDigest = '';
        for (let chunkOffset = 0; chunkOffset < header.size;) {
            const length = Math.min(options.chunkSize, header.size - chunkOffset);
            const member = startMember();
            for (const out of await compressor.take())
                yield out;
            const entry = chunkOffset === 0 ? first : toc.addChunk(header.name, chunkOffset);
            const chunkHash = (0,external_node_crypto_.createHash)('sha256');
            for (let got = 0; got < length;) {
                let piece = carry;
                carry = undefined;
                if (!piece) {
                    const next = await iterator.next();
                    if (next.done)
                        throw new errors/* ShipError */.fS(`tar entry ${JSON.stringify(header.name)}: the payload ends after ${chunkOffset + got} of ${header.size} bytes`);
                    piece = next.value;
                }
                if (piece.length > length - got) {
                    carry = piece.subarray(length - got);
                    piece = piece.subarray(0, length - got);
                }
                chunkHash.update(piece);
                fileHash?.update(piece);
                append(piece);
                got += piece.length;
            }
            // As the reference writer does: chunkSize is written for every full-sized chunk, absent on a shorter last one.
            if (length === options.chunkSize)
                entry.chunkSize = length;
            chunkDigest = `sha256:${chunkHash.digest('hex')}`;
            entry.chunkDigest = chunkDigest;
            toc.place(entry, member);
            chunkOffset += length;
            payloadBytes += length;
            options.onProgress?.(payloadBytes);
        }
        return fileHash ? `sha256:${fileHash.digest('hex')}` : chunkDigest;
    }
    startMember();
    for (const out of await compressor.take(true))
        yield out;
    const tocOffset = compressor.compressedBytes;
    // The TOC member is compressed as a stream, straight from the entries, so a TOC is never held whole.
    const memberOffset = (member) => compressor.memberOffsets[member];
    const jsonLength = toc.serializedLength(memberOffset);
    const tocHash = (0,external_node_crypto_.createHash)('sha256');
    function* tocMember() {
        yield (0,src_tar/* bareFileHeader */.cs)(TOC_NAME, jsonLength);
        for (const piece of toc.serialize(memberOffset)) {
            tocHash.update(piece);
            yield piece;
        }
        if ((0,src_tar/* padding */.Ms)(jsonLength) > 0)
            yield Buffer.alloc((0,src_tar/* padding */.Ms)(jsonLength));
        yield END_OF_ARCHIVE;
    }
    function* counted(parts) {
        for (const part of parts) {
            diffId.update(part);
            yield part;
        }
    }
    yield* gzipStream(counted(tocMember()), options.level);
    yield makeFooter(tocOffset);
    result.tocDigest = `sha256:${tocHash.digest('hex')}`;
    result.diffId = diffId.digest();
    result.uncompressedSize = diffId.size;
    result.entries = toc.count;
}
/** Landmarks are written as the reference writer does: mode, owner and time all zero. */
function landmarkHeader(name) {
    return (0,src_tar/* plainHeader */.iR)(name, '0', 0, 1);
}
async function* oneBuffer(bytes) {
    yield bytes;
}

;// CONCATENATED MODULE: ./src/estargz/path-hash.ts
/**
 * A 53-bit hash of a path, for telling paths apart without keeping them: a layer of a million distinct paths very
 * rarely has two with the same hash. Two FNV-1a-style hashes over the path's UTF-16 code units, with different
 * bases and primes, give the high 32 and the low 21 bits.
 */
function pathHash(path) {
    let high = 0x811c9dc5;
    let low = 0x050c5d1f;
    for (let i = 0; i < path.length; i += 1) {
        const unit = path.charCodeAt(i);
        high = Math.imul(high ^ unit, 0x01000193);
        low = Math.imul(low ^ unit, 0x5bd1e995);
    }
    return (high >>> 0) * 2 ** 21 + (low >>> 11);
}

;// CONCATENATED MODULE: ./src/estargz/blob-reader.ts
/** Random access to a blob: a file here, or a blob in a registry read by Range request. */

/** A reader of the file at `path`; close it when done. */
async function fileReader(path) {
    const handle = await (0,promises_.open)(path, 'r');
    try {
        const { size } = await handle.stat();
        return {
            size,
            read: async (start, length) => {
                const buffer = Buffer.allocUnsafe(length);
                const { bytesRead } = await handle.read(buffer, 0, length, start);
                return buffer.subarray(0, bytesRead);
            },
            close: () => handle.close(),
        };
    }
    catch (error) {
        await handle.close();
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/estargz/gzip-member.ts
/**
 * Reading a blob as the sequence of gzip members it is made of, keeping each member's compressed offset: the
 * verifier needs to know where members start, which a plain gunzip stream hides. Members are inflated one at a time
 * from a sliding window over the file, so memory is bounded by the largest member; a member that can be large (the
 * TOC's, which grows with the number of files) is inflated as a stream instead (streamMember).
 */



class GzipMemberError extends Error {
    offset;
    kind;
    bytesAfter;
    constructor(message, offset, 
    /** What is wrong: damaged data, a member the bytes end inside, or bytes after the member where it should end. */
    kind = 'corrupt', 
    /** For `trailing`: how many bytes follow the member. */
    bytesAfter = 0) {
        super(`${message} (gzip member at byte ${offset})`);
        this.offset = offset;
        this.kind = kind;
        this.bytesAfter = bytesAfter;
    }
}
/** Length of the gzip header at `at`, or undefined when the bytes there are not a (complete) gzip header. */
function gzipHeaderLength(buf, at) {
    if (buf.length - at < 10 || buf[at] !== 0x1f || buf[at + 1] !== 0x8b || buf[at + 2] !== 0x08)
        return undefined;
    const flags = buf[at + 3];
    let pos = at + 10;
    if (flags & 0x04) {
        if (buf.length - pos < 2)
            return undefined;
        pos += 2 + buf.readUInt16LE(pos);
    }
    for (const flag of [0x08, 0x10]) {
        if (flags & flag) {
            const nul = buf.indexOf(0, pos);
            if (nul === -1)
                return undefined;
            pos = nul + 1;
        }
    }
    if (flags & 0x02)
        pos += 2;
    return pos > buf.length ? undefined : pos - at;
}
/**
 * No member the converter writes inflates to more than a chunk or a TOC; a bigger one (a deflate bomb in a TOC read
 * from a registry) fails as corrupt instead of taking all memory.
 */
const MAX_MEMBER_BYTES = 512 * 1024 * 1024;
/** Inflates the member starting at `at` in `buf`; undefined when `buf` ends before the member does. */
function inflateMemberAt(buf, at, baseOffset) {
    const header = gzipHeaderLength(buf, at);
    if (header === undefined) {
        const isMagic = buf[at] === 0x1f && buf[at + 1] === 0x8b && buf[at + 2] === 0x08;
        if (buf.length - at >= 3 && !isMagic)
            throw new GzipMemberError('not a gzip header', baseOffset + at);
        return undefined;
    }
    let inflated;
    try {
        inflated = external_node_zlib_.inflateRawSync(buf.subarray(at + header), { info: true, maxOutputLength: MAX_MEMBER_BYTES });
    }
    catch (error) {
        if (error.code === 'Z_BUF_ERROR')
            return undefined;
        throw new GzipMemberError(`corrupt deflate data: ${error.message}`, baseOffset + at);
    }
    const trailer = at + header + inflated.engine.bytesWritten;
    if (buf.length - trailer < 8)
        return undefined;
    if (buf.readUInt32LE(trailer) !== external_node_zlib_.crc32(inflated.buffer))
        throw new GzipMemberError('CRC32 mismatch', baseOffset + at);
    if (buf.readUInt32LE(trailer + 4) !== inflated.buffer.length % 2 ** 32)
        throw new GzipMemberError('length mismatch in the trailer', baseOffset + at);
    return { data: inflated.buffer, length: trailer + 8 - at };
}
/** Every member between `start` and `end` of the file, in order. */
async function* walkMembers(path, start, end, maxMemberBytes = 96 << 20) {
    const handle = await (0,promises_.open)(path, 'r');
    try {
        let windowStart = start;
        let window = Buffer.alloc(0);
        let pos = start;
        let want = 8 << 20;
        while (pos < end) {
            const at = pos - windowStart;
            const member = window.length > at ? inflateMemberAt(window, at, windowStart) : undefined;
            if (member) {
                yield { offset: pos, end: pos + member.length, data: member.data };
                pos += member.length;
                want = 8 << 20;
                continue;
            }
            // Not enough bytes in the window: refill it from `pos`, larger if the window already reached past the member.
            const available = end - pos;
            if (window.length - at >= available)
                throw new GzipMemberError('the blob ends inside a gzip member', pos);
            if (window.length - at >= want)
                want *= 2;
            if (want > maxMemberBytes)
                throw new GzipMemberError(`a gzip member is larger than ${maxMemberBytes} bytes`, pos);
            const length = Math.min(want, available);
            window = Buffer.alloc(length);
            const { bytesRead } = await handle.read(window, 0, length, pos);
            window = window.subarray(0, bytesRead);
            windowStart = pos;
            if (bytesRead < length)
                throw new GzipMemberError('the blob is shorter than expected', pos);
        }
    }
    finally {
        await handle.close();
    }
}
/**
 * Inflates the one gzip member that spans exactly `start` to `end` of the blob, as a stream: it is read in pieces of
 * `pieceBytes` and inflated as they come, so memory stays bounded whatever the member inflates to. The header, the
 * trailer's CRC32 and length, and the member's end at `end` are checked; a GzipMemberError says what is wrong.
 */
async function* streamMember(reader, start, end, pieceBytes = 4 << 20) {
    const length = end - start;
    // The first read holds the whole header (names and comments included) whatever the piece size.
    const first = await reader.read(start, Math.min(length, Math.max(pieceBytes, 1 << 16)));
    const header = gzipHeaderLength(first, 0);
    if (header === undefined) {
        const isMagic = first[0] === 0x1f && first[1] === 0x8b && first[2] === 0x08;
        if (first.length >= 3 && !isMagic)
            throw new GzipMemberError('not a gzip header', start);
        throw new GzipMemberError('the member is cut short', start, 'short');
    }
    if (length - header < 8)
        throw new GzipMemberError('the member is cut short', start, 'short');
    // The deflate data runs to the 8-byte trailer, which must end at `end`.
    const deflateLength = length - header - 8;
    const trailer = Buffer.alloc(8);
    async function* deflateData() {
        let piece = first;
        for (let at = 0;;) {
            if (piece.length === 0)
                throw new GzipMemberError('the blob ends inside the member', start, 'short');
            const from = Math.max(header, at);
            const to = Math.min(at + piece.length, header + deflateLength);
            if (to > from)
                yield piece.subarray(from - at, to - at);
            const trailerFrom = Math.max(header + deflateLength, at);
            if (at + piece.length > trailerFrom)
                piece.copy(trailer, trailerFrom - (header + deflateLength), trailerFrom - at);
            at += piece.length;
            if (at >= length)
                return;
            piece = await reader.read(start + at, Math.min(length - at, pieceBytes));
        }
    }
    const source = external_node_stream_.Readable.from(deflateData(), { objectMode: false });
    const inflate = external_node_zlib_.createInflateRaw({ chunkSize: 64 << 10 });
    source.on('error', (error) => inflate.destroy(error));
    source.pipe(inflate);
    let crc = 0;
    let inflated = 0;
    try {
        for await (const chunk of inflate) {
            crc = external_node_zlib_.crc32(chunk, crc);
            inflated += chunk.length;
            yield chunk;
        }
    }
    catch (error) {
        const code = error.code;
        if (code === 'Z_BUF_ERROR')
            throw new GzipMemberError('the member is cut short', start, 'short');
        if (code?.startsWith('Z_'))
            throw new GzipMemberError(`corrupt deflate data: ${error.message}`, start);
        throw error;
    }
    finally {
        source.destroy();
        inflate.destroy();
    }
    const consumed = inflate.bytesWritten;
    if (consumed !== deflateLength)
        throw new GzipMemberError(`${deflateLength - consumed} bytes follow the member`, start, 'trailing', deflateLength - consumed);
    if (trailer.readUInt32LE(0) !== crc)
        throw new GzipMemberError('CRC32 mismatch', start);
    if (trailer.readUInt32LE(4) !== inflated % 2 ** 32)
        throw new GzipMemberError('length mismatch in the trailer', start);
}

;// CONCATENATED MODULE: ./src/estargz/lazy-pull.ts
/**
 * What a lazy pull of an eStargz layer fetches before the container starts, as the stargz snapshotter does it
 * (containerd/stargz-snapshotter, fs/remote/resolver.go and blob.go, fs/layer/layer.go; the same in v0.12 and
 * later): a 2-byte Range probe of the blob (`bytes=0-1`) when the layer is resolved; the footer, then the TOC;
 * then, for a layer with `.prefetch.landmark`, everything before the landmark's payload (none for a layer with
 * `.no.prefetch.landmark`). The blob is fetched and cached in blocks of 50,000 bytes (the snapshotter's default
 * `chunk_size`), each read rounded out to whole blocks, and a block is fetched once. What the service then reads
 * that was not prefetched is fetched on demand, after start; with a complete prefetch list that is nothing.
 */
/** The snapshotter's fetch block: reads of the blob are rounded out to these (its default chunk_size). */
const SNAPSHOTTER_BLOCK = 50_000;
/** The Range probe (`bytes=0-1`) the snapshotter sends when it resolves a layer blob. */
const PROBE_BYTES = 2;
/** `landmarkOffset`: the compressed offset of `.prefetch.landmark`'s payload, or undefined without one. */
function lazyPullOf(blobSize, tocOffset, landmarkOffset) {
    const prefetch = landmarkOffset ?? 0;
    const blocks = Math.ceil(blobSize / SNAPSHOTTER_BLOCK);
    const tailStart = Math.floor(tocOffset / SNAPSHOTTER_BLOCK); // the TOC's first block; the footer's is the last
    const headBlocks = Math.min(Math.ceil(prefetch / SNAPSHOTTER_BLOCK), tailStart);
    // The last block is short unless the blob fills it; it is always fetched (the footer is in it).
    const fetched = (headBlocks + blocks - tailStart) * SNAPSHOTTER_BLOCK - (blocks * SNAPSHOTTER_BLOCK - blobSize);
    return { bytes: prefetch + (blobSize - tocOffset), fetched: fetched + PROBE_BYTES };
}

;// CONCATENATED MODULE: ./src/estargz/toc-json.ts
/**
 * The TOC JSON read as it streams. A small scanner walks the top-level object; each element of its `entries` array
 * is cut out and parsed on its own (JSON.parse), and so is the value of every other member (`version`). A TOC of any
 * length is read holding one entry at a time, where parsing the whole document would hold all of them, and the text,
 * at once. The scanner checks the structure JSON.parse would check between the values (braces, colons, commas); the
 * values themselves are checked by JSON.parse.
 */
/** One entry, or another member's value, larger than this is refused (an entry is a few hundred bytes). */
const MAX_VALUE_BYTES = 16 << 20;
class TocJsonError extends Error {
}
var State;
(function (State) {
    State[State["Start"] = 0] = "Start";
    State[State["KeyOrEnd"] = 1] = "KeyOrEnd";
    State[State["Key"] = 2] = "Key";
    State[State["InKey"] = 3] = "InKey";
    State[State["Colon"] = 4] = "Colon";
    State[State["Value"] = 5] = "Value";
    State[State["InValue"] = 6] = "InValue";
    State[State["AfterMember"] = 7] = "AfterMember";
    State[State["FirstElement"] = 8] = "FirstElement";
    State[State["Element"] = 9] = "Element";
    State[State["InElement"] = 10] = "InElement";
    State[State["AfterElement"] = 11] = "AfterElement";
    State[State["Done"] = 12] = "Done";
})(State || (State = {}));
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** What each byte is to the value scanner; most bytes are ORDINARY and cost one table look-up. */
const ORDINARY = 0;
const STRING = 1;
const ESCAPE = 2;
const OPEN = 3;
const CLOSE = 4;
const BYTE_KIND = new Uint8Array(256);
BYTE_KIND[QUOTE] = STRING;
BYTE_KIND[BACKSLASH] = ESCAPE;
BYTE_KIND[LBRACE] = OPEN;
BYTE_KIND[LBRACKET] = OPEN;
BYTE_KIND[RBRACE] = CLOSE;
BYTE_KIND[RBRACKET] = CLOSE;
function isSpace(c) {
    return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
/** Feed it the document in pieces with `write`, then call `end`. */
class TocJsonScanner {
    state = State.Start;
    /** The value of the `version` member (other members than it and `entries` are checked, then dropped). */
    version;
    /** Whether the `entries` member was there (an array). */
    sawEntries = false;
    key = '';
    // The value being cut out: its pieces so far (copied), its kind and where its scan stands.
    parts = [];
    partBytes = 0;
    depth = 0;
    inString = false;
    escaped = false;
    /** A number, `true`, `false` or `null`: it ends at the first byte that cannot be part of it. */
    primitive = false;
    /** Bytes of the document before the current piece, and where the value being cut out starts. */
    offset = 0;
    valueStart = 0;
    /** Scans one piece; returns the entries it completed, parsed, in order. */
    write(piece) {
        const out = [];
        const n = piece.length;
        let i = 0;
        while (i < n) {
            const c = piece[i];
            switch (this.state) {
                case State.Start:
                    if (!isSpace(c)) {
                        if (c !== LBRACE)
                            this.fail('it does not start with an object', i);
                        this.state = State.KeyOrEnd;
                    }
                    i += 1;
                    break;
                case State.KeyOrEnd:
                case State.Key:
                    if (isSpace(c))
                        i += 1;
                    else if (c === RBRACE && this.state === State.KeyOrEnd) {
                        this.state = State.Done;
                        i += 1;
                    }
                    else if (c === QUOTE) {
                        this.begin(false, i); // the name, quotes included, is cut out like a string value
                        this.state = State.InKey;
                    }
                    else
                        this.fail('a member name was expected', i);
                    break;
                case State.InKey:
                case State.InValue:
                case State.InElement: {
                    const end = this.scanValue(piece, i);
                    if (end < 0) {
                        this.keep(piece, i, n, true);
                        i = n;
                    }
                    else {
                        this.keep(piece, i, end, false);
                        i = end;
                        this.finishValue(out);
                    }
                    break;
                }
                case State.Colon:
                    if (!isSpace(c)) {
                        if (c !== COLON)
                            this.fail('a colon was expected after a member name', i);
                        this.state = State.Value;
                    }
                    i += 1;
                    break;
                case State.Value:
                    if (isSpace(c))
                        i += 1;
                    else if (this.key === 'entries') {
                        if (this.sawEntries)
                            this.fail('the TOC has more than one "entries" member', i);
                        if (c !== LBRACKET)
                            this.fail('"entries" is not an array', i);
                        this.sawEntries = true;
                        this.state = State.FirstElement;
                        i += 1;
                    }
                    else {
                        this.beginAt(c, i);
                        this.state = State.InValue;
                    }
                    break;
                case State.AfterMember:
                    if (!isSpace(c)) {
                        if (c === COMMA)
                            this.state = State.Key;
                        else if (c === RBRACE)
                            this.state = State.Done;
                        else
                            this.fail('a comma or the end of the object was expected', i);
                    }
                    i += 1;
                    break;
                case State.FirstElement:
                case State.Element:
                    if (isSpace(c))
                        i += 1;
                    else if (c === RBRACKET && this.state === State.FirstElement) {
                        this.state = State.AfterMember;
                        i += 1;
                    }
                    else if (c === RBRACKET || c === COMMA)
                        this.fail('an entry was expected', i);
                    else {
                        this.beginAt(c, i);
                        this.state = State.InElement;
                    }
                    break;
                case State.AfterElement:
                    if (!isSpace(c)) {
                        if (c === COMMA)
                            this.state = State.Element;
                        else if (c === RBRACKET)
                            this.state = State.AfterMember;
                        else
                            this.fail('a comma or the end of "entries" was expected', i);
                    }
                    i += 1;
                    break;
                case State.Done:
                    if (!isSpace(c))
                        this.fail('something follows the TOC object', i);
                    i += 1;
                    break;
            }
        }
        this.offset += n;
        return out;
    }
    /** Says the document is complete. */
    end() {
        if (this.state !== State.Done)
            this.fail('the document ends early', 0);
    }
    /** A value starting with byte `c`: an object, array or string is scanned to its close; anything else is a primitive. */
    beginAt(c, at) {
        this.begin(!(c === LBRACE || c === LBRACKET || c === QUOTE), at);
    }
    begin(primitive, at) {
        this.valueStart = this.offset + at;
        this.parts = [];
        this.partBytes = 0;
        this.depth = 0;
        this.inString = false;
        this.escaped = false;
        this.primitive = primitive;
    }
    /** Scans from `i` for the end of the value being cut out; returns the index just past it, or -1 when the piece ends first. */
    scanValue(piece, i) {
        const n = piece.length;
        if (this.primitive) {
            for (; i < n; i += 1) {
                const c = piece[i];
                if (isSpace(c) || c === COMMA || c === RBRACE || c === RBRACKET)
                    return i;
            }
            return -1;
        }
        let { depth, inString } = this;
        if (this.escaped && i < n) {
            // The byte after a backslash that ended the previous piece.
            this.escaped = false;
            i += 1;
        }
        for (; i < n; i += 1) {
            const kind = BYTE_KIND[piece[i]];
            if (kind === ORDINARY)
                continue;
            if (inString) {
                if (kind === ESCAPE) {
                    i += 1; // the escaped byte is never structure
                    if (i === n)
                        this.escaped = true;
                }
                else if (kind === STRING) {
                    inString = false;
                    if (depth === 0) {
                        this.inString = false;
                        return i + 1;
                    }
                }
            }
            else if (kind === STRING)
                inString = true;
            else if (kind === OPEN)
                depth += 1;
            else if (kind === CLOSE) {
                depth -= 1;
                if (depth === 0) {
                    this.depth = 0;
                    return i + 1;
                }
            }
        }
        this.depth = depth;
        this.inString = inString;
        return -1;
    }
    /** Keeps `piece[from, to)` as part of the value; copied when the value goes on in the next piece (which may reuse this one). */
    keep(piece, from, to, copy) {
        if (to <= from)
            return;
        this.partBytes += to - from;
        if (this.partBytes > MAX_VALUE_BYTES)
            this.fail(`a value is larger than ${MAX_VALUE_BYTES} bytes`, to);
        this.parts.push(copy ? Buffer.from(piece.subarray(from, to)) : piece.subarray(from, to));
    }
    finishValue(out) {
        const text = (this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts)).toString('utf8');
        this.parts = [];
        this.partBytes = 0;
        let value;
        try {
            value = JSON.parse(text);
        }
        catch {
            // JSON.parse's message quotes the text; an error never quotes what was read, only where.
            throw new TocJsonError(`the TOC is not JSON: the value at byte ${this.valueStart} does not parse`);
        }
        if (this.state === State.InKey) {
            this.key = value;
            this.state = State.Colon;
        }
        else if (this.state === State.InValue) {
            if (this.key === 'version')
                this.version = value;
            this.state = State.AfterMember;
        }
        else {
            out.push(value);
            this.state = State.AfterElement;
        }
    }
    fail(message, at) {
        throw new TocJsonError(`the TOC is not JSON: ${message} (at byte ${this.offset + at})`);
    }
}

;// CONCATENATED MODULE: ./src/estargz/read-toc.ts
/**
 * Finding and reading the TOC of an eStargz blob the way lazy-pulling readers do: the footer (last 51 bytes, or 47
 * for legacy stargz) gives the TOC member's offset; that member alone must hold a tar entry `stargz.index.json`
 * whose content is the TOC JSON. Used by the verifier, by the converter to pass eStargz layers through, and (through
 * Range requests) to check a layer pushed earlier before it is reused.
 *
 * The TOC is read as a stream, whatever its size: the member is read in pieces, inflated as it comes, hashed, and
 * its entries are parsed one at a time (toc-json.ts) and handed on in batches. A layer of a million files has a TOC
 * of a few hundred megabytes of JSON, which would otherwise be held as text and as objects at once.
 */








/** The TOC member is refused beyond this size (compressed). */
const MAX_TOC_BYTES = 256 << 20;
/** The TOC member is read in pieces of this size (one Range request each, from a registry). */
const READ_PIECE = 4 << 20;
/** After the JSON, the member holds its tar padding and the end-of-archive blocks; more than this is refused. */
const MAX_AFTER_JSON = 1 << 20;
/** Reads the footer and checks where it points; throws a TocError (not eStargz at all, or a damaged footer). */
async function locateToc(reader) {
    const { size } = reader;
    const tailLength = Math.min(size, FOOTER_SIZE);
    const tail = await reader.read(size - tailLength, tailLength);
    if (tail.length !== tailLength)
        throw new TocError(`the blob's last ${tailLength} bytes could not be read`);
    const footer = parseFooter(tail);
    if (!footer)
        throw new TocError('no eStargz footer at the end of the blob', true);
    const tocEnd = size - footer.size;
    if (footer.tocOffset >= tocEnd)
        throw new TocError(`the footer's TOC offset ${footer.tocOffset} is past the end of the data (${tocEnd})`);
    if (tocEnd - footer.tocOffset > MAX_TOC_BYTES)
        throw new TocError(`the TOC member is ${tocEnd - footer.tocOffset} bytes, more than the ${MAX_TOC_BYTES} allowed`);
    return { footer, blobSize: size };
}
/**
 * The TOC's entries, in order, in batches (each entry checked against the schema); returns the TOC's digest and
 * entry count at the end. Throws a TocError, possibly after some batches, when the TOC is damaged anywhere; a caller
 * that needs the whole TOC to be sound acts on what it was given only once the generator has finished.
 */
async function* readTocEntries(reader, location) {
    const start = location.footer.tocOffset;
    const tocHash = (0,external_node_crypto_.createHash)('sha256');
    const scanner = new TocJsonScanner();
    const tarHeader = Buffer.alloc(src_tar/* BLOCK */.IE);
    let inflated = 0;
    let jsonLength = -1;
    let count = 0;
    try {
        for await (const chunk of streamMember(reader, start, location.blobSize - location.footer.size, READ_PIECE)) {
            let at = 0;
            if (inflated < src_tar/* BLOCK */.IE) {
                at = Math.min(chunk.length, src_tar/* BLOCK */.IE - inflated);
                chunk.copy(tarHeader, inflated, 0, at);
                if (inflated + at === src_tar/* BLOCK */.IE)
                    jsonLength = checkTarHeader(tarHeader);
            }
            const chunkStart = inflated;
            inflated += chunk.length;
            if (jsonLength < 0)
                continue;
            const jsonEnd = src_tar/* BLOCK */.IE + jsonLength;
            const to = Math.min(chunk.length, jsonEnd - chunkStart);
            if (to > at) {
                const json = chunk.subarray(at, to);
                tocHash.update(json);
                const batch = checkEntries(scanner.write(json), count);
                count += batch.length;
                if (batch.length > 0)
                    yield batch;
            }
            if (inflated - jsonEnd > MAX_AFTER_JSON)
                throw new TocError(`the TOC member holds more than ${MAX_AFTER_JSON} bytes after the TOC`);
        }
    }
    catch (error) {
        if (error instanceof TocJsonError)
            throw new TocError(error.message);
        if (!(error instanceof GzipMemberError))
            throw error;
        if (error.kind === 'short')
            throw new TocError(`the TOC member at ${start} is cut short`);
        if (error.kind === 'trailing')
            throw new TocError(`the TOC at ${start} is not a single gzip member ending at the footer (${error.bytesAfter} bytes follow it)`);
        throw new TocError(`the TOC member at ${start} is not valid gzip: ${error.message}`);
    }
    if (inflated < src_tar/* BLOCK */.IE)
        throw new TocError('the TOC member holds no tar header');
    if (inflated < src_tar/* BLOCK */.IE + jsonLength)
        throw new TocError(`the ${TOC_NAME} header's size ${jsonLength} does not fit the TOC member`);
    try {
        scanner.end();
    }
    catch (error) {
        throw new TocError(error.message);
    }
    if (!scanner.sawEntries)
        throw new TocError('the TOC does not have the eStargz schema (entries: there is no entries list)');
    if (typeof scanner.version !== 'number')
        throw new TocError(`the TOC does not have the eStargz schema (version: ${scanner.version === undefined ? 'there is none' : 'not a number'})`);
    return { tocDigest: `sha256:${tocHash.digest('hex')}`, entries: count, version: scanner.version };
}
/** The TOC's tar header: it must name stargz.index.json; returns the JSON's length. */
function checkTarHeader(block) {
    const nameField = block.subarray(0, 100);
    const nul = nameField.indexOf(0);
    const name = nameField.toString('utf8', 0, nul === -1 ? 100 : nul);
    if (name !== TOC_NAME)
        throw new TocError(`the TOC member does not start with the tar entry ${TOC_NAME}`);
    const sizeText = block.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim();
    const jsonLength = /^[0-7]+$/.test(sizeText) ? parseInt(sizeText, 8) : Number.NaN;
    if (!Number.isSafeInteger(jsonLength))
        throw new TocError(`the ${TOC_NAME} header's size field is not an octal number`);
    return jsonLength;
}
/** Each parsed entry against the schema; `first` is the index of the first one in the TOC. */
function checkEntries(values, first) {
    const entries = [];
    for (const [i, value] of values.entries()) {
        if (isTocEntry(value)) {
            entries.push(value);
            continue;
        }
        const checked = TocEntrySchema.safeParse(value);
        if (!checked.success) {
            const issue = checked.error.issues[0];
            throw new TocError(`the TOC does not have the eStargz schema (${issue ? `entries.${first + i}${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}` : 'invalid'})`);
        }
        entries.push(checked.data);
    }
    return entries;
}
/** Reads and checks the whole TOC, one batch of entries at a time; `onEntries` sees every batch. */
async function readToc(reader, onEntries) {
    const location = await locateToc(reader);
    let prefetchLandmarkOffset;
    const entries = readTocEntries(reader, location);
    for (;;) {
        const next = await entries.next();
        if (next.done)
            return { ...location, ...next.value, prefetchLandmarkOffset };
        for (const entry of next.value)
            if (prefetchLandmarkOffset === undefined && entry.name === PREFETCH_LANDMARK)
                prefetchLandmarkOffset = entry.offset ?? 0;
        onEntries?.(next.value);
    }
}
/** readToc of the file at `path`. */
async function readBlobToc(path, onEntries) {
    const reader = await fileReader(path);
    try {
        return await readToc(reader, onEntries);
    }
    finally {
        await reader.close();
    }
}
/** What a lazy pull fetches before the container starts (lazy-pull.ts). */
function lazyPull(toc) {
    return lazyPullOf(toc.blobSize, toc.footer.tocOffset, toc.prefetchLandmarkOffset);
}
/**
 * The entries a TOC read before lists (the converter's own left out), as prefetch.ts's layerListing gives them for
 * the layer it was made from. The TOC must still have the digest it had; a TocError says it has not.
 */
async function* readTocListing(reader, before) {
    const expected = before.tocDigest;
    const entries = readTocEntries(reader, { footer: before.footer, blobSize: before.blobSize });
    for (;;) {
        const next = await entries.next();
        if (next.done) {
            if (next.value.tocDigest !== expected)
                throw new TocError(`the TOC now has digest ${next.value.tocDigest}, not ${expected}`);
            return;
        }
        for (const entry of next.value) {
            if (entry.type === 'chunk')
                continue;
            const path = cleanPath(entry.name);
            if (isConverterEntry(path))
                continue;
            const kind = entry.type === 'char' || entry.type === 'block' || entry.type === 'fifo' ? 'other' : entry.type;
            yield { path, kind, ...(entry.linkName ? { linkName: entry.linkName } : {}) };
        }
    }
}
class TocError extends Error {
    notEstargz;
    constructor(message, 
    /** True when the blob simply is not eStargz (no footer), rather than a damaged one. */
    notEstargz = false) {
        super(message);
        this.notEstargz = notEstargz;
    }
}

;// CONCATENATED MODULE: ./src/estargz/source-layer.ts



const NAMES = { none: 'uncompressed', gzip: 'gzip', zstd: 'zstd' };
/**
 * The checks that need no full read: a known layer media type, the blob a file of the descriptor's size, and its
 * first bytes the compression the media type declares. Returns the compression.
 */
async function checkLayerBlob(layout, layer) {
    const declared = (0,oci/* layerCompression */.AH)(layer.mediaType);
    if (declared === undefined)
        throw unknownLayerType(layout, layer);
    const path = await layout.statBlob(layer);
    const actual = await (0,src_tar/* sniffCompression */.Hs)(path, 'a layer blob');
    if (actual !== declared) {
        throw new errors/* ShipError */.fS(`${layout.where}: layer ${layer.digest} is declared ${NAMES[declared]} (${layer.mediaType}), but its bytes are ${NAMES[actual]}`, {
            hint: 'the manifest gives the layer the wrong media type: fix the tool that wrote the image, or export it again',
        });
    }
    return actual;
}
/**
 * What a manifest claims that can be checked without reading its layers: it is the type its descriptor says (as
 * containerd's images.validateMediaType checks), its config is an image config, and every layer passes
 * checkLayerBlob (foreign layers, which live elsewhere, only by their type).
 */
async function checkManifestParts(layout, descriptor, manifest) {
    checkDeclaredType(layout, descriptor, manifest.mediaType);
    if (!(0,oci/* isConfigType */.lJ)(manifest.config.mediaType)) {
        throw new errors/* ShipError */.fS(`${layout.where}: manifest ${descriptor.digest} has a config of media type ${(0,errors/* quoted */.TL)(manifest.config.mediaType)}, which is not an image config`, {
            hint: 'only container images are handled (an OCI or Docker image config); this looks like another kind of artifact',
        });
    }
    for (const layer of manifest.layers) {
        if (!(0,oci/* isForeignLayer */.sJ)(layer))
            await checkLayerBlob(layout, layer);
        else if ((0,oci/* layerCompression */.AH)(layer.mediaType) === undefined)
            throw unknownLayerType(layout, layer);
    }
}
/** A document whose own mediaType field is not its descriptor's is refused. */
function checkDeclaredType(layout, descriptor, declared) {
    if (declared !== undefined && declared !== descriptor.mediaType) {
        throw new errors/* ShipError */.fS(`${layout.where}: ${descriptor.digest} says it is a ${(0,errors/* quoted */.TL)(declared)}, but its descriptor says ${descriptor.mediaType}`, {
            hint: 'the image is corrupt: build or export it again',
        });
    }
}
/** checkManifestParts for every image of an index (or the one manifest), for an image shipped as it is. */
async function checkImageParts(layout, top, depth = 0) {
    if ((0,oci/* isIndexType */.$U)(top.mediaType)) {
        if (depth > 4)
            throw new errors/* ShipError */.fS(`${layout.where}: index ${top.digest} nests too deeply`);
        const index = await layout.readJson(top, oci/* ImageIndex */.yd, 'index');
        checkDeclaredType(layout, top, index.mediaType);
        for (const entry of index.manifests)
            await checkImageParts(layout, entry, depth + 1);
    }
    else if ((0,oci/* isImageManifestType */.tr)(top.mediaType)) {
        await checkManifestParts(layout, top, await layout.readJson(top, oci/* ImageManifest */.nU, 'manifest'));
    }
    else {
        throw unknownDocumentType(layout, top);
    }
}
function unknownDocumentType(layout, descriptor) {
    return new errors/* ShipError */.fS(`${layout.where}: ${descriptor.digest} has media type ${(0,errors/* quoted */.TL)(descriptor.mediaType)}, which is neither an image manifest nor an index`, {
        hint: 'name a container image (an OCI or Docker image manifest or index)',
    });
}
function unknownLayerType(layout, layer) {
    return new errors/* ShipError */.fS(`${layout.where}: layer ${layer.digest} has media type ${(0,errors/* quoted */.TL)(layer.mediaType)}, which is not a container layer type`, {
        hint: 'only tar layers (application/vnd.oci.image.layer.v1.tar, +gzip, +zstd, or their Docker equivalents) are handled; encrypted layers and artifacts are not',
    });
}
/** The layer's uncompressed tar, its blob checked against the descriptor as it streams. */
async function openLayerTar(layout, layer) {
    const compression = await checkLayerBlob(layout, layer);
    return (0,src_tar/* decompress */.mF)(await layout.openBlob(layer), compression, `layer ${layer.digest}`);
}
/**
 * The entries of a layer's tar, each name and link target checked, and then the rest of the stream read to its
 * end: the blob's digest is checked when its last byte has been read, so stopping at the end-of-archive marker
 * would skip it (containerd reads what follows a layer's tar for the same reason). `where` names the layer.
 */
async function* layerEntries(tar, where) {
    let finished = false;
    try {
        for await (const entry of (0,src_tar/* readTar */.sB)(tar.iterator({ destroyOnReturn: false }))) {
            (0,src_tar/* checkEntryPath */.iX)(entry.header, where, entry.headerOffset);
            yield entry;
        }
        for await (const _rest of tar)
            ;
        finished = true;
    }
    catch (error) {
        throw error instanceof src_tar/* TarFormatError */.ZV ? describeLayerReadError(error, where) : error;
    }
    finally {
        if (!finished)
            tar.destroy();
    }
}
/**
 * A zlib, tar or file error met while reading a layer as a ShipError, with a hint that speaks of the layer (the
 * readers below say only what they found wrong with the bytes). `what` names the layer.
 */
function describeLayerReadError(error, what) {
    if (error instanceof src_tar/* TarFormatError */.ZV)
        return new errors/* ShipError */.fS(error.message, { hint: 'the layer is not a valid tar archive (or was cut short): rebuild or re-export the image', cause: error });
    if (error instanceof errors/* ShipError */.fS)
        return error;
    const message = error instanceof Error ? error.message : String(error);
    if ((0,src_tar/* isCorruptCompression */.ob)(error))
        return new errors/* ShipError */.fS(`${what}: the compressed stream is corrupt (${message})`, {
            hint: 'the layer blob is damaged: rebuild or re-export the image',
            cause: error,
        });
    return new errors/* ShipError */.fS(`${what}: cannot be read (${message})`, { cause: error });
}

;// CONCATENATED MODULE: ./src/estargz/layer.ts
/**
 * Converting one layer blob: pass it through when it already is eStargz, otherwise read its tar (decompressing as
 * needed) and write eStargz into the output layout. Without prioritized files the layer streams straight through
 * with `.no.prefetch.landmark` first. With prioritized files the tar is first spooled to a temporary file, so the
 * prioritized entries can be written first (each after its parent directories and, for a hardlink, its target),
 * then `.prefetch.landmark`, then the rest in archive order; duplicates keep their last occurrence.
 */














/**
 * Converts the layer `layer` of `source` and stores the result in `out`. The source blob is checked against the
 * descriptor (media type, compression, size, digest) as it is read, its uncompressed tar against the config's
 * diff_id (`options.diffId`), and its entries' names and link targets as they are parsed; the conversion fails,
 * keeping nothing, when any of them does not hold.
 */
async function convertLayer(source, layer, out, options) {
    const { digest } = layer;
    const what = `${source.where}: layer ${digest}`;
    try {
        const compression = await checkLayerBlob(source, layer);
        // An uncompressed blob's digest is its diff_id, and the blob is checked against it as it is read.
        const checkedAs = compression === 'none' ? digest : undefined;
        const prioritized = options.prioritized ?? [];
        if (prioritized.length === 0) {
            const existing = await readBlobToc(source.blobPath(digest)).catch((error) => {
                if (error instanceof TocError)
                    return undefined;
                throw error;
            });
            if (existing)
                return await passThrough(source, layer, out, existing.tocDigest, existing.entries, what, options.diffId);
        }
        const result = {};
        let written;
        const measured = measureTar(await openLayerTar(source, layer), { where: source.where, layer: digest, diffId: options.diffId, checkedAs });
        if (prioritized.length === 0) {
            written = await out.writeBlobFrom(writeEstargz(streamItems(measured.tar, what), options, result));
        }
        else {
            const spool = await (0,file_errors/* makeTempDir */.m)(options.tempDir, 'estargz-spool-');
            const tarPath = (0,external_node_path_.join)(spool, 'layer.tar');
            const spooled = (0,external_node_fs_.createWriteStream)(tarPath);
            try {
                await (0,external_node_stream_promises_.pipeline)(measured.tar, spooled);
                written = await out.writeBlobFrom(writeEstargz(await prioritizedItems(tarPath, prioritized, what), options, result));
            }
            finally {
                // The spooled file first, once its stream has closed: else the directory may not be empty yet.
                await (0,oci/* removeWhenClosed */.hk)(spooled, tarPath);
                await (0,promises_.rm)(spool, { recursive: true, force: true });
            }
        }
        return { ...result, ...written, passedThrough: false, sourceDiffId: measured.diffId() };
    }
    catch (error) {
        const described = describeLayerReadError(error, what);
        // Errors about the blob name it already; those from inside its tar get the layer's name in front.
        if (described.message.includes(digest))
            throw described;
        throw new errors/* ShipError */.fS(`${what}: ${described.message}`, { hint: described.hint, cause: error });
    }
}
/** Names the converter writes itself; the same names in the input (an earlier conversion) are dropped. */
function isReserved(name) {
    const clean = cleanPath(name);
    return clean === TOC_NAME || clean === PREFETCH_LANDMARK || clean === NO_PREFETCH_LANDMARK;
}
async function* streamItems(tar, where) {
    yield { kind: 'landmark', name: NO_PREFETCH_LANDMARK };
    for await (const entry of layerEntries(tar, where)) {
        if (isReserved(entry.header.name))
            continue;
        yield { kind: 'entry', header: entry.header, body: () => entry.body() };
    }
}
/** Calls `visit` with every entry of the spooled tar but the reserved ones, numbered from 0; names are checked. */
async function scanSpool(tarPath, where, visit) {
    let index = 0;
    for await (const entry of (0,src_tar/* readTar */.sB)((0,external_node_fs_.createReadStream)(tarPath, { highWaterMark: 1 << 20 }))) {
        (0,src_tar/* checkEntryPath */.iX)(entry.header, where, entry.headerOffset);
        if (isReserved(entry.header.name))
            continue;
        visit(entry, cleanPath(entry.header.name), index);
        index += 1;
    }
}
/**
 * The reordered entry list of a spooled tar. The tar is read a few times rather than indexed in memory: once to find
 * the prioritized entries (and again for each level of hardlink targets they lead to), once more if some path occurs
 * twice, and once to write the rest. What is kept: the prioritized entries with their parents and link targets, and
 * an 8-byte hash per entry for finding paths that occur more than once (whose last occurrence is the one kept).
 */
async function prioritizedItems(tarPath, prioritized, where) {
    // The last occurrence of each path the placement below asks about; a path looked for and absent maps to undefined.
    const lastOf = new Map();
    let hashes = new Float64Array(1 << 16);
    let entries = 0;
    const lookFor = async (paths, first) => {
        for (const path of paths)
            lastOf.set(path, undefined);
        await scanSpool(tarPath, where, (entry, path, index) => {
            if (first) {
                if (index === hashes.length) {
                    const larger = new Float64Array(hashes.length * 2);
                    larger.set(hashes);
                    hashes = larger;
                }
                hashes[index] = pathHash(path);
                entries = index + 1;
            }
            if (paths.has(path))
                lastOf.set(path, { header: entry.header, payloadOffset: entry.payloadOffset, index });
        });
    };
    // As a placement goes, it asks for parents and hardlink targets; whatever it asked for that was not looked for
    // yet is looked for in another reading, and the placement is made again, until it asks for nothing new.
    let order = [];
    let placed = new Set();
    let wanted = new Set(prioritized.map((path) => cleanPath(path)));
    for (let reading = 0; wanted.size > 0; reading += 1) {
        await lookFor(wanted, reading === 0);
        wanted = new Set();
        order = [];
        placed = new Set();
        const lookedFor = (path) => {
            if (!lastOf.has(path))
                wanted.add(path);
            return lastOf.get(path);
        };
        const place = (path, depth = 0) => {
            const found = lookedFor(path);
            if (found === undefined || placed.has(found.index) || depth > 64)
                return;
            const parts = path.split('/');
            for (let i = 1; i < parts.length; i += 1)
                place(parts.slice(0, i).join('/'), depth + 1);
            if (found.header.type === '1')
                place(cleanPath(found.header.linkName), depth + 1);
            if (placed.has(found.index))
                return;
            placed.add(found.index);
            order.push(found.index);
        };
        for (const path of prioritized)
            place(cleanPath(path));
        if (reading >= 64)
            break; // a chain of hardlinks longer than the placement follows
    }
    const byIndex = new Map([...lastOf.values()].filter((found) => found !== undefined).map((found) => [found.index, found]));
    // Paths that occur more than once: only their last occurrence is written. Their hashes are found by sorting, and
    // the entries with such a hash (real repeats, and the rare collision) are read again by name.
    const sorted = hashes.subarray(0, entries).sort();
    const repeated = new Set();
    for (let i = 1; i < sorted.length; i += 1)
        if (sorted[i] === sorted[i - 1])
            repeated.add(sorted[i]);
    hashes = new Float64Array(0);
    const lastIndex = new Map();
    if (repeated.size > 0)
        await scanSpool(tarPath, where, (_entry, path, index) => repeated.has(pathHash(path)) && lastIndex.set(path, index));
    const isLast = (path, index) => (lastIndex.size === 0 || !repeated.has(pathHash(path)) ? true : lastIndex.get(path) === index);
    const landmark = order.length > 0 ? PREFETCH_LANDMARK : NO_PREFETCH_LANDMARK;
    return (async function* () {
        if (landmark === NO_PREFETCH_LANDMARK)
            yield { kind: 'landmark', name: landmark };
        for (const index of order) {
            const { header, payloadOffset } = byIndex.get(index);
            const body = () => header.size > 0 ? (0,external_node_fs_.createReadStream)(tarPath, { start: payloadOffset, end: payloadOffset + header.size - 1, highWaterMark: 1 << 20 }) : emptyBody();
            yield { kind: 'entry', header, body: body };
        }
        if (landmark === PREFETCH_LANDMARK)
            yield { kind: 'landmark', name: landmark };
        let index = 0;
        for await (const entry of (0,src_tar/* readTar */.sB)((0,external_node_fs_.createReadStream)(tarPath, { highWaterMark: 1 << 20 }))) {
            if (isReserved(entry.header.name))
                continue;
            const at = index;
            index += 1;
            if (placed.has(at) || !isLast(cleanPath(entry.header.name), at))
                continue;
            yield { kind: 'entry', header: entry.header, body: () => entry.body() };
        }
    })();
}
async function* emptyBody() { }
/**
 * An eStargz layer is kept as it is; its uncompressed size and diff_id are measured for the annotations/config, in
 * the same read that checks its blob, its diff_id against the config's (`diffId`) and its entries' names.
 */
async function passThrough(source, layer, out, tocDigest, entries, where, diffId) {
    const measured = measureTar(await openLayerTar(source, layer), { where: source.where, layer: layer.digest, diffId });
    for await (const _entry of layerEntries(measured.tar, where))
        ;
    const blob = { digest: layer.digest, size: layer.size };
    const written = out.dir === source.dir ? blob : await out.writeBlobFrom((0,external_node_fs_.createReadStream)(source.blobPath(layer.digest), { highWaterMark: 1 << 20 }), blob, source.where);
    const measuredDiffId = measured.diffId();
    // A kept layer is its own diff_id in the output: the source's and the converted one are the same.
    return { ...written, tocDigest, diffId: measuredDiffId, uncompressedSize: measured.size(), entries, passedThrough: true, sourceDiffId: measuredDiffId };
}

// EXTERNAL MODULE: ./src/glob.ts
var glob = __webpack_require__(75601);
;// CONCATENATED MODULE: ./src/estargz/layer-facts.ts
/**
 * What one layer holds, as far as resolving paths in the image's merged filesystem needs it, gathered in streaming
 * passes over the layer's entries rather than by keeping them:
 *
 *  - every entry's kind under a 50-bit hash of its path (8 bytes an entry, sorted once; whiteouts and opaque
 *    markers are kept as marks on the path they hide), so whether a path is there, and as what, is a binary search;
 *  - symlink targets, up to a budget shared by the layers (a later pass fetches a target that did not fit);
 *  - the matches of the globs asked for, and the symlinks a glob may pass through, by pattern.
 *
 * A hash may collide: another path's marks are then taken for a path's own (for a layer of a million entries, about
 * once in 10^9 lookups), so an absent path may look present, or a present one whited out; nothing else is lost.
 */


const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
const KIND_CODE = { dir: 0, reg: 1, hardlink: 2, symlink: 3, other: 4 };
const WHITEOUT = 5;
const OPAQUE = 6;
/** In the marks of a path: the layer whites it out, or marks it (a directory) opaque. */
const WHITED_OUT = 1 << WHITEOUT;
const OPAQUE_DIR = 1 << OPAQUE;
/** Kinds in the order one is taken when a path occurs more than once with different kinds (a rare layer). */
const PREFERENCE = ['dir', 'reg', 'hardlink', 'other'];
/** A cleaned glob, compiled. A prefix ends at each segment that is not `**` (one `**` may not swallow a link). */
function wantedGlob(pattern) {
    const segments = pattern.split('/');
    const prefixes = [];
    for (let j = 0; j < segments.length - 1; j += 1) {
        if (segments[j] !== '**' && segments.slice(0, j + 1).some(glob/* isGlob */.f))
            prefixes.push({ segment: j, regexp: (0,glob/* globToRegExp */.t)(segments.slice(0, j + 1).join('/')) });
    }
    return { pattern, full: (0,glob/* globToRegExp */.t)(pattern), prefixes };
}
/** The key under which a path's marks are kept: its hash, with room for a code below it. */
function pathKey(path) {
    return Math.floor(pathHash(path) / 8) * 8;
}
/** Symlink targets kept for all layers together before later passes are needed for the rest. */
class LinkBudget {
    left;
    constructor(left) {
        this.left = left;
    }
}
class LayerFacts {
    wants;
    budget;
    indexing;
    codes;
    count = 0;
    sorted = false;
    /** Symlink targets by path (the last occurrence of the path), and paths known not to be symlinks. */
    links = new Map();
    notLinks = new Set();
    /** Symlinks seen whose targets did not fit the budget. */
    linksDropped = false;
    globMatches = new Map();
    globLinks = new Map();
    /** `indexing`: whether this pass records every entry's kind (the first one does; later ones only add to it). */
    constructor(wants, budget, indexing) {
        this.wants = wants;
        this.budget = budget;
        this.indexing = indexing;
        this.codes = new Float64Array(indexing ? 1024 : 0);
        for (const glob of wants.globs) {
            this.globMatches.set(glob.pattern, new Map());
            this.globLinks.set(glob.pattern, new Set());
        }
    }
    /** Takes in the next entry of the layer, in archive order. */
    add(entry) {
        const { path, kind } = entry;
        const slash = path.lastIndexOf('/');
        const base = path.slice(slash + 1);
        if (base.startsWith(WHITEOUT_PREFIX)) {
            if (!this.indexing)
                return;
            const dir = path.slice(0, Math.max(slash, 0));
            if (base === OPAQUE_MARKER)
                this.push(dir, OPAQUE);
            else
                this.push(`${slash < 0 ? '' : `${dir}/`}${base.slice(WHITEOUT_PREFIX.length)}`, WHITEOUT);
            return;
        }
        if (this.indexing)
            this.push(path, KIND_CODE[kind]);
        let keepLink = this.wants.links.has(path);
        for (const glob of this.wants.globs) {
            if (glob.full.test(path))
                this.globMatches.get(glob.pattern)?.set(path, kind);
            if (kind === 'symlink' && glob.prefixes.some((prefix) => prefix.regexp.test(path))) {
                this.globLinks.get(glob.pattern)?.add(path);
                keepLink = true;
            }
        }
        if (kind === 'symlink') {
            this.notLinks.delete(path);
            if (keepLink || this.links.has(path))
                this.links.set(path, entry.linkName ?? '');
            else if (this.indexing && this.budget.left > 0) {
                this.budget.left -= 1;
                this.links.set(path, entry.linkName ?? '');
            }
            else
                this.linksDropped = true;
        }
        else if (this.links.delete(path) || keepLink)
            this.notLinks.add(path);
    }
    /** Ends the pass: the kinds are sorted for lookups. */
    seal() {
        this.codes = this.codes.subarray(0, this.count).sort();
        this.sorted = true;
        return this;
    }
    /** Takes in what a later pass over the same layer found. */
    absorb(later) {
        for (const [path, target] of later.links)
            this.links.set(path, target);
        for (const path of later.notLinks) {
            this.links.delete(path);
            this.notLinks.add(path);
        }
        for (const [pattern, matches] of later.globMatches)
            this.globMatches.set(pattern, matches);
        for (const [pattern, links] of later.globLinks)
            this.globLinks.set(pattern, links);
    }
    /** The kind of the entry at `path` in this layer, given the path's marks, or undefined when the layer has none. */
    kind(path, marks) {
        const bits = marks & 0b11111;
        if (bits === 0)
            return undefined;
        if (bits & (1 << KIND_CODE.symlink) && this.linkTarget(path) !== null)
            return 'symlink';
        // A symlink code whose path's last occurrence is something else: that other kind (one is there).
        return PREFERENCE.find((kind) => bits & (1 << KIND_CODE[kind])) ?? 'other';
    }
    /** The target of the symlink at `path`; null when its last occurrence is not a symlink; undefined when not known. */
    linkTarget(path) {
        const target = this.links.get(path);
        if (target !== undefined)
            return target;
        if (this.notLinks.has(path) || !this.linksDropped)
            return null;
        return undefined;
    }
    /** The entries matching a glob (a pass looked for it), or undefined when no pass did. */
    matches(pattern) {
        return this.globMatches.get(pattern);
    }
    /** The symlinks matching a leading part of a glob, when a pass looked for it. */
    linksInto(pattern) {
        return this.globLinks.get(pattern);
    }
    push(path, code) {
        if (this.count === this.codes.length) {
            const larger = new Float64Array(this.codes.length * 2);
            larger.set(this.codes);
            this.codes = larger;
        }
        this.codes[this.count] = pathKey(path) + code;
        this.count += 1;
    }
    /** What the layer has under a path's key (pathKey), as bits: one per entry kind (KIND_CODE), WHITED_OUT, OPAQUE_DIR. */
    marks(key) {
        if (!this.sorted)
            throw new Error('a layer is looked up before its pass ended');
        let low = 0;
        let high = this.codes.length;
        while (low < high) {
            const mid = (low + high) >>> 1;
            if (this.codes[mid] < key)
                low = mid + 1;
            else
                high = mid;
        }
        let bits = 0;
        for (let i = low; i < this.codes.length && this.codes[i] < key + 8; i += 1)
            bits |= 1 << (this.codes[i] - key);
        return bits;
    }
}

;// CONCATENATED MODULE: ./src/estargz/merged-view.ts
/**
 * The image's filesystem as its container sees it: the layers merged in order (the last layer with an entry wins; a
 * whiteout `.wh.NAME` hides NAME below it, an opaque marker `.wh..wh..opq` hides its directory's contents below it,
 * and an entry that is not a directory hides what lower layers have under its path), and paths resolved as the
 * kernel resolves them inside a chroot: symlinks followed, relative ones from their directory and absolute ones from
 * the root, also in the middle of a path; `..` taken after the link it follows; climbing above the root stays at
 * the root; more than 40 links in one resolution is a loop (ELOOP). A directory that no layer lists but that has
 * entries under it (a tar may leave parents out) is a directory.
 *
 * What the layers' facts do not tell yet (a symlink target past the budget, a glob no pass looked for) is noted in
 * `needs`, and the caller reads the layers again for it: see prefetch.ts.
 */


/** Linux's bound on the symlinks followed in one path resolution (ELOOP beyond). */
const MAX_LINKS = 40;
/** The forms a glob takes through the links it passes (each a pattern rooted in a real directory), at most. */
const MAX_GLOB_FORMS = 64;
class MergedView {
    layers;
    /** What resolving asked for that the facts do not hold: globs to match, symlinks whose targets are wanted. */
    needs = { globs: new Set(), links: new Set() };
    /** cutUnder's answers, by directory. */
    cuts = new Map();
    constructor(layers) {
        this.layers = layers;
    }
    /** The entry at the cleaned `path`, a symlink there not followed, its parent directories taken as they are. */
    entryAt(path) {
        let lowest = 0;
        for (const dir of ancestorsOf(path))
            lowest = Math.max(lowest, this.cutUnder(dir));
        const key = pathKey(path);
        for (let i = this.layers.length - 1; i >= lowest; i -= 1) {
            const layer = this.layers[i];
            const marks = layer.marks(key);
            const kind = layer.kind(path, marks);
            if (kind)
                return { layer: i, path, kind };
            if (marks & WHITED_OUT)
                return undefined;
        }
        return undefined;
    }
    /**
     * The lowest layer whose entries under the directory `dir` can show: above the topmost layer that makes it opaque,
     * whites it out or holds something else than a directory at its path (that layer's own entries under it count).
     */
    cutUnder(dir) {
        let cut = this.cuts.get(dir);
        if (cut === undefined) {
            cut = 0;
            const key = pathKey(dir);
            for (let i = this.layers.length - 1; i > 0; i -= 1) {
                const layer = this.layers[i];
                const marks = layer.marks(key);
                const kind = dir === '' ? undefined : layer.kind(dir, marks);
                if (marks & OPAQUE_DIR || (dir !== '' && marks & WHITED_OUT) || (kind !== undefined && kind !== 'dir')) {
                    cut = i;
                    break;
                }
            }
            this.cuts.set(dir, cut);
        }
        return cut;
    }
    /** Resolves `raw` (absolute or not, uncleaned) from the root; `follow`: whether a symlink at the end is followed. */
    resolve(raw, follow) {
        const queue = raw.split('/');
        const dir = [];
        const via = [];
        let links = 0;
        let last;
        while (queue.length > 0) {
            const part = queue.shift();
            if (part === '' || part === '.')
                continue;
            if (part === '..') {
                dir.pop();
                last = undefined;
                continue;
            }
            const path = dir.length === 0 ? part : `${dir.join('/')}/${part}`;
            const atEnd = queue.every((rest) => rest === '');
            const entry = this.entryAt(path);
            if (entry?.kind === 'symlink' && (follow || !atEnd)) {
                const target = this.layers[entry.layer].linkTarget(path);
                if (target === undefined) {
                    this.needs.links.add(path);
                    return { status: 'unknown' };
                }
                links += 1;
                if (links > MAX_LINKS)
                    return { status: 'loop', path, via };
                via.push(entry);
                if (target?.startsWith('/'))
                    dir.length = 0;
                queue.unshift(...(target ?? '').split('/'));
                last = undefined;
                continue;
            }
            if (entry && entry.kind !== 'dir' && !atEnd)
                return { status: 'not-a-directory', path, via };
            dir.push(part);
            last = entry;
        }
        const path = dir.join('/');
        if (path === '')
            return { status: 'found', entry: { layer: -1, path, kind: 'dir' }, via };
        const entry = last?.path === path ? last : this.entryAt(path);
        return entry ? { status: 'found', entry, via } : { status: 'missing', path, via };
    }
    /**
     * The entries a cleaned glob matches, sorted by path. The part before its first wildcard is resolved like any
     * path; a symlink that a wildcard segment matches whole (not one that `**` passes over, as shells do) is followed,
     * the rest of the glob going on from its target. A matched symlink is a hit itself (following it is the caller's).
     */
    glob(pattern) {
        const hits = new Map();
        const seen = new Set();
        // Whether a directory is where the container sees it (no link on its way), by path: matches share a few.
        const realDirs = new Map();
        const isReal = (dir) => {
            let real = realDirs.get(dir);
            if (real === undefined) {
                const found = this.resolve(dir, true);
                real = found.status === 'found' ? found.entry.kind === 'dir' && found.entry.path === dir : found.status === 'missing' && found.path === dir;
                realDirs.set(dir, real);
            }
            return real;
        };
        const expand = (form, via) => {
            if (seen.has(form) || seen.size >= MAX_GLOB_FORMS)
                return;
            seen.add(form);
            const segments = form.split('/');
            const first = segments.findIndex((segment) => (0,glob/* isGlob */.f)(segment));
            if (first === -1) {
                // A link led into a literal rest of the glob.
                const found = this.resolve(form, false);
                if (found.status === 'found' && found.entry.layer >= 0 && !hits.has(found.entry.path))
                    hits.set(found.entry.path, { entry: found.entry, via: [...via, ...found.via] });
                return;
            }
            if (first > 0) {
                const real = this.directory(segments.slice(0, first).join('/'));
                if (!real)
                    return;
                const rooted = [...(real.path === '' ? [] : [real.path]), ...segments.slice(first)].join('/');
                if (rooted !== form)
                    return expand(rooted, [...via, ...real.via]);
            }
            for (const layer of this.layers) {
                const matches = layer.matches(form);
                if (!matches) {
                    this.needs.globs.add(form);
                    continue;
                }
                for (const path of matches.keys()) {
                    if (hits.has(path))
                        continue;
                    // A match under a symlink, or hidden by an upper layer, is not where the container sees it.
                    const entry = isReal(path.slice(0, Math.max(path.lastIndexOf('/'), 0))) ? this.entryAt(path) : undefined;
                    if (entry)
                        hits.set(path, { entry, via });
                }
            }
            const { prefixes } = wantedGlob(form);
            for (const layer of this.layers) {
                for (const link of layer.linksInto(form) ?? []) {
                    const at = this.resolve(link, false);
                    if (at.status !== 'found' || at.entry.path !== link || at.entry.kind !== 'symlink')
                        continue;
                    const target = this.directory(link);
                    if (!target)
                        continue;
                    for (const prefix of prefixes) {
                        if (!prefix.regexp.test(link))
                            continue;
                        const rest = segments.slice(prefix.segment + 1);
                        expand([...(target.path === '' ? [] : [target.path]), ...rest].join('/'), [...via, ...target.via]);
                    }
                }
            }
        };
        expand(pattern, []);
        return [...hits.values()].sort((a, b) => (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0));
    }
    /** The real path of the directory `raw` resolves to (one no layer lists counts), or undefined when it is not one. */
    directory(raw) {
        const found = this.resolve(raw, true);
        if (found.status === 'found')
            return found.entry.kind === 'dir' ? { path: found.entry.path, via: found.via } : undefined;
        if (found.status === 'missing')
            return { path: found.path, via: found.via };
        return undefined;
    }
}
/** The directories above a cleaned path, the root (`''`) first. */
function ancestorsOf(path) {
    const out = [''];
    for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1))
        out.push(path.slice(0, at));
    return out;
}

;// CONCATENATED MODULE: ./src/estargz/prefetch.ts
/**
 * Prefetch lists: which entries of which layer a list of paths and globs (`*`, `?`, `[...]`, `**`, see glob.ts)
 * asks for, resolved in the image's merged filesystem as the container sees it (merged-view.ts). A path through a
 * symlink (`/lib/x86_64-linux-gnu/libc.so.6` on a merged-/usr image, where `/lib` links to `usr/lib`) gives the
 * links on the way, each in the layer that shows it, and the entry at the end, in the layer that shows it; a
 * symlink at the end is followed too, so its target's content is prefetched. Order is the order given (links before
 * what they lead to, glob matches sorted); an entry asked for twice counts once. Paths recorded from a running
 * process are paths as it saw them, and go through the same resolution.
 *
 * Memory follows the list, not the layers: each layer is read as a stream into its facts (layer-facts.ts), 8 bytes
 * an entry and the symlink targets. A glob that turns out to pass through a symlink, or a link whose target did not
 * fit the budget, is looked for in another reading of the layers; a list of plain paths needs one reading.
 */





/** Symlink targets kept from the first reading, all layers together; the rest are read again when needed. */
const MAX_KEPT_LINKS = 100_000;
/** Readings of the layers, at most (the first one and those for what it left unknown). */
const MAX_READINGS = 6;
const TAR_KINDS = {
    '0': 'reg',
    '1': 'hardlink',
    '2': 'symlink',
    '3': 'other',
    '4': 'other',
    '5': 'dir',
    '6': 'other',
};
/** A layer's entries, read from its tar in the layout (payloads are skipped, not read; the blob is checked as it is read). */
function layerListing(layout, layer) {
    return async function* () {
        for await (const { header } of layerEntries(await openLayerTar(layout, layer), `${layout.where}: layer ${layer.digest}`)) {
            const path = cleanPath(header.name);
            if (!isConverterEntry(path))
                yield { path, kind: TAR_KINDS[header.type], ...(header.linkName ? { linkName: header.linkName } : {}) };
        }
    };
}
/** The warning for a path of the list that leads to no entry. */
function describeMiss(miss) {
    const given = JSON.stringify(miss.pattern);
    if (miss.reason === 'loop')
        return `prefetch path ${given} cannot be reached: it follows more than ${MAX_LINKS} symbolic links (a loop) at /${miss.path}`;
    if (miss.reason === 'not-a-directory')
        return `prefetch path ${given} cannot be reached: /${miss.path} is not a directory`;
    const resolved = cleanPath(miss.pattern.trim()) === miss.path ? '' : ` (it resolves to /${miss.path})`;
    return `prefetch path ${given} is in no layer of the image${resolved}`;
}
/**
 * `patterns`: paths and globs, and paths recorded from a process (OpenedPath), in order. `layers` gives, for each
 * layer (bottom layer first), listings of its entries in order of preference: a listing that fails is dropped and
 * the next one read from the start. `maxKeptLinks` is for tests.
 */
async function attributePrefetch(patterns, layers, maxKeptLinks = MAX_KEPT_LINKS) {
    const wanted = patterns
        .map((item) => typeof item === 'string'
        ? { pattern: item, text: item.trim(), glob: (0,glob/* isGlob */.f)(item), opened: false }
        : { pattern: item.opened, text: item.opened, glob: false, opened: true })
        .filter((p) => cleanPath(p.text) !== '');
    const budget = new LinkBudget(maxKeptLinks);
    let wants = { globs: [...new Set(wanted.filter((p) => p.glob).map((p) => cleanPath(p.text)))].map(wantedGlob), links: new Set() };
    const facts = [];
    for (const listings of layers)
        facts.push((await readLayer(listings, () => new LayerFacts(wants, budget, true))).seal());
    for (let reading = 1;; reading += 1) {
        const view = new MergedView(facts);
        const attribution = attribute(wanted, view, layers.length);
        const { globs, links } = view.needs;
        if ((globs.size === 0 && links.size === 0) || reading >= MAX_READINGS)
            return attribution;
        wants = { globs: [...globs].map(wantedGlob), links };
        for (const [i, listings] of layers.entries())
            facts[i]?.absorb(await readLayer(listings, () => new LayerFacts(wants, budget, false)));
    }
}
/** Reads a layer's entries into fresh facts, from the first of its listings that does not fail. */
async function readLayer(listings, fresh) {
    for (const [i, list] of listings.entries()) {
        const facts = fresh();
        try {
            for await (const entry of list())
                facts.add(entry);
            return facts;
        }
        catch (error) {
            if (i === listings.length - 1)
                throw error;
        }
    }
    throw new Error('a layer without a listing of its entries');
}
/** The list resolved in the view: each entry placed in its layer once, in order. */
function attribute(wanted, view, layerCount) {
    const perLayer = Array.from({ length: layerCount }, () => []);
    const files = Array.from({ length: layerCount }, () => 0);
    const taken = Array.from({ length: layerCount }, () => new Set());
    const missing = [];
    const place = (entry) => {
        const seen = taken[entry.layer];
        if (!seen || seen.has(entry.path))
            return; // the root (layer -1) is nothing to place
        seen.add(entry.path);
        perLayer[entry.layer]?.push(entry.path);
        if (entry.kind === 'reg' || entry.kind === 'hardlink')
            files[entry.layer] = (files[entry.layer] ?? 0) + 1;
    };
    const placeFound = (resolution) => {
        if (resolution.status !== 'found')
            return false;
        for (const link of resolution.via)
            place(link);
        place(resolution.entry);
        return true;
    };
    for (const { pattern, text, glob, opened } of wanted) {
        if (!glob) {
            const resolution = view.resolve(text, true);
            if (!placeFound(resolution) && !opened && resolution.status !== 'unknown' && resolution.status !== 'found')
                missing.push({ pattern, reason: resolution.status, path: resolution.path });
            continue;
        }
        for (const hit of view.glob(cleanPath(text))) {
            for (const link of hit.via)
                place(link);
            place(hit.entry);
            // A matched symlink brings its target (a dangling one, common under a wide glob, brings nothing).
            if (hit.entry.kind === 'symlink')
                placeFound(view.resolve(hit.entry.path, true));
        }
    }
    return { perLayer, files, missing };
}

;// CONCATENATED MODULE: ./src/estargz/image.ts
/**
 * Whole-image conversion: walks an index (every platform) or a single manifest, converts every layer to eStargz,
 * replaces the config's diff_ids (once each source layer has been found to have the diff_id the config gives it,
 * see diff-id.ts), and writes config, manifest and index again with OCI media types, so each digest
 * up the tree changes with what it points to. Layer descriptors get the TOC digest and uncompressed-size
 * annotations and, under the keys the caller gives (`provenance`), what a later conversion needs to reuse them: the
 * source layer's digest and diff_id, the conversion's settings and the diff_id. A layer shared by several platforms is converted
 * once, and a layer whose conversion with the same settings is known from elsewhere (an earlier conversion, see
 * `reuse`) is not converted at all.
 */








/** A conversion setting out of range; `setting` names the option, so a caller can name its own input or flag. */
class ConversionSettingError extends errors/* ShipError */.fS {
    setting;
    constructor(setting, message, hint) {
        super(message, { hint });
        this.setting = setting;
    }
}
/**
 * Bump when the bytes a conversion writes change (a converter fix or a format change), or when what a recorded
 * conversion vouches for changes, so layers converted by an earlier version are converted again rather than reused.
 * 2: source layers are checked against their digests as they are read; a conversion recorded by version 1 may name
 * a source digest its bytes did not have.
 */
const CONVERTER_VERSION = 2;
/**
 * The settings as the provenance `conversion` annotation spells them, e.g.
 * `estargz/1 level=6 chunk-size=4194304 prefetch=none` (or `prefetch=sha256:...`, the digest of the JSON list of
 * prioritized paths). Two conversions of the same source layer with equal strings give the same blob.
 */
function conversionParams(settings) {
    const prefetch = settings.prioritized.length === 0 ? 'none' : (0,oci/* sha256 */.sc)(JSON.stringify(settings.prioritized));
    return `estargz/${CONVERTER_VERSION} level=${settings.level} chunk-size=${settings.chunkSize} prefetch=${prefetch}`;
}
async function convertImage(source, top, out, options = {}) {
    const level = options.level ?? 6;
    const chunkSize = options.chunkSize ?? DEFAULT_ESTARGZ_CHUNK_SIZE;
    if (!Number.isInteger(level) || level < 0 || level > 9)
        throw new ConversionSettingError('level', `compression level ${level} is not 0-9`, 'use a whole number from 0 (store) to 9 (smallest)');
    if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
        throw new ConversionSettingError('chunkSize', `chunk size ${chunkSize} is not a positive number of bytes`, `the default is ${DEFAULT_ESTARGZ_CHUNK_SIZE} (4 MiB)`);
    }
    const provenance = options.provenance;
    const pool = new CompressPool();
    const manifests = [];
    const missing = new Map();
    const layerCache = new Map();
    const reuse = options.reuse;
    /**
     * A layer converted (or reused) once per settings, however often images name it. `diffId` is what the config of
     * the first image to name it gives; that is checked as the layer streams, and convertManifest checks the
     * measured diff_id against each config again.
     */
    const convertOneLayer = (layer, prioritized, params, diffId) => {
        const { digest, size } = layer;
        const key = `${digest}\0${params}`;
        let pending = layerCache.get(key);
        if (!pending) {
            pending = (async () => {
                const reused = await reuse?.find(digest, params);
                if (reused) {
                    // The source digest is the key of the reuse and goes into the new layer's annotations: the bytes here must
                    // have it, though they are not converted (a read and a hash, no more).
                    await source.verifyBlob(layer);
                    // Verified bytes of this digest have the source diff_id the earlier conversion measured.
                    if (reused.sourceDiffId !== diffId)
                        throw diffIdMismatch(source.where, digest, diffId, reused.sourceDiffId);
                    options.onLayer?.({ kind: 'reused', digest, result: reused });
                    const { lazyPull: _lazy, ...written } = reused;
                    return { result: { ...written, passedThrough: false }, reused };
                }
                options.onLayer?.({ kind: 'start', digest, size });
                const result = await convertLayer(source, layer, out, {
                    pool,
                    level,
                    chunkSize,
                    prioritized,
                    diffId,
                    ...(options.tempDir === undefined ? {} : { tempDir: options.tempDir }),
                    onProgress: (payloadBytes) => options.onLayer?.({ kind: 'progress', digest, payloadBytes }),
                });
                options.onLayer?.({ kind: 'done', digest, result });
                return { result, reused: undefined };
            })();
            layerCache.set(key, pending);
        }
        return pending;
    };
    async function convertManifest(descriptor) {
        const manifest = await source.readJson(descriptor, oci/* ImageManifest */.nU, 'manifest');
        // What can be checked without reading a layer is checked for every layer before any is converted.
        await checkManifestParts(source, descriptor, manifest);
        const config = await source.readJson(manifest.config, oci/* ImageConfig */.K8, 'config');
        if (config.rootfs.diff_ids.length !== manifest.layers.length) {
            throw new errors/* ShipError */.fS(`${source.where}: manifest ${descriptor.digest} has ${manifest.layers.length} layers but its config lists ${config.rootfs.diff_ids.length} diff_ids`, { hint: 'the image is corrupt: rebuild it' });
        }
        // Earlier conversions are looked at first: their TOCs list the paths of their source layers. The layers they
        // may stand in for are hashed meanwhile (see convertOneLayer), on every core.
        const candidates = reuse ? source.verifyBlobs(manifest.layers.filter((l) => reuse.knows(l.digest))) : Promise.resolve();
        candidates.catch(() => { }); // awaited below; a failure must not go unhandled meanwhile
        const known = reuse ? await reuse.prepare(manifest.layers.map((l) => l.digest)) : new Map();
        await candidates;
        let prioritized = manifest.layers.map(() => []);
        let files = manifest.layers.map(() => 0);
        if (options.prefetch && options.prefetch.length > 0) {
            // An earlier conversion's TOC first (no need to read the layer), the layer itself should that fail.
            const listings = manifest.layers.map((layer) => [known.get(layer.digest), layerListing(source, layer)].filter((list) => list !== undefined));
            const attribution = await attributePrefetch(options.prefetch, listings);
            prioritized = attribution.perLayer;
            files = attribution.files;
            for (const miss of attribution.missing)
                if (!missing.has(miss.pattern))
                    missing.set(miss.pattern, miss);
        }
        // Layers are converted one after another: each one already keeps every core busy.
        const layers = [];
        const results = [];
        for (const [i, layer] of manifest.layers.entries()) {
            const wanted = prioritized[i] ?? [];
            const params = conversionParams({ level, chunkSize, prioritized: wanted });
            const diffId = config.rootfs.diff_ids[i];
            const { result, reused } = await convertOneLayer(layer, wanted, params, diffId);
            // Checked here too: a layer named twice was measured once, against the diff_id of its first place.
            if (result.sourceDiffId !== diffId)
                throw diffIdMismatch(source.where, layer.digest, diffId, result.sourceDiffId);
            results.push({ source: layer.digest, result, prioritized: wanted, prefetchFiles: files[i] ?? 0, reused });
            const { urls: _urls, annotations, ...rest } = layer;
            layers.push({
                ...rest,
                mediaType: oci/* MediaType */.zu.ociLayerGzip,
                digest: result.digest,
                size: result.size,
                annotations: {
                    ...annotations,
                    [oci/* Annotation */.YH.stargzTocDigest]: result.tocDigest,
                    [oci/* Annotation */.YH.estargzUncompressedSize]: String(result.uncompressedSize),
                    ...(provenance
                        ? {
                            [provenance.sourceDigest]: layer.digest,
                            [provenance.sourceDiffId]: result.sourceDiffId,
                            [provenance.conversion]: params,
                            [provenance.diffId]: result.diffId,
                        }
                        : {}),
                },
            });
        }
        const newConfig = { ...config, rootfs: { ...config.rootfs, diff_ids: results.map((r) => r.result.diffId) } };
        // As containerd's converter does: the legacy parent-image id no longer names anything true.
        for (const key of ['config', 'container_config']) {
            const section = newConfig[key];
            if (section && typeof section === 'object' && 'Image' in section) {
                const { Image: _image, ...kept } = section;
                newConfig[key] = kept;
            }
        }
        const configDescriptor = { ...manifest.config, ...(await out.writeJson(oci/* MediaType */.zu.ociConfig, newConfig)) };
        const annotations = options.manifestAnnotations ? { annotations: { ...manifest.annotations, ...options.manifestAnnotations } } : {};
        const newManifest = { ...manifest, mediaType: oci/* MediaType */.zu.ociManifest, config: configDescriptor, layers, ...annotations };
        const written = await out.writeJson(oci/* MediaType */.zu.ociManifest, newManifest);
        manifests.push({ source: descriptor.digest, digest: written.digest, platform: descriptor.platform, layers: results });
        return written;
    }
    async function convertDescriptor(descriptor, depth) {
        const { mediaType } = descriptor;
        let written;
        if ((0,oci/* isIndexType */.$U)(mediaType)) {
            if (depth > 4)
                throw new errors/* ShipError */.fS(`${source.where}: index ${descriptor.digest} nests too deeply`);
            const index = await source.readJson(descriptor, oci/* ImageIndex */.yd, 'index');
            checkDeclaredType(source, descriptor, index.mediaType);
            const entries = [];
            for (const entry of index.manifests)
                entries.push(await convertDescriptor(entry, depth + 1));
            written = await out.writeJson(oci/* MediaType */.zu.ociIndex, { ...index, mediaType: oci/* MediaType */.zu.ociIndex, manifests: entries });
        }
        else if ((0,oci/* isImageManifestType */.tr)(mediaType)) {
            written = await convertManifest(descriptor);
        }
        else {
            // Converting rewrites every digest up the tree, and a document of a type this tool does not know cannot be
            // rewritten to match; it is refused rather than copied with references that no longer hold.
            throw unknownDocumentType(source, descriptor);
        }
        return { ...descriptor, mediaType: written.mediaType, digest: written.digest, size: written.size };
    }
    try {
        const converted = await convertDescriptor(top, 0);
        const { [oci/* Annotation */.YH.refName]: _ref, ...annotations } = converted.annotations ?? {};
        const descriptor = { ...converted };
        if (Object.keys(annotations).length > 0)
            descriptor.annotations = annotations;
        else
            delete descriptor.annotations;
        return { descriptor, manifests, missingPrefetch: [...missing.values()] };
    }
    finally {
        await pool.close();
    }
}

;// CONCATENATED MODULE: ./src/estargz/hardlink-check.ts
/**
 * The verifier's hardlink rule, in memory that does not grow with the number of hardlinks: every hardlink's target
 * must be an entry earlier in the TOC (a lazy-pulling reader resolves a hardlink by the entry it has already seen).
 *
 * While the TOC streams by, each hardlink is appended to a spill file (SpillStore: one block in memory, the rest
 * under `tempDir`). Afterwards the hardlinks are read back in batches of at most BATCH_LINKS links and BATCH_BYTES
 * of distinct target names, held in typed arrays (an open-addressing table of the targets, no object per link);
 * for each batch the TOC is read once more, up to the last link of the batch, to find where each target first
 * appears. A layer of many hardlinks costs a few more readings of its TOC instead of memory.
 */


/**
 * Links per batch: each costs 8 bytes in the arrays below and 24 in the table (two slots per link), so with the
 * names a batch holds at most about 6.5 MiB, allocated once. Larger batches cost fewer readings of the TOC but add
 * their size to the peak of a ship (four times this took a ship of 600,000 hardlinks past 256 MiB); a layer of
 * 600,000 hardlinks with names of about 17 bytes takes five batches.
 */
const BATCH_LINKS = 1 << 17;
/** Bytes of distinct target names per batch. */
const BATCH_BYTES = 2 << 20;
/** No target recorded yet (entry indices are below 2^32 - 1). */
const NONE = 0xffffffff;
class HardlinkCheck {
    tempDir;
    limits;
    /** Made at the first hardlink: a layer without any costs nothing. */
    store;
    links = 0;
    constructor(tempDir, limits = { links: BATCH_LINKS, bytes: BATCH_BYTES }) {
        this.tempDir = tempDir;
        this.limits = limits;
    }
    get count() {
        return this.links;
    }
    add(index, name, linkName) {
        const nameBytes = Buffer.from(name);
        const linkBytes = Buffer.from(linkName);
        const head = Buffer.allocUnsafe(12);
        head.writeUInt32LE(index, 0);
        head.writeUInt32LE(nameBytes.length, 4);
        head.writeUInt32LE(linkBytes.length, 8);
        this.store ??= new SpillStore(this.tempDir, 'the hardlink list');
        this.store.write(Buffer.concat([head, nameBytes, linkBytes]));
        this.links += 1;
    }
    /**
     * Checks every hardlink added; `entries` reads the TOC from its start (names only matter), and is asked once per
     * batch. Calls `defect` for each hardlink whose target is not earlier, in TOC order.
     */
    async check(entries, defect) {
        const linkIndex = new Uint32Array(Math.min(this.limits.links, this.links));
        const slotOf = new Uint32Array(linkIndex.length);
        const table = new TargetTable(linkIndex.length, this.limits.bytes);
        for (let done = 0; done < this.links;) {
            table.clear();
            let size = 0;
            for (const link of this.records(done)) {
                const target = cleanPath(link.linkName.toString());
                if (size > 0 && (size === linkIndex.length || !table.fits(target)))
                    break;
                linkIndex[size] = link.index;
                slotOf[size] = table.insert(target);
                size += 1;
            }
            const last = linkIndex[size - 1];
            // Links come in TOC order: entries after the batch's last link cannot be the target of any of its links.
            const toc = entries();
            try {
                let index = 0;
                reading: for (let next = await toc.next(); !next.done; next = await toc.next()) {
                    for (const entry of next.value) {
                        if (index >= last)
                            break reading;
                        if (entry.type !== 'chunk')
                            table.sawAt(cleanPath(entry.name), index);
                        index += 1;
                    }
                }
            }
            finally {
                await toc.return(undefined);
            }
            let failed = false;
            for (let i = 0; i < size; i += 1)
                if (!(table.firstAt(slotOf[i]) < linkIndex[i]))
                    failed = true;
            if (failed) {
                // Names are read back only for the links that fail.
                let i = 0;
                for (const link of this.records(done)) {
                    if (i === size)
                        break;
                    if (!(table.firstAt(slotOf[i]) < link.index))
                        defect(`TOC entry ${JSON.stringify(link.name.toString())}: hardlink target ${JSON.stringify(link.linkName.toString())} is not earlier in the TOC`);
                    i += 1;
                }
            }
            done += size;
        }
    }
    close() {
        this.store?.close();
    }
    /** The spilled links from the `from`-th on; each record is valid until the next one is asked for. */
    *records(from) {
        // The pieces of the store, each after what was left of the one before (the start of a record that goes on).
        let work = Buffer.allocUnsafe(0);
        let left = 0;
        let ordinal = 0;
        for (const piece of this.store?.read() ?? []) {
            if (left + piece.length > work.length) {
                const larger = Buffer.allocUnsafe(Math.max(2 * work.length, left + piece.length));
                work.copy(larger, 0, 0, left);
                work = larger;
            }
            piece.copy(work, left);
            const length = left + piece.length;
            let at = 0;
            while (length - at >= 12) {
                const nameLength = work.readUInt32LE(at + 4);
                const end = at + 12 + nameLength + work.readUInt32LE(at + 8);
                if (end > length)
                    break;
                if (ordinal >= from)
                    yield { index: work.readUInt32LE(at), name: work.subarray(at + 12, at + 12 + nameLength), linkName: work.subarray(at + 12 + nameLength, end) };
                ordinal += 1;
                at = end;
            }
            work.copy(work, 0, at, length);
            left = length - at;
        }
    }
}
/**
 * Distinct target paths with where each first appears: an open-addressing hash table over typed arrays, the names
 * kept as UTF-8 in one buffer. A 32-bit hash picks the slot; equal names are confirmed by comparing the names.
 */
class TargetTable {
    maxBytes;
    hashes;
    /** 1 + the target's number in the slot; 0 for an empty slot. */
    keys;
    first;
    starts;
    names = Buffer.alloc(0);
    bytes = 0;
    targets = 0;
    constructor(links, 
    /** Bytes of distinct names the table takes before it is full. */
    maxBytes) {
        this.maxBytes = maxBytes;
        let capacity = 16;
        while (capacity < links * 2)
            capacity *= 2;
        this.hashes = new Uint32Array(capacity);
        this.keys = new Uint32Array(capacity);
        this.first = new Uint32Array(capacity);
        this.starts = new Uint32Array(links + 1);
    }
    /** Empties the table for the next batch (its memory is kept). */
    clear() {
        this.keys.fill(0);
        this.first.fill(NONE);
        this.bytes = 0;
        this.targets = 0;
    }
    /** Whether `target` is in the table, or its name fits in this batch's bytes. */
    fits(target) {
        return this.find(target, hashOf(target)) !== -1 || this.bytes + Buffer.byteLength(target) <= this.maxBytes;
    }
    /** The slot of `target`, added if it is new. */
    insert(target) {
        const hash = hashOf(target);
        const found = this.find(target, hash);
        if (found !== -1)
            return found;
        const bytes = Buffer.from(target);
        if (this.bytes + bytes.length > this.names.length) {
            const larger = Buffer.alloc(Math.max(this.names.length * 2, this.bytes + bytes.length, 4096));
            this.names.copy(larger, 0, 0, this.bytes);
            this.names = larger;
        }
        bytes.copy(this.names, this.bytes);
        this.bytes += bytes.length;
        this.targets += 1;
        this.starts[this.targets] = this.bytes;
        const mask = this.hashes.length - 1;
        let slot = hash & mask;
        while (this.keys[slot] !== 0)
            slot = (slot + 1) & mask;
        this.hashes[slot] = hash;
        this.keys[slot] = this.targets;
        return slot;
    }
    /** Records that the entry at `index` has `path`, if it is a target seen for the first time. */
    sawAt(path, index) {
        const slot = this.find(path, hashOf(path));
        if (slot !== -1 && this.first[slot] === NONE)
            this.first[slot] = index;
    }
    /** Where the target in `slot` first appears; NONE when it does not. */
    firstAt(slot) {
        return this.first[slot];
    }
    find(path, hash) {
        const mask = this.hashes.length - 1;
        for (let slot = hash & mask;; slot = (slot + 1) & mask) {
            const key = this.keys[slot];
            if (key === 0)
                return -1;
            if (this.hashes[slot] === hash && this.names.toString('utf8', this.starts[key - 1], this.starts[key]) === path)
                return slot;
        }
    }
}
/** FNV-1a over the UTF-16 code units of a path: only picks a slot, so any spread will do. */
function hashOf(path) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < path.length; i += 1)
        hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
    return hash >>> 0;
}

;// CONCATENATED MODULE: ./src/estargz/verify-layer.ts
/**
 * Checks one eStargz blob end to end, as a lazy-pulling reader depends on it: footer, TOC member and name, the TOC
 * digest against the annotation, the TOC schema and chunk continuity, every TOC offset a gzip member start whose
 * data begins with that chunk, every chunk and file digest, the decompressed stream a tar matching the TOC entry
 * for entry, and the diff_id and uncompressed size against the config and annotation. Defects are collected (not
 * thrown) so a report can list them all.
 *
 * Memory does not grow with the number of entries: the blob is read once, in order, one gzip member at a time, and
 * the TOC is read alongside it as a stream (read-toc.ts), entry by entry, each TOC entry checked against the tar
 * entry it describes. The hardlinks are spilled to a temporary file, to check that each target comes earlier in the
 * TOC with further passes over the TOC (made only when there are hardlinks; see hardlink-check.ts).
 */









/** Defects beyond this many per layer are counted, not listed. */
const MAX_DEFECTS = 25;
async function verifyLayerBlob(path, expect, options = {}) {
    const reader = await fileReader(path);
    try {
        return await verifyWith(path, reader, expect, options);
    }
    finally {
        await reader.close();
    }
}
async function verifyWith(path, reader, expect, options) {
    const report = { defects: [] };
    let suppressed = 0;
    const found = [];
    const defect = (message) => {
        if (found.length < MAX_DEFECTS)
            found.push(message);
        else
            suppressed += 1;
    };
    let location;
    try {
        location = await locateToc(reader);
    }
    catch (error) {
        if (!(error instanceof TocError))
            throw error;
        report.defects.push(error.notEstargz ? 'not eStargz: no eStargz footer at the end of the blob' : error.message);
        return report;
    }
    const { footer, blobSize } = location;
    const hardlinks = new HardlinkCheck(options.tempDir);
    const schema = new SchemaCheck(footer.tocOffset, defect, hardlinks);
    const toc = new TocCursor(readTocEntries(reader, location), (entry) => schema.visit(entry));
    // One pass over the members: member starts (compressed -> uncompressed), the diff_id, and the tar.
    const members = new MemberStarts();
    const counter = new oci/* DigestCounter */.VR();
    const tocEnd = blobSize - footer.size;
    let aligned = true;
    async function* stream() {
        for await (const member of walkMembers(path, 0, footer.tocOffset)) {
            if (aligned)
                members.add(member.offset, counter.size);
            counter.update(member.data);
            yield member.data;
        }
        // The TOC member, which grows with the number of entries, streams rather than being inflated whole.
        if (aligned)
            members.add(footer.tocOffset, counter.size);
        for await (const piece of streamMember(reader, footer.tocOffset, tocEnd)) {
            counter.update(piece);
            yield piece;
        }
    }
    let sawToc = false;
    const memberStream = stream();
    // The tar reader closes its source at the end of the archive; this view keeps the walk going for the drain below.
    const forTar = { [Symbol.asyncIterator]: () => ({ next: () => memberStream.next() }) };
    let facts;
    try {
        try {
            for await (const entry of (0,src_tar/* readTar */.sB)(forTar)) {
                const name = entry.header.name;
                if (!aligned)
                    continue;
                if (cleanPath(name) === TOC_NAME && !sawToc && members.startOf(footer.tocOffset) === entry.headerOffset) {
                    // The TOC's own entry, where the footer says: every TOC entry must have been seen by now.
                    sawToc = true;
                    const missing = await toc.next();
                    if (missing) {
                        defect(`TOC entry ${JSON.stringify(missing.name)} and ${await toc.drain()} more are not in the tar stream`);
                        aligned = false;
                    }
                    continue;
                }
                const tocEntry = await toc.next();
                if (!tocEntry) {
                    defect(`tar entry ${JSON.stringify(name)} is not in the TOC`);
                    aligned = false;
                    continue;
                }
                const chunks = [tocEntry];
                for (let next = await toc.peek(); next?.type === 'chunk'; next = await toc.peek())
                    chunks.push((await toc.next()));
                const mismatch = compareHeader(entry, tocEntry);
                if (mismatch) {
                    defect(`tar entry ${JSON.stringify(name)} does not match TOC entry ${JSON.stringify(tocEntry.name)}: ${mismatch}`);
                    aligned = false;
                    continue;
                }
                if (tocEntry.type === 'reg' && entry.header.size > 0)
                    await checkPayload(entry, chunks, (offset, inner) => members.positionOf(offset, inner), defect);
            }
            // Anything after the tar's end-of-archive marker still counts towards the diff_id.
            for await (const _rest of memberStream)
                ;
        }
        catch (error) {
            if (error instanceof BrokenToc)
                throw error;
            defect(`the decompressed stream is not a valid tar: ${error.message}`);
            aligned = false;
        }
        finally {
            await memberStream.return(undefined);
        }
        await toc.drain();
        facts = toc.facts;
        schema.finish();
        if (hardlinks.count > 0)
            await checkHardlinks(reader, location, hardlinks, defect);
    }
    catch (error) {
        // A damaged TOC is the one defect reported: what was compared against it means nothing.
        if (error instanceof BrokenToc)
            return { defects: [error.message] };
        throw error;
    }
    finally {
        hardlinks.close();
        await toc.close();
    }
    if (aligned && !sawToc)
        defect(`the TOC member at ${footer.tocOffset} does not start at a ${TOC_NAME} tar header in the stream`);
    report.tocDigest = facts.tocDigest;
    report.entries = facts.entries;
    report.lazyPull = lazyPullOf(blobSize, footer.tocOffset, schema.prefetchLandmarkOffset);
    report.diffId = counter.digest();
    report.uncompressedSize = counter.size;
    if (aligned) {
        if (expect.diffId !== undefined && expect.diffId !== report.diffId)
            defect(`diff_id ${report.diffId} does not match the config's ${expect.diffId}`);
        const size = expect.annotations?.[oci/* Annotation */.YH.estargzUncompressedSize];
        if (size !== undefined && size !== String(report.uncompressedSize))
            defect(`uncompressed size ${report.uncompressedSize} does not match the annotation ${size}`);
    }
    // What is wrong with the TOC as a whole comes first, then what was found entry by entry.
    const annotated = expect.annotations?.[oci/* Annotation */.YH.stargzTocDigest];
    if (annotated === undefined)
        report.defects.push(`the layer has no ${oci/* Annotation */.YH.stargzTocDigest} annotation (the snapshotter cannot mount it lazily)`);
    else if (annotated !== facts.tocDigest)
        report.defects.push(`TOC digest ${facts.tocDigest} does not match the annotation ${annotated}`);
    if (facts.version !== 1)
        report.defects.push(`TOC version is ${facts.version}, not 1`);
    report.defects.push(...found);
    if (suppressed > 0)
        report.defects.push(`... and ${suppressed} more defects`);
    return report;
}
/** A TocError met while the TOC streams alongside the tar. */
class BrokenToc extends Error {
}
/** The TOC's entries one at a time with one of look-ahead, each shown to `visit` once, in order, as it arrives. */
class TocCursor {
    source;
    visit;
    batch = [];
    at = 0;
    done = false;
    /** Set once every entry has been read. */
    facts;
    constructor(source, visit) {
        this.source = source;
        this.visit = visit;
    }
    async peek() {
        while (this.at >= this.batch.length) {
            if (this.done)
                return undefined;
            let next;
            try {
                next = await this.source.next();
            }
            catch (error) {
                if (error instanceof TocError)
                    throw new BrokenToc(error.message);
                throw error;
            }
            if (next.done) {
                this.done = true;
                this.facts = next.value;
                this.batch = [];
                this.at = 0;
                return undefined;
            }
            this.batch = next.value;
            this.at = 0;
            for (const entry of this.batch)
                this.visit(entry);
        }
        return this.batch[this.at];
    }
    async next() {
        const entry = await this.peek();
        if (entry)
            this.at += 1;
        return entry;
    }
    /** Reads the rest; returns how many entries there were. */
    async drain() {
        let count = 0;
        while (await this.next())
            count += 1;
        return count;
    }
    async close() {
        await this.source.return(undefined);
    }
}
/**
 * Where each gzip member starts in the uncompressed stream, for the members read but not yet passed: TOC offsets are
 * looked up in stream order (each chunk after the one before), so members before the one looked up are dropped.
 */
class MemberStarts {
    offsets = [];
    starts = [];
    head = 0;
    add(offset, start) {
        this.offsets.push(offset);
        this.starts.push(start);
    }
    /** Where the member at compressed `offset` starts, if it was read and not yet passed; drops nothing. */
    startOf(offset) {
        const at = this.offsets.indexOf(offset, this.head);
        return at === -1 ? undefined : this.starts[at];
    }
    /**
     * The uncompressed position of `inner` bytes into the member at compressed `offset`; undefined if none starts
     * there. The members before it are dropped.
     */
    positionOf(offset, inner = 0) {
        if (offset === undefined)
            return undefined;
        while (this.head < this.offsets.length && this.offsets[this.head] < offset)
            this.head += 1;
        if (this.head > 4096 && this.head * 2 > this.offsets.length) {
            this.offsets = this.offsets.slice(this.head);
            this.starts = this.starts.slice(this.head);
            this.head = 0;
        }
        return this.offsets[this.head] === offset ? this.starts[this.head] + inner : undefined;
    }
}
/**
 * The TOC's own rules, entry by entry as it streams: types, required fields per type, chunk continuity, payload
 * offsets below the TOC and rising (each payload starts its own member, in stream order; entries sharing a member
 * through `innerOffset` aside). Hardlinks are handed to a HardlinkCheck.
 */
class SchemaCheck {
    tocOffset;
    defect;
    hardlinks;
    index = 0;
    file;
    lastOffset;
    prefetchLandmarkOffset;
    constructor(tocOffset, defect, hardlinks) {
        this.tocOffset = tocOffset;
        this.defect = defect;
        this.hardlinks = hardlinks;
    }
    visit(e) {
        const index = this.index;
        this.index += 1;
        const label = `TOC entry ${JSON.stringify(e.name)}`;
        const hasPayload = e.type === 'chunk' || (e.type === 'reg' && (e.size ?? 0) > 0);
        if (e.type !== 'chunk')
            this.closeFile();
        if (e.type === 'reg' && e.digest === undefined)
            this.defect(`${label} has no digest`);
        if ((e.type === 'symlink' || e.type === 'hardlink') && !e.linkName)
            this.defect(`${label} (${e.type}) has no linkName`);
        if (e.type === 'hardlink' && e.linkName)
            this.hardlinks.add(index, e.name, e.linkName);
        if (this.prefetchLandmarkOffset === undefined && e.name === PREFETCH_LANDMARK)
            this.prefetchLandmarkOffset = e.offset ?? 0;
        if (hasPayload) {
            if (e.offset === undefined)
                this.defect(`${label} has no offset`);
            else if (e.offset >= this.tocOffset)
                this.defect(`${label}: offset ${e.offset} is past the TOC (${this.tocOffset})`);
            else if (e.innerOffset === undefined) {
                const last = this.lastOffset;
                if (last && e.offset === last.offset)
                    this.defect(`${label} shares offset ${e.offset} with ${JSON.stringify(last.name)}`);
                else if (last && e.offset < last.offset)
                    this.defect(`${label}: offset ${e.offset} comes before the offset ${last.offset} of ${JSON.stringify(last.name)}, which is earlier in the TOC`);
                this.lastOffset = { offset: e.offset, name: e.name };
            }
            if (e.chunkDigest === undefined)
                this.defect(`${label} (${e.type}${e.type === 'chunk' ? ` at ${e.chunkOffset ?? 0}` : ''}) has no chunkDigest`);
        }
        if (e.type === 'chunk') {
            const file = this.file;
            if (!file || file.item.name !== e.name) {
                this.defect(`${label}: a chunk entry does not follow its file${index === 0 ? ' (it is the first entry)' : ''}`);
                return;
            }
            if ((e.chunkOffset ?? 0) !== file.next)
                this.defect(`${label}: chunk at ${e.chunkOffset ?? 0}, expected ${file.next}`);
            file.next = (e.chunkOffset ?? 0) + (e.chunkSize || file.size - (e.chunkOffset ?? 0));
            return;
        }
        if (e.type === 'reg' && (e.size ?? 0) > 0)
            this.file = { item: e, next: e.chunkSize || (e.size ?? 0), size: e.size ?? 0 };
    }
    finish() {
        this.closeFile();
    }
    closeFile() {
        const file = this.file;
        if (file && file.next !== file.size)
            this.defect(`TOC entry ${JSON.stringify(file.item.name)}: its chunks cover ${file.next} of ${file.size} bytes`);
        this.file = undefined;
    }
}
/** Each hardlink's target must be an entry earlier in the TOC (a TOC broken on a further pass is a BrokenToc). */
async function checkHardlinks(reader, location, hardlinks, defect) {
    try {
        await hardlinks.check(() => readTocEntries(reader, location), defect);
    }
    catch (error) {
        if (error instanceof TocError)
            throw new BrokenToc(error.message);
        throw error;
    }
}
/** What the TOC says about an entry against what its tar header says; undefined when they agree. */
function compareHeader(entry, e) {
    const h = entry.header;
    const xattrs = h.xattrs.size > 0 ? Object.fromEntries([...h.xattrs].map(([k, v]) => [k, v.toString('base64')])) : undefined;
    const checks = [
        ['name', h.name, e.name],
        ['type', TOC_TYPES[h.type], e.type],
        ['size', h.size, e.size ?? 0],
        ['mode', h.mode, e.mode ?? 0],
        ['uid', h.uid, e.uid ?? 0],
        ['gid', h.gid, e.gid ?? 0],
        ['modtime', formatModtime(h.mtime), e.modtime ?? ''],
        ['linkName', h.type === '1' || h.type === '2' ? h.linkName : '', h.type === '1' || h.type === '2' ? (e.linkName ?? '') : ''],
        ['devMajor', h.devMajor, e.devMajor ?? 0],
        ['devMinor', h.devMinor, e.devMinor ?? 0],
        ['xattrs', JSON.stringify(xattrs ?? {}), JSON.stringify(e.xattrs ?? {})],
    ];
    for (const [field, tar, toc] of checks)
        if (tar !== toc)
            return `${field} is ${JSON.stringify(tar)} in the tar, ${JSON.stringify(toc)} in the TOC`;
    return undefined;
}
/** Hashes each chunk as the tar stream delivers it and checks it starts a gzip member at its TOC offset. */
async function checkPayload(entry, chunks, positionOf, defect) {
    const name = JSON.stringify(entry.header.name);
    const size = entry.header.size;
    const fileHash = (0,external_node_crypto_.createHash)('sha256');
    let index = 0;
    let chunkHash = (0,external_node_crypto_.createHash)('sha256');
    let done = 0;
    const chunkEnd = (i) => {
        const c = chunks[i];
        return c.chunkOffset === undefined && i === 0 ? c.chunkSize || size : (c.chunkOffset ?? 0) + (c.chunkSize || size - (c.chunkOffset ?? 0));
    };
    const finishChunk = () => {
        const c = chunks[index];
        const at = c.chunkOffset ?? 0;
        const digest = `sha256:${chunkHash.digest('hex')}`;
        if (c.chunkDigest !== undefined && digest !== c.chunkDigest)
            defect(`${name}: chunk at ${at} has digest ${digest}, the TOC says ${c.chunkDigest}`);
        const position = positionOf(c.offset, c.innerOffset ?? 0);
        if (position === undefined)
            defect(`${name}: TOC offset ${c.offset} of the chunk at ${at} is not the start of a gzip member`);
        else if (position !== entry.payloadOffset + at)
            defect(`${name}: the gzip member at ${c.offset} does not start with the chunk at ${at}`);
        index += 1;
        chunkHash = (0,external_node_crypto_.createHash)('sha256');
    };
    for await (let piece of entry.body()) {
        fileHash.update(piece);
        while (piece.length > 0 && index < chunks.length) {
            if (chunkEnd(index) <= done) {
                finishChunk();
                continue;
            }
            const take = Math.min(piece.length, chunkEnd(index) - done);
            chunkHash.update(piece.subarray(0, take));
            done += take;
            piece = piece.subarray(take);
            if (done === chunkEnd(index))
                finishChunk();
        }
    }
    if (index < chunks.length)
        defect(`${name}: its chunks do not cover its ${size} bytes`);
    const digest = `sha256:${fileHash.digest('hex')}`;
    const expected = chunks[0]?.digest;
    if (expected !== undefined && digest !== expected)
        defect(`${name}: file digest ${digest} does not match the TOC's ${expected}`);
}

;// CONCATENATED MODULE: ./src/estargz/verify.ts
/**
 * The eStargz verifier for a whole image: every layer of every platform must be an OCI gzip layer whose blob is
 * intact and valid eStargz (verify-layer.ts), with the TOC digest and uncompressed size annotated and the config's
 * diff_id matching. Returns a report listing each defect with the manifest, layer and entry it concerns.
 *
 * A layer whose blob is not in the layout but was checked where it lives (a layer reused from an earlier conversion,
 * in a registry) is given with `elsewhere`: its descriptor and diff_id are checked against those facts.
 */





async function verifyImage(layout, top, options = {}) {
    const { onLayer, elsewhere } = options;
    const layers = [];
    const defects = [];
    const verified = new Map();
    async function visit(descriptor, depth) {
        if ((0,oci/* isIndexType */.$U)(descriptor.mediaType)) {
            if (descriptor.mediaType !== oci/* MediaType */.zu.ociIndex)
                defects.push(`index ${descriptor.digest} has media type ${descriptor.mediaType}, not ${oci/* MediaType */.zu.ociIndex}`);
            const index = await layout.readJson(descriptor.digest, oci/* ImageIndex */.yd, 'index');
            if (depth > 4)
                throw new errors/* ShipError */.fS(`index ${descriptor.digest} nests too deeply`);
            for (const entry of index.manifests)
                await visit(entry, depth + 1);
            return;
        }
        if (!(0,oci/* isImageManifestType */.tr)(descriptor.mediaType))
            return; // attestations and other artifacts are not layers
        const platform = descriptor.platform
            ? [descriptor.platform.os, descriptor.platform.architecture, descriptor.platform.variant].filter(Boolean).join('/')
            : undefined;
        const where = `manifest ${descriptor.digest}${platform ? ` (${platform})` : ''}`;
        if (descriptor.mediaType !== oci/* MediaType */.zu.ociManifest)
            defects.push(`${where} has media type ${descriptor.mediaType}: Docker manifests drop the eStargz annotations`);
        const manifest = await layout.readJson(descriptor.digest, oci/* ImageManifest */.nU, 'manifest');
        const config = await layout.readJson(manifest.config.digest, oci/* ImageConfig */.K8, 'config');
        if (config.rootfs.diff_ids.length !== manifest.layers.length)
            defects.push(`${where}: ${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diff_ids in the config`);
        for (const [i, layer] of manifest.layers.entries()) {
            const diffId = config.rootfs.diff_ids[i];
            const key = `${layer.digest}\0${diffId ?? ''}\0${JSON.stringify(layer.annotations ?? {})}`;
            let cached = verified.get(key);
            if (!cached) {
                onLayer?.(layer.digest);
                const facts = elsewhere?.get(layer.digest);
                cached = { report: facts ? checkAgainst(layer, diffId, facts) : await verifyOneLayer(layout, layer, diffId, options.tempDir) };
                verified.set(key, cached);
            }
            const { report } = cached;
            layers.push({
                manifest: descriptor.digest,
                platform,
                index: i,
                digest: layer.digest,
                tocDigest: report.tocDigest,
                entries: report.entries,
                lazyPull: report.lazyPull,
                defects: report.defects,
            });
        }
    }
    await visit(top, 0);
    return { ok: defects.length === 0 && layers.every((l) => l.defects.length === 0), layers, defects };
}
/** A layer checked elsewhere: its descriptor and the config's diff_id must say what was found there. */
function checkAgainst(layer, diffId, facts) {
    const defects = [];
    if (layer.mediaType !== oci/* MediaType */.zu.ociLayerGzip)
        defects.push(`media type is ${layer.mediaType}, not ${oci/* MediaType */.zu.ociLayerGzip}`);
    if (layer.size !== facts.size)
        defects.push(`the blob is ${facts.size} bytes, the descriptor says ${layer.size}`);
    const annotated = layer.annotations?.[oci/* Annotation */.YH.stargzTocDigest];
    if (annotated !== facts.tocDigest)
        defects.push(annotated === undefined
            ? `the layer has no ${oci/* Annotation */.YH.stargzTocDigest} annotation`
            : `TOC digest ${facts.tocDigest} does not match the annotation ${annotated}`);
    if (diffId !== facts.diffId)
        defects.push(`diff_id ${facts.diffId} does not match the config's ${diffId ?? 'none'}`);
    const size = layer.annotations?.[oci/* Annotation */.YH.estargzUncompressedSize];
    if (size !== undefined && size !== String(facts.uncompressedSize))
        defects.push(`uncompressed size ${facts.uncompressedSize} does not match the annotation ${size}`);
    return { defects, tocDigest: facts.tocDigest, entries: facts.entries, ...(facts.lazyPull === undefined ? {} : { lazyPull: facts.lazyPull }) };
}
async function verifyOneLayer(layout, layer, diffId, tempDir) {
    const defects = [];
    if (layer.mediaType !== oci/* MediaType */.zu.ociLayerGzip)
        defects.push(`media type is ${layer.mediaType}, not ${oci/* MediaType */.zu.ociLayerGzip}`);
    if (!(await layout.hasBlob(layer.digest)))
        return { defects: [...defects, 'the blob is missing'] };
    const counter = new oci/* DigestCounter */.VR();
    for await (const chunk of (0,external_node_fs_.createReadStream)(layout.blobPath(layer.digest), { highWaterMark: 1 << 20 }))
        counter.update(chunk);
    if (counter.digest() !== layer.digest)
        return { defects: [...defects, `the blob's content has digest ${counter.digest()}`] };
    if (counter.size !== layer.size)
        defects.push(`the blob is ${counter.size} bytes, the descriptor says ${layer.size}`);
    const report = await verifyLayerBlob(layout.blobPath(layer.digest), { annotations: layer.annotations, diffId }, { tempDir });
    return { ...report, defects: [...defects, ...report.defects] };
}

;// CONCATENATED MODULE: ./src/estargz/index.ts
/**
 * eStargz: converting an image's layers to eStargz (TOC, chunks, prefetch landmarks), reading a layer's TOC by
 * random access, and verifying a converted image. What the rest of src/ uses of estargz/, and only that.
 */








/***/ }),

/***/ 75601:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ isGlob),
/* harmony export */   t: () => (/* binding */ globToRegExp)
/* harmony export */ });
/**
 * Path globs, one meaning wherever a glob is read (prefetch lists, service discovery, change detection): `*` and `?`
 * stay inside one path segment, `**` spans any number of segments (also none, so `a/**\/b` matches `a/b`, and a
 * trailing `**` matches the rest of the path), and `[...]` is a character class, negated by a leading `!` (or `^`),
 * with a `]` right after the opening bracket taken as a member (as POSIX fnmatch and Go's path.Match read it). An
 * unclosed `[` is a plain character. Paths use `/`; callers clean paths and patterns the same way before matching.
 */
const cache = new Map();
/** Patterns come from a user's list: the cache stays small, but is bounded all the same. */
const MAX_CACHED = 1000;
/** Whether `pattern` holds a wildcard (and so is not a plain path). */
function isGlob(pattern) {
    return /[*?[]/.test(pattern);
}
/** The regular expression `pattern` stands for, anchored at both ends. */
function globToRegExp(pattern) {
    const cached = cache.get(pattern);
    if (cached)
        return cached;
    let source = '';
    for (let i = 0; i < pattern.length; i += 1) {
        const c = pattern[i];
        if (c === '*' && pattern[i + 1] === '*') {
            const slash = pattern[i + 2] === '/';
            source += slash ? '(?:.*/)?' : '.*';
            i += slash ? 2 : 1;
        }
        else if (c === '*')
            source += '[^/]*';
        else if (c === '?')
            source += '[^/]';
        else if (c === '[') {
            let first = i + 1;
            const negated = pattern[first] === '!' || pattern[first] === '^';
            if (negated)
                first += 1;
            const close = pattern.indexOf(']', pattern[first] === ']' ? first + 1 : first);
            if (close === -1)
                source += '\\[';
            else {
                // Ranges (`a-z`) are kept; what a regular expression would read otherwise inside a class is escaped.
                const members = pattern.slice(first, close).replace(/[\\\]^[]/g, '\\$&');
                source += `[${negated ? '^' : ''}${members}]`;
                i = close;
            }
        }
        else
            source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
    const regexp = new RegExp(`^${source}$`);
    if (cache.size >= MAX_CACHED)
        cache.clear();
    cache.set(pattern, regexp);
    return regexp;
}


/***/ })

};
