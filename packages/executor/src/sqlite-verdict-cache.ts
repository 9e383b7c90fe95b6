import { createHash } from "node:crypto";
import { join } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  CodermError,
  parseJson,
  stringifyJson,
  type VerdictStatus,
  verdictStatuses,
} from "@coderm/core";
import {
  defaultCacheDir,
  fileIdentity,
  inTransaction,
  isSqliteCorruption,
  openSqliteStore,
  setAsideSqliteFile,
} from "@coderm/core/node";
import type { CachedVerdict, VerdictCache } from "./verdict-cache.js";

/** Settings of {@link createSqliteVerdictCache}. */
export interface SqliteVerdictCacheSettings {
  /** Database file; default `$CODERM_CACHE_DIR/verdicts.sqlite`, else under the XDG cache dir. */
  path?: string;
  /** How long verdicts may wait in memory before they are written (200 ms by default). */
  flushIntervalMs?: number;
  /**
   * Verdicts kept decoded in memory, most recently looked-up candidates first (1,000,000, about
   * 150 MB at most), so a candidate looked up again (rounds of tests, reruns in one process) costs
   * no read. 0 turns it off.
   */
  memoryVerdicts?: number;
  /**
   * Told once per kind of damage found (rows whose check fails, a corrupt file set aside), with
   * a message naming the file; by default the message goes to standard error.
   */
  report?: (message: string) => void;
}

/**
 * The layout's version. 3 added a check to every row (and keys candidates by content id only); a
 * store of an older version is dropped and rebuilt empty when opened, so its pairs run again.
 */
const schemaVersion = 3;

const statusCode = new Map<VerdictStatus, number>(
  verdictStatuses.map((status, index) => [status, index]),
);

type ChunkEntry = [
  test: string,
  status: number,
  wallMs: number,
  cpuMs: number,
  detail?: Record<string, unknown>,
];

/** The open file and its statements (replaced when a corrupt file is set aside). */
interface OpenStore {
  database: DatabaseSync;
  /** The file opened, to tell whether another process has set it aside since. */
  identity: { dev: number; ino: number } | undefined;
  select: StatementSync;
  insert: StatementSync;
  remove: StatementSync;
}

/**
 * A {@link VerdictCache} in an embedded SQLite file (`node:sqlite`) in WAL mode. Verdicts are written in
 * batched transactions as one row per (context, candidate) per flush, holding that candidate's new
 * verdicts, so a run of 600,000 pairs writes a few tens of thousands of rows. A run killed at any
 * point (even SIGKILL) leaves a consistent store holding every verdict flushed before the kill.
 * Several processes may share the file (WAL, a busy timeout, immediate transactions).
 *
 * Damage is found and repaired, never believed: every row carries a check (a hash over its keys
 * and verdicts) that each read verifies; a row that fails it is reported, deleted and its pairs
 * are missing (so they run again). A file that is not a database or has malformed pages, found at
 * open or at any later read or write, is set aside as `<path>.corrupt-<time>`, reported, and
 * replaced by an empty store; the run goes on. Other failures are `io-error`s naming the file.
 */
