import { forms, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

/** Generous time, so that these end on a limit, not on the clock. */
const slow = { timeMs: 5000 };

/**
 * Candidates that take the host's processes, memory or disk (issue 15). Each stops itself at a
 * bound beyond the small limits the suite runs with (256 processes, 512 MiB of memory, 128 MiB of
 * files per harness process tree or container), so an escape cannot take down a shared host; each
 * returns the right answer only if it got everything it asked for.
 */
export const hostResources: AdversarialAttack[] = [
  {
    id: "raw-fork-bomb",
    category: "host-resources",
    description:
      "the raw fork syscall through ctypes (no Python-level guard sees it): up to 600 processes that linger 3 s",
    request: () =>
      request("raw-fork-bomb", program("host-resources/raw-fork-bomb"), [forms.assert], slow),
  },
  {
    id: "clone-syscall",
    category: "host-resources",
    description: "clone(SIGCHLD) through ctypes' syscall(): up to 600 processes that linger 3 s",
    request: () =>
      request("clone-syscall", program("host-resources/clone-syscall"), [forms.assert], slow),
  },
  {
    id: "thread-flood",
    category: "host-resources",
    description: "up to 1,024 threads with 32 KiB stacks (the audit started 10,000)",
    request: () =>
      request("thread-flood", program("host-resources/thread-flood"), [forms.assert], slow),
  },
  {
    id: "memfd-beyond-limit",
    category: "host-resources",
    description:
      "1 GiB written into memfds, 8 MiB each: no address space, no file size limit reached",
    request: () =>
      request(
        "memfd-beyond-limit",
        program("host-resources/memfd-beyond-limit"),
        [forms.assert],
        slow,
      ),
  },
  {
    id: "shared-memory",
    category: "host-resources",
    description: "1 GiB written into unlinked /dev/shm files, 8 MiB each",
    request: () =>
      request("shared-memory", program("host-resources/shared-memory"), [forms.assert], slow),
  },
  {
    id: "work-dir-fill",
    category: "host-resources",
    description: "256 MiB of 8 MiB files in the working directory",
    request: () =>
      request("work-dir-fill", program("host-resources/work-dir-fill"), [forms.assert], slow),
  },
  {
    id: "tmp-fill",
    category: "host-resources",
    description: "256 MiB of 8 MiB files in /tmp",
    request: () => request("tmp-fill", program("host-resources/tmp-fill"), [forms.assert], slow),
  },
  {
    id: "inode-flood",
    category: "host-resources",
    description: "40,000 empty files in the working directory",
    request: () =>
      request("inode-flood", program("host-resources/inode-flood"), [forms.assert], slow),
  },
];
