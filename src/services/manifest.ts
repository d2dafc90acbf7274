/**
 * The service manifest, `meshagent-ship.yml` at the repository root:
 *
 *   defaults:            # optional: inputs every service gets unless it sets them itself
 *     room: staging
 *   services:
 *     - name: hello      # required: the matrix leg's name, also the concurrency and artifact key
 *       context: examples/hello
 *       tag: hello       # <repository> or <repository>:<tag>; without a tag the workflow's tag is added
 *       domain: hello.example.com
 *       ports: [8080]
 *       env: { LOG_LEVEL: info }
 *       paths: [shared/**]   # more files whose change ships this service (besides its context)
 *
 * Any action input except api-key, api-url, project-id and dry-run may be set per service, under its action name.
 * A manifest may instead hold only `discover: [globs]`, the directories to search for a Dockerfile.
 * Errors name the manifest line and the field, e.g. `meshagent-ship.yml:7: services[1].ports: ...`.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ShipError } from '../errors.js';
import { KEY_VALUE_LISTS, KIT_INPUTS, SERVICE_INPUTS, inputText, type FieldValue } from './fields.js';

export const MANIFEST_FILE = 'meshagent-ship.yml';

/** One service, as the matrix needs it. */
export interface ServiceSpec {
  readonly name: string;
  /** Action inputs by name, as the text the action reads (defaults merged in). */
  readonly inputs: Readonly<Record<string, string>>;
  /** Globs of further files whose change ships this service. */
  readonly paths: readonly string[];
  /** Where it came from: a manifest line, or the directory its Dockerfile was found in. */
  readonly origin: { readonly file: string; readonly line: number } | { readonly discovered: string };
}

export interface Manifest {
  readonly file: string;
  /** Undefined when the manifest only says where to discover services. */
  readonly services: readonly ServiceSpec[] | undefined;
  readonly discover: readonly string[] | undefined;
}

export interface ManifestIssue {
  readonly line: number;
  /** The field's path, e.g. `services[1].ports`. */
  readonly field: string;
  readonly message: string;
  readonly hint: string | undefined;
}

/** Every problem of a manifest at once, each with its line and field. */
export class ManifestError extends ShipError {
  readonly file: string;
  readonly issues: readonly ManifestIssue[];

  constructor(file: string, issues: readonly ManifestIssue[]) {
    const lines = issues.map((i) => `${file}:${i.line}: ${i.field ? `${i.field}: ` : ''}${i.message}`);
    const hints = [...new Set(issues.map((i) => i.hint).filter((h): h is string => h !== undefined))];
    super(lines.length === 1 ? (lines[0] ?? '') : `${file} has ${lines.length} errors:\n${lines.map((l) => `  ${l}`).join('\n')}`, {
      ...(hints.length > 0 ? { hint: hints.join('; ') } : {}),
      input: 'manifest',
    });
    this.file = file;
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Schema

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NAME_HINT = 'use lowercase letters, digits and -, at most 63 characters, e.g. name: hello-api';

function inputField(name: string, kind: string): z.ZodType<FieldValue> {
  if (kind === 'boolean') return z.union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' });
  if (kind === 'list') {
    const forms = [z.string(), z.array(scalar)] as const;
    return KEY_VALUE_LISTS.has(name)
      ? z.union([...forms, z.record(z.string(), scalar)], { error: 'must be a list, a KEY: value mapping, or a string with one item a line' })
      : z.union(forms, { error: 'must be a list, or a string with one item a line' });
  }
  return z.union([z.string(), z.number()], { error: 'must be a string' });
}

const inputShape = Object.fromEntries(SERVICE_INPUTS.map(({ name, kind }) => [name, inputField(name, kind).optional()]));
const globs = z.array(z.string().min(1, { error: 'must not be empty' }), { error: 'must be a list of globs' });

const serviceSchema = z.strictObject({
  name: z.string({ error: 'is required: every service needs a name' }).regex(NAME, { error: 'must be lowercase letters, digits and -' }),
  paths: globs.optional(),
  ...inputShape,
});
const manifestSchema = z
  .strictObject({
    version: z.literal(1, { error: 'must be 1' }).optional(),
    defaults: z.strictObject(inputShape).optional(),
    services: z.array(serviceSchema, { error: 'must be a list of services' }).optional(),
    discover: globs.optional(),
  })
  .refine((m) => m.services !== undefined || m.discover !== undefined, {
    error: 'the manifest needs services (a list), or discover (globs of directories with a Dockerfile)',
  });

type ServiceEntry = z.infer<typeof serviceSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Positions

type Path = readonly (string | number)[];

/** `services[1].ports` for ['services', 1, 'ports']. */
function fieldName(path: Path): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

/** The line of the node at `path` (of its key, for a mapping's field); the nearest existing parent's otherwise. */
function lineOf(doc: Document, counter: LineCounter, path: Path, key = true): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const [index, part] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === part);
      if (!pair) break;
      const keyNode = pair.key as { range?: [number] };
      const last = index === path.length - 1;
      offset = (last && key ? keyNode.range?.[0] : ((pair.value as { range?: [number] } | null)?.range?.[0] ?? keyNode.range?.[0])) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as { range?: [number] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return counter.linePos(offset).line;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

/** Parses and checks a manifest's text; throws ManifestError naming every bad line and field. */
export function parseManifest(text: string, file = MANIFEST_FILE): Manifest {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ManifestError(
      file,
      doc.errors.map((e) => ({
        line: e.linePos?.[0].line ?? 1,
        field: '',
        message: `not valid YAML: ${e.message.split('\n')[0] ?? e.code}`,
        hint: 'check the indentation and quoting on that line',
      })),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const issues: ManifestIssue[] = [];
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) issues.push({ line: lineOf(doc, counter, [...path, key], true), field: fieldName([...path, key]), ...unknownField(key) });
      } else {
        issues.push({ line: lineOf(doc, counter, path), field: fieldName(path), message: issue.message, hint: hintFor(path) });
      }
    }
    throw new ManifestError(file, sortIssues(issues));
  }
  const manifest = parsed.data;
  const issues: ManifestIssue[] = [];
  const seen = new Map<string, number>();
  const services = manifest.services?.map((entry, index): ServiceSpec => {
    const line = lineOf(doc, counter, ['services', index, 'name']);
    const first = seen.get(entry.name);
    if (first !== undefined) {
      issues.push({
        line,
        field: `services[${index}].name`,
        message: `${entry.name} is already the name of services[${first}]`,
        hint: 'give every service its own name',
      });
    } else seen.set(entry.name, index);
    return { name: entry.name, inputs: serviceInputs(manifest.defaults ?? {}, entry), paths: entry.paths ?? [], origin: { file, line } };
  });
  if (services?.length === 0) {
    issues.push({
      line: lineOf(doc, counter, ['services']),
      field: 'services',
      message: 'lists no service',
      hint: 'add a service, or remove services to discover them by Dockerfile',
    });
  }
  if (issues.length > 0) throw new ManifestError(file, issues);
  return { file, services, discover: manifest.discover };
}

