/**
 * Raw inputs -> ShipConfig: the one place that turns the action's inputs (or the CLI's flags) into the config the
 * pipeline runs on. Every input is parsed and checked; every error names the input (and the line, for lists), says
 * what is wrong and how to fix it, in the MeshAgent CLI's words where its users already know them. All errors are
 * collected and reported together, in input order, before anything touches the network.
 */
import { z } from 'zod';
import { InputErrors, ShipError } from '../errors.js';
import { parseImageTag, type ImageTag } from '../reference.js';
import { addIssue, nonAsciiNote, optional, quote, type IssueContext } from './issues.js';
import {
  listLines,
  parseBuildSecrets,
  parseEmptyDirMounts,
  parseEnvSecrets,
  parseImageMounts,
  parseKeyValues,
  parsePlatforms,
  parsePorts,
  parseRoomMounts,
} from './list-parsers.js';
import { parseExtraPorts } from './route-parsers.js';
import { parseTemplateInputs } from './template-parsers.js';
import { readRawInputs, type InputSource, type RawInputs } from './raw-inputs.js';
import type { ShipConfig } from './ship-config.js';
import { INPUTS, type InputName } from './spec.js';
import {
  parseApiUrl,
  unusableApiKey,
  parseAutoTimeout,
  parseBoolean,
  parseChoice,
  parseDomain,
  parseFile,
  parseImageSource,
  parseMeshagentToken,
  parseRooms,
  parseWait,
  projectIdFromApiKey,
  sendsInClear,
} from './value-parsers.js';

/** What the environment allows beyond the inputs. */
interface ParseOptions {
  /** MESHAGENT_SHIP_INSECURE_API=1: send the key over plain http to a host that is not loopback. */
  readonly allowInsecureApi?: boolean;
}

type Raw = Readonly<Record<InputName, string>>;

const rawShape = Object.fromEntries(INPUTS.map((spec) => [spec.name, z.string()])) as Record<InputName, z.ZodString>;

const schemaFor = (options: ParseOptions) =>
  z.object(rawShape).transform((raw, ctx): ShipConfig => {
    // The three that steer the run: what it does is checked against them below.
    const dryRun = parseBoolean('dry-run', raw['dry-run'], ctx) ?? false;
    const push = parseBoolean('push', raw.push, ctx);
    const deploy = parseBoolean('deploy', raw.deploy, ctx);
    const meshagent = meshagentSettings(raw, ctx, dryRun, options);
    const scope = parseChoice('scope', raw.scope, ['room', 'project'] as const, ctx, 'scope must be room or project', (s) => s.toLowerCase());
    if (deploy === true && scope === 'room' && meshagent.room === undefined) {
      addIssue(ctx, 'room', 'room is required unless MESHAGENT_ROOM is set', 'set the room input, or deploy: false to only build and push');
    }
    if (scope === 'project') checkProjectScope(raw, ctx, meshagent.room);
    else if (meshagent.rooms.length > 1 && raw.domain.trim() !== '') {
      addIssue(
        ctx,
        'domain',
        `domain: one route cannot point at several rooms, and room lists ${meshagent.rooms.length} (${meshagent.rooms.join(', ')})`,
        'leave domain empty to deploy to several rooms, or ship the room that serves the domain in a step of its own',
      );
    }
    if (deploy === true && push === false) {
      addIssue(ctx, 'push', 'push: false cannot deploy: a service runs only an image its registry has', 'set push: true, or deploy: false');
    }
    return {
      meshagent,
      image: imageSettings(raw, ctx, push ?? false),
      service: { ...serviceSettings(raw, ctx, deploy ?? false), scope: scope ?? 'room' },
      dryRun,
    };
  });

/**
 * A project service is in every room and routed in none: no room (the CLI's words for `--room` with `--global`), no
 * domain, extra paths or room to create.
 */
