// @ts-check

/**
 * The offline benchmark data directory for tests (`CODERM_DATA_DIR`, laid out like the upstream
 * files). Tests that read real data call this at load time, so a missing setting fails loudly
 * instead of skipping: `scripts/test.sh` and `.ci/run` set it.
 *
 * @returns {string}
 */
export function requireDataDir() {
  const dir = process.env.CODERM_DATA_DIR;
  if (!dir) {
    throw new Error(
      "CODERM_DATA_DIR is not set: point it at the offline benchmark data (scripts/test.sh uses ../shared/data)",
    );
  }
  return dir;
}
