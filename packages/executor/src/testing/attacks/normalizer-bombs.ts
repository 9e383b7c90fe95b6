import type { UnitTest } from "@coderm/core";
import { forms, problemId, request } from "./helpers.js";
import type { AdversarialAttack } from "./types.js";

/** A wrong program (`f(x) = x`) with one more top-level line. */
const wrongWith = (line: string) => `def f(x):\n    return x\n\n\n${line}\n`;

/** Honest candidates sent in the same batch: every one of their tests must still pass. */
const honest = (id: string) => [
  request(`${id}-honest-0`, "def f(x):\n    return 2 * x\n", [forms.assert, forms.check]),
  request(`${id}-honest-1`, "def f(x):\n    return x + x\n", [forms.call, forms.unittest]),
];

/** Inputs that parse, or nearly do, but break a naive parser, dumper or compiler. */
const bombs = {
  /** Beyond the interpreter's int-digit limit (4,300 digits). */
  bigLiteral: "7".repeat(5000),
  /** A left-leaning tree 1,500 deep: parses, compiles, but recursive walks overflow. */
  longSum: Array.from({ length: 1500 }, () => "1").join(" + "),
  /** Nesting just under the parser's limit of 200. */
  nestedParentheses: `${"(".repeat(199)}1${")".repeat(199)}`,
  /** 3,000 nested unary operators: the parser and compiler hit their recursion limits. */
  deepUnary: `${"-".repeat(3000)}1`,
  /** 3,000 chained calls. */
  chainedCalls: `f${"()".repeat(3000)}`,
  /** A wide literal whose syntax-tree dump runs to megabytes. */
  wideList: `[${Array.from({ length: 40_000 }, () => "[0]").join(", ")}]`,
};

const bombAttack = (
  id: string,
  description: string,
  code: string,
  tests: readonly UnitTest[] = [forms.assert, forms.check, forms.call, forms.unittest],
): AdversarialAttack => ({
  id,
  category: "normalizer-bombs",
  description: `${description}, in one batch with honest candidates`,
  request: () => request(id, code, tests),
  victim: () => ({ requests: honest(id), expected: "pass" }),
});

/** An assert test whose expected side is a bomb. */
const bombTest = (id: string, expression: string): UnitTest => ({
  id,
  problemId,
  kind: "assert",
  code: `assert f(21) == ${expression}`,
});

export const normalizerBombs: AdversarialAttack[] = [
  bombAttack(
    "bomb-big-literal",
    "a 5,000-digit integer literal",
    wrongWith(`N = ${bombs.bigLiteral}`),
  ),
  bombAttack("bomb-long-sum", "a 1,500-term sum", wrongWith(`N = ${bombs.longSum}`)),
  bombAttack(
    "bomb-nested-parentheses",
    "199 nested parentheses",
    wrongWith(`N = ${bombs.nestedParentheses}`),
  ),
  bombAttack(
    "bomb-deep-unary",
    "3,000 nested unary minus signs",
    wrongWith(`N = ${bombs.deepUnary}`),
  ),
  bombAttack(
    "bomb-chained-calls",
    "3,000 chained calls in a function body",
    wrongWith(`def g():\n    return ${bombs.chainedCalls}`),
  ),
  bombAttack("bomb-wide-list", "a 40,000-element nested list", wrongWith(`N = ${bombs.wideList}`)),
  bombAttack(
    "bomb-tests",
    "tests whose expected sides are bombs (5,000 digits, 1,500 terms, 3,000 unary minus signs)",
    wrongWith("N = 0"),
    [
      forms.assert,
      bombTest("assert-big-literal", bombs.bigLiteral),
      bombTest("assert-long-sum", bombs.longSum),
      bombTest("assert-deep-unary", bombs.deepUnary),
      forms.check,
    ],
  ),
];
