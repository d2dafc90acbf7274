#!/usr/bin/env bash
# The demo: ships examples/hello, a tiny HTTP service FROM scratch on Debian's static busybox, to a local MeshAgent
# sandbox, end to end, with no account: buildah builds it, every layer becomes eStargz (busybox prefetched), the
# image is pushed to the sandbox's real registry with a repository token, deployed as a room service with its
# domain routed, waited for until the sandbox's room runtime runs it and it answers, and the job summary and service
# URL are printed. Everything lives in one directory, kept for a look afterwards (DEMO_DIR, default a new one under
# /tmp); the sandbox stops when the demo ends.
#
#   bash scripts/demo.sh            # as root on a fresh Debian/Ubuntu machine: installs buildah and the registry
#   bash scripts/demo.sh --json     # extra arguments go to meshagent-ship ship: here, the result as JSON
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

bash scripts/setup-system.sh >&2
bash scripts/setup-node.sh >/dev/null
[[ -f dist/cli.js ]] || npm run build >&2

WORK=${DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/meshagent-ship-demo.XXXXXX")}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd -P)
echo "demo: working in $WORK" >&2

# --- the sandbox: MeshAgent API, registry token server and a real registry, on 127.0.0.1 ---------------------------
node dist/cli.js sandbox --dir "$WORK/sandbox" --json >"$WORK/sandbox.json" 2>"$WORK/sandbox.log" &
SANDBOX_PID=$!
trap 'kill "$SANDBOX_PID" 2>/dev/null; wait "$SANDBOX_PID" 2>/dev/null || true' EXIT
# The sandbox prints its environment as JSON once it is up (the registry can take a few seconds to start).
ready=
for _ in $(seq 1 300); do
  if node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$WORK/sandbox.json" 2>/dev/null; then ready=1 && break; fi
  kill -0 "$SANDBOX_PID" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $ready ]]; then
  echo "demo: the sandbox did not start:" >&2
  cat "$WORK/sandbox.log" >&2
  exit 1
fi
# Its MESHAGENT_* variables, exported for meshagent-ship (read as NAME=VALUE lines: nothing is evaluated).
while IFS='=' read -r name value; do
  export "$name=$value"
done < <(node -e '
  const env = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const [name, value] of Object.entries(env)) if (/^MESHAGENT_[A-Z_]+$/.test(name)) console.log(`${name}=${value}`);
' "$WORK/sandbox.json")
echo "demo: sandbox at $MESHAGENT_API_URL, registry $MESHAGENT_SANDBOX_REGISTRY" >&2

# --- the service: examples/hello with the static busybox beside its Dockerfile -----------------------------------
rm -rf "$WORK/hello"
cp -r "$REPO/examples/hello" "$WORK/hello"
cp /bin/busybox "$WORK/hello/busybox"

# buildah keeps its images under the demo directory (vfs: no overlay mounts needed), and runs RUN steps in a chroot.
cat >"$WORK/storage.conf" <<CONF
[storage]
driver = "vfs"
runroot = "$WORK/buildah/run"
graphroot = "$WORK/buildah/root"
CONF
export CONTAINERS_STORAGE_CONF=$WORK/storage.conf BUILDAH_ISOLATION=chroot

# --- ship it -----------------------------------------------------------------------------------------------------
node dist/cli.js ship \
  --tag hello:demo \
  --context "$WORK/hello" \
  --builder buildah \
  --room demo \
  --create-room \
  --domain hello.sandbox.localhost \
  --public \
  --env GREETING=hello \
  --prefetch /bin/busybox \
  "$@"
