// A merged-/usr image, made from this machine's own files (/bin, /lib and /lib64 are links into /usr, and the ELF
// interpreter /lib64/ld-linux-x86-64.so.2 is a link through both), is shipped with a prefetch list of the paths the
// process opens, as it spells them. The sandbox's room runtime pulls it lazily through the real stargz snapshotter
// (no background fetch) and runs it: the service reads a dynamically linked binary through those links, then serves
// its page. What the registry served before the service answered is the report's start-up estimate: everything
// the service read was in the prefetched part. A control image whose list leaves the libraries out is fetched on
// demand beyond its estimate, which shows the measurement would see a prefetch that missed.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConsoleRunner } from '../../src/runner.js';
import type { ShipResult } from '../../src/report/result.js';
import { shipFromInputs } from '../../src/ship.js';
import { readyEntry } from '../helpers/runtime-report.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar, type Entry } from '../helpers/tar-builder.js';

const infra = inject('infra');
const LIBS = '/usr/lib/x86_64-linux-gnu';
let sandbox: Sandbox;
let work: string;

/** A base layer laid out as Debian's merged /usr, with a static busybox, a dynamic cat, its libc and ld.so. */
function mergedUsrLayer(): Buffer {
  const file = (name: string, from: string): Entry => ({ name, data: readFileSync(from), mode: 0o755 });
  const entries: Entry[] = [
    { name: 'bin', type: '2', linkName: 'usr/bin' },
    { name: 'lib', type: '2', linkName: 'usr/lib' },
    { name: 'lib64', type: '2', linkName: 'usr/lib64' },
    { name: 'sbin', type: '2', linkName: 'usr/sbin' },
    { name: 'etc/', type: '5' },
    { name: 'usr/', type: '5' },
    { name: 'usr/bin/', type: '5' },
    file('usr/bin/busybox', infra.busybox),
    file('usr/bin/cat', '/usr/bin/cat'),
    { name: 'usr/lib/', type: '5' },
    { name: 'usr/lib/x86_64-linux-gnu/', type: '5' },
    file('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', `${LIBS}/ld-linux-x86-64.so.2`),
    file('usr/lib/x86_64-linux-gnu/libc.so.6', `${LIBS}/libc.so.6`),
    { name: 'usr/lib64/', type: '5' },
    { name: 'usr/lib64/ld-linux-x86-64.so.2', type: '2', linkName: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
    { name: 'usr/sbin/', type: '5' },
    { name: 'usr/share/', type: '5' },
    // Never read: a lazy pull leaves it in the registry.
    { name: 'usr/share/unused.bin', data: randomBytes(3_000_000) },
  ];
  return buildTar(entries, 'pax');
}

/** An image of that base and a page; `page` tells two images apart. */
function writeImage(dir: string, page: string): void {
  const app = buildTar([
    { name: 'www/', type: '5' },
    { name: 'www/index.html', data: `<p>${page}</p>\n` },
  ]);
  writeImageLayout(dir, [
    {
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [mergedUsrLayer(), app],
      gzip: true,
      config: {
        // The dynamic cat runs first: the kernel opens /lib64/ld-linux-x86-64.so.2, which opens libc.so.6 from /lib.
        Entrypoint: ['/bin/busybox', 'sh', '-c', '/bin/cat /www/index.html >/dev/null && exec /bin/busybox httpd -f -p 8080 -h /www'],
        ExposedPorts: { '8080/tcp': {} },
      },
    },
  ]);
}

async function ship(tag: string, layout: string, prefetch: readonly string[]): Promise<{ result: ShipResult; log: string }> {
  let log = '';
  const runner = new ConsoleRunner({
    inputs: { room: 'dev', 'create-room': 'true', builder: 'none', image: `oci:${layout}:latest`, tag, public: 'true', prefetch: prefetch.join('\n') },
    env: sandbox.env(),
    stdout: (text) => (log += text),
    stderr: (text) => (log += text),
  });
  const result = await shipFromInputs(runner);
  expect(result.error, log).toBeNull();
  return { result, log };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'merged-usr-'));
  sandbox = await startSandbox({ dir: join(work, 'sbx'), runtime: { probeIntervalMs: 200 }, log: () => {} });
  writeImage(join(work, 'image'), 'merged /usr');
  writeImage(join(work, 'control'), 'control');
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a prefetch list on a merged-/usr image, pulled lazily by the stargz snapshotter', () => {
  it('prefetches what the service opens through /bin, /lib and /lib64, and the estimate is what the registry served before start', async () => {
    expect(sandbox.runtime?.snapshotter, 'the stargz snapshotter runs on this machine').toBe('stargz');
    const prefetch = ['/bin/busybox', '/bin/cat', '/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/libc.so.6', '/www/*'];
    const { result, log } = await ship('merged:1', join(work, 'image'), prefetch);
    expect(log).not.toContain('warning: prefetch');
    const image = result.image;
    // busybox, cat, ld.so and libc in the base layer (the links on the way are not files); the page above.
    expect(image?.layers.map((l) => l.prefetchFiles)).toEqual([4, 1]);
    expect(image?.startup?.prefetchedFiles).toBe(5);
    const estimate = image?.startup?.bytesBeforeStart ?? 0;
    // libc alone is more than 600 kB compressed: the estimate holds the files, and is far from the whole image.
    expect(estimate).toBeGreaterThan(1_000_000);
    expect(estimate).toBeLessThan((image?.startup?.imageBytes ?? 0) * 0.6);

    const ran = await readyEntry(sandbox, result.service?.name ?? '');
    expect(ran).toMatchObject({ state: 'running', snapshotter: 'stargz', layers: 2, remote_layers: 2, restart_count: 0 });
    const served = ran.bytes_fetched_before_ready ?? 0;
    console.log(`merged /usr: estimate ${estimate} bytes, served before ready ${served} bytes, image ${image?.startup?.imageBytes}`);
    expect(Math.abs(served - estimate)).toBeLessThanOrEqual(estimate * 0.1);
  });

  it('without the libraries in the list, the service fetches them on demand, beyond the estimate', async () => {
    const { result } = await ship('control:1', join(work, 'control'), ['/bin/busybox', '/www/*']);
    const estimate = result.image?.startup?.bytesBeforeStart ?? 0;
    const ran = await readyEntry(sandbox, result.service?.name ?? '');
    const served = ran.bytes_fetched_before_ready ?? 0;
    console.log(`control: estimate ${estimate} bytes, served before ready ${served} bytes`);
    expect(served - estimate).toBeGreaterThan(600_000);
  });
});
