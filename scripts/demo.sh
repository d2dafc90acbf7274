#!/usr/bin/env bash
# The demo: ships examples/hello, a tiny HTTP service FROM scratch on Debian's static busybox, to a local MeshAgent
# sandbox, end to end, with no account: buildah builds it, every layer becomes eStargz (busybox prefetched), the
# image is pushed to the sandbox's real registry with a repository token, deployed as a room service with its
# domain routed, waited for until the sandbox's room runtime runs it and its liveness path answers, and the job
# summary and service URL are printed. Then the demo prints the service's page fetched through the sandbox's router
# by Host header, with how the image was pulled: lazily or not, the bytes the registry served before the service was
# ready against the image's bytes, and the time from pull to ready. Where the room runtime cannot run on the
# machine, the demo says why and stops after the deploy. Everything lives in one directory, kept for a look
# afterwards (DEMO_DIR, default a new one under /tmp); the sandbox stops when the demo ends.
#
#   bash scripts/demo.sh            # as root on a fresh Debian/Ubuntu machine: installs buildah, the registry,
#                                   # containerd, runc and the stargz snapshotter library
#   bash scripts/demo.sh --json     # extra arguments go to meshagent-ship ship: here, the result as JSON (the page
#                                   # and the pull figures then go to stderr, so stdout stays JSON)
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
# Without a room runtime nothing ever runs the service, so waiting for its rollout could only time out.
wait_args=()
[[ -n ${MESHAGENT_SANDBOX_ROUTER:-} ]] || wait_args=(--wait false)
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
  "${wait_args[@]}" \
  "$@"

# --- the service running: its page through the router, and how its image was pulled ------------------------------
# With --json, stdout is the ship's result: what follows goes to stderr.
out=1
for arg in "$@"; do [[ $arg == --json ]] && out=2; done
exec 3>&$out

if [[ -z ${MESHAGENT_SANDBOX_ROUTER:-} ]]; then
  {
    echo
    echo "demo: the room runtime does not run on this machine, so hello is deployed and recorded but not run, and"
    echo "demo: no page is served. The sandbox says why:"
    grep -F 'room runtime' "$WORK/sandbox.log" | sed 's/^/  /' || echo "  (nothing: see $WORK/sandbox.log)"
  } >&3
  exit 0
fi

# The sandbox's runtime report, for the service the ship deployed to room demo, once it is ready (running, and its
# liveness path answers); read with the API key from the environment, never from argv.
if ! node --input-type=module - "$WORK/runtime.json" <<'JS'; then
  import { writeFileSync } from 'node:fs';
  const [output] = process.argv.slice(2);
  const { MESHAGENT_API_URL: api, MESHAGENT_API_KEY: key, MESHAGENT_PROJECT_ID: project } = process.env;
  const headers = { authorization: `Bearer ${key}` };
  const get = async (path) => {
    const response = await fetch(`${api}${path}`, { headers });
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
    return response.json();
  };
  const [service] = (await get(`/accounts/projects/${project}/rooms/demo/services`)).services;
  const deadline = Date.now() + 180_000;
  let entry;
  for (;;) {
    entry = (await get('/_sandbox/runtime')).services.find((s) => s.service_id === service.id && s.image === service.container.image);
    if (entry?.pull_to_ready_ms != null) break;
    if (Date.now() > deadline) {
      console.error(`demo: ${service.metadata.name} was not ready within 180 s: ${JSON.stringify(entry ?? 'not in the runtime report')}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  writeFileSync(output, JSON.stringify(entry, null, 2));
JS
  echo "demo: the sandbox's log:" >&2
  tail -n 20 "$WORK/sandbox.log" >&2
  exit 1
fi

# The page, as anyone reaches a routed domain: through the router, by Host header.
page_command="curl -sS -H 'Host: hello.sandbox.localhost' http://$MESHAGENT_SANDBOX_ROUTER/"
if ! curl -sS --fail --retry 10 --retry-all-errors --retry-delay 1 -H 'Host: hello.sandbox.localhost' \
  -o "$WORK/page.html" "http://$MESHAGENT_SANDBOX_ROUTER/"; then
  echo "demo: the router did not serve hello.sandbox.localhost; the sandbox's log:" >&2
  tail -n 20 "$WORK/sandbox.log" >&2
  exit 1
fi

{
  echo
  echo "### hello, running: its page through the sandbox's router"
  echo
  echo "\$ $page_command"
  cat "$WORK/page.html"
  echo
  echo "### How its image was pulled"
  echo
  node - "$WORK/runtime.json" "$WORK/sandbox.log" <<'JS'
  const fs = require('fs');
  const [report, log] = process.argv.slice(2);
  const s = JSON.parse(fs.readFileSync(report, 'utf8'));
  const mib = (bytes) => `${(bytes / 1048576).toFixed(2)} MiB`;
  const lazily =
    s.snapshotter === 'stargz' && s.remote_layers > 0
      ? `lazily: ${s.remote_layers} of ${s.layers} layer(s) mounted from the registry by the stargz snapshotter, read as the service needs them`
      : s.snapshotter === 'stargz'
        ? 'not lazily: no layer of the image is eStargz'
        : `not lazily: whole layers onto overlayfs (${fs.readFileSync(log, 'utf8').match(/not lazily: (.*)/)?.[1] ?? 'see the sandbox log'})`;
  const share = s.image_bytes ? ` (${((100 * s.bytes_fetched_before_ready) / s.image_bytes).toFixed(1)}%)` : '';
  console.log(`- image: ${s.image}`);
  console.log(`- container: ${s.container_id}, ${s.state}`);
  console.log(`- pulled: ${lazily}`);
  console.log(`- fetched before ready: ${mib(s.bytes_fetched_before_ready)} of the image's ${mib(s.image_bytes)}${share}, counted as the registry served them`);
  console.log(`- pull to ready: ${s.pull_to_ready_ms} ms`);
JS
} >&3
