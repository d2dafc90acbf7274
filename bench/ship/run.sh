#!/usr/bin/env bash
# Benchmark: a first ship against a re-ship after one file changed in the top layer, through the whole pipeline
# (resolve, ensure, convert, push, deploy, verify) against a local sandbox (`meshagent-ship sandbox`: the MeshAgent
# API emulation, its token server and Debian's docker-registry). The image is an OCI layout made by make-image.mjs
# (five base layers of 320 MB in all and a small top layer), shipped with --image oci:DIR so no build is timed.
# Prints a table of wall times (whole processes, Node start-up included), the ratio, and per-stage medians.
#   bash bench/ship/run.sh [ROUNDS]        (default 3; needs docker-registry, node, bc)
# Work files go to $MESHAGENT_SHIP_BENCH_DIR (default /tmp/meshagent-ship-bench-ship); the input image is kept there
# between runs, the sandbox's state (and so its registry) is new for every round.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
WORK=${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-ship}
mkdir -p "$WORK"

node bench/ship/make-image.mjs "$WORK/image" >&2
# shellcheck source=bench/lib/compile.sh
source bench/lib/compile.sh
bench_compile ship

SANDBOX_PID=
stop_sandbox() { if [[ -n $SANDBOX_PID ]]; then kill -INT "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; SANDBOX_PID=; fi; }
trap stop_sandbox EXIT
# A new sandbox (empty registry, no service) for every round; its environment is what it prints. No container runs
# (--no-runtime, --wait false): the image is files, not a program, and the ship's own work is what is measured.
fresh_sandbox() {
  stop_sandbox
  rm -rf "$WORK/sandbox" "$WORK/sandbox.out"
  node "$CLI" sandbox --no-runtime --dir "$WORK/sandbox" > "$WORK/sandbox.out" 2>> "$WORK/sandbox.log" &
  SANDBOX_PID=$!
  for _ in $(seq 300); do grep -q '^Project key' "$WORK/sandbox.out" 2>/dev/null && break; sleep 0.05; done
  grep -q '^Project key' "$WORK/sandbox.out" || { echo "the sandbox did not start; see $WORK/sandbox.log" >&2; exit 1; }
  # shellcheck disable=SC1090
  source <(grep '^export ' "$WORK/sandbox.out")
}

# Wall time of a command, in seconds; its stdout goes to $2, its stderr to the log.
timed() {
  local out=$1 start end
  shift
  start=$(date +%s.%N)
  "$@" > "$out" 2>> "$WORK/bench.log" || { echo "failed: $*" >&2; tail -30 "$WORK/bench.log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
ship() { timed "$WORK/$2.json" node "$CLI" ship --json --tag app:bench --image "oci:$WORK/image:$1" --builder none --room bench --create-room --wait false --prefetch /app/main --prefetch /opt/layer0/file-0.bin; }

: > "$WORK/bench.log"
SIZE=$(du -sm "$WORK/image/blobs" | cut -f1)
echo "image: $SIZE MB in $(ls "$WORK/image/blobs/sha256" | wc -l) blobs (tags v1 and v2); $(nproc) cores" >&2
rows=()
for round in $(seq "$ROUNDS"); do
  fresh_sandbox
  f=$(ship v1 "first$round")
  r=$(ship v2 "reship$round")
  stop_sandbox
  rows+=("$round $f $r")
done

printf '\n%-6s %14s %14s %8s\n' round 'first ship (s)' 're-ship (s)' ratio
for row in "${rows[@]}"; do
  read -r round f r <<< "$row"
  printf '%-6s %14.2f %14.2f %8.3f\n' "$round" "$f" "$r" "$(echo "$r / $f" | bc -l)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mf=$(median $(for row in "${rows[@]}"; do echo "$row" | cut -d' ' -f2; done))
mr=$(median $(for row in "${rows[@]}"; do echo "$row" | cut -d' ' -f3; done))
printf '%-6s %14.2f %14.2f %8.3f\n' median "$mf" "$mr" "$(echo "$mr / $mf" | bc -l)"

# What each ship did, from its result: per-stage median times, and per layer how it was converted and pushed.
node - "$WORK" "$ROUNDS" <<'JS'
const [work, rounds] = [process.argv[2], Number(process.argv[3])];
const fs = require('fs');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
for (const kind of ['first', 'reship']) {
  const results = Array.from({ length: rounds }, (_, i) => JSON.parse(fs.readFileSync(`${work}/${kind}${i + 1}.json`, 'utf8')));
  const stages = results[0].stages.map((s) => s.name);
  const times = stages.map((name) => `${name} ${(median(results.map((r) => r.stages.find((s) => s.name === name).durationMs)) / 1000).toFixed(2)}`);
  const layers = results[0].image.layers.map((l) => `${l.conversion}/${l.push}`).join(', ');
  console.log(`${kind.padEnd(6)} stages (s, median): ${times.join(', ')}\n       layers: ${layers}`);
}
JS
echo "target: re-ship / first ship < 0.10"
