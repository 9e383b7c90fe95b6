import { z } from "zod";

/** Programming languages coderm knows how to execute. */
export const languageSchema = z.enum(["python", "javascript", "typescript"]);
/** A programming language coderm knows how to execute. */
export type Language = z.infer<typeof languageSchema>;

/** Where a generated candidate or test came from. */
export const sourceSchema = z
  .object({
    /** Model or tool that produced it. */
    model: z.string().optional(),
    /** Index of the sample among the model's samples for the problem. */
    sampleIndex: z.number().int().nonnegative().optional(),
    /** Free-form origin, such as `canonical` or a released set's name. */
    origin: z.string().optional(),
  })
  .strict();
/** Where a generated candidate or test came from. */
export type Source = z.infer<typeof sourceSchema>;

const testBase = {
  /** Content id of the test (see {@link contentId}). */
  id: z.string().min(1),
  problemId: z.string().min(1),
  source: sourceSchema.optional(),
  /**
   * This test's time limit in milliseconds, in place of the request's `limits.timeMs` (EvalPlus
   * gives each input a limit of its own, from the canonical solution's time on it).
   */
  timeMs: z.number().int().min(1).max(600_000).optional(),
};

/** One statement such as `assert f(x) == y`, run against the candidate's namespace. */
export const assertTestSchema = z
  .object({ ...testBase, kind: z.literal("assert"), code: z.string() })
  .strict();
/** A module with `unittest.TestCase` classes; every test method is judged, all must pass. */
export const unittestTestSchema = z
  .object({ ...testBase, kind: z.literal("unittest"), code: z.string() })
  .strict();
/** A HumanEval-style `def check(candidate)` called with the candidate's entry point. */
export const checkTestSchema = z
  .object({
    ...testBase,
    kind: z.literal("check"),
    code: z.string(),
    entryPoint: z.string().min(1),
  })
  .strict();
/**
 * EvalPlus's special-cased comparisons (evalplus/eval/__init__.py), named by the task they serve:
 * `find_zero` (HumanEval/32: |poly(x)| <= atol), `are_equivalent` (Mbpp/164: anything passes),
 * `sum_div` (Mbpp/295: also 0), `surface_Area` (Mbpp/581), `digit_distance_nums` (Mbpp/558),
 * `set_eq` (compared as sets) and `not_none` (`expected` is whether the output is not None).
 */
export const callOracles = [
  "find_zero",
  "are_equivalent",
  "sum_div",
  "surface_Area",
  "digit_distance_nums",
  "set_eq",
  "not_none",
] as const;
/** One of {@link callOracles}. */
export type CallOracle = (typeof callOracles)[number];

/**
 * How a test's program is run and judged beyond its kind. `livecodebench`: LiveCodeBench's
 * prelude (star imports of the standard modules it lists, a recursion limit of 50,000) runs before
 * the program; a call test calls `Solution().<entryPoint>` where the program defines
 * `class Solution`, and compares its result with plain `==` after turning a tuple into a list.
 */
export const testConventions = ["livecodebench"] as const;
/** One of {@link testConventions}. */
export type TestConvention = (typeof testConventions)[number];

/**
 * A call of the entry point with JSON arguments, judged against an expected JSON value with the
 * evalplus comparison rules (an absent `expected` asks for the value instead of a judgement), or
 * with one of EvalPlus's special-cased comparisons (`oracle`).
 */
export const callTestSchema = z
  .object({
    ...testBase,
    kind: z.literal("call"),
    entryPoint: z.string().min(1),
    args: z.array(z.unknown()),
    expected: z.unknown().optional(),
    atol: z.number().nonnegative().optional(),
    oracle: z.enum(callOracles).optional(),
    convention: z.enum(testConventions).optional(),
  })
  .strict()
  .refine((test) => test.oracle === undefined || test.convention === undefined, {
    message: "a call test takes an oracle or a convention, not both",
    path: ["convention"],
  });
/**
 * A whole program fed `stdin` and judged on its standard output, as LiveCodeBench judges (an
 * absent `expectedStdout` asks for the output instead of a judgement: the verdict's `value`).
 */
export const stdioTestSchema = z
  .object({
    ...testBase,
    kind: z.literal("stdio"),
    stdin: z.string(),
    expectedStdout: z.string().optional(),
    convention: z.enum(testConventions).optional(),
  })
  .strict();

/** A unit test of any kind. */
export const unitTestSchema = z.discriminatedUnion("kind", [
  assertTestSchema,
  unittestTestSchema,
  checkTestSchema,
  callTestSchema,
  stdioTestSchema,
]);
/** A unit test of any kind. */
export type UnitTest = z.infer<typeof unitTestSchema>;
/** The kinds of unit test. */
export type UnitTestKind = UnitTest["kind"];
/** Every unit test kind, in a fixed order. */
export const unitTestKinds: readonly UnitTestKind[] = [
  "assert",
  "unittest",
  "check",
  "call",
  "stdio",
];

