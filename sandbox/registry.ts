/**
 * The sandbox's OCI registry: Debian's docker-registry (CNCF distribution) in token-auth mode, trusting the
 * sandbox's token endpoint, with its blobs under DIR/registry.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processesWhere, signalAll, waitUntilGone } from './proc.js';
import { REGISTRY_ISSUER, REGISTRY_SERVICE } from './registry-token.js';

export interface RegistryProcess {
  /** `127.0.0.1:<port>`, the host part of image references. */
  readonly host: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  readonly dir: string;
  readonly port: number;
  readonly tokenRealm: string;
  readonly certPath: string;
  /** The registry binary; Debian installs it as docker-registry. */
  readonly binary?: string;
}

async function waitForRegistry(url: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the registry exited with code ${child.exitCode}; see ${logPath}`);
    try {
      const response = await fetch(url);
      // 401 with a Bearer challenge: the registry is up and asks for a token, as it should.
      if (response.status === 401 || response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the registry did not answer ${url} within 10 s; see ${logPath}`);
}

/**
 * Stops the registry a sandbox killed without its stop left running on `dir` (known by the config its command line
 * names): it would hold the port the next sandbox on `dir` serves its registry at, and serve blobs from the directory
 * beside the new one.
 */
export async function stopLeftRegistry(dir: string, log: (message: string) => void): Promise<void> {
  const configPath = join(dir, 'registry.yml');
  const pids = processesWhere((args) => args[1] === 'serve' && args[2] === configPath);
  if (pids.length === 0) return;
  signalAll(pids, 'SIGTERM');
  await waitUntilGone(pids, 5000, (waited) => waited === 3000 && signalAll(pids, 'SIGKILL'));
  log(`stopped the registry an earlier sandbox on this directory left running (pid ${pids.join(', ')})`);
}

export async function startRegistry(options: RegistryOptions): Promise<RegistryProcess> {
  const host = `127.0.0.1:${options.port}`;
  const configPath = join(options.dir, 'registry.yml');
  const logPath = join(options.dir, 'registry.log');
  writeFileSync(
    configPath,
    [
      'version: 0.1',
      'log: {level: error, accesslog: {disabled: true}}',
      `storage: {filesystem: {rootdirectory: ${JSON.stringify(join(options.dir, 'registry'))}}, delete: {enabled: true}}`,
      `http: {addr: ${JSON.stringify(host)}, secret: meshagent-sandbox}`,
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(options.tokenRealm)}`,
      `    service: ${REGISTRY_SERVICE}`,
      `    issuer: ${REGISTRY_ISSUER}`,
      `    rootcertbundle: ${JSON.stringify(options.certPath)}`,
      '',
    ].join('\n'),
  );
  const log = openSync(logPath, 'a');
  const binary = options.binary ?? 'docker-registry';
  const child = spawn(binary, ['serve', configPath], { stdio: ['ignore', log, log] });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot start ${binary}: ${error.message} (install the docker-registry package)`)));
  });
  await spawned;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForRegistry(`http://${host}/v2/`, child, logPath);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    host,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
