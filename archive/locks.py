"""Locks on files: POSIX record locks (lockf), which belong to a process. They go with it
however it ends, and the worker processes it forks while it holds one do not inherit it, so a
run killed with its workers still running leaves no stale lock behind."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from pathlib import Path

from archive.errors import ArchiveError


def open_lock_file(path: Path) -> int:
    """The lock file at PATH opened for writing, never through a symbolic link (an index under
    /tmp must not let another user point it at a file of the user's), and never truncated."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ArchiveError(f"{path}: a symbolic link where the lock file belongs; "
                               f"remove it") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ArchiveError(f"{path}: not a regular file, where the lock file belongs; remove it")
    return fd


def lock(fd: int, wait: bool) -> bool:
    """Whether this process now holds the lock of the file open as FD: at once, or with WAIT
    once the process that holds it lets it go."""
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES):
            raise
        return False
    return True


def unlock(fd: int) -> None:
    fcntl.lockf(fd, fcntl.LOCK_UN)


def held_elsewhere(path: Path) -> bool:
    """Whether another process holds the lock on PATH. (Not this one: a process's own locks
    never block it, and closing any of its descriptors of the file releases them.)"""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return not lock(fd, wait=False)
    finally:
        os.close(fd)  # which releases the lock, if it took it
