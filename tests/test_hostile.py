"""Hostile files and hard stops: never crash, never hang, never lose the index."""

import gc
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, make_pptx, rewrite_zip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import manifest
from archive.errors import ArchiveError
from archive.query import search
from archive.store import Archive
from indexer.errors import ExtractionError
from indexer.extract import extract, ppt
from indexer.pipeline import index_paths
from indexer.workers import (
    CRASHED,
    IN_FLIGHT_BYTES,
    IN_FLIGHT_PER_JOB,
    WORKER_NICENESS,
    FileTooSlow,
    Limits,
    run_forked,
    run_isolated,
    stop_children,
)

PDF = CORPUS / "16_Cacka_Rotko_centrs.pdf"  # 12 pages


def encrypted_pdf(target: Path, user_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(PDF))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    with target.open("wb") as fh:
        writer.write(fh)
    return target


def nested_pdf(target: Path, depth: int = 20000) -> Path:
    """A one-page PDF whose page holds an array nested DEPTH deep."""
    deep = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R /X " + deep + b" >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    target.write_bytes(bytes(out))
    return target


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
               for n in range(1, 10))
    + b']><p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">&lol9;</p:sld>'
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A folder of every kind of broken file, beside good ones; what each must give."""
    folder = tmp_path_factory.mktemp("hostile")
    good = make_pptx(folder / "good.pptx", [
        {"title": "Pirmā", "texts": ["Pašvaldības sadarbība ar uzņēmējiem."]},
        {"title": "Otrā", "texts": ["Informācijas birojs palīdz iedzīvotājiem."]},
        {"title": "Trešā", "texts": ["Paldies par uzmanību."]},
    ])
    shutil.copy(PDF, folder / "good.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(PDF.read_bytes()[:30000])
    (folder / "random.pdf").write_bytes(random.Random(1).randbytes(5000))
    (folder / "random.pptx").write_bytes(random.Random(2).randbytes(5000))
    shutil.copy(PDF, folder / "pdf-named.pptx")
    (folder / "legacy.ppt").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 500)
    encrypted_pdf(folder / "locked.pdf", "secret")
    encrypted_pdf(folder / "open-encrypted.pdf", "")
    nested_pdf(folder / "nested.pdf")
    with zipfile.ZipFile(good) as package, zipfile.ZipFile(folder / "bomb.pptx", "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in package.infolist():
            bomb.writestr(item.filename, package.read(item))
        with bomb.open("ppt/media/zeros.bin", "w") as member:
            for _ in range(300):
                member.write(b"\0" * 2**20)
    rewrite_zip(good, folder / "entities.pptx",
                lambda name, data: ENTITY_BOMB if name == "ppt/slides/slide1.xml" else data)
    rewrite_zip(good, folder / "missing-part.pptx",
                lambda name, data: None if name == "ppt/slides/slide2.xml" else data)
    rewrite_zip(good, folder / "not-xml.pptx",
                lambda name, data: b"this is not XML" if name == "ppt/slides/slide1.xml" else data)
    ct_show = b"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml"
    ct_main = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    rewrite_zip(good, folder / "show.ppsx",
                lambda name, data: data.replace(ct_main, ct_show) if name == "[Content_Types].xml" else data)
    return folder


EXPECTED_FAILURES = {
    "empty.pdf": "empty file",
    "truncated.pdf": "cannot read PDF",
    "random.pdf": "not a PDF file",
    "random.pptx": "not a PPTX file",
    "pdf-named.pptx": "not a PPTX file (content is a PDF)",
    # Read through LibreOffice when it is installed (this one is no presentation inside), else
    # the line that says how to add it.
    "legacy.ppt": "cannot read PPT" if ppt.soffice() else ppt.NOT_INSTALLED,
    "locked.pdf": "encrypted PDF that needs a password",
    "bomb.pptx": "package too large once uncompressed",
}


def test_hostile_folder_finishes_with_every_good_page_and_one_line_per_failure(hostile, tmp_path):
    started = time.monotonic()
    report = index_paths([hostile], tmp_path / "idx", jobs=2)
    assert time.monotonic() - started < 120
    failures = {Path(f.path).name: f.reason for f in report.failures}
    for name, reason in EXPECTED_FAILURES.items():
        assert reason in failures.get(name, ""), (name, failures.get(name))
    assert all("\n" not in reason for reason in failures.values())
    records = manifest.load(tmp_path / "idx")
    pages = {Path(p).name: r.pages for p, r in records.items() if r.error is None}
    assert pages["good.pdf"] == 12 and pages["good.pptx"] == 3
    assert pages["open-encrypted.pdf"] == 12  # the empty user password opens it
    assert pages["show.ppsx"] == 3
    assert pages.get("not-xml.pptx") == 3 and pages.get("missing-part.pptx") == 3
    assert set(failures) | set(pages) == {p.name for p in hostile.iterdir()}
    partial = {Path(p).name: skipped for p, skipped in report.partial}
    assert partial["not-xml.pptx"] == (1,) and partial["missing-part.pptx"] == (2,)
    archive = Archive.open(tmp_path / "idx")
    try:
        hits, _ = search(archive, "informācijas birojs", limit=None)
    finally:
        archive.close()
    assert {Path(h.path).name for h in hits} >= {"good.pptx", "show.ppsx", "not-xml.pptx"}


def test_report_file_has_one_json_line_per_problem(hostile, tmp_path):
    from click.testing import CliRunner

    from cli import main

    report = tmp_path / "report.jsonl"
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "idx"), "index", "--report",
                                       str(report), str(hostile)])
    assert result.exit_code == 3 and "Traceback" not in result.output
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    failed = {Path(r["path"]).name for r in rows if r["status"] == "failed"}
    assert set(EXPECTED_FAILURES) <= failed
    assert {Path(r["path"]).name for r in rows if r["status"] == "partial"} >= {"not-xml.pptx"}
    errors = [line for line in result.stderr.splitlines() if line.startswith("archive: ")]
    assert len(errors) == len(failed)


def test_a_file_that_takes_too_long_is_given_up(tmp_path, monkeypatch):
    import indexer.pipeline as pipeline
    from indexer.workers import Limits

    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(PDF, folder / "slow.pdf")
    shutil.copy(PDF, folder / "fine.pdf")
    real = pipeline.build_document

    def slow(path, *args):
        if path.name == "slow.pdf":
            time.sleep(30)
        return real(path, *args)

    monkeypatch.setattr(pipeline, "build_document", slow)  # the forked workers see it
    report = index_paths([folder], tmp_path / "idx", jobs=1, limits=Limits(seconds=2))
    assert [(Path(f.path).name, f.reason) for f in report.failures] == [
        ("slow.pdf", "took longer than the time limit")]
    assert report.added == 1


def test_a_file_that_kills_its_worker_is_reported_and_the_run_goes_on(tmp_path, monkeypatch):
    import indexer.pipeline as pipeline

    folder = tmp_path / "f"
    folder.mkdir()
    for name in ("a.pdf", "crash.pdf", "c.pdf"):
        shutil.copy(PDF, folder / name)
    real = pipeline.build_document

    def crash(path, *args):
        if path.name == "crash.pdf":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, *args)

    monkeypatch.setattr(pipeline, "build_document", crash)
    report = index_paths([folder], tmp_path / "idx", jobs=2)
    assert [Path(f.path).name for f in report.failures] == ["crash.pdf"]
    assert "crashed" in report.failures[0].reason
    assert report.added == 2


def _square(n: int) -> int:
    return n * n


def _niceness(_) -> int:
    return os.nice(0)


def test_workers_give_way_to_the_writer():
    ours = os.nice(0)
    (theirs,) = run_isolated(_niceness, [0], 1, Limits(), lambda task, reason: None)
    assert theirs == min(19, ours + WORKER_NICENESS)


def _collects(_) -> bool:
    return gc.isenabled()


def test_workers_collect_garbage_while_the_writer_does_not():
    """The writer pauses its collector for a batch (the workers fork during one); a worker
    left without it would keep every PDF it read."""
    from indexer.pipeline import _collected_once

    with _collected_once():
        assert not gc.isenabled()
        (theirs,) = run_isolated(_collects, [0], 1, Limits(), lambda task, reason: None)
    assert theirs and gc.isenabled()


def _pid_unless(task: str):
    if task == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if task == "slow":
        time.sleep(5)
    return os.getpid()


def test_a_forked_reader_reads_task_after_task_until_one_fails_it():
    """What a Dask worker reads with (`run_forked`): one child kept for the thread's tasks, a
    new one after a task that killed it, each within the limits."""
    limits = Limits(seconds=1)

    def failed(task, reason):
        return reason

    try:
        first, again = (run_forked(_pid_unless, task, limits, failed) for task in "ab")
        assert first == again != os.getpid()
        assert run_forked(_pid_unless, "crash", limits, failed) == CRASHED
        after_crash = run_forked(_pid_unless, "c", limits, failed)
        assert after_crash not in (first, os.getpid())
        with pytest.raises(FileTooSlow):  # raised in the child, its answer for the task
            raise run_forked(_raised, "slow", limits, failed)
        stop_children()
        with pytest.raises(ProcessLookupError):
            os.kill(after_crash, 0)
        assert run_forked(_pid_unless, "d", limits, failed) != after_crash
    finally:
        stop_children()


def _raised(task: str):
    try:
        return _pid_unless(task)
    except FileTooSlow as exc:
        return exc


def test_what_waits_in_flight_is_bounded_by_the_files_sizes():
    pulled = []

    def tasks():
        for n in range(3 * IN_FLIGHT_PER_JOB):
            pulled.append(n)
            yield n

    big = run_isolated(_square, tasks(), 2, Limits(), lambda task, reason: None,
                       size=lambda task: IN_FLIGHT_BYTES)  # each task is the whole budget
    assert next(big) == 0
    assert len(pulled) <= 3  # one per worker, and the one that went over
    assert list(big) == [n * n for n in range(1, 3 * IN_FLIGHT_PER_JOB)]
    pulled.clear()
    small = run_isolated(_square, tasks(), 2, Limits(), lambda task, reason: None)
    assert next(small) == 0
    assert len(pulled) == 2 * IN_FLIGHT_PER_JOB
    small.close()


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_files_raise_only_extraction_errors(tmp_path, data):
    source = data.draw(st.sampled_from([PDF, CORPUS / "12_Rymeikis_socialine_reklama.pptx"]))
    content = bytearray(source.read_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        content = content[: data.draw(st.integers(0, len(content)))]
    path = tmp_path / f"mutated{source.suffix}"
    path.write_bytes(bytes(content))
    try:
        extract(path)
    except ExtractionError as exc:
        assert exc.reason and "\n" not in exc.reason


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300) | st.sampled_from([
    '"unbalanced', "(((", "AND", "OR OR", "NOT", "title:", "nosuchfield:x", "*", "a" * 10000,
    "\x00\x01\x02", "speaker:", "[a TO", "lang:xx", "))", '"', "\\"]))
def test_any_query_gives_results_or_one_archive_error(corpus_index, text):
    archive = Archive.open(corpus_index)
    try:
        search(archive, text)
    except ArchiveError as exc:
        assert "\n" not in str(exc)
    finally:
        archive.close()


def _indexer(index: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "import indexer.pipeline as p; p.BATCH_FILES = 3\n"
         "from cli import main; main()", "-q", "--index", str(index), "index", str(folder)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _workers_of(pid: int) -> list[int]:
    try:
        return [int(child) for task in Path(f"/proc/{pid}/task").glob("*")
                for child in (task / "children").read_text().split()]
    except OSError:  # it ended meanwhile
        return []


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, D, Z...), or None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return None


def _running(pid: int) -> bool:
    return _state(pid) not in (None, "Z")  # a zombie has ended


def _gone(pids: list[int], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if _running(pid)]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _states(pids: list[int]) -> dict[int, str]:
    """Each live process's state and what it waits in, for a failure message."""
    states = {}
    for pid in pids:
        try:
            states[pid] = f"{_state(pid)} {Path(f'/proc/{pid}/wchan').read_text()}"
        except OSError:  # it ended meanwhile
            pass
    return states


