// The layering of src/, kept by a test as go-containerregistry keeps its own (internal/depcheck): every import
// statement of src/ and sandbox/ is read, and the rules below must hold. Libraries sit below the application and
// know nothing of it; outside a library, code reaches it only through its index.ts; meshagent/ (the API client)
// knows nothing of the pipeline or the report, nor room/ (the room protocol client) of them or of the REST client;
// the sandbox does not borrow the client's wire schemas (it would mirror a client's mistake instead of catching it);
// and no module depends on itself through others.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Libraries with a surface: a directory under src/ whose index.ts is what the rest of the code may import. Bottom
 * first: each may import only those before it (tar/ is below both, estargz/ stands on oci/).
 */
const LIBRARIES = ['tar', 'oci', 'estargz'] as const;
/** Single-file libraries: below the application too, imported as they are. */
const LIBRARY_FILES = ['glob'] as const;
/** Shared modules the libraries may stand on besides each other: the error type and the HTTP client. */
const SHARED = ['errors', 'file-errors', 'http', 'loopback'];
/** The application: a directory or a file under src/ (its first path segment, without the extension). */
const APPLICATION = [
  'meshagent',
  'room',
  'prefetch-auto',
  'pipeline',
  'report',
  'commands',
  'services',
  'build',
  'runner',
  'github-runner',
  'inputs',
  'input-spec',
  'input-warnings',
  'ship',
  'cli',
  'cli-args',
  'main',
  'index',
];

interface Import {
  /** The importing file, relative to the repository root (with `/`). */
  readonly from: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** The file it resolves to, relative to the repository root, for a relative specifier. */
  readonly to: string | undefined;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path.split(sep).join('/'));
  }
  return out;
}

/** `./x.js` as TypeScript resolves it under NodeNext: x.ts (or x/index.ts for a directory). */
function resolveRelative(from: string, specifier: string): string {
  const base = join(dirname(join(ROOT, from)), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  const found = candidates.find((path) => statSync(path, { throwIfNoEntry: false })?.isFile());
  return relative(ROOT, found ?? candidates[0] ?? base)
    .split(sep)
    .join('/');
}

/** Every import of a file: static and dynamic imports, `export ... from`, type-only ones too (they are design). */
function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles.map(({ fileName: specifier }) => ({
    from: file,
    specifier,
    to: specifier.startsWith('.') ? resolveRelative(file, specifier) : undefined,
  }));
}

const files = [...sourceFiles('src'), ...sourceFiles('sandbox')];
const imports = files.flatMap(importsOf);

/** The first path segment under src/ without its extension (`oci` for src/oci/x.ts, `inputs` for src/inputs.ts). */
function unitOf(path: string | undefined): string | undefined {
  if (!path?.startsWith('src/')) return undefined;
  return path.slice('src/'.length).split('/')[0]?.replace(/\.ts$/, '');
}

function isLibrary(unit: string | undefined): boolean {
  return (LIBRARIES as readonly string[]).includes(unit ?? '') || (LIBRARY_FILES as readonly string[]).includes(unit ?? '');
}

const line = (i: Import) => `${i.from} imports ${i.specifier}`;

