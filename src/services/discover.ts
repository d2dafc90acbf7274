/**
 * Where services come from: the manifest when the repository has one, else every directory under the given globs
 * that holds a Containerfile or Dockerfile (the files the action itself looks for, in that order).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ShipError } from '../errors.js';
import { repoGlob } from './repo-paths.js';
import { MANIFEST_FILE, parseManifest, type ServiceSpec } from './manifest.js';

/** Directories every search skips: VCS metadata, dependencies, and hidden directories. */
const SKIPPED = new Set(['node_modules', 'vendor', 'dist']);
const DEFAULT_GLOBS: readonly string[] = ['**'];
const BUILD_FILES = ['Containerfile', 'Dockerfile'] as const;

export interface DiscoverOptions {
  /** The repository root; every path in the result is relative to it. */
  readonly root: string;
  /** The manifest path, relative to root; when given, it must exist. */
  readonly manifest?: string | undefined;
  /** Globs of directories to search when there is no manifest (default `**`). */
  readonly globs?: readonly string[] | undefined;
}

export interface Discovered {
  readonly services: readonly ServiceSpec[];
  /** The manifest read, relative to root, with its text (for line numbers in later errors). */
  readonly manifest: { readonly file: string; readonly text: string } | undefined;
}

export function discoverServices(options: DiscoverOptions): Discovered {
  const file = options.manifest ?? MANIFEST_FILE;
  const path = resolve(options.root, file);
  if (!existsSync(path)) {
    if (options.manifest !== undefined) {
      throw new ShipError(`the manifest ${file} does not exist`, { hint: `create ${file}, or leave --manifest out to discover services by Dockerfile` });
    }
    return { services: findDockerfiles(options.root, options.globs ?? DEFAULT_GLOBS), manifest: undefined };
  }
  const text = readFileSync(path, 'utf8');
  const manifest = parseManifest(text, file);
  const services = manifest.services ?? findDockerfiles(options.root, options.globs ?? manifest.discover ?? DEFAULT_GLOBS);
  return { services, manifest: { file, text } };
}

/** Each directory matching a glob that holds a Containerfile or Dockerfile becomes a service named after it. */
function findDockerfiles(root: string, globs: readonly string[]): ServiceSpec[] {
  const patterns = globs.map(repoGlob);
  const services: ServiceSpec[] = [];
  const names = new Map<string, string>();
  const visit = (dir: string): void => {
    if (patterns.some((p) => p.test(dir))) {
      const buildFile = BUILD_FILES.find((name) => isFile(join(root, dir, name)));
      if (buildFile) {
        const name = serviceName(dir === '.' ? basename(resolve(root)) : basename(dir));
        const other = names.get(name);
        if (other !== undefined) {
          throw new ShipError(`two directories would both be the service ${name}: ${other} and ${dir}`, {
            hint: `list the services with their own names in ${MANIFEST_FILE}, or narrow the globs`,
          });
        }
        names.set(name, dir);
        services.push({ name, inputs: { context: dir, file: buildFile, tag: name }, paths: [], origin: { discovered: dir } });
      }
    }
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      visit(dir === '.' ? entry.name : `${dir}/${entry.name}`);
    }
  };
  visit('.');
  return services;
}

/** A directory name as a service name and image repository: lowercase letters, digits and -. */
export function serviceName(dir: string): string {
  const name = dir
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name === '' ? 'service' : name;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
