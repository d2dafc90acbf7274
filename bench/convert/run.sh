#!/usr/bin/env bash
# Benchmark: `meshagent-ship convert` against the Go reference converter (`ctr-remote images convert --estargz --oci`,
# against a private containerd) and plain `gzip`, on one large layer, all at the same gzip level.
#
#   bash bench/convert/run.sh [ROUNDS]        (default 3; about 3 minutes a round on 2 cores)
#
# Input, made by script (no download): a tar of real directory trees on this machine (BENCH_SOURCES, default
# "usr/share usr/bin usr/include": about 1.2 GB and 60,000+ entries on a Debian machine; it must come to at least
# 500 MB and 10,000 entries), wrapped as an OCI image with that tar as its one uncompressed layer.
# Each round times, in an order that rotates between rounds,
#   ours        node <bundle> convert oci:IN oci:OUT --compression-level N   (bundled from src/ with ncc, as dist/ is)
#   ctr-remote  ctr-remote images convert --estargz --oci --estargz-compression-level N   (4 MiB chunks, like ours)
#   gzip        gzip -N of the same tar (one core)
# with /usr/bin/time -v (wall time, CPU, peak RSS), then checks our output: `meshagent-ship verify` passes, the layer
# digest is the same in every round, and `ctr-remote images get-toc-digest` (Go) agrees with our TOC annotation.
# Prints a table per round, the medians and the ratios against the targets; the report is also kept in the work dir.
#
# BENCH_LEVEL (default 6) sets the gzip level. Work files go to $MESHAGENT_SHIP_BENCH_DIR (default
# /tmp/meshagent-ship-bench-convert); the input is kept there between runs (delete input.tar to make it again).
# The containerd (and the rest of test/infra/up.sh) runs under that directory and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd -P)
ROUNDS=${1:-3}
LEVEL=${BENCH_LEVEL:-6}
SOURCES=${BENCH_SOURCES:-usr/share usr/bin usr/include}
mkdir -p "${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-convert}"
W=$(cd "${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-convert}" && pwd -P)
RES=$W/results
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench: ROUNDS must be a positive number, not '$ROUNDS'" >&2; exit 2; }
[[ $LEVEL =~ ^[0-9]$ ]] || { echo "bench: BENCH_LEVEL must be 0-9, not '$LEVEL'" >&2; exit 2; }

missing=()
for tool in ctr-remote containerd gzip tar node; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -x /usr/bin/time ]] || missing+=(/usr/bin/time)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "bench: missing ${missing[*]}; running scripts/setup-system.sh" >&2
  bash scripts/setup-system.sh >&2
fi

# --- input: a tar of real trees, as an OCI image with one uncompressed layer -------------------------------------
if [[ ! -s $W/input.tar || $(cat "$W/input.sources" 2>/dev/null) != "$SOURCES" ]]; then
  echo "bench: making $W/input.tar from /{${SOURCES// /,}}" >&2
  rm -rf "$W/input.tar" "$W/in-oci"
  # Unreadable files and sockets are skipped (tar says so and exits 1); anything worse stops the bench.
  # shellcheck disable=SC2086 # SOURCES is a list of paths
  tar --sort=name --numeric-owner --ignore-failed-read -cf "$W/input.tar.tmp" -C / $SOURCES 2>"$W/input.log" ||
    [[ $? -eq 1 ]] || { cat "$W/input.log" >&2; exit 1; }
  mv "$W/input.tar.tmp" "$W/input.tar"
  echo "$SOURCES" >"$W/input.sources"
fi
INPUT_BYTES=$(stat -c %s "$W/input.tar")
ENTRIES=$(tar -tf "$W/input.tar" | wc -l)
if ((INPUT_BYTES < 500000000 || ENTRIES < 10000)); then
  echo "bench: the input has $((INPUT_BYTES / 1000000)) MB and $ENTRIES entries; it needs at least 500 MB and 10,000:" \
    "set BENCH_SOURCES to larger directories (paths under /)" >&2
  exit 1
fi
[[ -s $W/in-oci/index.json ]] || node bench/convert/make-image.mjs "$W/in-oci" "$W/input.tar"
echo "bench: input $((INPUT_BYTES / 1000000)) MB, $ENTRIES tar entries; gzip level $LEVEL; $(nproc) cores" >&2

# --- ours: the CLI bundled from the working tree the way scripts/build.mjs does it (dist/ is left alone) ----------
echo "bench: bundling src/cli.ts" >&2
rm -rf "$W/cli"
npx ncc build src/cli.ts -o "$W/cli" -q >"$W/ncc.log" 2>&1 || { cat "$W/ncc.log" >&2; exit 1; }
CLI=$W/cli/index.js

