import { describe, expect, it } from 'vitest';
import { renderGfm } from '../helpers/gfm.js';
import { resultOutputs, type RolloutReport, type ShipResult } from '../../src/report/result.js';
import { bytes } from '../../src/format.js';
import { renderSummary } from '../../src/report/summary.js';
import { ShipError } from '../../src/errors.js';
import { invalidInputsResult } from '../../src/pipeline/result.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

function shipped(overrides: Partial<ShipResult> = {}): ShipResult {
  return {
    status: 'shipped',
    dryRun: false,
    image: {
      tag: '127.0.0.1:5000/key/web:1',
      repository: 'web',
      repositoryCreated: true,
      digest: digest('a'),
      ref: `127.0.0.1:5000/key/web@${digest('a')}`,
      layers: [
        {
          sourceDigest: digest('1'),
          sourceSize: 4096,
          digest: digest('2'),
          size: 5000,
          tocDigest: digest('3'),
          prefetchFiles: 2,
          prefetchBytes: 1200,
          fetchedBeforeStart: 50_002,
          reused: false,
          conversion: 'converted',
          push: 'uploaded',
        },
        {
          sourceDigest: digest('4'),
          sourceSize: 2 * 1024 * 1024,
          digest: digest('5'),
          size: 3 * 1024 * 1024,
          tocDigest: digest('6'),
          prefetchFiles: 0,
          prefetchBytes: 800,
          fetchedBeforeStart: 50_002,
          reused: true,
          conversion: 'reused',
          push: 'skipped',
        },
      ],
      startup: { bytesBeforeStart: 101_504, imageBytes: 3 * 1024 * 1024 + 5000 + 1500, prefetchedFiles: 2, auto: null },
    },
    service: {
      id: 'svc-1',
      name: 'key-web',
      room: 'dev',
      created: true,
      domain: 'web.example.com',
      url: 'https://web.example.com',
      route: 'created',
      rollback: null,
    },
    cache: null,
    probe: { url: 'https://web.example.com', status: 200, latencyMs: 35, attempts: 2, ok: true },
    rollout: null,
    stages: [
      { name: 'resolve', status: 'done', durationMs: 40, detail: 'key/web' },
      { name: 'build', status: 'done', durationMs: 2500, detail: 'buildah | 2 layers' },
    ],
    retries: [],
    durationMs: 3000,
    plan: null,
    offline: null,
    error: null,
    ...overrides,
  };
}

