"""Worker processes that read files in isolation: each file within a time and a memory limit,
and a file that kills its worker (a library's segfault, the kernel's out-of-memory killer) is
reported and the run goes on with a new worker.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

# Files handed to each worker ahead of the writer. Enough to keep the workers busy while the
# writer commits a batch (several seconds); a file's outcome is tens of kilobytes, so a hundred
# in flight cost a few megabytes.
IN_FLIGHT_PER_JOB = 48
# And at most this many bytes of files (a text-heavy PDF's text, analysed, can take several
# times its size in memory), beyond one file per worker.
IN_FLIGHT_BYTES = 64 * 2**20


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: int = 60  # per file
    # per file when its pictures are read too (`--ocr`): Tesseract takes 1-2 s a picture
    ocr_seconds: int = 900
    memory_mb: int = 1024  # per file, on top of what the worker holds before it starts


class FileTooSlow(BaseException):
    """The file's time is up. Not an Exception, so that no reader's `except Exception` (one
    bad page must not lose the others) can take it for a bad page: it ends the file."""


def _on_alarm(signum, frame):
    raise FileTooSlow


# Workers yield the cores to the main process, the one writer: it is the run's critical path,
# and given a core whenever it has work it keeps up with them instead of draining their
# results alone at the end.
WORKER_NICENESS = 5


def _init_worker(limits: Limits, parent: int) -> None:
    # Forked while the writer had paused its garbage collector: a worker needs its own, since
    # a PDF's objects refer to each other (every page to its reader) and are freed only by it.
    gc.enable()
    _die_with(parent)
    os.nice(WORKER_NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGALRM, _on_alarm)
    with open("/proc/self/statm") as fh:  # Linux: the address space already mapped
        mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = mapped + limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent: int) -> None:
    """A main process killed outright (SIGKILL, the out-of-memory killer) leaves its workers
    waiting for tasks forever; on Linux the kernel can end them with it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: nothing to ask
        return
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)


CRASHED = "the process reading it crashed (out of memory or a library fault)"


def given_up(seconds: int) -> str:
    return f"stopped answering for {seconds} s and was given up"


def _limited(work: Callable, task, seconds: int):
    signal.alarm(seconds)
    try:
        return work(task)
    finally:
        signal.alarm(0)


def run_isolated(
    work: Callable, tasks: Iterable, jobs: int, limits: Limits, failed: Callable,
    size: Callable = lambda task: 0,
) -> Iterator:
    """WORK(task) for each task, in order, in worker processes. FAILED(task, reason) makes the
    result of a task whose worker died or stopped answering. SIZE(task), in bytes, bounds what is
    in flight beyond one task per job (IN_FLIGHT_BYTES), since results wait in memory."""
    pool = _Pool(work, jobs, limits)
    in_flight: deque = deque()

    def full() -> bool:
        return len(in_flight) >= jobs * IN_FLIGHT_PER_JOB or (
            len(in_flight) > jobs and sum(size(t) for t, _ in in_flight) > IN_FLIGHT_BYTES)

    try:
        for task in tasks:
            in_flight.append((task, pool.submit(task)))
            while full():
                yield _next(pool, in_flight, limits, failed)
        while in_flight:
            yield _next(pool, in_flight, limits, failed)
    finally:
        pool.shutdown()


def _next(pool: _Pool, in_flight: deque, limits: Limits, failed: Callable):
    task, future = in_flight.popleft()
    # Workers take tasks in order, so the oldest task in flight is running or done: it answers
    # within its own limit unless its worker ignores the alarm (stuck in a library's C code).
    patience = limits.seconds * 2 + 30
    try:
        return future.result(timeout=patience)
    except BrokenProcessPool:
        # Some file in flight killed its worker; try each again alone to find which.
        waiting = [task] + [t for t, _ in in_flight]
        in_flight.clear()
        pool.restart()
        first = _alone(pool, task, limits, failed)
        for other in waiting[1:]:
            in_flight.append((other, pool.submit(other)))
        return first
    except FutureTimeout:
        pool.restart(kill=True)
        waiting = [t for t, _ in in_flight]
        in_flight.clear()
        for other in waiting:
            in_flight.append((other, pool.submit(other)))
        return failed(task, given_up(patience))