# --- ctr-remote: a private containerd with the input image imported (not timed) ----------------------------------
echo "bench: starting containerd (test/infra/up.sh)" >&2
bash test/infra/up.sh "$W/infra" >"$W/infra.log" 2>&1 || { cat "$W/infra.log" >&2; exit 1; }
trap 'bash "$REPO/test/infra/down.sh" "$W/infra" >/dev/null 2>&1 || true' EXIT
CTR=(ctr-remote -a "$W/infra/containerd.sock" -n bench)
if ! "${CTR[@]}" images ls -q | grep -qx 'bench/in:bench'; then
  echo "bench: importing the input image into containerd" >&2
  tar -cf "$W/image.tar" -C "$W/in-oci" oci-layout index.json blobs
  "${CTR[@]}" images import --no-unpack --base-name bench/in "$W/image.tar" >/dev/null
  rm -f "$W/image.tar"
fi

# --- rounds -------------------------------------------------------------------------------------------------------
rm -rf "$RES"
mkdir -p "$RES"
# measure NAME ROUND STDOUT-FILE command...: under GNU time, its report in $RES/rROUND-NAME.time
# shellcheck source=bench/lib/measure.sh
source bench/lib/measure.sh
run_ours() {
  rm -rf "$W/out-oci"
  measure ours "$1" "$RES/r$1-ours.json" node "$CLI" convert "oci:$W/in-oci" "oci:$W/out-oci" --compression-level "$LEVEL" --json
  node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).manifests[0].layers[0].size)' \
    "$RES/r$1-ours.json" >"$RES/r$1-ours.size"
}
run_ctr() {
  "${CTR[@]}" images rm --sync bench/out:bench >/dev/null 2>&1 || true
  measure ctr-remote "$1" /dev/null "${CTR[@]}" images convert --estargz --oci --estargz-compression-level "$LEVEL" \
    bench/in:bench bench/out:bench
  local manifest
  manifest=$("${CTR[@]}" images ls | awk '$1 == "bench/out:bench" { print $3 }')
  "${CTR[@]}" content get "$manifest" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).layers[0].size))' \
      >"$RES/r$1-ctr-remote.size"
}
run_gzip() {
  measure gzip "$1" "$W/input.tar.gz" gzip "-$LEVEL" -c "$W/input.tar"
  stat -c %s "$W/input.tar.gz" >"$RES/r$1-gzip.size"
}
TOOLS=(ours ctr gzip)
for round in $(seq "$ROUNDS"); do
  cut -d' ' -f1-3 /proc/loadavg >"$RES/r$round.load"
  # Rotate who goes first, so the page cache and whatever else runs on the machine favour no one.
  for i in 0 1 2; do "run_${TOOLS[(i + round - 1) % 3]}" "$round"; done
done

# --- is our output accepted? ----------------------------------------------------------------------------------------
echo "bench: checking our output" >&2
node "$CLI" verify "oci:$W/out-oci" >"$RES/verify.txt" 2>&1 && echo "pass" >"$RES/verify.status" || echo "FAIL" >"$RES/verify.status"
LAYER=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).manifests[0].layers[0].digest)' "$RES/r1-ours.json")
TOC=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).manifests[0].layers[0].tocDigest)' "$RES/r1-ours.json")
tar -cf "$W/ours.tar" -C "$W/out-oci" oci-layout index.json blobs
"${CTR[@]}" images rm --sync bench/ours:bench >/dev/null 2>&1 || true
"${CTR[@]}" images import --no-unpack --base-name bench/ours "$W/ours.tar" >/dev/null
rm -f "$W/ours.tar"
GO_TOC=$("${CTR[@]}" images get-toc-digest "$LAYER" 2>&1 || true)
"${CTR[@]}" images rm --sync bench/ours:bench bench/out:bench >/dev/null 2>&1 || true
cat >"$RES/meta" <<META
input_bytes=$INPUT_BYTES
entries=$ENTRIES
sources=$SOURCES
level=$LEVEL
rounds=$ROUNDS
cores=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
node=$(node --version)
ctr_remote=$(dpkg-query -W -f='stargz-snapshotter ${Version}' stargz-snapshotter 2>/dev/null || ctr-remote --version)
layer=$LAYER
toc=$TOC
go_toc=$GO_TOC
verify=$(cat "$RES/verify.status")
META

node bench/convert/report.mjs "$RES" | tee "$W/report.md"
