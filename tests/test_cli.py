import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.store import META_FILE
from cli import main
from conftest import CORPUS, ROOT


def run(*args, index=None, env=None):
    prefix = ["--index", str(index)] if index else []
    return CliRunner(env=env).invoke(main, [*prefix, *map(str, args)], catch_exceptions=False)


def search_json(index, *args):
    result = run("search", *args, "--json", "--limit", 200, index=index)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def files_of(hits):
    """The files a search shows: each talk's best file and its other versions."""
    return {Path(hit["path"]).name for hit in hits} | {
        Path(v["path"]).name for hit in hits for v in hit.get("versions", [])}


def test_index_corpus_then_stats(tmp_path):
    result = run("index", CORPUS, index=tmp_path / "idx")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("15 added, 0 updated, 0 moved, 0 unchanged, 0 removed, 0 failed")
    stats = json.loads(run("stats", "--json", index=tmp_path / "idx").stdout)
    assert stats["documents"] == 15
    assert stats["documents_by_lang"] == {"lt": 9, "lv": 4, "en": 2}
    assert stats["documents_by_format"] == {"pdf": 7, "pptx": 7, "odp": 1}
    assert stats["pages"] == sum(stats["pages_by_lang"].values())
    assert len(stats["documents_by_speaker"]) == 13


def test_lean_in_lithuanian_finds_items_1_2_and_3(corpus_index):
    hits = search_json(corpus_index, "LEAN", "--lang", "lt")
    assert hits and {hit["lang"] for hit in hits} == {"lt"}
    files = {Path(hit["path"]).name for hit in hits}
    assert {
        "01_Lencevicius_LEAN_savivaldybe.pptx",
        "02_Sinkevicius_LEAN_SODRA_LT.pdf",
        "03_Jastremskis_LEAN_savivaldybeje.pptx",
    } <= files
    for hit in hits:
        assert set(hit) >= {"path", "page", "title", "speaker", "lang", "score", "snippet"}
        for start, end in hit["matches"]:
            assert hit["snippet"][start:end].casefold() == "lean"


def test_sodra_in_english_finds_the_english_version(corpus_index):
    hits = search_json(corpus_index, "SODRA", "--lang", "en")
    assert {Path(hit["path"]).name for hit in hits} == {"02_Sinkevicius_LEAN_SODRA_EN.pptx"}


def test_speaker_filter_ignores_case_and_diacritics(corpus_index):
    hits = search_json(corpus_index, "Rotko", "--speaker", "cacka")
    assert {Path(hit["path"]).name for hit in hits} == {"16_Cacka_Rotko_centrs.pdf"}
    assert {hit["speaker"] for hit in hits} == {"Māris Čačka"}


def test_speaker_filter_finds_both_versions_of_a_talk(corpus_index):
    hits = search_json(corpus_index, "LEAN", "--speaker", "Sinkevičius")
    assert len(hits) == 1  # one talk, its other version shown with it
    assert files_of(hits) == {
        "02_Sinkevicius_LEAN_SODRA_EN.pptx",
        "02_Sinkevicius_LEAN_SODRA_LT.pdf",
    }


def test_title_slide_spelling_of_a_speaker_also_matches(corpus_index):
    hits = search_json(corpus_index, "GIS", "--speaker", "Kučas")
    assert {Path(hit["path"]).name for hit in hits} == {"14_Kucas_GIS_savivaldybeje.pptx"}


def test_human_output_reads_like_grep(corpus_index, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("search", "Rotko", "--limit", 1, index=corpus_index)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert re.match(r"corpus/16_Cacka_Rotko_centrs\.pdf  .* · Māris Čačka · lv$", lines[0])
    assert len(lines) == 4  # the talk, then its three best pages as path:page and a snippet
    for line in lines[1:]:
        assert re.match(r"  corpus/16_Cacka_Rotko_centrs\.pdf:\d+  .*Rotko", line)
    assert "\x1b[" not in result.stdout  # no colour when not a terminal
    assert result.stderr == "1 talk, 8 pages match\n"
    pages = run("search", "Rotko", "--pages", "--limit", 2, "--offset", 1, index=corpus_index)
    assert re.fullmatch(r"8 matching pages \(showing 2-3\)\n", pages.stderr)
    assert [line.split(":")[0] for line in pages.stdout.splitlines()[::2]] == [
        "corpus/16_Cacka_Rotko_centrs.pdf"] * 2


def test_no_match_is_not_an_error(corpus_index):
    assert search_json(corpus_index, "zzzzqqq") == []
    result = run("search", "zzzzqqq", index=corpus_index)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "0 talks, 0 pages match\n")


