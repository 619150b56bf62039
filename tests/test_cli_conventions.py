"""What every command does the same way: errors in one line with one prefix, a closed pipe,
conflicting options, summaries on stderr, progress that fits, values a person reads."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from conftest import CORPUS, ROOT

ROTKO = CORPUS / "16_Cacka_Rotko_centrs.pdf"


def run(*args, index=None, env=None):
    prefix = ["--index", str(index)] if index else []
    return CliRunner(env=env).invoke(main, [*prefix, *map(str, args)])


def one_error(result, code=1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "Error:" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("archive: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("query", ["page:3", "date:2018", "foo:bar LEAN", "stem_lv:x"])
def test_a_field_the_query_cannot_search_is_named_with_the_fields_there_are(corpus_index,
                                                                            query):
    line = one_error(run("search", query, index=corpus_index))
    name = query.split(":")[0]
    assert line.startswith(f"archive: {name}: is not a field a query can search; the fields "
                           "are title, speaker, lang, format, event, place, year, path")
    assert "STORED" not in line and "format=None" not in line


def test_words_with_colons_that_name_no_field_are_still_words(corpus_index):
    for query in ("http://www.sodra.lt", "Mērķis: attīstība", "year:2018 Rotko", "10:30"):
        assert run("search", query, index=corpus_index).exit_code == 0, query


def test_show_a_page_out_of_range_says_how_many_pages_the_file_has(corpus_index):
    line = one_error(run("show", f"{ROTKO}:99", index=corpus_index))
    assert line.endswith("has 12 pages in the index (pages 1-12): there is no page 99")
    line = one_error(run("show", CORPUS / "nope.pdf", index=corpus_index))
    assert "is not in the index (`archive files` lists what is)" in line


def test_show_prints_values_as_a_person_reads_them(corpus_index):
    text = run("show", f"{ROTKO}:4", index=corpus_index).stdout
    assert "speaker_spellings:   Māris Čačka\n" in text
    assert "languages:           lv 100%\n" in text
    assert "['" not in text and "{'" not in text


def test_a_reader_that_closes_the_pipe_ends_the_output_quietly(corpus_index):
    # More than a pipe holds (64 kB), to a reader that reads nothing: the writer meets EPIPE.
    command = (f"{sys.executable} -c 'from cli import main; main()' --index {corpus_index} "
               "search 'lang:lv OR lang:lt OR lang:en' --pages --limit 1000 --json | true")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=ROOT,
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


def test_conflicting_options_are_a_usage_error_with_the_one_prefix(corpus_index):
    result = run("search", "LEAN", "--json", "--jsonl", index=corpus_index)
    assert one_error(result, code=2) == "archive: --json and --jsonl cannot be used together"
    assert result.stderr.startswith("Usage: ") and " search [OPTIONS]" in result.stderr
    assert one_error(run("files", "--json", "--jsonl", index=corpus_index), code=2)
    assert one_error(run("search", "--nope", "x", index=corpus_index), code=2)


def test_an_index_that_is_a_file_is_named_as_the_user_gave_it(tmp_path):
    file = tmp_path / "file"
    file.write_text("")
    line = one_error(run("search", "x", env={"ARCHIVE_INDEX": str(file)}), code=2)
    assert line == f"archive: ARCHIVE_INDEX names {file}, a file: the index is a folder"
    line = one_error(run("search", "x", index=file), code=2)
    assert line.startswith("archive: --index names")


def test_os_errors_are_one_line_naming_the_path(tmp_path):
    line = one_error(run("index", ROTKO, index="/proc/nope/idx"))
    assert line == "archive: /proc/nope: No such file or directory"
    index = tmp_path / "idx"
    line = one_error(run("index", "--report", "/proc/nope/r.jsonl", ROTKO, index=index))
    assert line == "archive: /proc/nope/r.jsonl: No such file or directory"
    assert not index.exists()  # stopped before it began


@pytest.fixture
def read_only(tmp_path):
    """TMP_PATH/ro: TMP_PATH/rw mounted read-only (a bind mount: root writes through chmod)."""
    (tmp_path / "rw").mkdir()
    (tmp_path / "ro").mkdir()
    mounted = subprocess.run(["mount", "--bind", str(tmp_path / "rw"), str(tmp_path / "ro")],
                             capture_output=True)
    if mounted.returncode:
        pytest.skip("cannot bind-mount here (needs root or CAP_SYS_ADMIN)")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(tmp_path / "ro")], check=True)
        yield tmp_path / "rw", tmp_path / "ro"
    finally:
        subprocess.run(["umount", str(tmp_path / "ro")], check=True)


def test_an_index_on_a_read_only_mount_is_searched_and_refuses_writes_in_one_line(read_only):
    writable, mounted = read_only
    assert run("index", ROTKO, index=writable / "idx").exit_code == 0
    line = one_error(run("index", CORPUS, index=mounted / "idx"))
    assert line == f"archive: {mounted / 'idx' / 'run.lock'}: Read-only file system"
    line = one_error(run("index", ROTKO, index=mounted / "new"))
    assert line == f"archive: {mounted / 'new'}: Read-only file system"
    found = run("search", "Rotko", "--json", index=mounted / "idx")
    assert found.exit_code == 0 and json.loads(found.stdout)  # nothing was lost


def test_a_named_file_that_is_not_a_presentation_is_named(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not slides")
    result = run("index", notes, ROTKO, index=tmp_path / "idx")
    assert result.exit_code == 0
    assert f"archive: {notes}: not a PDF or PPTX file; skipped" in result.stderr.splitlines()


def test_summaries_go_to_stderr_and_quiet_silences_them(tmp_path):
    index = tmp_path / "idx"
    dry = run("index", "--dry-run", ROTKO, index=index)
    assert dry.stdout.startswith("add  ") and dry.stdout.endswith(f"{ROTKO.name}\n")
    assert dry.stderr.startswith("1 to add, 0 to update")
    quiet = run("-q", "index", "--dry-run", ROTKO, index=index)
    assert (quiet.stdout, quiet.stderr) == (dry.stdout, "")
    real = run("-q", "index", ROTKO, index=index)
    assert (real.exit_code, real.stdout, real.stderr) == (0, "", "")


def test_verbose_logs_the_plan_and_each_commit_and_very_verbose_each_file(tmp_path):
    def index(*verbose):
        return subprocess.run([sys.executable, "-c", "from cli import main; main()", *verbose,
                               "--index", str(tmp_path / "idx"), "index", "--rebuild",
                               str(ROTKO)], cwd=ROOT, capture_output=True, text=True)

    quiet = index()
    assert "planned" not in quiet.stderr
    result = index("-v")
    assert "archive: planned in" in result.stderr
    assert "archive: committed 1 files" in result.stderr
    assert "archive: read" not in result.stderr
    result = index("-vv")
    assert f"archive: read {ROTKO}" in result.stderr


def test_a_snippet_cut_short_says_so_at_both_ends():
    from archive.query import Matched
    from archive.results import snippet

    words = [f"vārds{n}" for n in range(200)]
    words[100] = "Rotko"
    text = " ".join(words)
    keys = " ".join(w if w != "Rotko" else "=rotko" for w in words)
    cut = snippet(text, keys, "lv", Matched(exact={"rotko"})).text
    assert cut.startswith("… ") and cut.endswith(" …") and "Rotko" in cut
    whole = snippet("Rotko centrs", "=rotko centr", "lv", Matched(exact={"rotko"})).text
    assert whole == "Rotko centrs"


def test_the_progress_line_fits_the_terminal_and_its_eta_comes_from_the_rate(monkeypatch):
    import cli
    from indexer.pipeline import Progress

    monkeypatch.setattr(shutil, "get_terminal_size", lambda: os.terminal_size((40, 20)))
    clock = iter([100.0, 100.5, 102.0, 104.0])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    lines = []
    monkeypatch.setattr(cli.click, "echo", lambda text, **kw: lines.append(text))
    line = cli._ProgressLine()
    # The workers took 30 s to start; then a file a second.
    for done, seconds in ((1, 30.0), (2, 30.5), (4, 32.0), (6, 34.0)):
        line(Progress(done=done, total=10, pages=done * 10, seconds=seconds))
    assert all(text.startswith("\r\033[K") and len(text) - 4 <= 39 for text in lines)
    assert "left" not in lines[0]
    assert lines[-1] == "\r\033[K6/10 files, 60 pages, 12 pages/s"  # the time left: no room
    monkeypatch.setattr(shutil, "get_terminal_size", lambda: os.terminal_size((120, 20)))
    clock = iter([200.0, 204.0])
    line = cli._ProgressLine()
    line(Progress(done=1, total=10, pages=10, seconds=30.0))
    line(Progress(done=5, total=10, pages=50, seconds=34.0))
    assert lines[-1].endswith("5/10 files, 50 pages, 10 pages/s, 0:05 left")


def test_ctrl_c_after_every_file_was_committed_says_so():
    from indexer.pipeline import Interrupted

    assert str(Interrupted(5, 5)) == "interrupted after all 5 files were read and committed"
    assert "run again to carry on" in str(Interrupted(2, 5))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["detect", "Labdien, Rīga"],
                                  ["search", "--help"]])
def test_help_version_and_detect_import_neither_whoosh_nor_the_query_code(args):
    code = (
        "import sys\n"
        "from cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh'"
        " or m in ('archive.query', 'archive.store'))\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT)
    assert "LOADED []" in done.stderr, done.stderr


def test_the_installed_command_ends_a_closed_pipe_quietly_too(corpus_index):
    script = shutil.which("archive", path=str(Path(sys.executable).parent))
    assert script
    command = f"{script} --index {corpus_index} files --json | true"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                          text=True)
    assert (done.returncode, done.stderr) == (0, "")


def test_similar_to_a_page_out_of_range_says_how_many_pages_the_file_has(corpus_index):
    line = one_error(run("similar", f"{ROTKO}:13", index=corpus_index))
    assert line.endswith("has 12 pages in the index (pages 1-12): there is no page 13")


def test_ctrl_c_says_what_stands_a_second_one_too_and_a_rebuild_says_it_was_given_up(
        tmp_path, monkeypatch):
    import indexer.pipeline as pipeline

    def stop_at_once(*args, **kwargs):
        raise KeyboardInterrupt

    def stop_between_files(*args, **kwargs):
        raise pipeline.Interrupted(1, 3)

    monkeypatch.setattr(pipeline, "index_paths", stop_at_once)
    line = one_error(run("index", ROTKO, index=tmp_path / "idx"), code=130)
    assert line == ("archive: interrupted at once: the index is as of its last commit, "
                    "searchable; run again to carry on")
    for stop in (stop_at_once, stop_between_files):
        monkeypatch.setattr(pipeline, "index_paths", stop)
        line = one_error(run("index", "--rebuild", ROTKO, index=tmp_path / "idx"), code=130)
        assert line == ("archive: interrupted: the rebuild was given up, and the index is as "
                        "it was before it")
