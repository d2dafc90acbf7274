export const id = 465;
export const ids = [465];
export const modules = {

/***/ 25465:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runShipCommand: () => (/* binding */ runShipCommand)
});

// EXTERNAL MODULE: ./src/runner.ts
var src_runner = __webpack_require__(74813);
// EXTERNAL MODULE: ./src/inputs/parse-config.ts + 3 modules
var parse_config = __webpack_require__(68867);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/inputs/value-parsers.ts
var value_parsers = __webpack_require__(71905);
;// CONCATENATED MODULE: ./src/inputs/warnings.ts
/**
 * Likely mistakes in inputs that are valid: each is said as a warning before anything runs, so a run that does
 * something other than what was meant says so at its top.
 */


/** The one platform MeshAgent runs room services on. */
const MESHAGENT_PLATFORM = 'linux/amd64';
/** `VALUE,NAME=...`: another assignment after a comma (upper-case names, as variables are; a URL query is not one). */
const JOINED_ASSIGNMENT = /,\s*[A-Z_][A-Z0-9_]*=/;
/** The warnings for this config, in input order; `arch` is the machine's (process.arch), for a native build. */
function inputWarnings(config, arch = process.arch) {
    const warnings = [];
    // Parsing refuses this unless MESHAGENT_SHIP_INSECURE_API=1 allowed it; allowed, it is still said.
    if (config.meshagent.apiKey !== '' && (0,value_parsers/* sendsInClear */.IV)(config.meshagent.apiUrl)) {
        warnings.push(`api-url: ${config.meshagent.apiUrl} is plain http: the API key crosses the network unencrypted (MESHAGENT_SHIP_INSECURE_API=1)`);
    }
    for (const { name, value } of config.service.env ?? []) {
        if (JOINED_ASSIGNMENT.test(value)) {
            // The name only: an env value may be a secret that is not masked yet, and the name is enough to find the line.
            warnings.push(`env: the value of ${(0,errors/* shown */.SP)(name)} looks like several variables joined by commas (",NAME="); write one NAME=value per line`);
        }
    }
    const foreign = config.image.platforms.filter((platform) => platform !== MESHAGENT_PLATFORM);
    if (foreign.length > 0) {
        warnings.push(`platforms: MeshAgent runs ${MESHAGENT_PLATFORM} only; an image for ${foreign.join(', ')} does not start there`);
    }
    else if (config.image.platforms.length === 0 && config.image.source === undefined && arch !== 'x64') {
        warnings.push(`platforms: this machine is ${arch}, so the build makes a ${arch} image, which MeshAgent does not run; set platforms: ${MESHAGENT_PLATFORM}`);
    }
    return warnings;
}

// EXTERNAL MODULE: ./src/reference.ts
var reference = __webpack_require__(98286);
// EXTERNAL MODULE: ./src/meshagent/client.ts + 2 modules
var meshagent_client = __webpack_require__(96399);
;// CONCATENATED MODULE: ./src/meshagent/repository.ts
/**
 * Make sure the project registry repository exists, safely when many jobs race to create it: look it up, create
 * it when missing, and on 409 (another job created it first) look it up again. A 403 on create gets the MeshAgent
 * CLI's guidance.
 */


