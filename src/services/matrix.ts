/**
 * Services -> the matrix legs of ship.yml and deploy.yml: `{"include":[{"service": ..., <input>: <text>, ...}]}`.
 * Every leg is checked with the action's own input parser, so a bad port or domain fails discovery, at the
 * manifest line that set it, instead of failing one leg later.
 */
import { isAbsolute } from 'node:path';
import { InputErrors, ShipError } from '../errors.js';
import { parseConfig } from '../inputs/parse-config.js';
import { readRawInputs } from '../inputs/raw-inputs.js';
import { fieldLine, ManifestError, sortIssues, type ManifestIssue, type ServiceSpec } from './manifest.js';
import { normalizePath } from './repo-paths.js';

export interface Leg {
  /** The service name: the leg's key in concurrency groups, artifacts and the report. */
  readonly service: string;
  readonly [input: string]: string;
}

export interface Matrix {
  readonly include: readonly Leg[];
}

export interface LegOptions {
  /** The tag given to services whose `tag` is a bare repository (ship.yml passes the commit SHA). */
  readonly tag?: string | undefined;
  /** The room of services that name none. */
  readonly room?: string | undefined;
  /** Only these services (names); all when undefined. */
  readonly only?: readonly string[] | undefined;
  /**
   * Deploy an existing image instead of building: a tag (`v1.2.0`), a digest (`sha256:...`) of the service's
   * repository, or a whole reference. Sets the action's image input and builder: none.
   */
  readonly image?: string | undefined;
  /**
   * A pull request's preview room: every leg ships there (whatever room its entry names), into a room created
   * ephemeral, under a tag named after the room (so the preview's teardown finds it and no release tag is moved).
   */
  readonly previewRoom?: string | undefined;
  /** Every leg's domain, `{service}` and `{room}` replaced (e.g. `{service}-pr-12.example.com`). */
  readonly domainTemplate?: string | undefined;
}

const DEFAULT_TAG = 'latest';
/** GitHub runs at most 256 jobs per matrix. */
const MAX_LEGS = 256;
/** Inputs that only shape a build; a deploy of an existing image drops them. */
const BUILD_ONLY = ['context', 'file', 'build-args', 'target'] as const;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Picks the services asked for; a name that is not a service is an error listing the ones there are. */
function selectServices(services: readonly ServiceSpec[], only: readonly string[] | undefined): ServiceSpec[] {
  if (only === undefined) return [...services];
  const known = new Set(services.map((s) => s.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ShipError(`no service named ${unknown.join(', ')}`, {
      input: 'services',
      hint:
        services.length > 0 ? `the services are: ${services.map((s) => s.name).join(', ')}` : 'no service was found: add meshagent-ship.yml or a Dockerfile',
    });
  }
  const wanted = new Set(only);
  return services.filter((s) => wanted.has(s.name));
}

/** `a, b` or one name a line; `auto`, `all` or empty means every service. */
export function parseServiceList(text: string | undefined): string[] | undefined {
  const names = (text ?? '').split(/[\s,]+/).filter((n) => n !== '');
  if (names.length === 0 || (names.length === 1 && (names[0] === 'auto' || names[0] === 'all'))) return undefined;
  return names;
}

/** The repository and tag parts of `[registry/]repository[:tag]`. */
function splitTag(text: string): { repository: string; tag: string | undefined } {
  const slash = text.lastIndexOf('/');
  const colon = text.lastIndexOf(':');
  return colon > slash ? { repository: text.slice(0, colon), tag: text.slice(colon + 1) } : { repository: text, tag: undefined };
}

export function buildLeg(service: ServiceSpec, options: LegOptions): Leg {
  const inputs: Record<string, string> = { ...service.inputs };
  const { repository, tag } = splitTag(inputs.tag ?? service.name);
  if (options.image !== undefined) {
    const image = options.image.trim();
    if (DIGEST.test(image)) {
      inputs.image = `${repository}@${image}`;
      // The action pushes under a tag; name it after the digest so the registry shows what was deployed.
      inputs.tag = `${repository}:${image.replace(':', '-').slice(0, 19)}`;
    } else if (TAG.test(image)) {
      inputs.image = `${repository}:${image}`;
      inputs.tag = `${repository}:${image}`;
    } else {
      inputs.image = image;
      inputs.tag = `${repository}:${tag ?? options.tag ?? DEFAULT_TAG}`;
    }
    inputs.builder = 'none';
    // Nothing is built, so the build's own inputs would only mislead the plan.
    for (const name of BUILD_ONLY) delete inputs[name];
  } else {
    inputs.tag = `${repository}:${tag ?? options.tag ?? DEFAULT_TAG}`;
  }
  if (inputs.room === undefined && options.room) inputs.room = options.room;
  if (options.previewRoom !== undefined) {
    inputs.room = options.previewRoom;
    inputs['create-room'] = 'ephemeral';
    inputs.tag = `${splitTag(inputs.tag).repository}:${options.previewRoom}`;
  }
  if (options.domainTemplate !== undefined) inputs.domain = renderDomain(options.domainTemplate, service.name, inputs.room);
  inputs.context ??= '.';
  return { service: service.name, ...inputs };
}

/** A domain template with `{service}` and `{room}` filled in; any other placeholder is an error naming it. */
function renderDomain(template: string, service: string, room: string | undefined): string {
  const domain = template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (name === 'service') return service;
    if (name === 'room' && room !== undefined) return room;
    throw new ShipError(`domain-template ${JSON.stringify(template)}: ${whole} is not a placeholder here`, {
      input: 'domain-template',
      hint: 'use {service} and {room} (the preview workflow fills {number} in before)',
    });
  });
  return domain.toLowerCase();
}

