import { join } from "node:path";
import type { StatementSync } from "node:sqlite";
import { parseJson, stringifyJson, type VerdictStatus, verdictStatuses } from "@coderm/core";
import { defaultCacheDir, inTransaction, openSqliteStore } from "@coderm/core/node";
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
}

const schemaVersion = 2;

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

/**
 * A {@link VerdictCache} in an embedded SQLite file (`node:sqlite`) in WAL mode. Verdicts are written in
 * batched transactions as one row per (context, candidate) per flush, holding that candidate's new
 * verdicts, so a run of 600,000 pairs writes a few tens of thousands of rows. A run killed at any
 * point (even SIGKILL) leaves a consistent store holding every verdict flushed before the kill.
 */
export function createSqliteVerdictCache(settings: SqliteVerdictCacheSettings = {}): VerdictCache {
  const path = settings.path ?? join(defaultCacheDir(), "verdicts.sqlite");
  const database = openSqliteStore(path, {
    what: "verdict cache",
    schemaVersion,
    tables: ["verdict_chunks", "program_keys"],
    schema: `
      CREATE TABLE IF NOT EXISTS verdict_chunks (
        context BLOB NOT NULL,
        candidate BLOB NOT NULL,
        verdicts TEXT NOT NULL,
        exact INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS verdict_chunks_by_candidate ON verdict_chunks (context, candidate);
      CREATE TABLE IF NOT EXISTS program_keys (
        text_key BLOB PRIMARY KEY,
        tree_key TEXT
      ) WITHOUT ROWID;
    `,
  });
  const select: StatementSync = database.prepare(
    "SELECT verdicts, exact FROM verdict_chunks WHERE context = ? AND candidate = ? ORDER BY rowid",
  );
  const insert: StatementSync = database.prepare("INSERT INTO verdict_chunks VALUES (?, ?, ?, ?)");
  const selectProgram: StatementSync = database.prepare(
    "SELECT tree_key FROM program_keys WHERE text_key = ?",
  );
  const insertProgram: StatementSync = database.prepare(
    "INSERT OR REPLACE INTO program_keys VALUES (?, ?)",
  );
  let pendingPrograms = new Map<string, string | null>();
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
    if (pending.size === 0 && pendingPrograms.size === 0) return;
    const chunks = pending;
    const programs = pendingPrograms;
    pending = new Map();
    pendingPrograms = new Map();
    pendingCount = 0;
    inTransaction(database, path, "verdict cache", () => {
      for (const { context, candidate, entries } of chunks.values()) {
        // Only computed values can hold big integers or non-finite floats; other chunks take the
        // native JSON parser when read.
        const exact = entries.some((entry) => entry[4]?.value !== undefined) ? 1 : 0;
        insert.run(key(context), key(candidate), stringifyJson(entries), exact);
      }
      for (const [textKey, treeKey] of programs) insertProgram.run(key(textKey), treeKey);
    });
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
      const found = new Map<string, CachedVerdict>();
      for (const row of select.all(key(context), key(candidate)) as { verdicts: string }[]) {
        for (const [test, status, wallMs, cpuMs, detail] of parseJson(
          row.verdicts,
        ) as ChunkEntry[]) {
          const verdict: CachedVerdict = { status: verdictStatuses[status]!, wallMs, cpuMs };
          found.set(test, detail === undefined ? verdict : Object.assign(verdict, detail));
        }
      }
      if (memoryLimit > 0) remember(group, found);
      return found;
    },
    programKey(textKey) {
      if (pendingPrograms.has(textKey)) return pendingPrograms.get(textKey);
      const row = selectProgram.get(key(textKey)) as { tree_key: string | null } | undefined;
      return row === undefined ? undefined : row.tree_key;
    },
    rememberProgramKey(textKey, programKey) {
      if (closed) return;
      pendingPrograms.set(textKey, programKey);
      timer ??= setTimeout(flush, flushIntervalMs).unref();
    },
    put(context, candidate, test, verdict) {
      if (closed) return;
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
      else timer ??= setTimeout(flush, flushIntervalMs).unref();
    },
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
      database.close();
    },
  };
}

/** Times are kept to the microsecond. */
function round(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}

/** Keys are hex digests; the store keeps their first 16 bytes. */
function key(hex: string): Buffer {
  return Buffer.from(hex.slice(0, 32), "hex");
}
