import { join } from "node:path";
import type { StatementSync } from "node:sqlite";
import { jsonContentId } from "@coderm/core";
import { defaultCacheDir, inTransaction, openSqliteStore } from "@coderm/core/node";

/** One stored completion. */
export interface StoredCompletion {
  text: string;
  /** `stop`, `length`, ... as the server reported it. */
  finishReason: string | null;
  /** Completion tokens the server counted for this sample (0 when it did not say). */
  completionTokens: number;
}

/**
 * What identifies a completion: the model, the template, the prompt (messages or text) and the
 * sampling parameters; each sample index of that key is one completion.
 */
export interface GenerationKey {
  model: string;
  template: string;
  prompt: unknown;
  /** The structured-output schema asked for, where one was. */
  responseFormat?: unknown;
  sampling: Record<string, unknown>;
}

/** Completions kept across runs, so an interrupted generation resumes and a rerun is free. */
export interface GenerationCache {
  /** The stored completions of a key, by sample index. */
  lookup(key: GenerationKey): Map<number, StoredCompletion>;
  /** Stores completions of a key (durable when this returns). */
  put(key: GenerationKey, completions: ReadonlyMap<number, StoredCompletion>): void;
  close(): void;
}

/** Settings of {@link createSqliteGenerationCache}. */
export interface SqliteGenerationCacheSettings {
  /** Database file; default `generations.sqlite` under the cache directory. */
  path?: string;
}

const schemaVersion = 1;

/**
 * A generation cache in an embedded SQLite file (WAL). Every response's completions are committed
 * in one transaction as they arrive, so a run killed at any point keeps all it received.
 */
export function createSqliteGenerationCache(
  settings: SqliteGenerationCacheSettings = {},
): GenerationCache {
  const path = settings.path ?? join(defaultCacheDir(), "generations.sqlite");
  const database = openSqliteStore(path, {
    what: "generation cache",
    schemaVersion,
    tables: ["completions"],
    schema: `
      CREATE TABLE IF NOT EXISTS completions (
        key BLOB NOT NULL,
        sample INTEGER NOT NULL,
        text TEXT NOT NULL,
        finish_reason TEXT,
        completion_tokens INTEGER NOT NULL,
        PRIMARY KEY (key, sample)
      ) WITHOUT ROWID;
    `,
  });
  const select: StatementSync = database.prepare(
    "SELECT sample, text, finish_reason, completion_tokens FROM completions WHERE key = ?",
  );
  const insert: StatementSync = database.prepare(
    "INSERT OR REPLACE INTO completions VALUES (?, ?, ?, ?, ?)",
  );
  const digest = (key: GenerationKey) =>
    Buffer.from(
      jsonContentId([key.model, key.template, key.prompt, key.sampling]).slice(0, 32),
      "hex",
    );
  let closed = false;
  return {
    lookup(key) {
      const found = new Map<number, StoredCompletion>();
      for (const row of select.all(digest(key)) as {
        sample: number;
        text: string;
        finish_reason: string | null;
        completion_tokens: number;
      }[]) {
        found.set(row.sample, {
          text: row.text,
          finishReason: row.finish_reason,
          completionTokens: row.completion_tokens,
        });
      }
      return found;
    },
    put(key, completions) {
      if (closed || completions.size === 0) return;
      const id = digest(key);
      inTransaction(database, path, "generation cache", () => {
        for (const [sample, completion] of completions)
          insert.run(
            id,
            sample,
            completion.text,
            completion.finishReason,
            completion.completionTokens,
          );
      });
    },
    close() {
      if (closed) return;
      closed = true;
      database.close();
    },
  };
}