describe('the job summary', () => {
  it('puts the service URL at the top and reports stages, layers, the lazy-pull bytes and the deploy', () => {
    const text = renderSummary(shipped());
    const lines = text.split('\n');
    expect(lines[0]).toBe('### ✅ Shipped key-web to room dev');
    expect(lines[2]).toBe('**Service URL:** [https://web.example.com](https://web.example.com)');
    expect(text).toContain('| build | ✅ done | 2.5 s | buildah \\| 2 layers |');
    expect(text).toContain('- layers: 2, 2.00 MiB before conversion, 3.00 MiB as eStargz');
    expect(text).toContain(
      "- start-up: a lazy pull fetches 99.1 KiB of 3.01 MiB before start (3.2%): manifest, config and each layer's TOC, footer and 2 prefetched files, as the stargz snapshotter fetches them (50,000-byte blocks)",
    );
    expect(text).toContain('- conversion: 1 of 2 layers reused from the previous ship (not converted again; already in the registry)');
    expect(text).toContain(
      `| 1 | 4.00 KiB \`sha256:111111111111\` | 4.88 KiB \`sha256:222222222222\` | \`sha256:333333333333\` | 2 | 48.8 KiB | converted | uploaded |`,
    );
    expect(text).toContain(
      `| 2 | 2.00 MiB \`sha256:444444444444\` | 3.00 MiB \`sha256:555555555555\` | \`sha256:666666666666\` | 0 | 48.8 KiB | reused (previous ship) | skipped |`,
    );
    expect(text).toContain('- key-web in room dev: created (id `svc-1`)');
    expect(text).toContain('- probe: `https://web.example.com` answered 200 in 35 ms (2 attempts)');
    expect(text).not.toContain('#### Error');
  });

  it('says, with prefetch: auto, what was recorded and how the recording ended', () => {
    const base = shipped();
    const image = base.image as NonNullable<ShipResult['image']>;
    const auto = '12 files recorded; port 8080 answered at 1.4 s';
    const text = renderSummary({ ...base, image: { ...image, startup: { ...(image.startup as NonNullable<typeof image.startup>), auto } } });
    expect(text).toContain('- prefetch auto: 12 files recorded; port 8080 answered at 1.4 s');
    expect(renderSummary(base)).not.toContain('prefetch auto');
  });

  it('says in its title that the inputs are invalid when they were refused', () => {
    const text = renderSummary(invalidInputsResult(new ShipError('room: "bad room" is not a valid room name', { input: 'room' })));
    expect(text.split('\n')[0]).toBe('### ❌ meshagent-ship failed: the inputs are invalid');
  });

  it('says where a run failed, with the hint, and what was done before', () => {
    const text = renderSummary(
      shipped({
        status: 'failed',
        service: null,
        probe: null,
        retries: [{ method: 'PUT', url: 'http://127.0.0.1:5000/v2/key/web/blobs/uploads/x', reason: '503 Service Unavailable' }],
        error: { stage: 'push', message: 'upload failed', hint: 'run again later' },
      }),
    );
    expect(text.split('\n')[0]).toBe('### ❌ meshagent-ship failed at push: 127.0.0.1:5000/key/web:1');
    expect(text).toContain('#### Retries: 1');
    expect(text).toContain('```\nupload failed\n```\n\n**Hint:** run again later');
    expect(text).not.toContain('Service URL');
  });

  it('lets no value from outside add markup, links or cells, and keeps <placeholders> visible', () => {
    const evil = '<img src=x onerror=alert(1)> [a](javascript:alert(1)) | ```';
    const html = renderGfm(
      renderSummary(
        shipped({
          status: 'failed',
          image: { ...shipped().image!, tag: `web:${evil}`, repository: evil },
          service: { id: evil, name: evil, room: evil, created: true, domain: evil, url: `https://web.example.com/${evil}`, route: 'created', rollback: null },
          probe: { url: evil, status: 200, latencyMs: 1, attempts: 1, ok: true },
          stages: [{ name: 'resolve', status: 'failed', durationMs: 1, detail: evil }],
          retries: [{ method: 'GET', url: evil, reason: evil }],
          plan: [evil, '```', evil],
          offline: { reason: evil, unread: [evil] },
          error: { stage: 'resolve', message: `${evil}\n${evil}`, hint: 'use <registry>/<project-key>/<repository>:<tag> or `x <y>`' },
        }),
      ),
    );
    expect(html).not.toMatch(/<img|<a href="javascript|onerror=alert\(1\)>/);
    // Every link is the service URL, percent-encoded where it would break out.
    expect([...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1])).toEqual([expect.stringMatching(/^https:\/\/web\.example\.com\/%3Cimg%20src=x/)]);
    // Each table row keeps its column count.
    for (const row of html.match(/<tr>[\s\S]*?<\/tr>/g) ?? []) expect([4, 3, 8]).toContain(row.match(/<t[dh]>/g)?.length);
    expect(html).toContain('use &lt;registry&gt;/&lt;project-key&gt;/&lt;repository&gt;:&lt;tag&gt; or <code>x &lt;y&gt;</code>');
  });

  it('stays far below 1 MiB with thousands of layers and retries', () => {
    const layer = shipped().image!.layers[0]!;
    const many = shipped({
      image: { ...shipped().image!, layers: Array.from({ length: 5000 }, () => layer) },
      retries: Array.from({ length: 5000 }, () => ({ method: 'GET', url: 'http://x/y', reason: '503' })),
    });
    const text = renderSummary(many);
    expect(Buffer.byteLength(text)).toBeLessThan(100 * 1024);
    expect(text).toContain('(4900 more layers not shown)');
    expect(text).toContain('(4980 more)');
  });

  it('formats sizes in binary units', () => {
    expect([bytes(0), bytes(1023), bytes(1024), bytes(1536), bytes(50 * 1024 * 1024), bytes(3 * 1024 ** 3)]).toEqual([
      '0 B',
      '1023 B',
      '1.00 KiB',
      '1.50 KiB',
      '50.0 MiB',
      '3.00 GiB',
    ]);
  });
});

const READY: RolloutReport = { outcome: 'ready', readyMs: 12_345, restarted: true, containerId: 'web-1a2b', failure: null, logs: [], rolledBack: null };

const ROLLED_BACK: RolloutReport = {
  outcome: 'rolled-back',
  readyMs: null,
  restarted: true,
  containerId: 'web-3c4d',
  failure: { reason: 'exited', message: 'Service container exited before the service was live: key-web (svc-1), exit code 3', exitCode: 3, restartCount: 1 },
  logs: ['reading config', 'fatal: no config at /etc/web.conf'],
  rolledBack: { service: 'restored', image: `127.0.0.1:5000/key/web@${digest('9')}`, digest: digest('9'), live: true, containerId: 'web-5e6f' },
};