def test_index_from_environment_variable(corpus_index):
    result = CliRunner(env={"ARCHIVE_INDEX": str(corpus_index)}).invoke(main, ["stats", "--json"])
    assert json.loads(result.stdout)["documents"] == 15


def test_broken_files_are_reported_one_line_each_and_the_rest_indexed(tmp_path):
    folder = tmp_path / "event"
    folder.mkdir()
    shutil.copy(CORPUS / "16_Cacka_Rotko_centrs.pdf", folder)
    shutil.copy(CORPUS / "12_Rymeikis_socialine_reklama.pptx", folder / "Reklama.PPTX")
    (folder / "empty.pdf").write_bytes(b"")
    data = (CORPUS / "05_Kozlova_ISO_standarti.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    shutil.copy(CORPUS / "05_Kozlova_ISO_standarti.pdf", folder / "renamed.pptx")
    (folder / "readme.txt").write_text("not a presentation")

    result = run("index", folder, index=tmp_path / "idx")

    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("archive: ")]
    assert len(errors) == 3, result.stderr
    assert any(line.endswith("empty.pdf: empty file") for line in errors)
    assert any("truncated.pdf: cannot read PDF: " in line for line in errors)
    assert any(line.endswith("renamed.pptx: not a PPTX file (content is a PDF)") for line in errors)
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[3].startswith(
        "2 added, 0 updated, 0 moved, 0 unchanged, 0 removed, 3 failed")
    stats = json.loads(run("stats", "--json", index=tmp_path / "idx").stdout)
    assert stats["documents"] == 2


def test_reindexing_replaces_and_rebuild_starts_afresh(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    shutil.copy(CORPUS / "16_Cacka_Rotko_centrs.pdf", one)
    shutil.copy(CORPUS / "05_Kozlova_ISO_standarti.pdf", two)
    index = tmp_path / "idx"
    assert run("index", one, index=index).exit_code == 0
    assert run("index", one, two, index=index).exit_code == 0
    assert json.loads(run("stats", "--json", index=index).stdout)["documents"] == 2
    assert run("index", "--rebuild", two, index=index).exit_code == 0
    stats = json.loads(run("stats", "--json", index=index).stdout)
    assert stats["documents_by_speaker"] == {"Ilona Kozlova": 1}


def test_missing_index_and_schema_mismatch_are_one_line_errors(tmp_path, corpus_index):
    result = run("search", "LEAN", index=tmp_path / "none")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"archive: no index at {tmp_path / 'none'}: run `archive index PATH` first"
    ]
    copy = tmp_path / "old"
    shutil.copytree(corpus_index, copy)
    (copy / META_FILE).write_text('{"schema_version": 0}')
    result = run("search", "LEAN", index=copy)
    assert result.exit_code == 1
    assert "run `archive index --rebuild PATH`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_usage_errors_exit_2(corpus_index):
    assert run("search", "LEAN", "--lang", "de", index=corpus_index).exit_code == 2
    assert run("index", "/no/such/folder", index=corpus_index).exit_code == 2
    assert run("search", index=corpus_index).exit_code == 2


COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"archive {command}" in readme


