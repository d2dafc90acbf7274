#!/usr/bin/env bash
# Executes the bundled entries once with the given node binary: the action with no inputs must fail at once,
# naming the missing input; the CLI must answer --help and plan a dry run.
# usage: scripts/smoke-dist.sh [NODE]
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin=${1:-node}
echo "smoke-dist: $("$node_bin" --version)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/output"
: >"$tmp/summary"
start=$(date +%s%N)
set +e
env -i PATH="$PATH" HOME="$tmp" GITHUB_OUTPUT="$tmp/output" GITHUB_STEP_SUMMARY="$tmp/summary" \
  "$node_bin" dist/index.js >"$tmp/action.log" 2>&1
code=$?
set -e
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [[ $code -eq 0 ]] || ! grep -q 'api-key is required' "$tmp/action.log"; then
  echo "smoke-dist: dist/index.js with no inputs should fail naming api-key (exit $code):"; cat "$tmp/action.log"; exit 1
fi
echo "smoke-dist: dist/index.js with no inputs failed as it should in ${elapsed_ms} ms: $(grep -o 'api-key is required' "$tmp/action.log")"
"$node_bin" dist/cli.js --help >/dev/null
env -i PATH="$PATH" MESHAGENT_API_KEY=ma-AAAAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAAA-x \
  "$node_bin" dist/cli.js plan --tag app:1 --room dev --dry-run >"$tmp/plan.log"
grep -q 'tag       app:1' "$tmp/plan.log" || { echo "smoke-dist: plan printed no plan:"; cat "$tmp/plan.log"; exit 1; }
echo "smoke-dist: dist/cli.js --help and plan work"