function checkProjectScope(raw: Raw, ctx: IssueContext, room: string | undefined): void {
  if (room !== undefined) {
    addIssue(ctx, 'scope', 'Pass either --room or --global, not both.', 'scope: project deploys to every room: leave room (and MESHAGENT_ROOM) empty');
  }
  for (const input of ['domain', 'extra-ports', 'create-room'] as const) {
    const value = raw[input].trim();
    if (value !== '' && value !== 'false') {
      addIssue(ctx, input, `${input} is for a room service; scope: project deploys a project service`, `leave ${input} empty, or set scope: room`);
    }
  }
}

/** The API, the key, the project and the room. */
function meshagentSettings(raw: Raw, ctx: IssueContext, dryRun: boolean, { allowInsecureApi = false }: ParseOptions): ShipConfig['meshagent'] {
  const apiKey = raw['api-key'].trim();
  // A dry run without a key plans offline (the README lists what it cannot read); everything else needs the key.
  if (apiKey === '' && !dryRun) {
    addIssue(
      ctx,
      'api-key',
      'api-key is required',
      'pass the MeshAgent API key, e.g. api-key: ${{ secrets.MESHAGENT_API_KEY }}, or set MESHAGENT_API_KEY; a dry run plans offline without one',
    );
  }
  const unusable = unusableApiKey(apiKey);
  if (unusable) addIssue(ctx, 'api-key', unusable.message, unusable.hint);
  const apiUrl = parseApiUrl(raw['api-url'], ctx);
  if (apiKey !== '' && !allowInsecureApi && sendsInClear(apiUrl)) {
    addIssue(
      ctx,
      'api-url',
      `api-url: ${quote(apiUrl)} is plain http to a host that is not loopback: the API key would cross the network unencrypted`,
      'use https://, or set MESHAGENT_SHIP_INSECURE_API=1 where the network is trusted',
    );
  }
  const rooms = parseRooms(raw.room, ctx);
  const keyProject = projectIdFromApiKey(apiKey);
  const givenProject = optional(raw['project-id']);
  if (givenProject !== undefined && !/^[A-Za-z0-9._~-]+$/.test(givenProject)) {
    addIssue(ctx, 'project-id', `project-id: ${quote(givenProject)} is not a project id`, 'copy the project id (a UUID) from MeshAgent Studio');
  } else if (givenProject !== undefined && keyProject !== undefined && givenProject !== keyProject) {
    addIssue(
      ctx,
      'project-id',
      `project-id ${givenProject} does not match the project of the api-key (${keyProject})`,
      'an API key works only in its own project; use that project id or a key of this project',
    );
  } else if (givenProject === undefined && keyProject === undefined && apiKey !== '') {
    addIssue(ctx, 'project-id', 'Project ID not specified, and the api-key does not carry one', 'set the project-id input or MESHAGENT_PROJECT_ID');
  }
  return {
    apiKey,
    apiUrl,
    projectId: givenProject ?? keyProject ?? '',
    projectIdSource: givenProject !== undefined ? 'input' : 'api-key',
    room: rooms[0],
    rooms,
  };
}

