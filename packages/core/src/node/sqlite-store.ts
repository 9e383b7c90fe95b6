import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
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
  /**
   * Told (once per event) when a corrupt file was set aside and rebuilt, with a message naming
   * both paths; by default the message goes to standard error.
   */
  report?: (message: string) => void;
}

/** How long a writer waits for another process's lock before it gives up (ms). */
const busyTimeoutMs = 60_000;

/**
 * Opens (creating directories and tables) an SQLite cache file in WAL mode with a busy timeout,
 * safe to share between processes: the layout check and the schema run in one immediate
 * transaction, so two processes opening a new or outdated file at once cannot drop each other's
 * tables. A store written by another layout version is dropped and rebuilt. A file that is not a
 * database, or whose pages are malformed, is a cache that lost its worth: it is set aside as
 * `<path>.corrupt-<time>` (see {@link setAsideSqliteFile}), reported, and rebuilt empty. Other
 * failures are `io-error`s naming the file and the way out (another cache directory, or no cache).
 */
export function openSqliteStore(path: string, layout: SqliteStoreLayout): DatabaseSync {
  try {
    return initialize(path, layout);
  } catch (cause) {
    if (isSqliteCorruption(cause)) {
      const aside = setAsideSqliteFile(path) ?? path;
      (layout.report ?? reportOnStderr)(
        `the ${layout.what} ${path} is corrupt (${(cause as Error).message}); set it aside as ${aside} and started an empty one`,
      );
      try {
        return initialize(path, layout);
      } catch (again) {
        throw openError(path, layout, again);
      }
    }
    throw openError(path, layout, cause);
  }
}

function initialize(path: string, layout: SqliteStoreLayout): DatabaseSync {
  mkdirSync(dirname(path), { recursive: true });
  const database = new DatabaseSync(path, { timeout: busyTimeoutMs });
  try {
    database.exec(`PRAGMA busy_timeout = ${busyTimeoutMs};`);
    database.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    immediateTransaction(database, () => {
      const { user_version: version } = database.prepare("PRAGMA user_version").get() as {
        user_version: number;
      };
      if (version !== layout.schemaVersion) {
        database.exec(
          `${layout.tables.map((table) => `DROP TABLE IF EXISTS ${table};`).join(" ")} PRAGMA user_version = ${layout.schemaVersion};`,
        );
      }
      database.exec(layout.schema);
    });
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

function openError(path: string, layout: SqliteStoreLayout, cause: unknown): CodermError {
  return new CodermError(
    "io-error",
    `cannot open the ${layout.what} (${(cause as Error).message}); set CODERM_CACHE_DIR, or turn the cache off`,
    { file: path, cause },
  );
}

function reportOnStderr(message: string): void {
  process.stderr.write(`coderm: warning: ${message}\n`);
}

/**
 * True for an SQLite error saying the file is not a database or is malformed (`SQLITE_NOTADB`,
 * `SQLITE_CORRUPT` and its extended codes), as opposed to a lock, a permission or a full disk.
 */
export function isSqliteCorruption(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  if (typeof code !== "number") return false;
  const primary = code & 0xff;
  return primary === 11 || primary === 26;
}

/**
 * Renames a corrupt SQLite file (with its `-wal` and `-shm` companions) to
 * `<path>.corrupt-<ISO time>` and returns the new path, so the next open starts an empty store and
 * the bad file stays for inspection. When `expected` (the device and inode the caller opened) no
 * longer names the file at `path`, another process set it aside already: nothing moves and the
 * result is undefined.
 */
export function setAsideSqliteFile(
  path: string,
  expected?: { dev: number; ino: number },
): string | undefined {
  if (expected !== undefined) {
    const current = fileIdentity(path);
    if (current === undefined || current.dev !== expected.dev || current.ino !== expected.ino)
      return undefined;
  }
  const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  try {
    renameSync(path, aside);
    for (const suffix of ["-wal", "-shm"])
      if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  } catch (cause) {
    throw new CodermError(
      "io-error",
      `the store is corrupt and cannot be set aside (${(cause as Error).message}); delete it, or turn the cache off`,
      { file: path, cause },
    );
  }
  return aside;
}

/** The device and inode of a file, to tell later whether the same file is still at `path`. */
export function fileIdentity(path: string): { dev: number; ino: number } | undefined {
  try {
    const { dev, ino } = statSync(path);
    return { dev, ino };
  } catch {
    return undefined;
  }
}

function immediateTransaction(database: DatabaseSync, write: () => void): void {
  // IMMEDIATE takes the write lock at once (waiting up to the busy timeout), so a transaction
  // never has to upgrade a read lock, which SQLite refuses without waiting when another writer
  // holds it.
  database.exec("BEGIN IMMEDIATE");
  try {
    write();
    database.exec("COMMIT");
  } catch (error) {
    if (database.isTransaction) database.exec("ROLLBACK");
    throw error;
  }
}

/**
 * Runs `write` in one immediate transaction (it waits for other processes' writes up to the busy
 * timeout); a failure rolls back and is an `io-error` naming the file, with the SQLite error as
 * its cause (see {@link isSqliteCorruption}).
 */
export function inTransaction(
  database: DatabaseSync,
  path: string,
  what: string,
  write: () => void,
): void {
  try {
    immediateTransaction(database, write);
  } catch (cause) {
    throw new CodermError("io-error", `cannot write the ${what} (${(cause as Error).message})`, {
      file: path,
      cause,
    });
  }
}
