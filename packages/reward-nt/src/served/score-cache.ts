import { jsonContentId } from "@coderm/core";

/**
 * Rewards a served model already gave, by key (see {@link rewardScoreKey}), so a rerun asks the
 * server nothing. Values are the server's raw rewards, before clipping.
 */
export interface RewardScoreCache {
  /** The stored reward of a key, or undefined. */
  get(key: string): number | undefined;
  /** Stores a reward (durable when this returns, for persistent caches). */
  set(key: string, value: number): void;
  /** Releases the cache's resources (a database handle); optional. */
  close?(): void;
}

/** What identifies a served reward: the protocol, the model and what reaches the server. */
export interface RewardScoreKeyParts {
  protocol: string;
  /** The served (base) model's name. */
  model: string;
  /** The item as the server sees it and every setting that can change its score. */
  item: unknown;
}

/** The cache key of a reward: sha256 hex of the canonical JSON of its parts. */
export function rewardScoreKey(parts: RewardScoreKeyParts): string {
  return jsonContentId({ version: 1, ...parts });
}

/** Settings of {@link createMemoryRewardScoreCache}. */
export interface MemoryRewardScoreCacheSettings {
  /** The most rewards kept; the oldest stored goes first beyond it (unbounded by default). */
  maxEntries?: number;
}

/** A reward cache in this process's memory. */
export function createMemoryRewardScoreCache(
  settings: MemoryRewardScoreCacheSettings = {},
): RewardScoreCache {
  const entries = new Map<string, number>();
  const limit = settings.maxEntries ?? Infinity;
  return {
    get: (key) => entries.get(key),
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > limit) entries.delete(entries.keys().next().value as string);
    },
  };
}
