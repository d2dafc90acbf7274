/**
 * The room ServiceSpec exactly as the MeshAgent CLI's `deploy` builds it (reference §5.2 and §5.4): a new service
 * from the inputs and the image's facts, or an existing service updated by merging, never replaced wholesale.
 * Pure functions, no I/O: every rule can be tested on its own, and a spec that would be refused is refused here,
 * before anything touches the running service.
 */
import { ShipError } from '../errors.js';
import type { ImageFacts } from './image-facts.js';
import {
  DEPLOYED_BY,
  DEPLOYED_BY_ANNOTATION,
  INPUTS_DIGEST_ANNOTATION,
  SERVICE_ID_ANNOTATION,
  STOPPED_BY_ROLLBACK_ANNOTATION,
  withValidationMode,
} from './service-annotations.js';
import { buildContainer, checkVolumesMounted } from './service-container.js';
import type { ServiceOptions } from './service-options.js';
import { buildPorts, routeTargetPort } from './service-ports.js';
import { withRunAs } from './service-template.js';
import type { ServiceSpec } from './wire-service.js';

export interface ServiceSpecRequest {
  /** The service name (the `service-name` input, else derived from the tag). */
  readonly serviceName: string;
  readonly image: ImageFacts;
  readonly options: ServiceOptions;
  /** The room's service of that name, when there is one. */
  readonly existing: ServiceSpec | undefined;
  /**
   * The spec a service template rendered to, its image pinned: the service is this spec (with the id of the service
   * of its name), not one built from the options.
   */
  readonly rendered?: ServiceSpec | undefined;
}

export interface BuiltServiceSpec {
  readonly spec: ServiceSpec;
  /** The published port `domain` routes to; undefined without a domain. */
  readonly routePort: number | undefined;
}

/** Builds the spec the CLI would send, or throws the CLI's error for the first rule broken. */
export function buildServiceSpec(request: ServiceSpecRequest): BuiltServiceSpec {
  const { serviceName: name, image, options, existing, rendered } = request;
  // A service template's spec is the service, as the CLI's deploy sends it: whole, with the id of the service it
  // replaces, nothing merged from that service.
  if (rendered) {
    const spec: ServiceSpec = { ...withRunAs(rendered, options.runAs), ...(existing?.id ? { id: existing.id } : {}) };
    return { spec, routePort: options.domain === undefined ? undefined : routeTargetPort(spec.ports ?? [], options.extraPorts) };
  }
  if (existing?.external) {
    throw new ShipError(`existing service ${name} is external and cannot be replaced with a container deployment`, {
      hint: `choose another service-name, or remove the external service ${name} from the room first`,
    });
  }

  const annotations = withValidationMode({ ...(existing?.metadata.annotations ?? {}) }, options.validationMode);
  annotations[SERVICE_ID_ANNOTATION] = name;
  annotations[DEPLOYED_BY_ANNOTATION] = DEPLOYED_BY;
  // A ship without a digest (by hand, say) may run other inputs: the old digest would claim otherwise.
  if (options.inputsDigest !== undefined) annotations[INPUTS_DIGEST_ANNOTATION] = options.inputsDigest;
  else delete annotations[INPUTS_DIGEST_ANNOTATION];
  // A service a failed first rollout left stopped is started again; one disabled otherwise stays as it is.
  const restart = annotations[STOPPED_BY_ROLLBACK_ANNOTATION] !== undefined;
  delete annotations[STOPPED_BY_ROLLBACK_ANNOTATION];

  const container = buildContainer(name, image, options, existing?.container ?? undefined);
  const ports = buildPorts(name, image, options, existing);
  checkVolumesMounted(image, container.storage ?? undefined);
  const routePort = options.domain === undefined ? undefined : routeTargetPort(ports, options.extraPorts);

  const base: ServiceSpec = existing ? { ...existing, external: null } : { version: 'v1', kind: 'Service', enabled: true, metadata: { name } };
  const spec: ServiceSpec = {
    ...base,
    ...(restart ? { enabled: true } : {}),
    metadata: { ...base.metadata, name, annotations },
    ports,
    container,
  };
  return { spec, routePort };
}
