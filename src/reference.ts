/**
 * Image references and the MeshAgent tag rules.
 *
 * The parsing, normalization and project-registry checks follow the MeshAgent CLI exactly (its regexes, its order
 * of checks and its error texts), so a tag the CLI accepts is accepted here and a tag it rejects is rejected with
 * the same words. Everything here is pure: no network, no I/O.
 */
import { ShipError, shown } from './errors.js';
import { pyIsDigit, pyStrip } from './python-text.js';

/** Where MeshAgent's registry lives when the deployment config names none. */
export const DEFAULT_REGISTRY_HOST = 'registry.meshagent.com';
/** The user name the project registry expects with a repository token as password. */
export const REGISTRY_USERNAME = 'meshagent';

const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const REGISTRY_COMPONENT_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const PROJECT_KEY_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A parsed image tag: `[registry/]repository[:tag]`, never with a digest. */
export interface ImageTag {
  /** The input, stripped of whitespace as Python's `str.strip()` strips it. */
  readonly value: string;
  /** `host[:port]` when the first component names a registry. */
  readonly registry: string | undefined;
  /** The repository path, components joined by `/`. */
  readonly repository: string;
  /** The tag after the last `:`, when there is one. */
  readonly tag: string | undefined;
}

const tagHint =
  'use <registry>/<project-key>/<repository>:<tag>, or the shorthand <repository>:<tag>; repository components are ' +
  'lowercase letters and digits joined by ".", "_", "__" or "-"';

/** The longest image name (registry and repository, without the tag) a registry takes. */
const NAME_MAX_LENGTH = 255;

function newTagError(message: string, input: string): ShipError {
  return new ShipError(message, { hint: tagHint, input });
}

/**
 * Parses an image tag the way the MeshAgent CLI does. `optionName` is how the tag is named in the two messages
 * that name it (`--tag` in the CLI, `tag` for this action's input).
 */
export function parseImageTag(input: string, optionName = '--tag'): ImageTag {
  const tagError = (message: string): ShipError => newTagError(message, optionName.replace(/^--/, ''));
  let cleaned = pyStrip(input);
  if (cleaned === '') throw tagError(`${optionName} cannot be empty`);
  if (cleaned.includes('@')) throw tagError(`${optionName} must be an OCI image reference without a digest`);

  let tag: string | undefined;
  const lastColon = cleaned.lastIndexOf(':');
  const lastSlash = cleaned.lastIndexOf('/');
  if (lastColon > lastSlash) {
    tag = cleaned.slice(lastColon + 1);
    cleaned = cleaned.slice(0, lastColon);
    if (tag === '' || !TAG_RE.test(tag)) throw tagError(`invalid OCI image tag: ${shown(input)}`);
  }
  if (cleaned === '') throw tagError(`invalid OCI image reference: ${shown(input)}`);

  const parts = cleaned.split('/');
  if (parts.some((part) => part === '')) throw tagError(`invalid OCI image reference: ${shown(input)}`);

  let registry: string | undefined;
  let repositoryParts = parts;
  const first = parts[0] ?? '';
  if (first.includes('.') || first.includes(':') || first === 'localhost') {
    registry = first;
    repositoryParts = parts.slice(1);
    if (repositoryParts.length === 0) throw tagError(`missing repository name in OCI image reference: ${shown(input)}`);
    const colon = registry.indexOf(':');
    const host = colon === -1 ? registry : registry.slice(0, colon);
    const port = colon === -1 ? undefined : registry.slice(colon + 1);
    if (host.split('.').some((label) => label === '' || !REGISTRY_COMPONENT_RE.test(label))) {
      throw tagError(`invalid OCI image registry: ${shown(input)}`);
    }
    if (port !== undefined && !pyIsDigit(port)) throw tagError(`invalid OCI image registry port: ${shown(input)}`);
  }
  if (repositoryParts.some((component) => !REPOSITORY_COMPONENT_RE.test(component))) {
    throw tagError(`invalid OCI image repository: ${shown(input)}`);
  }
  // distribution's reference grammar caps the whole name, registry included, at 255 characters; a longer one
  // passes every other rule and fails only at the registry. A shorthand tag is checked again once normalized.
  const name = cleaned;
  if (name.length > NAME_MAX_LENGTH) {
    throw tagError(`repository name must not be more than ${NAME_MAX_LENGTH} characters (it has ${name.length}): ${shown(input, 80)}`);
  }
  return { value: pyStrip(input), registry, repository: repositoryParts.join('/'), tag };
}

