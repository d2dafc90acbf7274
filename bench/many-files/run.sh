#!/usr/bin/env bash
# Benchmark: peak memory and time with many files in one layer. The input (make-image.mjs) is an OCI image whose one
# gzip layer holds 600,000 small files (BENCH_FILES changes the count): empty, but one in a hundred that holds a
# line, and a 64 KiB /app/main to prefetch. With BENCH_VARIANT=hardlinks, every file but the first of each directory
# of 1,000 is a hardlink to the one before it (599,400 hardlinks). Each round measures, with /usr/bin/time -v (GNU time), in an order that
# rotates between rounds:
#   ours           node <cli> convert oci:IMAGE:v1 oci:OUT                       (compiled from src/ with tsc)
#   ours-prefetch  the same with --prefetch /app/main (the layer is reordered: its tar is spooled and read again)
#   ctr-remote     ctr-remote images convert --estargz --oci (the Go reference, against a private containerd)
#   ship           ship --image oci:IMAGE:v1 to a new local sandbox (convert, verify, push, read back, deploy)
#   ship-prefetch  the same again with --prefetch /app/main: converted again, the list matched against the paths of
#                  the previous conversion's TOC, read back from the registry
#   ship-again     the same once more: the previous conversion is reused (its TOC is read from the registry)
# then checks our output: the layer digest is the same in every round and Go's `ctr-remote images get-toc-digest`
# agrees with our TOC annotation. Prints a table per round, the medians and the ratios against ctr-remote; the target
# is a peak RSS under 256 MiB for every one of ours. The report is also kept in the work dir.
#
#   bash bench/many-files/run.sh [ROUNDS]        (default 1; about 5 minutes a round on 2 cores; run as root)
#   BENCH_VARIANT=hardlinks bash bench/many-files/run.sh [ROUNDS]
#
# Work files go to $MESHAGENT_SHIP_BENCH_DIR (default /tmp/meshagent-ship-bench-many-files); the input is kept there
# between runs. The containerd (test/infra/up.sh) runs under that directory and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd -P)
ROUNDS=${1:-1}
FILES=${BENCH_FILES:-600000}
VARIANT=${BENCH_VARIANT:-files}
mkdir -p "${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-many-files}"
W=$(cd "${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-many-files}" && pwd -P)
RES=$W/results
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench: ROUNDS must be a positive number, not '$ROUNDS'" >&2; exit 2; }
[[ $FILES =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_FILES must be a positive number, not '$FILES'" >&2; exit 2; }
[[ $VARIANT == files || $VARIANT == hardlinks ]] || { echo "bench: BENCH_VARIANT must be files or hardlinks, not '$VARIANT'" >&2; exit 2; }

missing=()
for tool in ctr-remote containerd docker-registry node; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -x /usr/bin/time ]] || missing+=(/usr/bin/time)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "bench: missing ${missing[*]}; running scripts/setup-system.sh" >&2
  bash scripts/setup-system.sh >&2
fi

# --- input ----------------------------------------------------------------------------------------------------------
INPUT=$FILES-$VARIANT
if [[ $(cat "$W/image.files" 2>/dev/null) != "$INPUT" ]]; then rm -rf "$W/image"; fi
node bench/many-files/make-image.mjs "$W/image" "$FILES" "$VARIANT" >&2
echo "$INPUT" >"$W/image.files"

# --- ours: the working tree compiled with tsc (dist/ is left alone) --------------------------------------------------
# shellcheck source=bench/lib/compile.sh
source bench/lib/compile.sh
bench_compile many-files
CLI=$REPO/$CLI

