import pytest

from indexer.language import detect, tag_pages
from indexer.model import Page

SENTENCES = {
    "lv": "Pašvaldības informācijas birojs palīdz iedzīvotājiem saņemt pakalpojumus vienuviet.",
    "lt": "Savivaldybės darbuotojai kasdien tobulina procesus ir mažina nereikalingą darbą.",
    "en": "The municipality improves its internal processes with the help of its employees.",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_detects_each_language(lang):
    found, prob = detect(SENTENCES[lang])
    assert found == lang
    assert prob > 0.9


@pytest.mark.parametrize(
    "text", ["", "2018 2019 2020", "12 %  45,6  — 7", "https://www.sodra.lt/", "A. B.", "LT-12345"]
)
def test_text_without_words_has_no_language(text):
    assert detect(text) == (None, 0.0)


def test_detection_repeats_exactly():
    text = "Sadarbība ar uzņēmējiem"
    assert len({detect(text) for _ in range(20)}) == 1


def test_document_language_is_that_of_most_text_and_short_pages_follow_it():
    pages = [
        Page(1, "LEAN diegimas"),  # two words: too short to judge alone
        Page(2, SENTENCES["lt"]),
        Page(3, SENTENCES["lt"] + " " + SENTENCES["lt"]),
        Page(4, SENTENCES["en"]),
        Page(5, "2018"),
    ]
    tagged, doc_lang = tag_pages(pages)
    assert doc_lang == "lt"
    assert [p.lang for p in tagged] == ["lt", "lt", "lt", "en", None]
    assert [p.text for p in tagged] == [p.text for p in pages]


def test_a_slide_in_another_language_keeps_its_own_language():
    pages = [Page(n, SENTENCES["lv"]) for n in range(1, 5)] + [Page(5, SENTENCES["lt"])]
    tagged, doc_lang = tag_pages(pages)
    assert doc_lang == "lv"
    assert tagged[-1].lang == "lt"


def test_document_without_text_has_no_language():
    tagged, doc_lang = tag_pages([Page(1, ""), Page(2, "42")])
    assert doc_lang is None
    assert [p.lang for p in tagged] == [None, None]
