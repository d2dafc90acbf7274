#!/usr/bin/env bash
# Benchmark: `meshagent-ship convert` against pigz (gzip on every core, the practical limit for gzip output) and the
# Go reference converter (`ctr-remote images convert --estargz --oci`, against a private containerd), on two layers,
# all at the same gzip level.
#
#   bash bench/convert/run.sh [ROUNDS]        (default 3; about 6 minutes a round on 2 cores)
#
# Inputs, made by script (no download), each a tar of real directory trees on this machine wrapped as an OCI image
# with that tar as its one uncompressed layer:
#   small   BENCH_SMALL_SOURCES, default "usr/lib/python3.11 usr/lib/python3 usr/share/perl usr/lib/node_modules"
#           (python, perl and node libraries: about 131 MB and 8,000+ entries on a Debian machine; at least 50 MB
#           and 1,000 entries)
#   large   BENCH_SOURCES, default "usr/share usr/bin usr/include" (1.2-2 GB and 60,000+ entries; at least 500 MB and
#           10,000 entries)
# BENCH_CASES (default "small large") picks the inputs. Each round times, per input, in an order that rotates between
# rounds,
#   ours        node <bundle> convert oci:IN oci:OUT --compression-level N   (bundled from src/ with ncc, as dist/ is)
#   pigz        pigz -N of the same tar, on all cores
#   ctr-remote  ctr-remote images convert --estargz --oci --estargz-compression-level N   (4 MiB chunks, like ours)
# with /usr/bin/time -v (wall time, CPU, peak RSS), then checks our output: `meshagent-ship verify` passes, the layer
# digest is the same in every round, and `ctr-remote images get-toc-digest` (Go) agrees with our TOC annotation.
# Prints a table per round, the medians and the ratios against the targets; the report is also kept in the work dir.
#
# BENCH_LEVEL (default 6) sets the gzip level. Work files go to $MESHAGENT_SHIP_BENCH_DIR (default
# /tmp/meshagent-ship-bench-convert); the inputs are kept there between runs (delete CASE/input.tar to make one
# again). The containerd (and the rest of test/infra/up.sh) runs under that directory and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd -P)
ROUNDS=${1:-3}
LEVEL=${BENCH_LEVEL:-6}
CASES=${BENCH_CASES:-small large}
declare -A SOURCES=([small]=${BENCH_SMALL_SOURCES:-usr/lib/python3.11 usr/lib/python3 usr/share/perl usr/lib/node_modules}
  [large]=${BENCH_SOURCES:-usr/share usr/bin usr/include})
declare -A MIN_BYTES=([small]=50000000 [large]=500000000) MIN_ENTRIES=([small]=1000 [large]=10000)
mkdir -p "${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-convert}"
W=$(cd "${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-convert}" && pwd -P)
RES=$W/results
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench: ROUNDS must be a positive number, not '$ROUNDS'" >&2; exit 2; }
[[ $LEVEL =~ ^[0-9]$ ]] || { echo "bench: BENCH_LEVEL must be 0-9, not '$LEVEL'" >&2; exit 2; }
for case in $CASES; do
  [[ -n ${SOURCES[$case]+set} ]] || { echo "bench: BENCH_CASES takes small and large, not '$case'" >&2; exit 2; }
done

missing=()
for tool in ctr-remote containerd pigz tar node; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -x /usr/bin/time ]] || missing+=(/usr/bin/time)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "bench: missing ${missing[*]}; running scripts/setup-system.sh" >&2
  bash scripts/setup-system.sh >&2
fi

# --- inputs: tars of real trees, each as an OCI image with one uncompressed layer ----------------------------------
for case in $CASES; do
  dir=$W/$case sources=${SOURCES[$case]}
  mkdir -p "$dir"
  if [[ ! -s $dir/input.tar || $(cat "$dir/input.sources" 2>/dev/null) != "$sources" ]]; then
    echo "bench: making $dir/input.tar from /{${sources// /,}}" >&2
    rm -rf "$dir/input.tar" "$dir/in-oci"
    # Unreadable files and sockets are skipped (tar says so and exits 1); anything worse stops the bench.
    # shellcheck disable=SC2086 # sources is a list of paths
    tar --sort=name --numeric-owner --ignore-failed-read -cf "$dir/input.tar.tmp" -C / $sources 2>"$dir/input.log" ||
      [[ $? -eq 1 ]] || { cat "$dir/input.log" >&2; exit 1; }
    mv "$dir/input.tar.tmp" "$dir/input.tar"
    echo "$sources" >"$dir/input.sources"
  fi
  bytes=$(stat -c %s "$dir/input.tar")
  entries=$(tar -tf "$dir/input.tar" | wc -l)
  if ((bytes < MIN_BYTES[$case] || entries < MIN_ENTRIES[$case])); then
    echo "bench: the $case input has $((bytes / 1000000)) MB and $entries entries; it needs at least" \
      "$((MIN_BYTES[$case] / 1000000)) MB and ${MIN_ENTRIES[$case]}: set BENCH_${case^^}_SOURCES (small) or BENCH_SOURCES (large)" \
      "to larger directories (paths under /)" >&2
    exit 1
  fi
  printf 'input_bytes=%s\nentries=%s\nsources=%s\n' "$bytes" "$entries" "$sources" >"$dir/input.meta"
  [[ -s $dir/in-oci/index.json ]] || node bench/convert/make-image.mjs "$dir/in-oci" "$dir/input.tar"
  echo "bench: $case input $((bytes / 1000000)) MB, $entries tar entries" >&2
