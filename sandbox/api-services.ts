/**
 * Services of a room or of the project (reference §2.6 and §2.7): listed, read by id or by name, created, updated
 * with the whole spec (its id in the body or not: the path names it) and deleted, each name once in its list.
 * Project services reach the rooms of the project at their next session upstream; the sandbox records them only.
 * A write may send a service template and its values instead of a spec, rendered as upstream renders it.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, parse, requirePermission, type ApiAnswer } from './api-common.js';
import type { ApiKeyRecord } from './state.js';
import { renderServiceTemplate, templateToServiceSpec } from './template-render.js';
import { ServiceSpec } from './wire/service.js';
import { TemplateBody } from './wire/template.js';

/**
 * A service write's body as a spec: a ServiceSpec, or the template form (`{template, values}`, client.py
 * create_room_service_from_template), rendered as `/templates/render` renders it and turned into a spec.
 */
function specOf(body: unknown): { spec: ServiceSpec; fromTemplate: boolean } {
  if (body !== null && typeof body === 'object' && 'template' in body && !('version' in body)) {
    const { template, values } = parse(TemplateBody, body);
    return { spec: parse(ServiceSpec, templateToServiceSpec(renderServiceTemplate(template, values))), fromTemplate: true };
  }
  return { spec: parse(ServiceSpec, body), fromTemplate: false };
}

export class ServiceStore {
  constructor(
    /** The list written to (created when missing); throws the 404 of a missing room. */
    private readonly list: () => ServiceSpec[],
    /** Saves the state after a write and answers `json`. */
    private readonly changed: (json: unknown) => ApiAnswer,
    /**
     * What a create answers: `{id}` for a room service (client.py create_room_service); the created spec for a
     * project service, which the Python SDK reads as a ServiceSpec and the TypeScript one reads `id` of.
     */
    private readonly createdAnswer: 'id' | 'spec',
  ) {}

  all(): ServiceSpec[] {
    return this.list();
  }

  find(test: (service: ServiceSpec) => boolean): ServiceSpec {
    const found = this.list().find(test);
    if (!found) throw new ApiError(404, 'service not found');
    return found;
  }

  create(body: unknown, key: ApiKeyRecord): ApiAnswer {
    const services = this.list();
    const { spec, fromTemplate } = specOf(body);
    requirePermission(key, 'services:write');
    if (spec.id) throw new ApiError(400, 'invalid request: id: a new service has no id');
    if (services.some((s) => s.metadata.name === spec.metadata.name)) throw new ApiError(409, `service name already in use: ${spec.metadata.name}`);
    const created = { ...spec, id: randomUUID() };
    services.push(created);
    // The template form answers the created spec (both SDKs read it as a ServiceSpec).
    return this.changed(this.createdAnswer === 'id' && !fromTemplate ? { id: created.id } : created);
  }

  update(id: string, body: unknown, key: ApiKeyRecord): ApiAnswer {
    const services = this.list();
    const index = services.findIndex((s) => s.id === id);
    if (index === -1) throw new ApiError(404, 'service not found');
    const { spec, fromTemplate } = specOf(body);
    requirePermission(key, 'services:write');
    // The Python SDK sends the id in the body, the TypeScript SDK's updateRoomService may leave it out.
    if (spec.id != null && spec.id !== id) throw new ApiError(400, 'invalid request: id: must equal the service id in the path');
    if (services.some((s) => s.id !== id && s.metadata.name === spec.metadata.name))
      throw new ApiError(409, `service name already in use: ${spec.metadata.name}`);
    services[index] = { ...spec, id };
    return this.changed(this.createdAnswer === 'id' && !fromTemplate ? {} : services[index]);
  }

  delete(id: string, key: ApiKeyRecord): ApiAnswer {
    const services = this.list();
    const index = services.findIndex((s) => s.id === id);
    if (index === -1) throw new ApiError(404, 'service not found');
    requirePermission(key, 'services:write');
    services.splice(index, 1);
    return this.changed({});
  }
}
