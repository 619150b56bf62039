"""Re-indexing does only what changed: add, update, move, remove, touch, no-op."""

import errno
import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import indexer.pipeline as pipeline
from archive import manifest
from archive.query import search
from archive.store import Archive
from cli import main
from conftest import CORPUS, ROOT
from indexer.pipeline import index_paths

FILES = ["16_Cacka_Rotko_centrs.pdf", "05_Kozlova_ISO_standarti.pdf",
         "12_Rymeikis_socialine_reklama.pptx", "catalog.csv"]


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "event"
    folder.mkdir()
    for name in FILES:
        shutil.copy(CORPUS / name, folder / name)
    return folder


def hits(index, query, **kw):
    archive = Archive.open(index)
    try:
        return [(os.path.basename(h.path), h.page) for h in search(archive, query, limit=None, **kw)[0]]
    finally:
        archive.close()


def counts(report):
    return (report.added, report.updated, report.moved, report.touched, report.unchanged,
            report.removed, len(report.failures))


def test_first_run_then_no_op(folder, tmp_path):
    index = tmp_path / "idx"
    first = index_paths([folder], index, jobs=1)
    assert counts(first) == (3, 0, 0, 0, 0, 0, 0)
    again = index_paths([folder], index, jobs=1)
    assert counts(again) == (0, 0, 0, 0, 3, 0, 0)
    assert again.pages == 0


def test_touched_file_is_not_read_again(folder, tmp_path):
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    os.utime(folder / FILES[0], ns=(1, 1))
    report = index_paths([folder], index, jobs=1)
    assert counts(report) == (0, 0, 0, 1, 2, 0, 0) and report.pages == 0
    assert manifest.load(index)[str(folder / FILES[0])].mtime_ns == 1
    assert counts(index_paths([folder], index, jobs=1)) == (0, 0, 0, 0, 3, 0, 0)


def test_modified_file_is_read_again_and_its_pages_replaced(folder, tmp_path):
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    shutil.copy(CORPUS / "04_Andina_informacijas_birojs.pdf", folder / FILES[0])
    report = index_paths([folder], index, jobs=1)
    assert counts(report) == (0, 1, 0, 0, 2, 0, 0)
    assert hits(index, "Arsenāla") == []  # the old deck's words, but for its catalog title's
    assert hits(index, "birojs")


def test_moved_file_keeps_its_pages_under_the_new_path(folder, tmp_path):
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    before = hits(index, "Rotko", speaker="cacka")
    (folder / "2018").mkdir()
    os.rename(folder / FILES[0], folder / "2018" / "rotko.pdf")
    report = index_paths([folder], index, jobs=1)
    assert counts(report) == (0, 0, 1, 0, 2, 0, 0) and report.pages == 0
    after = hits(index, "Rotko", speaker="cacka")
    assert sorted(after) == sorted(("rotko.pdf", page) for _, page in before)
    assert str(folder / "2018" / "rotko.pdf") in manifest.load(index)
    assert str(folder / FILES[0]) not in manifest.load(index)


def test_deleted_file_leaves_the_index_but_files_elsewhere_stay(folder, tmp_path):
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    index_paths([CORPUS / "14_Kucas_GIS_savivaldybeje.pptx"], index, jobs=1)
    os.remove(folder / FILES[1])
    report = index_paths([folder], index, jobs=1)
    assert counts(report) == (0, 0, 0, 0, 2, 1, 0)
    assert hits(index, "ISO", lang="lv") == []
    assert hits(index, "GIS")  # indexed from another root: left alone


def test_failed_file_is_tried_again_only_when_changed_or_asked(folder, tmp_path):
    index = tmp_path / "idx"
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    assert len(index_paths([folder], index, jobs=1).failures) == 1
    assert index_paths([folder], index, jobs=1).failures == []
    assert len(index_paths([folder], index, jobs=1, retry_failed=True).failures) == 1
    shutil.copy(CORPUS / "04_Andina_informacijas_birojs.pdf", folder / "broken.pdf")
    report = index_paths([folder], index, jobs=1)
    assert report.failures == [] and report.updated == 1


def test_rebuild_and_dry_run(folder, tmp_path):
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    os.remove(folder / FILES[2])
    shutil.copy(CORPUS / "04_Andina_informacijas_birojs.pdf", folder / "new.pdf")
    plan = index_paths([folder], index, dry_run=True).plan.to_dict()
    assert plan["add"] == [str(folder / "new.pdf")]
    assert plan["remove"] == [str(folder / FILES[2])]
    assert plan["unchanged"] == 2
    assert hits(index, "reklama")  # nothing was written
    report = index_paths([folder], index, rebuild=True, jobs=1)
    assert counts(report) == (3, 0, 0, 0, 0, 0, 0)
    assert hits(index, "reklama") == []


def test_searches_while_rebuilds_swap_the_folders_never_fail(folder, tmp_path):
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    kept_open = Archive.open(index)
    stop, errors, searches = threading.Event(), [], []

    def search_on():
        while not stop.is_set():
            try:
                searches.append(hits(index, "reklama"))  # opened afresh each time
                with kept_open.searcher() as searcher:  # opened before the rebuilds
                    searcher.doc_count()
            except Exception as exc:  # noqa: BLE001  (any of them is the failure)
                errors.append(exc)

    reader = threading.Thread(target=search_on)
    reader.start()
    try:
        for _ in range(3):
            index_paths([folder], index, rebuild=True, jobs=1)
    finally:
        stop.set()
        reader.join()
        kept_open.close()
    assert errors == [] and searches and all(found for found in searches)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event", "idx"]


