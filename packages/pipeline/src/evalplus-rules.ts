import { CodermError, type Problem, type UnitTest, type Verdict } from "@coderm/core";

/**
 * EvalPlus's judging settings (evalplus/evaluate.py, evalplus/eval/__init__.py), with its
 * defaults: a per-input limit of max(`minTimeLimitMs`, `timeLimitFactor` × the canonical solution's
 * time on the input), and a whole-run limit per sample and test set of min(`perTaskTimeoutMs`, the
 * sum of the per-input limits) plus EvalPlus's slack.
 */
export interface EvalPlusSettings {
  /** EvalPlus's `--min-time-limit` (4 s). */
  minTimeLimitMs: number;
  /** EvalPlus's `--gt-time-limit-factor` (4). */
  timeLimitFactor: number;
  /** EvalPlus's `EVALPLUS_TIMEOUT_PER_TASK` (60 s). */
  perTaskTimeoutMs: number;
}

/** EvalPlus's defaults (evalplus/config.py at its current release). */
export const evalPlusDefaults: EvalPlusSettings = {
  minTimeLimitMs: 4000,
  timeLimitFactor: 4,
  perTaskTimeoutMs: 60_000,
};

/** The longest per-test time limit an executor takes (core's `timeMs` bound). */
const longestTestMs = 600_000;

/**
 * A named run of a problem's tests that EvalPlus judges on its own: `base` then `plus` inputs,
 * each stopping at its first failure; a problem without EvalPlus's split is one `all` sequence.
 */
export interface TestSequence {
  name: "base" | "plus" | "all";
  /** Index of its first test in the problem's tests. */
  start: number;
  /** One past its last test. */
  end: number;
}

/** The test sequences of a problem: base and plus for EvalPlus's problems, else one. */
export function testSequences(problem: Problem): TestSequence[] {
  const count = problem.tests?.length ?? 0;
  const base = problem.metadata?.baseTestCount;
  if (typeof base !== "number" || base < 0 || base > count)
    return [{ name: "all", start: 0, end: count }];
  return [
    { name: "base", start: 0, end: base },
    { name: "plus", start: base, end: count },
  ];
}

/**
 * The problem's call tests with EvalPlus's per-input limits and tolerances, given the canonical
 * solution's wall time on each input (`referenceMs`, one per test in order): `timeMs` =
 * max(minimum, factor × reference), and the tolerance EvalPlus carries from one input to the next
 * of a sequence (once an expected output is a float or a list of floats, a zero `atol` becomes
 * 1e-6 for every later input of that sequence, as its judging loop reassigns it).
 */
export function withEvalPlusLimits(
  problem: Problem,
  referenceMs: readonly number[],
  settings: EvalPlusSettings,
): Problem {
  const tests = problem.tests ?? [];
  if (referenceMs.length !== tests.length) {
    throw new CodermError(
      "invalid-input",
      `expected ${tests.length} reference times, got ${referenceMs.length}`,
      { item: problem.id },
    );
  }
  const limited: UnitTest[] = [...tests];
  for (const sequence of testSequences(problem)) {
    let carried = 0;
    for (let index = sequence.start; index < sequence.end; index++) {
      const test = tests[index]!;
      const timeMs = Math.min(
        longestTestMs,
        Math.ceil(
          Math.max(settings.minTimeLimitMs, settings.timeLimitFactor * referenceMs[index]!),
        ),
      );
      if (test.kind !== "call") {
        limited[index] = { ...test, timeMs };
        continue;
      }
      const own = test.atol ?? 0;
      if (carried === 0 && own !== 0) carried = own;
      // find_zero judges before EvalPlus's tolerance line: it never changes the carried value
      if (carried === 0 && test.oracle !== "find_zero" && isFloats(test.expected))
        carried = floatTolerance;
      const atol = test.oracle === "find_zero" ? own : carried;
      limited[index] = { ...test, timeMs, ...(atol === 0 ? {} : { atol }) };
    }
  }
  return { ...problem, tests: limited };
}

const floatTolerance = 1e-6;

/** EvalPlus's `is_floats`: a float, or a non-empty list or tuple of floats only. */
function isFloats(value: unknown): boolean {
  if (isFloat(value)) return true;
  const items = Array.isArray(value)
    ? value
    : typeof value === "object" && value !== null && "$tuple" in value
      ? (value as { $tuple: unknown }).$tuple
      : undefined;
  return Array.isArray(items) && items.length > 0 && items.every(isFloat);
}

/** Whether a carried Python value is a float: a non-integral number or a `$float` tag. */
function isFloat(value: unknown): boolean {
  if (typeof value === "number") return !Number.isInteger(value);
  return typeof value === "object" && value !== null && "$float" in value;
}

/**
 * How long EvalPlus lets a sample's run over a sequence take: min(per-task timeout, the sum of the
 * per-input limits) + its 1 s slack, + 1 s when it reports every input, + 1 s for joining its
 * process.
 */
export function allowedMs(
  tests: readonly UnitTest[],
  settings: EvalPlusSettings,
  testDetails: boolean,
): number {
  const limitSum = tests.reduce((sum, test) => sum + (test.timeMs ?? 0), 0);
  return Math.min(settings.perTaskTimeoutMs, limitSum) + 2000 + (testDetails ? 1000 : 0);
}

/** EvalPlus's status of one test sequence of a sample. */
export type SequenceStatus = "pass" | "fail" | "timeout";

/**
 * The status of a sequence from the verdicts of the tests that ran, in order: `pass` when every
 * test ran and passed, else `fail`. Under EvalPlus's `settings` it is a `timeout` when the tests'
 * total time exceeds what EvalPlus allows the whole run ({@link allowedMs}); a per-input timeout
 * is a failure, as in EvalPlus, and an empty sequence passes (EvalPlus's empty plus inputs).
 * Without them, a sequence without tests fails.
 */
export function sequenceStatus(
  tests: readonly UnitTest[],
  verdicts: readonly Verdict[],
  settings: EvalPlusSettings | undefined,
  testDetails: boolean,
): SequenceStatus {
  if (settings !== undefined && spentMs(verdicts) > allowedMs(tests, settings, testDetails))
    return "timeout";
  const passed =
    (tests.length > 0 || settings !== undefined) &&
    verdicts.length === tests.length &&
    verdicts.every((verdict) => verdict.status === "pass");
  return passed ? "pass" : "fail";
}

/** The wall time the tests behind these verdicts took together. */
export function spentMs(verdicts: readonly Verdict[]): number {
  return verdicts.reduce((sum, verdict) => sum + verdict.wallMs, 0);
}