/** A shell word as Python's shlex.quote writes it, so the hint can be pasted. */
function shellWord(word) {
    return /^[A-Za-z0-9@%+=:,./_-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}
function missingRepositoryError(projectId, projectKey, repositoryName) {
    const create = ['meshagent', 'registry', 'create', '--project-id', projectId, '--name', repositoryName].map(shellWord).join(' ');
    const list = ['meshagent', 'registry', 'list', '--project-id', projectId].map(shellWord).join(' ');
    return new errors/* ShipError */.fS(`the target repository does not exist in the selected project: ${projectKey}/${repositoryName}. ` +
        'meshagent-ship tried to create it automatically but your credentials do not have permission to create registry repositories.', { hint: `Create it with \`${create}\` or inspect existing repositories with \`${list}\`.` });
}
async function ensureRepository(client, projectKey, repositoryName) {
    const existing = await client.findRepository(repositoryName);
    if (existing)
        return { repository: existing, created: false };
    try {
        return { repository: await client.createRepository({ name: repositoryName }), created: true };
    }
    catch (error) {
        if ((0,meshagent_client/* isStatus */.zM)(error, 409)) {
            // Another job created it between our lookup and our create: read it back, consistently.
            const raced = await client.findRepository(repositoryName, 'high');
            if (raced)
                return { repository: raced, created: false };
        }
        if ((0,meshagent_client/* isStatus */.zM)(error, 403))
            throw missingRepositoryError(client.projectId, projectKey, repositoryName);
        throw error;
    }
}

// EXTERNAL MODULE: ./src/oci/index.ts + 20 modules
var oci = __webpack_require__(93078);
// EXTERNAL MODULE: ./src/registry-env.ts
var registry_env = __webpack_require__(41074);
;// CONCATENATED MODULE: ./src/pipeline/target-registry.ts


function openRegistry(target, credentials, hooks) {
    const http = {
        ...(hooks.debug ? { debug: hooks.debug } : {}),
        ...(hooks.retryLog ? { retryLog: hooks.retryLog } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
    };
    const client = new oci/* RegistryClient */.bP({
        registry: target.registry,
        ...(credentials ? { credentials } : {}),
        mask: hooks.mask,
        log: hooks.log,
        http,
        ...(0,registry_env/* registryClientIdentity */.jW)(target.registry),
    });
    return { client, close: () => client.close() };
}

;// CONCATENATED MODULE: ./src/pipeline/access.ts
/**
 * The ensure stage: the project registry repository exists (created when missing, safely when matrix jobs race),
 * and a short-lived repository token to push with. A dry run only looks, and says what it would create; an offline
 * dry run does not look.
 */



/** How long the push token lives: the CLI's one hour, which the server may shorten. */
const TOKEN_SECONDS = 3600;
/** An offline dry run looks nothing up: whether the repository exists is unknown. */
const OFFLINE_ACCESS = { created: null, credentials: undefined, tokenExpiresAt: undefined };
async function ensureStage(run, resolved) {
    const { config } = run;
    const { target } = resolved;
    if (target.offline) {
        run.stages.skip('ensure', 'offline: the repository was not looked up');
        return { ...resolved, access: OFFLINE_ACCESS, registry: undefined };
    }
    const access = await run.stages.run('ensure', 'Ensure the registry repository', () => ensurePushAccess(run.client, target, { dryRun: config.dryRun, push: config.image.push }), (a) => describeAccess(target, a, config.dryRun));
    if (config.dryRun || !config.image.push)
        return { ...resolved, access, registry: undefined };
    const registry = openRegistry(target, access.credentials, { mask: run.mask, log: run.log, debug: run.debug, retryLog: run.retryLog, signal: run.signal });
    run.closeAtEnd(() => registry.close());
    return { ...resolved, access, registry };
}
async function ensurePushAccess(client, target, options) {
    if (options.dryRun) {
        const existing = await client.findRepository(target.repositoryName);
        return { created: existing ? false : null, credentials: undefined, tokenExpiresAt: undefined };
    }
    const { repository, created } = await ensureRepository(client, target.projectKey, target.repositoryName);
    if (!options.push)
        return { created, credentials: undefined, tokenExpiresAt: undefined };
    // The client masks the token the moment it arrives.
    const token = await client.createRepositoryToken(repository.id, { actions: ['pull', 'push'], expires_in_seconds: TOKEN_SECONDS });
    return { created, credentials: { username: reference/* REGISTRY_USERNAME */.FV, password: token.token }, tokenExpiresAt: token.expires_at };
}
function describeAccess(target, access, dryRun) {
    const repository = `${target.projectKey}/${target.repositoryName}`;
    if (dryRun)
        return access.created === null ? `would create repository ${repository}` : `repository ${repository} exists`;
    const state = access.created ? 'created' : 'exists';
    return access.credentials ? `repository ${repository} ${state}; push token until ${access.tokenExpiresAt}` : `repository ${repository} ${state}`;
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./src/format.ts
/**
 * How sizes and counts read wherever a person reads them: the log lines of the stages and the job summary say them
 * the same way.
 */
/** `1 layer`, `2 layers`: a count with its noun. */
function count(n, noun) {
    return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
/** A byte size in binary units: `512 B`, `1.50 KiB`, `50.0 MiB`. */
function bytes(n) {
    if (n < 1024)
        return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let value = n / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit += 1;
    }
    return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

// EXTERNAL MODULE: ./src/estargz/index.ts + 21 modules
var estargz = __webpack_require__(46175);
// EXTERNAL MODULE: ./src/pipeline/estargz-conversion.ts
var estargz_conversion = __webpack_require__(24973);
// EXTERNAL MODULE: ./src/http.ts + 11 modules
var src_http = __webpack_require__(19990);
// EXTERNAL MODULE: ./src/pipeline/annotations.ts
var annotations = __webpack_require__(23708);
;// CONCATENATED MODULE: ./src/pipeline/reuse.ts
/**
 * Fast re-ships: layers the previous ship converted are reused instead of converted again. Every layer the converter
 * writes carries, on its manifest descriptor, the digest and diff_id of the source layer it came from, the
 * conversion's settings and its own diff_id (`com.meshagent.ship.*`, see annotations.ts). Before converting, the convert stage reads the
 * repository's previous image (the same tag, else the image the service runs now), per platform manifest, and a
 * source layer whose digest and settings match one recorded there is not converted: its eStargz blob is already in
 * the repository, so the push skips it, and the new manifest points at it.
 *
 * A reused blob is not downloaded. What is checked instead (trust, but verify what is cheap):
 *  - HEAD: the repository has the blob at the descriptor's size. Blobs are content-addressed, so these are the bytes
 *    the previous ship converted and verified whole (chunk digests, tar, diff_id) before it pushed them;
 *  - its footer and TOC, read by Range request as a lazy pull reads them: the TOC's digest must be the toc.digest
 *    annotation, so the snapshotter will accept it; the TOC also gives the report's lazy-pull bytes and the layer's
 *    paths (for attributing a prefetch list without reading the source layer);
 *  - the diff_id annotation must be the previous image's config's diff_id for that layer (the config is read, as it
 *    is small), so a tool that rewrote the layers but kept the annotations is caught; the uncompressed size is taken
 *    from the annotation the previous ship wrote after measuring it. Only holders of a push token for this
 *    repository can write either, and containerd checks the diff_id again when it unpacks the layer;
 *  - the source diff_id annotation stands for reading the source layer whole: the converter holds it to the diff_id
 *    the new image's config gives (bytes of the source digest, which it checks, have the diff_id measured then).
 * Nothing here may fail a ship: a previous image that is missing, unreadable or without the annotations, and a layer
 * that does not pass the checks, mean a full conversion of what is concerned, with a line in the log.
 */





/**
 * The layers of one image manifest that can be reused, and how many cannot: no or garbled annotations, or a diff_id
 * annotation that is not the one the image's config gives for that layer (`diffIds`, the config's rootfs.diff_ids).
 */
function conversionsOf(manifest, diffIds) {
    const conversions = [];
    let unusable = 0;
    for (const [i, layer] of manifest.layers.entries()) {
        const conversion = conversionOf(layer);
        if (conversion && conversion.diffId === diffIds[i])
            conversions.push(conversion);
        else
            unusable += 1;
    }
    return { conversions, unusable };
}
/** A layer descriptor's record of its conversion; undefined unless every annotation needed is there and well formed. */
function conversionOf(layer) {
    const a = layer.annotations ?? {};
    const source = a[annotations/* ShipAnnotation */.i.sourceDigest];
    const sourceDiffId = a[annotations/* ShipAnnotation */.i.sourceDiffId];
    const params = a[annotations/* ShipAnnotation */.i.conversion];
    const diffId = a[annotations/* ShipAnnotation */.i.diffId];
    const tocDigest = a[oci/* Annotation */.YH.stargzTocDigest];
    const uncompressed = a[oci/* Annotation */.YH.estargzUncompressedSize];
    if (layer.mediaType !== oci/* MediaType */.zu.ociLayerGzip)
        return undefined;
    // A layer converted before the source diff_id was recorded lacks it: it is converted again, once.
    if (!source || !(0,oci/* isDigest */.Bc)(source) || !sourceDiffId || !(0,oci/* isDigest */.Bc)(sourceDiffId) || !diffId || !(0,oci/* isDigest */.Bc)(diffId) || !tocDigest || !(0,oci/* isDigest */.Bc)(tocDigest))
        return undefined;
    if (!params || !/^estargz\/\d+ /.test(params))
        return undefined;
    if (!uncompressed || !/^\d+$/.test(uncompressed) || !Number.isSafeInteger(Number(uncompressed)))
        return undefined;
    return { source, sourceDiffId, params, digest: layer.digest, size: layer.size, tocDigest, diffId, uncompressedSize: Number(uncompressed) };
}
/**
 * The layers the repository's previous image holds, ready to be reused; undefined (after a log line saying why)
 * when there is nothing to reuse. Never throws.
 */
async function previousConversions(repo, options) {
    const { log } = options;
    try {
        const fromTag = await readImage(repo, options.tag);
        let found = fromTag ? { ...fromTag, where: `${repo.where}:${options.tag}` } : undefined;
        if (!found) {
            const running = await options.running?.().catch(() => undefined);
            const digest = running ? digestIn(running, repo) : undefined;
            const fromService = digest ? await readImage(repo, digest) : undefined;
            if (fromService && digest)
                found = { ...fromService, where: `${repo.where}@${digest} (the image the service runs)` };
        }
        if (!found) {
            log(`no previous image of ${repo.where}:${options.tag}: every layer is converted`);
            return undefined;
        }
        const { conversions, unusable, digest, where, startups } = found;
        if (conversions.length === 0) {
            log(`the previous image ${where} (${(0,oci/* short */.h0)(digest)}) records no conversions to reuse: every layer is converted`);
            return undefined;
        }
        log(`the previous image ${where} (${(0,oci/* short */.h0)(digest)}) records ${conversions.length} converted layer${conversions.length === 1 ? '' : 's'}${unusable ? ` (${unusable} more without usable annotations)` : ''}`);
        return new RegistryReuse(repo, conversions, log, startups);
    }
    catch (error) {
        log(`the previous image could not be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): every layer is converted`);
        return undefined;
    }
}
/** The digest of a pinned reference to this repository, e.g. `host/key/app@sha256:...`; undefined for anything else. */
function digestIn(reference, repo) {
    const at = reference.lastIndexOf('@');
    if (at === -1)
        return undefined;
    const digest = reference.slice(at + 1);
    const name = reference.slice(0, at).replace(/:[\w][\w.-]{0,127}$/, '');
    return (0,oci/* isDigest */.Bc)(digest) && name === repo.where ? digest : undefined;
}
/** An image by tag or digest: every platform's conversions; undefined when the repository has none by that name. */
async function readImage(repo, reference) {
    let top;
    try {
        top = await repo.getManifest(reference);
    }
    catch (error) {
        if (error instanceof src_http/* HttpError */.j$ && error.status === 404)
            return undefined;
        throw error;
    }
    const conversions = [];
    const startups = [];
    let unusable = 0;
    for (const { manifest } of await (0,oci/* remoteImageManifests */.IY)(repo, reference, top)) {
        const startup = manifest.annotations?.[annotations/* ShipAnnotation */.i.prefetchAuto];
        if (startup)
            startups.push(startup);
        // The config is fetched only when some layer records a conversion: a plain image costs nothing more.
        const recorded = manifest.layers.some((layer) => conversionOf(layer) !== undefined);
        const found = conversionsOf(manifest, recorded ? await configDiffIds(repo, manifest.config) : []);
        conversions.push(...found.conversions);
        unusable += found.unusable;
    }
    return { digest: top.digest, conversions, unusable, startups };
}
/** Configs are small; a larger one is not what the converter wrote, and is not read. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** The diff_ids of an image's config, read from the registry and checked against its digest. */
async function configDiffIds(repo, config) {
    if (config.size > MAX_CONFIG_BYTES)
        throw new errors/* ShipError */.fS(`its config is ${config.size} bytes, more than a config can be`);
    const bytes = await repo.readBlobRange(config.digest, 0, config.size);
    if ((0,oci/* sha256 */.sc)(bytes) !== config.digest)
        throw new errors/* ShipError */.fS(`its config ${(0,oci/* short */.h0)(config.digest)} came back with other content`);
    return oci/* ImageConfig */.K8.parse(JSON.parse(bytes.toString('utf8'))).rootfs.diff_ids;
}
/** The previous image's conversions, each checked in the registry the first time it is asked for. */
class RegistryReuse {
    repo;
    log;
    startups;
    byKey = new Map();
    bySource = new Map();
    checks = new Map();
    /** The blobs whose failed check is in the log already. */
    told = new Set();
    constructor(repo, conversions, log, 
    /** The `prefetch: auto` records of the previous image's manifests (annotation values, unparsed). */
    startups = []) {
        this.repo = repo;
        this.log = log;
        this.startups = startups;
        for (const c of conversions) {
            this.byKey.set(`${c.source}\0${c.params}`, c);
            if (!this.bySource.has(c.source))
                this.bySource.set(c.source, c);
        }
    }
    async prepare(sources) {
        const listings = new Map();
        const known = [...new Set(sources)].filter((s) => this.bySource.has(s));
        // The matching conversions first, so a layer that will be reused is checked once, in parallel with the others.
        await (0,oci/* forEachLimited */.vP)(known, 4, async (source) => {
            const conversion = this.bySource.get(source);
            const checked = conversion ? await this.check(conversion) : undefined;
            if (checked)
                listings.set(source, checked.listing);
        });
        return listings;
    }
    knows(source) {
        return this.bySource.has(source);
    }
    async find(source, params) {
        const conversion = this.byKey.get(`${source}\0${params}`);
        if (!conversion) {
            const other = this.bySource.get(source);
            if (other)
                this.log(`${(0,oci/* short */.h0)(source)}: the previous ship converted it with other settings (${other.params}; now ${params})`);
            return undefined;
        }
        return (await this.check(conversion))?.reused;
    }
    /**
     * Checks every conversion the previous image records, before the converter asks for any (the lookup runs while
     * the image builds). A check that fails is said when a layer of the new image needs it, not here.
     */
    async checkAll() {
        await (0,oci/* forEachLimited */.vP)([...this.bySource.values()], 4, async (conversion) => void (await this.start(conversion)));
    }
    async check(conversion) {
        const result = await this.start(conversion);
        if (!(result instanceof Error))
            return result;
        if (!this.told.has(conversion.digest)) {
            this.told.add(conversion.digest);
            this.log(`${(0,oci/* short */.h0)(conversion.source)}: the previous ship's ${(0,oci/* short */.h0)(conversion.digest)} cannot be reused (${result.message.split('\n')[0]}); converting it`);
        }
        return undefined;
    }
    /** The check of a conversion's blob, started once; its failure as a value. */
    start(conversion) {
        let pending = this.checks.get(conversion.digest);
        if (!pending) {
            pending = this.checkNow(conversion).catch((error) => (error instanceof Error ? error : new Error(String(error))));
            this.checks.set(conversion.digest, pending);
        }
        return pending;
    }
    async checkNow(conversion) {
        const { digest, size } = conversion;
        const stored = await this.repo.blobSize(digest);
        if (stored === undefined)
            throw new errors/* ShipError */.fS('the repository no longer has the blob');
        if (stored !== size)
            throw new errors/* ShipError */.fS(`the blob is ${stored} bytes, its descriptor says ${size}`);
        const reader = { size, read: (start, length) => this.repo.readBlobRange(digest, start, length) };
        const blob = await (0,estargz/* readToc */.PP)(reader);
        if (blob.tocDigest !== conversion.tocDigest)
            throw new errors/* ShipError */.fS(`its TOC digest is ${blob.tocDigest}, the annotation says ${conversion.tocDigest}`);
        return {
            reused: {
                digest,
                size,
                tocDigest: blob.tocDigest,
                diffId: conversion.diffId,
                sourceDiffId: conversion.sourceDiffId,
                uncompressedSize: conversion.uncompressedSize,
                entries: blob.entries,
                lazyPull: (0,estargz/* lazyPull */._A)(blob),
            },
            // The TOC is streamed, not kept: a prefetch list reads it again (and checks its digest again) for the entries.
            listing: () => (0,estargz/* readTocListing */.dN)(reader, blob),
        };
    }
}

;// CONCATENATED MODULE: ./src/pipeline/previous-lookup.ts

/** Starts the lookup for `ensured`'s target; undefined when nothing is pushed or converted (nothing to reuse). */
function lookUpPrevious(run, ensured) {
    const { config } = run;
    const { target, registry } = ensured;
    if (!registry || !config.image.estargz)
        return undefined;
    const held = [];
    let sink;
    const log = (line) => (sink ? sink(line) : void held.push(line));
    const room = config.meshagent.room;
    const pending = previousConversions(registry.client.repository(target.registryRepository, ['pull', 'push']), {
        tag: target.tag.tag ?? 'latest',
        ...(room ? { running: () => run.client.serviceImage(room, target.serviceName) } : {}),
        log,
    })
        .then(async (reuse) => {
        // Every layer it records, checked now: those the new image has again are then ready when the converter asks.
        await reuse?.checkAll();
        return reuse;
    })
        .catch(() => undefined);
    return async (to) => {
        const reuse = await pending;
        for (const line of held.splice(0))
            to(line);
        sink = to;
        return reuse;
    };
}

// EXTERNAL MODULE: ./src/prefetch-auto/index.ts + 6 modules
var prefetch_auto = __webpack_require__(86004);
// EXTERNAL MODULE: ./src/pipeline/runnable-image.ts
var runnable_image = __webpack_require__(83565);
;// CONCATENATED MODULE: ./src/pipeline/convert.ts
/**
 * The convert stage: every layer of the image becomes eStargz (with the prefetch list written first), the result
 * is checked by the verifier before anything is pushed, and each layer is described for the report — including
 * how many bytes a lazy pull reads before the service starts. With `estargz: false` the image ships as it is.
 * Layers the previous ship converted with the same settings are reused rather than converted (reuse.ts): their
 * blobs stay in the registry, so they are checked there, not read here.
 */











async function convertStage(run, built, previous = lookUpPrevious(run, built)) {
    const { config, log } = run;
    // The previous image of the tag (else the one the service runs) lends the layers it converted with the same
    // settings; the lookup was started before the build (ship.ts), so it is mostly done by now.
    const image = await run.stages.run('convert', config.image.estargz ? 'Convert every layer to eStargz' : 'Keep the layers as they are', () => shippableImage(built.source, config, built.workDir, log, { ...(previous ? { previous: () => previous(log) } : {}), signal: run.signal }), describeConversion);
    return { ...built, image };
}
/** Layers larger than this get a progress line as they convert. */
const PROGRESS_BYTES = 64 * 1024 * 1024;
async function shippableImage(source, config, workDir, log, options = {}) {
    if (!config.image.estargz) {
        // Shipped as it is: the media types and compressions are checked here, the blobs' digests as the push reads them.
        await (0,estargz/* checkImageParts */.s0)(source.layout, source.descriptor);
        const runnable = await (0,runnable_image/* readRunnableConfig */.c)(source.layout, source.descriptor);
        const layers = runnable.manifest.layers.map((l) => plainLayer(l.digest, l.size));
        return { layout: source.layout, descriptor: source.descriptor, layers, startup: startupOf(source.descriptor, runnable, layers), converted: false };
    }
    const reuse = await options.previous?.();
    const sourceManifest = (await (0,runnable_image/* readRunnableConfig */.c)(source.layout, source.descriptor)).manifest;
    const sourceConfig = sourceManifest.config.digest;
    const auto = config.image.prefetchAuto;
    const recording = auto
        ? await recordForShip(source, config, { workDir, timeoutSeconds: auto.timeoutSeconds, log, sourceConfig, saved: reuse?.startups ?? [] })
        : undefined;
    const out = await oci/* OciLayout */.Al.create((0,external_node_path_.join)(workDir, 'estargz'));
    const sourceSizes = new Map(sourceManifest.layers.map((l) => [l.digest, l.size]));
    let reported = 0; // progress lines so far for the layer converting now
    const conversion = await (0,estargz_conversion/* convertImageForShip */.s)(source.layout, source.descriptor, out, {
        level: config.image.compressionLevel,
        // Temporary files go under the run's work dir, which a forced exit removes with everything in it.
        tempDir: workDir,
        // Explicit paths first, then what the service opened at start.
        prefetch: [...config.image.prefetch, ...(recording?.paths ?? []).map((opened) => ({ opened }))],
        ...(recording ? { manifestAnnotations: { [annotations/* ShipAnnotation */.i.prefetchAuto]: (0,prefetch_auto/* savedRecord */.Vg)(recording, sourceConfig) } } : {}),
        ...(reuse ? { reuse } : {}),
        onLayer: (event) => {
            options.signal?.throwIfAborted();
            if (event.kind === 'start') {
                reported = 0;
                log(`converting ${event.digest.slice(0, 19)} (${bytes(event.size)})`);
            }
            else if (event.kind === 'reused')
                log(`reused ${event.digest.slice(0, 19)} -> ${event.result.digest.slice(0, 19)} (${bytes(event.result.size)}, converted by the previous ship)`);
            else if (event.kind === 'done')
                log(`  -> ${event.result.digest.slice(0, 19)} (${bytes(event.result.size)}, ${event.result.entries} entries${event.result.passedThrough ? ', already eStargz: kept' : ''})`);
            else if (Math.floor(event.payloadBytes / PROGRESS_BYTES) > reported) {
                reported = Math.floor(event.payloadBytes / PROGRESS_BYTES);
                log(`  ${bytes(event.payloadBytes)} written`);
            }
        },
    });
    for (const miss of conversion.missingPrefetch)
        log(`warning: ${(0,estargz/* describeMiss */.gx)(miss)}`);
    await out.setRef(conversion.descriptor, 'ship');
    // Reused layers are not in the output layout. Their blobs were checked in the registry (size, TOC digest, and the
    // diff_id against the previous config: see reuse.ts); the verifier checks the new descriptors and config agree.
    const elsewhere = new Map();
    for (const layer of conversion.manifests.flatMap((m) => m.layers))
        if (layer.reused)
            elsewhere.set(layer.reused.digest, layer.reused);
    if (reuse) {
        const all = new Set(conversion.manifests.flatMap((m) => m.layers.map((l) => `${l.source}\0${l.result.digest}`))).size;
        log(`reused ${elsewhere.size} of ${count(all, 'layer')} (converted by the previous ship)`);
    }
    options.signal?.throwIfAborted();
    const verdict = await (0,estargz/* verifyImage */.ZG)(out, conversion.descriptor, { elsewhere, tempDir: workDir });
    if (!verdict.ok) {
        const defects = [...verdict.defects, ...verdict.layers.flatMap((l) => l.defects.map((d) => `layer ${l.digest}: ${d}`))];
        throw new errors/* ShipError */.fS(`the converted image failed verification: ${defects.slice(0, 5).join('; ')}`, {
            hint: 'this is a bug in the converter: report it, and set estargz: false to ship meanwhile',
        });
    }
    // The verifier read every TOC: what a lazy pull reads before start comes from there, not from another reading.
    const lazyPulls = new Map(verdict.layers.map((l) => [l.digest, l.lazyPull]));
    const runnable = await (0,runnable_image/* readRunnableConfig */.c)(out, conversion.descriptor);
    const { manifest } = runnable;
    // The converted manifest the runnable image came from: the one with the same layers.
    const converted = conversion.manifests.find((m) => m.layers.length === manifest.layers.length && m.layers.every((l, i) => l.result.digest === manifest.layers[i]?.digest));
    const layers = [];
    for (const [index, descriptor] of manifest.layers.entries()) {
        const origin = converted?.layers[index];
        const lazy = origin?.reused ? origin.reused.lazyPull : lazyPulls.get(descriptor.digest);
        if (lazy === undefined)
            throw new errors/* ShipError */.fS(`layer ${descriptor.digest} was not verified`, {
                hint: 'this is a bug in the converter: report it, and set estargz: false to ship meanwhile',
            });
        layers.push({
            sourceDigest: origin?.source ?? descriptor.digest,
            sourceSize: (origin && sourceSizes.get(origin.source)) ?? (await sizeOf(source.layout, origin?.source)) ?? descriptor.size,
            digest: descriptor.digest,
            size: descriptor.size,
            tocDigest: origin?.result.tocDigest ?? null,
            prefetchFiles: origin?.prefetchFiles ?? 0,
            prefetchBytes: lazy.bytes,
            fetchedBeforeStart: lazy.fetched,
            reused: (origin?.reused !== undefined || origin?.result.passedThrough) ?? false,
            conversion: origin?.reused ? 'reused' : origin?.result.passedThrough ? 'kept' : 'converted',
            push: null,
        });
    }
    const startup = { ...startupOf(conversion.descriptor, runnable, layers), auto: recording ? (0,prefetch_auto/* describeOutcome */.SS)(recording) : null };
    return { layout: out, descriptor: conversion.descriptor, layers, startup, converted: true };
}
/**
 * `prefetch: auto`: the files the image opens at start, from the previous image's record when that was made from the
 * same source config (same layers, entrypoint, env), else by running the image. Never fails: the log says why
 * nothing was recorded.
 */
async function recordForShip(source, config, how) {
    const { log } = how;
    const saved = (0,prefetch_auto/* reusableRecord */.pk)(how.saved, how.sourceConfig);
    if (saved) {
        const previous = { ...saved, reusedFor: how.sourceConfig };
        log(`prefetch auto: the previous image's record is reused: ${(0,prefetch_auto/* describeOutcome */.SS)(previous)}`);
        return previous;
    }
    const ports = config.service.ports?.map((p) => p.num);
    const recording = await (0,prefetch_auto/* recordStartup */.Hz)(source.layout, source.descriptor, {
        workDir: how.workDir,
        timeoutSeconds: how.timeoutSeconds,
        log,
        ...(ports ? { ports } : {}),
    });
    log(`prefetch auto: ${(0,prefetch_auto/* describeOutcome */.SS)(recording)}`);
    if (recording.output)
        log(`prefetch auto: the service's last output line: ${recording.output}`);
    return recording;
}
/**
 * The start-up cost of the image a service runs: its documents (the index, when there is one, the manifest and the
 * config) are fetched whole, and of each layer what the report says a lazy pull fetches before start.
 */
function startupOf(top, runnable, layers) {
    const documents = top.size + (runnable.descriptor.digest === top.digest ? 0 : runnable.descriptor.size) + runnable.manifest.config.size;
    return {
        bytesBeforeStart: documents + layers.reduce((sum, l) => sum + l.fetchedBeforeStart, 0),
        imageBytes: documents + layers.reduce((sum, l) => sum + l.size, 0),
        prefetchedFiles: layers.reduce((sum, l) => sum + l.prefetchFiles, 0),
        auto: null,
    };
}
function describeConversion(image) {
    if (!image.converted)
        return `${count(image.layers.length, 'layer')} kept as they are (estargz: false)`;
    const { bytesBeforeStart, imageBytes } = image.startup;
    const kept = image.layers.filter((l) => l.conversion === 'kept').length;
    const reused = image.layers.filter((l) => l.conversion === 'reused').length;
    const notes = [...(reused ? [`${reused} reused from the previous ship`] : []), ...(kept ? [`${kept} already eStargz`] : [])];
    return `${count(image.layers.length, 'layer')} as eStargz (${bytes(imageBytes)}; a lazy pull fetches ${bytes(bytesBeforeStart)} before start)${notes.map((n) => `, ${n}`).join('')}; verified`;
}
function plainLayer(digest, size) {
    return {
        sourceDigest: digest,
        sourceSize: size,
        digest,
        size,
        tocDigest: null,
        prefetchFiles: 0,
        prefetchBytes: size,
        fetchedBeforeStart: size,
        reused: true,
        conversion: 'as-is',
        push: null,
    };
}
async function sizeOf(layout, digest) {
    if (!digest)
        return undefined;
    return (await (0,promises_.stat)(layout.blobPath(digest)).catch(() => undefined))?.size;
}

// EXTERNAL MODULE: ./src/stop.ts
var src_stop = __webpack_require__(51123);
// EXTERNAL MODULE: ./src/meshagent/wire-service.ts + 1 modules
var wire_service = __webpack_require__(69304);
;// CONCATENATED MODULE: ./src/meshagent/existing-service.ts
/**
 * The room's existing service of a name, read as the CLI finds it and as a spec that can be sent back whole.
 */


/** The room's service of this name, as the CLI finds it (the list, exact metadata.name), read as a full spec. */
async function findExistingService(client, room, name) {
    const record = (await client.listServices(room, 'high')).find((service) => service.metadata.name === name);
    return record === undefined ? undefined : existingSpec(record, name);
}
/**
 * An existing service as a spec that can be sent back. A field this version does not know would be lost by the
 * update, so such a service is left alone with an error rather than silently changed.
 */
function existingSpec(record, name) {
    const parsed = wire_service/* ServiceSpec */.F5.safeParse(record);
    if (parsed.success)
        return parsed.data;
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(spec)'))].join(', ');
    throw new errors/* ShipError */.fS(`existing service ${name} has a spec meshagent-ship cannot update without losing parts of it (${fields}); it was left unchanged`, {
        hint: 'update meshagent-ship, or deploy this service with the MeshAgent CLI',
    });
}
function requireId(existing, name) {
    if (!existing.id)
        throw new errors/* ShipError */.fS(`existing service ${name} is missing an id`, {
            hint: 'the API answered a service without an id; retry, or inspect it with `meshagent services list`',
        });
    return existing.id;
}

// EXTERNAL MODULE: ./src/meshagent/image-runtime.ts
var image_runtime = __webpack_require__(95010);
// EXTERNAL MODULE: ./src/meshagent/service-annotations.ts
var service_annotations = __webpack_require__(97730);
;// CONCATENATED MODULE: ./src/meshagent/deploy-undo.ts
/**
 * What takes each write of a deploy back: the service's previous spec put back, a service or route the deploy
 * created deleted, a route update undone; and the rules for recording an undo, also for a write whose answer was
 * lost. A step leaves alone what another deploy changed meanwhile: taking this one back must not undo that one.
 */





/** Runs a write and records its undo: when it worked, and when it failed in a way that may have been applied. */
async function written(write, undo, step) {
    const value = await unsure(write, undo, step);
    undo.add(step);
    return value;
}
/** Runs a write; when it fails in a way that may have been applied, records its undo before passing the error on. */
async function unsure(write, undo, step) {
    try {
        return await write();
    }
    catch (error) {
        if (!isRefusal(error))
            undo.add(step);
        throw error;
    }
}
/**
 * An answer that says the write was not done: a 4xx, or 503 (RFC 9110 15.6.4: the server cannot handle the
 * request now). Any other 5xx, a timeout or a lost answer says nothing either way: a gateway may have passed the
 * write on. Our own refusal (a ShipError that is no HTTP failure, such as a domain found taken) sent no write.
 */
function isRefusal(error) {
    if (!(error instanceof src_http/* HttpError */.j$))
        return error instanceof errors/* ShipError */.fS;
    if (error.status === undefined)
        return false;
    return (error.status >= 400 && error.status < 500) || error.status === 503;
}
function restoreService(at, id, previous) {
    const { client, room } = at;
    const name = previous.metadata.name;
    const image = (0,image_runtime/* shippedImage */.Xt)(previous);
    return {
        effect: 'restored',
        target: 'service',
        undone: `service ${name} was restored to the spec it had before`,
        leftover: {
            what: `service ${name} (${id}) may run the new spec without the rest of the deploy`,
            fix: `ship again once the API answers (a ship that completes writes the service and its route together)${image ? `, or ship the image it ran before (image: ${(0,errors/* shown */.SP)(image)}) to go back` : ''}`,
        },
        run: async () => {
            const moved = await changedByAnother(at, name);
            if (moved)
                return moved;
            await client.updateService(room, id, previous);
        },
    };
}
function removeCreatedService(at, id) {
    const { client, room, serviceName: name } = at;
    return {
        effect: 'removed',
        target: 'service',
        undone: `service ${name}, created by this deploy, was deleted`,
        leftover: {
            what: `service ${name} (${id}), created by this deploy, is still in room ${room}`,
            fix: `ship again once the API answers to complete it, or delete service ${name} from room ${room}`,
        },
        run: async () => {
            const moved = await changedByAnother(at, name);
            if (moved)
                return moved;
            await client.deleteService(room, id, name);
        },
    };
}
/**
 * Why a service must be left as it is now: another deploy wrote it after this one (it no longer runs this deploy's
 * image) or deleted it. Taking this deploy back then would undo the other one, which succeeded.
 */
async function changedByAnother(at, name) {
    const now = await findExistingService(at.client, at.room, name);
    if (!now)
        return `service ${name} was left as it is: it was deleted meanwhile`;
    if (!(0,image_runtime/* runsImage */.m2)(now, at.imageRef))
        return `service ${name} was left as it is: another deploy changed it meanwhile (it runs ${(0,image_runtime/* shippedImage */.Xt)(now) ?? 'no image'})`;
    return undefined;
}
/** A create whose answer was lost: the service is deleted if it is there and runs this deploy's image. */
function removeUnsureCreate(at) {
    const { client, room, serviceName } = at;
    return {
        effect: 'removed',
        target: 'service',
        undone: `service ${serviceName}, which this deploy may have created, is not in room ${room} (deleted if it was)`,
        leftover: {
            what: `service ${serviceName} may have been created in room ${room}`,
            fix: `ship again once the API answers to complete it, or delete service ${serviceName} from room ${room} if it is there`,
        },
        run: async () => {
            const found = await findExistingService(client, room, serviceName);
            if (found?.id && (0,image_runtime/* runsImage */.m2)(found, at.imageRef))
                await client.deleteService(room, found.id, serviceName);
        },
    };
}
/** A route update whose answer may have been lost: the route is put back as it was, if it is still this service's. */
function restoreRoute(client, previous, serviceName) {
    const domain = previous.domain;
    return {
        effect: 'restored',
        target: 'route',
        undone: `route ${domain} was restored to the spec it had before`,
        leftover: {
            what: `route ${domain} may point at a port the restored service ${serviceName} does not publish`,
            fix: `ship again once the API answers, which routes the domain to the service's port`,
        },
        run: async () => {
            const now = await client.getRoute(domain);
            if (!now)
                return `route ${domain} was left as it is: it was deleted meanwhile`;
            const owner = now.spec.metadata.annotations[service_annotations/* SERVICE_ID_ANNOTATION */.iY];
            if (owner !== undefined && owner !== serviceName)
                return `route ${domain} was left as it is: service ${owner} took it meanwhile`;
            await client.updateRoute(previous);
        },
    };
}
function removeClaimedRoute(client, domain, serviceName) {
    return {
        effect: 'removed',
        target: 'route',
        undone: `route ${domain}, created by this deploy, was deleted`,
        leftover: {
            what: `route ${domain}, created by this deploy, is still there`,
            fix: `nothing is broken by it (a later ship of service ${serviceName} uses it); to free the domain, delete it ('meshagent route delete ${domain}')`,
        },
        run: async () => {
            const now = await client.getRoute(domain);
            if (!now)
                return `route ${domain} is not there (it was not created, or was deleted meanwhile)`;
            const owner = now.spec.metadata.annotations[service_annotations/* SERVICE_ID_ANNOTATION */.iY];
            if (owner !== serviceName)
                return `route ${domain} was left as it is: it is not this deploy's (it routes to ${owner ?? 'no service'})`;
            await client.deleteRoute(domain);
        },
    };
}

// EXTERNAL MODULE: ./src/python-text.ts
var python_text = __webpack_require__(4461);
;// CONCATENATED MODULE: ./src/meshagent/route.ts
/**
 * A service's domain, as the CLI routes it (cli image.py:3363-3436), split into a look that writes nothing and the
 * writes it leads to, so a deploy can refuse a domain before it touches the service, and claim a new one first.
 *
 * A domain is refused when its route belongs to another room, to an agent, or to another service of the same room
 * (its `meshagent.service.id` names that service). The CLI only refuses another room; taking a domain over from a
 * service of the same room would silently unroute that service, so meshagent-ship refuses it too.
 */




/**
 * The route spec the CLI writes for a service's domain, as its RouteSpec model serialises it (defaults and nulls
 * included): `/` to the service's port, then each extra path to its target (cli image.py:3363-3391).
 */
function serviceRouteSpec(route) {
    return {
        version: 'v1',
        kind: 'Route',
        metadata: { name: route.domain, annotations: { [service_annotations/* SERVICE_ID_ANNOTATION */.iY]: route.serviceName } },
        domain: route.domain,
        backend: { room: { name: route.room }, agent: null },
        paths: [
            { path: '/', pathType: 'prefix', targetPort: String(route.port) },
            ...(route.extraPorts ?? []).map((extra) => ({ path: extra.path, pathType: 'prefix', targetPort: extra.target })),
        ],
    };
}
/** Reads the domain's route and decides the write it needs; refuses a route that belongs elsewhere. Writes nothing. */
async function planRoute(client, request) {
    return decideRoute(await client.getRoute(request.domain), request);
}
/**
 * The write a route needs, given the route found (or none): refused when it belongs to another room, an agent or
 * another service; else its service id is merged into its annotations and it is updated only when its paths or
 * annotations differ, as the CLI compares them.
 */
function decideRoute(current, request) {
    const desired = serviceRouteSpec(request);
    if (!current)
        return { kind: 'create', request, spec: desired };
    checkRouteOwner(current, request);
    const annotations = { ...current.spec.metadata.annotations, [service_annotations/* SERVICE_ID_ANNOTATION */.iY]: request.serviceName };
    if (pathKey(current.spec.paths) === pathKey(desired.paths ?? []) && sameAnnotations(current.spec.metadata.annotations, annotations)) {
        return { kind: 'unchanged', request };
    }
    // The CLI sends its own route spec with the merged annotations, not the stored one patched.
    return { kind: 'update', request, spec: { ...desired, metadata: { name: request.domain, annotations } }, previous: current.spec };
}
/**
 * Claims a new domain before the service is written: creates the route (then it is this run's to remove). When
 * another run created it meanwhile (409), the route is read again and decided as if it had been there: refused,
 * or the plan that remains, for `finishRoute`.
 */
async function claimRoute(client, plan) {
    const { domain, room, port, log = () => { } } = plan.request;
    try {
        await client.createRoute(plan.spec);
        log(`Created route: ${domain} -> ${room}:${port}`);
        return { created: true };
    }
    catch (error) {
        if (!(0,meshagent_client/* isStatus */.zM)(error, 409))
            throw error;
    }
    const current = await client.getRoute(domain);
    if (!current)
        throw new errors/* ShipError */.fS(`route ${domain} was taken and then removed while deploying`, { input: 'domain', hint: 'retry the deploy' });
    return { created: false, plan: decideRoute(current, plan.request) };
}
/** The write left after the claim: the update of a route this service already had, or nothing. */
async function finishRoute(client, plan) {
    const { domain, room, port, log = () => { } } = plan.request;
    if (plan.kind === 'unchanged') {
        log(`Route already configured: ${domain} -> ${room}:${port}`);
        return;
    }
    if (plan.kind === 'create')
        throw new Error('finishRoute: a new route is claimed before the service is written');
    await client.updateRoute(plan.spec);
    log(`Updated route: ${domain} -> ${room}:${port}`);
}
/** Routes the domain to the room's service port in one go (plan, claim, finish), as the CLI's route upsert. */
async function routeDomain(client, request) {
    const plan = await planRoute(client, request);
    if (plan.kind === 'create') {
        const claim = await claimRoute(client, plan);
        if (claim.created)
            return 'created';
        await finishRoute(client, claim.plan);
        return claim.plan.kind === 'update' ? 'updated' : 'unchanged';
    }
    await finishRoute(client, plan);
    return plan.kind === 'update' ? 'updated' : 'unchanged';
}
/** The domain of the room route whose service-id annotation names this service, if any. */
async function findServiceDomain(client, room, serviceName) {
    const routes = await client.listRoomRoutes(room);
    const match = routes.find((route) => (route.spec?.metadata?.annotations ?? {})[service_annotations/* SERVICE_ID_ANNOTATION */.iY] === serviceName);
    return match?.domain;
}
// ---------------------------------------------------------------------------------------------------------------
/** Refuses a route that belongs to another room, an agent, or another service of the room. */
function checkRouteOwner(route, request) {
    const { domain, room, serviceName } = request;
    const { backend } = route.spec;
    const remove = `remove the route first ('meshagent route delete ${domain}')`;
    if (!backend.room || backend.room.name !== room) {
        const target = backend.room ? `room ${backend.room.name}` : `agent ${backend.agent?.name ?? ''}`;
        throw new errors/* ShipError */.fS(`domain ${domain} already routes to ${target}. Refusing to change it to room ${room}.`, {
            input: 'domain',
            hint: `choose another domain, or ${remove}`,
        });
    }
    const owner = route.spec.metadata.annotations[service_annotations/* SERVICE_ID_ANNOTATION */.iY];
    if (owner !== undefined && owner !== serviceName) {
        throw new errors/* ShipError */.fS(`domain ${domain} already routes to service ${owner} in room ${room}. Refusing to change it to service ${serviceName}.`, {
            input: 'domain',
            hint: `choose another domain, deploy as service ${owner} (service-name), or ${remove}`,
        });
    }
}
/**
 * Paths compared as the CLI compares them: each path's `path` and its target port as text, nothing else
 * (`_route_paths_match`, cli image.py:3354-3360). A route the CLI finds configured is left alone here too.
 */
function pathKey(paths) {
    // Python's str(None) for a path without a port.
    return JSON.stringify(paths.map((p) => [p.path ?? '/', p.targetPort === undefined || p.targetPort === null ? 'None' : String(p.targetPort)]));
}
function sameAnnotations(a, b) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => a[key] === b[key]);
}
// ---------------------------------------------------------------------------------------------------------------
// Extra paths
/**
 * Warns, as the CLI does (cli image.py:3207-3250), of each extra path whose target no service of the room publishes:
 * the route is still written, and the path answers once such a service runs. The room's services are counted as the
 * deploy leaves them (the CLI counts them as they are before it).
 */
async function warnUnresolvedExtraPorts(client, room, deployed, extraPorts, log) {
    if (extraPorts.length === 0)
        return;
    const listed = (await client.listServices(room));
    const services = [...listed.filter((service) => service.metadata.name !== deployed.metadata.name), deployed];
    for (const { target, path } of extraPorts) {
        if (services.some((service) => publishesTarget(service, target)))
            continue;
        const what = typeof target === 'number' ? `publishes port ${target}` : `matches target ${target}`;
        log(`Warning: no service currently ${what} in room ${room}; route path ${path} may not resolve.`);
    }
}
/** Whether a service publishes an extra path's target: the port, or the service (by name or id) and its port. */
function publishesTarget(service, target) {
    const published = (service.ports ?? []).filter((port) => port.published);
    if (typeof target === 'number')
        return published.some((port) => port.num === target);
    const colon = target.indexOf(':');
    const name = colon === -1 ? target : target.slice(0, colon);
    if (service.metadata.name !== name && service.id !== name)
        return false;
    if (colon === -1)
        return published.length > 0;
    const port = (0,python_text/* pyDecimalValue */.GZ)(target.slice(colon + 1));
    return published.some((p) => p.num === port);
}

// EXTERNAL MODULE: ./src/meshagent/reserved-ports.ts
var reserved_ports = __webpack_require__(55881);
;// CONCATENATED MODULE: ./src/meshagent/service-ports.ts
/**
 * The ports of a room service, as the CLI's `deploy` chooses them: the ports input, else the existing service's,
 * else the image's exposed TCP ports; none of them reserved for room infrastructure. Then the liveness path, public
 * access and request validation on each, and the one published port a domain routes to.
 */



const reservedList = reserved_ports/* RESERVED_ROOM_SERVICE_PORTS */.q.join(', ');
/**
 * The ports the image exposes, as the CLI reads Dockerfile EXPOSE (cli image.py:1304-1315, 1372-1395): udp is
 * skipped (any other protocol counts), a port that is not a number from 1 to 65535 is skipped, each port once.
 */
function exposedTcpPorts(image) {
    const ports = [];
    for (const key of image.exposedPorts) {
        const [numText = '', protocol = ''] = key.split('/');
        if (protocol.toLowerCase() === 'udp')
            continue;
        if (!/^[0-9]+$/.test(numText))
            continue;
        const num = Number(numText);
        if (num < 1 || num > 65535 || ports.includes(num))
            continue;
        ports.push(num);
    }
    if (ports.some((num) => reserved_ports/* RESERVED_ROOM_SERVICE_PORTS */.q.includes(num))) {
        const what = image.built ? 'packed Dockerfile' : `image ${image.ref}`;
        throw new errors/* ShipError */.fS(`${what} exposed a reserved MeshAgent room infrastructure port; reserved ports: ${reservedList}`, {
            hint: 'let the service listen on another port and EXPOSE that one, or set the ports input',
        });
    }
    return ports;
}
/** The ports a new service gets: the `ports` input, else the image's exposed ports (the CLI's Dockerfile ports). */
function defaultPorts(image, options) {
    if (options.ports !== undefined)
        return options.ports.map((p) => ({ num: p.num, type: p.type, published: true, endpoints: [] }));
    return exposedTcpPorts(image).map((num) => ({ num, type: 'http', published: true, endpoints: [] }));
}
/**
 * The ports: the `ports` input; else the existing service's; else the image's exposed TCP ports. Then, on every
 * port, the reserved check; on non-tcp ports the liveness path; on published ports `public` and the validation
 * annotation.
 */
function buildPorts(name, image, options, existing) {
    // Read first, as the CLI parses the Dockerfile (and refuses a reserved EXPOSE) before it looks at the service.
    const fromImage = defaultPorts(image, options);
    let ports;
    if (options.ports !== undefined) {
        ports = fromImage;
    }
    else if (existing?.ports && existing.ports.length > 0) {
        ports = existing.ports.map((p) => ({ ...p }));
    }
    else {
        ports = fromImage;
    }
    return ports.map((port) => {
        if (typeof port.num === 'number' && reserved_ports/* RESERVED_ROOM_SERVICE_PORTS */.q.includes(port.num)) {
            const source = options.ports !== undefined ? 'ports' : existing ? `existing service ${name}` : 'the inferred service configuration';
            throw new errors/* ShipError */.fS(`${source} uses reserved MeshAgent room infrastructure port ${port.num}; reserved ports: ${reservedList}`, {
                input: 'ports',
                hint: 'set the ports input to the port the service listens on',
            });
        }
        const result = { ...port };
        if (result.type !== 'tcp') {
            if (options.liveness !== undefined)
                result.liveness = options.liveness;
            else if (result.liveness == null)
                result.liveness = '/';
        }
        if (result.published) {
            result.public = options.public ? true : null;
            // `annotations or None`: an empty map is sent as null, as the CLI does (cli image.py:2526-2553).
            const annotations = (0,service_annotations/* withValidationMode */.TB)({ ...(result.annotations ?? {}) }, options.validationMode);
            result.annotations = Object.keys(annotations).length > 0 ? annotations : null;
        }
        return result;
    });
}
/**
 * The one published numeric port a domain's `/` routes to, with the CLI's errors for none or several. A port an
 * extra path routes to by number is not counted (cli image.py:2556-2581).
 */
function routeTargetPort(ports, extraPorts = []) {
    const extra = new Set(extraPorts.flatMap((e) => (typeof e.target === 'number' ? [e.target] : [])));
    const published = ports.filter((p) => p.published && typeof p.num === 'number' && !extra.has(p.num));
    const only = published[0];
    if (published.length === 1 && only && typeof only.num === 'number')
        return only.num;
    const which = published.length === 0 ? 'the service has none' : 'the service has multiple published ports';
    throw new errors/* ShipError */.fS(`domain requires exactly one published service port; ${which}`, {
        input: 'domain',
        hint: published.length === 0 ? 'EXPOSE the port the service listens on, or set the ports input' : 'list the one port to route in the ports input',
    });
}

// EXTERNAL MODULE: ./src/meshagent/api-scope.ts
var api_scope = __webpack_require__(61699);
;// CONCATENATED MODULE: ./src/meshagent/service-container.ts
/**
 * The container of a room service, as the CLI's `deploy` builds it: the image, the environment (values, secrets and
 * participant tokens), the run-as account with the scopes its secrets need, the storage mounts (every Dockerfile
 * VOLUME must be mounted) and the template. Lists replace the existing service's lists of the same kind; what no
 * input sets is kept.
 */



/** The env vars `meshagent-token` fills with a participant token, in the CLI's order. */
const TOKEN_ENV_NAMES = ['MESHAGENT_TOKEN', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GROK_API_KEY', 'XAI_API_KEY'];
/** Scopes a run-as account needs to resolve secret env vars. */
const SECRET_SCOPES = ['secrets:proxy', 'secrets:read'];
const DEFAULT_RUN_AS_SCOPES = ['secrets:proxy'];
function buildContainer(name, image, options, existing) {
    const runAs = options.runAs !== undefined ? { email: options.runAs.trim().toLowerCase(), scopes: [...DEFAULT_RUN_AS_SCOPES] } : (existing?.run_as ?? undefined);
    if (options.runAs !== undefined) {
        if (runAs?.email === '')
            throw new errors/* ShipError */.fS('run-as cannot be empty', { input: 'run-as', hint: 'set run-as to a service account email' });
        if (!runAs?.email.includes('@'))
            throw new errors/* ShipError */.fS('run-as must be a service account email', { input: 'run-as', hint: 'e.g. run-as: deployer@my-project.meshagent.app' });
    }
    const environment = buildEnvironment(name, options, image.runtime?.env ?? []);
    // The checks and the secret scopes apply to the env the service will run with, new or kept.
    const effective = environment ?? existing?.environment ?? undefined;
    checkEnvironment(effective, runAs);
    const usesSecrets = effective?.some((entry) => entry.secret) ?? false;
    const runAsWithScopes = runAs && usesSecrets ? { ...runAs, scopes: unique([...(runAs.scopes ?? DEFAULT_RUN_AS_SCOPES), ...SECRET_SCOPES]) } : runAs;
    const container = {
        ...(existing ?? { private: true }),
        // A runtime-label image runs in its runtime image, from the command and folder the runtime gives.
        image: image.runtime?.baseImage ?? image.ref,
        ...(image.runtime ? { command: image.runtime.command, working_dir: image.runtime.workingDir } : {}),
        template: options.template,
    };
    if (environment !== undefined)
        container.environment = environment;
    const storage = buildStorage(image, options, existing?.storage ?? undefined);
    if (storage !== undefined)
        container.storage = storage;
    if (runAsWithScopes !== undefined)
        container.run_as = runAsWithScopes;
    return container;
}
function unique(values) {
    return [...new Set(values)];
}
/**
 * The new env list, or undefined to keep the existing one. Any env-type input replaces the old list wholesale
 * (the CLI does not merge); within the new list a later entry of the same name wins: env, then env-secrets, then
 * the token vars. `identity` names the token vars' identity; on its own it changes nothing, because the CLI
 * rewrites identities only in the list it builds, never in the existing service's env (cli image.py:1821-1873,
 * 4925-4937).
 */
function buildEnvironment(name, options, defaults) {
    const identityOverride = options.identity?.trim();
    if (identityOverride === '') {
        throw new errors/* ShipError */.fS('identity cannot be empty', { input: 'identity', hint: 'remove identity to use the service name, or name an agent identity' });
    }
    const identity = identityOverride ?? name;
    const byName = new Map();
    const put = (entry) => {
        // Map keeps the first position of a name; a later entry replaces its value, as the CLI's upsert does.
        byName.set(entry.name, entry);
    };
    // A runtime-label image's ENV comes first, as the defaults the inputs override (cli image.py:1821-1873).
    for (const variable of [...defaults, ...(options.env ?? [])])
        put({ name: variable.name, value: variable.value });
    for (const secret of options.envSecrets ?? [])
        put({ name: secret.name, secret: { id: secret.secretId } });
    if (options.meshagentToken !== undefined) {
        const api = (0,api_scope/* tokenScope */.O)(options.meshagentToken);
        for (const tokenName of TOKEN_ENV_NAMES)
            put({ name: tokenName, token: { identity, api: structuredClone(api), role: 'agent' } });
    }
    // An empty list is no list (`environment or None`): the existing env stays.
    return byName.size > 0 ? [...byName.values()] : undefined;
}
function checkEnvironment(environment, runAs) {
    for (const entry of environment ?? []) {
        const tokenIdentity = entry.token?.identity.trim() ?? '';
        if (tokenIdentity.includes('@')) {
            throw new errors/* ShipError */.fS(`environment variable '${entry.name}' uses token identity '${tokenIdentity}', but service environment tokens must use an agent identity`, { input: 'identity', hint: 'use an agent name without @ as identity' });
        }
    }
    if (environment?.some((entry) => entry.secret) && !runAs) {
        throw new errors/* ShipError */.fS('run-as is required when using SecretValue environment variables', {
            input: 'run-as',
            hint: 'set run-as to the service account that owns the secrets',
        });
    }
}
/**
 * Each mount kind replaces the existing list of that kind only when its input lists mounts; `files` always stays.
 * Without any mount input the existing storage is kept as it is. With one, the CLI rebuilds the storage from the
 * room, images, files and empty_dirs lists only, so existing `volumes` and `configs` are dropped
 * (cli image.py:2083-2133).
 */
function buildStorage(image, options, existing) {
    const given = (mounts) => mounts !== undefined && mounts.length > 0;
    let storage;
    if (!given(options.roomMounts) && !given(options.imageMounts) && !given(options.emptyDirMounts)) {
        storage = existing === undefined ? undefined : { ...existing };
    }
    else {
        const room = given(options.roomMounts)
            ? (options.roomMounts ?? []).map((m) => m.subpath === undefined ? { path: m.path, read_only: m.readOnly } : { path: m.path, subpath: m.subpath, read_only: m.readOnly })
            : existing?.room;
        const images = given(options.imageMounts)
            ? (options.imageMounts ?? []).map((m) => ({ image: m.image, path: m.path, read_only: m.readOnly }))
            : existing?.images;
        const emptyDirs = given(options.emptyDirMounts)
            ? (options.emptyDirMounts ?? []).map((m) => ({ path: m.path, read_only: m.readOnly }))
            : existing?.empty_dirs;
        storage = {};
        if (room)
            storage.room = room;
        if (images)
            storage.images = images;
        if (existing?.files)
            storage.files = existing.files;
        if (emptyDirs)
            storage.empty_dirs = emptyDirs;
    }
    if (image.runtime)
        storage = withRuntimeMount(image, storage);
    // A mount of the image being deployed runs the same digest as the service, as the CLI pins it.
    if (storage?.images)
        storage.images = storage.images.map((m) => (m.image === image.tag ? { ...m, image: (0,image_runtime/* imageMountRef */.qA)(image.ref) } : m));
    return storage;
}
/**
 * The shipped image mounted at /app for its runtime, as the CLI adds it (cli image.py:1929-1970): /app must be free
 * of room, file and empty-dir mounts and of image mounts of another subpath; an image mount there of the same
 * subpath (or none) is replaced.
 */
function withRuntimeMount(image, storage) {
    const runtime = image.runtime;
    if (!runtime)
        return storage ?? {};
    const path = runtime.mountPath;
    const what = image.built ? 'packed Dockerfile' : `image ${image.ref}`;
    const refuse = (kind, input) => new errors/* ShipError */.fS(`${what} runtime injection requires ${path} to be free of ${kind}`, {
        input,
        hint: `the ${runtime.name} runtime mounts the image at ${path}: mount the other one elsewhere`,
    });
    if (storage?.room?.some((m) => m.path === path))
        throw refuse('room mounts', 'room-mounts');
    if (storage?.files?.some((m) => m.path === path))
        throw refuse('file mounts', 'room-mounts');
    if (storage?.empty_dirs?.some((m) => m.path === path))
        throw refuse('empty-dir mounts', 'empty-dir-mounts');
    const kept = (storage?.images ?? []).filter((m) => {
        if (m.path !== path)
            return true;
        if (m.subpath != null && m.subpath !== runtime.mountSubpath)
            throw refuse('conflicting image mounts', 'image-mounts');
        return false;
    });
    return { ...storage, images: [...kept, { image: image.tag, path, subpath: runtime.mountSubpath, read_only: true }] };
}
/** posixpath.normpath, which the CLI applies to VOLUME and mount paths before comparing them. */
function normalizeMountPath(path) {
    const trimmed = path.trim();
    if (trimmed === '')
        return '';
    const absolute = trimmed.startsWith('/');
    // POSIX keeps exactly two leading slashes; three or more become one.
    const lead = absolute ? (trimmed.startsWith('//') && !trimmed.startsWith('///') ? '//' : '/') : '';
    const parts = [];
    for (const part of trimmed.split('/')) {
        if (part === '' || part === '.')
            continue;
        if (part === '..' && (parts.length > 0 ? parts.at(-1) !== '..' : absolute)) {
            parts.pop();
            continue;
        }
        parts.push(part);
    }
    return lead + parts.join('/') || (absolute ? lead : '.');
}
/**
 * Every VOLUME must be mounted, or the container would write into a read-only root. As in the CLI, room, image,
 * empty-dir and config mounts count; file and named-volume mounts do not (cli image.py:1972-2038).
 */
function checkVolumesMounted(image, storage) {
    const mounted = new Set([...(storage?.room ?? []), ...(storage?.images ?? []), ...(storage?.empty_dirs ?? []), ...(storage?.configs ?? [])].map((m) => 
    // A config mount's path defaults to /var/run/meshagent (ConfigMountSpec).
    normalizeMountPath(m.path ?? '/var/run/meshagent')));
    const missing = unique(image.volumes.map(normalizeMountPath).filter((path) => path !== '' && !mounted.has(path)));
    const first = missing[0];
    if (first === undefined)
        return;
    const one = missing.length === 1;
    const what = image.built ? 'packed Dockerfile final stage' : `image ${image.ref}`;
    throw new errors/* ShipError */.fS(`${what} declares VOLUME path${one ? '' : 's'} ${missing.join(', ')}, but the deployed service does not mount ${one ? 'it' : 'them'}.`, {
        input: 'empty-dir-mounts',
        hint: `add a matching mount for each Dockerfile volume path, for example:\n  empty-dir-mounts: ${first}\n  room-mounts: .:${first}\n  image-mounts: some/image:tag=${first}:rw`,
    });
}

// EXTERNAL MODULE: ./src/meshagent/service-template.ts
var service_template = __webpack_require__(57184);
;// CONCATENATED MODULE: ./src/meshagent/service-spec.ts
/**
 * The room ServiceSpec exactly as the MeshAgent CLI's `deploy` builds it (reference §5.2 and §5.4): a new service
 * from the inputs and the image's facts, or an existing service updated by merging, never replaced wholesale.
 * Pure functions, no I/O: every rule can be tested on its own, and a spec that would be refused is refused here,
 * before anything touches the running service.
 */





/** Builds the spec the CLI would send, or throws the CLI's error for the first rule broken. */
function buildServiceSpec(request) {
    const { serviceName: name, image, options, existing, rendered } = request;
    // A service template's spec is the service, as the CLI's deploy sends it: whole, with the id of the service it
    // replaces, nothing merged from that service.
    if (rendered) {
        const spec = { ...(0,service_template/* withRunAs */.aP)(rendered, options.runAs), ...(existing?.id ? { id: existing.id } : {}) };
        return { spec, routePort: options.domain === undefined ? undefined : routeTargetPort(spec.ports ?? [], options.extraPorts) };
    }
    if (existing?.external) {
        throw new errors/* ShipError */.fS(`existing service ${name} is external and cannot be replaced with a container deployment`, {
            hint: `choose another service-name, or remove the external service ${name} from the room first`,
        });
    }
    const annotations = (0,service_annotations/* withValidationMode */.TB)({ ...(existing?.metadata.annotations ?? {}) }, options.validationMode);
    annotations[service_annotations/* SERVICE_ID_ANNOTATION */.iY] = name;
    annotations[service_annotations/* DEPLOYED_BY_ANNOTATION */.ne] = service_annotations/* DEPLOYED_BY */.xO;
    // A ship without a digest (by hand, say) may run other inputs: the old digest would claim otherwise.
    if (options.inputsDigest !== undefined)
        annotations[service_annotations/* INPUTS_DIGEST_ANNOTATION */.DK] = options.inputsDigest;
    else
        delete annotations[service_annotations/* INPUTS_DIGEST_ANNOTATION */.DK];
    // A service a failed first rollout left stopped is started again; one disabled otherwise stays as it is.
    const restart = annotations[service_annotations/* STOPPED_BY_ROLLBACK_ANNOTATION */.rP] !== undefined;
    delete annotations[service_annotations/* STOPPED_BY_ROLLBACK_ANNOTATION */.rP];
    const container = buildContainer(name, image, options, existing?.container ?? undefined);
    const ports = buildPorts(name, image, options, existing);
    checkVolumesMounted(image, container.storage ?? undefined);
    const routePort = options.domain === undefined ? undefined : routeTargetPort(ports, options.extraPorts);
    const base = existing ? { ...existing, external: null } : { version: 'v1', kind: 'Service', enabled: true, metadata: { name } };
    const spec = {
        ...base,
        ...(restart ? { enabled: true } : {}),
        metadata: { ...base.metadata, name, annotations },
        ports,
        container,
    };
    return { spec, routePort };
}

;// CONCATENATED MODULE: ./src/meshagent/undo.ts
/**
 * The writes a deploy has made, each with the write that takes it back, so a deploy that cannot finish puts back
 * what it changed (newest first) instead of leaving a service half-updated.
 */
class UndoLog {
    steps = [];
    add(step) {
        this.steps.push(step);
    }
    get empty() {
        return this.steps.length === 0;
    }
    /** Undoes every step, newest first. A step that fails does not stop the others: each is worth taking back. */
    async undoAll(log) {
        const undone = [];
        const effects = [];
        const failed = [];
        for (const step of [...this.steps].reverse()) {
            try {
                const said = await step.run();
                undone.push(said ?? step.undone);
                effects.push({ effect: step.effect, target: step.target });
                log(`Rolled back: ${said ?? step.undone}`);
            }
            catch (error) {
                failed.push({ step, error });
            }
        }
        this.steps.length = 0;
        return { undone, effects, failed };
    }
}

;// CONCATENATED MODULE: ./src/meshagent/deploy.ts
/**
 * The deploy stage: make sure the room exists (only with `create-room`), create or update the room service with
 * the spec the CLI would build, and route the domain with the CLI's conflict rules. All or nothing:
 *
 * 1. Look, writing nothing: the room, the service, the spec (built and checked), the domain's route (refused when it
 *    belongs to another room, an agent or another service).
 * 2. Write, in this order: the room (with `create-room`), a new domain's route (claimed before the service, so a
 *    domain the API refuses, or a key that may not route, fails with the service untouched), the service, then the
 *    update of a route the service already had.
 * 3. When a write fails, or the run is stopped, after an earlier write: take back what was written, newest first
 *    (the service's previous spec is put back, or the service this run created is deleted; a claimed route is
 *    deleted), then fail saying so. When taking back fails too, the error says what is left and what to do by hand.
 *
 * A room the run created is kept: it is empty, and a parallel job may be deploying into it.
 */












/** A deploy that failed after it had written something, and what became of those writes. */
class DeployRolledBack extends errors/* ShipError */.fS {
    report;
    constructor(message, hint, cause, 
    /** What the run did to the service, and what taking it back achieved. */
    report) {
        super(message, { hint, cause });
        this.report = report;
    }
}
async function deployService(request) {
    const { client, room, serviceName, signal, log = () => { } } = request;
    // 1. Look: everything that can be refused is refused here, before anything is written.
    const roomExists = await checkRoom(client, room, request.createRoom);
    const existing = roomExists ? await findExistingService(client, room, serviceName) : undefined;
    let built = buildServiceSpec({ serviceName, image: request.image, options: request.options, existing, rendered: request.rendered });
    const domain = await chooseDomain(request, built, existing);
    const extraPorts = request.options.extraPorts ?? [];
    let route = domain
        ? await planRoute(client, { domain: domain.name, room, serviceName, port: domain.port, extraPorts, log })
        : undefined;
    if (domain)
        await warnUnresolvedExtraPorts(client, room, built.spec, extraPorts, log);
    (0,src_stop/* throwIfStopped */.$J)(signal);
    await request.beforeWrite?.({ roomExists, existing });
    (0,src_stop/* throwIfStopped */.$J)(signal);
    const at = { client, room, serviceName, imageRef: request.image.ref };
    // 2. Write, each write with the one that takes it back.
    const undo = new UndoLog();
    const done = {};
    try {
        const roomCreated = roomExists ? false : await createRoom(client, room, request.createRoom === 'ephemeral', log);
        let routeAction = 'none';
        if (route?.kind === 'create') {
            (0,src_stop/* throwIfStopped */.$J)(signal);
            const plan = route;
            // A create whose answer was lost may have gone through: its removal is recorded then too.
            const removal = removeClaimedRoute(client, plan.request.domain, serviceName);
            const claim = await unsure(() => claimRoute(client, plan), undo, removal);
            if (claim.created) {
                routeAction = 'created';
                undo.add(removal);
            }
            // Claimed: nothing is left to do to the route. Found taken by this room meanwhile: it is finished below.
            route = claim.created ? undefined : claim.plan;
        }
        (0,src_stop/* throwIfStopped */.$J)(signal);
        const wrote = await writeService(request, at, existing, built, undo);
        done.serviceId = wrote.serviceId;
        done.created = wrote.created;
        built = wrote.built;
        if (route) {
            (0,src_stop/* throwIfStopped */.$J)(signal);
            const plan = route;
            if (plan.kind === 'update')
                await written(() => finishRoute(client, plan), undo, restoreRoute(client, plan.previous, serviceName));
            else
                await finishRoute(client, plan);
            routeAction = route.kind === 'update' ? 'updated' : 'unchanged';
            if (domain?.source === 'existing-route')
                log(`Public domain: ${domain.name} (existing route)`);
        }
        return {
            serviceId: wrote.serviceId,
            serviceName,
            created: wrote.created,
            roomCreated,
            domain: domain?.name,
            serviceUrl: domain === undefined ? undefined : `https://${domain.name}`,
            routeAction,
            domainSource: domain?.source,
            spec: built.spec,
            previous: wrote.previous,
            undo,
        };
    }
    catch (error) {
        if (undo.empty)
            throw error;
        const report = await undo.undoAll(log);
        throw rolledBack(error, report, { serviceName, room, serviceId: done.serviceId ?? existing?.id ?? null, created: done.created ?? null });
    }
}
// ---------------------------------------------------------------------------------------------------------------
// Room
/** Whether the room exists. Without `createRoom` a missing room is the CLI's error. Writes nothing. */
async function checkRoom(client, room, createRoom) {
    if (await client.getRoom(room))
        return true;
    if (!createRoom) {
        throw new errors/* ShipError */.fS(`Room does not exist: ${room}`, {
            input: 'room',
            hint: `Create it first with 'meshagent rooms create ${room} --if-not-exists', or set create-room: true, then retry deploy.`,
        });
    }
    return false;
}
async function createRoom(client, room, ephemeral, log) {
    // if_not_exists: a room created by a parallel job is as good as ours. Every room this tool creates carries its
    // marker, so a teardown may remove it once its services are gone; a room made any other way never is.
    const annotations = { ...(ephemeral ? { [service_annotations/* EPHEMERAL_STORAGE_ANNOTATION */.Y0]: 'ephemeral' } : {}), [service_annotations/* DEPLOYED_BY_ANNOTATION */.ne]: service_annotations/* DEPLOYED_BY */.xO };
    await client.createRoom({ name: room, if_not_exists: true, annotations });
    log(`Created ${ephemeral ? 'ephemeral ' : ''}room ${room}`);
    return true;
}
/**
 * Creates or updates the service and records how to take that back. A write that fails without a refusal (a
 * broken connection, a timeout, a 5xx) may still have been applied, so its undo is recorded too; a refusal (4xx)
 * changed nothing.
 */
async function writeService(request, at, existing, built, undo) {
    const { client, room, serviceName, log = () => { } } = request;
    if (existing) {
        const serviceId = requireId(existing, serviceName);
        await written(() => client.updateService(room, serviceId, built.spec), undo, restoreService(at, serviceId, existing));
        log(`Updated service ${serviceName} (${serviceId}) in room ${room}`);
        return { serviceId, created: false, built, previous: existing };
    }
    let serviceId;
    try {
        serviceId = await unsure(() => client.createService(room, built.spec), undo, removeUnsureCreate(at));
    }
    catch (error) {
        if (!(0,meshagent_client/* isStatus */.zM)(error, 409))
            throw error;
        // The name is taken: another deploy created it between our look-up and our create, or our own create went
        // through and only its answer was lost (the retry then meets our service). Ours is recognised by its image.
        const raced = await findExistingService(client, room, serviceName);
        if (!raced)
            throw error;
        const racedId = requireId(raced, serviceName);
        if ((0,image_runtime/* runsImage */.m2)(raced, request.image.ref)) {
            undo.add(removeCreatedService(at, racedId));
            log(`Created service ${serviceName} (${racedId}) in room ${room}`);
            return { serviceId: racedId, created: true, built, previous: undefined };
        }
        // Merge into the winner, as an update would.
        const merged = buildServiceSpec({ serviceName, image: request.image, options: request.options, existing: raced, rendered: request.rendered });
        await written(() => client.updateService(room, racedId, merged.spec), undo, restoreService(at, racedId, raced));
        log(`Service ${serviceName} appeared while deploying; updated it (${racedId}) in room ${room}`);
        return { serviceId: racedId, created: false, built: merged, previous: raced };
    }
    undo.add(removeCreatedService(at, serviceId));
    log(`Created service ${serviceName} (${serviceId}) in room ${room}`);
    return { serviceId, created: true, built, previous: undefined };
}
/**
 * The domain to route: the domain input; else, on a re-deploy, the room route carrying this service's id, as the
 * CLI finds it (cli image.py:2584-2648): only when the image brings ports and the service has exactly one
 * published port, and that route is then upserted like a given one (its port follows the service).
 */
async function chooseDomain(request, built, existing) {
    const domain = request.options.domain;
    if (domain !== undefined && built.routePort !== undefined)
        return { name: domain, port: built.routePort, source: 'input' };
    if (!existing)
        return undefined;
    const port = reusableRoutePort(request, built.spec);
    const found = port === undefined ? undefined : await findServiceDomain(request.client, request.room, request.serviceName);
    return port !== undefined && found !== undefined ? { name: found, port, source: 'existing-route' } : undefined;
}
/**
 * The port a re-deploy without a domain may route to: none unless the image (or the ports input) brings ports,
 * as the CLI needs Dockerfile ports; then the spec's one published port, else none (no error).
 */
function reusableRoutePort(request, spec) {
    if (defaultPorts(request.image, request.options).length === 0)
        return undefined;
    try {
        return routeTargetPort(spec.ports ?? [], request.options.extraPorts);
    }
    catch {
        return undefined;
    }
}
// ---------------------------------------------------------------------------------------------------------------
// Taking back
/** The error of a deploy that was taken back: why it failed, then what was taken back, or what is left and what to do. */
function rolledBack(cause, report, service) {
    const why = cause instanceof errors/* ShipError */.fS ? cause.message : (0,errors/* formatError */.Wk)(cause);
    const undone = report.undone.length > 0 ? `; rolled back: ${report.undone.join('; ')}` : '';
    const effects = report.undone.length > 0 ? report.effects : [];
    const summary = { id: service.serviceId, name: service.serviceName, created: service.created };
    if (report.failed.length === 0) {
        // Said of the service when one was written back, else of the route.
        const service = effects.filter((e) => e.target === 'service');
        const spoken = service.length > 0 ? service : effects;
        const rollback = spoken.some((e) => e.effect === 'restored') ? 'restored' : 'removed';
        const next = cause instanceof src_stop/* Stopped */.C9 ? 'ship again to deploy' : cause instanceof errors/* ShipError */.fS && cause.hint ? cause.hint : 'ship again once the cause is fixed';
        return new DeployRolledBack(`${why}${undone}`, `nothing this deploy wrote is left; ${next}`, cause, { ...summary, rollback });
    }
    const left = report.failed.map(({ step, error }) => `${step.leftover.what} (taking it back failed: ${error instanceof errors/* ShipError */.fS ? error.message : (0,errors/* formatError */.Wk)(error)})`);
    return new DeployRolledBack(`${why}; ROLLBACK FAILED, the deploy is left half-done: ${left.join('; ')}${undone}`, `put it right by hand: ${report.failed.map(({ step }) => step.leftover.fix).join('; ')}`, cause, { ...summary, rollback: 'failed' });
}

;// CONCATENATED MODULE: ./src/meshagent/project-deploy.ts
/**
 * A project service (`meshagent services create|update --global`): one spec for every room of the project, which
 * each room starts at its next session. Built as a room service is (merged into the project service of that name,
 * or a service template's spec whole), then created or updated in one write: nothing else is written, so there is
 * nothing to take back, no route and no rollout to wait for.
 */




async function deployProjectService(request) {
    const { client, serviceName, log } = request;
    const record = await client.findProjectService(serviceName);
    const existing = record === undefined ? undefined : readable(record, serviceName);
    const { spec } = buildServiceSpec({ serviceName, image: request.image, options: request.options, existing, rendered: request.rendered });
    let serviceId;
    if (existing?.id) {
        serviceId = existing.id;
        await client.updateProjectService(serviceId, spec);
        log(`Updated project service ${serviceName} (${serviceId}): rooms run it from their next session`);
    }
    else {
        serviceId = await client.createProjectService(spec);
        log(`Created project service ${serviceName} (${serviceId}): rooms run it from their next session`);
    }
    return {
        serviceId,
        serviceName,
        created: existing === undefined,
        roomCreated: false,
        domain: undefined,
        serviceUrl: undefined,
        routeAction: 'none',
        domainSource: undefined,
        spec,
        previous: existing,
        undo: new UndoLog(),
    };
}
function readable(record, name) {
    const parsed = wire_service/* ServiceSpec */.F5.safeParse(record);
    if (parsed.success)
        return parsed.data;
    throw new errors/* ShipError */.fS(`existing project service ${name} has a spec meshagent-ship cannot update without losing parts of it; it was left unchanged`, {
        hint: 'update meshagent-ship, or deploy this service with the MeshAgent CLI (meshagent services update --global)',
    });
}

;// CONCATENATED MODULE: ./src/meshagent/dockerfile-stage.ts
/**
 * What a Dockerfile's final stage says about the image it builds, read as the MeshAgent CLI reads it before a
 * build (cli image.py:1150-1357): instructions are logical lines (a trailing `\` joins the next, comments and blank
 * lines between instructions skipped), every FROM starts over, and EXPOSE, VOLUME, LABEL, ENV, WORKDIR, ENTRYPOINT
 * and CMD are taken from what follows the last FROM, their words split as Python's shlex splits them. A dry run
 * uses it to plan from the Dockerfile alone; a real run reads the built image's config instead.
 */


/** `(INSTRUCTION, args)` for each logical line. */
function instructions(text) {
    const result = [];
    let parts = [];
    // Python's str.splitlines() line ends.
    // eslint-disable-next-line no-control-regex -- those line ends are control characters
    for (const raw of text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/)) {
        const stripped = raw.trim();
        if (parts.length === 0 && (stripped === '' || stripped.startsWith('#')))
            continue;
        let part = raw.trimEnd();
        const continues = part.endsWith('\\');
        if (continues)
            part = part.slice(0, -1).trimEnd();
        parts.push(part.trim());
        if (continues)
            continue;
        const line = parts.filter((p) => p !== '').join(' ');
        parts = [];
        if (line === '')
            continue;
        const space = line.indexOf(' ');
        result.push(space === -1 ? [line.toUpperCase(), ''] : [line.slice(0, space).toUpperCase(), line.slice(space + 1).trim()]);
    }
    return result;
}
/** `KEY=VALUE ...` pairs, or the old `KEY VALUE` form. */
function assignments(args) {
    const tokens = (0,python_text/* pyShlexSplit */.Ey)(args);
    if (tokens.length === 2 && !(tokens[0] ?? '').includes('=')) {
        const key = (tokens[0] ?? '').trim();
        return key === '' ? [] : [[key, tokens[1] ?? '']];
    }
    return tokens.flatMap((token) => {
        const eq = token.indexOf('=');
        const key = eq === -1 ? '' : token.slice(0, eq).trim();
        return key === '' ? [] : [[key, token.slice(eq + 1)]];
    });
}
/** A JSON list of strings (the exec form), else the words of the shell form; undefined for none. */
function commandWords(args) {
    const stripped = args.trim();
    if (stripped === '')
        return undefined;
    if (stripped.startsWith('[')) {
        try {
            const parsed = JSON.parse(stripped);
            if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string'))
                return parsed;
        }
        catch {
            // not JSON: the shell form
        }
    }
    const words = (0,python_text/* pyShlexSplit */.Ey)(stripped);
    return words.length > 0 ? words : undefined;
}
function volumePaths(args) {
    const stripped = args.trim();
    if (stripped === '')
        return [];
    let paths;
    if (stripped.startsWith('[')) {
        try {
            const parsed = JSON.parse(stripped);
            if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string'))
                paths = parsed;
        }
        catch {
            // not JSON
        }
    }
    return (paths ?? (0,python_text/* pyShlexSplit */.Ey)(stripped)).map(normalizeMountPath).filter((path) => path !== '');
}
/**
 * The final stage's metadata, or that of the stage named `target` (the build's target input); throws (shlex's
 * words) on an unclosed quote.
 */
function finalStage(text, target) {
    let stage = empty();
    let sawFrom = false;
    let targeted;
    for (const [instruction, args] of instructions(text)) {
        if (instruction === 'FROM') {
            sawFrom = true;
            stage = empty();
            // FROM [--platform=...] image [AS name]: stage names are matched without case, as builders match them.
            const words = args.split(/\s+/);
            const as = words.findIndex((word) => word.toLowerCase() === 'as');
            if (target !== undefined && as !== -1 && words[as + 1]?.toLowerCase() === target.toLowerCase())
                targeted = stage;
            continue;
        }
        if (!sawFrom)
            continue;
        switch (instruction) {
            case 'EXPOSE':
                for (const token of (0,python_text/* pyShlexSplit */.Ey)(args)) {
                    const slash = token.indexOf('/');
                    const [port, protocol] = slash === -1 ? [token, ''] : [token.slice(0, slash), token.slice(slash + 1)];
                    // The CLI takes str.isdigit() and int(); digits int() cannot read (such as ²) are skipped here.
                    if (protocol.toLowerCase() === 'udp' || !(0,python_text/* pyIsDecimal */.$V)(port))
                        continue;
                    const num = (0,python_text/* pyDecimalValue */.GZ)(port);
                    if (num >= 1 && num <= 65535 && !stage.exposedPorts.includes(`${num}/tcp`))
                        stage.exposedPorts.push(`${num}/tcp`);
                }
                break;
            case 'VOLUME':
                for (const path of volumePaths(args))
                    if (!stage.volumes.includes(path))
                        stage.volumes.push(path);
                break;
            case 'LABEL':
                for (const [key, value] of assignments(args))
                    stage.labels[key] = value;
                break;
            case 'ENV':
                for (const [key, value] of assignments(args))
                    stage.env.set(key, value);
                break;
            case 'WORKDIR': {
                const next = (0,python_text/* pyShlexSplit */.Ey)(args)[0];
                // posixpath.join, then normpath.
                const base = stage.workingDir ?? '/';
                if (next !== undefined)
                    stage.workingDir = normalizeMountPath(next.startsWith('/') ? next : `${base}${base.endsWith('/') ? '' : '/'}${next}`);
                break;
            }
            case 'ENTRYPOINT':
                stage.entrypoint = commandWords(args);
                break;
            case 'CMD':
                stage.cmd = commandWords(args);
                break;
        }
    }
    const chosen = targeted ?? stage;
    return { ...chosen, env: [...chosen.env] };
}
function empty() {
    return {
        exposedPorts: [],
        volumes: [],
        labels: {},
        env: new Map(),
        workingDir: undefined,
        entrypoint: undefined,
        cmd: undefined,
    };
}

;// CONCATENATED MODULE: ./src/meshagent/image-facts.ts

/**
 * Image facts from an image config (its ExposedPorts, Volumes, and the runtime its label asks for). `env`: the ENV
 * lines of the Dockerfile the image was built from, the runtime's defaults as the CLI reads them.
 */
function imageFacts(ref, tag, config, built, env) {
    const settings = config.config ?? {};
    return {
        ref,
        tag,
        exposedPorts: Object.keys(settings.ExposedPorts ?? {}),
        volumes: Object.keys(settings.Volumes ?? {}),
        built,
        runtime: (0,image_runtime/* imageRuntime */.GP)((0,image_runtime/* runtimeSourceOfConfig */.fR)(settings, env), built ? 'packed Dockerfile final stage' : `image ${ref}`),
    };
}

;// CONCATENATED MODULE: ./src/room/errors.ts
/**
 * The one error of the room client, classified as the HTTP client classifies its failures: a connection that broke,
 * never came up or timed out, and a handshake answered 429 or 5xx, are worth another connection; a refused token
 * (401), a key without access (403), a room that does not exist (404) and a tool's own error answer are not.
 */

class RoomError extends errors/* ShipError */.fS {
    /** Whether a new connection may well succeed where this one failed. */
    retryable;
    /** A short reason for the retry record and the log, e.g. "connection closed (1006)". */
    reason;
    /** The handshake's HTTP status, when the websocket was refused. */
    status;
    /** The room's error code, when a tool answered with an error. */
    code;
    constructor(message, options) {
        super(message, { ...(options.hint ? { hint: options.hint } : {}), cause: options.cause });
        this.retryable = options.retryable;
        this.reason = options.reason ?? message;
        this.status = options.status;
        this.code = options.code;
    }
}
/** The refusal of a websocket handshake, classified by its status. */
function handshakeError(room, status, serverMessage) {
    const said = serverMessage ? `: ${serverMessage}` : '';
    const retryable = status === 429 || status >= 500;
    const hints = {
        401: 'the room did not accept the participant token from POST .../connect; check the API key',
        403: 'the API key may not join this room: use a key of the project with room access, or set wait: false',
        404: `create it first with 'meshagent rooms create ${room} --if-not-exists', or set create-room: true`,
    };
    const hint = hints[status] ?? (retryable ? 'the room had trouble: run again later' : undefined);
    return new RoomError(`the room ${room} refused the connection with ${status}${said}`, {
        retryable,
        reason: `websocket handshake answered ${status}`,
        status,
        ...(hint ? { hint } : {}),
    });
}

// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
;// CONCATENATED MODULE: ./src/pause.ts
/** Waits `ms`, or less when `signal` aborts; the abort listener never outlives the wait. */
function pause(ms, signal) {
    return new Promise((resolve) => {
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
    });
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/room/content.ts
/**
 * What a room message's data holds: an 8-byte big-endian length, that many bytes of a JSON header, then a binary
 * payload. Tool arguments, answers and stream chunks are "content": a header whose `type` says what it is (json,
 * empty, error, control, binary, text, ...) and, for binary content, the payload.
 */
/** Data that is not a packed header and payload. */
class ContentError extends Error {
}
function pack(header, payload = new Uint8Array(0)) {
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(json.length));
    return Buffer.concat([length, json, payload]);
}
function unpack(data) {
    if (data.length < 8)
        throw new ContentError('a message is shorter than its header length');
    const length = data.readBigUInt64BE(0);
    if (length > BigInt(data.length - 8))
        throw new ContentError('a message header runs past the end of the message');
    const end = 8 + Number(length);
    let header;
    try {
        header = JSON.parse(data.subarray(8, end).toString('utf8'));
    }
    catch {
        throw new ContentError('a message header is not JSON');
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header))
        throw new ContentError('a message header is not a JSON object');
    return { header: header, payload: data.subarray(end) };
}
const NONE = Buffer.alloc(0);
/** The content values the client sends. */
const contents = {
    json: (json) => ({ header: { type: 'json', json }, payload: NONE }),
    open: () => ({ header: { type: 'control', method: 'open' }, payload: NONE }),
    close: () => ({ header: { type: 'control', method: 'close' }, payload: NONE }),
    binary: (headers, data = NONE) => ({
        header: { type: 'binary', headers },
        payload: Buffer.from(data),
    }),
};
function isControl(content, method) {
    return content.header.type === 'control' && content.header.method === method;
}
/** The error an `error` content carries, or undefined for any other content. */
function errorOf(content) {
    if (content.header.type !== 'error')
        return undefined;
    const { text, code } = content.header;
    return { text: typeof text === 'string' ? text : 'the room answered an error without a message', code: typeof code === 'number' ? code : undefined };
}

;// CONCATENATED MODULE: ./src/room/framing.ts
/**
 * The room protocol's framing over a websocket, as MeshAgent's clients speak it: each websocket message is one
 * binary packet. A message is a header packet (8-byte message id, 4-byte packet number 0, 4-byte count of data
 * packets, then the message type in UTF-8) followed by that many data packets (8-byte message id, 4-byte packet
 * number counting from 1, then up to 1 KiB of the message's data). Numbers are big-endian; one message's packets
 * are never interleaved with another's.
 */
/** Data bytes per packet, as the upstream clients send them; any size is accepted on receipt. */
const CHUNK_BYTES = 1024;
const HEADER_PACKET_BYTES = 16;
const DATA_PACKET_BYTES = 12;
/** Packets that break the framing: the connection cannot be trusted any more. */
class FramingError extends Error {
}
function putId(packet, id) {
    packet.writeUInt32BE(Math.floor(id / 0x1_0000_0000), 0);
    packet.writeUInt32BE(id >>> 0, 4);
}
function getId(packet) {
    return packet.readUInt32BE(0) * 0x1_0000_0000 + packet.readUInt32BE(4);
}
/** The packets of one message, in sending order. */
function toPackets(message) {
    const type = Buffer.from(message.type, 'utf8');
    const count = Math.ceil(message.data.length / CHUNK_BYTES);
    const header = Buffer.alloc(HEADER_PACKET_BYTES + type.length);
    putId(header, message.id);
    header.writeUInt32BE(0, 8);
    header.writeUInt32BE(count, 12);
    type.copy(header, HEADER_PACKET_BYTES);
    const packets = [header];
    for (let number = 1; number <= count; number++) {
        const chunk = message.data.subarray((number - 1) * CHUNK_BYTES, number * CHUNK_BYTES);
        const packet = Buffer.alloc(DATA_PACKET_BYTES + chunk.length);
        putId(packet, message.id);
        packet.writeUInt32BE(number, 8);
        chunk.copy(packet, DATA_PACKET_BYTES);
        packets.push(packet);
    }
    return packets;
}
/** Joins received packets into messages. */
class PacketReader {
    maxBytes;
    pending;
    /** @param maxBytes the largest message taken; a larger one breaks the connection rather than the memory. */
    constructor(maxBytes) {
        this.maxBytes = maxBytes;
    }
    /** Takes one packet; returns the message it completes, if it completes one. */
    read(packet) {
        if (packet.length < DATA_PACKET_BYTES)
            throw new FramingError(`a ${packet.length}-byte packet is shorter than a packet header`);
        const id = getId(packet);
        const number = packet.readUInt32BE(8);
        if (number === 0) {
            if (packet.length < HEADER_PACKET_BYTES)
                throw new FramingError(`the header packet of message ${id} is cut short`);
            const expected = packet.readUInt32BE(12);
            const type = packet.subarray(HEADER_PACKET_BYTES).toString('utf8');
            if (expected === 0)
                return { id, type, data: Buffer.alloc(0) };
            this.pending = { id, type, expected, chunks: [], bytes: 0 };
            return undefined;
        }
        const pending = this.pending;
        if (!pending || pending.id !== id || number !== pending.chunks.length + 1)
            throw new FramingError(`packet ${number} of message ${id} came out of sequence`);
        pending.bytes += packet.length - DATA_PACKET_BYTES;
        if (pending.bytes > this.maxBytes)
            throw new FramingError(`message ${id} is larger than ${this.maxBytes} bytes`);
        pending.chunks.push(packet.subarray(DATA_PACKET_BYTES));
        if (pending.chunks.length < pending.expected)
            return undefined;
        this.pending = undefined;
        return { id, type: pending.type, data: Buffer.concat(pending.chunks) };
    }
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
var external_node_net_default = /*#__PURE__*/__webpack_require__.n(external_node_net_);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(41692);
var external_node_tls_default = /*#__PURE__*/__webpack_require__.n(external_node_tls_);
;// CONCATENATED MODULE: ./src/room/proxy.ts
/**
 * The room websocket through a proxy, as the HTTP client's requests go (HTTPS_PROXY for wss://, HTTP_PROXY for
 * ws://, NO_PROXY to go direct): a CONNECT tunnel to the room's host, then TLS inside it for wss://. The proxy comes
 * from the run's environment, never from process.env behind the caller's back.
 */




/** The proxy for a room URL, or undefined to go direct. */
function roomProxy(target, env) {
    const value = target.protocol === 'wss:' ? firstSet(env, ['https_proxy', 'HTTPS_PROXY']) : firstSet(env, ['http_proxy', 'HTTP_PROXY']);
    if (!value || bypassed(target, firstSet(env, ['no_proxy', 'NO_PROXY']) ?? ''))
        return undefined;
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
}
/** A createConnection for ws that opens a CONNECT tunnel through `proxy` (then TLS for wss://). */
function tunnelThrough(proxy, secure) {
    return (options, done) => {
        const host = options.host ?? 'localhost';
        const authority = `${external_node_net_default().isIPv6(host) ? `[${host}]` : host}:${options.port ?? (secure ? 443 : 80)}`;
        const credentials = proxy.username ? `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}` : undefined;
        const connect = (proxy.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default())).request({
            host: proxy.hostname.replace(/^\[|\]$/g, ''),
            port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
            method: 'CONNECT',
            path: authority,
            headers: { host: authority, ...(credentials ? { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` } : {}) },
            agent: false,
        });
        // The proxy's host only: its URL may carry credentials.
        const failed = (why) => done(new Error(`the proxy ${proxy.host} did not open a tunnel to ${authority}: ${why}`));
        connect.once('error', (error) => failed(error.message));
        connect.once('connect', (answer, socket) => {
            if (answer.statusCode !== 200) {
                socket.destroy();
                failed(`CONNECT answered ${answer.statusCode ?? 0}`);
                return;
            }
            if (!secure) {
                done(null, socket);
                return;
            }
            const servername = options.servername ?? (external_node_net_default().isIP(host) ? undefined : host);
            done(null, external_node_tls_default().connect({ ...options, socket, ...(servername ? { servername } : {}) }));
        });
        connect.end();
        return undefined;
    };
}
/** Whether NO_PROXY names the target: `*`, a host (also its subdomains, with or without a leading dot), host:port. */
function bypassed(target, noProxy) {
    const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = target.port || (target.protocol === 'wss:' ? '443' : '80');
    return noProxy
        .split(/[\s,]+/)
        .filter(Boolean)
        .some((entry) => {
        if (entry === '*')
            return true;
        const lower = entry.toLowerCase().replace(/^\*?\./, '');
        // A bare IPv6 address has colons of its own, and no port.
        const match = (lower.split(':').length > 2 && !lower.startsWith('[') ? [lower, lower] : /^(.*?)(?::(\d+))?$/.exec(lower)) ?? [];
        const [name = '', entryPort] = [match[1]?.replace(/^\[|\]$/g, ''), match[2]];
        if (entryPort && entryPort !== port)
            return false;
        return host === name || host.endsWith(`.${name}`);
    });
}
function firstSet(env, names) {
    for (const name of names) {
        const value = env[name];
        if (value)
            return value;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/room/queue.ts
/** Items that arrive one by one (a stream's chunks), read in order by one reader, until the end or a failure. */
class ChunkQueue {
    items = [];
    done = false;
    failure;
    wake;
    push(item) {
        if (this.done)
            return;
        this.items.push(item);
        this.notify();
    }
    /** No more items: the reader ends after those already queued. */
    end() {
        this.done = true;
        this.notify();
    }
    /** The reader fails with `error` after the items already queued. */
    fail(error) {
        if (this.done)
            return;
        this.failure = error;
        this.done = true;
        this.notify();
    }
    async *[Symbol.asyncIterator]() {
        for (;;) {
            const item = this.items.shift();
            if (item !== undefined) {
                yield item;
                continue;
            }
            if (this.failure)
                throw this.failure;
            if (this.done)
                return;
            await new Promise((resolve) => (this.wake = resolve));
        }
    }
    notify() {
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
    }
}

;// CONCATENATED MODULE: ./src/room/connection.ts
/**
 * One websocket connection to a room: the handshake with the participant token (`Authorization: Bearer <jwt>`, as
 * the Python SDK and newer TypeScript SDKs send it), the wait for the room's `room_ready`, requests answered by a
 * `__response__` message with the request's id, and streamed tool calls whose output comes as
 * `room.tool_call_response_chunk` messages. Every failure is a RoomError; a connection that ends fails what is in
 * flight with a retryable one, so the session above can connect again.
 */






/** Far above any answer the client asks for (a services list, a log line). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const MAX_PACKET_BYTES = 64 * 1024;
const NORMAL_CLOSE = 1000;
class RoomConnection {
    socket;
    room;
    mask;
    nextId = 0;
    reader = new PacketReader(MAX_MESSAGE_BYTES);
    pending = new Map();
    streams = new Map();
    ended;
    endWaiters = [];
    constructor(socket, room, mask) {
        this.socket = socket;
        this.room = room;
        this.mask = mask;
    }
    /** Opens the websocket and resolves once the room says it is ready. */
    static async open(options) {
        // Loaded on the first connection, not with the module: a ship that does not wait for its rollout needs none.
        const { default: WebSocket } = await __webpack_require__.e(/* import() */ 977).then(__webpack_require__.bind(__webpack_require__, 52977));
        return new Promise((resolve, reject) => {
            const target = new URL(options.url);
            const proxy = options.env ? roomProxy(target, options.env) : undefined;
            const socket = new WebSocket(options.url, {
                headers: { authorization: `Bearer ${options.jwt}`, 'user-agent': options.userAgent },
                handshakeTimeout: options.timeoutMs,
                maxPayload: MAX_PACKET_BYTES,
                perMessageDeflate: false,
                ...(proxy ? { createConnection: tunnelThrough(proxy, target.protocol === 'wss:') } : {}),
            });
            const connection = new RoomConnection(socket, options.room, options.mask);
            let settled = false;
            const fail = (error) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(timer);
                socket.terminate();
                reject(error);
            };
            const timer = setTimeout(() => fail(new RoomError(`the room ${options.room} was not ready within ${options.timeoutMs / 1000} s`, { retryable: true, reason: 'room not ready in time' })), options.timeoutMs);
            socket.on('unexpected-response', (_request, response) => {
                let body = '';
                response.setEncoding('utf8');
                response.on('data', (text) => (body = (body + text).slice(0, 2000)));
                response.on('end', () => fail(handshakeError(options.room, response.statusCode ?? 0, options.mask(serverMessage(body)))));
                response.on('error', () => fail(handshakeError(options.room, response.statusCode ?? 0, '')));
            });
            socket.on('error', (error) => {
                fail(new RoomError(`cannot connect to room ${options.room}: ${error.message}`, { retryable: true, reason: error.message, cause: error }));
                connection.finish(new RoomError(`the connection to room ${options.room} failed: ${error.message}`, { retryable: true, reason: error.message }));
            });
            socket.on('close', (code, reason) => {
                const text = options.mask(reason.toString('utf8'));
                const error = new RoomError(`the connection to room ${options.room} closed (${code}${text ? `: ${text}` : ''})`, {
                    retryable: true,
                    reason: `connection closed (${code})`,
                });
                fail(error);
                connection.finish(error);
            });
            socket.on('message', (data, isBinary) => {
                const message = connection.receive(data, isBinary);
                if (message?.type === 'room_ready' && !settled) {
                    settled = true;
                    clearTimeout(timer);
                    resolve(connection);
                }
            });
        });
    }
    /** Whether the connection has ended (closed, broken or closed by us). */
    get isEnded() {
        return this.ended !== undefined;
    }
    /** Resolves with why the connection ended, once it has. */
    whenEnded() {
        if (this.ended)
            return Promise.resolve(this.ended);
        return new Promise((resolve) => this.endWaiters.push(resolve));
    }
    /** Calls `toolkit.tool` with JSON arguments; resolves with the answer, rejects with the room's error answer. */
    async invoke(toolkit, tool, args, timeoutMs) {
        const answer = await this.request('room.invoke_tool', { toolkit, tool, arguments: contents.json(args).header }, timeoutMs);
        return refuseError(answer, `${toolkit}.${tool}`, this.mask);
    }
    /** Opens a streamed call of `toolkit.tool`: the room answers `open`, then streams output until it closes. */
    async openStream(toolkit, tool, timeoutMs) {
        const toolCallId = (0,external_node_crypto_.randomUUID)();
        const chunks = new ChunkQueue();
        this.streams.set(toolCallId, chunks);
        try {
            const answer = refuseError(await this.request('room.invoke_tool', { toolkit, tool, tool_call_id: toolCallId, arguments: contents.open().header }, timeoutMs), `${toolkit}.${tool}`, this.mask);
            if (!isControl(answer, 'open'))
                throw new RoomError(`${toolkit}.${tool} did not open a stream`, { retryable: false });
        }
        catch (error) {
            this.streams.delete(toolCallId);
            throw error;
        }
        let ended = false;
        const send = async (chunk, ms) => {
            refuseError(await this.request('room.tool_call_request_chunk', { tool_call_id: toolCallId, chunk: chunk.header }, ms, chunk.payload), `${toolkit}.${tool}`, this.mask);
        };
        return {
            chunks: {
                [Symbol.asyncIterator]: () => {
                    const iterator = chunks[Symbol.asyncIterator]();
                    return {
                        next: () => iterator.next(),
                        return: async () => {
                            this.streams.delete(toolCallId);
                            chunks.end();
                            return { done: true, value: undefined };
                        },
                    };
                },
            },
            send,
            end: async (ms) => {
                if (ended || this.isEnded)
                    return;
                ended = true;
                await send(contents.close(), ms);
            },
        };
    }
    /** Closes the connection normally; whatever is in flight fails. */
    close() {
        this.finish(new RoomError(`the connection to room ${this.room} was closed`, { retryable: false, reason: 'closed by the client' }));
        if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING)
            this.socket.close(NORMAL_CLOSE);
    }
    /** Drops the connection at once (e.g. it stopped answering): no close handshake. */
    drop(error) {
        this.finish(error);
        this.socket.terminate();
    }
    request(type, header, timeoutMs, payload) {
        if (this.ended)
            return Promise.reject(this.ended);
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            // The budget left of a wait is rarely whole seconds: said to a tenth.
            const seconds = Math.round(timeoutMs / 100) / 10;
            const timer = setTimeout(() => {
                this.pending.delete(id);
                const error = new RoomError(`the room ${this.room} did not answer ${type} within ${seconds} s`, {
                    retryable: true,
                    reason: `no answer within ${seconds} s`,
                });
                // A connection that stops answering is not used again.
                this.drop(error);
                reject(error);
            }, timeoutMs);
            this.pending.set(id, {
                resolve: (content) => (clearTimeout(timer), resolve(content)),
                reject: (error) => (clearTimeout(timer), reject(error)),
            });
            for (const packet of toPackets({ id, type, data: pack(header, payload) }))
                this.socket.send(packet, { binary: true });
        });
    }
    receive(data, isBinary) {
        if (this.ended)
            return undefined;
        try {
            if (!isBinary)
                throw new FramingError('the room sent text, not a binary packet');
            const message = this.reader.read(data);
            if (message)
                this.dispatch(message);
            return message;
        }
        catch (error) {
            const why = error instanceof FramingError || error instanceof ContentError ? error.message : String(error);
            this.drop(new RoomError(`the room ${this.room} sent a message that cannot be read: ${why}`, { retryable: true, reason: 'unreadable message' }));
            return undefined;
        }
    }
    dispatch(message) {
        if (message.type === '__response__') {
            const waiting = this.pending.get(message.id);
            this.pending.delete(message.id);
            waiting?.resolve(unpack(message.data));
        }
        else if (message.type === 'room.tool_call_response_chunk') {
            const { header, payload } = unpack(message.data);
            const chunk = header.chunk;
            const stream = typeof header.tool_call_id === 'string' ? this.streams.get(header.tool_call_id) : undefined;
            if (!stream || chunk === null || typeof chunk !== 'object' || Array.isArray(chunk))
                return;
            const content = { header: chunk, payload };
            if (isControl(content, 'close')) {
                this.streams.delete(header.tool_call_id);
                stream.end();
            }
            else
                stream.push(content);
        }
        // room_ready, connected and the room's other events are not needed here.
    }
    /** Ends the connection once: every request and stream in flight fails with `error`. */
    finish(error) {
        if (this.ended)
            return;
        this.ended = error;
        for (const waiting of this.pending.values())
            waiting.reject(error);
        this.pending.clear();
        for (const stream of this.streams.values())
            stream.fail(error);
        this.streams.clear();
        for (const wake of this.endWaiters.splice(0))
            wake(error);
    }
}
/** The answer, or the room's error answer as a RoomError (not retryable: asking again gets the same answer). */
function refuseError(answer, call, mask) {
    const error = errorOf(answer);
    if (error)
        throw new RoomError(`${call} failed: ${mask(error.text)}`, {
            retryable: false,
            reason: mask(error.text),
            ...(error.code !== undefined ? { code: error.code } : {}),
        });
    return answer;
}
/** The message of a refused handshake's JSON body (`{error: {message}}` or `{detail}`), else its start. */
function serverMessage(body) {
    try {
        const json = JSON.parse(body);
        const message = json.error?.message ?? json.detail;
        if (typeof message === 'string')
            return message.slice(0, 300);
    }
    catch {
        // not JSON
    }
    return body.replace(/\s+/g, ' ').trim().slice(0, 300);
}

;// CONCATENATED MODULE: ./src/room/session.ts
/**
 * A room session that outlives its connections: each use runs on the current connection, and when that one breaks,
 * closes or stops answering (a retryable RoomError), a new participant token is asked for and the room connected
 * again after a jittered backoff, until the caller's deadline. A refusal (401, 403, 404, a tool's error answer) ends
 * the use at once. Every new attempt is one line in the log and one record in the run's retry log, as the HTTP
 * client's retries are.
 */





const DEFAULT_RETRY = { baseDelayMs: 500, maxDelayMs: 5000 };
class RoomSession {
    options;
    connection;
    opening;
    url = '';
    closed = false;
    now;
    constructor(options) {
        this.options = options;
        this.now = options.now ?? Date.now;
    }
    get room() {
        return this.options.room;
    }
    get callTimeoutMs() {
        return this.options.callTimeoutMs ?? 30_000;
    }
    /** Calls `toolkit.tool` with JSON arguments, connecting again as needed until `deadline` (epoch ms). */
    call(toolkit, tool, args, deadline, timeoutMs = this.callTimeoutMs) {
        return this.use(`${toolkit}.${tool}`, deadline, (connection) => connection.invoke(toolkit, tool, args, this.within(deadline, timeoutMs)));
    }
    /** Opens a streamed call on the current connection (connecting as needed); a stream is not resumed by itself. */
    openStream(toolkit, tool, deadline) {
        return this.use(`${toolkit}.${tool}`, deadline, (connection) => connection.openStream(toolkit, tool, this.within(deadline, this.callTimeoutMs)));
    }
    /**
     * Runs `action` on a connection; a retryable failure drops that connection and runs it again on a new one, after
     * a backoff, while the deadline allows.
     */
    async use(what, deadline, action) {
        for (let attempt = 1;; attempt++) {
            this.throwIfStopped();
            let connection;
            try {
                connection = await this.untilStopped(this.current(deadline));
                return await this.untilStopped(action(connection));
            }
            catch (error) {
                if (!(error instanceof RoomError) || !error.retryable || this.closed)
                    throw error;
                if (connection && !connection.isEnded)
                    connection.drop(error);
                const delay = this.backoff(attempt);
                if (this.now() + delay >= deadline)
                    throw error;
                this.options.retryLog?.add({ method: 'WS', url: this.url || `room ${this.room}`, attempt, reason: error.reason, delayMs: delay });
                this.options.log?.(`room ${this.room}: ${what}: ${error.reason}; connecting again in ${(delay / 1000).toFixed(1)} s (retry ${attempt})`);
                await pause(delay, this.options.signal);
                // Closed during the backoff (the run ended, the wait returned): no new token is asked for.
                if (this.closed)
                    throw error;
            }
        }
    }
    /** Closes the connection; the session is not used again. */
    close() {
        this.closed = true;
        this.connection?.close();
        this.connection = undefined;
    }
    /** The open connection, or a new one. */
    async current(deadline) {
        if (this.connection && !this.connection.isEnded)
            return this.connection;
        this.opening ??= this.open(deadline).finally(() => (this.opening = undefined));
        return this.opening;
    }
    async open(deadline) {
        const access = await this.options.connect().catch((error) => {
            // The API's bad moment (a 5xx, a reset, a timeout) is worth another try within the deadline, as a broken
            // websocket is; a refusal (no such room, a key without access) is not.
            if (error instanceof src_http/* HttpError */.j$ && error.retryable)
                throw new RoomError(error.message, { retryable: true, reason: error.reason, cause: error });
            throw error;
        });
        // As the HTTP client records URLs: without the query, which may carry a credential.
        this.url = access.url.split('?')[0] ?? '';
        const connection = await RoomConnection.open({
            url: access.url,
            jwt: access.jwt,
            room: this.room,
            timeoutMs: this.within(deadline, this.options.connectTimeoutMs ?? 30_000),
            userAgent: `meshagent-ship/${version/* VERSION */.x}`,
            mask: (text) => (0,src_http/* maskSecrets */.QU)(text, [access.jwt, ...(this.options.secrets?.() ?? [])]),
            ...(this.options.env ? { env: this.options.env } : {}),
        });
        if (this.closed) {
            connection.close();
            throw new RoomError(`the session with room ${this.room} was closed`, { retryable: false });
        }
        this.connection = connection;
        return connection;
    }
    /** A per-attempt timeout that does not run past the deadline (at least a second, so an attempt can answer). */
    within(deadline, timeoutMs) {
        return Math.max(1000, Math.min(timeoutMs, deadline - this.now()));
    }
    backoff(attempt) {
        const { baseDelayMs, maxDelayMs } = this.options.retry ?? DEFAULT_RETRY;
        const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
        return Math.round(delay / 2 + ((this.options.random ?? Math.random)() * delay) / 2);
    }
    throwIfStopped() {
        const signal = this.options.signal;
        if (signal?.aborted)
            throw stopReason(signal);
    }
    /**
     * The work, or the stop as soon as it comes: an answer the room takes long to give (a restart that pulls an
     * image) must not hold a stopped run past the runner's grace. The work's own end is still listened to.
     */
    untilStopped(work) {
        const signal = this.options.signal;
        if (!signal)
            return work;
        return new Promise((resolve, reject) => {
            const stop = () => reject(stopReason(signal));
            signal.addEventListener('abort', stop, { once: true });
            work.then((value) => (signal.removeEventListener('abort', stop), resolve(value)), (error) => (signal.removeEventListener('abort', stop), reject(error)));
            if (signal.aborted)
                stop();
        });
    }
}
function stopReason(signal) {
    return signal.reason instanceof Error ? signal.reason : new RoomError('stopped', { retryable: false });
}

// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(46193);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(38816);
;// CONCATENATED MODULE: ./src/room/services.ts
/**
 * The room calls a rollout needs (meshagent-api room_server_client.py 3240-3341 and 11071-11135): `services.list`
 * (every service spec with its runtime state), `services.restart`, and `containers.logs`, followed. Answers are read
 * leniently, as the SDKs read them: unknown fields are ignored, so a newer room does not break an older client.
 */





const PortState = schemas/* object */.Ikc({
    num: schemas/* number */.aig(),
    liveness: schemas/* string */.YjP().nullish(),
    /** not_configured, not_ready or ready; kept as a string so a new value does not break the read. */
    liveness_status: schemas/* string */.YjP().nullish(),
    last_error: schemas/* string */.YjP().nullish(),
});
const ServiceState = schemas/* object */.Ikc({
    service_id: schemas/* string */.YjP(),
    state: schemas/* string */.YjP().nullish(),
    container_id: schemas/* string */.YjP().nullish(),
    restart_count: schemas/* number */.aig().int().nullish(),
    last_exit_code: schemas/* number */.aig().int().nullish(),
    /** Unix seconds: when the current container started. */
    started_at: schemas/* number */.aig().nullish(),
    status: schemas/* object */.Ikc({ ports: schemas/* array */.YOg(PortState).nullish() }).nullish(),
});
const ServicesAnswer = schemas/* object */.Ikc({ services_json: schemas/* array */.YOg(schemas/* string */.YjP()), service_states: schemas/* array */.YOg(ServiceState) });
async function listServices(session, deadline) {
    const answer = await session.call('services', 'list', {}, deadline);
    const parsed = ServicesAnswer.safeParse(answer.header.type === 'json' ? answer.header.json : undefined);
    if (!parsed.success)
        throw new RoomError(`services.list of room ${session.room} answered an unexpected body`, { retryable: false });
    const services = parsed.data.services_json.map((text) => {
        const spec = parseJsonObject(text);
        const metadata = spec?.metadata;
        return { id: typeof spec?.id === 'string' ? spec.id : undefined, name: typeof metadata?.name === 'string' ? metadata.name : undefined };
    });
    return { services, states: new Map(parsed.data.service_states.map((state) => [state.service_id, state])) };
}
/**
 * `services.restart`: the service's spec in a new container. Asked again after a dropped connection: a second
 * restart only makes one more new container, and a rollout waits for any new one.
 */
async function restartService(session, serviceId, deadline, timeoutMs) {
    await session.call('services', 'restart', { service_id: serviceId }, deadline, timeoutMs);
}
/** A line longer than this is kept to its start (a summary shows far less): its rest is not held in memory. */
const MAX_LINE_CHARS = 64 * 1024;
/**
 * Follows a container's logs until they end (the container exited), the signal aborts or the connection cannot come
 * back. After a dropped connection the logs are asked for again and the bytes already read are skipped, so no line
 * is said twice. Bytes are decoded as one stream: a character cut between two chunks is read whole.
 */
async function followLogs(session, options) {
    const decoder = new external_node_string_decoder_.StringDecoder('utf8');
    let seen = 0;
    let partial = '';
    const take = (text) => {
        const lines = (partial + text).split('\n');
        partial = (lines.pop() ?? '').slice(0, MAX_LINE_CHARS);
        for (const line of lines)
            options.onLine(line.replace(/\r$/, '').slice(0, MAX_LINE_CHARS));
    };
    await session.use(`containers.logs ${options.containerId}`, options.deadline(), async (connection) => {
        if (options.signal.aborted)
            return;
        const stream = await connection.openStream('containers', 'logs', session.callTimeoutMs);
        const stop = () => void stream.end(session.callTimeoutMs).catch(() => undefined);
        options.signal.addEventListener('abort', stop, { once: true });
        try {
            await stream.send(contents.binary({ kind: 'start', request_id: (0,external_node_crypto_.randomUUID)(), container_id: options.containerId, follow: true }), session.callTimeoutMs);
            let skip = seen;
            for await (const chunk of stream.chunks) {
                if (chunk.header.type === 'error') {
                    const text = typeof chunk.header.text === 'string' ? chunk.header.text : 'the logs ended with an error';
                    const code = typeof chunk.header.code === 'number' ? { code: chunk.header.code } : {};
                    throw new RoomError(`containers.logs failed: ${text}`, { retryable: false, reason: text, ...code });
                }
                // Channel 1 is the container's output; a client skips the others.
                if (chunk.header.type !== 'binary' || chunk.header.headers?.channel !== 1)
                    continue;
                let bytes = chunk.payload;
                if (skip > 0) {
                    const skipped = Math.min(skip, bytes.length);
                    skip -= skipped;
                    bytes = bytes.subarray(skipped);
                }
                seen += bytes.length;
                if (bytes.length > 0)
                    take(decoder.write(bytes));
            }
            take(decoder.end());
            if (partial)
                options.onLine(partial);
            partial = '';
        }
        finally {
            options.signal.removeEventListener('abort', stop);
            stop();
        }
    });
}
function parseJsonObject(text) {
    try {
        const value = JSON.parse(text);
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/room/index.ts
/**
 * The room protocol client: a websocket session with a room (connect, reconnect within a deadline, classified
 * failures) and the calls a rollout makes (services with their states, restart, container logs). It knows the room
 * protocol and nothing of the pipeline, the report or the inputs.
 */




// EXTERNAL MODULE: ./src/file-errors.ts
var file_errors = __webpack_require__(70145);
;// CONCATENATED MODULE: ./src/pipeline/service-template.ts
/**
 * The service template of a deploy, as the MeshAgent CLI's deploy reads one: `.meshagent/deploy.yaml` in the context
 * (or the `service-template` input), its values from `.meshagent/values.yaml` beside it, then the `values` file,
 * then `image` (the tag), then `set`; rendered and checked by the API, the required values checked, and turned into
 * the service spec with the built image pinned. The CLI saves the values back to `.meshagent/values.yaml`; a ship
 * does not write into the checkout.
 */





const DEFAULT_TEMPLATE = '.meshagent/deploy.yaml';
const SAVED_VALUES = '.meshagent/values.yaml';
/** The template's path: the input (relative to the context), else the CLI's default place when it exists. */
async function templatePath(config) {
    const given = config.service.serviceTemplate.path;
    if (given !== undefined)
        return (0,external_node_path_.resolve)(config.image.context, given);
    const path = inContext(config.image.context, DEFAULT_TEMPLATE);
    return (await exists(path)) ? path : undefined;
}
/** Renders the template for this deploy; `pinned` stands where the template names `tag`. */
async function renderTemplateFor(config, client, path, tag, pinned) {
    const { context } = config.image;
    const { valuesFile, set } = config.service.serviceTemplate;
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (error) {
        throw withInput((0,file_errors/* fileError */.z)(error, path, 'service-template', 'give the path of a ServiceTemplate YAML file, relative to the context'), 'service-template');
    }
    const values = { ...(await loadValues(inContext(context, SAVED_VALUES), false)) };
    if (valuesFile !== undefined)
        Object.assign(values, await loadValues((0,external_node_path_.resolve)(context, valuesFile), true));
    values.image = tag;
    Object.assign(values, set);
    const rendered = await client.renderTemplate(text, values);
    const missing = (0,service_template/* missingValues */.B6)(rendered, values);
    if (missing.length > 0) {
        throw new errors/* ShipError */.fS(`missing required deploy template values: ${missing.join(', ')}. Pass them with --set KEY=VALUE or run deploy in an interactive terminal.`, { input: 'set', hint: `give them in set (one KEY=VALUE per line) or in the values file, e.g. ${missing[0]}=...` });
    }
    const spec = (0,service_template/* templateServiceSpec */.BG)(rendered, tag, pinned);
    return { path, name: rendered.metadata.name, spec, domain: config.service.domain ?? (0,service_template/* templateDomain */.xj)(rendered, values), usesImage: (0,service_template/* usesImage */.KN)(spec, pinned) };
}
/**
 * A YAML map of values as the CLI reads one (`_load_yaml_string_map`): empty is none, keys are strings, a value is
 * its text (null empty, true `True`, as Python's `str`). The saved values file may be missing.
 */
async function loadValues(path, required) {
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (error) {
        if (!required && error.code === 'ENOENT')
            return {};
        throw withInput((0,file_errors/* fileError */.z)(error, path, 'values', 'give the path of a YAML map of values, relative to the context'), 'values');
    }
    // Loaded here, not with the module: a ship without values does not pay for the YAML parser at start.
    const { parse: parseYaml } = await __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 38815, 19));
    let loaded;
    try {
        loaded = parseYaml(text, { version: '1.1', mapAsMap: true });
    }
    catch (error) {
        throw new errors/* ShipError */.fS(`${path} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`, { input: 'values' });
    }
    if (loaded === null || loaded === undefined)
        return {};
    if (!(loaded instanceof Map))
        throw new errors/* ShipError */.fS(`${path} must contain a YAML map`, { input: 'values', hint: 'write one KEY: VALUE per line' });
    const values = {};
    for (const [key, value] of loaded) {
        if (typeof key !== 'string' || key.trim() === '') {
            throw new errors/* ShipError */.fS(`${path} contains a non-string template value key`, { input: 'values', hint: 'quote keys that YAML reads as numbers or booleans' });
        }
        values[key] = pythonStr(value);
    }
    return values;
}
function pythonStr(value) {
    if (value === null || value === undefined)
        return '';
    if (typeof value === 'boolean')
        return value ? 'True' : 'False';
    return String(value);
}
function withInput(error, input) {
    return error.input ? error : new errors/* ShipError */.fS(error.message, { input, ...(error.hint ? { hint: error.hint } : {}), cause: error });
}
/**
 * A path in the context. A function of its own, so the bundler does not take a literal path here for a file to
 * copy into dist/.
 */
function inContext(context, relative) {
    return (0,external_node_path_.resolve)(context, relative);
}
async function exists(path) {
    try {
        await (0,promises_.access)(path);
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/pipeline/deploy.ts
/**
 * The deploy stage: the room service runs the pushed image, pinned by its digest, created or updated as the CLI
 * would (meshagent/deploy.ts). A deploy that fails after writing takes back what it wrote, so the service that ran
 * before keeps running; a stop during the deploy completes the write in flight first.
 */










/** How long the look at the room before the writes may take, a dropped connection included. */
const LOOK_MS = 60_000;
async function deployStage(run, pushed, room) {
    const { config, stop } = run;
    const { target, image, source } = pushed;
    let previousContainerId;
    let previousState;
    const service = await run.stages.run('deploy', room === null ? `Deploy ${target.serviceName} as a project service` : `Deploy ${target.serviceName} to room ${room}`, async () => {
        const { config: imageConfig } = await (0,runnable_image/* readRunnableConfig */.c)(image.layout, image.descriptor);
        const labelled = imageConfig.config?.Labels?.[image_runtime/* IMAGE_RUNTIME_LABEL */.Oe] !== undefined;
        const env = labelled ? await dockerfileEnv(source.dockerfile, config.image.target) : undefined;
        const facts = imageFacts(pushed.pushed.pinned, target.image, imageConfig, source.built, env);
        const path = await templatePath(config);
        const template = path === undefined ? undefined : await renderTemplateFor(config, run.client, path, target.image, facts.ref);
        if (template?.domain && config.meshagent.rooms.length > 1) {
            throw new errors/* ShipError */.fS(`the service template ${template.path} routes ${template.domain}, and one route cannot point at several rooms`, {
                input: 'service-template',
                hint: 'drop the route from the template (or its value) to deploy to several rooms, or ship the room that serves the domain in a step of its own',
            });
        }
        if (template) {
            run.log(`Service template ${template.path}: service ${template.name}${template.usesImage ? `, ${facts.ref} pinned in it` : `, which neither runs nor mounts ${target.image}`}`);
            if (!template.usesImage)
                run.runner.warning(`the service template ${template.path} does not use the image this run ships (${target.image})`);
        }
        const runtime = template ? undefined : facts.runtime;
        if (runtime)
            run.log(`Runtime ${runtime.name}: the service runs ${runtime.baseImage} with ${facts.ref} mounted read-only at ${runtime.mountPath}`);
        if (room === null) {
            return deployProjectService({
                client: run.client,
                serviceName: template?.name ?? target.serviceName,
                image: facts,
                options: config.service,
                rendered: template?.spec,
                log: run.log,
            });
        }
        const deploy = () => deployService({
            client: run.client,
            room,
            createRoom: config.service.createRoom,
            serviceName: template?.name ?? target.serviceName,
            image: facts,
            options: template ? { ...config.service, domain: template.domain } : config.service,
            rendered: template?.spec,
            log: run.log,
            signal: run.signal,
            // A rollout that is waited for needs the room: it is joined before anything is written, so a key that may
            // not join fails the deploy with the service untouched, and the container running now is the one to replace.
            ...(config.service.waitSeconds > 0
                ? {
                    beforeWrite: async ({ roomExists, existing }) => {
                        if (!roomExists)
                            return;
                        const { states } = await listServices(run.roomSession(room), Date.now() + LOOK_MS);
                        previousState = existing?.id ? states.get(existing.id) : undefined;
                        previousContainerId = previousState?.container_id ?? undefined;
                    },
                }
                : {}),
        });
        // A stop during the deploy completes the write in flight and takes back what was written; the process does
        // not exit before that is done. A deploy taken back fails with DeployRolledBack, which the report reads.
        return stop ? stop.uninterrupted(deploy) : deploy();
    }, (d) => `${d.created ? 'created' : 'updated'} ${room === null ? 'project service ' : ''}${d.serviceName} (${d.serviceId})${d.domain ? `; ${d.domain} ${d.routeAction}` : ''}`);
    return { ...pushed, room, service, previousContainerId, previousState };
}
/**
 * The ENV lines of the Dockerfile stage the image was built from: a runtime-label image's env defaults, as the CLI
 * reads them (the image config also holds its base image's ENV and the PATH builders add). None for an image that
 * was not built here.
 */
async function dockerfileEnv(dockerfile, target) {
    if (dockerfile === undefined)
        return undefined;
    try {
        return finalStage(await (0,promises_.readFile)(dockerfile, 'utf8'), target).env;
    }
    catch (error) {
        // shlex's refusal of a quote, as the CLI would meet it.
        throw new errors/* ShipError */.fS(`the ENV lines of ${dockerfile} cannot be read: ${error instanceof Error ? error.message : String(error)}`, {
            input: 'file',
            hint: 'close the quotes of its LABEL, ENV, WORKDIR, EXPOSE, VOLUME, ENTRYPOINT and CMD lines',
        });
    }
}

;// CONCATENATED MODULE: ./src/build/dockerfile.ts
/**
 * Finds the Dockerfile of a build as the MeshAgent CLI does: the `file` input relative to the context, else
 * `Containerfile`, else `Dockerfile`, in the context. The file must stay inside the context (links resolved),
 * so a build never reads a Dockerfile from elsewhere on the machine.
 */



const DEFAULT_NAMES = ['Containerfile', 'Dockerfile'];
async function isFile(path) {
    return (await (0,promises_.stat)(path).catch(() => undefined))?.isFile() ?? false;
}
function inside(dir, path) {
    const rel = (0,external_node_path_.relative)(dir, path);
    return rel !== '' && !rel.startsWith(`..${external_node_path_.sep}`) && rel !== '..' && !(0,external_node_path_.isAbsolute)(rel);
}
async function resolveBuildFiles(context, file) {
    const contextDir = await (0,promises_.realpath)((0,external_node_path_.resolve)(context)).catch(() => undefined);
    if (contextDir === undefined || !(await (0,promises_.stat)(contextDir)).isDirectory()) {
        throw new errors/* ShipError */.fS(`context ${context} is not a directory`, {
            input: 'context',
            hint: 'set context to the directory holding the Dockerfile and the files it copies',
        });
    }
    if (file === undefined) {
        for (const name of DEFAULT_NAMES) {
            const candidate = (0,external_node_path_.join)(contextDir, name);
            if (!(await isFile(candidate)))
                continue;
            const real = await (0,promises_.realpath)(candidate);
            if (!inside(contextDir, real))
                throw new errors/* ShipError */.fS('file must stay inside the context', { input: 'file', hint: `${name} links to a file outside the context` });
            return { context: contextDir, dockerfile: real };
        }
        throw new errors/* ShipError */.fS(`no Dockerfile or Containerfile found in the context ${context}; add one or set the file input`, {
            input: 'file',
            hint: 'set file to the Dockerfile path relative to the context, e.g. file: docker/Dockerfile',
        });
    }
    if ((0,external_node_path_.isAbsolute)(file))
        throw new errors/* ShipError */.fS('file must be relative to the context', { input: 'file', hint: 'give the Dockerfile path relative to the context' });
    const given = (0,external_node_path_.resolve)(contextDir, file);
    if (!inside(contextDir, given))
        throw new errors/* ShipError */.fS('file must stay inside the context', { input: 'file', hint: 'move the Dockerfile into the context, or widen the context' });
    const real = await (0,promises_.realpath)(given).catch(() => undefined);
    if (real === undefined || !(await isFile(real))) {
        throw new errors/* ShipError */.fS(`Dockerfile does not exist: ${(0,external_node_path_.join)(context, file)}`, {
            input: 'file',
            hint: 'set file to the Dockerfile path relative to the context',
        });
    }
    if (!inside(contextDir, real))
        throw new errors/* ShipError */.fS('file must stay inside the context', { input: 'file', hint: `${file} links to a file outside the context` });
    return { context: contextDir, dockerfile: real };
}

;// CONCATENATED MODULE: ./src/pipeline/plan-image.ts
/**
 * The image facts a dry run plans with, before anything is built: from the Dockerfile's final stage, read as the
 * MeshAgent CLI reads it (its EXPOSE ports, VOLUMEs and a runtime label with its command, folder and ENV); for an
 * `oci:` layout given by the image input, from its config, read as the deploy reads it; for an archive or a registry
 * image, none (its config is read at deploy), but an archive that is not there fails the plan as it would fail the
 * run. The service runs what the build pushes, so its reference is a placeholder.
 */








async function plannedImage(config, ref, tag) {
    const none = { ref, tag, exposedPorts: [], volumes: [], built: config.image.source === undefined };
    const source = config.image.source;
    if (source?.kind === 'oci') {
        const image = await inputError(async () => {
            const layout = await oci/* OciLayout */.Al.open(source.path);
            return (0,runnable_image/* readRunnableConfig */.c)(layout, await layout.resolve(source.ref));
        });
        return { facts: imageFacts(ref, tag, image.config, false), known: true, source: `the image config in oci:${source.path}` };
    }
    // An archive is unpacked at the build stage, not here; that it is there is checked as that stage checks it.
    if (source?.kind === 'oci-archive' || source?.kind === 'docker-archive')
        await inputError(() => (0,oci/* assertArchiveFile */.Tp)(source.path));
    if (source)
        return { facts: none, known: false, source: 'the image config is read at deploy (ports, volumes, runtime label)' };
    let text;
    try {
        const files = await resolveBuildFiles(config.image.context, config.image.file);
        text = await (0,promises_.readFile)(files.dockerfile, 'utf8');
    }
    catch (error) {
        if (!(error instanceof errors/* ShipError */.fS))
            throw error;
        return { facts: none, known: false, source: `the Dockerfile could not be read: ${error.message}` };
    }
    let stage;
    try {
        stage = finalStage(text, config.image.target);
    }
    catch (error) {
        return { facts: none, known: false, source: `the Dockerfile could not be read: ${error instanceof Error ? error.message : String(error)}` };
    }
    // A runtime label without CMD or ENTRYPOINT fails here with the CLI's words, as a real run fails at deploy.
    const runtime = (0,image_runtime/* imageRuntime */.GP)(stage, 'packed Dockerfile final stage');
    return { facts: { ...none, exposedPorts: stage.exposedPorts, volumes: stage.volumes, runtime }, known: true, source: "the Dockerfile's final stage" };
}
/** Runs `open`, naming the image input in a ShipError that names none, as the run's own failure would. */
async function inputError(open) {
    try {
        return await open();
    }
    catch (error) {
        if (error instanceof errors/* ShipError */.fS && error.input === undefined)
            throw new errors/* ShipError */.fS(`image: ${error.message}`, { input: 'image', hint: error.hint, cause: error });
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/pipeline/plan.ts









/** The dry run's stage, recorded as the deploy stage: the plan, found by reading only. */
async function planStage(run, ensured) {
    const plan = await run.stages.run('deploy', 'Plan (dry run: nothing is changed)', () => planDeploy(run.config, ensured.target, ensured.access, run.client), () => 'planned; nothing was changed');
    for (const line of plan)
        run.runner.info(line);
    return { ...ensured, plan };
}
async function planDeploy(config, target, access, client) {
    const { image, service, meshagent } = config;
    const offline = target.offline !== undefined;
    const lines = [
        ...(target.offline ? [`offline    ${target.offline.reason}: nothing was read from MeshAgent`] : []),
        `tag        ${target.image}${offline ? ' (registry and project key not checked)' : ''}`,
        `repository ${target.projectKey}/${target.repositoryName}: ${offline ? 'created if missing (not looked up)' : access.created === null ? 'would be created' : 'exists'}`,
        `image      ${image.source ? `ship ${describeSource(config)}` : `build ${image.context} with ${image.builder}`}${image.estargz ? `, convert to eStargz (level ${image.compressionLevel})` : ''}`,
        `push       ${image.push ? `${target.registry}/${target.registryRepository}:${target.tag.tag ?? 'latest'}` : 'no'}`,
    ];
    const project = service.scope === 'project';
    if (!service.deploy || (!project && !meshagent.room))
        return [...lines, 'deploy     no'];
    // Each room is planned as a real run deploys it: one after another, each with its own look and diff.
    for (const room of project ? [''] : meshagent.rooms)
        lines.push(...(await planIn(config, target, client, room)));
    return lines;
}
/** The deploy to one room (or, with scope: project, the project service), as lines of the plan. */
async function planIn(config, target, client, room) {
    const { service } = config;
    const offline = target.offline !== undefined;
    const project = service.scope === 'project';
    const lines = [];
    const roomExists = offline ? undefined : project || (await client.getRoom(room)) !== undefined;
    if (project)
        lines.push('scope      project: a project service, which every room runs from its next session (no route, no rollout)');
    else if (roomExists === undefined)
        lines.push(`room       ${room} (not looked up${service.createRoom ? '; created if missing' : '; a real run fails if it does not exist'})`);
    else if (!roomExists && !service.createRoom)
        lines.push(`room       ${room} does not exist: a real run fails (set create-room: true to create it)`);
    else
        lines.push(`room       ${room}${roomExists ? '' : ' would be created'}`);
    const placeholder = `${target.registry}/${target.registryRepository}@<digest of this build>`;
    const path = await templatePath(config);
    if (path !== undefined && offline)
        return [...lines, `template   ${path}: not rendered (offline: the MeshAgent API renders it)`];
    // A service template is rendered as a real run renders it, with the placeholder where it names the tag.
    const template = path === undefined ? undefined : await renderTemplateFor(config, client, path, target.image, placeholder);
    const serviceName = template?.name ?? target.serviceName;
    const domain = template ? template.domain : service.domain;
    if (template)
        lines.push(`template   ${template.path}: service ${serviceName}${template.usesImage ? ', this image pinned in it' : `, which neither runs nor mounts ${target.image}`}`);
    const existing = !roomExists
        ? undefined
        : project
            ? asSpec(await client.findProjectService(serviceName))
            : await findExistingService(client, room, serviceName);
    try {
        // The image is not built in a dry run: its ports, volumes and runtime label come from the Dockerfile, as the CLI
        // reads them; the ports input or the running service's ports stand in where it has none.
        const planned = await plannedImage(config, placeholder, target.image);
        const runtime = template ? undefined : planned.facts.runtime;
        if (template)
            lines.push('runtime    as the service template says');
        else if (runtime) {
            lines.push(`runtime    ${runtime.name} (label ${image_runtime/* IMAGE_RUNTIME_LABEL */.Oe}): the service runs ${runtime.baseImage} with this image read-only at ${runtime.mountPath}, command ${runtime.command} in ${runtime.workingDir} (from ${planned.source})`);
        }
        else
            lines.push(`runtime    ${planned.known ? `none: the image runs itself (from ${planned.source})` : `not known yet: ${planned.source}`}`);
        const options = template ? { ...service, domain } : service;
        const { spec } = buildServiceSpec({ serviceName, image: planned.facts, options, existing, rendered: template?.spec });
        lines.push(`service    ${serviceName} ${offline ? 'would be created or updated (not looked up; no diff)' : `would be ${existing ? 'updated' : 'created'}`}`);
        // Both as the SDK sends them (defaults filled), so the diff is what the update changes; an invalid spec fails here.
        const sent = (0,wire_service/* dumpServiceSpec */.bz)(spec);
        const changes = existing ? diffSpecs(withoutEnvValues((0,wire_service/* dumpServiceSpec */.bz)(existing)), withoutEnvValues(sent)) : [];
        if (existing)
            lines.push(...(changes.length > 0 ? changes.map((c) => `  ${c}`) : ['  (no change but the image)']));
    }
    catch (error) {
        // An image input that cannot be read fails the run before anything is built: it fails the plan too.
        if (!(error instanceof errors/* ShipError */.fS) || error.input === 'image')
            throw error;
        lines.push(`service    ${serviceName}: ${error.message} (checked again after the build, with the image's ports and volumes)`);
    }
    lines.push(`domain     ${domain ? `https://${domain}${offline ? '' : await routeNote(client, domain, room, serviceName)}` : 'none'}`, `rollout    ${project ? 'not followed: each room runs the project service from its next session' : rolloutPlan(service)}`);
    // Extra paths are routed beside / on the domain.
    if (domain)
        for (const extra of service.extraPorts ?? [])
            lines.push(`  + path ${extra.path} -> ${extra.target}`);
    return lines;
}
/** What a real run would do after the deploy: wait for the rollout (and roll back), or not. */
function rolloutPlan(service) {
    if (service.waitSeconds <= 0)
        return 'not waited (wait: false)';
    const back = service.rollback ? `roll back if it does not (a new service: ${service.rollbackNewService})` : 'no rollback (rollback: false)';
    return `wait up to ${service.waitSeconds} s for the new container to be live; ${back}`;
}
/** What a real run would do with the domain's route: create it, keep it, or refuse it (it belongs elsewhere). */
async function routeNote(client, domain, room, serviceName) {
    const route = await client.getRoute(domain);
    if (!route)
        return ' (route would be created)';
    try {
        checkRouteOwner(route, { domain, room, serviceName });
    }
    catch (error) {
        if (!(error instanceof errors/* ShipError */.fS))
            throw error;
        return `: ${error.message} (a real run fails here, before writing anything)`;
    }
    return ' (route exists; updated if its port changes)';
}
/**
 * The spec with each environment entry reduced to its name and kind, and a service template's values to their
 * names: values are never printed.
 */
function withoutEnvValues(given) {
    const annotations = given.metadata.annotations;
    const values = annotations?.[service_template/* TEMPLATE_VALUES_ANNOTATION */.yB];
    const spec = values === undefined
        ? given
        : { ...given, metadata: { ...given.metadata, annotations: { ...annotations, [service_template/* TEMPLATE_VALUES_ANNOTATION */.yB]: valueNames(values) } } };
    const environment = spec.container?.environment;
    if (!environment)
        return spec;
    const names = environment.map((entry) => {
        const { name, secret, token } = entry;
        return `${name ?? '?'}${secret ? ' (secret)' : token ? ' (token)' : ''}`;
    });
    return { ...spec, container: { ...spec.container, environment: names } };
}
/** A project service as a spec the plan can compare with (one it cannot read is compared as none). */
function asSpec(record) {
    const parsed = wire_service/* ServiceSpec */.F5.safeParse(record);
    return parsed.success ? parsed.data : undefined;
}
function valueNames(json) {
    try {
        return `values of ${Object.keys(JSON.parse(json)).join(', ')}`;
    }
    catch {
        return 'values';
    }
}
function describeSource(config) {
    const source = config.image.source;
    if (!source)
        return '';
    return source.kind === 'registry' ? source.reference.value : `${source.kind}:${source.path}`;
}
/**
 * The fields that differ between two specs, one line each: `~ path: old -> new`, `+ path: new`, `- path: old`.
 * Arrays are compared whole (a port list or an env list is replaced, not merged).
 */
function diffSpecs(before, after) {
    const old = flatten(before);
    const next = flatten(after);
    const lines = [];
    for (const [path, value] of next) {
        if (!old.has(path))
            lines.push(`+ ${path}: ${value}`);
        else if (old.get(path) !== value)
            lines.push(`~ ${path}: ${old.get(path)} -> ${value}`);
    }
    for (const [path, value] of old)
        if (!next.has(path))
            lines.push(`- ${path}: ${value}`);
    return lines;
}
function flatten(value, prefix = '', into = new Map()) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, child] of Object.entries(value)) {
            if (child !== undefined && child !== null)
                flatten(child, prefix ? `${prefix}.${key}` : key, into);
        }
    }
    else if (value !== undefined && value !== null) {
        into.set(prefix, JSON.stringify(value));
    }
    return into;
}

;// CONCATENATED MODULE: ./src/pipeline/sbom.ts
/**
 * An SPDX SBOM of the shipped image's files, attached to it as an OCI referrer (`sbom: true`). The files come from
 * each eStargz layer's TOC, read from the registry by Range as a lazy pull reads them (so layers reused from the
 * previous ship need not be here): each regular file with its size and SHA-256, upper layers over lower ones,
 * whiteouts applied. The SBOM is an artifact manifest whose `subject` is the image; a registry without the
 * referrers API finds it through the fallback tag `sha256-<hex>` (an index of the image's referrers).
 */






const SPDX_JSON = 'application/spdx+json';
const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };
const EMPTY_FILE_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The regular files of the image as it runs: path (with a leading /) to size and content digest. */
async function imageFiles(repository, layers) {
    const files = new Map();
    for (const layer of layers) {
        if (layer.annotations?.[oci/* Annotation */.YH.stargzTocDigest] === undefined)
            throw new errors/* ShipError */.fS(`layer ${layer.digest} is not eStargz: the SBOM is read from the eStargz TOCs`, {
                input: 'sbom',
                hint: 'set estargz: true with sbom: true',
            });
        const seen = [];
        await (0,estargz/* readToc */.PP)({ size: layer.size, read: (start, length) => repository.readBlobRange(layer.digest, start, length) }, (batch) => {
            for (const entry of batch)
                if ('name' in entry && entry.type !== 'chunk')
                    seen.push(entry);
        });
        for (const entry of seen) {
            const path = `/${entry.name.replace(/^\.?\/+/, '').replace(/\/+$/, '')}`;
            const base = path.slice(path.lastIndexOf('/') + 1);
            const dir = path.slice(0, path.lastIndexOf('/'));
            if (base === '.wh..wh..opq') {
                for (const name of files.keys())
                    if (name.startsWith(`${dir}/`))
                        files.delete(name);
            }
            else if (base.startsWith('.wh.')) {
                const gone = `${dir}/${base.slice(4)}`;
                for (const name of files.keys())
                    if (name === gone || name.startsWith(`${gone}/`))
                        files.delete(name);
            }
            else if (entry.type === 'reg' && !base.startsWith('.prefetch.landmark') && !base.startsWith('.no.prefetch.landmark')) {
                files.set(path, { size: entry.size ?? 0, sha256: entry.digest?.replace(/^sha256:/, '') ?? EMPTY_FILE_SHA256 });
            }
            else
                files.delete(path);
        }
    }
    return files;
}
/** The SPDX 2.3 JSON document of the image `name` at `digest`. */
function spdxDocument(name, digest, created, files) {
    const sorted = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: `${name}@${digest}`,
        documentNamespace: `urn:meshagent-ship:sbom:${digest}`,
        creationInfo: { created, creators: [`Tool: meshagent-ship-${version/* VERSION */.x}`] },
        packages: [
            {
                SPDXID: 'SPDXRef-Image',
                name,
                versionInfo: digest,
                downloadLocation: 'NOASSERTION',
                filesAnalyzed: false,
                primaryPackagePurpose: 'CONTAINER',
            },
        ],
        files: sorted.map(([path, fact], index) => ({
            fileName: `.${path}`,
            SPDXID: `SPDXRef-File-${index + 1}`,
            checksums: [{ algorithm: 'SHA256', checksumValue: fact.sha256 }],
            fileSize: fact.size,
        })),
        relationships: [
            { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' },
            ...sorted.map((_, index) => ({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: `SPDXRef-File-${index + 1}` })),
        ],
    };
}
/**
 * Makes the SBOM of the pushed image `subject` (whose manifests are in `layout`) and pushes it as its referrer.
 * `name` is the bare repository, `workDir` where the artifact's layout is written.
 */
async function attachSbom(repository, layout, subject, name, workDir) {
    const { manifest, config } = await (0,runnable_image/* readRunnableConfig */.c)(layout, subject);
    const files = await imageFiles(repository, manifest.layers);
    const created = typeof config.created === 'string' ? config.created : new Date(0).toISOString();
    const document = Buffer.from(JSON.stringify(spdxDocument(name, subject.digest, created, files)));
    const artifact = await oci/* OciLayout */.Al.create((0,external_node_path_.join)(workDir, 'sbom'));
    const sbom = await artifact.writeBlob(document);
    const empty = await artifact.writeBlob(EMPTY.bytes);
    const root = await artifact.writeJson(oci/* MediaType */.zu.ociManifest, {
        schemaVersion: 2,
        mediaType: oci/* MediaType */.zu.ociManifest,
        artifactType: SPDX_JSON,
        config: { mediaType: EMPTY.mediaType, ...empty },
        layers: [{ mediaType: SPDX_JSON, ...sbom }],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        annotations: { 'org.opencontainers.image.created': created },
    });
    await (0,oci/* pushImage */.GH)(artifact, repository, { root });
    await addReferrer(repository, subject.digest, { ...root, mediaType: oci/* MediaType */.zu.ociManifest, artifactType: SPDX_JSON });
    return { digest: root.digest, files: files.size };
}
/** The referrers tag schema: the index under `sha256-<hex>` lists the subject's referrers; ours is added to it. */
async function addReferrer(repository, subject, referrer) {
    const tag = subject.replace(':', '-');
    let manifests = [];
    if ((await repository.headManifest(tag)) !== undefined) {
        const answer = await repository.getManifest(tag);
        const parsed = oci/* ImageIndex */.yd.safeParse(JSON.parse(answer.bytes.toString('utf8')));
        if (parsed.success)
            manifests = parsed.data.manifests.filter((m) => m.digest !== referrer.digest);
    }
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: oci/* MediaType */.zu.ociIndex, manifests: [...manifests, referrer] }));
    await repository.putManifest(tag, index, oci/* MediaType */.zu.ociIndex);
}

