// The in-process registry (test/helpers/fake-registry.ts) answers as the real one does: the same raw protocol
// script — good requests and the mistakes a client can make — runs against Debian's docker-registry (CNCF
// distribution 2.8) and against the fake, and both transcripts (status, error code, the headers clients rely on)
// must be equal. The one place the fake is deliberately stricter is checked on its own.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FakeRegistry } from '../helpers/fake-registry.js';

const infra = inject('infra');
let fake: FakeRegistry;
beforeAll(async () => {
  fake = await FakeRegistry.start();
});
afterAll(async () => {
  await fake?.stop();
});

const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

interface Step {
  what: string;
  status: number;
  code?: string;
  headers: Record<string, string>;
}

/** Runs the script against the registry at `base`; repository names get `suffix` so runs never meet. */
async function transcript(base: string, suffix: string): Promise<Step[]> {
  const steps: Step[] = [];
  const repo = `parity${suffix}/app`;
  const other = `parity${suffix}/other`;
  const call = async (
    what: string,
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: Buffer | string } = {},
    keep: string[] = [],
  ): Promise<Response> => {
    let response: Response;
    let text: string;
    try {
      response = await fetch(new URL(path, base), { method, headers: init.headers, body: init.body, redirect: 'manual' });
      // distribution 2.8 declares a Content-Length for its 416 answer and closes before sending it: keep the status.
      text = method === 'HEAD' ? '' : await response.text().catch(() => '');
    } catch (error) {
      throw new Error(`${what}: ${String(error)} (${String((error as Error).cause)})`, { cause: error });
    }
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { errors?: Array<{ code: string }> }).errors?.[0]?.code;
    } catch {
      code = undefined;
    }
    const headers: Record<string, string> = {};
    for (const name of keep)
      headers[name] = (response.headers.get(name) ?? '(none)').replace(/[0-9a-f-]{36}|_state=[^&]+/g, '…').replace(/^https?:\/\/[^/]+/, '');
    steps.push({ what, status: response.status, ...(code ? { code } : {}), headers });
    return response;
  };
  const location = (response: Response) => new URL(response.headers.get('location') ?? '', base).toString();
  const blob = Buffer.from(`blob for ${suffix}`);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, suffix }));

  await call('ping', 'GET', '/v2/');
  await call('head an unknown blob', 'HEAD', `/v2/${repo}/blobs/${sha('nothing')}`);
  await call('get an unknown blob', 'GET', `/v2/${repo}/blobs/${sha('nothing')}`);
  await call('get an unknown manifest', 'GET', `/v2/${repo}/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
  await call('list the tags of an unknown repository', 'GET', `/v2/${repo}/tags/list`);

  // A chunked upload, and the mistakes: a stale session URL, a wrong digest.
  let session = await call('open an upload', 'POST', `/v2/${repo}/blobs/uploads/`, {}, ['range', 'location']);
  const first = location(session);
  session = await call('send a chunk', 'PATCH', first, { headers: { 'content-type': 'application/octet-stream' }, body: blob.subarray(0, 4) }, ['range']);
  await call('send a chunk to the stale URL', 'PATCH', first, { headers: { 'content-type': 'application/octet-stream' }, body: blob.subarray(4) });
  const second = location(session);
  await call('ask where the upload is', 'GET', second, {}, ['range']);
  session = await call('send the rest', 'PATCH', second, { headers: { 'content-type': 'application/octet-stream' }, body: blob.subarray(4) }, ['range']);
  const third = location(session);
  await call('close it with a wrong digest', 'PUT', `${third}&digest=${sha('other')}`, { headers: { 'content-type': 'application/octet-stream' } });
  await call('the session still answers after a failed close', 'GET', third, {}, ['range']);

  // A monolithic upload with a form Content-Type: the body is read as a form, so the digest cannot match.
  session = await call('open an upload', 'POST', `/v2/${repo}/blobs/uploads/`);
  await call('put a blob as a form', 'PUT', `${location(session)}&digest=${sha(blob)}`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: blob,
  });
  session = await call('open an upload', 'POST', `/v2/${repo}/blobs/uploads/`);
  await call('put without a digest', 'PUT', location(session), { headers: { 'content-type': 'application/octet-stream' }, body: blob });
  session = await call('open an upload', 'POST', `/v2/${repo}/blobs/uploads/`);
  await call('put the blob', 'PUT', `${location(session)}&digest=${sha(blob)}`, { headers: { 'content-type': 'application/octet-stream' }, body: blob }, [
    'location',
    'docker-content-digest',
  ]);
  session = await call('open an upload for the config', 'POST', `/v2/${repo}/blobs/uploads/`);
  await call('put the config', 'PUT', `${location(session)}&digest=${sha(config)}`, { headers: { 'content-type': 'application/octet-stream' }, body: config });
  session = await call('open an upload', 'POST', `/v2/${repo}/blobs/uploads/`);
  await call('cancel it', 'DELETE', location(session));
  await call('the cancelled session is gone', 'GET', location(session));
  await call(
    'a single POST with digest and body only opens a session',
    'POST',
    `/v2/${repo}/blobs/uploads/?digest=${sha('single')}`,
    { headers: { 'content-type': 'application/octet-stream' }, body: 'single' },
    ['range'],
  );

  // Reading blobs back.
  await call('head the blob', 'HEAD', `/v2/${repo}/blobs/${sha(blob)}`, {}, ['content-length', 'docker-content-digest']);
  await call('get a range', 'GET', `/v2/${repo}/blobs/${sha(blob)}`, { headers: { range: 'bytes=2-5' } }, ['content-range', 'content-length']);
  await call('get a range past the end', 'GET', `/v2/${repo}/blobs/${sha(blob)}`, { headers: { range: 'bytes=1000-' } }, ['content-range']);

  // Cross-repository mounts.
  await call('mount a blob the source has', 'POST', `/v2/${other}/blobs/uploads/?mount=${sha(blob)}&from=${repo}`, {}, ['location', 'docker-content-digest']);
  await call('mount a blob the source lacks', 'POST', `/v2/${other}/blobs/uploads/?mount=${sha('nothing')}&from=${repo}`, {}, ['range']);

  // Manifests.
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(blob), size: blob.length }],
    }),
  );
  const dangling = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha('missing'), size: 7 }],
    }),
  );
  await call('put a manifest without Content-Type', 'PUT', `/v2/${repo}/manifests/v1`, { body: manifest });
  await call('put a manifest whose Content-Type is not its mediaType', 'PUT', `/v2/${repo}/manifests/v1`, {
    headers: { 'content-type': OCI_INDEX },
    body: manifest,
  });
  await call('put a manifest whose layer the repository lacks', 'PUT', `/v2/${repo}/manifests/v1`, {
    headers: { 'content-type': OCI_MANIFEST },
    body: dangling,
  });
  await call('put a manifest under another digest', 'PUT', `/v2/${repo}/manifests/${sha('other')}`, {
    headers: { 'content-type': OCI_MANIFEST },
    body: manifest,
  });
  await call('put a manifest by tag', 'PUT', `/v2/${repo}/manifests/v1`, { headers: { 'content-type': OCI_MANIFEST }, body: manifest }, [
    'location',
    'docker-content-digest',
  ]);
  await call('get it without Accept', 'GET', `/v2/${repo}/manifests/v1`);
  await call('get it with Accept', 'GET', `/v2/${repo}/manifests/v1`, { headers: { accept: `${OCI_INDEX}, ${OCI_MANIFEST}` } }, [
    'content-type',
    'docker-content-digest',
    'content-length',
  ]);
  await call('head it by digest', 'HEAD', `/v2/${repo}/manifests/${sha(manifest)}`, { headers: { accept: OCI_MANIFEST } }, [
    'content-type',
    'docker-content-digest',
  ]);
  const index = (child: Buffer) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: OCI_MANIFEST, digest: sha(child), size: child.length, platform: { os: 'linux', architecture: 'amd64' } }],
      }),
    );
  await call('put an index whose image the repository lacks', 'PUT', `/v2/${repo}/manifests/multi`, {
    headers: { 'content-type': OCI_INDEX },
    body: index(dangling),
  });
  await call('put an index', 'PUT', `/v2/${repo}/manifests/multi`, { headers: { 'content-type': OCI_INDEX }, body: index(manifest) }, [
    'docker-content-digest',
  ]);
  await call('list the tags', 'GET', `/v2/${repo}/tags/list`, {}, ['content-type']);
  return steps;
}

describe('the in-process registry answers as distribution does', () => {
  it('to the same protocol script, good requests and mistakes alike', async () => {
    const suffix = Date.now().toString(36);
    const real = await transcript(`http://${infra.registryPlain}`, suffix);
    const ours = await transcript(fake.url, suffix);
    expect(ours).toEqual(real);
    // The script does meet the errors it is about.
    expect(real.map((s) => s.code).filter(Boolean)).toEqual(
      expect.arrayContaining([
        'BLOB_UNKNOWN',
        'MANIFEST_UNKNOWN',
        'NAME_UNKNOWN',
        'BLOB_UPLOAD_INVALID',
        'BLOB_UPLOAD_UNKNOWN',
        'DIGEST_INVALID',
        'MANIFEST_INVALID',
        'MANIFEST_BLOB_UNKNOWN',
      ]),
    );
  });

  it('but refuses a chunk that does not start where the upload is, which distribution 2.8 does not check', async () => {
    const send = async (base: string) => {
      const opened = await fetch(new URL(`/v2/parity${Date.now().toString(36)}/gap/blobs/uploads/`, base), { method: 'POST' });
      const response = await fetch(new URL(opened.headers.get('location') ?? '', base), {
        method: 'PATCH',
        headers: { 'content-type': 'application/octet-stream', 'content-range': '10-13' },
        body: 'gap!',
      });
      await response.text();
      return response.status;
    };
    // 416 is what the OCI distribution spec (and distribution 3) answer; a client must never send such a chunk.
    expect(await send(fake.url)).toBe(416);
    expect(await send(`http://${infra.registryPlain}`)).toBe(202);
  });
});
