import { join } from "node:path";
import { CodermError } from "@coderm/core";
import { defaultCacheDir, inTransaction, openSqliteStore } from "@coderm/core/node";
import type { RewardScoreCache } from "./score-cache.js";

/** Settings of {@link createSqliteRewardScoreCache}. */
export interface SqliteRewardScoreCacheSettings {
  /** Database file; default `nt-rewards.sqlite` under the cache directory. */
  path?: string;
}

const schemaVersion = 1;

/**
 * A reward cache in an embedded SQLite file (WAL, safe to share between processes): every
 * reward is committed when `set` returns, so an interrupted run keeps what it was given.
 */
export function createSqliteRewardScoreCache(
  settings: SqliteRewardScoreCacheSettings = {},
): RewardScoreCache & { close(): void } {
  const path = settings.path ?? join(defaultCacheDir(), "nt-rewards.sqlite");
  const database = openSqliteStore(path, {
    what: "reward cache",
    schemaVersion,
    tables: ["rewards"],
    schema: `
      CREATE TABLE IF NOT EXISTS rewards (
        key TEXT PRIMARY KEY,
        reward REAL NOT NULL
      ) WITHOUT ROWID;
    `,
  });
  const select = database.prepare("SELECT reward FROM rewards WHERE key = ?");
  const insert = database.prepare("INSERT OR REPLACE INTO rewards VALUES (?, ?)");
  let closed = false;
  return {
    get(key) {
      if (closed) return undefined;
      const row = select.get(key) as { reward: number } | undefined;
      return row?.reward;
    },
    set(key, value) {
      if (closed) return;
      if (!Number.isFinite(value))
        throw new CodermError("invalid-input", `a cached reward must be finite, got ${value}`, {
          file: path,
        });
      inTransaction(database, path, "reward cache", () => {
        insert.run(key, value);
      });
    },
    close() {
      if (closed) return;
      closed = true;
      database.close();
    },
  };
}