;// CONCATENATED MODULE: ./src/pipeline/publish.ts
/**
 * The push stage: push the image (blobs skipped when the repository has them), then read the image back as a puller
 * would: the tag must name our digest, every blob must be there, and each eStargz layer's footer and TOC, read by
 * Range as the stargz snapshotter reads them, must match its annotation.
 */





async function pushStage(run, converted) {
    const { target, image, registry } = converted;
    if (!registry)
        throw new Error('the push stage runs only with push: true, which opens the target registry');
    const { result } = await run.stages.run('push', `Push ${target.image}`, async () => {
        const result = await pushToTarget(registry, target, image.layout, image.descriptor, run.log);
        // Read back before anything runs it, as a puller would: a defect found here leaves the service as it was.
        const readBack = await checkPushed(registry, target, result.digest);
        const sbom = run.config.image.sbom
            ? await attachSbom(registry.client.repository(target.registryRepository, ['pull', 'push']), image.layout, image.descriptor, bareRepository(target), converted.workDir)
            : undefined;
        if (sbom)
            run.log(`SBOM: ${count(sbom.files, 'file')}, attached as ${sbom.digest} (a referrer of ${result.digest})`);
        return { result, readBack, sbom };
    }, ({ result, readBack, sbom }) => `${result.stats.upToDate ? `already there; tagged (${result.digest})` : `${result.stats.uploaded} uploaded, ${result.stats.skipped} skipped, ${result.stats.mounted} mounted`}; ` +
        `read back: ${count(readBack.blobs, 'blob')}${readBack.tocs ? `, ${count(readBack.tocs, 'eStargz TOC')} as annotated` : ''}` +
        (sbom ? `; SBOM of ${count(sbom.files, 'file')} attached (${sbom.digest.slice(0, 19)})` : ''));
    return { ...converted, pushed: result };
}
async function pushToTarget(registry, target, layout, root, log) {
    const repository = registry.client.repository(target.registryRepository, ['pull', 'push']);
    try {
        return await (0,oci/* pushImage */.GH)(layout, repository, { root, tag: target.tag.tag ?? 'latest', log });
    }
    catch (error) {
        // A converted layout lacks the layers reused from the previous ship, which the repository had when the convert
        // stage checked them: one is missing now if it was deleted from the registry since.
        if (error instanceof oci/* MissingBlobError */.Q8) {
            const hint = `${error.hint ?? ''}; in a ship, a layer reused from the previous ship was deleted from the registry meanwhile: ship again, and it is converted`;
            throw new errors/* ShipError */.fS(error.message, { hint, cause: error });
        }
        throw error;
    }
}
/** `<registry>/<project-key>/<repository>`, the name the SBOM describes. */
function bareRepository(target) {
    return `${target.registry}/${target.registryRepository}`;
}
/**
 * Reads the pushed image back: the tag must name our digest, the manifests are fetched by digest (so their bytes
 * are ours), each blob they name must be in the repository at its size, and each layer that declares a TOC digest
 * must end in a footer and TOC with that digest.
 */
