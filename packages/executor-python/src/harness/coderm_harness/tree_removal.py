"""Removing directory trees a candidate controlled: iterative (no recursion, whatever the depth),
relative to directory descriptors (no path grows past PATH_MAX), never following a symbolic link,
making unwritable directories writable, and bounded in entries and time. A tree too large for the
budget is left as it is and the call says so; nothing here raises.

Each directory below the root is emptied by moving its subdirectories up to the root under fresh
names and unlinking everything else, so at most three descriptors are open at any time and a
3,000-deep chain costs 3,000 renames."""

import os
import time

OPEN_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
WRITABLE_DIRECTORY = 0o700
TIME_CHECK_EVERY = 256  # entries between two looks at the clock
FRESH_NAME_ATTEMPTS = 64


class RemovalBudget:
    """How much one removal may do: `entries` directory entries, `seconds` of wall time."""

    __slots__ = ("entries", "deadline", "spent")

    def __init__(self, entries, seconds):
        self.entries = entries
        self.deadline = time.monotonic() + seconds
        self.spent = 0

    def spend(self):
        """Counts one entry; False once the budget is used up."""
        self.spent += 1
        if self.spent > self.entries:
            return False
        return self.spent % TIME_CHECK_EVERY or time.monotonic() < self.deadline


class _OutOfBudget(Exception):
    pass


def _open_directory(name, parent_fd):
    """A descriptor on the directory `name` of parent_fd, made writable; None when it is gone or
    is not a directory (a symbolic link, say: then it is unlinked like a file)."""
    try:
        return os.open(name, OPEN_DIRECTORY, dir_fd=parent_fd)
    except FileNotFoundError:
        return None
    except PermissionError:
        pass
    except OSError:
        _unlink(name, parent_fd)
        return None
    try:
        # the entry was a directory an instant ago and nothing else writes here now
        os.chmod(name, WRITABLE_DIRECTORY, dir_fd=parent_fd)
        return os.open(name, OPEN_DIRECTORY, dir_fd=parent_fd)
    except OSError:
        return None


def _unlink(name, parent_fd):
    try:
        os.unlink(name, dir_fd=parent_fd)
    except IsADirectoryError:
        pass
    except OSError:
        pass


class _TreeRemover:
    __slots__ = ("root_fd", "budget", "pending", "counter", "complete")

    def __init__(self, root_fd, budget):
        self.root_fd = root_fd
        self.budget = budget
        self.pending = []  # names, in the root, of directories still to empty and remove
        self.counter = 0
        self.complete = True

    def fresh_name(self, from_fd, name):
        """Moves directory `name` of from_fd into the root under a new name; that name."""
        for _ in range(FRESH_NAME_ATTEMPTS):
            self.counter += 1
            fresh = ".coderm-removing-%d" % self.counter
            try:
                os.rename(name, fresh, src_dir_fd=from_fd, dst_dir_fd=self.root_fd)
                return fresh
            except FileExistsError:
                continue
            except OSError as e:
                if e.errno in (39, 20):  # ENOTEMPTY, ENOTDIR: the name is taken
                    continue
                self.complete = False
                return None
        self.complete = False
        return None

    def empty(self, fd, into_root):
        """Unlinks every non-directory of fd; its directories go to `pending` (moved up to the
        root first unless fd is the root)."""
        try:
            os.fchmod(fd, WRITABLE_DIRECTORY)
        except OSError:
            pass
        with os.scandir(fd) as entries:
            for entry in entries:
                if not self.budget.spend():
                    raise _OutOfBudget()
                try:
                    is_directory = entry.is_dir(follow_symlinks=False)
                except OSError:
                    is_directory = False
                if not is_directory:
                    _unlink(entry.name, fd)
                elif into_root:
                    fresh = self.fresh_name(fd, entry.name)
                    if fresh is not None:
                        self.pending.append(fresh)
                else:
                    self.pending.append(entry.name)

    def run(self):
        self.empty(self.root_fd, False)
        pending = self.pending
        while pending:
            name = pending.pop()
            fd = _open_directory(name, self.root_fd)
            if fd is None:
                continue
            try:
                self.empty(fd, True)
            finally:
                os.close(fd)
            try:
                os.rmdir(name, dir_fd=self.root_fd)
            except FileNotFoundError:
                pass
            except OSError:
                # something appeared meanwhile (or the scan missed an entry): once more
                if not self.budget.spend():
                    raise _OutOfBudget() from None
                pending.insert(0, name)


def remove_contents(path, entries, seconds):
    """Empties directory `path` (which stays) within the budget. True when it is empty now."""
    try:
        os.chmod(path, WRITABLE_DIRECTORY)
    except OSError:
        pass
    try:
        root_fd = os.open(path, OPEN_DIRECTORY)
    except OSError:
        return False
    try:
        remover = _TreeRemover(root_fd, RemovalBudget(entries, seconds))
        try:
            remover.run()
        except _OutOfBudget:
            return False
        except Exception:  # noqa: BLE001 - a removal is never fatal
            return False
        with os.scandir(root_fd) as rest:
            return next(rest, None) is None and remover.complete
    except Exception:  # noqa: BLE001
        return False
    finally:
        os.close(root_fd)


def remove_tree(path, entries, seconds):
    """Removes directory `path` and everything in it within the budget. True when it is gone."""
    if not remove_contents(path, entries, seconds):
        return not os.path.lexists(path)
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True
