import { forms, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

export const earlyExit: AdversarialAttack[] = [
  {
    id: "exit-at-import",
    category: "early-exit",
    description: "sys.exit(0) while the program is executed, before any test code runs",
    request: () =>
      request("exit-at-import", program("early-exit/exit-at-import"), [
        forms.assert,
        forms.call,
        forms.check,
        forms.unittest,
        forms.stdio,
      ]),
  },
  {
    id: "sys-exit-in-function",
    category: "early-exit",
    description: "sys.exit(0) inside the function under test",
    request: () =>
      request("sys-exit-in-function", program("early-exit/sys-exit-in-function"), [
        forms.assert,
        forms.call,
        forms.check,
        forms.unittest,
      ]),
  },
  {
    id: "os-exit-in-function",
    category: "early-exit",
    description: "os._exit(0) inside the function under test: no exception, a clean exit code",
    request: () =>
      request("os-exit-in-function", program("early-exit/os-exit-in-function"), [
        forms.assert,
        forms.call,
        forms.check,
        forms.unittest,
      ]),
  },
  {
    id: "skip-test-at-runtime",
    category: "early-exit",
    description: "raises unittest.SkipTest from the function so the test is skipped, not failed",
    request: () =>
      request("skip-test-at-runtime", program("early-exit/skip-test-at-runtime"), [
        forms.unittest,
        forms.check,
        forms.assert,
      ]),
  },
  {
    id: "keyboard-interrupt-in-test",
    category: "early-exit",
    description: "raises KeyboardInterrupt, which unittest and many harnesses re-raise",
    request: () =>
      request("keyboard-interrupt-in-test", program("early-exit/keyboard-interrupt-in-test"), [
        forms.assert,
        forms.unittest,
        forms.call,
      ]),
  },
  {
    id: "kill-self",
    category: "early-exit",
    description: "sends SIGKILL to its own process from inside the function",
    request: () =>
      request("kill-self", program("early-exit/kill-self"), [forms.assert, forms.call]),
  },
  {
    id: "kill-parent",
    category: "early-exit",
    description: "SIGKILLs its parent process, then returns a wrong answer",
    request: () =>
      request("kill-parent", program("early-exit/kill-parent"), [forms.assert, forms.check]),
  },
  {
    id: "timer-signals-ignored",
    category: "early-exit",
    description:
      "ignores SIGALRM/SIGTERM/SIGXCPU, disarms the interval timer, swallows exceptions, and answers right only after the limit",
    request: () =>
      request(
        "timer-signals-ignored",
        program("early-exit/timer-signals-ignored"),
        [forms.assert, forms.call],
        { timeMs: 300 },
      ),
  },
  {
    id: "timer-signals-blocked",
    category: "early-exit",
    description:
      "blocks every signal with pthread_sigmask, sleeps past the limit, then answers right",
    request: () =>
      request(
        "timer-signals-blocked",
        program("early-exit/timer-signals-blocked"),
        [forms.check, forms.unittest],
        { timeMs: 300 },
      ),
  },
  {
    id: "atexit-clean-exit",
    category: "early-exit",
    description: "registers atexit/excepthook handlers that exit with status 0, then exits",
    request: () =>
      request("atexit-clean-exit", program("early-exit/atexit-clean-exit"), [
        forms.check,
        forms.unittest,
      ]),
  },
];