async function checkPushed(registry, target, pushed) {
    const repository = registry.client.repository(target.registryRepository, ['pull']);
    const tag = target.tag.tag ?? 'latest';
    const head = await repository.headManifest(tag);
    if (head?.digest !== pushed) {
        throw new errors/* ShipError */.fS(`${target.image} names ${head?.digest ?? 'nothing'} after the push, not ${pushed}`, {
            hint: 'another job pushed the same tag meanwhile: use a tag per build, such as the commit SHA',
        });
    }
    const blobs = new Map();
    for (const { manifest } of await (0,oci/* remoteImageManifests */.IY)(repository, pushed, await repository.getManifest(pushed))) {
        for (const blob of [manifest.config, ...manifest.layers])
            blobs.set(blob.digest, blob);
    }
    const where = `${target.registry}/${target.registryRepository}`;
    let tocs = 0;
    // A few blobs at a time, as the push sends them: each is a HEAD and, for a layer, two Range reads.
    await (0,oci/* forEachLimited */.vP)([...blobs.values()], 4, async (blob) => {
        const size = await repository.blobSize(blob.digest);
        if (size !== blob.size)
            throw new errors/* ShipError */.fS(`${where}: blob ${blob.digest} is ${size === undefined ? 'missing' : `${size} bytes, not ${blob.size}`} after the push`, {
                hint: 'push again',
            });
        const declared = blob.annotations?.[oci/* Annotation */.YH.stargzTocDigest];
        if (declared === undefined)
            return;
        const toc = await (0,estargz/* readToc */.PP)({ size: blob.size, read: (start, length) => repository.readBlobRange(blob.digest, start, length) }).catch((error) => {
            throw new errors/* ShipError */.fS(`${where}: the TOC of layer ${blob.digest} cannot be read back: ${error instanceof Error ? error.message : String(error)}`, {
                hint: 'push again; if it persists, the registry alters blobs or does not serve ranges',
            });
        });
        if (toc.tocDigest !== declared)
            throw new errors/* ShipError */.fS(`${where}: layer ${blob.digest} has TOC digest ${toc.tocDigest}, its annotation says ${declared}`, {
                hint: 'this is a bug in the converter: report it, and set estargz: false to ship meanwhile',
            });
        tocs += 1;
    });
    return { blobs: blobs.size, tocs };
}

