/**
 * A registry's credentials from the `auths` of the Docker config (`$DOCKER_CONFIG/config.json`, default
 * `~/.docker/config.json`), as `docker login` writes it. Other sources (the environment) are the caller's.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ShipError } from '../errors.js';
import type { RegistryCredentials } from './registry-auth.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The Docker config file this environment points at. */
export function dockerConfigPath(env: Env = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** Credentials for `registry` from the Docker config; undefined when it has none (or no file). */
export function credentialsFromDockerConfig(registry: string, path = dockerConfigPath()): RegistryCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let config: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    config = JSON.parse(text) as typeof config;
  } catch {
    throw new ShipError(`${path} is not valid JSON`, { hint: 'fix the file, or run `docker login` again' });
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    // Keys may be a bare host or a URL (https://host/v1/).
    const host = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
    if (host !== registry) continue;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  }
  return undefined;
}
