import {
  bootstrapInterval,
  createRandom,
  type Interval,
  type ProblemMatrix,
  type RewardModel,
  rankingFromScores,
  rankingPassAtK,
  type TestBasedReward,
} from "@coderm/core";
import { createHybridReward } from "../selection/hybrid-reward.js";
import { createSimulatedRewardModel } from "./simulated-reward.js";

/** Options of {@link hybridStudy}. */
export interface HybridStudyOptions {
  /** The test-based reward that ranks the kept programs, and the full baseline (CodeT). */
  tests: TestBasedReward;
  /** The simulated rewards' AUROC levels (0.6, 0.7, 0.8, 0.9, 0.95). */
  aurocs?: readonly number[];
  /** Distinct programs kept per problem before testing (1, 2, 3, 5, 10, 20). */
  keeps?: readonly number[];
  /** Noise draws per AUROC level (10). */
  seeds?: number;
  seed?: number | string;
  /** The sample set's name, for the report. */
  dataset: string;
}

/** One kept-programs setting at one AUROC level. */
export interface HybridStudyCell {
  keep: number;
  /** pass@1 of hybrid reranking, in percent, over the noise draws. */
  passAt1: Interval;
  /** Generated-test executions against testing every distinct program. */
  executionFraction: number;
}

/** What {@link hybridStudy} found; `simulated` is always true. */
export interface HybridStudyResult {
  simulated: true;
  note: string;
  dataset: string;
  problems: number;
  seeds: number;
  /** The test-based reward over every program, and a uniform pick, in percent. */
  baseline: { tests: number; random: number; testsName: string };
  levels: {
    auroc: number;
    /** AUROC the draws reached between right and wrong distinct programs (mean over draws). */
    measuredAuroc: number;
    /** pass@1 of the simulated reward alone (its top program). */
    rewardOnly: Interval;
    cells: HybridStudyCell[];
  }[];
}

const simulatedNote =
  "SIMULATED reward models (ground-truth correctness plus Gaussian noise at each AUROC), not a trained model";

/**
 * How good a learned reward must be before pruning pays: on executed matrices, simulated reward
 * models at each AUROC keep the top programs of each problem, the test-based reward ranks those,
 * and pass@1 and the executions saved are set against testing every program. The rewards are
 * SIMULATED; the result says so in `simulated` and `note`.
 */
export async function hybridStudy(
  problems: readonly ProblemMatrix[],
  options: HybridStudyOptions,
): Promise<HybridStudyResult> {
  const aurocs = options.aurocs ?? [0.6, 0.7, 0.8, 0.9, 0.95];
  const keeps = options.keeps ?? [1, 2, 3, 5, 10, 20];
  const seeds = options.seeds ?? 10;
  const baseSeed = options.seed ?? 0;
  const correct = new Map<string, boolean>();
  for (const item of problems)
    item.candidates.forEach((candidate, row) => {
      correct.set(`${item.problem.id}\u0000${candidate.id}`, item.correct[row]!);
    });
  const isCorrect = (problemId: string, candidateId: string) =>
    correct.get(`${problemId}\u0000${candidateId}`) ?? false;
  const inputOf = (item: ProblemMatrix) => ({
    problem: item.problem,
    candidates: item.candidates,
    passMatrix: item.matrix,
  });
  const mean = (values: readonly number[]) =>
    values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

  let testsTotal = 0;
  let randomTotal = 0;
  for (const item of problems) {
    testsTotal += rankingPassAtK(options.tests.rank(inputOf(item)), item.correct, 1);
    randomTotal += item.correct.filter(Boolean).length / Math.max(1, item.correct.length);
  }
  const executions = (keep: number) => {
    let kept = 0;
    let all = 0;
    for (const item of problems) {
      const tests = new Set(item.tests.map((test) => test.id)).size;
      const distinct = new Set(item.candidates.map((candidate) => candidate.id)).size;
      kept += Math.min(keep, distinct) * tests;
      all += distinct * tests;
    }
    return kept / Math.max(1, all);
  };

  const levels: HybridStudyResult["levels"] = [];
  for (const auroc of aurocs) {
    const rewardOnly: number[] = [];
    const measured: number[] = [];
    const byKeep = new Map<number, number[]>(keeps.map((keep) => [keep, []]));
    for (let draw = 0; draw < seeds; draw++) {
      const reward = createSimulatedRewardModel({
        auroc,
        correct: isCorrect,
        seed: `${baseSeed}/${auroc}/${draw}`,
      });
      const scored = await Promise.all(problems.map((item) => reward.score(inputOf(item))));
      measured.push(programAuroc(problems, scored));
      rewardOnly.push(
        (100 *
          problems.reduce(
            (sum, item, index) =>
              sum + rankingPassAtK(rankingFromScores(scored[index]!), item.correct, 1),
            0,
          )) /
          Math.max(1, problems.length),
      );
      for (const keep of keeps) {
        const hybrid = createHybridReward({
          reward: fixed(reward, scored, problems),
          tests: options.tests,
          keep,
        });
        let total = 0;
        for (const item of problems)
          total += rankingPassAtK(await hybrid.rank!(inputOf(item)), item.correct, 1);
        byKeep.get(keep)!.push((100 * total) / Math.max(1, problems.length));
      }
    }
    const interval = (values: readonly number[]) =>
      bootstrapInterval(values, { seed: createRandom(`${baseSeed}/${auroc}`).int(2 ** 31) });
    levels.push({
      auroc,
      measuredAuroc: mean(measured),
      rewardOnly: interval(rewardOnly),
      cells: keeps.map((keep) => ({
        keep,
        passAt1: interval(byKeep.get(keep)!),
        executionFraction: executions(keep),
      })),
    });
  }
  return {
    simulated: true,
    note: simulatedNote,
    dataset: options.dataset,
    problems: problems.length,
    seeds,
    baseline: {
      tests: (100 * testsTotal) / Math.max(1, problems.length),
      random: (100 * randomTotal) / Math.max(1, problems.length),
      testsName: options.tests.name,
    },
    levels,
  };
}

/** The reward model answering the scores already drawn (one draw shared by every keep). */
function fixed(
  reward: RewardModel,
  scored: readonly number[][],
  problems: readonly ProblemMatrix[],
): RewardModel {
  const byProblem = new Map(problems.map((item, index) => [item.problem.id, scored[index]!]));
  return { name: reward.name, score: async (input) => byProblem.get(input.problem.id)! };
}

/** AUROC of the rewards between right and wrong distinct programs, pooled over problems. */
function programAuroc(problems: readonly ProblemMatrix[], scored: readonly number[][]): number {
  const right: number[] = [];
  const wrong: number[] = [];
  problems.forEach((item, index) => {
    const seen = new Set<string>();
    item.candidates.forEach((candidate, row) => {
      if (seen.has(candidate.id)) return;
      seen.add(candidate.id);
      (item.correct[row] ? right : wrong).push(scored[index]![row]!);
    });
  });
  if (right.length === 0 || wrong.length === 0) return Number.NaN;
  const sortedWrong = [...wrong].sort((a, b) => a - b);
  let wins = 0;
  for (const value of right) {
    // wrong scores below value, ties half
    let low = 0;
    let high = sortedWrong.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sortedWrong[middle]! < value) low = middle + 1;
      else high = middle;
    }
    let equal = low;
    while (equal < sortedWrong.length && sortedWrong[equal] === value) equal++;
    wins += low + (equal - low) / 2;
  }
  return wins / (right.length * wrong.length);
}
