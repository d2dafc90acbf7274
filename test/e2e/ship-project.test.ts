// scope: project, as the MeshAgent CLI's --global deploys: the image is built and pushed, then a project service is
// created (and on the next ship updated) through the project services endpoints, in no room of its own; the run
// says each room runs it from its next session and follows no rollout. A dry run plans it with the diff.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import type { ShipResult } from '../../src/report/result.js';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

const infra = inject('infra');
let sandbox: Sandbox;
let work: string;

function context(name: string, port: number): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'www'), { recursive: true });
  writeFileSync(join(dir, 'www', 'index.html'), `<p>${name}</p>\n`);
  writeFileSync(join(dir, 'Dockerfile'), `FROM scratch\nCOPY www /www\nEXPOSE ${port}\nCMD ["/www"]\n`);
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ship-project-'));
  sandbox = await startSandbox({ dir: join(work, 'sandbox') });
});

afterAll(async () => {
  await sandbox?.stop();
});

async function ship(inputs: Record<string, string>): Promise<{ result: ShipResult; summary: string }> {
  const { MESHAGENT_ROOM: _room, ...env } = sandbox.env();
  const runner = new ConsoleRunner({ inputs: { scope: 'project', builder: 'buildah', ...inputs }, env, stdout: () => {}, stderr: () => {} });
  const result = await shipFromInputs(runner, { builders: { buildah: { command: infra.buildah, isolation: 'chroot' as const } } });
  await reportResult(result, runner);
  return { result, summary: runner.summary };
}

const api = () => new MeshagentClient({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey, projectId: sandbox.projectId, mask: () => {} });

describe('scope: project', () => {
  it('creates a project service, then updates it, in no room, following no rollout', async () => {
    const { result, summary } = await ship({ tag: 'shared:1', context: context('shared', 8080), env: 'MODE=one' });
    expect(result.error).toBeNull();
    expect(result.service).toMatchObject({ name: 'sandbox-shared', room: null, created: true, route: 'none' });
    expect(result.rollout?.outcome).toBe('not-waited');
    expect(result.stages.find((s) => s.name === 'verify')?.detail).toContain('a project service: each room runs it from its next session');
    expect(summary).toContain('as a project service (every room runs it from its next session)');
    const created = (await api().findProjectService('sandbox-shared')) as unknown as { id: string; container: { image: string; environment: unknown } };
    expect(created.container.image).toBe(result.image?.ref);
    expect(await api().findService('dev', 'sandbox-shared')).toBeUndefined();

    const { result: plan } = await ship({ tag: 'shared:2', context: context('shared-2', 9090), 'dry-run': 'true' });
    const lines = (plan.plan ?? []).join('\n');
    expect(lines).toContain('scope      project: a project service, which every room runs from its next session');
    expect(lines).toContain('service    sandbox-shared would be updated');

    const { result: updated } = await ship({ tag: 'shared:2', context: context('shared-2', 9090), env: 'MODE=two' });
    expect(updated.error).toBeNull();
    expect(updated.service).toMatchObject({ name: 'sandbox-shared', room: null, created: false, id: created.id });
    const after = (await api().findProjectService('sandbox-shared')) as unknown as { container: { image: string; environment: unknown } };
    expect(after.container.image).toBe(updated.image?.ref);
    expect(after.container.environment).toEqual([{ name: 'MODE', value: 'two', token: null, secret: null }]);
  });
});