/** Any image reference, `[registry/]repository[:tag][@digest]`, e.g. an image to ship or to mount. */
export interface ImageReference extends ImageTag {
  readonly digest: string | undefined;
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

/** Parses a reference that may carry a digest; the part before `@` follows the same rules as a tag. */
export function parseImageReference(input: string, optionName: string): ImageReference {
  const trimmed = pyStrip(input);
  const at = trimmed.indexOf('@');
  if (at === -1) return { ...parseImageTag(trimmed, optionName), digest: undefined };
  const digest = trimmed.slice(at + 1);
  // `user:password@host/...`: credentials where a digest would be. Named as such, and not repeated.
  if (!trimmed.slice(0, at).includes('/') && digest.includes('/')) {
    throw new ShipError('a registry reference holds no user name or password (user@ before the host)', {
      input: optionName.replace(/^--/, ''),
      hint: 'remove user:password@; registry credentials come from the Docker config (docker login) or MESHAGENT_SHIP_REGISTRY_USER and MESHAGENT_SHIP_REGISTRY_PASSWORD',
    });
  }
  if (!DIGEST_RE.test(digest)) {
    throw newTagError(`invalid OCI image digest: ${shown(input)}`, optionName.replace(/^--/, ''));
  }
  const name = parseImageTag(trimmed.slice(0, at), optionName);
  return { ...name, value: trimmed, digest };
}

/** `registry/repository[:tag]`, the inverse of parseImageTag. */
export function formatImageTag(tag: Pick<ImageTag, 'registry' | 'repository' | 'tag'>): string {
  const repository = tag.registry === undefined ? tag.repository : `${tag.registry}/${tag.repository}`;
  return tag.tag === undefined ? repository : `${repository}:${tag.tag}`;
}

/** A single-component repository (`app:1`) gets the project key inserted. */
export function tagNeedsProjectKey(tag: ImageTag): boolean {
  return tag.repository.split('/').length === 1;
}

/** True when normalization could change the tag: no registry, or the project registry with no key. */
export function tagNeedsNormalization(tag: ImageTag, projectRegistry: string): boolean {
  if (tag.registry === undefined) return true;
  if (tag.registry !== projectRegistry) return false;
  return tagNeedsProjectKey(tag);
}

/**
 * The CLI's shorthand normalization: no registry means the project registry, and a single repository component
 * gets the project key in front (`app:1` -> `<registry>/<key>/app:1`). A foreign registry is left alone.
 */
export function normalizeProjectTag(tag: ImageTag, projectRegistry: string, projectKey: string): ImageTag {
  if (tag.registry !== undefined && tag.registry !== projectRegistry) return tag;
  const registry = tag.registry ?? projectRegistry;
  const repository = tagNeedsProjectKey(tag) ? `${projectKey}/${tag.repository}` : tag.repository;
  if (registry === tag.registry && repository === tag.repository) return tag;
  return parseImageTag(formatImageTag({ registry, repository, tag: tag.tag }));
}

/** How the CLI prints the expected tag shape for a registry. */
function projectTagFormat(projectRegistry: string): string {
  return `${projectRegistry}/<project-key>/<repository>:<tag>`;
}

/** The project key and the repository name (everything after the key) of a project-registry tag. */
export interface ProjectRepositoryName {
  readonly projectKey: string;
  readonly repositoryName: string;
}

/**
 * Checks a (normalized) tag names the project registry, has at least `<project-key>/<repository>` and a valid
 * key, and splits it. The repository name sent to the MeshAgent API is the part after the key.
 */
export function splitProjectRepository(tag: ImageTag, projectRegistry: string): ProjectRepositoryName {
  const format = projectTagFormat(projectRegistry);
  if (tag.registry !== projectRegistry) {
    throw new ShipError(`PATH requires --tag to use ${format}`, {
      input: 'tag',
      hint: `meshagent-ship pushes to the project registry ${projectRegistry}; use a tag of the form ${format}, or the shorthand <repository>:<tag>`,
    });
  }
  const parts = tag.repository.split('/');
  if (parts.length < 2) {
    throw new ShipError(`room image tags must be in the form ${format}`, { input: 'tag', hint: `e.g. ${projectRegistry}/<project-key>/my-service:1` });
  }
  const projectKey = parts[0] ?? '';
  if (!PROJECT_KEY_RE.test(projectKey)) {
    throw new ShipError(`room image tags must use a valid project key after ${projectRegistry}/`, {
      input: 'tag',
      hint: 'a project key is lowercase letters and digits, words joined by single "-"',
    });
  }
  return { projectKey, repositoryName: parts.slice(1).join('/') };
}

/** The tag's project key must be the selected project's key. */
export function checkProjectKey(tag: ImageTag, projectRegistry: string, expectedKey: string | null | undefined): ProjectRepositoryName {
  const split = splitProjectRepository(tag, projectRegistry);
  if (split.projectKey !== expectedKey) {
    throw new ShipError(
      'the image tag project key does not match the selected project: ' +
        `expected ${projectRegistry}/${expectedKey ?? 'None'}/..., got ${projectRegistry}/${split.projectKey}/...`,
      { input: 'tag', hint: 'use the project key of the project your API key belongs to, or the shorthand <repository>:<tag>' },
    );
  }
  return split;
}

/** The CLI's service name: the repository path with `/` turned into `-`, project key included. */
export function deriveServiceName(tag: ImageTag): string {
  return tag.repository.replaceAll('/', '-');
}

/** The `domains` part of MeshAgent's `GET /config`. */
export interface DeploymentDomains {
  readonly registry?: string | null | undefined;
  readonly api?: string | null | undefined;
  readonly pages?: string | null | undefined;
}

function registryFromApiBase(apiBase: string | null | undefined): string | undefined {
  const trimmed = pyStrip(apiBase ?? '');
  if (!trimmed) return undefined;
  const text = trimmed.includes('://') ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const host = url.hostname;
  if (!host.startsWith('api.')) return undefined;
  const registry = `registry.${host.slice('api.'.length)}`;
  const port = explicitPort(text) ?? url.port;
  return port === '' ? registry : `${registry}:${port}`;
}

/**
 * The port written in a URL, as Python's `urlparse(...).port` reads it: also the scheme's default port, which
 * WHATWG URL parsing drops (`https://api.example.com:443` keeps `:443` in the CLI's registry).
 */
function explicitPort(url: string): string | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  const digits = /:([0-9]+)$/.exec(authority.slice(authority.lastIndexOf('@') + 1))?.[1];
  return digits === undefined ? undefined : String(Number(digits));
}

/**
 * The project registry host, as the CLI derives it: `domains.registry`; else `registry.` + the API domain minus
 * `api.`; else the same from the API URL; else the default host.
 */
export function projectRegistryFromConfig(domains: DeploymentDomains, apiUrl: string | undefined): string {
  const configured = pyStrip(domains.registry ?? '');
  if (configured) return configured;
  return registryFromApiBase(domains.api) ?? registryFromApiBase(apiUrl) ?? DEFAULT_REGISTRY_HOST;
}

/** The pages domain used for default service URLs: `domains.pages`, lowercased, one leading dot dropped, else `meshagent.app`. */
export function pagesDomainFromConfig(domains: DeploymentDomains): string {
  const pages = pyStrip(domains.pages ?? '')
    .toLowerCase()
    .replace(/^\./, '');
  return pages ? pages : 'meshagent.app';
}