@pytest.mark.slow
def test_sigkill_at_any_moment_leaves_a_searchable_index(tmp_path):
    folder = tmp_path / "talks"
    folder.mkdir()
    for path in sorted(p for p in CORPUS.iterdir() if p.suffix in (".pdf", ".pptx")):
        for copy in range(2):
            shutil.copy(path, folder / f"{copy}-{path.name}")
    expected_pages = 2 * 163
    index = tmp_path / "idx"
    rng = random.Random(5)
    killed_with_workers = 0
    for round_ in range(10):
        process = _indexer(index, folder)
        if round_ % 2:  # at any moment
            time.sleep(rng.uniform(0.2, 6.0))
        else:  # while it reads: on a fast machine that moment is short
            deadline = time.monotonic() + 30
            while not _workers_of(process.pid) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.5))
        workers = _workers_of(process.pid)
        killed_with_workers += bool(workers)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _gone(workers, seconds=15), f"its workers outlived it: {_states(workers)}"
        if (index / "archive.json").exists():
            archive = Archive.open(index)
            try:
                search(archive, "LEAN")
            finally:
                archive.close()
    assert killed_with_workers
    final = subprocess.run([sys.executable, "-c", "from cli import main; main()", "-q", "--index",
                            str(index), "index", "--json", str(folder)], cwd=ROOT,
                           capture_output=True, text=True, check=True)
    assert json.loads(final.stdout)["failed"] == []
    archive = Archive.open(index)
    try:
        with archive.searcher() as searcher:
            assert searcher.doc_count() == expected_pages
    finally:
        archive.close()
    assert sum(r.pages for r in manifest.load(index).values()) == expected_pages


