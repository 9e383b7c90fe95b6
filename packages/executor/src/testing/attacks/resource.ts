import { defaultLimits, forms, problemId, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

export const resource: AdversarialAttack[] = [
  {
    id: "fork-bomb-os",
    category: "resource",
    description:
      "os.fork, posix_spawn, subprocess, os.system and multiprocessing, 50 times each; every child lingers 3 s",
    request: (context) =>
      request("fork-bomb-os", program("resource/fork-bomb-os", context), [forms.assert]),
  },
  {
    id: "fork-bomb-ctypes",
    category: "resource",
    description:
      "libc fork() through ctypes, past any Python-level guard: 64 processes that linger 3 s each",
    request: (context) =>
      request("fork-bomb-ctypes", program("resource/fork-bomb-ctypes", context), [forms.assert]),
  },
  {
    id: "escape-process-group",
    category: "resource",
    description:
      "ctypes fork, setsid and a second fork: a process outside the candidate's group and session that lingers 3 s",
    request: (context) =>
      request("escape-process-group", program("resource/escape-process-group", context), [
        forms.assert,
      ]),
  },
  {
    id: "memory-bomb",
    category: "resource",
    description: "allocates 64 MiB buffers until allocation fails",
    request: () =>
      request("memory-bomb", program("resource/memory-bomb"), [forms.assert, forms.call]),
  },
  {
    id: "memory-bomb-mmap",
    category: "resource",
    description: "maps 8 GiB of anonymous memory and touches every page, then 256 MiB blocks",
    request: () =>
      request("memory-bomb-mmap", program("resource/memory-bomb-mmap"), [forms.assert]),
  },
  {
    id: "disk-fill",
    category: "resource",
    description:
      "writes 3000 files of 32 KiB and one file as large as it can (at most 256 MiB) in its working directory",
    request: () => request("disk-fill", program("resource/disk-fill"), [forms.assert]),
  },
  {
    id: "fd-exhaustion",
    category: "resource",
    description: "opens files, pipes and sockets until the descriptor table is full",
    request: () => request("fd-exhaustion", program("resource/fd-exhaustion"), [forms.assert]),
  },
  {
    id: "huge-stdout",
    category: "resource",
    description:
      "writes 64 MiB through os.write(1) and print; the captured output must stay within the limit",
    request: () =>
      request("huge-stdout", program("resource/huge-stdout"), [forms.assert], { timeMs: 3000 }),
    breach: (outcome) => {
      const limit = defaultLimits.outputBytes * 2 + 1024;
      return outcome.output.length > limit
        ? `captured output of ${outcome.output.length} characters exceeds the ${defaultLimits.outputBytes}-byte limit`
        : undefined;
    },
  },
  {
    id: "deep-recursion",
    category: "resource",
    description: "raises the recursion limit to 10^7 and recurses until the C stack overflows",
    request: () =>
      request("deep-recursion", program("resource/deep-recursion"), [forms.assert, forms.call]),
  },
  {
    id: "threads-outlive-test",
    category: "resource",
    description:
      "starts threads that keep printing and rebinding builtins after its (wrong) answer, across two tests",
    request: () =>
      request("threads-outlive-test", program("resource/threads-outlive-test"), [
        forms.assert,
        { id: "assert-second", problemId, kind: "assert", code: "assert f(1) == 2" },
        forms.check,
      ]),
  },
  {
    id: "sleep-past-limit",
    category: "resource",
    description: "sleeps 2 s (the limit is 300 ms), then returns the right answer",
    request: () =>
      request(
        "sleep-past-limit",
        program("resource/sleep-past-limit"),
        [forms.assert, forms.call, forms.unittest],
        { timeMs: 300 },
      ),
  },
  {
    id: "block-in-c-swallow-timer",
    category: "resource",
    description:
      "blocks in libc sleep() and retries whatever the timer raises, then returns the right answer",
    request: () =>
      request(
        "block-in-c-swallow-timer",
        program("resource/block-in-c-swallow-timer"),
        [forms.check, forms.call],
        { timeMs: 300 },
      ),
  },
];
