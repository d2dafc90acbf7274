#!/usr/bin/env bash
# Builds sandbox/snapshotter (the stargz snapshotter daemon the sandbox's room runtime pulls through) offline, from
# Debian's packages: golang-go and golang-github-containerd-stargz-snapshotter-dev with the library's Go
# dependencies. Debian ships the library but not upstream's daemon, whose cmd/ needs parts bookworm does not
# package (the Kubernetes and CRI keychains, the CRI resolver): the library is copied without those and built in
# GOPATH mode over /usr/share/gocode. Prints the binary's path. Usage: build-snapshotter.sh [OUTPUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.cache/bin/meshagent-sandbox-stargz}
library=/usr/share/gocode/src/github.com/containerd/stargz-snapshotter
[[ -d $library ]] || { echo "build-snapshotter: $library is missing: apt-get install golang-go golang-github-containerd-stargz-snapshotter-dev" >&2; exit 1; }
command -v go >/dev/null || { echo "build-snapshotter: go is missing: apt-get install golang-go" >&2; exit 1; }

# Up to date when the binary is newer than its source.
if [[ -x $out && $out -nt sandbox/snapshotter/main.go ]]; then echo "$out"; exit 0; fi

gopath=$(mktemp -d "${TMPDIR:-/tmp}/meshagent-sandbox-gopath.XXXXXX")
trap 'rm -rf "$gopath"' EXIT
# The copy keeps the library's go.mod: GOPATH mode maps its /vN import paths to Debian's directories only with it.
# Nothing else goes under $gopath/src: the first GOPATH root wins, so a directory there would shadow Debian's.
mkdir -p "$gopath/src/github.com/containerd"
cp -r "$library" "$gopath/src/github.com/containerd/"
copy=$gopath/src/github.com/containerd/stargz-snapshotter
rm -rf "$copy/cmd" "$copy/service/resolver/cri.go" "$copy/service/keychain/cri" "$copy/service/keychain/kubeconfig"

mkdir -p "$(dirname "$out")"
(cd sandbox/snapshotter && GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="${GOCACHE:-$PWD/../../.cache/go-build}" go build -o "$OLDPWD/$out.$$.tmp" .)
mv "$out.$$.tmp" "$out"
echo "$out"
