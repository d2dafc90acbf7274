// `meshagent-ship push` and `pull`: command lines parsed as the CLI does, run against the real registries, with
// credentials from the Docker config (never flags).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseCliArgs } from '../../src/cli-args.js';
import { pullCommand } from '../../src/commands/pull.js';
import { pushCommand } from '../../src/commands/push.js';
import { parseLocation } from '../../src/image-location.js';
import { ShipError } from '../../src/errors.js';
import { ConsoleRunner } from '../../src/runner.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';

const infra = inject('infra');
let dir: string;
/** Fresh repositories per run, also against a kept infra directory. */
const repo = `cli${Date.now().toString(36)}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'registry-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const runner = new ConsoleRunner({ env: { ...env }, stdout: (t) => stderr.push(t), stderr: (t) => stderr.push(t) });
  const args = parseCliArgs(argv);
  const command = args.command === 'push' ? pushCommand : pullCommand;
  let error: unknown;
  try {
    await command(args, runner, (t) => stdout.push(runner.mask(t)));
  } catch (e) {
    error = e;
  }
  return { stdout: stdout.join(''), stderr: stderr.join(''), error: error as ShipError | undefined, runner };
}

describe('push and pull commands', () => {
  it('pushes to the token registry with Docker config credentials and pulls the image back', async () => {
    const image = writeTinyOciLayout(join(dir, 'src'), 'cli image', 'app');
    const docker = join(dir, 'docker');
    const auth = Buffer.from(`${infra.tokenUser}:${infra.tokenPassword}`).toString('base64');
    const env = { DOCKER_CONFIG: docker };
    mkdirSync(docker, { recursive: true });
    writeFileSync(join(docker, 'config.json'), JSON.stringify({ auths: { [infra.registryToken]: { auth } } }));
    const ref = `${infra.registryToken}/${repo}/app:v1`;

    const pushed = await cli(['push', `oci:${image.dir}:app`, `docker://${ref}`], env);
    expect(pushed.error).toBeUndefined();
    expect(pushed.stdout.trim()).toBe(`${infra.registryToken}/${repo}/app@${image.manifestDigest}`);
    expect(pushed.stderr).toMatch(/pushed sha256:[a-f0-9]{64} as v1/);
    expect(pushed.runner.outputs.get('digest')).toBe(image.manifestDigest);
    expect(pushed.stderr + pushed.stdout).not.toContain(infra.tokenPassword);

    const pulled = await cli(['pull', `docker://${ref}`, `oci:${join(dir, 'dst')}:copy`], env);
    expect(pulled.error).toBeUndefined();
    expect(pulled.stdout.trim()).toBe(image.manifestDigest);
    const index = JSON.parse(readFileSync(join(dir, 'dst', 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests).toEqual([expect.objectContaining({ digest: image.manifestDigest, annotations: { 'org.opencontainers.image.ref.name': 'copy' } })]);
  });

  it('fails without credentials with a hint, and refuses a wrong direction', async () => {
    const image = writeTinyOciLayout(join(dir, 'anon'), 'anon', 'latest');
    const denied = await cli(['push', `oci:${image.dir}`, `docker://${infra.registryToken}/${repo}/anon:v1`], { DOCKER_CONFIG: join(dir, 'nowhere') });
    expect(denied.error?.message).toContain('not authorized to push to this repository');
    expect(denied.error?.hint).toContain('docker login');
    const wrong = await cli(['push', `docker://${infra.registryPlain}/a:1`, `oci:${image.dir}`]);
    expect(wrong.error?.message).toBe('push copies from an OCI layout to a registry');
    expect(() => parseCliArgs(['push', '--password', 'x'])).toThrow('unknown option --password');
  });

  it('reads image locations as skopeo writes them', () => {
    expect(parseLocation('oci:/tmp/x:latest', 'src')).toEqual({ kind: 'oci', dir: '/tmp/x', ref: 'latest' });
    expect(parseLocation('oci:/tmp/x', 'src')).toEqual({ kind: 'oci', dir: '/tmp/x', ref: undefined });
    expect(parseLocation('docker://127.0.0.1:5000/team/app:1', 'dst')).toEqual({
      kind: 'docker',
      registry: '127.0.0.1:5000',
      repository: 'team/app',
      tag: '1',
      digest: undefined,
    });
    expect(() => parseLocation('docker://team/app:1', 'dst')).toThrow('names no registry');
    expect(() => parseLocation('/tmp/x', 'dst')).toThrow('is not an image location');
  });
});
