#!/usr/bin/env bash
# Sets everything up (setup.sh installs and builds), then runs every check: lint (Biome + Python),
# knip (unused files, exports, dependencies), sherif (workspace consistency), typecheck (against
# workspace sources), publint --strict + attw on each publishable package's packed tarball, and the
# whole test suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$CODERM_ROOT/scripts/setup.sh"
ensure_toolchain
default_data_dir
cd "$CODERM_ROOT"
log "lint"
pnpm lint
log "knip"
pnpm knip
log "sherif"
pnpm sherif
log "typecheck"
pnpm turbo run typecheck --output-logs=errors-only
log "publint + attw (packed packages)"
pnpm check:packages
log "tests (CODERM_DATA_DIR=${CODERM_DATA_DIR:-unset})"
pnpm turbo run test --concurrency=1