/** The service's inputs over the defaults, as the action's text. */
function serviceInputs(defaults: Record<string, unknown>, entry: ServiceEntry): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const { name } of SERVICE_INPUTS) {
    const value = (entry as Record<string, unknown>)[name] ?? defaults[name];
    if (value !== undefined) inputs[name] = inputText(name, value as FieldValue);
  }
  return inputs;
}

function unknownField(key: string): { message: string; hint: string } {
  const reason = KIT_INPUTS[key];
  if (reason) return { message: `${key} cannot be set per service`, hint: reason };
  const close = [...SERVICE_INPUTS.map((i) => i.name), 'name', 'paths', 'defaults', 'services', 'discover'].find((name) => near(name, key));
  return {
    message: `unknown field ${key}`,
    hint: close ? `did you mean ${close}?` : 'a service takes name, paths, and the action inputs by their action.yml names (context, file, tag, room, ...)',
  };
}

function hintFor(path: Path): string | undefined {
  const last = path.at(-1);
  if (last === 'name') return NAME_HINT;
  if (last === 'paths' || last === 'discover' || (typeof last === 'number' && path.at(-2) === 'paths')) return 'e.g. paths: ["shared/**", "package-lock.json"]';
  if (typeof last === 'string' && KEY_VALUE_LISTS.has(last)) return `e.g. ${last}: { KEY: value } or ${last}: ["KEY=value"]`;
  return undefined;
}

/** Edit distance at most 2 (typos such as contxt, dockerfile-less spellings). */
function near(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return (previous[b.length] ?? 99) <= 2;
}

export function sortIssues(issues: readonly ManifestIssue[]): ManifestIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.field.localeCompare(b.field));
}

/**
 * Line of a service's field (or of the defaults' field it inherits, or of the service) for later checks; with
 * `item`, the 0-based item of a field written as a YAML list.
 */
export function fieldLine(text: string, serviceIndex: number, field: string, item?: number): { line: number; field: string } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  for (const base of [
    ['services', serviceIndex, field],
    ['defaults', field],
  ] as const) {
    const node = doc.getIn(base, true);
    if (node === undefined) continue;
    const name = fieldName(base);
    if (item !== undefined && isSeq(node) && node.items[item] !== undefined) return { line: lineOf(doc, counter, [...base, item]), field: `${name}[${item}]` };
    return { line: lineOf(doc, counter, base), field: name };
  }
  return { line: lineOf(doc, counter, ['services', serviceIndex, 'name']), field: `services[${serviceIndex}]` };
}
