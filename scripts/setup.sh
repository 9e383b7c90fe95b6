#!/usr/bin/env bash
# Sets up everything the project needs on a Debian machine: Node 24 + pnpm (project-local when the
# system Node is older), the Debian packages the executor and tests use, dependencies, and a build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

ensure_toolchain
# python3-coverage: coverage.py (Debian's python3), the reference of the executor's line coverage
# chromium: the headless browser of the HTML report's browser tests (@coderm/browser-test)
# redis-server, ip (iproute2), openssl: the queue executor's tests start a private Redis (one over
# TLS, with a throwaway certificate authority) and a worker in a network namespace of its own
ensure_debian_packages python3:python3 bwrap:bubblewrap dockerd:docker.io debootstrap:debootstrap \
  python3-coverage:python3-coverage chromium:chromium redis-server:redis-server ip:iproute2 \
  openssl:openssl
cd "$CODERM_ROOT"
log "installing dependencies (pnpm $(pnpm --version), node $(node --version))"
if [ -n "${CI:-}" ]; then
  pnpm install --frozen-lockfile --reporter=append-only >&2
else
  pnpm install --prefer-offline --reporter=append-only >&2
fi
log "building"
pnpm turbo run build --output-logs=errors-only >&2
# .tools exists only where Node had to be installed; the stamp needs it either way.
mkdir -p "$CODERM_TOOLS"
git -C "$CODERM_ROOT" rev-parse HEAD >"$CODERM_TOOLS/.setup-stamp" 2>/dev/null || date >"$CODERM_TOOLS/.setup-stamp"
