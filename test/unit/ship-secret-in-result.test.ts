// A build secret the build prints before it fails: the error carries the builder's last lines, and the secret must be
// in none of what the run hands on (the result as --json prints it, the result output, the summary, the log), also
// when the secret holds characters that JSON or markdown escape. The builder is a script in buildah's place that
// prints the value buildah would give the step, and fails as a step does.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleRunner } from '../../src/runner.js';
import { reportResult, shipFromInputs } from '../../src/ship.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

const work = mkdtempSync(join(tmpdir(), 'ship-secret-in-result-'));
let sandbox: Sandbox;
let buildah: string;
let context: string;

beforeAll(async () => {
  sandbox = await startSandbox({ dir: join(work, 'sandbox'), registry: false, registryHost: '127.0.0.1:9' });
  context = join(work, 'app');
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nRUN --mount=type=secret,id=token cat /run/secrets/token; exit 1\n');
  buildah = join(work, 'buildah');
  writeFileSync(
    buildah,
    `#!/bin/sh\nif [ "$1" = version ]; then echo '{"version": "1.28.2"}'; exit 0; fi\nprintf 'STEP 2/2: RUN cat\\n%s\\n' "$BUILD_TOKEN" >&2\nexit 1\n`,
  );
  chmodSync(buildah, 0o755);
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a build secret the failing build printed', () => {
  for (const secret of ['tok-5e6f7a8b9c0d-plain', 'p"a\\ss_w0rd*|<x>@example']) {
    it(`is in no part of the result, the summary, the outputs or the log: ${secret}`, async () => {
      const runner = new ConsoleRunner({
        inputs: { tag: 'app:1', context, builder: 'buildah', deploy: 'false', cache: 'false', 'build-secrets': 'token=env:BUILD_TOKEN' },
        env: { ...sandbox.env(), BUILD_TOKEN: secret, RUNNER_TEMP: work },
        stdout: () => {},
        stderr: () => {},
      });
      const result = await shipFromInputs(runner, { builders: { buildah: { command: buildah } } });
      await reportResult(result, runner);
      // The build failed at the step, and its error shows the lines before it, the secret masked.
      expect(result.error?.stage).toBe('build');
      expect(result.error?.message).toContain('STEP 2/2: RUN cat\n  ***');
      const json = JSON.stringify(result, null, 2);
      for (const text of [json, runner.summary, ...runner.lines, ...runner.outputs.values()]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
        expect(text).not.toContain('w0rd');
      }
    });
  }
});
