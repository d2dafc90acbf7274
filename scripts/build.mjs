// Bundles the two entries with ncc (ESM, since package.json says "type": "module"):
// src/index.ts -> dist/index.js (the action) and src/cli.ts -> dist/cli/index.js (the meshagent-ship command), which
// dist/cli.js starts. The output is deterministic, so CI can rebuild and compare with the committed dist/. A module
// loaded on demand (@actions/cache) becomes a chunk of its own (<id>.index.js) beside its entry: each entry gets its
// own directory because webpack numbers the chunk's modules by the whole graph, so the two entries' chunks of the
// same name differ.
import ncc from '@vercel/ncc';
import { mkdir, rm, writeFile, chmod } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// Another output directory may be given (a benchmark bundles the working tree without touching dist/).
const dist = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist');
const entries = [
  { source: 'src/index.ts', directory: '.', output: 'index.js' },
  { source: 'src/cli.ts', directory: 'cli', output: 'index.js', launcher: 'cli.js' },
];

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
for (const entry of entries) {
  const { code, assets } = await ncc(join(root, entry.source), {
    minify: false,
    sourceMap: false,
    quiet: true,
    license: 'licenses.txt',
    target: 'es2022',
  });
  const directory = join(dist, entry.directory);
  const file = join(directory, entry.output);
  await mkdir(directory, { recursive: true });
  await writeFile(file, code.replace(/^#!.*\n/, ''));
  for (const [name, asset] of Object.entries(assets ?? {})) {
    const target = join(directory, name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, Buffer.from(asset.source));
  }
  if (entry.launcher) {
    // The command's file: a shebang and an import of the bundle, so its chunks load from the bundle's directory.
    const launcher = join(dist, entry.launcher);
    await writeFile(launcher, launcherSource(`./${entry.directory}/${entry.output}`));
    await chmod(launcher, 0o755);
  }
  console.log(`${relative(root, file)}: ${(Buffer.byteLength(code) / 1024).toFixed(0)} KiB`);
}

/**
 * The launcher: turns on Node's compile cache where Node has it (22.1 and later; V8's compiled code kept on disk,
 * which saves most of the bundle's parse and compile on every later start), then imports the bundle. A dynamic
 * import, since a static one would run before the cache is on. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
function launcherSource(bundle) {
  return [
    '#!/usr/bin/env node',
    "import { statSync } from 'node:fs';",
    "import module from 'node:module';",
    "import { tmpdir } from 'node:os';",
    '',
    '// Only under a temporary directory that exists: the cache would make it, and hide a TMPDIR that is wrong.',
    "if (typeof module.enableCompileCache === 'function' && statSync(tmpdir(), { throwIfNoEntry: false })?.isDirectory()) {",
    '  try {',
    '    module.enableCompileCache();',
    '  } catch {',
    '    // A cache that cannot be written (a read-only temporary directory) only costs the speed-up.',
    '  }',
    '}',
    `await import('${bundle}');`,
    '',
  ].join('\n');
}
