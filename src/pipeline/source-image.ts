/**
 * The build stage: the image to ship, as an OCI layout on disk. Either a Dockerfile context built by the chosen
 * builder, or an existing image: an `oci:` layout, an `oci-archive:` or `docker-archive:` file, or a registry
 * reference pulled with the credentials found for its registry.
 */
import { join } from 'node:path';
import { resolveBuildFiles } from '../build/dockerfile.js';
import { selectBuilder, type SelectOptions } from '../build/select.js';
import type { RetryLog } from '../http.js';
import type { ShipConfig } from '../inputs/ship-config.js';
import { Annotation, type Descriptor, OciLayout, openImage, pullIntoLayout, type RegistryCredentials } from '../oci/index.js';
import type { ImageReference } from '../reference.js';
import { findCredentials, registryClientIdentity } from '../registry-env.js';
import { cacheLines } from '../report/cache-lines.js';
import type { BuildCacheReport } from '../report/result.js';
import type { Ensured } from './access.js';
import { prepareBuildCache } from './build-cache.js';
import { createdAt, describeLabels, imageLabels, labelImage, ownCopy, sourceFromEnv, type SourceContext } from './image-labels.js';
import { readBuildSecrets } from './build-secrets.js';
import { type CacheService, githubCacheService } from './github-cache.js';
import type { Registry } from './target-registry.js';
import type { ShipRun } from './run.js';
import type { Target } from './target.js';

export interface SourceImage {
  readonly layout: OciLayout;
  /** The manifest or index to ship. */
  readonly descriptor: Descriptor;
  /** Built here from a Dockerfile (true), or an existing image (false). */
  readonly built: boolean;
  /** One line for the report: where the image came from. */
  readonly origin: string;
  /** The Dockerfile it was built from, when built here. */
  readonly dockerfile?: string;
  /** What the build cache did, for a build with one. */
  readonly cache?: BuildCacheReport;
  /** Removes temporary files (unpacked archives). */
  close(): Promise<void>;
}

/** The build stage's value: the image to ship, on disk, and the directory the later stages write in. */
export interface Built extends Ensured {
  readonly source: SourceImage;
  readonly workDir: string;
}

export async function buildStage(run: ShipRun, ensured: Ensured): Promise<Built> {
  const { config } = run;
  const { source, workDir } = await run.stages.run(
    'build',
    config.image.source ? 'Read the image' : 'Build the image',
    async () => {
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
    },
    ({ source }) => source.origin,
  );
  run.closeAtEnd(() => source.close());
  return { ...ensured, source, workDir };
}

