import type { TestBasedReward } from "@coderm/core";
import { CodermError } from "@coderm/core";
import { createCodermVoteReward } from "./coderm-vote.js";
import { createCodetReward } from "./codet.js";
import { createPassRatioReward } from "./pass-ratio.js";
import { createRandomReward } from "./random.js";

/** The test-based methods by name. */
export const testBasedMethods = ["codet", "coderm-vote", "pass-ratio", "random"] as const;

/** Creates a test-based reward by name; an unknown name is a typed error listing the known ones. */
export function createTestBasedReward(
  name: string,
  options: { seed?: number | string } = {},
): TestBasedReward {
  switch (name) {
    case "codet":
      return createCodetReward();
    case "coderm-vote":
      return createCodermVoteReward();
    case "pass-ratio":
      return createPassRatioReward();
    case "random":
      return createRandomReward(options);
    default:
      throw new CodermError(
        "invalid-input",
        `unknown method "${name}" (methods: ${testBasedMethods.join(", ")})`,
        { field: "methods" },
      );
  }
}