def test_search_does_not_import_extraction_libraries_the_lemma_dictionary_or_the_writer(
    corpus_index,
):
    code = (
        "import sys\n"
        "from cli import main\n"
        f"main(['--index', {str(corpus_index)!r}, 'search', 'LEAN', '--json'],"
        " standalone_mode=False)\n"
        "heavy = sorted(m for m in ('pypdf', 'pptx', 'langdetect', 'indexer', 'simplemma',"
        " 'wordfreq', 'urllib.request', 'asyncio', 'whoosh.lang.morph_en', 'whoosh.writing',"
        " 'logging', 'dataclasses', 'whoosh.qparser', 'hashlib', 'whoosh.lang.porter',"
        " 'whoosh.support.charset')"
        " if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "HEAVY []" in result.stderr
    assert json.loads(result.stdout)


def test_installed_console_script(tmp_path):
    script = shutil.which("archive", path=str(Path(sys.executable).parent))
    assert script, "the archive command is not installed beside this Python"
    index = tmp_path / "idx"
    subprocess.run(
        [script, "--index", str(index), "index", str(CORPUS / "16_Cacka_Rotko_centrs.pdf")],
        check=True, capture_output=True,
    )
    result = subprocess.run(
        [script, "--index", str(index), "search", "Rotko", "--speaker", "cacka", "--json"],
        check=True, capture_output=True, text=True,
    )
    hits = json.loads(result.stdout)
    assert hits and hits[0]["speaker"] == "Māris Čačka"
    version = subprocess.run([script, "--version"], check=True, capture_output=True, text=True)
    assert version.stdout.startswith("archive, version ")


def test_the_installed_command_ends_as_the_cli_does(tmp_path, corpus_index):
    """The console script ends the process at once after a command (see archive/launcher.py): the same
    output, errors and exit status as `cli.main` run as Python ends it."""
    script = shutil.which("archive", path=str(Path(sys.executable).parent))
    cases = [["--index", str(corpus_index), "search", "LEAN", "--limit", "2"],
             ["--index", str(corpus_index), "search", "LEAN", "--json"],
             ["--index", str(corpus_index), "search", "savivaldbe"],
             ["--index", str(tmp_path / "none"), "search", "LEAN"],
             ["--index", str(corpus_index), "search", "page:3"],
             ["search"], ["--version"], ["detect", "Labdien, kā jums klājas?"]]
    for args in cases:
        installed = subprocess.run([script, *args], capture_output=True, text=True, cwd=ROOT,
                                   check=False)
        python = subprocess.run(
            [sys.executable, "-c", "from cli import main; main(prog_name='archive')", *args],
            capture_output=True, text=True, cwd=ROOT, check=False)
        assert (installed.returncode, installed.stdout, installed.stderr) == (
            python.returncode, python.stdout, python.stderr), args
    # -q: the count line would reach stderr whenever the output fits the pipe before head exits
    closed = subprocess.run(f"{script} -q --index {corpus_index} search LEAN --pages | head -c 1",
                            shell=True, capture_output=True, text=True, check=False)
    assert closed.stderr == ""


def test_speakers_lists_each_person_once_with_every_spelling(corpus_index):
    people = json.loads(run("speakers", "--json", index=corpus_index).stdout)
    assert len(people) == 13
    by_name = {p["name"]: p for p in people}
    assert set(by_name["Mindaugs Sinkevičius"]["spellings"]) == {
        "Mindaugs Sinkevičius", "Mindaugas Sinkevičius"}
    assert by_name["Mindaugs Sinkevičius"]["talks"] == 1  # one talk, in two languages
    assert by_name["Mindaugs Sinkevičius"]["languages"] == {"en": 1, "lt": 1}
    assert set(by_name["Andrius Kucas"]["spellings"]) == {"Andrius Kucas", "Andrius Kučas"}
    text = run("speakers", index=corpus_index).stdout
    assert "Andrius Kucas  (1 talk: lt 1)  also: Andrius Kučas" in text.splitlines()


@pytest.mark.parametrize(
    "name, files",
    [
        ("Mindaugas Sinkevičius", {"02_Sinkevicius_LEAN_SODRA_EN.pptx", "02_Sinkevicius_LEAN_SODRA_LT.pdf"}),
        ("mindaugs", {"02_Sinkevicius_LEAN_SODRA_EN.pptx", "02_Sinkevicius_LEAN_SODRA_LT.pdf",
                      "11_Ardisauskas_savivaldybes_ivaizdis.pptx"}),
        ("kucas", {"14_Kucas_GIS_savivaldybeje.pptx"}),
        ("Kučas", {"14_Kucas_GIS_savivaldybeje.pptx"}),
        ("Sinkevičiaus", {"02_Sinkevicius_LEAN_SODRA_EN.pptx", "02_Sinkevicius_LEAN_SODRA_LT.pdf"}),
    ],
)
def test_speaker_any_spelling(corpus_index, name, files):
    hits = search_json(corpus_index, "LEAN OR GIS OR savivaldybė", "--speaker", name)
    assert files_of(hits) == files
    in_query = search_json(corpus_index, f'speaker:"{name.split()[-1]}"')
    assert files_of(in_query) >= files
