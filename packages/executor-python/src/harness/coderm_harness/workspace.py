"""The harness process's private files and shared memory: $TMPDIR/coderm-harness-<pid>-*/ with
the candidates' working directory and output file, the result ring, the job areas, the pipes
children report on, and the Landlock rulesets."""

import mmap
import os
import tempfile
import time

from .handoff import Handoff
from .protocol import JOB_AREA_BYTES, RING_CAPACITY, RING_HEADER_BYTES
from .ring import ring_header
from .state import set_child_environment
from .support import log
from .tree_removal import remove_contents, remove_tree

DIRECTORY_PREFIX = "coderm-harness-"
STALE_DIRECTORY_LIMIT = 200
# what removing other harness processes' leftovers may cost a start, in all
STALE_REMOVAL_ENTRIES = 200_000
STALE_REMOVAL_SECONDS = 3.0
# emptying the working directory between two candidate processes; beyond it, a fresh one
CLEAN_ENTRIES = 100_000
CLEAN_SECONDS = 2.0
# removing the whole private directory when the harness process ends
CLOSE_ENTRIES = 1_000_000
CLOSE_SECONDS = 10.0


def remove_stale_directories(limit=STALE_DIRECTORY_LIMIT):
    """Removes private directories left by harness processes that were killed (their pid no
    longer runs), within a budget: what is left is tried again at the next start. Never
    raises: leftovers never stop a harness process from starting."""
    try:
        _remove_stale_directories(limit)
    except Exception as e:  # noqa: BLE001
        log("stale directories not removed: %r" % (e,))


def _remove_stale_directories(limit):
    if not os.path.isdir("/proc/self"):
        return
    temp = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(temp) if n.startswith(DIRECTORY_PREFIX)][:limit]
    except OSError:
        return
    deadline = time.monotonic() + STALE_REMOVAL_SECONDS
    for name in names:
        left = deadline - time.monotonic()
        if left <= 0:
            log("stale directories left for a later start")
            return
        try:
            pid = int(name.split("-")[2])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or os.path.exists("/proc/%d" % pid):
            continue
        path = os.path.join(temp, name)
        try:
            if os.lstat(path).st_uid == os.getuid() and os.path.isdir(path):
                remove_tree(path, STALE_REMOVAL_ENTRIES, left)
        except OSError:
            pass


class Workspace:
    """Created once by the harness process (see the module docstring)."""

    def __init__(self):
        remove_stale_directories()
        self.base = tempfile.mkdtemp(prefix="%s%d-" % (DIRECTORY_PREFIX, os.getpid()))
        self.work_dir = os.path.join(self.base, "work")
        os.mkdir(self.work_dir, 0o700)
        self.output_path = os.path.join(self.base, "fdout")  # the children's fds 1 and 2
        self.job_file = os.path.join(self.base, "job")
        self.ring_area = mmap.mmap(-1, RING_HEADER_BYTES + RING_CAPACITY)
        self.ring_header = ring_header(self.ring_area)
        self.candidate_ruleset = self.zygote_ruleset = -1
        self.confinement = None
        self.abandoned_work_dirs = 0  # working directories given up on (too much to remove)

    def open_channels(self, confinement):
        """The rulesets, job areas and pipes (after the process state exists)."""
        self.confinement = confinement
        self.make_rulesets()
        self.job_area = mmap.mmap(-1, JOB_AREA_BYTES)
        self.split_job_area = mmap.mmap(-1, JOB_AREA_BYTES)  # only the test process maps it on
        # the test process's verdicts: framed records, like the ring's
        self.verdict_read, self.verdict_write = os.pipe()
        os.set_blocking(self.verdict_read, False)
        # result notification pipe: children write CHILD_DONE / CHILD_DRAIN
        self.notify_read, self.notify_write = os.pipe()
        os.set_blocking(self.notify_read, False)

    def make_rulesets(self):
        """Landlock rulesets: the zygote's (also the harness's files: job payloads, the children's
        output file) and, nested inside it, each candidate process's (its working directory)."""
        for fd in (self.candidate_ruleset, self.zygote_ruleset):
            if fd >= 0:
                os.close(fd)
        self.candidate_ruleset = self.zygote_ruleset = -1
        if self.confinement is not None:
            self.candidate_ruleset = self.confinement.ruleset(self.work_dir)
            self.zygote_ruleset = self.confinement.ruleset(self.base, proc=True)

    def handoff(self, command_fd, event_fd):
        """What a new zygote gets."""
        return Handoff(
            command_fd=command_fd,
            event_fd=event_fd,
            notify_fd=self.notify_write,
            verdict_fd=self.verdict_write,
            ring_area=self.ring_area,
            job_area=self.job_area,
            job_file=self.job_file,
            split_job_area=self.split_job_area,
            candidate_ruleset=self.candidate_ruleset,
            zygote_ruleset=self.zygote_ruleset,
            work_dir=self.work_dir,
            harness_pid=os.getpid(),
        )

    def drain_pipes(self):
        """Drops stale notifications and verdicts (of a killed child)."""
        for fd in (self.notify_read, self.verdict_read):
            try:
                while os.read(fd, 65536):
                    pass
            except (BlockingIOError, InterruptedError):
                pass

    def output_tail(self, size=600):
        """The end of what the last child wrote to its fds 1 and 2."""
        try:
            with open(self.output_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                end = f.tell()
                f.seek(max(0, end - size))
                return f.read(size).decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def clean_work_dir(self):
        """Empties the working directory, within a budget; True when it had to be replaced
        (something could not be removed in time: a new directory and rulesets, so the zygote
        must be restarted; the old one goes when the harness process ends)."""
        work_dir = self.work_dir
        try:
            with os.scandir(work_dir) as entries:
                empty = next(entries, None) is None
        except OSError:
            empty = False
        if empty:
            return False
        # the directory itself stays (the Landlock ruleset names its inode); only its contents go
        if remove_contents(work_dir, CLEAN_ENTRIES, CLEAN_SECONDS):
            return False
        log("working directory %s not emptied within budget: using a fresh one" % work_dir)
        self.abandoned_work_dirs += 1
        self.work_dir = tempfile.mkdtemp(prefix="work-", dir=self.base)
        set_child_environment(self.work_dir)
        self.make_rulesets()
        return True

    def close(self):
        if not remove_tree(self.base, CLOSE_ENTRIES, CLOSE_SECONDS):
            log("%s not removed within budget: the next start removes the rest" % self.base)
