import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where coderm keeps its caches (datasets, verdicts, generations, the sandbox root filesystem):
 * `CODERM_CACHE_DIR`, else `$XDG_CACHE_HOME/coderm`, else `~/.cache/coderm`.
 */
export function defaultCacheDir(): string {
  if (process.env.CODERM_CACHE_DIR) return process.env.CODERM_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "coderm");
}
