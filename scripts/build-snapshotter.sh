#!/usr/bin/env bash
# Builds sandbox/snapshotter (the stargz snapshotter daemon the sandbox's room runtime pulls through) offline, from
# Debian's packages: golang-go and golang-github-containerd-stargz-snapshotter-dev with the library's Go
# dependencies. Debian ships the library but not upstream's daemon, whose cmd/ needs parts bookworm does not
# package (the Kubernetes and CRI keychains, the CRI resolver): the library is copied without those and built in
# GOPATH mode over /usr/share/gocode. Rebuilds when its inputs changed (OUTPUT.inputs records them). Prints the
# binary's path (and, on stderr, that it built it). Usage: build-snapshotter.sh [OUTPUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.cache/bin/meshagent-sandbox-stargz}
library=/usr/share/gocode/src/github.com/containerd/stargz-snapshotter
[[ -d $library ]] || { echo "build-snapshotter: $library is missing: apt-get install golang-go golang-github-containerd-stargz-snapshotter-dev" >&2; exit 1; }
command -v go >/dev/null || { echo "build-snapshotter: go is missing: apt-get install golang-go" >&2; exit 1; }

# What the binary is made of, recorded beside it: the program's source and this script (by content), the Go
# toolchain, and the installed Debian Go packages with their versions. Up to date only when all are the same.
inputs() {
  echo "go: $(go version)"
  (cd sandbox/snapshotter && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  echo "script: $(sha256sum <scripts/build-snapshotter.sh | cut -d' ' -f1)"
  dpkg-query -W -f='${db:Status-Abbrev}${Package} ${Version}\n' 'golang-*' 2>/dev/null | sed -n 's/^ii *//p' | LC_ALL=C sort
}
wanted=$(inputs)
if [[ -x $out && -f $out.inputs && $(<"$out.inputs") == "$wanted" ]]; then echo "$out"; exit 0; fi

gopath=$(mktemp -d "${TMPDIR:-/tmp}/meshagent-sandbox-gopath.XXXXXX")
trap 'rm -rf "$gopath"' EXIT
# The copy keeps the library's go.mod: GOPATH mode maps its /vN import paths to Debian's directories only with it.
# Nothing else goes under $gopath/src: the first GOPATH root wins, so a directory there would shadow Debian's.
mkdir -p "$gopath/src/github.com/containerd"
cp -r "$library" "$gopath/src/github.com/containerd/"
copy=$gopath/src/github.com/containerd/stargz-snapshotter
rm -rf "$copy/cmd" "$copy/service/resolver/cri.go" "$copy/service/keychain/cri" "$copy/service/keychain/kubeconfig"

mkdir -p "$(dirname "$out")"
# OUTPUT may be relative (to the repository) or absolute.
[[ $out == /* ]] && target=$out || target=$PWD/$out
(cd sandbox/snapshotter && GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="${GOCACHE:-$PWD/../../.cache/go-build}" go build -o "$target.$$.tmp" .)
mv "$out.$$.tmp" "$out"
printf '%s\n' "$wanted" >"$out.inputs"
echo "build-snapshotter: built $out" >&2
echo "$out"
