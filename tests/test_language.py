import json

import pytest
from click.testing import CliRunner

from archive.analysis import LANGUAGES
from archive.text import fold
from cli import main
from conftest import make_pptx
from indexer.language import Detection, detect, page_language, tag_pages
from indexer.model import Page

SENTENCES = {
    "lv": "Pašvaldības informācijas birojs palīdz iedzīvotājiem saņemt pakalpojumus vienuviet.",
    "lt": "Savivaldybės darbuotojai kasdien tobulina procesus ir mažina nereikalingą darbą.",
    "en": "The municipality improves its internal processes with the help of its employees.",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_detects_each_language(lang):
    found = detect(SENTENCES[lang])
    assert found.lang == lang
    assert found.confidence > 0.99


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_detects_each_language_without_diacritics(lang):
    assert detect(fold(SENTENCES[lang])).lang == lang


SHORT_TITLES = [
    ("lv", "Sadarbība ar uzņēmējiem"),
    ("lv", "Informācijas birojs"),
    ("lv", "Paldies!"),
    ("lt", "Savivaldybės įvaizdis"),
    ("lt", "Ačiū už dėmesį"),
    ("lt", "Kontaktai"),
    ("en", "Lessons learned"),
    ("en", "Thank you!"),
    ("en", "Customer service"),
    # Words both Baltic languages write, or that lose what told them apart with their
    # diacritics: how often each language uses them decides.
    ("lv", "Jauki!"),  # Lithuanian "jauki" (cosy) is rarer
    ("lv", "Tu esi"),
    ("lt", "Tuo metu"),
    ("lv", "Kontakti"),  # Lithuanian has "kontaktai"
    ("lv", "Mhm, labi."),
    ("lv", "projekta merki"),
    ("lv", "situacijas analize"),
    ("lt", "aciu uz demesi"),
    ("lt", "ivadas"),
]


@pytest.mark.parametrize("lang, title", SHORT_TITLES, ids=[t for _, t in SHORT_TITLES])
def test_short_titles(lang, title):
    assert detect(title).lang == lang


def test_word_frequencies_are_wordfreqs_lists(tmp_path, monkeypatch):
    import math
    from pathlib import Path

    import wordfreq

    from indexer import word_frequencies

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    word_frequencies._table.cache_clear()
    listed = {lang: wordfreq.get_frequency_dict(lang, "small") for lang in LANGUAGES}
    probes = {word for words in listed.values() for word in list(words)[::211]
              if word.isalpha()} | {"aha", "kontakti", "kontaktai", "xyzzyq"}

    def expected(word):
        return tuple(round(math.log10(listed[lang][word]) + 9, 2) if word in listed[lang] else None
                     for lang in LANGUAGES)

    assert {word: word_frequencies.zipf(word, False) for word in probes} == \
        {word: expected(word) for word in probes}
    aciu = sum(frequency for word, frequency in listed["lt"].items() if fold(word) == "aciu")
    assert aciu > listed["lt"]["ačiū"]  # "ačiū", "aciu", "ačiu", ...
    assert word_frequencies.zipf("aciu", True)[1] == round(math.log10(aciu) + 9, 2)
    assert word_frequencies.zipf("ačiū", True) == word_frequencies.NOWHERE  # folded words only
    assert word_frequencies.list_path("lt") == Path(wordfreq.available_languages("small")["lt"])
    assert len(list(tmp_path.glob("archive/frequencies-*.table"))) == 2

    def read_again(*args):
        raise AssertionError("built again instead of read")

    monkeypatch.setattr(wordfreq, "get_frequency_dict", read_again)
    word_frequencies._table.cache_clear()
    assert {word: word_frequencies.zipf(word, False) for word in probes} == \
        {word: expected(word) for word in probes}


@pytest.mark.parametrize(
    "text",
    ["", "2018 2019 2020", "12 %  45,6  — 7", "https://www.sodra.lt/", "A. B.", "LT-12345",
     "info@daugavpils.lv", "Debra Perlingiere"],
)
def test_pages_without_linguistic_text_have_no_language(text):
    assert page_language(text) == Detection(None, 0.0)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("e-pasts: ilzev@jr.lv", "lv"), ("Rašykite: info@sodra.lt", "lt"),
     ("Write to us: info@rezekne.lv", "en")],  # the address's domain weighs less than the text
)
def test_an_address_counts_by_its_domain_not_its_words(text, lang):
    assert detect(text).lang == lang


