import type { RewardInput, RewardModel } from "@coderm/core";

/**
 * A learned reward's scores of an input, asked once per problem and candidate list: a hybrid or
 * combined method asks for them when choosing what to test and again when ranking, and a served
 * model should not be asked twice (nor should its cache be the only guard).
 */
export function learnedScores(reward: RewardModel): (input: RewardInput) => Promise<number[]> {
  const asked = new Map<string, Promise<number[]>>();
  return (input) => {
    const key = `${input.problem.id}\u0000${input.candidates.map((candidate) => candidate.id).join("\u0000")}`;
    let scores = asked.get(key);
    if (scores === undefined) {
      // the learned reward reads the code only: it never sees a pass matrix
      scores = reward.score({ problem: input.problem, candidates: input.candidates });
      asked.set(key, scores);
      scores.catch(() => asked.delete(key));
    }
    return scores;
  };
}
