import type { RewardModel } from "@coderm/core";
import {
  createMemoryRewardScoreCache,
  createServedRewardModel,
  createSqliteRewardScoreCache,
  type ServedRewardProtocol,
  servedRewardProtocols,
} from "@coderm/reward-nt";
import { type Command, Option } from "commander";
import { nonNegativeNumber, positiveInteger } from "./options.js";

/** The flags of a served reward model (CodeRM-NT). */
export interface RewardModelFlags {
  rewardUrl?: string;
  rewardProtocol: ServedRewardProtocol | "auto";
  rewardModel: string;
  rewardApiKeyEnv?: string;
  rewardThinking?: boolean;
  rewardWeight: number;
}

/** The flags of the rerank methods that read a served reward model. */
export interface LearnedMethodFlags extends RewardModelFlags {
  hybridKeep: number;
  hybridTests: string;
}

/**
 * Adds the served reward model's flags: `--reward-url`, `--reward-protocol`, `--reward-model`,
 * `--reward-api-key-env`, `--reward-thinking`, and `--reward-weight` (what its reward weighs
 * against the tests'; `what` says where).
 */
export function addRewardModelOptions(command: Command, what: string): Command {
  return command
    .option(
      "--reward-url <url>",
      "a served reward model's base URL (CodeRM-NT behind vLLM, SGLang, TEI or its authors' server): enables the nt, hybrid and combined methods",
    )
    .addOption(
      new Option("--reward-protocol <name>", "the reward server's shape (auto: probe it)")
        .choices(["auto", ...servedRewardProtocols])
        .default("auto"),
    )
    .option("--reward-model <name>", "the model name the reward server serves", "Rishubi/CodeRM-NT")
    .option(
      "--reward-api-key-env <name>",
      "the environment variable holding the reward server's API key (none by default)",
    )
    .option(
      "--reward-thinking",
      "responses come from a thinking model: one without </think> gets -4 unasked",
    )
    .option(
      "--reward-weight <w>",
      `the weight of the reward model's score against the tests' (${what})`,
      nonNegativeNumber,
      1,
    );
}

/** Adds the served reward model's flags and `--hybrid-keep` and `--hybrid-tests`. */
export function addLearnedMethodOptions(command: Command): Command {
  return addRewardModelOptions(command, "combined: its z-score plus the test pass ratio")
    .option(
      "--hybrid-keep <n>",
      "hybrid: distinct programs kept per problem by the reward model before any test runs",
      positiveInteger,
      10,
    )
    .option(
      "--hybrid-tests <method>",
      "hybrid: the test-based method that ranks the kept programs",
      "codet",
    );
}

/**
 * The served reward model the flags describe, or undefined without `--reward-url`. Rewards are
 * cached in the cache directory, or for the run only with `--no-cache`.
 */
export function openRewardModel(
  flags: RewardModelFlags & { cache?: boolean },
): RewardModel | undefined {
  if (flags.rewardUrl === undefined) return undefined;
  const apiKey =
    flags.rewardApiKeyEnv === undefined ? undefined : process.env[flags.rewardApiKeyEnv];
  return createServedRewardModel({
    baseURL: flags.rewardUrl,
    protocol: flags.rewardProtocol,
    model: flags.rewardModel,
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(flags.rewardThinking ? { thinking: true } : {}),
    // a run asks about each program once: in memory with --no-cache, else in the cache directory
    cache: flags.cache === false ? createMemoryRewardScoreCache() : createSqliteRewardScoreCache(),
  });
}

/** The settings of the methods that read a reward model, from the flags. */
export function learnedMethodSettings(
  flags: LearnedMethodFlags,
  rewardModel: RewardModel | undefined,
) {
  return {
    ...(rewardModel === undefined ? {} : { rewardModel }),
    keep: flags.hybridKeep,
    testMethod: flags.hybridTests,
    rewardWeight: flags.rewardWeight,
  };
}
