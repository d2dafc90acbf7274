#!/usr/bin/env bash
# Benchmark: the two commands that have nothing to do, against the tool people know.
#   - a repeat push: `meshagent-ship push` of an image the registry already holds, against `skopeo copy` of the
#     same OCI layout to the same registry (Debian's docker-registry), also repeated;
#   - a no-op re-ship: `meshagent-ship ship` of the image it shipped last time, to the same service, against a
#     local sandbox (`meshagent-ship sandbox --no-runtime`, so no container runs; `--wait false`).
# The command measured is the bundle of the working tree (scripts/build.mjs into .cache/, as dist/ is built), started
# as `node cli.js`. Wall times of whole processes (start-up included), medians over the rounds, beside `node -e 0`
# (Node's own start-up) and the load average, since the machine's load moves every figure.
#   bash bench/repeat/run.sh [ROUNDS]        (default 7; needs docker-registry, skopeo, node, bc, curl)
# Work files go to $MESHAGENT_SHIP_BENCH_DIR (default /tmp/meshagent-ship-bench-repeat).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-7}
WORK=${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-repeat}
mkdir -p "$WORK"

node bench/repeat/make-image.mjs "$WORK/image" >&2
# MESHAGENT_SHIP_BENCH_CLI=dist/cli.js measures a bundle already built instead.
CLI=${MESHAGENT_SHIP_BENCH_CLI:-}
if [[ -z $CLI ]]; then
  echo "== bundling" >&2
  node scripts/build.mjs .cache/bench-repeat-dist >&2
  CLI=.cache/bench-repeat-dist/cli.js
fi

PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
REG=127.0.0.1:$PORT
cat > "$WORK/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $WORK/registry-data}}
http: {addr: $REG, secret: bench}
YAML
REG_PID= SANDBOX_PID=
stop_all() {
  if [[ -n $REG_PID ]]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; fi
  if [[ -n $SANDBOX_PID ]]; then kill -INT "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; fi
}
trap stop_all EXIT
rm -rf "$WORK/registry-data" "$WORK/sandbox" "$WORK/sandbox.out"
: > "$WORK/bench.log"
docker-registry serve "$WORK/registry.yml" >> "$WORK/bench.log" 2>&1 &
REG_PID=$!
node "$CLI" sandbox --dir "$WORK/sandbox" --no-runtime > "$WORK/sandbox.out" 2>> "$WORK/bench.log" &
SANDBOX_PID=$!
for _ in $(seq 200); do curl -fs "http://$REG/v2/" >/dev/null 2>&1 && break; sleep 0.05; done
for _ in $(seq 1200); do grep -q '^Project key' "$WORK/sandbox.out" 2>/dev/null && break; sleep 0.05; done
grep -q '^Project key' "$WORK/sandbox.out" || { echo "the sandbox did not start; see $WORK/bench.log" >&2; exit 1; }
# shellcheck disable=SC1090
source <(grep '^export ' "$WORK/sandbox.out")

# Wall time of a command, in seconds; its output goes to the log.
timed() {
  local start end
  start=$(date +%s.%N)
  "$@" >> "$WORK/bench.log" 2>&1 || { echo "failed: $*" >&2; tail -20 "$WORK/bench.log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
ours_push() { node "$CLI" push "oci:$WORK/image:v1" "docker://$REG/ours/app:1"; }
skopeo_push() { skopeo copy -q --dest-tls-verify=false "oci:$WORK/image:v1" "docker://$REG/skopeo/app:1"; }
ship() { node "$CLI" ship --json --tag app:bench --image "oci:$WORK/image:v1" --builder none --room bench --create-room --wait false; }

# The first push, copy and ship, untimed: everything after them has nothing to do. The first runs of the bundle
# also fill Node's compile cache where Node has one (22.1 and later).
echo "== first push, copy and ship" >&2
timed ours_push > /dev/null
timed skopeo_push > /dev/null
timed ship > /dev/null
rows=()
for round in $(seq "$ROUNDS"); do
  # Alternate the order, so neither tool always follows the other.
  if (( round % 2 )); then o=$(timed ours_push); s=$(timed skopeo_push); else s=$(timed skopeo_push); o=$(timed ours_push); fi
  r=$(timed ship)
  b=$(timed node -e 0)
  rows+=("$round $o $s $r $b")
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
col() { median $(for row in "${rows[@]}"; do echo "$row" | cut -d' ' -f"$1"; done); }
printf '\n%-6s %12s %12s %8s %14s %12s\n' round 'push (s)' 'skopeo (s)' ratio 're-ship (s)' 'node -e 0'
for row in "${rows[@]}"; do
  read -r round o s r b <<< "$row"
  printf '%-6s %12.3f %12.3f %8.2f %14.3f %12.3f\n' "$round" "$o" "$s" "$(echo "$o / $s" | bc -l)" "$r" "$b"
done
mo=$(col 2) ms=$(col 3) mr=$(col 4) mb=$(col 5)
printf '%-6s %12.3f %12.3f %8.2f %14.3f %12.3f\n' median "$mo" "$ms" "$(echo "$mo / $ms" | bc -l)" "$mr" "$mb"
echo "node $(node --version), $(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "targets: repeat push < 0.15 s, no-op re-ship < 0.30 s"