describe('the layering of src/', () => {
  it('reads the imports of every source file', () => {
    // A parser that found nothing would make every rule below hold.
    expect(files.length).toBeGreaterThan(50);
    expect(imports.filter((i) => i.to !== undefined).length).toBeGreaterThan(200);
    expect(imports.some((i) => i.from === 'src/cli.ts' && i.to === 'src/errors.ts')).toBe(true);
  });

  it('keeps the libraries free of the application, the CLI, MeshAgent and @actions/*', () => {
    const wrong = imports.filter((i) => isLibrary(unitOf(i.from)) && (APPLICATION.includes(unitOf(i.to) ?? '') || i.specifier.startsWith('@actions/')));
    expect(wrong.map(line)).toEqual([]);
  });

  it('lets the libraries stand only on Node, npm packages, the shared modules and the libraries below them', () => {
    const wrong = imports.filter((i) => {
      const from = unitOf(i.from);
      if (!isLibrary(from)) return false;
      if (i.to === undefined) return i.specifier.startsWith('@actions/');
      const to = unitOf(i.to);
      if (to === from || SHARED.includes(to ?? '') || (LIBRARY_FILES as readonly string[]).includes(to ?? '')) return false;
      const rank = (unit: string | undefined) => (LIBRARIES as readonly string[]).indexOf(unit ?? '');
      return !(rank(to) >= 0 && (rank(from) === -1 || rank(to) < rank(from)));
    });
    expect(wrong.map(line)).toEqual([]);
  });

  it('lets code outside a library reach it only through its index.ts', () => {
    const wrong = imports.filter((i) => {
      const target = unitOf(i.to);
      if (!(LIBRARIES as readonly string[]).includes(target ?? '') || unitOf(i.from) === target) return false;
      return i.to !== `src/${target}/index.ts`;
    });
    expect(wrong.map(line)).toEqual([]);
  });

  it('keeps the product out of the libraries: settings come in as options', () => {
    const named = files.filter((file) => isLibrary(unitOf(file)) && /meshagent/i.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(named).toEqual([]);
  });

  it('gives every library an index.ts and a README', () => {
    for (const library of LIBRARIES) {
      expect(statSync(join(ROOT, 'src', library, 'index.ts'), { throwIfNoEntry: false })?.isFile(), `src/${library}/index.ts`).toBe(true);
      expect(statSync(join(ROOT, 'src', library, 'README.md'), { throwIfNoEntry: false })?.isFile(), `src/${library}/README.md`).toBe(true);
    }
  });

  it('keeps meshagent/ free of the report, the pipeline and the inputs', () => {
    const wrong = imports.filter((i) => unitOf(i.from) === 'meshagent' && ['report', 'pipeline', 'inputs'].includes(unitOf(i.to) ?? ''));
    expect(wrong.map(line)).toEqual([]);
  });

  it('keeps room/ (the room protocol client) free of the pipeline, the report, the inputs and the REST client', () => {
    const wrong = imports.filter(
      (i) => unitOf(i.from) === 'room' && ['report', 'pipeline', 'inputs', 'meshagent', 'runner', 'ship'].includes(unitOf(i.to) ?? ''),
    );
    expect(wrong.map(line)).toEqual([]);
    // It is used: the rule holds of real imports.
    expect(imports.some((i) => unitOf(i.from) === 'room' && unitOf(i.to) === 'errors')).toBe(true);
  });

  it('keeps the sandbox off the client wire schemas', () => {
    const wrong = imports.filter((i) => i.from.startsWith('sandbox/') && i.to === 'src/meshagent/wire.ts');
    expect(wrong.map(line)).toEqual([]);
  });

  it('has no import cycles between the files of src/', () => {
    expect(cycles(imports.filter((i) => i.from.startsWith('src/') && i.to?.startsWith('src/')))).toEqual([]);
  });

  it('has no import cycles between the directories of src/ (as Go forbids between packages)', () => {
    const between = imports
      .filter((i) => i.from.startsWith('src/') && i.to?.startsWith('src/') && unitOf(i.from) !== unitOf(i.to))
      .map((i) => ({ ...i, from: unitOf(i.from) as string, to: unitOf(i.to) }));
    expect(cycles(between)).toEqual([]);
  });
});

describe('the cycle finder', () => {
  it('finds a cycle through several files and none in a tree', () => {
    const edge = (from: string, to: string): Import => ({ from, specifier: to, to });
    expect(cycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')])).toEqual(['a -> b -> c -> a']);
    expect(cycles([edge('a', 'b'), edge('a', 'c'), edge('b', 'c')])).toEqual([]);
  });
});

/** One cycle per strongly connected component (Tarjan), spelled from its first file in order. */
function cycles(edges: readonly Import[]): string[] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) if (to !== undefined) next.set(from, [...new Set([...(next.get(from) ?? []), to])].sort());
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to ?? e.from]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      for (;;) {
        const top = stack.pop() as string;
        onStack.delete(top);
        component.push(top);
        if (top === node) break;
      }
      if (component.length > 1 || (next.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components.map((component) => pathThrough(new Set(component), next)).sort();
}

/** A shortest cycle through the component's first file (breadth first, inside the component). */
function pathThrough(component: ReadonlySet<string>, next: ReadonlyMap<string, readonly string[]>): string {
  const start = [...component].sort()[0] as string;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const to of next.get(node) ?? []) {
      if (!component.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start].join(' -> ');
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return start;
}