def test_detection_repeats_exactly():
    text = "Sadarbība ar uzņēmējiem"
    assert len({detect(text) for _ in range(20)}) == 1


def test_document_language_shares_and_short_pages_lean_on_it():
    pages = [
        Page(1, "LEAN diegimas"),  # two words: too short to judge alone
        Page(2, SENTENCES["lt"]),
        Page(3, SENTENCES["lt"] + " " + SENTENCES["lt"]),
        Page(4, SENTENCES["en"]),
        Page(5, "2018"),
    ]
    result = tag_pages(pages)
    assert result.main == "lt"
    assert [p.lang for p in result.pages] == ["lt", "lt", "lt", "en", None]
    assert [p.text for p in result.pages] == [p.text for p in pages]
    assert set(result.shares) == {"lt", "en"} and result.shares["lt"] > result.shares["en"]
    assert sum(result.shares.values()) == pytest.approx(1.0, abs=0.01)


def test_a_slide_in_another_language_keeps_its_own_language():
    pages = [Page(n, SENTENCES["lv"]) for n in range(1, 5)] + [Page(5, SENTENCES["lt"])]
    result = tag_pages(pages)
    assert result.main == "lv"
    assert result.pages[-1].lang == "lt"


def test_document_without_text_has_no_language():
    result = tag_pages([Page(1, ""), Page(2, "42")])
    assert (result.main, result.shares) == (None, {})
    assert [p.lang for p in result.pages] == [None, None]


def test_mixed_deck_slide_is_found_with_its_own_language(tmp_path):
    deck = make_pptx(tmp_path / "mixed.pptx", [
        {"title": "Pašvaldības sadarbība", "texts": [SENTENCES["lv"]]},
        {"title": "Informācijas birojs", "texts": [SENTENCES["lv"]]},
        {"title": "Savivaldybių patirtis", "texts": [SENTENCES["lt"]]},
        {"title": "Secinājumi", "texts": [SENTENCES["lv"]]},
    ])
    index = tmp_path / "idx"
    runner = CliRunner()
    assert runner.invoke(main, ["--index", str(index), "index", str(deck)]).exit_code == 0
    result = runner.invoke(main, ["--index", str(index), "search", "procesus", "--lang", "lt", "--json"])
    hits = json.loads(result.stdout)
    assert [(hit["page"], hit["lang"], hit["doc_lang"]) for hit in hits] == [(3, "lt", "lv")]
    assert runner.invoke(main, ["--index", str(index), "search", "procesus", "--lang", "lv"]).stdout == ""
    stats = json.loads(runner.invoke(main, ["--index", str(index), "stats", "--json"]).stdout)
    assert stats["documents_by_lang"] == {"lv": 1}
    assert stats["documents_with_lang"] == {"lt": 1, "lv": 1}
    assert stats["pages_by_lang"] == {"lv": 3, "lt": 1}


def test_detect_command_reads_lines_and_prints_json():
    runner = CliRunner()
    result = runner.invoke(main, ["detect"], input="Sadarbība ar uzņēmējiem\n2018\nThank you\n")
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["lv", "none", "en"]
    result = runner.invoke(main, ["detect", "--json", "Ačiū už dėmesį"])
    data = json.loads(result.stdout)
    assert data["lang"] == "lt" and 0.5 < data["confidence"] <= 1
