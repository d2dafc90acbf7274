// The Docker config read as the Docker CLI reads it: credHelpers for a registry, else credsStore, else auths
// (auth, username/password, identitytoken), Docker Hub under https://index.docker.io/v1/, and helpers run for real
// (small scripts named docker-credential-<name> on PATH).
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFromDockerConfig, runCredentialHelper } from '../../src/oci/registry-credentials.js';

let dir: string;
let path: string | undefined;
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A helper that answers from a JSON map server -> {Username, Secret}, and logs each server it was asked for. */
function helper(name: string, answers: Record<string, { Username: string; Secret: string }>, exitCode = 0): void {
  const file = join(dir, `docker-credential-${name}`);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(answers));
  writeFileSync(
    file,
    `#!/bin/sh
[ "$1" = get ] || exit 2
read server
echo "$server" >> '${join(dir, `${name}.log`)}'
exec node -e '
const answers = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const a = answers[process.argv[2]];
if (${exitCode}) { console.log("helper broke"); process.exit(${exitCode}); }
if (!a) { console.log("credentials not found in native keychain"); process.exit(1); }
console.log(JSON.stringify({ ServerURL: process.argv[2], ...a }));
' '${join(dir, `${name}.json`)}' "$server"
`,
  );
  chmodSync(file, 0o755);
}

function config(value: unknown): string {
  const file = join(mkdtempSync(join(dir, 'cfg-')), 'config.json');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const asked = (name: string) =>
  readFileSync(join(dir, `${name}.log`), 'utf8')
    .trim()
    .split('\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'docker-creds-'));
  path = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${path ?? ''}`;
  helper('store', {
    'reg.example.com': { Username: 'alice', Secret: 'store-pass' },
    'https://index.docker.io/v1/': { Username: 'hubber', Secret: 'hub-pass' },
  });
  helper('ecr', { 'aws.example.com': { Username: '<token>', Secret: 'refresh-123' } });
  helper('broken', {}, 3);
});

afterAll(() => {
  process.env.PATH = path;
});

describe('credentials from the Docker config', () => {
  it('reads auths: auth, username/password, and an identity token', () => {
    const file = config({
      auths: {
        'https://a.example.com/v1/': { auth: b64('bob:pw:with:colons') },
        'b.example.com': { username: 'carol', password: 'pw2' },
        'c.example.com': { auth: b64('dave:'), identitytoken: 'idtok' },
      },
    });
    expect(credentialsFromDockerConfig('a.example.com', file)).toEqual({ username: 'bob', password: 'pw:with:colons' });
    expect(credentialsFromDockerConfig('b.example.com', file)).toEqual({ username: 'carol', password: 'pw2' });
    expect(credentialsFromDockerConfig('c.example.com', file)).toEqual({ username: 'dave', password: '', identityToken: 'idtok' });
    expect(credentialsFromDockerConfig('d.example.com', file)).toBeUndefined();
  });

  it("finds Docker Hub's entry under https://index.docker.io/v1/ for any of its host names", () => {
    const file = config({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:hubpw') } } });
    for (const host of ['docker.io', 'registry-1.docker.io', 'index.docker.io']) {
      expect(credentialsFromDockerConfig(host, file)).toEqual({ username: 'hub', password: 'hubpw' });
    }
  });

  it('asks the credsStore helper (Docker Hub by its key), and falls back to auths when it has nothing', () => {
    const file = config({ credsStore: 'store', auths: { 'other.example.com': { auth: b64('o:p') } } });
    expect(credentialsFromDockerConfig('reg.example.com', file)).toEqual({ username: 'alice', password: 'store-pass' });
    expect(credentialsFromDockerConfig('registry-1.docker.io', file)).toEqual({ username: 'hubber', password: 'hub-pass' });
    expect(credentialsFromDockerConfig('other.example.com', file)).toEqual({ username: 'o', password: 'p' });
    expect(asked('store')).toEqual(['reg.example.com', 'https://index.docker.io/v1/', 'other.example.com']);
  });

  it("asks a registry's own credHelpers entry first, and only it; <token> means an identity token", () => {
    const file = config({ credsStore: 'store', credHelpers: { 'aws.example.com': 'ecr', 'reg.example.com': 'ecr' } });
    expect(credentialsFromDockerConfig('aws.example.com', file)).toEqual({ username: '<token>', password: '', identityToken: 'refresh-123' });
    // The named helper has nothing for it: Docker does not go on to the store, and neither do we.
    expect(credentialsFromDockerConfig('reg.example.com', file)).toBeUndefined();
  });

  it('says which helper is missing or failing, never what it printed', () => {
    expect(() => credentialsFromDockerConfig('x.example.com', config({ credsStore: 'nowhere' }))).toThrow(
      'the Docker config names the credential helper nowhere, but docker-credential-nowhere is not on PATH',
    );
    expect(() => runCredentialHelper('broken', 'x.example.com')).toThrow(/^docker-credential-broken get failed for x.example.com \(exit code 3\)$/);
  });
});
