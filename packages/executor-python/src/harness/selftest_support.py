"""The driver of the harness self-test: a harness process started and spoken to the way Node
does (fd 3 = requests, fd 4 = responses), and the small helpers the checks share."""

import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = HERE  # the source directory (its __main__.py starts a harness process)
DATA = os.environ.get("CODERM_DATA_DIR") or os.path.normpath(
    os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data")
)


def _high_fd(fd):
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


class Harness:
    """A harness process driven the way Node drives it."""

    def __init__(self, python=None, env=None, stderr_path=None, harness=None, cpu_slots=None):
        """cpu_slots: (lock file path, count, first slot) shared with other harness processes."""
        python = python or sys.executable
        self.python = python
        self.harness = harness or HARNESS
        r_req, w_req = os.pipe()
        r_res, w_res = os.pipe()
        r_req, w_req, r_res, w_res = (_high_fd(x) for x in (r_req, w_req, r_res, w_res))
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, r_req, 3),
            (os.POSIX_SPAWN_DUP2, w_res, 4),
        ]
        if cpu_slots:
            path, count, first = cpu_slots
            actions.append((os.POSIX_SPAWN_OPEN, 5, path, os.O_RDWR | os.O_CREAT, 0o600))
        if stderr_path:
            actions.append(
                (os.POSIX_SPAWN_OPEN, 2, stderr_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            )
        # as Node starts it (PYTHONDONTWRITEBYTECODE: no __pycache__ in the sources)
        base_env = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        if cpu_slots:
            base_env["CODERM_CPU_SLOTS"] = "%d:%d" % (count, first)
        if env:
            base_env.update(env)
        self.pid = os.posix_spawn(
            python, [python, "-S", "-u", self.harness], base_env, file_actions=actions
        )
        os.close(r_req)
        os.close(w_res)
        self.w = w_req
        self.r = r_res
        self.buf = b""
        self.ready = self.recv(timeout=30)
        if not self.ready or self.ready.get("event") != "ready":
            raise RuntimeError("harness did not send ready: %r" % (self.ready,))

    def send_raw(self, payload):
        data = struct.pack(">I", len(payload)) + payload
        view = memoryview(data)
        while view:
            n = os.write(self.w, view)
            view = view[n:]

    def send(self, obj):
        self.send_raw(json.dumps(obj).encode("utf-8"))

    def recv(self, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 4:
                (n,) = struct.unpack(">I", self.buf[:4])
                if len(self.buf) >= 4 + n:
                    body = self.buf[4 : 4 + n]
                    self.buf = self.buf[4 + n :]
                    return json.loads(body)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no frame from the harness process")
            rl, _, _ = select.select([self.r], [], [], left)
            if rl:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise EOFError("the harness process closed fd 4")
                self.buf += chunk

    def run(self, req, timeout=120):
        """Sends one request; returns (results list, final event)."""
        self.send(req)
        results = []
        while True:
            f = self.recv(timeout)
            if f.get("id") != req.get("id") and f.get("event") != "error":
                raise AssertionError("frame for another id: %r" % f)
            if f["event"] == "result":
                results.append(f)
            elif f["event"] in ("done", "error"):
                return results, f

    def alive(self):
        pid, _ = os.waitpid(self.pid, os.WNOHANG)
        return pid == 0

    def close(self):
        try:
            os.close(self.w)
        except OSError:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.01)
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.r)


# ---------------------------------------------------------------------------------------------
_ids = [0]


def req(program, tests, **kw):
    _ids[0] += 1
    r = {
        "id": _ids[0],
        "program": program,
        "tests": tests,
        "limits": {"timeMs": kw.pop("timeMs", 100)},
    }
    r["limits"].update(kw.pop("limits", {}))
    r.update(kw)
    return r


def A(code):
    return {"kind": "assert", "code": code}


def descendants(pid):
    """Live (non-zombie) processes below pid."""
    ps = subprocess.run(["ps", "-eo", "pid,ppid,stat"], capture_output=True, text=True).stdout
    rows = [l.split() for l in ps.split("\n")[1:] if l.split()]
    out, frontier = [], {str(pid)}
    while frontier:
        nxt = {r[0] for r in rows if r[1] in frontier and not r[2].startswith("Z")}
        out += sorted(nxt)
        frontier = nxt
    return out


def statuses(results):
    return [r["status"] for r in results]


def expect_eq(got, want, what=""):
    if got != want:
        if (
            isinstance(got, list)
            and isinstance(want, list)
            and len(got) == len(want)
            and len(got) > 10
        ):
            diff = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
            raise AssertionError("%s: %d differences, first %r" % (what, len(diff), diff[:5]))
        raise AssertionError("%s: got %.2000r, want %.2000r" % (what, got, want))
