"""Confinement of the harness's children: Landlock (files, TCP, signals, ptrace) and a seccomp
filter (sockets, ptrace, io_uring, foreign syscall ABIs). Unprivileged, and inherited by
everything a confined process starts."""

import os
import struct
import sys

# Syscall numbers per machine: the audit arch; socket, ptrace, process_vm_readv,
# process_vm_writev, io_uring_setup, bpf; whether x32 syscalls exist; and, for candidate
# processes, setpgid and setsid (nothing they start leaves the process group that the harness
# process kills after each request). The Landlock syscalls are 444-446 everywhere.
SECCOMP_MACHINES = {
    "x86_64": (0xC000003E, (41, 101, 310, 311, 425, 321), True, (109, 112)),
    "aarch64": (0xC00000B7, (198, 117, 270, 271, 425, 280), False, (154, 157)),
}
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

# Landlock file-system access rights
ACCESS_EXECUTE = 1
ACCESS_WRITE_FILE = 2
ACCESS_READ_FILE = 4
ACCESS_READ_DIR = 8
ACCESS_ALL_ABI1 = (1 << 13) - 1  # EXECUTE .. MAKE_SYM
ACCESS_REFER = 1 << 13  # ABI 2
ACCESS_TRUNCATE = 1 << 14  # ABI 3
ACCESS_IOCTL_DEV = 1 << 15  # ABI 5
READ_DIRECTORY = ACCESS_EXECUTE | ACCESS_READ_FILE | ACCESS_READ_DIR
READ_FILE = ACCESS_EXECUTE | ACCESS_READ_FILE
READ_WRITE_DEVICE = ACCESS_READ_FILE | ACCESS_WRITE_FILE
NET_BIND_AND_CONNECT_TCP = 3  # ABI 4
SCOPE_ABSTRACT_UNIX_AND_SIGNALS = 3  # ABI 6

# classic BPF
BPF_LOAD_WORD_ABS = 0x20
BPF_JUMP_EQUAL = 0x15
BPF_JUMP_GREATER_EQUAL = 0x35
BPF_RETURN = 0x06
SECCOMP_DATA_NR = 0
SECCOMP_DATA_ARCH = 4
X32_SYSCALL_BIT = 0x40000000
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO_EPERM = 0x00050000 | 1