;// CONCATENATED MODULE: ./src/report/result.ts
/**
 * The result of a run: what each stage did, the image, the service, the retries and the error. The action's outputs,
 * the job summary and `--json` are all rendered from it, also after a failure (the stages done so far and the
 * error). It never holds a secret: only names, digests, sizes, ids and URLs.
 */
const STAGES = ['resolve', 'ensure', 'build', 'convert', 'push', 'deploy', 'verify'];
/** The action's outputs, as strings (empty when unknown). */
function resultOutputs(result) {
    return {
        image: result.image?.tag ?? '',
        repository: result.image ? result.image.tag.replace(/(@sha256:[0-9a-f]+|:[^:/]+)$/, '') : '',
        digest: result.image?.digest ?? '',
        'image-ref': result.image?.ref ?? '',
        'service-id': result.service?.id ?? '',
        'service-name': result.service?.name ?? '',
        'service-url': result.service?.url ?? '',
        created: result.service?.created === null || result.service === null ? '' : String(result.service.created),
        rollout: result.rollout?.outcome ?? '',
        'rolled-back-to': result.rollout?.rolledBack?.digest ?? '',
        result: JSON.stringify(result),
    };
}

;// CONCATENATED MODULE: ./src/pipeline/stages.ts
/**
 * Runs the pipeline's stages one after another in log groups, timing each and recording what it did, so the
 * report can say which stages were done, which failed and which never ran.
 */

/** A failure, with the stage it happened in. */
class StageError extends errors/* ShipError */.fS {
    stage;
    original;
    constructor(stage, original) {
        const shipError = original instanceof errors/* ShipError */.fS ? original : undefined;
        super(shipError?.message ?? (original instanceof Error ? original.message : String(original)), {
            ...(shipError?.hint ? { hint: shipError.hint } : {}),
            ...(shipError?.input ? { input: shipError.input } : {}),
            cause: original,
        });
        this.stage = stage;
        this.original = original;
    }
}
class StageTracker {
    runner;
    now;
    signal;
    records = [];
    constructor(runner, now = Date.now, 
    /** Once aborted, no further stage starts: the next one fails with the signal's reason. */
    signal) {
        this.runner = runner;
        this.now = now;
        this.signal = signal;
    }
    /**
     * Runs `fn` as stage `name` in a log group. `describe` turns its value into the one-line detail of the report.
     * A failure is recorded and rethrown as a StageError naming the stage.
     */
    async run(name, title, fn, describe) {
        const started = this.now();
        try {
            this.signal?.throwIfAborted();
            const value = await this.runner.group(title, fn);
            this.record({ name, status: 'done', durationMs: this.now() - started, detail: describe(value) });
            return value;
        }
        catch (error) {
            const failure = error instanceof StageError ? error : new StageError(name, error);
            this.record({ name, status: 'failed', durationMs: this.now() - started, detail: failure.message.split('\n')[0] ?? '' });
            throw failure;
        }
    }
    /** Keeps a finished stage's record and says its time in the debug log. */
    record(finished) {
        this.records.push(finished);
        this.runner.debug(`stage ${finished.name}: ${finished.status} in ${finished.durationMs} ms`);
    }
    /**
     * Puts `label: ` before the detail of each record made since `from` (a count of records): a stage run once per
     * room says which room each line is of.
     */
    labelSince(from, label) {
        for (let i = from; i < this.records.length; i++) {
            const record = this.records[i];
            this.records[i] = { ...record, detail: `${label}: ${record.detail}` };
        }
    }
    /**
     * The record of a stage, one for a stage run more than once (once per room): failed when any run failed, timed
     * as all of them, with each run's detail.
     */
    recordOf(name) {
        const runs = this.records.filter((r) => r.name === name);
        if (runs.length <= 1)
            return runs[0];
        const status = runs.some((r) => r.status === 'failed') ? 'failed' : runs.some((r) => r.status === 'done') ? 'done' : 'skipped';
        return { name, status, durationMs: runs.reduce((total, r) => total + r.durationMs, 0), detail: runs.map((r) => r.detail).join('; ') };
    }
    /** Records a stage that did not run, and why. */
    skip(name, why) {
        this.records.push({ name, status: 'skipped', durationMs: 0, detail: why });
    }
    /** Whether a stage has a record already. */
    has(name) {
        return this.records.some((r) => r.name === name);
    }
}

;// CONCATENATED MODULE: ./src/meshagent/rollback.ts
/**
 * Taking back a deploy whose rollout did not become live, with the deploy's own undo steps: an updated service gets
 * its previous spec back (and a route the deploy changed or claimed is put back); a service the deploy created has
 * nothing to go back to, so it is either stopped (`enabled: false`, kept with its route and marked so the next
 * deploy starts it again) or deleted with the route the deploy claimed. A service another deploy has changed since
 * is left as it is: taking this deploy back would undo that one.
 */



async function takeBack(request) {
    const { client, room, deployed, log } = request;
    const at = { client, room, serviceName: deployed.serviceName, imageRef: request.imageRef };
    const moved = await changedByAnother(at, deployed.serviceName);
    if (moved) {
        log(`Not rolled back: ${moved}`);
        return { action: 'left', why: moved };
    }
    if (deployed.created && request.newService === 'stop')
        return stop(request);
    const report = await deployed.undo.undoAll(log);
    if (report.failed.length > 0) {
        const left = report.failed.map(({ step, error }) => `${step.leftover.what} (${error instanceof errors/* ShipError */.fS ? error.message : (0,errors/* formatError */.Wk)(error)})`);
        return { action: 'failed', left: left.join('; '), fix: report.failed.map(({ step }) => step.leftover.fix).join('; ') };
    }
    if (!deployed.created && deployed.previous)
        return { action: 'restored', previous: deployed.previous, said: report.undone };
    return { action: 'removed', said: report.undone };
}
/** Disables the new service, marked as stopped by a rollback, and keeps its route. */
async function stop(request) {
    const { client, room, deployed, log } = request;
    const spec = {
        ...deployed.spec,
        enabled: false,
        metadata: { ...deployed.spec.metadata, annotations: { ...deployed.spec.metadata.annotations, [service_annotations/* STOPPED_BY_ROLLBACK_ANNOTATION */.rP]: 'true' } },
    };
    try {
        await client.updateService(room, deployed.serviceId, spec);
    }
    catch (error) {
        return {
            action: 'failed',
            left: `service ${deployed.serviceName} (${deployed.serviceId}), created by this run, still runs the image that failed (stopping it failed: ${error instanceof errors/* ShipError */.fS ? error.message : (0,errors/* formatError */.Wk)(error)})`,
            fix: `stop or delete service ${deployed.serviceName} in room ${room}, or ship a working image`,
        };
    }
    const said = `service ${deployed.serviceName}, created by this run, was stopped (enabled: false; the next ship starts it again)`;
    log(`Rolled back: ${said}`);
    return { action: 'stopped', said: [said] };
}

;// CONCATENATED MODULE: ./src/meshagent/rollout.ts
/**
 * Following a rollout in the room, as the MeshAgent CLI's deploy waits (cli image.py 3752-3907), with its words:
 * the room's service states are read every second until a container other than the one before runs and every
 * published port with a liveness path reports `ready`. It fails when the new container exits or restarts first
 * (with its exit code and restart count), when the room replaces the container it follows, when the room cannot
 * start it, and when the time runs out. The container's output is followed meanwhile and handed to `onLogLine`.
 */



/** A rollout that did not become live, and what the room said last. */
class RolloutFailed extends errors/* ShipError */.fS {
    kind;
    last;
    constructor(message, kind, last) {
        super(message, { hint: HINTS[kind] });
        this.kind = kind;
        this.last = last;
    }
}
const HINTS = {
    exited: "the container's last log lines say why it exited; fix the service and ship again",
    changed: 'another deploy or a restart replaced the container during the wait; ship again, one deploy per service at a time',
    failed: 'the room could not start the container (an image it cannot pull or run); check the image and ship again',
    timeout: "the container's log lines and the liveness status say what it waits for; fix the service or raise wait",
};
/** How long an exited container's output may take to arrive in full, once its exit is known. */
const LOG_DRAIN_MS = 2000;
async function waitForLive(target, options) {
    const { serviceName, serviceId } = target;
    const now = options.now ?? Date.now;
    const who = `${serviceName} (${serviceId})`;
    options.log(`Waiting for service to go live: ${who}`);
    for (const { path } of target.liveness)
        options.log(`Waiting for service liveness: ${path}`);
    if (target.liveness.length === 0 && target.domain)
        options.log(`Route created for ${target.domain}, but the service has no HTTP liveness path to check.`);
    const logs = new LogFollower(options);
    let last;
    try {
        for (;;) {
            options.signal?.throwIfAborted();
            if (now() >= options.deadline)
                throw timedOut(target, last);
            let state;
            try {
                state = (await listServices(options.session, options.deadline)).states.get(serviceId);
            }
            catch (error) {
                // The session gives up on a retryable failure only when its next try would come after the deadline: the
                // wait has run out, however long before the deadline itself that is.
                if (error instanceof RoomError && error.retryable)
                    throw timedOut(target, last, error.reason);
                throw error;
            }
            if (state)
                last = state;
            const containerId = state?.container_id ?? undefined;
            if (state && containerId !== undefined && containerId === target.previousContainerId && sameStart(state, target.previousState)) {
                // Still the container from before the deploy.
            }
            else if (state && containerId === undefined && sameState(state, target.previousState)) {
                // Still the state from before the deploy, when no container ran.
            }
            else if (state) {
                if ((state.restart_count ?? 0) > 0) {
                    await logs.drain(containerId);
                    // The CLI's words, then the restart count, which the CLI does not say.
                    const said = `Service container exited before the service was live: ${who}, exit code ${state.last_exit_code ?? 'unknown'}`;
                    throw failure(`${said}, restart count ${state.restart_count}`, 'exited', state);
                }
                if (state.state === 'failed') {
                    await logs.drain(containerId);
                    throw failure(`Service container could not be started before the service was live: ${who}`, 'failed', state);
                }
                if (containerId !== undefined && logs.following !== undefined && containerId !== logs.following) {
                    throw failure(`Service container changed before the service was live: ${who}, exit code ${state.last_exit_code ?? 'unknown'}`, 'changed', state);
                }
                if (containerId !== undefined && logs.following === undefined) {
                    options.log(`Tailing container logs: ${containerId}`);
                    logs.follow(containerId);
                }
                if (containerId !== undefined && state.state === 'running' && allReady(target, state)) {
                    if (target.liveness.length === 0)
                        options.log(`Service is live: ${who}`);
                    for (const { path } of target.liveness)
                        options.log(`Service liveness is ready: ${path}`);
                    return { containerId };
                }
            }
            await pause(Math.min(options.pollMs ?? 1000, Math.max(0, options.deadline - now())), options.signal);
        }
    }
    finally {
        logs.stop();
    }
}
/**
 * Whether the container is the one that ran before, as far as its start time tells: a room that gives a new
 * container the id of the one it replaced still gives it a new start time.
 */
function sameStart(state, before) {
    const [now, then] = [state.started_at ?? undefined, before?.started_at ?? undefined];
    return now === undefined || then === undefined || now === then;
}
/** A state without a container that says what the one before the deploy said: the room has not acted yet. */
function sameState(state, before) {
    if (!before || (before.container_id ?? undefined) !== undefined)
        return false;
    return ((state.state ?? null) === (before.state ?? null) &&
        (state.restart_count ?? 0) === (before.restart_count ?? 0) &&
        (state.last_exit_code ?? null) === (before.last_exit_code ?? null));
}
/** Every liveness port of the target reports `ready` in this state (matched by port, as the room lists them). */
function allReady(target, state) {
    const ports = state.status?.ports ?? [];
    return target.liveness.every(({ port, path }) => ports.some((p) => p.num === port && (p.liveness ?? path) === path && p.liveness_status === 'ready'));
}
function failure(message, kind, state) {
    return new RolloutFailed(message, kind, {
        containerId: state.container_id ?? null,
        exitCode: state.last_exit_code ?? null,
        restartCount: state.restart_count ?? null,
    });
}
/** The CLI's timeout message, with what the room said last: the state and each liveness port's status. */
function timedOut(target, last, connection) {
    const seen = last === undefined || (last.container_id ?? undefined) === target.previousContainerId
        ? 'no new container was seen'
        : [
            `container ${last.container_id ?? '(none)'} ${last.state ?? 'in no known state'}`,
            ...(last.status?.ports ?? [])
                .filter((p) => p.liveness)
                .map((p) => `liveness ${p.liveness} ${p.liveness_status ?? 'unknown'}${p.last_error ? ` (${p.last_error})` : ''}`),
        ].join(', ');
    const lost = connection ? `; the room connection was lost (${connection})` : '';
    return new RolloutFailed(`timed out waiting for deployed service to become live: ${target.serviceName} (${target.serviceId}); ${seen}${lost}`, 'timeout', {
        containerId: last?.container_id ?? null,
        exitCode: last?.last_exit_code ?? null,
        restartCount: last?.restart_count ?? null,
    });
}
/** The output of the container being followed, read in the background while the wait goes on. */
class LogFollower {
    options;
    following;
    stopper = new AbortController();
    done;
    constructor(options) {
        this.options = options;
    }
    follow(containerId) {
        this.following = containerId;
        const { session, onLogLine, deadline, log } = this.options;
        this.done = followLogs(session, {
            containerId,
            onLine: (line) => onLogLine(line, containerId),
            signal: this.stopper.signal,
            deadline: () => deadline,
        }).catch((error) => {
            // The logs are a help, not the verdict: a failure to read them is said and the wait goes on.
            if (!this.stopper.signal.aborted && !this.options.signal?.aborted)
                log(`The container logs could not be read: ${error instanceof Error ? error.message : String(error)}`);
        });
    }
    /**
     * Lets an exited container's output arrive in full: the logs end on their own when it has exited. A container
     * that was never followed (it exited before the first look) has its logs read once.
     */
    async drain(containerId) {
        if (this.following === undefined && containerId !== undefined)
            this.follow(containerId);
        if (this.done)
            await Promise.race([this.done, pause(LOG_DRAIN_MS)]);
    }
    stop() {
        this.stopper.abort();
    }
}

;// CONCATENATED MODULE: ./src/pipeline/log-tail.ts
/**
 * A container's log as the rollout reads it: each line goes to the run's log as it comes (secrets hidden, made inert
 * by the runner), and the last lines are kept for the summary and the result: at most 50, and at most 8 KiB, each
 * line cut at 500 characters, so a service that prints a lot cannot blow up the report.
 */
const MAX_LINES = 50;
const MAX_BYTES = 8 * 1024;
const log_tail_MAX_LINE_CHARS = 500;
class LogTail {
    say;
    scrub;
    kept = [];
    bytes = 0;
    count = 0;
    constructor(
    /** Where each line is said, e.g. the run's log. */
    say, 
    /** Hides secrets in a line before it goes anywhere. */
    scrub) {
        this.say = say;
        this.scrub = scrub;
    }
    /** Lines read so far, kept or not. */
    get total() {
        return this.count;
    }
    add(container, line) {
        // Escapes out first: a secret written with a colour code inside it is still found.
        const clean = cut(this.scrub(line.replace(ESCAPES, '')));
        this.count += 1;
        this.say(`${container} | ${clean}`);
        this.kept.push(clean);
        this.bytes += Buffer.byteLength(clean) + 1;
        while (this.kept.length > MAX_LINES || this.bytes > MAX_BYTES)
            this.bytes -= Buffer.byteLength(this.kept.shift() ?? '') + 1;
    }
    /** The last lines, oldest first. */
    lines() {
        return [...this.kept];
    }
    /** Starts over, for another container (the one a rollback waits for). */
    clear() {
        this.kept = [];
        this.bytes = 0;
        this.count = 0;
    }
}
/**
 * Terminal sequences: colours and cursor moves (CSI), window titles and links (OSC, ended by BEL or ST, or cut
 * short), other two-character escapes; then the control characters left but the tab: plain text for a summary.
 */
const ESCAPES = 
// eslint-disable-next-line no-control-regex
/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)|\x1b[PX^_][^\x1b]*(?:\x1b\\|$)|\x1b[ -/]*[0-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
function cut(line) {
    if (line.length <= log_tail_MAX_LINE_CHARS)
        return line;
    const end = line.charCodeAt(log_tail_MAX_LINE_CHARS - 2) >= 0xd800 && line.charCodeAt(log_tail_MAX_LINE_CHARS - 2) <= 0xdbff ? log_tail_MAX_LINE_CHARS - 2 : log_tail_MAX_LINE_CHARS - 1;
    return `${line.slice(0, end)}…`;
}

;// CONCATENATED MODULE: ./src/pipeline/rollout.ts
/**
 * The rollout of a deploy, followed in the room: an updated service is restarted (as the CLI's deploy does), then
 * the wait (meshagent/rollout.ts) runs until the new container is live, with its log in the run's log. A rollout
 * that does not become live is taken back with the deploy's own undo steps (meshagent/rollback.ts), unless
 * `rollback` is off: the previous spec is put back, restarted and waited for until its container runs again, and
 * the run fails saying `rolled back to <digest>` and why.
 */







/** The CLI's restart timeout (cli image.py 133). */
const RESTART_TIMEOUT_MS = 60_000;
/** A rollout that did not become live, with what the report says of it. */
class RolloutNotLive extends errors/* ShipError */.fS {
    report;
    rollbackFailed;
    constructor(message, hint, report, cause, 
    /** True when taking the deploy back failed too: the error says what is left to put right by hand. */
    rollbackFailed = false) {
        super(message, { hint, cause });
        this.report = report;
        this.rollbackFailed = rollbackFailed;
    }
}
/** Follows the rollout until the new container is live; takes it back and throws RolloutNotLive when it is not. */
async function followRollout(run, deployed) {
    const { service, room } = deployed;
    const started = Date.now();
    const deadline = started + run.config.service.waitSeconds * 1000;
    const session = run.roomSession(room);
    const tail = new LogTail(run.log, (text) => run.scrub(text));
    let restarted = false;
    try {
        if (!service.created)
            restarted = await restart(run, session, service.serviceName, service.serviceId, deadline);
        const live = await waitForLive({ ...targetOf(service.spec, service.serviceId, deployed.previousContainerId), previousState: deployed.previousState, domain: service.domain }, {
            session,
            deadline,
            log: run.log,
            onLogLine: (line, container) => tail.add(container, line),
            ...(run.signal ? { signal: run.signal } : {}),
        });
        return { outcome: 'ready', readyMs: Date.now() - started, restarted, containerId: live.containerId, failure: null, logs: [], rolledBack: null };
    }
    catch (error) {
        if (error instanceof src_stop/* Stopped */.C9)
            throw stoppedDuringTheWait(error, restarted, tail);
        const failure = failureOf(error);
        const report = {
            outcome: 'failed',
            readyMs: null,
            restarted,
            containerId: error instanceof RolloutFailed ? error.last.containerId : null,
            failure,
            logs: tail.lines(),
            rolledBack: null,
        };
        const hint = error instanceof errors/* ShipError */.fS && error.hint ? error.hint : 'fix the service and ship again';
        if (!run.config.service.rollback) {
            throw new RolloutNotLive(`${failure.message}; not rolled back (rollback: false): the new spec stays in place`, hint, report, error);
        }
        throw await rollBack(run, deployed, report, hint, error);
    }
}
/**
 * A stop during the wait leaves the new spec in place: whether it would have become live is not known, and a
 * rollback with its own wait would not end before the runner kills the process. The run says so.
 */
function stoppedDuringTheWait(stopped, restarted, tail) {
    const message = `${stopped.message} during the wait: not rolled back, the new spec stays in place (whether it would have become live is not known)`;
    const report = {
        outcome: 'failed',
        readyMs: null,
        restarted,
        containerId: null,
        failure: { reason: 'stopped', message, exitCode: null, restartCount: null },
        logs: tail.lines(),
        rolledBack: null,
    };
    return new RolloutNotLive(message, 'ship again to see the rollout through, or ship the image the service ran before to go back', report, stopped);
}
/** The room's error code for a service it runs no container of (meshagent-api error_codes.py). */
const SERVICE_NOT_FOUND = 7001;
/**
 * `services.restart` after an update, in the CLI's words. A room that runs no container of the service (it was
 * stopped, or is not started yet) has nothing to restart: it starts the new spec itself, so that is no failure.
 */
async function restart(run, session, name, id, deadline) {
    run.log(`Restarting service: ${name} (${id})`);
    try {
        await restartService(session, id, deadline, RESTART_TIMEOUT_MS);
    }
    catch (error) {
        // No answer in time, and no connection that could give one before the deadline: the CLI's words.
        if (error instanceof RoomError && error.retryable) {
            throw new RolloutFailed(`timed out restarting deployed service ${name} (${id}); ${error.reason}`, 'timeout', {
                containerId: null,
                exitCode: null,
                restartCount: null,
            });
        }
        if (!(error instanceof RoomError) || error.code !== SERVICE_NOT_FOUND)
            throw error;
        run.log(`Not restarted: the room runs no container of ${name} yet (${error.reason}); it starts the new spec itself`);
        return false;
    }
    run.log(`Restarted service: ${name} (${id})`);
    return true;
}
/** What to wait for: a container other than `previous`, and every published http port's liveness path ready. */
function targetOf(spec, serviceId, previous) {
    const liveness = (spec.ports ?? []).flatMap((port) => 
    // The model's defaults: a type left out is http.
    port.published && (port.type === undefined || port.type === 'http') && port.liveness && typeof port.num === 'number'
        ? [{ port: port.num, path: port.liveness }]
        : []);
    return { serviceId, serviceName: spec.metadata.name, previousContainerId: previous, liveness };
}
function failureOf(error) {
    if (error instanceof RolloutFailed)
        return { reason: error.kind, message: error.message, ...error.last };
    const message = error instanceof errors/* ShipError */.fS ? error.message : error instanceof Error ? error.message : String(error);
    return { reason: error instanceof RoomError && error.retryable ? 'timeout' : 'room', message, exitCode: null, restartCount: null };
}
/**
 * Takes the deploy back (its writes complete even when the run is stopped meanwhile), then, for a restored spec,
 * restarts the service and waits for its container to be live again; returns the error the run fails with.
 */
async function rollBack(run, deployed, report, hint, cause) {
    const { service, room } = deployed;
    const reason = report.failure?.message ?? 'the rollout did not become live';
    run.log(`Rolling back ${service.serviceName}: ${reason}`);
    const request = {
        client: run.client,
        room,
        deployed: service,
        imageRef: deployed.pushed.pinned,
        newService: run.config.service.rollbackNewService,
        log: run.log,
    };
    const taken = run.stop ? await run.stop.uninterrupted(() => takeBack(request)) : await takeBack(request);
    if (taken.action === 'left')
        return new RolloutNotLive(`${reason}; not rolled back: ${taken.why}`, hint, report, cause);
    if (taken.action === 'failed') {
        return new RolloutNotLive(`${reason}; ROLLBACK FAILED, the failed deploy is left in place: ${taken.left}`, `put it right by hand: ${taken.fix}`, { ...report, rolledBack: null }, cause, true);
    }
    if (taken.action !== 'restored') {
        const rolledBack = { service: taken.action, image: null, digest: null, live: null, containerId: null };
        const what = taken.action === 'stopped'
            ? `service ${service.serviceName}, created by this run, was stopped (enabled: false; the next ship starts it again)`
            : `service ${service.serviceName}, created by this run, was deleted with the route it claimed`;
        return new RolloutNotLive(`rolled back: ${what}: ${reason}`, hint, { ...report, outcome: 'rolled-back', rolledBack }, cause);
    }
    const image = (0,image_runtime/* shippedImage */.Xt)(taken.previous) ?? null;
    const digest = image?.includes('@') ? image.slice(image.indexOf('@') + 1) : null;
    const to = digest ?? image ?? 'the previous spec';
    if (taken.previous.enabled === false) {
        // A spec that was disabled (e.g. stopped by an earlier rollback) runs no container: there is nothing to wait for.
        const rolledBack = { service: 'restored', image, digest, live: null, containerId: null };
        return new RolloutNotLive(`rolled back to ${to} (disabled, as it was before: no container to wait for): ${reason}`, hint, { ...report, outcome: 'rolled-back', rolledBack }, cause);
    }
    const back = await waitForPrevious(run, deployed, taken.previous, report.containerId);
    const rolledBack = { service: 'restored', image, digest, live: back.live, containerId: back.containerId };
    const again = back.live ? '' : `, but its container did not become live again (${back.why})`;
    return new RolloutNotLive(`rolled back to ${to}${again}: ${reason}`, back.live ? `${hint}; the service runs its previous image again` : `${hint}; then look at the service's previous image too`, { ...report, outcome: 'rolled-back', rolledBack }, cause);
}
/** The restored spec restarted and waited for as a deploy is (a fresh wait), its log said but not reported. */
async function waitForPrevious(run, deployed, previous, failedContainer) {
    const { service, room } = deployed;
    const session = run.roomSession(room);
    const deadline = Date.now() + run.config.service.waitSeconds * 1000;
    // Said as the new container's lines are (plain, bounded, secrets hidden); the report keeps the failed one's.
    const tail = new LogTail(run.log, (text) => run.scrub(text));
    try {
        await restart(run, session, service.serviceName, service.serviceId, deadline);
        const live = await waitForLive(targetOf(previous, service.serviceId, failedContainer ?? undefined), {
            session,
            deadline,
            log: run.log,
            onLogLine: (line, container) => tail.add(container, line),
            ...(run.signal ? { signal: run.signal } : {}),
        });
        return { live: true, containerId: live.containerId, why: '' };
    }
    catch (error) {
        // The previous spec is back in place already: a stop ends only the wait for its container.
        if (error instanceof src_stop/* Stopped */.C9)
            return { live: false, containerId: null, why: `${error.message} during the wait` };
        return { live: false, containerId: error instanceof RolloutFailed ? error.last.containerId : null, why: failureOf(error).message };
    }
}

;// CONCATENATED MODULE: ./src/pipeline/probe.ts
/**
 * The service URL probe (the verify stage, after the room said the service is live, for a public service): GETs the
 * URL until it answers 2xx or 3xx (a redirect is an answer; it is not followed) or the time runs out. 4xx counts as
 * not up: a service that answers 401, 403 or 404 on its liveness path is not serving it. Reports the last status,
 * the latency of the answering request and the number of attempts. It never fails the run by itself.
 *
 * With `via`, the request goes to that origin over plain HTTP with the URL's host as the Host header, for a router
 * that serves the routed domains locally (the sandbox's), where https://<domain> cannot be reached.
 */

const EVERY_STATUS = Array.from({ length: 500 }, (_, i) => i + 100);
/** Whether a status says the service serves the path: 2xx, or 3xx (a redirect elsewhere is still an answer). */
function isUp(status) {
    return status >= 200 && status < 400;
}
async function probeUrl(options) {
    // This loop is the retry policy: the client itself tries once per call.
    const http = new src_http/* HttpClient */.Qq({ timeoutMs: options.attemptTimeoutMs ?? 10_000, retry: { maxAttempts: 1 } });
    try {
        return await probeWith(http, options);
    }
    finally {
        await http.close();
    }
}
async function probeWith(http, options) {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const deadline = now() + options.timeoutMs;
    const target = new URL(options.url);
    const sent = options.via ? new URL(`${target.pathname}${target.search}`, options.via).toString() : options.url;
    const headers = { accept: '*/*', ...(options.via ? { host: target.host } : {}) };
    let lastStatus = null;
    for (let attempts = 1;; attempts += 1) {
        const started = now();
        try {
            const response = await http.request({ method: 'GET', url: sent, accept: EVERY_STATUS, headers });
            lastStatus = response.status;
            if (isUp(response.status))
                return { url: options.url, status: response.status, latencyMs: now() - started, attempts, ok: true };
            options.log?.(`${options.url} answered ${response.status}; trying again`);
        }
        catch (error) {
            options.log?.(`${options.url} did not answer (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); trying again`);
        }
        const wait = Math.min(options.intervalMs ?? 2000, deadline - now());
        if (wait <= 0)
            return { url: options.url, status: lastStatus, latencyMs: null, attempts, ok: false };
        await sleep(wait);
    }
}

;// CONCATENATED MODULE: ./src/pipeline/verify.ts
/**
 * The verify stage: the service as the API holds it runs the pinned image (another deploy may have raced this one);
 * then, with `wait`, the rollout is followed in the room until the new container is live (pipeline/rollout.ts,
 * which takes back a rollout that is not), and a public service's URL is probed. It says `ready` only when the room
 * says so; without a wait it says `deployed (not waited)`.
 */





/**
 * The room said the service is live, but its URL did not answer 2xx or 3xx in time. Not rolled back: the container
 * runs and answers its liveness path inside the room, and the previous one would sit behind the same route; what
 * fails is outside (DNS, the route, TLS, a path that differs from outside).
 */
class ServiceDidNotAnswer extends errors/* ShipError */.fS {
    probe;
    rollout;
    constructor(probe, rollout, waitSeconds) {
        super(`the service is live in the room, but ${probe.url} did not answer with 2xx or 3xx within ${waitSeconds} s${probe.status !== null ? ` (last status ${probe.status})` : ''}`, { hint: "the deploy is in place and was not rolled back: check the domain's DNS and route, and that the liveness path answers from outside" });
        this.probe = probe;
        this.rollout = rollout;
    }
}
/** The least time the probe gets (the wait permitting), even when the rollout took most of the wait. */
const MIN_PROBE_MS = 10_000;
const NOT_WAITED = { outcome: 'not-waited', readyMs: null, restarted: false, containerId: null, failure: null, logs: [], rolledBack: null };
async function verifyStage(run, deployed) {
    const { waitSeconds } = run.config.service;
    const { room, service } = deployed;
    const ref = deployed.pushed.pinned;
    const result = await run.stages.run('verify', `Verify ${service.serviceName}`, async () => {
        const started = Date.now();
        const running = room === null ? await projectServiceImage(run, service.serviceName) : await run.client.serviceImage(room, service.serviceName);
        if (running !== ref) {
            throw new errors/* ShipError */.fS(`${service.serviceName} runs ${running ?? 'no image'} after the deploy, not ${ref}`, {
                hint: 'another deploy changed the service meanwhile: ship again, one deploy per service at a time',
            });
        }
        // A project service runs in each room from its next session: there is no rollout to follow now.
        if (room === null)
            return { rollout: NOT_WAITED, probe: undefined, why: 'a project service: each room runs it from its next session' };
        if (waitSeconds <= 0)
            return { rollout: NOT_WAITED, probe: undefined, why: 'wait: false' };
        if (service.spec.enabled === false)
            return { rollout: NOT_WAITED, probe: undefined, why: 'the service is disabled (enabled: false)' };
        const rollout = await followRollout(run, { ...deployed, room });
        const probe = probeTarget(run, deployed);
        if (!probe)
            return { rollout, probe: undefined, why: '' };
        const answer = await probeUrl({
            url: probe,
            ...(run.runner.env.MESHAGENT_SHIP_PROBE_ORIGIN ? { via: run.runner.env.MESHAGENT_SHIP_PROBE_ORIGIN } : {}),
            timeoutMs: Math.max(Math.min(MIN_PROBE_MS, waitSeconds * 1000), started + waitSeconds * 1000 - Date.now()),
            log: run.log,
        });
        if (!answer.ok)
            throw new ServiceDidNotAnswer(answer, rollout, waitSeconds);
        return { rollout, probe: answer, why: '' };
    }, ({ rollout, probe, why }) => {
        const digest = ref.slice(ref.lastIndexOf('@') + 1, ref.lastIndexOf('@') + 20);
        if (rollout.outcome !== 'ready')
            return `deployed (not waited): ${service.serviceName} is set to run ${digest} (${why})`;
        const ready = `ready in ${((rollout.readyMs ?? 0) / 1000).toFixed(1)} s: ${service.serviceName} runs ${digest} in container ${rollout.containerId}`;
        return probe ? `${ready}; ${probe.url} answered ${probe.status} in ${probe.latencyMs} ms` : ready;
    });
    return { ...deployed, probe: result.probe, rollout: result.rollout };
}
/** The image the project service of this name runs, as shipped. */
async function projectServiceImage(run, name) {
    const service = await run.client.findProjectService(name);
    return service === undefined ? undefined : (0,image_runtime/* shippedImage */.Xt)(service);
}
/**
 * The URL to probe: a public service's domain, at the routed port's liveness path (else /). A private port asks
 * for a participant token, which a probe from outside has not got, so it is not probed.
 */
function probeTarget(run, deployed) {
    const { service } = deployed;
    if (!service.domain || !service.serviceUrl)
        return undefined;
    let port;
    try {
        port = routeTargetPort(service.spec.ports ?? []);
    }
    catch {
        return undefined;
    }
    const spec = (service.spec.ports ?? []).find((p) => p.num === port);
    if (spec?.public !== true) {
        run.log(`${service.serviceUrl} is not probed: port ${port} is private (a participant token is needed)`);
        return undefined;
    }
    return `${service.serviceUrl}${spec.type === 'http' && spec.liveness ? spec.liveness : '/'}`;
}

;// CONCATENATED MODULE: ./src/pipeline/result.ts
/**
 * The ShipResult, built from the value the run reached: each stage's value holds those before it, so the last one
 * says what was done, also when a later stage failed. A failure may carry what its stage found (a deploy that was
 * taken back, the probe of a service that did not answer): the report shows that too.
 */







/**
 * After a stop, whatever a stage failed with (a killed build, a cut upload) is reported as the stop; a deploy's own
 * report of what it took back, and a rollout's of what it left in place, are kept.
 */
function runFailure(thrown, stop) {
    const stopped = stop?.stopped;
    if (stopped && thrown instanceof StageError && !(thrown.original instanceof DeployRolledBack) && !(thrown.original instanceof RolloutNotLive))
        return { thrown, reported: new StageError(thrown.stage, stopped) };
    return { thrown, reported: thrown };
}
function shipResult(run, reached, failure) {
    const { config, stages } = run;
    for (const name of STAGES)
        if (!stages.has(name))
            stages.skip(name, skipReason(name, config, failure !== undefined));
    const reachedAll = reached ?? {};
    // With several rooms, service, rollout and probe are the first room's; `rooms` has each.
    const first = reachedAll.rooms?.[0];
    const at = first ? { ...reachedAll, ...first.reached } : reachedAll;
    const found = first ? (first.failure ? originalOf(first.failure) : undefined) : failure ? originalOf(failure.thrown) : undefined;
    const room = config.service.scope === 'project' ? null : config.meshagent.room;
    // A secret can reach a message from outside (a build step that prints one before it fails). It is hidden here, in
    // every string, before the result is printed, escaped into JSON or markdown (where masking could no longer find it).
    return withoutSecrets(run, {
        status: failure ? 'failed' : config.dryRun ? 'planned' : 'shipped',
        dryRun: config.dryRun,
        image: imageReport(config, at),
        service: serviceFound(at, room, found),
        probe: at.probe ?? (found instanceof ServiceDidNotAnswer ? found.probe : null),
        cache: at.source?.cache ?? null,
        rollout: rolloutOf(at, found),
        stages: STAGES.map((name) => stages.recordOf(name)),
        retries: retriesOf(run.retryLog.records),
        durationMs: Date.now() - run.started,
        plan: at.plan ?? null,
        offline: at.target?.offline ?? null,
        error: failure === undefined ? null : result_errorOf(failure.reported),
        ...(reachedAll.rooms ? { rooms: reachedAll.rooms.map(roomReport) } : {}),
    });
}
/** The value with every secret of the run masked in each string it holds. */
function withoutSecrets(run, value) {
    const walk = (item) => {
        if (typeof item === 'string')
            return run.hide(item);
        if (Array.isArray(item))
            return item.map(walk);
        if (item !== null && typeof item === 'object')
            return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
        return item;
    };
    return walk(value);
}
/** One room of a run to several rooms: its service, its rollout and its error, as for a run to one room. */
function roomReport(outcome) {
    const at = outcome.reached ?? {};
    const found = outcome.failure ? originalOf(outcome.failure) : undefined;
    return {
        room: outcome.room,
        service: serviceFound(at, outcome.room, found),
        rollout: rolloutOf(at, found),
        error: outcome.failure ? result_errorOf(outcome.failure) : null,
    };
}
/** The service as reached, or as the failure tells what was taken back. */
function serviceFound(at, room, found) {
    return serviceOf(at, room, found instanceof DeployRolledBack ? found : undefined, rolloutOf(at, found), found instanceof RolloutNotLive && found.rollbackFailed);
}
/** The result of a run whose inputs are invalid: every stage skipped, before any network call. */
function invalidInputsResult(error) {
    return {
        status: 'failed',
        dryRun: false,
        image: null,
        service: null,
        probe: null,
        cache: null,
        rollout: null,
        stages: STAGES.map((name) => ({ name, status: 'skipped', durationMs: 0, detail: 'the inputs are invalid' })),
        retries: [],
        durationMs: 0,
        plan: null,
        offline: null,
        error: result_errorOf(error),
    };
}
/** The service part of the result, for a deploy that completed. */
function serviceReport(deployed, room) {
    return {
        id: deployed.serviceId,
        name: deployed.serviceName,
        room,
        created: deployed.created,
        domain: deployed.domain ?? null,
        url: deployed.serviceUrl ?? null,
        route: deployed.routeAction,
        rollback: null,
    };
}
/** The rollout as the verify stage reached it, or as its failure tells it. */
function rolloutOf(at, found) {
    if (at.rollout)
        return at.rollout;
    if (found instanceof RolloutNotLive)
        return found.report;
    if (found instanceof ServiceDidNotAnswer)
        return found.rollout;
    return null;
}
function serviceOf(at, room, rolledBack, rollout, rollbackFailed) {
    if (room === undefined || room === '')
        return null;
    if (at.service) {
        const report = serviceReport(at.service, room);
        // A rollout that was taken back says so of the service, as a deploy that was taken back does.
        if (rollout?.rolledBack)
            return { ...report, rollback: rollout.rolledBack.service };
        if (rollbackFailed)
            return { ...report, rollback: 'failed' };
        return report;
    }
    if (!rolledBack)
        return null;
    const { id, name, created, rollback } = rolledBack.report;
    return { id, name, created, domain: null, url: null, route: 'none', rollback, room };
}
function imageReport(config, at) {
    const { target, pushed } = at;
    if (!target)
        return null;
    // What the push did with each blob, by digest (the report's layers carry their digests as plain text).
    const outcomes = pushed?.stats.outcomes;
    return {
        tag: target.image ?? (0,reference/* formatImageTag */.jv)(config.image.tag),
        repository: `${target.projectKey}/${target.repositoryName}`,
        repositoryCreated: at.access?.created ?? null,
        digest: pushed?.digest ?? null,
        ref: pushed?.pinned ?? null,
        layers: (at.image?.layers ?? []).map((layer) => ({ ...layer, push: outcomes?.get(layer.digest) ?? null })),
        startup: at.image?.startup ?? null,
    };
}
function skipReason(stage, config, failed) {
    if (failed)
        return 'not reached';
    if (config.dryRun)
        return 'dry run';
    if (stage === 'push')
        return 'push: false';
    if (stage === 'deploy' || (stage === 'verify' && !config.service.deploy))
        return 'deploy: false';
    return 'nothing to do';
}
function retriesOf(records) {
    return records.map((r) => ({ method: r.method, url: r.url, reason: r.reason }));
}
/** What a stage failed with, unwrapped from the StageError naming the stage. */
function originalOf(error) {
    return error instanceof StageError ? error.original : error;
}
function result_errorOf(error) {
    const stage = error instanceof StageError ? error.stage : null;
    const original = originalOf(error);
    // Several input errors carry a hint each: the formatted text lists them all.
    if (original instanceof errors/* InputErrors */.G && original.errors.length > 1)
        return { stage, message: (0,errors/* formatError */.Wk)(original), hint: null };
    if (original instanceof errors/* ShipError */.fS)
        return { stage, message: original.message, hint: original.hint ?? null };
    // Not a user's mistake: a bug, reported with its stack so it can be fixed.
    return { stage, message: (0,errors/* formatError */.Wk)(original), hint: null };
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
;// CONCATENATED MODULE: ./src/pipeline/scrub.ts
/**
 * Credentials a service may print that the run never saw: the room gives a container participant tokens (JWTs) and
 * may give it API keys, and a service that logs its environment prints them. Text shaped like one is hidden before
 * it reaches the log, the summary or the result; the run's own secrets are hidden by name besides.
 */
/** A JWT: three base64url parts, the first two JSON objects (`eyJ` is `{"`). */
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g;
/** A MeshAgent API key, `ma-<key id>-<project id>-<secret>`. */
const API_KEY = /\bma-[A-Za-z0-9]{4,}-[A-Za-z0-9-]{8,}/g;
function scrubTokens(text) {
    return text.replace(JWT, '***').replace(API_KEY, '***');
}

;// CONCATENATED MODULE: ./src/pipeline/run.ts
/**
 * What the stages of one run share: the config, the runner's log, the stage records, the MeshAgent client, the one
 * RetryLog every client of the run records its retries in, the stop, and what is closed or removed when the run
 * ends. The stages pass their results to each other as values; this holds only what is not a stage's result.
 */









class ShipRun {
    config;
    runner;
    options;
    started = Date.now();
    stages;
    /** Every client of the run records its retries here: the result and the summary count each one once. */
    retryLog = new src_http/* RetryLog */.pW();
    client;
    log = (line) => this.runner.info(line);
    debug = (line) => this.runner.debug(line);
    mask = (secret) => {
        if (secret !== '')
            this.secrets.add(secret);
        this.runner.setSecret(secret);
    };
    /** Every secret masked so far, to hide in text that did not come from us (a service's log lines). */
    secrets = new Set();
    rooms = new Map();
    closers = [];
    /** A work directory this run made, removed when it ends. */
    madeWorkDir;
    constructor(config, runner, options = {}) {
        this.config = config;
        this.runner = runner;
        this.options = options;
        this.stages = new StageTracker(runner, Date.now, options.stop?.signal);
        this.client = new meshagent_client/* MeshagentClient */.il({
            apiUrl: config.meshagent.apiUrl,
            apiKey: config.meshagent.apiKey,
            projectId: config.meshagent.projectId,
            mask: this.mask,
            http: { log: this.log, debug: this.debug, retryLog: this.retryLog },
        });
        this.closeAtEnd(() => this.client.close());
    }
    get stop() {
        return this.options.stop;
    }
    /** Aborted when the run is stopped. */
    get signal() {
        return this.options.stop?.signal;
    }
    /**
     * The run's session with a room (one per room, opened on first use, closed when the run ends): each connection
     * asks POST .../connect for a new participant token, and its retries are the run's.
     */
    roomSession(room) {
        let session = this.rooms.get(room);
        if (!session) {
            session = new RoomSession({
                room,
                connect: () => this.client.connectRoom(room),
                log: this.log,
                retryLog: this.retryLog,
                secrets: () => this.secrets,
                env: this.runner.env,
                ...(this.signal ? { signal: this.signal } : {}),
            });
            this.rooms.set(room, session);
            const opened = session;
            this.closeAtEnd(async () => opened.close());
        }
        return session;
    }
    /** The text with every secret of the run masked. */
    hide(text) {
        return (0,src_http/* maskSecrets */.QU)(text, this.secrets);
    }
    /** Text from elsewhere with every secret of the run, and anything shaped like a token, hidden. */
    scrub(text) {
        return scrubTokens((0,src_http/* maskSecrets */.QU)(text, this.secrets));
    }
    /** Something to close when the run ends, whether it shipped or failed. */
    closeAtEnd(close) {
        this.closers.push(close);
    }
    /**
     * Where this run writes its layouts: the `workDir` option, else a new directory under RUNNER_TEMP (else the
     * system temp dir), removed when the run ends, or by the stop if the process has to exit first. The build stage
     * asks for it, so that a temp dir that cannot be written fails that stage, with a summary.
     */
    async workDir() {
        if (this.options.workDir)
            return this.options.workDir;
        this.madeWorkDir = await createWorkDir(this.runner.env);
        this.stop?.removeOnExit(this.madeWorkDir);
        return this.madeWorkDir;
    }
    /** Closes the clients and images of the run, then removes the work directory it made (a failure is a warning). */
    async end() {
        await Promise.allSettled(this.closers.map(async (close) => close()));
        const dir = this.madeWorkDir;
        if (dir)
            await (0,promises_.rm)(dir, { recursive: true, force: true, maxRetries: 2 }).catch((error) => this.runner.warning(`could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}`));
    }
}
async function createWorkDir(env) {
    const parent = env.RUNNER_TEMP || (0,external_node_os_.tmpdir)();
    try {
        return await (0,promises_.mkdtemp)((0,external_node_path_.join)(parent, 'meshagent-ship-'));
    }
    catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new errors/* ShipError */.fS(`cannot create a work directory under ${parent}: ${why}`, {
            hint: `make ${parent} writable, or point ${env.RUNNER_TEMP ? 'RUNNER_TEMP' : 'TMPDIR'} at a writable directory`,
        });
    }
}

;// CONCATENATED MODULE: ./src/build/buildah-dir.ts
/**
 * An image buildah pushed to a `dir:` directory, made into the OCI layout the pipeline reads. buildah 1.28
 * compresses every layer it pushes to an `oci:` layout, `--disable-compression` or not; to `dir:` that flag holds.
 * When the caller recompresses the layers anyway (eStargz), the gzip pass is work thrown away: for a 120 MB layer,
 * 5.5 s against 2.1 s here. The blobs are moved, not copied; their digests are checked where they are read (the
 * convert stage holds each layer to its config's diff_id). A layer buildah had pulled compressed (a step image of
 * a cache) is written uncompressed but keeps its compressed media type in the manifest: the bytes decide.
 */




/** Moves the image of the `dir:` directory `from` into a new layout at `to`, named `ref`; `from` is removed. */
async function layoutFromDir(from, to, ref) {
    const text = await (0,promises_.readFile)((0,external_node_path_.join)(from, 'manifest.json'), 'utf8').catch((error) => {
        throw new errors/* ShipError */.fS(`buildah push wrote no manifest to ${from}: ${error instanceof Error ? error.message : String(error)}`, {
            hint: 'run the build again; if it keeps failing, check the free space of the work dir',
        });
    });
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        json = undefined;
    }
    const parsed = oci/* ImageManifest */.nU.safeParse(json);
    if (!parsed.success)
        throw new errors/* ShipError */.fS(`buildah push wrote a manifest to ${from} that is not an OCI image manifest`, { hint: 'check the buildah version' });
    const manifest = parsed.data;
    const layout = await oci/* OciLayout */.Al.create(to);
    const move = async (digest) => {
        // dir: names a blob by its hex digest alone; a layer listed twice was moved the first time.
        if (!(await layout.hasBlob(digest)))
            await (0,promises_.rename)((0,external_node_path_.join)(from, digest.replace(/^sha256:/, '')), layout.blobPath(digest));
    };
    await move(manifest.config.digest);
    for (const layer of manifest.layers)
        await move(layer.digest);
    const written = await layout.writeBlob(text);
    await layout.setRef({ mediaType: manifest.mediaType ?? oci/* MediaType */.zu.ociManifest, digest: written.digest, size: written.size }, ref);
    await mediaTypesAsWritten(layout, ref);
    await (0,promises_.rm)(from, { recursive: true, force: true });
    return layout;
}
const MAGIC = { gzip: Buffer.from([0x1f, 0x8b]), zstd: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]) };
const UNCOMPRESSED = {
    [oci/* MediaType */.zu.ociLayerGzip]: oci/* MediaType */.zu.ociLayer,
    [oci/* MediaType */.zu.ociLayerZstd]: oci/* MediaType */.zu.ociLayer,
    [oci/* MediaType */.zu.ociLayerNondistributableGzip]: oci/* MediaType */.zu.ociLayerNondistributable,
    [oci/* MediaType */.zu.ociLayerNondistributableZstd]: oci/* MediaType */.zu.ociLayerNondistributable,
    [oci/* MediaType */.zu.dockerLayerGzip]: oci/* MediaType */.zu.dockerLayer,
    [oci/* MediaType */.zu.dockerLayerZstd]: oci/* MediaType */.zu.dockerLayer,
};
/**
 * Gives each layer of the image `ref` the media type its bytes have: one declared compressed but written plain
 * gets the uncompressed type (a new manifest under `ref`).
 */
