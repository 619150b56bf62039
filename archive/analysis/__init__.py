"""Per-language analysis: from a page's text to the terms the index holds.

Each word of a page gives two terms: its exact spelling, lower-cased ("pašvaldībām"), and its
key in the page's language, shared by the word's inflected forms ("pašvaldīb"). A word typed
without diacritics reaches the key through the index's vocabulary ("pasvaldibam" ->
"pašvaldīb"), and ranks below the word's real spellings.

Index keys use a lemma dictionary (simplemma) where it knows the word; queries never load it.
A query word instead takes the key the index recorded for that spelling (see
`archive.vocabulary`) and the rule-based key of each language, so it matches across languages
without being told which one it is in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from archive.analysis import english, latvian, lithuanian
from archive.text import fold

LANGUAGES = ("lv", "lt", "en")
_MODULES = {"lv": latvian, "lt": lithuanian, "en": english}
WORD = re.compile(r"\w+")


class Token(NamedTuple):  # not a dataclass: see archive.results
    text: str  # lower case, as it stands in the text
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The words of TEXT, lower-cased; TEXT must already be NFC (the indexer's text is)."""
    for match in WORD.finditer(text):
        yield Token(match.group().lower(), match.start(), match.end())


def normalize_query(text: str) -> str:
    """What people type may hold decomposed diacritics (macOS input): compose them."""
    return unicodedata.normalize("NFC", text)


def index_key(word: str, lang: str | None) -> str:
    """The key under which the index files WORD (lower case) on a page in LANG."""
    module = _MODULES.get(lang)
    return module.index_key(word) if module else word


def query_key(word: str, lang: str) -> str:
    """The rule-based key of WORD in LANG, without the lemma dictionary."""
    return _MODULES[lang].key(word)


def folded_key(word: str, lang: str) -> str:
    """The diacritic-free key of WORD in LANG, whether or not WORD was typed with diacritics."""
    module = _MODULES[lang]
    return module.folded_key(word) if fold(word) == word else fold(module.key(word))


class PageTerms(NamedTuple):
    exact: str  # space-separated, one term per word, in order
    keys: str  # the key of each word, in the same order
    lang: str | None

    def vocabulary(self) -> set[tuple[str, str, str]]:
        """(spelling, language, key) of each word, for the index's vocabulary."""
        if self.lang not in _MODULES:
            return set()
        return {(word, self.lang, key)
                for word, key in zip(self.exact.split(), self.keys.split(), strict=True)}


def page_terms(text: str, lang: str | None) -> PageTerms:
    """The terms of a page of TEXT in LANG (None: no language). Needs the lemma dictionary."""
    words = [word.lower() for word in WORD.findall(text)]  # `tokens`, without their offsets
    exact = " ".join(words)
    module = _MODULES.get(lang)  # each word's key as `index_key` gives it, without a call a word
    return PageTerms(exact, " ".join(map(module.index_key, words)) if module else exact, lang)


class Analyzed(NamedTuple):
    token: str
    key: str
    folded: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"token": self.token, "key": self.key, "folded": self.folded,
                "start": self.start, "end": self.end}


def analyze(text: str, lang: str) -> list[Analyzed]:
    """The index keys of TEXT's words in LANG, as `archive analyze` prints them."""
    result = []
    for token in tokens(normalize_query(text)):
        key = index_key(token.text, lang)
        result.append(Analyzed(token.text, key, fold(key), token.start, token.end))
    return result