/** The tag, and how the image is made or found, converted and pushed. */
function imageSettings(raw: Raw, ctx: IssueContext, push: boolean): ShipConfig['image'] {
  let tag: ImageTag = { value: '', registry: undefined, repository: '', tag: undefined };
  try {
    tag = parseImageTag(raw.tag, 'tag');
  } catch (error) {
    if (!(error instanceof ShipError)) throw error;
    const message = error.message.startsWith('tag ') ? error.message : `tag: ${error.message}`;
    addIssue(ctx, 'tag', message, error.hint);
  }
  const builder = parseChoice(
    'builder',
    raw.builder,
    ['auto', 'docker', 'buildah', 'none'] as const,
    ctx,
    'builder must be one of: auto, docker, buildah, none',
  );
  const source = parseImageSource(raw.image, ctx);
  if (source && (builder === 'docker' || builder === 'buildah')) {
    addIssue(
      ctx,
      'builder',
      `builder: ${builder} builds an image, but the image input names one to ship`,
      'remove builder (or set builder: none) to ship the image input, or remove image to build',
    );
  }
  // An image given but invalid has its own error already.
  if (!source && builder === 'none' && raw.image.trim() === '') {
    addIssue(ctx, 'image', 'image is required with builder: none', 'name the image to ship, e.g. image: oci-archive:app.tar, or choose a builder');
  }
  const sbom = parseBoolean('sbom', raw.sbom, ctx) ?? false;
  if (sbom && raw.estargz.trim().toLowerCase() === 'false') {
    addIssue(ctx, 'sbom', 'sbom: true lists the files from the eStargz TOCs, and estargz is false', 'set estargz: true, or sbom: false');
  }
  const level = raw['compression-level'].trim();
  if (!/^[0-9]$/.test(level)) {
    addIssue(ctx, 'compression-level', `compression-level: ${quote(level)} must be a whole number from 0 to 9`, '6 balances speed and size; 9 is smallest');
  }
  const prefetchLines = listLines(raw.prefetch).map(({ text }) => text);
  return {
    tag,
    context: optional(raw.context) ?? '.',
    file: parseFile(raw.file, ctx),
    buildArgs: parseKeyValues('build-args', raw['build-args'], ctx),
    target: optional(raw.target),
    platforms: parsePlatforms(raw.platforms, ctx),
    builder: source && builder === 'auto' ? 'none' : builder,
    source,
    estargz: parseBoolean('estargz', raw.estargz, ctx) ?? false,
    prefetch: prefetchLines.filter((text) => text !== 'auto'),
    prefetchAuto: prefetchLines.includes('auto') ? { timeoutSeconds: parseAutoTimeout(raw['prefetch-auto-timeout'], ctx) } : undefined,
    compressionLevel: Number(level),
    push,
    cache: {
      enabled: parseBoolean('cache', raw.cache, ctx) ?? false,
      to: parseChoice('cache-to', raw['cache-to'], ['auto', 'local', 'gha', 'registry'] as const, ctx, 'cache-to must be one of: auto, local, gha, registry'),
      dir: optional(raw['cache-dir']),
    },
    buildSecrets: parseBuildSecrets(raw['build-secrets'], ctx),
    labels: parseLabels(raw.labels, ctx),
    sbom,
  };
}

/** KEY=VALUE lines; a label name has no spaces (it is a key of the image config's Labels). */
function parseLabels(raw: string, ctx: IssueContext): ShipConfig['image']['labels'] {
  const labels = parseKeyValues('labels', raw, ctx);
  for (const { name } of labels)
    if (/\s/.test(name)) addIssue(ctx, 'labels', `labels: ${quote(name)} is not a label name (no spaces)`, 'e.g. org.example.team=payments');
  return labels;
}

