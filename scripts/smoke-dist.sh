#!/usr/bin/env bash
# Executes the bundled entries once with the given node binary: the action with no inputs must fail at once,
# naming the missing input, and plan a keyless dry run offline; the CLI must answer --help and plan a dry run.
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
# A keyless dry run plans offline: exit 0, status planned.
: >"$tmp/output"
env -i PATH="$PATH" HOME="$tmp" GITHUB_OUTPUT="$tmp/output" GITHUB_STEP_SUMMARY="$tmp/summary" \
  INPUT_TAG=app:1 INPUT_ROOM=dev INPUT_DRY-RUN=true "$node_bin" dist/index.js >"$tmp/offline.log" 2>&1 ||
  { echo "smoke-dist: a keyless dry run should plan offline and exit 0:"; cat "$tmp/offline.log"; exit 1; }
grep -q '"status":"planned"' "$tmp/output" || { echo "smoke-dist: the keyless dry run did not plan:"; cat "$tmp/output"; exit 1; }
echo "smoke-dist: a keyless dry run planned offline"
"$node_bin" dist/cli.js --help >/dev/null
env -i PATH="$PATH" MESHAGENT_API_KEY=ma-AAAAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAAA-x \
  "$node_bin" dist/cli.js plan --tag app:1 --room dev --dry-run >"$tmp/plan.log"
grep -q 'tag       app:1' "$tmp/plan.log" || { echo "smoke-dist: plan printed no plan:"; cat "$tmp/plan.log"; exit 1; }
echo "smoke-dist: dist/cli.js --help and plan work"

# The sandbox: starts, answers /config, and leaves nothing running once stopped.
sandbox_dir="$tmp/sandbox"
start=$(date +%s%N)
"$node_bin" dist/cli.js sandbox --dir "$sandbox_dir" --json >"$tmp/sandbox.json" 2>"$tmp/sandbox.err" &
sandbox_pid=$!
api_url=""
for _ in $(seq 1 200); do
  api_url=$(node -e 'try { console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).MESHAGENT_API_URL) } catch {}' "$tmp/sandbox.json")
  [[ -n $api_url ]] && curl -sf "$api_url/config" >/dev/null && break
  sleep 0.05
done
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if ! curl -sf "$api_url/config" >/dev/null; then
  echo "smoke-dist: the sandbox did not answer /config:"; cat "$tmp/sandbox.err"; kill "$sandbox_pid" 2>/dev/null; exit 1
fi
echo "smoke-dist: sandbox answered /config ${elapsed_ms} ms after start: $(curl -s "$api_url/config")"
kill -TERM "$sandbox_pid"
wait "$sandbox_pid"
if pgrep -f "$sandbox_dir" >/dev/null; then
  echo "smoke-dist: processes of the sandbox outlived it:"; pgrep -af "$sandbox_dir"; exit 1
fi
echo "smoke-dist: the sandbox stopped and left nothing running"
