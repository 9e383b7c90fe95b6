/** The offline benchmark data directory for tests; throws when `CODERM_DATA_DIR` is unset. */
export function requireDataDir(): string;
