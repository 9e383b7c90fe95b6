import { forms, problemId, request, toleranceForms } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

export const monkeypatch: AdversarialAttack[] = [
  {
    id: "patch-assertion-error",
    category: "monkeypatch",
    description: "replaces builtins.AssertionError so failed assertions are not recognised",
    request: () =>
      request("patch-assertion-error", program("monkeypatch/patch-assertion-error"), [
        forms.assert,
        forms.check,
        forms.unittest,
      ]),
  },
  {
    id: "patch-isinstance",
    category: "monkeypatch",
    description: "makes builtins.isinstance and issubclass always answer True",
    request: () =>
      request("patch-isinstance", program("monkeypatch/patch-isinstance"), [
        forms.assert,
        forms.call,
        forms.unittest,
      ]),
  },
  {
    id: "patch-import-unittest",
    category: "monkeypatch",
    description:
      "wraps builtins.__import__ so `import unittest` yields a copy whose TestCase asserts nothing",
    request: () =>
      request("patch-import-unittest", program("monkeypatch/patch-import-unittest"), [
        forms.unittest,
      ]),
  },
  {
    id: "replace-sys-modules-unittest",
    category: "monkeypatch",
    description:
      "puts a copy of unittest in sys.modules whose TestCase (a real subclass) asserts nothing",
    request: () =>
      request("replace-sys-modules-unittest", program("monkeypatch/replace-sys-modules-unittest"), [
        forms.unittest,
      ]),
  },
  {
    id: "patch-testcase-assert-equal",
    category: "monkeypatch",
    description: "patches unittest.TestCase.assertEqual (and friends) to no-ops",
    request: () =>
      request("patch-testcase-assert-equal", program("monkeypatch/patch-testcase-assert-equal"), [
        forms.unittest,
      ]),
  },
  {
    id: "patch-unittest-outcome",
    category: "monkeypatch",
    description:
      "replaces unittest.case._Outcome.testPartExecutor with one that swallows every exception",
    request: () =>
      request("patch-unittest-outcome", program("monkeypatch/patch-unittest-outcome"), [
        forms.unittest,
      ]),
  },
  {
    id: "patch-harness-functions",
    category: "monkeypatch",
    description:
      "reaches the harness module through the frames and swaps the __code__ of its classify/match/tampered functions",
    request: () =>
      request("patch-harness-functions", program("monkeypatch/patch-harness-functions"), [
        forms.check,
        forms.assertStatement,
        forms.call,
        forms.stdio,
      ]),
  },
  {
    id: "patch-record-method",
    category: "monkeypatch",
    description:
      "wraps the `record` method of the harness objects it finds so every status becomes pass",
    request: () =>
      request("patch-record-method", program("monkeypatch/patch-record-method"), [
        forms.assert,
        forms.call,
        forms.check,
        forms.unittest,
      ]),
  },
  {
    id: "patch-operator-eq",
    category: "monkeypatch",
    description: "replaces operator.eq/ne/__eq__ and math.isclose with functions that always agree",
    request: () =>
      request("patch-operator-eq", program("monkeypatch/patch-operator-eq"), [
        forms.call,
        toleranceForms.call,
      ]),
  },
  {
    id: "shadow-builtin-abs",
    category: "monkeypatch",
    description:
      "defines module-level abs/round that return 0, which tests exec'd in the program's namespace pick up",
    request: () =>
      request("shadow-builtin-abs", program("monkeypatch/shadow-builtin-abs"), [
        toleranceForms.assert,
        toleranceForms.check,
        toleranceForms.unittest,
      ]),
  },
  {
    id: "shadow-math-module",
    category: "monkeypatch",
    description:
      "defines a global `math` whose isclose always agrees, for tests that use the program's `import math`",
    request: () =>
      request("shadow-math-module", program("monkeypatch/shadow-math-module"), [
        {
          id: "assert-isclose",
          problemId,
          kind: "assert",
          code: "assert math.isclose(f(2.0), 1.4142135623730951)",
        },
        {
          id: "check-isclose",
          problemId,
          kind: "check",
          entryPoint: "f",
          code: "def check(candidate):\n    assert math.isclose(candidate(2.0), 1.4142135623730951)\n",
        },
        {
          id: "unittest-isclose",
          problemId,
          kind: "unittest",
          code: "import unittest\n\n\nclass TestSqrt(unittest.TestCase):\n    def test_sqrt(self):\n        self.assertTrue(math.isclose(f(2.0), 1.4142135623730951))\n",
        },
      ]),
  },
  {
    id: "mutate-interned-status-strings",
    category: "monkeypatch",
    description:
      'rewrites the characters of its own interned "fail" string to "pass" through ctypes, then fails',
    request: () =>
      request(
        "mutate-interned-status-strings",
        program("monkeypatch/mutate-interned-status-strings"),
        [forms.assert, forms.call, forms.check, forms.unittest],
      ),
  },
  {
    id: "patch-builtins-and-guard",
    category: "monkeypatch",
    description:
      "patches builtins.abs and rewrites the harness's snapshot of builtins so the tamper check agrees",
    request: () =>
      request("patch-builtins-and-guard", program("monkeypatch/patch-builtins-and-guard"), [
        toleranceForms.assert,
        toleranceForms.check,
      ]),
  },
  {
    id: "settrace-rewrite-harness-locals",
    category: "monkeypatch",
    description:
      "installs a trace function on every frame that rewrites verdict variables (ok, res, why, status) in the harness",
    request: () =>
      request(
        "settrace-rewrite-harness-locals",
        program("monkeypatch/settrace-rewrite-harness-locals"),
        [forms.assert, forms.call, forms.check, forms.unittest],
      ),
  },
];
