import type { UnitTest } from "@coderm/core";
import { problemId, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

const assertTest = (id: string, code: string): UnitTest => ({
  id,
  problemId,
  kind: "assert",
  code,
});

const unittestTest = (id: string, body: string): UnitTest => ({
  id,
  problemId,
  kind: "unittest",
  code: `import unittest\n\n\nclass TestF(unittest.TestCase):\n    def test_f(self):\n        ${body}\n`,
});

const checkTest = (id: string, body: string): UnitTest => ({
  id,
  problemId,
  kind: "check",
  entryPoint: "f",
  code: `def check(candidate):\n    ${body}\n`,
});

/** Membership tests with the literal on the left, in every form. */
const membershipTests = [
  assertTest("assert-literal-in", "assert 42 in f(21)"),
  assertTest("assert-literal-not-in", "assert 41 not in f(21)"),
  unittestTest("unittest-assert-in", "self.assertIn(42, f(21))"),
  unittestTest("unittest-assert-not-in", "self.assertNotIn(41, f(21))"),
  checkTest("check-literal-in", "assert 42 in candidate(21)"),
];

/**
 * Attacks on operators whose operand is a candidate object (a proxy in the test server): `in` and
 * `not in` with the literal on the left, `len`, iteration (`sorted`, `set`, `list`) and
 * `isinstance`. The test server computes them from the object's elements, never from an answer the
 * candidate computed, and never sends it the literal.
 */
export const membership: AdversarialAttack[] = [
  {
    id: "contains-liar",
    category: "membership",
    description: "returns an object that iterates to [41] but whose __contains__ claims exactly 42",
    request: () => request("contains-liar", program("membership/contains-liar"), membershipTests),
  },
  {
    id: "contains-always-true",
    category: "membership",
    description: "returns an empty object whose __contains__ always answers True",
    request: () =>
      request("contains-always-true", program("membership/contains-always-true"), [
        membershipTests[0]!,
        membershipTests[2]!,
        membershipTests[4]!,
      ]),
  },
  {
    id: "len-liar",
    category: "membership",
    description:
      "returns objects whose __len__ says 3: one iterates to nothing, one cannot be iterated",
    request: () =>
      request("len-liar", program("membership/len-liar"), [
        assertTest("assert-len", "assert len(f(21)) == 3"),
        unittestTest("unittest-len", "self.assertEqual(len(f(21)), 3)"),
        assertTest("assert-len-sized-only", "assert len(f(0)) == 3"),
        checkTest("check-len", "assert len(candidate(21)) == 3"),
      ]),
  },
  {
    id: "iteration-liar",
    category: "membership",
    description:
      "returns an object claiming to be a list that echoes what it is compared with (sorted, set, list, isinstance)",
    request: () =>
      request("iteration-liar", program("membership/iteration-liar"), [
        assertTest("assert-sorted", "assert sorted(f(21)) == [42]"),
        assertTest("assert-set", "assert set(f(21)) == {42}"),
        assertTest("assert-list", "assert list(f(21)) == [42]"),
        assertTest("assert-isinstance", "assert isinstance(f(21), list) and f(21)"),
        unittestTest(
          "unittest-in-then-sorted",
          "self.assertIn([42], [f(21)])\n        self.assertEqual(sorted(f(21)), [42])",
        ),
        checkTest("check-iterate", "assert [x for x in candidate(21)] == [42]"),
      ]),
  },
  {
    id: "method-liar",
    category: "membership",
    description:
      "returns a str subclass whose startswith, endswith and count answer what the test asks (a method called on the result with the expected text as its argument)",
    request: () =>
      request("method-liar", program("membership/method-liar"), [
        assertTest("assert-startswith", 'assert f(21).startswith("42")'),
        assertTest("assert-endswith-not", 'assert not not f(21).endswith("2")'),
        assertTest("assert-count", 'assert f(21).count("42") == 1'),
        assertTest("assert-attribute-method", 'assert holder.text.startswith("42")'),
        unittestTest("unittest-startswith", 'self.assertTrue(f(21).startswith("42"))'),
        checkTest("check-startswith", 'assert candidate(21).startswith("42")'),
      ]),
  },
];