SYSTEM_DIRECTORIES = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/dev/urandom", "/dev/random", "/dev/zero")
# the directory or archive the harness runs from: never readable by candidates
HARNESS_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Confinement:
    """Built once in the harness process; `apply` runs in the zygote and `nest` in each candidate
    process, before any candidate code."""

    def __init__(self):
        import ctypes

        self.ctypes = ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.libc.syscall.restype = ctypes.c_long
        try:
            abi = self.libc.syscall(
                ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
                None,
                ctypes.c_size_t(0),
                ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION),
            )
        except Exception:
            abi = -1
        self.landlock = abi if abi > 0 else 0
        machine = os.uname().machine
        self.filter = None
        self.group_filter = None
        if machine in SECCOMP_MACHINES:
            arch, denied, x32, group_denied = SECCOMP_MACHINES[machine]
            self.filter = self._seccomp_program(arch, denied, x32)
            self.group_filter = self._seccomp_program(arch, group_denied, x32)
        access = ACCESS_ALL_ABI1
        if self.landlock >= 2:
            access |= ACCESS_REFER
        if self.landlock >= 3:
            access |= ACCESS_TRUNCATE
        if self.landlock >= 5:
            access |= ACCESS_IOCTL_DEV
        self.fs = access
        directories = list(SYSTEM_DIRECTORIES) + [
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            os.path.dirname(os.path.realpath(sys.executable)),
        ]
        directories += [p for p in sys.path[1:] if p and os.path.abspath(p) != HARNESS_ROOT]
        self.read_dirs = sorted({os.path.realpath(p) for p in directories if os.path.isdir(p)})
        self.read_files = [p for p in SYSTEM_FILES if os.path.exists(p)]
        self.prctl = self.libc.prctl
        self.prctl.argtypes = (
            ctypes.c_int,
            ctypes.c_ulong,
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_ulong,
        )
        self.syscall = self.libc.syscall
        self._keep = []
        self.fprog = self._sock_fprog(self.filter)
        self.group_fprog = self._sock_fprog(self.group_filter)

    def _sock_fprog(self, program):
        """Address of a struct sock_fprog for `program` (kept alive with this object)."""
        if program is None:
            return None
        ctypes = self.ctypes
        raw, count = program
        buffer = ctypes.create_string_buffer(raw, len(raw))
        fprog = ctypes.create_string_buffer(
            struct.pack("=HxxxxxxQ", count, ctypes.addressof(buffer)), 16
        )
        self._keep += (buffer, fprog)
        return ctypes.addressof(fprog)

    @property
    def features(self):
        out = []
        if self.landlock:
            out.append("landlock-v%d" % self.landlock)
        if self.filter is not None:
            out.append("seccomp")
        return out

    def _seccomp_program(self, arch, denied, x32):
        # (code, jump if true, jump if false, k); None jumps to the final "deny"
        instructions = [(BPF_LOAD_WORD_ABS, 0, 0, SECCOMP_DATA_ARCH)]
        instructions.append((BPF_JUMP_EQUAL, 0, None, arch))
        instructions.append((BPF_LOAD_WORD_ABS, 0, 0, SECCOMP_DATA_NR))
        if x32:
            instructions.append((BPF_JUMP_GREATER_EQUAL, None, 0, X32_SYSCALL_BIT))
        for number in denied:
            instructions.append((BPF_JUMP_EQUAL, None, 0, number))
        instructions.append((BPF_RETURN, 0, 0, SECCOMP_RET_ALLOW))
        deny = len(instructions)
        instructions.append((BPF_RETURN, 0, 0, SECCOMP_RET_ERRNO_EPERM))
        raw = b"".join(
            struct.pack(
                "=HBBI",
                code,
                deny - i - 1 if if_true is None else if_true,
                deny - i - 1 if if_false is None else if_false,
                k,
            )
            for i, (code, if_true, if_false, k) in enumerate(instructions)
        )
        return raw, len(instructions)

    def _rule(self, ruleset, path, access, ctypes):
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return
        try:
            attr = struct.pack("=Qi", access, fd)
            if (
                self.libc.syscall(
                    ctypes.c_long(SYS_LANDLOCK_ADD_RULE),
                    ctypes.c_int(ruleset),
                    ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                    ctypes.c_char_p(attr),
                    ctypes.c_uint32(0),
                )
                != 0
            ):
                raise OSError(ctypes.get_errno(), "landlock_add_rule %s" % path)
        finally:
            os.close(fd)

    def ruleset(self, work_dir, proc=False):
        """A Landlock ruleset fd allowing the system, the interpreter and read-write access to
        work_dir (built once per harness process), and /proc when `proc` (not for candidates:
        Landlock does not hide other processes' environ there), or -1."""
        if not self.landlock:
            return -1
        ctypes = self.ctypes
        libc = self.libc
        net = NET_BIND_AND_CONNECT_TCP if self.landlock >= 4 else 0
        scoped = SCOPE_ABSTRACT_UNIX_AND_SIGNALS if self.landlock >= 6 else 0
        attr = struct.pack("=QQQ", self.fs, net, scoped)
        size = 24 if self.landlock >= 6 else (16 if self.landlock >= 4 else 8)
        ruleset = libc.syscall(
            ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
            ctypes.c_char_p(attr[:size]),
            ctypes.c_size_t(size),
            ctypes.c_uint32(0),
        )
        if ruleset < 0:
            raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
        try:
            for p in self.read_dirs:
                self._rule(ruleset, p, READ_DIRECTORY, ctypes)
            for p in self.read_files:
                self._rule(ruleset, p, READ_FILE, ctypes)
            self._rule(ruleset, "/dev/null", READ_WRITE_DEVICE, ctypes)
            if proc:
                self._rule(ruleset, "/proc", READ_DIRECTORY, ctypes)
            self._rule(ruleset, work_dir, self.fs, ctypes)
        except BaseException:
            os.close(ruleset)
            raise
        return ruleset

    def nest(self, ruleset):
        """What a candidate process adds to the zygote's confinement: a Landlock layer of its own
        (the zygote, the test server and the harness's files are then out of its reach) and a
        filter that keeps it and its descendants in its process group."""
        if ruleset >= 0 and self.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            raise OSError(self.ctypes.get_errno(), "landlock_restrict_self")
        if (
            self.group_fprog is not None
            and self.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, self.group_fprog, 0, 0) != 0
        ):
            raise OSError(self.ctypes.get_errno(), "seccomp filter")

    def apply(self, ruleset):
        """Confines the calling process (ruleset: a fd, or -1). Raises OSError on failure."""
        if self.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(self.ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
        if ruleset >= 0 and self.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            raise OSError(self.ctypes.get_errno(), "landlock_restrict_self")
        if (
            self.fprog is not None
            and self.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, self.fprog, 0, 0) != 0
        ):
            raise OSError(self.ctypes.get_errno(), "seccomp filter")
