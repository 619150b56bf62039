"""Files read on a Dask cluster instead of the local worker processes: the outcomes come back to
the one local writer as theirs do. The only module that imports Dask, and only when asked to.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice

from indexer.errors import IndexerError
from indexer.extract import one_line
from indexer.workers import IN_FLIGHT_BYTES, IN_FLIGHT_PER_JOB

INSTALL = "pip install '.[cluster]' (Dask's distributed scheduler client)"
CONNECT_SECONDS = 30  # to reach the scheduler, and for it to name a worker


@dataclass(frozen=True, slots=True)
class Cluster:
    scheduler: str  # the Dask scheduler's address, tcp://HOST:PORT
    # Send each file's bytes to the workers, for workers that do not see the files at their
    # paths; without it the workers read them where the paths say.
    ship_files: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


class DaskUnavailable(IndexerError):
    """Dask's distributed package is not installed: `str()` says how to add it."""


class ClusterError(IndexerError):
    """The cluster cannot be reached or stopped answering: the run stops, committing what came
    back (unlike a file's failure, which is recorded and not read again)."""


def check_cluster(address: str) -> None:
    """DaskUnavailable unless Dask's distributed package can be imported; ClusterError unless
    ADDRESS is a scheduler's address. Asked before a run starts, so that no file fails for it
    and no plan is made in vain."""
    try:
        from distributed.comm import get_address_host_port
    except ImportError as exc:
        raise DaskUnavailable(f"--scheduler needs Dask, which is not installed: {INSTALL}") from exc
    try:
        # Asked before a Client is made: one given a bad address hangs the process's exit.
        get_address_host_port(address)
    except ValueError as exc:
        raise ClusterError(f"{address}: not a Dask scheduler's address ({exc})") from exc


def run_on_cluster(
    work: Callable, tasks: Iterable, address: str, failed: Callable,
    size: Callable = lambda task: 0, prepare: Callable | None = None,
) -> Iterator:
    """WORK(task) for each task on the Dask cluster whose scheduler is at ADDRESS, yielded as
    they finish (not in order: a slow file must not hold back the many behind it). WORK runs in
    a worker's thread and must never raise (`indexer.workers.run_forked` keeps a file's faults
    and limits in a process of its own). Tasks go to the cluster a few at a time (`BATCH`). A
    batch whose worker dies is tried again on another, as Dask does, then each of its tasks
    alone, one at a time; FAILED(task, reason) makes the result of one that killed every
    worker it was tried on. PREPARE(), when given, runs once in each worker process before its
    first task. What is in flight is bounded as `run_isolated` bounds it, per worker thread. ClusterError
    when the cluster cannot be reached or is lost."""
    check_cluster(address)
    from distributed import Client, as_completed
    from distributed.scheduler import KilledWorker

    if not logging.getLogger().isEnabledFor(logging.DEBUG):  # -vv shows them
        _quiet_dask()

    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except OSError as exc:  # refused or timed out: Dask tries again until its time is up
        raise ClusterError(f"{address}: cannot reach the Dask scheduler within "
                           f"{CONNECT_SECONDS} s") from exc
    in_flight: dict = {}  # future -> its batch of tasks
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError as exc:
            raise ClusterError(f"{address}: the Dask scheduler has no workers") from exc
        threads = sum(client.nthreads().values())
        done = as_completed(loop=client.loop)

        # The files of a batch whose workers died are tried again one at a time: Dask counts a
        # death against every task the worker held, so the file that killed it and those beside
        # it would otherwise all be reported.
        suspects: deque = deque()
        trying = None  # the future of the one being tried

        def submit(batch: list):
            future = client.submit(_on_worker, work, batch, prepare, pure=False)
            in_flight[future] = batch
            done.add(future)
            return future

        def full() -> bool:
            files = sum(len(batch) for batch in in_flight.values())
            return files >= threads * IN_FLIGHT_PER_JOB or (
                files > threads
                and sum(size(t) for batch in in_flight.values() for t in batch) > IN_FLIGHT_BYTES)

        def collect() -> list:
            nonlocal trying
            future = next(done)
            batch = in_flight.pop(future)
            alone = future is trying
            if alone:
                trying = None
            try:
                return future.result()
            except KilledWorker:
                if alone:
                    return [failed(batch[0], "every Dask worker that read it died")]
                suspects.extend(batch)
                return []
            except Exception as exc:  # the scheduler lost, or the workers without the archive
                raise ClusterError(f"{address}: {type(exc).__name__}: {one_line(exc)}") from exc
            finally:
                future.release()
                if suspects and trying is None:
                    trying = submit([suspects.popleft()])

        for batch in _batches(tasks, threads):
            submit(batch)
            while full():
                yield from collect()
        while in_flight:
            yield from collect()
    finally:
        if in_flight:  # stopped early (Ctrl-C, an error): nothing more to read
            client.cancel(list(in_flight))
        client.close()


def _quiet_dask() -> None:
    """Dask's client logs each connection it loses, with a traceback, and that it gave up: the
    run says in one line what was lost. Its loggers' levels are set by its import, each."""
    for name, each in logging.Logger.manager.loggerDict.items():
        if name.split(".")[0] == "distributed" and isinstance(each, logging.Logger):
            each.setLevel(logging.CRITICAL)


# Files a task: each Dask task cost the writer, the scheduler's client, 9 ms of its core (the
# scheduler and the worker more), a fifth of what a worker takes to read a file of 18 pages.
BATCH = 8


def _batches(tasks: Iterable, threads: int) -> Iterator[list]:
    """TASKS in batches of up to BATCH, as many batches as THREADS from what is at hand, so
    that a few files left (or a small run) are still read by every thread."""
    pending = iter(tasks)
    while chunk := list(islice(pending, threads * BATCH)):
        each = -(-len(chunk) // threads)
        for start in range(0, len(chunk), each):
            yield chunk[start:start + each]


_prepared: set = set()
_preparing = threading.Lock()


def _on_worker(work: Callable, batch: list, prepare: Callable | None) -> list:
    if prepare is not None:
        with _preparing:
            if prepare not in _prepared:
                prepare()
                _prepared.add(prepare)
    return [work(task) for task in batch]