async function mediaTypesAsWritten(layout, ref) {
    const top = await layout.resolve(ref);
    if (!(0,oci/* isImageManifestType */.tr)(top.mediaType))
        return;
    const manifest = await layout.readJson(top, oci/* ImageManifest */.nU, 'manifest');
    const layers = await Promise.all(manifest.layers.map((layer) => asWritten(layer, layout.blobPath(layer.digest))));
    if (layers.every((layer, i) => layer === manifest.layers[i]))
        return;
    const written = await layout.writeJson(top.mediaType, { ...manifest, layers });
    await layout.setRef({ ...top, ...written }, ref);
}
/** The layer as its bytes are: declared compressed but written plain, it gets the uncompressed media type. */
async function asWritten(layer, path) {
    const declared = (0,oci/* layerCompression */.AH)(layer.mediaType);
    const plain = UNCOMPRESSED[layer.mediaType];
    if ((declared !== 'gzip' && declared !== 'zstd') || plain === undefined)
        return layer;
    const head = Buffer.alloc(4);
    const file = await (0,promises_.open)(path, 'r');
    try {
        await file.read(head, 0, 4, 0);
    }
    finally {
        await file.close();
    }
    return head.subarray(0, MAGIC[declared].length).equals(MAGIC[declared]) ? layer : { ...layer, mediaType: plain };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(46466);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
;// CONCATENATED MODULE: ./src/build/buildah-layer-store.ts
/**
 * The uncompressed layers of the last image built with a kept step cache, kept beside that cache's storage. buildah
 * skips a layer an `oci:` layout already holds under the digest it would write, and for a layer of its storage that
 * is the uncompressed digest: with the last image's layers linked into the new layout first, a re-build pushes only
 * the layers that changed (0.2 s against 2 s for a 130 MB image). buildah compresses those it writes (see
 * buildah-dir.ts); they are kept here uncompressed, checked against the config's diff_ids, for the next build. A
 * store that cannot be used costs the full push, never the build.
 *
 * buildah takes a linked file's bytes for the layer of its name: a file changed since it was kept would be a wrong
 * image. Each file's size, modification time and inode are recorded when it is kept, and only a file that still
 * has them is linked (hashing them again would cost as much as the push it saves). A file changed on purpose with
 * its time set back is not caught: whoever can write here can also change the step cache's storage.
 */







const HEX = /^[0-9a-f]{64}$/;
/** The record of the kept files (its name is not a digest: never linked, never taken for a layer). */
const RECORD = 'kept.json';
const fingerprint = (stats) => [stats.size, stats.mtimeMs, stats.ino];
class LayerStore {
    dir;
    constructor(dir) {
        this.dir = dir;
    }
    /** Links every kept layer into the blobs of the (empty) layout directory `to`; returns their digests' hex. */
    async linkInto(to) {
        const record = await this.readRecord();
        const kept = [];
        for (const name of await (0,promises_.readdir)(this.dir).catch(() => []))
            if (HEX.test(name) && (await this.unchanged(name, record)))
                kept.push(name);
        if (kept.length === 0)
            return [];
        const blobs = (0,external_node_path_.join)(to, 'blobs', 'sha256');
        try {
            await (0,promises_.mkdir)(blobs, { recursive: true });
            for (const name of kept)
                await linkOrCopy((0,external_node_path_.join)(this.dir, name), (0,external_node_path_.join)(blobs, name));
            return kept;
        }
        catch {
            // A store half gone: the push writes every layer.
            await (0,promises_.rm)((0,external_node_path_.join)(to, 'blobs'), { recursive: true, force: true });
            return [];
        }
    }
    /**
     * Keeps the layers of the image `top` of `layout`, and only those: uncompressed ones linked, compressed ones
     * unpacked; a layer whose content is not its diff_id is left out. The layers `linked` into the layout that the
     * image does not use leave it. Returns notes on what could not be kept.
     */
    async keep(layout, top, linked) {
        const notes = [];
        try {
            const manifest = await layout.readJson(top, oci/* ImageManifest */.nU, 'manifest');
            const used = new Set([manifest.config, ...manifest.layers].map((d) => d.digest.slice('sha256:'.length)));
            for (const hex of linked)
                if (!used.has(hex))
                    await (0,promises_.rm)((0,external_node_path_.join)(layout.dir, 'blobs', 'sha256', hex), { force: true });
            const config = await layout.readJson(manifest.config, oci/* ImageConfig */.K8, 'image config');
            await (0,promises_.mkdir)(this.dir, { recursive: true });
            const record = await this.readRecord();
            const wanted = new Set();
            for (const [i, layer] of manifest.layers.entries()) {
                const diffId = config.rootfs.diff_ids[i];
                const compression = (0,oci/* layerCompression */.AH)(layer.mediaType);
                if (!diffId || (compression !== 'none' && compression !== 'gzip'))
                    continue;
                const hex = diffId.slice('sha256:'.length);
                wanted.add(hex);
                const target = (0,external_node_path_.join)(this.dir, hex);
                // A file that is still as it was kept stays; one changed since is made again from this image.
                if (await this.unchanged(hex, record))
                    continue;
                await (0,promises_.rm)(target, { force: true });
                if (compression === 'none' && layer.digest === diffId)
                    await linkOrCopy(layout.blobPath(layer.digest), target);
                else if (compression === 'gzip')
                    await this.unpack(layout.blobPath(layer.digest), hex);
            }
            for (const name of await (0,promises_.readdir)(this.dir))
                if (!wanted.has(name) && name !== RECORD)
                    await (0,promises_.rm)((0,external_node_path_.join)(this.dir, name), { recursive: true, force: true });
            await this.writeRecord(wanted);
        }
        catch (error) {
            notes.push(`the uncompressed layers could not be kept for the next build: ${error instanceof Error ? error.message : String(error)}`);
        }
        return notes;
    }
    /** Whether the kept file `name` is there as the record says it was kept. */
    async unchanged(name, record) {
        const now = await (0,promises_.stat)((0,external_node_path_.join)(this.dir, name)).catch(() => undefined);
        const then = record.get(name);
        return now !== undefined && then !== undefined && fingerprint(now).every((value, i) => value === then[i]);
    }
    /** The fingerprints of the kept files; none (nothing is linked) when the record is missing or unreadable. */
    async readRecord() {
        try {
            const entries = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(this.dir, RECORD), 'utf8'));
            if (typeof entries !== 'object' || entries === null)
                return new Map();
            return new Map(Object.entries(entries).filter((e) => isFingerprint(e[1])));
        }
        catch {
            return new Map();
        }
    }
    /** Records the kept files as they are now; written whole, then put in place (a reader sees one record or the other). */
    async writeRecord(names) {
        const entries = {};
        for (const name of names) {
            const stats = await (0,promises_.stat)((0,external_node_path_.join)(this.dir, name)).catch(() => undefined);
            if (stats)
                entries[name] = fingerprint(stats);
        }
        const temporary = (0,external_node_path_.join)(this.dir, `.${RECORD}.${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`);
        await (0,promises_.writeFile)(temporary, JSON.stringify(entries));
        await (0,promises_.rename)(temporary, (0,external_node_path_.join)(this.dir, RECORD));
    }
    /** Unpacks a gzip layer into the store under its diff_id, when its content is that diff_id. */
    async unpack(from, hex) {
        const temporary = (0,external_node_path_.join)(this.dir, `.${hex}.${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`);
        const hash = (0,external_node_crypto_.createHash)('sha256');
        try {
            await (0,external_node_stream_promises_.pipeline)((0,external_node_fs_.createReadStream)(from), (0,external_node_zlib_.createGunzip)(), async function* (chunks) {
                for await (const chunk of chunks) {
                    hash.update(chunk);
                    yield chunk;
                }
            }, (0,external_node_fs_.createWriteStream)(temporary));
            if (hash.digest('hex') === hex)
                await (0,promises_.rename)(temporary, (0,external_node_path_.join)(this.dir, hex));
        }
        finally {
            await (0,promises_.rm)(temporary, { force: true });
        }
    }
}
function isFingerprint(value) {
    return Array.isArray(value) && value.length === 3 && value.every((n) => typeof n === 'number');
}
/** A hard link; on another file system (a work dir on tmpfs), a copy (a clone where the file system can). */
async function linkOrCopy(from, to) {
    await (0,promises_.link)(from, to).catch(async (error) => {
        if (error.code !== 'EXDEV')
            throw error;
        await (0,promises_.copyFile)(from, to, promises_.constants.COPYFILE_FICLONE);
    });
}

;// CONCATENATED MODULE: ./src/build/buildah-steps.ts
/**
 * buildah's step cache kept between runs. With `--layers`, buildah commits an image after every Dockerfile step
 * and, before running a step, looks for an image in its storage whose history is the build so far plus this step.
 * Those step images are the cache: before a build they are read from an OCI layout into the build's own storage,
 * after it the ones the build ran or hit are written to a new layout. A step image that cannot be read is left
 * out with a note: the build then runs that step, it never fails for it.
 *
 * Step images are written with `push -D`, which buildah 1.28 ignores for an OCI layout: their layers are gzipped.
 */




/** How many step images are read at once: buildah serialises on its storage lock beyond that. */
const IMPORT_CONCURRENCY = 2;
const IMAGE_ID = /^[0-9a-f]{64}$/;
/**
 * Reads every step image of the layout `dir` into the storage; a missing layout is an empty cache. buildah names
 * an image pulled from a layout after the layout's path, which must then be a valid (lower-case) name: the layout
 * is reached through a link named `steps` in `scratch`.
 */
