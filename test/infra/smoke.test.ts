// Proves every part of the test infrastructure answers for real: both registries, the token server (GET + Basic,
// POST OAuth2 form, anonymous, wrong password), buildah builds and pushes, containerd + ctr-remote (diff_id-checking
// pull, eStargz conversion, TOC digests) and skopeo. The tests share state and run in order.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildahBuild, ctrRemote, run } from './env.js';

const infra = inject('infra');

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const TOC_ANNOTATION = 'containerd.io/snapshot/stargz/toc.digest';

interface TokenResponse {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
}
interface Access {
  type: string;
  name: string;
  actions: string[];
}
interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}
interface Manifest {
  mediaType?: string;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function claims(token: string): { iss: string; aud: string; sub: string; access: Access[] } {
  const payload = token.split('.')[1];
  if (!payload) throw new Error(`not a JWT: ${token}`);
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

async function tokenByGet(scopes: string[], auth?: string): Promise<Response> {
  const url = new URL(infra.tokenRealm);
  url.searchParams.set('service', infra.tokenService);
  for (const s of scopes) url.searchParams.append('scope', s);
  return fetch(url, { headers: auth ? { authorization: auth } : {} });
}

function expectOk(r: { code: number; stdout: string; stderr: string }, what: string): void {
  expect(r.code, `${what} failed:\n${r.stderr}\n${r.stdout}`).toBe(0);
}

/** The image manifest of a containerd image ref (via `i ls` → `content get`; an index resolves to its first entry). */
function containerdManifest(ref: string): Manifest {
  const ls = ctrRemote(infra, ['i', 'ls']);
  expectOk(ls, 'ctr-remote i ls');
  const row = ls.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((cols) => cols[0] === ref);
  expect(row, `${ref} not in ctr-remote i ls:\n${ls.stdout}`).toBeDefined();
  let digest = row![2]!;
  for (;;) {
    const got = ctrRemote(infra, ['content', 'get', digest]);
    expectOk(got, `ctr-remote content get ${digest}`);
    const m = JSON.parse(got.stdout) as Manifest;
    if (!m.manifests) return m;
    digest = m.manifests[0]!.digest;
  }
}

describe('test infrastructure', { sequential: true }, () => {
  const repo = 'smoke/app';
  const localTag = `localhost/${repo}:1`;
  const plainRef = `${infra.registryPlain}/${repo}:1`;
  let context = '';

  beforeAll(() => {
    context = fs.mkdtempSync(path.join(os.tmpdir(), 'meshagent-ship-smoke-'));
    fs.copyFileSync(infra.busybox, path.join(context, 'busybox'));
    fs.writeFileSync(path.join(context, 'hello.txt'), `hello from the smoke test ${Date.now()}\n`);
    fs.writeFileSync(
      path.join(context, 'Containerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nCOPY hello.txt /hello.txt\nCMD ["/bin/busybox", "cat", "/hello.txt"]\n',
    );
  });
  afterAll(() => {
    if (context) fs.rmSync(context, { recursive: true, force: true });
  });

  it('plain registry answers /v2/ with the distribution API header', async () => {
    const res = await fetch(`http://${infra.registryPlain}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('token registry challenges with the token server as realm', async () => {
    const res = await fetch(`http://${infra.registryToken}/v2/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${infra.tokenRealm}",service="${infra.tokenService}"`);
  });

  it('a token fetched by GET with Basic auth opens the token registry and grants push', async () => {
    const res = await tokenByGet([`repository:${repo}:pull,push`], basic(infra.tokenUser, infra.tokenPassword));
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenResponse;
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(body.issued_at))).toBe(false);
    const c = claims(body.token);
    expect(c.iss).toBe('meshagent-ship-test-issuer');
    expect(c.aud).toBe(infra.tokenService);
    expect(c.sub).toBe(infra.tokenUser);
    expect(c.access).toEqual([{ type: 'repository', name: repo, actions: ['pull', 'push'] }]);

    const v2 = await fetch(`http://${infra.registryToken}/v2/`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(v2.status).toBe(200);
  });

  it('the token server takes several scopes at once', async () => {
    const res = await tokenByGet([`repository:${repo}:pull`, 'repository:other/app:pull,push'], basic(infra.tokenUser, infra.tokenPassword));
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as TokenResponse;
    expect(claims(token).access.map((a) => `${a.name}:${a.actions.join(',')}`)).toEqual([`${repo}:pull`, 'other/app:pull,push']);
  });

  it('a wrong password gets 401 from the token server', async () => {
    const res = await tokenByGet([`repository:${repo}:pull,push`], basic(infra.tokenUser, 'wrong-password'));
    expect(res.status).toBe(401);
    const post = await fetch(infra.tokenRealm, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        username: infra.tokenUser,
        password: 'wrong-password',
        service: infra.tokenService,
        scope: `repository:${repo}:pull`,
      }),
    });
    expect(post.status).toBe(401);
  });

  it('an anonymous token carries only pull', async () => {
    const res = await tokenByGet([`repository:${repo}:pull,push`]);
    expect(res.status).toBe(200);
    const c = claims(((await res.json()) as TokenResponse).token);
    expect(c.access).toEqual([{ type: 'repository', name: repo, actions: ['pull'] }]);
  });

  it('the OAuth2 POST form (containerd) yields a token with push', async () => {
    const res = await fetch(infra.tokenRealm, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        username: infra.tokenUser,
        password: infra.tokenPassword,
        service: infra.tokenService,
        scope: `repository:${repo}:pull,push`,
        client_id: 'meshagent-ship-smoke',
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenResponse;
    expect(claims(body.access_token).access).toEqual([{ type: 'repository', name: repo, actions: ['pull', 'push'] }]);
    const v2 = await fetch(`http://${infra.registryToken}/v2/`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(v2.status).toBe(200);
  });

  it('buildah builds FROM scratch and pushes to the plain registry', async () => {
    expectOk(buildahBuild(infra, context, localTag), 'buildah bud');
    expectOk(run(infra.buildah, ['push', '--tls-verify=false', localTag, `docker://${plainRef}`]), 'buildah push (plain)');
    const res = await fetch(`http://${infra.registryPlain}/v2/${repo}/tags/list`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { tags: string[] | null }).tags).toContain('1');
  });

  it('buildah pushes to the token registry with the right credentials only', () => {
    const dest = `docker://${infra.registryToken}/${repo}:1`;
    expectOk(
      run(infra.buildah, ['push', '--tls-verify=false', '--creds', `${infra.tokenUser}:${infra.tokenPassword}`, localTag, dest]),
      'buildah push (token)',
    );
    const bad = run(infra.buildah, ['push', '--tls-verify=false', '--creds', `${infra.tokenUser}:wrong-password`, localTag, dest]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unauthorized|authentication required|401/i);
  });

  it('containerd pulls (checking diff_ids) and converts to eStargz with TOC digests', () => {
    const esgzRef = `${infra.registryPlain}/${repo}:1-esgz`;
    ctrRemote(infra, ['i', 'rm', plainRef, esgzRef]); // from an earlier run in a kept dir; fine if absent
    expectOk(ctrRemote(infra, ['i', 'pull', '--plain-http', plainRef]), 'ctr-remote i pull');
    expectOk(ctrRemote(infra, ['i', 'convert', '--estargz', '--oci', plainRef, esgzRef]), 'ctr-remote i convert');

    const converted = containerdManifest(esgzRef);
    const layer = converted.layers?.[0];
    expect(layer, JSON.stringify(converted)).toBeDefined();
    const toc = ctrRemote(infra, ['i', 'get-toc-digest', layer!.digest]);
    expectOk(toc, 'ctr-remote i get-toc-digest (converted layer)');
    expect(toc.stdout.trim()).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(layer!.annotations?.[TOC_ANNOTATION]).toBe(toc.stdout.trim());

    const original = containerdManifest(plainRef).layers?.[0];
    expect(original).toBeDefined();
    expect(original!.digest).not.toBe(layer!.digest);
    expect(ctrRemote(infra, ['i', 'get-toc-digest', original!.digest]).code).not.toBe(0);
  });

  it('skopeo inspect agrees with the registry on the manifest digest', async () => {
    const inspect = run('skopeo', ['inspect', '--tls-verify=false', `docker://${plainRef}`]);
    expectOk(inspect, 'skopeo inspect');
    const { Digest } = JSON.parse(inspect.stdout) as { Digest: string };
    const res = await fetch(`http://${infra.registryPlain}/v2/${repo}/manifests/1`, {
      headers: { accept: `${OCI_MANIFEST}, ${OCI_INDEX}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Digest).toBe(res.headers.get('docker-content-digest'));
  });
});
