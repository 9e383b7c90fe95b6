import { join } from "node:path";
import { inTransaction, openSqliteStore } from "@coderm/core/node";
import type { Cell } from "./cells.js";

/** A stored cell result. */
export interface StoredResult<Result = unknown> {
  key: string;
  cell: Cell;
  result: Result;
  /** Seconds the cell took to compute. */
  seconds: number;
  /** When it was stored (ISO 8601). */
  stored: string;
}

/** Where experiment results live, keyed by each cell's content. */
export interface ResultsStore {
  /** The store's file. */
  readonly path: string;
  /** The stored result of a key, if any. */
  get(key: string): StoredResult | undefined;
  /** The keys, of those given, that have a result. */
  has(keys: readonly string[]): Set<string>;
  /** Stores a cell's result (replacing one of the same key); durable when it returns. */
  put(key: string, cell: Cell, result: unknown, seconds: number): void;
  /** Every stored result, oldest first. */
  all(): StoredResult[];
  close(): void;
}

/** Settings of {@link createResultsStore}. */
export interface ResultsStoreSettings {
  /** The SQLite file (created with its directories). */
  path: string;
}

/** The results store of a cache directory: `<cacheDir>/experiments/results.sqlite`. */
export function defaultResultsStorePath(cacheDir: string): string {
  return join(cacheDir, "experiments", "results.sqlite");
}

/**
 * Opens the embedded SQLite results store: one row per cell, written in its own transaction the
 * moment the cell is computed, so a run killed at any point keeps every finished cell.
 */
export function createResultsStore(settings: ResultsStoreSettings): ResultsStore {
  const { path } = settings;
  const database = openSqliteStore(path, {
    what: "experiment results store",
    schemaVersion: 1,
    tables: ["results"],
    schema: `CREATE TABLE IF NOT EXISTS results (
      key TEXT PRIMARY KEY,
      cell TEXT NOT NULL,
      result TEXT NOT NULL,
      seconds REAL NOT NULL,
      stored TEXT NOT NULL
    );`,
  });
  const select = database.prepare("SELECT * FROM results WHERE key = ?");
  const insert = database.prepare(
    "INSERT OR REPLACE INTO results (key, cell, result, seconds, stored) VALUES (?, ?, ?, ?, ?)",
  );
  const row = (value: Record<string, unknown>): StoredResult => ({
    key: value.key as string,
    cell: JSON.parse(value.cell as string),
    result: JSON.parse(value.result as string),
    seconds: value.seconds as number,
    stored: value.stored as string,
  });
  return {
    path,
    get(key) {
      const value = select.get(key);
      return value === undefined ? undefined : row(value as Record<string, unknown>);
    },
    has(keys) {
      const found = new Set<string>();
      const query = database.prepare("SELECT key FROM results WHERE key = ?");
      for (const key of keys) if (query.get(key) !== undefined) found.add(key);
      return found;
    },
    put(key, cell, result, seconds) {
      inTransaction(database, path, "experiment results store", () => {
        insert.run(
          key,
          JSON.stringify(cell),
          JSON.stringify(result),
          seconds,
          new Date().toISOString(),
        );
      });
    },
    all() {
      return database
        .prepare("SELECT * FROM results ORDER BY stored")
        .all()
        .map((value) => row(value as Record<string, unknown>));
    },
    close() {
      database.close();
    },
  };
}