/** Legs for the services asked for, each checked with the action's parser; throws listing every problem. */
export function buildMatrix(services: readonly ServiceSpec[], options: LegOptions, manifestText?: string): Matrix {
  const selected = selectServices(services, options.only);
  if (selected.length > MAX_LEGS) {
    throw new ShipError(`${selected.length} services are more than the ${MAX_LEGS} legs a GitHub matrix can run`, {
      input: 'services',
      hint: 'ship them in several calls, each with its own services list (or changed-only: true)',
    });
  }
  const legs = selected.map((service) => buildLeg(service, options));
  const issues: ManifestIssue[] = [];
  const plain: ShipError[] = [];
  legs.forEach((leg, i) => {
    const service = selected[i];
    if (!service) return;
    for (const error of [...checkLeg(leg), ...outsideRepository(leg)]) {
      const input = error.input ?? '';
      if ('file' in service.origin && manifestText !== undefined) {
        const index = services.indexOf(service);
        // List errors say `line N` of the input's text; a YAML list has one item a line, so that is item N-1.
        const listLine = /: line (\d+) /.exec(error.message)?.[1];
        const at = fieldLine(manifestText, index, input, listLine === undefined ? undefined : Number(listLine) - 1);
        issues.push({ line: at.line, field: at.field, message: error.message, hint: error.hint });
      } else {
        const where = 'discovered' in service.origin ? ` (found in ${service.origin.discovered})` : '';
        plain.push(new ShipError(`service ${service.name}${where}: ${error.message}`, { ...(error.hint ? { hint: error.hint } : {}), input }));
      }
    }
  });
  const manifestFile = selected.map((s) => s.origin).find((o): o is { file: string; line: number } => 'file' in o)?.file;
  if (issues.length > 0 && manifestFile) throw new ManifestError(manifestFile, sortIssues(issues));
  if (plain.length > 0) throw plain.length === 1 && plain[0] ? plain[0] : new InputErrors(plain);
  return { include: legs };
}

/**
 * A context outside the repository, which the kit's checkout does not hold and whose changes change detection and
 * the inputs digest cannot see (they read the repository's files through git). The Dockerfile stays inside the
 * context (the build refuses one outside), so it is inside too.
 */
function outsideRepository(leg: Leg): ShipError[] {
  const context = leg.context ?? '.';
  if (!isAbsolute(context) && normalizePath(context).split('/')[0] !== '..') return [];
  return [
    new ShipError(`context: ${JSON.stringify(context)} is outside the repository: its files are not checked out, and no change to them is seen`, {
      input: 'context',
      hint: 'give a directory of the repository, relative to its root',
    }),
  ];
}

/** Inputs the leg cannot set, so their errors are not the manifest's: the kit fills them at run time. */
const FILLED_BY_KIT = new Set(['api-key', 'api-url', 'project-id', 'dry-run']);
/** A syntactically valid key: only its shape matters here, the plan makes no call with it. */
const PLACEHOLDER_KEY = 'ma-AAAAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAAA-not-a-real-key';

/** The action's own input errors for a leg, without those about what the workflow supplies. */
function checkLeg(leg: Leg): ShipError[] {
  const { service: _service, ...inputs } = leg;
  const hasRoom = inputs.room !== undefined && inputs.room !== '';
  const raw = readRawInputs({
    getInput: (name) => (name === 'api-key' ? PLACEHOLDER_KEY : name === 'room' && !hasRoom ? 'room' : (inputs[name] ?? '')),
    env: {},
    setSecret: () => undefined,
  });
  try {
    parseConfig(raw);
    return [];
  } catch (error) {
    const errors = error instanceof InputErrors ? error.errors : error instanceof ShipError ? [error] : [];
    if (errors.length === 0) throw error;
    return errors.filter((e) => !FILLED_BY_KIT.has(e.input ?? ''));
  }
}
