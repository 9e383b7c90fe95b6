import {
  CodermError,
  contentId,
  type ExecutionLimits,
  jsonContentId,
  type Problem,
  type PythonValue,
  type UnitTest,
} from "@coderm/core";
import { responseExtractionRules } from "@coderm/generators";
import { z } from "zod";

/**
 * One inline unit test of a reward item:
 * - a string: Python statements, such as `assert f(2) == 4`, run after the candidate;
 * - `{kind: "assert" | "unittest", code}`: statements, or a module of `unittest.TestCase` classes;
 * - `{kind: "stdio", stdin, stdout}`: the whole program fed `stdin`, its output compared by
 *   LiveCodeBench's rule (line by line, stripped, then numeric tolerance);
 * - `{kind: "call", fn?, args, expected}`: `fn(*args)` compared with `expected` by type-aware
 *   equality (`fn` defaults to the problem's entry point). A call that raises never passes.
 */
export const inlineTestSchema = z.union([
  z.string().min(1),
  z.object({ kind: z.enum(["assert", "unittest"]), code: z.string().min(1) }).strict(),
  z.object({ kind: z.literal("stdio"), stdin: z.string(), stdout: z.string() }).strict(),
  z
    .object({
      kind: z.literal("call"),
      fn: z.string().min(1).optional(),
      args: z.array(z.unknown()),
      expected: z.unknown(),
    })
    .strict(),
]);
/** One inline unit test of a reward item (see {@link inlineTestSchema}). */
export type InlineTest = z.infer<typeof inlineTestSchema>;

/**
 * Input and output pairs as veRL's code datasets (APPS, TACO, PRIME's) store a problem's tests:
 * without `fn_name` each input is a program's stdin and each output its expected stdout; with
 * `fn_name` each input is the list of arguments of a call and each output its expected value.
 */
export const inputOutputSchema = z
  .object({
    inputs: z.array(z.unknown()),
    outputs: z.array(z.unknown()),
    fn_name: z.string().min(1).optional(),
  })
  .strict()
  .refine((pairs) => pairs.inputs.length === pairs.outputs.length, {
    message: "inputs and outputs must have the same length",
    path: ["outputs"],
  })
  .refine((pairs) => pairs.inputs.length > 0, {
    message: "at least one input",
    path: ["inputs"],
  });

/** A problem of a benchmark coderm knows, by its id there (`humaneval+`, `HumanEval/0`). */
export const problemReferenceSchema = z
  .object({ benchmark: z.string().min(1), id: z.string().min(1) })
  .strict();

/**
 * How a reward is shaped from the tests' verdicts: `all-pass` (1 when every test passes, else 0),
 * `pass-ratio` (the share of tests passed), `first-k` (1 when the first `k` tests pass; only
 * they run).
 */
export const rewardShapings = ["all-pass", "pass-ratio", "first-k"] as const;
/**
 * What scores an item: its tests (`tests`), a served reward model (`rm`: the model's reward of
 * the problem's prompt and the whole response), or both (`hybrid`: the tests' reward plus
 * `weight` times the model's).
 */
export const rewardModes = ["tests", "rm", "hybrid"] as const;

