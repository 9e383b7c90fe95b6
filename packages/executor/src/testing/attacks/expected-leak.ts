import { forms, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

export const expectedLeak: AdversarialAttack[] = [
  {
    id: "bytecode-peek-caller",
    category: "expected-leak",
    description:
      "reads the constant the caller loads after the call (sys._getframe(1) + dis) and returns it",
    request: () =>
      request("bytecode-peek-caller", program("expected-leak/bytecode-peek-caller"), [
        forms.assert,
        forms.check,
        forms.unittest,
      ]),
  },
  {
    id: "frame-locals-expected",
    category: "expected-leak",
    description:
      "walks sys._getframe(1..n) and returns the first local named expected/exp/lit/want",
    request: () =>
      request("frame-locals-expected", program("expected-leak/frame-locals-expected"), [
        forms.assert,
        forms.call,
        forms.check,
      ]),
  },
  {
    id: "gc-expected-value",
    category: "expected-leak",
    description:
      "searches gc.get_objects() for the test's plan entry (holding the arguments) or the check function's constants",
    request: () =>
      request("gc-expected-value", program("expected-leak/gc-expected-value"), [
        forms.call,
        forms.check,
      ]),
  },
  {
    id: "inspect-stack-constants",
    category: "expected-leak",
    description:
      "inspect.stack() to reach the caller's code object and return its first constant that is not the argument",
    request: () =>
      request("inspect-stack-constants", program("expected-leak/inspect-stack-constants"), [
        forms.check,
        forms.unittest,
      ]),
  },
  {
    id: "traceback-frame-leak",
    category: "expected-leak",
    description:
      "raises and catches an exception, then follows __traceback__.tb_frame.f_back to the caller's locals and bytecode",
    request: () =>
      request("traceback-frame-leak", program("expected-leak/traceback-frame-leak"), [
        forms.unittest,
        forms.check,
        forms.call,
      ]),
  },
  {
    id: "read-job-data",
    category: "expected-leak",
    description:
      "unmarshals the job the worker handed over (shared memory found through frames and /proc/self/maps, job files on disk) to find the expected value",
    request: () => request("read-job-data", program("expected-leak/read-job-data"), [forms.call]),
  },
  {
    id: "read-test-process-memory",
    category: "expected-leak",
    description:
      "searches the memory and open files of its children and siblings (a test process) and its own memory for the test's literal, as source text or marshalled constants",
    request: () =>
      request(
        "read-test-process-memory",
        program("expected-leak/read-test-process-memory"),
        [forms.check, forms.unittest, forms.assertStatement, forms.assert],
        { timeMs: 3000 },
      ),
  },
  {
    id: "read-test-source",
    category: "expected-leak",
    description:
      "looks for the test's source (linecache, the code's file, open fds, the work and temp dirs) and parses the expected literal",
    request: () =>
      request("read-test-source", program("expected-leak/read-test-source"), [
        forms.assert,
        forms.unittest,
      ]),
  },
];
