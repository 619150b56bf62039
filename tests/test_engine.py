"""The engine's fast paths against Whoosh's own code (`ARCHIVE_PLAIN_WHOOSH=1`): an index
searched both ways answers the same, scores and order included, and written both ways holds the
same pages, terms and matches. A Whoosh upgrade that breaks a fast path fails here, told apart
from a change of Whoosh's own answers.

Written by Whoosh's own writer, a page's length in a language's field counts both keys of a
word that has two ("a|b"); the archive's writer counts the word once (see
`archive.engine.schema.AnalysedText.length`), so scores differ there by design, a little."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import CORPUS, ROOT

from archive import engine
from archive.query import search, search_talks, similar, stats, suggest
from archive.store import Archive
from cli import main
from indexer.pipeline import index_paths

QUERIES = [  # (text, --lang, --speaker): words, operators, phrases, patterns, fields, filters
    ("LEAN", None, None), ("LEAN", "lt", None), ("sadarbība", None, None),
    ("pasvaldibu sadarbiba ar uznemejiem", None, None), ("SODRA", None, "mindaugs"),
    ("savivaldybė", "lt", None), ("planning", "en", None), ("projekts OR project", None, None),
    ('"socialinės rinkodaros"', None, None), ("pasvald*", None, None), ("p*", None, None),
    ("speaker:cacka Rotko", None, None), ("year:[2017 TO 2019] LEAN", None, None),
    ("LEAN NOT SODRA", None, None), ("title:LEAN", "lt", None), ("*", None, None),
]


@pytest.fixture(scope="module")
def written_plainly(tmp_path_factory):
    """The corpus indexed by Whoosh's own writer, merges and all."""
    index_dir = tmp_path_factory.mktemp("plain") / "idx"
    os.environ["ARCHIVE_PLAIN_WHOOSH"] = "1"
    try:
        assert index_paths([CORPUS], index_dir, jobs=1).failures == []
    finally:
        del os.environ["ARCHIVE_PLAIN_WHOOSH"]
    return index_dir


def answers(index_dir) -> dict:
    archive = Archive.open(index_dir)
    try:
        found = {}
        for text, lang, speaker in QUERIES:
            talks = search_talks(archive, text, lang=lang, speaker=speaker, limit=None)
            pages = search(archive, text, lang=lang, speaker=speaker, limit=None)
            found[(text, lang, speaker)] = (talks, pages, suggest(archive, text))
        found["similar"] = similar(archive, str(CORPUS / "16_Cacka_Rotko_centrs.pdf"))
        found["stats"] = stats(archive)
        return found
    finally:
        archive.close()


@pytest.fixture(scope="module")
def ours(corpus_index):
    return answers(corpus_index)


def test_whooshs_own_readers_answer_as_the_fast_paths(corpus_index, ours, monkeypatch):
    monkeypatch.setenv("ARCHIVE_PLAIN_WHOOSH", "1")
    assert engine.plain()
    assert answers(corpus_index) == ours
    assert all(ours[query][0].total_pages for query in ours if query[0] in ("LEAN", "p*"))


def matches(found: dict) -> dict:
    """What the answers hold but their scores and order: the pages each query matches."""
    held = {}
    for query, answer in found.items():
        if query == "stats":
            held[query] = answer
        elif query == "similar":
            held[query] = {page.path for hit in answer.files for page in hit.pages}
        else:
            talks, (pages, total), suggestion = answer
            held[query] = ({(hit.path, hit.page, hit.snippet) for hit in pages}, total,
                           talks.total_files, talks.total_pages, suggestion)
    return held


def test_an_index_written_by_whooshs_own_writer_holds_the_same(written_plainly, corpus_index,
                                                                ours):
    assert matches(answers(written_plainly)) == matches(ours)
    for index_dir in (written_plainly, corpus_index):
        archive = Archive.open(index_dir)
        with archive.searcher() as searcher:
            reader = searcher.reader()
            held = sorted((tuple(sorted(f.items())) for f in reader.all_stored_fields()), key=str)
            terms = {field: list(reader.lexicon(field)) for field in reader.indexed_field_names()}
        archive.close()
        if index_dir == written_plainly:
            plain_held, plain_terms = held, terms
    assert held == plain_held and terms == plain_terms


def test_searched_both_ways_the_command_prints_the_same(corpus_index):
    """Through the whole command, in a fresh process: the start-up stand-ins off too."""
    def run(plain: bool, *args) -> tuple[str, str, list]:
        env = {**os.environ, "ARCHIVE_PLAIN_WHOOSH": "1" if plain else ""}
        code = ("import sys; from cli import main\n"
                "try:\n    main()\nfinally:\n"
                "    print(sorted(m for m in ('urllib.request', 'asyncio') if m in sys.modules),"
                " file=sys.stderr)\n")
        done = subprocess.run([sys.executable, "-c", code, "--index", str(corpus_index), *args],
                              capture_output=True, text=True, cwd=ROOT, env=env, check=False)
        *said, loaded = done.stderr.splitlines()
        return done.stdout, "\n".join(said), json.loads(loaded.replace("'", '"'))

    for args in (["search", "LEAN", "--lang", "lt"], ["search", "pasvald*", "--json"],
                 ["show", str(CORPUS / "16_Cacka_Rotko_centrs.pdf") + ":2"]):
        fast, plain = run(False, *args), run(True, *args)
        assert fast[:2] == plain[:2] and fast[0]
        assert fast[2] == [] and plain[2] == ["asyncio", "urllib.request"]


def test_the_switch_is_read_when_used(monkeypatch):
    monkeypatch.setenv("ARCHIVE_PLAIN_WHOOSH", "0")
    assert not engine.plain()
    monkeypatch.setenv("ARCHIVE_PLAIN_WHOOSH", "1")
    assert engine.plain()
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0


def test_the_schema_s_classes_keep_the_name_indexes_know_them_by(corpus_index):
    """Whoosh pickles the schema into the table of contents, naming each class by its module:
    `archive.schema`, as every index written before the engine's package was made says."""
    held = sorted(corpus_index.glob("_MAIN_*.toc"))[-1].read_bytes()
    assert b"archive.schema" in held and b"archive.engine" not in held
    code = ("import pickle, archive.schema as s; "
            "print(pickle.loads(pickle.dumps(s.AnalysedText)).__name__)")
    done = subprocess.run([sys.executable, "-c", code],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout == "AnalysedText\n"