/** One response to reward, with its problem and tests. */
export const rewardItemSchema = z
  .object({
    /** The caller's id, echoed in the result. */
    id: z.string().optional(),
    /** A known benchmark problem, or an inline one (its entry point names call tests' function). */
    problem: z
      .union([
        problemReferenceSchema,
        z
          .object({ prompt: z.string().optional(), entryPoint: z.string().min(1).optional() })
          .strict(),
      ])
      .optional(),
    /** The model's raw text; the program is read from it by `extraction`. */
    response: z.string(),
    extraction: z.enum(responseExtractionRules).default("last-python-block"),
    /**
     * Inline tests, input/output pairs, or `ground-truth` (a known problem's own tests); not
     * needed in `rm` mode.
     */
    tests: z
      .union([z.literal("ground-truth"), z.array(inlineTestSchema).min(1), inputOutputSchema])
      .optional(),
    mode: z.enum(rewardModes).default("tests"),
    /** `hybrid`: the weight of the reward model's score added to the tests' reward (the service's by default). */
    weight: z.number().finite().optional(),
    shaping: z.enum(rewardShapings).default("all-pass"),
    /** `first-k`: how many tests. */
    k: z.number().int().positive().optional(),
    penalties: z
      .object({
        /** The reward of a response without a program (0 by default). */
        noCode: z.number().optional(),
        /** Subtracted when the response is longer than `maxChars` characters. */
        overLength: z
          .object({ maxChars: z.number().int().positive(), penalty: z.number() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /** Return every test's verdict with the result. */
    verdicts: z.boolean().optional(),
  })
  .strict()
  .refine((item) => item.mode === "rm" || item.tests !== undefined, {
    message: `tests are needed unless mode is "rm"`,
    path: ["tests"],
  })
  .refine((item) => item.shaping !== "first-k" || item.k !== undefined, {
    message: "first-k shaping needs k",
    path: ["k"],
  })
  .refine((item) => item.tests !== "ground-truth" || isReference(item.problem), {
    message: "ground-truth tests need a known problem: {benchmark, id}",
    path: ["problem"],
  });
/** One response to reward (see {@link rewardItemSchema}); defaults not yet applied. */
export type RewardItemInput = z.input<typeof rewardItemSchema>;
/** One response to reward, with its defaults applied. */
export type RewardItem = z.output<typeof rewardItemSchema>;

function isReference(problem: unknown): problem is { benchmark: string; id: string } {
  return typeof problem === "object" && problem !== null && "benchmark" in problem;
}

/** The problem id of an inline item: its tests' content, so equal items share verdicts. */
const inlineProblemId = "inline";

/**
 * The unit tests of an item's inline tests or input/output pairs, for a problem whose entry point
 * is `entryPoint`. A call test without a function to call is an error naming its field.
 */
export function inlineUnitTests(
  tests: Exclude<RewardItem["tests"], "ground-truth" | undefined>,
  entryPoint: string | undefined,
  problemId: string = inlineProblemId,
): UnitTest[] {
  const callTest = (fn: string | undefined, args: unknown, expected: unknown, field: string) => {
    const name = fn ?? entryPoint;
    if (name === undefined)
      throw new CodermError(
        "invalid-input",
        "a call test needs a function: give fn, fn_name or the problem's entryPoint",
        { field },
      );
    if (!Array.isArray(args))
      throw new CodermError("invalid-input", "the arguments of a call must be a list", { field });
    const test = {
      kind: "call" as const,
      entryPoint: name,
      args: args as PythonValue[],
      expected: expected as PythonValue,
    };
    return { ...test, id: jsonContentId(test), problemId };
  };
  if (!Array.isArray(tests)) {
    return tests.inputs.map((input, index) => {
      const output = tests.outputs[index];
      if (tests.fn_name !== undefined)
        return callTest(tests.fn_name, input, output, `tests.inputs[${index}]`);
      if (typeof input !== "string" || typeof output !== "string")
        throw new CodermError(
          "invalid-input",
          "without fn_name, every input and output is a program's stdin and stdout (a string)",
          { field: `tests.inputs[${index}]` },
        );
      const test = { kind: "stdio" as const, stdin: input, expectedStdout: output };
      return { ...test, id: jsonContentId(test), problemId };
    });
  }
  return tests.map((test, index): UnitTest => {
    if (typeof test === "string")
      return { kind: "assert", code: test, id: contentId(test), problemId };
    switch (test.kind) {
      case "stdio": {
        const stdio = { kind: "stdio" as const, stdin: test.stdin, expectedStdout: test.stdout };
        return { ...stdio, id: jsonContentId(stdio), problemId };
      }
      case "call":
        return callTest(test.fn, test.args, test.expected, `tests[${index}]`);
      default:
        return {
          kind: test.kind,
          code: test.code,
          id: jsonContentId({ kind: test.kind, code: test.code }),
          problemId,
        };
    }
  });
}

/** A known problem with its ground truth ready to judge, and the limits it is judged under. */
export interface KnownProblem {
  problem: Problem;
  limits: ExecutionLimits;
}

/** Finds known benchmark problems with their ground truth ready to judge. */
export interface ProblemLookup {
  /** The problem, or a `not-found` error naming the benchmark or the id. */
  get(benchmark: string, id: string): Promise<KnownProblem>;
}

/** An item's problem and the tests its response is judged by, and under which limits. */
export interface ResolvedItem {
  problem: Problem | undefined;
  tests: UnitTest[];
  /** The ground truth's own limits; inline tests take the service's. */
  limits?: ExecutionLimits;
}

/** The problem and tests of an item: its inline tests, or a known problem's ground truth. */
export async function resolveRewardItem(
  item: RewardItem,
  problems: ProblemLookup | undefined,
): Promise<ResolvedItem> {
  let known: KnownProblem | undefined;
  if (isReference(item.problem)) {
    if (problems === undefined)
      throw new CodermError("invalid-input", "this service knows no benchmark problems", {
        field: "problem",
      });
    known = await problems.get(item.problem.benchmark, item.problem.id);
  }
  const problem = known?.problem;
  const entryPoint =
    problem?.entryPoint ||
    (item.problem !== undefined && "entryPoint" in item.problem
      ? item.problem.entryPoint
      : undefined);
  const tests =
    item.tests === undefined
      ? []
      : item.tests === "ground-truth"
        ? [...(problem?.tests ?? [])]
        : inlineUnitTests(item.tests, entryPoint, problem?.id);
  return {
    problem,
    tests: item.shaping === "first-k" ? tests.slice(0, item.k) : tests,
    ...(known !== undefined && item.tests === "ground-truth" ? { limits: known.limits } : {}),
  };
}
