#!/usr/bin/env bash
# Benchmark: ship from a Dockerfile, against the manual recipe of the MeshAgent docs, for two services made by
# make-contexts.mjs from files on this machine (a Node service whose npm dependencies install offline from
# vendored tarballs, and a Python one). For each, in one run:
#   cold    meshagent-ship ship with buildah and an empty cache-dir (build, eStargz, push, deploy)
#   warm    the same after a one-line source change, with the cache the cold ship saved
#   manual  buildah build, ctr-remote images convert --estargz --oci, ctr-remote images push, then the deploy
#           (the deploy stage of a ship of the image already pushed: the same API calls the CLI makes)
# against a local sandbox (`meshagent-ship sandbox --no-runtime`, so no rollout is waited for) and a containerd of its own for ctr-remote. Targets: warm <= 20%
# of cold, and cold at least 3 times as fast as manual.
#   bash bench/build/run.sh [ROUNDS]      (default 3; needs buildah, ctr-remote, containerd, docker-registry, node, bc)
# Work files go to $MESHAGENT_SHIP_BENCH_DIR (default /tmp/meshagent-ship-bench-build).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
WORK=${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-build}
mkdir -p "$WORK"
: > "$WORK/bench.log"
: > "$WORK/manual-steps.txt"

node bench/build/make-contexts.mjs "$WORK/contexts" >&2
# The working tree bundled as dist/ is (whatever dist/ holds): whole-process times include Node's start-up, and
# the bundle loads in half the CPU time of tsc's output (0.27 s against 0.55 s for --help).
echo "== bundling" >&2
node scripts/build.mjs .cache/bench-build-dist >&2
CLI=.cache/bench-build-dist/cli.js

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap cleanup EXIT

# containerd for ctr-remote, everything under WORK.
SOCK=$WORK/containerd.sock
mkdir -p "$WORK/containerd"
cat > "$WORK/containerd/config.toml" <<TOML
version = 2
root = "$WORK/containerd/root"
state = "$WORK/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
TOML
containerd --config "$WORK/containerd/config.toml" >> "$WORK/containerd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 200); do ctr-remote -a "$SOCK" version >/dev/null 2>&1 && break; sleep 0.05; done
CTR=(ctr-remote -a "$SOCK" -n bench)

