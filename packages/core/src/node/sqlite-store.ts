import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { CodermError } from "../errors.js";

/** How {@link openSqliteStore} lays out a store. */
export interface SqliteStoreLayout {
  /** What the store is, for error messages ("verdict cache"). */
  what: string;
  /** The layout's version: a store with another one is a cache, dropped and rebuilt. */
  schemaVersion: number;
  /** Tables dropped when the version differs. */
  tables: readonly string[];
  /** `CREATE ... IF NOT EXISTS` statements of the layout. */
  schema: string;
}

/**
 * Opens (creating directories and tables) an SQLite cache file in WAL mode with a busy timeout.
 * A store written by another layout version is dropped and rebuilt. Failures are `io-error`s
 * naming the file and the way out (another cache directory, or no cache).
 */
export function openSqliteStore(path: string, layout: SqliteStoreLayout): DatabaseSync {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const database = new DatabaseSync(path);
    database.exec("PRAGMA busy_timeout = 5000;");
    const { user_version: version } = database.prepare("PRAGMA user_version").get() as {
      user_version: number;
    };
    if (version !== layout.schemaVersion) {
      database.exec(
        `${layout.tables.map((table) => `DROP TABLE IF EXISTS ${table};`).join(" ")} PRAGMA user_version = ${layout.schemaVersion};`,
      );
    }
    database.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; ${layout.schema}`);
    return database;
  } catch (cause) {
    throw new CodermError(
      "io-error",
      `cannot open the ${layout.what} (${(cause as Error).message}); set CODERM_CACHE_DIR, or turn the cache off`,
      { file: path, cause },
    );
  }
}

/** Runs `write` in one transaction; a failure rolls back and is an `io-error` naming the file. */
export function inTransaction(
  database: DatabaseSync,
  path: string,
  what: string,
  write: () => void,
): void {
  database.exec("BEGIN");
  try {
    write();
    database.exec("COMMIT");
  } catch (cause) {
    database.exec("ROLLBACK");
    throw new CodermError("io-error", `cannot write the ${what} (${(cause as Error).message})`, {
      file: path,
      cause,
    });
  }
}