/** The room service: its name, environment, account, mounts, ports, access, domain, the rollout wait and rollback. */
function serviceSettings(raw: Raw, ctx: IssueContext, deploy: boolean): Omit<ShipConfig['service'], 'scope'> {
  const serviceName = optional(raw['service-name']);
  if (serviceName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(serviceName)) {
    addIssue(
      ctx,
      'service-name',
      `service-name: ${quote(serviceName)} is not a valid service name${nonAsciiNote(serviceName)}`,
      'use letters, digits, ".", "_" and "-"',
    );
  }
  const env = raw.env.trim() !== '' ? parseKeyValues('env', raw.env, ctx) : undefined;
  const envSecrets = raw['env-secrets'].trim() !== '' ? parseEnvSecrets(raw['env-secrets'], ctx) : undefined;
  const runAs = optional(raw['run-as'])?.toLowerCase();
  if (runAs !== undefined && !runAs.includes('@')) {
    addIssue(ctx, 'run-as', 'run-as must be a service account email', 'e.g. run-as: deployer@my-project.meshagent.app');
  }
  if (envSecrets && envSecrets.length > 0 && runAs === undefined) {
    addIssue(
      ctx,
      'run-as',
      'run-as is required when using SecretValue environment variables (env-secrets)',
      'set run-as to the service account that owns the secrets',
    );
  }
  const meshagentToken = parseMeshagentToken(raw['meshagent-token'], ctx);
  const identity = optional(raw.identity);
  if (identity !== undefined && identity.includes('@') && meshagentToken) {
    addIssue(
      ctx,
      'identity',
      `environment variable 'MESHAGENT_TOKEN' uses token identity '${identity}', but service environment tokens must use an agent identity`,
      'use an agent name without @ as identity',
    );
  }
  const inputsDigest = optional(raw['inputs-digest']);
  if (inputsDigest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(inputsDigest)) {
    addIssue(ctx, 'inputs-digest', `inputs-digest: ${quote(inputsDigest)} is not a sha256 digest`, 'leave it to the kit, or pass sha256:<64 hex digits>');
  }
  const liveness = optional(raw.liveness);
  if (liveness !== undefined && !liveness.startsWith('/')) {
    addIssue(ctx, 'liveness', "liveness must start with '/'", 'e.g. liveness: /healthz');
  }
  return {
    deploy,
    name: serviceName,
    createRoom: raw['create-room'].trim().toLowerCase() === 'ephemeral' ? 'ephemeral' : (parseBoolean('create-room', raw['create-room'], ctx) ?? false),
    env,
    envSecrets,
    runAs,
    meshagentToken,
    identity,
    roomMounts: raw['room-mounts'].trim() !== '' ? parseRoomMounts(raw['room-mounts'], ctx) : undefined,
    imageMounts: raw['image-mounts'].trim() !== '' ? parseImageMounts(raw['image-mounts'], ctx) : undefined,
    emptyDirMounts: raw['empty-dir-mounts'].trim() !== '' ? parseEmptyDirMounts(raw['empty-dir-mounts'], ctx) : undefined,
    ports: raw.ports.trim() !== '' ? parsePorts(raw.ports, ctx) : undefined,
    liveness,
    public: parseBoolean('public', raw.public, ctx) ?? false,
    domain: parseDomain(raw.domain, ctx),
    extraPorts: parseExtraPorts(raw['extra-ports'], ctx),
    serviceTemplate: parseTemplateInputs({ path: raw['service-template'], values: raw.values, set: raw.set }, ctx),
    validationMode: parseChoice(
      'validation-mode',
      raw['validation-mode'],
      ['default', 'cookie', 'none'] as const,
      ctx,
      'validation-mode must be one of: default, cookie, none',
      (s) => s.toLowerCase(),
    ),
    template: parseChoice('template', raw.template, ['agent', 'none'] as const, ctx, 'template must be agent or none'),
    inputsDigest,
    waitSeconds: parseWait(raw.wait, ctx),
    rollback: parseBoolean('rollback', raw.rollback, ctx) ?? true,
    rollbackNewService: parseChoice(
      'rollback-new-service',
      raw['rollback-new-service'],
      ['stop', 'delete'] as const,
      ctx,
      'rollback-new-service must be stop or delete',
    ),
  };
}

/** Parses raw inputs into the config, or throws InputErrors listing every problem in input order. */
export function parseConfig(raw: RawInputs, options: ParseOptions = {}): ShipConfig {
  const parsed = schemaFor(options).safeParse(raw);
  if (parsed.success) return parsed.data;
  const order = INPUTS.map((spec) => spec.name as string);
  const errors = parsed.error.issues.map((issue) => {
    const input = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    const params = 'params' in issue ? (issue.params as { hint?: string } | undefined) : undefined;
    return new ShipError(issue.message, { ...(input ? { input } : {}), ...(params?.hint ? { hint: params.hint } : {}) });
  });
  errors.sort((a, b) => order.indexOf(a.input ?? '') - order.indexOf(b.input ?? ''));
  throw new InputErrors(errors);
}

/** Reads, masks and parses every input. */
export function readConfig(source: InputSource): ShipConfig {
  return parseConfig(readRawInputs(source), { allowInsecureApi: source.env.MESHAGENT_SHIP_INSECURE_API === '1' });
}
