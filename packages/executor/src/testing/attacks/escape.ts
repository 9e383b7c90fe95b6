import { forms, hashTest, request, tokenTest } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

export const escapes: AdversarialAttack[] = [
  {
    id: "network-tcp-connect",
    category: "escape",
    description: "connects to the runner's TCP listener on 127.0.0.1 and returns its token",
    request: (context) =>
      request("network-tcp-connect", program("escape/network-tcp-connect", context), [
        hashTest("assert-token", context.tokenHash),
      ]),
  },
  {
    id: "network-tcp-ctypes",
    category: "escape",
    description: "the same connection through libc socket()/connect() via ctypes",
    request: (context) =>
      request("network-tcp-ctypes", program("escape/network-tcp-ctypes", context), [
        hashTest("assert-token", context.tokenHash),
      ]),
  },
  {
    id: "network-unix-socket",
    category: "escape",
    description: "connects to the runner's Unix socket by its host path and returns its token",
    request: (context) =>
      request("network-unix-socket", program("escape/network-unix-socket", context), [
        hashTest("assert-token", context.tokenHash),
      ]),
  },
  {
    id: "read-project-secret",
    category: "escape",
    description: "reads the secret file in the project directory by its absolute path",
    request: (context) =>
      request("read-project-secret", program("escape/read-project-secret", context), [
        hashTest("assert-secret", context.projectSecretHash),
      ]),
  },
  {
    id: "read-home-ssh-key",
    category: "escape",
    description: "reads ~/.ssh/id_ed25519 of the (fake) home directory, and of $HOME",
    request: (context) =>
      request("read-home-ssh-key", program("escape/read-home-ssh-key", context), [
        hashTest("assert-secret", context.homeSecretHash),
      ]),
  },
  {
    id: "read-through-proc-root",
    category: "escape",
    description:
      "reads the project secret through /proc/<pid>/root and /proc/<pid>/cwd of every visible process",
    request: (context) =>
      request("read-through-proc-root", program("escape/read-through-proc-root", context), [
        hashTest("assert-secret", context.projectSecretHash),
      ]),
  },
  {
    id: "read-env-secret",
    category: "escape",
    description: "looks for the API key in os.environ and /proc/self/environ",
    request: (context) =>
      request("read-env-secret", program("escape/read-env-secret", context), [
        hashTest("assert-secret", context.envSecretHash),
      ]),
  },
  {
    id: "read-env-secret-ancestors",
    category: "escape",
    description: "looks for the API key in /proc/<pid>/environ of its parent chain and of /proc/1",
    request: (context) =>
      request("read-env-secret-ancestors", program("escape/read-env-secret-ancestors", context), [
        hashTest("assert-secret", context.envSecretHash),
      ]),
  },
  {
    id: "read-env-secret-all-processes",
    category: "escape",
    description:
      "scans /proc/*/environ of every visible process (the runner's decoy holds the key)",
    request: (context) =>
      request(
        "read-env-secret-all-processes",
        program("escape/read-env-secret-all-processes", context),
        [hashTest("assert-secret", context.envSecretHash)],
      ),
  },
  {
    id: "write-outside-sandbox",
    category: "escape",
    description:
      "writes files into the host temp dir, the project, the home dir, /var/tmp and /dev/shm, directly and through a symlink",
    request: (context) =>
      request(
        "write-outside-sandbox",
        program("escape/write-outside-sandbox", context, {
          WRITE_DIRS: [...context.outsideDirs, "/tmp", "/var/tmp", "/dev/shm"],
          WRITE_NAME: `${context.tag}-write`,
        }),
        [forms.assert],
      ),
  },
  {
    id: "ptrace-read-worker-memory",
    category: "escape",
    description:
      "ptrace-seizes its parent and the worker through ctypes and reads their memory for the expected value",
    request: (context) =>
      request(
        "ptrace-read-worker-memory",
        program("escape/ptrace-read-worker-memory"),
        [tokenTest(context)],
        { timeMs: 3000 },
      ),
  },
  {
    id: "read-decoy-memory",
    category: "escape",
    description: "finds the decoy host process by name and reads its stack through /proc/<pid>/mem",
    request: (context) =>
      request("read-decoy-memory", program("escape/read-decoy-memory", context), [
        hashTest("assert-secret", context.envSecretHash),
      ]),
  },
  {
    id: "signal-worker-processes",
    category: "escape",
    description: "SIGKILLs its parent and the worker (the Python processes above it)",
    request: () =>
      request("signal-worker-processes", program("escape/signal-worker-processes"), [
        forms.assert,
        forms.check,
      ]),
  },
  {
    id: "signal-executor-host",
    category: "escape",
    description:
      "sends SIGUSR2 to the nearest Node.js ancestor (the executor's own process); the runner listens for it",
    request: () =>
      request("signal-executor-host", program("escape/signal-executor-host"), [forms.assert]),
  },
  {
    id: "kill-decoy-process",
    category: "escape",
    description: "finds the decoy host process by its command line and SIGKILLs it",
    request: (context) =>
      request("kill-decoy-process", program("escape/kill-decoy-process", context), [forms.assert]),
  },
];

/**
 * Overwrites "fail" with "pass" in the harness processes: a success corrupts the worker for the
 * rest of its life, so the suite runs it last.
 */
export const writeHarnessMemory: AdversarialAttack = {
  id: "write-harness-memory",
  category: "escape",
  description:
    'writes through /proc/<pid>/mem of its parent, the worker, its children and siblings, turning their interned "fail" into "pass"',
  request: () =>
    request("write-harness-memory", program("escape/write-harness-memory"), [
      forms.call,
      forms.assert,
      forms.check,
      forms.unittest,
    ]),
};