def test_a_search_between_the_two_renames_of_a_swap_waits_and_moves_nothing(
        folder, tmp_path, monkeypatch):
    """Where the system cannot exchange the folders in one step, the old index is renamed away
    and the new one into its place. A search in between once put the old one back, and the
    rebuilt index was left orphaned beside it."""
    from archive import store

    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    os.remove(folder / FILES[2])  # what the rebuilt index no longer holds

    def cannot_exchange(one, other):
        raise OSError(errno.EINVAL, "Invalid argument")

    rename, searches = Path.rename, []

    def rename_then_search(self, target):
        moved = rename(self, target)
        if self == index:  # the first of the two renames: no index folder now
            searches.append(subprocess.Popen(  # another process: the lock is a process's
                [sys.executable, "-c", "from cli import main; main()", "--index", str(index),
                 "search", "--json", "reklama"], cwd=ROOT, stdout=subprocess.PIPE, text=True))
            time.sleep(1)  # the search is waiting when the second rename comes
        return moved

    monkeypatch.setattr(store, "_exchange", cannot_exchange)
    monkeypatch.setattr(Path, "rename", rename_then_search)
    index_paths([folder], index, rebuild=True, jobs=1)
    found = json.loads(searches[0].communicate(timeout=60)[0])
    assert searches[0].returncode == 0 and found == []  # the rebuilt index: no reklama
    assert hits(index, "reklama") == [] and hits(index, "rotko")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event", "idx"]


def test_a_rebuild_stopped_between_the_two_renames_is_undone_by_the_next_run(folder, tmp_path):
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    left = tmp_path / ".idx.archive-old-0123abcd"
    index.rename(left)  # what a rebuild killed between its renames leaves
    report = index_paths([folder], index, jobs=1)
    assert counts(report) == (0, 0, 0, 0, 3, 0, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event", "idx"]


def test_dry_run_on_the_command_line(folder, tmp_path):
    index = tmp_path / "idx"
    result = CliRunner().invoke(main, ["--index", str(index), "index", "--dry-run", str(folder)])
    assert result.exit_code == 0
    assert sorted(line.split()[0] for line in result.stdout.splitlines()) == ["add"] * 3
    assert "3 to add" in result.stderr
    assert not index.exists()


def stored(index):
    archive = Archive.open(index)
    try:
        with archive.searcher() as searcher:
            rows = [dict(fields) for fields in searcher.all_stored_fields()]
    finally:
        archive.close()
    return sorted(rows, key=lambda row: (row["path"], row["page"]))


def test_one_job_and_two_jobs_give_the_same_index(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    index_paths([CORPUS], one, jobs=1)
    report = index_paths([CORPUS], two, jobs=2)
    assert report.added == 15
    assert stored(one) == stored(two)


def test_ctrl_c_commits_what_is_done_and_the_next_run_carries_on(folder, tmp_path):
    index = tmp_path / "idx"

    def interrupt_after_two(progress):
        if progress.done == 2:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(pipeline.Interrupted) as info:
        index_paths([folder], index, jobs=1, on_progress=interrupt_after_two)
    assert (info.value.done, info.value.total) == (2, 3)
    assert len(manifest.load(index)) == 2
    report = index_paths([folder], index, jobs=1)
    assert counts(report) == (1, 0, 0, 0, 2, 0, 0)
    assert len(stored(index)) == sum(r.pages for r in manifest.load(index).values())


def test_batches_are_committed_as_they_go(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_FILES", 1)
    saved = []
    real_save = pipeline.manifest.save
    monkeypatch.setattr(pipeline.manifest, "save",
                        lambda d, records: saved.append(len(records)) or real_save(d, records))
    index_paths([folder], tmp_path / "idx", jobs=1)
    assert saved == [1, 2, 3, 3]  # one per batch


def test_a_run_leaves_the_garbage_collector_as_it_found_it(folder, tmp_path):
    index_paths([folder], tmp_path / "idx", jobs=1)  # it freezes what the workers share
    assert gc.get_freeze_count() == 0


def test_what_the_workers_share_is_read_before_they_start():
    code = (
        "from archive.words import lemmas\n"
        "from indexer import language, pipeline, word_frequencies\n"
        "with pipeline._data_shared_with_workers(needed=True):\n"
        "    print(language._profiles.cache_info().currsize,"
        " word_frequencies._table.cache_info().currsize, lemmas.dictionary.cache_info().currsize)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    # n-grams and word frequencies with and without diacritics; the three dictionaries
    assert result.stdout.split() == ["2", "2", "3"]


def test_a_batch_is_committed_before_the_writers_buffer_fills(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_MB", 0.001)  # less than any one file's postings
    saved = []
    real_save = pipeline.manifest.save
    monkeypatch.setattr(pipeline.manifest, "save",
                        lambda d, records: saved.append(len(records)) or real_save(d, records))
    index_paths([folder], tmp_path / "idx", jobs=1)
    assert saved == [1, 2, 3, 3]
    assert len(stored(tmp_path / "idx")) == sum(r.pages for r in manifest.load(tmp_path / "idx").values())


def test_progress_is_reported_but_not_shown_when_piped(folder, tmp_path):
    seen = []
    index_paths([folder], tmp_path / "idx", jobs=1, on_progress=seen.append)
    assert [p.done for p in seen] == [1, 2, 3] and seen[-1].total == 3
    assert seen[-1].pages == sum(r.pages for r in manifest.load(tmp_path / "idx").values())
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "idx2"), "index", str(folder)])
    assert result.exit_code == 0 and "\r" not in result.output and "files," not in result.stderr
    summary = json.loads(CliRunner().invoke(
        main, ["--index", str(tmp_path / "idx2"), "index", "--json", str(folder)]).stdout)
    assert summary["unchanged"] == 3 and summary["pages"] == 0
