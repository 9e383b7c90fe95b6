import type { Candidate, Ranking, RewardInput, RewardModel, TestBasedReward } from "@coderm/core";
import { learnedScores } from "./learned-scores.js";

/** Settings of {@link createHybridReward}. */
export interface HybridRewardSettings {
  /** The learned reward that prunes before any test runs (CodeRM-NT served). */
  reward: RewardModel;
  /** The test-based reward that picks among the kept candidates (CodeT, say). */
  tests: TestBasedReward;
  /** Distinct programs kept per problem, the best by `reward`. */
  keep: number;
  /** The method's name (`hybrid`). */
  name?: string;
}

/**
 * Hybrid reranking: a learned reward keeps the top `keep` distinct programs of each problem, only
 * those run the generated tests (`candidatesToTest`), and the test-based reward ranks them; the
 * pruned candidates follow, by reward. With `keep` at least the number of distinct programs it
 * is the test-based reward; with `keep` 1 it is the learned reward's pick. Ties of the learned
 * reward at the cut keep the earlier program (sample order), so the cut is deterministic.
 */
export function createHybridReward(settings: HybridRewardSettings): RewardModel {
  if (!Number.isInteger(settings.keep) || settings.keep < 1)
    throw new RangeError(`hybrid keep must be a positive integer, got ${settings.keep}`);
  const scoresOf = learnedScores(settings.reward);
  const kept = async (input: RewardInput): Promise<number[]> => {
    const scores = await scoresOf(input);
    return keptRows(input.candidates, scores, settings.keep);
  };
  const name = settings.name ?? "hybrid";
  const rank = async (input: RewardInput): Promise<Ranking> => {
    if (input.passMatrix === undefined)
      throw new TypeError(`${name} needs the pass matrix of its kept rows`);
    const rows = await kept(input);
    const columns = Array.from({ length: input.passMatrix.columnCount }, (_, column) => column);
    const inner = settings.tests.rank({
      problem: input.problem,
      candidates: rows.map((row) => input.candidates[row]!),
      passMatrix: input.passMatrix.select(rows, columns),
    });
    const groups = inner.groups.map((group) => group.map((position) => rows[position]!));
    const scores = await scoresOf(input);
    // kept rows the tests do not rank (no signal: a uniform pick among all the kept), then the
    // pruned rows, each by reward, equal rewards together
    const ranked = new Set(groups.flat());
    const keptSet = new Set(rows);
    const byReward = (members: number[]) => {
      members.sort((a, b) => scores[b]! - scores[a]! || a - b);
      let previous: number | undefined;
      for (const row of members) {
        if (previous !== undefined && scores[previous] === scores[row]) groups.at(-1)!.push(row);
        else groups.push([row]);
        previous = row;
      }
    };
    if (groups.length === 0) groups.push([...rows]);
    else byReward(rows.filter((row) => !ranked.has(row)));
    byReward(input.candidates.map((_, row) => row).filter((row) => !keptSet.has(row)));
    return { groups };
  };
  return {
    name,
    needsPassMatrix: true,
    ranks: true,
    candidatesToTest: kept,
    rank,
    async score(input) {
      const { groups } = await rank(input);
      const scores = input.candidates.map(() => -Infinity);
      groups.forEach((group, position) => {
        for (const row of group) scores[row] = groups.length - position;
      });
      return scores;
    },
  };
}

/** The rows of the best `keep` distinct programs by score (earlier programs win ties). */
export function keptRows(
  candidates: readonly Candidate[],
  scores: readonly number[],
  keep: number,
): number[] {
  const best = new Map<string, { score: number; first: number }>();
  candidates.forEach((candidate, row) => {
    if (!best.has(candidate.id)) best.set(candidate.id, { score: scores[row]!, first: row });
  });
  const chosen = new Set(
    [...best.entries()]
      .sort(([, a], [, b]) => b.score - a.score || a.first - b.first)
      .slice(0, keep)
      .map(([id]) => id),
  );
  return candidates.flatMap((candidate, row) => (chosen.has(candidate.id) ? [row] : []));
}
