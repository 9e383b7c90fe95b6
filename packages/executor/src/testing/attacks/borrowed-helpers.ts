import type { UnitTest } from "@coderm/core";
import { problemId, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

/**
 * Ground-truth tests in HumanEval's shape whose `check` calls a helper of the prompt, with the
 * prompt's helpers in front, as the HumanEval loader writes them (see
 * `@coderm/benchmarks`' humaneval.ts): the test defines the helper itself.
 */
const polynomialTest: UnitTest = {
  id: "check-polynomial-zero",
  problemId,
  kind: "check",
  entryPoint: "find_zero",
  code: [
    "import math",
    "",
    "def poly(xs: list, x: float):",
    "    return sum([c * math.pow(x, i) for i, c in enumerate(xs)])",
    "",
    "",
    "def check(candidate):",
    "    import random",
    "    rng = random.Random(7)",
    "    for _ in range(20):",
    "        coefficients = [rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(2 * rng.randint(1, 3))]",
    "        zero = candidate(list(coefficients))",
    "        assert math.fabs(poly(coefficients, zero)) < 1e-4",
    "",
  ].join("\n"),
};

const cyclicTest: UnitTest = {
  id: "check-decode-cyclic",
  problemId,
  kind: "check",
  entryPoint: "decode_cyclic",
  code: [
    "def encode_cyclic(s: str):",
    "    groups = [s[3 * i : min(3 * i + 3, len(s))] for i in range((len(s) + 2) // 3)]",
    "    groups = [(g[1:] + g[0]) if len(g) == 3 else g for g in groups]",
    '    return "".join(groups)',
    "",
    "",
    "def check(candidate):",
    "    for text in ['abcdef', 'hello world', 'xyzzy']:",
    "        assert candidate(encode_cyclic(text)) == text",
    "",
  ].join("\n"),
};

const shiftTest: UnitTest = {
  id: "check-decode-shift",
  problemId,
  kind: "check",
  entryPoint: "decode_shift",
  code: [
    "def encode_shift(s: str):",
    '    return "".join([chr(((ord(ch) + 5 - ord("a")) % 26) + ord("a")) for ch in s])',
    "",
    "",
    "def check(candidate):",
    "    import string",
    "    for text in [string.ascii_lowercase, 'shift', 'zebra']:",
    "        assert candidate(encode_shift(text)) == text",
    "",
  ].join("\n"),
};

/**
 * Attacks on the helpers a ground-truth test borrows from the prompt (HumanEval/32, /38, /50):
 * the program redefines them or patches what they use, in its own process. The test defines and
 * runs its own helpers in the test server.
 */
export const borrowedHelpers: AdversarialAttack[] = [
  {
    id: "redefine-poly",
    category: "borrowed-helpers",
    description: "redefines poly to return 0, so that any find_zero answer looks like a zero",
    request: () =>
      request("redefine-poly", program("borrowed-helpers/redefine-poly"), [polynomialTest]),
  },
  {
    id: "patch-math-pow",
    category: "borrowed-helpers",
    description: "patches math.pow (which the prompt's poly uses) to return 0",
    request: () =>
      request("patch-math-pow", program("borrowed-helpers/patch-math-pow"), [polynomialTest]),
  },
  {
    id: "redefine-encode-cyclic",
    category: "borrowed-helpers",
    description: "redefines encode_cyclic as the identity and decodes with the identity",
    request: () =>
      request("redefine-encode-cyclic", program("borrowed-helpers/redefine-encode-cyclic"), [
        cyclicTest,
      ]),
  },
  {
    id: "patch-helper-globals",
    category: "borrowed-helpers",
    description:
      "shadows chr and ord in the helper's globals, patches string.ascii_lowercase, and redefines encode_shift",
    request: () =>
      request("patch-helper-globals", program("borrowed-helpers/patch-helper-globals"), [
        shiftTest,
      ]),
  },
];
