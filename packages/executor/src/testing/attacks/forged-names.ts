import type { UnitTest } from "@coderm/core";
import { forms, problemId, request, toleranceForms } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

/** Split tests (they run in the test server): the forms that read the candidate's namespace. */
const splitForms = {
  check: {
    id: "check-split",
    problemId,
    kind: "check",
    entryPoint: "f",
    code: "def check(candidate):\n    result = candidate(21)\n    assert result == 42\n",
  },
  len: { id: "assert-len", problemId, kind: "assert", code: "assert len(f(3)) == 3" },
  tuple: { id: "assert-tuple", problemId, kind: "assert", code: "assert tuple(f(21)) == (42,)" },
} satisfies Record<string, UnitTest>;

/**
 * Attacks that forge what the candidate process sends to the test server: extra namespace
 * entries (`__builtins__` whose `abs`, `len` and `tuple` are the candidate's functions, dunder
 * names, modules), and malformed answers. The test server takes it all through an allow-list.
 */
export const forgedNames: AdversarialAttack[] = [
  {
    id: "forged-builtins",
    category: "forged-names",
    description:
      "sends a __builtins__ mapping whose abs, len and tuple are proxies to the candidate's fakes",
    request: () =>
      request("forged-builtins", program("forged-names/forged-builtins"), [
        toleranceForms.assert,
        toleranceForms.check,
        toleranceForms.unittest,
        splitForms.len,
        splitForms.tuple,
      ]),
  },
  {
    id: "forged-dunder-names",
    category: "forged-names",
    description:
      "sends dunder names (__builtins__ as a tagged dict, __import__, __name__, __class__) in its namespace",
    request: () =>
      request("forged-dunder-names", program("forged-names/forged-dunder-names"), [
        toleranceForms.assert,
        toleranceForms.check,
        toleranceForms.unittest,
      ]),
  },
  {
    id: "forged-module",
    category: "forged-names",
    description:
      "binds abs, math and builtins to the harness's modules or others, and answers with a harness module",
    request: () =>
      request("forged-module", program("forged-names/forged-module"), [
        toleranceForms.assert,
        splitForms.check,
        forms.unittest,
      ]),
  },
  {
    id: "forged-answer-tags",
    category: "forged-names",
    description:
      "answers the test server with malformed tags: extra keys beside $ref, list keys, unknown tags, status pass",
    request: () =>
      request("forged-answer-tags", program("forged-names/forged-answer-tags"), [
        splitForms.check,
        forms.unittest,
        splitForms.check,
        forms.unittest,
        splitForms.check,
        forms.unittest,
      ]),
  },
];
