#!/usr/bin/env bash
# The demo: plans shipping examples/hello, a tiny HTTP service, as a MeshAgent room service. It needs no account:
# a dry run resolves and validates everything and prints the plan, touching no network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node.sh >/dev/null
# A well-formed key for the demo project; a dry run never sends it anywhere.
export MESHAGENT_API_KEY=ma-AAAAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAAA-demo
node dist/cli.js plan \
  --tag hello:demo \
  --context examples/hello \
  --room demo \
  --ports 8080 \
  --domain hello.demo.localhost \
  --public \
  --env GREETING=hello \
  --prefetch /bin/busybox \
  --dry-run
