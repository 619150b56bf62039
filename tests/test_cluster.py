"""Files read on a Dask cluster (`archive index --scheduler`): a LocalCluster of two worker
processes on this machine stands for one; what is indexed must be what a local run indexes."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS
from test_hostile import EXPECTED_FAILURES, PDF, hostile  # noqa: F401 - the fixture

from archive import manifest
from archive.store import Archive
from cli import main
from indexer import pipeline
from indexer.cluster import BATCH, Cluster, ClusterError, _batches
from indexer.errors import ExtractionError
from indexer.pipeline import Interrupted, index_paths
from indexer.workers import CRASHED, stop_children


@pytest.fixture(scope="module")
def dask_cluster():
    """The scheduler's address; the cluster is the test process's scheduler and two worker
    processes (started by a nanny each, as `dask worker` starts them), one thread each."""
    pytest.importorskip("distributed", reason="needs Dask: pip install '.[cluster]'")
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    client = Client(cluster, set_as_default=False)
    try:
        yield cluster.scheduler_address, client
    finally:
        client.close()
        cluster.close()


def contents(index: Path) -> tuple[list, dict]:
    """Every page's stored fields, and every field's terms."""
    archive = Archive.open(index)
    try:
        with archive.searcher() as searcher:
            reader = searcher.reader()
            stored = sorted((tuple(sorted(f.items())) for f in reader.all_stored_fields()), key=str)
            terms = {field: list(reader.lexicon(field)) for field in reader.indexed_field_names()}
    finally:
        archive.close()
    return stored, terms


def pdfs(tmp_path: Path, *names: str) -> Path:
    """A folder of copies of one PDF under NAMES."""
    folder = tmp_path / "f"
    folder.mkdir()
    for name in names:
        shutil.copy(PDF, folder / name)
    return folder


def reasons(report) -> dict[str, str]:
    return {Path(f.path).name: f.reason for f in report.failures}


@pytest.mark.slow
@pytest.mark.parametrize("ship", [False, True], ids=["shared-paths", "ship-files"])
def test_the_corpus_read_on_the_cluster_is_indexed_as_locally(dask_cluster, tmp_path, ship):
    address, _ = dask_cluster
    local = index_paths([CORPUS], tmp_path / "local", jobs=2)
    report = index_paths([CORPUS], tmp_path / "dask", cluster=Cluster(address, ship))
    assert (report.added, report.pages, report.failures) == (local.added, local.pages, [])
    assert contents(tmp_path / "dask") == contents(tmp_path / "local")
    assert manifest.load(tmp_path / "dask").keys() == manifest.load(tmp_path / "local").keys()


@pytest.mark.slow
@pytest.mark.parametrize("ship", [False, True], ids=["shared-paths", "ship-files"])
def test_hostile_files_fail_on_the_cluster_as_locally(dask_cluster, hostile, tmp_path, ship):  # noqa: F811
    address, _ = dask_cluster
    local = index_paths([hostile], tmp_path / "local", jobs=2)
    report = index_paths([hostile], tmp_path / "dask", cluster=Cluster(address, ship))
    assert reasons(report) == reasons(local)  # said of the files' own paths, shipped or not
    assert set(EXPECTED_FAILURES) <= set(reasons(report))
    assert sorted(report.partial) == sorted(local.partial)
    assert contents(tmp_path / "dask") == contents(tmp_path / "local")


# What the workers do, changed in their processes (they were started before these tests, so no
# monkeypatch of this process reaches them): the readers they keep are forked from them again
# after the change (see the `workers` fixture), and so read with it.
def _misbehave() -> None:
    real = pipeline.build_document

    def build_document(path, *args):
        if path.name == "slow.pdf":
            time.sleep(30)
        elif path.name == "big.pdf":
            bytearray(2**31)  # more than any limit a test sets
        elif path.name == "crash.pdf":
            os.kill(os.getpid(), signal.SIGKILL)
        elif path.name.startswith("sleepy"):
            time.sleep(0.5)
        elif path.name == "deadly.pdf":  # its reader kills the worker it was forked from
            os.kill(os.getppid(), signal.SIGKILL)
        return real(path, *args)

    build_document.real = real
    pipeline.build_document = build_document


def _refuse_paths_under(folder: str) -> None:
    """A worker that cannot see FOLDER, as one on another machine would not."""
    real = pipeline.build_document

    def build_document(path, *args):
        if str(path).startswith(folder):
            raise ExtractionError(path, "not on this worker")
        return real(path, *args)

    build_document.real = real
    pipeline.build_document = build_document


def _behave() -> None:
    pipeline.build_document = getattr(pipeline.build_document, "real", pipeline.build_document)


@pytest.fixture
def workers(dask_cluster):
    """Runs a function in each worker process; what it changed is put back after the test."""
    _, client = dask_cluster

    def run(function, *args):
        client.run(function, *args)
        client.run(stop_children)  # the readers are forked again, from the changed process

    yield run
    run(_behave)


@pytest.mark.slow
def test_the_time_and_memory_limits_hold_on_the_workers(dask_cluster, workers, tmp_path):
    address, _ = dask_cluster
    folder = pdfs(tmp_path, "slow.pdf", "big.pdf", "crash.pdf", "fine.pdf")
    workers(_misbehave)
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "idx"), "index", "--timeout",
                                       "2", "--memory", "256", "--scheduler", address,
                                       str(folder)])
    assert result.exit_code == 3, result.output
    assert sorted(line for line in result.stderr.splitlines() if line.startswith("archive:")) == [
        f"archive: {folder / 'big.pdf'}: needed more than the memory limit",
        f"archive: {folder / 'crash.pdf'}: {CRASHED}",
        f"archive: {folder / 'slow.pdf'}: took longer than the time limit",
    ]
    assert [Path(p).name for p, r in manifest.load(tmp_path / "idx").items()
            if r.error is None] == ["fine.pdf"]


@pytest.mark.slow
def test_workers_that_cannot_see_the_files_are_sent_them(dask_cluster, workers, tmp_path):
    address, _ = dask_cluster
    folder = pdfs(tmp_path, "a.pdf", "b.pdf")
    workers(_refuse_paths_under, str(folder))
    unseen = index_paths([folder], tmp_path / "unseen", cluster=Cluster(address))
    assert reasons(unseen) == {"a.pdf": "not on this worker", "b.pdf": "not on this worker"}
    sent = index_paths([folder], tmp_path / "sent", cluster=Cluster(address, ship_files=True))
    assert (sent.added, sent.failures) == (2, [])
    assert {dict(page)["path"] for page in contents(tmp_path / "sent")[0]} == {
        str(folder / "a.pdf"), str(folder / "b.pdf")}


@pytest.mark.slow
def test_ctrl_c_commits_what_came_back_and_the_next_run_carries_on(dask_cluster, workers,
                                                                  tmp_path):
    address, _ = dask_cluster
    folder = pdfs(tmp_path, *(f"sleepy{n}.pdf" for n in range(6)))
    workers(_misbehave)

    def interrupt_after_two(progress):
        if progress.done == 2:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(Interrupted) as info:
        index_paths([folder], tmp_path / "idx", cluster=Cluster(address),
                    on_progress=interrupt_after_two)
    assert (info.value.done, info.value.total) == (2, 6)
    assert len(manifest.load(tmp_path / "idx")) == 2
    report = index_paths([folder], tmp_path / "idx", cluster=Cluster(address))
    assert (report.added, report.unchanged, report.failures) == (4, 2, [])


@pytest.mark.slow
def test_a_worker_killed_mid_run_has_its_files_read_by_another(dask_cluster, workers, tmp_path):
    address, client = dask_cluster
    folder = pdfs(tmp_path, *(f"sleepy{n}.pdf" for n in range(8)))
    workers(_misbehave)
    pids = client.run(os.getpid)
    killed = []

    def kill_one(progress):
        if not killed:
            victim = min(pids.values())
            os.kill(victim, signal.SIGKILL)  # its nanny starts another
            killed.append(victim)

    report = index_paths([folder], tmp_path / "dask", cluster=Cluster(address),
                         on_progress=kill_one)
    assert killed and (report.added, report.failures) == (8, [])
    index_paths([folder], tmp_path / "local", jobs=2)
    assert contents(tmp_path / "dask") == contents(tmp_path / "local")
    client.wait_for_workers(2, timeout=60)  # the other tests' cluster as it was


@pytest.mark.slow
def test_a_file_that_kills_every_worker_is_reported_and_its_batch_read(dask_cluster,
                                                                       tmp_path):
    from distributed.diagnostics.plugin import WorkerPlugin

    class Misbehaving(WorkerPlugin):
        """`_misbehave` in every worker, those the nannies start again too."""

        name = "misbehaving"

        def setup(self, worker):
            _misbehave()
            stop_children()

        def teardown(self, worker):
            _behave()
            stop_children()

    address, client = dask_cluster
    folder = pdfs(tmp_path, "deadly.pdf", "fine1.pdf", "fine2.pdf")
    client.register_plugin(Misbehaving())
    try:
        report = index_paths([folder], tmp_path / "idx", cluster=Cluster(address))
    finally:
        client.unregister_worker_plugin(Misbehaving.name)
        client.wait_for_workers(2, timeout=60)  # the other tests' cluster as it was
    assert reasons(report) == {"deadly.pdf": "every Dask worker that read it died"}
    assert report.added == 2


def test_files_go_to_the_cluster_in_batches_that_every_thread_shares():
    sizes = [len(batch) for batch in _batches(range(20), threads=2)]
    assert sizes == [BATCH, BATCH, 2, 2]
    assert [len(batch) for batch in _batches(range(5), threads=2)] == [3, 2]
    assert [b for batch in _batches(range(20), threads=3) for b in batch] == list(range(20))


def test_without_dask_the_flag_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what importing it meets without it
    monkeypatch.setitem(sys.modules, "distributed.comm", None)
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "idx"), "index", "--scheduler",
                                       "tcp://127.0.0.1:8786", str(CORPUS)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == ("archive: --scheduler needs Dask, which is not installed: "
                             "pip install '.[cluster]' (Dask's distributed scheduler client)\n")


def test_the_scheduler_comes_from_the_environment_too(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_SCHEDULER", "not-an-address")
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "idx"), "index", str(CORPUS)])
    if "needs Dask" in result.stderr:
        pytest.skip("needs Dask: pip install '.[cluster]'")
    assert result.exit_code == 1
    assert result.stderr.startswith("archive: not-an-address: not a Dask scheduler's address")


def test_ship_files_needs_a_scheduler(tmp_path):
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "idx"), "index", "--ship-files",
                                       str(CORPUS)])
    assert result.exit_code == 2 and "needs --scheduler" in result.stderr


def test_a_lost_cluster_is_one_line_and_what_came_back_is_committed(tmp_path, monkeypatch):
    folder = pdfs(tmp_path, *(f"talk{n}.pdf" for n in range(4)))
    real = pipeline._Readers.outcomes

    def two_then_lost(readers, tasks):
        outcomes = real(readers, tasks)
        yield next(outcomes)
        yield next(outcomes)
        raise ClusterError("tcp://127.0.0.1:8786: FutureCancelledError: lost the scheduler")

    monkeypatch.setattr(pipeline._Readers, "outcomes", two_then_lost)
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "idx"), "index", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "archive: tcp://127.0.0.1:8786: FutureCancelledError: lost the scheduler; 2 of 4 files "
        "committed: run again to carry on"]
    assert len(manifest.load(tmp_path / "idx")) == 2
    monkeypatch.undo()
    report = index_paths([folder], tmp_path / "idx")
    assert (report.added, report.unchanged) == (2, 2)
