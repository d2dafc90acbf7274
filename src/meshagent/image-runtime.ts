/**
 * Runtime-label images, as the MeshAgent CLI deploys them (cli image.py:1398-1474, 1929-1970; api
 * image_runtime.py): an image labelled `meshagent.runtime=python` or `=node` is not run itself. The service runs the
 * runtime image rooms keep cached (`meshagent/python:default`, `meshagent/node:default`) with the shipped image
 * mounted read-only at /app (its `app` folder), started as the launcher (`python`, `node`) followed by ENTRYPOINT and
 * CMD (no second launcher when the command already starts with it), in the image's WORKDIR (default /app), with the
 * image's ENV as the environment's defaults. The CLI's own project templates are such images, `FROM scratch`.
 */
import { posix } from 'node:path';
import { ShipError } from '../errors.js';
import { pyShlexQuote, pyStrip } from '../python-text.js';

export const IMAGE_RUNTIME_LABEL = 'meshagent.runtime';
const MOUNT_PATH = '/app';
const MOUNT_SUBPATH = 'app';

const RUNTIMES = {
  python: { baseImage: 'meshagent/python:default', launcher: ['python'] },
  node: { baseImage: 'meshagent/node:default', launcher: ['node'] },
} as const;

/** What the runtime is read from: an image's config, or a Dockerfile's final stage. */
export interface RuntimeSource {
  readonly labels: Readonly<Record<string, string>>;
  /** ENTRYPOINT and CMD as lists of words; undefined (or empty) when not set. */
  readonly entrypoint: readonly string[] | undefined;
  readonly cmd: readonly string[] | undefined;
  readonly workingDir: string | undefined;
  /** ENV, in order; a later one of the same name wins. */
  readonly env: readonly (readonly [string, string])[];
}

/** How a labelled image runs: in the runtime image, with the shipped image mounted. */
export interface ImageRuntime {
  readonly name: keyof typeof RUNTIMES;
  readonly baseImage: string;
  /** The command, shell-quoted as the CLI writes it. */
  readonly command: string;
  readonly workingDir: string;
  /** The environment's defaults, before the env inputs. */
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly mountPath: string;
  readonly mountSubpath: string;
}

/**
 * The runtime an image asks for, or undefined: no label, or a value that names no runtime (the CLI then deploys the
 * image as it is). `what` names the image in errors: "packed Dockerfile final stage" or "image <ref>".
 */
export function imageRuntime(source: RuntimeSource, what: string): ImageRuntime | undefined {
  const label = source.labels[IMAGE_RUNTIME_LABEL];
  if (label === undefined) return undefined;
  const name = pyStrip(label).toLowerCase();
  if (name !== 'python' && name !== 'node') return undefined;
  const runtime = RUNTIMES[name];
  const entrypoint = words(source.entrypoint);
  const cmd = words(source.cmd);
  const startup = entrypoint ?? cmd;
  const args = entrypoint !== undefined ? (cmd ?? []) : [];
  if (startup === undefined) {
    throw new ShipError(`${what} uses ${IMAGE_RUNTIME_LABEL}=${name} but does not define CMD or ENTRYPOINT`, {
      hint: `add the command that starts the app, e.g. CMD ["main.py"]: the service runs ${runtime.launcher.join(' ')} followed by it`,
    });
  }
  const tokens = startsWithLauncher(startup, runtime.launcher) ? [...startup, ...args] : [...runtime.launcher, ...startup, ...args];
  const env = new Map(source.env);
  return {
    name,
    baseImage: runtime.baseImage,
    command: tokens.map(pyShlexQuote).join(' '),
    workingDir: source.workingDir || MOUNT_PATH,
    env: [...env].map(([envName, value]) => ({ name: envName, value })),
    mountPath: MOUNT_PATH,
    mountSubpath: MOUNT_SUBPATH,
  };
}

/** A command list, or undefined for none (an empty list is none, as an empty CMD line is to the CLI). */
function words(list: readonly string[] | undefined): readonly string[] | undefined {
  return list === undefined || list.length === 0 ? undefined : list;
}

/** The command already starts with the launcher: its first word's file name is the launcher's (`/usr/bin/python`). */
function startsWithLauncher(tokens: readonly string[], launcher: readonly string[]): boolean {
  if (tokens.length < launcher.length) return false;
  if (posix.basename(tokens[0] ?? '') !== posix.basename(launcher[0] ?? '')) return false;
  return launcher.slice(1).every((word, index) => tokens[index + 1] === word);
}

/** The PATH builders put into every image config, FROM scratch too (BuildKit, buildah): no author's ENV. */
const BUILDER_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The runtime source of an image config: its Labels, Entrypoint, Cmd and WorkingDir, and as ENV either `env` (the
 * ENV lines of the Dockerfile it was built from, all the CLI reads) or the config's Env without the PATH builders
 * add (the config cannot tell an author's ENV from its base image's).
 */
export function runtimeSourceOfConfig(
  config: {
    readonly Labels?: Readonly<Record<string, string>> | null;
    readonly Entrypoint?: readonly string[] | null;
    readonly Cmd?: readonly string[] | null;
    readonly WorkingDir?: string | null;
    readonly Env?: readonly string[] | null;
  },
  env?: RuntimeSource['env'],
): RuntimeSource {
  const configEnv = (config.Env ?? []).flatMap((entry) => {
    const eq = entry.indexOf('=');
    return eq <= 0 ? [] : [[entry.slice(0, eq), entry.slice(eq + 1)] as const];
  });
  return {
    labels: config.Labels ?? {},
    entrypoint: config.Entrypoint ?? undefined,
    cmd: config.Cmd ?? undefined,
    workingDir: config.WorkingDir ?? undefined,
    env: env ?? configEnv.filter(([name, value]) => !(name === 'PATH' && value === BUILDER_DEFAULT_PATH)),
  };
}

/**
 * The image a service runs, as shipped: for a runtime-label deploy the image mounted at /app (the container runs the
 * runtime image), else the container's image. How a ship recognizes its own service, and the image it runs now.
 */
export function shippedImage(spec: {
  readonly container?: {
    readonly image?: unknown;
    readonly storage?: { readonly images?: readonly { image: string; path: string; subpath?: string | null }[] | null } | null;
  } | null;
}): string | undefined {
  const image = spec.container?.image;
  if (typeof image !== 'string') return undefined;
  if (!Object.values(RUNTIMES).some((runtime) => runtime.baseImage === image)) return image;
  const mounted = spec.container?.storage?.images?.find((mount) => mount.path === MOUNT_PATH && mount.subpath === MOUNT_SUBPATH);
  return mounted?.image ?? image;
}

/** Whether a service runs this image (itself, or mounted for its runtime), pinned the same: how a deploy knows its own write. */
export function runsImage(spec: Parameters<typeof shippedImage>[0], ref: string): boolean {
  const image = shippedImage(spec);
  return image !== undefined && imageMountRef(image) === imageMountRef(ref);
}

/** `name:tag@digest` → `name@digest`, as the CLI writes a pinned image mount (`_canonical_image_mount_ref`, cli image.py:2463-2482). */
export function imageMountRef(ref: string): string {
  const trimmed = ref.trim();
  const at = trimmed.lastIndexOf('@');
  if (at === -1 || !trimmed.slice(at + 1).includes(':')) return trimmed;
  const name = trimmed.slice(0, at);
  const colon = name.lastIndexOf(':');
  const untagged = colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
  return `${untagged}@${trimmed.slice(at + 1)}`;
}
