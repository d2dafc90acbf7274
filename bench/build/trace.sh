#!/usr/bin/env bash
# Traces a cold ship and a warm re-ship of one service of the build benchmark, to see where their time goes: each
# log line of the ship stamped with the seconds since it started, and each buildah call it made with its wall and
# CPU seconds (through a buildah on PATH that times the real one). Against a sandbox of its own.
#   bash bench/build/trace.sh node|python [OUT]     (default OUT: $MESHAGENT_SHIP_BENCH_DIR/trace-SERVICE)
# Writes OUT/{cold,warm}.{log,calls,json}; prints each ship's wall and CPU seconds, its stamped stage lines and its
# buildah calls. Needs what run.sh needs, and perl.
set -euo pipefail
cd "$(dirname "$0")/../.."
SERVICE=${1:?usage: trace.sh node|python [OUT]}
WORK=${MESHAGENT_SHIP_BENCH_DIR:-/tmp/meshagent-ship-bench-build}
OUT=${2:-$WORK/trace-$SERVICE}
rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/tmp"
node bench/build/make-contexts.mjs "$WORK/contexts" >&2
node scripts/build.mjs "$OUT/dist" >&2
CLI=$OUT/dist/cli.js

REAL=$(command -v buildah)
cat > "$OUT/bin/buildah" <<SHIM
#!/usr/bin/env bash
start=\$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "\$TRACE_CALLS.cpu" "$REAL" "\$@" && code=0 || code=\$?
read -r user system < "\$TRACE_CALLS.cpu"
printf '%s %s %s %s %s\n' "\$start" "\$(date +%s.%N)" "\$code" "\$(echo "\$user + \$system" | bc -l)" "\$*" >> "\$TRACE_CALLS"
exit \$code
SHIM
chmod +x "$OUT/bin/buildah"

node "$CLI" sandbox --no-runtime --dir "$OUT/sandbox" > "$OUT/sandbox.out" 2> "$OUT/sandbox.log" &
SANDBOX=$!
trap 'kill -INT $SANDBOX 2>/dev/null || true; wait $SANDBOX 2>/dev/null || true' EXIT
for _ in $(seq 300); do grep -q '^Project key' "$OUT/sandbox.out" 2>/dev/null && break; sleep 0.05; done
grep -q '^Project key' "$OUT/sandbox.out" || { echo "the sandbox did not start; see $OUT/sandbox.log" >&2; exit 1; }
# shellcheck disable=SC1090
source <(grep '^export ' "$OUT/sandbox.out")
export TMPDIR=$OUT/tmp PATH=$OUT/bin:$PATH

src=$WORK/contexts/$SERVICE/$([[ $SERVICE == node ]] && echo src/server.js || echo app/server.py)
for kind in cold warm; do
  sed -i "s/hello [0-9]*/hello $([[ $kind == cold ]] && echo 1 || echo 2)/" "$src"
  export TRACE_CALLS=$OUT/$kind.calls
  : > "$TRACE_CALLS"
  load=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s.%N)
  /usr/bin/time -f '%e %U %S' -o "$OUT/$kind.time" node "$CLI" ship --json --context "$WORK/contexts/$SERVICE" --builder buildah \
    --tag "$SERVICE:$kind" --room bench --create-room --wait false --cache-dir "$OUT/cache" > "$OUT/$kind.json" \
    2> >(perl -MTime::HiRes=time -ne 'BEGIN { $| = 1 } printf "%.3f %s", time, $_' > "$OUT/$kind.log")
  read -r wall user system < "$OUT/$kind.time"
  printf '\n%s %s: %.2f s wall, %.2f s CPU (user + system, buildah included), load %s\n' "$SERVICE" "$kind" "$wall" "$(echo "$user + $system" | bc -l)" "$load"
  sleep 0.2 # the stamping of the last log lines
  awk -v s="$start" '/▸|previous image|reused [0-9]|pushed sha256| STEP |converting|->/ { printf "  %7.2f %s\n", $1 - s, substr($0, index($0, $2)) }' "$OUT/$kind.log" | cut -c1-140
  echo "  buildah calls (start, wall s, CPU s, exit code, subcommand):"
  awk -v s="$start" '{ cmd = ""; for (i = 5; i <= NF; i++) if ($i !~ /^-/ && $(i - 1) !~ /^--(root|runroot|storage-driver|storage-opt)$/) { cmd = $i; break }
    printf "  %7.2f %6.2f %5.2f %3s %s\n", $1 - s, $2 - $1, $4, $3, cmd }' "$TRACE_CALLS"
done
