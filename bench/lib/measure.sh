# Sourced by the benchmarks' run.sh: `measure NAME ROUND STDOUT-FILE command...` runs a command under GNU time;
# its report goes to $RES/rROUND-NAME.time, its stderr to $RES/rROUND-NAME.log, its stdout to STDOUT-FILE.
# A command that fails stops the benchmark with the end of its log. Needs RES set by the caller.
measure() {
  local name=$1 round=$2 out=$3
  shift 3
  sync
  echo "bench: round $round: $name" >&2
  /usr/bin/time -v -o "$RES/r$round-$name.time" "$@" >"$out" 2>"$RES/r$round-$name.log" ||
    { echo "bench: $name failed:" >&2; tail -20 "$RES/r$round-$name.log" >&2; exit 1; }
}
