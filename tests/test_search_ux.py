"""Search people can work with: talks grouped, fields, suggestions, similar, show, inspect."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from conftest import CORPUS


def run(index, *args, env=None):
    return CliRunner(env=env).invoke(main, ["--index", str(index), *map(str, args)],
                                     catch_exceptions=False)


def names(rows):
    return [Path(row["path"]).name for row in rows]


def test_results_are_grouped_by_talk_with_best_pages_and_versions(corpus_index):
    rows = json.loads(run(corpus_index, "search", "SODRA", "--json").stdout)
    assert len(rows) == 1  # both versions: one talk, under the one that matches best
    row = rows[0]
    files = {"02_Sinkevicius_LEAN_SODRA_LT.pdf": ("lt", "pdf"),
             "02_Sinkevicius_LEAN_SODRA_EN.pptx": ("en", "pptx")}
    assert {names(rows)[0], *(Path(v["path"]).name for v in row["versions"])} == set(files)
    (version,) = row["versions"]
    assert (version["lang"], version["format"]) == files[Path(version["path"]).name]
    assert 1 <= len(row["pages"]) <= 3
    assert row["page"] == row["pages"][0]["page"] and row["score"] == row["pages"][0]["score"]
    assert [p["score"] for p in row["pages"]] == sorted((p["score"] for p in row["pages"]), reverse=True)
    for page in row["pages"]:
        assert all(page["snippet"][a:b].lower().startswith("sodr") for a, b in page["matches"])


def test_no_collapse_lists_each_file(corpus_index):
    rows = json.loads(run(corpus_index, "search", "SODRA", "--no-collapse", "--json").stdout)
    assert sorted(names(rows)) == ["02_Sinkevicius_LEAN_SODRA_EN.pptx", "02_Sinkevicius_LEAN_SODRA_LT.pdf"]


def test_paging_through_talks_and_totals(corpus_index):
    first = run(corpus_index, "search", "savivaldybė", "--limit", 2)
    second = run(corpus_index, "search", "savivaldybė", "--limit", 2, "--offset", 2, "--json")
    # 9 Lithuanian files, two of them one talk
    assert first.stderr.startswith("8 talks, ") and first.stderr.endswith("match (showing 1-2)\n")
    heads = [line.split()[0] for line in first.stdout.splitlines() if not line.startswith(" ")]
    later = names(json.loads(second.stdout))
    assert len(heads) == 2 and len(later) == 2
    assert not {Path(h).name for h in heads} & set(later)


def test_jsonl_is_one_object_a_line(corpus_index):
    result = run(corpus_index, "search", "LEAN", "--jsonl", "--limit", 3)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    for row in rows:
        assert set(row) >= {"path", "page", "score", "snippet", "title", "speaker", "lang",
                            "matches", "pages", "versions"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("format:pdf Rotko", {"16_Cacka_Rotko_centrs.pdf"}),
        ("format:pptx SODRA", {"02_Sinkevicius_LEAN_SODRA_EN.pptx"}),
        ("lang:en LEAN", {"02_Sinkevicius_LEAN_SODRA_EN.pptx"}),
        ("title:rotko", {"16_Cacka_Rotko_centrs.pdf"}),
        ("speaker:stahovska", {"06_Stahovska_sadarbiba_ar_uznemejiem.pptx"}),
        ("event:pasvaldibas Rotko", {"16_Cacka_Rotko_centrs.pdf"}),
        ("speaker:mindaugs AND GIS", set()),
        ("ISO*", {"05_Kozlova_ISO_standarti.pdf"}),
        # values match whatever their case: as the output prints them, as typed
        ("format:PDF Rotko", {"16_Cacka_Rotko_centrs.pdf"}),
        ("lang:EN LEAN", {"02_Sinkevicius_LEAN_SODRA_EN.pptx"}),
        ("path:*punis*", {"15_Punis_orientuotas_i_rezultatus.pdf"}),
        ("path:Punis", {"15_Punis_orientuotas_i_rezultatus.pdf"}),
        ("path:corpus/15_Punis_orientuotas_i_rezultatus.pdf", {"15_Punis_orientuotas_i_rezultatus.pdf"}),
        ("path:*SODRA*.pptx", {"02_Sinkevicius_LEAN_SODRA_EN.pptx"}),
        ("path:nowhere", set()),
        # an event by its place too; a talk by the title the catalog gives it
        ("event:anyksciai Rotko", {"16_Cacka_Rotko_centrs.pdf"}),
        ("title:izversana", {"02_Sinkevicius_LEAN_SODRA_EN.pptx", "02_Sinkevicius_LEAN_SODRA_LT.pdf",
                             "03_Jastremskis_LEAN_savivaldybeje.pptx"}),
    ],
)
def test_fields_in_the_query(corpus_index, query, expected, monkeypatch):
    monkeypatch.chdir(CORPUS.parent)  # a path as printed is relative to the current folder
    rows = json.loads(run(corpus_index, "search", query, "--no-collapse", "--json").stdout)
    assert set(names(rows)) == expected


def test_every_corpus_talk_was_given_at_its_event_and_place(corpus_index):
    every = json.loads(run(corpus_index, "search", "event:anyksciai", "--no-collapse", "--limit",
                           "100", "--json").stdout)
    assert len(every) == 15


@pytest.mark.parametrize("query, items", [
    ('"Pašvaldības tēla radīšana"', {"11_Ardisauskas_savivaldybes_ivaizdis.pptx"}),
    ("izvēršana", {"02_Sinkevicius_LEAN_SODRA_EN.pptx", "02_Sinkevicius_LEAN_SODRA_LT.pdf",
                   "03_Jastremskis_LEAN_savivaldybeje.pptx"}),
    ("izversanu", {"02_Sinkevicius_LEAN_SODRA_EN.pptx", "02_Sinkevicius_LEAN_SODRA_LT.pdf",
                   "03_Jastremskis_LEAN_savivaldybeje.pptx"}),  # another form, no diacritics
])
def test_the_catalogs_titles_find_their_talks(corpus_index, query, items):
    """The published list names the talks in Latvian, whatever language they were given in."""
    rows = json.loads(run(corpus_index, "search", query, "--no-collapse", "--json").stdout)
    assert set(names(rows)) == items


def test_an_acronym_finds_only_its_own_spelling(corpus_index):
    rows = json.loads(run(corpus_index, "search", "ISO", "--pages", "--limit", "100", "--json").stdout)
    assert rows and all("iso" in row["snippet"].lower() for row in rows)


def test_wildcards_fold_diacritics_and_case_as_words_do(corpus_index):
    def found(query):
        return {(row["path"], row["page"]) for row in json.loads(
            run(corpus_index, "search", query, "--pages", "--limit", "500", "--json").stdout)}

    assert found("pasvald*") == found("pašvald*") == found("PAŠVALD*") != set()
    assert found("savivaldyb?s") == found("savivaldyb?s") != set()


def pages_found(index, *args):
    result = run(index, "search", *args, "--pages", "--limit", "10000", "--json")
    return {(row["path"], row["page"]) for row in json.loads(result.stdout)}, result.stderr


def test_a_pattern_of_too_many_words_searches_those_on_most_pages_and_says_so(corpus_index):
    found, said = pages_found(corpus_index, "p*")
    note = re.fullmatch(r"archive: p\* matches ([\d,]+) words: searched for the 250 found on the "
                        r"most pages; narrow it to reach the others\n", said)
    assert note and int(note[1].replace(",", "")) > 250
    assert found >= pages_found(corpus_index, "par", "--exact")[0] != set()  # the commonest
    assert pages_found(corpus_index, "pasvald*")[1] == ""  # under the bound: all, nothing said


def test_patterns_and_ranges_of_fields_are_bounded_too(corpus_index, monkeypatch):
    import archive.query

    monkeypatch.setattr(archive.query, "MAX_PATTERN_SCAN", 3)
    monkeypatch.setattr(archive.query, "MAX_PATTERN_WORDS", 2)
    for typed in ("title:s*", "title:[a TO z]"):
        found, said = pages_found(corpus_index, typed)
        assert found and said == (f"archive: {typed} matches more than 3 words: searched for the "
                                  f"2 found on the most pages; narrow it to reach the others\n")


def test_a_lone_star_finds_every_page(corpus_index):
    pages = json.loads(run(corpus_index, "stats", "--json").stdout)["pages"]
    assert len(pages_found(corpus_index, "*")[0]) == pages


@pytest.mark.parametrize("query, said", [
    ("a" * 100_000, ("archive: a word of the query is 100,000 characters long "
                     "(aaaaaaaaaaaaaaaaaaaa…); a word can be at most 100\n")),
    ("darbs " * 200, ("archive: the query is 1,200 characters long; a query can be at most "
                      "1,000\n")),
])
def test_a_query_too_long_to_be_one_is_refused_in_one_line(corpus_index, query, said):
    result = run(corpus_index, "search", query)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", said)


@pytest.mark.parametrize("typed, suggested", [
    ("lean or gis", "lean OR gis"), ("gis and lean", "gis AND lean"), ("not lean", "NOT lean")])
def test_a_lower_case_operator_is_offered_in_capitals(corpus_index, typed, suggested):
    assert f"Did you mean: {suggested}\n" in run(corpus_index, "search", typed).stderr


def test_a_name_alone_has_no_language():
    result = CliRunner().invoke(main, ["detect", "Mindaugas Sinkevičius"])
    assert result.stdout == "none 0.000\n"


def test_analyze_shows_the_keys_of_both_sides(corpus_index):
    lines = run(corpus_index, "analyze", "--lang", "lv", "Rīga iedzīvotāja ISO").stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["rīga", "index", "rīg#a"], ["iedzīvotāja", "index", "iedzīvotāj#s"], ["iso", "index", "iso="]]
    assert lines[0].endswith("query lv rīg|rīg#a") and lines[2].endswith("query as spelled")
    rows = json.loads(run(corpus_index, "analyze", "--lang", "lt", "turas", "--json").stdout)
    assert rows[0]["index"] == ["tur#as"] and set(rows[0]["query"]["keys"]) == {"lt", "lv"}


@pytest.mark.parametrize(
    "typed, suggested",
    [("savivaldbe", "savivaldybė"), ("pasvldiba", "pašvaldība"), ("Rotkko", "rotko")],
)
def test_did_you_mean(corpus_index, typed, suggested):
    result = run(corpus_index, "search", typed)
    assert f"Did you mean: {suggested}\n" in result.stderr


def test_no_suggestion_when_the_query_finds_enough(corpus_index):
    assert "Did you mean" not in run(corpus_index, "search", "LEAN").stderr


@pytest.mark.parametrize("typed", ["karšu", "sienų"])  # no slide spells them; other forms are
def test_no_suggestion_for_a_word_found_by_its_other_forms(corpus_index, typed):
    result = run(corpus_index, "search", typed)
    assert "1 talk" in result.stderr and "Did you mean" not in result.stderr


def test_similar_talks_across_languages(corpus_index):
    lean = CORPUS / "01_Lencevicius_LEAN_savivaldybe.pptx"
    rows = json.loads(run(corpus_index, "similar", lean, "--json").stdout)
    found = names(rows)
    assert "01_Lencevicius_LEAN_savivaldybe.pptx" not in found
    assert {"03_Jastremskis_LEAN_savivaldybeje.pptx", "02_Sinkevicius_LEAN_SODRA_LT.pdf"} <= set(found[:4])
    english = CORPUS / "02_Sinkevicius_LEAN_SODRA_EN.pptx"
    rows = json.loads(run(corpus_index, "similar", f"{english}:2", "--json").stdout)
    assert "02_Sinkevicius_LEAN_SODRA_LT.pdf" not in names(rows)  # its own talk
    assert set(names(rows)) & {"01_Lencevicius_LEAN_savivaldybe.pptx",
                               "03_Jastremskis_LEAN_savivaldybeje.pptx"}


def test_show_a_talk_and_a_slide(corpus_index):
    path = CORPUS / "16_Cacka_Rotko_centrs.pdf"
    whole = json.loads(run(corpus_index, "show", path, "--json").stdout)
    assert whole["speaker"] == "Māris Čačka" and whole["speaker_source"] == "catalog"
    assert len(whole["page_texts"]) == whole["pages"] == 12
    one = run(corpus_index, "show", f"{path}:4")
    assert "--- " in one.stdout and ":4  [lv]" in one.stdout and "Rotko" in one.stdout
    assert one.stdout.count("\n--- ") == 1
    missing = run(corpus_index, "show", "nowhere.pdf")
    assert missing.exit_code == 1 and "is not in the index" in missing.stderr


def test_inspect_reads_without_indexing(tmp_path):
    result = run(tmp_path / "idx", "inspect", CORPUS / "14_Kucas_GIS_savivaldybeje.pptx")
    assert result.exit_code == 0
    assert "speaker:     Andrius Kucas (from catalog" in result.stdout
    assert "--- page 11  [lt]" in result.stdout
    assert not (tmp_path / "idx").exists()
    data = json.loads(run(tmp_path / "idx", "inspect", "--json",
                          CORPUS / "05_Kozlova_ISO_standarti.pdf").stdout)
    assert data["lang"] == "lv" and data["speaker"]["name"] == "Ilona Kozlova"
    broken = tmp_path / "empty.pdf"
    broken.write_bytes(b"")
    failed = run(tmp_path / "idx", "inspect", broken)
    assert failed.exit_code == 1 and failed.stderr.strip().endswith("empty.pdf: empty file")


def test_stats_count_events_and_years(corpus_index):
    stats = json.loads(run(corpus_index, "stats", "--json").stdout)
    assert stats["documents_by_year"] == {"2018": 15}
    assert list(stats["documents_by_event"].values()) == [15]


def test_bold_only_on_a_terminal_without_no_color(corpus_index, monkeypatch):
    import cli

    monkeypatch.setattr(cli, "use_color", lambda: True)
    coloured = CliRunner().invoke(main, ["--index", str(corpus_index), "search", "Rotko",
                                         "--limit", "1"], color=True)
    assert "\x1b[1mRotko\x1b[0m" in coloured.stdout
    monkeypatch.undo()
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli.use_color()


def test_shell_completion_script_is_available():
    import shutil
    import subprocess
    import sys

    script = shutil.which("archive", path=str(Path(sys.executable).parent))
    for shell in ("bash", "zsh", "fish"):
        result = subprocess.run([script], env={"_ARCHIVE_COMPLETE": f"{shell}_source",
                                               "PATH": "/usr/bin:/bin"},
                                capture_output=True, text=True, check=True)
        assert "_ARCHIVE_COMPLETE" in result.stdout


def test_search_help_states_the_query_limits_in_force():
    import archive.query as query

    said = " ".join(CliRunner().invoke(main, ["search", "--help"]).stdout.split())
    assert f"more than {query.MAX_PATTERN_WORDS} words is searched as the " \
           f"{query.MAX_PATTERN_WORDS} on the most pages" in said
    assert f"at most {query.MAX_QUERY_CHARS:,} characters, a word {query.MAX_WORD_CHARS}" in said
