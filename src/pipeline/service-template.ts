/**
 * The service template of a deploy, as the MeshAgent CLI's deploy reads one: `.meshagent/deploy.yaml` in the context
 * (or the `service-template` input), its values from `.meshagent/values.yaml` beside it, then the `values` file,
 * then `image` (the tag), then `set`; rendered and checked by the API, the required values checked, and turned into
 * the service spec with the built image pinned. The CLI saves the values back to `.meshagent/values.yaml`; a ship
 * does not write into the checkout.
 */
import { access, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ShipError } from '../errors.js';
import { fileError } from '../file-errors.js';
import type { ShipConfig } from '../inputs/ship-config.js';
import type { MeshagentClient } from '../meshagent/client.js';
import { missingValues, templateDomain, templateServiceSpec, usesImage } from '../meshagent/service-template.js';
import type { ServiceSpec } from '../meshagent/wire-service.js';

const DEFAULT_TEMPLATE = '.meshagent/deploy.yaml';
const SAVED_VALUES = '.meshagent/values.yaml';

export interface TemplateDeploy {
  readonly path: string;
  /** The template's service name, which names the service (not the tag). */
  readonly name: string;
  readonly spec: ServiceSpec;
  /** The `domain` input, else the template's first `route` value. */
  readonly domain: string | undefined;
  /** Whether the spec runs or mounts the image this run ships. */
  readonly usesImage: boolean;
}

/** The template's path: the input (relative to the context), else the CLI's default place when it exists. */
export async function templatePath(config: ShipConfig): Promise<string | undefined> {
  const given = config.service.serviceTemplate.path;
  if (given !== undefined) return resolve(config.image.context, given);
  const path = inContext(config.image.context, DEFAULT_TEMPLATE);
  return (await exists(path)) ? path : undefined;
}

/** Renders the template for this deploy; `pinned` stands where the template names `tag`. */
export async function renderTemplateFor(config: ShipConfig, client: MeshagentClient, path: string, tag: string, pinned: string): Promise<TemplateDeploy> {
  const { context } = config.image;
  const { valuesFile, set } = config.service.serviceTemplate;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw withInput(fileError(error, path, 'service-template', 'give the path of a ServiceTemplate YAML file, relative to the context'), 'service-template');
  }
  const values: Record<string, string> = { ...(await loadValues(inContext(context, SAVED_VALUES), false)) };
  if (valuesFile !== undefined) Object.assign(values, await loadValues(resolve(context, valuesFile), true));
  values.image = tag;
  Object.assign(values, set);

  const rendered = await client.renderTemplate(text, values);
  const missing = missingValues(rendered, values);
  if (missing.length > 0) {
    throw new ShipError(
      `missing required deploy template values: ${missing.join(', ')}. Pass them with --set KEY=VALUE or run deploy in an interactive terminal.`,
      { input: 'set', hint: `give them in set (one KEY=VALUE per line) or in the values file, e.g. ${missing[0]}=...` },
    );
  }
  const spec = templateServiceSpec(rendered, tag, pinned);
  return { path, name: rendered.metadata.name, spec, domain: config.service.domain ?? templateDomain(rendered, values), usesImage: usesImage(spec, pinned) };
}

/**
 * A YAML map of values as the CLI reads one (`_load_yaml_string_map`): empty is none, keys are strings, a value is
 * its text (null empty, true `True`, as Python's `str`). The saved values file may be missing.
 */
async function loadValues(path: string, required: boolean): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw withInput(fileError(error, path, 'values', 'give the path of a YAML map of values, relative to the context'), 'values');
  }
  // Loaded here, not with the module: a ship without values does not pay for the YAML parser at start.
  const { parse: parseYaml } = await import('yaml');
  let loaded: unknown;
  try {
    loaded = parseYaml(text, { version: '1.1', mapAsMap: true });
  } catch (error) {
    throw new ShipError(`${path} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`, { input: 'values' });
  }
  if (loaded === null || loaded === undefined) return {};
  if (!(loaded instanceof Map)) throw new ShipError(`${path} must contain a YAML map`, { input: 'values', hint: 'write one KEY: VALUE per line' });
  const values: Record<string, string> = {};
  for (const [key, value] of loaded) {
    if (typeof key !== 'string' || key.trim() === '') {
      throw new ShipError(`${path} contains a non-string template value key`, { input: 'values', hint: 'quote keys that YAML reads as numbers or booleans' });
    }
    values[key] = pythonStr(value);
  }
  return values;
}

function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

function withInput(error: ShipError, input: string): ShipError {
  return error.input ? error : new ShipError(error.message, { input, ...(error.hint ? { hint: error.hint } : {}), cause: error });
}

/**
 * A path in the context. A function of its own, so the bundler does not take a literal path here for a file to
 * copy into dist/.
 */
function inContext(context: string, relative: string): string {
  return resolve(context, relative);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