async function importStepImages(buildah, dir, scratch) {
    const refs = await stepRefs(dir).catch((error) => {
        throw new StepCacheUnreadable(`the cache in ${dir} is unreadable (${reason(error)}); building without it`);
    });
    if (refs === undefined)
        return { ids: new Map(), notes: [] };
    await (0,promises_.mkdir)(scratch, { recursive: true });
    await (0,promises_.rm)((0,external_node_path_.join)(scratch, 'steps'), { force: true });
    await (0,promises_.symlink)((0,external_node_path_.resolve)(dir), (0,external_node_path_.join)(scratch, 'steps'));
    const ids = new Map();
    const failed = [];
    /**
     * Imports one step image; says why when that failed. A step image is saved under its own id, so it must come back
     * under that id: another one (seen once under load, with pulls side by side) would not be the step it stands for.
     */
    const pull = async (ref) => {
        const pulled = await buildah(['pull', '-q', `oci:steps:${ref}`], scratch);
        const id = pulled.stdout.trim().split('\n').at(-1)?.trim() ?? '';
        if (pulled.code !== 0 || !IMAGE_ID.test(id))
            return lastLine(pulled);
        if (id !== ref)
            return `buildah imported it as ${id.slice(0, 12)}`;
        ids.set(id, ref);
        return undefined;
    };
    await (0,oci/* forEachLimited */.vP)(refs, IMPORT_CONCURRENCY, async (ref) => {
        if (await pull(ref))
            failed.push(ref);
    });
    // Step images share layers, and pulls of them side by side into one storage can trip over each other on a busy
    // machine: each that failed is tried once more, alone, before it is given up.
    const notes = [];
    for (const ref of failed) {
        const again = await pull(ref);
        if (again)
            notes.push(`step image ${ref.slice(0, 12)} of the cache could not be read: ${again}`);
    }
    return { ids, notes };
}
class StepCacheUnreadable extends Error {
}
/** The step images named in the layout's index (their image ids), or undefined when there is no layout. */
async function stepRefs(dir) {
    let text;
    try {
        text = await (0,promises_.readFile)((0,external_node_path_.join)(dir, 'index.json'), 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
    const index = oci/* ImageIndex */.yd.parse(JSON.parse(text));
    return index.manifests.map((m) => m.annotations?.[oci/* Annotation */.YH.refName] ?? '').filter((ref) => IMAGE_ID.test(ref));
}
/**
 * The step images a build ran or hit, from its log: `--> Using cache <id>` for a hit, `--> <short id>` after
 * each committed step, and the final image's id alone on a line. Short ids are matched against `all`.
 */
function stepImagesOfLog(lines, all) {
    const ids = new Set();
    let hits = 0;
    let steps = 0;
    const expand = (short) => all.find((id) => id.startsWith(short));
    for (const line of lines) {
        // FROM is counted by buildah as a step, but it is never cached: it names the base.
        if (/^STEP \d+\/\d+: /.test(line) && !/^STEP \d+\/\d+: FROM /i.test(line))
            steps += 1;
        const hit = /^--> Using cache ([0-9a-f]{64})\s*$/.exec(line);
        if (hit?.[1]) {
            hits += 1;
            ids.add(hit[1]);
            continue;
        }
        const committed = /^--> ([0-9a-f]{11,64})\s*$/.exec(line) ?? /^([0-9a-f]{64})\s*$/.exec(line);
        const id = committed?.[1] ? expand(committed[1]) : undefined;
        if (id)
            ids.add(id);
    }
    return { ids: [...ids], hits, steps };
}
/**
 * Writes the step images `ids` to a new layout at `to`: those that came from the layout `from` are linked from
 * it (nothing is read again), the others are pushed from the storage. Only this build's steps are kept, so the
 * cache does not grow with every change.
 */
async function exportStepImages(buildah, ids, imported, from, to) {
    await (0,promises_.rm)(to, { recursive: true, force: true });
    await (0,promises_.mkdir)(to, { recursive: true });
    const notes = [];
    const kept = [];
    const fresh = [];
    const old = from ? await oci/* OciLayout */.Al.open(from).catch(() => undefined) : undefined;
    const oldIndex = old ? await old.readIndex().catch(() => undefined) : undefined;
    for (const id of ids) {
        const ref = imported.get(id);
        const descriptor = ref ? oldIndex?.manifests.find((m) => m.annotations?.[oci/* Annotation */.YH.refName] === ref) : undefined;
        if (old &&
            descriptor &&
            (await linkImage(old, descriptor, to).then(() => true, () => false)))
            kept.push(descriptor);
        else
            fresh.push(id);
    }
    // One at a time: pushes into one layout each rewrite its index.json.
    for (const id of fresh) {
        const pushed = await buildah(['push', '-q', '-D', id, `oci:${to}:${id}`]);
        if (pushed.code !== 0)
            notes.push(`step image ${id.slice(0, 12)} could not be saved: ${lastLine(pushed)}`);
    }
    const layout = await oci/* OciLayout */.Al.open(to).catch(() => undefined);
    const index = (await layout?.readIndex().catch(() => undefined)) ?? { schemaVersion: 2, manifests: [] };
    const manifests = [...index.manifests, ...kept];
    await (0,promises_.mkdir)((0,external_node_path_.join)(to, 'blobs', 'sha256'), { recursive: true });
    await (0,promises_.writeFile)((0,external_node_path_.join)(to, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await (0,promises_.writeFile)((0,external_node_path_.join)(to, 'index.json'), JSON.stringify({ ...index, manifests }));
    const saved = manifests.map((m) => m.annotations?.[oci/* Annotation */.YH.refName] ?? '').filter((ref) => IMAGE_ID.test(ref));
    return { saved: saved.length, key: stepSetKey(saved), notes };
}
/** The key of a set of step images: the same set gives the same key. */
function stepSetKey(ids) {
    return (0,external_node_crypto_.createHash)('sha256')
        .update([...ids].sort().join('\n'))
        .digest('hex')
        .slice(0, 16);
}
/** Links (else copies) an image's manifest, config and layers from one layout into the directory `to`. */
async function linkImage(from, manifest, to) {
    const document = JSON.parse((await from.readBlob(manifest.digest)).toString('utf8'));
    const digests = [manifest.digest, ...(document.config ? [document.config.digest] : []), ...(document.layers ?? []).map((l) => l.digest)];
    await (0,promises_.mkdir)((0,external_node_path_.join)(to, 'blobs', 'sha256'), { recursive: true });
    for (const digest of digests) {
        const target = (0,external_node_path_.join)(to, 'blobs', 'sha256', digest.slice('sha256:'.length));
        await (0,promises_.link)(from.blobPath(digest), target).catch(async (error) => {
            if (error.code === 'EEXIST')
                return;
            await (0,promises_.copyFile)(from.blobPath(digest), target);
        });
    }
}
function lastLine(result) {
    return result.tail.filter((line) => line.trim() !== '').at(-1) ?? `exit code ${result.code}`;
}
function reason(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/build/secrets.ts
/** buildah's `--secret` value (BuildKit's differs only in spelling: see buildxSecretFlag). */
function secretFlag(secret) {
    return 'env' in secret ? `id=${secret.id},src=${secret.env},type=env` : `id=${secret.id},src=${secret.file},type=file`;
}
/** `docker buildx build --secret`'s value. */
function buildxSecretFlag(secret) {
    return 'env' in secret ? `id=${secret.id},env=${secret.env}` : `id=${secret.id},src=${secret.file}`;
}
/** The variables the builder's process needs for env secrets. */
function secretEnv(secrets) {
    const env = {};
    for (const secret of secrets ?? [])
        if ('env' in secret)
            env[secret.env] = secret.value;
    return env;
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
;// CONCATENATED MODULE: ./src/build/process.ts
/**
 * Runs a builder command: no shell, output streamed line by line to a log callback as it comes, the last lines
 * kept for the error message. A missing command is reported as such, not as a failed build.
 */

class CommandMissing extends Error {
    command;
    constructor(command) {
        super(`${command} not found`);
        this.command = command;
    }
}
/** Environment variables a build never needs and must never see: the MeshAgent API key. */
const PRIVATE_ENV = /^(MESHAGENT_API_KEY|INPUT_API-KEY|INPUT_API_KEY)$/i;
/** The environment for a builder: ours, minus credentials it has no use for, plus `extra`. */
function builderEnv(extra = {}) {
    const env = {};
    for (const [key, value] of Object.entries(process.env))
        if (!PRIVATE_ENV.test(key))
            env[key] = value;
    return { ...env, ...extra };
}
function runCommand(command, args, options = {}) {
    const keep = options.tailLines ?? 20;
    return new Promise((resolvePromise, reject) => {
        const child = (0,external_node_child_process_.spawn)(command, args, { cwd: options.cwd, env: options.env ?? builderEnv(), stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
        const tail = [];
        let stdout = '';
        const line = (text) => {
            tail.push(text);
            if (tail.length > keep)
                tail.shift();
            options.log?.(text);
        };
        // Each stream keeps its unfinished last line until the next chunk (or the end) completes it.
        const splitter = (onChunk) => {
            let rest = '';
            return {
                data(chunk) {
                    onChunk?.(chunk);
                    const parts = (rest + chunk).split(/\r?\n|\r/);
                    rest = parts.pop() ?? '';
                    for (const part of parts)
                        line(part);
                },
                end() {
                    if (rest !== '')
                        line(rest);
                    rest = '';
                },
            };
        };
        const out = splitter((text) => (stdout += text));
        const err = splitter();
        child.stdout.setEncoding('utf8').on('data', out.data);
        child.stderr.setEncoding('utf8').on('data', err.data);
        const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
        child.once('error', (error) => {
            clearTimeout(timer);
            reject(error.code === 'ENOENT' ? new CommandMissing(command) : error);
        });
        child.once('close', (code, signal) => {
            clearTimeout(timer);
            out.end();
            err.end();
            resolvePromise({ code: code ?? -1, signal, tail, stdout });
        });
    });
}

;// CONCATENATED MODULE: ./src/build/types.ts
/** The ref name given to the built image inside the layout: its tag (after the last `:` past the last `/`). */
function layoutRefFor(tag) {
    const slash = tag.lastIndexOf('/');
    const colon = tag.lastIndexOf(':');
    return colon > slash ? tag.slice(colon + 1) : 'latest';
}

;// CONCATENATED MODULE: ./src/build/workspace.ts
/**
 * What every builder does before it builds: find the Dockerfile, make sure the output directory is new or empty, and
 * name the image in the layout; and how a builder that cannot even be asked its version reports itself unavailable.
 */






async function prepareBuild(request) {
    const files = await resolveBuildFiles(request.context, request.file);
    const outputDir = (0,external_node_path_.resolve)(request.outputDir);
    await prepareOutput(outputDir);
    return { files, outputDir, ref: layoutRefFor(request.tag) };
}
/** The layout directory must be new or empty: blobs of another image would otherwise mix into it. */
async function prepareOutput(dir) {
    await (0,promises_.mkdir)((0,external_node_path_.dirname)(dir), { recursive: true });
    const entries = await (0,promises_.readdir)(dir).catch(() => undefined);
    if (entries !== undefined && entries.length > 0) {
        throw new errors/* ShipError */.fS(`the build output directory ${dir} is not empty`, { hint: 'give the build a new or empty directory' });
    }
}
/** A builder command that could not be run at all: missing from PATH, or failing to start. */
function unavailableBecause(error, command) {
    if (error instanceof CommandMissing)
        return { available: false, reason: `${command} is not installed (not on PATH)` };
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
}

;// CONCATENATED MODULE: ./src/build/errors.ts
/** The errors every builder shares: the builder is missing, or the build failed (with the end of its log). */

const INSTALL = {
    buildah: 'install buildah (apt-get install buildah)',
    docker: 'install Docker and start its daemon (or set DOCKER_HOST)',
};
const OTHER = { buildah: 'docker', docker: 'buildah' };
function builderMissing(name, why) {
    return new errors/* ShipError */.fS(`builder ${name} cannot run here: ${why}`, {
        input: 'builder',
        hint: `${INSTALL[name]}, or choose builder: ${OTHER[name]}, or builder: none with the image input`,
    });
}
/** The CLI's `Image build failed: exit code N`, with the last lines of the log so the cause is in the error. */
function buildFailed(name, step, result) {
    const status = result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
    const tail = result.tail.filter((line) => line.trim() !== '');
    const last = tail.length > 0 ? `\nlast lines of the ${name} output:\n${tail.map((line) => `  ${line}`).join('\n')}` : '';
    return new errors/* ShipError */.fS(`Image build failed: ${status} (${name} ${step})${last}`, {
        hint: 'fix the failing step in the Dockerfile or the context; the whole build log is in the build log group',
    });
}

;// CONCATENATED MODULE: ./src/build/buildah.ts
/**
 * The buildah builder: `buildah bud` into buildah's own storage, then `buildah push` to an `oci:` layout. No
 * daemon; `.dockerignore` (and `.containerignore`) are honoured by buildah itself. Several platforms build a
 * manifest list, pushed whole.
 */











class BuildahBuilder {
    options;
    name = 'buildah';
    command;
    /** The read-only base store flags of each build with storage of its own. */
    baseStores = new WeakMap();
    constructor(options = {}) {
        this.options = options;
        this.command = options.command ?? 'buildah';
    }
    run(args, request, cwd) {
        // A build with a step cache has storage of its own (last flags win over the configured ones).
        const storage = request?.cache?.storage;
        const base = request?.cache ? (this.baseStores.get(request.cache) ?? []) : [];
        const storageArgs = storage ? ['--root', (0,external_node_path_.join)(storage, 'root'), '--runroot', (0,external_node_path_.join)(storage, 'run'), ...base] : [];
        return runCommand(this.command, [...(this.options.globalArgs ?? []), ...storageArgs, ...args], {
            env: builderEnv({ ...this.options.env, ...secretEnv(request?.secrets) }),
            cwd,
            ...(request ? { log: request.log } : {}),
            ...(request?.signal ? { signal: request.signal } : {}),
        });
    }
    async available() {
        try {
            const result = await this.run(['version', '--json']);
            if (result.code !== 0)
                return { available: false, reason: `${this.command} version failed: ${result.tail.at(-1) ?? `exit code ${result.code}`}` };
            const version = /"version":\s*"([^"]+)"/.exec(result.stdout)?.[1] ?? 'unknown version';
            return { available: true, reason: `buildah ${version} is installed` };
        }
        catch (error) {
            return unavailableBecause(error, this.command);
        }
    }
    async build(request) {
        if (request.cache?.storage)
            this.baseStores.set(request.cache, await this.baseStore());
        try {
            return await this.buildWithStorage(request);
        }
        finally {
            // A build's own storage goes with it: its cache lives on in the layout it was saved to.
            if (request.cache?.storage && !request.cache.keep)
                await this.dropStorage(request);
        }
    }
    async buildWithStorage(request) {
        const { files, outputDir, ref } = await prepareBuild(request);
        const multi = request.platforms.length > 1;
        // buildah 1.28 matches a step by its history alone: another platform's step would be taken (see `layers`).
        const cache = request.cache?.storage && !multi ? request.cache : undefined;
        const notes = request.cache && multi ? ["several platforms are built without the step cache (buildah takes one platform's steps for another)"] : [];
        if (cache?.keep)
            await this.checkKeptStorage(request, notes);
        const imported = cache?.dir ? await this.importCache(cache.dir, request, notes) : new Map();
        const lines = [];
        const logged = { ...request, log: (line) => (lines.push(line), request.log(line)) };
        // A failed step's container would stay behind, mounted, in a kept storage: --force-rm removes it as well.
        const bud = ['bud', '--file', files.dockerfile, '--force-rm'];
        if (this.options.isolation)
            bud.push('--isolation', this.options.isolation);
        bud.push(`--layers=${cache ? true : (this.options.layers ?? false)}`);
        for (const secret of request.secrets ?? [])
            bud.push('--secret', secretFlag(secret));
        for (const arg of request.buildArgs)
            bud.push('--build-arg', `${arg.name}=${arg.value}`);
        if (request.target !== undefined)
            bud.push('--target', request.target);
        if (request.platforms.length > 0)
            bud.push('--platform', request.platforms.join(','));
        if (multi) {
            // A manifest list of the same name from an earlier build would gain these images instead of being replaced.
            await this.run(['manifest', 'rm', request.tag], request).catch(() => undefined);
            bud.push('--manifest', request.tag);
        }
        else {
            bud.push('--tag', request.tag);
        }
        bud.push(files.context);
        const built = await this.step(bud, 'bud', logged, files.context);
        if (built.code !== 0)
            throw buildFailed('buildah', 'bud', built);
        // Layers the caller recompresses anyway (eStargz) leave buildah uncompressed: those of the last build from the
        // step cache's store (buildah-layer-store.ts), else all through a `dir:` directory (buildah-dir.ts). A manifest
        // list is pushed as buildah pushes it.
        const store = cache?.keep && cache.storage && request.uncompressed && !multi ? new LayerStore((0,external_node_path_.join)(cache.storage, '..', 'layers')) : undefined;
        const linked = store ? await store.linkInto(outputDir) : [];
        const plain = request.uncompressed && !multi && linked.length === 0 ? `${outputDir}.dir` : undefined;
        const destination = plain ? `dir:${plain}` : `oci:${outputDir}:${ref}`;
        const push = multi
            ? ['manifest', 'push', '--all', request.tag, destination]
            : ['push', ...(plain ? ['--disable-compression'] : []), request.tag, destination];
        const pushed = await this.step(push, multi ? 'manifest push' : 'push', request);
        if (pushed.code !== 0)
            throw buildFailed('buildah', multi ? 'manifest push' : 'push', pushed);
        const layout = plain ? await layoutFromDir(plain, outputDir, ref) : await oci/* OciLayout */.Al.open(outputDir);
        if (linked.length > 0)
            await mediaTypesAsWritten(layout, ref);
        const top = await layout.resolve(ref);
        if (store)
            notes.push(...(await store.keep(layout, top, linked)));
        const use = cache
            ? await this.saveCache(cache, lines, imported, request, notes)
            : request.cache
                ? { steps: 0, hits: 0, imported: 0, saved: 0, key: undefined, unchanged: true, notes }
                : undefined;
        return { builder: 'buildah', layout, ref, dockerfile: files.dockerfile, ...(use ? { cache: use } : {}) };
    }
    async importCache(dir, request, notes) {
        try {
            const imported = await importStepImages((args, cwd) => this.run(args, request, cwd), dir, (0,external_node_path_.join)(request.cache?.storage ?? dir, 'import'));
            notes.push(...imported.notes);
            return imported.ids;
        }
        catch (error) {
            if (!(error instanceof StepCacheUnreadable))
                throw error;
            notes.push(error.message);
            return new Map();
        }
    }
    /** Writes the step images this build ran or hit to the cache's save directory; a failure is a note. */
    async saveCache(cache, lines, imported, request, notes) {
        const listed = await this.run(['images', '-a', '-q', '--no-trunc'], request);
        const all = listed.stdout
            .split('\n')
            .map((line) => line.trim().replace(/^sha256:/, ''))
            .filter(Boolean);
        const { ids, hits, steps } = stepImagesOfLog(lines, all);
        if (cache.keep)
            return { steps, hits, imported: 0, saved: await this.prune(request, ids), key: stepSetKey(ids), unchanged: hits === steps, notes };
        let saved = 0;
        let key;
        let unchanged = false;
        if (cache.saveDir) {
            try {
                const exported = await exportStepImages((args) => this.run(args, request), ids, imported, cache.dir, cache.saveDir);
                notes.push(...exported.notes);
                ({ saved, key } = exported);
                unchanged = exported.notes.length === 0 && key === stepSetKey(imported.keys());
            }
            catch (error) {
                notes.push(`the step cache could not be saved: ${error instanceof Error ? error.message : String(error)}`);
            }
        }
        return { steps, hits, imported: imported.size, saved, key, unchanged, notes };
    }
    /**
     * buildah's usual storage, read-only beside a build's own: a base image built or pulled there before (FROM a
     * local image) is found without a pull. Only stores of the overlay and vfs drivers can be added so.
     */
    async baseStore() {
        const info = await this.run(['info', '--format', '{{.store.GraphRoot}}\t{{.store.GraphDriverName}}']).catch(() => undefined);
        const [root = '', driver = ''] = info?.code === 0 ? info.stdout.trim().split('\t') : [];
        if (root === '' || (driver !== 'overlay' && driver !== 'vfs'))
            return [];
        return ['--storage-driver', driver, '--storage-opt', `${driver}.imagestore=${root}`];
    }
    /**
     * A kept storage that buildah cannot read (a half-written file after a crash) is started again: the build
     * then runs every step, and never fails for the cache.
     */
    async checkKeptStorage(request, notes) {
        const listed = await this.run(['images', '-a', '-q'], request).catch(() => undefined);
        if (listed?.code === 0)
            return;
        const why = listed ? (listed.tail.filter((l) => l.trim() !== '').at(-1) ?? `exit code ${listed.code}`) : 'buildah could not run';
        notes.push(`the cache's storage is unreadable (${why}); building without it`);
        if (request.cache?.storage)
            await (0,promises_.rm)(request.cache.storage, { recursive: true, force: true });
    }
    /**
     * Keeps in a kept storage only the step images of this build and the named images that are not ours (base
     * images); returns how many step images were kept.
     */
    async prune(request, used) {
        const keep = new Set(used);
        const storage = request.cache?.storage;
        if (!storage)
            return keep.size;
        // The kept storage's own images (not those of the read-only base store), as containers/storage records them.
        const ours = request.tag.slice(0, request.tag.lastIndexOf(':') > request.tag.lastIndexOf('/') ? request.tag.lastIndexOf(':') : undefined);
        const drop = [];
        for (const driver of ['overlay', 'vfs']) {
            const text = await (0,promises_.readFile)((0,external_node_path_.join)(storage, 'root', `${driver}-images`, 'images.json'), 'utf8').catch(() => undefined);
            if (text === undefined)
                continue;
            let images = [];
            try {
                images = JSON.parse(text);
            }
            catch {
                return keep.size;
            }
            for (const image of images) {
                const id = image.id ?? '';
                const names = image.names ?? [];
                // Step images have no name; an earlier build's image of this repository has ours. Base images are kept.
                if (id !== '' && !keep.has(id) && names.every((name) => name.startsWith(`${ours}:`)))
                    drop.push(id);
            }
        }
        if (drop.length > 0)
            await this.run(['rmi', '--force', ...drop], request).catch(() => undefined);
        return keep.size;
    }
    /** Removes the build's own storage (images first: a rootless build's files may not be removable otherwise). */
    async dropStorage(request) {
        const storage = request.cache?.storage;
        if (!storage)
            return;
        // Without the read-only store: nothing of it is to be removed.
        if (request.cache)
            this.baseStores.delete(request.cache);
        await this.run(['rm', '--all'], request).catch(() => undefined);
        await this.run(['rmi', '--all', '--force'], request).catch(() => undefined);
        await (0,promises_.rm)(storage, { recursive: true, force: true }).catch(() => undefined);
    }
    async step(args, step, request, cwd) {
        try {
            return await this.run(args, request, cwd);
        }
        catch (error) {
            if (error instanceof CommandMissing)
                throw builderMissing('buildah', `${this.command} is not installed (not on PATH)`);
            throw new errors/* ShipError */.fS(`buildah ${step} could not run: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
    }
}

;// CONCATENATED MODULE: ./src/build/docker.ts
/**
 * The docker builder. With buildx and a driver that can export OCI (docker-container, kubernetes, remote):
 * `docker buildx build --output type=oci,dest=DIR,tar=false`. Otherwise (no buildx, or buildx on the plain
 * `docker` driver, which cannot export OCI): `docker build` into the daemon, `docker save` to a docker-archive,
 * read into an OCI layout (src/oci/archive.ts). `.dockerignore` is honoured by Docker itself either way.
 */









/** buildx drivers whose builds can be exported as an OCI layout (the plain `docker` driver cannot). */
const OCI_DRIVERS = new Set(['docker-container', 'kubernetes', 'remote']);
/** The driver of the current builder, from `docker buildx inspect` output. */
function parseBuildxDriver(inspect) {
    return /^Driver:\s*(\S+)/m.exec(inspect)?.[1];
}
/** The flags both paths share: Dockerfile, tag, build args, target, platforms, extras, then the context. */
function commonArgs(request, files, extra) {
    const args = ['--file', files.dockerfile, '--tag', request.tag];
    for (const arg of request.buildArgs)
        args.push('--build-arg', `${arg.name}=${arg.value}`);
    if (request.target !== undefined)
        args.push('--target', request.target);
    if (request.platforms.length > 0)
        args.push('--platform', request.platforms.join(','));
    return [...args, ...extra];
}
function buildxArgs(request, files, outputDir, extra = []) {
    const args = ['buildx', 'build', '--progress', 'plain', ...commonArgs(request, files, extra)];
    for (const secret of request.secrets ?? [])
        args.push('--secret', buildxSecretFlag(secret));
    if (request.cache?.from)
        args.push('--cache-from', request.cache.from);
    if (request.cache?.to)
        args.push('--cache-to', request.cache.to);
    return [...args, '--output', `type=oci,dest=${outputDir},tar=false,name=${request.tag}`, files.context];
}
/** BuildKit's plain progress: steps are `#N [stage k/n] ...`, and a step taken from the cache says `#N CACHED`. */
function buildxCacheUse(lines) {
    const steps = new Set();
    const cached = new Set();
    for (const line of lines) {
        const step = /^#(\d+) \[[^\]]*\b\d+\/\d+\]/.exec(line);
        if (step?.[1])
            steps.add(step[1]);
        const hit = /^#(\d+) CACHED\s*$/.exec(line);
        if (hit?.[1])
            cached.add(hit[1]);
    }
    return { steps: steps.size, hits: [...cached].filter((n) => steps.has(n)).length };
}
function dockerBuildArgs(request, files, extra = []) {
    return ['build', ...commonArgs(request, files, extra), files.context];
}
class DockerBuilder {
    options;
    name = 'docker';
    command;
    constructor(options = {}) {
        this.options = options;
        this.command = options.command ?? 'docker';
    }
    run(args, log, signal, env = {}) {
        return runCommand(this.command, args, { env: builderEnv({ ...this.options.env, ...env }), ...(log ? { log } : {}), ...(signal ? { signal } : {}) });
    }
    /** buildx with an OCI-capable driver, else build + save; never throws. */
    async mode() {
        try {
            const version = await this.run(['buildx', 'version']);
            if (version.code !== 0)
                return { kind: 'build-save', why: 'buildx is not installed' };
            const inspect = await this.run(['buildx', 'inspect']);
            const driver = inspect.code === 0 ? parseBuildxDriver(inspect.stdout) : undefined;
            if (driver !== undefined && OCI_DRIVERS.has(driver))
                return { kind: 'buildx-oci', driver };
            return { kind: 'build-save', why: `the buildx builder's driver (${driver ?? 'unknown'}) cannot export OCI` };
        }
        catch {
            return { kind: 'build-save', why: 'buildx could not be asked' };
        }
    }
    async available() {
        try {
            const result = await this.run(['version', '--format', '{{.Server.Version}}']);
            if (result.code !== 0) {
                const last = result.tail.filter((line) => line.trim() !== '').at(-1) ?? `exit code ${result.code}`;
                return { available: false, reason: `the Docker daemon is not reachable: ${last}` };
            }
            const mode = await this.mode();
            const how = mode.kind === 'buildx-oci' ? `buildx (${mode.driver} driver) exports OCI` : `docker build + docker save (${mode.why})`;
            return { available: true, reason: `Docker ${result.stdout.trim()} daemon is reachable; ${how}` };
        }
        catch (error) {
            return unavailableBecause(error, this.command);
        }
    }
    async build(request) {
        const { files, outputDir, ref } = await prepareBuild(request);
        const mode = await this.mode();
        request.log(mode.kind === 'buildx-oci' ? `docker: buildx with the ${mode.driver} driver, OCI export` : `docker: docker build + docker save (${mode.why})`);
        if (mode.kind === 'buildx-oci') {
            const lines = [];
            const logged = { ...request, log: (line) => (lines.push(line), request.log(line)) };
            const env = { ...secretEnv(request.secrets), ...request.cache?.env };
            const built = await this.step(buildxArgs(request, files, outputDir, this.options.buildFlags), 'buildx build', logged, env);
            if (built.code !== 0)
                throw buildFailed('docker', 'buildx build', built);
            const layout = await oci/* OciLayout */.Al.open(outputDir);
            await nameTheImage(layout, ref);
            const cache = request.cache
                ? { ...buildxCacheUse(lines), imported: 0, saved: request.cache.to ? 1 : 0, key: undefined, unchanged: false, notes: [] }
                : undefined;
            return { builder: 'docker', layout, ref, dockerfile: files.dockerfile, ...(cache ? { cache } : {}) };
        }
        if ((request.secrets ?? []).length > 0) {
            throw new errors/* ShipError */.fS(`build-secrets need BuildKit: docker build without buildx cannot pass them (${mode.why})`, {
                input: 'build-secrets',
                hint: 'use a buildx builder with the docker-container driver (docker buildx create --use), or builder: buildah',
            });
        }
        if (request.platforms.length > 1) {
            throw new errors/* ShipError */.fS(`docker build + docker save builds one platform, not ${request.platforms.join(', ')}`, {
                input: 'platforms',
                hint: 'use a buildx builder with the docker-container driver (docker buildx create --use), or builder: buildah, or one platform',
            });
        }
        const built = await this.step(dockerBuildArgs(request, files, this.options.buildFlags), 'build', request);
        if (built.code !== 0)
            throw buildFailed('docker', 'build', built);
        const scratch = await (0,file_errors/* makeTempDir */.m)((0,external_node_path_.dirname)(outputDir), '.docker-save-');
        try {
            const archive = (0,external_node_path_.join)(scratch, 'image.tar');
            const saved = await this.step(['save', '--output', archive, request.tag], 'save', request);
            if (saved.code !== 0)
                throw buildFailed('docker', 'save', saved);
            const { layout, descriptor } = await (0,oci/* layoutFromDockerArchive */.VJ)(archive, outputDir);
            await layout.setRef(descriptor, ref);
            const notes = request.cache ? ['docker build without buildx keeps no step cache between runs (buildx is needed for cache-from/cache-to)'] : [];
            const cache = request.cache ? { steps: 0, hits: 0, imported: 0, saved: 0, key: undefined, unchanged: true, notes } : undefined;
            return { builder: 'docker', layout, ref, dockerfile: files.dockerfile, ...(cache ? { cache } : {}) };
        }
        finally {
            await (0,promises_.rm)(scratch, { recursive: true, force: true });
        }
    }
    async step(args, step, request, env) {
        try {
            return await this.run(args, request.log, request.signal, env);
        }
        catch (error) {
            if (error instanceof CommandMissing)
                throw builderMissing('docker', `${this.command} is not installed (not on PATH)`);
            throw new errors/* ShipError */.fS(`docker ${step} could not run: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
    }
}
/** BuildKit names the image by its tag in the layout; when it did not, the one image gets that name. */
async function nameTheImage(layout, ref) {
    try {
        await layout.resolve(ref);
    }
    catch {
        await layout.setRef(await layout.resolve(), ref);
    }
}

;// CONCATENATED MODULE: ./src/build/select.ts
/**
 * Picks the builder for the `builder` input: `buildah` or `docker` as asked (an error saying how to get it when
 * it cannot run), `none` (the image input ships as it is; nothing is built), or `auto`: Docker when its buildx
 * exports OCI directly, else buildah (OCI natively, no daemon), else Docker's build + save; always saying why.
 */




async function selectBuilder(input, options = {}) {
    if (input === 'none')
        return { builder: undefined, reason: 'builder none: the image input is shipped as it is, nothing is built' };
    const buildah = new BuildahBuilder(options.buildah);
    const docker = new DockerBuilder(options.docker);
    if (input === 'buildah' || input === 'docker') {
        const builder = input === 'buildah' ? buildah : docker;
        const availability = await builder.available();
        if (!availability.available)
            throw builderMissing(input, availability.reason);
        return { builder, reason: `builder ${input}: ${availability.reason}` };
    }
    const [dockerState, buildahState] = await Promise.all([docker.available(), buildah.available()]);
    if (dockerState.available && (await docker.mode()).kind === 'buildx-oci') {
        return { builder: docker, reason: `auto chose docker: ${dockerState.reason}` };
    }
    if (buildahState.available) {
        return { builder: buildah, reason: `auto chose buildah: ${buildahState.reason} (docker: ${dockerState.reason})` };
    }
    if (dockerState.available) {
        return { builder: docker, reason: `auto chose docker: ${dockerState.reason} (buildah: ${buildahState.reason})` };
    }
    throw new errors/* ShipError */.fS(`no builder can run here: docker: ${dockerState.reason}; buildah: ${buildahState.reason}`, {
        input: 'builder',
        hint: 'install buildah or Docker, or set builder: none and name an already built image in the image input',
    });
}
function buildInLogGroup(runner, builder, request) {
    return runner.group(`Build ${request.tag} with ${builder.name}`, () => builder.build({ ...request, log: (line) => runner.info(line) }));
}

;// CONCATENATED MODULE: ./src/report/cache-lines.ts
const KIND = { local: 'local', gha: "GitHub's cache", registry: 'registry' };
function cacheLines(cache) {
    const steps = cache.steps === null ? 'not used' : `${cache.hits ?? 0} of ${cache.steps} steps from the cache`;
    return [
        `build cache (${KIND[cache.kind]}): ${cache.where}`,
        `  restored: ${cache.restored ?? 'nothing (no cache yet)'}`,
        `  hit: ${steps}`,
        `  saved: ${cache.saved ?? 'nothing new'}`,
        ...cache.notes.map((note) => `  note: ${note}`),
    ];
}

;// CONCATENATED MODULE: ./src/pipeline/cache-lock.ts
/**
 * One build at a time in a kept step cache. buildah's storage takes concurrent builds, but a build keeps only its
 * own step images when it ends (it removes the others, with the containers of a build still running on them):
 * a second build of the same scope in the same cache-dir builds without the cache instead. The lock is a file
 * holding the owner's process id; one whose process is gone (a killed run) is taken over.
 */


async function lockCache(dir) {
    const path = `${dir}.lock`;
    await (0,promises_.mkdir)((0,external_node_path_.dirname)(path), { recursive: true });
    for (let attempt = 0;; attempt += 1) {
        try {
            await (0,promises_.writeFile)(path, String(process.pid), { flag: 'wx' });
            return { release: () => (0,promises_.rm)(path, { force: true }) };
        }
        catch (error) {
            if (error.code !== 'EEXIST')
                throw error;
        }
        const owner = Number.parseInt(await (0,promises_.readFile)(path, 'utf8').catch(() => ''), 10);
        if (attempt === 0 && !(owner > 0 && alive(owner))) {
            await (0,promises_.rm)(path, { force: true });
            continue;
        }
        return { heldBy: owner };
    }
}
function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        // EPERM: a process of another user is alive.
        return error.code === 'EPERM';
    }
}

;// CONCATENATED MODULE: ./src/pipeline/cache-keys.ts
/**
 * Names of the build cache. A cache scope holds only builds whose steps may be shared: the same builder, the same
 * platforms and the same build arguments (buildah 1.28 matches a step by its Dockerfile text, so a step that reads a
 * build argument in a LABEL or ENV would otherwise be taken from a build with another value). Within a scope, the
 * key of GitHub's cache carries the Dockerfile's digest and the saved content's: a run restores the newest cache
 * of its Dockerfile, else the newest of its scope, so a changed Dockerfile (or base image) still hits the steps
 * before the change.
 */

function cacheScope(repository, builder, platforms, buildArgs) {
    const args = [...buildArgs].map((a) => [a.name, a.value]).sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0));
    const hash = shortHash(JSON.stringify({ builder, platforms: [...platforms].sort(), args }));
    return { name: `${repository.replace(/[^A-Za-z0-9._-]+/g, '-')}-${hash}`, hash };
}
/** The keys of GitHub's cache for a scope and a Dockerfile (its bytes). */
function githubCacheKeys(scope, dockerfile) {
    const prefix = `meshagent-ship-build-${scope.name}`;
    const file = shortHash(dockerfile);
    return {
        primary: `${prefix}-${file}`,
        restoreKeys: [`${prefix}-${file}-`, `${prefix}-`],
        save: (contentKey) => `${prefix}-${file}-${contentKey}`,
    };
}
/** The registry cache's tag in the project repository. */
function registryCacheTag(scope) {
    return `buildcache-${scope.hash}`;
}
function shortHash(data) {
    return (0,external_node_crypto_.createHash)('sha256').update(data).digest('hex').slice(0, 12);
}

;// CONCATENATED MODULE: ./src/pipeline/registry-cache.ts
/**
 * buildah's step images kept as one tag of the project repository: an image index whose manifests are the step
 * images, each named by its image id (the name the layout gives it on disk). Pulled into a layout before the
 * build, pushed from the layout the build saved to after it, with the push token the image itself is pushed with.
 */

/** Pulls the cache tag into a layout at `dir`; the number of step images, or undefined when there is no such tag. */
async function pullStepCache(repository, tag, dir) {
    if ((await repository.headManifest(tag)) === undefined)
        return undefined;
    const layout = await oci/* OciLayout */.Al.create(dir);
    const { descriptor } = await (0,oci/* pullImage */.ZP)(repository, tag, layout);
    const index = oci/* ImageIndex */.yd.parse(JSON.parse((await layout.readBlob(descriptor.digest)).toString('utf8')));
    // The layout lists each step image by its name, as buildah pulls it (oci:DIR:NAME).
    await layout.writeIndex({ schemaVersion: 2, manifests: index.manifests.filter((m) => m.annotations?.[oci/* Annotation */.YH.refName]) });
    return index.manifests.length;
}
/** Pushes the step images of the layout at `dir` as one index under `tag`. */
async function pushStepCache(repository, tag, dir) {
    const layout = await oci/* OciLayout */.Al.open(dir);
    const { manifests } = await layout.readIndex();
    const root = await layout.writeJson(oci/* MediaType */.zu.ociIndex, { schemaVersion: 2, mediaType: oci/* MediaType */.zu.ociIndex, manifests });
    await (0,oci/* pushImage */.GH)(layout, repository, { root, tag });
}

;// CONCATENATED MODULE: ./src/pipeline/build-cache.ts
/**
 * The build cache between runs, around a build: where it is kept (a local directory, GitHub's cache service, or a
 * tag in the project repository), what the builder is told (buildah: a layout of step images to read and one to
 * write, in storage of the build's own; buildx: its cache-from and cache-to), and, once the build is done, what is
 * kept. Nothing here fails a build: a cache that is missing, unreadable or cannot be saved is a note in the log
 * and the report, and the build runs its steps.
 */








/** The directory of the local cache: the cache-dir input, else $XDG_CACHE_HOME or ~/.cache. */
function defaultCacheDir(env) {
    return (0,external_node_path_.join)(env.XDG_CACHE_HOME || (0,external_node_path_.join)((0,external_node_os_.homedir)(), '.cache'), 'meshagent-ship', 'build');
}
/** Which cache a run uses: `auto` is GitHub's on a GitHub runner, else the local directory. */
function cacheKind(to, env) {
    if (to !== 'auto')
        return to;
    return env.GITHUB_ACTIONS === 'true' ? 'gha' : 'local';
}
/** Sets up the cache for a build with `builder` of the Dockerfile `dockerfile`; undefined when the cache is off. */
async function prepareBuildCache(ctx, builder, dockerfile) {
    const { config, target } = ctx;
    if (!config.image.cache.enabled)
        return undefined;
    const kind = cacheKind(config.image.cache.to, ctx.env);
    const scope = cacheScope(target.registryRepository, builder, config.image.platforms, config.image.buildArgs);
    const notes = [];
    const temporary = [];
    const storage = builder === 'buildah' ? { storage: (0,external_node_path_.join)(ctx.workDir, 'buildah-storage') } : {};
    const report = (where, restored, use, saved) => ({
        kind,
        where,
        restored,
        steps: use ? use.steps : null,
        hits: use ? use.hits : null,
        saved,
        notes: [...notes, ...(use?.notes ?? [])],
    });
    const releases = [];
    const close = async () => {
        for (const dir of temporary)
            await (0,promises_.rm)(dir, { recursive: true, force: true }).catch(() => undefined);
        for (const release of releases)
            await release().catch(() => undefined);
    };
    if (kind === 'local') {
        const dir = (0,external_node_path_.join)(config.image.cache.dir ?? defaultCacheDir(ctx.env), builder === 'buildah' ? 'buildah' : 'buildx', scope.name);
        if (builder === 'buildah') {
            // The storage of the scope's builds is the cache: nothing is read in or written out.
            const lock = await lockCache(dir);
            if ('heldBy' in lock) {
                notes.push(`the cache in ${dir} is in use by another build (process ${lock.heldBy}): building without it`);
                return { request: {}, close, finish: async () => report(dir, null, undefined, null) };
            }
            releases.push(lock.release);
            const storageDir = (0,external_node_path_.join)(dir, 'storage');
            const restored = (await build_cache_exists(storageDir)) ? `cache-dir ${dir}` : null;
            const request = { storage: storageDir, keep: true };
            return {
                request,
                close,
                finish: async (use) => report(dir, restored, use, use && !use.unchanged ? `${use.saved} step images kept in ${dir}` : null),
            };
        }
        const saveDir = `${dir}.new-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
        temporary.push(saveDir);
        const restored = (await isLayout(dir)) ? `cache-dir ${dir}` : null;
        const request = { ...(restored ? { from: `type=local,src=${dir}` } : {}), to: `type=local,dest=${saveDir},mode=max` };
        return {
            request,
            close,
            finish: async (use) => {
                if (!use || use.saved === 0 || use.unchanged)
                    return report(dir, restored, use, null);
                const kept = await swapInto(saveDir, dir).then(() => true, (error) => (notes.push(`the cache could not be kept in ${dir}: ${message(error)}`), false));
                return report(dir, restored, use, kept ? `buildx cache to ${dir}` : null);
            },
        };
    }
    if (kind === 'gha') {
        const where = `GitHub's cache, scope ${scope.name}`;
        if (!(await ctx.service.available())) {
            notes.push("GitHub's cache service is not available to this run (no ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL): building without a cache");
            return { request: {}, close, finish: async () => report(where, null, undefined, null) };
        }
        if (builder !== 'buildah') {
            // buildx speaks to the service itself, with the job's token from its environment.
            const request = { from: `type=gha,scope=${scope.name}`, to: `type=gha,scope=${scope.name},mode=max` };
            return {
                request,
                close,
                finish: async (use) => report(where, `scope ${scope.name} (read by buildx)`, use, use ? `scope ${scope.name} (written by buildx)` : null),
            };
        }
        return githubStepCache(ctx, scope, dockerfile, storage, where, notes, report, close, temporary);
    }
    // cache-to: registry
    const tag = registryCacheTag(scope);
    const where = `${target.registry}/${target.registryRepository}:${tag}`;
    if (!ctx.registry || !ctx.credentials) {
        notes.push('cache-to: registry needs push: true (the cache is pushed with the push token): building without a cache');
        return { request: {}, close, finish: async () => report(where, null, undefined, null) };
    }
    const repository = ctx.registry.client.repository(target.registryRepository, ['pull', 'push']);
    if (builder !== 'buildah') {
        const config = (0,external_node_path_.join)(ctx.workDir, 'docker-config');
        await writeDockerConfig(config, target.registry, ctx.credentials, ctx.env);
        const request = {
            from: `type=registry,ref=${where}`,
            to: `type=registry,ref=${where},mode=max,image-manifest=true,oci-mediatypes=true`,
            env: { DOCKER_CONFIG: config },
        };
        return { request, close, finish: async (use) => report(where, `${where} (read by buildx)`, use, use ? `${where} (written by buildx)` : null) };
    }
    const dir = (0,external_node_path_.join)(ctx.workDir, 'buildcache');
    const saveDir = (0,external_node_path_.join)(ctx.workDir, 'buildcache-new');
    const pulled = await pullStepCache(repository, tag, dir).catch((error) => {
        notes.push(`the registry cache ${where} could not be read (${message(error)}); building without it`);
        return undefined;
    });
    const restored = pulled ? `${where} (${pulled} step images)` : null;
    return {
        request: { ...storage, ...(pulled ? { dir } : {}), saveDir },
        close,
        finish: async (use) => {
            if (!use || use.saved === 0 || use.unchanged)
                return report(where, restored, use, null);
            const pushed = await pushStepCache(repository, tag, saveDir).then(() => true, (error) => (notes.push(`the cache could not be pushed to ${where}: ${message(error)}`), false));
            return report(where, restored, use, pushed ? `${use.saved} step images to ${where}` : null);
        },
    };
}
/** buildah's step images in GitHub's cache: restored by key (newest of the Dockerfile, else of the scope), saved under a new one. */
async function githubStepCache(ctx, scope, dockerfile, storage, where, notes, report, close, temporary) {
    const keys = githubCacheKeys(scope, await (0,promises_.readFile)(dockerfile));
    // The service keys a cache by its path too: the same path every run (RUNNER_TEMP is the same on every job).
    const dir = (0,external_node_path_.join)(ctx.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), 'meshagent-ship-build-cache', scope.name);
    const saveDir = `${dir}.new`;
    temporary.push(dir, saveDir);
    await (0,promises_.rm)(dir, { recursive: true, force: true });
    ctx.log(`build cache: restoring ${keys.primary}, else the newest of ${keys.restoreKeys.join(', ')}`);
    const restoredKey = await ctx.service.restore(dir, keys.primary, keys.restoreKeys).catch((error) => {
        notes.push(`GitHub's cache could not be restored (${message(error)}); building without it`);
        return undefined;
    });
    const restored = restoredKey && (await isLayout(dir)) ? `key ${restoredKey}` : null;
    return {
        request: { ...storage, ...(restored ? { dir } : {}), saveDir },
        close,
        finish: async (use) => {
            if (!use?.key || use.saved === 0)
                return report(where, restored, use, null);
            const key = keys.save(use.key);
            if (use.unchanged || key === restoredKey)
                return report(where, restored, use, null);
            // The service saves the same path as it restores: the new layout is put there first.
            const saved = await (0,promises_.rm)(dir, { recursive: true, force: true })
                .then(() => (0,promises_.rename)(saveDir, dir))
                .then(() => ctx.service.save(dir, key))
                .then(() => true, (error) => (notes.push(`GitHub's cache could not be saved under ${key}: ${message(error)}`), false));
            return report(where, restored, use, saved ? `${use.saved} step images under key ${key}` : null);
        },
    };
}
async function build_cache_exists(path) {
    return (await (0,promises_.stat)(path).catch(() => undefined)) !== undefined;
}
async function isLayout(dir) {
    return (await (0,promises_.stat)((0,external_node_path_.join)(dir, 'index.json')).catch(() => undefined))?.isFile() ?? false;
}
/** Puts `from` where `to` is, then removes the old one: a reader sees the old cache or the new, never a half. */
async function swapInto(from, to) {
    const old = `${to}.old-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
    await (0,promises_.mkdir)((0,external_node_path_.join)(to, '..'), { recursive: true });
    await (0,promises_.rename)(to, old).catch((error) => {
        if (error.code !== 'ENOENT')
            throw error;
    });
    await (0,promises_.rename)(from, to);
    await (0,promises_.rm)(old, { recursive: true, force: true });
}
/**
 * A Docker config for buildx's registry cache: the user's (for base images from private registries) with the
 * project registry's push credentials added. A file only this user can read, removed with the work dir.
 */
async function writeDockerConfig(dir, registry, credentials, env) {
    let config = {};
    try {
        config = JSON.parse(await (0,promises_.readFile)((0,oci/* dockerConfigPath */.Q1)(env), 'utf8'));
    }
    catch {
        // no config of the user's, or an unreadable one: only ours
    }
    const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    config.auths = { ...config.auths, [registry]: { auth } };
    await (0,promises_.mkdir)(dir, { recursive: true, mode: 0o700 });
    await (0,promises_.writeFile)((0,external_node_path_.join)(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
    await (0,promises_.chmod)((0,external_node_path_.join)(dir, 'config.json'), 0o600);
}
function message(error) {
    return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

;// CONCATENATED MODULE: ./src/pipeline/image-labels.ts
/**
 * The image's labels: org.opencontainers.image.source, revision, created and version from where the run comes
 * from (GitHub's context), then the `labels` input, which wins. `version` is the git tag of a run on a tag
 * (GITHUB_REF_TYPE=tag), and absent otherwise: were it the image tag, one image shipped under two tags (a preview,
 * a promotion, matrix legs) would get two configs and two digests. They are written into the image config after the
 * build, never passed to the builder, so they do not touch the build cache; an image given by the `image` input
 * gets them the same way: a new config, and so a new digest. `created` is the image's own creation time (or
 * SOURCE_DATE_EPOCH), not the time of the run: the same image shipped again keeps its digest, and a service
 * running it is not restarted for nothing.
 */



/**
 * GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA and (on a tag) GITHUB_REF_NAME, as GitHub sets them for every
 * step: the same values @actions/github's context reads, without loading that library (it would double the
 * action's bundle).
 */
function sourceFromEnv(env) {
    const version = env.GITHUB_REF_TYPE === 'tag' && env.GITHUB_REF_NAME ? env.GITHUB_REF_NAME : undefined;
    return { serverUrl: env.GITHUB_SERVER_URL || 'https://github.com', repository: env.GITHUB_REPOSITORY, sha: env.GITHUB_SHA, version };
}
/** The labels an image gets, in order of precedence: the given ones over the source's. */
function imageLabels(source, given, created) {
    const labels = {};
    if (source.repository)
        labels['org.opencontainers.image.source'] = `${(source.serverUrl ?? '').replace(/\/+$/, '')}/${source.repository}`;
    if (source.sha)
        labels['org.opencontainers.image.revision'] = source.sha;
    if (created)
        labels[CREATED] = created.toISOString();
    if (source.version)
        labels['org.opencontainers.image.version'] = source.version;
    for (const { name, value } of given)
        labels[name] = value;
    return labels;
}
const CREATED = 'org.opencontainers.image.created';
/**
 * The labels for the log: those given, and where `created` comes from when none is given (labelManifest takes the
 * image's own creation time), so a run with no source context does not log an empty list.
 */
function describeLabels(labels) {
    const given = Object.entries(labels).map(([name, value]) => `${name}=${value}`);
    if (!(CREATED in labels))
        given.push(`${CREATED} from the image's own creation time (when it has one)`);
    return given.join(', ');
}
/** SOURCE_DATE_EPOCH when set (reproducible builds); else undefined: each image's own creation time is taken. */
function createdAt(env) {
    const epoch = Number(env.SOURCE_DATE_EPOCH);
    return env.SOURCE_DATE_EPOCH && Number.isSafeInteger(epoch) ? new Date(epoch * 1000) : undefined;
}
/**
 * Sets `labels` on the config of every image of `top` (each platform of an index), writing new configs and
 * manifests into `layout`; returns the new top descriptor. Other entries of an index (attestations) are kept.
 */
async function labelImage(layout, top, labels) {
    if ((0,oci/* isIndexType */.$U)(top.mediaType)) {
        const index = await layout.readJson(top, oci/* ImageIndex */.yd, 'index');
        const manifests = [];
        for (const child of index.manifests)
            manifests.push((0,oci/* isImageManifestType */.tr)(child.mediaType) ? await labelManifest(layout, child, labels) : child);
        return { ...top, ...(await layout.writeJson(top.mediaType, { ...index, manifests })) };
    }
    return labelManifest(layout, top, labels);
}
async function labelManifest(layout, descriptor, labels) {
    const manifest = await layout.readJson(descriptor, oci/* ImageManifest */.nU, 'manifest');
    const config = await layout.readJson(manifest.config, oci/* ImageConfig */.K8, 'image config');
    const created = config.created ? { [CREATED]: config.created } : {};
    const labelled = { ...config, config: { ...config.config, Labels: { ...config.config?.Labels, ...created, ...labels } } };
    const written = await layout.writeJson(manifest.config.mediaType, labelled);
    const next = { ...manifest, config: { ...manifest.config, digest: written.digest, size: written.size } };
    const { digest, size } = await layout.writeJson(descriptor.mediaType, next);
    return { ...descriptor, digest, size };
}
/**
 * A layout of this run's own holding the image `top` of `source` (blobs linked, else copied), for an image whose
 * layout is the user's (an `oci:` directory), which is never written to.
 */
async function ownCopy(source, top, dir) {
    // Its blobs are the user's (linked): messages about them name the user's layout.
    const own = await oci/* OciLayout */.Al.create(dir, { where: source.where });
    const copy = async (digest) => {
        const to = own.blobPath(digest);
        await (0,promises_.mkdir)((0,external_node_path_.join)(to, '..'), { recursive: true });
        await (0,promises_.link)(source.blobPath(digest), to).catch(async (error) => {
            if (error.code !== 'EEXIST')
                await (0,promises_.copyFile)(source.blobPath(digest), to);
        });
    };
    const visit = async (descriptor) => {
        await copy(descriptor.digest);
        if ((0,oci/* isIndexType */.$U)(descriptor.mediaType)) {
            for (const child of (await source.readJson(descriptor, oci/* ImageIndex */.yd, 'index')).manifests)
                await visit(child);
        }
        else if ((0,oci/* isImageManifestType */.tr)(descriptor.mediaType)) {
            const manifest = await source.readJson(descriptor, oci/* ImageManifest */.nU, 'manifest');
            for (const blob of [manifest.config, ...manifest.layers])
                await copy(blob.digest);
        }
    };
    await visit(top);
    return own;
}

;// CONCATENATED MODULE: ./src/pipeline/build-secrets.ts
/**
 * The build-secrets input made ready for a builder: each value read (from the environment, or a file), masked
 * before anything can print it (the whole value and each of its lines, as GitHub masks line by line), and handed
 * on by variable name or file path only.
 */



async function readBuildSecrets(sources, env, mask) {
    const secrets = [];
    for (const source of sources) {
        if (source.from === 'env') {
            const value = env[source.name];
            if (value === undefined || value === '') {
                throw new errors/* ShipError */.fS(`build-secrets: ${source.id}=env:${source.name}, but ${source.name} is not set or empty`, {
                    input: 'build-secrets',
                    hint: `set ${source.name} in the step's env, e.g. env: { ${source.name}: \${{ secrets.${source.name} }} }`,
                });
            }
            maskAll(value, mask);
            secrets.push({ id: source.id, env: source.name, value });
        }
        else {
            const file = (0,external_node_path_.resolve)(source.name);
            const value = await (0,promises_.readFile)(file, 'utf8').catch((error) => {
                throw new errors/* ShipError */.fS(`build-secrets: ${source.id}=file:${source.name} cannot be read (${error.code ?? error.message})`, {
                    input: 'build-secrets',
                    hint: 'give the path of a readable file, relative to the working directory or absolute',
                });
            });
            maskAll(value, mask);
            secrets.push({ id: source.id, file });
        }
    }
    return secrets;
}
/** The value, trimmed, and each line of it long enough not to mask ordinary words. */
function maskAll(value, mask) {
    const trimmed = value.trim();
    if (trimmed !== '')
        mask(trimmed);
    for (const line of trimmed.split(/\r?\n/))
        if (line.trim().length >= 4 && line.trim() !== trimmed)
            mask(line.trim());
}

;// CONCATENATED MODULE: ./src/pipeline/github-cache.ts
const actionsCache = () => __webpack_require__.e(/* import() */ 885).then(__webpack_require__.bind(__webpack_require__, 70885));
const githubCacheService = {
    available: async () => (await actionsCache()).isFeatureAvailable(),
    restore: async (dir, primaryKey, restoreKeys) => (await actionsCache()).restoreCache([dir], primaryKey, [...restoreKeys]),
    save: async (dir, key) => {
        await (await actionsCache()).saveCache([dir], key);
    },
};

;// CONCATENATED MODULE: ./src/pipeline/source-image.ts
/**
 * The build stage: the image to ship, as an OCI layout on disk. Either a Dockerfile context built by the chosen
 * builder, or an existing image: an `oci:` layout, an `oci-archive:` or `docker-archive:` file, or a registry
 * reference pulled with the credentials found for its registry.
 */










async function buildStage(run, ensured) {
    const { config } = run;
    const { source, workDir } = await run.stages.run('build', config.image.source ? 'Read the image' : 'Build the image', async () => {
        const workDir = await run.workDir();
        const options = {
            workDir,
            builders: run.options.builders,
            projectCredentials: ensured.access.credentials,
            log: run.log,
            mask: run.mask,
            retryLog: run.retryLog,
            env: run.runner.env,
            signal: run.signal,
            registry: ensured.registry,
            cacheService: run.options.cacheService ?? githubCacheService,
        };
        const obtained = await obtainImage(config, ensured.target, options);
        return { source: await withLabels(obtained, config, options, run.options.source), workDir };
    }, ({ source }) => source.origin);
    run.closeAtEnd(() => source.close());
    return { ...ensured, source, workDir };
}
async function obtainImage(config, target, options) {
    const source = config.image.source;
    if (source === undefined)
        return buildImage(config, target, options);
    if (source.kind === 'registry')
        return pullImage(source.reference, target, options);
    const ref = source.kind === 'docker-archive'
        ? { transport: 'docker-archive', path: source.path, ref: undefined }
        : { transport: source.kind, path: source.path, ref: source.ref };
    // Archives are unpacked under the run's work dir, which a forced exit removes with everything in it.
    const opened = await (0,oci/* openImage */.UY)(ref, { tempDir: options.workDir });
    const origin = `${source.kind}:${source.path}${source.kind !== 'docker-archive' && source.ref ? `:${source.ref}` : ''}`;
    return { layout: opened.layout, descriptor: opened.descriptor, built: false, origin, close: () => opened.close() };
}
/** The image with its labels set on the config (in a layout of the run's own: an `oci:` input is the user's). */
async function withLabels(source, config, options, context) {
    const env = options.env ?? process.env;
    const labels = imageLabels(context ?? sourceFromEnv(env), config.image.labels, createdAt(env));
    options.log(`labels: ${describeLabels(labels)}`);
    const layout = config.image.source?.kind === 'oci' ? await ownCopy(source.layout, source.descriptor, (0,external_node_path_.join)(options.workDir, 'labelled')) : source.layout;
    const descriptor = await labelImage(layout, source.descriptor, labels);
    return { ...source, layout, descriptor };
}
async function buildImage(config, target, options) {
    const { builder, reason } = await selectBuilder(config.image.builder, options.builders);
    options.log(reason);
    if (!builder)
        throw new Error('builder none without an image input passed input validation');
    const secrets = await readBuildSecrets(config.image.buildSecrets, options.env ?? process.env, options.mask);
    const files = await resolveBuildFiles(config.image.context, config.image.file);
    const cache = await prepareBuildCache({
        config,
        target,
        workDir: options.workDir,
        env: options.env ?? process.env,
        log: options.log,
        service: options.cacheService,
        registry: options.registry,
        credentials: options.projectCredentials,
    }, builder.name, files.dockerfile);
    try {
        const built = await builder.build({
            context: config.image.context,
            file: config.image.file,
            buildArgs: config.image.buildArgs,
            target: config.image.target,
            platforms: config.image.platforms,
            tag: target.image,
            outputDir: (0,external_node_path_.join)(options.workDir, 'built'),
            log: options.log,
            secrets,
            uncompressed: config.image.estargz,
            ...(cache ? { cache: cache.request } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
        });
        const report = cache ? await cache.finish(built.cache) : undefined;
        if (report)
            for (const line of cacheLines(report))
                options.log(line);
        const descriptor = await built.layout.resolve(built.ref);
        const origin = `built by ${built.builder} from ${built.dockerfile}`;
        return {
            layout: built.layout,
            descriptor,
            built: true,
            origin,
            dockerfile: built.dockerfile,
            ...(report ? { cache: report } : {}),
            close: async () => { },
        };
    }
    finally {
        await cache?.close();
    }
}
async function pullImage(reference, target, options) {
    // A reference without a registry means the project registry, with the shorthand's project key (as for the tag).
    const registry = reference.registry ?? target.registry;
    const repository = reference.registry === undefined && reference.repository.split('/').length === 1 ? `${target.projectKey}/${reference.repository}` : reference.repository;
    const isTargetRepository = registry === target.registry && repository === target.registryRepository;
    const credentials = isTargetRepository ? options.projectCredentials : (0,registry_env/* findCredentials */.gD)(registry, options.env);
    const dir = (0,external_node_path_.join)(options.workDir, 'pulled');
    const wanted = reference.digest ?? reference.tag ?? 'latest';
    const from = {
        registry,
        repository,
        ...(credentials ? { credentials } : {}),
        mask: options.mask,
        log: options.log,
        ...(options.retryLog ? { retryLog: options.retryLog } : {}),
        ...(0,registry_env/* registryClientIdentity */.jW)(registry),
    };
    const pulled = await (0,oci/* pullIntoLayout */.Wl)(from, wanted, dir, { layoutRef: 'source' });
    const layout = await oci/* OciLayout */.Al.open(dir);
    const descriptor = await layout.resolve('source');
    return {
        layout,
        descriptor: { ...descriptor, annotations: { ...descriptor.annotations, [oci/* Annotation */.YH.refName]: 'source' } },
        built: false,
        origin: `pulled ${registry}/${repository}${reference.digest ? `@${reference.digest}` : `:${wanted}`} (${pulled.descriptor.digest})`,
        close: async () => { },
    };
}

;// CONCATENATED MODULE: ./src/pipeline/rooms.ts
/**
 * One pushed image deployed to several rooms: the deploy and verify stages run for each room in turn, with the
 * room's name before each line of their records. A room that fails was taken back in that room by its own deploy or
 * rollout (meshagent/deploy.ts, pipeline/rollout.ts); the rooms done before it keep the new image, and the rooms
 * after it are still deployed. The rooms go one at a time: each rollout restarts and waits in its own log group, a
 * stop completes the one write in flight and takes back only that room, and a room's failure is seen before the
 * next is touched.
 */




/** Deploys and verifies in each room; a room's failure is kept in its outcome, not thrown. */
async function shipToRooms(run, pushed, rooms) {
    const outcomes = [];
    for (const room of rooms) {
        // A stopped run starts no other room; a failure every room would meet (a template, the Dockerfile) ends it too.
        if (run.signal?.aborted || outcomes.some((o) => failsEveryRoom(o.failure))) {
            outcomes.push({ room, reached: undefined, failure: new StageError('deploy', notReached(room, run)) });
            continue;
        }
        const from = run.stages.records.length;
        let reached;
        try {
            reached = await deployStage(run, pushed, room);
            reached = await verifyStage(run, reached);
            outcomes.push({ room, reached, failure: undefined });
        }
        catch (error) {
            outcomes.push({ room, reached, failure: error instanceof StageError ? error : new StageError('deploy', error) });
        }
        run.stages.labelSince(from, room);
    }
    return { ...pushed, rooms: outcomes };
}
/** The failure of a run to several rooms: which rooms failed, each with its first line. */
class RoomsFailed extends errors/* ShipError */.fS {
    outcomes;
    constructor(outcomes) {
        const failed = outcomes.filter((o) => o.failure !== undefined);
        const shipped = outcomes.filter((o) => o.failure === undefined).map((o) => o.room);
        super(`${failed.length} of ${outcomes.length} rooms failed: ${failed.map((o) => `${o.room} (${o.failure.message.split('\n')[0]})`).join('; ')}`, {
            hint: `${shipped.length > 0 ? `${shipped.join(', ')} ${shipped.length === 1 ? 'runs' : 'run'} the new image; ` : ''}the rooms table says what became of each failed room: fix it and ship again`,
        });
        this.outcomes = outcomes;
    }
}
/** The run's error when a room failed: a StageError of the first failed room's stage, naming every failed room. */
function roomsFailure(shipped) {
    const first = shipped.rooms.find((o) => o.failure !== undefined);
    return first ? new StageError(first.failure.stage, new RoomsFailed(shipped.rooms)) : undefined;
}
/** Inputs read the same for every room: an error about one of them (a template, the Dockerfile) fails each room alike. */
const SAME_IN_EVERY_ROOM = ['service-template', 'values', 'set', 'file'];
function failsEveryRoom(failure) {
    return failure?.original instanceof errors/* ShipError */.fS && SAME_IN_EVERY_ROOM.includes(failure.original.input);
}
function notReached(room, run) {
    return new errors/* ShipError */.fS(`room ${room} was not deployed: ${run.signal?.aborted ? 'the run was stopped' : 'the failure before it would fail it too'}`);
}

;// CONCATENATED MODULE: ./src/pipeline/target.ts
/**
 * The resolve stage: where the image goes and what the service is called. Asks MeshAgent for the registry host
 * (`GET /config`) and the project key, then applies the CLI's normalization and project-registry checks to the tag.
 *
 * A dry run with no key, or with an API that cannot be reached or refuses the key, resolves offline instead: the
 * tag's own registry and project key where it names them, placeholders where it does not, and the list of facts
 * that were not read, so the plan says what it could not check.
 */


/** What an offline plan cannot know; the README's dry-run table lists the same. */
const UNREAD_OFFLINE = [
    'registry host (GET /config)',
    'project key (GET /accounts/projects/{id})',
    'whether the registry repository exists',
    'whether the room exists',
    'the existing service (its spec, for the diff)',
];
async function resolveStage(run) {
    const target = await run.stages.run('resolve', 'Resolve the tag and the project', () => resolveTarget(run.config, run.client), (t) => `${t.image} for service ${t.serviceName}${t.offline ? ' (offline: not checked against MeshAgent)' : ''}`);
    if (target.offline) {
        // Said once as a warning, so an offline plan is never taken for a checked one.
        run.runner.warning(`dry run offline: ${target.offline.reason}; the plan shows what the inputs alone tell`, 'meshagent-ship: offline plan');
    }
    return { target };
}
async function resolveTarget(config, client) {
    if (!config.dryRun)
        return resolveOnline(config, await client.getConfig(), await client.getProject());
    if (config.meshagent.apiKey === '')
        return offlineTarget(config, 'no api-key was given');
    let facts;
    try {
        facts = [await firstLook((o) => client.getConfig(o)), await firstLook((o) => client.getProject(o))];
    }
    catch (error) {
        const reason = offlineReason(error, config.meshagent.apiUrl);
        if (reason === undefined)
            throw error;
        return offlineTarget(config, reason);
    }
    return resolveOnline(config, ...facts);
}
function resolveOnline(config, deployment, project) {
    const registry = (0,reference/* projectRegistryFromConfig */.fe)(deployment.domains, config.meshagent.apiUrl);
    const projectKey = project.project_key ?? '';
    // A project without a key puts Python's `None` into a shorthand tag, as the CLI's f-string does, so the tag is
    // refused with the CLI's words: invalid OCI image repository: <registry>/None/<repository>:<tag>.
    const tag = (0,reference/* normalizeProjectTag */.Lq)(config.image.tag, registry, project.project_key ?? 'None');
    const { repositoryName } = (0,reference/* checkProjectKey */.tj)(tag, registry, project.project_key);
    return {
        registry,
        projectKey,
        repositoryName,
        tag,
        image: (0,reference/* formatImageTag */.jv)(tag),
        registryRepository: tag.repository,
        serviceName: config.service.name ?? (0,reference/* deriveServiceName */._5)(tag),
        pagesDomain: (0,reference/* pagesDomainFromConfig */.NW)(deployment.domains),
    };
}
/**
 * A dry run's read: an API where nothing listens sends the plan offline at once; a busy API (429/5xx), a timeout or
 * a broken connection gets the usual retries first, each counted in the result like any other.
 */
function firstLook(read) {
    return read({ retryRefused: false });
}
/** Why a dry run goes offline after its first call failed; undefined when the failure is a real error. */
function offlineReason(error, apiUrl) {
    if (!(error instanceof src_http/* HttpError */.j$))
        return undefined;
    if (error.status === undefined)
        return `the API at ${apiUrl} could not be reached (${error.message.split('\n')[0]})`;
    if (error.status === 401 || error.status === 403)
        return `the API at ${apiUrl} refused the api-key (${error.status}); a real run fails the same way`;
    return undefined;
}
/**
 * The target as far as the inputs alone tell it. A tag that names a registry keeps it and its first path part as
 * the project key (unchecked); a tag without them gets the placeholders `<registry>` and `<project-key>`.
 */
function offlineTarget(config, reason) {
    const tag = config.image.tag;
    const registry = tag.registry ?? '<registry>';
    const repository = (0,reference/* tagNeedsProjectKey */.mY)(tag) ? `<project-key>/${tag.repository}` : tag.repository;
    const slash = repository.indexOf('/');
    const named = { registry, repository, tag: tag.tag };
    return {
        registry,
        projectKey: repository.slice(0, slash),
        repositoryName: repository.slice(slash + 1),
        tag: { value: (0,reference/* formatImageTag */.jv)(named), ...named },
        image: (0,reference/* formatImageTag */.jv)(named),
        registryRepository: repository,
        serviceName: config.service.name ?? repository.replaceAll('/', '-'),
        pagesDomain: '<pages-domain>',
        offline: { reason, unread: UNREAD_OFFLINE },
    };
}

// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(54285);
;// CONCATENATED MODULE: ./src/report/rooms-section.ts
/**
 * The summary of a run to several rooms: a row per room (its service, its rollout, its error), then the last log
 * lines of each room whose new container did not become live.
 */

function roomsSection(rooms) {
    const failed = rooms.filter((r) => r.error !== null).length;
    const lines = [
        `#### Rooms: ${rooms.length - failed} of ${rooms.length} shipped`,
        '',
        '| room | service | rollout | URL | error |',
        '| --- | --- | --- | --- | --- |',
        ...rooms.map(roomRow),
    ];
    for (const room of rooms) {
        const logs = room.rollout?.logs ?? [];
        if (logs.length > 0)
            lines.push('', `Last ${logs.length} log line${logs.length === 1 ? '' : 's'} of the new container in room ${(0,markdown/* code */.aY)(room.room)}:`, '', (0,markdown/* codeBlock */.DV)(logs));
    }
    return lines.join('\n');
}
function roomRow(room) {
    const service = room.service;
    const deployed = !service ? 'not deployed' : service.created === true ? 'created' : service.created === false ? 'updated' : 'not deployed';
    const what = service?.rollback ? `${deployed}, rolled back (${service.rollback})` : deployed;
    const id = service?.id ? ` ${(0,markdown/* code */.aY)(service.id, true)}` : '';
    const url = service?.url ? (0,markdown/* cell */.Hn)(service.url) : '';
    const error = room.error ? (0,markdown/* cell */.Hn)(room.error.message.split('\n')[0] ?? '') : '';
    return `| ${(0,markdown/* code */.aY)(room.room, true)} | ${what}${id} | ${room.rollout ? outcomeOf(room.rollout) : 'none'} | ${url} | ${error} |`;
}
function outcomeOf(rollout) {
    switch (rollout.outcome) {
        case 'ready':
            return `✅ ready in ${((rollout.readyMs ?? 0) / 1000).toFixed(1)} s`;
        case 'rolled-back':
            return `↩️ rolled back${rollout.rolledBack?.digest ? ` to ${(0,markdown/* code */.aY)(rollout.rolledBack.digest, true)}` : ''}`;
        case 'failed':
            return '❌ failed, not rolled back';
        case 'not-waited':
            return 'not waited';
    }
}

;// CONCATENATED MODULE: ./src/report/summary.ts
/**
 * The job summary: the service URL first, then what each stage did, the image layer by layer, the deploy, the
 * retries and, on failure, the error with its hint. Rendered from the ShipResult alone, so a failed run gets the
 * same report of what was done and what was not.
 */




/** GitHub refuses summaries over 1 MiB; long layer lists are cut well before that. */
const MAX_LAYER_ROWS = 100;
const MAX_RETRY_ROWS = 20;
function renderSummary(result) {
    const parts = [heading(result), stageTable(result.stages)];
    if (result.offline)
        parts.push(offlineSection(result.offline));
    if (result.plan)
        parts.push(planBlock(result.plan));
    if (result.cache)
        parts.push(cacheSection(result.cache));
    if (result.image)
        parts.push(imageSection(result));
    // Several rooms: a row per room stands for the service and rollout sections of one room.
    if (result.rooms)
        parts.push(roomsSection(result.rooms));
    else {
        if (result.service)
            parts.push(serviceSection(result));
        if (result.rollout)
            parts.push(rolloutSection(result.rollout));
    }
    if (result.retries.length > 0)
        parts.push(retrySection(result));
    if (result.error)
        parts.push(errorSection(result));
    return `${parts.join('\n\n')}\n`;
}
function heading(result) {
    const service = result.service;
    const rooms = result.rooms?.map((r) => r.room);
    const where = rooms ? `to rooms ${rooms.join(', ')}` : service?.room === null ? 'as a project service' : `to room ${service?.room}`;
    // A run whose inputs were refused reached no stage and knows no image: its title says what failed.
    const what = service ? `${service.name} ${where}` : (result.image?.tag ?? (result.error && !result.error.stage ? 'the inputs are invalid' : 'the image'));
    const title = result.status === 'failed'
        ? `### ❌ meshagent-ship failed${result.error?.stage ? ` at ${result.error.stage}` : ''}: ${(0,markdown/* cell */.Hn)(what)}`
        : result.status === 'planned'
            ? `### 📝 meshagent-ship plan (dry run): ${(0,markdown/* cell */.Hn)(what)}`
            : `### ✅ Shipped ${(0,markdown/* cell */.Hn)(what)}`;
    // With several rooms, the first room's rollout and URL would speak for all: the rooms table has each.
    const outcome = result.rollout && !rooms ? `\n\n**Rollout:** ${rolloutLine(result.rollout)}` : '';
    const url = service?.url && !rooms ? `\n\n**Service URL:** ${(0,markdown/* link */.nf)(service.url)}` : '';
    return `${title}${outcome}${url}`;
}
/** The outcome in a few words, first thing in the summary: ready in N s, failed and rolled back, or not waited. */
function rolloutLine(rollout) {
    const back = rollout.rolledBack;
    switch (rollout.outcome) {
        case 'ready':
            return `✅ ready in ${seconds(rollout.readyMs ?? 0)}: the room runs the new container and its liveness paths answer`;
        case 'not-waited':
            return '⏭️ deployed (not waited): nothing checked that the new container runs';
        case 'failed':
            return `❌ failed, not rolled back: ${(0,markdown/* prose */.CS)(rollout.failure?.message ?? 'the rollout did not become live')}`;
        case 'rolled-back':
            return `↩️ failed and rolled back${back?.service === 'restored' ? ` to ${(0,markdown/* code */.aY)(back.digest ?? back.image ?? 'the previous spec')}` : back?.service === 'stopped' ? ' (the new service was stopped)' : ' (the new service was deleted)'}: ${(0,markdown/* prose */.CS)(rollout.failure?.message ?? 'the rollout did not become live')}`;
    }
}
function stageTable(stages) {
    const icon = { done: '✅', failed: '❌', skipped: '⏭️' };
    const rows = stages.map((s) => `| ${s.name} | ${icon[s.status]} ${s.status} | ${seconds(s.durationMs)} | ${(0,markdown/* cell */.Hn)(s.detail)} |`);
    return ['| stage | status | time | detail |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
function offlineSection(offline) {
    return [
        `**Offline plan:** ${(0,markdown/* prose */.CS)(offline.reason)}. These facts were not read from MeshAgent, so the plan does not check them:`,
        '',
        ...offline.unread.map((fact) => `- ${(0,markdown/* prose */.CS)(fact)}`),
    ].join('\n');
}
function planBlock(plan) {
    return ['**Plan** (nothing was changed)', '', (0,markdown/* codeBlock */.DV)(plan)].join('\n');
}
function cacheSection(cache) {
    // The same words as the log's, one per line.
    const [where = '', ...rest] = cacheLines(cache);
    return ['#### Build cache', '', `- ${(0,markdown/* prose */.CS)(where.replace(/^build cache /, ''))}`, ...rest.map((line) => `- ${(0,markdown/* prose */.CS)(line.trim())}`)].join('\n');
}
function imageSection(result) {
    const image = result.image;
    if (!image)
        return '';
    const lines = [
        '#### Image',
        '',
        `- tag: ${(0,markdown/* code */.aY)(image.tag)}`,
        `- repository: ${(0,markdown/* code */.aY)(image.repository)}${image.repositoryCreated === true ? ' (created)' : image.repositoryCreated === false ? ' (existing)' : ''}`,
    ];
    if (image.digest)
        lines.push(`- digest: ${(0,markdown/* code */.aY)(image.digest)}`);
    if (image.ref)
        lines.push(`- pinned: ${(0,markdown/* code */.aY)(image.ref)}`);
    if (image.layers.length > 0) {
        const total = sum(image.layers, (l) => l.size);
        const sourceTotal = sum(image.layers, (l) => l.sourceSize);
        lines.push(`- layers: ${image.layers.length}, ${bytes(sourceTotal)} before conversion, ${bytes(total)} as eStargz`);
        if (image.startup)
            lines.push(startupLine(image.startup, image.layers));
        const reused = image.layers.filter((l) => l.conversion === 'reused').length;
        if (reused > 0)
            lines.push(`- conversion: ${reused} of ${image.layers.length} layers reused from the previous ship (not converted again; already in the registry)`);
        lines.push('', '| # | source | eStargz | TOC digest | prefetched files | fetched before start | conversion | push |', '| --- | --- | --- | --- | --- | --- | --- | --- |', ...image.layers.slice(0, MAX_LAYER_ROWS).map(layerRow));
        if (image.layers.length > MAX_LAYER_ROWS)
            lines.push('', `(${image.layers.length - MAX_LAYER_ROWS} more layers not shown)`);
    }
    return lines.join('\n');
}
function layerRow(layer, index) {
    const source = `${bytes(layer.sourceSize)} ${(0,markdown/* code */.aY)(summary_short(layer.sourceDigest), true)}`;
    const converted = `${bytes(layer.size)} ${(0,markdown/* code */.aY)(summary_short(layer.digest), true)}`;
    const toc = layer.tocDigest ? (0,markdown/* code */.aY)(summary_short(layer.tocDigest), true) : '–';
    return `| ${index + 1} | ${source} | ${converted} | ${toc} | ${layer.prefetchFiles} | ${bytes(layer.fetchedBeforeStart)} | ${CONVERSION[layer.conversion]} | ${layer.push ?? '–'} |`;
}
/** What starting the service costs a lazy pull, against the whole image. */
function startupLine(startup, layers) {
    const { bytesBeforeStart, imageBytes, prefetchedFiles } = startup;
    const auto = startup.auto ? `\n- prefetch auto: ${startup.auto}` : '';
    if (layers.every((l) => l.conversion === 'as-is'))
        return `- start-up: the layers are not eStargz, so a pull fetches the whole image (${bytes(imageBytes)}) before start`;
    const share = imageBytes > 0 ? ` (${percent(bytesBeforeStart / imageBytes)})` : '';
    const files = `${prefetchedFiles} prefetched file${prefetchedFiles === 1 ? '' : 's'}`;
    return `- start-up: a lazy pull fetches ${bytes(bytesBeforeStart)} of ${bytes(imageBytes)} before start${share}: manifest, config and each layer's TOC, footer and ${files}, as the stargz snapshotter fetches them (50,000-byte blocks)${auto}`;
}
function percent(ratio) {
    return ratio < 0.001 ? '<0.1%' : `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}
const CONVERSION = {
    converted: 'converted',
    reused: 'reused (previous ship)',
    kept: 'kept (already eStargz)',
    'as-is': 'as is',
};
const ROLLBACK = {
    restored: '**restored**: the deploy failed and the service runs the spec it had before',
    removed: '**removed**: the deploy failed and what it created was deleted',
    stopped: '**stopped**: the new service did not become live and was disabled (kept with its route; the next ship starts it)',
    failed: '**failed**: the deploy failed and could not be taken back; see the error for what to put right',
};
function serviceSection(result) {
    const service = result.service;
    if (!service)
        return '';
    const action = service.created === true ? 'created' : service.created === false ? 'updated' : 'not deployed';
    const lines = [
        '#### Service',
        '',
        `- ${(0,markdown/* cell */.Hn)(service.name)} ${service.room === null ? 'as a project service (every room runs it from its next session)' : `in room ${(0,markdown/* cell */.Hn)(service.room)}`}: ${action}${service.id ? ` (id ${(0,markdown/* code */.aY)(service.id)})` : ''}`,
    ];
    if (service.rollback)
        lines.push(`- rollback: ${ROLLBACK[service.rollback]}`);
    else
        lines.push(service.domain ? `- domain: ${(0,markdown/* cell */.Hn)(service.domain)} (route ${service.route})` : '- domain: none configured');
    const probe = result.probe;
    if (probe) {
        lines.push(probe.ok
            ? `- probe: ${(0,markdown/* code */.aY)(probe.url)} answered ${probe.status} in ${probe.latencyMs} ms (${probe.attempts} attempt${probe.attempts === 1 ? '' : 's'})`
            : `- probe: ${(0,markdown/* code */.aY)(probe.url)} did not answer in time (${probe.attempts} attempts${probe.status ? `, last status ${probe.status}` : ''})`);
    }
    return lines.join('\n');
}
function rolloutSection(rollout) {
    const lines = ['#### Rollout', ''];
    if (rollout.outcome === 'not-waited')
        return [...lines, '- not waited: the room was not asked whether the new container runs'].join('\n');
    if (rollout.restarted)
        lines.push('- restarted the updated service (services.restart, as the MeshAgent CLI does)');
    if (rollout.containerId)
        lines.push(`- new container: ${(0,markdown/* code */.aY)(rollout.containerId)}`);
    if (rollout.outcome === 'ready')
        lines.push(`- ready in ${seconds(rollout.readyMs ?? 0)}`);
    const failure = rollout.failure;
    if (failure) {
        const exit = failure.exitCode !== null ? `; exit code ${failure.exitCode}` : '';
        const restarts = failure.restartCount ? `; restarts ${failure.restartCount}` : '';
        lines.push(`- failed (${failure.reason}${exit}${restarts}): ${(0,markdown/* prose */.CS)(failure.message)}`);
    }
    const back = rollout.rolledBack;
    if (back?.service === 'restored') {
        const to = (0,markdown/* code */.aY)(back.digest ?? back.image ?? 'the previous spec');
        lines.push(back.live === null
            ? `- rolled back to ${to}: the service is disabled (enabled: false), as it was before`
            : back.live
                ? `- rolled back to ${to}: its container ${(0,markdown/* code */.aY)(back.containerId ?? '?')} is live again`
                : `- rolled back to ${to}, but its container did not become live again`);
    }
    else if (back)
        lines.push(`- rolled back: the new service was ${back.service === 'stopped' ? 'stopped (enabled: false)' : 'deleted'}`);
    if (rollout.logs.length > 0) {
        lines.push('', `Last ${rollout.logs.length} log line${rollout.logs.length === 1 ? '' : 's'} of the new container:`, '', (0,markdown/* codeBlock */.DV)(rollout.logs));
    }
    else if (failure)
        lines.push('', 'The new container wrote no log lines.');
    return lines.join('\n');
}
function retrySection(result) {
    const rows = result.retries.slice(0, MAX_RETRY_ROWS).map((r) => `| ${r.method} | ${(0,markdown/* cell */.Hn)(r.url)} | ${(0,markdown/* cell */.Hn)(r.reason)} |`);
    const more = result.retries.length > MAX_RETRY_ROWS ? [`\n(${result.retries.length - MAX_RETRY_ROWS} more)`] : [];
    return [`#### Retries: ${result.retries.length}`, '', '| method | URL | reason |', '| --- | --- | --- |', ...rows, ...more].join('\n');
}
function errorSection(result) {
    const error = result.error;
    if (!error)
        return '';
    const lines = ['#### Error', '', (0,markdown/* codeBlock */.DV)(error.message.split('\n'))];
    if (error.hint)
        lines.push('', `**Hint:** ${(0,markdown/* prose */.CS)(error.hint)}`);
    return lines.join('\n');
}
// --- formatting ------------------------------------------------------------------------------------------------------
/** `sha256:0123456789ab` — enough to tell layers apart in a table. */
function summary_short(digest) {
    return digest.slice(0, 'sha256:'.length + 12);
}
function sum(layers, pick) {
    return layers.reduce((total, layer) => total + pick(layer), 0);
}
function seconds(ms) {
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

;// CONCATENATED MODULE: ./src/ship.ts
/**
 * The pipeline: resolve -> ensure -> build -> convert -> push -> deploy -> verify (the last two once per room), then
 * the report. Each stage is a function in pipeline/ that takes the previous stage's value and returns the next, which
 * holds the ones before it; none reaches back. The result is built from the last value reached, also after a failure (the stages done so far,
 * and the error), and the report is rendered from the result.
 */
















/** Reads the inputs through the runner, runs the pipeline and reports; returns the process exit code. */
async function runShip(runner, options = {}) {
    const result = await shipFromInputs(runner, options);
    await reportResult(result, runner);
    return exitCodeOf(result, options.stop);
}
/** 0 when shipped or planned; the shell's code for the signal when a stop ended the run; else 1. */
function exitCodeOf(result, stop) {
    if (result.status !== 'failed')
        return 0;
    return stop?.stopped?.exitCode ?? 1;
}
/** The pipeline from the runner's inputs; invalid inputs give a failed result before any network call. */
async function shipFromInputs(runner, options = {}) {
    let config;
    try {
        config = (0,parse_config.readConfig)(runner);
    }
    catch (error) {
        return invalidInputsResult(error);
    }
    return ship(config, runner, options);
}
/** Outputs, the job summary and, on failure, the error (an annotation on GitHub). */
async function reportResult(result, runner) {
    for (const [name, value] of Object.entries(resultOutputs(result)))
        runner.setOutput(name, value);
    await runner.writeSummary(renderSummary(result));
    if (result.error) {
        const { message, hint, stage } = result.error;
        // The annotation names the stage that failed, so a reader of the run's summary knows where to look.
        runner.fail(hint ? `${message}\nHint: ${hint}` : message, `meshagent-ship: ${stage ?? 'inputs'}`);
    }
    else if (result.service?.url)
        runner.info(`Service URL: ${result.service.url}`);
}
async function ship(config, runner, options = {}) {
    const run = new ShipRun(config, runner, options);
    for (const warning of inputWarnings(config))
        runner.warning(warning, 'meshagent-ship: inputs');
    // A project service (scope: project) is in every room: it has none of its own.
    const room = config.service.scope === 'project' ? null : config.meshagent.room;
    let reached;
    /** Keeps each stage's value as it comes: after a failure, the last one says what was done. */
    const reach = (value) => {
        reached = value;
        return value;
    };
    let failure;
    try {
        const resolved = reach(await resolveStage(run));
        const ensured = reach(await ensureStage(run, resolved));
        if (config.dryRun) {
            reach(await planStage(run, ensured));
        }
        else {
            // The previous image's conversions are looked up in the registry while the image builds.
            const previous = lookUpPrevious(run, ensured);
            const built = reach(await buildStage(run, ensured));
            const converted = reach(await convertStage(run, built, previous));
            if (config.image.push) {
                const pushed = reach(await pushStage(run, converted));
                if (config.service.deploy && room !== undefined && room !== null && config.meshagent.rooms.length > 1) {
                    // Several rooms: each is deployed and verified; the run fails after the last one if any room failed.
                    const shipped = reach(await shipToRooms(run, pushed, config.meshagent.rooms));
                    const failed = roomsFailure(shipped);
                    if (failed)
                        throw failed;
                }
                else if (config.service.deploy && room !== undefined) {
                    const deployed = reach(await deployStage(run, pushed, room));
                    reach(await verifyStage(run, deployed));
                }
            }
        }
    }
    catch (error) {
        failure = runFailure(error, options.stop);
    }
    finally {
        await run.end();
    }
    return shipResult(run, reached, failure);
}

// EXTERNAL MODULE: ./src/commands/io.ts
var io = __webpack_require__(73776);
;// CONCATENATED MODULE: ./src/commands/ship.ts




async function runShipCommand(args) {
    const runner = new src_runner/* ConsoleRunner */.m({ inputs: args.inputs, stdout: io/* processIo */.W.stderr });
    const stop = new src_stop/* RunStop */.cw({ log: (line) => runner.warning(line) });
    const stopListening = stop.listen();
    try {
        const result = await shipFromInputs(runner, { stop });
        await reportResult(result, runner);
        io/* processIo */.W.stdout(args.json ? `${JSON.stringify(result, null, 2)}\n` : `\n${runner.summary}`);
        return exitCodeOf(result, stop);
    }
    finally {
        stopListening();
        stop.finish();
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


/***/ }),

/***/ 54285:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CS: () => (/* binding */ prose),
/* harmony export */   DV: () => (/* binding */ codeBlock),
/* harmony export */   Hn: () => (/* binding */ cell),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   nf: () => (/* binding */ link)
/* harmony export */ });
/* unused harmony export text */
/**
 * Markdown from outside text. The job summary is rendered as GitHub-flavoured markdown with HTML allowed, so a
 * tag, an error or a server message could otherwise add markup (`<img>`, links) or eat a `<placeholder>`.
 * Every piece of text goes through one of these before it lands in a summary.
 */
/**
 * Plain text: `&`, `<` and `>` as entities; `[`, `]`, `` ` ``, `\`, `*`, `_` and `~` escaped (no links, images, code
 * or emphasis); lines kept.
 * GitHub also links bare URLs (`scheme://`), `www.` names and e-mail addresses (the GFM autolink extension); an
 * escaped `:`, `.` or `@` splits the text there, so none of them is taken for a link, and it reads the same.
 */
function text(value) {
    return withoutMarkup(value)
        .replaceAll('@', '\\@')
        .replace(/:(?=\/\/)/g, '\\:')
        .replace(/(www)\./gi, '$1\\.');
}
/** `text` without the autolink breaks: for a link's own label, where GFM makes no link inside the link. */
function withoutMarkup(value) {
    return value
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replace(/[\\[\]`*_~]/g, (c) => `\\${c}`);
}
/**
 * Prose such as a hint: as `text`, except that `code spans` stay code (entities would show literally inside
 * them). A stray backtick is escaped by `text`, so it cannot open a span.
 */
function prose(value) {
    return value
        .split(/(`[^`\n]+`)/)
        .map((part, i) => (i % 2 === 1 ? code(part.slice(1, -1)) : text(part)))
        .join('');
}
/** Text inside a table cell: as `text`, on one line, with `|` escaped (it would end the cell). */
function cell(value) {
    return text(oneLine(value)).replaceAll('|', '\\|');
}
/**
 * An inline code span on one line. The fence is longer than any run of backticks inside, so the value cannot
 * close it; markup inside a code span is shown, not rendered. `inTable` escapes `|`, which ends a cell even there.
 */
function code(value, inTable = false) {
    const line = oneLine(value);
    const fence = '`'.repeat(longestRun(line, '`') + 1);
    const padded = line.startsWith('`') || line.endsWith('`') ? ` ${line} ` : line;
    return `${fence}${inTable ? padded.replaceAll('|', '\\|') : padded}${fence}`;
}
/** A fenced code block whose fence no line inside can close. */
function codeBlock(lines) {
    const fence = '`'.repeat(Math.max(3, ...lines.map((line) => longestRun(line, '`') + 1)));
    return [fence, ...lines, fence].join('\n');
}
/**
 * A link to an http(s) URL, labelled with the URL; anything else is shown as text, not linked. In the target,
 * the characters that could end it (parentheses, brackets, spaces, angle brackets, controls) are percent-encoded.
 */
function link(url) {
    let protocol;
    try {
        protocol = new URL(url).protocol;
    }
    catch {
        return cell(url);
    }
    if (protocol !== 'https:' && protocol !== 'http:')
        return cell(url);
    // Control characters are exactly what must not reach the link target.
    // eslint-disable-next-line no-control-regex
    const href = url.replace(/[()[\]<>|`\s\x00-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    return `[${withoutMarkup(oneLine(url)).replaceAll('|', '\\|')}](${href})`;
}
function oneLine(value) {
    return value.replace(/\s*[\r\n]+\s*/g, ' ');
}
function longestRun(value, char) {
    let longest = 0;
    let run = 0;
    for (const c of value) {
        run = c === char ? run + 1 : 0;
        longest = Math.max(longest, run);
    }
    return longest;
}


/***/ })

};