describe('the rollout in the summary', () => {
  it('says first that the service is ready, and in how long', () => {
    const lines = renderSummary(shipped({ rollout: READY })).split('\n');
    expect(lines[0]).toBe('### ✅ Shipped key-web to room dev');
    expect(lines[2]).toBe('**Rollout:** ✅ ready in 12.3 s: the room runs the new container and its liveness paths answer');
    expect(lines[4]).toBe('**Service URL:** [https://web.example.com](https://web.example.com)');
    const text = lines.join('\n');
    expect(text).toContain(
      '#### Rollout\n\n- restarted the updated service (services.restart, as the MeshAgent CLI does)\n- new container: `web-1a2b`\n- ready in 12.3 s',
    );
    expect(text).not.toContain('log line');
  });

  it('says first that the rollout failed and was rolled back, to which digest, and shows the last log lines', () => {
    const text = renderSummary(
      shipped({
        status: 'failed',
        rollout: ROLLED_BACK,
        service: { ...shipped().service!, created: false, rollback: 'restored' },
        error: { stage: 'verify', message: `rolled back to ${digest('9')}: ${ROLLED_BACK.failure!.message}`, hint: 'fix it' },
      }),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('### ❌ meshagent-ship failed at verify: key-web to room dev');
    expect(lines[2]).toBe(
      `**Rollout:** ↩️ failed and rolled back to \`${digest('9')}\`: Service container exited before the service was live: key-web (svc-1), exit code 3`,
    );
    expect(text).toContain('- failed (exited; exit code 3; restarts 1): Service container exited');
    expect(text).toContain(`- rolled back to \`${digest('9')}\`: its container \`web-5e6f\` is live again`);
    expect(text).toContain('Last 2 log lines of the new container:\n\n```\nreading config\nfatal: no config at /etc/web.conf\n```');
    expect(text).toContain('- rollback: **restored**');
  });

  it('says first when the rollout was not waited for', () => {
    const text = renderSummary(shipped({ rollout: { ...READY, outcome: 'not-waited', readyMs: null, containerId: null, restarted: false } }));
    expect(text.split('\n')[2]).toBe('**Rollout:** ⏭️ deployed (not waited): nothing checked that the new container runs');
  });

  it('shows log lines as plain text: no markup, no fence a line can close', () => {
    const evil = ['```', '<img src=x onerror=alert(1)>', '[a](javascript:alert(1))', '</code></pre><script>x</script>'];
    const html = renderGfm(renderSummary(shipped({ status: 'failed', rollout: { ...ROLLED_BACK, logs: evil } })));
    expect(html).not.toMatch(/<img|<script|<a href="javascript/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('the outputs', () => {
  it('are the result as strings, empty where unknown', () => {
    const outputs = resultOutputs(shipped());
    expect(outputs).toMatchObject({
      image: '127.0.0.1:5000/key/web:1',
      // The bare repository (registry port kept), for actions/attest-build-provenance's subject-name.
      repository: '127.0.0.1:5000/key/web',
      digest: digest('a'),
      'service-url': 'https://web.example.com',
      created: 'true',
      'service-id': 'svc-1',
    });
    expect(JSON.parse(outputs.result ?? '')).toMatchObject({ status: 'shipped' });
    expect(resultOutputs(shipped({ image: { ...shipped().image!, tag: 'reg.example.com/key/team/web:v1.2' } })).repository).toBe(
      'reg.example.com/key/team/web',
    );
    const failed = resultOutputs(shipped({ service: null, image: null }));
    expect(failed).toMatchObject({
      image: '',
      repository: '',
      digest: '',
      'image-ref': '',
      'service-url': '',
      created: '',
      rollout: '',
      'rolled-back-to': '',
    });
    expect(resultOutputs(shipped({ rollout: READY }))).toMatchObject({ rollout: 'ready', 'rolled-back-to': '' });
    expect(resultOutputs(shipped({ status: 'failed', rollout: ROLLED_BACK }))).toMatchObject({ rollout: 'rolled-back', 'rolled-back-to': digest('9') });
  });
});

describe('the build cache in the summary', () => {
  it('says where the cache is, what was restored, what hit and what was saved, and each note', () => {
    const summary = renderSummary(
      shipped({
        cache: {
          kind: 'gha',
          where: "GitHub's cache, scope key-web-0123456789ab",
          restored: 'key meshagent-ship-build-key-web-0123456789ab-aaaaaaaaaaaa-bbbb',
          steps: 8,
          hits: 6,
          saved: '8 step images under key meshagent-ship-build-key-web-0123456789ab-aaaaaaaaaaaa-cccc',
          notes: ['step image 0123456789ab of the cache could not be read: EOF'],
        },
      }),
    );
    const section = summary.slice(summary.indexOf('#### Build cache'), summary.indexOf('#### Image'));
    expect(section).toContain("GitHub's cache");
    expect(section).toContain('- restored: key meshagent-ship-build-key-web-0123456789ab-aaaaaaaaaaaa-bbbb');
    expect(section).toContain('- hit: 6 of 8 steps from the cache');
    expect(section).toContain('- saved: 8 step images under key');
    expect(section).toContain('- note: step image 0123456789ab of the cache could not be read: EOF');
    expect(renderSummary(shipped())).not.toContain('#### Build cache');
  });
});
