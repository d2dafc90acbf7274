#!/usr/bin/env bash
# Starts the real services the infrastructure tests talk to, everything under one directory DIR:
#   registry-plain   Debian docker-registry (CNCF distribution 2.8), no auth
#   token-server     test/infra/token-server.mjs, signs RS256 JWTs for registry-token
#   registry-token   docker-registry with token auth against token-server
#   containerd       standalone containerd for ctr-remote (eStargz convert, diff_id-checking pulls)
#   dockerd          a Docker daemon on DIR/docker.sock for the docker builder: no bridge, no iptables, no IP
#                    forwarding (the host network is left as it is), vfs storage under DIR
#   DIR/bin/buildah  a buildah wrapper with storage under DIR (no daemon)
# All ports are on 127.0.0.1, picked free at start. Each process logs to DIR/<name>.log, its PID is in DIR/<name>.pid.
# Writes DIR/infra.env (KEY=VALUE). Idempotent: exits at once when DIR is already up; restarts a partial one.
# Stop with test/infra/down.sh DIR.
set -euo pipefail

if [[ $# -ne 1 || -z $1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
mkdir -p "$1"
D=$(cd "$1" && pwd -P)

COMPONENTS=(registry-plain token-server registry-token containerd dockerd)
SERVICE=meshagent-ship-test
ISSUER=meshagent-ship-test-issuer
NAMESPACE=meshagent-ship-test
USER_NAME=testuser
USER_PASSWORD=testpass
BUSYBOX=/bin/busybox
SOCK=$D/containerd.sock
DOCKER_SOCK=$D/docker.sock
READY_TIMEOUT=${INFRA_READY_TIMEOUT:-20} # seconds per component

# --- binaries ---------------------------------------------------------------------------------------------------
missing=()
for b in docker-registry skopeo ctr-remote containerd buildah umoci openssl curl jq dockerd docker; do
  command -v "$b" >/dev/null 2>&1 || missing+=("$b")
done
if [[ ! -x $BUSYBOX ]] || ldd "$BUSYBOX" >/dev/null 2>&1; then missing+=("static $BUSYBOX"); fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "up: missing ${missing[*]}; running scripts/setup-system.sh" >&2
  bash "$REPO/scripts/setup-system.sh"
fi
command -v node >/dev/null 2>&1 || { echo "up: node is not on PATH" >&2; exit 1; }
# The sandbox's room runtime pulls through the stargz snapshotter daemon: built here once (cached under .cache/),
# so no test waits for the build. Where it cannot be built the runtime pulls onto overlayfs and says why.
if ! snapshotter_build=$(bash "$REPO/scripts/build-snapshotter.sh" 2>&1); then
  echo "up: the stargz snapshotter daemon did not build; the room runtime will pull without it: ${snapshotter_build##*$'\n'}" >&2
fi
if [[ ${#SOCK} -gt 100 ]]; then
  echo "up: $SOCK is too long for a unix socket (${#SOCK} > 100 characters); use a shorter DIR" >&2
  exit 1
fi

# --- helpers ----------------------------------------------------------------------------------------------------
pid_of() { [[ -f $D/$1.pid ]] && cat "$D/$1.pid"; }
# Alive and still ours (its command line names DIR).
alive() {
  local pid
  pid=$(pid_of "$1") || return 1
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  [[ $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) == *"$D"* ]]
}
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true; }
env_get() { sed -n "s/^$1=//p" "$D/infra.env" | head -n 1; }

answers() { # component host:port-or-url
  case $1 in
    registry-plain) [[ $(http_status "http://$2/v2/") == 200 ]] ;;
    registry-token) [[ $(http_status "http://$2/v2/") == 401 ]] ;;
    token-server) [[ $(http_status "$2") == 200 ]] ;;
    containerd) ctr-remote -a "$SOCK" version >/dev/null 2>&1 ;;
    dockerd) [[ $(curl -s --max-time 2 --unix-socket "$DOCKER_SOCK" http://docker/_ping 2>/dev/null) == OK ]] ;;
  esac
}

is_up() {
  [[ -f $D/infra.env && -x $D/bin/buildah ]] || return 1
  local c
  for c in "${COMPONENTS[@]}"; do alive "$c" || return 1; done
  answers registry-plain "$(env_get REGISTRY_PLAIN)" &&
    answers registry-token "$(env_get REGISTRY_TOKEN)" &&
    answers token-server "$(env_get TOKEN_REALM)" &&
    answers containerd &&
    answers dockerd
}

if is_up; then
  echo "up: already running in $D (plain $(env_get REGISTRY_PLAIN), token $(env_get REGISTRY_TOKEN))"
  exit 0
fi
shopt -s nullglob
leftovers=("$D"/*.pid)
shopt -u nullglob
[[ -e $D/infra.env ]] && leftovers+=("$D/infra.env")
if [[ ${#leftovers[@]} -gt 0 ]]; then
  echo "up: $D is partly up; stopping it first" >&2
  bash "$HERE/down.sh" "$D" >&2
fi

t0=$(date +%s%N)
mkdir -p "$D/registry-plain" "$D/registry-token" "$D/token" "$D/containerd" "$D/buildah/root" "$D/buildah/run" \
  "$D/buildah/tmp" "$D/bin" "$D/docker/root" "$D/docker/exec"

fail() { # component message
  echo "up: $1: $2. Its log is $D/$1.log; last lines:" >&2
  tail -n 20 "$D/$1.log" 2>/dev/null | sed 's/^/  | /' >&2
  bash "$HERE/down.sh" "$D" >/dev/null 2>&1 || true
  exit 1
}

# Starts a command in its own session, detached from our stdio, logging to DIR/<name>.log.
launch() { # name command...
  local name=$1
  shift
  setsid "$@" </dev/null >"$D/$name.log" 2>&1 &
  echo $! >"$D/$name.pid"
}

# Waits until `answers` succeeds. Returns 3 when the process died because its port was taken meanwhile.
wait_ready() { # name target
  local i
  for ((i = 0; i < READY_TIMEOUT * 20; i++)); do
    answers "$1" "$2" && return 0
    if ! alive "$1"; then
      grep -q 'address already in use' "$D/$1.log" 2>/dev/null && return 3
      fail "$1" "exited while starting"
    fi
    sleep 0.05
  done
  fail "$1" "not ready after ${READY_TIMEOUT} s"
}

free_port() {
  node -e '
    const s = require("node:net").createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => console.log(port)); });'
}

# Registries read REGISTRY_* variables as config overrides: start them without any from our environment.
registry_env=(env)
while read -r v; do registry_env+=(-u "$v"); done < <(compgen -e | grep '^REGISTRY_' || true)

registry_config() { # name port [token-realm]
  cat <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: "$D/$1/data"
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$2
  secret: meshagent-ship-test-http-secret
YAML
  if [[ $# -ge 3 ]]; then
    cat <<YAML
auth:
  token:
    realm: "$3"
    service: $SERVICE
    issuer: $ISSUER
    rootcertbundle: "$D/token/cert.pem"
YAML
  fi
}

# Starts an HTTP component on a free port, picking another port if it was taken in between (up to 3 tries).
start_http() { # name ; sets PORT
  local name=$1 attempt rc
  for attempt in 1 2 3; do
    PORT=$(free_port)
    case $name in
      registry-plain)
        registry_config registry-plain "$PORT" >"$D/registry-plain/config.yml"
        launch registry-plain "${registry_env[@]}" docker-registry serve "$D/registry-plain/config.yml"
        target=127.0.0.1:$PORT ;;
      registry-token)
        registry_config registry-token "$PORT" "$TOKEN_REALM" >"$D/registry-token/config.yml"
        launch registry-token "${registry_env[@]}" docker-registry serve "$D/registry-token/config.yml"
        target=127.0.0.1:$PORT ;;
      token-server)
        launch token-server env TOKEN_SERVER_PASSWORD="$USER_PASSWORD" node "$HERE/token-server.mjs" \
          --port "$PORT" --key "$D/token/key.pem" --cert "$D/token/cert.pem" \
          --issuer "$ISSUER" --service "$SERVICE" --user "$USER_NAME"
        target=http://127.0.0.1:$PORT/token ;;
    esac
    rc=0
    wait_ready "$name" "$target" || rc=$?
    [[ $rc -eq 0 ]] && return 0
    echo "up: $name: port $PORT was taken meanwhile; retrying ($attempt)" >&2
  done
  fail "$name" "no free port after 3 tries"
}

# --- token signing key and certificate (kept while valid for another day) ---------------------------------------
if ! [[ -s $D/token/key.pem ]] || ! openssl x509 -checkend 86400 -noout -in "$D/token/cert.pem" >/dev/null 2>&1; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=$ISSUER" \
    -keyout "$D/token/key.pem" -out "$D/token/cert.pem" >"$D/token/openssl.log" 2>&1 ||
    { cat "$D/token/openssl.log" >&2; echo "up: openssl could not make the token certificate" >&2; exit 1; }
fi

# --- containerd (started first: it takes longest) ---------------------------------------------------------------
cat >"$D/containerd/config.toml" <<TOML
version = 2
root = "$D/containerd/root"
state = "$D/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$SOCK.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$D/containerd/opt"
TOML
rm -f "$SOCK" "$SOCK.ttrpc"
launch containerd containerd --config "$D/containerd/config.toml"

# --- dockerd: these flags keep the host network untouched (no docker0 bridge, no iptables rules, no ip_forward);
# RUN steps of its builds need --network=none or host. Its own containerd lives under DIR/docker/exec.
rm -f "$DOCKER_SOCK"
launch dockerd dockerd --storage-driver=vfs --bridge=none --iptables=false --ip6tables=false --ip-forward=false \
  --ip-masq=false --data-root="$D/docker/root" --exec-root="$D/docker/exec" --pidfile="$D/docker/dockerd.pid" \
  -H "unix://$DOCKER_SOCK"

# --- registries and token server --------------------------------------------------------------------------------
start_http registry-plain
REGISTRY_PLAIN=127.0.0.1:$PORT
start_http token-server
TOKEN_REALM=http://127.0.0.1:$PORT/token
start_http registry-token
REGISTRY_TOKEN=127.0.0.1:$PORT
wait_ready containerd "$SOCK"
wait_ready dockerd "$DOCKER_SOCK"

# --- buildah wrapper --------------------------------------------------------------------------------------------
# The real binary by absolute path: the wrapper may come first on PATH, and must not call itself.
REAL_BUILDAH=
IFS=: read -ra path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  if [[ -x $dir/buildah && ! $dir/buildah -ef $D/bin/buildah ]]; then REAL_BUILDAH=$dir/buildah && break; fi
done
[[ -n $REAL_BUILDAH ]] || { echo "up: no buildah on PATH besides the wrapper in $D/bin" >&2; exit 1; }
cat >"$D/bin/buildah.tmp" <<SH
#!/usr/bin/env bash
# Written by test/infra/up.sh: buildah with all its state under $D. Builds must use --isolation chroot.
export TMPDIR="$D/buildah/tmp"
export BUILDAH_ISOLATION=chroot
exec "$REAL_BUILDAH" --root "$D/buildah/root" --runroot "$D/buildah/run" --storage-driver vfs "\$@"
SH
chmod +x "$D/bin/buildah.tmp"
mv -f "$D/bin/buildah.tmp" "$D/bin/buildah"

# --- infra.env --------------------------------------------------------------------------------------------------
cat >"$D/infra.env.tmp" <<ENV
INFRA_DIR=$D
REGISTRY_PLAIN=$REGISTRY_PLAIN
REGISTRY_TOKEN=$REGISTRY_TOKEN
TOKEN_REALM=$TOKEN_REALM
TOKEN_SERVICE=$SERVICE
TOKEN_USER=$USER_NAME
TOKEN_PASSWORD=$USER_PASSWORD
CONTAINERD_ADDRESS=$SOCK
CONTAINERD_NAMESPACE=$NAMESPACE
BUILDAH=$D/bin/buildah
BUSYBOX=$BUSYBOX
DOCKER_HOST=unix://$DOCKER_SOCK
ENV
mv -f "$D/infra.env.tmp" "$D/infra.env"

ms=$((($(date +%s%N) - t0) / 1000000))
echo "up: ready in ${ms} ms in $D: registry-plain $REGISTRY_PLAIN, registry-token $REGISTRY_TOKEN (realm $TOKEN_REALM), containerd $SOCK, dockerd $DOCKER_SOCK"