def _alone(pool: _Pool, task, limits: Limits, failed: Callable):
    try:
        return pool.submit(task).result(timeout=limits.seconds + 30)
    except BrokenProcessPool:
        pool.restart()
        return failed(task, CRASHED)
    except FutureTimeout:
        pool.restart(kill=True)
        return failed(task, given_up(limits.seconds + 30))


class _Pool:
    def __init__(self, work: Callable, jobs: int, limits: Limits):
        self.work, self.jobs, self.limits = work, jobs, limits
        self.context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self._start()

    def _start(self) -> None:
        self.executor = ProcessPoolExecutor(
            self.jobs, mp_context=self.context, initializer=_init_worker,
            initargs=(self.limits, os.getpid()),
        )

    def submit(self, task):
        return self.executor.submit(_limited, self.work, task, self.limits.seconds)

    def restart(self, kill: bool = False) -> None:
        if kill:
            for process in list(getattr(self.executor, "_processes", {}).values()):
                process.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)
        self._start()

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def run_forked(work: Callable, task, limits: Limits, failed: Callable):
    """WORK(task) in a child process of this thread's, within LIMITS as in `run_isolated`'s
    workers: for a process that cannot hold a pool of its own, such as a Dask worker (a
    nanny's daemonic process, which multiprocessing allows no children; nor may its threads
    set an alarm or limit the memory of the whole worker). The child is forked on the first
    task and reads the next ones too, its caches warm (a child a file took 4-5 times as long);
    FAILED(task, reason) makes the result when it dies or stops answering, and the next task
    gets a new one."""
    thread = threading.get_ident()
    child = _children.get(thread)
    if child is None or (child.work, child.limits) != (work, limits):
        if child is not None:
            child.stop()
        child = _children[thread] = _Child(thread, work, limits)
    return child.run(task, failed)


def stop_children() -> None:
    """Every child `run_forked` keeps stopped, so that the next task forks one from the process
    as it is now (after a change made to it, say); only while none of them is reading."""
    for child in list(_children.values()):
        child.stop()


_children: dict[int, _Child] = {}  # by the thread that forked it
_forking = threading.Lock()
_LENGTH = 8  # bytes of the length that precedes each pickle sent between parent and child


class _Child:
    def __init__(self, thread: int, work: Callable, limits: Limits):
        self.thread, self.work, self.limits = thread, work, limits
        parent = os.getpid()
        # One fork at a time, so that no other thread's child holds this one's ends of the
        # pipes open (its death would then go unseen until its time ran out).
        with _forking:
            to_child, self._to_child = os.pipe()
            self._from_child, from_child = os.pipe()
            self.pid = os.fork()
            if self.pid != 0:
                os.close(to_child)
                os.close(from_child)
        if self.pid == 0:  # the child: tasks in, results out, until the parent closes its end
            code = 1
            try:
                for other in [self, *_children.values()]:
                    os.close(other._to_child)
                    os.close(other._from_child)
                _init_worker(limits, parent)
                while (task := _receive(to_child)) is not None:
                    _send(from_child, _limited(work, task, limits.seconds))
                code = 0
            finally:
                os._exit(code)  # without the clean-up of the parent's objects it was forked with

    def run(self, task, failed: Callable):
        patience = self.limits.seconds + 30
        try:
            _send(self._to_child, task)
            answer = _receive(self._from_child, time.monotonic() + patience)
        except BrokenPipeError:  # it died before it read the task
            answer = None
        except TimeoutError:
            self.stop()
            return failed(task, given_up(patience))
        if answer is None:
            self.stop()
            return failed(task, CRASHED)
        return answer

    def stop(self) -> None:
        os.close(self._to_child)
        os.close(self._from_child)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        if _children.get(self.thread) is self:
            del _children[self.thread]


def _send(fd: int, value) -> None:
    data = pickle.dumps(value)
    os.write(fd, len(data).to_bytes(_LENGTH, "little"))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int, deadline: float | None = None):
    """The next value sent down FD; None at its end. TimeoutError after DEADLINE."""
    head = _read(fd, _LENGTH, deadline)
    if head is None:
        return None
    data = _read(fd, int.from_bytes(head, "little"), deadline)
    return None if data is None else pickle.loads(data)


def _read(fd: int, size: int, deadline: float | None) -> bytes | None:
    chunks, wanted = [], size
    while wanted:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(wanted, 2**20))
        if not chunk:
            return None
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)
