"""A damaged index is known as such: one line naming the damage and `--rebuild`, never a
traceback, never a run that reports success over it; the vocabulary made again when lost."""

import glob
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import integrity
from archive.store import META_FILE
from cli import main
from conftest import CORPUS

FILES = ["16_Cacka_Rotko_centrs.pdf", "05_Kozlova_ISO_standarti.pdf",
         "12_Rymeikis_socialine_reklama.pptx", "catalog.csv"]


def run(index, *args):
    return CliRunner().invoke(main, ["--index", str(index), *map(str, args)])


@pytest.fixture(scope="module")
def sound(tmp_path_factory):
    """A small index, and the folder it was made from."""
    root = tmp_path_factory.mktemp("sound")
    folder = root / "talks"
    folder.mkdir()
    for name in FILES:
        shutil.copy(CORPUS / name, folder / name)
    assert run(root / "idx", "index", folder).exit_code == 0
    return root / "idx", folder


@pytest.fixture
def index(sound, tmp_path):
    copy = tmp_path / "idx"
    shutil.copytree(sound[0], copy)
    return copy


def one_line(result, code=1):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("archive: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def segment(index) -> Path:
    return Path(glob.glob(str(index / "*.seg"))[0])


def toc(index) -> Path:
    return Path(glob.glob(str(index / "_MAIN_*.toc"))[0])


def truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zero_middle(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 256] = bytes(256)
    path.write_bytes(bytes(data))


DAMAGE = {
    "segment-truncated": lambda ix: truncate(segment(ix)),
    "segment-emptied": lambda ix: segment(ix).write_bytes(b""),
    "segment-deleted": lambda ix: segment(ix).unlink(),
    "segment-zeroed": lambda ix: zero_middle(segment(ix)),
    "toc-truncated": lambda ix: truncate(toc(ix)),
    "toc-garbled": lambda ix: toc(ix).write_bytes(bytes(len(toc(ix).read_bytes()))),
    "meta-garbled": lambda ix: (ix / META_FILE).write_text("{not json"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_damage_is_one_line_naming_rebuild_and_no_run_reports_success_over_it(
        sound, index, damage):
    DAMAGE[damage](index)
    searched = run(index, "search", "Rotko")
    if damage != "segment-zeroed":  # the same size: found by the checksums, below
        assert "--rebuild" in one_line(searched)
    indexed = run(index, "index", sound[1])
    assert "--rebuild" in one_line(indexed)
    checked = run(index, "check")
    assert checked.exit_code == 1 and "Traceback" not in checked.output
    assert "--rebuild" in checked.stderr
    rebuilt = run(index, "index", "--rebuild", sound[1])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(run(index, "search", "Rotko", "--json").stdout)
    assert run(index, "check").exit_code == 0


def test_check_says_a_sound_index_is_sound(index):
    result = run(index, "check")
    assert result.exit_code == 0
    assert result.stdout.endswith("sound: 3 files, 34 pages; checksums compared\n")
    report = json.loads(run(index, "check", "--json").stdout)
    assert (report["ok"], report["problems"], report["checksums"]) == (True, [], True)


def test_a_commit_stopped_before_its_record_is_not_taken_for_damage(index):
    recorded = json.loads((index / integrity.CHECKSUMS).read_text())
    old = {name.replace("_MAIN_1.toc", "_MAIN_0.toc"): value
           for name, value in recorded["files"].items()}  # the generation before
    (index / integrity.CHECKSUMS).write_text(json.dumps({"files": old}))
    assert run(index, "search", "Rotko").exit_code == 0
    checked = run(index, "check")
    assert checked.exit_code == 0 and "no checksums on record" in checked.stdout
    (index / integrity.CHECKSUMS).unlink()  # an index from before them
    assert run(index, "search", "Rotko").exit_code == 0


def test_a_lost_vocabulary_is_said_and_made_again_by_the_next_run(sound, index):
    before = json.loads(run(index, "search", "pasvaldibas", "--json").stdout)
    (index / "vocab.sqlite").unlink()
    searched = run(index, "search", "pasvaldibas", "--json")
    assert searched.exit_code == 0
    assert "vocab.sqlite) is missing: searches find fewer forms" in one_line(searched, 0)
    again = run(index, "index", sound[1])
    assert again.exit_code == 0
    assert "the vocabulary was missing or damaged: made again from 34 pages" in again.stderr
    after = run(index, "search", "pasvaldibas", "--json")
    assert "archive: " not in after.stderr and json.loads(after.stdout) == before


def test_a_damaged_vocabulary_is_kept_aside_and_made_again(sound, index):
    (index / "vocab.sqlite").write_bytes(b"not a database" * 100)
    searched = run(index, "search", "Rotko")
    assert "is unreadable" in one_line(searched, 0)
    assert run(index, "index", sound[1]).exit_code == 0
    assert (index / "vocab.sqlite.damaged").read_bytes().startswith(b"not a database")
    assert run(index, "search", "Rotko").stderr.count("archive: ") == 0


def test_a_vocabulary_locked_by_another_program_is_one_line(sound, index, monkeypatch):
    import archive.vocabulary as vocabulary

    real = sqlite3.connect
    monkeypatch.setattr(vocabulary.sqlite3, "connect",
                        lambda *args, **kwargs: real(*args, **{**kwargs, "timeout": 0.1}))
    holder = sqlite3.connect(index / "vocab.sqlite")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        shutil.copy(CORPUS / "14_Kucas_GIS_savivaldybeje.pptx", sound[1].parent / "new.pptx")
        line = one_line(run(index, "index", sound[1].parent / "new.pptx"))
        assert line.endswith("/vocab.sqlite: database is locked")
    finally:
        holder.rollback()
        holder.close()
    assert json.loads(run(index, "stats", "--json").stdout)["documents"] == 3  # nothing lost


def test_a_commit_checksums_only_the_files_it_wrote_and_damage_before_it_is_still_found(
        sound, index, tmp_path, monkeypatch):
    read = []
    real = integrity.crc32
    monkeypatch.setattr(integrity, "crc32", lambda path: read.append(path.name) or real(path))
    before = json.loads((index / integrity.CHECKSUMS).read_text())["files"]
    more = sound[1].parent / "more"
    more.mkdir(exist_ok=True)
    shutil.copy(CORPUS / "02_Sinkevicius_LEAN_SODRA_LT.pdf", more)
    assert run(index, "index", sound[1], more).exit_code == 0
    after = json.loads((index / integrity.CHECKSUMS).read_text())["files"]
    kept = set(before) & set(after)
    assert kept and all(after[name] == before[name] for name in kept)
    written = set(after) - set(before)
    assert written
    # The run's check before it wrote read each file on record once; its commit only the new.
    assert sorted(read) == sorted([*before, *written])
    zero_middle(index / min(kept))  # a segment the next commit will not read again
    assert "does not hold what was written" in one_line(run(index, "index", sound[1], more))