@pytest.mark.slow
def test_two_indexers_and_searches_at_once(tmp_path):
    folder = tmp_path / "talks"
    shutil.copytree(CORPUS, folder)
    index = tmp_path / "idx"
    first, second = _indexer(index, folder), _indexer(index, folder)
    answers = 0
    while first.poll() is None or second.poll() is None:
        if (index / "archive.json").exists():
            result = subprocess.run([sys.executable, "-c", "from cli import main; main()", "-q",
                                     "--index", str(index), "search", "LEAN"], cwd=ROOT,
                                    capture_output=True, text=True)
            assert result.returncode == 0, result.stderr
            answers += 1
        time.sleep(0.2)
    assert (first.returncode, second.returncode) == (0, 0)
    archive = Archive.open(index)
    try:
        with archive.searcher() as searcher:
            assert searcher.doc_count() == 174
    finally:
        archive.close()
    busy = subprocess.run([sys.executable, "-c", "from cli import main; main()", "--index",
                           str(index), "index", "--no-wait", str(folder)], cwd=ROOT,
                          capture_output=True, text=True)
    assert busy.returncode == 0  # nobody else writing now: it runs


def test_no_wait_says_why_when_another_index_run_is_writing(tmp_path):
    from indexer.pipeline import run_lock

    index = tmp_path / "idx"
    with run_lock(index, wait=False, on_wait=None):  # held by this process, as a run would
        busy = subprocess.run([sys.executable, "-c", "from cli import main; main()", "--index",
                               str(index), "index", "--no-wait", str(PDF)], cwd=ROOT,
                              capture_output=True, text=True)
    assert busy.returncode == 1
    assert busy.stderr.strip().splitlines() == [
        f"archive: another `archive index` is writing {index}; try again when it ends"]
