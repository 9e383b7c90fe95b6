import { forms, problemId, request, toleranceForms } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

export const comparison: AdversarialAttack[] = [
  ...(
    [
      ["assert", forms.assert],
      ["assert-reversed", forms.assertReversed],
      ["call", forms.call],
      ["check", forms.check],
      ["unittest", forms.unittest],
    ] as const
  ).map(
    ([form, test]): AdversarialAttack => ({
      id: `always-equal-${form}`,
      category: "comparison",
      description: `returns an object whose __eq__ is always True and __ne__ always False (${test.kind} test${form === "assert-reversed" ? ", literal on the left" : ""})`,
      request: () => request(`always-equal-${form}`, program("comparison/always-equal"), [test]),
    }),
  ),
  {
    id: "lying-int-subclass",
    category: "comparison",
    description: "returns an int subclass whose __eq__ always answers True",
    request: () =>
      request("lying-int-subclass", program("comparison/lying-int-subclass"), [
        forms.call,
        forms.assert,
        forms.check,
      ]),
  },
  {
    id: "lying-str-subclass",
    category: "comparison",
    description: "returns a str subclass whose __eq__ always answers True",
    request: () =>
      request("lying-str-subclass", program("comparison/lying-str-subclass"), [
        forms.unittest,
        forms.call,
      ]),
  },
  {
    id: "lying-list-subclass",
    category: "comparison",
    description: "returns a list subclass whose __eq__ always answers True (sorting task)",
    request: () =>
      request("lying-list-subclass", program("comparison/lying-list-subclass"), [
        {
          id: "check-list",
          problemId,
          kind: "check",
          entryPoint: "f",
          code: "def check(candidate):\n    assert candidate([3, 1, 2]) == [1, 2, 3]\n",
        },
        {
          id: "call-list",
          problemId,
          kind: "call",
          entryPoint: "f",
          args: [[3, 1, 2]],
          expected: [1, 2, 3],
        },
      ]),
  },
  {
    id: "lying-dict-subclass",
    category: "comparison",
    description:
      "returns a dict subclass whose __eq__/__ne__ lie, against assertEqual and assertDictEqual",
    request: () =>
      request("lying-dict-subclass", program("comparison/lying-dict-subclass"), [
        {
          id: "unittest-dict",
          problemId,
          kind: "unittest",
          code: 'import unittest\n\n\nclass TestF(unittest.TestCase):\n    def test_equal(self):\n        self.assertEqual(f(21), {"double": 42})\n\n    def test_dict_equal(self):\n        self.assertDictEqual(f(21), {"double": 42})\n',
        },
        {
          id: "call-dict",
          problemId,
          kind: "call",
          entryPoint: "f",
          args: [21],
          expected: { double: 42 },
        },
      ]),
  },
  {
    id: "nan-float",
    category: "comparison",
    description: "returns NaN where a float is expected, against tolerance comparisons",
    request: () =>
      request("nan-float", program("comparison/nan-float"), [
        toleranceForms.call,
        toleranceForms.assert,
        toleranceForms.check,
      ]),
  },
  {
    id: "eq-returns-truthy-object",
    category: "comparison",
    description: "__eq__ returns a non-bool object whose __bool__ is True",
    request: () =>
      request("eq-returns-truthy-object", program("comparison/eq-returns-truthy-object"), [
        forms.assert,
        forms.call,
        forms.check,
      ]),
  },
  {
    id: "bool-liar",
    category: "comparison",
    description:
      "returns one object for every input that is truthy, has a length and equals anything (a primality task)",
    request: () =>
      request("bool-liar", program("comparison/bool-liar"), [
        {
          id: "check-prime",
          problemId,
          kind: "check",
          entryPoint: "f",
          code: "def check(candidate):\n    assert candidate(7)\n    assert candidate(8) == False\n",
        },
        {
          id: "unittest-prime",
          problemId,
          kind: "unittest",
          code: "import unittest\n\n\nclass TestPrime(unittest.TestCase):\n    def test_prime(self):\n        self.assertTrue(f(7))\n        self.assertEqual(f(8), False)\n",
        },
      ]),
  },
  {
    id: "class-property-fakes-list",
    category: "comparison",
    description:
      "an empty object whose __class__ property claims list (isinstance passes) and whose comparisons lie",
    request: () =>
      request("class-property-fakes-list", program("comparison/class-property-fakes-list"), [
        {
          id: "unittest-list-equal",
          problemId,
          kind: "unittest",
          code: "import unittest\n\n\nclass TestSort(unittest.TestCase):\n    def test_sort(self):\n        self.assertListEqual(f([3, 1, 2]), [1, 2, 3])\n",
        },
        {
          id: "call-list",
          problemId,
          kind: "call",
          entryPoint: "f",
          args: [[3, 1, 2]],
          expected: [1, 2, 3],
        },
      ]),
  },
  {
    id: "float-subclass-arithmetic-liar",
    category: "comparison",
    description:
      "returns a float subclass whose subtraction and abs() give 0, defeating abs(got - want) < tol",
    request: () =>
      request(
        "float-subclass-arithmetic-liar",
        program("comparison/float-subclass-arithmetic-liar"),
        [toleranceForms.assert, toleranceForms.check, toleranceForms.call],
      ),
  },
];
