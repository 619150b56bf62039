"""Inflection and diacritics: what search understands of Latvian, Lithuanian and English."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.analysis import (
    analyze,
    folded_key,
    index_keys,
    page_terms,
    rule_key,
    search_keys,
    tokens,
    word_languages,
)
from archive.query import search
from archive.store import Archive
from archive.text import fold
from archive.words import lemmas
from indexer.model import Document, Page


def finds(query: str, form: str, lang: str) -> bool:
    """Whether a search for QUERY looks for a key a page in LANG files FORM under."""
    return bool(set(search_keys(query, lang)) & set(index_keys(form, lang)))


# Forms of one word from grammar tables, not from any treebank.
SAME_WORD = [
    ("lv", ["pašvaldība", "pašvaldības", "pašvaldībai", "pašvaldību", "pašvaldībā", "pašvaldībām"]),
    ("lv", ["strādāt", "strādāju", "strādā", "strādājam", "strādāja", "strādās", "nestrādāja"]),
    ("lv", ["uzņēmējs", "uzņēmēja", "uzņēmējam", "uzņēmēji", "uzņēmējiem", "uzņēmējus"]),
    ("lv", ["liels", "lielā", "lielais", "lielajā", "lielāks", "lielākais"]),
    # definite and superlative forms the dictionary lists as lemmas of their own
    ("lv", ["jauns", "jaunie", "jaunais", "jaunākie", "visjaunākajā", "jaunam"]),
    ("lv", ["pieņemt", "pieņem", "pieņēma", "pieņemts", "pieņemtie"]),  # a consonant + -t verb
    ("lv", ["nākt", "nāk", "nāca", "nācis", "nākuši", "nākušās"]),  # short forms, a participle
    ("lv", ["apvienoties", "apvienojās", "apvienojoties", "apvienojušies"]),
    ("lt", ["savivaldybė", "savivaldybės", "savivaldybei", "savivaldybėje", "savivaldybių",
            "savivaldybėms", "savivaldybėse"]),
    ("lt", ["dirbti", "dirba", "dirbame", "dirbo", "dirbs", "dirbtų", "dirbdamas"]),
    ("lt", ["planuoti", "planuoja", "planavo", "planuojamas", "planuojami"]),
    ("lt", ["gyventojas", "gyventojo", "gyventojui", "gyventoją", "gyventojai", "gyventojų"]),
    ("lt", ["atsirasti", "atsiranda", "atsirado", "atsirandant", "atsirandančią"]),
    ("lt", ["neturėti", "neturi", "neturime", "neturės"]),  # a negated verb is a word of its own
    ("lt", ["leisti", "leido", "leidžia", "leistas", "leista"]),  # "leisti" is leistas's too
    ("lt", ["apsaugoti", "apsaugo", "apsaugojo", "apsauganti", "apsaugantis"]),
    ("lt", ["grąžinti", "grąžino", "grąžina", "grąžintas"]),  # forms the dictionary lacks
    ("en", ["municipality", "municipalities"]),
    ("en", ["work", "works", "worked", "working"]),
]


@pytest.mark.parametrize("lang, forms", SAME_WORD, ids=[forms[0] for _, forms in SAME_WORD])
def test_forms_of_a_word_find_each_other(lang, forms):
    assert [(a, b) for a in forms for b in forms if not finds(a, b, lang)] == []


# Paradigms of made-up words no dictionary lists: the rules alone must key their forms alike,
# for every root, not for the words the tests name.
PARADIGMS = [
    ("lv", "s a am u ā i iem us os", ["kārklap", "dzelmvad", "smilgon"]),  # 1st declension
    ("lv", "is a im i ī iem us os", ["dzelmvād", "klintēn"]),  # 2nd
    ("lv", "a as ai u ā ām ās", ["smilgon", "vēršum", "klinten"]),  # 4th
    ("lv", "e es ei i ē ēm ēs", ["smilgon", "vēršum", "klinten"]),  # 5th
    ("lv", "s a am u ā i iem us os as ai ām ās ais ajam o ajā ie ajiem ajos ajai ajām ajās",
     ["dzelmvad", "smilgon"]),  # an adjective, indefinite and definite
    ("lt", "as o ui ą e ai ams us ais uose", ["kelmuk", "bružyn"]),
    ("lt", "a os ai ą oje ų oms omis ose", ["kelmuk", "sodrink", "bružyn"]),
    ("lt", "ė ės ei ę ėje ių ėms es ėmis ėse", ["kelmuk", "šarvont", "bružyn"]),
]


@pytest.mark.parametrize("lang, endings, roots", PARADIGMS, ids=[f"{l}:{e[:12]}" for l, e, _ in PARADIGMS])
def test_the_rules_key_the_forms_of_a_word_no_dictionary_lists_alike(lang, endings, roots):
    for root in roots:
        forms = [root + ending for ending in endings.split()]
        assert not any(lemmas.is_known(form, lang) for form in forms)
        assert [(a, b) for a in forms for b in forms if not finds(a, b, lang)] == []


DIFFERENT_WORDS = [
    ("lv", "plāns", "plānot"),  # noun and verb of one root
    ("lv", "nākt", "nākties"),  # a verb and its reflexive
    ("lv", "dzīve", "dzīvot"),
    ("lv", "doma", "dome"),  # thought and council: one root, two words
    ("lv", "autors", "autore"),
    ("lv", "vakars", "vakar"),  # evening and yesterday, which does not inflect
    ("lv", "biežs", "bieži"),  # frequent and often
    ("lv", "gals", "gaļa"),  # end and meat: a lemma's soft consonant stays
    ("lv", "kases", "kas"),  # tills and who
    ("lt", "darbas", "darbuotojas"),  # Snowball merges these
    ("lt", "planas", "planuoti"),
    ("lt", "naudoti", "naudotis"),
    ("lt", "tikslus", "tiksliai"),  # precise and precisely
    ("lt", "turtas", "turėti"),  # wealth is no participle of "to have"
    ("lt", "dirbimas", "dirbti"),  # a noun made of a verb is a word of its own
    ("lt", "minti", "minėti"),  # tread and mention: the theme vowel tells them apart
    ("lt", "grąžinti", "grįžti"),  # give back and come back: a causative is a verb of its own
]


@pytest.mark.parametrize("lang, a, b", DIFFERENT_WORDS, ids=[f"{a}-{b}" for _, a, b in DIFFERENT_WORDS])
def test_different_words_keep_different_keys(lang, a, b):
    assert not finds(a, b, lang) and not finds(b, a, lang)


@pytest.mark.parametrize(
    "lang, typed, real",
    [
        ("lv", "pasvaldibam", "pašvaldībām"),
        ("lv", "uznemejiem", "uzņēmējiem"),
        ("lv", "stradaja", "strādāja"),
        ("lv", "aicinat", "aicināja"),  # an infinitive typed without its ā
        ("lv", "varet", "varēja"),
        ("lt", "savivaldybese", "savivaldybėse"),
        ("lt", "zemelapiu", "žemėlapių"),
    ],
)
def test_a_word_typed_without_diacritics_reaches_the_folded_key(lang, typed, real):
    assert folded_key(typed, lang) in {fold(key).split("#")[0] for key in index_keys(real, lang)}


def test_short_words_are_keyed_as_spelled_unless_the_dictionary_knows_them():
    assert index_keys("iso", "lv") == ("iso=",)  # not "is", Lithuanian "iš"
    assert index_keys("kas", "lv") != index_keys("kases", "lv")
    assert finds("nākt", "nāk", "lv")  # a verb's short form joins it


@pytest.mark.parametrize("word, lang, expected", [
    ("turas", "lt", {"lt", "lv"}),  # Latvian "turas" (holds on) is a word too: not "tur"
    ("siltums", "lv", {"lv"}),  # warmth: no Lithuanian key, which "šiltas" (warm) would match
    ("vakaras", "lt", {"lt"}),  # evening: not Latvian "vakar", yesterday
    ("jėgos", "lt", {"lt"}),
    ("yra", "lt", {"lt"}),  # Latvian writes no y
])
def test_a_query_word_takes_keys_only_in_languages_it_can_be_a_word_of(word, lang, expected):
    assert set(word_languages(word)) == expected


def test_pages_without_language_keep_words_as_they_are():
    terms = page_terms("LEAN 2018 Čačka", None)
    assert (terms.exact, terms.keys, terms.vocabulary()) == (
        "lean 2018 čačka", "lean 2018 čačka", set())


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(), st.sampled_from(["lv", "lt", "en", None]))
def test_every_word_gets_its_keys(text, lang):
    terms = page_terms(text, lang)
    words = terms.exact.split()
    assert words == [token.text for token in tokens(text)]
    assert len(terms.keys.split()) == len(words)
    assert all(key for keys in terms.keys.split() for key in keys.split("|"))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet="aābcčdeēfgģhiījkķlļmnņoprsštuūvzžąęėįųy", min_size=1, max_size=14),
       st.sampled_from(["lv", "lt", "en"]))
def test_keys_never_fail(word, lang):
    assert rule_key(word, lang) and index_keys(word, lang) and search_keys(word, lang)
    assert folded_key(word, lang) == fold(folded_key(word, lang))


def test_analyze_reports_tokens_and_keys():
    result = analyze("Savivaldybės dirbo", "lt")
    assert [(a.token, a.keys, a.start, a.end) for a in result] == [
        ("savivaldybės", ("savivaldyb#ė",), 0, 12), ("dirbo", ("dirb~#",), 13, 18)]


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
    # forms no slide holds, which found nothing before (issue 20)
    ("lv", "Latvija", "06_", "latvijas"),
    ("lv", "iedzīvotāja", "04_", "iedzīvotājs"),
    ("lv", "veido", "16_", "veidot"),
    ("lv", "birojos", "04_", "birojs"),
    ("lv", "karšu", "05_", "karte"),
    ("lv", "risinātu", "04_", "risina"),
    ("lt", "reklamos", "12_", "reklama"),
    ("lt", "sienų", "01_", "sienos"),
    ("lt", "naujiems", "14_", "naujas"),
    ("lt", "dideliems", "01_", "didelis"),
    ("lt", "patirtimi", "02_", "patirtis"),
    ("lt", "tokio", "07_", "tokius"),
    # and others like them
    ("lv", "darbinieku", "05_", "darbiniekus"),
    ("lv", "mantojumiem", "16_", "mantojumu"),
    ("lv", "pakalpojumā", "04_", "pakalpojumiem"),
    ("lt", "sprendimams", "14_", "sprendimus"),
    ("lt", "rodikliais", "15_", "rodiklių"),
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
def two_languages(tmp_path):
    """Latvian and Lithuanian pages whose words look alike and are other words."""
    pages = {
        "/lt.pdf": ("lt", "Turas po Latviją buvo ilgas. Vakaras buvo šiltas. Jėgos ir valios."),
        "/lv.pdf": ("lv", "Tur ir skaista māja. Vakar bija silti. Siltums mājā, jēga darbā."),
    }
    archive = Archive.create(tmp_path / "idx")
    with archive.writer() as writer:
        for path, (lang, text) in pages.items():
            writer.replace(Document(path=path, format="pdf", title=None, author=None,
                                    pages=(Page(1, text, lang),), lang=lang))
    yield archive
    archive.close()


@pytest.mark.parametrize("query, path", [
    ("turas", "/lt.pdf"), ("turai", "/lt.pdf"), ("vakaras", "/lt.pdf"), ("vakaro", "/lt.pdf"),
    ("siltums", "/lv.pdf"), ("siltumu", "/lv.pdf"), ("vakar", "/lv.pdf"), ("tur", "/lv.pdf"),
])
def test_a_word_does_not_find_the_other_languages_homograph(two_languages, query, path):
    hits, _ = search(two_languages, query)
    assert {hit.path for hit in hits} == {path}


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

    from archive.words import lemmas

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
    assert len(list(tmp_path.glob(f"archive/lemmas-{lang}-*.table"))) == 1

    def build_again(self, lang):
        raise AssertionError("built again instead of read")

    monkeypatch.setattr(DefaultDictionaryFactory, "get_dictionary", build_again)
    restored = lemmas._load(lang)
    assert restored is not built
    assert [restored.get(word) for word in probes] == [dictionary.get(word) for word in probes]


@given(st.lists(st.text("abcčž", min_size=1, max_size=6), min_size=1, max_size=200),
       st.text("abcčž", min_size=1, max_size=4))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_a_table_knows_which_prefixes_start_its_words(words, prefix):
    from archive.words.tables import BlockDictionary

    encoded = sorted({word.encode() for word in words})
    table = BlockDictionary.of((word, b"") for word in encoded)
    assert table.has_prefix(prefix) == any(word.startswith(prefix.encode()) for word in encoded)


def test_a_broken_or_stale_table_is_built_again(tmp_path, monkeypatch):
    from archive.words import lemmas, tables

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    def answers():
        table = lemmas._load("lv")
        return [table.get(word) for word in PROBES]

    expected = answers()
    (saved,) = tmp_path.glob("archive/*.table")
    whole = saved.read_bytes()
    for broken in (whole[:1000], b"", b"\x00garbage", whole[:-1], whole + b"x"):
        saved.write_bytes(broken)
        assert answers() == expected
        assert saved.read_bytes() == whole  # saved again, whole
    path, source = lemmas._saved_path("lv")
    tables._save(path, ("another dictionary file",), lemmas._load("lv"))
    assert tables._open(path, source) is None
    assert answers() == expected
    assert tables._open(path, source) is not None


def test_a_search_looks_words_up_in_the_tables_the_index_names(tmp_path, monkeypatch):
    """Mapped, not read: a search opens them in a millisecond, and never imports simplemma."""
    import subprocess
    import sys

    from archive.words import lemmas

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lemmas._load("lv")
    (name,) = (path.name for path in tmp_path.glob("archive/lemmas-lv-*"))
    code = (
        "import sys\n"
        "from archive.analysis import search_keys\n"
        "from archive.words import lemmas\n"
        f"lemmas.select({{'lv': {name!r}}})\n"
        "print(lemmas.lookup('iedzīvotāja', 'lv'), search_keys('iedzīvotāja', 'lv')[0])\n"
        "print('simplemma' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**__import__("os").environ})
    assert result.stdout.split() == ["iedzīvotājs", "iedzīvotāj#s", "False"]


def test_without_the_indexs_tables_a_search_keys_words_by_the_rules(tmp_path, monkeypatch, caplog):
    from archive.words import lemmas

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(lemmas, "_SELECTED", {"lv": "lemmas-lv-gone.table"})
    monkeypatch.setattr(lemmas, "_LOADED", {})
    lemmas._selected.cache_clear()
    lemmas.lookup.cache_clear()
    try:
        assert lemmas.lookup("iedzīvotāja", "lv") is None and not lemmas.available("lv")
        assert "run `archive index`" in caplog.text
    finally:
        lemmas._selected.cache_clear()
        lemmas.lookup.cache_clear()


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    from archive.words import lemmas

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    dictionary, table = _simplemma_dictionary("lv"), lemmas._load("lv")
    assert [table.get(word) for word in PROBES] == [dictionary.get(word) for word in PROBES]
    assert blocked.read_text() == "not a folder"


def test_without_a_home_folder_the_table_is_built_and_not_kept(tmp_path, monkeypatch):
    from pathlib import Path

    from archive.words import lemmas

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

    from archive.words import lemmas

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


@pytest.mark.parametrize("lang", ["lv", "lt"])
def test_simplemma_s_dictionary_read_a_record_at_a_time_is_its_public_loader_s(
        lang, monkeypatch):
    from archive.words import simplemma_reader

    assert simplemma_reader.enabled()  # the release setup.cfg asks for
    streamed = list(simplemma_reader.entries(lang))
    monkeypatch.setenv("ARCHIVE_PLAIN_SIMPLEMMA", "1")
    assert not simplemma_reader.enabled()
    assert list(simplemma_reader.entries(lang)) == streamed and len(streamed) > 50_000
    assert simplemma_reader.dictionary_file(lang).is_file()


def _lithuanian_pages(tmp_path, pages: dict[str, str]) -> Archive:
    """An index of one Lithuanian page a file: PAGES maps each path to its text."""
    archive = Archive.create(tmp_path / "idx")
    with archive.writer() as writer:
        for path, text in pages.items():
            writer.replace(Document(path=path, format="pdf", title=None, author=None,
                                    pages=(Page(1, text, "lt"),), lang="lt"))
    return archive


@pytest.fixture
def read_two_ways(tmp_path):
    """Lithuanian pages whose words the dictionary reads as verbs' forms, and that are also
    forms of nouns it lists: "vertės" (of vertėti; and of vertė, value), "aukos" (of aukoti;
    and of auka, a donation), "bado" (of badyti; and of badas, famine)."""
    pages = {
        "/verte.pdf": "Projekto vertės skaičiavimas.",
        "/auka.pdf": "Gyventojų aukos bendruomenei.",
        "/badas.pdf": "Bado metai kaime.",
        "/butu.pdf": "Tai būtų gera pradžia.",  # a conditional: no noun's form
    }
    archive = _lithuanian_pages(tmp_path, pages)
    yield archive
    archive.close()


@pytest.mark.parametrize("query, path", [
    ("vertė", "/verte.pdf"), ("verte", "/verte.pdf"), ("vertę", "/verte.pdf"),
    ("auka", "/auka.pdf"), ("auką", "/auka.pdf"), ("badas", "/badas.pdf"), ("badu", "/badas.pdf"),
])
def test_a_verbs_form_that_is_also_a_nouns_is_found_by_the_noun(read_two_ways, query, path):
    hits, _ = search(read_two_ways, query, lang="lt", limit=None)
    assert [hit.path for hit in hits] == [path]


def test_a_conditional_is_no_participles_form(read_two_ways):
    assert index_keys("būtų", "lt") == ("bū~#",)
    assert search(read_two_ways, "būtas", lang="lt")[1] == 0


@pytest.fixture
def one_root(tmp_path):
    """Lithuanian pages with two words of one root: a man and a woman who represent, and an
    adjective."""
    pages = {
        "/atstovas.pdf": "Savivaldybės atstovas kalbėjo ilgai.",
        "/atstove.pdf": "Mūsų atstovė pristatė planą.",
        "/pazangus.pdf": "Pažangus sprendimas mokykloms.",
    }
    archive = _lithuanian_pages(tmp_path, pages)
    yield archive
    archive.close()


@pytest.mark.parametrize("query, paths", [
    ("atstovės", {"/atstove.pdf"}),  # of the ė-declension only: not of atstovas
    ("atstoves", {"/atstove.pdf"}),  # the same, typed without diacritics
    ("atstove", {"/atstove.pdf", "/atstovas.pdf"}),  # atstovas's locative, or atstovė
    ("pažangioms", {"/pazangus.pdf"}),  # an adjective's feminine: of pažangus
    ("pažangesnėms", {"/pazangus.pdf"}),  # its comparative
])
def test_a_form_no_dictionary_lists_finds_the_words_of_its_root_it_can_be_a_form_of(
        one_root, query, paths):
    hits, _ = search(one_root, query, lang="lt", limit=None)
    assert {hit.path for hit in hits} == paths
