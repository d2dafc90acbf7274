#!/usr/bin/env bash
# Installs the Debian packages the infrastructure tests need (test/infra/up.sh): a real OCI registry, skopeo,
# containerd + ctr-remote (eStargz), buildah, Docker (dockerd for the docker builder tests), a static busybox for
# FROM-scratch images, umoci, openssl, curl, jq; and GNU time (/usr/bin/time), which the benchmarks measure with.
# For the sandbox's room runtime: runc, fuse3, socat (the forwarders into containers' network namespaces), and Go
# with the stargz snapshotter library, from which it then builds the snapshotter daemon (scripts/build-snapshotter.sh).
# For `prefetch: auto`: strace (the file-access tracer) and util-linux's unshare (the namespaces). For the start-up
# benchmark and its test: python3.11 (the image is made from its standard library). For the convert benchmark: pigz
# (gzip on every core, the reference for throughput).
# Idempotent: when every binary is already there it installs nothing, and the daemon is rebuilt only when its inputs
# changed. Prints a line for the packages and one for the daemon.
set -euo pipefail

packages=(docker-registry apache2-utils skopeo stargz-snapshotter containerd runc buildah docker.io busybox-static umoci openssl jq curl time
  fuse3 socat golang-go golang-github-containerd-stargz-snapshotter-dev strace util-linux python3.11 pigz)
binaries=(docker-registry htpasswd skopeo ctr-remote containerd runc buildah dockerd docker umoci openssl curl jq fusermount3 socat nsenter go strace unshare python3.11 pigz)

missing=()
for b in "${binaries[@]}"; do
  command -v "$b" >/dev/null 2>&1 || missing+=("$b")
done
# The images the tests build are FROM scratch, so busybox must be the static build (busybox-static's /bin/busybox);
# the dynamically linked one from the `busybox` package would not run inside them.
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
  missing+=("static /bin/busybox")
fi
# `time` is also a shell keyword, so look for the binary itself.
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time")
# The library the snapshotter daemon is built from (a -dev package: no binary to look for).
[[ -d /usr/share/gocode/src/github.com/containerd/stargz-snapshotter ]] || missing+=("the stargz snapshotter Go library")

# The stargz snapshotter daemon, built from those packages (up to date in a moment when nothing changed). The
# sandbox builds it on its first start too, so a failure here is said and left to that.
build_snapshotter() {
  local built
  if built=$(bash "$(dirname "$0")/build-snapshotter.sh" 2>&1); then
    if [[ $built == *"build-snapshotter: built"* ]]; then
      echo "setup-system: built the stargz snapshotter daemon (${built##*$'\n'})"
    else
      echo "setup-system: the stargz snapshotter daemon is up to date (${built##*$'\n'})"
    fi
  else
    echo "setup-system: the stargz snapshotter daemon did not build (the sandbox will try again, else pull without it): ${built##*$'\n'}" >&2
  fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-system: all required system packages are present; nothing to install"
  build_snapshotter
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "setup-system: missing ${missing[*]}; run as root (or install yourself):" \
    "apt-get install --no-install-recommends ${packages[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing ${missing[*]} and there is no apt-get here; install the equivalents of: ${packages[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
start=$SECONDS
log=$(mktemp "${TMPDIR:-/tmp}/setup-system.XXXXXX.log")
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "setup-system: apt-get failed (missing: ${missing[*]}); full log: $log" >&2
  exit 1
fi
rm -f "$log"
echo "setup-system: installed ${packages[*]} (was missing: ${missing[*]}) in $((SECONDS - start)) s"
build_snapshotter
