/**
 * The ports of a room service, as the CLI's `deploy` chooses them: the ports input, else the existing service's,
 * else the image's exposed TCP ports; none of them reserved for room infrastructure. Then the liveness path, public
 * access and request validation on each, and the one published port a domain routes to.
 */
import { ShipError } from '../errors.js';
import type { ImageFacts } from './image-facts.js';
import { RESERVED_ROOM_SERVICE_PORTS } from './reserved-ports.js';
import { withValidationMode } from './service-annotations.js';
import type { ExtraRoutePort, ServiceOptions } from './service-options.js';
import type { PortSpec, ServiceSpec } from './wire-service.js';

const reservedList = RESERVED_ROOM_SERVICE_PORTS.join(', ');

/**
 * The ports the image exposes, as the CLI reads Dockerfile EXPOSE (cli image.py:1304-1315, 1372-1395): udp is
 * skipped (any other protocol counts), a port that is not a number from 1 to 65535 is skipped, each port once.
 */
function exposedTcpPorts(image: ImageFacts): number[] {
  const ports: number[] = [];
  for (const key of image.exposedPorts) {
    const [numText = '', protocol = ''] = key.split('/');
    if (protocol.toLowerCase() === 'udp') continue;
    if (!/^[0-9]+$/.test(numText)) continue;
    const num = Number(numText);
    if (num < 1 || num > 65535 || ports.includes(num)) continue;
    ports.push(num);
  }
  if (ports.some((num) => RESERVED_ROOM_SERVICE_PORTS.includes(num))) {
    const what = image.built ? 'packed Dockerfile' : `image ${image.ref}`;
    throw new ShipError(`${what} exposed a reserved MeshAgent room infrastructure port; reserved ports: ${reservedList}`, {
      hint: 'let the service listen on another port and EXPOSE that one, or set the ports input',
    });
  }
  return ports;
}

/** The ports a new service gets: the `ports` input, else the image's exposed ports (the CLI's Dockerfile ports). */
export function defaultPorts(image: ImageFacts, options: Pick<ServiceOptions, 'ports'>): PortSpec[] {
  if (options.ports !== undefined) return options.ports.map((p) => ({ num: p.num, type: p.type, published: true, endpoints: [] }));
  return exposedTcpPorts(image).map((num) => ({ num, type: 'http' as const, published: true, endpoints: [] }));
}

/**
 * The ports: the `ports` input; else the existing service's; else the image's exposed TCP ports. Then, on every
 * port, the reserved check; on non-tcp ports the liveness path; on published ports `public` and the validation
 * annotation.
 */
export function buildPorts(name: string, image: ImageFacts, options: ServiceOptions, existing: ServiceSpec | undefined): PortSpec[] {
  // Read first, as the CLI parses the Dockerfile (and refuses a reserved EXPOSE) before it looks at the service.
  const fromImage = defaultPorts(image, options);
  let ports: PortSpec[];
  if (options.ports !== undefined) {
    ports = fromImage;
  } else if (existing?.ports && existing.ports.length > 0) {
    ports = existing.ports.map((p) => ({ ...p }));
  } else {
    ports = fromImage;
  }
  return ports.map((port) => {
    if (typeof port.num === 'number' && RESERVED_ROOM_SERVICE_PORTS.includes(port.num)) {
      const source = options.ports !== undefined ? 'ports' : existing ? `existing service ${name}` : 'the inferred service configuration';
      throw new ShipError(`${source} uses reserved MeshAgent room infrastructure port ${port.num}; reserved ports: ${reservedList}`, {
        input: 'ports',
        hint: 'set the ports input to the port the service listens on',
      });
    }
    const result: PortSpec = { ...port };
    if (result.type !== 'tcp') {
      if (options.liveness !== undefined) result.liveness = options.liveness;
      else if (result.liveness == null) result.liveness = '/';
    }
    if (result.published) {
      result.public = options.public ? true : null;
      // `annotations or None`: an empty map is sent as null, as the CLI does (cli image.py:2526-2553).
      const annotations = withValidationMode({ ...(result.annotations ?? {}) }, options.validationMode);
      result.annotations = Object.keys(annotations).length > 0 ? annotations : null;
    }
    return result;
  });
}

/**
 * The one published numeric port a domain's `/` routes to, with the CLI's errors for none or several. A port an
 * extra path routes to by number is not counted (cli image.py:2556-2581).
 */
export function routeTargetPort(ports: readonly PortSpec[], extraPorts: readonly ExtraRoutePort[] = []): number {
  const extra = new Set(extraPorts.flatMap((e) => (typeof e.target === 'number' ? [e.target] : [])));
  const published = ports.filter((p) => p.published && typeof p.num === 'number' && !extra.has(p.num));
  const only = published[0];
  if (published.length === 1 && only && typeof only.num === 'number') return only.num;
  const which = published.length === 0 ? 'the service has none' : 'the service has multiple published ports';
  throw new ShipError(`domain requires exactly one published service port; ${which}`, {
    input: 'domain',
    hint: published.length === 0 ? 'EXPOSE the port the service listens on, or set the ports input' : 'list the one port to route in the ports input',
  });
}
