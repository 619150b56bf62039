"""Odd files and folders, and text no file should hold: each reported in one line, none hangs,
nothing indexed is lost. Every hostile input is built here."""

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from archive import manifest
from cli import main
from conftest import CORPUS, ROOT, make_pptx, rewrite_zip
from indexer.pipeline import index_paths

ROTKO = "16_Cacka_Rotko_centrs.pdf"
ISO = "05_Kozlova_ISO_standarti.pdf"


def run(index, *args):
    return CliRunner().invoke(main, ["--index", str(index), *map(str, args)])


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "talks"
    folder.mkdir()
    for name in (ROTKO, ISO):
        shutil.copy(CORPUS / name, folder / name)
    return folder


def documents(index) -> int:
    return json.loads(run(index, "stats", "--json").stdout)["documents"]


@pytest.mark.parametrize("text", ['{"files": 5}', '{"files": [{"path": "/x"}]}', "[]",
                                  '{"files": [{"path": 1, "size": "a", "mtime_ns": 0, '
                                  '"sha256": ""}]}', "\xff\xfe"],
                         ids=["number", "row-missing-keys", "list", "wrong-types", "not-utf8"])
def test_a_manifest_of_any_wrong_shape_means_look_at_everything_again(folder, tmp_path, text):
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    (index / manifest.MANIFEST).write_bytes(text.encode("latin-1"))
    again = index_paths([folder], index, jobs=1)
    assert again.failures == [] and again.added == 2
    assert documents(index) == 2  # read again, not added twice


def test_a_name_that_is_not_utf8_is_one_line_and_the_rest_is_indexed(folder, tmp_path):
    bad = os.path.join(os.fsencode(folder), b"\xff.pdf")
    shutil.copy(folder / ROTKO, bad)
    index = tmp_path / "idx"
    for _ in range(2):  # and the same on the next run
        result = run(index, "index", folder)
        assert result.exit_code == 3, result.output
        assert f"archive: {folder}/\\xff.pdf: cannot read: the name is not UTF-8" in result.stderr
        assert documents(index) == 2