# A new sandbox (empty registry, no service) for every round.
fresh_sandbox() {
  if [[ ${#PIDS[@]} -gt 1 ]]; then kill -INT "${PIDS[1]}" 2>/dev/null || true; wait "${PIDS[1]}" 2>/dev/null || true; PIDS=("${PIDS[0]}"); fi
  rm -rf "$WORK/sandbox" "$WORK/sandbox.out"
  node "$CLI" sandbox --no-runtime --dir "$WORK/sandbox" > "$WORK/sandbox.out" 2>> "$WORK/sandbox.log" &
  PIDS+=($!)
  for _ in $(seq 300); do grep -q '^Project key' "$WORK/sandbox.out" 2>/dev/null && break; sleep 0.05; done
  grep -q '^Project key' "$WORK/sandbox.out" || { echo "the sandbox did not start; see $WORK/sandbox.log" >&2; exit 1; }
  # shellcheck disable=SC1090
  source <(grep '^export ' "$WORK/sandbox.out")
}

# CPU seconds (user + system) containerd has used so far: part of the manual recipe's work (import, convert, push)
# runs in it, not in ctr-remote.
containerd_cpu() {
  local ticks
  ticks=$(awk '{ print $14 + $15 }' "/proc/${PIDS[0]}/stat")
  echo "$ticks / $(getconf CLK_TCK)" | bc -l
}

timed() { # name command...: "wall cpu load" on stdout, the command's stdout to WORK/name.out
  # wall: seconds; cpu: user + system seconds of the command and every process it waited for (buildah, its RUN
  # steps, ctr-remote), plus containerd's for the manual recipe; load: the 1-minute load average at the start.
  local name=$1 start end load before cpu
  shift
  load=$(cut -d' ' -f1 /proc/loadavg)
  before=$(containerd_cpu)
  start=$(date +%s.%N)
  ( "$@" > "$WORK/$name.out" 2>> "$WORK/bench.log" || { echo "failed: $*" >&2; tail -30 "$WORK/bench.log" >&2; exit 1; }; times > "$WORK/$name.times" ) || exit 1
  end=$(date +%s.%N)
  # `times`: the subshell's own user and system time, then its children's, as 0m1.234s.
  cpu=$(tr ' ' '\n' < "$WORK/$name.times" | sed -E 's/^([0-9]+)m([0-9.]+)s$/\1 * 60 + \2/' | paste -sd+ | bc -l)
  echo "$end - $start" | bc -l | tr '\n' ' '
  echo "$cpu + $(containerd_cpu) - $before" | bc -l | tr '\n' ' '
  echo "$load"
}

# buildah with storage under WORK (the manual recipe's; the ships make their own).
BUILDAH=(buildah --root "$WORK/buildah/root" --runroot "$WORK/buildah/run")
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"

ship() { # service tag cache-dir
  node "$CLI" ship --json --context "$WORK/contexts/$1" --builder buildah --tag "$1:$2" --room bench --create-room --wait false --cache-dir "$3"
}

# The manual recipe: build, convert with ctr-remote, push with ctr-remote (a repository token minted as the CLI
# does), then deploy the pushed image by digest.
# Each step's wall time goes to WORK/manual-steps.txt ("service tag step seconds"): the build step alone bounds what
# a ship, which builds with the same buildah, can gain on the recipe.
step() { # name command...
  local name=$1 start
  shift
  start=$(date +%s.%N)
  "$@" >> "$WORK/bench.log" 2>&1
  echo "$STEP_OF $name $(echo "$(date +%s.%N) - $start" | bc -l)" >> "$WORK/manual-steps.txt"
}

manual() { # service tag
  local service=$1 tag=$2 key token ref
  STEP_OF="$service $tag"
  step build "${BUILDAH[@]}" bud --isolation chroot --layers=false -t "localhost/$service:$tag" "$WORK/contexts/$service"
  rm -f "$WORK/manual.tar"
  step export "${BUILDAH[@]}" push "localhost/$service:$tag" "oci-archive:$WORK/manual.tar:$tag"
  step import "${CTR[@]}" images import --base-name "localhost/$service" "$WORK/manual.tar"
  step convert "${CTR[@]}" images convert --estargz --oci "localhost/$service:$tag" "localhost/$service:$tag-esgz"
  read -r key token < <(node bench/build/repository-token.mjs "$service-manual")
  ref="$MESHAGENT_SANDBOX_REGISTRY/$key/$service-manual:$tag"
  "${CTR[@]}" images tag --force "localhost/$service:$tag-esgz" "$ref" >> "$WORK/bench.log" 2>&1
  step push "${CTR[@]}" images push --plain-http --user "meshagent:$token" "$ref"
  node "$CLI" ship --json --image "docker://$ref" --builder none --estargz=false --tag "$service-manual:$tag" --room bench --create-room --wait false
}

rows=()
for round in $(seq "$ROUNDS"); do
  fresh_sandbox
  for service in node python; do
    rm -rf "$WORK/cache-$service" "$WORK/buildah"
    "${CTR[@]}" images rm $("${CTR[@]}" images ls -q) >/dev/null 2>&1 || true
    src=$WORK/contexts/$service/$([[ $service == node ]] && echo src/server.js || echo app/server.py)
    sed -i "s/hello [0-9]*/hello 1/" "$src"
    cold=$(timed "$service-cold$round" ship "$service" "c$round" "$WORK/cache-$service")
    sed -i "s/hello 1/hello 2/" "$src"
    warm=$(timed "$service-warm$round" ship "$service" "w$round" "$WORK/cache-$service")
    sed -i "s/hello 2/hello 1/" "$src"
    man=$(timed "$service-manual$round" manual "$service" "m$round")
    rows+=("$service $round $cold $warm $man")
  done
done

# Per round, then the median of the rounds (the ratios of the medians): wall seconds, CPU seconds and the load
# average at the start of each.
printf '%s\n' "${rows[@]}" > "$WORK/rows.txt"
node bench/build/report.mjs "$WORK" "$ROUNDS"
printf '\nManual recipe, step by step (s):\n'
awk '{ printf "%-8s %-4s %-8s %6.2f\n", $1, $2, $3, $4 }' "$WORK/manual-steps.txt"
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
