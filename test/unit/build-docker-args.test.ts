// The docker command lines, checked as data: the buildx path cannot run on a machine without buildx, so its
// argv is pinned here (the build + save path runs for real in test/e2e/build-docker.test.ts).
import { describe, expect, it } from 'vitest';
import { buildxArgs, dockerBuildArgs, parseBuildxDriver } from '../../src/build/docker.js';
import type { BuildRequest } from '../../src/build/types.js';

const request: BuildRequest = {
  context: '/ctx',
  file: 'Dockerfile',
  buildArgs: [
    { name: 'A', value: '1 2' },
    { name: 'B', value: '' },
  ],
  target: 'prod',
  platforms: ['linux/amd64', 'linux/arm64'],
  tag: 'reg.test/acme/web:1',
  outputDir: '/out',
  log: () => {},
};
const files = { context: '/ctx', dockerfile: '/ctx/Dockerfile' };

describe('docker command lines', () => {
  it('buildx exports an OCI layout directory named by the tag', () => {
    expect(buildxArgs(request, files, '/out/layout')).toEqual([
      'buildx',
      'build',
      '--progress',
      'plain',
      '--file',
      '/ctx/Dockerfile',
      '--tag',
      'reg.test/acme/web:1',
      '--build-arg',
      'A=1 2',
      '--build-arg',
      'B=',
      '--target',
      'prod',
      '--platform',
      'linux/amd64,linux/arm64',
      '--output',
      'type=oci,dest=/out/layout,tar=false,name=reg.test/acme/web:1',
      '/ctx',
    ]);
  });

  it('docker build takes the same flags, extras before the context', () => {
    expect(dockerBuildArgs({ ...request, platforms: [], target: undefined, buildArgs: [] }, files, ['--network', 'none'])).toEqual([
      'build',
      '--file',
      '/ctx/Dockerfile',
      '--tag',
      'reg.test/acme/web:1',
      '--network',
      'none',
      '/ctx',
    ]);
  });

  it('reads the driver from docker buildx inspect', () => {
    const inspect = 'Name:          builder\nDriver:        docker-container\nLast Activity: 2026-01-01\n\nNodes:\nName:      builder0\n';
    expect(parseBuildxDriver(inspect)).toBe('docker-container');
    expect(parseBuildxDriver('Name: default\nDriver: docker\n')).toBe('docker');
    expect(parseBuildxDriver('nothing')).toBeUndefined();
  });
});

describe('builderEnv', () => {
  it('hands builders our environment without the MeshAgent API key', async () => {
    const { builderEnv } = await import('../../src/build/process.js');
    process.env.MESHAGENT_API_KEY = 'ma-secret-key';
    process.env['INPUT_API-KEY'] = 'ma-secret-key';
    try {
      const env = builderEnv({ DOCKER_HOST: 'unix:///x.sock' });
      expect(Object.values(env)).not.toContain('ma-secret-key');
      expect(env.DOCKER_HOST).toBe('unix:///x.sock');
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.MESHAGENT_API_KEY;
      delete process.env['INPUT_API-KEY'];
    }
  });
});
