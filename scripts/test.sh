#!/usr/bin/env bash
# Sets everything up, then runs every check: lint, typecheck and the whole test suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$CODERM_ROOT/scripts/setup.sh"
ensure_toolchain
default_data_dir
cd "$CODERM_ROOT"
log "lint"
pnpm lint
log "typecheck"
pnpm turbo run typecheck --output-logs=errors-only
log "tests (CODERM_DATA_DIR=${CODERM_DATA_DIR:-unset})"
pnpm turbo run test --concurrency=1
