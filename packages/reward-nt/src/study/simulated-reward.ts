import { createRandom, type RewardModel } from "@coderm/core";

/** Settings of {@link createSimulatedRewardModel}. */
export interface SimulatedRewardModelSettings {
  /** The AUROC the simulated rewards reach between right and wrong programs (0.5..1). */
  auroc: number;
  /** Whether a program (by problem id and candidate id) is right: the ground truth it peeks at. */
  correct(problemId: string, candidateId: string): boolean;
  /** Seed of the noise; a program's reward depends only on it, the problem and the program. */
  seed: number | string;
  /** The model's name (`simulated-nt@<auroc>`). */
  name?: string;
}

/**
 * A SIMULATED reward model for studies of how good a learned reward must be: the reward of a
 * program is its ground-truth correctness times a separation d plus standard normal noise, with
 * d = sqrt(2) * Phi^-1(auroc), so right programs outscore wrong ones with probability `auroc`.
 * It reads the ground truth; it is never a reward to select with, and every output of a study
 * that uses it says so.
 */
export function createSimulatedRewardModel(settings: SimulatedRewardModelSettings): RewardModel {
  if (!(settings.auroc >= 0.5 && settings.auroc < 1))
    throw new RangeError(`a simulated AUROC must be in [0.5, 1), got ${settings.auroc}`);
  const separation = Math.SQRT2 * normalQuantile(settings.auroc);
  return {
    name: settings.name ?? `simulated-nt@${settings.auroc}`,
    ranks: true,
    async score(input) {
      return input.candidates.map((candidate) => {
        const random = createRandom(
          `${settings.seed}\u0000${input.problem.id}\u0000${candidate.id}`,
        );
        const right = settings.correct(input.problem.id, candidate.id);
        return (right ? separation : 0) + standardNormal(random.next(), random.next());
      });
    },
  };
}

/** A standard normal draw from two uniforms in [0, 1) (Box-Muller). */
function standardNormal(first: number, second: number): number {
  return Math.sqrt(-2 * Math.log(1 - first)) * Math.cos(2 * Math.PI * second);
}

/** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error < 1.5e-7). */
export function normalDistribution(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const polynomial =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - polynomial * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** The standard normal quantile, by bisection on {@link normalDistribution}. */
export function normalQuantile(probability: number): number {
  let low = -10;
  let high = 10;
  for (let step = 0; step < 100; step++) {
    const middle = (low + high) / 2;
    if (normalDistribution(middle) < probability) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
