#!/usr/bin/env bash
# The start-up benchmark's input: an OCI layout at DIR (tag `plain`) whose two gzip layers are real files of this
# machine, so a real interpreter starts in it. Layer 1 is the shared libraries (/usr/lib/x86_64-linux-gnu, with the
# merged-/usr links lib, lib64, bin and the dynamic loader's link in /usr/lib64); layer 2 is python3.11's
# standard library (/usr/lib/python3.11) and /usr/bin/python3.11. Files keep their modes and mtimes (Python checks
# its cached bytecode against the source's mtime, so a changed mtime would make it recompile at start); owners
# are root. The image's command is the start command that run.sh measures.
#   bash bench/startup/make-image.sh DIR       (kept when DIR/index.json exists: delete DIR to make it anew)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:?usage: make-image.sh DIR}
[[ -f $dir/index.json ]] && { echo "image: kept $dir (delete it to make it anew)" >&2; exit 0; }
for path in /usr/lib/x86_64-linux-gnu /usr/lib/python3.11 /usr/bin/python3.11 /usr/lib64/ld-linux-x86-64.so.2; do
  [[ -e $path ]] || { echo "make-image: $path is missing: apt-get install python3.11" >&2; exit 1; }
done
rm -rf "$dir"
mkdir -p "$dir/layers"

# One gzip layer of paths under /, directories listed with --no-recursion so they appear as entries of their own.
layer() {
  local out=$1
  shift
  echo "image: writing $out" >&2
  tar --create --file - --directory / --numeric-owner --owner=0 --group=0 --sort=name "$@" | gzip -6 --no-name > "$dir/layers/$out"
}
layer libs.tar.gz --no-recursion lib lib64 bin usr usr/lib usr/lib64 usr/lib64/ld-linux-x86-64.so.2 --recursion usr/lib/x86_64-linux-gnu
layer python.tar.gz --no-recursion usr usr/bin usr/lib usr/bin/python3.11 --recursion usr/lib/python3.11
node bench/startup/make-layout.mjs "$dir" "$dir/layers/libs.tar.gz" "$dir/layers/python.tar.gz"
rm -rf "$dir/layers"
