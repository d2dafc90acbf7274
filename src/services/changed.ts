/**
 * Which services a range of commits touched: `git diff --name-only BASE HEAD`, run without a shell, matched
 * against each service's context directory, its Dockerfile, its `paths` globs and the manifest itself.
 */
import { execFileSync } from 'node:child_process';
import { posix } from 'node:path';
import { ShipError, quoted } from '../errors.js';
import { isInside, matchesRepoGlob, normalizePath } from './repo-paths.js';
import type { ServiceSpec } from './manifest.js';

/** A revision as the range may name it; refuses anything git could read as an option. */
const REVISION = /^[A-Za-z0-9_][A-Za-z0-9_./~^@{}-]*$/;
/** `github.event.before` on a branch's first push: there is nothing to compare with. */
const NULL_SHA = /^0+$/;

export interface ChangeRange {
  readonly base: string;
  readonly head: string;
  /** `...`: compare with the merge base, as a pull request does. */
  readonly mergeBase: boolean;
}

/** Parses `BASE..HEAD` or `BASE...HEAD`; undefined when BASE is empty or all zeros (every service counts as changed). */
export function parseRange(text: string): ChangeRange | undefined {
  const match = /^(.*?)(\.\.\.?)(.*)$/.exec(text.trim());
  if (!match) throw new ShipError(`--changed ${quoted(text)} is not a range`, { hint: 'use --changed BASE..HEAD, e.g. --changed origin/main..HEAD' });
  const [, base = '', dots = '..', head = ''] = match;
  if (base === '' || NULL_SHA.test(base)) return undefined;
  const resolvedHead = head === '' ? 'HEAD' : head;
  for (const revision of [base, resolvedHead]) {
    if (!REVISION.test(revision))
      throw new ShipError(`--changed: ${quoted(revision)} is not a git revision`, {
        hint: 'use commit SHAs or branch names, e.g. --changed origin/main..HEAD',
      });
  }
  return { base, head: resolvedHead, mergeBase: dots === '...' };
}

/** The files changed in the range, relative to the repository root. */
export function changedFiles(root: string, range: ChangeRange): string[] {
  const spec = range.mergeBase ? [`${range.base}...${range.head}`] : [range.base, range.head];
  try {
    const out = execFileSync('git', ['diff', '--name-only', '-z', '--no-renames', ...spec, '--'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out.split('\0').filter((line) => line !== '');
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0] ?? String(error);
    throw new ShipError(`git could not compare ${range.base} with ${range.head}: ${stderr}`, {
      hint: 'both commits must be in the clone: check out with fetch-depth: 0 (actions/checkout), or pass a range it holds',
    });
  }
}

/** True when one of the files belongs to the service, or is the manifest every service is described in. */
export function touches(service: ServiceSpec, files: readonly string[], manifest: string | undefined): boolean {
  const context = normalizePath(service.inputs.context ?? '.');
  const buildFile = service.inputs.file ? normalizePath(posix.normalize(`${context}/${service.inputs.file}`)) : undefined;
  return files.some(
    (file) =>
      isInside(file, context) ||
      (buildFile !== undefined && normalizePath(file) === buildFile) ||
      (manifest !== undefined && normalizePath(file) === normalizePath(manifest)) ||
      service.paths.some((glob) => matchesRepoGlob(file, glob)),
  );
}
