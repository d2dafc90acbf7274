/**
 * A service's inputs digest: one sha256 over what decides the image and the service a leg ships, so a later run can
 * tell whether the service deployed in a room was shipped from the same inputs. It covers:
 *
 * - the leg's inputs (the manifest entry with its defaults: Dockerfile name, build args, target, ports, env...), but
 *   not `tag` and `room`, which name where it goes (the kit's default tag is the commit SHA, new on every push);
 * - every file git sees in the service's context (tracked, and untracked unless ignored), the Dockerfile when it
 *   lies outside the context, and the files matching the service's `paths` globs: each by path, kind and content
 *   as it is on disk.
 *
 * A leg that deploys an existing image (`image`) has no files: its reference is the input, and a tag that moves
 * to another image is not seen. Not covered: files a `prepare` command makes at ship time, the base images a Dockerfile pulls, and the version of
 * this tool. The digest is `sha256:<hex>` and is written into the deployed service's annotations.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ShipError } from '../errors.js';
import { isInside, matchesRepoGlob, normalizePath } from './repo-paths.js';
import type { Leg } from './matrix.js';
import type { ServiceSpec } from './manifest.js';

/** The leg field (and action input) that carries the digest to the ship step. */
export const INPUTS_DIGEST_INPUT = 'inputs-digest';

/** Bumped when what the digest covers changes, so an old annotation never matches a new digest by accident. */
const FORMAT = 'meshagent-ship inputs v2';
/** Leg inputs that say where the image goes, not what it is. */
const NOT_INPUTS = new Set(['tag', 'room', INPUTS_DIGEST_INPUT]);

/** The files git sees under root: tracked ones and untracked ones that no .gitignore excludes. */
export function repositoryFiles(root: string): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    return [...new Set(out.split('\0').filter((line) => line !== ''))].sort();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0] ?? String(error);
    throw new ShipError(`git could not list the files of ${root}: ${stderr}`, {
      hint: 'the inputs digest needs the services in a git checkout (actions/checkout, or git init)',
    });
  }
}

/** The files of the repository that belong to a service's image. */
function serviceFiles(service: ServiceSpec, files: readonly string[]): string[] {
  const context = normalizePath(service.inputs.context ?? '.');
  const buildFile = service.inputs.file ? normalizePath(posix.normalize(`${context}/${service.inputs.file}`)) : undefined;
  return files.filter(
    (file) =>
      isInside(file, context) || (buildFile !== undefined && normalizePath(file) === buildFile) || service.paths.some((glob) => matchesRepoGlob(file, glob)),
  );
}

/**
 * One line per file: its kind, the sha256 of its content (a symlink's target) and its path as JSON, so a path with
 * a line break in it cannot pass for the lines of other files.
 */
function fileLine(root: string, file: string): string | undefined {
  const path = join(root, file);
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    // Tracked but deleted in the work tree: not part of what a build would see.
    return undefined;
  }
  if (stat.isSymbolicLink()) return `link ${sha256(readlinkSync(path))} ${JSON.stringify(file)}`;
  if (!stat.isFile()) return undefined;
  const kind = (stat.mode & 0o111) !== 0 ? 'exec' : 'file';
  return `${kind} ${sha256(readFileSync(path))} ${JSON.stringify(file)}`;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The leg's inputs in a stable order, without those that only name the destination. */
function legText(leg: Leg): string {
  const entries = Object.entries(leg)
    .filter(([name]) => !NOT_INPUTS.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/** The digest of one service's leg and files; `files` is repositoryFiles(root), listed once for every service. */
export function inputsDigest(root: string, service: ServiceSpec, leg: Leg, files: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`${FORMAT}\nleg ${legText(leg)}\n`);
  // A leg that deploys an existing image builds nothing: its reference, in the leg, is all there is.
  if (leg.image !== undefined && leg.image !== '') return `sha256:${hash.digest('hex')}`;
  for (const file of serviceFiles(service, files)) {
    const line = fileLine(root, file);
    if (line !== undefined) hash.update(`${line}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}
