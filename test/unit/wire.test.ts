import { describe, expect, it } from 'vitest';
import { withoutNulls } from '../../src/meshagent/client.js';
import { missingRepositoryError } from '../../src/meshagent/repository.js';
import { DeploymentConfig } from '../../src/meshagent/wire.js';
import { RouteSpec } from '../../src/meshagent/wire-route.js';
import { ServiceRecord, ServiceSpec } from '../../src/meshagent/wire-service.js';

describe('wire schemas', () => {
  it('read answers leniently, ignoring fields a newer server adds', () => {
    expect(DeploymentConfig.parse({ domains: { registry: 'r.example', newThing: 'x' }, version: '1' }).domains.registry).toBe('r.example');
    expect(DeploymentConfig.parse({}).domains).toEqual({});
    expect(ServiceRecord.parse({ id: 's', metadata: { name: 'n', extra: 1 }, future: true })).toMatchObject({ id: 's', future: true });
  });

  it('check request bodies strictly, as the API models forbid unknown fields', () => {
    const spec = { version: 'v1', kind: 'Service', metadata: { name: 'n' }, container: { image: 'i' } };
    expect(ServiceSpec.safeParse(spec).success).toBe(true);
    expect(ServiceSpec.safeParse({ ...spec, replicas: 2 }).success).toBe(false);
    expect(ServiceSpec.safeParse({ ...spec, container: { image: 'i', storage: { project: [] } } }).success).toBe(false);
    expect(ServiceSpec.safeParse({ ...spec, ports: [{ num: 8078 }] }).success).toBe(false);
    expect(ServiceSpec.safeParse({ ...spec, ports: [{ num: 0 }] }).success).toBe(false);
    expect(ServiceSpec.safeParse({ ...spec, container: { image: 'i', environment: [{ name: 'A', secret: { id: 's' } }] } }).success).toBe(false);
    expect(
      ServiceSpec.safeParse({ ...spec, container: { image: 'i', run_as: { email: 'a@b' }, environment: [{ name: 'A', secret: { id: 's' } }] } }).success,
    ).toBe(true);
  });

  it('check routes: one backend, paths for rooms, one target per path', () => {
    const route = { metadata: { name: 'd.example' }, domain: 'd.example', backend: { room: { name: 'dev' } }, paths: [{ path: '/', targetPort: 80 }] };
    expect(RouteSpec.parse(route)).toMatchObject({ version: 'v1', kind: 'Route', paths: [{ pathType: 'prefix' }] });
    expect(RouteSpec.safeParse({ ...route, paths: [] }).success).toBe(false);
    expect(RouteSpec.safeParse({ ...route, backend: { room: { name: 'a' }, agent: { name: 'b' } } }).success).toBe(false);
    expect(RouteSpec.safeParse({ ...route, paths: [{ path: 'x', targetPort: 80 }] }).success).toBe(false);
    expect(RouteSpec.safeParse({ ...route, paths: [{ path: '/', targetPort: ' ' }] }).success).toBe(false);
    expect(RouteSpec.safeParse({ ...route, paths: [{ path: '/' }] }).success).toBe(false);
  });
});

describe('withoutNulls', () => {
  it('drops null and undefined recursively, as create bodies leave them out', () => {
    expect(withoutNulls({ a: null, b: 1, c: { d: undefined, e: [{ f: null, g: 'x' }] } })).toEqual({ b: 1, c: { e: [{ g: 'x' }] } });
  });
});

describe('missingRepositoryError', () => {
  it('quotes shell words the way the CLI prints its commands', () => {
    const error = missingRepositoryError("p'1", 'key', 'team/app');
    expect(error.hint).toBe(
      `Create it with \`meshagent registry create --project-id 'p'"'"'1' --name team/app\` or inspect existing repositories with \`meshagent registry list --project-id 'p'"'"'1'\`.`,
    );
  });
});
