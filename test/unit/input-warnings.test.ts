// Valid inputs that are likely mistakes are said before anything runs; plain http to a remote API is refused.
import { describe, expect, it } from 'vitest';
import { InputErrors } from '../../src/errors.js';
import { inputWarnings } from '../../src/inputs/warnings.js';
import { readConfig } from '../../src/inputs/parse-config.js';
import type { ShipConfig } from '../../src/inputs/ship-config.js';
import { ConsoleRunner } from '../../src/runner.js';
import { API_KEY } from '../fixtures.js';

function config(inputs: Record<string, string>, env: Record<string, string> = {}): ShipConfig {
  return readConfig(new ConsoleRunner({ inputs: { 'api-key': API_KEY, tag: 'app:1', room: 'dev', ...inputs }, env, stdout: () => {}, stderr: () => {} }));
}

describe('input warnings', () => {
  it('are none for ordinary inputs on an amd64 machine', () => {
    expect(inputWarnings(config({ env: 'A=1\nURL=https://x.example.com/?a=1,b=2', platforms: 'linux/amd64' }), 'x64')).toEqual([]);
  });

  it('name an env line that joins several variables with commas', () => {
    expect(inputWarnings(config({ env: 'A=1,B=2\nC=3' }), 'x64')).toEqual([
      'env: the value of A looks like several variables joined by commas (",NAME="); write one NAME=value per line',
    ]);
  });

  it('never print the value itself, which may be a secret', () => {
    const [warning] = inputWarnings(config({ env: 'TOKEN=s3cr3t-value,OTHER=2' }), 'x64');
    expect(warning).toContain('TOKEN');
    expect(warning).not.toContain('s3cr3t');
  });

  it('say that MeshAgent runs linux/amd64 only', () => {
    expect(inputWarnings(config({ platforms: 'linux/arm64\nlinux/amd64' }), 'x64')).toEqual([
      'platforms: MeshAgent runs linux/amd64 only; an image for linux/arm64 does not start there',
    ]);
    expect(inputWarnings(config({}), 'arm64')).toEqual([
      'platforms: this machine is arm64, so the build makes a arm64 image, which MeshAgent does not run; set platforms: linux/amd64',
    ]);
    // An image that is shipped as it is was built elsewhere: the machine says nothing about it.
    expect(inputWarnings(config({ image: 'oci:/tmp/layout' }), 'arm64')).toEqual([]);
  });
});

describe('an api-url over plain http', () => {
  const refused = (inputs: Record<string, string>, env: Record<string, string> = {}): string[] => {
    try {
      config(inputs, env);
      return [];
    } catch (error) {
      return (error as InputErrors).errors.map((e) => e.message);
    }
  };

  it('is refused for a remote host, so the key never crosses the network in clear', () => {
    expect(refused({ 'api-url': 'http://api.example.com' })).toEqual([
      'api-url: "http://api.example.com" is plain http to a host that is not loopback: the API key would cross the network unencrypted',
    ]);
  });

  it('is fine on loopback, with no key, or when MESHAGENT_SHIP_INSECURE_API=1 allows it (then a warning)', () => {
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:1', 'http://sandbox.localhost', 'http://[::1]:9'])
      expect(refused({ 'api-url': url }), url).toEqual([]);
    expect(refused({ 'api-url': 'http://api.example.com', 'api-key': '', 'dry-run': 'true' })).toEqual([]);
    const allowed = config({ 'api-url': 'http://api.example.com' }, { MESHAGENT_SHIP_INSECURE_API: '1' });
    expect(inputWarnings(allowed, 'x64')).toEqual([
      'api-url: http://api.example.com is plain http: the API key crosses the network unencrypted (MESHAGENT_SHIP_INSECURE_API=1)',
    ]);
  });
});
