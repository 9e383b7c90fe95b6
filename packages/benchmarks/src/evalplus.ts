import {
  type CallOracle,
  CodermError,
  jsonContentId,
  type Problem,
  type PythonValue,
  parsePythonJson,
  type UnitTest,
} from "@coderm/core";
import { readJsonl } from "@coderm/core/node";
import { z } from "zod";
import { mbppPlusArguments } from "./mbpp-plus-inputs.js";

/** A unit test of kind `call`: the entry point called with `args`. */
export type CallTest = Extract<UnitTest, { kind: "call" }>;

const inputsSchema = z.array(z.array(z.unknown()));

const evalPlusRecordSchema = z.object({
  task_id: z.string().min(1),
  prompt: z.string(),
  entry_point: z.string().min(1),
  canonical_solution: z.string(),
  base_input: inputsSchema,
  // MBPP+ v0.2.0 writes the empty plus_input of Mbpp/793 as {}, which EvalPlus iterates as none.
  plus_input: inputsSchema.or(
    z
      .object({})
      .strict()
      .transform(() => []),
  ),
  atol: z.number().nonnegative(),
});

/**
 * Reads EvalPlus problems (HumanEval+ or MBPP+): one `call` test per input, base inputs first.
 * Expected values are left out: EvalPlus computes them by running the canonical solution (see
 * {@link withExpectedOutputs}). Inputs are read as {@link PythonValue}s: exact integers, NaN and
 * Infinity, and floats such as `2.0` kept apart from integers.
 */
async function readEvalPlus(
  path: string,
  toArguments: (taskId: string, input: PythonValue[]) => PythonValue[],
  oracles: ReadonlyMap<string, CallOracle>,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for await (const { value } of readJsonl(path, {
    schema: evalPlusRecordSchema,
    parse: parsePythonJson,
  })) {
    const inputs = [...value.base_input, ...value.plus_input] as PythonValue[][];
    const oracle = oracles.get(value.entry_point);
    const tests = inputs.map((input): CallTest => {
      const args = toArguments(value.task_id, input);
      const atol = value.atol > 0 ? value.atol : undefined;
      return {
        kind: "call",
        id: jsonContentId({ entryPoint: value.entry_point, args, atol, oracle }),
        problemId: value.task_id,
        entryPoint: value.entry_point,
        args,
        ...(atol === undefined ? {} : { atol }),
        ...(oracle === undefined ? {} : { oracle }),
      };
    });
    problems.push({
      id: value.task_id,
      prompt: value.prompt,
      entryPoint: value.entry_point,
      language: "python",
      canonicalSolution: value.prompt + value.canonical_solution,
      tests,
      metadata: { baseTestCount: value.base_input.length },
    });
  }
  return problems;
}

// EvalPlus's special-cased comparisons, keyed by entry point as EvalPlus keys them
// (evalplus/eval/__init__.py and _special_oracle.py).
const humanEvalPlusOracles = new Map<string, CallOracle>([["find_zero", "find_zero"]]);
const mbppPlusOracles = new Map<string, CallOracle>([
  ["are_equivalent", "are_equivalent"],
  ["sum_div", "sum_div"],
  ["surface_Area", "surface_Area"],
  ["digit_distance_nums", "digit_distance_nums"],
  ...[
    "similar_elements",
    "find_char_long",
    "common_in_nested_lists",
    "extract_singly",
    "larg_nnum",
    "intersection_array",
    "find_dissimilar",
    "Diff",
  ].map((entryPoint): [string, CallOracle] => [entryPoint, "set_eq"]),
  ...["check_str", "text_match_three", "text_starta_endb"].map(
    (entryPoint): [string, CallOracle] => [entryPoint, "not_none"],
  ),
]);

/** Reads HumanEval+ problems from HumanEvalPlus.jsonl (plain or gzipped). */
export function readHumanEvalPlus(path: string): Promise<Problem[]> {
  return readEvalPlus(path, (_, input) => input, humanEvalPlusOracles);
}

/**
 * Reads MBPP+ problems from MbppPlus.jsonl (plain or gzipped). The inputs of the tasks EvalPlus
 * converts (lists to tuples, sets, complex numbers) carry that conversion as tagged values; see
 * {@link PythonValue}.
 */
export function readMbppPlus(path: string): Promise<Problem[]> {
  return readEvalPlus(path, mbppPlusArguments, mbppPlusOracles);
}

/**
 * Computes the expected values of a problem's call tests, one per test in order, typically by
 * running the problem's canonical solution through an executor.
 */
export type ComputeExpectedOutputs = (
  problem: Problem,
  tests: readonly CallTest[],
) => Promise<readonly unknown[]>;

/**
 * Returns the problems with `expected` filled in on every `call` test that lacks one, as
 * EvalPlus does before judging (for a `not_none` test: whether the output is not None). Problems
 * are computed concurrently.
 */
export async function withExpectedOutputs(
  problems: readonly Problem[],
  compute: ComputeExpectedOutputs,
): Promise<Problem[]> {
  return Promise.all(
    problems.map(async (problem) => {
      const pending = (problem.tests ?? []).filter(
        (test): test is CallTest => test.kind === "call" && test.expected === undefined,
      );
      if (pending.length === 0) return problem;
      const values = await compute(problem, pending);
      if (values.length !== pending.length) {
        throw new CodermError(
          "invalid-input",
          `expected ${pending.length} outputs for the call tests, got ${values.length}`,
          { item: problem.id },
        );
      }
      // a `not_none` task's expected value is whether the canonical solution's output is not None
      const expected = new Map<UnitTest, unknown>(
        pending.map((test, index) => [
          test,
          test.oracle === "not_none" ? values[index] !== null : values[index],
        ]),
      );
      return {
        ...problem,
        tests: problem.tests?.map((test) =>
          expected.has(test) ? { ...test, expected: expected.get(test) } : test,
        ),
      };
    }),
  );
}
