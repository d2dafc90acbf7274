/**
 * Rendering a service template as upstream renders it (`ServiceTemplateSpec.from_yaml` and `to_service_spec`,
 * meshagent-api specs/service.py:967-1080): the whole text rendered as a Jinja template with the values, read as
 * YAML 1.1 (PyYAML's SafeLoader) where a `!template` scalar is rendered once more, checked with the model, and
 * annotated with the template's text and its values. Nunjucks stands in for Jinja: variables, filters, `if` and
 * `for` as Jinja has them; an unknown variable renders empty, as Jinja's default Undefined does.
 */
import nunjucks from 'nunjucks';
import { parse as parseYaml, type ScalarTag } from 'yaml';
import { ApiError } from './api-common.js';
import { ServiceTemplateSpec } from './wire/template.js';
import type { ServiceSpec } from './wire/service.js';

const jinja = new nunjucks.Environment(null, { autoescape: false });

// Nunjucks is not sandboxed: `range.constructor("...")()` reaches Function and runs code with the server's
// process (its files, its environment). Templates and their values come from the caller, so a lookup of a name
// that leads to constructors or prototypes finds nothing (the call of it is then an error). Nunjucks' compiled
// templates call this one function for every `a.b` and `a["b"]`.
const UNSAFE_MEMBERS = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
// The typings leave memberLookup out of `runtime`; it is there, and compiled templates call it.
const runtime = nunjucks.runtime as unknown as { memberLookup: (obj: unknown, name: unknown) => unknown };
const memberLookup = runtime.memberLookup;
runtime.memberLookup = (obj, name) => (UNSAFE_MEMBERS.has(String(name)) ? undefined : memberLookup(obj, name));

const TEMPLATE_YAML_ANNOTATION = 'meshagent.service.template.yaml';
const TEMPLATE_VALUES_ANNOTATION = 'meshagent.service.template.values';

function render(text: string, values: Readonly<Record<string, string>>): string {
  try {
    return jinja.renderString(text, { ...values });
  } catch (error) {
    throw new ApiError(400, `invalid service template: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The template rendered with its values and checked with the model, or a 400 naming what is wrong. */
export function renderServiceTemplate(text: string, values: Readonly<Record<string, string>>): ServiceTemplateSpec {
  // `add_multi_constructor("!template", ...)`: a scalar tagged !template (or !template:...) is rendered once more.
  const templateTag: ScalarTag = { tag: '!template', resolve: (value: string) => render(value, values) };
  let loaded: unknown;
  try {
    loaded = parseYaml(render(text, values), { version: '1.1', customTags: [templateTag] });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, `invalid service template: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = ServiceTemplateSpec.safeParse(loaded);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'template'}: ${issue.message}`).join('; ');
    throw new ApiError(400, `invalid service template: ${details}`);
  }
  const spec = parsed.data;
  spec.metadata.annotations = {
    ...(spec.metadata.annotations ?? {}),
    [TEMPLATE_YAML_ANNOTATION]: text,
    [TEMPLATE_VALUES_ANNOTATION]: pythonJsonDumps(values),
  };
  return spec;
}

/**
 * `json.dumps` of a string map as Python writes it: `", "` and `": "` between items, every character past ASCII
 * escaped as `\uXXXX` (surrogate pairs for the astral planes).
 */
export function pythonJsonDumps(values: Readonly<Record<string, string>>): string {
  const text = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `{${Object.entries(values)
    .map(([key, value]) => `${text(key)}: ${text(value)}`)
    .join(', ')}}`;
}

/**
 * `ServiceTemplateSpec.to_service_spec`, field for field: the environment always a list when there is a container,
 * annotations always a map, the storage without its volumes (upstream leaves them out).
 */
export function templateToServiceSpec(template: ServiceTemplateSpec): unknown {
  const container = template.container;
  return {
    version: template.version,
    kind: 'Service',
    agents: template.agents ?? null,
    metadata: { ...template.metadata, annotations: { ...(template.metadata.annotations ?? {}) } },
    files: template.files ?? null,
    container: container
      ? {
          command: container.command ?? null,
          working_dir: container.working_dir ?? null,
          image: container.image,
          run_as: container.run_as ?? null,
          template: container.template,
          environment: container.environment ?? [],
          storage: container.storage
            ? {
                room: container.storage.room ?? null,
                images: container.storage.images ?? null,
                files: container.storage.files ?? null,
                empty_dirs: container.storage.empty_dirs ?? null,
                configs: container.storage.configs ?? null,
              }
            : null,
          writable_root_fs: container.writable_root_fs ?? null,
          on_demand: container.on_demand ?? null,
          private: container.private,
        }
      : null,
    external: template.external ? { url: template.external.url } : null,
    ports: template.ports ?? null,
  } satisfies Partial<Record<keyof ServiceSpec, unknown>>;
}