export function createSqliteVerdictCache(settings: SqliteVerdictCacheSettings = {}): VerdictCache {
  const path = settings.path ?? join(defaultCacheDir(), "verdicts.sqlite");
  const reported = new Set<string>();
  const report = (kind: string, message: string) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    if (settings.report !== undefined) settings.report(message);
    else process.stderr.write(`coderm: warning: ${message}\n`);
  };
  const open = (): OpenStore => {
    const database = openSqliteStore(path, {
      what: "verdict cache",
      schemaVersion,
      tables: ["verdict_chunks", "program_keys"],
      schema: `
        CREATE TABLE IF NOT EXISTS verdict_chunks (
          context BLOB NOT NULL,
          candidate BLOB NOT NULL,
          verdicts TEXT NOT NULL,
          exact INTEGER NOT NULL,
          row_check BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS verdict_chunks_by_candidate ON verdict_chunks (context, candidate);
      `,
      report: (message) => report("file", message),
    });
    return {
      database,
      identity: fileIdentity(path),
      select: database.prepare(
        "SELECT rowid, verdicts, row_check FROM verdict_chunks WHERE context = ? AND candidate = ? ORDER BY rowid",
      ),
      insert: database.prepare("INSERT INTO verdict_chunks VALUES (?, ?, ?, ?, ?)"),
      remove: database.prepare("DELETE FROM verdict_chunks WHERE rowid = ?"),
    };
  };
  let store = open();
  /**
   * Runs `work` on the store. A file found corrupt on the way is set aside and replaced by an
   * empty store, and `work` runs once more on that; other failures are `io-error`s naming it.
   */
  const guarded = <T>(doing: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      const cause = error instanceof CodermError ? (error.cause ?? error) : error;
      if (!isSqliteCorruption(cause)) {
        if (error instanceof CodermError) throw error;
        throw new CodermError(
          "io-error",
          `cannot ${doing} the verdict cache (${(error as Error).message}); set CODERM_CACHE_DIR, or turn the cache off`,
          { file: path, cause: error },
        );
      }
      try {
        store.database.close();
      } catch {
        // it is being replaced either way
      }
      const aside = setAsideSqliteFile(path, store.identity);
      report(
        "file",
        aside === undefined
          ? `the verdict cache ${path} is corrupt (${(cause as Error).message}); another process set it aside: continuing with the new one`
          : `the verdict cache ${path} is corrupt (${(cause as Error).message}); set it aside as ${aside} and continuing with an empty one (its pairs run again)`,
      );
      store = open();
      return work();
    }
  };

  const flushIntervalMs = settings.flushIntervalMs ?? 200;
  let pending = new Map<string, { context: string; candidate: string; entries: ChunkEntry[] }>();
  let pendingCount = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // Decoded lookups, least recently used first; kept in step with `put`.
  const memory = new Map<string, Map<string, CachedVerdict>>();
  const memoryLimit = settings.memoryVerdicts ?? 1_000_000;
  let memorySize = 0;
  const remember = (group: string, found: Map<string, CachedVerdict>) => {
    if (found.size > memoryLimit) return;
    memory.set(group, found);
    memorySize += found.size;
    for (const [oldest, verdicts] of memory) {
      if (memorySize <= memoryLimit) break;
      memory.delete(oldest);
      memorySize -= verdicts.size;
    }
  };

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.size === 0) return;
    const chunks = pending;
    pending = new Map();
    pendingCount = 0;
    const rows = [...chunks.values()].map(({ context, candidate, entries }) => {
      const verdicts = stringifyJson(entries);
      const contextKey = key(context);
      const candidateKey = key(candidate);
      // Only computed values can hold big integers or non-finite floats; other chunks take the
      // native JSON parser when read.
      const exact = entries.some((entry) => entry[4]?.value !== undefined) ? 1 : 0;
      const check = rowCheck(contextKey, candidateKey, verdicts);
      return [contextKey, candidateKey, verdicts, exact, check] as const;
    });
    guarded("write", () =>
      inTransaction(store.database, path, "verdict cache", () => {
        for (const row of rows) store.insert.run(...row);
      }),
    );
  };
  // A flush the timer runs cannot throw to anyone: its failure is thrown by the next call.
  let failure: unknown;
  const timedFlush = () => {
    try {
      flush();
    } catch (error) {
      failure ??= error;
    }
  };
  const rethrow = () => {
    if (failure === undefined) return;
    const error = failure;
    failure = undefined;
    throw error;
  };

  return {
    lookup(context, candidate) {
      const group = `${context}/${candidate}`;
      const known = memory.get(group);
      if (known !== undefined) {
        memory.delete(group);
        memory.set(group, known);
        return known;
      }
      rethrow();
      const found = new Map<string, CachedVerdict>();
      const contextKey = key(context);
      const candidateKey = key(candidate);
      const rows = guarded(
        "read",
        () =>
          store.select.all(contextKey, candidateKey) as {
            rowid: number | bigint;
            verdicts: unknown;
            row_check: unknown;
          }[],
      );
      for (const row of rows) {
        const entries =
          typeof row.verdicts === "string" &&
          row.row_check instanceof Uint8Array &&
          Buffer.from(row.row_check).equals(rowCheck(contextKey, candidateKey, row.verdicts))
            ? decodeChunk(row.verdicts)
            : undefined;
        if (entries === undefined) {
          report(
            "row",
            `the verdict cache ${path} holds rows that fail their check (damaged on disk); they are dropped and their pairs run again`,
          );
          guarded("repair", () => store.remove.run(row.rowid));
          continue;
        }
        for (const [test, status, wallMs, cpuMs, detail] of entries) {
          const verdict: CachedVerdict = { status: verdictStatuses[status]!, wallMs, cpuMs };
          found.set(test, detail === undefined ? verdict : Object.assign(verdict, detail));
        }
      }
      if (memoryLimit > 0) remember(group, found);
      return found;
    },
    put(context, candidate, test, verdict) {
      if (closed) return;
      rethrow();
      const { status, wallMs, cpuMs, ...detail } = verdict;
      const entry: ChunkEntry = [test, statusCode.get(status)!, round(wallMs), round(cpuMs)];
      if (Object.keys(detail).length > 0) entry.push(detail);
      const group = `${context}/${candidate}`;
      const known = memory.get(group);
      if (known !== undefined && !known.has(test)) {
        known.set(test, verdict);
        memorySize += 1;
      }
      const chunk = pending.get(group);
      if (chunk === undefined) pending.set(group, { context, candidate, entries: [entry] });
      else chunk.entries.push(entry);
      pendingCount += 1;
      if (pendingCount >= 50_000) flush();
      else timer ??= setTimeout(timedFlush, flushIntervalMs).unref();
    },
    flush() {
      rethrow();
      flush();
    },
    close() {
      if (closed) return;
      try {
        rethrow();
        flush();
      } finally {
        closed = true;
        if (timer !== undefined) clearTimeout(timer);
        store.database.close();
      }
    },
  };
}

/** Times are kept to the microsecond. */
function round(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}

/** A row's check: the first 8 bytes of SHA-256 over its context key, candidate key and verdicts. */
function rowCheck(context: Buffer, candidate: Buffer, verdicts: string): Buffer {
  return createHash("sha256")
    .update(context)
    .update(candidate)
    .update(verdicts)
    .digest()
    .subarray(0, 8);
}

/** A row's entries, or undefined when they are not what the store writes. */
function decodeChunk(verdicts: string): ChunkEntry[] | undefined {
  let entries: unknown;
  try {
    entries = parseJson(verdicts);
  } catch {
    return undefined;
  }
  if (!Array.isArray(entries)) return undefined;
  for (const entry of entries) {
    if (
      !Array.isArray(entry) ||
      typeof entry[0] !== "string" ||
      !Number.isInteger(entry[1]) ||
      verdictStatuses[entry[1] as number] === undefined ||
      typeof entry[2] !== "number" ||
      typeof entry[3] !== "number"
    )
      return undefined;
  }
  return entries as ChunkEntry[];
}

/** Keys are hex digests; the store keeps their first 16 bytes. */
function key(hex: string): Buffer {
  return Buffer.from(hex.slice(0, 32), "hex");
}
