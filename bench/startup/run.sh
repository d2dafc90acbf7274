#!/usr/bin/env bash
# Benchmark: from the start of a pull to the container's first line of output, and the bytes the registry served by
# then, for one image in five forms, each pulled as the sandbox's room runtime pulls (a new containerd with the
# stargz snapshotter daemon from scripts/build-snapshotter.sh, background fetch off, through the runtime's counting
# pull proxy; `ctr-remote images rpull`, then `ctr-remote run --snapshotter stargz`):
#   plain          the input as it is: two gzip layers (pulled whole: the snapshotter falls back to a normal pull)
#   ctr-estargz    ctr-remote images convert --estargz --oci        (its defaults: level 9, no prefetch)
#   ctr-optimize   ctr-remote image optimize --oci                  (runs the image once and puts what it read first)
#   ours           meshagent-ship convert                           (compiled from src/ with tsc; level 6)
#   ours-prefetch  meshagent-ship convert --prefetch (each file the start command read, in order: start-files.py)
# The input (make-image.sh) is made from this machine's files: the shared libraries under a python3.11 standard
# library; its command starts Python, imports json and prints a line. Each round runs the five in an order that
# rotates between rounds; each run is one process under GNU time (bench/lib/measure.sh), whose daemons are started
# before the clock and stopped (by PID, mounts undone) after it. Prints a table per round, the medians and the
# ratios against plain; the report is also kept in the work dir.
#
#   bash bench/startup/run.sh [ROUNDS]        (default 5; run as root, with /dev/fuse)
#
# Work files go to $MESHAGENT_SHIP_BENCH_DIR (default /tmp/meshagent-ship-bench-startup). Kept there between runs:
# the input image, and ctr-remote's two conversions of it (pushed to the registry of test/infra/up.sh, which keeps
# its data there; optimize takes minutes): delete $W/kept to make them anew. Ours is converted on every run.
# The registry and containerd of test/infra/up.sh run under that directory and are stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd -P)
ROUNDS=${1:-5}
mkdir -p "${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-startup}"
W=$(cd "${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-startup}" && pwd -P)
RES=$W/results
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench: ROUNDS must be a positive number, not '$ROUNDS'" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "bench: run as root (containerd, runc and FUSE mounts need it)" >&2; exit 2; }
[[ -r /dev/fuse && -w /dev/fuse ]] || { echo "bench: /dev/fuse is missing: lazy pulling needs FUSE (modprobe fuse)" >&2; exit 2; }

missing=()
for tool in ctr-remote containerd runc docker-registry node go; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -x /usr/bin/time ]] || missing+=(/usr/bin/time)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "bench: missing ${missing[*]}; running scripts/setup-system.sh" >&2
  bash scripts/setup-system.sh >&2
fi

# --- input, ours (the working tree compiled with tsc; dist/ is left alone), the snapshotter daemon ---------------------
bash bench/startup/make-image.sh "$W/image"
# shellcheck source=bench/lib/compile.sh
source bench/lib/compile.sh
bench_compile startup
CLI=$REPO/$CLI
RUN_ONE=$REPO/.cache/bench-startup-build/bench/startup/pull-and-run.js
STARGZ=$(bash scripts/build-snapshotter.sh | tail -n 1)
STARGZ=$(cd "$(dirname "$STARGZ")" && pwd -P)/$(basename "$STARGZ")

# --- the registry and a containerd to convert and record with (test/infra/up.sh) ---------------------------------------
echo "bench: starting the registry and containerd (test/infra/up.sh)" >&2
bash test/infra/up.sh "$W/infra" >"$W/infra.log" 2>&1 || { cat "$W/infra.log" >&2; exit 1; }
trap 'bash "$REPO/test/infra/down.sh" "$W/infra" >/dev/null 2>&1 || true' EXIT
REGISTRY=$(sed -n 's/^REGISTRY_PLAIN=//p' "$W/infra/infra.env")
CTR=(ctr-remote -a "$W/infra/containerd.sock" -n bench)
REPOSITORY=bench/startup
# has TAG: the registry holds REPOSITORY:TAG
has() { curl -sf -o /dev/null -I -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REGISTRY/v2/$REPOSITORY/manifests/$1"; }
# push_local TAG: pushes containerd's image REPOSITORY:TAG to the registry
push_local() { "${CTR[@]}" images push --plain-http "$REGISTRY/$REPOSITORY:$1" "$REPOSITORY:$1" >/dev/null; }

echo "bench: pushing the input" >&2
node "$CLI" push "oci:$W/image:plain" "docker://$REGISTRY/$REPOSITORY:plain" >/dev/null 2>"$W/push.log" || { cat "$W/push.log" >&2; exit 1; }
PLAIN=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).manifests[0].digest)' "$W/image/index.json")
if ! "${CTR[@]}" images ls -q | grep -qx "$REPOSITORY:plain-${PLAIN:7:12}"; then
  "${CTR[@]}" images pull --plain-http "$REGISTRY/$REPOSITORY:plain" >/dev/null
  "${CTR[@]}" images tag --force "$REGISTRY/$REPOSITORY:plain" "$REPOSITORY:plain" >/dev/null
  "${CTR[@]}" images tag --force "$REGISTRY/$REPOSITORY:plain" "$REPOSITORY:plain-${PLAIN:7:12}" >/dev/null
fi

