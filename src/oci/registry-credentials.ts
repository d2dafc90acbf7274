/**
 * A registry's credentials from the Docker config (`$DOCKER_CONFIG/config.json`, default `~/.docker/config.json`),
 * read as the Docker CLI reads it: a credential helper named for the registry in `credHelpers`, else the
 * `credsStore` helper, else the `auths` entry (`auth` or `username`/`password`, or an `identitytoken`). A helper
 * is run as `docker-credential-<name> get`, the server on its standard input. Docker Hub's entries are under
 * `https://index.docker.io/v1/`, whichever of its host names the image names. Other sources (the environment)
 * are the caller's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ShipError } from '../errors.js';
import type { RegistryCredentials } from './registry-auth.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The key Docker keeps Docker Hub's credentials under. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
/** A helper's user name that says its secret is an identity token (an OAuth2 refresh token), not a password. */
const TOKEN_USER = '<token>';

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** What a credential helper answers for a server: `Username` and `Secret`, or nothing stored. */
export type CredentialHelper = (helper: string, server: string) => { readonly username: string; readonly secret: string } | undefined;

/** The Docker config file this environment points at. */
export function dockerConfigPath(env: Env = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** Credentials for `registry` from the Docker config; undefined when it has none (or no file). */
export function credentialsFromDockerConfig(
  registry: string,
  path = dockerConfigPath(),
  helper: CredentialHelper = runCredentialHelper,
): RegistryCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let config: DockerConfig;
  try {
    config = JSON.parse(text) as DockerConfig;
  } catch {
    throw new ShipError(`${path} is not valid JSON`, { hint: 'fix the file, or run `docker login` again' });
  }
  const hub = DOCKER_HUB_HOSTS.has(registry);
  const server = hub ? DOCKER_HUB_KEY : registry;
  const named = Object.entries(config.credHelpers ?? {}).find(
    ([key]) => hostOf(key) === registry || (hub && (key === DOCKER_HUB_KEY || DOCKER_HUB_HOSTS.has(hostOf(key)))),
  )?.[1];
  // A registry with a helper of its own is asked only there, as Docker does.
  if (named) return fromHelper(helper(named, server));
  if (config.credsStore) {
    const stored = fromHelper(helper(config.credsStore, server));
    if (stored) return stored;
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (hostOf(key) !== registry && !(hub && (key === DOCKER_HUB_KEY || DOCKER_HUB_HOSTS.has(hostOf(key))))) continue;
    let username = entry.username ?? '';
    let password = entry.password ?? '';
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    if (entry.identitytoken) return { username: username || TOKEN_USER, password, identityToken: entry.identitytoken };
    if (username && password) return { username, password };
  }
  return undefined;
}

/** Keys may be a bare host or a URL (https://host/v1/). */
function hostOf(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
}

function fromHelper(answer: ReturnType<CredentialHelper>): RegistryCredentials | undefined {
  if (!answer || answer.secret === '') return undefined;
  if (answer.username === TOKEN_USER) return { username: TOKEN_USER, password: '', identityToken: answer.secret };
  return { username: answer.username, password: answer.secret };
}

/** Runs `docker-credential-<helper> get`; undefined when it has nothing stored for the server. */
export function runCredentialHelper(helper: string, server: string): { username: string; secret: string } | undefined {
  const command = `docker-credential-${helper}`;
  const result = spawnSync(command, ['get'], { input: server, encoding: 'utf8', timeout: 60_000, stdio: ['pipe', 'pipe', 'pipe'] });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ShipError(
      `the Docker config names the credential helper ${helper}, but ${command} ${missing ? 'is not on PATH' : `failed: ${result.error.message}`}`,
      {
        hint: `install ${command}, or remove "${helper}" from credsStore/credHelpers in the Docker config`,
      },
    );
  }
  const output = `${result.stdout}\n${result.stderr}`;
  // The helpers' own words for "nothing stored" (docker-credential-helpers' ErrCredentialsNotFound).
  if (result.status !== 0 && /credentials not found|not found in native keychain/i.test(output)) return undefined;
  if (result.status !== 0) {
    throw new ShipError(`${command} get failed for ${server} (exit code ${result.status ?? 'none'})`, {
      hint: `run \`echo ${server} | ${command} get\` to see why, or log in again (docker login ${server})`,
    });
  }
  let answer: { Username?: unknown; Secret?: unknown };
  try {
    answer = JSON.parse(result.stdout) as typeof answer;
  } catch {
    // Never quote the output: it may hold the secret.
    throw new ShipError(`${command} get answered something that is not JSON for ${server}`, { hint: `check ${command}` });
  }
  return { username: typeof answer.Username === 'string' ? answer.Username : '', secret: typeof answer.Secret === 'string' ? answer.Secret : '' };
}
