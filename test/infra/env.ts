// What test/infra/up.sh started (parsed from DIR/infra.env) and small helpers the infrastructure tests share.
// Tests get the values with `inject('infra')` (provided by test/infra/global-setup.ts).
import { spawn, spawnSync } from 'node:child_process';

export interface Infra {
  /** The directory everything lives in (INFRA_DIR). */
  dir: string;
  /** host:port of the registry without auth (REGISTRY_PLAIN). */
  registryPlain: string;
  /** host:port of the registry with token auth (REGISTRY_TOKEN). */
  registryToken: string;
  /** Full URL of the token server's endpoint (TOKEN_REALM). */
  tokenRealm: string;
  /** The `service` the token registry expects (TOKEN_SERVICE). */
  tokenService: string;
  tokenUser: string;
  tokenPassword: string;
  /** containerd's gRPC socket path (CONTAINERD_ADDRESS). */
  containerdAddress: string;
  containerdNamespace: string;
  /** Path of the buildah wrapper whose storage is under `dir` (BUILDAH). */
  buildah: string;
  /** Path of a static busybox binary, for FROM-scratch images (BUSYBOX). */
  busybox: string;
  /** `unix://DIR/docker.sock`, the test's own Docker daemon (DOCKER_HOST). */
  dockerHost: string;
}

const KEYS = {
  INFRA_DIR: 'dir',
  REGISTRY_PLAIN: 'registryPlain',
  REGISTRY_TOKEN: 'registryToken',
  TOKEN_REALM: 'tokenRealm',
  TOKEN_SERVICE: 'tokenService',
  TOKEN_USER: 'tokenUser',
  TOKEN_PASSWORD: 'tokenPassword',
  CONTAINERD_ADDRESS: 'containerdAddress',
  CONTAINERD_NAMESPACE: 'containerdNamespace',
  BUILDAH: 'buildah',
  BUSYBOX: 'busybox',
  DOCKER_HOST: 'dockerHost',
} as const satisfies Record<string, keyof Infra>;

/** Parses infra.env (KEY=VALUE lines, no quotes); throws naming every missing or empty key. */
export function parseInfraEnv(text: string): Infra {
  const raw = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    raw.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  const missing = Object.keys(KEYS).filter((k) => !raw.get(k));
  if (missing.length > 0) throw new Error(`infra.env is missing ${missing.join(', ')}`);
  const infra = {} as Record<keyof Infra, string>;
  for (const [key, field] of Object.entries(KEYS)) infra[field] = raw.get(key) as string;
  return infra;
}

export interface RunOptions {
  cwd?: string;
  /** Added to (not replacing) process.env. */
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  /** Default 60 s. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit code; -1 when the command could not start, timed out or died from a signal (details in stderr). */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command (no shell) and collects its output. Never throws. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  let stderr = r.stderr ?? '';
  let code = r.status ?? -1;
  if (r.error) {
    stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}${cmd}: ${r.error.message}`;
    code = -1;
  } else if (r.signal) {
    stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}${cmd}: killed by ${r.signal}`;
  }
  return { code, stdout: r.stdout ?? '', stderr };
}

/**
 * Like `run`, but without blocking the event loop: needed when the command talks to a server in this same process
 * (the sandbox), which could not answer while a synchronous spawn waits.
 */
export function runAsync(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ? { ...process.env, ...opts.env } : process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdin.end(opts.input);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${cmd}: ${error.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr: signal ? `${stderr}${cmd}: killed by ${signal}` : stderr });
    });
  });
}

/** ctr-remote against the test containerd, in the test namespace. */
export function ctrRemote(infra: Infra, args: readonly string[], opts: RunOptions = {}): RunResult {
  return run('ctr-remote', ['-a', infra.containerdAddress, '-n', infra.containerdNamespace, ...args], opts);
}

/** `buildah bud --isolation chroot -t TAG CONTEXT` with the test's buildah storage. */
export function buildahBuild(infra: Infra, contextDir: string, tag: string, opts: RunOptions = {}): RunResult {
  return run(infra.buildah, ['bud', '--isolation', 'chroot', '-t', tag, contextDir], { timeoutMs: 120_000, ...opts });
}