/** A programming problem. `tests` is the ground truth and is never shown to a reward model. */
export const problemSchema = z
  .object({
    id: z.string().min(1),
    prompt: z.string(),
    entryPoint: z.string(),
    language: languageSchema.default("python"),
    /** Ground-truth tests, hidden from rewards. */
    tests: z.array(unitTestSchema).optional(),
    /** A reference solution (the full program), where the benchmark has one. */
    canonicalSolution: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
/** A programming problem. */
export type Problem = z.infer<typeof problemSchema>;

/** One candidate solution: the whole program text to execute. */
export const candidateSchema = z
  .object({
    /** Content id of `code`: samples with the same code share it. */
    id: z.string().min(1),
    problemId: z.string().min(1),
    code: z.string(),
    source: sourceSchema.optional(),
  })
  .strict();
/** One candidate solution. */
export type Candidate = z.infer<typeof candidateSchema>;

/** Resource limits of one execution; `timeMs` applies to each test. */
export const executionLimitsSchema = z
  .object({
    timeMs: z.number().int().min(1).max(600_000),
    memoryMb: z.number().int().min(16).max(65_536),
    outputBytes: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024),
  })
  .strict();
/** Resource limits of one execution. */
export type ExecutionLimits = z.infer<typeof executionLimitsSchema>;

/** A candidate with the tests to run against it. */
export const executionRequestSchema = z
  .object({
    candidate: candidateSchema,
    tests: z.array(unitTestSchema),
    limits: executionLimitsSchema,
    /** The candidate's language; python when absent. Routing executors dispatch on it. */
    language: languageSchema.optional(),
    /**
     * Record line coverage of the candidate per test: every verdict then carries
     * {@link Verdict.coverage}. Verdicts with and without coverage are cached apart.
     */
    coverage: z.boolean().optional(),
  })
  .strict();
/** A candidate with the tests to run against it. */
export type ExecutionRequest = z.infer<typeof executionRequestSchema>;

/** The outcome kinds of running one test against one candidate. */
export const verdictStatusSchema = z.enum(["pass", "fail", "error", "timeout", "oom", "tampered"]);
/** The outcome of running one test against one candidate. */
export type VerdictStatus = z.infer<typeof verdictStatusSchema>;
/** Every verdict status, in a fixed order. */
export const verdictStatuses: readonly VerdictStatus[] = verdictStatusSchema.options;

/**
 * Line coverage of the candidate's program in one test, as coverage.py measures "load the
 * candidate, run this test" in a fresh process: 1-based line numbers of the candidate's code text
 * (`normalizeText(candidate.code)`), sorted, each the first line of its statement.
 */
const lineCoverageSchema = z
  .object({
    /**
     * The statements coverage.py counts (its `executed_lines` and `missing_lines`): docstrings
     * and lines excluded by `# pragma: no cover` (whole suites) are not among them. Empty when
     * the program does not compile.
     */
    executable: z.array(z.number().int().positive()),
    /**
     * The executable lines that ran: while the program loaded, then in this test. Empty where
     * nothing was reported (the test never ran, or its process was killed).
     */
    covered: z.array(z.number().int().positive()),
  })
  .strict();
/** The judgement of one (candidate, test) pair. */
export const verdictSchema = z
  .object({
    candidateId: z.string(),
    testId: z.string(),
    status: verdictStatusSchema,
    /** Wall-clock time of the test, in milliseconds. */
    wallMs: z.number().nonnegative(),
    /** CPU time of the test, in milliseconds. */
    cpuMs: z.number().nonnegative(),
    /**
     * Exception type for `error` (and `fail`), such as `ZeroDivisionError`. On a `timeout`,
     * {@link starvedErrorType} says that the machine's load, not the program, used up the time.
     */
    errorType: z.string().optional(),
    /** A bounded message, such as the exception's text. */
    message: z.string().optional(),
    /** The candidate's captured standard output and error, bounded by the output limit. */
    output: z.string().optional(),
    /** Per-method statuses of a `unittest` test. */
    methods: z
      .array(z.object({ name: z.string(), status: verdictStatusSchema }).strict())
      .optional(),
    /** The computed value of a `call` test run without an expected value. */
    value: z.unknown().optional(),
    /** Line coverage of the candidate in this test, when the request asked for it. */
    coverage: lineCoverageSchema.optional(),
    /** True when the verdict came from the cache rather than a fresh execution. */
    cached: z.boolean().optional(),
  })
  .strict();
/** The judgement of one (candidate, test) pair. */
export type Verdict = z.infer<typeof verdictSchema>;

/**
 * The `errorType` of a timeout that says nothing about the program: the test waited for a CPU
 * longer than its executor allows for (executors that measure waiting give that much time back).
 * `withVerdictCache` re-runs such a pair and never stores it.
 */
export const starvedErrorType = "Starved";
