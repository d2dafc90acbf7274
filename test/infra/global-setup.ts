// Vitest globalSetup: starts the real test services once (test/infra/up.sh) and gives every test their addresses
// through `inject('infra')`.
//
// By default everything lives in a fresh temp dir that is stopped (down.sh) and removed after the run. With
// MESHAGENT_SHIP_INFRA_DIR=/some/dir the services live there and are left running after the run, so repeated
// runs skip the start-up (up.sh is idempotent); stop them with `bash test/infra/down.sh /some/dir`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { type Infra, parseInfraEnv } from './env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    infra: Infra;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const UP = path.join(here, 'up.sh');
const DOWN = path.join(here, 'down.sh');

function logTails(dir: string, lines = 15): string {
  let out = '';
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.log'));
  } catch {
    return out;
  }
  for (const name of names) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8').trimEnd();
    if (!text) continue;
    out += `\n--- ${path.join(dir, name)} (last ${lines} lines)\n${text.split('\n').slice(-lines).join('\n')}`;
  }
  return out;
}

function down(dir: string): void {
  const r = spawnSync('bash', [DOWN, dir], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  if (r.status !== 0) console.error(`test/infra/down.sh ${dir} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kept = process.env.MESHAGENT_SHIP_INFRA_DIR;
  const dir = kept ? path.resolve(kept) : await fs.promises.mkdtemp(path.join(os.tmpdir(), 'meshagent-ship-infra-'));

  // stdout is captured (its one summary line goes to our log); stderr goes straight to the terminal.
  const r = spawnSync('bash', [UP, dir], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
    const message = `test infrastructure did not start: bash ${UP} ${dir} failed (${why}); logs kept in ${dir}${logTails(dir)}`;
    if (!kept) down(dir); // up.sh stops what it started on failure; this is belt and braces. The dir stays for its logs.
    throw new Error(message);
  }
  if (r.stdout.trim()) console.log(r.stdout.trim());

  const infra = parseInfraEnv(await fs.promises.readFile(path.join(dir, 'infra.env'), 'utf8'));
  project.provide('infra', infra);

  return async () => {
    if (kept) return; // a developer's directory: leave the services running for the next run
    down(dir);
    await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}
