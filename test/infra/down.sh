#!/usr/bin/env bash
# Stops what test/infra/up.sh DIR started: exactly the processes whose PIDs are in DIR/*.pid (SIGTERM, up to ~5 s,
# then SIGKILL), plus containerd shims that serve DIR's containerd, and unmounts anything still mounted under DIR.
# Idempotent: fine to run twice or on a directory that was never up. Keeps logs and data; removes pid files,
# sockets and DIR/infra.env (which no longer describes running services).
set -uo pipefail

if [[ $# -ne 1 || -z $1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
if [[ ! -d $1 ]]; then
  echo "down: $1 does not exist; nothing to stop"
  exit 0
fi
D=$(cd "$1" && pwd -P)

# A PID from a pid file counts as ours only while its command line still names DIR (guards against PID reuse).
ours() {
  local pid=$1
  [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/cmdline ]] || return 1
  [[ $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) == *"$D"* ]]
}

pids=()
shopt -s nullglob
for f in "$D"/*.pid; do
  pid=$(<"$f")
  ours "$pid" && pids+=("$pid")
done
# containerd-shim processes outlive containerd; they carry `-address DIR/containerd.sock` on their command line
# (dockerd's shims: `-address DIR/docker/exec/containerd/containerd.sock`).
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
  [[ $cmd == *containerd-shim* && ($cmd == *"$D/containerd.sock"* || $cmd == *"$D/docker/exec/"*) ]] && pids+=("$pid")
done

stopped=0
if [[ ${#pids[@]} -gt 0 ]]; then
  kill -TERM "${pids[@]}" 2>/dev/null
  for _ in $(seq 1 50); do
    left=()
    for pid in "${pids[@]}"; do ours "$pid" && left+=("$pid"); done
    [[ ${#left[@]} -eq 0 ]] && break
    sleep 0.1
  done
  left=()
  for pid in "${pids[@]}"; do ours "$pid" && left+=("$pid"); done
  if [[ ${#left[@]} -gt 0 ]]; then
    echo "down: SIGKILL to ${left[*]} (still running 5 s after SIGTERM)" >&2
    kill -KILL "${left[@]}" 2>/dev/null
    sleep 0.2
  fi
  stopped=${#pids[@]}
fi

# Mounts left under DIR (e.g. `ctr i mount` in a test), deepest first.
mapfile -t mounts < <(awk -v d="$D/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r)
for m in "${mounts[@]}"; do
  umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "down: could not unmount $m" >&2
done

rm -f "$D"/*.pid "$D/infra.env" "$D/containerd.sock" "$D/containerd.sock.ttrpc" "$D/docker.sock"
echo "down: stopped $stopped process(es) of $D"