done
echo "bench: gzip level $LEVEL; $(nproc) cores" >&2

# --- ours: the CLI bundled from the working tree the way scripts/build.mjs does it (dist/ is left alone) ----------
echo "bench: bundling src/cli.ts" >&2
rm -rf "$W/cli"
npx ncc build src/cli.ts -o "$W/cli" -q >"$W/ncc.log" 2>&1 || { cat "$W/ncc.log" >&2; exit 1; }
CLI=$W/cli/index.js

# --- ctr-remote: a private containerd with the input images imported (not timed) ---------------------------------
echo "bench: starting containerd (test/infra/up.sh)" >&2
bash test/infra/up.sh "$W/infra" >"$W/infra.log" 2>&1 || { cat "$W/infra.log" >&2; exit 1; }
trap 'bash "$REPO/test/infra/down.sh" "$W/infra" >/dev/null 2>&1 || true' EXIT
CTR=(ctr-remote -a "$W/infra/containerd.sock" -n bench)
for case in $CASES; do
  # The image is imported again when its input was made again (its index's digest is in the name).
  image=bench/in-$case-$(sha256sum <"$W/$case/in-oci/index.json" | head -c 12)
  echo "$image" >"$W/$case/image.name"
  if ! "${CTR[@]}" images ls -q | grep -qx "$image:bench"; then
    echo "bench: importing the $case input image into containerd" >&2
    tar -cf "$W/image.tar" -C "$W/$case/in-oci" oci-layout index.json blobs
    "${CTR[@]}" images import --no-unpack --base-name "$image" "$W/image.tar" >/dev/null
    rm -f "$W/image.tar"
  fi
done

# --- rounds -------------------------------------------------------------------------------------------------------
rm -rf "$RES"
# measure NAME ROUND STDOUT-FILE command...: under GNU time, its report in $RES/rROUND-NAME.time
# shellcheck source=bench/lib/measure.sh
source bench/lib/measure.sh
# shellcheck source=bench/lib/go-toc.sh
source bench/lib/go-toc.sh
run_ours() { # CASE ROUND
  rm -rf "$W/$1/out-oci"
  RES=$RES/$1 measure ours "$2" "$RES/$1/r$2-ours.json" \
    node "$CLI" convert "oci:$W/$1/in-oci" "oci:$W/$1/out-oci" --compression-level "$LEVEL" --json
  node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).manifests[0].layers[0].size)' \
    "$RES/$1/r$2-ours.json" >"$RES/$1/r$2-ours.size"
}
run_ctr() { # CASE ROUND
  "${CTR[@]}" images rm --sync bench/out:bench >/dev/null 2>&1 || true
  RES=$RES/$1 measure ctr-remote "$2" /dev/null "${CTR[@]}" images convert --estargz --oci --estargz-compression-level "$LEVEL" \
    "$(cat "$W/$1/image.name"):bench" bench/out:bench
  local manifest
  manifest=$("${CTR[@]}" images ls | awk '$1 == "bench/out:bench" { print $3 }')
  "${CTR[@]}" content get "$manifest" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).layers[0].size))' \
      >"$RES/$1/r$2-ctr-remote.size"
  "${CTR[@]}" images rm --sync bench/out:bench >/dev/null 2>&1 || true
}
run_pigz() { # CASE ROUND
  RES=$RES/$1 measure pigz "$2" "$W/$1/input.tar.gz" pigz "-$LEVEL" -c "$W/$1/input.tar"
  stat -c %s "$W/$1/input.tar.gz" >"$RES/$1/r$2-pigz.size"
  rm -f "$W/$1/input.tar.gz"
}
TOOLS=(ours pigz ctr)
for case in $CASES; do mkdir -p "$RES/$case"; done
for round in $(seq "$ROUNDS"); do
  for case in $CASES; do
    cut -d' ' -f1-3 /proc/loadavg >"$RES/$case/r$round.load"
    # Rotate who goes first, so the page cache and whatever else runs on the machine favour no one.
    for i in 0 1 2; do "run_${TOOLS[(i + round - 1) % 3]}" "$case" "$round"; done
  done
done

# --- is our output accepted? ----------------------------------------------------------------------------------------
for case in $CASES; do
  echo "bench: checking our $case output" >&2
  R=$RES/$case
  node "$CLI" verify "oci:$W/$case/out-oci" >"$R/verify.txt" 2>&1 && echo "pass" >"$R/verify.status" || echo "FAIL" >"$R/verify.status"
  LAYER=$(our_layer digest "$R/r1-ours.json")
  TOC=$(our_layer tocDigest "$R/r1-ours.json")
  GO_TOC=$(go_toc_digest "$W/$case/out-oci" "$LAYER" bench)
  {
    cat "$W/$case/input.meta"
    printf 'layer=%s\ntoc=%s\ngo_toc=%s\nverify=%s\n' "$LAYER" "$TOC" "$GO_TOC" "$(cat "$R/verify.status")"
  } >"$R/meta"
done
cat >"$RES/meta" <<META
cases=$CASES
level=$LEVEL
rounds=$ROUNDS
cores=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
node=$(node --version)
pigz=$(pigz --version 2>&1)
ctr_remote=$(dpkg-query -W -f='stargz-snapshotter ${Version}' stargz-snapshotter 2>/dev/null || ctr-remote --version)
META

node bench/convert/report.mjs "$RES" | tee "$W/report.md"