interface SourceOptions {
  readonly workDir: string;
  readonly builders?: SelectOptions;
  /** The project registry's push credentials, used when the image input names the target repository itself. */
  readonly projectCredentials?: RegistryCredentials | undefined;
  readonly log: (line: string) => void;
  readonly mask: (secret: string) => void;
  /** The run's retry log: a pull's retries count with the others. */
  readonly retryLog?: RetryLog;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Stops a build in progress (the builder's process is ended). */
  readonly signal?: AbortSignal | undefined;
  /** The project registry, for cache-to: registry. */
  readonly registry?: Registry | undefined;
  readonly cacheService: CacheService;
}

async function obtainImage(config: ShipConfig, target: Target, options: SourceOptions): Promise<SourceImage> {
  const source = config.image.source;
  if (source === undefined) return buildImage(config, target, options);
  if (source.kind === 'registry') return pullImage(source.reference, target, options);
  const ref =
    source.kind === 'docker-archive'
      ? { transport: 'docker-archive' as const, path: source.path, ref: undefined }
      : { transport: source.kind, path: source.path, ref: source.ref };
  // Archives are unpacked under the run's work dir, which a forced exit removes with everything in it.
  const opened = await openImage(ref, { tempDir: options.workDir });
  const origin = `${source.kind}:${source.path}${source.kind !== 'docker-archive' && source.ref ? `:${source.ref}` : ''}`;
  return { layout: opened.layout, descriptor: opened.descriptor, built: false, origin, close: () => opened.close() };
}

/** The image with its labels set on the config (in a layout of the run's own: an `oci:` input is the user's). */
async function withLabels(source: SourceImage, config: ShipConfig, options: SourceOptions, context?: SourceContext): Promise<SourceImage> {
  const env = options.env ?? process.env;
  const labels = imageLabels(context ?? sourceFromEnv(env), config.image.labels, createdAt(env));
  options.log(`labels: ${describeLabels(labels)}`);
  const layout = config.image.source?.kind === 'oci' ? await ownCopy(source.layout, source.descriptor, join(options.workDir, 'labelled')) : source.layout;
  const descriptor = await labelImage(layout, source.descriptor, labels);
  return { ...source, layout, descriptor };
}

async function buildImage(config: ShipConfig, target: Target, options: SourceOptions): Promise<SourceImage> {
  const { builder, reason } = await selectBuilder(config.image.builder, options.builders);
  options.log(reason);
  if (!builder) throw new Error('builder none without an image input passed input validation');
  const secrets = await readBuildSecrets(config.image.buildSecrets, options.env ?? process.env, options.mask);
  const files = await resolveBuildFiles(config.image.context, config.image.file);
  const cache = await prepareBuildCache(
    {
      config,
      target,
      workDir: options.workDir,
      env: options.env ?? process.env,
      log: options.log,
      service: options.cacheService,
      registry: options.registry,
      credentials: options.projectCredentials,
    },
    builder.name,
    files.dockerfile,
  );
  try {
    const built = await builder.build({
      context: config.image.context,
      file: config.image.file,
      buildArgs: config.image.buildArgs,
      target: config.image.target,
      platforms: config.image.platforms,
      tag: target.image,
      outputDir: join(options.workDir, 'built'),
      log: options.log,
      secrets,
      uncompressed: config.image.estargz,
      ...(cache ? { cache: cache.request } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const report = cache ? await cache.finish(built.cache) : undefined;
    if (report) for (const line of cacheLines(report)) options.log(line);
    const descriptor = await built.layout.resolve(built.ref);
    const origin = `built by ${built.builder} from ${built.dockerfile}`;
    return {
      layout: built.layout,
      descriptor,
      built: true,
      origin,
      dockerfile: built.dockerfile,
      ...(report ? { cache: report } : {}),
      close: async () => {},
    };
  } finally {
    await cache?.close();
  }
}

async function pullImage(reference: ImageReference, target: Target, options: SourceOptions): Promise<SourceImage> {
  // A reference without a registry means the project registry, with the shorthand's project key (as for the tag).
  const registry = reference.registry ?? target.registry;
  const repository =
    reference.registry === undefined && reference.repository.split('/').length === 1 ? `${target.projectKey}/${reference.repository}` : reference.repository;
  const isTargetRepository = registry === target.registry && repository === target.registryRepository;
  const credentials = isTargetRepository ? options.projectCredentials : findCredentials(registry, options.env);
  const dir = join(options.workDir, 'pulled');
  const wanted = reference.digest ?? reference.tag ?? 'latest';
  const from = {
    registry,
    repository,
    ...(credentials ? { credentials } : {}),
    mask: options.mask,
    log: options.log,
    ...(options.retryLog ? { retryLog: options.retryLog } : {}),
    ...registryClientIdentity(registry),
  };
  const pulled = await pullIntoLayout(from, wanted, dir, { layoutRef: 'source' });
  const layout = await OciLayout.open(dir);
  const descriptor = await layout.resolve('source');
  return {
    layout,
    descriptor: { ...descriptor, annotations: { ...descriptor.annotations, [Annotation.refName]: 'source' } },
    built: false,
    origin: `pulled ${registry}/${repository}${reference.digest ? `@${reference.digest}` : `:${wanted}`} (${pulled.descriptor.digest})`,
    close: async () => {},
  };
}
