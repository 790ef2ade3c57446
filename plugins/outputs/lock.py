"""One build at a time on an output folder and its caches.

A build holds an exclusive ``flock`` on a lock file (``<CACHE_PATH>/build.lock``, or beside the
output folder when there is no cache folder) from before it touches anything until it has
committed or given up.  A second build finds it taken and waits, saying once for whom
("waiting for the build started at 23:41:07 (pid 4242) …"), or, with ``BUILD_WAIT = False``
(``-e BUILD_WAIT=false``), says so in one line and exits non-zero at once.

The kernel releases a ``flock`` when the last descriptor of it is closed, which a process that
dies closes whatever killed it: a lock of a dead build never blocks, and its file (which stays,
holding the pid and start of the last build that took it) is only read for the message.  The
descriptor is not inherited by programs the build runs (Pagefind), and forked workers close their
copy at once, so a worker that outlives its build cannot hold the lock either.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time

LOCK_FILE = "build.lock"
_held: list[int] = []  # the descriptor of the lock this process holds, if any


def _close_in_child() -> None:
    for descriptor in _held:
        try:
            os.close(descriptor)
        except OSError:
            pass
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)


class BuildBusy(Exception):
    """Another build holds the lock and this one was told not to wait; the message is one line."""


class LockUnavailable(Exception):
    """The lock file cannot be made or opened; the message is one line, with the fix."""


def lock_path(cache_path: str | None, final: str) -> str:
    if cache_path:
        return os.path.join(cache_path, LOCK_FILE)
    return os.path.join(os.path.dirname(final), f".{os.path.basename(final)}.lock")


def _holder(descriptor: int) -> str:
    """Who holds the lock, as its file says: "the build started at 23:41:07 (pid 4242)"."""
    for _attempt in range(20):  # it writes its line just after taking the lock
        text = os.pread(descriptor, 200, 0).decode("utf-8", "replace").split()
        if len(text) >= 2 and text[0].isdigit():
            started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(text[1])))
            return f"the build started at {started} (pid {text[0]})"
        time.sleep(0.05)
    return "another build"


class BuildLock:
    """``with BuildLock(path, wait):`` holds the lock for the block (see the module's docstring)."""

    def __init__(self, path: str, wait: bool = True, output: str = "output"):
        self.path = path
        self.wait = wait
        self.output = output
        self.descriptor: int | None = None

    def __enter__(self) -> BuildLock:
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise LockUnavailable(
                f"{self.path}: cannot make the build's lock file ({error.strerror}). "
                f"Fix: make {os.path.dirname(self.path) or '.'} a folder this user can write (or set CACHE_PATH to one)."
            ) from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            if not self.wait:
                os.close(descriptor)
                raise BuildBusy(
                    f"{self.output}/ is being built by {holder}. Fix: build again when it has ended "
                    f"(without BUILD_WAIT=false, a build waits for it)."
                ) from None
            print(f"waiting for {holder} to end ({self.path})", file=sys.stderr, flush=True)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:  # who holds it, for the message of a build that finds it taken
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, f"{os.getpid()} {time.time():.0f}\n".encode(), 0)
        except OSError:  # a full disk: the build says so itself when it writes
            pass
        self.descriptor = descriptor
        _held.append(descriptor)
        return self

    def __exit__(self, *exc) -> None:
        if self.descriptor is None:
            return
        _held.remove(self.descriptor)
        os.close(self.descriptor)  # releases the lock
        self.descriptor = None
