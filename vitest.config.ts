import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `infra` starts the real registry, token server, containerd and
// buildah once (test/infra/global-setup.ts) and runs everything that talks to them.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // A few tests start Node processes (dist/, GitHub's local runner): a loaded machine needs more than 5 s.
          testTimeout: 30_000,
          // GitHub's parser imports its JSON schemas without import attributes, which Node refuses: Vite loads it.
          server: { deps: { inline: ['@actions/workflow-parser'] } },
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/infra/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
