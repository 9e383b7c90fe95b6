import { createAssertModules } from "./assert-module.ts";
import { createConsole } from "./console.ts";
import { createDeepEquality } from "./deep-equal.ts";
import { createHarness, type HarnessFactories } from "./harness.ts";
import { createInspector } from "./inspect.ts";
import { createJudgement } from "./judgement.ts";
import { lockDown } from "./lockdown.ts";
import { hiddenIntrinsics, planLockdown } from "./lockdown-plan.ts";
import { capturePrimordials } from "./primordials.ts";
import { createTimers } from "./timers.ts";

const factories: HarnessFactories = {
  capturePrimordials,
  createInspector,
  createDeepEquality,
  createJudgement,
  createAssertModules,
  createConsole,
  createTimers,
  lockDown,
  hiddenIntrinsics,
};

/**
 * The prelude script: a strict function expression `(outputLimit, plan) => dispatcher` made of the
 * text of {@link createHarness} and of each of its factories, which the worker compiles once per
 * isolate and calls in every fresh context. The functions are written in TypeScript for their
 * types and tests, and run in the isolate as their own text: none of them may refer to anything
 * outside its body but its parameters and the isolate's built-ins.
 */
export const preludeSource = [
  "(function (outputLimit, plan) {",
  '"use strict";',
  "const factories = {",
  ...Object.entries(factories).map(([name, factory]) => `${name}: (${factory.toString()}),`),
  "};",
  `return (${createHarness.toString()})(outputLimit, plan, factories);`,
  "})",
].join("\n");

/**
 * The planning script, run once per isolate in a context of its own: its completion value is the
 * isolate's `LockdownPlan` (see `lockdown-plan.ts`), which every prelude call receives.
 */
export const planSource = `"use strict";\n(${planLockdown.toString()})(${hiddenIntrinsics.toString()});`;
