// The bundled command loads only what the command it runs needs: a repeat push pays for Node's start-up and the
// push code, not for the pipeline, the sandbox or @actions/core. Every module file Node loads is recorded by a
// loader hook (module.register), and the bytes of dist/ it read are summed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');

/** Runs dist/cli.js with a hook that appends every loaded file: URL to a list; returns the dist/ files loaded. */
function loadedFiles(args: string[]): { files: string[]; status: number | null } {
  const work = mkdtempSync(join(tmpdir(), 'cli-loading-'));
  const list = join(work, 'loaded.txt');
  const hooks = join(work, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\n` +
      `export async function load(url, context, next) {\n` +
      `  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(list)}, url + '\\n');\n` +
      `  return next(url, context);\n}\n`,
  );
  writeFileSync(list, '');
  const register = join(work, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, join(DIST, 'cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', HOME: work, NODE_DISABLE_COMPILE_CACHE: '1' },
  });
  const files = readFileSync(list, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((url) => fileURLToPath(url))
    .filter((file) => file.startsWith(DIST));
  return { files: [...new Set(files)], status: run.status };
}

const kib = (files: string[]) => files.reduce((sum, file) => sum + statSync(file).size, 0) / 1024;

describe('dist/cli.js loads what the command needs', () => {
  it('--version reads the launcher and the entry bundle alone', () => {
    const { files, status } = loadedFiles(['--version']);
    expect(status).toBe(0);
    expect(files.map((file) => file.slice(DIST.length + 1)).sort()).toEqual(['cli.js', 'cli/index.js']);
    expect(kib(files)).toBeLessThan(200);
  });

  it('push reads its own code, far less than the whole command', () => {
    // A wrong command line still loads the push code (it checks its arguments itself) and exits 1.
    const { files, status } = loadedFiles(['push', 'oci:/nonexistent', 'docker://127.0.0.1:1/a/b:1', 'extra']);
    expect(status).toBe(1);
    const all = readFileSync(join(DIST, 'cli', 'index.js')).length / 1024;
    expect(files.length).toBeGreaterThan(2);
    // zod is most of it; the pipeline, the sandbox, ws, nunjucks and @actions/core are not loaded, nor undici
    // (1.3 MB unminified), which only a proxy needs: direct requests go over Node's own http.
    expect(kib(files)).toBeLessThan(900);
    expect(files.filter((file) => readFileSync(file, 'utf8').includes('llhttp'))).toEqual([]);
    expect(all).toBeLessThan(200);
  });
});