def test_fifos_devices_loops_and_dangling_links_are_reported_never_read(folder, tmp_path):
    os.mkfifo(folder / "x.pdf")
    (folder / "z.pdf").symlink_to("/dev/zero")
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    (folder / "dangling.pptx").symlink_to(folder / "nothing.pptx")
    (folder / ("a" * 250 + ".pdf")).symlink_to("b" * 300)  # a name longer than any allowed
    index = tmp_path / "idx"
    command = [sys.executable, "-c", "from cli import main; main()", "--index", str(index)]
    for args in (["index", "--dry-run", str(folder)], ["index", str(folder)]):
        done = subprocess.run(command + args, cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 3, done.stderr
        lines = done.stderr.splitlines()
        assert f"archive: {folder / 'x.pdf'}: cannot read: not a regular file (a FIFO)" in lines
        assert (f"archive: {folder / 'z.pdf'}: cannot read: not a regular file (a character "
                "device)") in lines
        assert f"archive: {folder / 'loop.pdf'}: cannot read: a symlink loop" in lines
        assert f"archive: {folder / 'dangling.pptx'}: cannot read: a symlink to nothing" in lines
        assert any("a" * 250 + ".pdf: cannot read: File name too long" in line for line in lines)
        assert "Traceback" not in done.stderr
    assert documents(index) == 2
    done = subprocess.run(command + ["inspect", str(folder / "x.pdf")], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.endswith("x.pdf: not a regular file\n")


def test_a_folder_that_cannot_be_listed_keeps_its_entries(folder, tmp_path, monkeypatch):
    import indexer.plan as plan

    (folder / "2018").mkdir()
    shutil.move(folder / ISO, folder / "2018" / ISO)
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    real = os.walk

    def walk(top, onerror=None, **kwargs):
        for found in real(top, onerror=onerror, **kwargs):
            if found[0].endswith("2018"):
                onerror(PermissionError(13, "Permission denied", found[0]))
                continue
            yield found

    monkeypatch.setattr(plan.os, "walk", walk)
    report = index_paths([folder], index, jobs=1)
    assert [(f.path, f.reason) for f in report.failures] == [
        (str(folder / "2018"), "cannot read: cannot list the folder: Permission denied")]
    assert report.removed == 0
    assert documents(index) == 2


def test_a_root_that_looks_unmounted_removes_nothing_without_prune(folder, tmp_path):
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    stash = tmp_path / "stash"
    shutil.move(folder, stash)
    folder.mkdir()  # the mount point, the disk not mounted
    result = run(index, "index", folder)
    assert result.exit_code == 0
    assert (f"archive: {folder}: no files found where the index holds 2; they stay (an "
            "unmounted disk?): `--prune` removes them") in result.stderr.splitlines()
    assert documents(index) == 2
    pruned = run(index, "index", "--prune", folder)
    assert pruned.exit_code == 0 and "2 removed" in pruned.stderr
    assert documents(index) == 0


def test_the_time_limit_ends_the_file_not_a_page_and_retry_reads_it_again(folder, tmp_path,
                                                                          monkeypatch):
    from pypdf import PageObject

    from indexer.workers import Limits

    real = PageObject.extract_text

    def extract_text(page, *args, **kwargs):
        text = real(page, *args, **kwargs)
        if "ISO" in text:
            time.sleep(3)
        return text

    monkeypatch.setattr(PageObject, "extract_text", extract_text)  # the forked workers see it
    index = tmp_path / "idx"
    started = time.monotonic()
    report = index_paths([folder], index, jobs=1, limits=Limits(seconds=2))
    assert time.monotonic() - started < 20
    assert [(os.path.basename(f.path), f.reason) for f in report.failures] == [
        (ISO, "took longer than the time limit")]
    assert report.added == 1 and report.skipped_pages == 0
    monkeypatch.setattr(PageObject, "extract_text", real)
    again = index_paths([folder], index, jobs=1, retry_failed=True)
    assert (again.updated, again.failures) == (1, [])


def test_a_page_of_too_much_text_is_cut_and_the_cut_reported(tmp_path):
    from indexer.extract import MAX_PAGE_CHARS

    folder = tmp_path / "f"
    folder.mkdir()
    make_pptx(folder / "dump.pptx", [{"title": "Dati", "texts": ["vārds " * 40_000]},
                                     {"title": "Paldies"}])
    report_file = tmp_path / "report.jsonl"
    result = run(tmp_path / "idx", "index", "--report", report_file, folder)
    assert result.exit_code == 0
    assert "dump.pptx: text cut on 1 page (too long to be slide text)" in result.stderr
    rows = [json.loads(line) for line in report_file.read_text().splitlines()]
    assert rows == [{"path": str(folder / "dump.pptx"), "status": "partial",
                     "reason": "text cut at 100,000 characters a page (5,000,000 a file)",
                     "cut_pages": [1]}]
    shown = json.loads(run(tmp_path / "idx", "show", f"{folder / 'dump.pptx'}:1",
                           "--json").stdout)
    assert len(shown["page_texts"][0]["text"]) == MAX_PAGE_CHARS


def test_a_pptx_that_repeats_one_slide_reads_it_once(tmp_path):
    deck = make_pptx(tmp_path / "deck.pptx", [{"title": "Pašvaldību sadarbība " * 50}])

    def repeat(name, data):
        if name == "ppt/presentation.xml":
            entry = re.search(rb"<p:sldId [^>]*/>", data).group()
            data = data.replace(entry, entry * 40)
        return data

    repeated = rewrite_zip(deck, tmp_path / "many.pptx", repeat)
    from indexer.extract import extract

    doc = extract(repeated)
    assert len(doc.pages) == 40 and doc.pages[0].text
    assert all(page.text == "" for page in doc.pages[1:])
    assert doc.skipped_pages == tuple(range(2, 41))


def test_broken_metadata_costs_the_title_not_the_pages(tmp_path, monkeypatch):
    from pypdf import PdfReader

    from indexer.extract import extract

    def broken(self):
        raise TypeError("'NumberObject' object is not iterable")

    monkeypatch.setattr(PdfReader, "metadata", property(broken))
    doc = extract(CORPUS / ROTKO)
    assert len(doc.pages) == 12 and doc.title is None


def test_bytes_before_the_pdf_header_are_allowed_within_the_first_kilobyte(tmp_path):
    from indexer.extract import extract

    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\n" * 600 + (CORPUS / ROTKO).read_bytes())
    assert len(extract(junk).pages) == 12


def test_invalid_code_points_are_replaced_at_extraction_and_every_command_works(
        folder, tmp_path, monkeypatch):
    from pypdf import PageObject

    real = PageObject.extract_text

    def extract_text(page, *args, **kwargs):
        return "Rotko \ud800 centrs\x00 \ufffe" + real(page, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", extract_text)
    index = tmp_path / "idx"
    index_paths([folder / ROTKO], index, jobs=1)
    for args in (["search", "Rotko"], ["search", "Rotko", "--json"], ["show", folder / ROTKO],
                 ["show", folder / ROTKO, "--json"], ["files"]):
        result = run(index, *args)
        assert result.exit_code == 0, (args, result.output)
    page = json.loads(run(index, "show", f"{folder / ROTKO}:1", "--json").stdout)
    assert page["page_texts"][0]["text"].startswith("Rotko \ufffd centrs\ufffd \ufffd")


def _on_a_terminal(args: list[str]) -> bytes:
    """What `archive ARGS` writes to a terminal (a pty): stdout and stderr."""
    import pty

    master, slave = pty.openpty()
    done = subprocess.run([sys.executable, "-c", "from cli import main; main()", *args],
                          cwd=ROOT, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                          timeout=60, env={**os.environ, "COLUMNS": "200"})
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end is closed: all read
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert done.returncode == 0, out
    return out


def test_escape_sequences_from_files_never_reach_the_terminal(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    name = "Rotko\x1b[2J\u202e.pdf"
    shutil.copy(CORPUS / ROTKO, folder / name)
    (folder / "catalog.csv").write_text(
        "file,speaker,title,event\n"
        f'"{name}","Māris \x1b]0;pwned\x07Čačka","Centrs \x9b31m\u202egnirts","Vizīte\x1b[2J"\n',
        encoding="utf-8")
    index = str(tmp_path / "idx")
    assert run(index, "index", folder).exit_code == 0
    for args in (["search", "Rotko", "--limit", "1"], ["show", str(folder / name) + ":1"],
                 ["files"], ["speakers"], ["stats"], ["inspect", str(folder / name)]):
        out = _on_a_terminal(["--index", index, *args]).decode("utf-8")
        for bad in ("\x1b]", "\x07", "\x1b[2J", "\x9b", "\u202e"):
            assert bad not in out, (args, bad)
        assert "\ufffd" in out, args
    bold = _on_a_terminal(["--index", index, "search", "Rotko", "--limit", "1"])
    assert b"\x1b[1m" in bold  # our own styling stays
    exact = json.loads(run(index, "search", "Rotko", "--json").stdout)
    assert exact[0]["speaker"] == "Māris \x1b]0;pwned\x07Čačka"  # JSON keeps the text as it is


def test_a_rebuild_removes_no_folder_a_user_named_and_cleans_up_its_own(folder, tmp_path):
    index = tmp_path / "idx"
    assert run(index, "index", folder).exit_code == 0
    for backup in ("idx.old", "idx.rebuild"):  # a user's own copies, named as users would
        (tmp_path / backup).mkdir()
        (tmp_path / backup / "keep.txt").write_text("mine")
    killed = tmp_path / ".idx.archive-rebuild-0123abcd"  # what a killed rebuild leaves
    killed.mkdir()
    assert run(index, "index", "--rebuild", folder).exit_code == 0
    assert documents(index) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx", "idx.old", "idx.rebuild", "talks"]
    assert (tmp_path / "idx.old" / "keep.txt").read_text() == "mine"


def test_the_rebuilt_index_keeps_the_folder_s_permissions(folder, tmp_path):
    index = tmp_path / "idx"
    assert run(index, "index", folder).exit_code == 0
    index.chmod(0o750)
    assert run(index, "index", "--rebuild", folder).exit_code == 0
    assert index.stat().st_mode & 0o777 == 0o750


@pytest.mark.parametrize("lock", ["run.lock", "MAIN_WRITELOCK"])
def test_a_lock_file_that_is_a_symlink_is_refused_and_its_target_untouched(folder, tmp_path,
                                                                         lock):
    index = tmp_path / "idx"
    assert run(index, "index", folder / ROTKO).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (index / lock).unlink(missing_ok=True)
    (index / lock).symlink_to(victim)
    result = run(index, "index", folder)
    assert result.exit_code == 1
    assert result.stderr == (f"archive: {index / lock}: a symbolic link where the lock file "
                             f"belongs; remove it\n")
    assert victim.read_text() == "precious"
    assert documents(index) == 1  # what was indexed before is still searchable
