"""Inflection and diacritics: what search understands of Latvian, Lithuanian and English."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.analysis import analyze, folded_key, index_key, page_terms, query_key, tokens
from archive.query import search
from archive.store import Archive
from archive.text import fold
from indexer.model import Document, Page

# Forms of one word from grammar tables, not from any treebank.
SAME_WORD = [
    ("lv", ["pašvaldība", "pašvaldības", "pašvaldībai", "pašvaldību", "pašvaldībā", "pašvaldībām"]),
    ("lv", ["strādāt", "strādāju", "strādā", "strādājam", "strādāja", "strādās", "nestrādāja"]),
    ("lv", ["uzņēmējs", "uzņēmēja", "uzņēmējam", "uzņēmēji", "uzņēmējiem", "uzņēmējus"]),
    ("lv", ["liels", "lielā", "lielais", "lielajā", "lielāks", "lielākais"]),
    ("lt", ["savivaldybė", "savivaldybės", "savivaldybei", "savivaldybėje", "savivaldybių",
            "savivaldybėms", "savivaldybėse"]),
    ("lt", ["dirbti", "dirba", "dirbame", "dirbo", "dirbs", "dirbtų", "dirbdamas"]),
    ("lt", ["planuoti", "planuoja", "planavo", "planuojamas", "planuojami"]),
    ("lt", ["gyventojas", "gyventojo", "gyventojui", "gyventoją", "gyventojai", "gyventojų"]),
    ("en", ["municipality", "municipalities"]),
    ("en", ["work", "works", "worked", "working"]),
]


@pytest.mark.parametrize("lang, forms", SAME_WORD, ids=[forms[0] for _, forms in SAME_WORD])
def test_forms_of_a_word_share_one_key(lang, forms):
    assert len({index_key(form, lang) for form in forms}) == 1


DIFFERENT_WORDS = [
    ("lv", "plāns", "plānot"),  # noun and verb of one root
    ("lv", "nākt", "nākties"),  # a verb and its reflexive
    ("lv", "dzīve", "dzīvot"),
    ("lt", "darbas", "darbuotojas"),  # Snowball merges these
    ("lt", "planas", "planuoti"),
    ("lt", "naudoti", "naudotis"),
]


@pytest.mark.parametrize("lang, a, b", DIFFERENT_WORDS, ids=[f"{a}-{b}" for _, a, b in DIFFERENT_WORDS])
def test_different_words_keep_different_keys(lang, a, b):
    assert index_key(a, lang) != index_key(b, lang)


@pytest.mark.parametrize(
    "lang, typed, real",
    [
        ("lv", "pasvaldibam", "pašvaldībām"),
        ("lv", "uznemejiem", "uzņēmējiem"),
        ("lv", "stradaja", "strādāja"),
        ("lt", "savivaldybese", "savivaldybėse"),
        ("lt", "zemelapiu", "žemėlapių"),
    ],
)
def test_a_word_typed_without_diacritics_reaches_the_folded_key(lang, typed, real):
    assert folded_key(typed, lang) == fold(index_key(real, lang))


def test_dictionary_forms_get_the_index_key_without_the_dictionary():
    assert query_key("pašvaldība", "lv") == index_key("pašvaldībām", "lv")
    assert query_key("strādāt", "lv") == index_key("strādājam", "lv")
    assert query_key("savivaldybė", "lt") == index_key("savivaldybėse", "lt")


def test_pages_without_language_keep_words_as_they_are():
    terms = page_terms("LEAN 2018 Čačka", None)
    assert (terms.exact, terms.keys, terms.vocabulary()) == (
        "lean 2018 čačka", "lean 2018 čačka", set())


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(), st.sampled_from(["lv", "lt", "en", None]))
def test_every_word_gets_one_nonempty_key(text, lang):
    terms = page_terms(text, lang)
    words = terms.exact.split()
    assert words == [token.text for token in tokens(text)]
    assert len(terms.keys.split()) == len(words)
    assert all(terms.keys.split())
    assert len(terms.vocabulary()) <= len(words)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet="aābcčdeēfgģhiījkķlļmnņoprsštuūvzžąęėįųy", min_size=1, max_size=14),
       st.sampled_from(["lv", "lt", "en"]))
def test_rule_keys_never_fail(word, lang):
    assert query_key(word, lang)
    assert folded_key(word, lang) == fold(folded_key(word, lang))


def test_analyze_reports_tokens_and_keys():
    result = analyze("Savivaldybės dirbo", "lt")
    assert [(a.token, a.key, a.start, a.end) for a in result] == [
        ("savivaldybės", "savivaldyb", 0, 12), ("dirbo", "dirb~", 13, 18)]


# Query -> (file, a word form on a matching page that is not the query's spelling).
CORPUS_PAIRS = [
    ("lv", "pasvaldiba", "04_", "pašvaldībām"),
    ("lv", "pašvaldība", "06_", "pašvaldību"),
    ("lv", "uznemejs", "06_", "uzņēmējiem"),
    ("lv", "strādāt", "04_", "strādā"),
    ("lv", "atbalstīt", "16_", "atbalstīja"),
    ("lv", "iedzivotajs", "04_", "iedzīvotājiem"),
    ("lv", "pakalpojums", "04_", "pakalpojumiem"),
    ("lv", "darbinieks", "05_", "darbiniekus"),
    ("lv", "izstāde", "16_", "izstādes"),
    ("lv", "mantojums", "16_", "mantojumu"),
    ("lv", "standarts", "05_", "standartiem"),
    ("lv", "apmeklētājs", "04_", "apmeklētājam"),
    ("lv", "birojs", "04_", "birojā"),
    ("lt", "savivaldybe", "01_", "savivaldybėse"),
    ("lt", "savivaldybe", "08_", "savivaldybių"),
    ("lt", "vadyba", "01_", "vadybos"),
    ("lt", "dirbti", "03_", "dirbame"),
    ("lt", "dirbti", "07_", "dirba"),
    ("lt", "tobulinti", "03_", "tobulina"),
    ("lt", "diegti", "01_", "diegiant"),
    ("lt", "dalyvauti", "08_", "dalyvauja"),
    ("lt", "gyventojas", "08_", "gyventojai"),
    ("lt", "rodiklis", "15_", "rodiklių"),
    ("lt", "zemelapis", "14_", "žemėlapių"),
    ("lt", "sprendimas", "14_", "sprendimus"),
    ("lt", "paslauga", "07_", "paslaugomis"),
    ("en", "deploy", "02_Sinkevicius_LEAN_SODRA_EN", "deploying"),
    ("en", "employee", "02_Sinkevicius_LEAN_SODRA_EN", "employees"),
    ("en", "improvement", "02_Sinkevicius_LEAN_SODRA_EN", "improving"),
    ("en", "train", "02_Sinkevicius_LEAN_SODRA_EN", "training"),
    ("en", "manager", "02_Sinkevicius_LEAN_SODRA_EN", "managers"),
    ("en", "process", "02_Sinkevicius_LEAN_SODRA_EN", "processes"),
    ("en", "organisation", "02_Sinkevicius_LEAN_SODRA_EN", "organisations"),
    ("en", "lesson", "02_Sinkevicius_LEAN_SODRA_EN", "lessons"),
    ("en", "meeting", "02_Sinkevicius_LEAN_SODRA_EN", "meetings"),
    ("en", "indicator", "02_Sinkevicius_LEAN_SODRA_EN", "indicators"),
    ("en", "benefits", "02_Sinkevicius_LEAN_SODRA_EN", "benefit"),
    ("en", "learn", "02_Sinkevicius_LEAN_SODRA_EN", "learned"),
    ("en", "queue", "02_Sinkevicius_LEAN_SODRA_EN", "queues"),
]


@pytest.mark.parametrize(
    "lang, query, file, form", CORPUS_PAIRS, ids=[f"{q}-{f}" for _, q, _, f in CORPUS_PAIRS]
)
def test_corpus_query_finds_other_forms(corpus_index, lang, query, file, form):
    archive = Archive.open(corpus_index)
    try:
        hits, _ = search(archive, query, lang=lang, limit=None)
    finally:
        archive.close()
    matched = {
        (Path(hit.path).name, hit.snippet.text[a:b].lower())
        for hit in hits for a, b in hit.snippet.matches
    }
    assert any(name.startswith(file) and word == form for name, word in matched), matched


@pytest.fixture
def tiers(tmp_path):
    """Three Latvian pages: the exact form, another form, the word without diacritics."""
    pages = ("Pašvaldībām jāsadarbojas.", "Pašvaldības sadarbojas.", "Pasvaldibas sadarbojas.")
    archive = Archive.create(tmp_path / "idx")
    with archive.writer() as writer:
        for n, text in enumerate(pages):
            writer.replace(Document(path=f"/p{n}.pdf", format="pdf", title=None, author=None,
                                    pages=(Page(1, text, "lv"),), lang="lv"))
    yield archive
    archive.close()


def test_exact_ranks_above_inflected_above_folded(tiers):
    hits, total = search(tiers, "pašvaldībām")
    assert [hit.path for hit in hits] == ["/p0.pdf", "/p1.pdf", "/p2.pdf"]
    assert hits[0].score > hits[1].score > hits[2].score


def test_exact_keeps_only_the_spelling_typed(tiers):
    hits, _ = search(tiers, "PAŠVALDĪBĀM", exact=True)
    assert [hit.path for hit in hits] == ["/p0.pdf"]


def test_word_without_diacritics_finds_every_form(tiers):
    hits, _ = search(tiers, "pasvaldiba")
    assert {hit.path for hit in hits} == {"/p0.pdf", "/p1.pdf", "/p2.pdf"}


def test_phrases_match_inflected_forms(tiers):
    hits, _ = search(tiers, '"pašvaldība sadarboties"')
    assert {hit.path for hit in hits} >= {"/p1.pdf"}


# The lemma dictionaries' lookup tables, kept in the cache folder between runs.

PROBES = ["pašvaldībām", "strādājošs", "nekāds", "savivaldybėse", "dirbdamas", "municipalities",
          "Rīga", "qwzx", "", "a", "\n", "zzzzzzzz", "žžž"]


def _simplemma_dictionary(lang):
    from simplemma.strategies.dictionaries.dictionary_factory import (
        DefaultDictionaryFactory,
    )

    return DefaultDictionaryFactory(cache_max_size=0).get_dictionary(lang)


@pytest.mark.parametrize("lang", ["lv", "lt", "en"])
def test_the_lookup_table_holds_the_dictionary_and_is_read_back(lang, tmp_path, monkeypatch):
    from simplemma.strategies.dictionaries.dictionary_factory import (
        DefaultDictionaryFactory,
    )

    from archive.analysis import lemmas

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    dictionary = _simplemma_dictionary(lang)
    built = lemmas._load(lang)
    in_order = list(built)
    assert in_order == sorted(dictionary, key=str.encode)
    words = in_order[::97]
    neighbours = [f"{a}\n{b}" for a, b in zip(in_order[::97], in_order[1::97], strict=False)]
    probes = PROBES + words + [word + "x" for word in words] + [word[:-1] for word in words]
    probes += neighbours  # two words of one block, as the block holds them
    assert [built.get(word) for word in probes] == [dictionary.get(word) for word in probes]
    assert len(list(tmp_path.glob(f"archive/lemmas-{lang}-*.marshal"))) == 1

    def build_again(self, lang):
        raise AssertionError("built again instead of read")

    monkeypatch.setattr(DefaultDictionaryFactory, "get_dictionary", build_again)
    restored = lemmas._load(lang)
    assert restored is not built
    assert [restored.get(word) for word in probes] == [dictionary.get(word) for word in probes]


def test_a_broken_or_stale_table_is_built_again(tmp_path, monkeypatch):
    from archive.analysis import lemmas, tables

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    def answers():
        table = lemmas._load("lv")
        return [table.get(word) for word in PROBES]

    expected = answers()
    (saved,) = tmp_path.glob("archive/*.marshal")
    size = saved.stat().st_size
    for broken in (saved.read_bytes()[:1000], b"", b"\x00garbage"):
        saved.write_bytes(broken)
        assert answers() == expected
        assert saved.stat().st_size == size  # saved again, whole
    path, source = lemmas._saved_path("lv")
    tables._save(path, (0, 0, 0), tables._read_saved(path, source))  # another dictionary file's
    assert tables._read_saved(path, source) is None
    assert answers() == expected
    assert tables._read_saved(path, source) is not None


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    from archive.analysis import lemmas

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    dictionary, table = _simplemma_dictionary("lv"), lemmas._load("lv")
    assert [table.get(word) for word in PROBES] == [dictionary.get(word) for word in PROBES]
    assert blocked.read_text() == "not a folder"


def test_without_a_home_folder_the_table_is_built_and_not_kept(tmp_path, monkeypatch):
    from pathlib import Path

    from archive.analysis import lemmas

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", no_home)
    monkeypatch.chdir(tmp_path)
    dictionary, table = _simplemma_dictionary("lv"), lemmas._load("lv")
    assert [table.get(word) for word in PROBES] == [dictionary.get(word) for word in PROBES]
    assert list(tmp_path.iterdir()) == []


def test_two_installations_of_one_simplemma_share_a_table(tmp_path, monkeypatch):
    """A table is kept by its dictionary file's content, not the file's time (an installation's
    time): two environments would otherwise each build it again over the other's."""
    import os

    from simplemma.strategies.dictionaries import dictionary_factory

    from archive.analysis import lemmas

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    here = lemmas._saved_path("lv")
    other = tmp_path / "other-installation"
    other.mkdir()
    copy = other / "lv.plzma"
    copy.write_bytes((dictionary_factory.DATA_FOLDER / "lv.plzma").read_bytes())
    os.utime(copy, (1, 1))
    monkeypatch.setattr(dictionary_factory, "DATA_FOLDER", other)
    assert lemmas._saved_path("lv") == here
    copy.write_bytes(copy.read_bytes()[:-1] + b"\x00")  # another dictionary
    assert lemmas._saved_path("lv")[1] != here[1]