# What the start command reads: its Python run once more in the image (overlayfs, not timed), listing what it read.
START_CODE=$(node -e '
  const fs = require("fs");
  const blob = (d) => `${process.argv[1]}/blobs/sha256/${d.slice(7)}`;
  const index = JSON.parse(fs.readFileSync(`${process.argv[1]}/index.json`, "utf8"));
  const config = JSON.parse(fs.readFileSync(blob(JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), "utf8")).config.digest), "utf8"));
  console.log(config.config.Cmd[2])' "$W/image")
"${CTR[@]}" run --rm "$REPOSITORY:plain" "record-$$" python3.11 -c "$(cat bench/startup/start-files.py)" "$START_CODE" >"$W/start-files.out"
grep '^/' "$W/start-files.out" >"$W/prefetch.txt" || { echo "bench: recording the start command's files gave none:" >&2; cat "$W/start-files.out" >&2; exit 1; }
PREFETCH=()
while read -r path; do PREFETCH+=(--prefetch "$path"); done <"$W/prefetch.txt"

# ctr-remote's conversions, kept while the input and ctr-remote are the same.
CTR_VERSION=$(dpkg-query -W -f='stargz-snapshotter ${Version}' stargz-snapshotter 2>/dev/null || ctr-remote --version)
mkdir -p "$W/kept"
convert_ctr() { # TAG ctr-remote-arguments...
  local tag=$1 key="$PLAIN $CTR_VERSION"
  shift
  if [[ $(cat "$W/kept/$tag" 2>/dev/null) == "$key" ]] && has "$tag"; then echo "bench: $tag: kept from an earlier run" >&2 && return; fi
  echo "bench: $tag: ctr-remote $*" >&2
  "${CTR[@]}" images rm --sync "$REPOSITORY:$tag" >/dev/null 2>&1 || true
  local start=$SECONDS
  "${CTR[@]}" "$@" "$REPOSITORY:plain" "$REPOSITORY:$tag" >"$W/$tag.log" 2>&1 || { tail -20 "$W/$tag.log" >&2; exit 1; }
  echo "bench: $tag: made in $((SECONDS - start)) s" >&2
  push_local "$tag"
  echo "$key" >"$W/kept/$tag"
}
convert_ctr ctr-estargz images convert --estargz --oci
convert_ctr ctr-optimize image optimize --oci

convert_ours() { # TAG convert-arguments...
  local tag=$1
  shift
  echo "bench: $tag: meshagent-ship convert$( (($# > 0)) && echo " --prefetch ($(($# / 2)) files, $W/prefetch.txt)")" >&2
  rm -rf "$W/$tag"
  node "$CLI" convert "oci:$W/image:plain" "oci:$W/$tag:$tag" "$@" >/dev/null 2>"$W/$tag.log" || { tail -20 "$W/$tag.log" >&2; exit 1; }
  node "$CLI" push "oci:$W/$tag:$tag" "docker://$REGISTRY/$REPOSITORY:$tag" >/dev/null 2>>"$W/$tag.log" || { tail -20 "$W/$tag.log" >&2; exit 1; }
}
convert_ours ours
convert_ours ours-prefetch "${PREFETCH[@]}"

# --- rounds ------------------------------------------------------------------------------------------------------------
rm -rf "$RES"
mkdir -p "$RES"
# shellcheck source=bench/lib/measure.sh
source bench/lib/measure.sh
IMAGES=(plain ctr-estargz ctr-optimize ours ours-prefetch)
for round in $(seq "$ROUNDS"); do
  cut -d' ' -f1-3 /proc/loadavg >"$RES/r$round.load"
  # Rotate who goes first, so the page cache and whatever else runs on the machine favour no one.
  for i in "${!IMAGES[@]}"; do
    tag=${IMAGES[(i + round - 1) % ${#IMAGES[@]}]}
    measure "$tag" "$round" "$RES/r$round-$tag.json" node "$RUN_ONE" "$REGISTRY" "$REPOSITORY:$tag" "$W/run" "$STARGZ"
  done
done

# The input's layers: compressed and uncompressed bytes, and entries.
LAYER_BYTES=() TAR_BYTES=0 ENTRIES=0
for digest in $(node -e '
  const fs = require("fs");
  const blob = (d) => `${process.argv[1]}/blobs/sha256/${d.slice(7)}`;
  const index = JSON.parse(fs.readFileSync(`${process.argv[1]}/index.json`, "utf8"));
  console.log(JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), "utf8")).layers.map((l) => l.digest.slice(7)).join(" "))' "$W/image"); do
  LAYER_BYTES+=("$(stat -c %s "$W/image/blobs/sha256/$digest")")
  TAR_BYTES=$((TAR_BYTES + $(gzip -dc "$W/image/blobs/sha256/$digest" | wc -c)))
  ENTRIES=$((ENTRIES + $(tar -tzf "$W/image/blobs/sha256/$digest" | wc -l)))
done
cat >"$RES/meta" <<META
rounds=$ROUNDS
images=${IMAGES[*]}
layers=${LAYER_BYTES[*]}
tar_bytes=$TAR_BYTES
entries=$ENTRIES
prefetch_files=$(wc -l <"$W/prefetch.txt")
start_code=$START_CODE
cores=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
node=$(node --version)
ctr_remote=$CTR_VERSION
containerd=$(dpkg-query -W -f='containerd ${Version}' containerd 2>/dev/null || containerd --version)
kernel=$(uname -r)
META

node bench/startup/report.mjs "$RES" | tee "$W/report.md"
