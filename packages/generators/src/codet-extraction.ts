import { compilesInPython } from "@coderm/core/node";

/** CodeT's `STOP_TOKEN`s: a solution or a test ends before the first of them. */
export const codetStopTokens = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"] as const;

/** CodeT's `solution_extract`: the completion up to the first stop token. */
export function extractCodetSolution(completion: string): string {
  let result = completion;
  for (const token of codetStopTokens) {
    const index = result.indexOf(token);
    if (index >= 0) result = result.slice(0, index);
  }
  return result;
}

/** A test completion that continues a prompt ending in `assert `. */
export interface CodetTestSample {
  completion: string;
  /** The name the tests must mention to be kept. */
  entryPoint: string;
}

/** Options of {@link extractCodetTests}. */
export interface ExtractCodetTestsOptions {
  /** The Python interpreter that checks syntax (default: `CODERM_PYTHON` or `python3`'s). */
  python?: string;
}

/**
 * CodeT's `test_case_extract`, for many samples at once: each completion is split on `assert `,
 * the pieces that mention the entry point are cut at the first stop token and stripped, and the
 * ones that compile inside a `try:` block (checked by one Python process for all samples) are
 * kept, in order.
 */
export async function extractCodetTests(
  samples: readonly CodetTestSample[],
  options: ExtractCodetTestsOptions = {},
): Promise<string[][]> {
  const pieces = samples.map(({ completion, entryPoint }) =>
    splitAssertions(completion, entryPoint),
  );
  const sources = [...new Set(pieces.flat())];
  const compiles = await compilesInPython(
    sources.map((test) => `try:\n    ${test.replaceAll("\n", "\n    ")}\nexcept:\n    pass\n`),
    options.python,
  );
  const valid = new Set(sources.filter((_, index) => compiles[index]));
  return pieces.map((tests) => tests.filter((test) => valid.has(test)));
}

function splitAssertions(completion: string, entryPoint: string): string[] {
  const name = pythonStrip(entryPoint);
  return (
    `assert ${completion}`
      .split("assert ")
      .filter((part) => part.includes(name) && pythonStrip(part).length > 0)
      // CodeT's `_truncate` is `solution_extract` followed by `strip()`.
      .map((part) => pythonStrip(extractCodetSolution(pythonStrip(`assert ${part}`))))
      .filter((test) => test.length > 0 && test.includes("assert"))
  );
}

// The characters Python's str.strip() removes (str.isspace), which differ from String#trim's.
const pythonSpace =
  "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const pythonStripPattern = new RegExp(`^${pythonSpace}+|${pythonSpace}+$`, "g");

function pythonStrip(text: string): string {
  return text.replace(pythonStripPattern, "");
}
