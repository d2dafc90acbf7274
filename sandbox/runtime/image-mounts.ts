/**
 * What a container's binds need before it starts: the plan's directories and seed files, and other images'
 * root file systems for image mounts (pulled, a snapshot of their top layer made, mounted under the run's
 * directory). What is made here is noted on the run, so that removing the run undoes it.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Ctr } from './containerd.js';
import type { ContainerPlan } from './container-plan.js';
import { readImageInfo } from './image-info.js';
import { runCommand } from './processes.js';

/** The part of a run image mounts fill in. */
export interface RunMounts {
  readonly id: string;
  readonly dir: string;
  /** Sources of the image mounts' binds, in plan order. */
  readonly imageMounts: string[];
  /** Where images are mounted, unmounted with the run. */
  readonly mountPoints: string[];
  /** Snapshots made for image mounts, removed with the run. */
  readonly snapshots: string[];
}

/** What the mounts need of the runtime. */
export interface MountHost {
  readonly ctr: Ctr;
  readonly snapshotter: 'stargz' | 'overlayfs';
  pullRef(image: string): { ref: string } | { error: string };
}

/** Directories, seed files and other images' mounts the container's binds need. */
export async function prepareMounts(host: MountHost, run: RunMounts, plan: ContainerPlan): Promise<void> {
  for (const dir of plan.dirs) mkdirSync(dir, { recursive: true });
  for (const file of plan.files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.text);
    chmodSync(file.path, 0o644);
  }
  for (const [index, mount] of plan.images.entries()) {
    const target = host.pullRef(mount.image);
    if ('error' in target) throw new Error(`image mount ${mount.destination}: ${target.error}`);
    run.imageMounts.push(await mountImage(host, run, index, target.ref, mount.readOnly, mount.subpath));
  }
}

/**
 * Another image's root file system for a bind: pulled, then a snapshot of its top layer made (a view when
 * read-only, as `ctr images mount` would, but without its unpack step, which needs every layer in the content
 * store and so fails after a lazy pull), mounted under the run's directory unless it is a plain bind already.
 */
async function mountImage(host: MountHost, run: RunMounts, index: number, ref: string, readOnly: boolean, subpath: string | undefined): Promise<string> {
  const { ctr, snapshotter } = host;
  const name = snapshotter === 'stargz' ? 'stargz' : 'overlayfs';
  await ctr.ok(snapshotter === 'stargz' ? ['images', 'rpull', '--plain-http', ref] : ['images', 'pull', '--plain-http', ref], 600_000);
  const info = await readImageInfo(ctr, ref, snapshotter);
  if (!info.topChainId) throw new Error(`the image ${ref} has no layers to mount`);
  const key = `${run.id}-image-${index}`;
  const made = await ctr.ok(['snapshots', '--snapshotter', name, readOnly ? 'view' : 'prepare', '--mounts', key, info.topChainId]);
  run.snapshots.push(key);
  const mounts = JSON.parse(made) as { Type: string; Source: string; Options: string[] }[];
  let root: string;
  const only = mounts[0];
  if (mounts.length === 1 && only?.Type === 'bind') root = only.Source;
  else {
    root = join(run.dir, 'images', String(index));
    mkdirSync(root, { recursive: true });
    for (const m of mounts) {
      const mounted = await runCommand('mount', ['-t', m.Type, m.Source, root, ...(m.Options.length > 0 ? ['-o', m.Options.join(',')] : [])]);
      if (mounted.code !== 0) throw new Error(`mounting image ${ref}: ${mounted.stderr.trim()}`);
    }
    run.mountPoints.push(root);
  }
  return subpath ? join(root, subpath.replace(/^\/+/, '')) : root;
}
