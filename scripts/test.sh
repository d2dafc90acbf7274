#!/usr/bin/env bash
# The test command. On a fresh Debian/Ubuntu machine it installs what the tests need (Debian packages, npm
# packages), type-checks, lints (ESLint, Prettier, knip) and runs every test: the unit tests and the tests
# against the real registry, token server, containerd and buildah, which Vitest starts and stops itself (test/infra/global-setup.ts).
# Extra arguments go to Vitest, e.g. scripts/test.sh --project unit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup-node.sh
echo "== type check"
npx tsc --noEmit -p .
echo "== lint"
npm run --silent lint
echo "== tests"
mkdir -p .cache
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest.json "$@" || status=$?
# One plain closing line with the counts, whatever reporter a reader knows.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit "$status"
