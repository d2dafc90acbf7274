#!/usr/bin/env bash
# Benchmark: meshagent-ship push vs `skopeo copy` of the same OCI layout (a 7-layer image of about 520 MB) to the
# same local registry (Debian's docker-registry, filesystem storage), each into an empty registry, plus a repeat
# push of the same image. Prints a table of wall times (whole processes, start-up included) and ratios.
#   bash bench/push/run.sh [ROUNDS]        (default 3; needs docker-registry, skopeo and node)
# Work files go to $MESHAGENT_SHIP_BENCH_DIR (default /tmp/meshagent-ship-bench-push); the input image is kept there
# between runs, the registry's storage is not.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
WORK=${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-push}
mkdir -p "$WORK"

node bench/push/make-image.mjs "$WORK/image" >&2
# shellcheck source=bench/lib/compile.sh
source bench/lib/compile.sh
bench_compile push

PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
REG=127.0.0.1:$PORT
cat > "$WORK/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $WORK/registry-data}, delete: {enabled: true}}
http: {addr: $REG, secret: bench}
YAML
REG_PID=
stop_registry() { if [[ -n $REG_PID ]]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; REG_PID=; fi; }
trap stop_registry EXIT
# An empty registry for every first push: a registry that already holds the blobs (in any repository) would let
# skopeo mount them (it remembers where it pushed blobs before) and make the comparison meaningless.
fresh_registry() {
  stop_registry
  rm -rf "$WORK/registry-data"
  docker-registry serve "$WORK/registry.yml" >> "$WORK/registry.log" 2>&1 &
  REG_PID=$!
  for _ in $(seq 200); do curl -fs "http://$REG/v2/" >/dev/null 2>&1 && return; sleep 0.05; done
  echo "the registry did not start; see $WORK/registry.log" >&2
  exit 1
}

# Wall time of a command, in seconds; its output goes to the log.
timed() {
  local start end
  start=$(date +%s.%N)
  "$@" >> "$WORK/bench.log" 2>&1 || { echo "failed: $*" >&2; tail -20 "$WORK/bench.log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
skopeo_push() { timed skopeo copy -q --dest-tls-verify=false "oci:$WORK/image:bench" "docker://$REG/$1/app:1"; }
ours_push() { timed node "$CLI" push "oci:$WORK/image:bench" "docker://$REG/$1/app:1"; }

: > "$WORK/bench.log"
SIZE=$(du -sm "$WORK/image/blobs" | cut -f1)
echo "image: $SIZE MB in $(ls "$WORK/image/blobs/sha256" | wc -l) blobs; registry $REG; $(nproc) cores" >&2
rows=()
for round in $(seq "$ROUNDS"); do
  # Alternate who goes first, so the page cache and the machine's load favour neither.
  if (( round % 2 )); then
    fresh_registry; s=$(skopeo_push "skopeo$round"); sr=$(skopeo_push "skopeo$round")
    fresh_registry; o=$(ours_push "ours$round"); r=$(ours_push "ours$round")
  else
    fresh_registry; o=$(ours_push "ours$round"); r=$(ours_push "ours$round")
    fresh_registry; s=$(skopeo_push "skopeo$round"); sr=$(skopeo_push "skopeo$round")
  fi
  rows+=("$round $s $o $r $sr")
done

printf '\n%-6s %12s %12s %8s %14s %16s\n' round 'skopeo (s)' 'ours (s)' ratio 'ours repeat' 'skopeo repeat'
for row in "${rows[@]}"; do
  read -r round s o r sr <<< "$row"
  printf '%-6s %12.2f %12.2f %8.2f %14.2f %16.2f\n' "$round" "$s" "$o" "$(echo "$o / $s" | bc -l)" "$r" "$sr"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms=$(median $(for row in "${rows[@]}"; do echo "$row" | cut -d' ' -f2; done))
mo=$(median $(for row in "${rows[@]}"; do echo "$row" | cut -d' ' -f3; done))
mr=$(median $(for row in "${rows[@]}"; do echo "$row" | cut -d' ' -f4; done))
msr=$(median $(for row in "${rows[@]}"; do echo "$row" | cut -d' ' -f5; done))
printf '%-6s %12.2f %12.2f %8.2f %14.2f %16.2f\n' median "$ms" "$mo" "$(echo "$mo / $ms" | bc -l)" "$mr" "$msr"
echo "targets: ratio <= 1.00, ours repeat < 1 s"
