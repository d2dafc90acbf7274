/**
 * A service template as the MeshAgent CLI's deploy uses one (cli image.py 2898-3120, api specs/service.py
 * `to_service_spec`): the API's rendering read back, turned into the service spec field for field, the built image
 * pinned where the template names the tag, the required values checked and a `route` variable's value taken as the
 * domain. Pure functions; the rendering is the API's (`POST /templates/render`).
 */
import { z } from 'zod';
import { ShipError } from '../errors.js';
import { imageMountRef } from './image-runtime.js';
import { SERVICE_ID_ANNOTATION } from './service-annotations.js';
import { ServiceSpec } from './wire-service.js';

const Variable = z.looseObject({ name: z.string(), optional: z.boolean().nullish(), type: z.string().nullish() });
const Container = z.looseObject({ image: z.string().nullish(), environment: z.array(z.unknown()).nullish(), storage: z.looseObject({}).nullish() });

/** A rendered template as the API answers it: read leniently, as the spec it becomes is checked in full. */
export const RenderedTemplate = z.looseObject({
  version: z.string(),
  metadata: z.looseObject({ name: z.string(), annotations: z.record(z.string(), z.string()).nullish() }),
  variables: z.array(Variable).nullish(),
  agents: z.array(z.unknown()).nullish(),
  ports: z.array(z.unknown()).nullish(),
  files: z.array(z.unknown()).nullish(),
  container: Container.nullish(),
  external: z.looseObject({ url: z.string() }).nullish(),
});
export type RenderedTemplate = z.infer<typeof RenderedTemplate>;

const SOURCE = 'the service template';
/** Where upstream's rendering keeps the values a template was rendered with (a JSON map). */
export const TEMPLATE_VALUES_ANNOTATION = 'meshagent.service.template.values';

/** The values the template requires and was not given (blank counts as not given), as the CLI finds them. */
export function missingValues(template: RenderedTemplate, values: Readonly<Record<string, string>>): string[] {
  return (template.variables ?? []).filter((v) => !v.optional && (values[v.name] ?? '').trim() === '').map((v) => v.name);
}

/** The first `route` variable's value: the domain when none is given, as the CLI's deploy takes it. */
export function templateDomain(template: RenderedTemplate, values: Readonly<Record<string, string>>): string | undefined {
  const route = (template.variables ?? []).find((v) => v.type === 'route' && (values[v.name] ?? '').trim() !== '');
  return route ? (values[route.name] ?? '').trim() : undefined;
}

/**
 * `to_service_spec`, then the CLI's deploy plan: the service-id annotation (the template's own, else the name), the
 * tag pinned in the container image and in image mounts (`_deploy_plan_with_published_image`).
 */
export function templateServiceSpec(template: RenderedTemplate, tag: string, pinned: string): ServiceSpec {
  const c = template.container;
  const storage = c?.storage as Record<string, unknown> | null | undefined;
  const annotations = { ...(template.metadata.annotations ?? {}) };
  annotations[SERVICE_ID_ANNOTATION] = (annotations[SERVICE_ID_ANNOTATION] ?? template.metadata.name).trim() || template.metadata.name;
  const images = storage?.images as { image: string }[] | null | undefined;
  const spec = {
    version: template.version,
    kind: 'Service',
    agents: template.agents ?? null,
    metadata: { ...template.metadata, annotations },
    files: template.files ?? null,
    container: c
      ? {
          command: c.command ?? null,
          working_dir: c.working_dir ?? null,
          image: c.image === tag ? pinned : c.image,
          run_as: c.run_as ?? null,
          template: c.template,
          environment: c.environment ?? [],
          // Volumes are not carried over: upstream's to_service_spec leaves them out.
          storage: storage
            ? {
                room: storage.room ?? null,
                images: images ? images.map((m) => (m.image === tag ? { ...m, image: imageMountRef(pinned) } : m)) : null,
                files: storage.files ?? null,
                empty_dirs: storage.empty_dirs ?? null,
                configs: storage.configs ?? null,
              }
            : null,
          writable_root_fs: c.writable_root_fs ?? null,
          on_demand: c.on_demand ?? null,
          private: c.private,
        }
      : null,
    external: template.external ? { url: template.external.url } : null,
    ports: template.ports ?? null,
  };
  const parsed = ServiceSpec.safeParse(spec);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`).join('; ');
  throw new ShipError(`Invalid service template. ${SOURCE} renders to a service the API refuses: ${details}`, {
    input: 'service-template',
    hint: 'a container service needs container.image (e.g. "{{ image }}" for the image this run builds)',
  });
}

/**
 * The run-as account on a template's spec, as the CLI's deploy puts it (`_deploy_plan_with_run_as`, then
 * `_deploy_plan_with_secret_environment_run_as_scopes`): the `run-as` input replaces the template's; an account whose
 * environment has secrets gets `secrets:proxy` and `secrets:read` added to its scopes.
 */
export function withRunAs(spec: ServiceSpec, runAs: string | undefined): ServiceSpec {
  let container = spec.container;
  if (runAs !== undefined) {
    if (!container)
      throw new ShipError('--run-as requires a container service', { input: 'run-as', hint: 'leave run-as empty for a template without a container' });
    container = { ...container, run_as: { email: runAs } };
  }
  const runAsNow = container?.run_as;
  if (!container || !runAsNow || !(container.environment ?? []).some((entry) => entry.secret))
    return container === spec.container ? spec : { ...spec, container };
  const scopes = (runAsNow.scopes ?? ['secrets:proxy']).map((scope) => scope.trim()).filter((scope) => scope !== '');
  for (const required of ['secrets:proxy', 'secrets:read']) if (!scopes.includes(required)) scopes.push(required);
  return { ...spec, container: { ...container, run_as: { ...runAsNow, scopes } } };
}

/** Whether the spec runs or mounts the pinned image at all: a template may name another image only. */
export function usesImage(spec: ServiceSpec, pinned: string): boolean {
  const c = spec.container;
  return c?.image === pinned || (c?.storage?.images ?? []).some((m) => m.image === imageMountRef(pinned));
}