# --- ctr-remote: a private containerd with the input image imported (not timed) --------------------------------------
echo "bench: starting containerd (test/infra/up.sh)" >&2
bash test/infra/up.sh "$W/infra" >"$W/infra.log" 2>&1 || { cat "$W/infra.log" >&2; exit 1; }
SANDBOX_PID=
stop_sandbox() { if [[ -n $SANDBOX_PID ]]; then kill -INT "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; SANDBOX_PID=; fi; }
trap 'stop_sandbox; bash "$REPO/test/infra/down.sh" "$W/infra" >/dev/null 2>&1 || true' EXIT
CTR=(ctr-remote -a "$W/infra/containerd.sock" -n bench)
if ! "${CTR[@]}" images ls -q | grep -qx "bench/many:v1-$INPUT"; then
  echo "bench: importing the input image into containerd" >&2
  mapfile -t old < <("${CTR[@]}" images ls -q | grep '^bench/many:' || true)
  [[ ${#old[@]} -eq 0 ]] || "${CTR[@]}" images rm --sync "${old[@]}" >/dev/null 2>&1 || true
  tar -cf "$W/image.tar" -C "$W/image" oci-layout index.json blobs
  "${CTR[@]}" images import --no-unpack --base-name bench/many "$W/image.tar" >/dev/null
  "${CTR[@]}" images tag bench/many:v1 "bench/many:v1-$INPUT" >/dev/null
  rm -f "$W/image.tar"
fi

# --- rounds -----------------------------------------------------------------------------------------------------------
rm -rf "$RES"
mkdir -p "$RES"
# measure NAME ROUND STDOUT-FILE command...: under GNU time, its report in $RES/rROUND-NAME.time
# shellcheck source=bench/lib/measure.sh
source bench/lib/measure.sh
# shellcheck source=bench/lib/go-toc.sh
source bench/lib/go-toc.sh
run_ours() {
  rm -rf "$W/out" "$W/out-prefetch"
  measure ours "$1" "$RES/r$1-ours.json" node "$CLI" convert "oci:$W/image:v1" "oci:$W/out" --json
  measure ours-prefetch "$1" "$RES/r$1-ours-prefetch.json" node "$CLI" convert "oci:$W/image:v1" "oci:$W/out-prefetch" --prefetch /app/main --json
}
run_ctr() {
  "${CTR[@]}" images rm --sync bench/many-out:v1 >/dev/null 2>&1 || true
  measure ctr-remote "$1" /dev/null "${CTR[@]}" images convert --estargz --oci "bench/many:v1-$INPUT" bench/many-out:v1
}
# A new sandbox (empty registry, no service) for each round; its environment is what it prints. No container runs
# (--no-runtime, --wait false): the layer's files are not a program, and the ship's own work is what is measured.
run_ship() {
  stop_sandbox
  rm -rf "$W/sandbox" "$W/sandbox.out"
  node "$CLI" sandbox --no-runtime --dir "$W/sandbox" >"$W/sandbox.out" 2>>"$W/sandbox.log" &
  SANDBOX_PID=$!
  for _ in $(seq 300); do grep -q '^Project key' "$W/sandbox.out" 2>/dev/null && break; sleep 0.05; done
  grep -q '^Project key' "$W/sandbox.out" || { echo "bench: the sandbox did not start; see $W/sandbox.log" >&2; exit 1; }
  # shellcheck disable=SC1090
  source <(grep '^export ' "$W/sandbox.out")
  local ship=(node "$CLI" ship --json --tag app:bench --image "oci:$W/image:v1" --builder none --room bench --create-room --wait false)
  measure ship "$1" "$RES/r$1-ship.json" "${ship[@]}"
  measure ship-prefetch "$1" "$RES/r$1-ship-prefetch.json" "${ship[@]}" --prefetch /app/main
  measure ship-again "$1" "$RES/r$1-ship-again.json" "${ship[@]}" --prefetch /app/main
  stop_sandbox
}
TOOLS=(ours ctr ship)
for round in $(seq "$ROUNDS"); do
  cut -d' ' -f1-3 /proc/loadavg >"$RES/r$round.load"
  # Rotate who goes first, so the page cache and whatever else runs on the machine favour no one.
  for i in 0 1 2; do "run_${TOOLS[(i + round - 1) % 3]}" "$round"; done
done

# --- is our output what Go reads? ---------------------------------------------------------------------------------------
echo "bench: checking our output" >&2
LAYER=$(our_layer digest "$RES/r1-ours.json")
TOC=$(our_layer tocDigest "$RES/r1-ours.json")
GO_TOC=$(go_toc_digest "$W/out" "$LAYER" v1)
"${CTR[@]}" images rm --sync bench/many-out:v1 >/dev/null 2>&1 || true
SOURCE_LAYER=$W/image/blobs/sha256/$(node -e 'const fs = require("fs"); const blob = (d) => `${process.argv[1]}/blobs/sha256/${d.slice(7)}`; const index = JSON.parse(fs.readFileSync(`${process.argv[1]}/index.json`, "utf8")); console.log(JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), "utf8")).layers[0].digest.slice(7))' "$W/image")
cat >"$RES/meta" <<META
files=$FILES
variant=$VARIANT
entries=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).manifests[0].layers[0].entries)' "$RES/r1-ours.json")
layer_bytes=$(stat -c %s "$SOURCE_LAYER")
tar_bytes=$(gzip -dc "$SOURCE_LAYER" | wc -c)
rounds=$ROUNDS
cores=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
node=$(node --version)
ctr_remote=$(dpkg-query -W -f='stargz-snapshotter ${Version}' stargz-snapshotter 2>/dev/null || ctr-remote --version)
layer=$LAYER
toc=$TOC
go_toc=$GO_TOC
META

node bench/many-files/report.mjs "$RES" | tee "$W/report.md"
