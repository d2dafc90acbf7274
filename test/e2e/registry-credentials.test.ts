// Credentials as Docker keeps them, against the real token-auth registry: an identity token traded with a
// refresh_token grant, and a credsStore helper found through DOCKER_CONFIG, as an `image:` reference's pull uses it.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pullIntoLayout, pushFromLayout } from '../../src/oci/index.js';
import { findCredentials } from '../../src/registry-env.js';
import { writeTinyOciLayout } from '../helpers/oci-layout.js';

const infra = inject('infra');
let work: string;
let path: string | undefined;
const target = (credentials?: Parameters<typeof pullIntoLayout>[0]['credentials']) => ({
  registry: infra.registryToken,
  repository: 'creds/app',
  ...(credentials ? { credentials } : {}),
  mask: () => {},
  log: () => {},
});

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'registry-creds-'));
  const layout = join(work, 'layout');
  writeTinyOciLayout(layout, 'credentials');
  await pushFromLayout(layout, target({ username: infra.tokenUser, password: infra.tokenPassword }), { tag: '1' });
  // A credsStore helper that knows the token registry's user.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'docker-credential-teststore'),
    `#!/bin/sh\nread server\n[ "$server" = "${infra.registryToken}" ] || { echo "credentials not found in native keychain"; exit 1; }\necho '{"ServerURL":"'$server'","Username":"${infra.tokenUser}","Secret":"${infra.tokenPassword}"}'\n`,
  );
  chmodSync(join(bin, 'docker-credential-teststore'), 0o755);
  path = process.env.PATH;
  process.env.PATH = `${bin}${delimiter}${path ?? ''}`;
});

afterAll(() => {
  process.env.PATH = path;
});

describe('registry credentials the Docker way', () => {
  it('pushes with an identity token (refresh_token grant; anonymous users may only pull), and is refused with a wrong one', async () => {
    const identity = { username: '<token>', password: '', identityToken: `identity-${infra.tokenPassword}` };
    const pushed = await pushFromLayout(join(work, 'layout'), target(identity), { tag: '2' });
    expect(pushed.digest).toMatch(/^sha256:/);
    await expect(pullIntoLayout(target({ username: '<token>', password: '', identityToken: 'identity-wrong' }), '1', join(work, 'id-bad'))).rejects.toThrow(
      /refused|401|unauthorized/i,
    );
  });

  it('finds the credentials through the credsStore helper of DOCKER_CONFIG, and pulls with them', async () => {
    const config = join(work, 'docker-config');
    mkdirSync(config);
    writeFileSync(join(config, 'config.json'), JSON.stringify({ credsStore: 'teststore' }));
    const credentials = findCredentials(infra.registryToken, { DOCKER_CONFIG: config });
    expect(credentials).toEqual({ username: infra.tokenUser, password: infra.tokenPassword });
    const pulled = await pullIntoLayout(target(credentials), '1', join(work, 'store'));
    expect(pulled.descriptor.digest).toMatch(/^sha256:/);
  });
});
